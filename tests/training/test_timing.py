"""The benchmarks' timing helpers: interleaved rounds, per-round ratios, percentiles (no timings asserted)."""

from __future__ import annotations

import math

import pytest

from playground import timing


def test_interleaved_rounds_alternate_the_order_and_time_every_alternative_each_round(monkeypatch):
    order = []
    monkeypatch.setattr(timing, "calls_per_round", lambda fn, seconds: 2)
    times = timing.interleaved_ms({"A": lambda: order.append("A"), "B": lambda: order.append("B")}, rounds=4)
    assert order == ["A", "A", "B", "B", "B", "B", "A", "A"] * 2
    assert set(times) == {"A", "B"} and all(len(v) == 4 and (v >= 0).all() for v in times.values())


def test_interleaved_times_each_turn_by_the_clock_given(monkeypatch):
    # A clock that only the alternatives advance (as thread CPU time ignores other processes): A costs 3 ms a call.
    now = [0.0]
    monkeypatch.setattr(timing, "calls_per_round", lambda fn, seconds: 2)
    costs = {"A": 0.003, "B": 0.001}
    alternatives = {name: lambda cost=cost: now.__setitem__(0, now[0] + cost) for name, cost in costs.items()}
    times = timing.interleaved_ms(alternatives, rounds=3, clock=lambda: now[0])
    assert times["A"] == pytest.approx([3.0] * 3) and times["B"] == pytest.approx([1.0] * 3)


def test_interleaved_rejects_no_rounds():
    with pytest.raises(ValueError, match="rounds must be at least 1, got 0"):
        timing.interleaved_ms({"A": lambda: None}, rounds=0)


def test_median_ratio_is_the_median_of_the_per_round_ratios():
    # One spike (round 3) in A's time moves the ratio of sums, not the median of ratios.
    assert timing.median_ratio([2.0, 2.0, 50.0, 2.0, 2.0], [1.0, 1.0, 1.0, 1.0, 1.0]) == 2.0
    with pytest.raises(ValueError, match="two equal, non-empty series"):
        timing.median_ratio([1.0, 2.0], [1.0])
    with pytest.raises(ValueError, match="two equal, non-empty series"):
        timing.median_ratio([], [])


def test_percentiles_in_milliseconds():
    assert timing.percentiles_ms([0.01] * 9 + [0.1], (50, 100)) == pytest.approx([10.0, 100.0])
    assert all(math.isnan(v) for v in timing.percentiles_ms([], (50, 90)))
