"""Presentation mode (View → Presentation mode, Ctrl+Shift+P) and full screen (F11).

Presentation mode is what a screen recording needs: text x1.4 (plot titles,
axis labels and ticks, legends, the timeline, the transport bar, the status
bar), lines and markers x1.4, the side panels replaced by the lesson strip
(learning rate, activation, layers; the transport bar keeps Play, Step and
Reset), and the window sized to the recording size (View → Recording size:
1280x720 or 1920x1080) unless it is full screen. The decision boundary, the
picture a lesson is about, takes the whole height of the plots area at the
left, with the activation space and the curves beside it: in its row, at
1280x720, the boundary's square view got 220 px of height (what the curves
below, the timeline, the lesson strip and the transport bar left), less than
the activation space beside it. Off: everything as it was, including the
window's size and place and the boundary back in its row.

Below the activation space the loss and the gradient norms are two tabs of
one view, each as wide as the column: side by side at 1280x720, the loss plot's
data area was 72 px wide (an axis on each side, in the larger text), too narrow
for one epoch tick, and 40 px with the Transforms dock open. The docks' text
is scaled too, whenever they are built.

Full screen (F11) is a separate choice: the window takes the whole screen,
in presentation mode or not.

The fonts to put back are kept on the widgets themselves (a dynamic property),
never in a list of widgets: panels rebuild their rows while presentation mode is
on (a New session, a preset with other layers), and a deleted row must not be
touched on the way out.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, QRect, QSize, Qt, QTimer
from PySide6.QtGui import QAction, QActionGroup, QFont, QKeySequence
from PySide6.QtWidgets import QApplication, QBoxLayout, QDockWidget, QLayout, QScrollArea, QTabBar, QTabWidget, QWidget

from ..plots.style import ThemedPlot
from .curve_room import CurveRoom
from .lesson_strip import LessonStrip
from .screen_fit import resize_on_screen
from .side_room import SideRoom

SCALE = 1.4
RECORDING_SIZES = (QSize(1280, 720), QSize(1920, 1080))
_MARGIN = 12  # px the transport bar keeps free at the window's edges
_MIN_TRANSPORT_PT = 10.5  # the transport bar's text shrinks back to fit, but not below this
_FONT = "presentationFont"  # the widget's font before presentation mode, as a dynamic property
_OWN = "presentationOwnFont"  # whether that font was the widget's own (not inherited)
# The boundary's column and the other plots' column share the width 3:2 (stretch factors): at
# 1280x720 the boundary's view is a square of 440 px, capped there by main_window.SquareColumn; with a
# dock beside the plots, 1:1 left it 317 px wide and 418 tall (narrower, it shows beyond the data).
_BOUNDARY_SHARE = (3, 2)
# Beside it the activation space above, the curves below, 1:1. The activation space keeps its aspect,
# so a short view is a strip showing -15..15 around points within -1..1: seen under Xvfb at 1280x720,
# 110 px tall at 2:3, and 94 px at 3:4 once its legend took a row above the view (the loss plot 145).
# At 1:1 the views are 133 and 106 px: the curves, one tab at a time and as wide as the column, keep
# their legend row and axis texts apart.
_RIGHT_ROWS = (1, 1)
CURVE_TABS = ("Loss", "Gradient norms")  # the tabs' names, in the order of the curves' row
_NO_MAXIMUM = (1 << 24) - 1  # Qt's QWIDGETSIZE_MAX (PySide6 does not export it)


@dataclass
class _Saved:
    """What presentation mode changed on the window, to put back."""

    geometry: QRect  # the window's place and size (inside the frame)
    maximized: bool
    panels_visible: bool
    boundary: _Moved | None = None  # where the boundary plot was before it took the full height
    curves: _Tabbed | None = None  # the curves' row, while its plots are tabs


@dataclass
class _Moved:
    """The boundary plot's place in its row of plots, and the rows' stretches, to put back."""

    row: QBoxLayout
    index: int
    stretch: int
    rows: QBoxLayout | None
    row_stretches: list[int]
    columns: QBoxLayout
    column_stretches: list[int]
    banner: tuple[QBoxLayout, int] | None = None  # the banner's layout and place above the plots beside it


@dataclass
class _Tabbed:
    """The curves' row while its boxes (the loss, the gradient norms) are the pages of ``tabs``."""

    row: QBoxLayout
    boxes: list[QWidget]  # in the row's order
    stretches: list[int]
    visible: list[bool]
    tabs: _CurveTabs
    room: CurveRoom  # hides the tab view while it has no room to be read, or a dock takes its place


