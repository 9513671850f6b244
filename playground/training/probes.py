"""Grids over the plane for probing a network everywhere at once, and the frame's grid probe."""

from __future__ import annotations

import weakref
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
