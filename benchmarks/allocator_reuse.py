"""What the allocator's tuning is worth to training and frames (prints numbers, asserts nothing).

Three modes, each in child processes of its own (the setting is process-wide and cannot be
undone), run in interleaved rounds: ``plain`` (glibc's defaults), ``trim-only`` (the trim
threshold alone, as ``tune_allocator`` set it before: glibc then stops raising its mmap
threshold, so every array over 128 KiB is a fresh mmap) and ``tuned`` (``tune_allocator``
now: trim and mmap thresholds). Each child measures thread CPU ms: a ``Trainer.step(1)`` epoch
of 10 layers of 64 (1,000 points, Adam, batch 32) per mini-batch, and ``make_frame`` of that
network and of the default one, still and playing. Medians over rounds.
Run: ``python benchmarks/allocator_reuse.py [--rounds N]``.
"""

from __future__ import annotations

import argparse
import ctypes
import json
import os
import subprocess
import sys
import time

import numpy as np

MODES = ("plain", "trim-only", "tuned")


def child(mode: str) -> dict[str, float]:
    """One round in this process: the allocator as ``mode`` says, then the timings (ms)."""
    from playground.engine import allocator  # the app's entry point imports it, then tunes

    if mode == "tuned":
        allocator.tune_allocator()
    elif mode == "trim-only":
        ctypes.CDLL(None).mallopt(-1, allocator.DEFAULT_TRIM_THRESHOLD)  # M_TRIM_THRESHOLD only
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="blas")
    from playground.data import make_dataset
    from playground.training import Trainer, defaults
    from playground.ui.session.worker import make_frame

    _, config = defaults.default_session()
    data = make_dataset("spiral", n=1000, noise=0.1, seed=0, test_fraction=0.3)
    result = {}
    for name, hidden in (("10x64", (64,) * 10), ("default", (16, 16))):
        trainer = Trainer(data, config.replace(hidden=hidden))
        trainer.step(1)
        batches = -(-trainer.n_train // 32)
        if name == "10x64":
            epochs = []
            for _ in range(5):
                start = time.thread_time()
                trainer.step(1)
                epochs.append((time.thread_time() - start) / batches)
            result[f"{name} mini-batch"] = 1000 * float(np.median(epochs))
        stats = trainer.last_stats()
        for playing in (False, True):
            frames = []
            for _ in range(5):
                start = time.thread_time()
                make_frame(trainer, playing, stats)
                frames.append(time.thread_time() - start)
            result[f"{name} {'playing' if playing else 'still'} frame"] = 1000 * float(np.median(frames))
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--child", choices=MODES, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child)))
        return
    runs: dict[str, list[dict[str, float]]] = {mode: [] for mode in MODES}
    for round_ in range(args.rounds):
        for mode in MODES if round_ % 2 == 0 else MODES[::-1]:
            done = subprocess.run(
                [sys.executable, __file__, "--child", mode], capture_output=True, text=True, check=True, timeout=600
            )
            runs[mode].append(json.loads(done.stdout))
    print(
        f"Thread CPU ms, median of {args.rounds} interleaved rounds (a child process each); "
        f"load average {', '.join(f'{x:.1f}' for x in os.getloadavg())}"
    )
    for key in runs[MODES[0]][0]:
        cells = ", ".join(f"{mode} {np.median([r[key] for r in runs[mode]]):.2f}" for mode in MODES)
        print(f"  {key:24s} {cells}")


if __name__ == "__main__":
    main()
