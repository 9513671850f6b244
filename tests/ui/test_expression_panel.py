"""Expression mode: a typed formula's graph, its variables, and the height map with the gradient arrow."""

from __future__ import annotations

import math

import numpy as np
import pytest
from PySide6.QtCore import QPointF

from playground.ui.graph.expression_panel import ExpressionPanel
from playground.ui.graph.graph_text import brief


@pytest.fixture
def panel(qtbot):
    view = ExpressionPanel()
    qtbot.addWidget(view)
    view.resize(1280, 320)
    view.show()
    return view


def root_text(panel) -> list[str]:
    graph = panel.graph_panel.graph
    return panel.graph_panel.canvas.node_text(graph.root).splitlines()


def test_default_formula_is_drawn_with_value_and_gradients(panel):
    assert panel.formula.text() == "tanh(w1*x1 + w2*x2 + b)"
    assert set(panel.boxes) == {"w1", "x1", "w2", "x2", "b"}
    v = panel.values
    expected = math.tanh(v["w1"] * v["x1"] + v["w2"] * v["x2"] + v["b"])
    assert root_text(panel)[:2] == ["tanh(w1 · x1 + w2 · x2 + b)   tanh", f"= {brief(np.array(expected))}"]
    w1 = next(n for n in panel.graph_panel.graph.nodes if n.label == "w1")
    assert w1.grad.item() == pytest.approx((1 - expected**2) * v["x1"])
    assert panel.map.isHidden()  # five variables: no height map


def test_two_variables_show_the_hill_and_the_uphill_arrow(panel):
    panel.formula.setText("(x**2 + y**2) / 2")
    assert panel.apply_formula()
    assert set(panel.boxes) == {"x", "y"} and not panel.map.isHidden()
    x, y = panel.values["x"], panel.values["y"]
    tip = np.array(panel.map.tip) - (x, y)
    assert tip / np.linalg.norm(tip) == pytest.approx(np.array([x, y]) / math.hypot(x, y))  # ∇f = (x, y)
    assert "∇f = (1, 0.5)" in panel.map_note.text()
    image = panel.map.image.image
    assert image.shape == (80, 80) and image.min() == pytest.approx(0.0, abs=0.01)  # the valley at 0
    panel.boxes["x"].setValue(-2.0)
    assert root_text(panel)[1] == f"= {brief(np.array((4 + y * y) / 2))}"
    panel.map.point.setPos(QPointF(0.5, -1.5))
    panel.map.point.sigPositionChangeFinished.emit(panel.map.point)  # the end of a drag
    assert (panel.values["x"], panel.values["y"]) == (0.5, -1.5)
    assert panel.boxes["x"].value() == 0.5 and panel.boxes["y"].value() == -1.5
    assert root_text(panel)[1] == f"= {brief(np.array((0.25 + 2.25) / 2))}"


def test_stepping_a_formula_backward(panel):
    panel.formula.setText("a*b + c")
    panel.apply_formula()
    steps = panel.graph_panel.backward
    assert len(steps) == 2
    panel.graph_panel.step_backward()
    assert sorted(panel.graph_panel.canvas.label_texts()) == ["+= 1", "+= 1"]
    panel.graph_panel.step_backward()
    assert sorted(panel.graph_panel.canvas.label_texts()) == sorted(["+= −3", "+= 2"])  # ∂f/∂a = b, ∂f/∂b = a
    assert "∂f/∂a" in panel.graph_panel.detail.text()


def test_a_bad_formula_is_named_and_the_graph_stays(panel):
    before = panel.graph_panel.graph
    panel.formula.setText("x +* y")
    assert not panel.apply_formula()
    assert "column 4" in panel.error.text() and not panel.error.isHidden()
    assert panel.graph_panel.graph is before
    panel.formula.setText("log(x) + y")
    panel.apply_formula()
    panel.boxes["x"].setValue(-1.0)
    assert "log(x) is not a finite number" in panel.error.text()
    panel.boxes["x"].setValue(2.0)
    assert panel.error.isHidden()


@pytest.mark.filterwarnings("error::RuntimeWarning")
def test_a_gradient_that_overflows_is_drawn_as_inf_with_a_note_and_every_step_walks(panel):
    # x*1e308*1e10 at x = 0 warned from the engine's mul backward (via graph_steps) and said nothing.
    panel.formula.setText("x*1e308*1e10")
    assert not panel.apply_formula()  # at x = 1 the value itself is inf: named, as before
    assert "x · 1e+308 · 1e+10 is not a finite number at x = 1" in panel.error.text()
    panel.set_value("x", 0.0)
    x = next(n for n in panel.graph_panel.graph.nodes if n.label == "x")
    assert x.grad.item() == np.inf
    assert not panel.error.isHidden()
    assert "∂f/∂x = inf: not a finite number. It arose at x · 1e+308" in panel.error.text()
    for _ in panel.graph_panel.backward:
        panel.graph_panel.step_backward()
    assert "product inf" in panel.graph_panel.detail.text()
    panel.formula.setText("x*2")
    assert panel.apply_formula() and panel.error.isHidden()  # a finite gradient: the note goes


@pytest.mark.filterwarnings("error::RuntimeWarning")
def test_a_non_finite_gradient_of_two_variables_draws_no_arrow_and_says_why(panel):
    panel.values.update(x=0.0, y=0.0)
    panel.formula.setText("x*y*1e308*1e10")
    assert panel.apply_formula()
    assert "∇f = (nan, nan): not a finite number, so there is no arrow" in panel.map_note.text()
    assert panel.map.tip == (0.0, 0.0) and not panel.map.arrow_head.isVisible()
    assert "∂f/∂x = nan, ∂f/∂y = nan" in panel.error.text()


def test_a_map_as_flat_as_x_times_1e_320_paints_without_a_warning(panel, qtbot):
    import warnings

    panel.formula.setText("x*1e-320 + y*1e-320")
    assert panel.apply_formula()
    image = panel.map.image.image
    assert image.min() == 0.0 and image.max() == 1.0
    with warnings.catch_warnings(record=True) as caught:  # pyqtgraph reports a painting error as a warning
        warnings.simplefilter("always")
        panel.map.grab()
    assert not [w for w in caught if "overflow" in str(w.message)]
