"""Presentation mode (F11): what a screen recording needs, and nothing else.

On: text x1.4 (plot titles, axis labels and ticks, legends, the transport bar),
lines and markers x1.4, the side panels hidden (keys 1-8 still choose the
class, Space/Right/R still train), and the window sized to the recording size
(View → Recording size: 1280x720 or 1920x1080). Off: everything as it was,
including the window's size and place.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, QRect, QSize, Qt
from PySide6.QtGui import QAction, QActionGroup, QFont, QKeySequence
from PySide6.QtWidgets import QScrollArea, QWidget

from ..plots.style import ThemedPlot

SCALE = 1.4
RECORDING_SIZES = (QSize(1280, 720), QSize(1920, 1080))
_MARGIN = 12  # px the transport bar keeps free at the window's edges


@dataclass
class _Saved:
    """What presentation mode changed, to put back."""

    geometry: QRect  # the window's place and size (inside the frame)
    maximized: bool
    panels_visible: bool
    fonts: list[tuple[QWidget, QFont, bool]]  # widget, its font, whether it had its own


class Presentation(QObject):
    """Presentation mode of one window; ``action`` is the F11 toggle."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.setObjectName("presentation")
        self.window = window
        self.size = RECORDING_SIZES[0]
        self._saved: _Saved | None = None
        self.action = QAction("&Presentation mode", window, checkable=True, objectName="presentationAction",
                              shortcut=QKeySequence("F11"))
        self.action.setToolTip("Larger text, thicker lines, no side panels, window at the recording size.")
        self.action.toggled.connect(self.set_enabled)
        # Plots restyle their items when data or the network change: scale the new pens too.
        window.add_frame_view(lambda frame: self._rescale_plots())
        window.session.datasetChanged.connect(self._rescale_plots)

    @property
    def enabled(self) -> bool:
        return self._saved is not None

    def set_enabled(self, enabled: bool) -> None:
        if enabled == self.enabled:
            return
        if enabled:
            self._enter()
        else:
            self._leave()
        if self.action.isChecked() != enabled:
            self.action.setChecked(enabled)

    def set_recording_size(self, size: QSize) -> None:
        """Use ``size`` for presentation mode, and resize the window to it now."""
        self.size = QSize(size)
        if self.window.isMaximized() or self.window.isFullScreen():
            self.window.showNormal()
        self.window.resize(self.size)

    # ------------------------------------------------------------------ switching
    def _enter(self) -> None:
        window = self.window
        panels = window.findChild(QScrollArea, "sidePanels")
        normal = window.normalGeometry() if window.isMaximized() else window.geometry()
        self._saved = _Saved(QRect(normal), window.isMaximized(),
                             panels is not None and panels.isVisible(), [])
        if panels is not None:
            panels.hide()
        self._scale_fonts(window.centralWidget(), SCALE)
        self._fit_transport()
        for plot in window.findChildren(ThemedPlot):
            plot.set_presentation_scale(SCALE)
        self.set_recording_size(self.size)

    def _leave(self) -> None:
        saved, self._saved = self._saved, None
        window = self.window
        for plot in window.findChildren(ThemedPlot):
            plot.set_presentation_scale(1.0)
        for widget, font, own in reversed(saved.fonts):
            widget.setFont(font if own else QFont())  # QFont(): inherit from the parent again
            widget.setAttribute(Qt.WidgetAttribute.WA_SetFont, own)
        panels = window.findChild(QScrollArea, "sidePanels")
        if panels is not None:
            panels.setVisible(saved.panels_visible)
        window.setGeometry(saved.geometry)
        if saved.maximized:
            window.showMaximized()

    def _scale_fonts(self, root: QWidget, factor: float) -> None:
        """Scale ``root``'s font and every descendant font set on its own (those do not inherit)."""
        for widget in [root, *root.findChildren(QWidget)]:
            own = widget.testAttribute(Qt.WidgetAttribute.WA_SetFont)
            if widget is not root and not own:
                continue
            self._saved.fonts.append((widget, QFont(widget.font()), own))
            font = QFont(widget.font())
            font.setPointSizeF(font.pointSizeF() * factor)
            widget.setFont(font)

    def _fit_transport(self) -> None:
        """Shrink the transport bar's text back until it fits the recording width without clipping."""
        transport = self.window.transport
        available = self.size.width() - _MARGIN
        font = QFont(transport.font())
        while transport.sizeHint().width() > available and font.pointSizeF() > 10.5:
            font.setPointSizeF(font.pointSizeF() - 0.5)
            if not any(widget is transport for widget, _, _ in self._saved.fonts):
                self._saved.fonts.append((transport, QFont(transport.font()),
                                          transport.testAttribute(Qt.WidgetAttribute.WA_SetFont)))
            transport.setFont(font)

    def _rescale_plots(self, *_: object) -> None:
        if self.enabled:
            for plot in self.window.findChildren(ThemedPlot):
                plot.rescale_items()


def presentation(window) -> Presentation:
    """The window's :class:`Presentation`, created on first use."""
    found = window.findChild(Presentation, "presentation")
    return found if found is not None else Presentation(window)


def set_presentation(window, enabled: bool) -> None:
    """Switch presentation mode on or off (for ``--presentation`` and the F11 action)."""
    presentation(window).set_enabled(enabled)


def install_presentation(window) -> Presentation:
    """View → Presentation mode (F11) and View → Recording size."""
    mode = presentation(window)
    menu = window.menu("&View")
    menu.addAction(mode.action)
    sizes = menu.addMenu("Recording si&ze")
    sizes.setObjectName("recordingSizeMenu")
    group = QActionGroup(sizes)
    for size in RECORDING_SIZES:
        action = group.addAction(QAction(f"{size.width()}×{size.height()}", sizes, checkable=True))
        action.setObjectName(f"recordingSize-{size.width()}x{size.height()}")
        action.setChecked(size == mode.size)
        action.setToolTip("Resize the window to this size; presentation mode uses it too.")
        action.triggered.connect(lambda checked=False, s=size: mode.set_recording_size(s))
        sizes.addAction(action)
    return mode
