"""What a frame costs the training thread: still or playing, one thread or two (prints numbers, asserts nothing).

For the default network, 8 layers of 16 and 10 layers of 64 (1,000 spiral points), in
interleaved rounds, medians of ``make_frame`` as a still frame (paused, stepped: the full
100 x 100 grid, the points exactly) and as a playing frame (the grid side
``probes.playing_resolution`` picks and ``probes.playing_point_count`` points, float32), each
with its probes shared with the helper thread (``probes.SHARED_WORK``, as the window runs) and
in the calling thread alone (shared whatever the machine's load: the window shares only while a
core is spare, ``training/cores.py``, and on a loaded machine the wall clock of sharing is the
scheduler's). Two clocks: the wall clock (what the window waits for; on an idle
two-core machine sharing halves it) and the process's CPU time (both threads' work, which a
loaded machine does not inflate). Then the float32 grid probe alone, one thread, at each side
(the times ``probes.UNIT_COST`` is fitted to), in the thread's CPU time.
Run: ``python benchmarks/frame_probe.py [--rounds N]``.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable

import numpy as np
from threadpoolctl import threadpool_limits

from playground.data import DOMAIN, make_dataset
from playground.engine import tune_allocator
from playground.training import Trainer, defaults, probes
from playground.training.probes import grid_probe, playing_point_count, playing_resolution, probe_cost, probe_grid
from playground.ui.session.worker import GRID_RESOLUTION, MAX_PROBED_POINTS, make_frame

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from grid_probe import interleaved_cpu_ms  # noqa: E402  (a sibling script)

NETWORKS = {"2-16-16-1 (the default)": (16, 16), "8 layers of 16": (16,) * 8, "10 layers of 64": (64,) * 10}
POINTS = 1000
SHARED = probes.SHARED_WORK
spare_core = probes.spare_core


def interleaved_wall_and_cpu(
    alternatives: dict[str, tuple[Callable[[], object], float]], rounds: int
) -> dict[str, tuple[float, float]]:
    """Median wall ms and process CPU ms per call of each ``(function, shared_work)`` alternative,
    run with ``probes.SHARED_WORK = shared_work``, in rounds whose order alternates."""
    walls: dict[str, list[float]] = {name: [] for name in alternatives}
    cpus: dict[str, list[float]] = {name: [] for name in alternatives}
    names = list(alternatives)
    for round_ in range(rounds + 1):
        for name in names if round_ % 2 == 0 else names[::-1]:
            fn, shared = alternatives[name]
            probes.SHARED_WORK = shared
            # Shared whatever the load (the window shares only while a core is spare, cores.py).
            probes.spare_core = lambda: True
            wall, cpu = time.perf_counter(), time.process_time()
            fn()
            if round_:  # the first round warms up
                walls[name].append(1e3 * (time.perf_counter() - wall))
                cpus[name].append(1e3 * (time.process_time() - cpu))
    probes.SHARED_WORK, probes.spare_core = SHARED, spare_core
    return {name: (float(np.median(walls[name])), float(np.median(cpus[name]))) for name in names}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=11)
    args = parser.parse_args()
    tune_allocator()  # as the application's entry point does
    threadpool_limits(limits=1, user_api="blas")  # as the training thread runs
    _, config = defaults.default_session()
    dataset = make_dataset(defaults.DEFAULT_PRESET, n=POINTS, noise=defaults.DEFAULT_NOISE, seed=0, test_fraction=0.3)
    print(
        f"A frame in the training thread, {POINTS:,} points, median of {args.rounds} interleaved rounds "
        f"(wall ms / process CPU ms); load average {', '.join(f'{x:.1f}' for x in os.getloadavg())}"
    )
    for title, hidden in NETWORKS.items():
        trainer = Trainer(dataset, config.replace(hidden=hidden))
        trainer.step(2)
        sizes = trainer.model.sizes
        side = playing_resolution(sizes)
        points = playing_point_count(sizes, MAX_PROBED_POINTS)
        stats = trainer.last_stats()
        frames = interleaved_wall_and_cpu(
            {
                "still, shared": (lambda: make_frame(trainer, False, stats), SHARED),
                "still, one thread": (lambda: make_frame(trainer, False, stats), float("inf")),
                "playing, shared": (lambda: make_frame(trainer, True, stats), SHARED),
                "playing, one thread": (lambda: make_frame(trainer, True, stats), float("inf")),
            },
            args.rounds,
        )
        probes.SHARED_WORK = float("inf")
        alone = interleaved_cpu_ms(
            {
                f"grid probe {GRID_RESOLUTION}": lambda: grid_probe(trainer, probe_grid(GRID_RESOLUTION, DOMAIN)[0]),
                f"grid probe {side}": lambda: grid_probe(trainer, probe_grid(side, DOMAIN)[0]),
            },
            args.rounds,
        )
        probes.SHARED_WORK = SHARED
        print(
            f"- {title}: cost {probe_cost(sizes):,} a cell; playing {side}x{side} cells, "
            f"{min(points, dataset.n):,} points"
        )
        print("    " + ", ".join(f"{name} {wall:.2f} / {cpu:.2f}" for name, (wall, cpu) in frames.items()))
        print("    one thread's CPU: " + ", ".join(f"{name} {np.median(v):.2f}" for name, v in alone.items()))


if __name__ == "__main__":
    main()
