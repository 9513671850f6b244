"""All the diagram's weights as one graphics item per weight layer, painted pen by pen and hit-tested by geometry.

One ``QGraphicsLineItem`` per weight was what made big networks slow: eight layers
of 64 units were 28,000 items, restyled one by one each frame and painted one by
one (about 1 frame a second). Here a frame's styles are one integer array per
layer (the pen of each edge), the edges of each pen are drawn by one
``drawLines`` call, in order of width so strong edges lie on top, and the edge
under the mouse is found by the distance to every segment, in numpy.

Painting the lines is what costs (antialiased, up to 3 px wide: 1,300 edges of ten
layers of 64 take about 10 ms), so each weight layer is its own item with its own
cached picture: a frame repaints only the layers where some edge changed pen, and
an unchanged layer is one blit. Edges of two layers never overlap (each layer runs
between two rows of maps), so painting them apart looks the same as painting them
together.

The pictures are painted in a helper thread (``_painter_pool``) while the machine has a core to
spare (``training.cores.spare_core``; else in the GUI thread, at once): a layer whose pens changed
hands its lines and pens over at once, and the GUI thread goes on drawing the frame's other
views while ``drawLines`` runs there (it lets go of the GIL); the layer's ``paint`` then blits
the finished picture, waiting for it only if it is not done yet. The picture is in device
pixels, placed on whole pixels, so the blit is the picture Qt's own cache would have painted.
A painter that scales (an export) or lands between pixels gets the lines themselves.
"""

from __future__ import annotations

import math
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QImage, QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem

from ...training.cores import spare_core

_pool_lock = threading.Lock()
_pool: ThreadPoolExecutor | None = None


def _painter_pool() -> ThreadPoolExecutor:
    """The one thread that paints edge pictures (made on first use)."""
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="diagram-edges")
        return _pool


@dataclass(frozen=True)
class EdgePicture:
    """A layer's edges painted at ``ratio`` device pixels a scene unit, its top-left at scene ``origin``."""

    image: QImage
    origin: QPointF
    ratio: float


def paint_picture(rect: QRectF, ratio: float, batches: list[tuple[QPen, list[QLineF]]]) -> EdgePicture | None:
    """``batches`` (each pen's lines, in painting order) antialiased on a transparent image covering
    ``rect`` (scene coordinates) at ``ratio`` device pixels a unit, from a whole device pixel; None
    for an empty rect. Touches no Qt object but its own image, so any thread may run it."""
    if rect.isEmpty():
        return None
    left, top = math.floor(rect.left() * ratio), math.floor(rect.top() * ratio)
    width = math.ceil(rect.right() * ratio) - left + 1
    height = math.ceil(rect.bottom() * ratio) - top + 1
    image = QImage(width, height, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.translate(-left, -top)
    painter.scale(ratio, ratio)
    for pen, lines in batches:
        if lines:
            painter.setPen(pen)
            painter.drawLines(lines)
    painter.end()
    image.setDevicePixelRatio(ratio)
    return EdgePicture(image, QPointF(left / ratio, top / ratio), ratio)


@dataclass(frozen=True)
class DrawnEdge:
    """How one weight is drawn now: its line (scene coordinates) and its pen."""

    line: QLineF
    pen: QPen


class EdgeLayer(QGraphicsItem):
    """The edges of one weight layer, painted from a cached picture until their pens change."""

    def __init__(self, parent: QGraphicsItem) -> None:
        super().__init__(parent)
        self.lines: list[QLineF] = []  # row-major over (i, j)
        self.keys = np.zeros(0, dtype=np.intp)
        self.batches: list[list[QLineF]] = []  # per pen, the lines drawn with it
        self.repaints = 0  # times the picture was painted anew (tests prove the cache refreshes)
        self._rect = QRectF()
        # Painted once per change of this layer's pens (in the helper thread) and blitted
        # otherwise: the maps beside the edges change every frame, an edge's pen only when its
        # weight crosses a step.
        self._picture: Future[EdgePicture | None] | None = None
        self._ratio = 1.0  # device pixels a scene unit, as the last paint found them

    def set_lines(self, starts: np.ndarray, ends: np.ndarray, pad: float) -> None:
        """The segments ``starts[k] -> ends[k]`` (``(n, 2)`` each), ``pad`` px of pen beyond them."""
        self.prepareGeometryChange()
        self.lines = [QLineF(x0, y0, x1, y1) for (x0, y0), (x1, y1) in zip(starts.tolist(), ends.tolist())]
        if len(starts):
            every = np.concatenate([starts, ends])
            (x0, y0), (x1, y1) = every.min(axis=0), every.max(axis=0)
            self._rect = QRectF(x0 - pad, y0 - pad, x1 - x0 + 2 * pad, y1 - y0 + 2 * pad)
        else:
            self._rect = QRectF()
        if self.keys.size != len(self.lines):
            self.keys = np.zeros(len(self.lines), dtype=np.intp)

    def rebatch(self, pens: int) -> None:
        """Group the lines by pen (``pens`` of them) and paint the picture anew."""
        order = np.argsort(self.keys, kind="stable")
        bounds = np.searchsorted(self.keys[order], np.arange(pens + 1)).tolist()
        lines, order = self.lines, order.tolist()
        self.batches = [[lines[k] for k in order[bounds[p] : bounds[p + 1]]] for p in range(pens)]
        self._paint_picture()

    def _paint_picture(self) -> None:
        """Have the helper thread paint the picture anew (a picture still waiting is not needed)."""
        if self._picture is not None:
            self._picture.cancel()
        pens = self.parentItem().pens if self.parentItem() is not None else []
        batches = list(zip(pens, self.batches))
        if spare_core():
            self._picture = _painter_pool().submit(paint_picture, QRectF(self._rect), self._ratio, batches)
        else:  # a busy machine: a hand-over would wait for a core; this thread paints it when shown
            self._picture = None
        self.repaints += 1
        self.update()

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt's name
        return self._rect

    def paint(self, painter: QPainter, option, widget=None) -> None:  # noqa: ARG002 - Qt's signature
        if self._picture is None:  # painted here, once for however many changes came since the last paint
            pens = self.parentItem().pens if self.parentItem() is not None else []
            done: Future[EdgePicture | None] = Future()
            done.set_result(paint_picture(QRectF(self._rect), self._ratio, list(zip(pens, self.batches))))
            self._picture = done
        picture = self._picture.result()
        transform = painter.worldTransform()
        device = painter.device()
        ratio = device.devicePixelRatioF() if device is not None else 1.0
        if ratio != self._ratio:  # a screen of another pixel density: paint for it from now on
            self._ratio = ratio
            self._paint_picture()
            picture = self._picture.result() if self._picture is not None else None
        if picture is not None and not transform.isScaling() and not transform.isRotating():
            at = transform.map(picture.origin) * ratio
            if abs(at.x() - round(at.x())) < 1e-6 and abs(at.y() - round(at.y())) < 1e-6:
                _blit(painter, picture)
                return
        for pen, lines in zip(self.parentItem().pens, self.batches):  # an export, or between pixels
            if lines:
                painter.setPen(pen)
                painter.drawLines(lines)


def _blit(painter: QPainter, picture: EdgePicture) -> None:
    """Copy ``picture`` onto whole device pixels without the smooth-pixmap hint.

    The view paints with that hint (its maps are scaled), and with it Qt's raster engine
    blends even an unscaled image span by span, handing an image of 96 rows or more to its
    thread pool and waiting (a layer's picture is a column of maps tall: about 50 us a layer
    on an idle machine, a wait for a core on a busy one). Unscaled and on whole pixels the
    hint changes no pixel, and without it the copy is one serial blend of 12 us.
    """
    smooth = painter.testRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    if smooth:
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
    painter.drawImage(picture.origin, picture.image)
    if smooth:
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)


