"""Built-in datasets: TensorFlow Playground's shapes and a few more, made reproducibly.

>>> ds = make_dataset("spiral", n=400, noise=0.1, seed=0, test_fraction=0.5)

Every generator draws from one ``np.random.default_rng(seed)``, so the same
arguments give the same points. The shapes fill at most the square
[-5, 5]², and noise that would push a point off the plane (``DOMAIN``) is drawn
again for that point, so every point lies inside ``DOMAIN``. Classes get equal
counts (differing by at most one), and the points come in random order.

``noise`` is a fraction in [0, 1]. Each generator scales it to its own shape
(like TensorFlow Playground's 0-50 % slider): at 0 the classes are cleanly
separated, at 1 they overlap heavily. For regression, noise is added to the
targets.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .dataset import DOMAIN, MAX_POINTS, MIN_CLASSES, Dataset, check_int
from .formula import label_points
from .palette import MAX_CLASSES

_EXTENT = 5.0  # shapes fit in [-_EXTENT, _EXTENT]², leaving room for noise inside DOMAIN
_GAP = 0.25  # half-width of the empty band between regions, so noise-free data has a margin
_TARGET_NOISE = 0.5  # std of the noise added to regression targets (which span about -1..1) at noise=1


# -- what a generator is --------------------------------------------------------------


@dataclass(frozen=True)
class _Generator:
    """A classification generator maps (rng, per-class counts, noise) to points ordered by
    class; a regression generator maps (rng, n, noise) to points and targets."""

    task: str
    description: str
    make: Callable[..., Any]
    default_classes: int | None = None  # set when the generator takes ``classes=k``


# -- shared building blocks -----------------------------------------------------------


def _jitter(rng: np.random.Generator, X: np.ndarray, sigma: float) -> np.ndarray:
    """X plus Gaussian noise of std ``sigma``, redrawn for points it would push off the plane.

    Redrawing (rather than clipping) keeps points from piling up on the edge.
    It ends quickly: every base point is inside DOMAIN, so a redraw that moves
    both coordinates towards the centre (probability 1/4) usually lands inside.
    """
    out = X + rng.normal(0.0, sigma, X.shape)
    outside = _off_plane(out)
    while outside.any():
        out[outside] = X[outside] + rng.normal(0.0, sigma, (int(outside.sum()), 2))
        outside = _off_plane(out)
    return out


def _off_plane(X: np.ndarray) -> np.ndarray:
    return np.asarray(((X < DOMAIN[0]) | (X > DOMAIN[1])).any(axis=1))


def _by_score(rng: np.random.Generator, counts: Sequence[int], score: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    """Uniform points in the square, class 0 where ``score < -_GAP`` and class 1 where
    ``score > _GAP`` (rejection sampling, so each class gets exactly its count)."""
    found = [np.empty((0, 2)), np.empty((0, 2))]
    while any(len(points) < count for points, count in zip(found, counts)):
        candidates = rng.uniform(-_EXTENT, _EXTENT, size=(2 * sum(counts) + 16, 2))
        s = score(candidates)
        found = [
            np.concatenate([found[0], candidates[s < -_GAP]]),
            np.concatenate([found[1], candidates[s > _GAP]]),
        ]
    return np.concatenate([points[:count] for points, count in zip(found, counts)])


def _clouds(rng: np.random.Generator, counts: Sequence[int], centers: np.ndarray, sigma: float) -> np.ndarray:
    """One Gaussian cloud of std ``sigma`` per class around ``centers[class]``."""
    return _jitter(rng, np.repeat(centers, counts, axis=0), sigma)


def _ring(rng: np.random.Generator, m: int, r0: float, r1: float) -> np.ndarray:
    """``m`` points uniform in the area of the ring r0 <= r <= r1."""
    r = np.sqrt(rng.uniform(r0**2, r1**2, m))
    angle = rng.uniform(0.0, 2 * math.pi, m)
    return np.column_stack([r * np.cos(angle), r * np.sin(angle)])


# -- classification -------------------------------------------------------------------


def _linear_score(X: np.ndarray) -> np.ndarray:
    # A tilted line (x2 = x1 / 2), so it is not mistaken for the diagonal of "gaussians".
    return (X[:, 1] - 0.5 * X[:, 0]) / math.hypot(1.0, 0.5)


def _xor_score(X: np.ndarray) -> np.ndarray:
    # Signed distance to the nearer axis: positive in the quadrants where x1·x2 > 0.
    return np.asarray(np.sign(X[:, 0] * X[:, 1]) * np.abs(X).min(axis=1))


def _regions(score: Callable[[np.ndarray], np.ndarray]) -> Callable[..., np.ndarray]:
    """A generator of two classes on either side of ``score``'s zero line, with jitter."""

    def make(rng: np.random.Generator, counts: Sequence[int], noise: float) -> np.ndarray:
        return _jitter(rng, _by_score(rng, counts, score), 1.0 * noise)

    return make


