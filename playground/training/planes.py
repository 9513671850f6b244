"""Planes through a layer's space, and where the output's decision regions cut them (numpy only).

The transforms view and the activation space show a ``d``-dimensional layer on
a 2D plane ``origin + u * basis[0] + v * basis[1]``: a point ``h`` is drawn at
``(h - origin) @ basis.T``. The planes:

- a layer's own units when it has one or two (``exact_plane``), or two units of
  a wider layer with the others held at their mean (``unit_plane``);
- the first two principal components (``pca_2d``, ``pca_plane``);
- the *output-aligned* plane (``output_plane``), which contains every direction
  the output layer tells classes apart by, so the decision regions drawn there
  are exact for every point whatever the width of the layer: the output
  weights for one sigmoid unit, and for a softmax of ``k`` classes the
  logit-difference directions ``w_i - w_j`` (the decision between classes ``i``
  and ``j`` is the sign of ``(w_i - w_j) . h + b_i - b_j``, linear in ``h``),
  which span ``k - 1`` dimensions: all of them for three classes.

For the last hidden layer the output's logits are affine in ``h``, so on the
plane they are affine in ``(u, v)``: ``logits = (u, v) @ (basis @ W) + (origin @ W + b)``.
The regions drawn from those in-plane logits classify a drawn point exactly as
the network classifies it iff the class-separating directions of ``W`` lie in
the plane (``is_exact``); otherwise the picture is a *slice* and points off the
plane may lie on the wrong side of it.

The Qt views (``ui/plots/activation_view.py``, the transforms view) draw what
these functions compute; there is one implementation, here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

_EXACT_TOLERANCE = 1e-6  # relative size of the separating directions left outside the plane
# Below this magnitude the scatter matrix of any number of rows stays finite (squares up to 1e200).
_UNSCALED_REACH = 1e100


@dataclass(frozen=True)
class Plane:
    """A plane in a layer's space: points ``h`` are drawn at ``(h - origin) @ basis.T``.

    ``basis`` is ``(2, d)`` (rows orthonormal, or zero where the layer has fewer
    than two directions); ``labels`` are the (horizontal, vertical) axis titles.
    """

    basis: np.ndarray
    origin: np.ndarray
    labels: tuple[str, str]

    @property
    def dim(self) -> int:
        """The number of units of the layer the plane lies in."""
        return int(self.basis.shape[1])

    def project(self, values: np.ndarray) -> np.ndarray:
        """``(..., d)`` layer values -> ``(..., 2)`` plane coordinates (non-finite rows stay non-finite)."""
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


def pca_2d(H: np.ndarray, reference: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Project ``H`` (n, d) on its first two principal components.

    Returns ``(projection (n, 2), components (2, d), mean (d,))`` with
    ``projection = (H - mean) @ components.T``. Principal directions have no
    inherent sign, so each is made deterministic: aligned with ``reference``
    (the previous frame's components, when given and of the same shape), else
    its largest-magnitude entry is positive. When ``d < 2`` the missing
    component is zero. Non-finite rows are ignored when fitting.
    """
    H = np.asarray(H, dtype=np.float64)
    d = H.shape[1]
    rows = _finite_rows(H)
    mean = _mean_of_rows(H, rows)
    components = np.zeros((2, d))
    with np.errstate(over="ignore", invalid="ignore"):
        centred = (H if rows is None else H[rows]) - mean
    top = _leading_directions(centred, 2)
    components[: len(top)] = top
    _fix_signs(components, reference)
    with np.errstate(over="ignore", invalid="ignore"):  # non-finite rows stay so; the view skips them
        return (H - mean) @ components.T, components, mean


