"""L1 and L2 penalties on the weights (never the biases).

The penalty ``l1 * sum|w| + l2 * sum w^2 / 2`` is not built as graph nodes: its
gradient ``l1 * sign(w) + l2 * w`` is added straight into the flat gradient
buffer after ``backward()``, one pass over all weights. The tests check it
against central differences of ``penalty_value``.
"""

from __future__ import annotations

import numpy as np

from .parameters import FlatParameters


def penalty_value(params: FlatParameters, l1: float, l2: float) -> float:
    """The penalty added to the data loss."""
    if l1 == 0.0 and l2 == 0.0:
        return 0.0
    w = params.data * params.weight_mask
    return float(l1 * np.abs(w).sum() + 0.5 * l2 * (w * w).sum())


def add_penalty_gradient(params: FlatParameters, l1: float, l2: float) -> None:
    """``grad += d(penalty)/dw`` for every weight, in place."""
    if l1:
        params.grad += float(l1) * np.sign(params.data) * params.weight_mask
    if l2:
        params.grad += float(l2) * params.data * params.weight_mask
