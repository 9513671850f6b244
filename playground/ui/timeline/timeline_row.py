"""The timeline row under the plots: scrub back through training, return to live,
or continue training from a past epoch.

The slider spans epoch 0 to the live epoch and moves only between epochs whose
snapshot the timeline kept (older epochs are thinned): dragging snaps to the
nearest kept one, the arrow keys and page clicks go to the next kept one in
their direction. The label always names the epoch shown.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSlider, QStyle, QToolButton, QWidget

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

# Viewing the past must be unmistakable, also in a recording: the label turns amber.
_VIEWING_STYLE = ("QLabel { background: #FCEBC7; color: #6B4700; border: 1px solid #E69F00;"
                  " border-radius: 3px; padding: 1px 6px; font-weight: bold; }")
_LIVE_STYLE = "QLabel { padding: 1px 7px; }"


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
        self._shown = 0        # the epoch the plots show (or were asked to show)
        self._asked: int | None = None  # the epoch the person picked, when it was thinned away
        self._viewing = False

        self.slider = tip(QSlider(Qt.Orientation.Horizontal, self), TIPS["slider"])
        self.slider.setObjectName("timelineSlider")
        self.slider.setRange(0, 0)
        self.slider.valueChanged.connect(self._on_value)
        self.slider.sliderReleased.connect(self._show_state)
        self.label = tip(QLabel(self), TIPS["label"])
        self.label.setObjectName("timelineLabel")
        self.label.setMinimumWidth(self.label.fontMetrics().horizontalAdvance(
            "epoch 00000 of 00000 (viewing history)") + 16)
        pixmaps = QStyle.StandardPixmap
        self.live_button = self._button("timelineLiveButton", "Back to live", pixmaps.SP_MediaSkipForward,
                                        TIPS["live"])
        self.continue_button = self._button("timelineContinueButton", "Continue from here",
                                            pixmaps.SP_MediaPlay, TIPS["continue"])
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
        if self._viewing:
            text = f"epoch {self._shown} of {live} (viewing history)"
            if self._asked is not None:
                text += f": nearest kept snapshot to {self._asked}"
            self.label.setStyleSheet(_VIEWING_STYLE)
        else:
            text = f"epoch {live} (live)"
            self.label.setStyleSheet(_LIVE_STYLE)
        self.label.setText(text)
        self.live_button.setEnabled(self._viewing)
        self.continue_button.setEnabled(self._viewing)

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
