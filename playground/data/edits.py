"""Edits of a dataset as small immutable values, each with an exact inverse.

They are what an undo stack stores (the UI wraps each in a QUndoCommand, as
Orange's Paint Data does): ``edit.apply(ds)`` returns a new Dataset,
``edit.inverse().apply(edit.apply(ds)) == ds`` exactly, and ``merge`` joins
the edits of one mouse stroke into a single undo step.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .dataset import Dataset


def _points(X: Any, field: str) -> np.ndarray:
    points: np.ndarray = np.array(X, dtype=np.float64).reshape(-1, 2) if np.size(X) else np.empty((0, 2))
    if not np.all(np.isfinite(points)):
        raise ValueError(f"{field}: coordinates must be finite numbers")
    points.flags.writeable = False
    return points


def _values(y: Any, m: int, field: str) -> np.ndarray:
    values: np.ndarray = np.array(y).reshape(-1)
    if len(values) != m:
        raise ValueError(f"{field}: expected {m} values, got {len(values)}")
    if values.dtype.kind not in "iuf" or (values.dtype.kind == "f" and not np.all(np.isfinite(values))):
        raise ValueError(f"{field}: values must be finite numbers")
    values.flags.writeable = False
    return values


def _flags(is_test: Any, m: int) -> np.ndarray:
    flags = np.zeros(m, dtype=bool) if is_test is None else np.array(is_test, dtype=bool).reshape(-1)
    if len(flags) != m:
        raise ValueError(f"is_test: expected {m} flags, got {len(flags)}")
    flags.flags.writeable = False
    return flags


def _indices(indices: Any, field: str = "indices") -> np.ndarray:
    raw = np.asarray(indices).reshape(-1)
    if raw.size and (raw.dtype.kind not in "iuf" or not np.all(raw == np.round(raw))):
        raise ValueError(f"{field}: expected whole-number point indices")  # 1.7 must not become 1
    idx = raw.astype(np.int64)
    if len(idx) and (idx.min() < 0 or len(np.unique(idx)) != len(idx)):
        raise ValueError(f"{field}: expected distinct non-negative point indices")
    idx.flags.writeable = False
    return idx


def _check_in_range(indices: np.ndarray, n: int) -> None:
    if len(indices) and indices.max() >= n:
        raise ValueError(f"indices: point {int(indices.max())} does not exist (the dataset has {n})")


@dataclass(frozen=True, eq=False)
class AddPoints:
    """Append points ``X`` (m, 2) with labels or values ``y`` (m,) at the end."""

    X: np.ndarray
    y: np.ndarray
    is_test: np.ndarray | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "X", _points(self.X, "X"))
        object.__setattr__(self, "y", _values(self.y, len(self.X), "y"))
        object.__setattr__(self, "is_test", _flags(self.is_test, len(self.X)))

    def apply(self, ds: Dataset) -> Dataset:
        return ds.with_points(
            np.concatenate([ds.X, self.X]), np.concatenate([ds.y, self.y]), np.concatenate([ds.is_test, self.is_test])
        )

    def inverse(self) -> RemoveAdded:
        return RemoveAdded(self)

    def merge(self, later: Any) -> AddPoints | None:
        if not isinstance(later, AddPoints):
            return None
        return AddPoints(
            np.concatenate([self.X, later.X]),
            np.concatenate([self.y, later.y]),
            np.concatenate([self.is_test, later.is_test]),
        )


@dataclass(frozen=True, eq=False)
class RemovePoints:
    """Remove the points at ``indices``; ``X``, ``y``, ``is_test`` remember them for the inverse."""

    indices: np.ndarray
    X: np.ndarray
    y: np.ndarray
    is_test: np.ndarray

    def __post_init__(self) -> None:
        idx = _indices(self.indices)
        order = np.argsort(idx, kind="stable")
        object.__setattr__(self, "indices", _read_only_copy(idx[order]))
        object.__setattr__(self, "X", _read_only_copy(_points(self.X, "X")[order]))
        object.__setattr__(self, "y", _read_only_copy(_values(self.y, len(idx), "y")[order]))
        object.__setattr__(self, "is_test", _read_only_copy(_flags(self.is_test, len(idx))[order]))

    def apply(self, ds: Dataset) -> Dataset:
        _check_in_range(self.indices, ds.n)
        keep = np.ones(ds.n, dtype=bool)
        keep[self.indices] = False
        return ds.with_points(ds.X[keep], ds.y[keep], ds.is_test[keep])

    def inverse(self) -> InsertPoints:
        return InsertPoints(self.indices, self.X, self.y, self.is_test)

    def merge(self, later: Any) -> RemovePoints | None:
        """This removal followed by ``later`` (indices counted after this one) as one removal."""
        if not isinstance(later, RemovePoints):
            return None
        if not len(later.indices):
            return self
        # Map the later indices back to positions before this removal: the j-th
        # survivor of this removal is the j-th whole number not in self.indices.
        candidates = np.arange(len(self.indices) + int(later.indices.max()) + 1)
        original = np.setdiff1d(candidates, self.indices)[later.indices]
        return RemovePoints(
            np.concatenate([self.indices, original]),
            np.concatenate([self.X, later.X]),
            np.concatenate([self.y, later.y]),
            np.concatenate([self.is_test, later.is_test]),
        )


@dataclass(frozen=True, eq=False)
class RemoveAdded:
    """The inverse of AddPoints: remove the last points, which must be the ones added."""

    added: AddPoints

    def apply(self, ds: Dataset) -> Dataset:
        m = len(self.added.X)
        if m > ds.n or not np.array_equal(ds.X[ds.n - m :], self.added.X):
            raise ValueError("remove: the last points are not the ones that were added")
        return ds.with_points(ds.X[: ds.n - m], ds.y[: ds.n - m], ds.is_test[: ds.n - m])

    def inverse(self) -> AddPoints:
        return self.added

    def merge(self, later: Any) -> None:
        return None


@dataclass(frozen=True, eq=False)
class InsertPoints:
    """Insert points so that they end up at ``indices`` (sorted) of the result."""

    indices: np.ndarray
    X: np.ndarray
    y: np.ndarray
    is_test: np.ndarray

    def apply(self, ds: Dataset) -> Dataset:
        n = ds.n + len(self.indices)
        _check_in_range(self.indices, n)
        inserted = np.zeros(n, dtype=bool)
        inserted[self.indices] = True
        X = np.empty((n, 2))
        X[inserted], X[~inserted] = self.X, ds.X
        y = np.empty(n, dtype=np.result_type(ds.y, self.y))  # no silent cast of labels
        y[inserted], y[~inserted] = self.y, ds.y
        flags = np.empty(n, dtype=bool)
        flags[inserted], flags[~inserted] = self.is_test, ds.is_test
        return ds.with_points(X, y, flags)

    def inverse(self) -> RemovePoints:
        return RemovePoints(self.indices, self.X, self.y, self.is_test)

    def merge(self, later: Any) -> None:
        return None


def remove_within(ds: Dataset, center: Any, radius: float) -> RemovePoints:
    """The edit that removes every point within ``radius`` of ``center`` (possibly none)."""
    cx, cy = (float(v) for v in center)
    if not (np.isfinite(cx) and np.isfinite(cy) and np.isfinite(radius) and radius >= 0):
        raise ValueError(f"remove_within: centre and radius must be finite (radius >= 0), got {center!r}, {radius!r}")
    inside = np.flatnonzero(np.hypot(ds.X[:, 0] - cx, ds.X[:, 1] - cy) <= radius)
    return RemovePoints(inside, ds.X[inside], ds.y[inside], ds.is_test[inside])


@dataclass(frozen=True, eq=False)
class MovePoints:
    """Move the points at ``indices`` from ``old_X`` to ``new_X``."""

    indices: np.ndarray
    new_X: np.ndarray
    old_X: np.ndarray

    def __post_init__(self) -> None:
        idx = _indices(self.indices)
        object.__setattr__(self, "indices", idx)
        for name in ("new_X", "old_X"):
            X = _points(getattr(self, name), name)
            if len(X) != len(idx):
                raise ValueError(f"{name}: expected {len(idx)} points, got {len(X)}")
            object.__setattr__(self, name, X)

    def apply(self, ds: Dataset) -> Dataset:
        _check_in_range(self.indices, ds.n)
        X = ds.X.copy()
        X[self.indices] = self.new_X
        return ds.with_points(X, ds.y, ds.is_test)

    def inverse(self) -> MovePoints:
        return MovePoints(self.indices, self.old_X, self.new_X)

    def merge(self, later: Any) -> MovePoints | None:
        if isinstance(later, MovePoints) and np.array_equal(later.indices, self.indices):
            return MovePoints(self.indices, later.new_X, self.old_X)
        return None


@dataclass(frozen=True, eq=False)
class SetLabels:
    """Change the class (or regression value) of the points at ``indices``."""

    indices: np.ndarray
    new_y: np.ndarray
    old_y: np.ndarray

    def __post_init__(self) -> None:
        idx = _indices(self.indices)
        object.__setattr__(self, "indices", idx)
        object.__setattr__(self, "new_y", _values(self.new_y, len(idx), "new_y"))
        object.__setattr__(self, "old_y", _values(self.old_y, len(idx), "old_y"))

    def apply(self, ds: Dataset) -> Dataset:
        _check_in_range(self.indices, ds.n)
        y = ds.y.astype(np.result_type(ds.y, self.new_y))  # a copy; 1.5 is not cast to 1 (Dataset rejects it)
        y[self.indices] = self.new_y
        return ds.with_points(ds.X, y, ds.is_test)

    def inverse(self) -> SetLabels:
        return SetLabels(self.indices, self.old_y, self.new_y)

    def merge(self, later: Any) -> None:
        return None


@dataclass(frozen=True, eq=False)
class Clear:
    """Remove every point of ``old`` (classes and names stay); the inverse restores them."""

    old: Dataset

    def apply(self, ds: Dataset) -> Dataset:
        return ds.with_points(np.empty((0, 2)), np.empty(0, dtype=ds.y.dtype), np.empty(0, dtype=bool))

    def inverse(self) -> Restore:
        return Restore(self.old)

    def merge(self, later: Any) -> None:
        return None


@dataclass(frozen=True, eq=False)
class Restore:
    """Bring back the dataset ``dataset`` as it was (the inverse of Clear)."""

    dataset: Dataset

    def apply(self, ds: Dataset) -> Dataset:
        return self.dataset

    def inverse(self) -> Clear:
        return Clear(self.dataset)

    def merge(self, later: Any) -> None:
        return None


def _read_only_copy(a: np.ndarray) -> np.ndarray:
    a = np.array(a)
    a.flags.writeable = False
    return a
