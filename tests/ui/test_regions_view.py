"""The Regions dock: each pixel of the map has its region's shade, the shown count is the number of
distinct activation patterns, a click shows regions.py's linear piece, and the count curve."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from test_landscape_view import Session, Worker
from test_transforms_view import Host

from playground.data import make_dataset
from playground.training import Trainer, TrainingConfig
from playground.training.regions import activation_patterns, linear_piece, plane_network
from playground.ui.regions import install_regions
from playground.ui.regions.regions_feature import piece_text
from playground.ui.session.worker import make_frame


def _setup(qtbot, activation: str = "relu", hidden: tuple[int, ...] = (6, 5), **fields):
    trainer = Trainer(
        make_dataset("circle", n=60, noise=0.1, seed=0),
        TrainingConfig(hidden=hidden, activation=activation, **fields),
    )
    worker = Worker(trainer)
    worker.timeline.follow(trainer)
    host = Host()
    host.session = Session(worker)
    host.resize(900, 900)
    qtbot.addWidget(host)
    feature = install_regions(host)
    host.show()
    feature.dock.show()
    qtbot.waitExposed(host)
    return host, feature, trainer, worker


def _step(trainer: Trainer, worker: Worker, epochs: int, playing: bool = False):
    for _ in range(epochs):
        stats = trainer.step()
        worker.timeline.follow(trainer)
    return make_frame(trainer, playing, stats, timeline=worker.timeline.epochs)


def _grid(frame) -> np.ndarray:
    x1, x2 = np.meshgrid(frame.grid_axis, frame.grid_axis)
    return np.column_stack([x1.ravel(), x2.ravel()])


def _widget_pos(plot, x: float, y: float) -> QPoint:
    scene = plot.getPlotItem().vb.mapViewToScene(QPointF(x, y))
    return plot.mapFromScene(scene)


def test_each_pixel_has_its_regions_shade_and_the_count_is_the_distinct_patterns(qtbot):
    host, feature, trainer, worker = _setup(qtbot)
    frame = _step(trainer, worker, 5)
    host.views[0](frame)
    grid = _grid(frame)
    patterns = activation_patterns(plane_network(trainer), grid)
    distinct = len({tuple(p) for p in patterns})
    assert feature.count == distinct > 3
    assert feature.view.status.text().startswith(f"{distinct} linear regions (")
    view = feature.view
    r = len(frame.grid_axis)
    ids = view.ids
    assert ids.shape == (r, r)
    # Cells whose 7x7 neighbourhood is one region (away from fold lines) and away from the data points.
    points = frame.dataset.X[frame.point_rows]
    image = view.plot.grab().toImage()
    checked = set()
    for i in range(3, r - 3, 4):
        for j in range(3, r - 3, 4):
            block = ids[i - 3 : i + 4, j - 3 : j + 4]
            x, y = frame.grid_axis[j], frame.grid_axis[i]
            if (block != ids[i, j]).any() or np.hypot(points[:, 0] - x, points[:, 1] - y).min() < 0.5:
                continue
            pos = _widget_pos(view.plot, x, y)
            color = image.pixelColor(pos)
            assert (color.red(), color.green(), color.blue()) == tuple(view.palette[ids[i, j]]), (i, j)
            checked.add(int(ids[i, j]))
    assert len(checked) >= 3  # several regions were checked, each by its own shade
    # Distinct regions get distinct shades.
    assert len({tuple(view.palette[k]) for k in range(distinct)}) == distinct


def test_a_click_shows_the_linear_function_of_the_clicked_region(qtbot):
    host, feature, trainer, worker = _setup(qtbot, "leaky_relu", standardize=True)
    frame = _step(trainer, worker, 5)
    host.views[0](frame)
    view = feature.view
    pos = _widget_pos(view.plot, 1.3, -2.1)
    qtbot.mouseClick(view.plot.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    clicked = view.marker.getData()
    point = np.array([clicked[0][0], clicked[1][0]])
    assert np.allclose(point, [1.3, -2.1], atol=0.05)
    want = linear_piece(plane_network(trainer), point)
    assert view.formula.text() == piece_text(want, "sigmoid", [6, 5])
    piece = linear_piece(feature.network, point)
    np.testing.assert_allclose(piece.slopes, want.slopes, atol=1e-9)
    np.testing.assert_allclose(piece.offset, want.offset, atol=1e-9)
    # And the formula is the network: its logit at the point equals the piece's value there.
    logit = trainer.probe(point[None]).z[-1][0, 0]
    assert float(point @ want.slopes[:, 0] + want.offset[0]) == pytest.approx(float(logit), abs=1e-9)
    w1 = want.slopes[0, 0]
    assert f"{abs(w1):.3g}"[:3] in view.formula.text()


def test_smooth_activations_say_why_there_are_no_regions(qtbot):
    host, feature, trainer, worker = _setup(qtbot, "tanh")
    host.views[0](_step(trainer, worker, 2))
    assert "tanh units curve smoothly" in feature.view.status.text()
    assert not feature.view.image.isVisible()
    assert feature.network is None
    # No empty axes under the reason (seen at 1280x720: a blank map and an empty count plot).
    assert not feature.view.plot.isVisible() and not feature.view.curve_plot.isVisible()


def test_the_map_is_as_tall_as_wide_in_a_narrow_dock(qtbot):
    """The dock beside the plots is narrow and tall: the square map got the height (x2 from -13 to 13
    around the data's -6 to 6); it is now square, and comes back after a reason hid it."""
    host, feature, trainer, worker = _setup(qtbot)
    host.resize(420, 900)
    host.views[0](_step(trainer, worker, 2))
    view = feature.view
    box = view.plot.getPlotItem().getViewBox()
    qtbot.waitUntil(lambda: abs(box.height() - box.width()) <= 4, timeout=3000)
    (x_low, x_high), (y_low, y_high) = box.viewRange()
    assert y_high - y_low <= 1.05 * (x_high - x_low)
    assert view.curve_plot.isVisible()


def test_bent_inputs_say_why_there_are_no_regions(qtbot):
    host, feature, trainer, worker = _setup(qtbot, features=("x1", "x2", "x1^2"))
    host.views[0](_step(trainer, worker, 2))
    assert "x1^2" in feature.view.status.text() and "bend the plane" in feature.view.status.text()


def test_the_count_curve_follows_the_epochs_and_fills_the_timeline_on_pause(qtbot):
    host, feature, trainer, worker = _setup(qtbot)
    host.views[0](_step(trainer, worker, 3, playing=True))
    host.views[0](_step(trainer, worker, 3, playing=True))
    assert sorted(feature.counts) == [3, 6]  # live: only the drawn frames
    assert worker.calls == 0
    frame = _step(trainer, worker, 1)  # paused: the kept epochs no frame showed are counted
    host.views[0](frame)
    assert worker.calls == 1
    kept = [int(e) for e in worker.timeline.epochs]
    assert set(kept) <= set(feature.counts)
    x, y = feature.view.count_curve.getData()
    np.testing.assert_array_equal(x, sorted(feature.counts))
    assert y[-1] == feature.count
    loss_x, loss_y = feature.view.loss_curve.getData()
    np.testing.assert_allclose(loss_y, frame.history["train_loss"])
    host.views[0](frame)
    assert worker.calls == 1  # nothing left to fill


def test_a_click_on_a_data_point_shows_its_region_and_a_wide_pattern_wraps_in_the_narrow_dock(qtbot):
    # The data points' item took clicks on them (nothing shown), and a 64-unit layer's pattern was one string
    # of 64 digits: the label, the dock and the window grew past a 1280-px screen.
    host, feature, trainer, worker = _setup(qtbot, hidden=(64,))
    frame = _step(trainer, worker, 2)
    host.views[0](frame)
    view = feature.view
    x, y = (float(v) for v in frame.dataset.X[frame.point_rows][0])
    qtbot.mouseClick(view.plot.viewport(), Qt.MouseButton.LeftButton, pos=_widget_pos(view.plot, x, y))
    assert view.formula.text().startswith("On this region")
    np.testing.assert_allclose(np.array(view.marker.getData()).ravel(), [x, y], atol=0.05)
    # A sigmoid's positive logit is y = 1, the second class (it said class 1): at the clicked point the
    # sign of the region's logit is the side the network puts it on.
    piece = linear_piece(feature.network, np.array([x, y]))
    logit = float(np.array([x, y]) @ piece.slopes[:, 0] + piece.offset[0])
    assert "class 2 where the logit is positive" in view.formula.text()
    p = trainer.probe(np.array([[x, y]])).a[-1][0, 0]
    assert (logit > 0) == (p > 0.5)  # p is the probability of class 2 (y = 1)
    pattern = view.formula.text().split(": ")[-1]
    assert max(len(word) for word in pattern.split()) <= 8 and len(pattern.replace(" ", "")) == 64
