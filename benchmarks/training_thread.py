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
4. The training thread alone (``--alone`` runs only this): the window's default session
   (spiral 300, 2-16-16-1 tanh, Adam) at batch 32 and at batch 10, the worker playing at
   full speed with frames taken as soon as they are sent (nothing drawn): epochs per CPU
   second of the training thread itself (``time.thread_time`` read in that thread), which
   a loaded machine does not inflate, and the share of that CPU time spent building frames.
   To compare two versions, run it on each in turn (``PYTHONPATH=old/tree``), several times.

Run: ``python benchmarks/training_thread.py [--seconds S] [--rounds N] [--alone]``.
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
                for action, out in (
                    (lambda: trainer.probe(trainer.dataset.X), times[threads][0]),
                    (lambda: a @ b, times[threads][1]),
                ):
                    start = time.perf_counter()
                    action()
                    out.append(time.perf_counter() - start)
    return {t: (statistics.median(p) * 1000, statistics.median(m) * 1000) for t, (p, m) in times.items()}


def _run_loop(seconds: float) -> None:
    """Qt's event loop for ``seconds``, as the app runs it: it sleeps until something happens,
    where a polling loop would take the GIL from the training thread a thousand times a second."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()


def _timed(function, spent: list[float]):
    """``function``, adding the CPU time of the calling thread it takes to ``spent[0]``."""

    def timed(*args, **kwargs):
        start = time.thread_time()
        try:
            return function(*args, **kwargs)
        finally:
            spent[0] += time.thread_time() - start

    return timed


def thread_alone(config: TrainingConfig, seconds: float) -> tuple[float, float, float, float]:
    """(epochs per training-thread CPU second, frames/s, share of that CPU in ``make_frame``, share
    in the epochs themselves) of the default dataset playing at full speed, each frame taken at once."""
    from playground.training import defaults
    from playground.ui.session import worker as worker_module

    dataset, _ = defaults.default_session()
    session = SessionModel(dataset, config)
    frame_cpu, epoch_cpu = [0.0], [0.0]
    make_frame, epoch = worker_module.make_frame, worker_module.TrainingWorker._epoch
    frames = []
    session.frameReady.connect(lambda frame: (frames.append(frame.epoch), session.worker.frame_taken()))
    worker_module.make_frame = _timed(make_frame, frame_cpu)
    worker_module.TrainingWorker._epoch = _timed(epoch, epoch_cpu)
    try:
        _run_loop(0.3)
        session.play()
        _run_loop(0.5)  # warm up
        cpu0, epoch0 = session.run_in_worker(lambda trainer: (time.thread_time(), trainer.epoch))
        built0, trained0, frames0, start = frame_cpu[0], epoch_cpu[0], len(frames), time.perf_counter()
        _run_loop(seconds)
        cpu1, epoch1 = session.run_in_worker(lambda trainer: (time.thread_time(), trainer.epoch))
        elapsed, shown = time.perf_counter() - start, len(frames) - frames0
        built, trained = frame_cpu[0] - built0, epoch_cpu[0] - trained0
    finally:
        worker_module.make_frame, worker_module.TrainingWorker._epoch = make_frame, epoch
        session.shutdown()
    cpu = cpu1 - cpu0
    return (epoch1 - epoch0) / cpu, shown / elapsed, built / cpu, trained / cpu


def print_thread_alone(seconds: float, rounds: int) -> None:
    """Section 4: the default session at batch 32 and 10, interleaved in rounds, medians."""
    from playground.training.defaults import DEFAULT_CONFIG

    configs = {"batch 32": DEFAULT_CONFIG, "batch 10": DEFAULT_CONFIG.replace(batch_size=10)}
    results: dict[str, list[tuple[float, float, float, float]]] = {name: [] for name in configs}
    for _ in range(rounds):
        for name, config in configs.items():
            results[name].append(thread_alone(config, seconds))
    print("4. The training thread alone, default session, frames taken at once (medians of interleaved rounds)")
    for name, runs in results.items():
        rate = statistics.median(r[0] for r in runs)
        frames = statistics.median(r[1] for r in runs)
        share = statistics.median(r[2] for r in runs)
        training = statistics.median(r[3] / r[0] for r in runs)
        rest = statistics.median((1.0 - r[2] - r[3]) / r[0] for r in runs)
        print(
            f"    {name}: {rate:7.1f} epochs per training-thread CPU second, {frames:5.1f} frames/s, "
            f"{share:5.1%} of its CPU building frames; CPU an epoch: {training * 1000:.3f} ms in the epoch, "
            f"{rest * 1000:.3f} ms in the rest of the loop"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="seconds of playing per measurement")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds per case")
    parser.add_argument("--alone", action="store_true", help="only section 4, the training thread alone")
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    policy.BLAS_THREADS = 1
    if args.alone:
        print_thread_alone(args.seconds, args.rounds)
        return
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
            print(
                f"    {threads} BLAS thread{'s' if threads > 1 else ' '}: {epochs:7.1f} epochs/s, "
                f"{frames:5.1f} frames/s, {per_cpu:7.1f} epochs per CPU second"
            )
    print("2. Waits in the middle of a 10,000-point epoch at batch 1 (seconds)")
    for name, seconds in latencies(app).items():
        print(f"    {name:12s} {seconds * 1000:7.1f} ms")
    print("3. Big products (median ms)")
    for threads, (probe, product) in big_products(args.rounds).items():
        print(
            f"    {threads} BLAS thread{'s' if threads > 1 else ' '}: probe of 100,000 points {probe:6.1f} ms, "
            f"(100000, 64) x (64, 64) {product:6.1f} ms"
        )
    print_thread_alone(args.seconds, args.rounds)


if __name__ == "__main__":
    main()
