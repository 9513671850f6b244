"""What a frame costs the training thread, still against playing (prints numbers, asserts nothing).

For the default network, 8 layers of 16 and 10 layers of 64 (1,000 spiral points), in
interleaved rounds, thread CPU ms medians of ``make_frame`` as a still frame (paused,
stepped: the full 100 x 100 grid, the points exactly) and as a playing frame (the grid side
``probes.playing_resolution`` picks and ``probes.playing_point_count`` points, float32), and
of the float32 grid probe alone at each side (the times ``probes.UNIT_COST`` is fitted to).
Run: ``python benchmarks/frame_probe.py [--rounds N]``.
"""

from __future__ import annotations

import argparse
import os
import sys

import numpy as np
from threadpoolctl import threadpool_limits

from playground.data import DOMAIN, make_dataset
from playground.engine import tune_allocator
from playground.training import Trainer, defaults
from playground.training.probes import grid_probe, playing_point_count, playing_resolution, probe_cost, probe_grid
from playground.ui.session.worker import GRID_RESOLUTION, MAX_PROBED_POINTS, make_frame

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from grid_probe import interleaved_cpu_ms  # noqa: E402  (a sibling script)

NETWORKS = {"2-16-16-1 (the default)": (16, 16), "8 layers of 16": (16,) * 8, "10 layers of 64": (64,) * 10}
POINTS = 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=11)
    args = parser.parse_args()
    tune_allocator()  # as the application's entry point does
    threadpool_limits(limits=1, user_api="blas")  # as the training thread runs
    _, config = defaults.default_session()
    dataset = make_dataset(defaults.DEFAULT_PRESET, n=POINTS, noise=defaults.DEFAULT_NOISE, seed=0, test_fraction=0.3)
    print(
        f"A frame in the training thread, {POINTS:,} points, thread CPU ms (median of {args.rounds} interleaved "
        f"rounds); load average {', '.join(f'{x:.1f}' for x in os.getloadavg())}"
    )
    for title, hidden in NETWORKS.items():
        trainer = Trainer(dataset, config.replace(hidden=hidden))
        trainer.step(2)
        sizes = trainer.model.sizes
        side = playing_resolution(sizes)
        points = playing_point_count(sizes, MAX_PROBED_POINTS)
        stats = trainer.last_stats()
        alternatives = {
            "still frame": lambda: make_frame(trainer, False, stats),
            "playing frame": lambda: make_frame(trainer, True, stats),
            f"grid probe {GRID_RESOLUTION}": lambda: grid_probe(trainer, probe_grid(GRID_RESOLUTION, DOMAIN)[0]),
            f"grid probe {side}": lambda: grid_probe(trainer, probe_grid(side, DOMAIN)[0]),
        }
        times = interleaved_cpu_ms(alternatives, args.rounds)
        medians = {name: float(np.median(values)) for name, values in times.items()}
        print(
            f"- {title}: cost {probe_cost(sizes):,} a cell; playing {side}x{side} cells, "
            f"{min(points, dataset.n):,} points"
        )
        print("    " + ", ".join(f"{name} {ms:.2f}" for name, ms in medians.items()))
        print(f"    playing / still: {medians['playing frame'] / medians['still frame']:.2f}")


if __name__ == "__main__":
    main()
