"""Benchmarks that print numbers: ``python -m playground.bench engine|training|compare|ui|startup``.

Alternatives are timed interleaved in rounds (A, B, A, B, ...) in one process and
reported as medians and median per-round ratios (see ``playground.timing``); the
machine is shared, so read them as figures, not as pass/fail.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Callable

import numpy as np

from .timing import interleaved_ms, median_ratio


def two_spirals(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaved spirals, n points, labels 0/1 (independent of the data layer)."""
    rng = np.random.default_rng(seed)
    t = np.sqrt(rng.random(n)) * 3 * np.pi
    y = np.arange(n) % 2
    r = t / (3 * np.pi) * 5
    X = np.c_[r * np.cos(t + np.pi * y), r * np.sin(t + np.pi * y)] + rng.normal(0, 0.1, (n, 2))
    return X, y.astype(np.float64)


class NumpyMLP:
    """The same tanh MLP with a sigmoid cross-entropy output, forward and backward by hand.

    The baseline the engine is measured against: what one would write with no
    autograd at all, every step fused as far as numpy allows.
    """

    def __init__(self, sizes: list[int], dtype: np.dtype, seed: int = 0) -> None:
        rng = np.random.default_rng(seed)
        self.W = [
            rng.uniform(-1, 1, (a, b)).astype(dtype) * np.sqrt(6 / (a + b)).astype(dtype)
            for a, b in zip(sizes[:-1], sizes[1:])
        ]
        self.b = [np.zeros(b, dtype=dtype) for b in sizes[1:]]

    def epoch(self, X: np.ndarray, y: np.ndarray, lr: float) -> float:
        acts = [X]
        for W, b in zip(self.W[:-1], self.b[:-1]):
            acts.append(np.tanh(acts[-1] @ W + b))
        z = (acts[-1] @ self.W[-1] + self.b[-1])[:, 0]
        n = z.size
        loss = (np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))).sum() / n
        delta = ((0.5 + 0.5 * np.tanh(0.5 * z)) - y)[:, None] / n
        for i in range(len(self.W) - 1, -1, -1):
            gW, gb = acts[i].T @ delta, delta.sum(0)
            if i:
                delta = (delta @ self.W[i].T) * (1 - acts[i] * acts[i])
            self.W[i] -= lr * gW
            self.b[i] -= lr * gb
        return float(loss)


def engine_epoch_fn(X: np.ndarray, y: np.ndarray, sizes: list[int], dtype: np.dtype) -> Callable[[], float]:
    """One full-batch epoch (forward, backward, SGD update) through the engine."""
    from . import nn
    from .engine import Tensor

    model = nn.MLP(sizes[0], sizes[1:-1], sizes[-1], "tanh", seed=0, dtype=dtype)
    optimizer = nn.make_optimizer("sgd", model.params, lr=0.1)
    head = nn.get_head("sigmoid")
    x, target = Tensor(X.astype(dtype)), y.astype(dtype)

    def epoch() -> float:
        model.zero_grad()
        loss = head.loss(model(x), target)
        loss.backward()
        optimizer.step()
        return loss.item()

    return epoch


ROUNDS = 15


def bench_engine() -> None:
    print("Full-batch epoch (forward, backward, SGD update), tanh MLP, sigmoid cross-entropy, two spirals")
    print(f"engine and hand-written numpy interleaved in {ROUNDS} rounds; medians, and the median per-round ratio")
    print(f"{'case':<24}{'dtype':<9}{'engine ms':>10}{'numpy ms':>10}{'ratio':>8}")
    for n, sizes in ((200, [2, 8, 8, 1]), (1000, [2, 16, 16, 1]), (10000, [2, 16, 16, 1])):
        X, y = two_spirals(n)
        for dtype in (np.float32, np.float64):
            baseline = NumpyMLP(sizes, dtype)
            Xd, yd = X.astype(dtype), y.astype(dtype)
            times = interleaved_ms(
                {"engine": engine_epoch_fn(X, y, sizes, dtype), "numpy": lambda: baseline.epoch(Xd, yd, 0.1)},
                rounds=ROUNDS,
            )
            case = f"n={n} {'-'.join(map(str, sizes))}"
            print(
                f"{case:<24}{np.dtype(dtype).name:<9}{np.median(times['engine']):>10.3f}"
                f"{np.median(times['numpy']):>10.3f}{median_ratio(times['engine'], times['numpy']):>8.2f}"
            )