def _circle(rng: np.random.Generator, counts: Sequence[int], noise: float) -> np.ndarray:
    points = np.concatenate([_ring(rng, counts[0], 0.0, 2.5), _ring(rng, counts[1], 3.5, _EXTENT)])
    return _jitter(rng, points, 0.8 * noise)


def _gaussians(rng: np.random.Generator, counts: Sequence[int], noise: float) -> np.ndarray:
    return _clouds(rng, counts, np.array([[-2.0, -2.0], [2.0, 2.0]]), 0.5 + 1.5 * noise)


def _spiral(rng: np.random.Generator, counts: Sequence[int], noise: float) -> np.ndarray:
    # Evenly along each arm, as in TensorFlow Playground: 1.75 turns out to radius 5.
    k = len(counts)
    arms = []
    for arm, m in enumerate(counts):
        t = (np.arange(m) + 0.5) / max(m, 1)
        angle = 1.75 * 2 * math.pi * t + 2 * math.pi * arm / k
        arms.append(np.column_stack([_EXTENT * t * np.sin(angle), _EXTENT * t * np.cos(angle)]))
    return _jitter(rng, np.concatenate(arms), 0.5 * noise)


def _moons(rng: np.random.Generator, counts: Sequence[int], noise: float) -> np.ndarray:
    # scikit-learn's two moons (x in [-1, 2], y in [-0.5, 1]), centred and scaled by 2.5.
    upper = np.linspace(0.0, math.pi, counts[0])
    lower = np.linspace(0.0, math.pi, counts[1])
    points = np.concatenate(
        [
            np.column_stack([np.cos(upper), np.sin(upper)]),
            np.column_stack([1.0 - np.cos(lower), 0.5 - np.sin(lower)]),
        ]
    )
    return _jitter(rng, (points - [0.5, 0.25]) * 2.5, 0.75 * noise)


_V_SLOPE, _V_OFFSET = 1.5, -3.0  # class 1 where x2 > 1.5·|x1| - 3: the tip at (0, -3)


def _vshape_score(X: np.ndarray) -> np.ndarray:
    # Two ReLUs make |x1| = relu(x1) + relu(-x1), so a [4, 2] ReLU network can draw this V.
    # Dividing by the arm's normal length turns the score into a distance: an even margin.
    return np.asarray((X[:, 1] - _V_SLOPE * np.abs(X[:, 0]) - _V_OFFSET) / math.hypot(1.0, _V_SLOPE))


def _checkerboard_score(X: np.ndarray) -> np.ndarray:
    cell = _EXTENT / 2  # a 4 x 4 board on the square
    even = (np.floor(X[:, 0] / cell) + np.floor(X[:, 1] / cell)) % 2 == 0
    to_edge = cell * np.abs(X / cell - np.round(X / cell)).min(axis=1)
    return np.asarray(np.where(even, to_edge, -to_edge))


def _blobs(rng: np.random.Generator, counts: Sequence[int], noise: float) -> np.ndarray:
    k = len(counts)
    angle = math.pi / 2 + 2 * math.pi * np.arange(k) / k
    centers = 3.5 * np.column_stack([np.cos(angle), np.sin(angle)])
    return _clouds(rng, counts, centers, 0.4 + 1.0 * noise)


# -- regression -----------------------------------------------------------------------


def _regression(target: Callable[[np.ndarray], np.ndarray]) -> Callable[..., Any]:
    """A regression generator: uniform points in the square, ``target`` plus Gaussian noise."""

    def make(rng: np.random.Generator, n: int, noise: float) -> tuple[np.ndarray, np.ndarray]:
        X = rng.uniform(-_EXTENT, _EXTENT, size=(n, 2))
        return X, target(X) + rng.normal(0.0, _TARGET_NOISE * noise, n)

    return make