class EdgeBatch(QGraphicsItem):
    """The edges of every weight layer between the units drawn, one :class:`EdgeLayer` each.

    ``set_lines`` gives, per weight layer, the start and end points ``(n_in, n_out, 2)``
    of the edges between the drawn units; ``set_keys`` the pen of each, an index into
    ``set_pens``' list (whose order is the painting order: later pens on top).
    """

    def __init__(self) -> None:
        super().__init__()
        # Only the layers paint; this item groups them.
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemHasNoContents)
        self.layers: list[EdgeLayer] = []
        self._starts: list[np.ndarray] = []  # per layer, (n_in * n_out, 2)
        self._ends: list[np.ndarray] = []
        self._shapes: list[tuple[int, int]] = []
        self.pens: list[QPen] = []

    # --------------------------------------------------------------- data
    def set_lines(self, ends: list[tuple[np.ndarray, np.ndarray]]) -> None:
        """The segments of each weight layer: ``(start, end)``, each ``(n_in, n_out, 2)``."""
        self._shapes = [start.shape[:2] for start, _ in ends]
        self._starts = [np.ascontiguousarray(start.reshape(-1, 2), dtype=float) for start, _ in ends]
        self._ends = [np.ascontiguousarray(end.reshape(-1, 2), dtype=float) for _, end in ends]
        while len(self.layers) > len(ends):
            layer = self.layers.pop()
            layer.setParentItem(None)
            if layer.scene() is not None:
                layer.scene().removeItem(layer)
        while len(self.layers) < len(ends):
            self.layers.append(EdgeLayer(self))
        pad = max((pen.widthF() for pen in self.pens), default=3.0)
        for layer, start, end in zip(self.layers, self._starts, self._ends):
            layer.set_lines(start, end, pad)
            layer.rebatch(len(self.pens))

    def set_pens(self, pens: list[QPen]) -> None:
        """The pens, in painting order (later ones on top)."""
        self.pens = list(pens)
        for layer in self.layers:
            layer.rebatch(len(self.pens))

    def set_keys(self, keys: list[np.ndarray]) -> bool:
        """Each edge's pen, per layer (row-major over ``(i, j)``); False if nothing changed.

        Only the layers whose keys changed are grouped and painted anew."""
        if len(keys) != len(self.layers):
            raise ValueError(f"EdgeBatch.set_keys: {len(keys)} layers of keys for {len(self.layers)} layers of edges")
        changed = False
        for layer, new in zip(self.layers, keys):
            new = np.asarray(new, dtype=np.intp).ravel()
            if new.size != len(layer.lines):
                raise ValueError(f"EdgeBatch.set_keys: {new.size} keys for a layer of {len(layer.lines)} edges")
            if not np.array_equal(new, layer.keys):
                layer.keys = new
                layer.rebatch(len(self.pens))
                changed = True
        return changed

    # ------------------------------------------------------------- queries
    def edge(self, layer: int, row: int, column: int) -> DrawnEdge:
        """The edge from drawn unit ``row`` to drawn unit ``column`` of weight layer ``layer`` (from 0)."""
        k = row * self._shapes[layer][1] + column
        drawn = self.layers[layer]
        return DrawnEdge(QLineF(drawn.lines[k]), QPen(self.pens[int(drawn.keys[k])]))

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
        return sum(len(layer.lines) for layer in self.layers)

    def repaints(self) -> list[int]:
        """Per weight layer, how many times its picture was painted anew."""
        return [layer.repaints for layer in self.layers]

    # -------------------------------------------------------------- paint
    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt's name
        return QRectF()

    def paint(self, painter: QPainter, option, widget=None) -> None:  # noqa: ARG002 - Qt's signature
        pass
