"""What the network diagram costs a frame, in the GUI thread's CPU time (prints numbers, asserts nothing).

For the window's default network (2-16-16-1) and the largest (10 hidden layers of 64
units), in a diagram of the size it has in a 1280x720 window, three kinds of frame:

- ``playing``: frames of a network training between them (one epoch of 1,000 points
  each), made as the worker makes them while playing (a big network's coarser grid),
  arriving 30 times a second; per frame, the CPU of ``show_frame``, of the paint it
  asks for and of the events until the next frame (the edges' catch-up timer). The
  mean counts what is done only every few frames (the edges' restyle, at most every
  ``scene.EDGE_INTERVAL``).
- ``still``: the same training's frames as paused or stepped (the full grid, every
  edge restyled at once): ``show_frame`` and the paint it asks for.
- ``all moved``: still frames whose every weight moved (each edge's pen may change):
  the worst case for the edges.

The edges' pictures are painted in a helper thread (``edges.py``): beside the GUI thread's CPU
the process's (both threads; nothing else runs in this script) is printed too.

Cases and kinds are interleaved in rounds, so a load spike on the shared machine
does not decide a result; medians over the rounds. Compare two versions of the code by
running this script from each (``PYTHONPATH=<checkout> python benchmarks/diagram_frame.py``),
alternating.

Run: ``QT_QPA_PLATFORM=offscreen python benchmarks/diagram_frame.py [--frames N] [--rounds R]``.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import statistics
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from playground.data import make_dataset  # noqa: E402
from playground.training import Trainer, TrainingConfig  # noqa: E402
from playground.training import config as config_module  # noqa: E402
from playground.training.health import GradientHealth  # noqa: E402
from playground.ui.diagram.network_diagram import NetworkDiagram  # noqa: E402
from playground.ui.session.worker import make_frame  # noqa: E402

SIZE = (250, 600)  # px: the diagram's viewport in a 1280x720 window
FRAME_INTERVAL = 1 / 30  # s between two playing frames
CASES = {
    "default 2-16-16-1": (16, 16),
    f"{config_module.MAX_HIDDEN_LAYERS} x 64": (64,) * config_module.MAX_HIDDEN_LAYERS,
}
KINDS = ("playing", "still", "all moved")


def training_frames(hidden: tuple[int, ...], count: int, playing: bool) -> list:
    """``count`` frames of a network trained one epoch between two of them (seeded: the same every run)."""
    dataset = make_dataset("spiral", n=1000, noise=0.1, seed=0)
    trainer = Trainer(dataset, TrainingConfig(hidden=hidden, activation="tanh", optimizer="adam", seed=0))
    out = []
    for _ in range(count):
        stats = trainer.step()
        out.append(make_frame(trainer, playing, stats))
    return out


def moved_frames(frame, count: int) -> list:
    """``count`` copies of still ``frame`` whose every weight is scaled by its own random factor."""
    rng = np.random.default_rng(0)
    return [
        dataclasses.replace(frame, weights=[(W * rng.uniform(-1.5, 1.5, W.shape), b) for W, b in frame.weights])
        for _ in range(count)
    ]


class Bench:
    """One diagram and the frames of one network, measured kind by kind."""

    def __init__(self, hidden: tuple[int, ...], count: int) -> None:
        self.frames = {
            "playing": training_frames(hidden, count, True),
            "still": training_frames(hidden, count, False),
        }
        self.frames["all moved"] = moved_frames(self.frames["still"][-1], count)
        self.diagram = NetworkDiagram()
        self.diagram.resize(*SIZE)
        self.diagram.show()
        self.health = GradientHealth()
        QApplication.processEvents()

    def run(self, kind: str) -> tuple[list[float], list[float]]:
        """Per frame, the GUI thread's and the process's CPU seconds (the first two frames, which
        build, left out)."""
        diagram, gui, process = self.diagram, [], []
        for i, frame in enumerate(self.frames[kind]):
            due = time.perf_counter() + FRAME_INTERVAL
            start, whole = time.thread_time(), time.process_time()
            diagram.show_frame(frame, self.health)
            QApplication.processEvents()  # the paint it asked for, once, as in the window's event loop
            if kind == "playing":  # what else runs before the next frame: the edges' timer and its paint
                _wait(due - time.perf_counter())
            if i >= 2:
                gui.append(time.thread_time() - start)
                process.append(time.process_time() - whole)
        if kind == "playing":  # let the last catch-up happen outside the next measurement
            _wait(0.2)
        return gui, process


def _wait(seconds: float) -> None:
    """Run Qt's event loop for ``seconds`` (idle, not spinning: the thread's CPU counts only the work)."""
    loop = QEventLoop()
    QTimer.singleShot(max(0, int(seconds * 1000)), loop.quit)
    loop.exec()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=20, help="frames per kind and round")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    QApplication.instance() or QApplication([])
    benches = {name: Bench(hidden, args.frames + 2) for name, hidden in CASES.items()}
    samples: dict[tuple[str, str], list[tuple[list[float], list[float]]]] = {(n, k): [] for n in CASES for k in KINDS}
    for _ in range(args.rounds):
        for kind in KINDS:
            for name, bench in benches.items():
                samples[name, kind].append(bench.run(kind))
    print(
        f"diagram {SIZE[0]}x{SIZE[1]} px, CPU ms per frame (show_frame + paint"
        f" [+ events until the next frame, playing]); {args.rounds} interleaved rounds of {args.frames} frames;"
        " median of the rounds' medians / of their means / of their 90th percentiles; GUI thread, then process"
    )
    for name in CASES:
        for kind in KINDS:
            texts = []
            for which in (0, 1):
                rounds = [r[which] for r in samples[name, kind]]
                med = statistics.median(statistics.median(r) for r in rounds) * 1e3
                mean = statistics.median(statistics.fmean(r) for r in rounds) * 1e3
                p90 = statistics.median(float(np.percentile(r, 90)) for r in rounds) * 1e3
                texts.append(f"{med:5.1f} / {mean:5.1f} / {p90:5.1f}")
            print(f"  {name:>18}  {kind:>9}: GUI {texts[0]}   process {texts[1]} ms")


if __name__ == "__main__":
    main()
