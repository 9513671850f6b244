"""The ? overlay lists every shortcut from the window's actions; the recording keys work."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractSpinBox
from tutorial_window import window  # noqa: F401 - the fixture

from playground.ui.shell.shortcuts import ShortcutOverlay, shortcut_rows


def test_question_mark_shows_every_shortcut(window, qtbot):
    window.activateWindow()
    overlay = window.findChild(ShortcutOverlay)
    qtbot.keyClick(window, "?")
    assert overlay.isVisible() and overlay.geometry() == window.rect()
    text = overlay.text()
    for key in ("Space", "F11", "Ctrl+R", "Right", "Ctrl+Z", "Ctrl+Shift+Z", "1 … 8", "?"):
        assert key in text, key
    assert "Class 1 … 8" in text and "Presentation mode" in text
    qtbot.keyClick(overlay, Qt.Key.Key_Escape)
    assert not overlay.isVisible()
    qtbot.keyClick(window, "?")
    assert overlay.isVisible()
    qtbot.keyClick(overlay, "?")
    assert not overlay.isVisible()


def test_rows_follow_the_actions(window):
    menu = window.menu("&Train")
    action = menu.addAction("Something new")
    action.setShortcut("Ctrl+Alt+N")
    assert ("Train", "Something new", "Ctrl+Alt+N") in shortcut_rows(window)


def test_recording_keys_work_and_spin_boxes_keep_their_keys(window, qtbot):
    window.activateWindow()
    window.boundary_plot.setFocus()
    qtbot.keyClick(window.boundary_plot, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: window.session.playing, timeout=2000)
    qtbot.keyClick(window.boundary_plot, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: not window.session.playing, timeout=2000)
    qtbot.keyClick(window.boundary_plot, "2")
    assert window.tools.current_class == 1
    # In a spin box, Space, digits and R are typing, not shortcuts.
    spin = window.data_panel.findChild(QAbstractSpinBox)
    spin.setFocus()
    qtbot.keyClick(spin, Qt.Key.Key_Space)
    qtbot.keyClick(spin, "1")
    qtbot.wait(50)
    assert not window.session.playing
    assert window.tools.current_class == 1
