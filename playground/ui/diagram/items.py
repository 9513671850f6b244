"""The graphics items of the network diagram's units: each unit's frame, cross and ring, and every map as one item.

The maps are painted by one :class:`UnitMaps` item rather than by each unit's own
item: a Python ``paint`` per unit was a call from Qt into Python per unit per
frame (10 layers of 64: about 120 of them, 1.5 ms of a paint), where one item
draws every map in a single loop; the units' frames, crosses and rings stay
plain Qt items, painted without Python."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QImage, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsEllipseItem, QGraphicsItem, QGraphicsPathItem, QGraphicsRectItem

from ...data import DOMAIN
from ..plots.rgba_image import argb32_images

DEAD = "#8C8C8C"  # the cross over a dead unit
# The inspected point's ring on every map: a dark ring on a light halo (as on the boundary
# plot), visible on any map colour; its radius is this share of the map's side, at least 2.5 px.
_RING_SHARE = 0.12
_RING_PENS = (("#FFFFFF", 3.0), ("#1A1A1A", 1.5))


class UnitNode(QGraphicsRectItem):
    """One unit: the frame around its thumbnail (painted by :class:`UnitMaps`), with a cross
    shown when the unit is dead."""

    def __init__(self, column: int, unit: int) -> None:
        super().__init__()
        self.column, self.unit = column, unit
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


class UnitMaps(QGraphicsItem):
    """Every unit's thumbnail, each scaled into its unit's frame, painted in one call.

    The images are premultiplied ARGB32 (``rgba_image.argb32_images``), which Qt paints
    without converting, painted straight from one buffer per column: a pixmap item per
    unit cost a conversion and a geometry change per unit per frame. A new frame of the
    same shape is written into the same buffer, under the same QImages (a QImage made
    anew per unit per frame was 1.4 ms of a frame for 10 layers of 64).
    """

    def __init__(self) -> None:
        super().__init__()
        self._rects: list[list[QRectF]] = []  # per column, each drawn unit's frame
        self._images: list[list[QImage]] = []  # per column, each drawn unit's map
        self._pixels: list[np.ndarray | None] = []  # per column, (units, h, w) ARGB32 words its images read
        self._bounds = QRectF()
        self.setZValue(1.5)  # over the edges and the skips' arcs, under the units' frames

    def place(self, rects: list[list[QRectF]]) -> None:
        """Where each drawn unit's map goes: per column, the unit frames' rects (scene coordinates)."""
        self.prepareGeometryChange()
        self._rects = [[QRectF(r) for r in column] for column in rects]
        self._bounds = QRectF()
        for rect in (r for column in self._rects for r in column):
            self._bounds = self._bounds.united(rect)
        if len(self._images) != len(self._rects):
            self._images = [[] for _ in self._rects]
            self._pixels = [None for _ in self._rects]
        self.update()

    def set_column(self, column: int, rgba: np.ndarray) -> None:
        """Show ``(units, h, w, 4)`` RGBA thumbnails (row 0 at the top) for the drawn units of ``column``."""
        images, buffer = argb32_images(rgba)  # the whole column in one pass
        self.show_pixels(column, buffer.view(np.uint32)[..., 0], images[0].format() if images else None)

    def show_pixels(self, column: int, words: np.ndarray, fmt: QImage.Format | None) -> None:
        """Show ``(units, h, w)`` ARGB32 words in format ``fmt`` (row 0 at the top) for the drawn units
        of ``column``."""
        kept = self._pixels[column]
        images = self._images[column]
        if kept is not None and kept.shape == words.shape and images and images[0].format() == fmt:
            kept[...] = words  # the column's QImages read this buffer: they show the new pixels
        else:
            kept = self._pixels[column] = np.ascontiguousarray(words, dtype=np.uint32).copy()
            h, w = kept.shape[1:]
            self._images[column] = [QImage(unit.data, w, h, 4 * w, fmt) for unit in kept]
        self.update()

    def image(self, column: int, k: int) -> QImage:
        """The image painted for the ``k``-th drawn unit of ``column``."""
        return self._images[column][k]

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt's name
        return self._bounds

    def paint(self, painter: QPainter, option, widget=None) -> None:  # noqa: ARG002 - Qt's signature
        draw = painter.drawImage
        for rects, images in zip(self._rects, self._images):
            for rect, image in zip(rects, images):
                draw(rect, image)
