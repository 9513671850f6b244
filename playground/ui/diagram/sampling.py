"""Which units of a wide layer the diagram draws.

Ten layers of 64 units are 640 maps and some 37,000 edges: in a 250 px column
the maps would be dots and the edges a grey blur, and drawing them took seconds
a frame. Above :data:`MAX_DRAWN_UNITS` a layer is drawn by an even sample of its
units (the first and the last among them), and the diagram says so. Units the
person is looking at (the selected map, the emphasised unit or weight, the one
being edited) are always among those drawn.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np

MAX_DRAWN_UNITS = 16  # per layer at most; fewer when the maps would be smaller than READABLE
SAMPLE_SIZES = (16, 12, 10, 8)  # the sample sizes tried, largest first
READABLE = 14.0  # px: the smallest map worth drawing; below it a layer draws fewer units


def drawn_units(n: int, keep: Iterable[int] = (), limit: int = MAX_DRAWN_UNITS) -> tuple[int, ...]:
    """The units of an ``n``-unit layer to draw, increasing: all of them up to ``limit``, else
    ``limit`` evenly spaced ones, each unit of ``keep`` (within ``0..n-1``) in place of the
    nearest sampled unit that is not kept itself."""
    if n <= limit:
        return tuple(range(n))
    picks = np.rint(np.linspace(0, n - 1, limit)).astype(int)
    kept = sorted({int(u) for u in keep if 0 <= u < n})[:limit]
    for unit in kept:
        if unit in picks:
            continue
        free = ~np.isin(picks, kept)
        distance = np.where(free, np.abs(picks - unit), n)
        picks[int(np.argmin(distance))] = unit
    return tuple(int(u) for u in np.sort(picks))


def sample_size(thumbnail_for: Callable[[int], float]) -> int:
    """The largest of ``SAMPLE_SIZES`` whose maps are at least ``READABLE`` px, else the smallest;
    ``thumbnail_for(limit)`` is the side the maps get when wide layers draw ``limit`` units."""
    return next((limit for limit in SAMPLE_SIZES if thumbnail_for(limit) >= READABLE), SAMPLE_SIZES[-1])


def sampling_note(sizes: list[int], drawn: list[tuple[int, ...]]) -> str:
    """What the diagram leaves out, in words ("" when every unit is drawn).

    ``sizes`` and ``drawn`` are per hidden layer (the inputs and outputs are always whole)."""
    sampled = [(layer, n, len(d)) for layer, (n, d) in enumerate(zip(sizes, drawn), 1) if len(d) < n]
    if not sampled:
        return ""
    shapes = {(n, k) for _, n, k in sampled}
    if len(shapes) == 1:
        n, k = shapes.pop()
        where = "each layer" if len(sampled) == len(sizes) else _layers([layer for layer, _, _ in sampled])
        return f"showing {k} of {n} units in {where}"
    return "showing " + ", ".join(f"{k} of {n} units in layer {layer}" for layer, n, k in sampled)


def _layers(layers: list[int]) -> str:
    return f"layer {layers[0]}" if len(layers) == 1 else "layers " + ", ".join(map(str, layers))
