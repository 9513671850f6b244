"""The window's session as a document: the file it belongs to, whether it has changes
no file holds, and the window title that shows both."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from ...data import Dataset
from .file_names import UNTITLED

if TYPE_CHECKING:
    from ..session.worker import Frame
    from ..shell.host import WindowHost

APP_NAME = "Playground"


class SessionDocument(QObject):
    """``path`` is the open session's file (None: untitled); ``modified`` says whether
    the session has changes no file holds (any change of the session sets it).

    Signal: ``modifiedChanged(bool)``.
    """

    modifiedChanged = Signal(bool)

    def __init__(self, window: WindowHost) -> None:
        super().__init__(window)
        self.window = window
        self.path: Path | None = None
        self.modified = False
        # (dataset, epoch, modified) of a session just swapped in: until its first frame
        # arrives, "changed" comes from the swap (the epoch jump from the previous session's
        # frames) and is not shown: the title of a session just opened never flashes its "*".
        # An edit made before that frame (an undo step) ends the settling and marks the
        # session: the frame predates the edit and must not unmark it.
        self._settling: tuple[Dataset, int, bool] | None = None
        window.session.changed.connect(self._changed)
        window.session.undo_stack.indexChanged.connect(self._stop_settling)
        window.session.frameReady.connect(self._on_frame)
        self._show_title()

    @property
    def display_name(self) -> str:
        """The open file's name, or "untitled"."""
        return self.path.name if self.path is not None else UNTITLED

    def belong_to(self, path: Path | None, modified: bool) -> None:
        """The session now belongs to ``path`` (just saved there or read from it; None: untitled)."""
        self.path = path
        self.set_modified(modified)
        self._show_title()

    def settle_on(self, dataset: Dataset, epoch: int, modified: bool) -> None:
        """A session with ``dataset`` at ``epoch`` has just been swapped in: the modified flag is
        ``modified`` now and when its first frame arrives, whatever the frames before it change,
        unless the person edits the session (an undo step) before then."""
        self._settling = (dataset, epoch, modified)
        self.set_modified(modified)

    def _stop_settling(self) -> None:
        if self._settling is not None:
            self._settling = None
            self.set_modified(True)

    def _changed(self) -> None:
        if self._settling is None:
            self.set_modified(True)

    def set_modified(self, modified: bool) -> None:
        """Set the flag and Qt's mark in the title; ``modifiedChanged`` when the flag changes."""
        self.window.setWindowModified(modified)
        if modified != self.modified:
            self.modified = modified
            self.modifiedChanged.emit(modified)

    def _show_title(self) -> None:
        # "[*]" is where Qt shows the modified mark ("*") while setWindowModified(True).
        self.window.setWindowTitle(f"{self.display_name}[*] — {APP_NAME}")

    def _on_frame(self, frame: Frame) -> None:
        if self._settling is None:
            return
        dataset, epoch, modified = self._settling
        if frame.dataset is dataset:  # the swapped-in session's first frame
            self._settling = None
            # Trained since the swap (a Step before the first frame came): that is a change.
            self.set_modified(modified or frame.epoch != epoch)
