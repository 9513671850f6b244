"""What the panels show is the session: after New, Open, Import, an edit and its undo, a
rebuild and a reset, every control and readout tells what the data and network now are."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QAbstractButton
from shared_window import reused_window

from playground.data import AddPoints, make_dataset, save_dataset
from playground.training import Trainer, TrainingConfig, save_session
from playground.training.defaults import DEFAULT_CONFIG
from playground.training.numbers import format_number
from playground.ui import MainWindow
from playground.ui.panels.data_panel import CUSTOM
from playground.ui.panels.form import select_data
from playground.ui.panels.recipes import MAX_RECOGNISED, Recipe, Recipes, recognise
from playground.ui.panels.transport import MISSING

SMALL = TrainingConfig(hidden=(4,), activation="tanh", optimizer="adam", lr=0.05, batch_size=20, seed=0)

# One window on the default session for the module's tests, reset after each and checked to look as
# new before the next.
kept_window, window = reused_window(MainWindow)


def generator_state(panel) -> tuple:
    """What the DATA panel's generator controls show."""
    return (
        panel.preset.currentData(),
        panel.noise.value(),
        panel.points.value(),
        panel.test_share.value(),
        panel.seed.value(),
    )


def wait_epoch(qtbot, window, epoch: int) -> None:
    qtbot.waitUntil(
        lambda: window.session.latest_frame.epoch == epoch and window.transport.epoch_label.text() == f"epoch {epoch}",
        timeout=5000,
    )


# -- the preset box and the generator's options ------------------------------------------------------


def test_new_shows_the_default_preset_and_regenerate_draws_it(window, qtbot):
    panel = window.data_panel
    assert generator_state(panel) == ("spiral", 10, 300, 30, 0)
    select_data(panel.preset, "xor")
    panel.noise.setValue(40)
    panel.seed.setValue(9)
    assert generator_state(panel) == ("xor", 40, 300, 30, 9)
    window.files.new_session()
    assert generator_state(panel) == ("spiral", 10, 300, 30, 0)  # was: the old preset stayed
    assert panel.regenerate.isEnabled()
    panel.regenerate.click()
    assert window.session.dataset == make_dataset("spiral", n=300, noise=0.1, seed=1, test_fraction=0.3)


def test_opening_a_400_point_session_shows_its_size_and_custom(window, qtbot, tmp_path):
    dataset = make_dataset("circle", n=400, noise=0.37, seed=12, test_fraction=0.25)
    path = tmp_path / "lesson.playground.json"
    save_session(path, Trainer(dataset, SMALL))
    assert window.files.open_session(path)
    panel = window.data_panel
    # Nothing says which noise and seed made these points: the panel claims no preset.
    assert generator_state(panel)[0] == CUSTOM and panel.preset.currentText() == "custom"
    assert panel.points.value() == 400 and panel.test_share.value() == 25  # was "Points 300"
    assert not panel.regenerate.isEnabled() and not panel.seed.isEnabled() and not panel.noise.isEnabled()
    assert "custom" in panel.regenerate.toolTip()
    assert window.network_panel.layer_rows[0][0].value() == 4  # the session's network, not the default
    assert window.training_panel.control("lr").value() == pytest.approx(0.05)
    select_data(panel.preset, "xor")  # choosing a preset generates it at the shown size
    assert window.session.dataset == make_dataset("xor", n=400, noise=0.1, seed=0, test_fraction=0.25)
    assert panel.seed.isEnabled() and panel.regenerate.isEnabled()


def test_opening_an_unedited_preset_session_recognises_the_preset(window, qtbot, tmp_path):
    dataset = make_dataset("gaussians", n=400, noise=0.1, seed=0, test_fraction=0.5)
    path = tmp_path / "gauss.playground.json"
    save_session(path, Trainer(dataset, DEFAULT_CONFIG))
    assert window.files.open_session(path)
    assert generator_state(window.data_panel) == ("gaussians", 10, 400, 50, 0)


def test_importing_a_csv_shows_custom_and_undo_brings_the_preset_back(window, qtbot, tmp_path):
    panel = window.data_panel
    path = tmp_path / "points.csv"
    save_dataset(path, make_dataset("blobs", n=57, noise=0.2, seed=3, classes=4))
    assert window.files.import_dataset(path)
    assert panel.preset.currentData() == CUSTOM and panel.points.value() == 57
    assert panel.test_share.value() == 0 and "4 classes" in panel.title()
    window.session.undo_stack.undo()
    assert generator_state(panel) == ("spiral", 10, 300, 30, 0) and "2 classes" in panel.title()


def test_a_painted_point_makes_the_data_custom_until_undone(window, qtbot):
    panel = window.data_panel
    assert window.session.apply_edit(AddPoints([[1.0, 2.0]], [1]), "Add point")
    assert panel.preset.currentData() == CUSTOM and panel.points.value() == 301
    window.session.undo_stack.undo()  # equal points again (a new object): the preset is back
    assert generator_state(panel) == ("spiral", 10, 300, 30, 0) and panel.regenerate.isEnabled()


def test_a_window_told_the_wrong_preset_shows_custom(qtbot):
    w = MainWindow(make_dataset("xor", n=120, seed=5, test_fraction=0.25), SMALL)  # preset says "spiral"
    qtbot.addWidget(w)
    try:
        assert w.data_panel.preset.currentData() == CUSTOM and w.data_panel.points.value() == 120
    finally:
        w.close()


