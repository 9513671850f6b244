"""Recipes, formula datasets and export as code, in the window's menus.

* Edit > Copy Recipe puts the session's one-line recipe on the clipboard, and
  Edit > Paste Recipe rebuilds the session a recipe describes (a fresh network
  from its seed, so it trains bit for bit as the session it came from). A
  malformed recipe, or options out of range, show why and change nothing.
* Edit > Dataset from Formula… asks for a formula and replaces the data with
  its points, as one undoable step.
* File > Export as Script writes the session as a NumPy or PyTorch script.

The recipe of the data on screen is the DATA panel's (``DataPanel.recipe``,
what made the points) or, for data made here (formulas, pasted recipes), the
one remembered here, the same way the panel remembers its own (``Recipes``).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import QMenu

from ...data import Dataset
from ...data.files import write_text_atomic
from ...data.spec import DatasetSpec, formula_spec
from ...training import Trainer
from ...training.recipes import parse_recipe, recipe_of
from ..panels.recipes import Recipes
from ..session.commands import short_text
from ..shell import dialogs
from ..shell.actions import menu_action

if TYPE_CHECKING:
    from ..files.file_controller import FileController
    from ..shell.host import WindowHost
    from . import formula_dialog

    class RecipeHost(WindowHost, Protocol):
        """The window, with the file controller a pasted session is handed to."""

        files: FileController


SCRIPT_FILTER = "Python scripts (*.py)"
EXPORTS = (
    ("numpy", "initial", "&NumPy, initial weights…"),
    ("numpy", "trained", "NumPy, &trained weights…"),
    ("torch", "initial", "&PyTorch, initial weights…"),
    ("torch", "trained", "PyTorch, t&rained weights…"),
)


class RecipeController(QObject):
    """The menu actions of this feature, and their headless forms for tests and the command line."""

    def __init__(self, window: RecipeHost) -> None:
        super().__init__(window)
        self.setObjectName("recipes")
        self.window = window
        self.session = window.session
        self._made = Recipes()  # specs of the data made here: formulas and pasted recipes
        self._build_edit_menu(window.menu("&Edit"))
        self._build_file_menu(window.menu("&File"))

    # ------------------------------------------------------------------ menus
    def _action(self, text: str, slot, tip: str, key: str = "") -> QAction:
        return menu_action(self.window, text, slot, tip, key)

    def _build_edit_menu(self, menu: QMenu) -> None:
        menu.addSeparator()
        self.copy_action = self._action(
            "&Copy Recipe",
            self.copy_recipe,
            "Copy a one-line recipe of this session (data and every setting) to share it.",
            "Ctrl+Shift+C",
        )
        self.paste_action = self._action(
            "&Paste Recipe", self.paste_recipe, "Rebuild the session a copied recipe describes.", "Ctrl+Shift+V"
        )
        self.formula_action = self._action(
            "Dataset from &Formula…",
            self.ask_formula,
            "Replace the points with points labelled by a formula you type (undoable).",
        )
        for action in (self.copy_action, self.paste_action, self.formula_action):
            menu.addAction(action)

    def _build_file_menu(self, menu: QMenu) -> None:
        scripts = QMenu("Export as &Script", menu)
        scripts.setToolTipsVisible(True)
        self.export_actions = {}
        for flavour, weights, text in EXPORTS:
            action = self._action(
                text,
                lambda f=flavour, w=weights: self.export_script(f, w),
                f"Write a Python script that rebuilds and trains this session "
                f"({'plain NumPy, the chain rule written out' if flavour == 'numpy' else 'PyTorch'}, "
                f"starting from the {weights} weights).",
            )
            scripts.addAction(action)
            self.export_actions[flavour, weights] = action
        # Beside File's other exports: before the separator that precedes Quit.
        actions = menu.actions()
        quits = [i for i, a in enumerate(actions) if a.text().replace("&", "") == "Quit"]
        if not quits:
            menu.addMenu(scripts)
        else:
            i = quits[0]
            menu.insertMenu(actions[i - 1] if i and actions[i - 1].isSeparator() else actions[i], scripts)
        self.scripts_menu = scripts

    # ---------------------------------------------------------------- recipes
    def current_spec(self) -> DatasetSpec | None:
        """What made the data on screen (None: custom data)."""
        dataset = self.session.dataset
        return self.window.data_panel.recipe or self._made.of(dataset)

    def recipe(self) -> str:
        """The session's recipe; ValueError for custom data."""
        return recipe_of(self.current_spec(), self.session.config)

    def copy_recipe(self) -> bool:
        """Put the recipe on the clipboard; custom data says why it has none."""
        try:
            text = self.recipe()
        except ValueError as exc:
            dialogs.show_error(self.window, "Copy recipe", str(exc).removeprefix("recipe: ").capitalize())
            return False
        QGuiApplication.clipboard().setText(text)
        self.session.message.emit("info", f"Recipe copied: {short_text(text)}")
        return True

    def paste_recipe(self) -> bool:
        """Rebuild the session from the recipe on the clipboard."""
        return self.apply_recipe(QGuiApplication.clipboard().text())

    def apply_recipe(self, text: str) -> bool:
        """Rebuild the session ``text`` describes; a bad recipe shows why and changes nothing."""
        try:
            spec, config = parse_recipe(text)
            dataset = spec.make()
        except ValueError as exc:
            dialogs.show_error(self.window, "Paste recipe", f"This recipe cannot be used: {exc}")
            return False
        files = self.window.files
        if not files.maybe_save():  # like Open: the session on screen is replaced
            return False
        self._made.remember(dataset, spec)  # before the panel asks what made the new data
        if spec.expr is None:  # a preset: the DATA panel shows its options (a formula is not a preset)
            self.window.data_panel.remember(dataset, spec)
        files.take_session(Trainer(dataset, config), None, modified=True)
        self.session.message.emit("info", f"Session rebuilt from the recipe: {short_text(text.strip())}")
        return True

    # --------------------------------------------------------------- formulas
    def ask_formula(self) -> formula_dialog.FormulaDialog:
        """Open the dialog that asks for a formula; its OK replaces the data with the points."""
        spec = self.current_spec()
        initial = (
            ""
            if spec is None or spec.expr is None
            else (spec.expr if isinstance(spec.expr, str) else "; ".join(spec.expr))
        )
        from . import formula_dialog  # the dialog's module, at its first use

        return formula_dialog.ask(self.window, self._formula_dataset, initial, self._apply_formula)

    def set_formula(self, expr: str | list[str]) -> bool:
        """Replace the data with ``expr``'s points (undoable); a bad formula shows why, changes nothing."""
        try:
            dataset = self._formula_dataset(expr)
        except ValueError as exc:
            dialogs.show_error(self.window, "Dataset from a formula", str(exc))
            return False
        self._apply_formula(expr, dataset)
        return True

    def _formula_options(self) -> tuple[int, float, int, float]:
        """The size, noise, seed and test share the DATA panel shows: the formula's points use them."""
        panel = self.window.data_panel
        return panel.points.value(), panel.noise.value() / 100, panel.seed.value(), panel.test_share.value() / 100

    def _formula_spec(self, expr: str | list[str]) -> DatasetSpec:
        return formula_spec(expr, *self._formula_options())

    def _formula_dataset(self, expr: str | list[str]) -> Dataset:
        return self._formula_spec(expr).make()

    def _apply_formula(self, expr: str | list[str], dataset: Dataset) -> None:
        self._made.remember(dataset, self._formula_spec(expr))
        shown = expr if isinstance(expr, str) else "; ".join(expr)
        self.session.set_dataset(dataset, f"Formula {short_text(shown)}")

    # ------------------------------------------------------------------ export
    def export_script(self, flavour: str, weights: str, path: str | Path | None = None) -> bool:
        """Write the session as a script (asking where when ``path`` is None)."""
        # The script writer and its templates, at the first export, not at start-up.
        from ...training.export_code import export_script, suggested_file_name

        try:
            # Read in the training thread, which owns the trainer (a whole epoch, even mid-epoch).
            text = self.session.run_in_worker(lambda trainer: export_script(trainer, flavour, weights))
        except (ValueError, TimeoutError) as exc:
            dialogs.show_error(self.window, "Export as script", str(exc).removeprefix("export: ").capitalize())
            return False
        if path is None:
            folder = Path(self.window.files.settings.last_folder)
            chosen, _ = dialogs.choose_save_path(
                self.window, "Export as script", str(folder / suggested_file_name(flavour)), SCRIPT_FILTER
            )
            if not chosen:
                return False
            path = Path(chosen) if chosen.lower().endswith(".py") else Path(chosen + ".py")
        path = Path(path)
        try:
            write_text_atomic(path, str(text))
        except OSError as exc:
            dialogs.show_error(self.window, "Export as script", f"Could not write {path.name}: {exc.strerror or exc}.")
            return False
        self.session.message.emit("info", f"Exported the session as {path.name} (run: python {path.name}).")
        return True


def install_recipes(window: RecipeHost) -> RecipeController:
    """Give ``window`` Copy/Paste Recipe, Dataset from Formula… and Export as Script."""
    return RecipeController(window)


def controller_of(window: QObject) -> RecipeController | None:
    """The window's recipe controller, if the feature is installed (for the command line)."""
    return window.findChild(RecipeController, "recipes")
