"""All of a model's parameters in one flat buffer.

Each weight and bias Tensor's ``data`` and ``grad`` are views into two flat
arrays. An optimiser then updates every parameter with a handful of whole-buffer
numpy calls instead of a Python loop (Adam gets about 3x cheaper), snapshots are
one copy, and per-layer gradient norms are one ``np.add.reduceat``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..engine import Tensor


class FlatParameters:
    """Rebinds ``tensors`` onto one data buffer and one gradient buffer, in order.

    ``is_weight`` marks which tensors are weights (L1, L2 and weight decay apply
    to weights only, never to biases).
    """

    def __init__(self, tensors: Sequence[Tensor], is_weight: Sequence[bool]) -> None:
        if len(tensors) != len(is_weight):
            raise ValueError("FlatParameters: one is_weight flag per tensor is needed")
        dtypes = {t.dtype for t in tensors}
        if len(dtypes) > 1:
            raise TypeError(f"FlatParameters: all parameters must share a dtype, got {dtypes}")
        dtype = dtypes.pop() if dtypes else np.float64
        sizes = [t.data.size for t in tensors]
        self.offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.intp)
        self.data = np.empty(int(self.offsets[-1]), dtype=dtype)
        self.grad = np.zeros_like(self.data)
        self.weight_mask = np.zeros(self.data.size, dtype=dtype)
        self.tensors = list(tensors)
        for t, start, stop, weight in zip(self.tensors, self.offsets[:-1], self.offsets[1:], is_weight):
            self.data[start:stop] = t.data.reshape(-1)
            t.data = self.data[start:stop].reshape(t.shape)
            t.grad = self.grad[start:stop].reshape(t.shape)
            t.requires_grad = True
            if weight:
                self.weight_mask[start:stop] = 1.0
        # reduceat cannot take an empty segment; every Linear has at least one weight.
        self._starts = self.offsets[:-1]

    @property
    def size(self) -> int:
        return int(self.data.size)

    def zero_grad(self) -> None:
        """Set every gradient to zero (in place: the views stay bound)."""
        self.grad.fill(0.0)

    def segment_norms(self, flat: np.ndarray) -> np.ndarray:
        """L2 norm of ``flat`` over each tensor's slice, in tensor order."""
        if flat.size == 0:
            return np.zeros(0)
        return np.sqrt(np.add.reduceat(flat * flat, self._starts))

    def copy_data(self) -> np.ndarray:
        """A copy of all parameter values (a snapshot)."""
        return self.data.copy()

    def load_data(self, values: np.ndarray) -> None:
        """Put ``values`` (as from ``copy_data``) back, in place."""
        values = np.asarray(values)
        if values.shape != self.data.shape:
            raise ValueError(f"parameters: expected {self.data.size} values, got shape {values.shape}")
        np.copyto(self.data, values)
