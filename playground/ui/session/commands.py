"""Undoable edits: each QUndoCommand wraps one data-layer edit value or one change
of the training configuration.

A data edit knows how to apply itself and its inverse (``playground.data.edits``);
the command only routes them through the session model. Consecutive edits of
one mouse stroke merge into a single undo step, as in Orange's Paint Data, and
the step's text names the whole stroke ("Erase 3 points").

A weight or bias set by hand (``ParameterCommand``) is undone by its old value,
exactly; the values one editor sets in a row (a drag) are one step.

A configuration change is undone by the previous configuration; a change that
rebuilt the network brings the previous network back as it was (weights,
optimiser, epoch and history: ``Trainer.capture``/``restore_state``).
"""

from __future__ import annotations

import time
from typing import Any, Callable, Protocol, Union

from PySide6.QtGui import QUndoCommand

from ...data import Dataset
from ...training import TrainingConfig

# A command's text: fixed, or computed from its (merged) edit.
Text = Union[str, Callable[[Any], str]]
CONFIG_MERGE_SECONDS = 1.5  # changes of one setting this close together (a spin box held) are one step

MAX_TEXT = 60  # characters of an undo step's name in the Edit menu


def short_text(text: str, limit: int = MAX_TEXT) -> str:
    """``text`` cut in the middle to at most ``limit`` characters ("Add Very lo…ss point"):
    names from files (classes, file names) may be long, and Qt measures every menu
    entry each time the Edit menu opens."""
    if len(text) <= limit:
        return text
    tail = limit // 4
    return text[: limit - tail - 1] + "…" + text[-tail:]


class DatasetOwner(Protocol):
    """What a command needs from the session: read and replace the dataset."""

    @property
    def dataset(self) -> Dataset: ...

    def replace_dataset(self, dataset: Dataset) -> None: ...


class EditCommand(QUndoCommand):
    """Apply ``edit`` on redo and its inverse on undo.

    ``stroke`` identifies one mouse drag: commands with the same stroke id merge.
    ``0`` means "never merge". ``text`` may be a function of the edit, so that a
    merged step names everything it does. ``applied``, when given, is what ``edit``
    makes of the owner's dataset now (the caller applied it to validate it): the first
    redo uses it instead of applying the edit again (at 100,000 points each application
    copies and checks every point).
    """

    MERGE_ID = 0x5EED

    def __init__(self, owner: DatasetOwner, edit, text: Text, stroke: int = 0, applied: Dataset | None = None) -> None:
        # A function of the edit names a merged stroke by everything it does.
        self._describe = text if callable(text) else None
        super().__init__(short_text(text(edit) if callable(text) else text))
        self._owner = owner
        self.edit = edit
        self.stroke = stroke
        self._applied = None if applied is None else (owner.dataset, applied)

    def redo(self) -> None:
        first, self._applied = self._applied, None
        if first is not None and first[0] is self._owner.dataset:
            self._owner.replace_dataset(first[1])
        else:
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
        if self._describe is not None:
            self.setText(short_text(self._describe(merged)))
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


class ConfigOwner(Protocol):
    """What a configuration command needs from the session."""

    def switch_config(self, config: TrainingConfig, command: ConfigCommand, side: str) -> None: ...


class ConfigCommand(QUndoCommand):
    """Change the configuration from ``old`` to ``new`` (redo) and back (undo).

    ``states`` holds, per side (``"old"``, ``"new"``), the whole trainer as that
    side last left it; the owner fills it in the training thread when a rebuild
    leaves a side, and restores it when the side comes back. Consecutive changes
    of the same hyperparameters merge (a spin box held down is one step); a
    change that rebuilds the network never merges.
    """

    MERGE_ID = 0xC0F1

    def __init__(
        self, owner: ConfigOwner, old: TrainingConfig, new: TrainingConfig, text: str, fields: tuple[str, ...]
    ) -> None:
        super().__init__(short_text(text))
        self._owner = owner
        self.configs = {"old": old, "new": new}
        self.rebuilds = bool(old.architecture_changes(new))
        self.fields = fields
        self.states: dict[str, object] = {}
        self.applied = 0  # how many times redo ran (the first one builds, later ones restore)
        self._at = time.monotonic()

    def redo(self) -> None:
        self._owner.switch_config(self.configs["new"], self, "new")
        self.applied += 1

    def undo(self) -> None:
        self._owner.switch_config(self.configs["old"], self, "old")

    def id(self) -> int:  # noqa: A003 - Qt's name
        return -1 if self.rebuilds else self.MERGE_ID

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802 - Qt's name
        if (
            not isinstance(other, ConfigCommand)
            or other.rebuilds
            or other.fields != self.fields
            or other._at - self._at > CONFIG_MERGE_SECONDS
        ):
            return False
        self.configs["new"] = other.configs["new"]
        self._at = other._at
        self.setText(other.text())
        if self.configs["new"] == self.configs["old"]:
            self.setObsolete(True)  # back where it started: nothing to undo
        return True


class ParameterOwner(Protocol):
    """What a parameter command needs: set one weight or bias of the live network (and say
    so itself if that fails: the network may have changed since)."""

    def put_parameter(self, layer: int, kind: str, index: tuple[int, ...], value: float) -> None: ...


class ParameterCommand(QUndoCommand):
    """Set weight or bias ``target`` = ``(layer, kind, index)`` (``Trainer.set_parameter``'s names) from ``old`` to
    ``new``, and back. The owner applies the first value itself before pushing (to validate it),
    so the first redo does nothing. Commands of one ``stroke`` on the same parameter merge; a
    stroke that ends where it began leaves no step."""

    MERGE_ID = 0x9A7A

    def __init__(
        self,
        owner: ParameterOwner,
        target: tuple[int, str, tuple[int, ...]],
        old: float,
        new: float,
        text: str,
        stroke: int = 0,
    ) -> None:
        super().__init__(short_text(text))
        self._owner = owner
        self.target = target
        self.old, self.new = old, new
        self.stroke = stroke
        self._pending = True  # applied by the owner before the push

    def redo(self) -> None:
        if self._pending:
            self._pending = False
            return
        self._owner.put_parameter(*self.target, self.new)

    def undo(self) -> None:
        self._owner.put_parameter(*self.target, self.old)

    def id(self) -> int:  # noqa: A003 - Qt's name
        return self.MERGE_ID if self.stroke else -1

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802 - Qt's name
        if not isinstance(other, ParameterCommand) or other.stroke != self.stroke or other.target != self.target:
            return False
        self.new = other.new
        self.setText(other.text())
        if self.new == self.old:
            self.setObsolete(True)  # back where it started: nothing to undo
        return True
