"""The training thread's choices, measured (prints numbers, asserts nothing).

1. BLAS threads: the session's worker playing at full speed with OpenBLAS on 1
   thread (the policy, ``playground.ui.session.policy``) against 2 (the library's
   default on this 2-core machine), interleaved in rounds, medians: epochs/s and
   frames/s. The GUI side receives every frame and does a boundary map's worth of
   numpy work with it before saying it is drawn, as the window does.
2. Prompt commands at 10,000 points, batch 1 (an epoch of seconds): how long a
   read (what Save does), a pause and ``stop()`` (what Quit does) wait.
3. Whether the large products of big datasets still gain from a second BLAS
   thread: a probe of 100,000 points and a (100000, 64) x (64, 64) product.

Run: ``python benchmarks/training_thread.py [--seconds S] [--rounds N]``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from playground.data import make_dataset  # noqa: E402
from playground.training import TrainingConfig  # noqa: E402
from playground.ui.session import policy  # noqa: E402
from playground.ui.session.session_model import SessionModel  # noqa: E402

DEFAULT = TrainingConfig(hidden=(16, 16), activation="tanh", optimizer="adam", lr=0.03, batch_size=32, seed=0)


def _spin(app: QApplication, seconds: float) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        app.processEvents()
        time.sleep(0.001)


def play_rate(app: QApplication, n: int, blas_threads: int, seconds: float) -> tuple[float, float, float]:
    """(epochs/s, frames/s, epochs per second of the process's CPU time) of a session playing
    at full speed for ``seconds``. The last does not depend on how much of the machine
    other programs leave: a busy-waiting BLAS thread spends CPU time on nothing."""
    policy.BLAS_THREADS = blas_threads
    session = SessionModel(make_dataset("spiral", n=n, noise=0.1, seed=0, test_fraction=0.3), DEFAULT)
    frames = []

    def draw(frame) -> None:
        # About what the boundary map costs the GUI thread: colours for the grid.
        rgb = np.clip(frame.grid_output[:, :1] * np.array([[0.2, 0.4, 0.9]]), 0, 1)
        (rgb * 255).astype(np.uint8)
        frames.append(time.perf_counter())
        session.worker.frame_taken()

    session.frameReady.connect(draw)
    _spin(app, 0.3)
    session.play()
    _spin(app, 0.5)  # warm up
    epoch0, frames0, start = session.latest_frame.epoch, len(frames), time.perf_counter()
    cpu = time.process_time()
    _spin(app, seconds)
    elapsed = time.perf_counter() - start
    cpu = time.process_time() - cpu
    epochs = session.latest_frame.epoch - epoch0
    shown = len(frames) - frames0
    session.shutdown()
    _spin(app, 0.1)
    return epochs / elapsed, shown / elapsed, epochs / cpu


def latencies(app: QApplication) -> dict[str, float]:
    """Seconds a read, a pause and a stop wait in the middle of a long epoch."""
    policy.BLAS_THREADS = 1
    config = DEFAULT.replace(batch_size=1)
    session = SessionModel(make_dataset("spiral", n=10_000, noise=0.1, seed=0, test_fraction=0.3), config)
    session.frameReady.connect(lambda _: session.worker.frame_taken())
    _spin(app, 0.3)
    out = {}
    session.play()
    _spin(app, 0.5)
    start = time.perf_counter()
    session.run_in_worker(lambda trainer: trainer.snapshot())
    out["read (Save)"] = time.perf_counter() - start
    start = time.perf_counter()
    session.pause()
    session.run_in_worker(lambda trainer: None)
    out["pause"] = time.perf_counter() - start
    session.play()
    _spin(app, 0.5)
    start = time.perf_counter()
    session.shutdown()
    out["stop (Quit)"] = time.perf_counter() - start
    return out


def big_products(rounds: int) -> dict[int, tuple[float, float]]:
    """Median ms of a 100,000-point probe and a (100000, 64) x (64, 64) product per BLAS threads."""
    from threadpoolctl import threadpool_limits

    from playground.training import Trainer

    trainer = Trainer(make_dataset("spiral", n=100_000, noise=0.1, seed=0), DEFAULT)
    a, b = np.ones((100_000, 64)), np.ones((64, 64))
    times: dict[int, tuple[list[float], list[float]]] = {1: ([], []), 2: ([], [])}
    for _ in range(rounds * 5):
        for threads in (1, 2):
            with threadpool_limits(threads, user_api="blas"):
                for action, out in ((lambda: trainer.probe(trainer.dataset.X), times[threads][0]),
                                    (lambda: a @ b, times[threads][1])):
                    start = time.perf_counter()
                    action()
                    out.append(time.perf_counter() - start)
    return {t: (statistics.median(p) * 1000, statistics.median(m) * 1000) for t, (p, m) in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="seconds of playing per measurement")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds per case")
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    print("1. BLAS threads while playing (medians of interleaved rounds)")
    for n, label in ((300, "default session (spiral 300, 2-16-16-1, batch 32)"), (10_000, "10,000 points")):
        results: dict[int, list[tuple[float, float, float]]] = {1: [], 2: []}
        for _ in range(args.rounds):
            for threads in (1, 2):
                results[threads].append(play_rate(app, n, threads, args.seconds))
        print(f"  {label}")
        for threads, runs in results.items():
            epochs = statistics.median(r[0] for r in runs)
            frames = statistics.median(r[1] for r in runs)
            per_cpu = statistics.median(r[2] for r in runs)
            print(f"    {threads} BLAS thread{'s' if threads > 1 else ' '}: {epochs:7.1f} epochs/s, "
                  f"{frames:5.1f} frames/s, {per_cpu:7.1f} epochs per CPU second")
    print("2. Waits in the middle of a 10,000-point epoch at batch 1 (seconds)")
    for name, seconds in latencies(app).items():
        print(f"    {name:12s} {seconds * 1000:7.1f} ms")
    print("3. Big products (median ms)")
    for threads, (probe, product) in big_products(args.rounds).items():
        print(f"    {threads} BLAS thread{'s' if threads > 1 else ' '}: probe of 100,000 points {probe:6.1f} ms, "
              f"(100000, 64) x (64, 64) {product:6.1f} ms")


if __name__ == "__main__":
    main()
