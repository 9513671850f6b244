"""The network diagram: units and edges against the engine's numbers, hover, click-to-map, dead ReLU
units, and gradient health shown in the window."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QAction, QColor, QHelpEvent
from PySide6.QtWidgets import QApplication, QToolButton, QToolTip
from shared_window import reused_window

from playground.data import make_dataset
from playground.training import TrainingConfig
from playground.ui import MainWindow
from playground.ui.diagram.layout import COLUMNS, ROWS, diagram_geometry
from playground.ui.diagram.scene import EDGE_WIDTH, NEGATIVE, POSITIVE
from playground.ui.plots.colors import class_rgb, probability_image, value_image
from playground.ui.plots.unit_maps import thumbnail_samples, unit_scale


def _open(qtbot, dataset, config: TrainingConfig) -> MainWindow:
    w = MainWindow(dataset, config)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    _drawn(qtbot, w, 0)
    return w


def _drawn(qtbot, window: MainWindow, epoch: int, config: TrainingConfig | None = None):
    """Wait until the diagram shows the session's newest frame, at ``epoch`` (and with
    ``config``, default the session's); return the frame."""

    def done() -> bool:
        frame = window.session.latest_frame
        return (
            frame is not None
            and frame.epoch == epoch
            and frame.config == (config or window.session.config)
            and frame.dataset is window.session.dataset
            and window.network_view.diagram.frame is frame
        )

    qtbot.waitUntil(done, timeout=10000)
    return window.session.latest_frame


def _build() -> MainWindow:
    ds = make_dataset("xor", n=80, noise=0.0, seed=0, test_fraction=0.25)
    config = TrainingConfig(
        hidden=(3, 4), activation="tanh", features=("x1", "x2", "x1^2"), optimizer="adam", lr=0.05, seed=0
    )
    return MainWindow(ds, config)


# One window for the module's tests, checked to look as new before each (shared_window.py).
kept_window, reused = reused_window(_build, name="reused")


@pytest.fixture
def window(reused, qtbot):
    _drawn(qtbot, reused, 0)  # as _open waits
    return reused


def _set_first_unit(window: MainWindow, weights, bias: float, unit: int = 0) -> None:
    """Give hidden unit ``unit`` of layer 1 these input weights and bias (in the training thread)."""

    def edit(trainer) -> None:
        layer = trainer.model.layers[0]
        layer.W.data[:, unit] = weights
        layer.b.data[unit] = bias

    window.session.run_in_worker(edit)


def _tooltip(qtbot, diagram, pos: QPoint) -> str:
    """Hover ``pos`` like a person: the text the tooltip event shows."""
    QToolTip.hideText()
    event = QHelpEvent(QEvent.Type.ToolTip, pos, diagram.viewport().mapToGlobal(pos))
    QApplication.sendEvent(diagram.viewport(), event)
    return QToolTip.text()


def _point_on_edge_alone(diagram, layer: int, i: int, j: int, others: tuple[int, int]) -> QPoint:
    """A point of edge ``(layer, i, j)`` in view coordinates that no other edge of the layer
    passes within 6 px of (midpoints of crossing edges can coincide)."""

    def distance(p: QPointF, line) -> float:
        a, b = np.array([line.x1(), line.y1()]), np.array([line.x2(), line.y2()])
        t = np.clip(np.dot([p.x(), p.y()] - a, b - a) / np.dot(b - a, b - a), 0, 1)
        return float(np.linalg.norm(a + t * (b - a) - [p.x(), p.y()]))

    line = diagram.edge(layer, i, j).line
    rest = [diagram.edge(layer, a, b).line for a in range(others[0]) for b in range(others[1]) if (a, b) != (i, j)]
    for t in np.linspace(0.3, 0.7, 41):
        p = QPointF(line.x1() + t * (line.x2() - line.x1()), line.y1() + t * (line.y2() - line.y1()))
        if min(distance(p, other) for other in rest) > 6:
            return diagram.mapFromScene(p)
    raise AssertionError("every point of the edge is near another edge")