def _leading_directions(centred: np.ndarray, count: int) -> np.ndarray:
    """Up to ``count`` unit rows: the main directions of the rows of ``centred`` (m, d)."""
    none = np.zeros((0, centred.shape[1]))
    if len(centred) < 2:
        return none
    # Scaled to at most 1 first: a diverging layer's values (1e200) would overflow the
    # scatter matrix to inf, and eigh cannot converge on that.
    reach = max(float(centred.max()), -float(centred.min()))  # the largest magnitude, without an abs copy
    if not np.isfinite(reach) or reach == 0.0:
        return none
    # Eigenvectors of the small d x d scatter matrix, not an SVD of the (m, d) data:
    # the same directions at a fraction of the cost (10,000 grid rows every frame
    # took 30 ms as an SVD). Values that cannot overflow it are scaled in the small matrix,
    # not in a scaled copy of the data (the same matrix, without an (m, d) pass).
    if reach < _UNSCALED_REACH:
        scatter = (centred.T @ centred) / (reach * reach)
    else:
        scaled = centred / reach
        scatter = scaled.T @ scaled
    try:
        values, vectors = np.linalg.eigh(scatter)
    except np.linalg.LinAlgError:
        return none  # nothing sensible to show; the view draws the points at the origin
    order = np.argsort(values)[::-1][:count]
    # A direction with no spread is no direction: without this a flat layer would get an
    # arbitrary axis (and a one-unit layer its only axis twice).
    order = order[values[order] > 1e-12 * max(float(values.max()), 1e-300)]
    return vectors[:, order].T


def _fix_signs(components: np.ndarray, reference: np.ndarray | None, start: int = 0) -> None:
    """Give rows ``start:`` of ``components`` a deterministic sign, in place (see :func:`pca_2d`)."""
    for i in range(start, len(components)):
        if reference is not None and reference.shape == components.shape:
            flip = components[i] @ reference[i] < 0
        else:
            flip = components[i][np.argmax(np.abs(components[i]))] < 0
        if flip:
            components[i] = -components[i]


def unit_plane(values: np.ndarray, x_unit: int, y_unit: int, kind: str) -> Plane:
    """The plane of units ``x_unit`` and ``y_unit``; the other units are held at their mean over ``values``."""
    d = values.shape[1]
    for name, unit in (("x_unit", x_unit), ("y_unit", y_unit)):
        if not 0 <= unit < d:
            raise ValueError(f"unit_plane: {name} = {unit} is not a unit of this {d}-unit layer")
    basis = np.eye(d)[[x_unit, y_unit]]
    if x_unit == y_unit:
        basis[1] = 0.0  # the same unit twice is a line, not a plane
    origin = _finite_mean(values)
    origin[[x_unit, y_unit]] = 0.0
    return Plane(basis, origin, (f"unit {x_unit + 1} ({kind})", f"unit {y_unit + 1} ({kind})"))


def pca_plane(values: np.ndarray, reference: Plane | None = None) -> Plane:
    """The plane of the first two principal components of ``values``."""
    _, basis, origin = pca_2d(values, None if reference is None else reference.basis)
    return Plane(basis, origin, ("PC 1", "PC 2"))


def separating_directions(W: np.ndarray) -> np.ndarray:
    """``(d, m)``: the directions of a layer's space along which output ``W`` (d, k) changes its decision.

    One output unit (sigmoid or regression): its weight vector. Softmax: the
    differences of the class weight vectors (adding the same vector to every
    class changes no decision), i.e. ``W`` centred over its columns.
    """
    W = np.asarray(W, dtype=np.float64)
    return W if W.shape[1] == 1 else W - W.mean(axis=1, keepdims=True)


def output_plane(W: np.ndarray, values: np.ndarray, reference: Plane | None = None) -> Plane:
    """The output-aligned plane for output weights ``W`` (d, k), or one unit's (d,), and the layer's
    points ``values`` (n, d).

    One output unit: the first axis is along its weight vector (so the decision
    line is perpendicular to it, class 1 to the right), the second the main
    direction of the points once that one is removed. Softmax: the two leading
    directions of the class-separating weights, which for three classes span
    all of them. The plane passes through the points' mean.
    """
    values = np.asarray(values, dtype=np.float64)
    if values.ndim != 2:
        raise ValueError(f"output_plane: expected values of shape (n, d), got {values.shape}")
    W = np.asarray(W, dtype=np.float64)
    W = W[:, None] if W.ndim == 1 else W  # one output unit's weight vector
    d = values.shape[1]
    if W.ndim != 2 or W.shape[0] != d:
        raise ValueError(f"output_plane: output weights {W.shape} do not fit {d}-unit values")
    rows = _finite_rows(values)
    origin = _mean_of_rows(values, rows)
    with np.errstate(over="ignore", invalid="ignore"):  # a diverging layer: overflow only empties the plane
        finite = (values if rows is None else values[rows]) - origin
        directions = separating_directions(W)
        norm = float(np.linalg.norm(directions[:, 0])) if W.shape[1] == 1 else 0.0
    basis = np.zeros((2, d))
    if W.shape[1] == 1:
        if np.isfinite(norm) and norm > 0:
            basis[0] = directions[:, 0] / norm
        top = _leading_directions(_remove_direction(finite, basis[0]), 1)
        basis[1, :] = top[0] if len(top) else 0.0
        _fix_signs(basis, None if reference is None else reference.basis, start=1)
        labels = ("along the output weights", "main other direction")
    else:
        finite_w = np.nan_to_num(directions, nan=0.0, posinf=0.0, neginf=0.0)
        top = _leading_directions(finite_w.T, 2)  # rows: one separating direction per class
        basis[: len(top)] = top
        labels = ("output direction 1", "output direction 2")
        if len(top) == 1:  # two classes: one direction decides, the points' main other one is the second
            other = _leading_directions(_remove_direction(finite, basis[0]), 1)
            basis[1, :] = other[0] if len(other) else 0.0
            labels = ("output direction", "main other direction")
        _fix_signs(basis, None if reference is None else reference.basis)
    return Plane(basis, origin, labels)


