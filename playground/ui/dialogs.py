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


def ask_save_changes(parent: QWidget | None, name: str) -> str:
    """Unsaved changes are about to be lost: SAVE, DISCARD or CANCEL."""
    box = QMessageBox(QMessageBox.Icon.Question, "Unsaved changes",
                      f"Save the changes to {name}?", parent=parent)
    box.setInformativeText("Your changes are lost if you don't save them.")
    buttons = QMessageBox.StandardButton
    box.setStandardButtons(buttons.Save | buttons.Discard | buttons.Cancel)
    box.setDefaultButton(buttons.Save)
    answer = box.exec()
    return {buttons.Save: SAVE, buttons.Discard: DISCARD}.get(QMessageBox.StandardButton(answer), CANCEL)


def ask_restore(parent: QWidget | None, saved_at: str) -> bool:
    """A session from a run that ended abruptly was autosaved: restore it (True) or discard it?"""
    box = QMessageBox(QMessageBox.Icon.Question, "Restore session",
                      "Playground did not close properly last time.", parent=parent)
    box.setInformativeText(f"Restore the session autosaved at {saved_at}?\n"
                           "Discard deletes the autosave.")
    buttons = QMessageBox.StandardButton
    box.setStandardButtons(buttons.Yes | buttons.Discard)
    box.button(buttons.Yes).setText("Restore")
    box.setDefaultButton(buttons.Yes)
    return QMessageBox.StandardButton(box.exec()) == buttons.Yes


def choose_open_path(parent: QWidget | None, caption: str, folder: str, filters: str) -> str:
    """A file to read, or "" if the person cancelled."""
    path, _ = QFileDialog.getOpenFileName(parent, caption, folder, filters)
    return path


def choose_save_path(parent: QWidget | None, caption: str, suggestion: str, filters: str) -> tuple[str, str]:
    """A file to write and the filter the person chose, or ("", "") if cancelled."""
    return QFileDialog.getSaveFileName(parent, caption, suggestion, filters)
