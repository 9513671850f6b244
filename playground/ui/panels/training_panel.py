"""The TRAINING panel: optimiser, learning rate and its schedule, batch size, regularisation, stopping."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QComboBox, QWidget

from ...data import Dataset
from ...nn import OPTIMIZERS, SCHEDULES
from ...training import TrainingConfig
from ...training.numbers import format_number
from ..session.session_model import SessionModel
from .config_form import ConfigSection
from .form import LadderSpinBox, blocked, choice_combo, fraction_spin, hbox, spin, tip

# The arrows' stops, as in TensorFlow Playground's menus; typing reaches any value in range.
LR_LADDER = (0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
PENALTY_LADDER = (0.0, 0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
DECAY_LADDER = (0.0, 0.00001, 0.0001, 0.001, 0.01, 0.1, 1.0)
MOMENTUM_LADDER = (0.0, 0.5, 0.8, 0.9, 0.95, 0.99, 0.999)
GAMMA_LADDER = (0.1, 0.2, 0.5, 0.8, 0.9, 0.95, 0.99, 0.995, 0.999, 1.0)

# Any batch of at least the training set's size is the whole set (the trainer takes
# min(batch_size, n)); the config's largest batch stays full batch however the data grows.
FULL_BATCH = 1_000_000
USES_MOMENTUM = ("momentum", "nesterov")
# The fields behind "Advanced" and how the closed expander names them.
ADVANCED = {
    "l1": "L1",
    "l2": "L2",
    "weight_decay": "decay",
    "dropout": "dropout",
    "schedule": "schedule",
    "schedule_gamma": "gamma",
    "schedule_every": "every",
    "patience": "patience",
    "max_epochs": "stop at",
}
SCHEDULE_DETAILS = ("schedule_gamma", "schedule_every")

TIPS = {
    "optimizer": "Optimiser: the rule that turns gradients into weight updates.",
    "lr": "Learning rate: how big a step each update takes; too high diverges, too low crawls.",
    "momentum": "Momentum: the share of the previous update carried into the next, which smooths "
    "zig-zags and speeds up long valleys.",
    "batch": "Points per weight update (one epoch is one pass over the training points).",
    "batch_size": "Batch size: small batches give noisy but frequent steps, large ones smooth but few.",
    "full": "Full batch: use every training point in each update, one step per epoch.",
    "l1": "L1 penalty: pushes weights to exactly zero, so the network uses fewer connections.",
    "l2": "L2 penalty: pulls all weights toward zero, giving smoother boundaries that overfit less.",
    "weight_decay": "Weight decay, decoupled as in AdamW: each update shrinks every weight (not the biases) "
    "by learning rate × decay, apart from the loss's gradient; at learning rate 0.03 and "
    "decay 0.1 that is 0.3 % per update.",
    "decay_now": "Now: {share} % of every weight per update (learning rate {lr} × decay {decay}).",
    "decay_scheduled": " The schedule lowers the learning rate, and the shrinking with it.",
    "advanced": "Rarer settings: penalties, dropout, the learning-rate schedule, early stopping and "
    "the epoch limit. Closed, it lists those that differ from their defaults.",
    "dropout": "Dropout: the share of hidden units switched off at random in each training step, "
    "which discourages memorising.",
    "schedule": "Learning-rate schedule: how the learning rate shrinks as training goes on.",
    "schedule_gamma": "Gamma: the factor the learning rate is multiplied by at each decay.",
    "schedule_every": "Decay interval: the learning rate is multiplied by gamma once every this many epochs.",
    "patience": "Early stopping: stop when the test loss has not improved for this many epochs (off: never).",
    "max_epochs": "Epoch limit: stop training at this epoch (no limit: train until paused).",
}


class TrainingPanel(ConfigSection):
    """Hyperparameter controls; every change applies from the next epoch, weights kept.

    Momentum shows only for the optimisers that use it, gamma and the step
    interval only for the schedules that use them. The batch size goes up to
    the number of training points; "full" means every training point in each
    step, however many there are.
    """

    def __init__(self, model: SessionModel, parent: QWidget | None = None) -> None:
        super().__init__(model, "TRAINING", parent)
        self.setObjectName("trainingPanel")
        self.bind("optimizer", choice_combo(OPTIMIZERS, TIPS["optimizer"]), "Optimizer")
        self.bind("lr", LadderSpinBox(LR_LADDER, 1e-6, 100.0, TIPS["lr"]), "Learning rate")
        self.bind("momentum", LadderSpinBox(MOMENTUM_LADDER, 0.0, 0.999, TIPS["momentum"], decimals=3), "Momentum")

        self.batch_size = spin(1, 1, TIPS["batch_size"])
        self.full_batch = tip(QCheckBox("full"), TIPS["full"])
        self.batch_size.valueChanged.connect(self._on_batch_edited)
        self.full_batch.toggled.connect(self._on_batch_edited)
        self.add_row("Batch size", hbox(self.batch_size, self.full_batch), TIPS["batch"])

        # The rarer settings wait behind "Advanced", so the ones above fit 1280x720 unscrolled.
        self.add_expander("Advanced", TIPS["advanced"])
        penalties = (
            ("l1", "L1", PENALTY_LADDER, 10.0),
            ("l2", "L2", PENALTY_LADDER, 10.0),
            ("weight_decay", "Weight decay", DECAY_LADDER, 1.0),
        )
        for field, label, ladder, high in penalties:
            self.bind(field, LadderSpinBox(ladder, 0.0, high, TIPS[field], special="off"), label, advanced=True)
        self.bind(
            "dropout", fraction_spin(0.0, 0.9, TIPS["dropout"], step=0.05, special="off"), "Dropout", advanced=True
        )

        self.bind("schedule", choice_combo(SCHEDULES, TIPS["schedule"]), "LR schedule", advanced=True)
        gamma = LadderSpinBox(GAMMA_LADDER, 0.0001, 1.0, TIPS["schedule_gamma"], decimals=4)
        self.bind("schedule_gamma", gamma, "Gamma", advanced=True)
        self.bind(
            "schedule_every",
            spin(1, 1_000_000, TIPS["schedule_every"], step=10, suffix=" epochs"),
            "Every",
            advanced=True,
        )
        self.bind(
            "patience",
            spin(0, 1_000_000, TIPS["patience"], step=10, suffix=" epochs", special="off"),
            "Patience",
            advanced=True,
        )
        self.bind(
            "max_epochs",
            spin(0, 100_000_000, TIPS["max_epochs"], step=100, special="no limit"),
            "Stop at epoch",
            advanced=True,
        )

        model.datasetChanged.connect(self._on_dataset_changed)
        self._on_dataset_changed(model.dataset)

    def sync(self, config: TrainingConfig) -> None:
        super().sync(config)
        self.show_row(self.control("momentum"), config.optimizer in USES_MOMENTUM)
        self.show_row(self.control("schedule_gamma"), config.schedule != "constant")
        self.show_row(self.control("schedule_every"), config.schedule == "step")
        full = config.batch_size >= FULL_BATCH
        # Under "full" the box keeps the last mini-batch size, to return to when unticked.
        shown = min(self.batch_size.value(), self._train_points) if full else config.batch_size
        with blocked(self.batch_size, self.full_batch):
            self.full_batch.setChecked(full)
            self.batch_size.setEnabled(not full)
            self.batch_size.setMaximum(max(self._train_points, shown))
            self.batch_size.setValue(shown)
        self.control("weight_decay").setToolTip(f"{TIPS['weight_decay']}\n{decay_now(config)}")
        self.set_summary(self._changed_advanced(config))

    def _changed_advanced(self, config: TrainingConfig) -> str:
        """The advanced settings that differ from their defaults, as their controls show them."""
        defaults = TrainingConfig()
        changed = []
        for field in ADVANCED:
            if field in SCHEDULE_DETAILS and config.schedule == "constant":
                continue  # gamma and interval do nothing without a schedule
            if getattr(config, field) != getattr(defaults, field):
                control = self.control(field)
                text = control.currentText() if isinstance(control, QComboBox) else control.property("text")
                changed.append(f"{ADVANCED[field]} {text}")
        return "set: " + " · ".join(changed) if changed else ""

    def _on_dataset_changed(self, dataset: Dataset) -> None:
        self._train_points = max(1, int((~dataset.is_test).sum()))
        self.sync(self.model.config)

    def _on_batch_edited(self) -> None:
        self.commit(batch_size=FULL_BATCH if self.full_batch.isChecked() else self.batch_size.value())


def decay_now(config: TrainingConfig) -> str:
    """What weight decay does per update with ``config``: the share lr × decay, in words."""
    if not config.weight_decay:
        return "Now: off."
    text = TIPS["decay_now"].format(
        share=format_number(100 * config.lr * config.weight_decay),
        lr=format_number(config.lr),
        decay=format_number(config.weight_decay),
    )
    return text + (TIPS["decay_scheduled"] if config.schedule != "constant" else "")
