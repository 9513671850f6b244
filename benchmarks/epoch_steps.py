"""What training a mini-batch at a time costs, and how promptly a long epoch lets go
(prints numbers, asserts nothing).

1. ``step(1)`` against draining ``epoch_steps()`` (and ``epoch_steps(k)``, yielding only every
   k-th mini-batch, as the training thread asks for short ones) for one epoch, on twin trainers,
   interleaved in rounds (thread CPU time, medians, and the median of the per-round ratios, so
   one load spike on a shared machine cannot decide them): the cost of yielding
   after every mini-batch. Cases: TensorFlow Playground's defaults (250 training
   points, batch 10, 2-4-2-1 tanh, SGD) and the window's default session
   (spiral 300, 2-16-16-1 tanh, Adam, batch 32).
2. At 100,000 points (70,000 training points, batch 1 and batch 32): the time
   of one mini-batch (how long a command waits at most), and of abandoning the
   epoch half-way (``close()``: the rollback).
3. ``diagnose_trainer`` after a frame: the default session, and 100,000 points
   (it probes at most 2,000 training points).

Run: ``python benchmarks/epoch_steps.py [--rounds N]``.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

from playground.data import make_dataset
from playground.training import Trainer, TrainingConfig
from playground.training.diagnosis import diagnose_trainer

WINDOW = TrainingConfig(hidden=(16, 16), activation="tanh", optimizer="adam", lr=0.03, batch_size=32, seed=0)
TFP = TrainingConfig(hidden=(4, 2), activation="tanh", optimizer="sgd", lr=0.03, batch_size=10, seed=0)


def seconds(action: Callable[[], object], clock: Callable[[], float] = time.perf_counter) -> float:
    start = clock()
    action()
    return clock() - start


def cpu_seconds(action: Callable[[], object]) -> float:
    """This thread's CPU time: what the work costs, whatever else the machine runs."""
    return seconds(action, time.thread_time)


def drain(trainer: Trainer, every: int = 1) -> None:
    for _ in trainer.epoch_steps(every):
        pass


def compare_step_and_epoch_steps(label: str, dataset: object, config: TrainingConfig, rounds: int) -> None:
    plain, paused, batched = (Trainer(dataset, config) for _ in range(3))  # type: ignore[arg-type]
    batches = -(-plain.n_train // min(config.batch_size, plain.n_train))
    # What the training thread asks for once it has measured an epoch (worker.LOOK_EVERY_S):
    # the default session's mini-batches are so short that the epoch runs without a pause.
    every = max(1, batches)
    times: dict[str, list[float]] = {"step(1)": [], "epoch_steps()": [], f"epoch_steps({every})": []}
    ratios = []
    for _ in range(rounds):
        a = cpu_seconds(lambda: plain.step(1))
        b = cpu_seconds(lambda: drain(paused))
        c = cpu_seconds(lambda: drain(batched, every))
        for name, value in zip(times, (a, b, c)):
            times[name].append(value)
        ratios.append(b / a)
    print(f"{label}: {batches} mini-batches an epoch (thread CPU time)")
    for name, values in times.items():
        t = statistics.median(values)
        print(
            f"  {name:16s} {t * 1e3:8.3f} ms an epoch  ({t / batches * 1e6:6.1f} us a mini-batch, "
            f"{1 / t:6.0f} epochs per CPU second)"
        )
    a, b = statistics.median(times["step(1)"]), statistics.median(times["epoch_steps()"])
    print(
        f"  ratio {statistics.median(ratios):.3f} (median of rounds); yielding costs about "
        f"{(b - a) / batches * 1e6:.2f} us a mini-batch"
    )


def long_epoch(batch_size: int, dataset: object, rounds: int) -> None:
    trainer = Trainer(dataset, WINDOW.replace(batch_size=batch_size))  # type: ignore[arg-type]
    waits, closes = [], []
    for _ in range(rounds):
        steps = trainer.epoch_steps()
        next(steps)
        for _ in range(200):  # a stretch of mini-batches, each one a command's longest wait
            waits.append(seconds(lambda: next(steps)))
        closes.append(seconds(steps.close))
    waits.sort()
    print(
        f"100,000 points, batch {batch_size} ({trainer.n_train:,} training points, "
        f"{-(-trainer.n_train // batch_size):,} mini-batches an epoch; wall-clock time):"
    )
    print(
        f"  one mini-batch: median {statistics.median(waits) * 1e3:.3f} ms, "
        f"99th percentile {waits[int(0.99 * (len(waits) - 1))] * 1e3:.3f} ms"
    )
    print(f"  abandoning the epoch (rollback): median {statistics.median(closes) * 1e3:.3f} ms")


def diagnosis_cost(label: str, trainer: Trainer, rounds: int) -> None:
    times = [cpu_seconds(lambda: diagnose_trainer(trainer)) for _ in range(rounds)]
    print(
        f"diagnose_trainer, {label} (thread CPU time): median {statistics.median(times) * 1e3:.3f} ms, "
        f"max {max(times) * 1e3:.3f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30, help="interleaved rounds (default 30)")
    rounds = parser.parse_args().rounds
    if rounds < 1:
        parser.error("--rounds must be at least 1")

    tfp = make_dataset("spiral", n=500, noise=0.1, seed=0, test_fraction=0.5)
    window = make_dataset("spiral", n=300, noise=0.1, seed=0, test_fraction=0.3)
    big = make_dataset("spiral", n=100_000, noise=0.1, seed=0, test_fraction=0.3)
    compare_step_and_epoch_steps("TensorFlow Playground's defaults", tfp, TFP, rounds)
    compare_step_and_epoch_steps("the window's default session", window, WINDOW, rounds)
    for batch_size in (1, 32):
        long_epoch(batch_size, big, max(3, rounds // 10))
    default = Trainer(window, WINDOW)
    default.step(50)
    diagnosis_cost("default session after 50 epochs", default, rounds)
    large = Trainer(big, WINDOW)
    large.step(1)
    diagnosis_cost("100,000 points", large, rounds)


if __name__ == "__main__":
    main()
