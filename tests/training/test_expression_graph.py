"""A typed formula's graph: values against the parser's own evaluator, gradients against central differences."""

from __future__ import annotations

import numpy as np
import pytest

from playground.training.expression_graph import (
    build_expression_graph,
    evaluate_grid,
    formula_text,
    gradient,
    gradient_note,
    parse_formula,
)
from playground.training.graph_steps import backward_steps, gradients_after

FORMULAS = [
    ("a*b + c", {"a": 2.0, "b": -3.0, "c": 10.0}),
    ("tanh(w1*x1 + w2*x2 + b)", {"w1": 0.5, "x1": 1.0, "w2": -1.0, "x2": 2.0, "b": 0.1}),
    ("(x**2 + y**2) / 2", {"x": 1.0, "y": 2.0}),
    ("sin(x)*cos(y) - exp(-x) + log(y) + sqrt(abs(x)) + tan(x/3)", {"x": 0.7, "y": 1.3}),
    ("x**y + a*a", {"x": 1.5, "y": 2.5, "a": -0.4}),
]


@pytest.mark.parametrize("text, values", FORMULAS)
def test_values_and_gradients_match_the_parser_and_central_differences(text, values):
    graph = build_expression_graph(text, values)
    expression = parse_formula(text)
    assert graph.loss == pytest.approx(float(expression.evaluate(values)), rel=1e-13)
    for node, tensor in zip(graph.nodes, graph.tensors):
        np.testing.assert_array_equal(node.value, tensor.data)
    grads = gradient(graph)
    assert set(grads) == set(values)
    eps = 1e-6
    for name in values:
        up, down = dict(values), dict(values)
        up[name] += eps
        down[name] -= eps
        numeric = (float(expression.evaluate(up)) - float(expression.evaluate(down))) / (2 * eps)
        assert grads[name] == pytest.approx(numeric, rel=1e-6, abs=1e-8)
    steps = backward_steps(graph)
    final = gradients_after(graph, steps, len(steps))
    for node in graph.nodes:
        if node.grad is not None:
            np.testing.assert_allclose(final[node.index], node.grad, atol=1e-14)


def test_the_primers_examples_read_as_typed():
    graph = build_expression_graph("a*b + c", {"a": 2.0, "b": -3.0, "c": 10.0})
    assert [n.label for n in graph.nodes] == ["a", "b", "a · b", "c", "a · b + c"]
    assert gradient(graph) == {"a": -3.0, "b": 2.0, "c": 1.0}
    assert formula_text(parse_formula("(x**2 + y**2) / 2").root) == "(x**2 + y**2) / 2"
    assert formula_text(parse_formula("a - (b - c)").root) == "a − (b − c)"
    twice = build_expression_graph("a*a", {"a": 3.0})
    shares = [c for s in backward_steps(twice) for c in s.contributions]
    assert [c.value.item() for c in shares] == [3.0, 3.0]  # a reached by two paths: 3 + 3 = 6
    assert gradient(twice) == {"a": 6.0}


def test_height_map_values_come_from_the_same_engine_ops():
    expression = parse_formula("(x**2 + y**2) / 2")
    X, Y = np.meshgrid(np.linspace(-2, 2, 5), np.linspace(-1, 1, 4))
    np.testing.assert_allclose(evaluate_grid(expression, {"x": X, "y": Y}), (X**2 + Y**2) / 2)
    partial = evaluate_grid(parse_formula("log(x) + y"), {"x": X, "y": Y})
    assert np.isnan(partial[X <= 0]).all() and np.isfinite(partial[X > 0]).all()


@pytest.mark.parametrize(
    "text, values, message",
    [
        ("x > 1", {"x": 1.0}, "no gradient"),
        ("2 + 3", {}, "no variable"),
        ("log(x)", {"x": -1.0}, "log\\(x\\) is not a finite number at x = -1"),
        ("a*b", {"a": 1.0}, "no value given for b"),
        ("__import__('os')", {}, "unknown name|not allowed|column"),
    ],
)
def test_bad_formulas_are_named(text, values, message):
    with pytest.raises(ValueError, match=message):
        build_expression_graph(text, values)


@pytest.mark.filterwarnings("error::RuntimeWarning")
def test_a_gradient_that_overflows_is_the_engines_inf_and_the_note_says_where_it_arose():
    # x*1e308*1e10 at x = 0: the value is 0, but ∂f/∂x = 1e10 × 1e308 overflows. The steps re-ran the
    # engine's closures outside its np.errstate: a RuntimeWarning from tensor.py's mul backward.
    graph = build_expression_graph("x*1e308*1e10", {"x": 0.0})
    assert graph.loss == 0.0 and gradient(graph) == {"x": np.inf}
    steps = backward_steps(graph)
    final = gradients_after(graph, steps, len(steps))
    assert [float(final[n.index]) for n in graph.nodes if n.label == "x"] == [np.inf]
    note = gradient_note(graph)
    assert note.startswith("∂f/∂x = inf: not a finite number. It arose at x · 1e+308")
    assert "(∂f/∂(x · 1e+308) = 1e10 × local 1e308)" in note and "beyond the largest float" in note


@pytest.mark.filterwarnings("error::RuntimeWarning")
@pytest.mark.parametrize(
    "text, values, words",
    [
        ("sqrt(x*x)", {"x": 0.0}, "∂f/∂x = nan: not a finite number. It arose at sqrt(x · x)"),  # inf × 0 below
        ("1/x", {"x": 1e-300}, "∂f/∂x = -inf"),  # -1/x² overflows
        ("x*1e308 + x*1e308", {"x": 1e-10}, "The shares into x add up to inf"),  # each share is finite
        ("exp(709*x)*x", {"x": 1.0}, "∂f/∂x = inf"),
        ("x**-0.5 + y", {"x": 1e-300, "y": 1.0}, "∂f/∂x = -inf"),
    ],
)
def test_hostile_formulas_give_inf_or_nan_gradients_with_a_note_and_no_warning(text, values, words):
    graph = build_expression_graph(text, values)
    steps = backward_steps(graph)
    gradients_after(graph, steps, len(steps))
    assert words in gradient_note(graph)


@pytest.mark.filterwarnings("error::RuntimeWarning")
@pytest.mark.parametrize("text, values", FORMULAS)
def test_finite_gradients_have_no_note(text, values):
    assert gradient_note(build_expression_graph(text, values)) == ""


@pytest.mark.filterwarnings("error::RuntimeWarning")
def test_unit_range_scales_maps_too_flat_or_too_wide_for_an_images_levels():
    # x*1e-320 over a map spans 1e-319: pyqtgraph's 255 / span overflowed while painting it.
    from playground.training.expression_graph import unit_range

    np.testing.assert_allclose(unit_range(np.array([0.0, 5e-320, 1e-319])), [0.0, 0.5, 1.0], atol=0.02)
    np.testing.assert_array_equal(unit_range(np.array([-1.5e308, 0.0, 1.5e308, np.nan])), [0.0, 0.5, 1.0, np.nan])
    np.testing.assert_array_equal(unit_range(np.array([3.0, 3.0, np.nan])), [0.0, 0.0, np.nan])
    np.testing.assert_array_equal(unit_range(np.array([1.0, 2.0, 5.0])), [0.0, 0.25, 1.0])