def test_recognise_and_remember():
    made = make_dataset("spiral", n=90, noise=0.3, seed=4, test_fraction=0.2, classes=3)
    assert recognise(made) is None  # neither the likely pair nor the defaults
    recipe = recognise(made, [(0.3, 4)])
    assert recipe == Recipe("spiral", 90, 0.3, 4, 18 / 90, 3) and recipe.make() == made
    regression = make_dataset("plane", n=50, noise=0.1, seed=0)
    assert recognise(regression).preset == "plane"
    lopsided = made.with_points(made.X[:-1], made.y[:-1], made.is_test[:-1])  # one point erased
    assert recognise(lopsided, [(0.3, 4)]) is None
    assert recognise(make_dataset("xor", n=MAX_RECOGNISED + 1, noise=0.1, seed=0)) is None  # not worth it
    recipes = Recipes()
    recipes.remember(made, recipe)
    assert recipes.of(made) is recipe and recipes.of(recipe.make()) is recipe  # equal values count
    assert recipes.of(regression) is None


# -- the readouts after a rebuild and a reset ---------------------------------------------------------


def test_a_rebuild_shows_no_accuracy_at_epoch_0(window, qtbot):
    bar = window.transport
    window.session.step(3)
    wait_epoch(qtbot, window, 3)
    assert "%" in bar.metric_label.text()
    units, _ = window.network_panel.layer_rows[1]
    units.setValue(5)  # a rebuild: a new network at epoch 0
    wait_epoch(qtbot, window, 0)
    assert bar.metric_label.text() == f"accuracy: train {MISSING} · test {MISSING}"  # was "train 100.0%"
    assert bar.loss_label.text() == f"loss: train {MISSING} · test {MISSING}"
    window.session.step(1)
    wait_epoch(qtbot, window, 1)
    assert "%" in bar.metric_label.text()


def test_a_reset_shows_no_numbers_at_epoch_0(window, qtbot):
    bar = window.transport
    window.session.step(2)
    wait_epoch(qtbot, window, 2)
    bar.findChild(QAbstractButton, "resetButton").click()
    wait_epoch(qtbot, window, 0)
    assert MISSING in bar.metric_label.text() and "%" not in bar.metric_label.text()
    assert bar.loss_label.text() == f"loss: train {MISSING} · test {MISSING}"


def test_new_after_training_resets_every_panel(window, qtbot):
    window.session.update_config(hidden=(3,), activation=("relu",), lr=0.3, l2=0.01)
    window.session.step(2)
    wait_epoch(qtbot, window, 2)
    window.files.new_session()
    wait_epoch(qtbot, window, 0)
    network, training = window.network_panel, window.training_panel
    assert [(u.value(), a.currentData()) for u, a in network.layer_rows] == [(16, "tanh"), (16, "tanh")]
    assert training.control("lr").value() == pytest.approx(0.03) and training.control("l2").value() == 0
    assert MISSING in window.transport.metric_label.text()


def test_a_window_told_the_options_that_drew_its_data_shows_them(qtbot):
    # As ``render --preset xor --noise 0.2 --seed 3`` builds its window (it filmed "Preset spiral").
    dataset = make_dataset("xor", n=300, noise=0.2, seed=3, test_fraction=0.3)
    w = MainWindow(dataset, SMALL, preset="xor", noise=0.2, seed=3)
    qtbot.addWidget(w)
    try:
        assert generator_state(w.data_panel) == ("xor", 20, 300, 30, 3)
        w.session.replace_session(Trainer(dataset, SMALL))  # render swaps its trainer in
        assert generator_state(w.data_panel) == ("xor", 20, 300, 30, 3)
    finally:
        w.close()


def test_a_weight_set_by_hand_or_new_data_while_paused_show_their_own_numbers(window, qtbot):
    """The readouts kept the last epoch's numbers after a weight edit or a dataset change while paused
    ("accuracy: train 99.5%" beside a plane the edited network paints one colour)."""
    bar, session = window.transport, window.session
    session.update_config(hidden=(6,))
    session.step(40)
    wait_epoch(qtbot, window, 40)
    trained = bar.metric_label.text()
    output = len(session.latest_frame.weights) - 1
    session.worker.set_parameter(output, "bias", 0, 40.0)  # every point class 2 (the sigmoid's 1)
    train = ~session.dataset.is_test
    share = float((session.dataset.y[train] == 1).mean())
    test_share = float((session.dataset.y[~train] == 1).mean())
    wanted = f"accuracy: train {share:.1%} · test {test_share:.1%}"
    qtbot.waitUntil(lambda: bar.metric_label.text() == wanted, timeout=5000)
    assert trained != wanted and bar.epoch_label.text() == "epoch 40"
    session.generate("xor", n=200, noise=0.1, seed=4)  # the same task: the weights stay
    stats = session.worker.call(lambda trainer: trainer.stats_now())
    qtbot.waitUntil(lambda: window.session.latest_frame.dataset == session.dataset, timeout=5000)
    qtbot.waitUntil(lambda: bar.loss_label.text().startswith(f"loss: train {format_number(stats.train_loss)}"))
