"""Level sets of a sampled 2D field by vectorised marching squares (numpy only).

pyqtgraph's ``IsocurveItem`` walks the grid in Python (about 16 ms at 200x200);
this does the same work with array operations and returns loose segments, which
``PlotCurveItem(connect="pairs")`` draws without joining them into polylines.

Grid convention (the same as the boundary map): ``Z[i, j]`` is the value at
``x = x_range[0] + j * dx`` and ``y = y_range[0] + i * dy``, i.e. rows go along
y and columns along x, and the first and last rows/columns lie exactly on the
ends of the ranges.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

# Corners of a cell (i, j) as bits of the case index:
#   a = Z[i, j] (bit 1), b = Z[i, j+1] (bit 2), c = Z[i+1, j+1] (bit 4), d = Z[i+1, j] (bit 8).
# Edges, each from its first corner to its second, as (di0, dj0, di1, dj1):
#   0 bottom a->b, 1 right b->c, 2 top d->c, 3 left a->d.
# A shared edge has the same corners in the same order in both neighbouring cells,
# so both compute exactly the same crossing point and the curve has no cracks.
_EDGE_CORNERS = np.array(
    [
        [0, 0, 0, 1],
        [0, 1, 1, 1],
        [1, 0, 1, 1],
        [0, 0, 1, 0],
    ],
    dtype=np.intp,
)


def _segment_table() -> np.ndarray:
    """``(32, 2, 2)``: for key ``case + 16 * centre_above``, up to two segments as edge pairs.

    -1 marks an absent segment. Only the saddles (cases 5 and 10) look at the
    centre value: the corners above the level are joined through the cell when the
    cell's mean is above the level too, otherwise they are cut off from each other.
    """
    single = {
        1: (3, 0),
        2: (0, 1),
        3: (3, 1),
        4: (1, 2),
        6: (0, 2),
        7: (3, 2),
        8: (2, 3),
        9: (0, 2),
        11: (1, 2),
        12: (3, 1),
        13: (0, 1),
        14: (3, 0),
    }
    cut_a_c = ((3, 0), (1, 2))  # segments around corners a and c
    cut_b_d = ((0, 1), (2, 3))  # segments around corners b and d
    table = np.full((32, 2, 2), -1, dtype=np.intp)
    for centre_above in (0, 1):
        for case, edges in single.items():
            table[case + 16 * centre_above, 0] = edges
        # case 5: a and c above. Joined through the centre -> b and d are the islands.
        table[5 + 16 * centre_above] = cut_b_d if centre_above else cut_a_c
        # case 10: b and d above. Joined through the centre -> a and c are the islands.
        table[10 + 16 * centre_above] = cut_a_c if centre_above else cut_b_d
    return table


_SEGMENTS = _segment_table()


def _cases(a: np.ndarray, b: np.ndarray, c: np.ndarray, d: np.ndarray, level: float):
    """Case index of cells with corners ``a, b, c, d`` and whether the level crosses them.

    A cell is crossed when some but not all corners are above the level and all
    four are finite.
    """
    with np.errstate(invalid="ignore"):
        case = (a > level).astype(np.intp) + 2 * (b > level) + 4 * (c > level) + 8 * (d > level)
    crossed = (case != 0) & (case != 15)
    crossed &= np.isfinite(a) & np.isfinite(b) & np.isfinite(c) & np.isfinite(d)
    return case, crossed


def contour_segments(
    Z: np.ndarray,
    level: float,
    x_range: tuple[float, float],
    y_range: tuple[float, float],
    mask: np.ndarray | None = None,
) -> np.ndarray:
    """Segments of the curve ``Z == level``, as ``(m * 2, 2)`` endpoint pairs in data coordinates.

    Rows ``2s`` and ``2s + 1`` are the two ends of segment ``s`` (the layout of
    ``PlotCurveItem(connect="pairs")``). Crossings are placed by linear
    interpolation along cell edges. Cells with a non-finite corner give no
    segment; ``mask`` (``(h-1, w-1)`` bool), if given, limits the work to the
    cells where it is True.
    """
    Z = np.asarray(Z, dtype=np.float64)
    if mask is None:
        return contour_levels(Z, [level], x_range, y_range)[0]
    if Z.shape[0] < 2 or Z.shape[1] < 2:
        return np.empty((0, 2))
    ii, jj = np.nonzero(mask)
    case, ok = _cases(Z[ii, jj], Z[ii, jj + 1], Z[ii + 1, jj + 1], Z[ii + 1, jj], level)
    return _segments(Z, level, ii[ok], jj[ok], case[ok], x_range, y_range)


def contour_levels(
    Z: np.ndarray, levels: Sequence[float], x_range: tuple[float, float], y_range: tuple[float, float]
) -> list[np.ndarray]:
    """:func:`contour_segments` of ``Z`` for each of ``levels`` (the same segments), worked out
    for all the levels at once.

    The boundary map traces three levels a frame. One comparison of the grid with every
    level, one search for the crossed cells and one pass of :func:`_segment_rows` over the
    cells of all of them cost a third of three rounds of the same dozens of small numpy
    calls (0.39 ms a level at 100 x 100); which cells have a non-finite corner is found once.
    """
    Z = np.asarray(Z, dtype=np.float64)
    h, w = Z.shape
    values = np.asarray(levels, dtype=np.float64).reshape(-1)
    if h < 2 or w < 2 or not values.size:
        return [np.empty((0, 2)) for _ in values]
    finite = np.isfinite(Z)
    # None when every cell is finite (the usual case): nothing to take out then.
    cells_finite = None if finite.all() else finite[:-1, :-1] & finite[:-1, 1:] & finite[1:, 1:] & finite[1:, :-1]
    with np.errstate(invalid="ignore"):
        above = (Z > values[:, None, None]).view(np.uint8)  # (levels, h, w)
    # The case bits (a 1, b 2, c 4, d 8; see _EDGE_CORNERS) from row pairs: each row's a + 2b
    # for the cells above it and 8d + 4c for those below, added (numpy's uint8 sums and
    # products are vectorised, its shifts and ors are not: three times faster).
    left, right = above[:, :, :-1], above[:, :, 1:]
    case = (left + 2 * right)[:, :-1] + (4 * right + 8 * left)[:, 1:]
    crossed = (case - np.uint8(1)) < 14  # neither 0 nor 15 (uint8: 0 - 1 wraps to 255)
    if cells_finite is not None:
        crossed &= cells_finite
    # Level by level, each level's cells row-major, as nonzero would give them: one flat search and divmods.
    cells = np.flatnonzero(crossed)
    which, rest = np.divmod(cells, (h - 1) * (w - 1))
    ii, jj = np.divmod(rest, w - 1)
    rows, saddles = _segment_rows(Z, values[which], ii, jj, case.reshape(-1)[cells].astype(np.intp), x_range, y_range)
    if values.size == 1:
        return [rows]
    # Each level's first segments, then its saddles' second ones: what a call per level returned.
    bounds = np.searchsorted(which, np.arange(values.size + 1)).tolist()
    seconds = np.searchsorted(saddles, bounds).tolist()
    n = cells.size
    return [
        np.concatenate((rows[2 * bounds[k] : 2 * bounds[k + 1]], rows[2 * (n + seconds[k]) : 2 * (n + seconds[k + 1])]))
        for k in range(values.size)
    ]


def _segments(
    Z: np.ndarray,
    level: float,
    ii: np.ndarray,
    jj: np.ndarray,
    case: np.ndarray,
    x_range: tuple[float, float],
    y_range: tuple[float, float],
) -> np.ndarray:
    """The segments through the crossed cells ``(ii, jj)`` of case ``case`` (see :func:`contour_segments`)."""
    return _segment_rows(Z, np.full(ii.size, level), ii, jj, case, x_range, y_range)[0]


def _segment_rows(
    Z: np.ndarray,
    level: np.ndarray,
    ii: np.ndarray,
    jj: np.ndarray,
    case: np.ndarray,
    x_range: tuple[float, float],
    y_range: tuple[float, float],
) -> tuple[np.ndarray, np.ndarray]:
    """The segments through the crossed cells ``(ii, jj)`` of case ``case``, cell ``k`` cut at
    ``level[k]``: ``(rows, saddles)``, the endpoint rows of every cell's first segment in cell
    order, then of the second segments of the cells ``saddles`` (increasing)."""
    h, w = Z.shape
    n = ii.size
    if n == 0:
        return np.empty((0, 2)), np.zeros(0, dtype=np.intp)

    # Flat indices into Z and np.take: numpy's gather by a pair of index arrays (Z[ii, jj])
    # costs several times more per element, and this is most of the work.
    flat = Z.reshape(-1)
    corner = ii * w + jj
    centre = (flat.take(corner) + flat.take(corner + 1) + flat.take(corner + (w + 1)) + flat.take(corner + w)) / 4.0
    segments = _SEGMENTS[case + 16 * (centre > level)]  # (n, 2 slots, 2 edges)
    saddles = np.flatnonzero(segments[:, 1, 0] >= 0)  # only saddles have a second segment
    cells = np.concatenate([np.arange(n), saddles]) if saddles.size else np.arange(n)
    edges = np.concatenate([segments[:, 0], segments[saddles, 1]]).ravel()  # (m * 2,)
    i = np.repeat(ii[cells], 2)
    j = np.repeat(jj[cells], 2)

    di0, dj0, di1, dj1 = _EDGE_CORNERS[edges].T
    r0, c0 = i + di0, j + dj0
    dr, dc = di1 - di0, dj1 - dj0  # 0 or 1: each edge runs along a row or a column
    start = r0 * w + c0
    z0 = flat.take(start)
    z1 = flat.take(start + dr * w + dc)
    # One end is above the level and the other is not, so z1 != z0.
    t = (np.repeat(level[cells], 2) - z0) / (z1 - z0)
    row = r0 + t * dr
    col = c0 + t * dc

    x0, x1 = x_range
    y0, y1 = y_range
    out = np.empty((row.size, 2))
    out[:, 0] = x0 + col * ((x1 - x0) / (w - 1))
    out[:, 1] = y0 + row * ((y1 - y0) / (h - 1))
    return out, saddles


def class_boundary_segments(P: np.ndarray, x_range: tuple[float, float], y_range: tuple[float, float]) -> np.ndarray:
    """Segments of the lines where the most probable class changes, for ``(h, w, k)`` probabilities.

    Each class ``c`` has the margin ``p_c - max_{j != c} p_j``, which is zero
    exactly where ``c`` stops being the most probable; its zero level set is traced
    only in cells whose corners disagree on the winner. A cell shared by two
    classes is traced once (from the lower class id) so the line is not drawn
    twice; cells where three or more classes meet are traced from each of them.
    Same grid convention and output layout as :func:`contour_segments`.
    """
    P = np.asarray(P, dtype=np.float64)
    winner = P.argmax(axis=-1)
    corners = (winner[:-1, :-1], winner[:-1, 1:], winner[1:, 1:], winner[1:, :-1])
    lo = np.minimum.reduce(corners)
    hi = np.maximum.reduce(corners)
    mixed = lo != hi
    if not mixed.any():
        return np.empty((0, 2))
    two_classes = np.logical_and.reduce([(c == lo) | (c == hi) for c in corners])

    # Best and second-best probability per pixel; a loop over the few classes is
    # faster than a numpy reduction along the short last axis.
    first = np.full(P.shape[:2], -np.inf)
    second = np.full(P.shape[:2], -np.inf)
    for c in range(P.shape[-1]):
        p_c = P[..., c]
        second = np.maximum(second, np.minimum(first, p_c))
        first = np.maximum(first, p_c)

    pieces = []
    for c in np.unique(np.concatenate([lo[mixed], hi[mixed]])):
        has_c = np.logical_or.reduce([corner == c for corner in corners])
        cells = mixed & has_c & (~two_classes | (lo == c))
        p_c = P[..., c]
        margin = p_c - np.where(p_c >= first, second, first)
        pieces.append(contour_segments(margin, 0.0, x_range, y_range, mask=cells))
    return np.concatenate(pieces)
