"""The Transforms dock: what it draws for a frame, stage by stage, and that its planes are held."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QMainWindow, QMenu

from playground.data import make_dataset
from playground.training import Trainer, TrainingConfig
from playground.training.forward import Network
from playground.training.transforms import StageProjector, trainer_stages
from playground.ui.session.worker import make_frame
from playground.ui.shell.lazy_dock import LazyDock, add_lazy_dock
from playground.ui.shell.restyle import restyle
from playground.ui.transforms import install_transforms
from playground.ui.transforms.transforms_view import STEPS, stages_aspect


class Host(QMainWindow):
    """The parts of the WindowHost protocol a dock feature uses."""

    def __init__(self) -> None:
        super().__init__()
        self.views: list = []
        self.menus: dict[str, QMenu] = {}

    def menu(self, title: str) -> QMenu:
        return self.menus.setdefault(title, self.menuBar().addMenu(title))

    def add_dock(self, dock: QDockWidget, area: Qt.DockWidgetArea) -> None:
        self.addDockWidget(area, dock)

    def add_frame_view(self, draw) -> None:
        self.views.append(draw)

    def add_lazy_dock(self, title, object_name, build, area, tooltip) -> LazyDock:
        return add_lazy_dock(self, title, object_name, build, area, tooltip)

    def restyle(self, widget) -> None:
        restyle(self, widget)


def _frame(trainer: Trainer):
    stats = trainer.step(4)
    return make_frame(trainer, False, stats)


@pytest.fixture
def shown(qtbot):
    host = Host()
    qtbot.addWidget(host)
    feature = install_transforms(host)
    host.show()
    feature.dock.show()
    return host, feature


def _drawn_lines(feature) -> np.ndarray:
    """The drawn lines of constant x2, then of constant x1 (grid_lines' order)."""
    view = feature.view
    xy = np.concatenate([np.column_stack(item.getData()) for item in (view.rows_item, view.columns_item)])
    return xy[np.isfinite(xy).all(axis=1)].reshape(len(feature.lines), -1, 2)


def test_each_stage_draws_the_carried_grid_lines_and_points(shown):
    host, feature = shown
    assert [a.text() for a in host.menus["&View"].actions()] == ["Transforms"]
    trainer = Trainer(make_dataset("vshape", n=60, noise=0.1, seed=0), TrainingConfig(hidden=(4, 2), standardize=True))
    frame = _frame(trainer)
    for draw in host.views:
        draw(frame)
    view = feature.view
    lines = feature.lines.reshape(-1, 2)
    X = np.concatenate([lines, frame.dataset.X[frame.point_rows]])
    expected = trainer_stages(trainer, X)
    # Within 1e-6, far below a pixel: the frame's grid probe is float32 (training/probes.py), and the
    # inputs' standardisation is fitted to its first layer's z.
    assert view.slider.maximum() == (len(expected) - 1) * STEPS
    # Stage 2 is a(1) = tanh(z(1)) of a 4-unit layer: its held plane, applied to the trainer's probe.
    view.set_stage(2)
    assert view.label.text() == "stage 2 of 6:  a(1) = tanh(z(1))"
    plane = feature.projector.planes[2]
    want = plane.project(expected[2].values)
    np.testing.assert_allclose(_drawn_lines(feature).reshape(-1, 2), want[: len(lines)], atol=1e-6)
    px, py = view.points_item.getData()
    np.testing.assert_allclose(np.column_stack([px, py]), want[len(lines) :], atol=1e-6)
    # Stage 4 is a(2): two units, drawn exactly, with the output's decision line.
    view.set_stage(4)
    np.testing.assert_allclose(_drawn_lines(feature).reshape(-1, 2), expected[4].values[: len(lines)], atol=1e-6)
    dx, dy = view.decision_item.getData()
    W, b = Network.from_trainer(trainer).weights[-1]
    ends = np.column_stack([dx, dy])
    np.testing.assert_allclose(ends @ W[:, 0] + b[0], 0.0, atol=1e-6)  # on the logit's zero line
    # Half-way between stages 0 and 1 the positions are interpolated.
    view.set_stage(0.5)
    assert view.label.text() == "a(0) = x  \u2192  z(1) = W(1) a(0) + b(1)"
    # (stage 0 is the raw plane: the frame's first layer includes the standardisation)
    both = (lines + feature.projector.planes[1].project(expected[1].values[: len(lines)])) / 2
    np.testing.assert_allclose(_drawn_lines(feature).reshape(-1, 2), both, atol=1e-6)
    assert len(dx) == 2 and len(view.decision_item.getData()[0]) == 0  # the line only on its stage
    # At the input, one colour draws the lines of constant x2 and the other those of constant x1.
    view.set_stage(0)
    rows_y, columns_x = view.rows_item.getData()[1], view.columns_item.getData()[0]
    rows_y, columns_x = rows_y[np.isfinite(rows_y)].reshape(13, -1), columns_x[np.isfinite(columns_x)].reshape(13, -1)
    np.testing.assert_allclose(rows_y, rows_y[:, :1].repeat(rows_y.shape[1], axis=1))
    np.testing.assert_allclose(columns_x, columns_x[:, :1].repeat(columns_x.shape[1], axis=1))


def test_wide_layer_planes_are_held_across_frames_until_refit(shown):
    host, feature = shown
    trainer = Trainer(make_dataset("spiral", n=60, noise=0.1, seed=0), TrainingConfig(hidden=(16, 16)))
    host.views[0](_frame(trainer))
    planes = list(feature.projector.planes)
    host.views[0](_frame(trainer))
    assert all(a is b for i, (a, b) in enumerate(zip(feature.projector.planes, planes)) if i != 4)  # 4 turns
    feature.view.refitRequested.emit()
    assert not all(a is b for a, b in zip(feature.projector.planes, planes))
    fresh = StageProjector("output")
    lines = feature.lines.reshape(-1, 2)
    X = np.concatenate([lines, trainer.dataset.X[make_frame(trainer, False, trainer.last_stats()).point_rows]])
    fresh.project(trainer_stages(trainer, X), Network.from_trainer(trainer))
    np.testing.assert_allclose(feature.projector.planes[4].basis, fresh.planes[4].basis, atol=1e-8)


def test_hidden_dock_draws_nothing(qtbot):
    host = Host()
    qtbot.addWidget(host)
    feature = install_transforms(host)
    trainer = Trainer(make_dataset("vshape", n=30, seed=0), TrainingConfig(hidden=(3,)))
    host.views[0](_frame(trainer))
    assert feature.view.coords == []


def test_softmax_draws_the_edges_between_the_classes_on_the_exact_output_plane(shown):
    from playground.training.planes import is_exact, logits_in_plane

    host, feature = shown
    trainer = Trainer(make_dataset("blobs", n=90, noise=0.3, seed=0), TrainingConfig(hidden=(6, 5)))
    host.views[0](_frame(trainer))
    view = feature.view
    stage = len(view.labels) - 2  # a(2), which feeds the softmax's logits z(3)
    assert view.labels[stage] == "a(2) = tanh(z(2))"
    view.set_stage(stage)
    network = Network.from_trainer(trainer)
    W, b = network.weights[-1]
    plane = feature.projector.planes[stage]
    assert is_exact(W, plane)
    A, c = logits_in_plane(W, b, plane)
    x, y = view.decision_item.getData()
    assert len(x) >= 4 and len(x) % 2 == 0  # the edges of three regions, as endpoint pairs
    top2 = np.sort(np.column_stack([x, y]) @ A + c, axis=1)[:, -2:]
    np.testing.assert_allclose(top2[:, 0], top2[:, 1], atol=1e-6)  # each end: two classes tie on top


def test_the_plane_keeps_its_shape_one_unit_as_long_across_as_up(shown, qtbot):
    """A transform's picture is only true at equal aspect: stretched, a rotation looks like a shear."""
    host, feature = shown
    host.resize(900, 500)
    trainer = Trainer(make_dataset("vshape", n=60, noise=0.1, seed=0), TrainingConfig(hidden=(4, 2), standardize=True))
    frame = _frame(trainer)
    for draw in host.views:
        draw(frame)
    view = feature.view.plot.getPlotItem().getViewBox()
    for stage in range(feature.view.slider.maximum() // STEPS + 1):
        feature.view.set_stage(stage)
        qtbot.wait(10)
        origin, right, up = (view.mapViewToDevice(pg.Point(*p)) for p in ((0, 0), (1, 0), (0, 1)))
        across, rise = right.x() - origin.x(), origin.y() - up.y()
        assert across > 0 and rise == pytest.approx(across, rel=1e-6), (stage, across, rise)


def test_the_plane_fills_the_plot_in_the_tall_narrow_dock(shown, qtbot):
    # The dock beside the plots is about 300 x 650 px: the square input plane was drawn in a band across a
    # plot stretched to the dock's height (y from -16 to 16 around a grid from -6 to 6), blank above and below.
    host, feature = shown
    host.resize(300, 680)
    trainer = Trainer(make_dataset("blobs", n=60, classes=3, seed=0), TrainingConfig(hidden=(16, 16, 16)))
    host.views[0](_frame(trainer))
    view = feature.view
    view.set_stage(0)
    box = view.plot.getPlotItem().getViewBox()
    want = stages_aspect(view.coords)
    assert want == pytest.approx(1.0)  # the input grid is square
    qtbot.waitUntil(lambda: abs(box.height() - box.width() * want) <= 3, timeout=3000)
    (x0, x1), (y0, y1) = box.viewRange()
    lines = feature.lines.reshape(-1, 2)
    # The grid from edge to edge, with pyqtgraph's automatic padding (up to a tenth a side); it was 32 for 12.
    assert y1 - y0 == pytest.approx(np.ptp(lines[:, 1]), rel=0.2)
    assert x1 - x0 == pytest.approx(np.ptp(lines[:, 0]), rel=0.2)
    # The controls follow right under the plot; the room it does not need is below them.
    assert view.play.geometry().bottom() < view.height() - 100


def test_stages_aspect_is_the_tallest_stage_within_bounds():
    square = np.array([[0.0, 0.0], [2.0, 2.0]])
    tall = np.array([[0.0, 0.0], [1.0, 1.3], [np.nan, 5.0]])  # the NaN row is not drawn
    line = np.array([[0.0, 0.0], [4.0, 0.0]])
    assert stages_aspect([square, tall]) == pytest.approx(1.3)
    assert stages_aspect([line]) == pytest.approx(0.5)
    assert stages_aspect([np.array([[0.0, 0.0], [0.0, 3.0]])]) == pytest.approx(1.5)
    assert stages_aspect([]) == 1.0


def test_a_one_unit_output_is_framed_at_its_own_width_not_the_stage_before(shown, qtbot):
    # The sigmoid's [0, 1] on a line has no height: pyqtgraph kept the logit stage's scale for it (x from
    # -15 to 16 for points between 0 and 1), and the last stage was drawn as a dot.
    host, feature = shown
    host.resize(300, 680)
    trainer = Trainer(make_dataset("xor", n=60, seed=0), TrainingConfig(hidden=(4,), lr=0.3))
    for _ in range(10):
        trainer.step(10)
    host.views[0](make_frame(trainer, False, trainer.step(1)))
    view = feature.view
    box = view.plot.getPlotItem().getViewBox()
    last = view.slider.maximum() // STEPS
    view.set_stage(last - 1)  # the logit: wider than 1
    assert np.ptp(view.coords[last - 1][:, 0]) > 4
    qtbot.waitUntil(lambda: np.ptp(box.viewRange()[0]) > 4, timeout=3000)
    view.set_stage(last)
    xs = view.points_item.getData()[0]
    assert xs.min() >= 0 and xs.max() <= 1 and np.ptp(view.coords[last][:, 1]) == 0
    # The points' span fills most of the width shown (pyqtgraph's padding aside).
    qtbot.waitUntil(lambda: np.ptp(box.viewRange()[0]) < 1.5 * max(np.ptp(xs), 0.1), timeout=3000)