class Presentation(QObject):
    """Presentation mode of one window; ``action`` is its toggle, ``full_screen_action`` F11's."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.setObjectName("presentation")
        self.window = window
        self.size = RECORDING_SIZES[0]
        self._saved: _Saved | None = None
        self.side_room = SideRoom(window)  # in presentation mode a dock replaces the diagram or the curves
        self.strip = LessonStrip(window.session, window)
        self.strip.hide()
        window.add_bottom_row(self.strip)
        self.action = QAction(
            "&Presentation mode",
            window,
            checkable=True,
            objectName="presentationAction",
            shortcut=QKeySequence("Ctrl+Shift+P"),
        )
        self.action.setToolTip(
            "Larger text, thicker lines, the lesson controls instead of the side panels, window at the recording size."
        )
        self.action.toggled.connect(self.set_enabled)
        self.full_screen_action = QAction(
            "&Full screen", window, checkable=True, objectName="fullScreenAction", shortcut=QKeySequence("F11")
        )
        self.full_screen_action.setToolTip("Fill the whole screen (F11 again: back to the window).")
        self.full_screen_action.toggled.connect(self.set_full_screen)
        window.installEventFilter(self)  # the window manager may leave full screen by itself
        # Plots restyle their items when data or the network change: scale the new pens too.
        window.add_frame_view(lambda frame: self._rescale_plots())
        window.session.datasetChanged.connect(self._rescale_plots)

    @property
    def enabled(self) -> bool:
        """Whether presentation mode is on."""
        return self._saved is not None

    def set_enabled(self, enabled: bool) -> None:
        """Switch presentation mode on or off (the action follows)."""
        if enabled == self.enabled:
            return
        if enabled:
            self._enter()
        else:
            self._leave()
        if self.action.isChecked() != enabled:
            self.action.setChecked(enabled)

    def set_full_screen(self, on: bool) -> None:
        """Show the window full screen, or as it was before (the action follows)."""
        window = self.window
        if on and not window.isFullScreen():
            window.showFullScreen()
        elif not on and window.isFullScreen():
            window.showNormal()
            if self.enabled:
                resize_on_screen(window, self.size)
        if self.full_screen_action.isChecked() != on:
            self.full_screen_action.setChecked(on)

    def set_recording_size(self, size: QSize) -> None:
        """Use ``size`` for presentation mode, and resize the window to it now."""
        self.size = QSize(size)
        window = self.window
        if window.isMaximized() or window.isFullScreen():
            window.showNormal()
        resize_on_screen(window, self.size)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if watched is self.window and event.type() == QEvent.Type.WindowStateChange:
            full = self.window.isFullScreen()
            if self.full_screen_action.isChecked() != full:
                self.full_screen_action.setChecked(full)
        return False

    # ------------------------------------------------------------------ switching
    def _enter(self) -> None:
        window = self.window
        panels = window.findChild(QScrollArea, "sidePanels")
        normal = window.normalGeometry() if window.isMaximized() or window.isFullScreen() else window.geometry()
        self._saved = _Saved(QRect(normal), window.isMaximized(), panels is not None and panels.isVisible())
        if panels is not None:
            panels.hide()
            self._saved.boundary = _boundary_full_height(window, panels)
        self.strip.show()
        for root in _text_roots(window):
            scale_fonts(root, SCALE)
        self._fit_transport()
        for plot in window.findChildren(ThemedPlot):
            plot.set_presentation_scale(SCALE)
        self._saved.curves = _curves_as_tabs(window)
        self.side_room.set_active(True, self._saved.curves.room if self._saved.curves is not None else None)
        if not window.isFullScreen():
            self.set_recording_size(self.size)

    def _leave(self) -> None:
        saved, self._saved = self._saved, None
        window = self.window
        # The panels first: whatever fails later, the person gets their controls back.
        panels = window.findChild(QScrollArea, "sidePanels")
        if panels is not None:
            panels.setVisible(saved.panels_visible)
        self.side_room.set_active(False)  # what stepped aside for a dock comes back, before it moves back
        if saved.boundary is not None:
            _boundary_back(window, saved.boundary)
        if saved.curves is not None:
            _curves_back(saved.curves)
        self.strip.hide()
        for root in _text_roots(window):
            _restore_fonts(root)
        for plot in window.findChildren(ThemedPlot):
            plot.set_presentation_scale(1.0)
        if window.isFullScreen():
            return  # full screen stays; its own toggle gives the window back
        # The minimum size still holds the large fonts until the layouts hear of the new ones. It
        # also kept the largest minimum met on the way back (the side panels shown while the text
        # was still large: 1,356 px with a side dock open, which then widened the window past a
        # 1280 px screen for good), so the window's layout works it out again from what is shown.
        QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        window.layout().invalidate()
        window.layout().activate()
        window.setGeometry(saved.geometry)
        if saved.maximized:
            window.showMaximized()
        else:
            # Some minimums (labels sized to their widest text) hear of their old font only in the
            # event loop; once they have, the window may take back its own size (seen: 1284 px).
            QTimer.singleShot(0, self, lambda: self._give_back_geometry(saved.geometry))

    def _give_back_geometry(self, geometry: QRect) -> None:
        window = self.window
        if not self.enabled and not window.isFullScreen() and not window.isMaximized():
            window.setGeometry(geometry)

    def _fit_transport(self) -> None:
        """Shrink the transport bar's text back until it fits the recording width without clipping."""
        transport = self.window.transport
        available = self.size.width() - _MARGIN
        font = QFont(transport.font())
        while transport.sizeHint().width() > available and font.pointSizeF() > _MIN_TRANSPORT_PT:
            font.setPointSizeF(font.pointSizeF() - 0.5)
            transport.setFont(font)  # its original font is already kept by scale_fonts

    def _rescale_plots(self, *_: object) -> None:
        if self.enabled:
            for plot in self.window.findChildren(ThemedPlot):
                plot.rescale_items()


