"""How much a widget draws over its background: an empty view that says why is not blank."""

from __future__ import annotations

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QWidget


def ink(widget: QWidget, background: QColor) -> int:
    """How many pixels (every second row and column) of ``widget``'s picture differ clearly from ``background``."""
    image = widget.grab().toImage()
    bg = background.rgb() & 0xFFFFFF
    count = 0
    for y in range(0, image.height(), 2):
        for x in range(0, image.width(), 2):
            c = image.pixel(x, y) & 0xFFFFFF
            if sum(abs(((c >> s) & 255) - ((bg >> s) & 255)) for s in (0, 8, 16)) > 60:
                count += 1
    return count
