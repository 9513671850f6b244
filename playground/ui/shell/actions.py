"""Menu actions made one way: text, shortcut, tip (status line and tooltip) and a slot."""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence


def menu_action(parent: QObject, text: str, slot: Callable[[], object], tip: str = "", key: str = "") -> QAction:
    """A ``QAction`` owned by ``parent`` that calls ``slot()`` when triggered, with ``tip``
    in the status line and tooltip and ``key`` (e.g. ``"Ctrl+S"``) as its shortcut."""
    action = QAction(text, parent)
    if key:
        action.setShortcut(QKeySequence(key))
    action.setStatusTip(tip)
    action.setToolTip(tip)
    # Qt passes "checked" to triggered's slots; the slot takes no arguments.
    action.triggered.connect(lambda checked=False: slot())
    return action
