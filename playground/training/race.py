"""The optimiser race: SGD, momentum, Nesterov and Adam descending the same two-parameter function.

The calculus primer's ball rolling down a hill: a function ``f(x, y)``, chosen
from the classics (a bowl, Rosenbrock's valley, a saddle, Himmelblau's four
minima) or typed as a formula of ``x`` and ``y`` (the project's safe parser,
``data/expressions.py``; never ``eval``), and one path per optimiser from the
same start. The optimisers are the project's own (``nn.optim``), stepping a
two-number parameter buffer each; the gradient comes from the engine, one
backward pass per step for all racers at once (the formula is built on a vector
of their positions, and the gradient of the sum is each racer's own gradient).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .. import nn
from ..data.expressions import Expression, parse
from ..engine import Tensor
from ..nn.optim import Optimizer
from .expression_graph import evaluate_grid, expression_tensor
from .numbers import format_number

RACERS = ("sgd", "momentum", "nesterov", "adam")
VARIABLES = ("x", "y")
MOMENTUM = 0.9  # momentum and Nesterov's coefficient, the project's default
MAX_STEPS = 5000
ESCAPE = 1e6  # a racer this far out has left the picture for good: its path ends there

RULES = {
    "sgd": "SGD:  w ← w − η ∇f(w)",
    "momentum": "Momentum:  v ← μ v + ∇f(w);  w ← w − η v",
    "nesterov": "Nesterov:  v ← μ v + ∇f(w);  w ← w − η (∇f(w) + μ v)",
    "adam": "Adam:  m ← β₁ m + (1 − β₁) g;  s ← β₂ s + (1 − β₂) g²;  w ← w − η m̂ / (√ŝ + ε)",
}


@dataclass(frozen=True)
class Surface:
    """A classic function: its formula, a good start, learning rate and number of steps, and the
    rectangle ``(x0, y0, x1, y1)`` it is drawn over."""

    name: str
    formula: str
    start: tuple[float, float]
    lr: float
    steps: int
    rect: tuple[float, float, float, float]


SURFACES = {
    s.name: s
    for s in (
        Surface("Bowl (long and narrow)", "0.5*x**2 + 5*y**2", (-4.5, 1.5), 0.09, 150, (-5.0, -3.0, 5.0, 3.0)),
        Surface(
            "Rosenbrock's valley", "(1 - x)**2 + 100*(y - x**2)**2", (-1.5, 2.5), 0.001, 600, (-2.0, -1.0, 2.0, 3.0)
        ),
        Surface("Saddle", "x**2 - y**2", (-2.5, 0.02), 0.05, 150, (-3.0, -3.0, 3.0, 3.0)),
        Surface(
            "Himmelblau", "(x**2 + y - 11)**2 + (x + y**2 - 7)**2", (-0.3, -0.9), 0.01, 200, (-5.0, -5.0, 5.0, 5.0)
        ),
    )
}
CUSTOM_RECT = (-5.0, -5.0, 5.0, 5.0)


def parse_surface(text: str) -> Expression:
    """Parse a typed function of ``x`` and ``y``; ValueError with the parser's message (column, caret)."""
    expression = parse(text, variables=VARIABLES)
    if expression.is_condition:
        raise ValueError("race: a comparison is true or false and has no slope; type a function such as x**2 + y**2")
    return expression


def surface_grid(expression: Expression, rect: tuple[float, float, float, float], resolution: int = 161) -> np.ndarray:
    """``f`` at ``resolution x resolution`` points over ``rect``, ``[iy, ix]`` (rows are y); NaN where undefined."""
    x0, y0, x1, y1 = rect
    xs, ys = np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution)
    return evaluate_grid(expression, {"x": xs[None, :], "y": ys[:, None]})


def _gradients(expression: Expression, positions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(values (m,), gradients (m, 2))`` of ``f`` at ``positions`` (m, 2), by one engine backward pass."""
    x = Tensor(positions[:, 0].copy(), requires_grad=True)
    y = Tensor(positions[:, 1].copy(), requires_grad=True)
    with np.errstate(all="ignore"):
        value = expression_tensor(expression, {"x": x, "y": y})
        # f of a vector is elementwise, so d(sum f)/d(x_i) is racer i's own derivative.
        (value * np.ones(len(positions))).sum().backward()
    gx = np.zeros(len(positions)) if x.grad is None else x.grad
    gy = np.zeros(len(positions)) if y.grad is None else y.grad
    values = np.broadcast_to(value.data, (len(positions),)).astype(np.float64)
    return values, np.column_stack([gx, gy]).astype(np.float64)


@dataclass(frozen=True)
class Stop:
    """Why a racer's path ends early: at optimiser step ``step`` (1-based; the path then holds the
    start and ``step - 1`` updates), for ``cause``, a sentence such as the Trainer's divergence gives."""

    step: int
    cause: str


