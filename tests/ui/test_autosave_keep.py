"""``Autosaver.keep``: the run ends without the person being asked (a logout, SIGTERM, a script's
quit; shell/shutdown.py), so the unsaved session is written now and left, unlocked, for the next
start to offer; a session with nothing unsaved leaves nothing."""

from __future__ import annotations

import numpy as np
from file_fixtures import answers, wait_idle, window  # noqa: F401 - fixtures

from playground.data import AddPoints
from playground.training import load_session
from playground.ui.files.autosave import Autosaver, find_orphan
from playground.ui.shell.shutdown import finish

SECONDS = 3600.0  # no autosave tick during a test: what is on disk was written by keep()


def test_keep_writes_the_unsaved_session_now_and_leaves_it_for_the_next_start(window, qtbot, tmp_path):
    saver = Autosaver(window.files, tmp_path / "autosave", SECONDS)
    assert window.session.apply_edit(AddPoints(np.array([[1.0, 1.5]]), [1]), "Add points")
    window.session.step(3)
    wait_idle(qtbot, window)
    assert not saver.path.exists()  # no tick yet
    saver.keep()
    assert saver.finished
    kept = load_session(saver.path)
    assert kept.epoch == 3 and kept.dataset == window.session.dataset
    orphan = find_orphan(saver.path.parent)  # its lock is released: the next start offers it
    assert orphan is not None and orphan.path == saver.path
    orphan.release()


def test_finish_keeps_the_autosave_only_while_the_window_was_not_closed(window, qtbot, tmp_path):
    saver = Autosaver(window.files, tmp_path / "autosave", SECONDS)
    assert window.session.apply_edit(AddPoints(np.array([[0.5, -1.0]]), [0]), "Add points")
    finish(window, saver)  # the loop ended with the window open: kept
    assert saver.path.exists() and not window.session.worker.running
    finish(window, saver)  # twice: nothing more happens
    assert saver.path.exists()

    closed = Autosaver(window.files, tmp_path / "closed", SECONDS)
    closed.path.write_text("{}")  # an autosave written before the person closed the window
    finish(window, closed)  # its training stopped (closeEvent): the person was asked, so removed
    assert not closed.path.exists() and find_orphan(closed.path.parent) is None


def test_keep_with_nothing_unsaved_removes_the_autosave(window, tmp_path):
    saver = Autosaver(window.files, tmp_path / "autosave", SECONDS)
    assert not window.files.modified
    saver.keep()
    assert saver.finished and list(saver.path.parent.iterdir()) == []