def bench_training() -> None:
    from .data import DOMAIN, make_dataset
    from .training import Trainer, TrainingConfig, grid_points
    from .training.defaults import default_session

    n = 1000
    ds = make_dataset("spiral", n=n, noise=0.1, seed=0)
    cfg = TrainingConfig(hidden=(16, 16), activation="tanh", optimizer="sgd", lr=0.1, batch_size=n, seed=0)
    trainer = Trainer(ds, cfg)
    baseline = NumpyMLP([2, 16, 16, 1], np.float64)
    X, y = ds.X.astype(np.float64), ds.y.astype(np.float64)
    times = interleaved_ms({"step": lambda: trainer.step(1), "numpy": lambda: baseline.epoch(X, y, 0.1)}, rounds=ROUNDS)
    print(
        f"Trainer.step() epoch, full batch, n={n}, 2-16-16-1 tanh, float64 (with all bookkeeping), "
        f"interleaved with hand-written numpy in {ROUNDS} rounds"
    )
    print(
        f"  Trainer.step {np.median(times['step']):.3f} ms   hand-written numpy {np.median(times['numpy']):.3f} ms"
        f"   median ratio {median_ratio(times['step'], times['numpy']):.2f}"
    )

    dataset, config = default_session()
    print(
        f"The window's default session ({dataset.n} points, {len(dataset.X_train)} for training, "
        f"2-{'-'.join(map(str, config.hidden))}-1 {config.activation}, {config.optimizer}): one epoch"
    )
    sessions = {f"batch {b}": Trainer(dataset, config.replace(batch_size=b)) for b in (config.batch_size, 10)}
    times = interleaved_ms({name: lambda t=t: t.step(1) for name, t in sessions.items()}, rounds=ROUNDS)
    for name, values in times.items():
        ms = float(np.median(values))
        print(f"  {name}: {ms:.3f} ms an epoch ({1000 / ms:.0f} epochs/s with nothing drawn)")

    print("Grid probe of every layer (z and a), float64 against float32 weights, interleaved")
    for hidden in ((16, 16), (8, 8)):
        probes = {dtype: Trainer(ds, cfg.replace(hidden=hidden, dtype=dtype)) for dtype in ("float64", "float32")}
        for resolution in (100, 200):
            points, _ = grid_points(resolution, DOMAIN)
            times = interleaved_ms({dtype: lambda t=t: t.probe(points) for dtype, t in probes.items()}, rounds=ROUNDS)
            print(
                f"  2-{'-'.join(map(str, hidden))}-1 {resolution}x{resolution}: "
                f"float64 {np.median(times['float64']):.2f} ms, float32 {np.median(times['float32']):.2f} ms "
                f"(median ratio {median_ratio(times['float64'], times['float32']):.2f})"
            )


def bench_compare() -> None:
    """Nine copies of the default session (seeds 0..8) trained as one batch against nine Trainers."""
    from .training import Trainer
    from .training.compare import Comparison
    from .training.defaults import default_session

    dataset, config = default_session()
    seeds = range(9)
    batched = Comparison(dataset, config, "seed", seeds)
    trainers = [Trainer(dataset, config.replace(seed=seed)) for seed in seeds]
    one = Trainer(dataset, config)
    times = interleaved_ms(
        {
            "batched": lambda: batched.step(1),
            "sequential": lambda: [t.step(1) for t in trainers],
            "one": lambda: one.step(1),
        },
        rounds=ROUNDS,
    )
    print(
        f"One epoch of nine copies of the default session ({dataset.n} points, 2-"
        f"{'-'.join(map(str, config.hidden))}-1 {config.activation}, {config.optimizer}, batch {config.batch_size}; "
        f"seeds 0..8), interleaved in {ROUNDS} rounds"
    )
    print(
        f"  batched {np.median(times['batched']):.2f} ms   nine Trainers {np.median(times['sequential']):.2f} ms"
        f"   one Trainer {np.median(times['one']):.2f} ms"
    )
    print(
        f"  nine Trainers / batched: median ratio {median_ratio(times['sequential'], times['batched']):.2f}; "
        f"batched nine cost {median_ratio(times['batched'], times['one']):.2f} times one"
    )


def bench_ui(seconds: float = 5.0, only: list[str] | None = None) -> None:
    # The UI benchmark lives with the UI, the only layer that may import Qt.
    from .ui.devtools.bench_ui import bench_ui as run

    run(seconds, only)


def bench_startup(repeats: int = 5) -> None:
    """Process start to the window's first paint, the real app offscreen in fresh subprocesses
    (ui/devtools/startup_bench.py)."""
    from .ui.devtools.startup_bench import bench_startup as run

    run(repeats)


BENCHMARKS = {
    "engine": bench_engine,
    "training": bench_training,
    "compare": bench_compare,
    "ui": bench_ui,
    "startup": bench_startup,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m playground.bench", description=__doc__)
    parser.add_argument("which", choices=sorted(BENCHMARKS), help="what to measure")
    parser.add_argument(
        "--seconds", type=float, default=5.0, help="ui: seconds of playing measured per scenario (default 5)"
    )
    parser.add_argument(
        "--only",
        nargs="+",
        metavar="SCENARIO",
        help="ui: only these scenarios (default, batch10, 10k, 100k, deep, startup)",
    )
    args = parser.parse_args(argv)
    if args.which != "ui" and (args.only or args.seconds != 5.0):
        parser.error("--seconds and --only are options of 'ui'")
    # As the application's entry point does (``playground.__main__``): measure what a user runs.
    from .engine.allocator import tune_allocator

    tune_allocator()
    if args.which != "ui":
        # One BLAS thread, as the window trains and probes (ui/session/policy.py): on two
        # cores a second BLAS thread busy-waits between the small products measured here.
        from threadpoolctl import threadpool_limits

        threadpool_limits(limits=1, user_api="blas")
        load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
        print(f"{os.cpu_count()} cores, load average {load}; one BLAS thread")
    if args.which == "ui":
        bench_ui(args.seconds, args.only)
    else:
        BENCHMARKS[args.which]()
    return 0


if __name__ == "__main__":
    sys.exit(main())
