"""Timing helpers shared by the benchmarks (``python -m playground.bench``): numbers to print, never to assert."""

from __future__ import annotations

import time
from typing import Callable

import numpy as np


def median_ms(fn: Callable[[], object], repeats: int = 7, inner: int = 50) -> float:
    """Median over ``repeats`` runs of the mean time of ``inner`` calls, in milliseconds."""
    fn()  # warm up caches and lazy imports
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(inner):
            fn()
        times.append((time.perf_counter() - start) / inner * 1e3)
    return float(np.median(times))
