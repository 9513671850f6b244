"""The DATA panel: generate a preset dataset, then paint on it (class, tool, brush, undo)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QButtonGroup, QCheckBox, QFrame, QLabel, QPushButton, QSlider, QStyle,
                               QToolButton, QWidget)

from ...data import Dataset
from ...data.edits import Clear
from ...data.generators import DATASET_NAMES, describe, takes_classes, task_of
from ..session.session_model import SessionModel
from ..session.tools import TOOLS, ToolState
from .class_selector import ClassSelector
from .form import (MAX_SEED, Section, blocked, choice_combo, fraction_spin, hbox, icon_button, select_data,
                   spin, tip, toggle, wheel_safe)

TIPS = {
    "preset": "Dataset preset: the shape the points are drawn from (plane and bumps are regression).",
    "task": "Classification predicts a class per point; regression predicts a number.",
    "noise": "Noise: how much the classes overlap (regression: how noisy the targets are).",
    "points": "Number of points to generate: more points make each epoch slower but the shape clearer.",
    "test": "Share of points held out as test points: never trained on, they show how well the "
            "network generalises.",
    "seed": "Seed of the generator: the same options and seed give the same points.",
    "regenerate": "Draw a fresh sample of the preset (the next seed), replacing all points; "
                  "Undo brings the old ones back.",
    "class": "The class that clicks on the plot add (keys 1-8 choose too).",
    "value": "Target value that clicks on the plot give new points (regression).",
    "tool": "{} tool: {}.",
    "brush": "Brush radius in plot units: how far from the pointer a drag adds or erases points.",
    "show_test": "Draw the held-out test points (hollow) on the plots.",
    "add_as_test": "Points you click are held out for testing instead of trained on.",
    "clear": "Remove every point (undoable), to paint a dataset from scratch.",
    "history": "{0} the last data change ({1}).",
    "no_history": "{0}: nothing to {1} yet.",
}


class DataPanel(Section):
    """Dataset controls: the generator's options and the painting tools.

    Changing any generator option (preset, noise, points, test share, seed)
    regenerates at once, as one undoable step; "Regenerate" draws a fresh
    sample by moving to the next seed. Presets that take a number of classes
    (spiral, blobs) use the current number of classes, set with +/−.
    ``preset``, ``noise`` and ``seed`` are the options the panel starts on:
    pass those that made ``model.dataset`` (its size and test share are read
    from the dataset), so the next change regenerates from where it is.
    """

    def __init__(self, model: SessionModel, tools: ToolState, *, preset: str = "xor",
                 noise: float = 0.0, seed: int = 0, parent: QWidget | None = None) -> None:
        super().__init__("DATA", parent)
        self.setObjectName("dataPanel")
        self.model = model
        self.tools = tools
        dataset = model.dataset

        presets = {name: describe(name) for name in DATASET_NAMES}
        self.preset = self.add_row("Preset", choice_combo(presets, TIPS["preset"]))
        select_data(self.preset, preset)
        self.task_label = self.add_row("Task", QLabel(), TIPS["task"])
        self.noise = wheel_safe(tip(QSlider(Qt.Orientation.Horizontal), TIPS["noise"]))
        self.noise.setRange(0, 100)
        self.noise.setSingleStep(5)
        self.noise.setPageStep(10)
        self.noise.setTracking(False)  # regenerate on release, not for every pixel of a drag
        self.noise.setValue(round(100 * noise))
        self._noise_value = QLabel(self)  # parented, so it is measured in the panel's font
        self._noise_value.setMinimumWidth(self._noise_value.fontMetrics().horizontalAdvance("100 %"))
        self.noise.sliderMoved.connect(self._show_noise)  # live while dragging, before the release
        self.noise.valueChanged.connect(self._show_noise)  # keys, clicks and the release
        self.add_row("Noise", hbox(self.noise, self._noise_value))
        self.points = self.add_row("Points", spin(10, 10_000, TIPS["points"], step=50))
        self.points.setValue(min(max(dataset.n, 10), 10_000))
        self.test_share = self.add_row("Test split", spin(0, 90, TIPS["test"], step=10, suffix=" %"))
        self.test_share.setValue(int(round(100 * dataset.is_test.mean())) if dataset.n else 0)
        self.seed = self.add_row("Seed", spin(0, MAX_SEED, TIPS["seed"]))
        self.seed.setValue(seed)
        self.regenerate = tip(QPushButton("Regenerate"), TIPS["regenerate"])
        self.regenerate.setObjectName("regenerateButton")
        self.add_wide(self.regenerate)

        self._add_heading("Paint on the plot")
        self.classes = self.add_row("Class", ClassSelector(model, tools), TIPS["class"])
        self.value = self.add_row("Value", fraction_spin(-3.0, 3.0, TIPS["value"], step=0.1))
        self.add_tool, self.erase_tool, self.inspect_tool = (
            self._tool_button(name, text)
            for name, text in (("add", "Add"), ("erase", "Erase"), ("inspect", "Inspect")))
        self._tool_group = QButtonGroup(self)
        for button in (self.add_tool, self.erase_tool, self.inspect_tool):
            self._tool_group.addButton(button)
        self.add_row("Tool", hbox(self.add_tool, self.erase_tool, self.inspect_tool))
        self.brush = self.add_row("Brush", fraction_spin(0.1, 3.0, TIPS["brush"], step=0.1, decimals=1))
        self.show_test = self.add_wide(tip(QCheckBox("Show test points"), TIPS["show_test"]))
        self.add_as_test = self.add_wide(tip(QCheckBox("Add clicks as test points"), TIPS["add_as_test"]))
        self.undo = icon_button(self, "Undo", QStyle.StandardPixmap.SP_ArrowBack, "")
        self.redo = icon_button(self, "Redo", QStyle.StandardPixmap.SP_ArrowForward, "")
        self.clear = icon_button(self, "Clear", QStyle.StandardPixmap.SP_DialogResetButton, TIPS["clear"])
        self.add_wide(hbox(self.undo, self.redo, self.clear))

        self._connect()
        self._show_noise(self.noise.value())
        stack = model.undo_stack
        self.undo.setEnabled(stack.canUndo())
        self.redo.setEnabled(stack.canRedo())
        self._show_undo_text(stack.undoText())
        self._show_redo_text(stack.redoText())
        self._show_tools()
        self._show_dataset(dataset)

    # ---------------------------------------------------------------- building
    def _add_heading(self, text: str) -> None:
        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)
        self.add_wide(line)
        heading = QLabel(text)
        font = heading.font()
        font.setBold(True)
        heading.setFont(font)
        self.add_wide(heading)

    def _tool_button(self, name: str, text: str) -> QToolButton:
        button = toggle(text, TIPS["tool"].format(text, TOOLS[name][0].lower() + TOOLS[name][1:]))
        button.setProperty("tool", name)
        return button

    def _connect(self) -> None:
        self.preset.currentIndexChanged.connect(self._generate)
        self.noise.valueChanged.connect(self._generate)
        self.points.valueChanged.connect(self._generate)
        self.test_share.valueChanged.connect(self._generate)
        self.seed.valueChanged.connect(self._generate)
        self.regenerate.clicked.connect(self._on_regenerate)
        self.undo.clicked.connect(self.model.undo_stack.undo)
        self.redo.clicked.connect(self.model.undo_stack.redo)
        self.value.valueChanged.connect(self._on_value)
        self._tool_group.buttonClicked.connect(self._on_tool)
        self.brush.valueChanged.connect(self._on_brush)
        self.show_test.toggled.connect(self._on_show_test)
        self.add_as_test.toggled.connect(self._on_add_as_test)
        self.clear.clicked.connect(self._on_clear)
        stack = self.model.undo_stack
        stack.canUndoChanged.connect(self.undo.setEnabled)
        stack.canRedoChanged.connect(self.redo.setEnabled)
        stack.undoTextChanged.connect(self._show_undo_text)
        stack.redoTextChanged.connect(self._show_redo_text)
        self.model.datasetChanged.connect(self._show_dataset)
        self.tools.changed.connect(self._show_tools)

    # ----------------------------------------------------------------- showing
    def _show_noise(self, percent: int) -> None:
        self._noise_value.setText(f"{percent} %")

    def _show_dataset(self, dataset: Dataset) -> None:
        regression = dataset.task == "regression"
        self.task_label.setText("regression" if regression
                                else f"classification, {dataset.n_classes} classes")
        self.show_row(self.classes, not regression)
        self.show_row(self.value, regression)
        if not regression:
            self.classes.show_dataset(dataset)
            if self.tools.current_class >= dataset.n_classes:  # its class was just removed
                self.tools.current_class = dataset.n_classes - 1

    def _show_tools(self) -> None:
        tools = self.tools
        with blocked(self.value, self.brush, self.show_test, self.add_as_test):
            self.value.setValue(tools.value)
            self.brush.setValue(tools.brush_radius)
            self.show_test.setChecked(tools.show_test)
            self.add_as_test.setChecked(tools.add_as_test)
        {"add": self.add_tool, "erase": self.erase_tool, "inspect": self.inspect_tool}[tools.tool].setChecked(True)
        self.classes.show_current(tools.current_class)

    # These take the stack's signal values instead of asking the stack: the stack
    # also signals while it is being destroyed, when asking it would fail.
    def _show_undo_text(self, text: str) -> None:
        self.undo.setToolTip(_history_tip("Undo", text))

    def _show_redo_text(self, text: str) -> None:
        self.redo.setToolTip(_history_tip("Redo", text))

    # ------------------------------------------------------------------- edits
    def _generate(self) -> None:
        name = self.preset.currentData()
        options = dict(n=self.points.value(), noise=self.noise.value() / 100, seed=self.seed.value(),
                       test_fraction=self.test_share.value() / 100)
        if takes_classes(name) and self.model.dataset.task == task_of(name):
            options["classes"] = self.model.dataset.n_classes
        self.model.generate(name, **options)

    def _on_regenerate(self) -> None:
        with blocked(self.seed):
            self.seed.setValue((self.seed.value() + 1) % (MAX_SEED + 1))
        self._generate()

    def _on_clear(self) -> None:
        self.model.apply_edit(Clear(self.model.dataset), "Clear")

    def _on_value(self, value: float) -> None:
        self.tools.value = value

    def _on_tool(self, button: QToolButton) -> None:
        self.tools.tool = button.property("tool")

    def _on_brush(self, radius: float) -> None:
        self.tools.brush_radius = radius

    def _on_show_test(self, show: bool) -> None:
        self.tools.show_test = show

    def _on_add_as_test(self, flag: bool) -> None:
        self.tools.add_as_test = flag


def _history_tip(verb: str, text: str) -> str:
    """What Undo or Redo would do now, e.g. "Undo the last data change (Generate xor)."."""
    return (TIPS["history"] if text else TIPS["no_history"]).format(verb, text or verb.lower())
