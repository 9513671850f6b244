"""What a loss-landscape slice costs (prints numbers, asserts nothing).

A 41 x 41 slice of the window's default network (2-16-16-1 tanh, Adam) over
300 points (the spiral, all of them training points), after 30 epochs with
the timeline's snapshots as the trajectory; the target is at most 100 ms for
the whole ``loss_landscape`` call (1,681 weight vectors, the gradient and the
optimiser's next step; the grid in float32). Also: the batched loss alone in
float32 and float64, and one BLAS thread as the training thread runs it. Medians of thread CPU time and of wall time.

Run: ``python benchmarks/loss_landscape.py [--rounds N]``.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import numpy as np
from threadpoolctl import threadpool_limits

from playground.data import make_dataset
from playground.training import Trainer, TrainingConfig
from playground.training.landscape import LossProblem, loss_landscape

WINDOW = TrainingConfig(hidden=(16, 16), activation="tanh", optimizer="adam", lr=0.03, batch_size=32, seed=0)


def _median_ms(fn: Callable[[], object], rounds: int) -> tuple[float, float]:
    cpu, wall = [], []
    for _ in range(rounds):
        c0, w0 = time.thread_time(), time.perf_counter()
        fn()
        cpu.append(time.thread_time() - c0)
        wall.append(time.perf_counter() - w0)
    return 1000 * statistics.median(cpu), 1000 * statistics.median(wall)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    rounds = parser.parse_args().rounds
    trainer = Trainer(make_dataset("spiral", n=300, noise=0.1, seed=0), WINDOW)
    path = [trainer.snapshot().params]
    for _ in range(30):
        trainer.step()
        path.append(trainer.snapshot().params)
    trajectory = np.array(path)
    problem = LossProblem.from_trainer(trainer)
    centre = trainer.snapshot().params
    weights = np.repeat(centre[None], 41 * 41, axis=0)
    print(f"2-16-16-1 over {len(problem.F)} points, {centre.size} weights, 41 x 41 slice (target <= 100 ms)")
    for threads in (None, 1):
        with threadpool_limits(limits=threads, user_api="blas"):
            for name, fn in (("loss_landscape, pca", lambda: loss_landscape(trainer, trajectory, "pca")),
                             ("loss_landscape, random", lambda: loss_landscape(trainer, trajectory, "random")),
                             ("batched loss, 1681 vectors, float32", lambda: problem.losses(weights, np.float32)),
                             ("batched loss, 1681 vectors, float64", lambda: problem.losses(weights))):
                cpu, wall = _median_ms(fn, rounds)
                print(f"  {'default' if threads is None else 'one'} BLAS thread(s)  {name:38s} "
                      f"cpu {cpu:7.1f} ms  wall {wall:7.1f} ms")


if __name__ == "__main__":
    main()
