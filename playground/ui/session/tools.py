"""What the canvas does with the mouse: the current class, the tool, the brush.

This is interface state, not session truth: it is not saved with the data and
not undoable. Panels set it; the canvas controller reads it.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

TOOLS = {
    "add": "Click or drag to add points of the current class (right click: the second class)",
    "erase": "Click or drag to remove the points under the brush (Shift+drag erases with any tool)",
    "inspect": "Click a data point to see the chain rule for it: every z, a and gradient for that point alone",
}


class ToolState(QObject):
    """Current class, tool, brush radius (data units), test-point visibility, regression value."""

    changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._current_class = 0
        self._tool = "add"
        self._brush_radius = 0.5
        self._show_test = True
        self._value = 1.0
        self._add_as_test = False

    def _set(self, name: str, value: object) -> None:
        if getattr(self, name) != value:
            setattr(self, name, value)
            self.changed.emit()

    @property
    def current_class(self) -> int:
        return self._current_class

    @current_class.setter
    def current_class(self, index: int) -> None:
        self._set("_current_class", int(index))

    @property
    def tool(self) -> str:
        return self._tool

    @tool.setter
    def tool(self, name: str) -> None:
        if name not in TOOLS:
            raise ValueError(f"unknown tool {name!r}; choose one of {', '.join(TOOLS)}")
        self._set("_tool", name)

    @property
    def brush_radius(self) -> float:
        return self._brush_radius

    @brush_radius.setter
    def brush_radius(self, radius: float) -> None:
        self._set("_brush_radius", max(0.05, float(radius)))

    @property
    def show_test(self) -> bool:
        return self._show_test

    @show_test.setter
    def show_test(self, show: bool) -> None:
        self._set("_show_test", bool(show))

    @property
    def value(self) -> float:
        """The target value a click places in a regression dataset."""
        return self._value

    @value.setter
    def value(self, value: float) -> None:
        self._set("_value", float(value))

    @property
    def add_as_test(self) -> bool:
        """Whether clicked points are held out as test points."""
        return self._add_as_test

    @add_as_test.setter
    def add_as_test(self, flag: bool) -> None:
        self._set("_add_as_test", bool(flag))
