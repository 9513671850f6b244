"""Layers: ``Linear``, the one trainable building block of an MLP."""

from __future__ import annotations

import numpy as np
from numpy.typing import DTypeLike

from ..engine import Tensor, linear
from .init import init_weights


class Linear:
    """``z = x W + b`` with ``W`` of shape (n_in, n_out) and ``b`` of shape (n_out,).

    The chapter writes ``z = W a + b`` for one column ``a``; a batch of rows is
    the transpose of that, so ``W`` here is the chapter's ``W`` transposed and
    ``W[i, j]`` is the weight from input ``i`` to unit ``j``.
    """

    def __init__(
        self,
        n_in: int,
        n_out: int,
        init: str = "xavier",
        rng: np.random.Generator | None = None,
        dtype: DTypeLike = np.float64,
    ) -> None:
        for label, value in (("n_in", n_in), ("n_out", n_out)):
            if not isinstance(value, (int, np.integer)) or value < 1:
                raise ValueError(f"Linear: {label} must be a positive integer, got {value!r}")
        rng = np.random.default_rng(0) if rng is None else rng
        self.n_in, self.n_out = int(n_in), int(n_out)
        self.W = Tensor(init_weights(init, self.n_in, self.n_out, rng, dtype), requires_grad=True, name="W")
        self.b = Tensor(np.zeros(self.n_out, dtype=dtype), requires_grad=True, name="b")

    def __call__(self, x: Tensor) -> Tensor:
        return linear(x, self.W, self.b)

    def parameters(self) -> list[Tensor]:
        return [self.W, self.b]

    def __repr__(self) -> str:
        return f"Linear({self.n_in}, {self.n_out})"
