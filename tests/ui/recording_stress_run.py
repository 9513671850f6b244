"""Run by test_recording_stress.py in a process of its own (a hang there fails on a timeout).

Plays training at full speed in a small real window and starts and stops
recordings back to back, alternating MP4 and GIF.
Python's own pre-fork hooks (``os.register_at_fork``) run only when a child is
started with a real ``fork()`` (a ``preexec_fn``), never with vfork or
posix_spawn: their count must stay 0. Prints one JSON line.

    python recording_stress_run.py FOLDER RECORDINGS
"""

from __future__ import annotations

import json
import os
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
FORKS: list[int] = []
os.register_at_fork(before=lambda: FORKS.append(1))


def main(folder: str, recordings: int) -> dict:
    from PySide6.QtWidgets import QApplication

    from playground.data import make_dataset
    from playground.training import TrainingConfig
    from playground.ui import MainWindow
    from playground.ui.media.recorder import RecordingControls

    app = QApplication.instance() or QApplication([])
    window = MainWindow(
        make_dataset("spiral", n=300, noise=0.1, seed=0, test_fraction=0.3),
        TrainingConfig(hidden=(16, 16), activation="tanh", lr=0.03, batch_size=10, seed=0),
    )
    window.resize(900, 560)
    window.show()
    for _ in range(20):
        app.processEvents()
    controls = window.findChild(RecordingControls)
    controls.area, controls.fps, controls.folder = "plots", 30, folder
    window.session.set_speed(0.0)  # as fast as it goes
    window.session.play()
    paths = []
    began = time.perf_counter()
    for index in range(recordings):
        controls.format = ("mp4", "gif")[index % 2]
        if not controls.start():
            raise SystemExit(f"recording {index} did not start: {window.banner.text()}")
        until = time.perf_counter() + 0.05
        while time.perf_counter() < until:
            app.processEvents()
            time.sleep(0.002)
        paths.append(controls.stop())
    recorded = time.perf_counter()
    saved = controls.recorder.wait_saved(60)
    finished = time.perf_counter()
    epochs = window.session.latest_frame.epoch
    window.session.pause()
    window.close()
    return {
        "paths": paths,
        "saved": saved,
        "epochs": epochs,
        "forks": len(FORKS),
        "seconds": {"recording": recorded - began, "saving": finished - recorded},
    }


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], int(sys.argv[2]))))
