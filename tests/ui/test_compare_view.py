"""View > Compare in the real window: nine copies trained in a thread, drawn as small multiples and
loss curves, one promoted to be the session (and undone), and Stop ends the thread."""

from __future__ import annotations

import json

import numpy as np
import pytest
from PySide6.QtCore import Qt

from playground.data import make_dataset
from playground.training import Trainer, TrainingConfig
from playground.ui.compare.compare_view import picture
from playground.ui.plots.colors import class_rgb, probability_image
from playground.ui.shell.main_window import MainWindow

CONFIG = TrainingConfig(hidden=(6,), activation="tanh", optimizer="adam", lr=0.05, batch_size=20, seed=0)


@pytest.fixture
def window(qtbot):
    w = MainWindow(make_dataset("xor", n=120, noise=0.0, seed=0, test_fraction=0.25), CONFIG)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    qtbot.waitUntil(lambda: w.session.latest_frame is not None, timeout=5000)
    yield w
    w.close()


def picture_colour(probabilities, dataset, background) -> np.ndarray:
    return probability_image(probabilities.reshape(1, 1, -1), class_rgb(dataset.class_colors), background)[0, 0, :3]


def _train(qtbot, window, epochs: int) -> None:
    feature = window.compare
    view = feature.view
    window.findChild(type(feature.action), "compareAction").trigger()
    assert feature.dialog.isVisible()
    view.epochs.setValue(epochs)
    qtbot.mouseClick(view.start, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not feature.running and view.start.isEnabled(), timeout=30000)


def _state(session) -> tuple:
    return session.run_in_worker(
        lambda t: (t.config, t.model.params.data.copy(), t.epoch, json.dumps(t.history.to_dict()))
    )


def test_nine_copies_are_drawn_from_their_own_predictions(window, qtbot):
    _train(qtbot, window, 12)
    view = window.compare.view
    assert len(view.results) == 9
    shown = [tile for tile in view.tiles if tile.isVisible()]
    assert len(shown) == 9
    dataset = window.session.dataset
    view.points.setChecked(False)  # the cells alone: no data point drawn over them
    for k, (tile, result) in enumerate(zip(view.tiles, view.results)):
        assert result.label == f"seed {k}" and result.epoch == 12
        # The copy equals training it alone, and the picture is drawn from its predictions.
        alone = Trainer(dataset, CONFIG.replace(seed=k))
        alone.step(12)
        np.testing.assert_allclose(result.losses, alone.history.array("train_loss"), atol=1e-10)
        expected = picture(result, dataset, view.background())
        np.testing.assert_array_equal(tile.image, expected)
        image = tile.picture.grab().toImage()  # what the widget paints
        square = tile.picture.square()
        r = len(result.grid_axis)
        cell = square.width() / r
        assert cell >= 1.5
        for row, col in ((0, 0), (5, 40), (24, 24), (47, 3), (30, 47)):
            x = int(square.left() + (col + 0.5) * cell)
            y = int(square.top() + (row + 0.5) * cell)
            pixel = image.pixelColor(x, y)
            assert (pixel.red(), pixel.green(), pixel.blue()) == tuple(expected[row, col, :3])
        # Row 0 of the picture is the top of the plane (the highest x2), as the boundary plot shows it.
        top = result.grid_output.reshape(r, r, -1)[-1, 0]
        assert (expected[0, 0, :3] == picture_colour(top, dataset, view.background())).all()
        assert "test" in tile.caption.text() and "%" in tile.caption.text()
        # One loss curve per copy, in the legend, with the copy's losses.
        x, y = view.curves[k].getData()
        np.testing.assert_allclose(10**y, result.losses)  # the plot keeps log10 of a log axis
    assert len(view.legend.items) == 9
    # With Points on, each data point is drawn at its place in its class colour.
    view.points.setChecked(True)
    tile = view.tiles[0]
    image = tile.picture.grab().toImage()
    square = tile.picture.square()
    scale = square.width() / 12.0  # the plane's domain is -6..6 on both axes
    for row in (0, 7, 30):
        x1, x2 = dataset.X[row]
        pixel = image.pixelColor(int(square.left() + (x1 + 6) * scale), int(square.top() + (6 - x2) * scale))
        assert pixel.name().upper() == dataset.class_colors[int(dataset.y[row])].upper()
    pictures = {tile.image.tobytes() for tile in view.tiles}
    assert len(pictures) > 1  # the seeds learn different boundaries


def test_promote_makes_the_session_the_copy_and_undo_brings_the_old_one_back(window, qtbot):
    session = window.session
    session.step(3)
    qtbot.waitUntil(lambda: session.latest_frame.epoch == 3, timeout=5000)
    before = _state(session)
    _train(qtbot, window, 8)
    view = window.compare.view
    chosen = view.results[4]
    qtbot.mouseClick(view.tiles[4].button, Qt.MouseButton.LeftButton)
    assert session.config == chosen.config and session.config.seed == 4
    after = _state(session)
    np.testing.assert_array_equal(after[1], chosen.state.params)
    assert after[2] == 8
    assert session.undo_stack.undoText() == "Use compared copy (seed 4)"
    session.undo_stack.undo()
    back = _state(session)
    assert back[0] == before[0] and back[2:] == before[2:]
    np.testing.assert_array_equal(back[1], before[1])
    session.undo_stack.redo()
    np.testing.assert_array_equal(_state(session)[1], chosen.state.params)