def _box_holding(layout: QLayout, widget: QWidget) -> QBoxLayout | None:
    """The box layout under ``layout`` (itself included) that holds ``widget`` directly."""
    if isinstance(layout, QBoxLayout) and layout.indexOf(widget) >= 0:
        return layout
    for i in range(layout.count()):
        inner = layout.itemAt(i).layout()
        found = _box_holding(inner, widget) if inner is not None else None
        if found is not None:
            return found
    return None


def _boundary_full_height(window, panels: QWidget) -> _Moved | None:
    """Move the boundary plot out of its row into the window's columns, just right of the (hidden)
    side panels, so it takes the plots area's whole height; the plots left share their column
    (``_RIGHT_ROWS``). None (nothing moved) if the window's layout is not the one this expects."""
    view, outer = window.boundary_view, window.centralWidget().layout()
    row, columns = _box_holding(outer, view), _box_holding(outer, panels)
    if row is None or columns is None or row is columns:
        return None
    rows = row.parent() if isinstance(row.parent(), QBoxLayout) else None
    index = row.indexOf(view)
    moved = _Moved(
        row,
        index,
        row.stretch(index),
        rows,
        [rows.stretch(i) for i in range(rows.count())] if rows is not None else [],
        columns,
        [columns.stretch(i) for i in range(columns.count())],
    )
    row.removeWidget(view)
    # The cap that kept its view square in the row would keep it that narrow: the square
    # column (main_window.SquareColumn) caps it again at the width its new height allows.
    view.setMaximumWidth(_NO_MAXIMUM)
    place = columns.indexOf(panels) + 1
    columns.insertWidget(place, view, _BOUNDARY_SHARE[0])
    for i in range(place + 1, columns.count()):  # the other plots' column (the diagram's is fixed)
        if columns.stretch(i):
            columns.setStretch(i, _BOUNDARY_SHARE[1])
    if rows is not None and rows.count() == 2:
        for i in range(rows.count()):
            rows.setStretch(i, _RIGHT_ROWS[i])
    # The banner (a diagnosis, an error) above the whole width: above the narrower column beside the
    # boundary its larger text wrapped to six lines and squeezed the activation space to a strip.
    banner = getattr(window, "banner", None)
    holder = _box_holding(outer, banner) if banner is not None else None
    if holder is not None and holder is not outer and isinstance(outer, QBoxLayout):
        moved.banner = (holder, holder.indexOf(banner))
        holder.removeWidget(banner)
        outer.insertWidget(0, banner)
    return moved


