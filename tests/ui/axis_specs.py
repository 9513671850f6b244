"""What a pyqtgraph axis paints, as it lays it out, for the tests that read tick labels."""

from __future__ import annotations

from PySide6.QtGui import QImage, QPainter


def draw_specs(axis):
    """``axis.generateDrawSpecs`` on a scratch painter: (axis line, ticks, texts), or None
    when the axis draws nothing. Each text is (rect, flags, label) in scene coordinates."""
    image = QImage(8, 8, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    try:
        return axis.generateDrawSpecs(painter)
    finally:
        painter.end()
