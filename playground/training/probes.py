"""Grids over the plane for probing a network everywhere at once, and the frame's grid probe.

A frame probes the network over a grid for the boundary and the unit maps. Still pictures
(paused, stepped, a past epoch) use ``FULL_RESOLUTION``; while playing, the grid's side comes
from the network's size (``playing_resolution``), so that a frame of a big network costs
about what one of the default network does, instead of 30 times more.
"""

from __future__ import annotations

import functools
import math
import weakref
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from .. import nn
from .trainer import Probe

if TYPE_CHECKING:
    from .trainer import Trainer


def grid_points(resolution: int, domain: tuple[float, float]) -> tuple[np.ndarray, np.ndarray]:
    """Cell centres of a ``resolution`` x ``resolution`` grid over ``domain`` on both axes.

    Returns ``(points, axis)``: ``points`` is (resolution**2, 2), row-major with
    x2 constant along a row (row ``i`` is ``x2 = axis[i]``, column ``j`` is
    ``x1 = axis[j]``), so ``values.reshape(resolution, resolution)`` is an image
    whose first index is x2. ``axis`` holds the centre coordinates.
    """
    if isinstance(resolution, bool) or not isinstance(resolution, int) or not 2 <= resolution <= 2000:
        raise ValueError(f"grid: resolution must be a whole number in 2..2000, got {resolution!r}")
    low, high = domain
    step = (high - low) / resolution
    axis = low + step * (np.arange(resolution) + 0.5)
    x1, x2 = np.meshgrid(axis, axis)
    return np.column_stack([x1.ravel(), x2.ravel()]), axis


FULL_RESOLUTION = 100  # cells a side of a still picture's grid (and of a small network's while playing)
MIN_RESOLUTION = 40  # cells a side at least, however big the network: coarser and the boundary shows its steps
# What a unit costs a probe, in multiply-adds of its weights: its bias, its activation and its z and a
# arrays, one pass over the grid each. Fitted to the float32 grid probe's times on this project's
# machines (benchmarks/frame_probe.py): 2-8-8-1 2.7 ms, 2-64-64-1 16 ms, 8x16 15 ms, 10x64 103 ms at
# 100 x 100; one unit of a cell costs about as much as 300 of its multiply-adds.
UNIT_COST = 300
DEFAULT_SIZES = (2, 16, 16, 1)  # the window's default network, whose probe sets the budget
# A playing frame's grid probe may cost half as much again as the default network's at full
# resolution (about 4 ms on an idle core): networks up to about that size keep the full grid.
PLAYING_BUDGET_SHARE = 1.5


def probe_cost(sizes: Sequence[int]) -> int:
    """What probing one grid cell through a network of layer ``sizes`` (inputs first) costs: the
    multiply-adds of its weights plus ``UNIT_COST`` for each unit (hidden and output)."""
    widths = [int(s) for s in sizes]
    if len(widths) < 2 or min(widths) < 1:
        raise ValueError(f"probe_cost: sizes must be two or more positive layer widths, got {list(sizes)!r}")
    return sum(n_in * n_out + UNIT_COST * n_out for n_in, n_out in zip(widths, widths[1:]))


PLAYING_BUDGET = PLAYING_BUDGET_SHARE * probe_cost(DEFAULT_SIZES) * FULL_RESOLUTION**2


def playing_resolution(sizes: Sequence[int], budget: float = PLAYING_BUDGET) -> int:
    """Cells a side of a playing frame's grid for a network of layer ``sizes``: the most whose probe
    stays within ``budget`` (``probe_cost`` per cell), between ``MIN_RESOLUTION`` and
    ``FULL_RESOLUTION``. It never grows with the network's cost."""
    if not budget > 0:
        raise ValueError(f"playing_resolution: budget must be positive, got {budget!r}")
    side = math.isqrt(int(budget // probe_cost(sizes)))
    return max(MIN_RESOLUTION, min(FULL_RESOLUTION, side))


MIN_PLAYING_POINTS = 1000  # data points a playing frame probes at least (when the dataset has them)


def playing_point_count(sizes: Sequence[int], most: int, budget: float = PLAYING_BUDGET) -> int:
    """How many data points a playing frame probes through a network of layer ``sizes``: as many as
    ``budget`` pays for, between ``MIN_PLAYING_POINTS`` (or ``most``, if fewer) and ``most``."""
    if isinstance(most, bool) or not isinstance(most, int) or most < 1:
        raise ValueError(f"playing_point_count: most must be a whole number >= 1, got {most!r}")
    if not budget > 0:
        raise ValueError(f"playing_point_count: budget must be positive, got {budget!r}")
    affordable = int(budget // probe_cost(sizes))
    return max(min(MIN_PLAYING_POINTS, most), min(most, affordable))


@functools.lru_cache(maxsize=8)
def probe_grid(resolution: int, domain: tuple[float, float]) -> tuple[np.ndarray, np.ndarray]:
    """``grid_points(resolution, domain)``, built once per resolution and shared: read-only, so no
    frame or view can change the points another frame probes."""
    points, axis = grid_points(resolution, domain)
    points.flags.writeable = axis.flags.writeable = False
    return points, axis


# The grid probe of every frame is only drawn: 8-bit colours, where probabilities off by 1e-4
# cannot be seen. numpy's float32 tanh is several times faster than float64's, so smooth
# networks are probed in float32 (ARCHITECTURE.md, the frame contract). ReLU-like units gain
# little and stay in the session's dtype: the regions view counts the sign patterns of the
# grid's z, a number on the screen.
FLOAT32_ACTIVATIONS = frozenset({"tanh", "sigmoid"})
FLOAT32_MAX_WEIGHT = 1e3  # larger weights (a run diverging) keep float64: its overflows, its NaN gaps
# One float32 twin per network (a rebuilt network is a new model, and gets a new twin).
_TWINS: weakref.WeakKeyDictionary[nn.MLP, nn.MLP] = weakref.WeakKeyDictionary()


def grid_probe(trainer: Trainer, points: np.ndarray) -> Probe:
    """``trainer.probe(points)`` for a frame's grid: through a float32 twin of a float64 network of
    tanh and sigmoid units with moderate weights, in the session's dtype otherwise.

    The twin gets the live weights at every call; training is untouched. Its values stay float32
    (casting them back cost more than the float32 probe saved): they are only drawn, and the
    views that fit to them (the transforms' standardisation from the first layer's z) are off by
    about 1e-7, far below a pixel.
    """
    model = trainer.model
    params = model.params.data
    if (
        model.dtype != np.float64
        or not set(model.activations) <= FLOAT32_ACTIVATIONS
        or not np.all(np.abs(params) <= FLOAT32_MAX_WEIGHT)  # NaN fails too
    ):
        return trainer.probe(points)
    twin = _TWINS.get(model)
    if twin is None:
        twin = nn.MLP(
            model.sizes[0],
            model.sizes[1:-1],
            model.sizes[-1],
            model.activations,
            dtype=np.float32,
            residual=model.residual,
        )
        _TWINS[model] = twin
    twin.params.load_data(params.astype(np.float32))
    return trainer.probe(points, twin)