# ------------------------------------------------------------------- structure and maps
def test_one_node_per_input_hidden_unit_and_output(window, qtbot):
    diagram = window.network_view.diagram
    assert diagram.node_count() == 3 + (3 + 4) + 1
    window.session.generate("blobs", n=60, noise=0.1, seed=0, test_fraction=0.0, classes=3)
    window.session.update_config(hidden=(5,), features=("x1", "x2"))
    frame = _drawn(qtbot, window, 0)
    assert frame.weights[-1][0].shape[1] == 3  # softmax: one output unit per class
    assert diagram.node_count() == 2 + 5 + 3


def test_thumbnails_are_the_probe_grid_in_the_unit_colours(window, qtbot):
    # Unit 1 of layer 1 computes tanh(2 x1): positive exactly on the right half of the plane.
    _set_first_unit(window, [2.0, 0.0, 0.0], 0.0)
    window.session.update_config(lr=0.0501)  # any change redraws; the weights stay
    frame = _drawn(qtbot, window, 0)
    image = window.network_view.diagram.node_image(1, 0)
    r = len(frame.grid_axis)
    picks = thumbnail_samples(r)
    assert image.shape == (len(picks), len(picks), 4)
    # Row 0 of the thumbnail is the top of the plane (largest x2): grid row r - 1 - picks[0].
    a = frame.grid_a[0][:, 0].reshape(r, r)
    bg = window.boundary_plot.theme.background_rgb
    vmin, vmax, _ = unit_scale("tanh", frame.grid_a[0])
    for i, j in [(0, 0), (3, 20), (12, 12), (24, 5), (24, 24)]:
        expected = value_image(a[[r - 1 - picks[i]], [picks[j]]], vmin, vmax, bg)[0]
        assert image[i, j].tolist() == expected.tolist()
    right, left = image[:, -3:, :3].astype(int), image[:, :3, :3].astype(int)
    assert (right[..., 2] > right[..., 0]).all()  # blue where a > 0
    assert (left[..., 0] > left[..., 2]).all()  # orange where a < 0
    # The output node is the boundary map in small; the inputs are the features.
    p = frame.grid_output.reshape(r, r, -1)[picks[:, None], picks[None, :]][::-1]
    out = probability_image(p, class_rgb(frame.dataset.class_colors), bg)
    assert window.network_view.diagram.node_image(3, 0).tolist() == out.tolist()
    x1_squared = window.network_view.diagram.node_image(0, 2)
    centre, corner = x1_squared[12, 12, :3].astype(int), x1_squared[0, 0, :3].astype(int)
    assert abs(centre - np.array(bg)).sum() < abs(corner - np.array(bg)).sum()  # 0 at x1 = 0, large at the edge


def test_edges_follow_the_weights_sign_and_size(window):
    diagram = window.network_view.diagram
    frame = diagram.frame
    W = frame.weights[1][0]  # layer 2: 3 -> 4
    blue, orange = QColor(POSITIVE), QColor(NEGATIVE)
    widths = {}
    for i in range(W.shape[0]):
        for j in range(W.shape[1]):
            pen = diagram.edge(2, i, j).pen
            c = pen.color()
            if W[i, j] > 0:  # the palette's blue, faded toward the background for small weights
                assert c.blue() > c.red() and c.hue() == pytest.approx(blue.hue(), abs=3)
            else:
                assert c.red() > c.blue() and c.hue() == pytest.approx(orange.hue(), abs=3)
            widths[abs(W[i, j])] = pen.widthF()
    ordered = [widths[m] for m in sorted(widths)]
    assert ordered == sorted(ordered)  # wider for larger |w|
    assert ordered[-1] == pytest.approx(EDGE_WIDTH[1])  # the layer's largest weight is the widest
    assert ordered[0] < ordered[-1]


