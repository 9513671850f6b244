"""Weight initialisation schemes, drawn from a seeded ``numpy.random.Generator``."""

from __future__ import annotations

import numpy as np
from numpy.typing import DTypeLike

from .names import check_name

INITS: dict[str, str] = {
    "xavier": "Glorot uniform, limit sqrt(6 / (fan_in + fan_out)): suits tanh and sigmoid",
    "he": "He normal, std sqrt(2 / fan_in): suits ReLU, whose half-zero output halves the variance",
    "uniform": "micrograd's uniform(-1, 1): too large for deep nets, instructive for that",
}


def check_init(name: str) -> str:
    """Return ``name`` if it is a known scheme, else raise ValueError listing them."""
    return check_name("init", name, INITS)


def init_weights(
    scheme: str, fan_in: int, fan_out: int, rng: np.random.Generator, dtype: DTypeLike = np.float64
) -> np.ndarray:
    """A (fan_in, fan_out) weight matrix for the scheme ``scheme``. Biases start at zero."""
    check_init(scheme)
    if scheme == "xavier":
        limit = np.sqrt(6.0 / (fan_in + fan_out))
        w = rng.uniform(-limit, limit, size=(fan_in, fan_out))
    elif scheme == "he":
        w = rng.normal(0.0, np.sqrt(2.0 / fan_in), size=(fan_in, fan_out))
    else:
        w = rng.uniform(-1.0, 1.0, size=(fan_in, fan_out))
    return w.astype(dtype)
