"""The lesson strip: the few controls a filmed lesson changes, in one row, for presentation mode.

Presentation mode hides the side panels (they do not fit a 1280x720 recording
next to the plots), yet a lesson shows what a learning-rate or architecture
change does. This row offers the learning rate, the activation, the number of
hidden layers and their units; Play, Step and Reset are the transport bar's,
which stays on screen. Like the side panels it holds no state of its own: every
edit goes through ``SessionModel.update_config`` and ``configChanged`` from
anywhere (the side panels, undo, a preset, New) updates it.

A network whose layers differ (a preset, a loaded session) shows its first
layer's units and activation; an edit here gives every layer that value, which
the tooltips say.
"""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from ...nn import ACTIVATIONS
from ...training import TrainingConfig
from ...training.config import MAX_HIDDEN_LAYERS
from ..panels.form import LadderSpinBox, blocked, choice_combo, readable, select_data, spin, tip
from ..panels.network_panel import NEW_LAYER_UNITS, UI_MAX_UNITS
from ..panels.training_panel import LR_LADDER
from ..session.session_model import SessionModel

TIPS = {
    "lr": "Learning rate: how big a step each update takes; too high diverges, too low crawls.",
    "activation": "Activation of every hidden layer (the side panel sets layers one by one).",
    "layers": "Number of hidden layers; a change re-initialises the network.",
    "units": "Units in every hidden layer (the side panel sets layers one by one); "
    "a change re-initialises the network.",
}


class LessonStrip(QWidget):
    """Learning rate, activation, hidden layers and units in one row, bound to ``model``."""

    def __init__(self, model: SessionModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lessonStrip")
        readable(self)
        self.model = model
        self.lr = LadderSpinBox(LR_LADDER, 1e-6, 100.0, TIPS["lr"])
        self.lr.setObjectName("lessonLearningRate")
        self.activation = choice_combo(ACTIVATIONS, TIPS["activation"])
        self.activation.setObjectName("lessonActivation")
        self.layers = spin(0, MAX_HIDDEN_LAYERS, TIPS["layers"])
        self.layers.setObjectName("lessonLayers")
        self.units = spin(1, UI_MAX_UNITS, TIPS["units"], suffix=" units")
        self.units.setObjectName("lessonUnits")

        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 0, 6, 0)
        for text, control, tooltip in (
            ("learning rate", self.lr, TIPS["lr"]),
            ("activation", self.activation, TIPS["activation"]),
            ("hidden layers", self.layers, TIPS["layers"]),
            ("of", self.units, TIPS["units"]),
        ):
            layout.addWidget(tip(QLabel(text), tooltip))
            layout.addWidget(control)
            layout.addSpacing(8)
        layout.addStretch(1)

        self.lr.valueChanged.connect(lambda value: self._commit(lr=value))
        self.activation.currentIndexChanged.connect(lambda _: self._commit_layers())
        self.layers.valueChanged.connect(lambda _: self._commit_layers())
        self.units.valueChanged.connect(lambda _: self._commit_layers())
        model.configChanged.connect(self.sync)
        self.sync(model.config)

    def sync(self, config: TrainingConfig) -> None:
        """Show ``config`` without sending edits back."""
        with blocked(self.lr, self.activation, self.layers, self.units):
            self.lr.setValue(config.lr)
            self.layers.setValue(len(config.hidden))
            units = config.hidden[0] if config.hidden else NEW_LAYER_UNITS
            self.units.setMaximum(max(UI_MAX_UNITS, units))
            self.units.setValue(units)
            select_data(self.activation, config.activations[0] if config.hidden else _single(config))
        # Without hidden layers there are no units or activations to set.
        self.units.setEnabled(bool(config.hidden))
        self.activation.setEnabled(bool(config.hidden))

    def _commit_layers(self) -> None:
        count = self.layers.value()
        self._commit(hidden=(self.units.value(),) * count, activation=(self.activation.currentData(),) * count)

    def _commit(self, **changes: object) -> None:
        # A refused change (the model says why) puts the model's values back.
        if not self.model.update_config(**changes):
            self.sync(self.model.config)


def _single(config: TrainingConfig) -> str:
    return config.activation if isinstance(config.activation, str) else TrainingConfig().activation
