"""Check a function's autograd gradients against central finite differences."""

from __future__ import annotations

from typing import Callable, Sequence

import numpy as np

from .tensor import Tensor


class GradcheckError(AssertionError):
    """The analytic and numeric gradients disagree; the message says where."""


def gradcheck(fn: Callable[..., Tensor], inputs: Sequence[Tensor], eps: float = 1e-6,
              atol: float = 1e-5, rtol: float = 1e-3) -> bool:
    """Compare ``backward()`` gradients of ``fn(*inputs)`` with central differences.

    Every input must be a float64 Tensor (finite differences in float32 are too
    coarse to judge anything). A non-scalar output is summed first. Each element
    of each input with ``requires_grad=True`` is nudged by ``±eps``; the numeric
    slope must match the analytic one within ``atol + rtol * |numeric|``.
    Returns True, or raises GradcheckError naming the input, the element and both values.
    """
    for i, t in enumerate(inputs):
        if not isinstance(t, Tensor):
            raise TypeError(f"gradcheck: input {i} is a {type(t).__name__}, not a Tensor")
        if t.dtype != np.float64:
            raise TypeError(f"gradcheck: input {i} is {t.dtype}; gradcheck needs float64")

    def scalar_output() -> Tensor:
        out = fn(*inputs)
        return out if out.ndim == 0 else out.sum()  # (1, 1) too: float() needs 0-d

    for t in inputs:
        t.grad = None
    scalar_output().backward()
    for i, t in enumerate(inputs):
        if not t.requires_grad:
            continue
        analytic = np.zeros_like(t.data) if t.grad is None else t.grad.copy()
        numeric = np.zeros_like(t.data)
        flat, flat_numeric = t.data.reshape(-1), numeric.reshape(-1)
        for j in range(flat.size):
            original = flat[j]
            flat[j] = original + eps
            plus = float(scalar_output().data)
            flat[j] = original - eps
            minus = float(scalar_output().data)
            flat[j] = original
            flat_numeric[j] = (plus - minus) / (2 * eps)
        # Written as 'not within' so that a NaN on either side counts as a mismatch.
        bad = ~(np.abs(analytic - numeric) <= atol + rtol * np.abs(numeric))
        if bad.any():
            where = np.unravel_index(int(np.argmax(bad)), t.shape) if t.shape else ()
            raise GradcheckError(
                f"gradcheck: input {i} (shape {t.shape}) element {where}: analytic "
                f"{analytic[where]:.8g} vs numeric {numeric[where]:.8g}")
    return True
