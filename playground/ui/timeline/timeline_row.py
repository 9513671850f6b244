"""The timeline row under the plots: scrub back through training, return to live,
or continue training from a past epoch.

The slider spans epoch 0 to the live epoch and moves only between epochs whose
snapshot the timeline kept (older epochs are thinned): dragging snaps to the
nearest kept one, the arrow keys and page clicks go to the next kept one in
their direction. The label always names the epoch shown.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QColor, QMouseEvent, QPalette
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QSlider, QStyle, QStyleOptionSlider, QToolButton, QWidget

from ...training.timeline import nearest_kept
from ..panels.form import blocked, icon_button, readable, tip
from ..session.session_model import SessionModel
from ..session.worker import Frame

TIPS = {
    "slider": "Drag to look back at the network as it was at an earlier epoch (training pauses). "
    "Every recent epoch is kept; older ones are thinned, so the slider snaps to the nearest "
    "kept epoch.",
    "label": "The epoch shown on every plot: the live network, or a past epoch from the timeline.",
    "live": "Show the live network again (the latest epoch); training stays paused until you press Play.",
    "continue": "Go back to the epoch shown and train on from it: the later epochs are dropped, "
    "and training from here gives exactly what it gave the first time (same seed).",
}

# Viewing the past must be unmistakable, also in a recording: the label turns amber (dark
# text on pale amber: 7.4:1). Colours through the palette, not a style sheet: a widget with
# its own style sheet keeps the font and colours it had when the sheet was set, so it would
# neither grow in presentation mode nor follow a theme switch.
_VIEWING_COLORS = {QPalette.ColorRole.Window: "#FCEBC7", QPalette.ColorRole.WindowText: "#6B4700"}
# The label's width fits the longest usual text, so the slider never shrinks as epochs grow.
# (Six-digit epochs: longer runs' text is elided, the full text is the tooltip.)
_WIDEST_TEXTS = ("epoch 000000 of 000000 (viewing history)", "epoch 000000 of 000000 (nearest to 000000)")


class _TimelineSlider(QSlider):
    """The timeline's slider: keys go to it while it has the focus, a click on the groove
    jumps there.

    The window's Right shortcut (step one epoch) would otherwise take the arrow keys
    from the focused slider, and a click beside the handle would only page.
    """

    _KEYS = frozenset(
        {
            Qt.Key.Key_Left,
            Qt.Key.Key_Right,
            Qt.Key.Key_Up,
            Qt.Key.Key_Down,
            Qt.Key.Key_Home,
            Qt.Key.Key_End,
            Qt.Key.Key_PageUp,
            Qt.Key.Key_PageDown,
        }
    )

    def event(self, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and event.key() in self._KEYS
            and event.modifiers() == Qt.KeyboardModifier.NoModifier
        ):
            event.accept()  # "this key is mine": Qt then sends it as a key press, not a shortcut
            return True
        return super().event(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        if event.button() == Qt.MouseButton.LeftButton and self.maximum() > self.minimum():
            option = QStyleOptionSlider()
            self.initStyleOption(option)
            control = QStyle.ComplexControl.CC_Slider
            handle = self.style().subControlRect(control, option, QStyle.SubControl.SC_SliderHandle, self)
            if not handle.contains(event.position().toPoint()):
                groove = self.style().subControlRect(control, option, QStyle.SubControl.SC_SliderGroove, self)
                # Where the handle's centre would be, over the span its centre can travel.
                span = groove.width() - handle.width()
                at = round(event.position().x()) - groove.x() - handle.width() // 2
                value = QStyle.sliderValueFromPosition(
                    self.minimum(), self.maximum(), at, max(span, 1), option.upsideDown
                )
                # Pressed first, so the jump snaps like a drag; the press below then grabs the
                # handle now under the mouse, and a drag goes on from there.
                self.setSliderDown(True)
                self.setValue(value)
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        super().mouseReleaseEvent(event)
        if self.isSliderDown():  # a jump whose press the base class did not take as a drag
            self.setSliderDown(False)


class TimelineRow(QWidget):
    """A slider over the kept epochs, the shown epoch, "Back to live" and "Continue from here".

    It renders frames (``show_frame``, called for each drawn frame) and sends
    the person's requests to the session model; the worker decides what is shown.
    """

    def __init__(self, model: SessionModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("timelineRow")
        readable(self)
        self.model = model
        self._kept = np.zeros(1, dtype=np.int64)  # kept epochs from the latest frame
        self._shown = 0  # the epoch the plots show (or were asked to show)
        self._asked: int | None = None  # the epoch the person picked, when it was thinned away
        self._viewing = False

        self.slider = tip(_TimelineSlider(Qt.Orientation.Horizontal, self), TIPS["slider"])
        self.slider.setObjectName("timelineSlider")
        self.slider.setRange(0, 0)
        self.slider.valueChanged.connect(self._on_value)
        self.slider.sliderReleased.connect(self._show_state)
        self.label = tip(QLabel(self), TIPS["label"])
        self.label.setObjectName("timelineLabel")
        self.label.setMargin(2)
        self.label.setIndent(5)
        self._fit_label()
        pixmaps = QStyle.StandardPixmap
        self.live_button = self._button("timelineLiveButton", "Back to live", pixmaps.SP_MediaSkipForward, TIPS["live"])
        self.continue_button = self._button(
            "timelineContinueButton", "Continue from here", pixmaps.SP_MediaPlay, TIPS["continue"]
        )
        self.live_button.clicked.connect(self._go_live)
        self.continue_button.clicked.connect(lambda: self.model.continue_from(self._shown))

        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 0, 6, 0)
        layout.addWidget(tip(QLabel("timeline", self), TIPS["slider"]))
        layout.addWidget(self.slider, 1)
        layout.addWidget(self.label)
        layout.addWidget(self.live_button)
        layout.addWidget(self.continue_button)
        self._show_state()

    def _button(self, name: str, text: str, icon: QStyle.StandardPixmap, tooltip: str) -> QToolButton:
        button = icon_button(self, text, icon, tooltip)
        button.setObjectName(name)
        return button

    # ------------------------------------------------------------ rendering
    @property
    def live_epoch(self) -> int:
        """The live network's epoch: the newest kept one."""
        return int(self._kept[-1])

    def show_frame(self, frame: Frame) -> None:
        """Follow a drawn frame: the live epoch, or the past epoch it shows."""
        if len(frame.timeline):
            self._kept = frame.timeline
        if self.slider.isSliderDown():
            return  # the person is dragging: the label already says what they picked
        if not frame.viewing or frame.epoch != self._shown:
            self._asked = None
        self._viewing = frame.viewing
        self._shown = frame.epoch
        self._show_state()

    def _show_state(self, move_slider: bool = True) -> None:
        live = self.live_epoch
        with blocked(self.slider):
            self.slider.setRange(0, live)
            if move_slider:
                self.slider.setValue(self._shown)
        self.slider.setPageStep(max(1, live // 20))
        self.slider.setEnabled(live > 0)
        if self._viewing and self._asked is not None:
            text = f"epoch {self._shown} of {live} (nearest to {self._asked})"
        elif self._viewing:
            text = f"epoch {self._shown} of {live} (viewing history)"
        else:
            text = f"epoch {live} (live)"
        self._paint_label(self._viewing)
        self._set_label_text(text)
        self.live_button.setEnabled(self._viewing)
        self.continue_button.setEnabled(self._viewing)

    def _paint_label(self, viewing: bool) -> None:
        label = self.label
        if viewing == label.autoFillBackground():
            return
        label.setAutoFillBackground(viewing)
        label.setFrameStyle((QFrame.Shape.Box | QFrame.Shadow.Plain) if viewing else QFrame.Shape.NoFrame)
        palette = QPalette()  # an empty palette: the application's, which follows the theme
        if viewing:
            palette = QPalette(label.palette())
            for role, color in _VIEWING_COLORS.items():
                palette.setColor(role, QColor(color))
        label.setPalette(palette)

    def _set_label_text(self, text: str) -> None:
        # The fixed width, not the current one: before the first layout the label has no width yet.
        label = self.label
        room = label.maximumWidth() - 2 * (label.margin() + label.indent() + label.frameWidth())
        shown = label.fontMetrics().elidedText(text, Qt.TextElideMode.ElideRight, max(room, 1))
        self.label.setText(shown)
        self.label.setToolTip(TIPS["label"] if shown == text else f"{text}\n{TIPS['label']}")

    def _fit_label(self) -> None:
        metrics = self.label.fontMetrics()
        extra = 2 * (self.label.margin() + self.label.indent() + self.label.frameWidth()) + 4
        self.label.setFixedWidth(max(metrics.horizontalAdvance(text) for text in _WIDEST_TEXTS) + extra)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange and hasattr(self, "label"):
            self._fit_label()  # presentation mode's larger text needs a wider label

    # --------------------------------------------------------------- events
    def _on_value(self, value: int) -> None:
        dragging = self.slider.isSliderDown()
        target = self._snap(value, dragging)
        self._asked = value if dragging and value != target else None
        self._shown = target
        self._viewing = target != self.live_epoch
        if self._viewing:
            self.model.view_epoch(target)
        else:
            self.model.back_to_live()
        # While dragging, moving the slider under the mouse would fight the person;
        # it settles on the epoch shown when they let go.
        self._show_state(move_slider=not dragging)

    def _snap(self, value: int, dragging: bool) -> int:
        """Dragging goes to the nearest kept epoch; keys and page clicks to the next one their way."""
        kept = self._kept
        if dragging or value == self._shown:
            return nearest_kept(kept, value)
        if value > self._shown:
            return int(kept[min(np.searchsorted(kept, value, side="left"), len(kept) - 1)])
        return int(kept[max(np.searchsorted(kept, value, side="right") - 1, 0)])

    def _go_live(self) -> None:
        self._asked = None
        self.model.back_to_live()


def install_timeline(window) -> TimelineRow:
    """Add the timeline row under the plots of ``window`` (a MainWindow), with the
    loss and gradient plots marking the epoch shown while viewing history."""
    row = TimelineRow(window.session, window)
    window.add_bottom_row(row)
    window.add_frame_view(row.show_frame)

    def mark(frame: Frame) -> None:
        epoch = frame.epoch if frame.viewing else None
        window.loss_plot.set_marker(epoch)
        window.gradient_plot.set_marker(epoch)

    window.add_frame_view(mark)
    return row