def test_hover_tells_weights_biases_and_their_gradients(window, qtbot):
    window.session.step(1)
    frame = _drawn(qtbot, window, 1)
    diagram = window.network_view.diagram
    text = _tooltip(qtbot, diagram, _point_on_edge_alone(diagram, 2, 1, 3, others=(3, 4)))
    W, dW = frame.weights[1][0], frame.grads[1][0]
    assert text.startswith(f"w(2)[2→4] = {W[1, 3]:.3g}, ∂L/∂w = {dW[1, 3]:.3g}")
    assert "from layer 1 unit 2 to layer 2 unit 4" in text
    text = _tooltip(qtbot, diagram, diagram.node_center(1, 2))
    b, db = frame.weights[0][1][2], frame.grads[0][1][2]
    a = frame.point_a[0][~frame.dataset.is_test, 2].mean()
    assert text.startswith(
        f"layer 1 unit 3: a = {a:.3g} (mean over the training points), bias b = {b:.3g}, ∂L/∂b = {db:.3g}"
    )


# ------------------------------------------------------------------ click to map
def test_clicking_a_unit_shows_its_map_on_the_boundary_plot_and_back(window, qtbot):
    diagram, plot = window.network_view.diagram, window.boundary_plot
    frame = diagram.frame
    output_image = plot.map_image().copy()
    qtbot.mouseClick(diagram.viewport(), Qt.MouseButton.LeftButton, pos=diagram.node_center(2, 1))
    assert diagram.selected == (2, 1)
    assert plot.unit_map_label() == "layer 2 unit 2 (tanh)"
    badge = plot.findChild(QToolButton, "unitMapBadge")
    assert badge.isVisible() and badge.text().startswith("showing: layer 2 unit 2 (tanh)")
    r = len(frame.grid_axis)
    vmin, vmax, _ = unit_scale("tanh", frame.grid_a[1])
    expected = value_image(frame.grid_a[1][:, 1].reshape(r, r), vmin, vmax, plot.theme.background_rgb)
    np.testing.assert_array_equal(plot.map_image(), expected)
    # Training goes on: the map follows the unit.
    window.session.step(1)
    frame = _drawn(qtbot, window, 1)
    expected = value_image(frame.grid_a[1][:, 1].reshape(r, r), vmin, vmax, plot.theme.background_rgb)
    np.testing.assert_array_equal(plot.map_image(), expected)
    # Clicking it again goes back to the output map.
    qtbot.mouseClick(diagram.viewport(), Qt.MouseButton.LeftButton, pos=diagram.node_center(2, 1))
    assert diagram.selected is None and plot.unit_map_label() == "" and not badge.isVisible()
    assert plot.map_image().shape == output_image.shape and not np.array_equal(plot.map_image(), expected)


def test_the_badge_and_the_output_node_go_back_to_the_output(window, qtbot):
    diagram, plot = window.network_view.diagram, window.boundary_plot
    badge = plot.findChild(QToolButton, "unitMapBadge")
    qtbot.mouseClick(diagram.viewport(), Qt.MouseButton.LeftButton, pos=diagram.node_center(0, 2))
    assert plot.unit_map_label() == "input x₁²"
    qtbot.mouseClick(badge, Qt.MouseButton.LeftButton)
    assert plot.unit_map_label() == "" and diagram.selected is None
    qtbot.mouseClick(diagram.viewport(), Qt.MouseButton.LeftButton, pos=diagram.node_center(1, 0))
    qtbot.mouseClick(diagram.viewport(), Qt.MouseButton.LeftButton, pos=diagram.node_center(3, 0))
    assert plot.unit_map_label() == "" and diagram.selected is None
    # Hiding the diagram (View menu) also brings the output back.
    qtbot.mouseClick(diagram.viewport(), Qt.MouseButton.LeftButton, pos=diagram.node_center(1, 0))
    window.findChild(QAction, "networkDiagramAction").trigger()
    assert not window.network_view.panel.isVisible() and plot.unit_map_label() == ""
    window.findChild(QAction, "networkDiagramAction").trigger()
    assert window.network_view.panel.isVisible()


