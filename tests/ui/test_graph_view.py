"""The computational-graph view: what it draws at each step of the pass, and its place in the window."""

from __future__ import annotations

import numpy as np
import pytest
from empty_ink import ink
from PySide6.QtCore import Qt
from test_chain_rule import click, open_window, start_inspecting

from playground.data import make_dataset
from playground.nn import MLP
from playground.training import TrainingConfig
from playground.training.graph_steps import gradients_after
from playground.training.inspect import WeightId, snapshot_model
from playground.ui.graph.graph_canvas import PATH, SHARE
from playground.ui.graph.graph_panel import GraphPanel
from playground.ui.graph.graph_text import brief, magnitude


def snapshot(hidden=(4, 2), target=0.0):
    return snapshot_model(MLP(2, list(hidden), 1, "tanh", seed=1), "sigmoid", np.array([0.3, -0.7]), target)


@pytest.fixture
def panel(qtbot):
    view = GraphPanel()
    qtbot.addWidget(view)
    view.resize(1280, 320)
    view.show()
    view.show_snapshot(snapshot())
    return view


def test_draws_every_node_with_its_value_and_gradient_left_to_right(panel):
    graph, canvas = panel.graph, panel.canvas
    assert len(canvas.boxes) == len(graph.nodes)
    assert len(canvas.edges) == len(graph.edges)
    root = canvas.node_text(graph.root).splitlines()
    assert root == ["L   neg", f"= {brief(graph.nodes[graph.root].value)}", "∂L: 1"]
    w1 = next(n for n in graph.nodes if n.label == "W⁽¹⁾")
    assert canvas.node_text(w1.index).splitlines()[2] == f"∂L: {brief(w1.grad)}"
    y = next(n for n in graph.nodes if n.label == "y")
    assert canvas.node_text(y.index).splitlines()[2] == "no gradient"
    for parent, child in graph.edges:
        assert canvas.boxes[parent].x() < canvas.boxes[child].x()
    assert "Loss L = " in panel.detail.text()


def test_stepping_backward_shows_each_share_and_the_growing_gradients(panel):
    graph, canvas, steps = panel.graph, panel.canvas, panel.backward
    for k in range(1, len(steps) + 1):
        panel.step_backward()
        step = steps[k - 1]
        assert panel.step == k and canvas.current == step.node
        assert sorted(canvas.label_texts()) == sorted(f"+= {brief(s.value)}" for s in step.contributions)
        for share in step.contributions:
            assert canvas.edges[(share.parent, step.node)].pen().color() == SHARE
        grads = gradients_after(graph, steps, k)
        for node in graph.nodes:
            shown = canvas.node_text(node.index).splitlines()[2]
            if node.grad is None:
                assert shown == "no gradient"
            else:
                assert shown == f"∂L: {brief(grads[node.index]) if node.index in grads else '?'}"
    panel.step_backward()  # at the end it stays there
    assert panel.step == len(steps)


def test_a_node_two_paths_reach_names_both_shares(panel):
    graph, steps = panel.graph, panel.backward
    p = next(n for n in graph.nodes if n.label == "p")
    last = max(k for k, s in enumerate(steps) for c in s.contributions if c.parent == p.index)
    panel.set_step(last + 1)
    assert "p is reached by 2 paths: ∂L/∂p = " in panel.detail.text() and f"= {brief(p.grad)}" in panel.detail.text()
    first = min(k for k, s in enumerate(steps) for c in s.contributions if c.parent == p.index)
    panel.set_step(first + 1)
    assert "1 share arrived so far" in panel.detail.text()


def test_stepping_forward_reveals_values_in_creation_order(panel):
    graph, canvas = panel.graph, panel.canvas
    panel.step_forward()
    first = panel.forward[0]
    assert canvas.current == first.node
    assert canvas.node_text(first.node).splitlines()[1] == f"= {brief(first.value)}"
    assert canvas.node_text(graph.root).splitlines()[1] == "= ?"
    assert sorted(canvas.label_texts()) == sorted(f"= {brief(v)}" for v in first.inputs)
    panel.controls.slider.setValue(len(panel.forward))
    assert canvas.node_text(graph.root).splitlines()[1] == f"= {brief(graph.nodes[graph.root].value)}"
    panel.step_backward()  # switches pass: the first backward step
    assert panel.mode == "backward" and panel.step == 1


def test_play_runs_the_whole_pass(panel, qtbot):
    panel._timer.setInterval(5)
    panel.controls.play.setChecked(True)
    qtbot.waitUntil(lambda: not panel.controls.play.isChecked(), timeout=5000)
    assert panel.mode == "backward" and panel.step == len(panel.backward)


def test_a_chosen_weight_highlights_its_paths_and_units_expand(panel, qtbot):
    panel.select_weight(WeightId(1, 0, 0))
    graph = panel.graph
    w2 = next(n.index for n in graph.nodes if n.label == "W⁽²⁾")
    assert panel.selected == w2
    blue = {edge for edge, item in panel.canvas.edges.items() if item.pen().color() == PATH}
    assert blue and all(edge[0] != 0 for edge in blue)
    assert "2 paths from <b>W⁽²⁾</b>" in panel.detail.text()  # through log p and 1 − p
    qtbot.mouseClick(panel._unit_buttons[1], Qt.MouseButton.LeftButton)
    assert panel.expanded == {1}
    w = panel.graph.find_weight(WeightId(1, 0, 0))
    assert panel.graph.nodes[w].label == "w₁₁⁽²⁾"
    panel.select_weight(WeightId(1, 0, 0))
    assert "2 paths from <b>w₁₁⁽²⁾</b>" in panel.detail.text()  # one unit on, then p's two paths
    panel.canvas.nodeClicked.emit(w)  # clicking it again clears the highlight
    assert panel.selected is None


