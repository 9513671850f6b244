"""Grids over the plane for probing a network everywhere at once, and the frame's grid probe.

A frame probes the network over a grid for the boundary and the unit maps. Still pictures
(paused, stepped, a past epoch) use ``FULL_RESOLUTION``; while playing, the grid's side comes
from the network's size (``playing_resolution``), so that a frame of a big network costs
about what one of the default network does, instead of 30 times more.
"""

from __future__ import annotations

import functools
import math
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

import numpy as np

from .cores import spare_core
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
# Rows of a float32 pass computed together through every layer: at least ROW_BLOCK (each block is
# a dozen numpy calls, and smaller blocks gained nothing from the cache: 10x64's still grid took
# 49 ms in blocks of 512 rows, 46 ms in blocks of 4,096), and an eighth of the pass at most, so
# the blocks share out between two threads. A pass's blocks depend on its row count alone: which
# thread computes a block does not change its values.
ROW_BLOCK = 1024
# Work (rows x probe_cost) from which a frame's probes are shared with a helper thread: below it,
# handing half over costs more than it saves (the default network's 300 points, ~0.1 ms).
SHARED_WORK = 20_000_000
# What an exact (float64) row costs next to a float32 one: 13 ms against 5.9 ms for 1,000 points
# through 10 layers of 64 (benchmarks/frame_probe.py).
EXACT_ROW_COST = 2.2


def float32_probed(trainer: Trainer) -> bool:
    """Whether the frame's grid probe of ``trainer``'s network is float32 (else the session's dtype):
    a float64 network of tanh and sigmoid units whose weights are moderate (NaN is not)."""
    model = trainer.model
    return (
        model.dtype == np.float64
        and set(model.activations) <= FLOAT32_ACTIVATIONS
        and bool(np.all(np.abs(model.params.data) <= FLOAT32_MAX_WEIGHT))
    )


def grid_probe(trainer: Trainer, points: np.ndarray) -> Probe:
    """``trainer.probe(points)`` for a frame's grid: in float32 for a float64 network of tanh and
    sigmoid units with moderate weights (``float32_probed``), in the session's dtype otherwise.

    The float32 pass takes the live weights at every call; training is untouched. Its values stay
    float32 (casting them back cost more than the float32 probe saved): they are only drawn, and
    the views that fit to them (the transforms' standardisation from the first layer's z) are off
    by about 1e-7, far below a pixel.
    """
    return frame_probes(trainer, points)[0]


def frame_probes(
    trainer: Trainer, grid: np.ndarray, data: np.ndarray | None = None, exact_data: bool = False
) -> tuple[Probe, Probe | None]:
    """A frame's probes: ``grid`` as ``grid_probe`` does, and the data points ``data`` (None: none)
    exactly (``trainer.probe``, when ``exact_data``) or as the grid.

    Big probes are shared between this thread and one helper thread (``SHARED_WORK``), while the
    machine has a core to spare (``cores.spare_core``): the numpy
    products and activations let go of the GIL, and while a frame is made the GUI thread is idle
    (the lockstep, ARCHITECTURE.md), so the second core does half of it. Every value is what a
    probe in one thread gives: float32 row blocks start at fixed rows, and exact or session-dtype
    probes stay whole. Call it from the thread that owns ``trainer``; it returns when both are done.
    """
    sizes = trainer.model.sizes
    if not float32_probed(trainer):
        return _whole_probes(trainer, grid, data)
    weights = [(layer.W.data.astype(np.float32), layer.b.data.astype(np.float32)) for layer in trainer.model.layers]
    passes = [_Float32Pass(trainer, grid, weights)]
    if data is not None and not exact_data:
        passes.append(_Float32Pass(trainer, data, weights))
    exact = data if data is not None and exact_data else None
    blocks = [(p, start) for p in passes for start in range(0, p.rows, p.block)]
    # The helper takes the exact probe and the first blocks, as near half of the whole work as they go.
    exact_cost = 0.0 if exact is None else EXACT_ROW_COST * len(exact)
    total = exact_cost + sum(p.rows for p in passes)
    taken, cost = 0, exact_cost
    while taken < len(blocks) - 1 and cost + _block_rows(blocks[taken]) / 2 <= total / 2:
        cost += _block_rows(blocks[taken])
        taken += 1
    helper: list[Callable[[], object]] = [functools.partial(p.run, start) for p, start in blocks[:taken]]
    if exact is not None:
        helper.insert(0, lambda: trainer.probe(exact))
    own: list[Callable[[], object]] = [functools.partial(p.run, start) for p, start in blocks[taken:]]
    if total * probe_cost(sizes) >= SHARED_WORK and helper and own and spare_core():
        done, _ = _run_shared(helper, own)
    else:
        done = [job() for job in helper + own]
    probes = [p.probe(trainer) for p in passes]
    if exact is not None:
        exact_probe = done[0]
        assert isinstance(exact_probe, Probe)
        return probes[0], exact_probe
    return probes[0], probes[1] if len(probes) > 1 else None


