"""The NETWORK panel: input features, hidden layers (units, activation and skip each), init and seed."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QComboBox, QGridLayout, QLabel, QSizePolicy, QSpinBox, QToolButton, QWidget

from ...data.features import FEATURES
from ...nn import ACTIVATIONS, INITS
from ...training import TrainingConfig
from ...training.config import MAX_HIDDEN_LAYERS, MAX_UNITS, fitting_skips
from ..session.session_model import SessionModel
from .config_form import ConfigSection
from .form import blocked, choice_combo, hbox, seed_spin, select_data, spin, tip, toggle

# Every width the config allows: the diagram draws a layer of more than 16 units by a sample of them.
UI_MAX_UNITS = MAX_UNITS
NEW_LAYER_UNITS = 4  # the size of a first hidden layer added to a network without any
FEATURE_COLUMNS = 4
SKIP_COLUMNS = 4  # skip buttons per row of the Hidden row (deeper networks wrap)

TIPS = {
    "inputs": "Which features of each point the network sees; x1² or sin(x1) let a small network draw curves.",
    "feature": "Feed {} to the network as an input; on or off re-initialises the weights.",
    "standardize": "Rescale every input to mean 0 and spread 1 over the training points, so no feature "
    "dominates the first steps.",
    "hidden": "Hidden layers between the inputs and the output; none is logistic regression, a straight boundary.",
    "add": "Add a hidden layer (a copy of the last one); the network is re-initialised.",
    "remove": "Remove the last hidden layer; the network is re-initialised.",
    "layer": "Hidden layer {}, counted from the inputs.",
    "units": "Neurons in this layer: more units can bend the boundary more, but learn slower and overfit sooner.",
    "activation": "Activation of this layer: the non-linearity that lets stacked layers bend the boundary.",
    "skips": "Skip connections: a layer with one adds its input to its output, a = σ(Wa + b) + a, so the "
    "gradient has a straight path back; only a layer as wide as its input can have one.",
    "skip": "Skip connection on layer {}: add its input to its output; the network is re-initialised.",
    "no_skip": "Layer {} cannot skip: a skip connection needs it as wide as its input ({} units, {} coming in).",
    "init": "Weight initialisation: how large the random starting weights are; too large saturates, "
    "too small vanishes.",
    "seed": "Seed of the random starting weights: the same seed gives the same run.",
}


class NetworkPanel(ConfigSection):
    """Architecture controls; every change goes through ``model.update_config``.

    Changing the architecture re-initialises the weights (the model says so in
    its message). At least one input feature stays on: unchecking the last one
    is refused with a warning.
    """

    def __init__(self, model: SessionModel, parent: QWidget | None = None) -> None:
        super().__init__(model, "NETWORK", parent)
        self.setObjectName("networkPanel")
        self.feature_buttons = {name: self._feature_button(label) for name, (label, _) in FEATURES.items()}
        self.add_row("Inputs", self._feature_grid(), TIPS["inputs"])
        self.bind("standardize", QCheckBox("Standardize inputs"), "", TIPS["standardize"])

        self.layer_count = QLabel()
        self.layer_count.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.add_layer_button = tip(QToolButton(text="+"), TIPS["add"])
        self.remove_layer_button = tip(QToolButton(text="−"), TIPS["remove"])
        self.add_layer_button.clicked.connect(self._on_add_layer)
        self.remove_layer_button.clicked.connect(self._on_remove_layer)
        # The skips share the Hidden row: the layer rows have no room left at the column's width,
        # and a row of their own would push the TRAINING section below the fold at 1280x720.
        skips_box = QWidget(objectName="skipButtons")
        self._skips_grid = QGridLayout(skips_box)
        self._skips_grid.setContentsMargins(0, 0, 0, 0)
        self._skips_grid.setSpacing(2)
        self._skips: list[QToolButton] = []
        self.skip_caption = tip(QLabel("skip"), TIPS["skips"])
        self.skip_caption.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.add_row(
            "Hidden",
            hbox(self.layer_count, self.skip_caption, skips_box, self.add_layer_button, self.remove_layer_button),
            TIPS["hidden"],
        )
        layers_box = QWidget()
        self._layers_grid = QGridLayout(layers_box)
        self._layers_grid.setContentsMargins(0, 0, 0, 0)
        self._layers_grid.setHorizontalSpacing(4)
        self._layers_grid.setVerticalSpacing(2)
        self._layers_grid.setColumnStretch(2, 1)
        self._rows: list[tuple[QLabel, QSpinBox, QComboBox]] = []
        self.add_wide(layers_box)

        # Init and seed share a row, so the TRAINING section stays above the fold at 1280x720.
        init = self.bound("init", choice_combo(INITS, TIPS["init"]))
        seed = self.bound("seed", seed_spin(TIPS["seed"], digits=5))
        self.add_row("Init", hbox(init, tip(QLabel("seed"), TIPS["seed"]), seed), TIPS["init"])
        self.sync(model.config)

    @property
    def layer_rows(self) -> list[tuple[QSpinBox, QComboBox]]:
        """(units, activation) controls of each hidden layer, the first layer first."""
        return [(units, activation) for _, units, activation in self._rows]

    @property
    def skip_buttons(self) -> list[QToolButton]:
        """The checkable "skip" button of each hidden layer (labelled with its number), the first first."""
        return list(self._skips)

    # ---------------------------------------------------------------- building
    def _feature_button(self, label: str) -> QToolButton:
        button = toggle(label, TIPS["feature"].format(label))
        button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        button.toggled.connect(self._on_feature_toggled)
        return button

    def _feature_grid(self) -> QWidget:
        box = QWidget()
        grid = QGridLayout(box)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(2)
        for i, button in enumerate(self.feature_buttons.values()):
            grid.addWidget(button, i // FEATURE_COLUMNS, i % FEATURE_COLUMNS)
        return box

    def _set_row_count(self, count: int) -> None:
        """Grow or shrink the layer rows to ``count`` (values are set by ``sync``)."""
        while len(self._rows) > count:
            for widget in (*self._rows.pop(), self._skips.pop()):
                widget.parentWidget().layout().removeWidget(widget)  # now, so a new row never overlaps it
                widget.deleteLater()
        while len(self._rows) < count:
            i = len(self._rows)
            units = spin(1, UI_MAX_UNITS, TIPS["units"], suffix=" units")
            activation = choice_combo(ACTIVATIONS, TIPS["activation"])
            skip = toggle(str(i + 1), TIPS["skip"].format(i + 1))
            skip.setObjectName(f"skip{i + 1}")
            units.valueChanged.connect(self._on_layers_edited)
            activation.currentIndexChanged.connect(self._on_layers_edited)
            skip.toggled.connect(self._on_layers_edited)
            label = tip(QLabel(f"layer {i + 1}"), TIPS["layer"].format(i + 1))
            for column, widget in enumerate((label, units, activation)):
                self._layers_grid.addWidget(widget, i, column)
            self._skips_grid.addWidget(skip, i // SKIP_COLUMNS, i % SKIP_COLUMNS)
            self._rows.append((label, units, activation))
            self._skips.append(skip)

    # ----------------------------------------------------------------- syncing
    def sync(self, config: TrainingConfig) -> None:
        super().sync(config)
        self._set_row_count(len(config.hidden))
        with blocked(*self.feature_buttons.values(), *(w for row in self._rows for w in row), *self._skips):
            for name, button in self.feature_buttons.items():
                button.setChecked(name in config.features)
            widths = (len(config.features), *config.hidden)
            flags = config.residual or (False,) * len(config.hidden)
            for i, ((_, units, activation), skip, size, name) in enumerate(
                zip(self._rows, self._skips, config.hidden, config.activations)
            ):
                units.setMaximum(max(UI_MAX_UNITS, size))
                units.setValue(size)
                select_data(activation, name)
                skip.setChecked(flags[i])
                # Only a layer as wide as its input can add that input to its output.
                skip.setEnabled(widths[i] == size)
                skip.setToolTip(
                    TIPS["skip"].format(i + 1) if widths[i] == size else TIPS["no_skip"].format(i + 1, size, widths[i])
                )
        layers = len(config.hidden)
        self.layer_count.setText(f"{layers} layer{'s' if layers != 1 else ''}" + (" (logistic)" if not layers else ""))
        # With layers, their rows below count them and the row's room goes to the skip buttons.
        self.skip_caption.setVisible(layers > 0)
        self.layer_count.setVisible(layers == 0)
        self.add_layer_button.setEnabled(layers < MAX_HIDDEN_LAYERS)
        self.remove_layer_button.setEnabled(layers > 0)

    # ------------------------------------------------------------------- edits
    def _on_feature_toggled(self) -> None:
        chosen = tuple(name for name, button in self.feature_buttons.items() if button.isChecked())
        if not chosen:
            self.sync(self.model.config)
            self.model.message.emit("warning", "The network needs at least one input feature.")
            return
        config = self.model.config
        self.commit(features=chosen, residual=fitting_skips(config.residual, len(chosen), config.hidden))

    def _on_layers_edited(self) -> None:
        hidden = tuple(units.value() for _, units, _ in self._rows)
        wanted = tuple(skip.isChecked() for skip in self._skips)
        self.commit(
            hidden=hidden,
            activation=tuple(activation.currentData() for _, _, activation in self._rows),
            # A width change drops the skips it makes impossible, rather than refusing the new width.
            residual=fitting_skips(wanted, len(self.model.config.features), hidden),
        )

    def _on_add_layer(self) -> None:
        config = self.model.config
        units = config.hidden[-1] if config.hidden else NEW_LAYER_UNITS
        activation = config.activations[-1] if config.hidden else _default_activation(config)
        residual = config.residual + (False,) if config.residual else ()
        self.commit(hidden=config.hidden + (units,), activation=config.activations + (activation,), residual=residual)

    def _on_remove_layer(self) -> None:
        config = self.model.config
        self.commit(hidden=config.hidden[:-1], activation=config.activations[:-1], residual=config.residual[:-1])


def _default_activation(config: TrainingConfig) -> str:
    """The activation for a first hidden layer: the config's single name, else the default."""
    return config.activation if isinstance(config.activation, str) else TrainingConfig().activation
