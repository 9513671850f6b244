"""Setting a weight or a bias by hand, as an undoable step of the session.

The value goes to the training thread (``TrainingWorker.set_parameter``), which
owns the trainer: while paused it runs at once; while playing between two
mini-batches, the epoch in progress abandoned and started again. The call waits
for the trainer's answer, so a refused value (not finite in the network's dtype,
an index the network no longer has) is a message and changes nothing, and an
accepted one is pushed on the undo stack with the exact value it replaced.
"""

from __future__ import annotations

from PySide6.QtCore import QObject

from ..session.commands import ParameterCommand
from .parameters import Parameter


class ParameterEdits(QObject):
    """Applies hand-set values to ``session``'s network (a ``SessionModel``) and undoes them."""

    def __init__(self, session, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session

    def apply(self, parameter: Parameter, value: float, stroke: int = 0) -> str:
        """Set ``parameter`` to ``value`` as an undo step (values of one ``stroke`` share one);
        "" when done, else why not (also said on the status line) and nothing changed."""
        frame = self.session.latest_frame
        if frame is not None and frame.viewing:
            return self._refuse(parameter, "the plots show a past epoch: go back to the live network to edit it")
        try:
            old = self._put(parameter, value)
        except (ValueError, TimeoutError) as exc:
            return self._refuse(parameter, str(exc))
        target = (parameter.layer, parameter.kind, parameter.index)
        self.session.undo_stack.push(ParameterCommand(self, target, old, value, parameter.describe(value), stroke))
        return ""

    def put_parameter(self, layer: int, kind: str, index: tuple[int, ...], value: float) -> None:
        """Set one parameter for an undo or redo (``ParameterOwner``); a failure is a message."""
        parameter = Parameter(layer, kind, tuple(index))
        try:
            self._put(parameter, value)
        except (ValueError, TimeoutError) as exc:
            self._refuse(parameter, str(exc))

    def _put(self, parameter: Parameter, value: float) -> float:
        old = self.session.worker.set_parameter(parameter.layer, parameter.kind, parameter.trainer_index, value)
        self.session.changed.emit()  # a save would keep it
        return old

    def _refuse(self, parameter: Parameter, reason: str) -> str:
        text = f"{parameter.describe_attempt()}: {reason.removeprefix('set_parameter: ')}; nothing changed."
        self.session.message.emit("warning", text)  # the editor says it too; a typo is no failure
        return text
