"""Maps of single units over the input plane: the network diagram's thumbnails and their scales.

Plain numpy (no Qt), like ``colors``. Every map comes from the frame's one grid
probe (``Frame.grid_a``: ``(r*r, units)`` per layer, row-major with rows along
x2), so the thumbnails, the full-size unit map and the boundary agree.

Colours are the diverging orange-blue map of ``colors.value_image``: the plot
background at the unit's *neutral* value (0 for tanh, linear and leaky ReLU;
0.5 for sigmoid; 0 for ReLU, whose maps therefore only go from background to
blue), orange below it and blue above, so "blue = on" reads the same on every
unit and matches the boundary plot's regression map.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from playground.data.features import compute_features
from playground.ui.plots.colors import (
    MAP_STRENGTH,
    class_rgb,
    probability_image,
    probability_lut,
    value_image,
    value_index,
    value_lut,
)

# Thumbnails show about this many grid cells a side, whatever the grid (thumbnail_step): a still
# frame's 100 x 100 grid becomes 25 x 25 thumbnails, and a big network's coarser playing grid
# (probes.playing_resolution: 40 x 40 for 10 layers of 64) 20 x 20, not the 10 x 10 a fixed
# step of 4 gave it. About as many pixels as the maps are drawn on (15 to 30 px at 1280 x 720).
THUMBNAIL_SIDE = 25
REACH_PERCENTILE = 98.0  # of |a| over a layer: where an unbounded layer's colours saturate
_SCALE_STRIDE = 7
_BOUNDED = {"tanh": (-1.0, 1.0, 0.0), "sigmoid": (0.0, 1.0, 0.5)}


def linear_percentile(values: np.ndarray, q: float) -> float:
    """``np.percentile(values, q)`` (its default, linear method) of a non-empty 1-D array, by a
    partial sort. np.percentile's first call imports numpy.ma (25 ms), and the first frame, before
    the window's first paint, colours the diagram's maps with this."""
    position = (values.size - 1) * q / 100
    lower = int(position)
    upper = min(lower + 1, values.size - 1)
    part = np.partition(values, (lower, upper))
    return float(part[lower] + (part[upper] - part[lower]) * (position - lower))


def unit_scale(activation: str, values: np.ndarray) -> tuple[float, float, float]:
    """``(vmin, vmax, neutral)`` for colouring a layer's maps of ``activation``.

    Bounded activations use their whole range; unbounded ones (ReLU, leaky ReLU,
    linear, input features) a range symmetric about 0 out to the layer's
    ``REACH_PERCENTILE`` of ``|value|``, so units of one layer are comparable (a
    faint unit is one with small activations). A percentile, not the maximum:
    a ReLU unit grows without bound toward the plane's corners, and the largest
    value there would leave the rest of every map pale.
    """
    if activation in _BOUNDED:
        return _BOUNDED[activation]
    # Every 7th grid point (7 and the grid's 100 share no factor, so the sample spreads over
    # the plane) gives the same percentile to the colour's precision, at a seventh of the sort.
    sample = values[::_SCALE_STRIDE]
    finite = np.abs(sample[np.isfinite(sample)])
    reach = linear_percentile(finite, REACH_PERCENTILE) if finite.size else 0.0
    reach = reach if reach > 0 else (float(finite.max()) if finite.size and finite.max() > 0 else 1.0)
    return -reach, reach, 0.0


def thumbnail_step(resolution: int) -> int:
    """Grid cells per thumbnail pixel (along each axis) for a grid of ``resolution`` cells a side:
    the step that leaves nearest ``THUMBNAIL_SIDE`` pixels (every cell of a grid up to 37 a side).
    A still frame's 100-cell grid: every 4th cell, 25 px; a big network's 40-cell playing grid:
    every 2nd, 20 px (a fixed step of 4 left it 10 x 10)."""
    if isinstance(resolution, bool) or not isinstance(resolution, (int, np.integer)) or resolution < 1:
        raise ValueError(f"thumbnail_step: resolution must be a whole number >= 1, got {resolution!r}")
    return max(1, round(int(resolution) / THUMBNAIL_SIDE))


def thumbnail_samples(resolution: int, step: int | None = None) -> np.ndarray:
    """Grid indices (along each axis) that a thumbnail samples: the middle of each ``step`` block
    (default ``thumbnail_step(resolution)``)."""
    step = thumbnail_step(resolution) if step is None else step
    return np.arange(step // 2, resolution, step)


def layer_thumbnails(
    values: np.ndarray, vmin: float, vmax: float, background: Sequence[int], step: int | None = None
) -> np.ndarray:
    """``(units, h, w, 4)`` uint8 thumbnails (row 0 at the top) of a layer's ``(r*r, units)`` grid values,
    every ``step``-th cell (default ``thumbnail_step``; 1 for values already sampled)."""
    index = layer_thumbnail_index(values, vmin, vmax, step)
    # One 4-byte word per pixel: a gather of words is several times faster than of (n, 4) rows.
    words = value_table(tuple(background)).view(np.uint32).ravel()[index]
    return words.view(np.uint8).reshape(index.shape + (4,))


def layer_thumbnail_index(values: np.ndarray, vmin: float, vmax: float, step: int | None = None) -> np.ndarray:
    """``(units, h, w)`` rows of ``value_table`` that colour ``layer_thumbnails``' pixels."""
    r = int(round(np.sqrt(values.shape[0])))
    picks = thumbnail_samples(r, step)
    grid = values.T.reshape(-1, r, r)[:, picks[:, None], picks[None, :]]
    # C order, row 0 at the top: numpy keeps the flipped view's strides through the arithmetic.
    return np.ascontiguousarray(value_index(grid[:, ::-1], vmin, vmax))


