"""Undoable dataset edits: each QUndoCommand wraps one data-layer edit value.

The edit knows how to apply itself and its inverse (``playground.data.edits``);
the command only routes them through the session model. Consecutive edits of
one mouse stroke merge into a single undo step, as in Orange's Paint Data.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtGui import QUndoCommand

from ...data import Dataset

MAX_TEXT = 60  # characters of an undo step's name in the Edit menu


def short_text(text: str, limit: int = MAX_TEXT) -> str:
    """``text`` cut in the middle to at most ``limit`` characters ("Add Very lo…ss point"):
    names from files (classes, file names) may be long, and Qt measures every menu
    entry each time the Edit menu opens."""
    if len(text) <= limit:
        return text
    tail = limit // 4
    return text[:limit - tail - 1] + "…" + text[-tail:]


class DatasetOwner(Protocol):
    """What a command needs from the session: read and replace the dataset."""

    @property
    def dataset(self) -> Dataset: ...

    def replace_dataset(self, dataset: Dataset) -> None: ...


class EditCommand(QUndoCommand):
    """Apply ``edit`` on redo and its inverse on undo.

    ``stroke`` identifies one mouse drag: commands with the same stroke id merge.
    ``0`` means "never merge".
    """

    MERGE_ID = 0x5EED

    def __init__(self, owner: DatasetOwner, edit, text: str, stroke: int = 0) -> None:
        super().__init__(short_text(text))
        self._owner = owner
        self.edit = edit
        self.stroke = stroke

    def redo(self) -> None:
        self._owner.replace_dataset(self.edit.apply(self._owner.dataset))

    def undo(self) -> None:
        self._owner.replace_dataset(self.edit.inverse().apply(self._owner.dataset))

    def id(self) -> int:  # noqa: A003 - Qt's name
        return self.MERGE_ID if self.stroke else -1

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802 - Qt's name
        if not isinstance(other, EditCommand) or other.stroke != self.stroke:
            return False
        merged = self.edit.merge(other.edit)
        if merged is None:
            return False
        self.edit = merged
        return True


class ReplaceDatasetCommand(QUndoCommand):
    """Swap in a whole new dataset (a generated preset, an import) and back."""

    def __init__(self, owner: DatasetOwner, new: Dataset, text: str) -> None:
        super().__init__(short_text(text))
        self._owner = owner
        self._old = owner.dataset
        self._new = new

    def redo(self) -> None:
        self._owner.replace_dataset(self._new)

    def undo(self) -> None:
        self._owner.replace_dataset(self._old)
