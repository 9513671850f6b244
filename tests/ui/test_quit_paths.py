"""Quitting while training plays, by a way that does not close the window (``QApplication.quit()``
while it is hidden, ``QCoreApplication.exit()``, SIGTERM at a logout): the process ends with status
0, every thread joined (Qt aborted with "QThread: Destroyed while thread is still running" while
the training thread ran on), and the unsaved session is autosaved and kept for the next start.
The real app runs offscreen in a subprocess (shell/shutdown.py)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import imageio.v3 as iio
import pytest
from file_fixtures import app_env

from playground.training.sessions import read_session

QUIT_TIMEOUT = 60  # s: a bound on a hang (the child takes 2 to 3 s), not a timing

# The child plays (the Play / Pause action, as Space does) until a few epochs are trained and the
# session is marked modified, prints the epoch, then quits as argv[1] says.
CHILD = """
import os, signal, sys
from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication

app = QApplication([sys.argv[0]])
how = sys.argv[1]


def at_start():
    window = next(w for w in app.topLevelWidgets() if type(w).__name__ == "MainWindow")
    play = next(a for a in window.findChildren(QAction) if a.text() == "Play / Pause")
    play.trigger()
    if len(sys.argv) > 2:  # and record the window meanwhile, to argv[2]
        from playground.ui.media.recorder import RecordingControls

        assert window.findChild(RecordingControls).start(sys.argv[2])

    def quit_when_trained():
        frame = window.session.latest_frame
        if not window.session.playing or frame is None or frame.epoch < 3 or not window.files.modified:
            QTimer.singleShot(20, quit_when_trained)
            return
        print("epoch", frame.epoch, flush=True)
        if how == "quit":
            window.hide()  # shown, Qt would close it first (the ordinary, asking way out)
            QApplication.quit()
        elif how == "exit":
            QCoreApplication.exit(0)
        else:
            os.kill(os.getpid(), getattr(signal, how))

    quit_when_trained()


QTimer.singleShot(0, at_start)
from playground.__main__ import main

sys.exit(main(["--no-restore"]))
"""


def quit_while_playing(tmp_path, how: str, *recording: str) -> tuple[subprocess.CompletedProcess, int]:
    """Run the child quitting by ``how`` (recording to the path ``recording`` names, if any); its
    outcome and the epoch it had trained when it quit."""
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(CHILD), how, *recording],
        env=app_env(tmp_path / "data"),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=QUIT_TIMEOUT,
    )
    epochs = [int(line.split()[1]) for line in done.stdout.splitlines() if line.startswith("epoch ")]
    assert epochs, done.stdout + done.stderr
    return done, epochs[0]


def assert_stopped_cleanly_and_kept_the_session(tmp_path, done: subprocess.CompletedProcess, epoch: int) -> None:
    assert done.returncode == 0, done.stderr
    assert "QThread: Destroyed" not in done.stderr
    assert "Traceback" not in done.stderr
    folder = tmp_path / "data" / "autosave"
    kept = list(folder.glob("autosave-*.playground.json"))
    assert len(kept) == 1, sorted(p.name for p in folder.iterdir())
    # Written as the loop ended: at least the epochs trained when the quit came, so nothing is lost.
    assert read_session(kept[0]).trainer.epoch >= epoch
    # Its lock is released: the next start offers to restore it (autosave.find_orphan).
    assert list(folder.glob("*.lock")) == []


def test_quit_while_playing_and_recording_joins_the_threads_keeps_the_autosave_and_the_video(tmp_path):
    video = tmp_path / "quit.mp4"
    done, epoch = quit_while_playing(tmp_path, "quit", str(video))
    assert_stopped_cleanly_and_kept_the_session(tmp_path, done, epoch)
    frames = iio.imread(video)  # finished on aboutToQuit: whole, it decodes to the end
    assert frames.ndim == 4 and len(frames) >= 1


@pytest.mark.skipif(sys.platform == "win32", reason="SIGTERM cannot be caught on Windows")
def test_sigterm_while_playing_ends_the_loop_and_keeps_the_autosave(tmp_path):
    done, epoch = quit_while_playing(tmp_path, "SIGTERM")
    assert_stopped_cleanly_and_kept_the_session(tmp_path, done, epoch)
