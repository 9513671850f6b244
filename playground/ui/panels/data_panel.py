"""The DATA panel: generate a preset dataset, then paint on it (class, tool, brush, undo)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import QButtonGroup, QCheckBox, QLabel, QPushButton, QSlider, QStyle, QToolButton, QWidget

from ...data import Dataset
from ...data.edits import Clear
from ...data.generators import DATASET_NAMES, describe, takes_classes, task_of
from ...training.defaults import DEFAULT_POINTS
from ..gallery.preset_picker import show_thumbnails
from ..session.session_model import SessionModel
from ..session.tools import TOOLS, ToolState
from .class_selector import ClassSelector
from .form import (
    MAX_SEED,
    STRETCH,
    Section,
    blocked,
    choice_combo,
    fraction_spin,
    hbox,
    icon_button,
    seed_spin,
    select_data,
    spin,
    tip,
    toggle,
    wheel_safe,
)
from .recipes import Recipe, Recipes, recognise

MIN_POINTS, MAX_POINTS = 10, 10_000  # what the Points box offers for a preset
CUSTOM = "custom"  # the preset box's name for points no preset made

TIPS = {
    "preset": "Dataset preset: the shape the points are drawn from (plane and bumps are regression).",
    "task": "Classification predicts a class per point; regression predicts a number.",
    "noise": "Noise: how much the classes overlap (regression: how noisy the targets are).",
    "points": "Number of points to generate: more points make each epoch slower but the shape clearer.",
    "test": "Share of points held out as test points: never trained on, they show how well the network generalises.",
    "seed": "Seed of the generator: the same options and seed give the same points.",
    "regenerate": "Draw a fresh sample of the preset (the next seed), replacing all points; "
    "Undo brings the old ones back.",
    "class": "The class that clicks on the plot add (keys 1-8 choose too).",
    "value": "Target value that clicks on the plot give new points (regression).",
    "tool": "{} tool: {}.",
    "brush": "Brush radius in plot units: how far from the pointer a drag adds or erases points.",
    "custom": "Custom points: loaded from a file or edited by hand, not a preset's sample. Choose a "
    "preset to generate points.",
    "regenerate_custom": "The points are custom (loaded or edited), so there is no preset to draw "
    "again: choose a preset first.",
    "test_points": "Test points: held out from training, drawn hollow.",
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

    The generator controls show the recipe of the data on screen, never a stale
    one: after undo, New or Open they show the options that made the points
    (see :mod:`.recipes`), and points no preset made (a file, a painted edit)
    show the preset "custom", their size and test share, with the generator's
    options greyed out until a preset is chosen. ``noise`` and ``seed`` (the
    options that drew ``model.dataset``, if known) are tried first when the panel
    recognises the data; ``preset`` is kept for callers, since every preset of
    the data's task is tried anyway.
    """

    def __init__(
        self,
        model: SessionModel,
        tools: ToolState,
        *,
        preset: str = "xor",
        noise: float = 0.0,
        seed: int = 0,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("DATA", parent)
        self.setObjectName("dataPanel")
        self.model = model
        self.tools = tools
        self._recipes = Recipes()
        self._start = (noise, seed)

        presets = {name: describe(name) for name in DATASET_NAMES}
        self.preset = self.add_row("Preset", choice_combo(presets, TIPS["preset"]))
        select_data(self.preset, preset)
        self._add_custom_item()
        self.preset_picker = show_thumbnails(self.preset)  # a picture of each preset's data
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
        # Size and split share a row, as do seed and Regenerate: the TRAINING section
        # must stay above the fold at 1280x720.
        self.points = spin(MIN_POINTS, MAX_POINTS, TIPS["points"], step=50)
        self.test_share = spin(0, 90, TIPS["test"], step=10, suffix=" %")
        self.add_row("Points", hbox(self.points, tip(QLabel("test"), TIPS["test"]), self.test_share), TIPS["points"])
        self.seed = seed_spin(TIPS["seed"])
        self.seed.setValue(seed)
        self.regenerate = tip(QPushButton("Regenerate"), TIPS["regenerate"])
        self.regenerate.setObjectName("regenerateButton")
        self.add_row("Seed", hbox(self.seed, self.regenerate), TIPS["seed"])

        self.undo = self._history_button("Undo", QStyle.StandardPixmap.SP_ArrowBack, "")
        self.redo = self._history_button("Redo", QStyle.StandardPixmap.SP_ArrowForward, "")
        self.clear = self._history_button("Clear", QStyle.StandardPixmap.SP_DialogResetButton, TIPS["clear"])
        self._add_heading("Paint on the plot", self.undo, self.redo, self.clear)
        self.classes = self.add_row("Class", ClassSelector(model, tools), TIPS["class"])
        self.value = self.add_row("Value", fraction_spin(-3.0, 3.0, TIPS["value"], step=0.1))
        self.add_tool, self.erase_tool, self.inspect_tool = (
            self._tool_button(name, text) for name, text in (("add", "Add"), ("erase", "Erase"), ("inspect", "Inspect"))
        )
        self._tool_group = QButtonGroup(self)
        for button in (self.add_tool, self.erase_tool, self.inspect_tool):
            self._tool_group.addButton(button)
        self.add_row("Tool", hbox(self.add_tool, self.erase_tool, self.inspect_tool))
        self.brush = self.add_row("Brush", fraction_spin(0.1, 3.0, TIPS["brush"], step=0.1, decimals=1))
        self.show_test = tip(QCheckBox("show"), TIPS["show_test"])
        self.add_as_test = tip(QCheckBox("add clicks"), TIPS["add_as_test"])
        self.add_row("Test", hbox(self.show_test, self.add_as_test), TIPS["test_points"])

        self._connect()
        self._show_noise(self.noise.value())
        stack = model.undo_stack
        self.undo.setEnabled(stack.canUndo())
        self.redo.setEnabled(stack.canRedo())
        self._show_undo_text(stack.undoText())
        self._show_redo_text(stack.redoText())
        self._show_tools()
        self._on_session_replaced()

    @property
    def recipe(self) -> Recipe | None:
        """The generator options the controls show: what made the points (None: custom)."""
        return self._recipe

    def remember(self, dataset: Dataset, recipe: Recipe) -> None:
        """Note that the preset ``recipe`` made ``dataset`` (data generated elsewhere, such as a
        pasted recipe's), so the controls show it when it arrives instead of "custom"."""
        self._recipes.remember(dataset, recipe)

    # ---------------------------------------------------------------- building
    def _add_custom_item(self) -> None:
        # Shown only for points no preset made; not pickable (a preset is what generates).
        self.preset.addItem(CUSTOM, CUSTOM)
        index = self.preset.count() - 1
        self.preset.setItemData(index, TIPS["custom"], Qt.ItemDataRole.ToolTipRole)
        items = self.preset.model()
        assert isinstance(items, QStandardItemModel)  # a QComboBox's own model
        items.item(index).setEnabled(False)

    def _add_heading(self, text: str, *buttons: QToolButton) -> None:
        heading = QLabel(text)
        font = heading.font()
        font.setBold(True)
        heading.setFont(font)
        self.add_wide(hbox(heading, STRETCH, *buttons))

    def _history_button(self, text: str, icon: QStyle.StandardPixmap, tooltip: str) -> QToolButton:
        button = icon_button(self, text, icon, tooltip)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)  # the tooltip names it
        return button

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
        self.model.sessionReplaced.connect(self._on_session_replaced)
        self.tools.changed.connect(self._show_tools)

    # ----------------------------------------------------------------- showing
    def _show_noise(self, percent: int) -> None:
        self._noise_value.setText(f"{percent} %")

    def _on_session_replaced(self) -> None:
        """A whole new dataset (start, New, Open): recognise its preset if it has one."""
        dataset = self.model.dataset
        recipe = self._recipes.of(dataset) or recognise(dataset, [self._shown_options(), self._start])
        if recipe is not None:
            self._recipes.remember(dataset, recipe)
        self._show_dataset(dataset)

    def _shown_options(self) -> tuple[float, int]:
        return self.noise.value() / 100, self.seed.value()

    def _show_dataset(self, dataset: Dataset) -> None:
        self._show_recipe(self._recipes.of(dataset), dataset)
        regression = dataset.task == "regression"
        self.setTitle("DATA · " + ("regression" if regression else f"classification, {dataset.n_classes} classes"))
        self.show_row(self.classes, not regression)
        self.show_row(self.value, regression)
        if not regression:
            self.classes.show_dataset(dataset)
            if self.tools.current_class >= dataset.n_classes:  # its class was just removed
                self.tools.current_class = dataset.n_classes - 1

    def _show_recipe(self, recipe: Recipe | None, dataset: Dataset) -> None:
        """Show ``recipe`` in the generator controls, or "custom" with the data's own size."""
        self._recipe = recipe
        generator = (self.preset, self.noise, self.points, self.test_share, self.seed)
        n_test = int(dataset.is_test.sum())
        with blocked(*generator):
            select_data(self.preset, recipe.preset if recipe else CUSTOM)
            # The range stretches for data of any size, so the box never shows a clamped count.
            self.points.setRange(min(MIN_POINTS, dataset.n), max(MAX_POINTS, dataset.n))
            self.points.setValue(dataset.n)
            share = round(100 * n_test / dataset.n) if dataset.n else 0
            self.test_share.setRange(0, max(90, share))
            self.test_share.setValue(share)
            if recipe is not None:
                self.noise.setValue(round(100 * recipe.noise))
                self.seed.setValue(recipe.seed)
        self._show_noise(self.noise.value())
        for control in generator[1:] + (self.regenerate, self._noise_value):
            control.setEnabled(recipe is not None)
        self.regenerate.setToolTip(TIPS["regenerate"] if recipe else TIPS["regenerate_custom"])

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
        if name == CUSTOM:
            return
        current = self.model.dataset
        classes = current.n_classes if takes_classes(name) and current.task == task_of(name) else None
        # Custom points may be too few to stand for a preset's size (none, after Clear).
        n = self.points.value() if self.points.value() >= MIN_POINTS else DEFAULT_POINTS
        recipe = Recipe(name, n, self.noise.value() / 100, self.seed.value(), self.test_share.value() / 100, classes)
        try:
            dataset = recipe.make()
        except ValueError as exc:
            self.model.message.emit("error", f"Generate {name}: {exc}")
            self._show_dataset(current)  # the controls show the data that is still there
            return
        self._recipes.remember(dataset, recipe)  # before the model's datasetChanged asks for it
        self.model.set_dataset(dataset, f"Generate {name}")

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