def test_a_learning_rate_copy_is_promoted_as_a_whole_network(window, qtbot):
    view = window.compare.view
    view.variable.setCurrentIndex(view.variable.findData("lr"))
    view.values.setText("0.01, 0.1")
    _train(qtbot, window, 5)
    qtbot.mouseClick(view.tiles[1].button, Qt.MouseButton.LeftButton)
    assert window.session.config.lr == 0.1
    np.testing.assert_array_equal(_state(window.session)[1], view.results[1].state.params)


def test_stop_during_training_ends_the_thread(window, qtbot):
    feature = window.compare
    view = feature.view
    feature.open()
    view.epochs.setValue(100_000)
    qtbot.mouseClick(view.start, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(view.results), timeout=10000)  # a progress report arrived: it trains
    assert feature.running and view.stop.isEnabled()
    qtbot.mouseClick(view.stop, Qt.MouseButton.LeftButton)
    assert not feature.running and feature.thread.isFinished()
    assert view.start.isEnabled() and not view.stop.isEnabled()
    assert 0 < max(r.epoch for r in view.results) < 100_000


def test_closing_the_window_stops_the_thread(window, qtbot):
    feature = window.compare
    feature.open()
    feature.view.epochs.setValue(100_000)
    qtbot.mouseClick(feature.view.start, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: feature.running, timeout=5000)
    window.close()
    assert not feature.running


@pytest.mark.parametrize(
    "variable,text,message",
    [
        ("seed", "0, x", "Seed value 2 ('x') is not a whole number"),
        ("lr", "0.1, inf", "lr"),
        ("seed", "", "at least one"),
    ],
)
def test_bad_values_are_named_and_nothing_starts(window, qtbot, variable, text, message):
    feature = window.compare
    view = feature.view
    feature.open()
    view.variable.setCurrentIndex(view.variable.findData(variable))
    view.values.setText(text)
    qtbot.mouseClick(view.start, Qt.MouseButton.LeftButton)
    assert message in view.status.text()
    assert feature.thread is None


def test_closing_the_compare_window_stops_the_thread(window, qtbot):
    feature = window.compare
    feature.open()
    feature.view.epochs.setValue(100_000)
    qtbot.mouseClick(feature.view.start, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: feature.running, timeout=5000)
    feature.dialog.close()
    assert not feature.running and feature.view.start.isEnabled()


def test_promote_refuses_copies_of_data_that_changed(window, qtbot):
    _train(qtbot, window, 3)
    session = window.session
    session.generate("moons", n=100, noise=0.1, seed=1)
    config = session.config
    qtbot.mouseClick(window.compare.view.tiles[2].button, Qt.MouseButton.LeftButton)
    assert "data changed" in window.compare.view.status.text()
    assert session.config == config


def test_regression_copies_show_their_values_and_rmse(qtbot):
    w = MainWindow(make_dataset("bumps", n=80, seed=1, test_fraction=0.25), CONFIG)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.session.latest_frame is not None, timeout=5000)
    try:
        view = w.compare.view
        view.variable.setCurrentIndex(view.variable.findData("width"))
        assert view.values.text() == "2, 4, 8, 16, 32"
        view.values.setText("2, 8")
        _train(qtbot, w, 4)
        assert [tile.isVisible() for tile in view.tiles[:3]] == [True, True, False]
        for tile, result in zip(view.tiles, view.results):
            assert "RMSE" in tile.caption.text()
            np.testing.assert_array_equal(tile.image, picture(result, w.session.dataset, view.background()))
            assert len({tuple(px) for px in tile.image.reshape(-1, 4)}) > 10  # a map of values, not one colour
    finally:
        w.close()


def test_before_start_words_say_what_will_appear_instead_of_empty_axes(window, qtbot):
    """Seen in the window: before Start the loss plot showed empty axes (epochs 0..1, a loss of 1..10)."""
    feature = window.compare
    view = feature.view
    feature.open()
    qtbot.waitExposed(view)
    assert view.placeholder.isVisible() and not view.loss_plot.isVisible()
    assert "training losses" in view.placeholder.text()
    _train(qtbot, window, 5)
    assert view.loss_plot.isVisible() and not view.placeholder.isVisible()
    assert all(len(curve.getData()[0]) == 5 for curve in view.curves)
    view.clear()
    assert view.placeholder.isVisible() and not view.loss_plot.isVisible()


def test_a_tall_tile_draws_its_picture_right_above_its_caption(qtbot):
    # The tiles share the dialog's height: in a tile taller than wide the centred picture left a band
    # of empty background between itself and its caption (seed, score, Use).
    from playground.ui.compare.compare_view import CopyTile

    tile = CopyTile(0)
    qtbot.addWidget(tile)
    tile.resize(160, 330)
    rgba = np.full((4, 4, 4), 200, dtype=np.uint8)
    rgba[..., 3] = 255
    tile.picture.set_image(rgba)
    tile.caption.setText("seed 0<br>test 100%")
    tile.show()
    qtbot.waitExposed(tile)
    picture, square = tile.picture, tile.picture.square()
    assert picture.height() > picture.width() + 40  # the case: taller than wide
    drawn_bottom = picture.geometry().top() + square.bottom()
    assert 0 <= tile.caption.geometry().top() - drawn_bottom <= 8
    image = picture.grab().toImage()  # what is painted: the picture's grey down to the widget's bottom
    assert image.pixelColor(picture.width() // 2, picture.height() - 2).red() == 200
