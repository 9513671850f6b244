"""What a playing frame probes (training/probes.py): a grid and a number of points bounded by the
network's cost, full for the default network, never below the floor; grids built once, read-only."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from playground.data import DOMAIN
from playground.training import grid_points
from playground.training.probes import (
    DEFAULT_SIZES,
    FULL_RESOLUTION,
    MIN_PLAYING_POINTS,
    MIN_RESOLUTION,
    PLAYING_BUDGET,
    UNIT_COST,
    playing_point_count,
    playing_resolution,
    probe_cost,
    probe_grid,
)

DEEPEST = [2, *(64,) * 10, 1]  # the biggest network the window allows


def test_probe_cost_counts_weights_and_units():
    # 2-16-16-1: 2*16 + 16*16 + 16*1 multiply-adds, 33 units.
    assert probe_cost([2, 16, 16, 1]) == 304 + 33 * UNIT_COST
    assert probe_cost(DEEPEST) == 2 * 64 + 9 * 64 * 64 + 64 + 641 * UNIT_COST
    assert probe_cost([2, 1]) == 2 + UNIT_COST


@pytest.mark.parametrize("sizes", [[], [2], [2, 0, 1], [2, -3, 1]])
def test_probe_cost_refuses_a_network_that_is_not_one(sizes):
    with pytest.raises(ValueError, match="probe_cost: sizes"):
        probe_cost(sizes)


def test_small_networks_keep_the_full_grid_and_the_deepest_gets_the_floor():
    assert playing_resolution(DEFAULT_SIZES) == FULL_RESOLUTION
    assert playing_resolution([2, 8, 8, 1]) == FULL_RESOLUTION
    assert playing_resolution([7, 16, 16, 4]) == FULL_RESOLUTION  # every feature, four classes
    assert playing_resolution(DEEPEST) == MIN_RESOLUTION == 40
    # In between: the most cells whose probe fits the budget. 2-64-64-1 costs 42,988 a cell.
    assert probe_cost([2, 64, 64, 1]) == 42_988
    side = playing_resolution([2, 64, 64, 1])
    assert side == 59
    assert side**2 * 42_988 <= PLAYING_BUDGET < (side + 1) ** 2 * 42_988


def test_the_resolution_never_grows_with_the_network_and_stays_in_bounds():
    networks = [
        [inputs, *hidden, outputs]
        for inputs in (2, 7)
        for depth in range(0, 11)
        for width in (1, 4, 8, 16, 32, 64)
        for hidden in [(width,) * depth]
        for outputs in (1, 4)
    ]
    by_cost = sorted(networks, key=probe_cost)
    sides = [playing_resolution(sizes) for sizes in by_cost]
    assert all(MIN_RESOLUTION <= side <= FULL_RESOLUTION for side in sides)
    for (a, side_a), (b, side_b) in itertools.pairwise(zip(by_cost, sides)):
        assert side_b <= side_a, (a, b)
    # Within the budget wherever the floor does not decide.
    for sizes, side in zip(by_cost, sides):
        assert side == MIN_RESOLUTION or side**2 * probe_cost(sizes) <= PLAYING_BUDGET


def test_a_smaller_budget_gives_a_coarser_grid():
    sizes = [2, 32, 32, 1]
    sides = [playing_resolution(sizes, budget) for budget in (1e6, 1e7, 5e7, 1e8, 2e8, 1e9)]
    assert sides == sorted(sides)
    assert sides[0] == MIN_RESOLUTION and sides[-1] == FULL_RESOLUTION
    with pytest.raises(ValueError, match="playing_resolution: budget"):
        playing_resolution(sizes, 0.0)
    with pytest.raises(ValueError, match="playing_resolution: budget"):
        playing_resolution(sizes, float("nan"))


def test_playing_point_count_is_bounded_by_the_budget_the_floor_and_the_most():
    assert playing_point_count(DEFAULT_SIZES, 5000) == 5000  # the default network: every point it may
    assert playing_point_count(DEEPEST, 5000) == MIN_PLAYING_POINTS == 1000
    assert playing_point_count(DEEPEST, 300) == 300  # never more than asked for
    middle = [2, 64, 64, 1]
    assert playing_point_count(middle, 5000) == int(PLAYING_BUDGET // probe_cost(middle)) == 3560
    counts = [playing_point_count([2, *(16,) * depth, 1], 5000) for depth in range(11)]
    assert counts == sorted(counts, reverse=True)
    for most in (0, -1, 2.5, True):
        with pytest.raises(ValueError, match="playing_point_count: most"):
            playing_point_count(DEFAULT_SIZES, most)


def test_probe_grids_are_built_once_and_read_only():
    points, axis = probe_grid(40, DOMAIN)
    assert probe_grid(40, DOMAIN)[0] is points  # cached: every frame probes the same arrays
    want_points, want_axis = grid_points(40, DOMAIN)
    np.testing.assert_array_equal(points, want_points)
    np.testing.assert_array_equal(axis, want_axis)
    assert points.shape == (1600, 2) and not points.flags.writeable and not axis.flags.writeable
    with pytest.raises(ValueError):
        points[0, 0] = 1.0
    assert probe_grid(FULL_RESOLUTION, DOMAIN)[0].shape == (10_000, 2)