# ------------------------------------------------------------------- dead units
def test_a_relu_unit_with_a_hopeless_bias_is_marked_dead(qtbot):
    ds = make_dataset("circle", n=80, noise=0.1, seed=0, test_fraction=0.25)
    w = _open(qtbot, ds, TrainingConfig(hidden=(4,), activation="relu", init="he", seed=0))
    try:
        _set_first_unit(w, [0.1, -0.1], -1000.0, unit=2)
        w.session.step(1)
        frame = _drawn(qtbot, w, 1)
        diagram = w.network_view.diagram
        train = ~frame.dataset.is_test
        assert np.all(frame.point_a[0][train, 2] == 0.0)
        assert [diagram.is_dead(1, u) for u in range(4)] == [False, False, True, False]
        assert "dead: zero on every training point" in _tooltip(qtbot, diagram, diagram.node_center(1, 2))
        assert "dead" not in _tooltip(qtbot, diagram, diagram.node_center(1, 0))
    finally:
        w.close()


# --------------------------------------------------------------- gradient health
@pytest.mark.parametrize("preset, flagged", [("vanishing gradients", True), ("deep ReLU + He", False)])
def test_gradient_health_in_the_window(qtbot, preset, flagged):
    ds = make_dataset("circle", n=200, noise=0.1, seed=0, test_fraction=0.3)
    w = _open(qtbot, ds, TrainingConfig(hidden=(4,), seed=0))
    try:
        w.findChild(QAction, f"preset-{preset}").trigger()  # Train → Network presets
        assert w.session.config.hidden == (8,) * 8
        _drawn(qtbot, w, 0)
        w.session.step(50)
        frame = _drawn(qtbot, w, 50)
        plot, diagram = w.gradient_plot, w.network_view.diagram
        if flagged:
            assert plot.health_text().startswith("Vanishing gradients in layers 1–")
            assert "ReLU" in plot.health_text()
            assert 0 in plot.flagged_layers() and 8 not in plot.flagged_layers()
            legend = plot.legend_labels()
            assert legend[0][0] == "L1" and legend[0][1] != legend[8][1]  # L1 in the warning colour
            assert 1 in diagram.outlined_columns()  # hidden layer 1 outlined
            # The rule's numbers are the engine's: first-layer norm over output norm, last epochs.
            norms = frame.history["grad_norms"][-5:]
            assert norms[:, 0].mean() / norms[:, -1].mean() < 1e-3
            text = _tooltip(qtbot, diagram, diagram.node_center(1, 0))
            assert "vanishing gradient" in text and "He initialisation" in text
        else:
            assert plot.health_text() == "" and plot.flagged_layers() == frozenset()
            assert diagram.outlined_columns() == []
    finally:
        w.close()


# ------------------------------------------------------------------------- layout
@pytest.mark.parametrize("sizes, orientation", [([2, 16, 16, 1], COLUMNS), ([2] + [8] * 8 + [1], ROWS)])
def test_layout_keeps_the_maps_large_and_apart(sizes, orientation):
    g = diagram_geometry(sizes, 250, 600, header=(30, 30), input_label=(25, 15))
    assert g.orientation == orientation
    assert g.thumbnail >= 18
    points = np.concatenate(g.centres)
    assert len(points) == sum(sizes)
    half = g.thumbnail / 2
    assert (points - half >= 0).all() and (points[:, 0] + half <= 250).all() and (points[:, 1] + half <= 600).all()
    gaps = np.abs(points[:, None, :] - points[None, :, :]).max(axis=-1) + np.eye(len(points)) * 1e9
    assert gaps.min() >= g.thumbnail  # no two maps overlap
