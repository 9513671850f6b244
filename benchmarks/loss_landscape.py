"""What a loss-landscape slice costs (prints numbers, asserts nothing).

A 41 x 41 slice of the window's default network (2-16-16-1 tanh, Adam) over
300 points (the spiral, all of them training points), after 30 epochs with
the timeline's snapshots as the trajectory; the target is at most 100 ms for
the whole ``loss_landscape`` call (1,681 weight vectors, the gradient and the
optimiser's next step; the grid in float32). Also the batched loss alone in
float32 and float64. Medians of thread CPU time and of wall time, with one BLAS
thread and the allocator tuned as in the app (the training thread computes it).

``before`` is the batching as it was: batches of 2,000,000 values, fresh arrays
for every layer of every batch. ``now``: batches of about a megabyte that stay in
the cache, and one set of layer arrays reused by all batches. The two are
interleaved round by round, so a busy machine slows both alike.

Run: ``python benchmarks/loss_landscape.py [--rounds N]``.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import numpy as np
from threadpoolctl import threadpool_limits

from playground.data import make_dataset
from playground.engine.allocator import tune_allocator
from playground.training import Trainer, TrainingConfig, landscape
from playground.training.landscape import LossProblem, loss_landscape

WINDOW = TrainingConfig(hidden=(16, 16), activation="tanh", optimizer="adam", lr=0.03, batch_size=32, seed=0)


@contextmanager
def batching(kind: str) -> Iterator[None]:
    """``"now"``: the module as it is; ``"before"``: its old batch size and fresh arrays per batch."""
    saved = landscape._CHUNK_VALUES, landscape.layer_buffers
    if kind == "before":
        landscape._CHUNK_VALUES = 2_000_000
        landscape.layer_buffers = lambda *args: None  # type: ignore[assignment,return-value]
    try:
        yield
    finally:
        landscape._CHUNK_VALUES, landscape.layer_buffers = saved


def _timed(fn: Callable[[], object]) -> tuple[float, float]:
    c0, w0 = time.thread_time(), time.perf_counter()
    fn()
    return time.thread_time() - c0, time.perf_counter() - w0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    rounds = parser.parse_args().rounds
    tune_allocator()  # as main() does for the app
    trainer = Trainer(make_dataset("spiral", n=300, noise=0.1, seed=0), WINDOW)
    path = [trainer.snapshot().params]
    for _ in range(30):
        trainer.step()
        path.append(trainer.snapshot().params)
    trajectory = np.array(path)
    problem = LossProblem.from_trainer(trainer)
    centre = trainer.snapshot().params
    weights = centre + 0.01 * np.random.default_rng(0).standard_normal((41 * 41, centre.size))
    cases = {
        "loss_landscape, pca": lambda: loss_landscape(trainer, trajectory, "pca"),
        "loss_landscape, random": lambda: loss_landscape(trainer, trajectory, "random"),
        "batched loss, 1681 vectors, float32": lambda: problem.losses(weights, np.float32),
        "batched loss, 1681 vectors, float64": lambda: problem.losses(weights),
    }
    print(f"2-16-16-1 over {len(problem.F)} points, {centre.size} weights, 41 x 41 slice (target <= 100 ms)")
    print("one BLAS thread, allocator tuned as in the app; medians of thread CPU time (wall time)")
    times: dict[tuple[str, str], list[tuple[float, float]]] = {}
    with threadpool_limits(limits=1, user_api="blas"):
        for _ in range(rounds):
            for name, fn in cases.items():
                for kind in ("before", "now"):
                    with batching(kind):
                        times.setdefault((name, kind), []).append(_timed(fn))
    for name in cases:
        row = []
        for kind in ("before", "now"):
            cpu = 1000 * statistics.median(t[0] for t in times[(name, kind)])
            wall = 1000 * statistics.median(t[1] for t in times[(name, kind)])
            row.append(f"{kind} {cpu:6.1f} ms ({wall:6.1f})")
        print(f"  {name:38s} " + "   ".join(row))


if __name__ == "__main__":
    main()
