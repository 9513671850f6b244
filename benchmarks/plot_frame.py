"""What each plot of the window costs a frame of the default session (prints numbers, asserts nothing).

The real window (offscreen, 1280x720, paused) draws a sequence of real frames of the
default session (2-16-16-1 tanh, Adam, spiral of 300 points), a few epochs apart as
while playing at "max". For each plot it prints the median GUI-thread CPU time of
giving it the frame (``set``) and of one paint of its view (``paint``), and for the
whole ``draw_frame`` plus the events it leaves (every dock's paint and layout).

``--tree DIR`` (repeatable) compares source trees, e.g. a ``git archive`` of an older
commit: each round runs one child process per tree, in turn, so a load spike on the
shared machine hits every tree alike; the medians over rounds are printed side by side.

Run: ``QT_QPA_PLATFORM=offscreen python benchmarks/plot_frame.py [--frames N] [--rounds R] [--tree DIR ...]``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

WARM_EPOCHS = 300  # the first frames of a run are not what a user watches for long
EPOCHS_PER_FRAME = 17  # 500 epochs/s at 30 frames/s
PLOTS = ("boundary", "activation", "loss", "gradients")


def _frames(count: int) -> list:
    """``count`` frames of the default session, ``EPOCHS_PER_FRAME`` epochs apart, drawn as still frames
    (``playing=False``) so that ``draw_frame`` gives every plot each one."""
    from playground.training import Trainer, defaults
    from playground.ui.session.worker import make_frame

    dataset, config = defaults.default_session()
    trainer = Trainer(dataset, config)
    trainer.step(WARM_EPOCHS)
    out = []
    for _ in range(count):
        stats = trainer.step(EPOCHS_PER_FRAME)
        out.append(make_frame(trainer, False, stats))
    return out


def _timed(record: list[float], function: Callable) -> Callable:
    def wrapper(*args, **kwargs):
        start = time.thread_time()
        try:
            return function(*args, **kwargs)
        finally:
            record.append(time.thread_time() - start)

    return wrapper


def measure(count: int) -> dict[str, float]:
    """Median CPU ms per plot (``<plot> set``, ``<plot> paint``) and for the whole frame."""
    from PySide6.QtCore import QEventLoop
    from PySide6.QtWidgets import QApplication

    from playground.training import defaults
    from playground.ui.plots.style import configure_pyqtgraph
    from playground.ui.shell.main_window import DEFAULT_SIZE, MainWindow

    configure_pyqtgraph()
    app = QApplication.instance() or QApplication([sys.argv[0]])
    window = MainWindow(*defaults.default_session())
    window.resize(DEFAULT_SIZE)
    window.show()
    for _ in range(20):
        app.processEvents()
    frames = _frames(count + 3)

    sets: dict[str, list[float]] = defaultdict(list)
    window.boundary_plot.set_map = _timed(sets["boundary"], window.boundary_plot.set_map)
    window.activation_view.show_frame = _timed(sets["activation"], window.activation_view.show_frame)
    window.loss_plot.update_history = _timed(sets["loss"], window.loss_plot.update_history)
    window.gradient_plot.update_history = _timed(sets["gradients"], window.gradient_plot.update_history)
    views = {
        "boundary": window.boundary_plot,
        "activation": window.activation_view.plot,
        "loss": window.loss_plot,
        "gradients": window.gradient_plot,
    }
    paints: dict[str, list[float]] = defaultdict(list)
    whole: list[float] = []
    flags = QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents
    for i, frame in enumerate(frames):
        start = time.thread_time()
        window.draw_frame(frame)
        app.processEvents(flags)  # layouts and the other docks' paints, as the event loop would
        whole.append(time.thread_time() - start)
        if i < 3:
            continue  # the first frames settle the axes and legends
        for k, (name, view) in enumerate(views.items()):
            # The previous and this frame in turn: each paint follows new data, as while playing.
            window.draw_frame(frames[i - 1] if k % 2 == 0 else frame)
            start = time.thread_time()
            view.viewport().repaint()
            paints[name].append(time.thread_time() - start)
            app.processEvents(flags)
    window.session.shutdown()
    window.close()

    def ms(values: list[float]) -> float:
        return 1e3 * statistics.median(values[3:] if len(values) > 3 else values)

    result = {f"{name} set": ms(sets[name]) for name in PLOTS}
    result.update({f"{name} paint": 1e3 * statistics.median(paints[name]) for name in PLOTS})
    result["whole frame"] = ms(whole)
    return result


def _child(tree: str, count: int) -> dict[str, float]:
    env = dict(os.environ, PYTHONPATH=tree, QT_QPA_PLATFORM="offscreen")
    script = Path(tree, "benchmarks", "plot_frame.py")
    if not script.exists():  # an older tree without this script: run this one on its package
        script = Path(__file__)
    out = subprocess.run(
        [sys.executable, str(script), "--child", "--frames", str(count)],
        env=env,
        cwd=tree,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--tree", action="append", default=[], help="a source tree to compare (repeatable)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.frames)))
        return
    trees = args.tree or [str(Path(__file__).resolve().parents[1])]
    runs: dict[str, list[dict[str, float]]] = defaultdict(list)
    for round_ in range(args.rounds):
        # Every other round in the reverse order: a tree run first in each round would meet the
        # shared machine's load on other terms than the one after it.
        for tree in trees if round_ % 2 == 0 else trees[::-1]:
            runs[tree].append(_child(tree, args.frames))
    print(
        f"default session, {args.frames} frames {EPOCHS_PER_FRAME} epochs apart after {WARM_EPOCHS}; "
        f"GUI-thread CPU ms, median of {args.rounds} rounds of per-run medians"
        + ("; last column: the median of the rounds' ratios, last tree / first" if len(trees) > 1 else "")
    )
    keys = list(runs[trees[0]][0])
    print(
        f"{'':18}"
        + "".join(f"{Path(t).name[-14:]:>16}" for t in trees)
        + ("           ratio" if len(trees) > 1 else "")
    )
    for key in keys:
        cells = "".join(f"{statistics.median(r[key] for r in runs[t]):16.2f}" for t in trees)
        if len(trees) > 1:
            ratios = [last[key] / first[key] for first, last in zip(runs[trees[0]], runs[trees[-1]]) if first[key] > 0]
            cells += f"{statistics.median(ratios):16.2f}" if ratios else f"{'-':>16}"
        print(f"{key:18}{cells}")


if __name__ == "__main__":
    main()
