"""The transport bar under the plots: reset, step, play/pause, speed, and the live numbers."""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QSlider, QStyle, QToolButton, QWidget

from ...training.numbers import format_number
from ..session.session_model import SessionModel
from ..session.worker import Frame
from .form import blocked, icon_button, readable, tip, wheel_safe
from .rate import RateMeter, epochs_per_second

SPEEDS = (1, 2, 5, 10, 30, 60, 120, 300, 0)  # epochs per second; 0 is as fast as it goes
DEFAULT_SPEED = 60  # about one epoch per drawn frame, as TensorFlow Playground animates
MISSING = "–"  # NaN: no test points yet, or nothing trained

TIPS = {
    "reset": "Re-initialise the weights (same seed) and start again at epoch 0.",
    "step": "Train one epoch (one pass over the training points), then stop.",
    "play": "Train continuously at the chosen speed, or pause.",
    "speed": "Training speed in epochs per second while playing (max: as fast as the computer goes).",
    "speed_value": "The speed setting: epochs trained per second while playing, if the computer keeps up.",
    "measured": "The speed measured while playing: epochs actually trained per second (smoothed over "
    "about half a second), which a busy computer keeps below the setting.",
    "epoch": "Epochs trained so far: one epoch is one pass over every training point.",
    "loss": "Loss on the training points and on the held-out test points; a test loss that rises "
    "while the training loss falls is overfitting.",
    "metric": "Share of points classified correctly (RMSE, the typical error, for regression), "
    "on training and test points.",
}


