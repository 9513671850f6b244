"""The window driven like a person would: clicks, erases, undo, step, play, rebuilds, pixels."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QAbstractButton, QLabel
from shared_window import own_window, reused_window

from playground.data import make_dataset
from playground.training import TrainingConfig
from playground.ui import MainWindow


def _build() -> MainWindow:
    ds = make_dataset("xor", n=120, noise=0.0, seed=0, test_fraction=0.25)
    return MainWindow(
        ds, TrainingConfig(hidden=(4,), activation="tanh", optimizer="adam", lr=0.05, batch_size=20, seed=0)
    )


# One window for the module's tests, checked to look as new before each (shared_window.py).
kept_window, window = reused_window(_build)
own_window = own_window(_build)


def _pixel(plot, x: float, y: float):
    vb = plot.getPlotItem().getViewBox()
    return plot.mapFromScene(vb.mapViewToScene(QPointF(x, y)))


def _click(qtbot, plot, x, y, button=Qt.MouseButton.LeftButton, modifier=Qt.KeyboardModifier.NoModifier):
    pos = _pixel(plot, x, y)
    qtbot.mouseMove(plot.viewport(), pos)
    qtbot.mouseClick(plot.viewport(), button, modifier, pos)


def _vb_scale(plot) -> float:
    """Data units per pixel, to state 'within a pixel' in data coordinates."""
    a, b = _pixel(plot, 0.0, 0.0), _pixel(plot, 1.0, 0.0)
    return 1.0 / max(abs(b.x() - a.x()), 1)


def test_named_widgets_exist(window):
    for name in ("boundaryPlot", "activationPlot", "lossPlot", "gradientPlot"):
        assert window.findChild(pg.PlotWidget, name) is not None
    for name in ("stepButton", "playButton", "resetButton"):
        assert window.findChild(QAbstractButton, name) is not None
    assert window.session.dataset.n == 120
    assert window.session.trainer.epoch == 0


def test_click_adds_point_of_current_class_at_coordinate(window, qtbot):
    plot = window.boundary_plot
    before = window.session.dataset.n
    window.tools.current_class = 1
    _click(qtbot, plot, 2.5, -3.0)
    ds = window.session.dataset
    assert ds.n == before + 1
    assert ds.y[-1] == 1
    tolerance = 1.5 * _vb_scale(plot)
    np.testing.assert_allclose(ds.X[-1], [2.5, -3.0], atol=tolerance)
    assert plot.points_drawn() == ds.n


def test_right_click_adds_other_class(window, qtbot):
    window.tools.current_class = 0
    _click(qtbot, window.boundary_plot, -2.0, 4.0, Qt.MouseButton.RightButton)
    assert window.session.dataset.y[-1] == 1


def test_erase_then_undo_redo(window, qtbot):
    plot = window.boundary_plot
    ds = window.session.dataset
    target = ds.X[0]
    radius = 0.8
    window.tools.brush_radius = radius
    window.tools.tool = "erase"
    _click(qtbot, plot, float(target[0]), float(target[1]))
    inside = np.hypot(*(ds.X - target).T) <= radius
    after = window.session.dataset
    assert after.n == ds.n - inside.sum()
    assert plot.points_drawn() == after.n
    window.session.undo_stack.undo()
    assert window.session.dataset == ds
    assert plot.points_drawn() == ds.n
    window.session.undo_stack.redo()
    assert window.session.dataset == after


def test_shift_click_erases_with_add_tool(window, qtbot):
    ds = window.session.dataset
    window.tools.brush_radius = 0.6
    _click(
        qtbot, window.boundary_plot, float(ds.X[3, 0]), float(ds.X[3, 1]), modifier=Qt.KeyboardModifier.ShiftModifier
    )
    assert window.session.dataset.n < ds.n


def test_drag_paints_one_undo_step(window, qtbot):
    plot = window.boundary_plot
    before = window.session.dataset
    window.tools.brush_radius = 0.4
    start, end = _pixel(plot, -4.0, -4.0), _pixel(plot, 4.0, -4.0)
    qtbot.mouseMove(plot.viewport(), start)
    qtbot.mousePress(plot.viewport(), Qt.MouseButton.LeftButton, pos=start)
    for t in np.linspace(0, 1, 25)[1:]:
        qtbot.wait(15)  # pyqtgraph drops mouse moves closer than 10 ms apart
        qtbot.mouseMove(plot.viewport(), start + (end - start) * t)
    qtbot.mouseRelease(plot.viewport(), Qt.MouseButton.LeftButton, pos=end)
    added = window.session.dataset.n - before.n
    assert added >= 5
    window.session.undo_stack.undo()
    assert window.session.dataset == before


def test_step_adds_one_epoch_and_one_curve_point(window, qtbot):
    window.findChild(QAbstractButton, "stepButton").click()
    qtbot.waitUntil(lambda: window.session.latest_frame.epoch == 1, timeout=5000)
    qtbot.waitUntil(lambda: window._drawn is window.session.latest_frame, timeout=2000)
    assert window.session.trainer.epoch == 1
    counts = window.loss_plot.curve_point_count()
    assert counts["train loss"] == 1
    assert all(count == 1 for count in window.gradient_plot.curve_point_count().values())
    assert "1" in window.findChild(QLabel, "epochLabel").text()


def test_play_pause_and_reset(window, qtbot):
    play = window.findChild(QAbstractButton, "playButton")
    play.click()
    qtbot.waitUntil(lambda: window.session.latest_frame.epoch >= 5, timeout=10000)
    play.click()
    qtbot.waitUntil(lambda: not window.session.playing, timeout=2000)
    qtbot.wait(100)
    stopped_at = window.session.latest_frame.epoch
    qtbot.wait(200)
    assert window.session.latest_frame.epoch == stopped_at
    window.findChild(QAbstractButton, "resetButton").click()
    qtbot.waitUntil(lambda: window.session.latest_frame.epoch == 0, timeout=5000)
    assert len(window.session.trainer.history) == 0


def test_architecture_change_rebuilds_and_activation_plot_follows(window, qtbot):
    window.session.update_config(hidden=(3, 2), activation=("relu", "tanh"), features=("x1", "x2", "x1*x2"))
    qtbot.waitUntil(lambda: window.session.latest_frame.config.hidden == (3, 2), timeout=5000)
    trainer = window.session.trainer
    assert trainer.model.sizes == [3, 3, 2, 1]
    assert trainer.model.activations == ["relu", "tanh"]
    qtbot.waitUntil(lambda: window._drawn is window.session.latest_frame, timeout=2000)
    view = window.activation_view
    assert view.layer_box.count() == 2
    assert window.activation_plot.points_drawn() == window.session.dataset.n


def test_boundary_pixels_match_model(qtbot):
    """After training on a linear split, the heatmap's colour on each side is that side's class."""
    ds = make_dataset("linear", n=200, noise=0.0, seed=1)
    w = MainWindow(ds, TrainingConfig(hidden=(), optimizer="adam", lr=0.1, batch_size=200, seed=0))
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    w.session.step(60)
    qtbot.waitUntil(lambda: w.session.latest_frame is not None and w.session.latest_frame.epoch == 60, timeout=10000)
    qtbot.waitUntil(lambda: w._drawn is w.session.latest_frame, timeout=2000)
    w.tools.show_test = False
    w.boundary_plot.set_points(np.empty((0, 2)), np.empty(0, dtype=int), None, "classification")
    qtbot.wait(50)
    image = w.boundary_plot.grab().toImage().convertToFormat(QImage.Format.Format_RGBA8888)
    ratio = w.boundary_plot.devicePixelRatioF()
    raw = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine())
    pixels = raw[:, : image.width() * 4].reshape(image.height(), image.width(), 4)
    colours = [np.array([int(c[i : i + 2], 16) for i in (1, 3, 5)]) for c in ds.class_colors]
    probe_points = np.array([[x, y] for x in (-4.5, -2.0, 2.0, 4.5) for y in (-4.5, 0.0, 4.5)])
    probabilities = w.session.trainer.predict(probe_points)
    checked = 0
    for point, p in zip(probe_points, probabilities):
        if p.max() < 0.8:
            continue  # near the boundary the colour is pale by design
        pos = _pixel(w.boundary_plot, *point)
        rgb = pixels[int(pos.y() * ratio), int(pos.x() * ratio), :3].astype(float)
        distances = [np.linalg.norm(rgb - _blend(c, p.max())) for c in colours]
        assert int(np.argmin(distances)) == int(p.argmax()), (point, p, rgb)
        checked += 1
    assert checked >= 6
    w.close()


def _blend(colour: np.ndarray, confidence: float) -> np.ndarray:
    """Roughly where the heatmap puts a confident pixel: between white and the class colour."""
    strength = 0.6 * (2 * confidence - 1)
    return 255 * (1 - strength) + colour * strength


def test_divergence_pauses_and_explains(own_window, qtbot):
    # Its own window: the diverged values widen the plots' axes (their tick labels), which pyqtgraph never narrows.
    window = own_window
    window.session.update_config(optimizer="sgd", lr=10.0, hidden=(8, 8), activation="linear")
    window.session.play()
    qtbot.waitUntil(lambda: window.session.latest_frame.stats.status == "diverged", timeout=20000)
    qtbot.waitUntil(lambda: not window.session.playing, timeout=2000)
    assert window.banner.isVisible()
    text = window.banner.text()
    # The weights were put back, so the advice is a lower learning rate, then train on.
    assert "diverged" in text and "Lower the learning rate (now 10)" in text and "train on" in text
    # The weights were restored to the last finite ones, and every plot still draws.
    assert np.all(np.isfinite(window.session.trainer.model.params.data))
    qtbot.waitUntil(lambda: window._drawn is window.session.latest_frame, timeout=2000)
    window.grab()


def test_many_points_keep_the_window_responsive(qtbot):
    """10,000 points: playing, the GUI thread still answers and draws every point."""
    w = MainWindow(
        make_dataset("spiral", n=10_000, noise=0.1, seed=0, test_fraction=0.2),
        TrainingConfig(hidden=(8, 8), batch_size=64, seed=0),
    )
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    w.session.play()
    qtbot.waitUntil(lambda: w.session.latest_frame is not None and w.session.latest_frame.epoch >= 1, timeout=20000)
    w.tools.current_class = 1
    _click(qtbot, w.boundary_plot, 1.0, 1.0)  # handled while the worker trains
    assert w.session.dataset.n == 10_001
    assert w.boundary_plot.points_drawn() == 10_001
    w.session.pause()
    w.close()


def test_last_hidden_layer_shows_a_separating_decision_line(qtbot):
    """The chapter's Figure 12: in the 2-unit last hidden layer the output's line splits the
    point images exactly as the network classifies them."""
    ds = make_dataset("vshape", n=200, noise=0.05, seed=0)
    w = MainWindow(ds, TrainingConfig(hidden=(4, 2), activation="relu", optimizer="sgd", lr=0.2, batch_size=50, seed=0))
    qtbot.addWidget(w)
    w.show()
    w.session.step(300)
    qtbot.waitUntil(lambda: w.session.latest_frame is not None and w.session.latest_frame.epoch == 300, timeout=20000)
    qtbot.waitUntil(lambda: w._drawn is w.session.latest_frame, timeout=2000)
    view = w.activation_view
    view.layer_box.setCurrentIndex(1)
    frame = w.session.latest_frame
    assert view.x_box.currentData() == 0 and view.y_box.currentData() == 1  # two units: shown as they are
    basis, origin = np.eye(2), np.zeros(2)
    normal, offset = view._decision_line(frame, 1, "a", basis, origin)
    images = frame.point_a[1]
    predicted = w.session.trainer.predict(ds.X).argmax(axis=1)
    side = (images @ normal + offset > 0).astype(int)
    np.testing.assert_array_equal(side, predicted)
    assert (predicted == ds.y).mean() > 0.9
    w.close()


def test_a_new_class_rebuilds_the_network_and_says_so(window, qtbot):
    session = window.session
    session.set_dataset(session.dataset.with_classes(3), "Add class")
    qtbot.waitUntil(lambda: session.trainer.model.n_out == 3, timeout=5000)
    qtbot.waitUntil(lambda: "number of classes changed" in window.statusBar().currentMessage(), timeout=5000)


def test_an_erasing_drag_is_named_by_all_it_erased(window, qtbot):
    plot = window.boundary_plot
    before = window.session.dataset
    window.tools.brush_radius = 0.8
    window.tools.tool = "erase"
    start, end = _pixel(plot, -5.0, -5.0), _pixel(plot, 5.0, 5.0)
    qtbot.mouseMove(plot.viewport(), start)
    qtbot.mousePress(plot.viewport(), Qt.MouseButton.LeftButton, pos=start)
    for t in np.linspace(0, 1, 30)[1:]:
        qtbot.wait(15)  # pyqtgraph drops mouse moves closer than 10 ms apart
        qtbot.mouseMove(plot.viewport(), start + (end - start) * t)
    qtbot.mouseRelease(plot.viewport(), Qt.MouseButton.LeftButton, pos=end)
    erased = before.n - window.session.dataset.n
    assert erased >= 3
    stack = window.session.undo_stack
    assert stack.count() == 1 and stack.undoText() == f"Erase {erased} points"


def test_the_edit_menu_names_the_config_change_it_undoes(window, qtbot):
    window.session.step(3)
    qtbot.waitUntil(lambda: window.session.latest_frame.epoch == 3, timeout=5000)
    assert window.session.update_config(hidden=(8,))
    undo = next(a for a in window.menu("&Edit").actions() if a.text().startswith("&Undo"))
    assert undo.text() == "&Undo Change layer 1 units to 8" and undo.isEnabled()
    undo.trigger()
    sizes, epoch = window.session.run_in_worker(lambda t: (t.model.sizes, t.epoch))
    assert sizes == [2, 4, 1] and epoch == 3  # the trained network is back
    assert undo.text() == "&Undo"


def test_a_network_preset_is_one_named_undo_step(window):
    from PySide6.QtGui import QAction

    before = window.session.config
    window.findChild(QAction, "preset-vanishing gradients").trigger()
    assert window.session.config != before
    stack = window.session.undo_stack
    assert stack.undoText() == "Apply network preset vanishing gradients"
    stack.undo()
    assert window.session.config == before
