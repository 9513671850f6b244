"""The frame's grid probe, float64 against float32 (prints numbers, asserts nothing).

Every frame probes the 100 x 100 grid through every layer (ui/session/worker.py
``make_frame``). ``Trainer.probe`` runs in the session's dtype (float64);
``training.probes.grid_probe``, what the frames use, runs a float32 twin of a
tanh network. Both are timed interleaved in rounds, in this thread's CPU time
(a loaded machine inflates wall time), with one BLAS thread and the allocator
tuned as in the window; medians, the median per-round ratio, and the largest
difference of the drawn probabilities. Run: ``python benchmarks/grid_probe.py [--rounds N]``.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import numpy as np
from threadpoolctl import threadpool_limits

from playground.data import DOMAIN
from playground.engine import tune_allocator
from playground.training import Trainer, grid_points
from playground.training.defaults import default_session
from playground.training.probes import grid_probe
from playground.ui.session.worker import GRID_RESOLUTION

NETWORKS = {"2-16-16-1 (the default)": (16, 16), "8 layers of 16": (16,) * 8, "10 layers of 64": (64,) * 10}


def interleaved_cpu_ms(alternatives: dict[str, Callable[[], object]], rounds: int) -> dict[str, np.ndarray]:
    """Thread CPU ms per call of each alternative, in rounds whose order alternates (A B, B A, ...)."""
    calls = {}
    for name, fn in alternatives.items():  # calls per round: about 50 ms of CPU each
        start = time.thread_time()
        fn()
        calls[name] = max(1, int(0.05 / max(time.thread_time() - start, 1e-6)))
    times: dict[str, list[float]] = {name: [] for name in alternatives}
    names = list(alternatives)
    for round_ in range(rounds):
        for name in names if round_ % 2 == 0 else names[::-1]:
            fn, n = alternatives[name], calls[name]
            start = time.thread_time()
            for _ in range(n):
                fn()
            times[name].append(1e3 * (time.thread_time() - start) / n)
    return {name: np.array(values) for name, values in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    tune_allocator()
    threadpool_limits(limits=1, user_api="blas")
    points, _ = grid_points(GRID_RESOLUTION, DOMAIN)
    dataset, config = default_session()
    print(
        f"Grid probe of a frame ({GRID_RESOLUTION}x{GRID_RESOLUTION}, every layer), thread CPU ms, {args.rounds} rounds"
    )
    for title, hidden in NETWORKS.items():
        trainer = Trainer(dataset, config.replace(hidden=hidden))
        trainer.step(20)
        diff = np.abs(grid_probe(trainer, points).output - trainer.probe(points).output).max()
        times = interleaved_cpu_ms(
            {"float64": lambda: trainer.probe(points), "float32": lambda: grid_probe(trainer, points)}, args.rounds
        )
        ratio = float(np.median(times["float64"] / times["float32"]))
        print(
            f"  {title}: float64 {np.median(times['float64']):.2f} ms, float32 {np.median(times['float32']):.2f} ms, "
            f"median ratio {ratio:.2f}; max probability difference {diff:.1e}"
        )


if __name__ == "__main__":
    main()
