"""``python -m playground.bench startup`` (and the start-up line of ``bench ui``): process start to the
window's first paint, the real entry point in fresh subprocesses (``startup_child``)."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time

import numpy as np


def bench_startup(repeats: int = 5) -> None:
    """Process start to the window's first paint, the real app offscreen in fresh subprocesses:
    medians of the wall time (what a busy machine inflates) and of the child's CPU time, and of each
    phase the child marks (ui/devtools/startup_child.py): imports, the window's build, first frame and paint."""
    walls: list[float] = []
    marks: dict[str, list[tuple[float, float]]] = {}
    # Bytecode cached as an installed copy has it (in a folder of this run's own, nothing written into
    # the tree); the first, uncounted run compiles it.
    cache = tempfile.TemporaryDirectory(prefix="playground-startup-pycache-")
    for run in range(repeats + 1):
        with tempfile.TemporaryDirectory(prefix="playground-startup-") as home:
            # The user's settings, recent files and autosaves stay untouched; offscreen: no display needed.
            env = dict(
                os.environ,
                QT_QPA_PLATFORM="offscreen",
                HOME=home,
                PLAYGROUND_DATA_DIR=home,
                PYTHONPYCACHEPREFIX=cache.name,
            )
            for name in ("PLAYGROUND_TEST_DRIVER", "PYTHONDONTWRITEBYTECODE"):
                env.pop(name, None)
            start = time.perf_counter()
            child = subprocess.run(
                [sys.executable, "-m", "playground.ui.devtools.startup_child"],
                env=env,
                capture_output=True,
                text=True,
                timeout=120,
            )
            wall = time.perf_counter() - start
            lines = [line.split() for line in child.stdout.splitlines()]
            if child.returncode or not lines or lines[-1][0] != "painted":
                raise RuntimeError(f"bench startup: the app did not paint (exit {child.returncode}):\n{child.stderr}")
            if run:
                walls.append(wall)
                for name, cpu, since in lines:
                    marks.setdefault(name, []).append((float(cpu), float(since)))
    cache.cleanup()
    cpus = [cpu for cpu, _ in marks["painted"]]
    print(
        f"Start-up of the real app (offscreen) to its first painted window, {repeats} fresh processes "
        "(after one that compiles the bytecode)"
    )
    print(
        f"  wall {np.median(walls):.2f} s (min {min(walls):.2f}), CPU {np.median(cpus):.2f} s (min {min(cpus):.2f})"
        " - medians; CPU time is what a loaded machine does not inflate"
    )
    # Each phase's CPU time, run by run (a median of differences, not a difference of medians).
    phases = (
        ("interpreter and imports", None, "built"),
        ("window build (MainWindow(), theme, show)", "built", "shown"),
        ("first frame and paint", "shown", "painted"),
    )
    for label, first, last in phases:
        if last not in marks or (first is not None and first not in marks):
            continue
        ends = [cpu for cpu, _ in marks[last]]
        begins = [cpu for cpu, _ in marks[first]] if first is not None else [0.0] * len(ends)
        spans = [end - begin for begin, end in zip(begins, ends)]
        print(f"  {label}: CPU {np.median(spans):.2f} s (min {min(spans):.2f})")
