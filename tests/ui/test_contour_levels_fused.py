"""contour_levels traces all its levels in one pass: each level's segments are exactly, and in the
same order, what tracing that level alone over every cell gives (``contour_segments`` with a mask
of every cell takes its own path through the cells, one level at a time)."""

from __future__ import annotations

import numpy as np
import pytest

from playground.ui.plots.contour import contour_levels, contour_segments

X_RANGE, Y_RANGE = (-6.0, 6.0), (-5.0, 7.0)


def _field(seed: int, holes: bool) -> np.ndarray:
    rng = np.random.default_rng(seed)
    axis = np.linspace(-6, 6, 60)
    x, y = np.meshgrid(axis, axis)
    wave = np.sin(x * rng.uniform(0.5, 3.0)) * 3 + y * rng.uniform(-1, 1) + rng.normal(size=x.shape) * 0.5
    field = 1 / (1 + np.exp(-wave))  # a probability map, with noise: saddles and islands
    if holes:
        field[rng.integers(0, 60, 25), rng.integers(0, 60, 25)] = np.nan
        field[3, 7] = np.inf
    return field


def _alone(field: np.ndarray, level: float) -> np.ndarray:
    every_cell = np.ones((field.shape[0] - 1, field.shape[1] - 1), dtype=bool)
    return contour_segments(field, level, X_RANGE, Y_RANGE, mask=every_cell)


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("holes", [False, True])
def test_each_level_is_that_level_traced_alone(seed: int, holes: bool) -> None:
    field = _field(seed, holes)
    levels = (0.5, 0.25, 0.75)
    traced = contour_levels(field, levels, X_RANGE, Y_RANGE)
    assert len(traced) == len(levels)
    for level, segments in zip(levels, traced):
        expected = _alone(field, level)
        assert segments.shape == expected.shape and len(segments)
        np.testing.assert_array_equal(segments, expected)


def test_saddles_second_segments_stay_with_their_level() -> None:
    # A checkerboard of 2 x 2 blocks: every block corner is a saddle at every level between.
    field = np.kron(np.indices((6, 6)).sum(axis=0) % 2, np.ones((2, 2))).astype(float)
    levels = (0.5, 0.3)
    for level, segments in zip(levels, contour_levels(field, levels, X_RANGE, Y_RANGE)):
        np.testing.assert_array_equal(segments, _alone(field, level))
        assert len(segments) > 4 * 25  # first and second segments of the saddle cells


def test_no_levels_and_too_small_grids() -> None:
    field = _field(0, False)
    assert contour_levels(field, [], X_RANGE, Y_RANGE) == []
    assert [s.shape for s in contour_levels(np.zeros((1, 5)), [0.5, 1.0], X_RANGE, Y_RANGE)] == [(0, 2), (0, 2)]
    (alone,) = contour_levels(field, [0.5], X_RANGE, Y_RANGE)
    np.testing.assert_array_equal(alone, _alone(field, 0.5))
