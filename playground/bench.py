"""Benchmarks that print numbers: ``python -m playground.bench engine|training|ui``.

Timings are medians of repeated runs in one process; the machine is shared, so
read them as figures, not as pass/fail.
"""

from __future__ import annotations

import argparse
import sys
from typing import Callable

import numpy as np

from .timing import median_ms


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
        self.W = [rng.uniform(-1, 1, (a, b)).astype(dtype) * np.sqrt(6 / (a + b)).astype(dtype)
                  for a, b in zip(sizes[:-1], sizes[1:])]
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


def bench_engine() -> None:
    print("Full-batch epoch (forward, backward, SGD update), tanh MLP, sigmoid cross-entropy, two spirals")
    print(f"{'case':<22}{'dtype':<9}{'engine ms':>10}{'numpy ms':>10}{'ratio':>8}")
    for n, sizes in ((200, [2, 8, 8, 1]), (1000, [2, 16, 16, 1])):
        X, y = two_spirals(n)
        for dtype in (np.float32, np.float64):
            engine = engine_epoch_fn(X, y, sizes, dtype)
            baseline = NumpyMLP(sizes, dtype)
            Xd, yd = X.astype(dtype), y.astype(dtype)
            t_engine = median_ms(engine, repeats=9, inner=200)
            t_numpy = median_ms(lambda: baseline.epoch(Xd, yd, 0.1), repeats=9, inner=200)
            case = f"n={n} {'-'.join(map(str, sizes))}"
            print(f"{case:<22}{np.dtype(dtype).name:<9}{t_engine:>10.3f}{t_numpy:>10.3f}"
                  f"{t_engine / t_numpy:>8.2f}")


def bench_training() -> None:
    from .data import DOMAIN, make_dataset
    from .training import Trainer, TrainingConfig, grid_points

    n = 1000
    ds = make_dataset("spiral", n=n, noise=0.1, seed=0)
    cfg = TrainingConfig(hidden=(16, 16), activation="tanh", optimizer="sgd", lr=0.1,
                         batch_size=n, seed=0)
    trainer = Trainer(ds, cfg)
    baseline = NumpyMLP([2, 16, 16, 1], np.float64)
    X, y = ds.X.astype(np.float64), ds.y.astype(np.float64)
    t_step = median_ms(lambda: trainer.step(1), repeats=9, inner=200)
    t_numpy = median_ms(lambda: baseline.epoch(X, y, 0.1), repeats=9, inner=200)
    print(f"Trainer.step() epoch, full batch, n={n}, 2-16-16-1 tanh, float64 (with all bookkeeping)")
    print(f"  Trainer.step {t_step:.3f} ms   hand-written numpy {t_numpy:.3f} ms   ratio {t_step / t_numpy:.2f}")
    print("Grid probe of every layer (z and a), 2-16-16-1 and 2-8-8-1")
    for hidden in ((16, 16), (8, 8)):
        probe_trainer = Trainer(ds, cfg.replace(hidden=hidden))
        for resolution in (100, 200):
            points, _ = grid_points(resolution, DOMAIN)
            t = median_ms(lambda: probe_trainer.probe(points), repeats=9, inner=20)
            print(f"  2-{'-'.join(map(str, hidden))}-1 {resolution}x{resolution}: {t:.2f} ms")


def bench_ui() -> None:
    # The UI benchmark lives with the UI, the only layer that may import Qt.
    from .ui.devtools.bench_ui import bench_ui as run
    run()


BENCHMARKS = {"engine": bench_engine, "training": bench_training, "ui": bench_ui}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m playground.bench", description=__doc__)
    parser.add_argument("which", choices=sorted(BENCHMARKS), help="what to measure")
    args = parser.parse_args(argv)
    BENCHMARKS[args.which]()
    return 0


if __name__ == "__main__":
    sys.exit(main())
