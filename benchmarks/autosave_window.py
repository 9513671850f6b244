"""Autosave and Save at long histories, in the real window (offscreen): prints numbers, asserts nothing.

For each history length the window plays at full speed for ``SECONDS`` with
autosave every ``INTERVAL`` seconds (the app's default is 3 s) and once without
autosave, and reports:

- epochs per second while playing;
- the longest gap between two ticks of a 5 ms timer on the window's thread
  (how long the window could not answer);
- the copy taken in the training thread per autosave (``capture``), and the
  longest the encoder held Python's lock in one piece;
- one File > Save and the Open of that file (both in the background), with the
  longest gap of the window's thread during each;
- at the end, the Open of a hostile 200 MiB session of empty lists.

Run: ``python benchmarks/autosave_window.py [EPOCHS ...]`` (default 100000 300000).
"""

from __future__ import annotations

import os
import sys
import tempfile
import threading
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

SECONDS = 8.0
INTERVAL = 3.0


def inflate(trainer, epochs: int) -> None:
    """Give ``trainer`` a history of ``epochs`` epochs (its own rows repeated), as after
    hours of training, without the hours."""
    from playground.training.history import History

    history = trainer.history
    rows = len(history)
    big = History(history.n_layers)
    big._allocate(epochs)
    for name, column in history._columns.items():
        values = column[:rows]
        big._columns[name][:epochs] = np.concatenate([values] * (epochs // rows + 1))[:epochs]
    big._columns["epoch"][:epochs] = np.arange(1, epochs + 1)
    big._size = epochs
    trainer.history = big
    trainer.epoch = epochs


class Gaps:
    """The longest pause between ticks of a fast timer on the window's thread."""

    def __init__(self) -> None:
        self.timer = QTimer(interval=5)
        self.timer.timeout.connect(self._tick)
        self.reset()
        self.timer.start()

    def reset(self) -> None:
        self.last = time.perf_counter()
        self.longest = 0.0

    def _tick(self) -> None:
        now = time.perf_counter()
        self.longest = max(self.longest, now - self.last)
        self.last = now


def wait(app, seconds: float) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        app.processEvents()
        time.sleep(0.001)


def run(epochs: int) -> None:
    from playground.ui import MainWindow
    from playground.ui.files import autosave, session_files
    from playground.ui.files import capture as capture_module
    from playground.ui.files.autosave import Autosaver
    from playground.ui.shell import dialogs

    app = QApplication.instance() or QApplication([])
    window = MainWindow()
    window.show()
    session = window.session
    while session.latest_frame is None:
        app.processEvents()
    session.step(20)
    wait(app, 1.0)
    session.run_in_worker(lambda trainer: inflate(trainer, epochs))
    session.step(1)
    wait(app, 0.5)
    gaps = Gaps()
    folder = Path(tempfile.mkdtemp())
    captures: list[float] = []  # the copy itself, timed in the training thread
    real_capture = session_files.capture

    def timed_capture(trainer, timeline):
        start = time.perf_counter()
        result = real_capture(trainer, timeline)
        captures.append(time.perf_counter() - start)
        return result

    session_files.capture = timed_capture
    holds: list[float] = []
    real_json = capture_module.capture_json

    def watched_json(captured):
        # The encoder's longest single hold of the lock, seen from a probe thread.
        done = threading.Event()
        longest = [0.0]

        def probe() -> None:
            last = time.perf_counter()
            while not done.is_set():
                time.sleep(0.001)
                now = time.perf_counter()
                longest[0] = max(longest[0], now - last)
                last = now

        thread = threading.Thread(target=probe)
        thread.start()
        try:
            return real_json(captured)
        finally:
            done.set()
            thread.join()
            holds.append(longest[0])

    autosave.capture_json = watched_json
    for with_autosave in (False, True):
        saver = Autosaver(window.files, folder, INTERVAL) if with_autosave else None
        before = session.run_in_worker(lambda trainer: trainer.epoch)
        gaps.reset()
        session.play()
        start = time.perf_counter()
        while time.perf_counter() - start < SECONDS:
            if saver is not None:
                session.changed.emit()  # as training's own changes do: always something to autosave
                window.files.document.set_modified(True)
            wait(app, 0.05)
        session.pause()
        elapsed = time.perf_counter() - start
        after = session.run_in_worker(lambda trainer: trainer.epoch)
        label = "autosave every %.0f s" % INTERVAL if saver else "no autosave"
        print(
            f"{epochs:>7,} epochs, {label:<20}: {(after - before) / elapsed:6.1f} epochs/s, "
            f"longest window pause {gaps.longest * 1000:6.0f} ms",
            flush=True,
        )
        if saver is not None:
            saver.discard()
    if captures:
        print(
            f"{'':>7}  capture in the training thread: median {np.median(captures) * 1000:.0f} ms, "
            f"longest {max(captures) * 1000:.0f} ms ({len(captures)} autosaves); encoder's longest "
            f"hold of the lock {max(holds) * 1000:.0f} ms",
            flush=True,
        )

    path = folder / "long.playground.json"
    dialogs.choose_save_path = lambda *args: (str(path), "")
    gaps.reset()
    start = time.perf_counter()
    window.files.save_as()
    saved = time.perf_counter() - start
    save_gap = gaps.longest
    gaps.reset()
    window.files.confirm_unsaved = False
    start = time.perf_counter()
    window.files.open_session(path)
    opened = time.perf_counter() - start
    print(
        f"{'':>7}  Save {saved:.2f} s (window paused at most {save_gap * 1000:.0f} ms), "
        f"{path.stat().st_size / 2**20:.1f} MiB; Open {opened:.2f} s (at most "
        f"{gaps.longest * 1000:.0f} ms)",
        flush=True,
    )
    window.close()


def hostile_open() -> None:
    """Open a 200 MiB session of empty JSON lists (once accepted after 12 to 58 s and 5 GB)."""
    from playground.ui import MainWindow
    from playground.ui.shell import dialogs

    app = QApplication.instance() or QApplication([])
    window = MainWindow()
    window.show()
    while window.session.latest_frame is None:
        app.processEvents()
    errors = []
    dialogs.show_error = lambda parent, title, text: errors.append(text)
    path = Path(tempfile.mkdtemp()) / "empty-lists.playground.json"
    with open(path, "w") as out:
        out.write('{"format":"playground-session","x":[')
        for _ in range(200):
            out.write("[]," * (2**20 // 3))
        out.write("[]]}")
    gaps = Gaps()
    start = time.perf_counter()
    window.files.open_session(path)
    print(
        f"200 MiB of empty lists: refused in {time.perf_counter() - start:.2f} s, window paused at most "
        f"{gaps.longest * 1000:.0f} ms: {errors[0][:100] if errors else 'no error?'}",
        flush=True,
    )
    path.unlink()
    window.close()


if __name__ == "__main__":
    for count in [int(arg) for arg in sys.argv[1:]] or [100_000, 300_000]:
        run(count)
    hostile_open()
