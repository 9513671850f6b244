"""Timeline bookmarks through the real widgets: add with Ctrl+B's caption field, ticks on the
slider, a click on a tick jumps there, undo, and a round trip through a saved session."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QMenu

from playground.data import make_dataset
from playground.training import TrainingConfig
from playground.training.timeline import Bookmark
from playground.ui import MainWindow

CONFIG = TrainingConfig(hidden=(4,), activation="tanh", optimizer="adam", lr=0.05, batch_size=20, seed=0)


@pytest.fixture
def window(qtbot):
    w = MainWindow(make_dataset("xor", n=80, noise=0.0, seed=0), CONFIG)
    qtbot.addWidget(w)
    w.resize(1280, 720)
    w.show()
    qtbot.waitExposed(w)
    qtbot.waitUntil(lambda: w.session.latest_frame is not None, timeout=5000)
    yield w
    w.close()


def train_to(qtbot, window, epoch: int) -> None:
    window.session.step(epoch - window.session.trainer.epoch)
    qtbot.waitUntil(lambda: window.timeline_row.live_epoch == epoch and not window.session.viewing, timeout=10000)


def shows(window, epoch: int):
    frame = lambda: window.session.latest_frame  # noqa: E731
    return lambda: frame() is not None and frame().epoch == epoch


def add_with_dialog(qtbot, window, caption: str) -> None:
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)
    window.boundary_plot.setFocus()
    qtbot.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    edit = window.findChild(QLineEdit, "bookmarkCaption")
    assert edit.isVisible() and edit.hasFocus()
    qtbot.keyClicks(edit, caption)
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert not edit.isVisible()


def test_bookmarks_show_as_ticks_and_a_click_jumps_there(qtbot, window):
    row = window.timeline_row
    train_to(qtbot, window, 10)
    add_with_dialog(qtbot, window, "  the end of the warm-up  ")
    assert row.bookmarks.items == (Bookmark(10, "the end of the warm-up"),)
    row.slider.setValue(4)
    qtbot.waitUntil(shows(window, 4), timeout=5000)
    add_with_dialog(qtbot, window, "here the second unit dies")
    assert [b.epoch for b in row.bookmarks.items] == [4, 10]
    assert row.slider.marks == (4, 10)

    # The ticks sit where the handle's centre is at their epochs.
    with_handle_at = {}
    for epoch in (4, 10):
        row.slider.setValue(epoch)
        qtbot.waitUntil(shows(window, epoch), timeout=5000)
        with_handle_at[epoch] = row.slider.mark_x(epoch)
    slider = row.slider
    assert slider.mark_x(0) < with_handle_at[4] < with_handle_at[10]
    # 4/10 of the way along the handle's travel.
    span = slider.mark_x(10) - slider.mark_x(0)
    assert abs(slider.mark_x(4) - (slider.mark_x(0) + 0.4 * span)) <= 1

    # Drawn: amber pixels below the groove at the tick, none midway between ticks.
    image = slider.grab().toImage()

    def amber_in_column(x: int) -> bool:
        for y in range(image.height()):
            c = image.pixelColor(x, y)
            if c.red() > 180 and 90 < c.green() < 170 and c.blue() < 80:
                return True
        return False

    assert amber_in_column(slider.mark_x(4))
    assert not amber_in_column((slider.mark_x(4) + slider.mark_x(10)) // 2)

    # Live at 10; a click on the tick of epoch 4 shows epoch 4.
    row.live_button.click()
    qtbot.waitUntil(lambda: not window.session.viewing, timeout=5000)
    y = slider.height() - 3
    qtbot.mouseClick(slider, Qt.MouseButton.LeftButton, pos=QPoint(slider.mark_x(4), y))
    qtbot.waitUntil(lambda: window.session.viewing and window.session.latest_frame.epoch == 4, timeout=5000)
    assert row.label.text() == "epoch 4 of 10 (viewing history)"


def test_menu_jump_remove_and_undo(qtbot, window):
    row = window.timeline_row
    train_to(qtbot, window, 6)
    row.bookmarks.add(2, "two")
    row.bookmarks.add(5, "five")
    row.bookmark_menu.aboutToShow.emit()
    texts = [a.text() for a in row.bookmark_menu.actions()]
    assert "Epoch 2: two" in texts and "Epoch 5: five" in texts
    jump = next(a for a in row.bookmark_menu.actions() if a.text() == "Epoch 2: two")
    jump.trigger()
    qtbot.waitUntil(lambda: window.session.viewing and window.session.latest_frame.epoch == 2, timeout=5000)
    # Not QAction.menu(): in PySide6 6.10 it takes the menu's ownership and Python deletes it.
    (remove,) = [m for m in row.bookmark_menu.findChildren(QMenu) if m.title() == "&Remove Bookmark"]
    next(a for a in remove.actions() if a.text() == "Epoch 5: five").trigger()
    assert [b.epoch for b in row.bookmarks.items] == [2]
    window.session.undo_stack.undo()
    assert [b.epoch for b in row.bookmarks.items] == [2, 5]
    window.session.undo_stack.undo()
    window.session.undo_stack.undo()
    assert row.bookmarks.items == ()
    assert not row.bookmarks.add(3, "   ")  # a blank caption is refused, nothing changes
    assert row.bookmarks.items == () and window.session.undo_stack.canRedo() is not False


def test_bookmarks_round_trip_through_a_saved_session_and_new_clears_them(qtbot, window, tmp_path):
    row = window.timeline_row
    train_to(qtbot, window, 8)
    row.bookmarks.add(3, "three")
    row.bookmarks.add(8, "eight")
    path = tmp_path / "marks.playground.json"
    assert window.files.sessions._write(path)
    assert json.loads(path.read_text(encoding="utf-8"))["bookmarks"] == [
        {"epoch": 3, "caption": "three"},
        {"epoch": 8, "caption": "eight"},
    ]
    window.files.new_session()
    qtbot.waitUntil(lambda: row.bookmarks.items == () and row.live_epoch == 0, timeout=5000)
    assert row.slider.marks == ()
    assert window.files.open_session(path)
    qtbot.waitUntil(lambda: len(row.bookmarks.items) == 2, timeout=5000)
    assert row.bookmarks.items == (Bookmark(3, "three"), Bookmark(8, "eight"))
    assert row.slider.marks == (3, 8)
    # Saved again (the worker's copy came with the file), the marks are still there.
    again = tmp_path / "again.playground.json"
    assert window.files.sessions._write(again)
    assert len(json.loads(again.read_text(encoding="utf-8"))["bookmarks"]) == 2


def test_an_architecture_change_and_its_undo_keep_the_marks_in_the_saved_file(qtbot, window, tmp_path):
    row = window.timeline_row
    train_to(qtbot, window, 4)
    row.bookmarks.add(2, "two")
    assert window.session.update_config(hidden=(5,))
    window.session.undo_stack.undo()  # the undo brings back the old network with a new Timeline
    qtbot.waitUntil(lambda: row.live_epoch == 4, timeout=5000)
    path = tmp_path / "m.playground.json"
    assert window.files.sessions._write(path)
    assert json.loads(path.read_text(encoding="utf-8"))["bookmarks"] == [{"epoch": 2, "caption": "two"}]
