"""Copy/Paste Recipe, Dataset from Formula… and Export as Script in the window."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
from default_window import shared_window  # noqa: F401 - the fixture
from PySide6.QtGui import QGuiApplication
from shared_window import own_window, reused_window

from playground.data import AddPoints, make_dataset
from playground.training import Trainer
from playground.ui import MainWindow
from playground.ui.recipes import controller_of
from playground.ui.recipes import formula_dialog as formula_dialog_module
from playground.ui.recipes.formula_dialog import FormulaDialog
from playground.ui.shell import dialogs

# One window on the default session for the tests that change it, checked to look as new before
# each (shared_window.py); the tests that only look share ``shared_window``.
kept_window, window = reused_window(MainWindow)
own_window = own_window(MainWindow)

DEFAULT_RECIPE = "spiral classes=2 n=300 noise=0.1 seed=0 test=0.3 | 16,16 tanh | adam lr=0.03 batch=32"


@pytest.fixture
def errors(monkeypatch):
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(dialogs, "show_error", lambda parent, title, text: shown.append((title, text)))
    return shown


def _menu_texts(window, title: str) -> list[str]:
    return [a.text() for a in window.menu(title).actions()]


def test_the_menus_hold_the_feature(shared_window):
    window = shared_window
    assert {"&Copy Recipe", "&Paste Recipe", "Dataset from &Formula…"} <= set(_menu_texts(window, "&Edit"))
    file_texts = _menu_texts(window, "&File")
    assert file_texts.index("Export as &Script") < file_texts.index("&Quit")
    recipes = controller_of(window)
    assert [a.text() for a in recipes.scripts_menu.actions()][0] == "&NumPy, initial weights…"


def test_copy_then_paste_round_trips_through_the_clipboard(window, qtbot, errors):
    recipes = controller_of(window)
    assert recipes.copy_recipe()
    assert QGuiApplication.clipboard().text() == DEFAULT_RECIPE
    # Change the session, then paste: the pasted session is the copied one, trained afresh.
    window.session.update_config(lr=0.5, hidden=(3,))
    window.data_panel.seed.setValue(4)
    assert window.session.dataset != make_dataset("spiral", n=300, noise=0.1, seed=0, test_fraction=0.3)
    assert recipes.paste_recipe()
    assert errors == []
    assert window.session.dataset == make_dataset("spiral", n=300, noise=0.1, seed=0, test_fraction=0.3)
    assert window.session.config.lr == 0.03 and window.session.config.hidden == (16, 16)
    assert window.files.path is None and window.files.modified
    assert recipes.recipe() == DEFAULT_RECIPE


def test_a_pasted_recipe_trains_bit_for_bit_as_a_fresh_session(own_window, qtbot):
    window = own_window  # its own: the trained loss curve leaves the loss axis narrower than a new window's
    recipes = controller_of(window)
    text = "xor n=200 noise=0.2 seed=3 test=0.25 | 6 relu init=he seed=2 | momentum lr=0.05 batch=16 l2=0.001"
    assert recipes.apply_recipe(text)
    window.session.step(5)
    qtbot.waitUntil(lambda: window.session.latest_frame.epoch == 5, timeout=10000)
    params = window.session.run_in_worker(lambda trainer: trainer.model.params.data.copy())
    reference = Trainer(make_dataset("xor", n=200, noise=0.2, seed=3, test_fraction=0.25), window.session.config)
    reference.step(5)
    assert np.array_equal(params, reference.model.params.data)
    assert window.session.config.l2 == 0.001 and window.session.config.init == "he"
    # The DATA panel shows the preset and options that made the points, not "custom".
    panel = window.data_panel
    assert (
        panel.preset.currentData(),
        panel.noise.value(),
        panel.seed.value(),
        panel.points.value(),
        panel.test_share.value(),
    ) == ("xor", 20, 3, 200, 25)


@pytest.mark.parametrize(
    "text, words",
    [
        ("not a recipe", "expected three parts"),
        ("spiral n=300 noise=0.1 seed=0 test=0.3 | 16,16 tanh | adam lr=0 batch=32", "TrainingConfig.lr"),
        ("spiral n=0 noise=0.1 seed=0 test=0.3 | 16,16 tanh | adam lr=0.03 batch=32", "n: expected"),
    ],
)
def test_pasting_a_malformed_recipe_changes_nothing(window, qtbot, errors, text, words):
    session = window.session
    session.update_config(lr=0.1)
    before = (session.dataset, session.config, session.undo_stack.count(), window.files.path)
    QGuiApplication.clipboard().setText(text)
    assert not controller_of(window).paste_recipe()
    assert len(errors) == 1 and errors[0][0] == "Paste recipe" and words in errors[0][1]
    assert (session.dataset, session.config, session.undo_stack.count(), window.files.path) == before


def test_custom_data_has_no_recipe_and_says_so(window, errors):
    session = window.session
    session.apply_edit(AddPoints(np.array([[0.5, 0.5]]), np.array([1])), "Add a point")
    QGuiApplication.clipboard().setText("unchanged")
    assert not controller_of(window).copy_recipe()
    assert errors and "has no recipe" in errors[0][1]
    assert QGuiApplication.clipboard().text() == "unchanged"


def test_a_formula_dataset_is_one_undoable_step_and_has_a_recipe(window, qtbot, errors):
    recipes = controller_of(window)
    before = window.session.dataset
    assert recipes.set_formula("x2 > sin(3*x1)")
    # The points take the size, noise, seed and test share the DATA panel shows.
    assert window.session.dataset == make_dataset(
        "formula", expr="x2 > sin(3*x1)", n=300, noise=0.1, seed=0, test_fraction=0.3
    )
    assert window.session.undo_stack.undoText().startswith("Formula x2 > sin(3*x1)")
    assert recipes.recipe().startswith('formula expr="x2 > sin(3*x1)" n=300 noise=0.1 seed=0 test=0.3 | ')
    window.session.undo_stack.undo()
    assert window.session.dataset is before


def test_a_bad_formula_shows_where_and_changes_nothing(shared_window, errors):
    window = shared_window
    before = window.session.dataset
    assert not controller_of(window).set_formula("x2 > sin(3*x1")
    assert "unbalanced '('" in errors[0][1] and "^" in errors[0][1]
    assert window.session.dataset is before


def test_the_formula_dialog_shows_the_error_at_the_character_and_keeps_ok_off(qtbot):
    made = []
    dialog = FormulaDialog(lambda expr: made.append(expr) or make_dataset("formula", expr=expr), "")
    qtbot.addWidget(dialog)
    dialog.line.setText("x1 + foo > 0")
    assert "unknown name 'foo'" in dialog.feedback.text()
    _, excerpt, caret = dialog.feedback.text().split("\n")
    assert excerpt[caret.index("^")] == "f"
    assert not dialog.buttons.button(dialog.buttons.StandardButton.Ok).isEnabled()
    dialog.line.setText("x1 > 100")  # parses, but no point is on its true side
    assert not dialog.try_accept() and "none of the 200 points" in dialog.feedback.text()
    dialog.line.setText("x1 < -1; x1 < 1; x1 >= 1")
    assert dialog.feedback.text() == "3 classes"
    assert dialog.try_accept() and dialog.dataset.n_classes == 3
    assert made[-1] == ["x1 < -1", "x1 < 1", "x1 >= 1"]


def test_the_menu_entry_asks_for_a_formula(window, monkeypatch):
    asked = []

    def answer(parent, make, initial, done):
        asked.append(initial)
        expr = "sin(x1) * cos(x2)"
        done(expr, make(expr))

    monkeypatch.setattr(formula_dialog_module, "ask", answer)
    controller_of(window).formula_action.trigger()
    assert asked == [""] and window.session.dataset.task == "regression"


def test_the_dialog_opens_without_blocking_and_its_ok_replaces_the_data(window, qtbot):
    controller_of(window).formula_action.trigger()  # returns at once: the dialog is window-modal
    dialog = window.findChild(FormulaDialog)
    assert dialog is not None and dialog.isVisible()
    dialog.line.setText("x1 * x2 > 0")
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    assert window.session.dataset == make_dataset(
        "formula", expr="x1 * x2 > 0", n=300, noise=0.1, seed=0, test_fraction=0.3
    )
    qtbot.waitUntil(lambda: window.findChild(FormulaDialog) is None, timeout=2000)  # deleted on close


def test_export_as_script_writes_a_script_that_runs(shared_window, tmp_path, monkeypatch, errors):
    window = shared_window  # exporting leaves the session as it is
    target = tmp_path / "lesson"
    monkeypatch.setattr(dialogs, "choose_save_path", lambda *args: (str(target), "Python scripts (*.py)"))
    controller_of(window).export_actions["numpy", "initial"].trigger()
    script = tmp_path / "lesson.py"
    assert errors == [] and script.is_file()
    done = subprocess.run(
        [sys.executable, "-I", str(script), "--epochs", "3", "--json"], capture_output=True, text=True, timeout=120
    )
    reference = Trainer(window.session.dataset, window.session.config)
    reference.step(3)
    np.testing.assert_allclose(
        json.loads(done.stdout)["train_loss"], reference.history.array("train_loss"), rtol=0, atol=1e-9
    )


def test_export_of_an_unsupported_session_says_why(window, errors, tmp_path):
    window.session.update_config(dtype="float32")
    assert not controller_of(window).export_script("numpy", "initial", tmp_path / "x.py")
    assert "float64 networks only" in errors[0][1]
    assert not (tmp_path / "x.py").exists()


def test_the_formula_dialog_opens_wide_and_keeps_its_size_when_an_error_shows(qtbot):
    # It opened 277 px wide (its minimum width was overridden by the layout's) and jumped to 511 px at
    # the first error, whose lines never wrap, leaving a gap under the help text laid out narrow.
    dialog = FormulaDialog(lambda expr: make_dataset("formula", expr=expr), "")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    opened = dialog.size()
    assert opened.width() >= 600
    dialog.line.setText("9**9**9**9")
    assert "too large" in dialog.feedback.text()
    dialog.layout().activate()  # what the next event loop pass would do: apply the new minimum size
    assert dialog.size() == opened and dialog.feedback.sizeHint().width() <= dialog.feedback.width()
