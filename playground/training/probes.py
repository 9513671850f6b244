"""Grids over the plane for probing a network everywhere at once."""

from __future__ import annotations

import numpy as np


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
