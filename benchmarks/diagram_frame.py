"""What the network diagram costs a frame (prints numbers, asserts nothing).

For the window's default network (2-16-16-1) and the largest (10 hidden layers of 64
units), in a diagram of the size it has in a 1280x720 window: the median time of
``show_frame`` for a frame whose weights all moved (maps, edge styles and marks: the
restyle) and of one paint of the diagram (the viewport's ``repaint``), both in the GUI
thread's CPU time, so that other processes on a shared machine do not count.

Run: ``QT_QPA_PLATFORM=offscreen python benchmarks/diagram_frame.py [--frames N]``.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import statistics
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from playground.data import make_dataset  # noqa: E402
from playground.training import Trainer, TrainingConfig  # noqa: E402
from playground.training import config as config_module  # noqa: E402
from playground.training.health import GradientHealth  # noqa: E402
from playground.ui.diagram.network_diagram import NetworkDiagram  # noqa: E402
from playground.ui.session.worker import make_frame  # noqa: E402

SIZE = (250, 600)  # px: the diagram's viewport in a 1280x720 window
CASES = {
    "default 2-16-16-1": (16, 16),
    f"{config_module.MAX_HIDDEN_LAYERS} x 64": (64,) * config_module.MAX_HIDDEN_LAYERS,
}


def frames(hidden: tuple[int, ...], count: int) -> list:
    """``count`` frames of one network whose weights all change from frame to frame."""
    dataset = make_dataset("spiral", n=300, noise=0.1, seed=0)
    trainer = Trainer(dataset, TrainingConfig(hidden=hidden, activation="tanh", optimizer="adam", seed=0))
    first = trainer.last_stats()
    frame = make_frame(trainer, True, first)
    rng = np.random.default_rng(0)
    out = []
    for _ in range(count):
        weights = [(W * rng.uniform(-1.5, 1.5, W.shape), b) for W, b in frame.weights]
        out.append(dataclasses.replace(frame, weights=weights))
    return out


def measure(hidden: tuple[int, ...], count: int) -> tuple[float, float]:
    diagram = NetworkDiagram()
    diagram.resize(*SIZE)
    diagram.show()
    QApplication.processEvents()
    health = GradientHealth()
    shows, paints = [], []
    for i, frame in enumerate(frames(hidden, count + 2)):
        start = time.thread_time()
        diagram.show_frame(frame, health)
        shown = time.thread_time() - start
        start = time.thread_time()
        diagram.viewport().repaint()
        painted = time.thread_time() - start
        if i >= 2:  # the first frames build the scene
            shows.append(shown)
            paints.append(painted)
    diagram.close()
    return statistics.median(shows), statistics.median(paints)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=15)
    args = parser.parse_args()
    QApplication.instance() or QApplication([])
    print(f"diagram {SIZE[0]}x{SIZE[1]} px, medians of {args.frames} frames whose weights all moved, CPU ms")
    for name, hidden in CASES.items():
        show, paint = measure(hidden, args.frames)
        print(f"  {name:>18}: show_frame {show * 1e3:7.1f} ms   paint {paint * 1e3:7.1f} ms")


if __name__ == "__main__":
    main()
