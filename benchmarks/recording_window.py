"""Recording in the real window (offscreen, training playing at full speed): prints numbers, asserts nothing.

Prints the longest GUI stall (the largest gap between two ticks of a 10 ms
timer on the window's thread), how long ``stop`` kept the GUI thread, how long
the file took to be saved after that, the frames of the video and how many of
them repeat the frame before (dropped captures), and the file's size.
``--format none`` plays without recording, for comparison.

Run: ``python benchmarks/recording_window.py [--format gif|mp4|none] [--seconds 10] [--area window|plots]``.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time


def _measure(fmt: str, seconds: float, area: str, fps: int) -> dict[str, float]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from playground.data import make_dataset
    from playground.training.defaults import DEFAULT_CONFIG
    from playground.ui.media.recorder import RecordingControls
    from playground.ui.plots.style import configure_pyqtgraph
    from playground.ui.shell.main_window import MainWindow

    configure_pyqtgraph()
    app = QApplication.instance() or QApplication([])
    window = MainWindow(
        make_dataset("spiral", n=400, noise=0.1, seed=0, test_fraction=0.3), DEFAULT_CONFIG.replace(hidden=(8, 8))
    )
    window.resize(1280, 720)
    window.show()
    for _ in range(20):
        app.processEvents()
    controls = window.findChild(RecordingControls)
    controls.area, controls.format, controls.fps = area, fmt, fps
    gaps = [0.0]
    last = [time.perf_counter()]

    def tick() -> None:
        now = time.perf_counter()
        gaps[0] = max(gaps[0], now - last[0])
        last[0] = now

    timer = QTimer(interval=10)
    timer.timeout.connect(tick)
    timer.start()
    window.session.set_speed(0.0)  # as fast as it goes
    window.session.play()
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, f"bench.{fmt}")
        began = time.perf_counter()
        if fmt != "none":
            controls.start(path)
        while time.perf_counter() - began < seconds:
            app.processEvents()
            time.sleep(0.002)
        stall = gaps[0]
        stopping = time.perf_counter()
        controls.stop()
        stop_s = time.perf_counter() - stopping
        if fmt == "none":  # the window alone, for comparison
            window.session.pause()
            window.close()
            return {"recorded s": seconds, "max GUI stall s": stall}
        while not controls.recorder.wait_saved(0.01):
            app.processEvents()
        saved_s = time.perf_counter() - stopping
        recorder = controls.recorder
        result = {
            "recorded s": seconds,
            "max GUI stall s": stall,
            "stop s": stop_s,
            "saved after s": saved_s,
            "frames": recorder.frames,
            "repeats (dropped)": recorder.dropped,
            "MB": os.path.getsize(path) / 2**20,
        }
    window.session.pause()
    window.close()
    return result


def main(argv: list[str] | None = None) -> int:
    """Parse the options, record once, print one line per number."""
    parser = argparse.ArgumentParser(prog="python benchmarks/recording_window.py")
    parser.add_argument(
        "--format", choices=("mp4", "gif", "none"), default="gif", help="none: play without recording, for comparison"
    )
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--area", choices=("plots", "window"), default="window")
    parser.add_argument("--fps", type=int, default=30)
    args = parser.parse_args(argv)
    for name, value in _measure(args.format, args.seconds, args.area, args.fps).items():
        print(f"{name:>16}: {value:.3f}" if isinstance(value, float) else f"{name:>16}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
