"""Input features computed from the two coordinates, and optional standardisation.

As in TensorFlow Playground, a person can feed the network more than x1 and x2:
squares, the product and sines. A circle then becomes linearly separable in
(x1^2, x2^2), which is a lesson in itself.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

FEATURES: dict[str, tuple[str, Callable[[np.ndarray, np.ndarray], np.ndarray]]] = {
    "x1": ("x\u2081", lambda x1, x2: x1),
    "x2": ("x\u2082", lambda x1, x2: x2),
    "x1^2": ("x\u2081\u00b2", lambda x1, x2: x1 * x1),
    "x2^2": ("x\u2082\u00b2", lambda x1, x2: x2 * x2),
    "x1*x2": ("x\u2081x\u2082", lambda x1, x2: x1 * x2),
    "sin(x1)": ("sin x\u2081", lambda x1, x2: np.sin(x1)),
    "sin(x2)": ("sin x\u2082", lambda x1, x2: np.sin(x2)),
}
"""Feature name -> (label for the interface, function of the two coordinate columns)."""


def check_features(names: Sequence[str]) -> tuple[str, ...]:
    """``names`` as a tuple if every one is known and there is at least one."""
    if isinstance(names, str) or not len(names):
        raise ValueError(f"features: expected a non-empty list of names from {', '.join(FEATURES)}, got {names!r}")
    unknown = [name for name in names if name not in FEATURES]
    if unknown:
        raise ValueError(f"features: unknown feature {unknown[0]!r}; choose from {', '.join(FEATURES)}")
    return tuple(names)


def compute_features(X: np.ndarray, names: Sequence[str]) -> np.ndarray:
    """The features ``names`` of points ``X`` (n, 2) as an (n, len(names)) array.

    float32 input stays float32; anything else is computed in float64.
    """
    names = check_features(names)
    X = np.asarray(X)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"features: expected points of shape (n, 2), got {X.shape}")
    if X.dtype != np.float32:
        X = X.astype(np.float64, copy=False)
    out = np.empty((len(X), len(names)), dtype=X.dtype)
    x1, x2 = X[:, 0], X[:, 1]
    for column, name in enumerate(names):
        out[:, column] = FEATURES[name][1](x1, x2)
    return out


class Standardizer:
    """Shift and scale each feature column to zero mean and unit variance.

    Fitted on the training points; a column with no spread keeps scale 1 so that
    a constant feature does not divide by zero.
    """

    def __init__(self, mean: Sequence[float] | np.ndarray, std: Sequence[float] | np.ndarray) -> None:
        try:
            self.mean = np.asarray(mean, dtype=np.float64)
            self.std = np.asarray(std, dtype=np.float64)
        except OverflowError:  # a whole number too large for a float
            raise ValueError("standardizer: mean and std must be finite numbers") from None
        if self.mean.ndim != 1 or self.mean.shape != self.std.shape:
            raise ValueError(
                f"standardizer: mean {self.mean.shape} and std {self.std.shape} must be equal-length lists"
            )
        if not (np.all(np.isfinite(self.mean)) and np.all(np.isfinite(self.std)) and np.all(self.std > 0)):
            raise ValueError("standardizer: mean and std must be finite and std positive")

    @classmethod
    def fit(cls, F: np.ndarray) -> Standardizer:
        """Mean and standard deviation of each column of ``F`` (n, d), n >= 1."""
        F = np.asarray(F, dtype=np.float64)
        if F.ndim != 2 or len(F) == 0:
            raise ValueError(f"standardizer: need at least one row of features, got shape {F.shape}")
        std = F.std(axis=0)
        return cls(F.mean(axis=0), np.where(std > 1e-12, std, 1.0))

    def transform(self, F: np.ndarray) -> np.ndarray:
        """``(F - mean) / std``, in ``F``'s dtype."""
        if F.shape[-1] != self.mean.size:
            raise ValueError(f"standardizer: fitted on {self.mean.size} features, got {F.shape[-1]}")
        return ((F - self.mean) / self.std).astype(F.dtype, copy=False)

    def to_dict(self) -> dict[str, list[float]]:
        return {"mean": self.mean.tolist(), "std": self.std.tolist()}

    @classmethod
    def from_dict(cls, d: Any) -> Standardizer:
        if type(d) is not dict or set(d) != {"mean", "std"}:
            raise ValueError("standardizer: expected an object with the fields mean and std")
        for key in ("mean", "std"):
            values = d[key]
            if not isinstance(values, list) or not all(
                isinstance(v, (int, float)) and not isinstance(v, bool) for v in values
            ):
                raise ValueError(f"standardizer.{key}: expected a list of numbers")
        return cls(d["mean"], d["std"])

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Standardizer):
            return NotImplemented
        return np.array_equal(self.mean, other.mean) and np.array_equal(self.std, other.std)

    __hash__ = None  # type: ignore[assignment]
