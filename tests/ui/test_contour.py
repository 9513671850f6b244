"""Marching squares against level sets known in closed form."""

import subprocess
import sys
from pathlib import Path

import numpy as np

from playground.ui.plots.contour import class_boundary_segments, contour_levels, contour_segments

DOMAIN = (-6.0, 6.0)


def grid(n, lo=-6.0, hi=6.0):
    axis = np.linspace(lo, hi, n)
    return np.meshgrid(axis, axis)  # X varies along columns, Y along rows


def endpoint_degrees(segments):
    """How many segment ends meet at each distinct endpoint (rounded to absorb float noise)."""
    _, counts = np.unique(np.round(segments, 9), axis=0, return_counts=True)
    return counts


def test_circle_points_lie_on_the_circle():
    X, Y = grid(101)
    seg = contour_segments(np.hypot(X, Y), 3.0, DOMAIN, DOMAIN)
    assert seg.shape[1] == 2 and len(seg) % 2 == 0 and len(seg) > 100
    cell = 12.0 / 100
    # Linear interpolation of a smooth field: error well below a cell.
    assert np.abs(np.hypot(seg[:, 0], seg[:, 1]) - 3.0).max() < 0.05 * cell
    angles = np.arctan2(seg[:, 1], seg[:, 0])
    assert np.histogram(angles, bins=12, range=(-np.pi, np.pi))[0].min() > 0  # all the way round


def test_closed_curve_has_no_cracks():
    X, Y = grid(80)
    seg = contour_segments(np.hypot(X, Y), 3.0, DOMAIN, DOMAIN)
    # Every crossing point is shared by exactly two segments: one closed loop.
    assert (endpoint_degrees(seg) == 2).all()


def test_linear_field_gives_a_straight_line_in_the_right_place():
    X, Y = grid(41)
    seg = contour_segments(X - 1.3, 0.0, DOMAIN, DOMAIN)
    np.testing.assert_allclose(seg[:, 0], 1.3, atol=1e-12)
    assert seg[:, 1].min() == -6.0 and seg[:, 1].max() == 6.0
    seg = contour_segments(0.5 * Y, -1.0, DOMAIN, DOMAIN)  # rows are y
    np.testing.assert_allclose(seg[:, 1], -2.0, atol=1e-12)
    assert seg[:, 0].min() == -6.0 and seg[:, 0].max() == 6.0


def test_ranges_map_columns_to_x_and_rows_to_y():
    Z = np.tile(np.arange(5.0), (3, 1))  # increases along columns only
    seg = contour_segments(Z, 2.5, (0.0, 8.0), (10.0, 12.0))
    np.testing.assert_allclose(seg[:, 0], 5.0)  # column 2.5 of 0..4 -> x = 5
    assert set(np.round(seg[:, 1], 9)) == {10.0, 11.0, 12.0}


def test_saddles_are_resolved_consistently():
    # x*y = 0 is the two axes; 20 points per axis keep 0 off the grid, so the
    # centre cell is a saddle and every cell around the axes is crossed.
    X, Y = grid(20, -1.0, 1.0)
    seg = contour_segments(X * Y, 0.0, (-1.0, 1.0), (-1.0, 1.0))
    on_axis = np.minimum(np.abs(seg[:, 0]), np.abs(seg[:, 1]))
    assert on_axis.max() < 1e-12
    # Inside the grid every point joins two segments (no cracks, no duplicates).
    interior = np.abs(seg).max(axis=1) < 1.0 - 1e-9
    _, counts = np.unique(np.round(seg[interior], 9), axis=0, return_counts=True)
    assert (counts == 2).all()


def test_single_saddle_cell_gives_two_segments_by_its_centre():
    Z = np.array([[1.0, 0.0], [0.0, 1.0]])  # corners a = (0, 0) and c = (1, 1) high, b and d low
    low_centre = contour_segments(Z, 0.6, (0, 1), (0, 1))  # mean 0.5 < 0.6: a, c are islands
    high_centre = contour_segments(Z, 0.4, (0, 1), (0, 1))  # mean 0.5 > 0.4: b, d are islands
    assert len(low_centre) == 4 and len(high_centre) == 4
    # Each island's segment cuts the two edges next to its corner.
    a_island = low_centre[:2]
    assert np.all(np.hypot(*a_island.T) < 0.5)  # near corner a = (0, 0)


def test_non_finite_cells_produce_no_segments():
    X, Y = grid(61)
    Z = np.hypot(X, Y)
    Z[:, :30] = np.nan  # left half unknown
    Z[0, 40] = np.inf
    seg = contour_segments(Z, 3.0, DOMAIN, DOMAIN)
    assert np.isfinite(seg).all()
    assert seg[:, 0].min() >= 0.0  # nothing from the NaN half
    assert len(seg) > 0
    assert contour_segments(np.full((4, 4), np.nan), 0.0, DOMAIN, DOMAIN).shape == (0, 2)