def test_the_window_graph_follows_the_inspected_point(qtbot):
    ds = make_dataset("xor", n=60, noise=0.0, seed=0, test_fraction=0.25)
    window = open_window(qtbot, ds, TrainingConfig(hidden=(4, 2), activation="tanh", batch_size=20, seed=0))
    try:
        dock = window.graph.dock
        assert dock.windowTitle() == "Computational graph" and dock.isHidden()
        assert "Computational graph" in [a.text() for a in window.menu("&View").actions()]
        tabs = window.graph.tabs
        assert [tabs.tabText(i) for i in range(tabs.count())] == ["Inspected point", "Expression"]
        start_inspecting(qtbot, window)
        x, y = ds.X[~ds.is_test][0]
        click(qtbot, window, float(x), float(y))
        inspection = window.chain_rule.panel.inspection
        assert inspection is not None
        dock.show()
        qtbot.waitUntil(lambda: window.graph.panel.graph is not None, timeout=3000)
        graph = window.graph.panel.graph
        assert graph.loss == pytest.approx(inspection.loss, abs=1e-12)
        for (dW, db), layer in zip(graph.parameter_grads(), inspection.layers):
            np.testing.assert_allclose(dW, layer.dL_dW, atol=1e-12)
        window.chain_rule.panel.table.weightChosen.emit(WeightId(0, 1, 2))
        assert window.graph.panel.selected == graph.find_weight(WeightId(0, 1, 2))
    finally:
        window.close()


def test_render_view_graph_films_the_graph_as_training_goes_on(tmp_path, capsys, monkeypatch):
    import imageio.v3 as iio

    from playground.__main__ import main
    from playground.ui.shell.settings import DATA_DIR_ENV

    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "data"))
    out = tmp_path / "graph.gif"
    code = main(
        [
            "render",
            "--preset",
            "xor",
            "--points",
            "60",
            "--hidden",
            "4,2",
            "--epochs",
            "4",
            "--epochs-per-frame",
            "2",
            "--fps",
            "10",
            "--size",
            "640x240",
            "--view",
            "graph",
            "--out",
            str(out),
        ]
    )
    assert code == 0
    frames = np.stack(list(iio.imiter(str(out))))
    assert frames.shape == (3, 240, 640, 3)
    assert np.abs(frames[0].astype(int) - frames[-1].astype(int)).mean() > 0.2  # the numbers changed
    assert "3 frames, 640x240" in capsys.readouterr().out


def test_each_share_travels_along_its_edge(panel, qtbot):
    panel.step_backward()
    step = panel.backward[0]
    canvas = panel.canvas
    assert len(canvas.dots) == len(step.contributions)
    dot = canvas.dots[0]
    path = canvas.edges[dot.data(0)].path()
    assert dot.pos() == path.pointAtPercent(1.0)  # it starts at the child, the node being stepped
    qtbot.waitUntil(lambda: canvas._motion.state() == canvas._motion.State.Stopped, timeout=3000)
    assert (dot.pos() - path.pointAtPercent(0.0)).manhattanLength() < 1e-6  # and ends at the parent
    panel.step_forward()
    dot = canvas.dots[0]
    assert dot.pos() == canvas.edges[dot.data(0)].path().pointAtPercent(0.0)  # forward: from the parent


def test_an_empty_canvas_says_why_in_its_middle_and_offers_no_units(qtbot):
    # Shown before any point is inspected, the dock was a blank box with "Units:" and no buttons beside it.
    from PySide6.QtGui import QPalette

    from playground.ui.graph.graph_panel import HINT

    view = GraphPanel()
    qtbot.addWidget(view)
    view.resize(1000, 260)
    view.show()
    qtbot.waitExposed(view)
    canvas = view.canvas
    background = canvas.viewport().palette().color(QPalette.ColorRole.Base)
    assert ink(canvas.viewport(), background) > 50  # the words, drawn across the canvas
    assert canvas.empty_text == HINT
    assert not view.controls.units_label.isVisible()
    assert not view.detail.isVisible()  # the canvas says it: not the same words again under it
    view.show_snapshot(snapshot())
    assert view.controls.units_label.isVisible() and view.detail.isVisible()
    view.clear("The network changed: inspect the point again.")
    assert canvas.empty_text.startswith("The network changed")
    assert ink(canvas.viewport(), background) > 50 and not view.detail.isVisible()


def test_a_diverging_runs_matrix_shows_its_norm_without_overflowing():
    """|·| of a gradient whose squares pass the float limit is its norm (or inf past it), with no
    overflow warning (which the window's event loop raised: the long monkey drive found it)."""
    import warnings

    rng = np.random.default_rng(0)
    ordinary = rng.normal(size=(4, 3))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert magnitude(ordinary) == pytest.approx(np.linalg.norm(ordinary), rel=1e-15)
        assert brief(np.full((2, 3), 1e200)) == "2×3, |·| 2.449e200"  # √6 · 1e200
        assert brief(np.full((2, 3), -1e308)) == "2×3, |·| inf"
        assert brief(np.array([[1.0, np.nan], [0.0, 2.0]])) == "2×2, |·| nan"
        assert brief(np.zeros((2, 2))) == "2×2, |·| 0"
