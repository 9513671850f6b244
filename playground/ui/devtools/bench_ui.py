"""The UI benchmark: frame cost, training speed while drawing, start-up time (offscreen).

Run it through ``python -m playground.bench ui``.
"""

from __future__ import annotations

import os
import sys
import time

import numpy as np

from ...timing import median_ms


def _window(n: int, batch_size: int | None = None):
    """An offscreen MainWindow on a preset of ``n`` points, laid out and shown."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from ...data import make_dataset
    from ...training.defaults import DEFAULT_CONFIG
    from ..shell.main_window import MainWindow
    from ..plots.style import configure_pyqtgraph

    configure_pyqtgraph()  # as the app does

    app = QApplication.instance() or QApplication([])
    config = DEFAULT_CONFIG.replace(hidden=(8, 8))
    if batch_size:
        config = config.replace(batch_size=batch_size)
    window = MainWindow(make_dataset("spiral", n=n, noise=0.1, seed=0, test_fraction=0.3), config)
    window.show()
    for _ in range(20):
        app.processEvents()
    return app, window


def _frame_ms(n: int, diagram: bool = True) -> float:
    """Median cost of drawing one new frame on every plot and painting it, as the app does
    (without the network diagram column when ``diagram`` is False)."""
    from PySide6.QtCore import QEventLoop
    from PySide6.QtWidgets import QApplication

    from ..session.worker import make_frame

    app, window = _window(n)
    window.network_view.panel.setVisible(diagram)
    window.session.pause()
    trainer = window.session.trainer
    frames = []
    for _ in range(5):
        trainer.step(1)
        frames.append(make_frame(trainer, False, trainer.last_stats()))  # paused: every plot redraws
    index = iter(range(10**9))

    def draw() -> None:
        window.draw_frame(frames[next(index) % len(frames)])
        QApplication.processEvents(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)  # the paints

    ms = median_ms(draw, repeats=7, inner=10)
    window.close()
    return ms


def _playing_rates(batch_size: int, seconds: float = 5.0) -> tuple[float, float]:
    """Epochs per second and frames drawn per second while playing at full speed."""
    from PySide6.QtCore import QTimer

    app, window = _window(500, batch_size)
    drawn = []
    original = window.draw_frame
    window.draw_frame = lambda frame: (drawn.append(frame.epoch), original(frame))
    start_epoch = window.session.trainer.epoch
    window.session.set_speed(0)
    window.session.play()
    # The real event loop, as in the app: it sleeps in Qt until something happens.
    # (A processEvents() polling loop wakes the GUI thread a thousand times a second
    # and takes the GIL from the training thread each time.)
    start = time.perf_counter()
    QTimer.singleShot(int(seconds * 1000), app.quit)
    app.exec()
    window.session.pause()
    elapsed = time.perf_counter() - start
    epochs = (drawn[-1] if drawn else start_epoch) - start_epoch
    window.close()
    return epochs / elapsed, len(drawn) / elapsed


def _startup_seconds(repeats: int = 5) -> float:
    """Median time from starting a Python process to the window shown and painted."""
    import subprocess
    script = ("import os; os.environ.setdefault('QT_QPA_PLATFORM', 'offscreen');"
              "from PySide6.QtWidgets import QApplication;"
              "from playground.ui.shell.main_window import MainWindow;"
              "app = QApplication([]); w = MainWindow(); w.show(); app.processEvents();"
              "w.grab(); print('shown', flush=True); w.close()")
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
        child.stdout.readline()  # returns when the window has been shown and painted
        times.append(time.perf_counter() - start)
        child.wait()
    return float(np.median(times))


def bench_ui() -> None:
    print("UI (offscreen)")
    for n in (1000, 10000):
        print(f"  frame, the four plots updated and the window painted, {n} points: "
              f"{_frame_ms(n, diagram=False):.1f} ms; with the network diagram too: {_frame_ms(n):.1f} ms")
    from ...training.defaults import DEFAULT_CONFIG
    for batch in sorted({DEFAULT_CONFIG.batch_size, 10}, reverse=True):
        epochs, frames = _playing_rates(batch)
        print(f"  playing n=500 (350 training points), 2-8-8-1, batch {batch}, full speed: "
              f"{epochs:.0f} epochs/s, {frames:.0f} frames/s drawn")
    print(f"  start-up, process start to the window shown and painted: {_startup_seconds():.2f} s")
