"""Where a training epoch of the deepest network goes (prints numbers, asserts nothing).

1,000 spiral points (700 train), 10 hidden layers of 64 tanh units, float64, Adam, batch 32:
the window's "deep" benchmark scenario. In interleaved rounds, thread CPU time (the machine
may be shared), medians:

- ``Trainer.step(1)``, the whole epoch with all its bookkeeping, per mini-batch;
- each part of ``Trainer._train_epoch``'s mini-batch (zero_grad, forward, loss, backward,
  per-layer gradient norms, the dead-unit mask, Adam, the metric), timed on the trainer's own
  model and optimiser, and the epoch's once-only parts (the test loss, the rollback copies);
- the floor without autograd: the same forward, backward and an SGD update by hand in numpy
  into preallocated buffers (benchmarks/minibatch_step.py's ``PreallocatedNumpy``), and Adam's
  update alone, as ``nn.optim.Adam`` writes it and in place with one scratch buffer.

Run: ``python benchmarks/deep_epoch.py [--rounds N]``.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
from collections.abc import Callable

import numpy as np
from threadpoolctl import threadpool_limits

from playground.data import make_dataset
from playground.engine import Tensor, tune_allocator
from playground.training import Trainer, defaults

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from minibatch_step import PreallocatedNumpy  # noqa: E402  (a sibling script)

HIDDEN = (64,) * 10
POINTS, BATCH = 1000, 32


def _trainer() -> Trainer:
    dataset, config = defaults.default_session()
    dataset = make_dataset(
        defaults.DEFAULT_PRESET,
        n=POINTS,
        noise=defaults.DEFAULT_NOISE,
        seed=defaults.DEFAULT_SEED,
        test_fraction=defaults.DEFAULT_TEST_FRACTION,
    )
    trainer = Trainer(dataset, config.replace(hidden=HIDDEN, batch_size=BATCH))
    trainer.step(2)
    return trainer


def _parts(trainer: Trainer) -> dict[str, Callable[[], object]]:
    """One mini-batch's steps as ``_train_epoch`` takes them, each a callable (run in order)."""
    model, params, optimizer = trainer.model, trainer.model.params, trainer.optimizer
    xb, yb = trainer._F_train[:BATCH], trainer._y_train[:BATCH]
    state: dict[str, object] = {}

    def forward() -> None:
        state["logits"] = model(Tensor(xb))

    def loss() -> None:
        state["loss"] = trainer.head.loss(state["logits"], yb)
        state["loss"].item()  # type: ignore[attr-defined]

    return {
        "zero_grad": model.zero_grad,
        "forward": forward,
        "loss": loss,
        "backward": lambda: state["loss"].backward(),  # type: ignore[attr-defined]
        "grad norms": model.grad_norms,
        "dead-unit mask": lambda: params.grad[trainer._bias_index] != 0.0,
        "adam": optimizer.step,
        "metric": lambda: trainer._metric_sum(state["logits"].data, yb),  # type: ignore[attr-defined]
    }


def _adam_alone(size: int) -> dict[str, Callable[[], object]]:
    """Adam's update over ``size`` parameters: as nn.optim.Adam writes it, and in place."""
    rng = np.random.default_rng(0)
    data, grad = rng.standard_normal(size), rng.standard_normal(size)
    m, v, tmp = np.zeros(size), np.zeros(size), np.empty(size)
    b1, b2, eps, lr, t = 0.9, 0.999, 1e-8, 1e-3, 10

    def allocating() -> None:  # nn.optim.Adam._update's lines
        np.multiply(m, b1, out=m)
        np.add(m, (1.0 - b1) * grad, out=m)
        np.multiply(v, b2, out=v)
        np.add(v, (1.0 - b2) * grad * grad, out=v)
        c2 = math.sqrt(1.0 - b2**t)
        denom = np.sqrt(v)
        denom += eps * c2
        np.subtract(data, lr * c2 / (1.0 - b1**t) * m / denom, out=data)

    def in_place() -> None:
        np.multiply(m, b1, out=m)
        np.multiply(grad, 1.0 - b1, out=tmp)
        np.add(m, tmp, out=m)
        np.multiply(v, b2, out=v)
        np.multiply(grad, grad, out=tmp)
        np.multiply(tmp, 1.0 - b2, out=tmp)
        np.add(v, tmp, out=v)
        c2 = math.sqrt(1.0 - b2**t)
        np.sqrt(v, out=tmp)
        np.add(tmp, eps * c2, out=tmp)
        np.divide(m, tmp, out=tmp)
        np.multiply(tmp, lr * c2 / (1.0 - b1**t), out=tmp)
        np.subtract(data, tmp, out=data)

    return {"adam alone, as nn.optim": allocating, "adam alone, in place": in_place}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    tune_allocator()  # as the application's entry point does
    threadpool_limits(1, user_api="blas")  # as the training thread runs (ui/session/policy.py)
    trainer = _trainer()
    batches = -(-trainer.n_train // BATCH)
    parts = _parts(trainer)
    by_hand = PreallocatedNumpy(trainer.model.sizes, BATCH)
    xb, yb = trainer._F_train[:BATCH], trainer._y_train[:BATCH, None]
    once = {
        "test loss (per epoch)": lambda: trainer._evaluate(trainer._F_test, trainer._y_test),
        "rollback copies (per epoch)": trainer._mark,
    }
    alone = _adam_alone(trainer.model.params.size)
    times: dict[str, list[float]] = {}

    def timed(name: str, function: Callable[[], object], repeats: int = 1) -> None:
        start = time.thread_time()
        for _ in range(repeats):
            function()
        times.setdefault(name, []).append((time.thread_time() - start) / repeats)

    for _ in range(args.rounds):
        start = time.thread_time()
        trainer.step(1)
        times.setdefault("Trainer.step(1), per mini-batch", []).append((time.thread_time() - start) / batches)
        for _ in range(batches):
            for name, part in parts.items():
                timed(name, part)
        for name, function in once.items():
            timed(name, function)
        timed("by hand: forward, backward, SGD", lambda: by_hand.step(xb, yb, 1e-3), batches)
        for name, function in alone.items():
            timed(name, function, batches)
    print(
        f"Epoch of {HIDDEN[0]}x{len(HIDDEN)} tanh, {trainer.n_train} training points, batch {BATCH}, Adam, float64 "
        f"({batches} mini-batches, {trainer.model.params.size:,} parameters); thread CPU, median of "
        f"{args.rounds} rounds; load average {', '.join(f'{x:.1f}' for x in os.getloadavg())}"
    )
    parts_total = sum(float(np.median(times[name])) for name in parts)
    for name, values in times.items():
        ms = 1000 * float(np.median(values))
        share = f" ({100 * float(np.median(values)) / parts_total:.0f}% of the parts)" if name in parts else ""
        print(f"  {name:34s} {ms:7.3f} ms{share}")
    print(f"  {'sum of the parts, per mini-batch':34s} {1000 * parts_total:7.3f} ms")


if __name__ == "__main__":
    main()