@dataclass(frozen=True)
class RacerPath:
    """One racer's path ``(k + 1, 2)`` (the start, then one point per step taken) and, if it diverged,
    where and why it stopped."""

    points: np.ndarray
    stop: Stop | None


# The running state an optimiser keeps, as its rule (RULES) writes it.
_STATE_WORDS = {"velocity": "its velocity v", "m": "its average m of g", "v": "its average s of g²"}
LARGEST = "the largest float, about 1.8e308"


def _pair(xy: np.ndarray) -> str:
    return f"({format_number(float(xy[0]))}, {format_number(float(xy[1]))})"


def _divergence(value: float, grad: np.ndarray) -> str | None:
    """Why ``f`` or its gradient at a racer's position cannot be stepped on, or None."""
    if not math.isfinite(value):
        return f"f became {format_number(float(value))}"
    if not (math.isfinite(grad[0]) and math.isfinite(grad[1])):
        return f"the gradient became {_pair(grad)}"
    return None


def _step_divergence(optimizer: Optimizer, grad: np.ndarray, moved: np.ndarray) -> str | None:
    """Why an optimiser's step diverged (its state or the new position not finite, or gone), or None."""
    x, y = float(moved[0]), float(moved[1])
    if not (math.isfinite(x) and math.isfinite(y)):
        return f"the step overflowed to {_pair(moved)} (g = {_pair(grad)})"
    for key, state in optimizer.state_dict().items():
        if isinstance(state, np.ndarray) and not np.isfinite(state).all():
            # A finite gradient whose square overflowed (Adam's s) leaves the racer where it is, as
            # its step becomes m / inf = 0: it would sit there for every step, so it is said instead.
            return f"{_STATE_WORDS.get(key, key)} overflowed past {LARGEST} (g = {_pair(grad)})"
    if max(abs(x), abs(y)) >= ESCAPE:
        return f"it left the picture for good, to {_pair(moved)}"
    return None


def run_race(
    expression: Expression,
    start: tuple[float, float],
    lr: float,
    steps: int,
    racers: tuple[str, ...] = RACERS,
) -> dict[str, RacerPath]:
    """Each racer's path from ``start`` and, where it diverged, its :class:`Stop`.

    A path ends early at the first step where ``f`` or its gradient is not finite,
    the optimiser's state overflows, or the racer leaves for good (beyond ``ESCAPE``):
    what a diverging run looks like, named as the Trainer names one.
    """
    if isinstance(steps, bool) or not isinstance(steps, int) or not 1 <= steps <= MAX_STEPS:
        raise ValueError(f"race: steps must be a whole number in 1..{MAX_STEPS}, got {steps!r}")
    start_xy = np.asarray(start, dtype=np.float64)
    if start_xy.shape != (2,) or not np.isfinite(start_xy).all():
        raise ValueError(f"race: the start must be two finite numbers (x, y), got {start!r}")
    for name in racers:
        if name not in RACERS:
            raise ValueError(f"race: unknown optimiser {name!r}; choose from {', '.join(RACERS)}")
    buffers, optimizers = [], []
    for name in racers:
        params = nn.FlatParameters([Tensor(start_xy.copy())], [True])
        optimizers.append(nn.make_optimizer(name, params, lr, MOMENTUM))  # raises for a bad lr
        buffers.append(params)
    paths = [[start_xy.copy()] for _ in racers]
    stops: list[Stop | None] = [None] * len(racers)
    running = list(range(len(racers)))
    for step in range(1, steps + 1):
        if not running:
            break
        positions = np.array([buffers[i].data for i in running])
        values, grads = _gradients(expression, positions)
        still = []
        # An overflow on the way to diverging is expected in a step, as in the Trainer's epoch:
        # it is found in the new position and the optimiser's state, and said.
        with np.errstate(over="ignore", invalid="ignore"):
            for i, value, grad in zip(running, values, grads):
                cause = _divergence(value, grad)
                if cause is None:
                    np.copyto(buffers[i].grad, grad)
                    optimizers[i].step()
                    cause = _step_divergence(optimizers[i], grad, buffers[i].data)
                if cause is None:
                    paths[i].append(buffers[i].data.copy())
                    still.append(i)
                else:
                    stops[i] = Stop(step, cause)
        running = still
    return {name: RacerPath(np.array(path), stop) for name, path, stop in zip(racers, paths, stops)}


def race(
    expression: Expression,
    start: tuple[float, float],
    lr: float,
    steps: int,
    racers: tuple[str, ...] = RACERS,
) -> dict[str, np.ndarray]:
    """Each racer's path ``(k + 1, 2)`` from ``start`` (:func:`run_race`'s points, without the stops)."""
    return {name: run.points for name, run in run_race(expression, start, lr, steps, racers).items()}