def is_exact(W: np.ndarray, plane: Plane) -> bool:
    """Whether the regions of output ``W`` drawn on ``plane`` classify every point exactly (see module doc)."""
    with np.errstate(over="ignore", invalid="ignore"):
        D = separating_directions(W)
        if not np.isfinite(D).all():
            return False
        D = D / max(float(np.abs(D).max()), 1e-300)  # scaled, so that huge weights cannot overflow the norms
        outside = D - plane.basis.T @ (plane.basis @ D)
        return float(np.linalg.norm(outside)) <= _EXACT_TOLERANCE * max(float(np.linalg.norm(D)), 1e-300)


def logits_in_plane(W: np.ndarray, b: np.ndarray, plane: Plane) -> tuple[np.ndarray, np.ndarray]:
    """``(A (2, k), c (k,))`` with the output's logits at plane point ``(u, v)`` equal to ``(u, v) @ A + c``."""
    W = np.asarray(W, dtype=np.float64)
    with np.errstate(over="ignore", invalid="ignore"):  # diverging weights: infinite logits, drawn as no regions
        return plane.basis @ W, plane.origin @ W + np.asarray(b, dtype=np.float64)


def classes_in_plane(A: np.ndarray, c: np.ndarray, uv: np.ndarray) -> np.ndarray:
    """The class the output predicts at plane points ``uv`` (..., 2), from :func:`logits_in_plane`.

    One output unit is a sigmoid: class 1 where its logit is positive. Several
    are a softmax: the largest logit wins.
    """
    A, c = _scaled_down(A, c)
    return _winner(np.asarray(uv, dtype=np.float64) @ A + c)


