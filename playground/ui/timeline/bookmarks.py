"""Timeline bookmarks: a teacher marks moments of the run with a caption ("here the
second unit dies"), sees them as ticks on the timeline slider and jumps back to them.

``BookmarkList`` is the window's truth about them (GUI thread, an immutable tuple of
``training.timeline.Bookmark``). Adding and removing are undo steps on the session's
undo stack and count as changes a save keeps. The training thread's ``Timeline``
holds a copy, because that is what a session file is written from (Save and autosave
capture it there): the list hands every change to it, again after an undo or redo of
an architecture change (which gives the worker a new ``Timeline``), and a new session
(New, Open, recovery) starts from the marks of the timeline it arrives with.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QUndoCommand

from ...training.timeline import MAX_BOOKMARK_CAPTION, MAX_BOOKMARKS, Bookmark, with_bookmark

if TYPE_CHECKING:
    from ..session.session_model import SessionModel


def check_caption(caption: str) -> str:
    """``caption`` without surrounding blanks, or ValueError saying what a caption must be."""
    text = caption.strip()
    if not text:
        raise ValueError("a bookmark needs a caption (what happens at this moment)")
    if len(text) > MAX_BOOKMARK_CAPTION:
        raise ValueError(f"a bookmark's caption has at most {MAX_BOOKMARK_CAPTION} characters, this one {len(text)}")
    return text


class _BookmarkCommand(QUndoCommand):
    """One undo step: the bookmarks before and after an add or a remove."""

    def __init__(self, marks: BookmarkList, old: tuple[Bookmark, ...], new: tuple[Bookmark, ...], text: str) -> None:
        super().__init__(text)
        self.marks, self.old, self.new = marks, old, new

    def redo(self) -> None:
        self.marks.set_items(self.new)

    def undo(self) -> None:
        self.marks.set_items(self.old)


class BookmarkList(QObject):
    """The open session's bookmarks, in epoch order; ``changed(tuple)`` after every change."""

    changed = Signal(object)

    def __init__(self, session: SessionModel) -> None:
        super().__init__(session)
        self.session = session
        self._items: tuple[Bookmark, ...] = ()
        session.sessionReplaced.connect(self._session_replaced)
        # An undo or redo of an architecture change gives the worker another Timeline.
        session.configChanged.connect(lambda _config: self._items and self._hand_to_worker())

    @property
    def items(self) -> tuple[Bookmark, ...]:
        return self._items

    def at(self, epoch: int) -> Bookmark | None:
        """The bookmark at ``epoch``, if there is one."""
        return next((b for b in self._items if b.epoch == epoch), None)

    # ------------------------------------------------------------ changes
    def add(self, epoch: int, caption: str) -> bool:
        """Mark ``epoch`` with ``caption`` as an undo step (replacing a mark at that epoch);
        False, with a message saying why, for an empty or too long caption or too many marks."""
        try:
            text = check_caption(caption)
            if self.at(epoch) is None and len(self._items) >= MAX_BOOKMARKS:
                raise ValueError(f"a session keeps at most {MAX_BOOKMARKS} bookmarks; remove one first")
        except ValueError as exc:
            self.session.message.emit("error", f"Add bookmark: {exc}.")
            return False
        new = with_bookmark(self._items, Bookmark(int(epoch), text))
        if new != self._items:
            self.session.undo_stack.push(_BookmarkCommand(self, self._items, new, f"Bookmark epoch {epoch}"))
        return True

    def remove(self, epoch: int) -> bool:
        """Remove the bookmark at ``epoch`` as an undo step; False if there is none."""
        if self.at(epoch) is None:
            return False
        new = tuple(b for b in self._items if b.epoch != epoch)
        self.session.undo_stack.push(_BookmarkCommand(self, self._items, new, f"Remove bookmark at epoch {epoch}"))
        return True

    def set_items(self, items: tuple[Bookmark, ...]) -> None:
        """Make ``items`` the bookmarks (undo steps call this; use ``add``/``remove`` instead)."""
        self._items = tuple(items)
        self._hand_to_worker()
        self.changed.emit(self._items)
        self.session.changed.emit()  # the file no longer holds what is shown

    # ------------------------------------------------------- the worker's copy
    def _hand_to_worker(self) -> None:
        worker, items = self.session.worker, self._items

        def hand(_trainer: object) -> None:
            worker.timeline.bookmarks = items

        try:
            # A read: it leaves the trainer alone, so a playing epoch goes on.
            self.session.run_in_worker(hand)
        except TimeoutError:  # the training thread has stopped: nothing will be saved
            pass

    def _session_replaced(self) -> None:
        # The session's own marks: none, unless the timeline it arrives with (an opened
        # file's, handed to the worker right after this signal) has some. Clear the old
        # timeline's now (a new session without a timeline keeps that one), then read the
        # worker's once the arriving timeline is in place.
        self._items = ()
        self._hand_to_worker()
        self.changed.emit(self._items)
        QTimer.singleShot(0, self._read_from_worker)

    def _read_from_worker(self) -> None:
        worker = self.session.worker
        try:
            items = self.session.run_in_worker(lambda _trainer: worker.timeline.bookmarks)
        except TimeoutError:
            return
        if items != self._items:
            self._items = tuple(items)  # type: ignore[arg-type]
            self.changed.emit(self._items)