def test_no_crossing_and_tiny_grids_are_empty():
    assert contour_segments(np.zeros((10, 10)), 1.0, DOMAIN, DOMAIN).shape == (0, 2)
    assert contour_segments(np.zeros((1, 10)), 0.0, DOMAIN, DOMAIN).shape == (0, 2)


def test_mask_limits_the_cells():
    X, Y = grid(41)
    mask = np.zeros((40, 40), dtype=bool)
    mask[:, 20:] = True  # right half of the cells only
    seg = contour_segments(np.hypot(X, Y), 3.0, DOMAIN, DOMAIN, mask=mask)
    full = contour_segments(np.hypot(X, Y), 3.0, DOMAIN, DOMAIN)
    assert seg[:, 0].min() >= 0.0 and 0 < len(seg) < len(full)


def sector_probabilities(n, k):
    X, Y = grid(n)
    angles = 2 * np.pi * np.arange(k) / k
    logits = np.stack([np.hypot(X, Y) * np.cos(np.arctan2(Y, X) - a) for a in angles], axis=-1)
    P = np.exp(logits - logits.max(axis=-1, keepdims=True))
    return P / P.sum(axis=-1, keepdims=True)


def test_class_boundaries_of_three_sectors_are_rays():
    seg = class_boundary_segments(sector_probabilities(120, 3), DOMAIN, DOMAIN)
    r = np.hypot(seg[:, 0], seg[:, 1])
    angles = np.arctan2(seg[:, 1], seg[:, 0])
    rays = np.array([np.pi / 3, np.pi, -np.pi / 3])  # half way between the class directions
    off = np.abs(np.angle(np.exp(1j * (angles[:, None] - rays[None])))).min(axis=1)
    assert off[r > 0.5].max() < 1e-3
    # Each boundary is traced once: no two segments share both ends.
    pairs = np.round(seg.reshape(-1, 4), 9)
    assert len(np.unique(pairs, axis=0)) == len(pairs)


def test_class_boundaries_with_two_classes_match_the_half_contour():
    X, Y = grid(50)
    p1 = 1 / (1 + np.exp(-(X + 0.5 * Y**2 - 2)))
    P = np.stack([1 - p1, p1], axis=-1)
    a = np.unique(np.round(class_boundary_segments(P, DOMAIN, DOMAIN), 9), axis=0)
    b = np.unique(np.round(contour_segments(p1, 0.5, DOMAIN, DOMAIN), 9), axis=0)
    np.testing.assert_allclose(a, b, atol=1e-8)


def test_single_class_map_has_no_boundary():
    P = np.zeros((10, 10, 3))
    P[..., 1] = 1.0
    assert class_boundary_segments(P, DOMAIN, DOMAIN).shape == (0, 2)


def test_numpy_modules_do_not_load_qt():
    code = (
        "import sys; sys.modules['PySide6'] = None; sys.modules['pyqtgraph'] = None\n"
        "import playground.ui.plots.colors, playground.ui.plots.contour\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).resolve().parents[2])


def test_contour_levels_match_one_level_at_a_time_with_non_finite_cells():
    X, Y = np.meshgrid(np.linspace(-3, 3, 41), np.linspace(-3, 3, 37))
    Z = np.hypot(X, Y)
    Z[5, 7] = np.nan
    Z[20, 30] = np.inf
    levels = (1.0, 2.0, 2.5)
    together = contour_levels(Z, levels, (-3.0, 3.0), (-3.0, 3.0))
    assert len(together) == 3
    for level, segments in zip(levels, together):
        alone = contour_segments(Z, level, (-3.0, 3.0), (-3.0, 3.0))
        assert len(alone) > 0 and np.array_equal(segments, alone)
        # Every end lies on the circle of that radius (to the grid's linear interpolation).
        np.testing.assert_allclose(np.hypot(*segments.T), level, atol=0.02)


def test_contour_levels_agree_with_the_masked_tracing_of_every_cell():
    # Two ways to find the crossed cells (whole-grid bit cases, and per-cell comparisons of
    # the masked path), with saddles, a NaN and an infinity, on a grid wider than it is tall.
    rng = np.random.default_rng(7)
    Z = rng.random((23, 31))
    Z[4, 9] = np.nan
    Z[11, 2] = np.inf
    everywhere = np.ones((22, 30), dtype=bool)
    for level, segments in zip((0.5, 0.25, 0.9), contour_levels(Z, (0.5, 0.25, 0.9), (-1.0, 2.0), (0.0, 5.0))):
        masked = contour_segments(Z, level, (-1.0, 2.0), (0.0, 5.0), mask=everywhere)
        assert len(segments) > 40 and np.array_equal(segments, masked)
