"""Per-step overhead of the engine at TensorFlow Playground's defaults (prints numbers, asserts nothing).

250 training points, batch 10, 2-4-2-1 tanh, sigmoid cross-entropy, plain SGD:
one mini-batch step through the engine (zero_grad, forward, loss, backward,
gradient norms, SGD update), against the same step written by hand in numpy
with every buffer preallocated. The alternatives run interleaved in rounds and
the medians are reported (and the median of the per-round ratios), so one load
spike on a shared machine cannot decide the ratio. ``engine`` builds the graph
afresh every step; ``replay`` records it once per batch shape and replays it
(``engine.replay``), as ``Trainer`` does. ``Trainer.step`` runs in the same
rounds, for the whole per-batch cost the window pays.
Run: ``python benchmarks/minibatch_step.py [--rounds N]``.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import numpy as np

from playground import nn
from playground.bench import two_spirals
from playground.engine import RecordedSteps, Tensor, tune_allocator
from playground.nn.regularization import add_penalty_gradient

SIZES = [2, 4, 2, 1]
N_TRAIN, BATCH, LR = 250, 10, 0.03


class PreallocatedNumpy:
    """The step by hand: forward, BCE-with-logits, backward and SGD into preallocated buffers.

    Products use ``np.dot`` with ``out=``, the cheapest call numpy has for small 2-D arrays.
    """

    def __init__(self, sizes: list[int], batch: int, seed: int = 0) -> None:
        rng = np.random.default_rng(seed)
        pairs = list(zip(sizes[:-1], sizes[1:]))
        self.W = [rng.uniform(-1, 1, (a, b)) * np.sqrt(6 / (a + b)) for a, b in pairs]
        self.b = [np.zeros(b) for b in sizes[1:]]
        self.z = [np.empty((batch, b)) for b in sizes[1:]]
        self.a = [np.empty((batch, b)) for b in sizes[1:-1]]
        self.delta = [np.empty((batch, b)) for b in sizes[1:]]
        self.gW = [np.empty_like(W) for W in self.W]
        self.gb = [np.empty_like(b) for b in self.b]
        self.ones = np.ones(batch)
        self.tmp = np.empty((batch, sizes[-1]))

    def step(self, x: np.ndarray, y: np.ndarray, lr: float) -> float:
        layers = len(self.W)
        inputs = [x, *self.a]
        for i in range(layers):
            np.dot(inputs[i], self.W[i], out=self.z[i])
            self.z[i] += self.b[i]
            if i < layers - 1:
                np.tanh(self.z[i], out=self.a[i])
        z, t, n = self.z[-1], self.tmp, len(x)
        # loss = mean(max(z, 0) - z y + log1p(exp(-|z|)))
        np.abs(z, out=t)
        np.negative(t, out=t)
        np.exp(t, out=t)
        np.log1p(t, out=t)
        t += np.maximum(z, 0.0)
        t -= z * y
        loss = float(t.sum()) / n
        d = self.delta[-1]
        np.multiply(z, 0.5, out=d)
        np.tanh(d, out=d)
        d *= 0.5
        d += 0.5
        d -= y
        d *= 1.0 / n
        for i in range(layers - 1, -1, -1):
            np.dot(inputs[i].T, self.delta[i], out=self.gW[i])
            np.dot(self.ones, self.delta[i], out=self.gb[i])
            if i:
                prev = self.delta[i - 1]
                np.dot(self.delta[i], self.W[i].T, out=prev)
                a = self.a[i - 1]
                prev *= 1.0 - a * a
        for i in range(layers):
            self.W[i] -= lr * self.gW[i]
            self.b[i] -= lr * self.gb[i]
        return loss


def engine_step(model: nn.MLP, optimizer: nn.optim.Optimizer) -> Callable[[np.ndarray, np.ndarray], float]:
    """What Trainer.step does per mini-batch through nn and the engine, minus its own bookkeeping."""
    head = nn.get_head("sigmoid")

    def step(x: np.ndarray, y: np.ndarray) -> float:
        model.zero_grad()
        loss = head.loss(model(Tensor(x)), y)
        value = loss.item()
        loss.backward()
        model.grad_norms()
        add_penalty_gradient(model.params, 0.0, 0.0)
        optimizer.step()
        return value

    return step


def replay_step(model: nn.MLP, optimizer: nn.optim.Optimizer) -> Callable[[np.ndarray, np.ndarray], float]:
    """``engine_step`` replaying the recorded graph for batches of a shape it has seen."""
    head = nn.get_head("sigmoid")
    recorded = RecordedSteps()

    def step(x: np.ndarray, y: np.ndarray) -> float:
        model.zero_grad()
        replay = recorded.find(x, y)
        if replay is not None:
            loss = replay.forward(x, y, check=False)
            value = loss.item()
            replay.backward()
        else:
            batch, targets = Tensor(x.copy()), y.copy()  # the recording's own buffers
            loss = head.loss(model(batch), targets)
            value = loss.item()
            loss.backward()
            recorded.record(loss, (batch.data, targets))
        model.grad_norms()
        add_penalty_gradient(model.params, 0.0, 0.0)
        optimizer.step()
        return value

    return step


def epoch_timer(
    step: Callable[[np.ndarray, np.ndarray], float], X: np.ndarray, y: np.ndarray, rng: np.random.Generator
) -> Callable[[], float]:
    """One epoch of shuffled mini-batches; returns seconds per step.

    Thread CPU time, not wall time: on a shared machine the time this thread
    spends descheduled says nothing about either alternative.
    """

    def run() -> float:
        order = rng.permutation(len(X))
        batches = [(X[order[s : s + BATCH]], y[order[s : s + BATCH], None]) for s in range(0, len(X), BATCH)]
        start = time.thread_time()
        for xb, yb in batches:
            step(xb, yb)
        return (time.thread_time() - start) / len(batches)

    return run


def trainer_timer() -> Callable[[], float]:
    """``Trainer.step(1)`` with all its bookkeeping (shuffle, norms, metric, test loss), per mini-batch."""
    from playground.data import make_dataset
    from playground.training import Trainer, TrainingConfig

    data = make_dataset("spiral", n=2 * N_TRAIN, noise=0.1, seed=0, test_fraction=0.5)
    trainer = Trainer(
        data,
        TrainingConfig(hidden=tuple(SIZES[1:-1]), activation="tanh", optimizer="sgd", lr=LR, batch_size=BATCH, seed=0),
    )
    batches = -(-N_TRAIN // BATCH)

    def run() -> float:
        start = time.thread_time()
        trainer.step(1)
        return (time.thread_time() - start) / batches

    return run


def agreement(
    X: np.ndarray, y: np.ndarray, make_step: Callable[..., Callable[[np.ndarray, np.ndarray], float]], steps: int = 25
) -> float:
    """Largest loss difference over ``steps`` steps from the same weights: both do the same work."""
    model = nn.MLP(2, SIZES[1:-1], 1, "tanh", seed=3)
    by_hand = PreallocatedNumpy(SIZES, BATCH)
    by_hand.W = [layer.W.data.copy() for layer in model.layers]
    by_hand.b = [layer.b.data.copy() for layer in model.layers]
    step = make_step(model, nn.make_optimizer("sgd", model.params, LR))
    batches = [(X[s : s + BATCH], y[s : s + BATCH, None]) for s in range(0, BATCH * steps, BATCH)]
    return max(abs(step(xb, yb) - by_hand.step(xb, yb, LR)) for xb, yb in batches)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--rounds", type=int, default=400, help="rounds of one epoch (25 steps) per alternative, alternating"
    )
    args = parser.parse_args()
    tune_allocator()
    X, y = two_spirals(N_TRAIN)
    model = nn.MLP(2, SIZES[1:-1], 1, "tanh", seed=0)
    engine = epoch_timer(engine_step(model, nn.make_optimizer("sgd", model.params, LR)), X, y, np.random.default_rng(1))
    replay_model = nn.MLP(2, SIZES[1:-1], 1, "tanh", seed=0)
    replayed = epoch_timer(
        replay_step(replay_model, nn.make_optimizer("sgd", replay_model.params, LR)), X, y, np.random.default_rng(1)
    )
    baseline_model = PreallocatedNumpy(SIZES, BATCH)
    baseline = epoch_timer(lambda xb, yb: baseline_model.step(xb, yb, LR), X, y, np.random.default_rng(1))
    alternatives = {"engine": engine, "replay": replayed, "numpy": baseline, "trainer": trainer_timer()}
    samples: dict[str, list[float]] = {name: [] for name in alternatives}
    for fn in alternatives.values():
        fn()
    for _ in range(args.rounds):
        for name, fn in alternatives.items():
            samples[name].append(fn())
    for name, make_step in (("engine", engine_step), ("replay", replay_step)):
        print(f"{name} and numpy agree: largest loss difference over 25 steps {agreement(X, y, make_step):.1e}")
    print(f"mini-batch step, {N_TRAIN} points, batch {BATCH}, {'-'.join(map(str, SIZES))} tanh, SGD, float64")
    for name, times in samples.items():
        print(f"  {name:<8}{np.median(times) * 1e6:8.1f} us a step, thread CPU time (median of {args.rounds} rounds)")
    numpy_times = np.array(samples["numpy"])
    for name in ("engine", "replay", "trainer"):
        ratios = np.array(samples[name]) / numpy_times
        print(
            f"  {name}/numpy {np.median(ratios):5.2f} (median of per-round ratios; "
            f"quartiles {np.percentile(ratios, 25):.2f}..{np.percentile(ratios, 75):.2f})"
        )


if __name__ == "__main__":
    main()
