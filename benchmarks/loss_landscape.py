"""What a loss-landscape slice costs (prints numbers, asserts nothing).

A 41 x 41 slice of the window's default network (2-16-16-1 tanh, Adam) over
300 points (the spiral, all of them training points), after 30 epochs with
the timeline's snapshots as the trajectory; the target is at most 100 ms for
the whole ``loss_landscape`` call (1,681 weight vectors, the gradient and the
optimiser's next step; the grid in float32). Also the slice's losses alone in
float32 and float64. Medians of thread CPU time (the figure to trust on a shared
machine) and of wall time, with one BLAS thread and the allocator tuned as in
the app (the training thread computes it); the load average at the start.

``before`` is the computation as it was: every cell's weight vector through a
batched product per layer (the first layer too), numpy's ``tanh`` and float32
``log1p``. ``now``: the first layer formed from the plane's affine structure
(``forward.PlaneFirstLayer``: for tanh one product per value instead of an
``exp``), tanh and sigmoid from one ``exp`` elsewhere, and a vectorised
``log1p`` in the sigmoid loss. The two are interleaved round by round, so a busy
machine slows both alike.

Run: ``python benchmarks/loss_landscape.py [--rounds N]``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import numpy as np
from threadpoolctl import threadpool_limits

from playground.data import make_dataset
from playground.engine.allocator import tune_allocator
from playground.training import Trainer, TrainingConfig, forward, landscape
from playground.training.landscape import LossProblem, loss_landscape

WINDOW = TrainingConfig(hidden=(16, 16), activation="tanh", optimizer="adam", lr=0.03, batch_size=32, seed=0)
KINDS = ("before", "now")


def _before_activate(name: str, z: np.ndarray) -> np.ndarray:
    """The activations as they were: numpy's ``tanh`` in place, the exact formula otherwise."""
    if name == "tanh":
        return np.asarray(np.tanh(z, out=z))
    if name == "relu":
        return np.asarray(np.maximum(z, 0.0, out=z))
    return forward.activate(name, z)


def _before_plane_losses(
    self: LossProblem,
    centre: np.ndarray,
    directions: np.ndarray,
    alphas: np.ndarray,
    betas: np.ndarray,
    dtype: object = np.float64,
) -> np.ndarray:
    """The slice as it was: all the grid's weight vectors through :meth:`LossProblem.losses`."""
    grid = landscape.plane_grid(centre, directions, alphas, betas)
    return self.losses(grid, dtype).reshape(len(betas), len(alphas))  # type: ignore[arg-type]


@contextmanager
def computation(kind: str) -> Iterator[None]:
    """``"now"``: the modules as they are; ``"before"``: the old code path patched in for the block."""
    saved = forward._activate_in_place, landscape.log1p_unit, LossProblem.plane_losses
    if kind == "before":
        forward._activate_in_place = _before_activate
        landscape.log1p_unit = np.log1p  # type: ignore[assignment]
        LossProblem.plane_losses = _before_plane_losses  # type: ignore[assignment,method-assign]
    try:
        yield
    finally:
        forward._activate_in_place, landscape.log1p_unit, LossProblem.plane_losses = saved  # type: ignore[method-assign]


def _timed(fn: Callable[[], object]) -> tuple[float, float]:
    c0, w0 = time.thread_time(), time.perf_counter()
    fn()
    return time.thread_time() - c0, time.perf_counter() - w0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    rounds = parser.parse_args().rounds
    load = os.getloadavg()
    tune_allocator()  # as main() does for the app
    trainer = Trainer(make_dataset("spiral", n=300, noise=0.1, seed=0), WINDOW)
    path = [trainer.snapshot().params]
    for _ in range(30):
        trainer.step()
        path.append(trainer.snapshot().params)
    trajectory = np.array(path)
    problem = LossProblem.from_trainer(trainer)
    centre = trainer.snapshot().params.astype(np.float64)
    directions = landscape.pca_directions(trajectory, centre)
    axis = np.linspace(-1.0, 1.0, 41)
    cases = {
        "loss_landscape, pca": lambda: loss_landscape(trainer, trajectory, "pca"),
        "loss_landscape, random": lambda: loss_landscape(trainer, trajectory, "random"),
        "slice losses, float32": lambda: problem.plane_losses(centre, directions, axis, axis, np.float32),
        "slice losses, float64": lambda: problem.plane_losses(centre, directions, axis, axis),
    }
    for kind in KINDS:  # the two paths agree (float32 against float64 of the same path)
        with computation(kind):
            f32, f64 = cases["slice losses, float32"](), cases["slice losses, float64"]()
        print(f"{kind}: float32 slice within a relative {np.max(np.abs(f32 / f64 - 1)):.1e} of float64")
    print(f"2-16-16-1 over {len(problem.F)} points, {centre.size} weights, 41 x 41 slice (target <= 100 ms)")
    print(f"load average at the start {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} cores")
    print(f"one BLAS thread, allocator tuned as in the app; {rounds} rounds, medians of thread CPU time (wall time)")
    times: dict[tuple[str, str], list[tuple[float, float]]] = {}
    with threadpool_limits(limits=1, user_api="blas"):
        for _ in range(rounds):
            for name, fn in cases.items():
                for kind in KINDS:
                    with computation(kind):
                        times.setdefault((name, kind), []).append(_timed(fn))
    for name in cases:
        row = []
        for kind in KINDS:
            cpu = 1000 * statistics.median(t[0] for t in times[(name, kind)])
            wall = 1000 * statistics.median(t[1] for t in times[(name, kind)])
            row.append(f"{kind} {cpu:6.1f} ms ({wall:6.1f})")
        print(f"  {name:24s} " + "   ".join(row))


if __name__ == "__main__":
    main()
