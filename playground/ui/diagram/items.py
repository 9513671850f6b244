"""The graphics item of one unit in the network diagram: its map, a cross when dead, the inspected point's ring."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QImage, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsEllipseItem, QGraphicsPathItem, QGraphicsRectItem

from ...data import DOMAIN
from ..plots.rgba_image import argb32_image

DEAD = "#8C8C8C"  # the cross over a dead unit
# The inspected point's ring on every map: a dark ring on a light halo (as on the boundary
# plot), visible on any map colour; its radius is this share of the map's side, at least 2.5 px.
_RING_SHARE = 0.12
_RING_PENS = (("#FFFFFF", 3.0), ("#1A1A1A", 1.5))


class UnitNode(QGraphicsRectItem):
    """One unit: a framed thumbnail, with a cross shown when the unit is dead."""

    def __init__(self, column: int, unit: int) -> None:
        super().__init__()
        self.column, self.unit = column, unit
        # The map is painted straight from its RGBA array: a pixmap item per unit cost a
        # conversion and a geometry change per unit per frame (10 layers: 25 ms a frame).
        self._rgba: np.ndarray | None = None
        self._image: QImage | None = None
        self.cross = QGraphicsPathItem(self)
        self.cross.setPen(QPen(QColor(DEAD), 2.0))
        self.cross.hide()
        # The inspected point on this map (ChainRuleInspector.highlightChanged), halo then ring.
        self.rings = [QGraphicsEllipseItem(self) for _ in _RING_PENS]
        for ring, (color, width) in zip(self.rings, _RING_PENS):
            ring.setPen(QPen(QColor(color), width))
            ring.hide()
        self.setZValue(2)

    def place(self, centre: np.ndarray, side: float) -> None:
        """Put the unit's map of ``side`` px centred at ``centre``."""
        self.setRect(QRectF(centre[0] - side / 2, centre[1] - side / 2, side, side))
        path = QPainterPath()
        r = self.rect().adjusted(side * 0.2, side * 0.2, -side * 0.2, -side * 0.2)
        path.moveTo(r.topLeft())
        path.lineTo(r.bottomRight())
        path.moveTo(r.topRight())
        path.lineTo(r.bottomLeft())
        self.cross.setPath(path)

    def ring_at(self, point: np.ndarray | None) -> None:
        """Ring input-plane ``point`` on the map (the map spans DOMAIN on both axes, x2 up);
        None, or a point outside the plane, hides the ring."""
        low, high = DOMAIN
        inside = point is not None and bool(np.all((low <= point) & (point <= high)))
        for ring in self.rings:
            ring.setVisible(inside)
        if not inside:
            return
        box = self.rect()
        x = box.left() + (float(point[0]) - low) / (high - low) * box.width()
        y = box.top() + (high - float(point[1])) / (high - low) * box.height()
        radius = max(2.5, _RING_SHARE * box.width())
        for ring in self.rings:
            ring.setRect(QRectF(x - radius, y - radius, 2 * radius, 2 * radius))

    def set_image(self, rgba: np.ndarray) -> None:
        """Show the ``(h, w, 4)`` RGBA thumbnail, scaled to the node's side."""
        self.show_image(*argb32_image(rgba))

    def show_image(self, image: QImage, pixels: np.ndarray) -> None:
        """Show ``image`` (from ``rgba_image.argb32_images``: premultiplied ARGB32, which Qt paints
        without converting), which reads ``pixels``: they are kept with it."""
        self._image, self._rgba = image, pixels
        self.update()

    def paint(self, painter: QPainter, option, widget=None) -> None:
        if self._image is not None:
            painter.drawImage(self.rect(), self._image)
        super().paint(painter, option, widget)  # the frame, over the map