def _plane_target(X: np.ndarray) -> np.ndarray:
    return np.asarray((X[:, 0] + X[:, 1]) / (2 * _EXTENT))  # -1 .. 1 over the square


_BUMPS = np.array([[-3.5, 2.5, 1], [0, 2.5, -1], [3.5, 2.5, 1], [-3.5, -2.5, -1], [0, -2.5, 1], [3.5, -2.5, -1]])


def _bumps_target(X: np.ndarray) -> np.ndarray:
    d2 = ((X[:, None, :] - _BUMPS[None, :, :2]) ** 2).sum(axis=2)
    return np.asarray((_BUMPS[:, 2] * np.exp(-d2 / (2 * 1.2**2))).sum(axis=1))


# -- a formula the person types ------------------------------------------------------


def _formula(rng: np.random.Generator, n: int, noise: float, expr: Any) -> tuple[np.ndarray, np.ndarray, str, int]:
    """Uniform points in the square labelled by ``expr`` (see ``formula.label_points``).

    Noise moves classified points after labelling, so labels near the boundary
    land on the wrong side, as with the shapes; regression noise is scaled by the
    targets' half-range, so noise=1 means as much to ``100 * x1`` as to ``sin(x1)``.
    """
    X = rng.uniform(-_EXTENT, _EXTENT, size=(n, 2))
    task, y, k = label_points(expr, X)
    if task == _CLASSIFY:
        return _jitter(rng, X, 1.0 * noise), y, task, k
    half_range = float(np.ptp(y)) / 2 if n else 0.0
    scale = _TARGET_NOISE * noise * (half_range if half_range > 0 else 1.0)
    return X, y + rng.normal(0.0, scale, n), task, k


# -- the catalogue --------------------------------------------------------------------

_CLASSIFY, _REGRESS, _FORMULA = "classification", "regression", "formula"
_GENERATORS: dict[str, _Generator] = {
    "linear": _Generator(
        _CLASSIFY,
        "Two classes on either side of a straight line: learnable without any hidden layer.",
        _regions(_linear_score),
    ),
    "xor": _Generator(
        _CLASSIFY,
        "Opposite quadrants share a class, so no straight line separates them (the XOR problem).",
        _regions(_xor_score),
    ),
    "circle": _Generator(
        _CLASSIFY,
        "One class in a disc, the other in a ring around it: the boundary must close on itself.",
        _circle,
    ),
    "gaussians": _Generator(_CLASSIFY, "Two Gaussian clouds; noise widens them until they overlap.", _gaussians),
    "spiral": _Generator(
        _CLASSIFY,
        "Interleaved spiral arms, one per class (classes=2..8): hard, it needs depth or sin features.",
        _spiral,
        default_classes=2,
    ),
    "moons": _Generator(_CLASSIFY, "Two interleaving half-moons, as in scikit-learn.", _moons),
    "vshape": _Generator(
        _CLASSIFY,
        "Points inside an upward V against the points outside it: two ReLUs bend a line into a V.",
        _regions(_vshape_score),
    ),
    "checkerboard": _Generator(
        _CLASSIFY,
        "A 4 × 4 checkerboard of two classes: many regions, a test of capacity.",
        _regions(_checkerboard_score),
    ),
    "blobs": _Generator(
        _CLASSIFY,
        "One Gaussian blob per class on a ring (classes=2..8, default 3).",
        _blobs,
        default_classes=3,
    ),
    "plane": _Generator(
        _REGRESS,
        "Regression: the target rises evenly across the plane, (x1 + x2) / 10.",
        _regression(_plane_target),
    ),
    "bumps": _Generator(_REGRESS, "Regression: three bumps and three dips in a grid.", _regression(_bumps_target)),
    # Its task is the formula's: a condition classifies, any other formula is a regression.
    _FORMULA: _Generator(
        _FORMULA,
        "Points labelled by a formula you type: x2 > sin(3*x1) gives two classes, a list of "
        "conditions one class each, sin(x1) * cos(x2) a regression.",
        _formula,
    ),
}

FORMULA = _FORMULA
"""The generator that takes ``expr=``: ``make_dataset("formula", expr="x2 > sin(3*x1)")``."""
DATASET_NAMES: tuple[str, ...] = tuple(name for name in _GENERATORS if name != FORMULA)
"""The presets (generators that need no formula): classification first, then regression."""