def classes_on_grid(A: np.ndarray, c: np.ndarray, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """:func:`classes_in_plane` at every ``(xs[j], ys[i])``, as ``(len(ys), len(xs))``: the logits of
    a grid are an outer sum of a row and a column, several times cheaper than a product per point."""
    A, c = _scaled_down(A, c)
    logits = (ys[:, None, None] * A[1] + c)[:, :, :] + (xs[:, None] * A[0])[None]
    return _winner(logits)


def _scaled_down(A: np.ndarray, c: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``A`` and ``c`` divided by their largest coefficient when it is finite and not 0.

    Which class wins, and where two classes tie, do not change when every logit is scaled by one
    positive number; scaled down, the products cannot overflow when the weights have grown huge.
    """
    A, c = np.asarray(A, dtype=np.float64), np.asarray(c, dtype=np.float64)
    largest = max(float(np.abs(A).max(initial=0.0)), float(np.abs(c).max(initial=0.0)))
    if not np.isfinite(largest) or largest == 0.0:
        return A, c
    return A / largest, c / largest


def _winner(logits: np.ndarray) -> np.ndarray:
    if logits.shape[-1] == 1:
        return (logits[..., 0] > 0).astype(np.intp)
    return np.asarray(logits.argmax(axis=-1))


def class_edges_in_plane(A: np.ndarray, c: np.ndarray, rect: tuple[float, float, float, float]) -> np.ndarray:
    """The edges between the classes' regions on the plane, inside ``rect = (x0, y0, x1, y1)``.

    For logits ``(u, v) @ A + c`` with ``A`` (2, k), k >= 2: the edge between
    classes ``i`` and ``j`` is the part of the line ``logit_i = logit_j`` where
    both beat every other class, found exactly by clipping the line's parameter
    interval to each constraint (no sampling). Returns ``(m * 2, 2)`` endpoint
    pairs, the layout of ``PlotCurveItem(connect="pairs")``.
    """
    A, c = _scaled_down(A, c)
    if not (np.isfinite(A).all() and np.isfinite(c).all()) or not (A.any() or c.any()):
        return np.zeros((0, 2))
    x0, y0, x1, y1 = rect
    k = A.shape[1]
    out = []
    for i in range(k):
        for j in range(i + 1, k):
            normal, offset = A[:, i] - A[:, j], c[i] - c[j]
            norm2 = float(normal @ normal)
            if not np.isfinite(norm2) or norm2 < 1e-24:
                continue  # the two classes never part on this plane
            start = -offset * normal / norm2
            direction = np.array([-normal[1], normal[0]])
            # Constraints alpha * t + beta >= 0: i beats each other class, and inside the rectangle.
            others = [m for m in range(k) if m not in (i, j)]
            alpha = [(A[:, i] - A[:, m]) @ direction for m in others]
            beta = [(A[:, i] - A[:, m]) @ start + c[i] - c[m] for m in others]
            for axis, lo, hi in ((0, x0, x1), (1, y0, y1)):
                alpha += [direction[axis], -direction[axis]]
                beta += [start[axis] - lo, hi - start[axis]]
            t_lo, t_hi = _parameter_interval(alpha, beta)
            if t_lo < t_hi:
                out += [start + t_lo * direction, start + t_hi * direction]
    return np.array(out).reshape(-1, 2)


def _parameter_interval(alpha: list[float], beta: list[float]) -> tuple[float, float]:
    """The interval of ``t`` where every ``alpha[n] * t + beta[n] >= 0`` (empty: ``lo >= hi``)."""
    t_lo, t_hi = -np.inf, np.inf
    # A constraint all but parallel to the line puts its bound at +-inf, which is what it means there.
    with np.errstate(over="ignore"):
        for a, b in zip(alpha, beta):
            if abs(a) < 1e-300:
                if b < 0:
                    return 1.0, 0.0  # never satisfied
            elif a > 0:
                t_lo = max(t_lo, -b / a)
            else:
                t_hi = min(t_hi, -b / a)
    return t_lo, t_hi


def _remove_direction(centred: np.ndarray, direction: np.ndarray) -> np.ndarray:
    """``centred`` (m, d) without its component along the unit ``direction`` (d,), in place (the
    callers' own fresh array: a second (m, d) array cost more than the product itself)."""
    with np.errstate(over="ignore", invalid="ignore"):
        centred -= np.outer(centred @ direction, direction)
    return centred


def _finite_rows(values: np.ndarray) -> np.ndarray | None:
    """The mask of the rows of ``values`` (n, d) without a NaN or infinity; None when every row is finite.

    A trained layer's values are all finite: one flat pass says so (a tenth of the cost of the
    row-wise ``all(axis=1)``), and its callers then use the values themselves, not a masked copy
    (5,000 probed points of 16 units: 0.5 ms of copies and masks a frame).
    """
    finite = np.isfinite(values)
    if finite.all():
        return None
    return np.asarray(finite.all(axis=1))


def _finite_mean(values: np.ndarray) -> np.ndarray:
    """The mean of the finite rows of ``values`` (n, d); zeros without any."""
    values = np.asarray(values, dtype=np.float64)
    return _mean_of_rows(values, _finite_rows(values))


def _mean_of_rows(values: np.ndarray, rows: np.ndarray | None) -> np.ndarray:
    """The mean of the rows of ``values`` that ``rows`` keeps (None: every row), as :func:`_finite_rows`
    gives the mask; zeros when it keeps none."""
    if rows is not None and not rows.any():
        return np.zeros(values.shape[1])
    with np.errstate(over="ignore", invalid="ignore"):
        mean = (values if rows is None else values[rows]).mean(axis=0)
    return np.where(np.isfinite(mean), mean, 0.0)  # values near the float limit overflow their sum
