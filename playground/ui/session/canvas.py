"""The canvas controller: turns clicks and drags on the boundary plot into data edits.

Left click adds a point of the current class (or, in a regression dataset, of
the chosen value); right click adds the second class. The erase tool, or Shift
with any tool, removes the points under the brush. One drag is one undo step.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
from PySide6.QtCore import QObject, Qt

from ...data import DOMAIN, AddPoints, Dataset, RemovePoints, remove_within
from ..plots.boundary import BoundaryPlot
from .session_model import SessionModel
from .tools import ToolState


class CanvasController(QObject):
    """Connects a BoundaryPlot's mouse signals to SessionModel edits, using ToolState."""

    def __init__(self, plot: BoundaryPlot, model: SessionModel, tools: ToolState) -> None:
        super().__init__(plot)
        self._plot = plot
        self._model = model
        self._tools = tools
        self._stroke = 0
        self._last_painted: np.ndarray | None = None
        self._erasing = False
        plot.sigClicked.connect(self._on_click)
        plot.sigDragged.connect(self._on_drag)
        tools.changed.connect(self._sync_cursor)
        self._sync_cursor()

    def _sync_cursor(self) -> None:
        self._plot.set_brush_cursor(self._tools.brush_radius if self._tools.tool == "erase" else None)

    # ---------------------------------------------------------------- mouse
    def _on_click(self, x: float, y: float, button: object, modifiers: object) -> None:
        if self._tools.tool == "inspect":
            return  # the chain-rule panel takes these clicks; inspecting never edits
        erase = self._tools.tool == "erase" or _shift(modifiers)
        if erase:
            self._erase(x, y, stroke=0)
        else:
            self._add(x, y, _second(button), stroke=0)

    def _on_drag(self, x: float, y: float, phase: str, button: object, modifiers: object) -> None:
        if self._tools.tool == "inspect":
            return
        if phase == BoundaryPlot.DRAG_START:
            self._stroke = self._model.new_stroke()
            self._erasing = self._tools.tool == "erase" or _shift(modifiers)
            self._last_painted = None
        if self._erasing:
            self._erase(x, y, self._stroke)
            return
        # Paint a trail: a new point once the mouse has moved half a brush away.
        here = np.array([x, y])
        spacing = self._tools.brush_radius / 2
        if self._last_painted is None or np.hypot(*(here - self._last_painted)) >= spacing:
            if self._add(x, y, _second(button), self._stroke):
                self._last_painted = here

    # ---------------------------------------------------------------- edits
    def _add(self, x: float, y: float, second: bool, stroke: int) -> bool:
        low, high = DOMAIN
        if not (low <= x <= high and low <= y <= high):
            return False  # the padding around the plane is not part of it
        dataset = self._model.dataset
        if dataset.task == "regression":
            label = -self._tools.value if second else self._tools.value
        else:
            label = self._tools.current_class
            if second:
                label = 1 if label != 1 else 0
            label = min(label, dataset.n_classes - 1)
        edit = AddPoints(np.array([[x, y]]), np.array([label]), np.array([self._tools.add_as_test]))
        return self._model.apply_edit(edit, add_text(dataset, label), stroke)

    def _erase(self, x: float, y: float, stroke: int) -> None:
        edit = remove_within(self._model.dataset, (x, y), self._tools.brush_radius)
        if len(edit.indices):
            self._model.apply_edit(edit, erase_text, stroke)


def _points(n: int) -> str:
    return "1 point" if n == 1 else f"{n} points"


def erase_text(edit: RemovePoints) -> str:
    """The undo step's name for an erase (a whole stroke once merged): "Erase 3 points"."""
    return f"Erase {_points(len(edit.indices))}"


def add_text(dataset: Dataset, label: float) -> Callable[[AddPoints], str]:
    """Names an add of points labelled ``label`` in ``dataset`` by its count: "Add blue
    point", "Add 5 blue points", "Add 2 points (value 0.5)"."""
    if dataset.task == "regression":
        return lambda edit: f"Add {_points(len(edit.X))} (value {label:g})"
    name = dataset.class_names[int(label)]
    return lambda edit: f"Add {name} point" if len(edit.X) == 1 else f"Add {len(edit.X)} {name} points"


def _shift(modifiers: object) -> bool:
    return bool(Qt.KeyboardModifier(modifiers) & Qt.KeyboardModifier.ShiftModifier) if modifiers else False


def _second(button: object) -> bool:
    return button == Qt.MouseButton.RightButton
