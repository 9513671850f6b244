"""Linear regions of ReLU and leaky-ReLU networks (numpy only).

A network whose hidden units are all piecewise linear (ReLU, leaky ReLU, or
linear) computes one affine function on each region of the plane where every
unit keeps its side of zero: the region is named by its *activation pattern*,
the tuple of ``z > 0`` over all hidden units. The first layer's units fold the
plane along their lines ``z = 0``; deeper layers fold each piece again.

Everything here works in the plane's own coordinates ``(x1, x2)``: when the
network sees standardised inputs, :func:`plane_network` folds the
standardisation into the first layer (it is affine), so slopes and fold lines
are those of the plane the person clicks on.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..nn.activations import LEAKY_SLOPE
from .forward import Network
from .trainer import Trainer

PIECEWISE_LINEAR = ("relu", "leaky_relu", "linear")
_FOLDING = ("relu", "leaky_relu")


def why_no_regions(activations: tuple[str, ...] | list[str], features: tuple[str, ...] | list[str]) -> str:
    """Why a network with these hidden ``activations`` and input ``features`` has no linear regions in
    the plane, as a sentence for the person; ``""`` when it has them."""
    if sorted(features) != ["x1", "x2"]:
        return (
            f"No linear regions: the network's inputs are {', '.join(features)}. Features other than "
            f"x1 and x2 bend the plane before the first layer sees it, so no piece of it is linear in (x1, x2)."
        )
    smooth = sorted({name for name in activations if name not in PIECEWISE_LINEAR})
    if smooth:
        return (
            f"No linear regions: {', '.join(smooth)} units curve smoothly everywhere, so the network is "
            f"linear on no piece of the plane. Choose ReLU or leaky ReLU to see the plane cut into regions."
        )
    return ""


def plane_network(trainer: Trainer, network: Network | None = None) -> Network:
    """``trainer``'s network (or ``network``, of the same shape) as a function of the plane point ``x``.

    The inputs must be the plane's coordinates ``x1`` and ``x2`` (standardised or
    not): other features (``x1^2``, ``sin x1``, ...) bend the plane before the first
    layer sees it, and then no region is linear in ``x``.
    """
    features = tuple(trainer.config.features)
    if sorted(features) != ["x1", "x2"]:
        raise ValueError(
            f"linear regions: the network's inputs must be x1 and x2, got {', '.join(features)}; "
            f"other features make the network nonlinear in the plane"
        )
    network = Network.from_trainer(trainer) if network is None else network
    A = np.eye(2)[[0 if name == "x1" else 1 for name in features]].T  # F = x @ A + c
    c = np.zeros(2)
    standardizer = trainer.standardizer
    if standardizer is not None:
        A = A / standardizer.std
        c = -standardizer.mean / standardizer.std
    (W, b), rest = network.weights[0], network.weights[1:]
    return Network(((A @ W, c @ W + b), *rest), network.activations, network.head, network.residual)


def _check_piecewise(network: Network) -> None:
    bad = [f"layer {i + 1} is {name}" for i, name in enumerate(network.activations) if name not in PIECEWISE_LINEAR]
    if bad:
        raise ValueError(f"linear regions need ReLU, leaky ReLU or linear hidden units; {', '.join(bad)}")


def activation_patterns(network: Network, inputs: np.ndarray) -> np.ndarray:
    """``(n, units)`` booleans: ``z > 0`` for every ReLU and leaky-ReLU unit (layer by layer) at each input.

    Linear layers do not fold, so they add nothing to the pattern.
    """
    _check_piecewise(network)
    zs, _ = network.trace(inputs)
    if not network.activations:
        return np.zeros((len(inputs), 0), dtype=bool)
    return folding_patterns(zs, network.activations)


@dataclass(frozen=True)
class RegionMap:
    """``ids`` (n,): a region number per input, 0.. ``count - 1`` (numbered in order of first
    appearance, so shades stay put while the regions do); ``patterns`` (count, units) the regions'
    activation patterns."""

    ids: np.ndarray
    count: int
    patterns: np.ndarray


def region_map(network: Network, inputs: np.ndarray) -> RegionMap:
    """The linear region of each input: inputs with the same activation pattern share an id."""
    return regions_of(activation_patterns(network, inputs))


def folding_patterns(zs: list[np.ndarray], activations: tuple[str, ...] | list[str]) -> np.ndarray:
    """The activation patterns ``(n, units)`` from already computed pre-activations ``zs`` (one per
    layer, e.g. a frame's grid probe): ``z > 0`` for every ReLU and leaky-ReLU unit."""
    folding = [z > 0 for z, name in zip(zs, activations) if name in _FOLDING]
    n = len(zs[0]) if zs else 0
    return np.concatenate(folding, axis=1) if folding else np.zeros((n, 0), dtype=bool)


def regions_of(patterns: np.ndarray) -> RegionMap:
    """The regions of activation patterns ``(n, units)``: rows with the same pattern share an id."""
    patterns = np.asarray(patterns, dtype=bool)
    if patterns.shape[1] == 0:
        ids = np.zeros(len(patterns), dtype=np.intp)
        return RegionMap(ids, 1 if len(patterns) else 0, patterns[:1])
    units = patterns.shape[1]
    if units <= 64:
        # One 64-bit number per pattern: a 1-D unique sorts numbers, several times faster than rows.
        bits = np.left_shift(np.uint64(1), np.arange(units, dtype=np.uint64))
        keys = np.where(patterns, bits, np.uint64(0)).sum(axis=1, dtype=np.uint64)
        unique, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    else:
        packed = np.packbits(patterns, axis=1)  # one row of bytes per input
        unique, first, inverse = np.unique(packed, axis=0, return_index=True, return_inverse=True)
    order = np.argsort(first)  # renumber by first appearance
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    return RegionMap(rank[inverse.reshape(-1)], len(unique), patterns[first[order]])


def region_counts(trainer: Trainer, params: list[np.ndarray], inputs: np.ndarray) -> np.ndarray:
    """The number of linear regions over plane points ``inputs`` for each flat weight vector in
    ``params`` (e.g. the timeline's snapshots), for the region-count curve over the epochs."""
    model = trainer.model
    counts = [
        region_map(
            plane_network(trainer, Network.from_flat(p, model.sizes, model.activations, trainer.head.name)), inputs
        ).count
        for p in params
    ]
    return np.asarray(counts, dtype=np.int64)


def fold_lines(network: Network, rect: tuple[float, float, float, float]) -> tuple[np.ndarray, np.ndarray]:
    """The first layer's fold lines ``z = 0`` inside ``rect = (x0, y0, x1, y1)`` of a two-input network.

    Returns ``(segments (m * 2, 2), units (m,))``: endpoint pairs (the layout of
    ``connect="pairs"``) and the unit each line belongs to. A unit with no
    weights, or whose line misses the rectangle, has none.
    """
    W, b = network.weights[0]
    if W.shape[0] != 2:
        raise ValueError(f"fold_lines: the first layer must have two inputs, got {W.shape[0]}")
    if network.activations and network.activations[0] not in _FOLDING:
        return np.zeros((0, 2)), np.zeros(0, dtype=np.intp)
    segments, units = [], []
    for unit in range(W.shape[1]):
        ends = _clip_line(W[:, unit], float(b[unit]), rect)
        if ends is not None:
            segments += ends
            units.append(unit)
    return np.array(segments).reshape(-1, 2), np.array(units, dtype=np.intp)


def _clip_line(normal: np.ndarray, offset: float, rect: tuple[float, float, float, float]) -> list[np.ndarray] | None:
    """The part of ``x @ normal + offset = 0`` inside ``rect`` (Liang-Barsky), or None."""
    norm2 = float(normal @ normal)
    if not np.isfinite(norm2) or norm2 < 1e-24:
        return None
    start = -offset * normal / norm2
    direction = np.array([-normal[1], normal[0]])
    t_lo, t_hi = -np.inf, np.inf
    for axis, low, high in ((0, rect[0], rect[2]), (1, rect[1], rect[3])):
        if abs(direction[axis]) < 1e-300:
            if not low <= start[axis] <= high:
                return None
            continue
        ends = sorted(((low - start[axis]) / direction[axis], (high - start[axis]) / direction[axis]))
        t_lo, t_hi = max(t_lo, ends[0]), min(t_hi, ends[1])
    if not t_lo < t_hi:
        return None
    return [start + t_lo * direction, start + t_hi * direction]


@dataclass(frozen=True)
class LinearPiece:
    """The affine function the network computes on one region: ``logit = x @ slopes + offset``
    (``slopes`` (n_in, k), ``offset`` (k,)), and the region's activation pattern."""

    slopes: np.ndarray
    offset: np.ndarray
    pattern: np.ndarray


def linear_piece(network: Network, point: np.ndarray) -> LinearPiece:
    """The linear function the network computes on the region containing ``point`` (n_in,).

    On the region every unit's derivative is fixed (1 or 0 for ReLU, 1 or
    ``LEAKY_SLOPE`` for leaky ReLU), so the slopes are the product
    ``W(1) D(1) W(2) D(2) ... W(L)`` (a layer with a skip adds its input's slopes:
    ``J(l) = J(l-1) W(l) D(l) + J(l-1)``) and the offset is what is left of the logit.
    """
    _check_piecewise(network)
    point = np.asarray(point, dtype=np.float64).reshape(1, -1)
    zs, _ = network.trace(point)
    J = np.eye(point.shape[1])
    for k, (W, _b) in enumerate(network.weights):
        before = J
        J = J @ W
        if k < len(network.activations):
            name, z = network.activations[k], zs[k][0]
            off = 1.0 if name == "linear" else 0.0 if name == "relu" else LEAKY_SLOPE  # the slope where z <= 0
            J = J * np.where(z > 0, 1.0, off)
            if network.residual[k]:
                J = J + before
    offset = zs[-1][0] - point[0] @ J
    return LinearPiece(J, offset, activation_patterns(network, point)[0])