def _boundary_back(window, moved: _Moved) -> None:
    """Put the boundary plot back where :func:`_boundary_full_height` took it from."""
    view = window.boundary_view
    if moved.banner is not None:
        holder, index = moved.banner
        window.centralWidget().layout().removeWidget(window.banner)
        holder.insertWidget(index, window.banner)
    moved.columns.removeWidget(view)
    for i, stretch in enumerate(moved.column_stretches):
        moved.columns.setStretch(i, stretch)
    view.setMaximumWidth(_NO_MAXIMUM)  # re-capped for its row, as above
    moved.row.insertWidget(moved.index, view, moved.stretch)
    if moved.rows is not None:
        for i, stretch in enumerate(moved.row_stretches):
            moved.rows.setStretch(i, stretch)


class _CurveTabs(QTabWidget):
    """The curves' tab view. The page behind keeps the front page's place: a tab view places only the page
    in front, and what captures the plots area (media/capture.py) spans the four plot boxes, so a stale
    place of the gradient norms' box (its place in the row before) stretched the picture past the window."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.currentChanged.connect(lambda _: self._place_pages())

    def addTab(self, page: QWidget, label: str) -> int:  # type: ignore[override]  # noqa: N802 - Qt's name
        page.installEventFilter(self)
        return super().addTab(page, label)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if watched is self.currentWidget() and event.type() in (QEvent.Type.Resize, QEvent.Type.Move):
            self._place_pages()
        return False

    def _place_pages(self) -> None:
        front = self.currentWidget()
        if front is None:
            return
        for index in range(self.count()):
            page = self.widget(index)
            if page is not front:
                page.setGeometry(front.geometry())


def _curves_as_tabs(window) -> _Tabbed | None:
    """Put the loss's and the gradient norms' boxes (their plots under their titles) in a tab view where
    the row had them side by side, the loss in front. None (nothing moved) if the row is not as expected."""
    boxes = [window.loss_plot.parentWidget(), window.gradient_plot.parentWidget()]
    row = _box_holding(window.centralWidget().layout(), boxes[0])
    if row is None or row.indexOf(boxes[1]) != row.indexOf(boxes[0]) + 1:
        return None
    place = row.indexOf(boxes[0])
    tabs = _CurveTabs(objectName="presentationCurves")
    plots = {boxes[0]: window.loss_plot, boxes[1]: window.gradient_plot}
    tabbed = _Tabbed(
        row,
        boxes,
        [row.stretch(row.indexOf(box)) for box in boxes],
        [not box.isHidden() for box in boxes],
        tabs,
        CurveRoom(window, tabs, row, window.activation_view, plots),
    )
    tabs.setDocumentMode(True)  # no frame around the pages: the plots keep the pixels
    for box, name in zip(boxes, CURVE_TABS):
        row.removeWidget(box)
        tabs.addTab(box, name)
    row.insertWidget(place, tabs, 1)
    return tabbed


def _curves_back(tabbed: _Tabbed) -> None:
    """Put the curves' boxes back side by side in their row, as they were before :func:`_curves_as_tabs`."""
    row, tabs = tabbed.row, tabbed.tabs
    tabbed.room.detach()
    place = row.indexOf(tabs)
    row.removeWidget(tabs)
    tabs.hide()
    for offset, (box, stretch, visible) in enumerate(zip(tabbed.boxes, tabbed.stretches, tabbed.visible)):
        box.removeEventFilter(tabs)
        tabs.removeTab(tabs.indexOf(box))
        row.insertWidget(place + offset, box, stretch)
        box.setVisible(visible)  # the tab view hid the page behind
    tabs.deleteLater()


