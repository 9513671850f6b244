"""The optimiser race: each path is the project's optimiser stepping on the engine's gradient of the
typed function; bad formulas are the parser's messages; diverging racers stop."""

from __future__ import annotations

import numpy as np
import pytest

from playground import nn
from playground.engine import Tensor
from playground.training.expression_graph import build_expression_graph, gradient
from playground.training.race import RACERS, SURFACES, parse_surface, race, surface_grid


@pytest.mark.parametrize("name", RACERS)
@pytest.mark.parametrize("surface", list(SURFACES))
def test_each_path_is_the_projects_optimiser_on_the_engines_gradient(name: str, surface: str) -> None:
    s = SURFACES[surface]
    paths = race(parse_surface(s.formula), s.start, s.lr, 40)
    # One racer by hand: a two-number buffer, the gradient of one point's graph, optim.py's step.
    params = nn.FlatParameters([Tensor(np.array(s.start))], [True])
    optimizer = nn.make_optimizer(name, params, s.lr, 0.9)
    want = [params.data.copy()]
    for _ in range(40):
        g = gradient(build_expression_graph(s.formula, {"x": params.data[0], "y": params.data[1]}))
        np.copyto(params.grad, [g["x"], g["y"]])
        optimizer.step()
        want.append(params.data.copy())
    np.testing.assert_allclose(paths[name], np.array(want), rtol=1e-12, atol=1e-12)


def test_sgd_on_the_bowl_is_the_textbook_rule() -> None:
    paths = race(parse_surface("0.5*x**2 + 5*y**2"), (-4.0, 1.0), 0.05, 10, ("sgd",))
    k = np.arange(11)
    np.testing.assert_allclose(paths["sgd"], np.column_stack([-4.0 * 0.95**k, 1.0 * 0.5**k]), rtol=1e-12)


def test_the_optimisers_take_different_paths_and_find_the_minimum_of_the_bowl() -> None:
    s = SURFACES["Bowl (long and narrow)"]
    paths = race(parse_surface(s.formula), s.start, s.lr, s.steps)
    ends = {name: path[-1] for name, path in paths.items()}
    assert len({tuple(np.round(p[5], 6)) for p in paths.values()}) == 4
    for name in ("sgd", "momentum", "nesterov"):
        assert np.linalg.norm(ends[name]) < 0.05, name


def test_a_diverging_racer_stops_where_it_leaves() -> None:
    paths = race(parse_surface("x**2 + y**2"), (1.0, 1.0), 5.0, 200, ("sgd", "adam"))
    assert len(paths["sgd"]) < 40  # |1 - 2 lr| = 9: gone in a few steps
    assert np.abs(paths["sgd"]).max() < 1e6
    assert len(paths["adam"]) == 201


@pytest.mark.parametrize(
    "text, words",
    [
        ("x**2 + z", "unknown name"),
        ("x ^ 2", r"use \*\* for powers"),
        ("x > y", "no slope"),
        ("__import__('os')", "unknown name '__import__'"),
    ],
)
def test_bad_formulas_are_the_parsers_messages(text: str, words: str) -> None:
    with pytest.raises(ValueError, match=words):
        parse_surface(text)


def test_bad_settings_name_what_is_wrong() -> None:
    f = parse_surface("x**2 + y**2")
    with pytest.raises(ValueError, match="steps"):
        race(f, (0.0, 0.0), 0.1, 0)
    with pytest.raises(ValueError, match="lr"):
        race(f, (0.0, 0.0), -1.0, 5)
    with pytest.raises(ValueError, match="start"):
        race(f, (float("nan"), 0.0), 0.1, 5)


def test_the_surface_grid_is_the_function_with_nan_where_undefined() -> None:
    grid = surface_grid(parse_surface("log(x) + y"), (-1.0, 0.0, 1.0, 2.0), 5)
    assert grid.shape == (5, 5)
    assert np.isnan(grid[:, :2]).all()
    assert grid[4, 4] == pytest.approx(2.0)
