"""Timing helpers shared by the benchmarks (``python -m playground.bench``): numbers to print, never to assert.

Alternatives are timed *interleaved*: round after round, each alternative runs
once (A, B, A, B, ...), and what is reported is the median over the rounds, and
for a comparison the median of the per-round ratios. On a shared machine a load
spike then lands in one or two rounds of every alternative alike instead of in
one alternative's whole block, so it cannot decide a ratio.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence

import numpy as np

ROUND_SECONDS = 0.02  # aimed-at length of one alternative's turn in a round


def median_ms(
    fn: Callable[[], object], repeats: int = 7, inner: int = 50, clock: Callable[[], float] = time.perf_counter
) -> float:
    """Median over ``repeats`` runs of the mean time of ``inner`` calls, in milliseconds.

    ``clock`` may be ``time.thread_time``: the calling thread's CPU time, which other
    processes on a busy machine do not inflate (for work done in that one thread).
    """
    fn()  # warm up caches and lazy imports
    times = []
    for _ in range(repeats):
        start = clock()
        for _ in range(inner):
            fn()
        times.append((clock() - start) / inner * 1e3)
    return float(np.median(times))


def calls_per_round(fn: Callable[[], object], seconds: float = ROUND_SECONDS) -> int:
    """How many calls of ``fn`` take about ``seconds`` (at least 1), from a short trial."""
    fn()  # warm up
    calls, elapsed = 1, 0.0
    while True:
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        elapsed = time.perf_counter() - start
        if elapsed >= seconds / 4 or calls >= 1 << 20:
            break
        calls *= 4
    return max(1, round(calls * seconds / max(elapsed, 1e-9)))


def interleaved_ms(
    alternatives: Mapping[str, Callable[[], object]],
    rounds: int = 15,
    seconds: float = ROUND_SECONDS,
    clock: Callable[[], float] = time.perf_counter,
) -> dict[str, np.ndarray]:
    """Per-round mean call time in ms of each alternative, timed in interleaved rounds.

    Every round runs each alternative once for about ``seconds`` (the number of
    calls is fixed per alternative beforehand); the order alternates from round
    to round (A, B, then B, A) so that neither always follows the other.
    ``clock`` times each turn; ``time.thread_time`` counts only this thread's CPU
    time (as in ``median_ms``).
    """
    if rounds < 1:
        raise ValueError(f"interleaved_ms: rounds must be at least 1, got {rounds}")
    calls = {name: calls_per_round(fn, seconds) for name, fn in alternatives.items()}
    times: dict[str, list[float]] = {name: [] for name in alternatives}
    names = list(alternatives)
    for round_index in range(rounds):
        for name in names if round_index % 2 == 0 else names[::-1]:
            fn, count = alternatives[name], calls[name]
            start = clock()
            for _ in range(count):
                fn()
            times[name].append((clock() - start) / count * 1e3)
    return {name: np.asarray(values) for name, values in times.items()}


def median_ratio(numerator: Sequence[float], denominator: Sequence[float]) -> float:
    """The median of the per-round ratios ``numerator[i] / denominator[i]`` (same rounds)."""
    a, b = np.asarray(numerator, dtype=np.float64), np.asarray(denominator, dtype=np.float64)
    if a.shape != b.shape or a.size == 0:
        raise ValueError(f"median_ratio: expected two equal, non-empty series of rounds, got {a.shape} and {b.shape}")
    return float(np.median(a / b))


def percentiles_ms(intervals_s: Sequence[float], qs: Sequence[float] = (50, 90, 99)) -> list[float]:
    """Percentiles ``qs`` of time intervals given in seconds, in milliseconds (NaN when there are none)."""
    values = np.asarray(intervals_s, dtype=np.float64)
    if values.size == 0:
        return [float("nan")] * len(qs)
    return [float(v) * 1e3 for v in np.percentile(values, qs)]
