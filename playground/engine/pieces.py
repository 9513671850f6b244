"""Small ops for drawing a graph at the level of single units, and the trigonometric functions.

The network's layers compute whole rows at once. To show one unit's
``z_j = Σ_i a_i w_ij + b_j`` as its own nodes, a row must be split into its
entries (``column``) and entries joined back into a row (``concat_columns``);
each is an engine op with its backward right beside it, so the unit-level
graph is still the engine's own. ``sin``, ``cos``, ``tan`` and ``absolute``
complete the functions a typed formula may use (``data/expressions.py``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .tensor import Tensor


def column(v: Tensor, index: int) -> Tensor:
    """Entry ``index`` of a one-row tensor ``v`` (1, n) as a (1, 1) tensor; the gradient
    goes back to that entry alone."""
    if v.ndim != 2 or v.shape[0] != 1:
        raise ValueError(f"column: needs one row of shape (1, n), got shape {v.shape}")
    n = v.shape[1]
    if not 0 <= index < n:
        raise ValueError(f"column: index {index} is outside 0..{n - 1}")

    def backward(g: np.ndarray) -> tuple[np.ndarray]:
        grad = np.zeros((1, n), dtype=g.dtype)
        grad[0, index] = g.reshape(())
        return (grad,)

    return v._make(v.data[:, index : index + 1].copy(), (v,), f"[{index}]", backward)


def concat_columns(parts: Sequence[Tensor]) -> Tensor:
    """(1, 1) tensors side by side as one row (1, n); each part gets its entry of the gradient."""
    if not parts:
        raise ValueError("concat_columns: needs at least one part")
    for k, part in enumerate(parts):
        if part.shape != (1, 1):
            raise ValueError(f"concat_columns: part {k} has shape {part.shape}, expected (1, 1)")
    data = np.concatenate([part.data for part in parts], axis=1)

    def backward(g: np.ndarray) -> list[np.ndarray]:
        return [g[:, k : k + 1].copy() for k in range(len(parts))]

    return parts[0]._make(data, tuple(parts), "concat", backward)


def sin(x: Tensor) -> Tensor:
    """``sin x``; local derivative ``cos x``."""
    xd = x.data
    return x._make(np.sin(xd), (x,), "sin", lambda g: (g * np.cos(xd),))


def cos(x: Tensor) -> Tensor:
    """``cos x``; local derivative ``-sin x``."""
    xd = x.data
    return x._make(np.cos(xd), (x,), "cos", lambda g: (-g * np.sin(xd),))


def tan(x: Tensor) -> Tensor:
    """``tan x``; local derivative ``1 + tan² x``."""
    out = np.tan(x.data)
    return x._make(out, (x,), "tan", lambda g: (g * (1.0 + out * out),))


def absolute(x: Tensor) -> Tensor:
    """``|x|``; local derivative ``sign x`` (0 at 0, as PyTorch takes it)."""
    xd = x.data
    return x._make(np.abs(xd), (x,), "abs", lambda g: (g * np.sign(xd),))
