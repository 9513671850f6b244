"""The check that fails a test leaving work behind (tests/leftovers.py) names each kind it claims to find."""

from __future__ import annotations

import subprocess
import sys
import threading

import leftovers
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QMainWindow, QWidget
from shared_window import close


def test_nothing_new_is_nothing_found(qapp):
    assert leftovers.leftovers(leftovers.take(), grace_s=0) == []


def test_a_python_thread_still_working_is_named():
    before = leftovers.take()
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait, name="still-busy")
    thread.start()
    try:
        assert leftovers.leftovers(before, grace_s=0) == ["Python threads still running: still-busy"]
    finally:
        stop.set()
        thread.join()
    assert leftovers.leftovers(before, grace_s=0) == []


def test_a_child_process_still_running_is_named():
    before = leftovers.take()
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        (found,) = leftovers.leftovers(before, grace_s=0)
        assert found.startswith(f"child process {child.pid} still running:") and "time.sleep(30)" in found
    finally:
        child.kill()
        child.wait()
    assert leftovers.leftovers(before, grace_s=0) == []


def test_a_shown_window_and_a_closed_main_window_kept_alive_are_named(qapp):
    before = leftovers.take()
    shown, kept = QWidget(), QMainWindow()
    shown.setWindowTitle("shown one")
    kept.setWindowTitle("kept one")
    shown.show()
    kept.show()
    kept.close()  # closed, but this test still holds it: never deleted
    try:
        assert sorted(leftovers.leftovers(before, grace_s=0)) == [
            "a closed QMainWindow 'kept one'",
            "a shown QWidget 'shown one'",
        ]
    finally:
        close(shown)
        close(kept)
    assert leftovers.leftovers(before, grace_s=0) == []


def test_a_closed_window_with_a_timer_ticking_is_named(qapp):
    before = leftovers.take()
    widget = QWidget()
    widget.setWindowTitle("ticking")
    timer = QTimer(widget, interval=1000)
    timer.start()
    try:
        assert leftovers.leftovers(before, grace_s=0) == ["a closed QWidget 'ticking', 1 timers ticking (in QWidget)"]
    finally:
        timer.stop()
    assert leftovers.leftovers(before, grace_s=0) == []
    close(widget)


def test_a_training_policy_left_held_is_a_training_thread_named(qapp):
    from playground.ui.session.policy import POLICY

    before = leftovers.take()
    POLICY.acquire()
    try:
        problems = leftovers.leftovers(before, grace_s=0)
    finally:
        POLICY.release()
    # Holding the policy also sets the switch interval, which is process-wide too.
    assert problems[0] == "1 training thread(s) still running (a window or session not closed)"
    assert problems[1].startswith("the switch interval is 0.001 s")
    assert leftovers.leftovers(before, grace_s=0) == []


def test_a_theme_left_on_is_put_back(qapp):
    """The theme is the application's palette: left dark, every later test in the process ran dark."""
    from PySide6.QtGui import QColor, QPalette

    saved = leftovers.palette()
    dark = QPalette(saved)
    dark.setColor(QPalette.ColorRole.Window, QColor("#2b2d31"))
    qapp.setPalette(dark)
    assert qapp.palette().color(QPalette.ColorRole.Window).name() == "#2b2d31"
    leftovers.restore_palette(saved)
    assert qapp.palette() == saved and qapp.palette().color(QPalette.ColorRole.Window).name() != "#2b2d31"
