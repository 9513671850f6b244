"""What the canvas does with the mouse: the current class, the tool, the brush.

This is interface state, not session truth: it is not saved with the data and
not undoable. Panels set it; the canvas controller reads it.
"""

from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import QObject, Signal

TOOLS = {
    "add": "Click or drag to add points of the current class (right click: the second class)",
    "erase": "Click or drag to remove the points under the brush (Shift+drag erases with any tool)",
    "inspect": "Click a data point to see the chain rule for it: every z, a and gradient for that point alone",
}


def _tool_name(name: str) -> str:
    if name not in TOOLS:
        raise ValueError(f"unknown tool {name!r}; choose one of {', '.join(TOOLS)}")
    return name


class _Setting:
    """A ``ToolState`` attribute: set through ``convert`` (which may refuse a value with
    ValueError), kept as ``_<name>``, and ``changed`` emitted only when it changes."""

    def __init__(self, convert: Callable[[Any], Any], doc: str = "") -> None:
        self.convert = convert
        self.__doc__ = doc
        self.slot = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.slot = "_" + name

    def __get__(self, obj: ToolState | None, objtype: type | None = None) -> Any:
        return self if obj is None else getattr(obj, self.slot)

    def __set__(self, obj: ToolState, value: Any) -> None:
        obj._set(self.slot, self.convert(value))


class ToolState(QObject):
    """Current class, tool, brush radius (data units), test-point visibility, regression value."""

    changed = Signal()

    current_class = _Setting(int)
    tool = _Setting(_tool_name)
    brush_radius = _Setting(lambda radius: max(0.05, float(radius)))
    show_test = _Setting(bool)
    value = _Setting(float, "The target value a click places in a regression dataset.")
    add_as_test = _Setting(bool, "Whether clicked points are held out as test points.")

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