@lru_cache(maxsize=4)
def value_table(background: tuple[int, ...]) -> np.ndarray:
    """``(256, 4)`` uint8 RGBA colours of the unit maps on a plot of ``background`` (built once per
    background: every layer uses it every frame); read-only, as it is shared."""
    table = np.ascontiguousarray(value_lut(background, MAP_STRENGTH))
    table.flags.writeable = False
    return table


def output_maps(
    grid_output: np.ndarray,
    task: str,
    class_colors: Sequence[str],
    background: Sequence[int],
    value_span: tuple[float, float],
    step: int | None = None,
) -> np.ndarray:
    """``(outputs, h, w, 4)`` thumbnails of the output units.

    Two classes: one node, coloured exactly like the decision-boundary map.
    More classes: one node per class, from the background (p = 0) to that
    class's colour (p = 1). Regression: the value map over ``value_span``.
    """
    out = np.asarray(grid_output, dtype=np.float64)
    r = int(round(np.sqrt(out.shape[0])))
    picks = thumbnail_samples(r, step)
    small = out.reshape((r, r) + out.shape[1:])[picks[:, None], picks[None, :]][::-1]
    if task == "regression":
        return value_image(small, *value_span, background)[None]
    colors = class_rgb(class_colors)
    if small.shape[-1] == 2:
        return probability_image(small, colors, background)[None]
    ramps = probability_lut(colors[: small.shape[-1]], background, MAP_STRENGTH)
    index = (np.clip(np.nan_to_num(small), 0.0, 1.0) * 255 + 0.5).astype(np.intp)
    return np.stack([ramps[c][index[..., c]] for c in range(small.shape[-1])])


def feature_values(axis: np.ndarray, features: Sequence[str]) -> np.ndarray:
    """``(r*r, features)``: each input feature over the probe grid whose cell centres are ``axis``."""
    x1, x2 = np.meshgrid(axis, axis)
    return compute_features(np.column_stack([x1.ravel(), x2.ravel()]), features)


def unit_line(activation: str, a: np.ndarray, z: np.ndarray) -> tuple[np.ndarray, float]:
    """The values and level of a unit's dividing line: ``a = 0.5`` for sigmoid, ``a = 0`` otherwise.

    ReLU's ``a`` is flat zero on one side, so its line is traced on ``z = 0``,
    the same place, where the contour has a slope to interpolate.
    """
    if activation == "sigmoid":
        return a, 0.5
    return (z if activation == "relu" else a), 0.0
