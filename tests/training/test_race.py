"""The optimiser race: each path is the project's optimiser stepping on the engine's gradient of the
typed function; bad formulas are the parser's messages; diverging racers stop."""

from __future__ import annotations

import numpy as np
import pytest

from playground import nn
from playground.engine import Tensor
from playground.training.expression_graph import build_expression_graph, gradient
from playground.training.race import RACERS, SURFACES, Stop, parse_surface, race, run_race, surface_grid


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
    runs = run_race(parse_surface("x**2 + y**2"), (1.0, 1.0), 5.0, 200, ("sgd", "adam"))
    stop = runs["sgd"].stop
    assert stop is not None and stop.step == len(runs["sgd"].points) and "left the picture" in stop.cause
    assert runs["adam"].stop is None


@pytest.mark.filterwarnings("error::RuntimeWarning")
def test_adam_whose_squared_gradient_overflows_is_diverged_at_that_step_not_parked_at_the_start() -> None:
    # g = 2e300 x = -9e300 is finite, but Adam's g² is not: s became inf, its step m / inf = 0, and Adam sat
    # at the start for every step, unmarked (with a RuntimeWarning from optim.py).
    runs = run_race(parse_surface("exp(x*y*10) + 1e300*x**2"), (-4.5, 1.5), 0.09, 150)
    adam = runs["adam"]
    assert adam.stop is not None and adam.stop.step == 1
    assert "average s of g² overflowed" in adam.stop.cause and "-9e300" in adam.stop.cause
    np.testing.assert_array_equal(adam.points, [[-4.5, 1.5]])
    for name in ("sgd", "momentum", "nesterov"):  # a step of 8e299: gone at once
        assert runs[name].stop == Stop(1, runs[name].stop.cause) and len(runs[name].points) == 1, name


@pytest.mark.filterwarnings("error::RuntimeWarning")
@pytest.mark.parametrize(
    "formula, start, lr, racer, step, words",
    [
        ("1e308*x + y", (1.0, 1.0), 0.09, "nesterov", 1, "the step overflowed to (-inf, 0.829)"),  # g + μ v = 1.9e308
        ("1e308*x + y", (1.0, 1.0), 0.09, "adam", 1, "g² overflowed"),
        ("sqrt(x) + y", (0.0, 1.0), 0.09, "sgd", 1, "the gradient became (inf, 1)"),  # d sqrt(x)/dx = inf at 0
        ("log(x) + y", (0.5, 0.0), 1.0, "sgd", 2, "f became nan"),  # step 1 lands at x = -1.5
    ],
)
def test_a_racer_stops_at_the_first_non_finite_value_gradient_or_state_and_says_which(
    formula: str, start: tuple[float, float], lr: float, racer: str, step: int, words: str
) -> None:
    run = run_race(parse_surface(formula), start, lr, 20)[racer]
    assert run.stop is not None and run.stop.step == step and words in run.stop.cause
    assert len(run.points) == step and np.isfinite(run.points).all()  # the start and step - 1 updates


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