def _text_roots(window) -> list[QWidget]:
    """The widgets whose text presentation mode scales, with what they hold: the plots and controls,
    the status bar, the docks and the tabs of docks stacked in one place (not the menu bar: its height
    is the plots')."""
    tabs = [bar for bar in window.findChildren(QTabBar) if bar.parent() is window]  # the window's own
    return [window.centralWidget(), window.statusBar(), *window.findChildren(QDockWidget), *tabs]


def scale_fonts(root: QWidget, factor: float) -> None:
    """Scale ``root``'s font and every descendant font set on its own (the others inherit),
    keeping each one's font before on the widget itself.

    All fonts are read before any is changed: a widget's own font may set only some
    attributes (a bold heading) and inherit its size, which scaling its parent first
    would already have enlarged. A widget with a style sheet of its own is scaled like one
    with its own font: Qt resolves its font once, when the sheet is set, and a new font of
    its parent no longer reaches it (the banner's text stayed at the normal size).
    """
    fonts = [
        (widget, QFont(widget.font()), widget.testAttribute(Qt.WidgetAttribute.WA_SetFont))
        for widget in [root, *root.findChildren(QWidget)]
    ]
    for widget, font, own in fonts:
        if widget is not root and not own and not widget.styleSheet():
            continue
        widget.setProperty(_FONT, QFont(font))
        widget.setProperty(_OWN, own)
        scaled = QFont(font)
        scaled.setPointSizeF(font.pointSizeF() * factor)
        widget.setFont(scaled)


def _restore_fonts(root: QWidget) -> None:
    """Give the widgets under ``root`` that :func:`scale_fonts` scaled their fonts back."""
    for widget in [root, *root.findChildren(QWidget)]:
        font = widget.property(_FONT)
        if not isinstance(font, QFont):
            continue
        own = bool(widget.property(_OWN))
        widget.setFont(font if own else QFont())  # QFont(): inherit from the parent again
        widget.setAttribute(Qt.WidgetAttribute.WA_SetFont, own)
        widget.setProperty(_FONT, None)
        widget.setProperty(_OWN, None)


def presentation(window) -> Presentation:
    """The window's :class:`Presentation`, created on first use."""
    found = window.findChild(Presentation, "presentation")
    return found if found is not None else Presentation(window)


def set_presentation(window, enabled: bool) -> None:
    """Switch presentation mode on or off (for ``--presentation`` and the menu action)."""
    presentation(window).set_enabled(enabled)


def install_presentation(window) -> Presentation:
    """View → Presentation mode (Ctrl+Shift+P), Full screen (F11) and Recording size."""
    mode = presentation(window)
    menu = window.menu("&View")
    menu.addAction(mode.action)
    menu.addAction(mode.full_screen_action)
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
