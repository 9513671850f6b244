"""Every key the ``?`` overlay lists runs its action, and no key is bound twice.

A key given twice (to two actions, or twice to one) is "ambiguous" to Qt, which
then runs nothing: Ctrl+Shift+Z was dead on X11 because Redo had it both by name
and as the platform's StandardKey.Redo. The keyboard schemes differ by platform,
so the same test also runs under a real X server (xcb) when Xvfb is installed.
"""

from __future__ import annotations

import gc
import os
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
import shiboken6
from file_fixtures import answers, window  # noqa: F401 - fixtures
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication

from playground.data import AddPoints
from playground.ui.media.recorder import RecordingControls
from playground.ui.shell import dialogs
from playground.ui.shell.shortcuts import ShortcutOverlay, shortcut_rows

PORTABLE = QKeySequence.SequenceFormat.PortableText


def listed_keys(keys: str) -> list[QKeySequence]:
    """The key sequences of one overlay row: "Ctrl+Shift+Z or Ctrl+Y", "1 … 8"."""
    sequences = []
    for part in keys.split(" or "):
        if " … " in part:
            first, last = part.split(" … ")
            sequences += [QKeySequence(str(n)) for n in range(int(first), int(last) + 1)]
        else:
            sequences.append(QKeySequence.fromString(part, QKeySequence.SequenceFormat.NativeText))
    return sequences


def bindings(window) -> Counter:
    """How often each key sequence is bound among all the window's actions."""
    return Counter(key.toString(PORTABLE) for action in window.findChildren(QAction) for key in action.shortcuts())


def owner(window, key: QKeySequence) -> QAction:
    owners = [
        action
        for action in window.findChildren(QAction)
        if any(k.matches(key) == QKeySequence.SequenceMatch.ExactMatch for k in action.shortcuts())
    ]
    assert len(owners) == 1, f"{key.toString()} belongs to {[a.text() for a in owners]}"
    return owners[0]


def activate(qtbot, window) -> None:
    """Shortcuts go to the active window only (on X11 that takes a round trip)."""
    window.activateWindow()
    window.raise_()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)
    window.boundary_plot.setFocus()


def press(qtbot, window, key: QKeySequence) -> None:
    combination = key[0]
    target = QApplication.focusWidget() or window
    qtbot.keyClick(target, combination.key(), combination.keyboardModifiers())


def make_enabled(window, action: QAction) -> None:
    """Undo and Redo are greyed out with nothing to undo or redo: give them something."""
    stack = window.session.undo_stack
    if action.isEnabled():
        return
    if not stack.canUndo():
        window.session.apply_edit(AddPoints([[0.5, 0.5]], [0]), "Add 1 point")
    if "Redo" in action.text():
        stack.undo()
    assert action.isEnabled(), action.text()


def test_no_key_is_bound_twice(window):
    twice = {key: count for key, count in bindings(window).items() if count > 1}
    assert twice == {}


def test_every_listed_shortcut_runs_its_action(window, qtbot, tmp_path):
    window.findChild(RecordingControls).folder = str(tmp_path)
    ran: list[QAction] = []
    for action in window.findChildren(QAction):
        action.triggered.connect(lambda checked=False, action=action: ran.append(action))
    rows = shortcut_rows(window)
    keys = [key for _, _, listed in rows for key in listed_keys(listed)]
    assert len({key.toString(PORTABLE) for key in keys}) == len(keys), "a key is listed twice"
    quit_key = QKeySequence("Ctrl+Q")
    keys = [key for key in keys if key != quit_key] + [quit_key]  # closing the window comes last
    overlay = window.findChild(ShortcutOverlay)
    for key in keys:
        activate(qtbot, window)
        action = owner(window, key)
        make_enabled(window, action)
        ran.clear()
        press(qtbot, window, key)
        assert ran == [action], f"{key.toString()} ran {[a.text() for a in ran]}, not {action.text()!r}"
        overlay.hide()
        window.findChild(RecordingControls).recorder.stop()
        window.session.pause()
    assert not window.isVisible()  # Ctrl+Q closed it


def test_redo_by_keyboard_redoes(window, qtbot):
    stack = window.session.undo_stack
    window.session.apply_edit(AddPoints([[0.5, 0.5]], [0]), "Add 1 point")
    n = window.session.dataset.n
    activate(qtbot, window)
    for redo in ("Ctrl+Shift+Z", "Ctrl+Y"):
        press(qtbot, window, QKeySequence("Ctrl+Z"))
        assert window.session.dataset.n == n - 1
        press(qtbot, window, QKeySequence(redo))
        assert window.session.dataset.n == n, redo
    assert stack.index() == stack.count()


def test_the_overlay_leaves_the_menus_alone(window, answers, tmp_path):
    """Listing the menus once deleted File > Open Recent (QAction.menu() in PySide6 6.10):
    Save then raised RuntimeError, New answered "Save" started nothing, Quit crashed."""
    files = window.files
    overlay = window.findChild(ShortcutOverlay)
    for _ in range(2):
        overlay.setVisible(True)
        overlay.hide()
        gc.collect()
    assert shiboken6.isValid(files.recent_menu)
    assert "Open &Recent" in [a.text() for a in window.menu("&File").actions()]

    window.session.apply_edit(AddPoints([[0.5, 0.5]], [0]), "Add 1 point")
    answers.save_path = (str(tmp_path / "lesson"), "")
    assert files.save()
    saved = tmp_path / "lesson.playground.json"
    assert saved.is_file() and not window.isWindowModified() and answers.errors == []
    assert window.statusBar().currentMessage() == "Saved lesson.playground.json."

    files.confirm_unsaved = True
    window.session.apply_edit(AddPoints([[0.7, 0.5]], [1]), "Add 1 point")
    answers.save_changes = dialogs.SAVE
    assert files.new_session()
    assert files.path is None and window.session.dataset.n == 300  # the default session

    recent = [a for a in files.recent_menu.actions() if a.data() == str(saved)]
    assert len(recent) == 1
    recent[0].trigger()
    assert files.path == saved and answers.errors == []


_NESTED = "PLAYGROUND_KEYS_UNDER_XCB"


@pytest.mark.slow  # a second pytest under Xvfb: pytest -m slow
@pytest.mark.skipif(
    shutil.which("xvfb-run") is None or os.environ.get(_NESTED) == "1",
    reason="needs Xvfb (xvfb-run) for a real X server",
)
def test_the_same_under_a_real_x_server():
    """X11's keyboard scheme makes StandardKey.Redo Ctrl+Shift+Z (offscreen's makes it Ctrl+Y)."""
    env = dict(os.environ, QT_QPA_PLATFORM="xcb", **{_NESTED: "1"})
    here = Path(__file__)
    tests = [
        f"{here}::{name}"
        for name in (
            "test_no_key_is_bound_twice",
            "test_redo_by_keyboard_redoes",
            "test_every_listed_shortcut_runs_its_action",
        )
    ]
    result = subprocess.run(
        [
            "xvfb-run",
            "-a",
            "-s",
            "-screen 0 1600x1000x24",
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            *tests,
        ],
        env=env,
        cwd=here.parents[2],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "3 passed" in result.stdout