def _whole_probes(trainer: Trainer, grid: np.ndarray, data: np.ndarray | None) -> tuple[Probe, Probe | None]:
    """``trainer.probe`` of the grid and of the data points, each whole (bit for bit a lone probe), the
    points in the helper thread when the work is big enough (``SHARED_WORK``)."""
    if data is None:
        return trainer.probe(grid), None
    if (len(grid) + len(data)) * probe_cost(trainer.model.sizes) < SHARED_WORK or not spare_core():
        return trainer.probe(grid), trainer.probe(data)
    (points,), (whole,) = _run_shared([lambda: trainer.probe(data)], [lambda: trainer.probe(grid)])
    assert isinstance(points, Probe) and isinstance(whole, Probe)
    return whole, points


def _block_rows(block: tuple[_Float32Pass, int]) -> int:
    p, start = block
    return min(p.block, p.rows - start)


class _Float32Pass:
    """One float32 forward pass of a network over ``points``, row block by row block (``run``), into
    arrays made once; ``probe`` then reads it as ``Trainer.probe`` would have."""

    def __init__(self, trainer: Trainer, points: np.ndarray, weights: list[tuple[np.ndarray, np.ndarray]]) -> None:
        model = trainer.model
        self.inputs = trainer.features(points).astype(np.float32)
        self.rows = len(self.inputs)
        self.block = max(ROW_BLOCK, -(-self.rows // 8 // 16) * 16)
        self.weights = weights
        self.activations = list(model.activations)
        self.skips = [bool(flag) for flag in model.residual] or [False] * len(self.activations)
        self.z = [np.empty((self.rows, W.shape[1]), np.float32) for W, _ in weights]
        self.a = [np.empty((self.rows, W.shape[1]), np.float32) for W, _ in weights[:-1]]

    def run(self, start: int) -> None:
        """Rows ``start`` to ``start + self.block`` through every layer."""
        stop = min(start + self.block, self.rows)
        a = self.inputs[start:stop]
        # Weights on their way to diverging may overflow; the plots show NaN as background.
        with np.errstate(over="ignore", invalid="ignore"):
            for k, (W, b) in enumerate(self.weights):
                z = self.z[k][start:stop]
                np.dot(a, W, out=z)
                z += b
                if k == len(self.a):
                    return
                out = self.a[k][start:stop]
                if self.activations[k] == "tanh":
                    np.tanh(z, out=out)
                else:  # sigmoid, as the engine computes it: 0.5 (1 + tanh(z / 2)), which never overflows
                    np.multiply(z, 0.5, out=out)
                    np.tanh(out, out=out)
                    out *= 0.5
                    out += 0.5
                if self.skips[k]:
                    out += a  # the skip carries a(l-1) past the layer
                a = out

    def probe(self, trainer: Trainer) -> Probe:
        """The pass as a ``Probe``: the head's output from the last layer's z, as ``Trainer.probe``."""
        with np.errstate(over="ignore", invalid="ignore"):
            out = trainer.head.activate(self.z[-1])
        return Probe(self.inputs, list(self.z), [*self.a, out], Probe.head_output(trainer.head.name, out))


_helper_lock = threading.Lock()
_helper_pool: ThreadPoolExecutor | None = None


def _run_shared(
    helper: Sequence[Callable[[], object]], own: Sequence[Callable[[], object]]
) -> tuple[list[object], list[object]]:
    """Run ``helper``'s jobs in the helper thread while this thread runs ``own``'s; both lists' results."""
    global _helper_pool
    with _helper_lock:
        if _helper_pool is None:
            _helper_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="frame-probe")
        pool = _helper_pool
    future = pool.submit(lambda: [job() for job in helper])
    try:
        mine = [job() for job in own]
    finally:
        theirs = future.result()  # waits even if ours failed: the helper reads the live weights
    return theirs, mine
