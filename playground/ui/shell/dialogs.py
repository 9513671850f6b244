"""The questions the app asks a person, one function each.

Callers look these up on the module at call time (``dialogs.show_error(...)``),
so a test (``monkeypatch.setattr(dialogs, "show_error", ...)``) or the test
driver can answer them without a modal dialog blocking the event loop.
"""

from __future__ import annotations

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

SAVE, DISCARD, CANCEL = "save", "discard", "cancel"


def show_error(parent: QWidget | None, title: str, text: str) -> None:
    """Tell the person something went wrong (a file could not be read or written)."""
    QMessageBox.warning(parent, title, text)


def save_changes_box(parent: QWidget | None, name: str) -> QMessageBox:
    """The Save / Discard / Cancel question about ``name``'s unsaved changes."""
    box = QMessageBox(QMessageBox.Icon.Question, "Unsaved changes", f"Save the changes to {name}?", parent=parent)
    box.setInformativeText("Your changes are lost if you don't save them.")
    buttons = QMessageBox.StandardButton
    box.setStandardButtons(buttons.Save | buttons.Discard | buttons.Cancel)
    box.setDefaultButton(buttons.Save)
    return box


def ask_save_changes(parent: QWidget | None, name: str) -> str:
    """Unsaved changes are about to be lost: SAVE, DISCARD or CANCEL."""
    answer = QMessageBox.StandardButton(save_changes_box(parent, name).exec())
    buttons = QMessageBox.StandardButton
    return {buttons.Save: SAVE, buttons.Discard: DISCARD}.get(answer, CANCEL)


def restore_box(parent: QWidget | None, saved_at: str) -> QMessageBox:
    """The Restore / Discard question about a session autosaved ``saved_at`` ("today at 14:05")."""
    box = QMessageBox(
        QMessageBox.Icon.Question, "Restore session", "Playground did not close properly last time.", parent=parent
    )
    box.setInformativeText(f"Your session was autosaved {saved_at}. Restore it?\n\nDiscard deletes the autosave.")
    buttons = QMessageBox.StandardButton
    box.setStandardButtons(buttons.Yes | buttons.Discard)
    box.button(buttons.Yes).setText("Restore")
    box.setDefaultButton(buttons.Yes)
    return box


def ask_restore(parent: QWidget | None, saved_at: str) -> bool:
    """A session from a run that ended abruptly was autosaved: restore it (True) or discard it?"""
    return QMessageBox.StandardButton(restore_box(parent, saved_at).exec()) == QMessageBox.StandardButton.Yes


def choose_open_path(parent: QWidget | None, caption: str, folder: str, filters: str) -> str:
    """A file to read, or "" if the person cancelled."""
    path, _ = QFileDialog.getOpenFileName(parent, caption, folder, filters)
    return path


def choose_save_path(parent: QWidget | None, caption: str, suggestion: str, filters: str) -> tuple[str, str]:
    """A file to write and the filter the person chose, or ("", "") if cancelled."""
    return QFileDialog.getSaveFileName(parent, caption, suggestion, filters)
