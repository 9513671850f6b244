"""A quit or a close while a file is written (files/background.py): the write is never dropped,
and the window closes once it is done. ``QApplication.quit()`` closes every shown window, the
busy indicator too, and the main window, which refuses while the file is written."""

from __future__ import annotations

import threading

from file_fixtures import answers, window  # noqa: F401 - fixtures
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QProgressDialog

from playground.training.sessions import read_session
from playground.ui.files import background, session_files

WAIT_S = 10  # the slow work's bound on waiting for the test's signal (never reached when it passes)


def test_closing_a_saves_busy_indicator_does_not_cancel_the_save(window, qtbot):
    closed = threading.Event()
    shown = []

    def close_indicator() -> None:
        dialog = window.findChild(QProgressDialog, "fileProgress")
        shown.append(dialog is not None and dialog.isVisible())
        if dialog is not None:
            dialog.close()  # as QApplication.quit() does to every shown window
        closed.set()

    def slow_write() -> str:
        closed.wait(WAIT_S)
        return "written"

    QTimer.singleShot(background.SHOW_AFTER_MS + 200, close_indicator)
    # Before: the closed dialog said "canceled", and a Cancelled the save's caller never expects came out.
    assert background.run_in_background(window, "Saving x…", slow_write) == "written"
    assert shown == [True]


def test_a_close_asked_for_while_a_file_is_written_happens_once_it_is_written(
    window, qtbot, answers, tmp_path, monkeypatch
):
    asked = threading.Event()
    real_write = session_files.write_text_atomic

    def slow_write(path, text):
        asked.wait(WAIT_S)  # written only after the close was asked for
        real_write(path, text)

    closes = []
    monkeypatch.setattr(session_files, "write_text_atomic", slow_write)
    QTimer.singleShot(100, lambda: (closes.append(window.close()), asked.set()))  # in the save's waiting loop
    answers.save_path = (str(tmp_path / "kept"), "")
    assert window.files.save_as()
    assert closes == [False]  # refused while writing: the file is whole
    assert read_session(tmp_path / "kept.playground.json").trainer.dataset == window.session.dataset
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=5000)  # and then closed, as asked
    assert not window.session.worker.running  # closeEvent ran: training stopped