class TransportBar(QWidget):
    """Reset / Step / Play-Pause buttons, a speed slider, the epoch and the current losses.

    The play button follows ``model.playingChanged`` (training also stops by
    itself when it diverges or early stopping fires); the numbers follow
    ``model.frameReady``. On creation the bar sets the model's speed to
    ``DEFAULT_SPEED`` so the slider and the worker agree.
    """

    def __init__(
        self, model: SessionModel, parent: QWidget | None = None, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        super().__init__(parent)
        self.setObjectName("transportBar")
        readable(self)
        self.model = model
        pixmaps = QStyle.StandardPixmap
        self.reset_button = self._button("resetButton", "Reset", pixmaps.SP_MediaSkipBackward, TIPS["reset"])
        self.step_button = self._button("stepButton", "Step", pixmaps.SP_MediaSeekForward, TIPS["step"])
        self.play_button = self._button("playButton", "Pause", pixmaps.SP_MediaPlay, TIPS["play"])
        self.play_button.setCheckable(True)
        # Sized for the wider caption, "Pause", so the bar never shifts when it switches.
        self.play_button.setMinimumWidth(self.play_button.sizeHint().width())
        self.reset_button.clicked.connect(model.reset)
        self.step_button.clicked.connect(self._on_step)
        self.play_button.clicked.connect(self._on_play_clicked)

        self.speed = wheel_safe(tip(QSlider(Qt.Orientation.Horizontal), TIPS["speed"]))
        self.speed.setRange(0, len(SPEEDS) - 1)
        self.speed.setPageStep(1)
        self.speed.setTickPosition(QSlider.TickPosition.TicksBelow)
        self.speed.setFixedWidth(120)
        self.speed_label = self._label("speedLabel", "300 epochs/s", TIPS["speed_value"])
        self.measured_label = self._label("measuredLabel", "measured 000", TIPS["measured"])
        self._meter = RateMeter(clock)
        self.speed.valueChanged.connect(self._on_speed)
        self.speed.setValue(SPEEDS.index(DEFAULT_SPEED))

        # Each label reserves its widest usual text, so the bar does not jitter as numbers change
        # (rarer, longer ones such as "1.235e90" widen it); all of it must fit 1280 px in presentation.
        self.epoch_label = self._label("epochLabel", "epoch 00000", TIPS["epoch"])
        self.loss_label = self._label("lossLabel", "loss: train 0.6931 · test 0.6931", TIPS["loss"])
        self.metric_label = self._label("metricLabel", "accuracy: train 100.0% · test 100.0%", TIPS["metric"])

        # Two groups, side by side when the bar is wide enough and the readouts on a second
        # row when it is not (a 1024-px screen), so the bar never sets the window's minimum width.
        self._controls = QWidget(self)
        controls = QHBoxLayout(self._controls)
        controls.setContentsMargins(0, 0, 0, 0)
        for widget in (self.reset_button, self.step_button, self.play_button):
            controls.addWidget(widget)
        controls.addSpacing(12)
        controls.addWidget(tip(QLabel("speed"), self.speed.toolTip()))
        controls.addWidget(self.speed)
        controls.addWidget(self.speed_label)
        controls.addWidget(self.measured_label)
        self._readouts = QWidget(self)
        readouts = QHBoxLayout(self._readouts)
        readouts.setContentsMargins(0, 0, 0, 0)
        for label in (self.epoch_label, self.loss_label, self.metric_label):
            readouts.addSpacing(8)
            readouts.addWidget(label)
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(6, 4, 6, 4)
        self._grid.setHorizontalSpacing(0)
        self._wrapped: bool | None = None
        self._arrange(wrapped=False)

        model.playingChanged.connect(self._on_playing_changed)
        model.frameReady.connect(self._on_frame)
        model.sessionReplaced.connect(self._fit_readouts)  # another run: back to the usual widths
        self._on_playing_changed(model.playing)
        self._show_numbers(0, math.nan, math.nan, math.nan, math.nan, model.dataset.task)
        if model.latest_frame is not None:
            self._on_frame(model.latest_frame)

    # ---------------------------------------------------------------- building
    def _button(self, name: str, text: str, icon: QStyle.StandardPixmap, tooltip: str) -> QToolButton:
        button = icon_button(self, text, icon, tooltip)
        button.setObjectName(name)
        return button

    def _label(self, name: str, widest: str, tooltip: str) -> QLabel:
        label = tip(QLabel(self), tooltip)  # parented, so it is measured in the bar's font
        label.setObjectName(name)
        label.setProperty("widest", widest)
        _fit_width(label)
        return label

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        # A larger font (presentation mode) needs wider labels, or the numbers clip.
        if event.type() == QEvent.Type.FontChange:
            self._fit_readouts()
        super().changeEvent(event)

    def _fit_readouts(self) -> None:
        for label in self.findChildren(QLabel):
            if label.property("widest"):
                _fit_width(label)

    # ------------------------------------------------------------------ layout
    def _one_row_width(self) -> int:
        margins = self._grid.contentsMargins()
        return (
            self._controls.minimumSizeHint().width()
            + self._readouts.minimumSizeHint().width()
            + margins.left()
            + margins.right()
            + 12
        )

    def _arrange(self, wrapped: bool) -> None:
        """The readouts right of the controls (one row), or under them (two rows)."""
        if wrapped == self._wrapped:
            return
        self._wrapped = wrapped
        self._grid.removeWidget(self._controls)
        self._grid.removeWidget(self._readouts)
        self._grid.addWidget(self._controls, 0, 0, Qt.AlignmentFlag.AlignLeft)
        if wrapped:
            self._grid.addWidget(self._readouts, 1, 0, Qt.AlignmentFlag.AlignLeft)
            self._grid.setColumnStretch(1, 0)
        else:
            self._grid.addWidget(self._readouts, 0, 1, Qt.AlignmentFlag.AlignRight)
            self._grid.setColumnStretch(1, 1)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        # As narrow as the wider group: below the one-row width the readouts wrap.
        margins = self._grid.contentsMargins()
        width = max(self._controls.minimumSizeHint().width(), self._readouts.minimumSizeHint().width())
        return QSize(width + margins.left() + margins.right(), super().minimumSizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        self._arrange(wrapped=event.size().width() < self._one_row_width())
        super().resizeEvent(event)

    # ------------------------------------------------------------------ events
    def _on_step(self) -> None:
        self.model.step(1)

    def _on_play_clicked(self, checked: bool) -> None:
        self.model.play() if checked else self.model.pause()

    def _on_speed(self, index: int) -> None:
        speed = SPEEDS[index]
        self.speed_label.setText(epochs_per_second(speed) if speed else "max")
        self.model.set_speed(speed)

    def _on_playing_changed(self, playing: bool) -> None:
        self._meter.restart()  # a pause is not slow training: measure afresh
        self._show_measured(playing)
        with blocked(self.play_button):
            self.play_button.setChecked(playing)
        self.play_button.setText("Pause" if playing else "Play")
        icon = QStyle.StandardPixmap.SP_MediaPause if playing else QStyle.StandardPixmap.SP_MediaPlay
        self.play_button.setIcon(self.style().standardIcon(icon))

    def _on_frame(self, frame: Frame) -> None:
        if not frame.viewing:  # a past epoch from the timeline says nothing about the speed
            if frame.playing:
                self._meter.add(frame.epoch)
            else:
                self._meter.restart()
            self._show_measured(frame.playing)
        s = frame.stats
        if s.epoch != frame.epoch or frame.epoch == 0:
            # Before the first epoch nothing was measured, and stats of another epoch (the
            # network's before a rebuild) would claim what this network never did.
            self._show_numbers(frame.epoch, math.nan, math.nan, math.nan, math.nan, frame.dataset.task)
            return
        self._show_numbers(frame.epoch, s.train_loss, s.test_loss, s.train_metric, s.test_metric, frame.dataset.task)

    def _show_measured(self, playing: bool) -> None:
        rate = self._meter.rate if playing else math.nan
        # The unit is the setting's, just left of it: "60 epochs/s  measured 37".
        self.measured_label.setText("measured " + (MISSING if math.isnan(rate) else f"{_whole(rate):g}"))

    def _show_numbers(
        self, epoch: int, train_loss: float, test_loss: float, train_metric: float, test_metric: float, task: str
    ) -> None:
        self.epoch_label.setText(f"epoch {epoch}")
        self.loss_label.setText(f"loss: train {_number(train_loss)} · test {_number(test_loss)}")
        name, spec = ("RMSE", "") if task == "regression" else ("accuracy", ".1%")
        self.metric_label.setText(f"{name}: train {_number(train_metric, spec)} · test {_number(test_metric, spec)}")
        self._widen_to_texts()

    def _widen_to_texts(self) -> None:
        """Give a readout whose text outgrew its width that width now, and keep it: a loss below 1e-4
        ("7.598e-6", "8.7e-6") changes length from frame to frame, and the frame pacer paints before the
        relayout that follows a longer text, so the frame showed it cut ("test 1.389e-") and the bar
        jittered; a readout now never narrows while the font and the session stay."""
        grown = False
        for label in (self.epoch_label, self.loss_label, self.metric_label):
            needed = label.sizeHint().width()
            if needed > label.minimumWidth():
                label.setMinimumWidth(needed)
                grown = True
        if grown:
            self._grid.activate()  # lay the readouts out before the paint that follows, not after it


def _whole(rate: float) -> float:
    """A measured rate as shown: whole epochs from 10/s up, else one decimal (noise is not news)."""
    return round(rate) if rate >= 10 else round(rate, 1)


def _number(value: float, spec: str = "") -> str:
    """``value`` for the readout: a dash for NaN, ``spec`` if given (a bounded accuracy), else
    at most four significant digits (a diverging loss reads ``1e90``, not ninety digits)."""
    if math.isnan(value):
        return MISSING
    return format(value, spec) if spec else format_number(value)


def _fit_width(label: QLabel) -> None:
    """Room for the widest text the label will show, in its current font."""
    label.setMinimumWidth(label.fontMetrics().horizontalAdvance(label.property("widest")))