def describe(name: str) -> str:
    """One sentence about dataset ``name``, for a tooltip."""
    return _generator(name).description


def task_of(name: str) -> str:
    """``"classification"`` or ``"regression"``: what dataset ``name`` is for (``"formula"``
    for the formula generator, whose task its formula decides)."""
    return _generator(name).task


def takes_classes(name: str) -> bool:
    """Whether dataset ``name`` accepts ``classes=k`` (the others have two classes or none)."""
    return _generator(name).default_classes is not None


def make_dataset(
    name: str,
    n: int = 200,
    noise: float = 0.0,
    seed: int = 0,
    test_fraction: float = 0.0,
    **kw: Any,
) -> Dataset:
    """Generate the built-in dataset ``name`` (one of ``DATASET_NAMES``).

    Args:
        n: the number of points, 1..100000.
        noise: 0..1; how much the classes overlap (or, for regression, how noisy the targets are).
        seed: any integer >= 0; the same arguments always give the same dataset.
        test_fraction: 0 <= f < 1; exactly ``round(n * f)`` random points become test points.
        classes: for ``spiral`` and ``blobs`` only, the number of classes (2..8).
        expr: for ``formula`` only (and required there), a formula of x1 and x2 or a list
            of conditions, one per class (see ``formula.label_points``).

    Raises ValueError naming the bad argument.
    """
    generator = _generator(name)
    n = check_int(n, "n", 1, MAX_POINTS)
    noise = _fraction(noise, "noise", one_allowed=True)
    seed = check_int(seed, "seed", 0)
    test_fraction = _fraction(test_fraction, "test_fraction", one_allowed=False)
    n_test = round(n * test_fraction)
    if n_test == n:
        raise ValueError(f"test_fraction: {test_fraction} of {n} points leaves no training points")
    k = _classes(name, generator, kw)

    rng = np.random.default_rng(seed)
    task = generator.task
    if task == _FORMULA:
        X, y, task, k = generator.make(rng, n, noise, kw["expr"])
    elif task == "classification":
        counts = [n // k + (c < n % k) for c in range(k)]
        X, y = generator.make(rng, counts, noise), np.repeat(np.arange(k), counts)
    else:
        X, y = generator.make(rng, n, noise)
    order = rng.permutation(n)
    is_test = np.zeros(n, dtype=bool)
    is_test[rng.choice(n, size=n_test, replace=False)] = True
    return Dataset(X[order], y[order], task, is_test, n_classes=k)


def _generator(name: Any) -> _Generator:
    try:
        return _GENERATORS[name]
    except (KeyError, TypeError):  # TypeError: an unhashable name
        raise ValueError(f"name: unknown dataset {name!r}; expected one of {', '.join(_GENERATORS)}") from None


def _fraction(value: Any, field: str, one_allowed: bool) -> float:
    """``value`` as a float in [0, 1], or in [0, 1) unless ``one_allowed``."""
    valid = not isinstance(value, bool) and isinstance(value, numbers.Real)
    if not (valid and (0.0 <= value <= 1.0 if one_allowed else 0.0 <= value < 1.0)):
        bounds = "0 <= {0} <= 1" if one_allowed else "0 <= {0} < 1"
        raise ValueError(f"{field}: expected {bounds.format(field)}, got {value!r}")
    return float(value)


def _classes(name: str, generator: _Generator, kw: dict[str, Any]) -> int:
    """The number of classes: 0 for regression, else ``classes=`` or the generator's default."""
    accepted = {"classes"} if generator.default_classes is not None else set()
    if generator.task == _FORMULA:
        accepted = {"expr"}
        if "expr" not in kw:
            raise ValueError('expr: the formula dataset needs a formula, e.g. expr="x2 > sin(3*x1)"')
    unknown = sorted(set(kw) - accepted)
    if unknown:
        takes = f"takes only {next(iter(accepted))}=" if accepted else "takes no extra keywords"
        raise ValueError(f"{unknown[0]}: unknown keyword for {name!r}, which {takes}")
    if generator.task in ("regression", _FORMULA):
        return 0
    if generator.default_classes is None:
        return MIN_CLASSES
    return check_int(kw.get("classes", generator.default_classes), "classes", MIN_CLASSES, MAX_CLASSES)
