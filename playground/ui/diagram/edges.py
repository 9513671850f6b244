"""All the diagram's weights as one graphics item, painted pen by pen and hit-tested by geometry.

One ``QGraphicsLineItem`` per weight was what made big networks slow: eight layers
of 64 units were 28,000 items, restyled one by one each frame and painted one by
one (about 1 frame a second). Here a frame's styles are one integer array per
layer (the pen of each edge), the edges of each pen are drawn by one
``drawLines`` call, in order of width so strong edges lie on top, and the edge
under the mouse is found by the distance to every segment, in numpy.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QLineF, QPointF, QRectF
from PySide6.QtGui import QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem


@dataclass(frozen=True)
class DrawnEdge:
    """How one weight is drawn now: its line (scene coordinates) and its pen."""

    line: QLineF
    pen: QPen


class EdgeBatch(QGraphicsItem):
    """The edges of every weight layer between the units drawn.

    ``set_lines`` gives, per weight layer, the start and end points ``(n_in, n_out, 2)``
    of the edges between the drawn units; ``set_keys`` the pen of each, an index into
    ``set_pens``' list (whose order is the painting order: later pens on top).
    """

    def __init__(self) -> None:
        super().__init__()
        self._starts: list[np.ndarray] = []  # per layer, (n_in * n_out, 2)
        self._ends: list[np.ndarray] = []
        self._shapes: list[tuple[int, int]] = []
        self._lines: list[list[QLineF]] = []  # per layer, row-major, built when the layout changes
        self._keys: list[np.ndarray] = []
        self._pens: list[QPen] = []
        self._batches: list[list[QLineF]] = []  # per pen, the lines drawn with it
        self._rect = QRectF()
        # Painted once per change of styles and blitted from a pixmap otherwise (the maps
        # over the edges change every frame; the edges' pens only when a weight crosses a step).
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)

    # --------------------------------------------------------------- data
    def set_lines(self, ends: list[tuple[np.ndarray, np.ndarray]]) -> None:
        """The segments of each weight layer: ``(start, end)``, each ``(n_in, n_out, 2)``."""
        self.prepareGeometryChange()
        self._shapes = [start.shape[:2] for start, _ in ends]
        self._starts = [np.ascontiguousarray(start.reshape(-1, 2), dtype=float) for start, _ in ends]
        self._ends = [np.ascontiguousarray(end.reshape(-1, 2), dtype=float) for _, end in ends]
        self._lines = [
            [QLineF(x0, y0, x1, y1) for (x0, y0), (x1, y1) in zip(s.tolist(), e.tolist())]
            for s, e in zip(self._starts, self._ends)
        ]
        points = [p for p in (*self._starts, *self._ends) if len(p)]
        if points:
            every = np.concatenate(points)
            (x0, y0), (x1, y1) = every.min(axis=0), every.max(axis=0)
            pad = max((pen.widthF() for pen in self._pens), default=3.0)
            self._rect = QRectF(x0 - pad, y0 - pad, x1 - x0 + 2 * pad, y1 - y0 + 2 * pad)
        else:
            self._rect = QRectF()
        if len(self._keys) != len(self._lines) or any(k.size != len(l) for k, l in zip(self._keys, self._lines)):
            self._keys = [np.zeros(len(lines), dtype=np.intp) for lines in self._lines]
        self._rebatch()

    def set_pens(self, pens: list[QPen]) -> None:
        """The pens, in painting order (later ones on top)."""
        self._pens = list(pens)
        self._rebatch()

    def set_keys(self, keys: list[np.ndarray]) -> bool:
        """Each edge's pen, per layer (row-major over ``(i, j)``); False if nothing changed."""
        keys = [np.asarray(k, dtype=np.intp).ravel() for k in keys]
        if len(keys) == len(self._keys) and all(np.array_equal(a, b) for a, b in zip(keys, self._keys)):
            return False
        self._keys = keys
        self._rebatch()
        return True

    def _rebatch(self) -> None:
        self._batches = [[] for _ in self._pens]
        if self._pens:
            for lines, keys in zip(self._lines, self._keys):
                order = np.argsort(keys, kind="stable")
                bounds = np.searchsorted(keys[order], np.arange(len(self._pens) + 1))
                for pen in range(len(self._pens)):
                    self._batches[pen].extend(lines[k] for k in order[bounds[pen] : bounds[pen + 1]].tolist())
        self.update()

    # ------------------------------------------------------------- queries
    def edge(self, layer: int, row: int, column: int) -> DrawnEdge:
        """The edge from drawn unit ``row`` to drawn unit ``column`` of weight layer ``layer`` (from 0)."""
        k = row * self._shapes[layer][1] + column
        return DrawnEdge(QLineF(self._lines[layer][k]), QPen(self._pens[int(self._keys[layer][k])]))

    def nearest(self, point: QPointF, reach: float) -> tuple[int, int, int] | None:
        """``(layer, row, column)`` of the edge nearest ``point`` if within ``reach``, else None."""
        p = np.array([point.x(), point.y()])
        best, found = reach, None
        for layer, (a, b) in enumerate(zip(self._starts, self._ends)):
            if not len(a):
                continue
            d = b - a
            t = np.clip(((p - a) * d).sum(axis=1) / np.maximum((d * d).sum(axis=1), 1e-12), 0.0, 1.0)
            distance = np.hypot(*(a + t[:, None] * d - p).T)
            k = int(np.argmin(distance))
            if distance[k] <= best:
                best, found = float(distance[k]), (layer, *divmod(k, self._shapes[layer][1]))
        return found

    def count(self) -> int:
        """Edges drawn."""
        return sum(len(lines) for lines in self._lines)

    # -------------------------------------------------------------- paint
    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt's name
        return self._rect

    def paint(self, painter: QPainter, option, widget=None) -> None:  # noqa: ARG002 - Qt's signature
        for pen, lines in zip(self._pens, self._batches):
            if lines:
                painter.setPen(pen)
                painter.drawLines(lines)
