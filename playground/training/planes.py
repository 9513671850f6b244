"""Fixed 2D views of a layer's space for the transforms view (numpy only).

A stage of more than two units is drawn through a plane ``origin + u e1 + v e2``
that is chosen once (from the first picture) and then held, so that the grid
does not jump from stage to stage or from epoch to epoch. Two planes: the
first two principal directions of the stage's points, and for the stages that
feed the output layer the *output-aligned* plane, whose first axis is the
output unit's weight vector, so the output's decision line drawn on it is exact.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Plane:
    """Points ``h`` (n, d) are drawn at ``(h - origin) @ basis.T``; ``basis`` (2, d) has orthonormal
    (or zero) rows; ``labels`` title the two axes."""

    basis: np.ndarray
    origin: np.ndarray
    labels: tuple[str, str]

    @property
    def dim(self) -> int:
        return int(self.basis.shape[1])

    def project(self, values: np.ndarray) -> np.ndarray:
        """``(..., d)`` values -> ``(..., 2)`` plane coordinates."""
        values = np.asarray(values, dtype=np.float64)
        if values.shape[-1] != self.dim:
            raise ValueError(f"Plane.project: this plane is for {self.dim}-unit values, got shape {values.shape}")
        with np.errstate(over="ignore", invalid="ignore"):
            return np.asarray((values - self.origin) @ self.basis.T)


def exact_plane(d: int, kind: str) -> Plane:
    """The plane of the layer's own units, for ``d`` <= 2 (one unit: drawn on the horizontal axis)."""
    if not 1 <= d <= 2:
        raise ValueError(f"exact_plane: a layer of {d} units does not fit a plane exactly")
    basis = np.zeros((2, d))
    basis[:d, :d] = np.eye(d)
    labels = (f"{kind}1", f"{kind}2" if d == 2 else "")
    return Plane(basis, np.zeros(d), labels)


def pca_plane(values: np.ndarray) -> Plane:
    """The plane of the first two principal directions of ``values`` (n, d), through their mean.

    Each direction's sign is fixed (largest entry positive) so that the same
    points always give the same picture.
    """
    values = _finite_rows(values)
    origin = values.mean(axis=0) if len(values) else np.zeros(values.shape[1])
    basis = np.zeros((2, values.shape[1]))
    top = _leading_directions(values - origin, 2)
    basis[: len(top)] = top
    return Plane(basis, origin, ("PC 1", "PC 2"))


def output_plane(w: np.ndarray, values: np.ndarray) -> Plane:
    """The output-aligned plane for one output unit with weights ``w`` (d,) over ``values`` (n, d):
    the first axis along ``w`` (class 1 to the right), the second the main direction of the points
    once that one is removed; through the points' mean."""
    values = _finite_rows(values)
    w = np.asarray(w, dtype=np.float64).reshape(-1)
    if w.shape != (values.shape[1],):
        raise ValueError(f"output_plane: output weights {w.shape} do not fit {values.shape[1]}-unit values")
    origin = values.mean(axis=0) if len(values) else np.zeros(values.shape[1])
    basis = np.zeros((2, values.shape[1]))
    norm = float(np.linalg.norm(w))
    if np.isfinite(norm) and norm > 0:
        basis[0] = w / norm
    centred = values - origin
    rest = centred - np.outer(centred @ basis[0], basis[0])
    top = _leading_directions(rest, 1)
    if len(top):
        basis[1] = top[0]
    return Plane(basis, origin, ("along the output weights", "main other direction"))


def _finite_rows(values: np.ndarray) -> np.ndarray:
    values = np.asarray(values, dtype=np.float64)
    if values.ndim != 2:
        raise ValueError(f"plane: expected values of shape (n, d), got {values.shape}")
    return np.asarray(values[np.isfinite(values).all(axis=1)])


def _leading_directions(centred: np.ndarray, count: int) -> np.ndarray:
    """Up to ``count`` unit rows: the main directions of the rows of ``centred``, sign-fixed; a direction
    with no spread is left out (a flat layer gets no arbitrary axis)."""
    if len(centred) < 2:
        return np.zeros((0, centred.shape[1]))
    reach = float(np.abs(centred).max())
    if not np.isfinite(reach) or reach == 0.0:
        return np.zeros((0, centred.shape[1]))
    scaled = centred / reach  # so that huge values cannot overflow the scatter matrix
    values, vectors = np.linalg.eigh(scaled.T @ scaled)
    order = np.argsort(values)[::-1][:count]
    order = order[values[order] > 1e-12 * max(float(values.max()), 1e-300)]
    top = vectors[:, order].T
    flip = top[np.arange(len(top)), np.argmax(np.abs(top), axis=1)] < 0
    top[flip] *= -1.0
    return top
