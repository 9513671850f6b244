"""The UI benchmark: the real window playing at full speed, what each frame costs, start-up time.

Run it through ``python -m playground.bench ui``. Every scenario runs in a child
process of its own (``python -m playground.ui.devtools.bench_ui SCENARIO``), so
its peak memory (``getrusage`` maxrss) is its own and no scenario warms another's
caches. A scenario opens the real ``MainWindow`` (offscreen, at its default size)
on its dataset and network and measures, in Qt's own event loop as the app runs:

- playing at "max" speed: epochs per second and frames drawn per second as the
  window shows them (the epochs of the first and last frames drawn), the
  intervals between two drawn frames (p50/p90/p99), and the CPU time of the GUI
  and training threads per second of wall time;
- command latency while playing: the time from a command (Pause, an added point
  as a click adds it, a learning-rate change) to the first drawn frame that shows
  its effect, and the CPU time the GUI and training threads used in that time
  (what the latency would be on an idle machine, where the two threads take turns;
  on a loaded one the wall time also counts other processes' turns);
- paused, the cost of one frame: building it in the training thread (``make_frame``)
  and drawing and painting it in the GUI thread.

Numbers to read, never to assert: the machine may be shared (the load average
is printed with them).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ...timing import median_ms, percentiles_ms
from ...training.config import MAX_HIDDEN_LAYERS

WARM_UP_S = 1.0  # playing before the rates are measured (first frames, caches, the JIT-free warm-up of numpy)
COMMAND_REPEATS = 5  # of each command while playing
COMMAND_GAP_MS = 400  # playing between two commands
COMMAND_TIMEOUT_MS = 10_000  # a command without effect by then is reported as such
STARTUP = "startup"  # the name ``--only`` takes for the start-up measurement


@dataclass(frozen=True)
class Scenario:
    """A dataset size and network the window plays (``points`` None: the default session's)."""

    title: str
    points: int | None = None
    changes: dict[str, Any] = field(default_factory=dict)


SCENARIOS = {
    "default": Scenario("default session (spiral 300 points, 2-16-16-1 tanh, Adam, batch 32)"),
    "batch10": Scenario("default session at batch 10", changes={"batch_size": 10}),
    "10k": Scenario("10,000 points, default network", points=10_000),
    "100k": Scenario("100,000 points, default network", points=100_000),
    # The deepest network the window allows (the issue asked for 10 layers; the config caps them).
    "deep": Scenario(
        f"1,000 points, {MAX_HIDDEN_LAYERS} hidden layers of 64 tanh units",
        points=1000,
        changes={"hidden": (64,) * MAX_HIDDEN_LAYERS},
    ),
}


def _session(scenario: Scenario):
    from ...data import make_dataset
    from ...training import defaults

    dataset, config = defaults.default_session()
    if scenario.points is not None:
        dataset = make_dataset(
            defaults.DEFAULT_PRESET,
            n=scenario.points,
            noise=defaults.DEFAULT_NOISE,
            seed=defaults.DEFAULT_SEED,
            test_fraction=defaults.DEFAULT_TEST_FRACTION,
        )
    return dataset, config.replace(**scenario.changes)


def _open_window(scenario: Scenario):
    """The app as ``run_app`` builds it, offscreen, shown at its default size."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from ..plots.style import configure_pyqtgraph
    from ..shell.main_window import DEFAULT_SIZE, MainWindow

    configure_pyqtgraph()
    app = QApplication.instance() or QApplication([sys.argv[0]])
    dataset, config = _session(scenario)
    window = MainWindow(dataset, config)
    window.resize(DEFAULT_SIZE)  # the offscreen screen is smaller than a real one
    window.show()
    for _ in range(20):
        app.processEvents()
    return app, window


class _Recorder:
    """Wraps the window's ``draw_frame``: when each frame was drawn, and a hook per frame."""

    def __init__(self, window) -> None:
        self.times: list[float] = []
        self.epochs: list[int] = []
        self.on_frame: Callable[[Any, float], None] | None = None
        draw = window.draw_frame

        def recorded(frame) -> None:
            draw(frame)
            now = time.perf_counter()
            self.times.append(now)
            self.epochs.append(frame.epoch)
            if self.on_frame is not None:
                self.on_frame(frame, now)

        window.draw_frame = recorded


class _CommandProbe:
    """While playing: each command in turn, then the time until a drawn frame shows its effect."""

    def __init__(self, window, recorder: _Recorder) -> None:
        self.window, self.recorder = window, recorder
        self.latencies: dict[str, list[float]] = {}
        self.cpu: dict[str, list[float]] = {}  # both threads' CPU seconds during each latency
        self._queue: list[tuple[str, Callable[[], Callable[[Any], bool]]]] = []
        self._pending: tuple[str, Callable[[Any], bool], float] | None = None
        self._cpu_at = 0.0
        ident = window.session.run_in_worker(lambda _: threading.get_ident())
        self._training_clock = time.pthread_getcpuclockid(ident)
        recorder.on_frame = self._frame_drawn

    def _both_threads_cpu(self) -> float:
        return time.thread_time() + time.clock_gettime(self._training_clock)

    def run(self, repeats: int) -> None:
        for _ in range(repeats):
            self._queue += [
                ("pause", self._pause),
                ("add a point", self._add_point),
                ("learning rate", self._learning_rate),
            ]
        self._loop = _run_loop()
        self._schedule_next()
        self._loop.exec()

    # The commands: each acts, and returns what a frame that shows its effect looks like.
    def _pause(self) -> Callable[[Any], bool]:
        self.window.session.pause()
        return lambda frame: not frame.playing

    def _add_point(self) -> Callable[[Any], bool]:
        from ...data import AddPoints

        session = self.window.session
        n = session.dataset.n
        session.apply_edit(AddPoints(np.array([[0.5, -0.5]]), np.array([0])), "Add point")
        return lambda frame: frame.dataset.n == n + 1

    def _learning_rate(self) -> Callable[[Any], bool]:
        session = self.window.session
        lr = 0.01 if session.config.lr != 0.01 else 0.03
        session.update_config(lr=lr)
        return lambda frame: frame.config.lr == lr

    def _schedule_next(self) -> None:
        from PySide6.QtCore import QTimer

        if not self._queue:
            self._loop.quit()
            return
        self.window.session.play()
        QTimer.singleShot(COMMAND_GAP_MS, self._start)

    def _start(self) -> None:
        from PySide6.QtCore import QTimer

        name, command = self._queue.pop(0)
        started = time.perf_counter()
        self._cpu_at = self._both_threads_cpu()
        self._pending = (name, command(), started)
        QTimer.singleShot(COMMAND_TIMEOUT_MS, lambda: self._timed_out(started))

    def _frame_drawn(self, frame, now: float) -> None:
        if self._pending is None:
            return
        name, shows_effect, started = self._pending
        if shows_effect(frame):
            self.latencies.setdefault(name, []).append(now - started)
            self.cpu.setdefault(name, []).append(self._both_threads_cpu() - self._cpu_at)
            self._pending = None
            self._schedule_next()

    def _timed_out(self, started: float) -> None:
        if self._pending is not None and self._pending[2] == started:
            self.latencies.setdefault(self._pending[0], []).append(float("inf"))
            self._pending = None
            self._schedule_next()


def _run_loop(seconds: float | None = None):
    """Qt's event loop, as the app runs it (it sleeps until something happens; a polling
    ``processEvents`` loop would take the GIL from training a thousand times a second).
    Runs ``seconds``, or, without, until the returned loop's ``quit``."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    if seconds is None:
        return loop
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()
    return loop


def _thread_seconds(window) -> tuple[float, float, float]:
    """CPU seconds used so far by the GUI thread (this one), by the training thread, and by the
    whole process (which adds the helper threads: the frame probes' pool, the diagram's edge
    painter, OpenBLAS's threads)."""
    return time.thread_time(), float(window.session.run_in_worker(lambda _: time.thread_time())), time.process_time()


def _play(window, recorder: _Recorder, seconds: float) -> dict[str, float]:
    """Play at full speed for ``seconds`` after a warm-up; the rates the window showed."""
    window.session.set_speed(0)
    window.session.play()
    _run_loop(WARM_UP_S)
    first = len(recorder.times)
    started, (gui0, train0, all0) = time.perf_counter(), _thread_seconds(window)
    _run_loop(seconds)
    elapsed = time.perf_counter() - started
    gui1, train1, all1 = _thread_seconds(window)
    times, epochs = recorder.times[first:], recorder.epochs[first:]
    span = times[-1] - times[0] if len(times) > 1 else float("nan")
    p50, p90, p99 = percentiles_ms(np.diff(times))
    return {
        "epochs_per_s": (epochs[-1] - epochs[0]) / span if len(times) > 1 else 0.0,
        "frames_per_s": (len(times) - 1) / span if len(times) > 1 else 0.0,
        "interval_p50_ms": p50,
        "interval_p90_ms": p90,
        "interval_p99_ms": p99,
        "gui_cpu": (gui1 - gui0) / elapsed,
        "train_cpu": (train1 - train0) / elapsed,
        "helper_cpu": ((all1 - all0) - (gui1 - gui0) - (train1 - train0)) / elapsed,
    }


def _frame_cost(window) -> dict[str, float]:
    """Paused: CPU ms to build one frame in the training thread, and to draw and paint it in
    the GUI thread. The process's CPU time, which other processes do not inflate: paused, the
    other threads are idle but for the helpers a frame uses (the probes' pool while building,
    the diagram's edge painter while drawing), whose work a thread's own clock would miss."""
    from PySide6.QtCore import QEventLoop
    from PySide6.QtWidgets import QApplication

    from ..session.worker import make_frame

    session = window.session
    session.pause()

    def in_worker(function: Callable[[Any], Any]) -> Any:
        # A loaded machine and the deepest network take their time: a minute, not the usual 10 s.
        return session.worker.call(function, timeout=60.0, read=False)

    def new_frame(trainer) -> Any:
        trainer.step(1)
        return make_frame(trainer, False, trainer.last_stats())

    in_worker(lambda trainer: None)  # the pause has taken effect
    build = in_worker(
        lambda trainer: median_ms(
            lambda: make_frame(trainer, False, trainer.last_stats()), repeats=3, inner=1, clock=time.process_time
        )
    )
    # A playing frame of a big network probes a coarser grid (training/probes.playing_resolution).
    build_playing = in_worker(
        lambda trainer: median_ms(
            lambda: make_frame(trainer, True, trainer.last_stats()), repeats=3, inner=1, clock=time.process_time
        )
    )
    frames = [in_worker(new_frame) for _ in range(4)]
    index = iter(range(10**9))

    def draw() -> None:
        window.draw_frame(frames[next(index) % len(frames)])
        QApplication.processEvents(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)  # the paints

    return {
        "build_ms": float(build),
        "build_playing_ms": float(build_playing),
        "draw_ms": median_ms(draw, repeats=5, inner=2, clock=time.process_time),
    }


def run_scenario(name: str, seconds: float) -> dict[str, Any]:
    """Measure one scenario in this process (see the module docstring); a JSON-ready dict."""
    scenario = SCENARIOS[name]
    _, window = _open_window(scenario)
    recorder = _Recorder(window)
    result: dict[str, Any] = {"scenario": name, "points": window.session.dataset.n}
    result.update(_play(window, recorder, seconds))
    probe = _CommandProbe(window, recorder)
    probe.run(COMMAND_REPEATS)
    recorder.on_frame = None
    result["latency_ms"] = {command: [1e3 * v for v in values] for command, values in probe.latencies.items()}
    result["latency_cpu_ms"] = {command: [1e3 * v for v in values] for command, values in probe.cpu.items()}
    result.update(_frame_cost(window))
    window.close()
    result["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    return result


def _child(name: str, seconds: float) -> dict[str, Any] | None:
    """``run_scenario`` in a fresh process; None (and its error output) if it failed."""
    command = [sys.executable, "-m", __name__, name, "--seconds", str(seconds)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode or not lines:
        print(f"  {name}: failed (exit {done.returncode})\n{done.stderr[-2000:]}")
        return None
    return json.loads(lines[-1])


def _latency_text(latencies: dict[str, list[float]], cpu: dict[str, list[float]]) -> str:
    return "; ".join(
        f"{command} {np.median(values):.0f} ms median, {max(values):.0f} max"
        + (f" (CPU {np.median(cpu[command]):.0f} / {max(cpu[command]):.0f})" if cpu.get(command) else "")
        for command, values in latencies.items()
    )


def bench_ui(seconds: float = 5.0, only: list[str] | None = None) -> None:
    """Run the scenarios (``only`` those named) and print their numbers."""
    names = [name for name in only or SCENARIOS if name != STARTUP]
    unknown = sorted(set(names) - set(SCENARIOS))
    if unknown:
        raise ValueError(f"bench ui: unknown scenario {', '.join(unknown)} (choose from {', '.join(SCENARIOS)})")
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    print(f"UI (offscreen, the window at its default size, {os.cpu_count()} cores, load average {load})")
    print(
        f"playing at max speed for {seconds:g} s after {WARM_UP_S:g} s of warm-up; latencies: "
        f"{COMMAND_REPEATS} of each command while playing, until the first frame drawn that shows it"
    )
    for name in names:
        r = _child(name, seconds)
        if r is None:
            continue
        print(f"- {SCENARIOS[name].title}")
        print(
            f"    {r['epochs_per_s']:.3g} epochs/s, {r['frames_per_s']:.1f} frames/s; frame interval "
            f"p50 {r['interval_p50_ms']:.0f} / p90 {r['interval_p90_ms']:.0f} / p99 {r['interval_p99_ms']:.0f} ms; "
            f"CPU: GUI thread {100 * r['gui_cpu']:.0f}%, training thread {100 * r['train_cpu']:.0f}%, "
            f"helper threads {100 * r['helper_cpu']:.0f}%"
        )
        print(
            f"    command latency (CPU of both threads meanwhile): "
            f"{_latency_text(r['latency_ms'], r.get('latency_cpu_ms', {}))}"
        )
        print(
            f"    paused, one frame (process CPU time): built in {r['build_ms']:.1f} ms "
            f"(a playing one {r['build_playing_ms']:.1f} ms), drawn and painted in {r['draw_ms']:.1f} ms; "
            f"peak memory {r['peak_rss_mib']:.0f} MiB"
        )
    if only is None or STARTUP in only:
        # The real entry point, as ``bench startup`` measures it (one measurement, not two that disagree).
        from .startup_bench import bench_startup

        print("- ", end="")
        bench_startup()


def main(argv: list[str] | None = None) -> int:
    """One scenario in this process, its numbers as one JSON line (what ``bench_ui`` runs)."""
    parser = argparse.ArgumentParser(prog=f"python -m {__name__}", description=main.__doc__)
    parser.add_argument("scenario", choices=sorted(SCENARIOS))
    parser.add_argument("--seconds", type=float, default=5.0, help="seconds of playing measured")
    args = parser.parse_args(argv)
    from ...engine.allocator import tune_allocator

    tune_allocator()  # as the application's entry point does
    print(json.dumps(run_scenario(args.scenario, args.seconds)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
