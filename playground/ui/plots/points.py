"""Data points drawn in class (or value) colours, shared by the boundary and activation plots.

Points are grouped by style, one ``ScatterPlotItem`` per style with a single
pre-built pen and brush: measured here, that is about 3x faster than one item
with a brush per point (1.4 ms vs 4 ms at 1,000 points) and stays usable at
10,000 points.

Styles: a training point is filled with its colour and has a thin dark outline,
so it stays visible on a region of its own class; a test point is hollow, a ring
in its colour. In regression the colour is the target value on the diverging
orange-blue map, binned into a few pre-built brushes.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtWidgets import QGraphicsItem

from playground.ui.plots.colors import value_index, value_lut
from playground.ui.plots.scatter_tail import WithTail
from playground.ui.plots.style import Theme

POINT_SIZE = 9  # px
VALUE_BINS = 16  # distinct point colours in regression
# Centre of the value map for points: a light grey rather than the background,
# so a mid-value test ring is still visible on a white plot.
_POINT_VALUE_CENTRE = (190, 190, 190)


def finite_rows(xy: np.ndarray) -> np.ndarray:
    """``(n,)`` bool: the rows of ``xy`` ``(n, d)`` whose coordinates are all finite.

    Column by column: numpy's ``all(axis=1)`` reduces along a row of two in a loop of its
    own per row, 115 us for the activation space's 2,200 grid points against 7 us.
    """
    xy = np.asarray(xy)
    if xy.ndim != 2 or not xy.shape[1]:
        return np.isfinite(xy).reshape(len(xy), -1).all(axis=1)
    rows = np.isfinite(xy[:, 0])
    for column in range(1, xy.shape[1]):
        rows &= np.isfinite(xy[:, column])
    return rows


def value_range(y: np.ndarray) -> tuple[float, float]:
    """The range the value map spans for targets ``y``: ``(min, max)`` of the finite values, widened to
    ``(-m, m)`` when it contains 0, so that the map's pale middle is 0, orange negative and blue
    positive; ``(-1, 1)`` when there are no values or all are equal."""
    y = np.asarray(y, dtype=np.float64)
    finite = y[np.isfinite(y)]
    if finite.size == 0 or finite.min() == finite.max():
        return (-1.0, 1.0)
    lo, hi = float(finite.min()), float(finite.max())
    if lo < 0.0 < hi:
        reach = max(-lo, hi)
        return (-reach, reach)
    return (lo, hi)


def _colors(task: str, class_colors: Sequence[str]) -> list[str]:
    """One colour per group: the class colours, or the centres of the value bins."""
    if task != "regression":
        return list(class_colors)
    lut = value_lut(_POINT_VALUE_CENTRE)
    centres = value_index((np.arange(VALUE_BINS) + 0.5) / VALUE_BINS, 0.0, 1.0)
    return ["#{:02X}{:02X}{:02X}".format(*lut[i, :3]) for i in centres]


class PointLayer:
    """The points of a dataset on ``plot``: one scatter item per (colour group, train/test)."""

    def __init__(self, plot: pg.PlotItem, size: int = POINT_SIZE, cached: bool = False) -> None:
        """``cached``: keep each scatter's painting in a pixmap (``DeviceCoordinateCache``)
        for points that stay put while what lies under them changes, as the canvas's
        data under a map redrawn every frame: Qt then composites the pixmap instead of
        painting every point again (at 100,000 points, painting them was most of a frame).
        Setting new points or zooming repaints the pixmap once."""
        self._plot = plot
        self._size = size
        self._cached = cached
        self._items: list[pg.ScatterPlotItem] = []
        self._style_key: tuple | None = None

    def set_points(
        self,
        X: np.ndarray,
        y: np.ndarray,
        is_test: np.ndarray | None,
        task: str,
        class_colors: Sequence[str],
        theme: Theme,
        show_test: bool = True,
    ) -> None:
        """Draw points ``X`` (n, 2) with labels or targets ``y`` (n,).

        ``is_test`` (n,) bool marks held-out points (None: all training points);
        they are left out when ``show_test`` is False. Rows with a non-finite
        coordinate are skipped. In regression, colours span the range of ``y``.
        """
        X = np.asarray(X, dtype=np.float64).reshape(-1, 2)
        y = np.asarray(y)
        test = np.zeros(len(X), dtype=bool) if is_test is None else np.asarray(is_test, dtype=bool)
        self._ensure_styles(task, class_colors, theme)
        if task == "regression":
            lo, hi = value_range(y)
            group = np.minimum(((y.astype(np.float64) - lo) / (hi - lo) * VALUE_BINS), VALUE_BINS - 1)
            group = np.nan_to_num(group, nan=VALUE_BINS // 2).astype(np.intp).clip(0, VALUE_BINS - 1)
        else:
            group = y.astype(np.intp)
        style = 2 * group + test
        keep = finite_rows(X) & (style >= 0) & (style < len(self._items))
        if not show_test:
            keep &= ~test
        X, style = X[keep], style[keep]

        for s, item in enumerate(self._items):
            rows = np.flatnonzero(style == s)  # a pass per style: 0.1 ms at 100,000 points, a stable sort 22 ms
            x, y = X[rows, 0], X[rows, 1]
            # setData is not free (a few ms per 10,000 points): a click changes one
            # group, so the others keep what they show.
            if not item.shows(x, y):
                # Added points (or their undo) go to the item's small tail: its big cached
                # picture stays (scatter_tail.py).
                if not (item.move_to(x, y) or item.tail.show(x, y)):
                    item.setData(x=x, y=y)
                item.shown = (x, y)

    def count(self) -> int:
        """Number of points currently drawn."""
        return sum(len(item.getData()[0]) for item in self._items)

    def drawn(self) -> dict[tuple[int, bool], np.ndarray]:
        """What the scatter items hold: ``{(group, is_test): (m, 2) positions}`` for the non-empty groups.

        ``group`` is the class (or value bin); within a group the points keep the
        order in which they were passed.
        """
        out = {}
        for s, item in enumerate(self._items):
            x, y = item.getData()
            if len(x):
                out[(s // 2, bool(s % 2))] = np.column_stack([x, y])
        return out

    def restyle(self, class_colors: Sequence[str], theme: Theme) -> None:
        """Re-colour the points already drawn for new class colours or a new theme."""
        if self._style_key is not None:
            self._ensure_styles(self._style_key[0], class_colors, theme)

    def _ensure_styles(self, task: str, class_colors: Sequence[str], theme: Theme) -> None:
        colors = tuple(_colors(task, class_colors))
        key = (task, colors, theme)
        if key == self._style_key:
            return
        self._style_key = key
        while len(self._items) < 2 * len(colors):
            item = _DecorativeScatter(size=self._size, pxMode=True)
            item.setZValue(10 + len(self._items) % 2)  # test rings above training points
            if self._cached:
                item.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
            self._plot.addItem(item, ignoreBounds=True)
            self._items.append(item)
        while len(self._items) > 2 * len(colors):
            self._plot.removeItem(self._items.pop())
        self._apply_styles(colors, theme)

    def _apply_styles(self, colors: Sequence[str], theme: Theme) -> None:
        outline = pg.mkPen(theme.outline, width=1)
        hollow = pg.mkBrush(theme.background)
        for k, color in enumerate(colors):
            train, test = self._items[2 * k], self._items[2 * k + 1]
            train.setPen(outline)
            train.setBrush(pg.mkBrush(color))
            test.setPen(pg.mkPen(color, width=2))
            test.setBrush(hollow)


class _DecorativeScatter(WithTail, pg.ScatterPlotItem):
    """A scatter that lets clicks through: on the canvas a click on a point must
    reach the view (to add or erase there), not select the point.

    ``shown`` is the (x, y) last given to setData by PointLayer; ``tail`` draws the points
    appended after the ones the item holds (``WithTail``; ``getData`` returns both).
    """

    shown: tuple[np.ndarray, np.ndarray] | None = None
    # (key, rect) of the last boundingRect: see there.
    _rect_cache: tuple[tuple, QRectF] | None = None

    def boundingRect(self) -> QRectF:  # noqa: N802 (Qt naming)
        """pyqtgraph's rect, computed again only when what it depends on changed.

        Qt asks for it several times a frame (the scene's index, the update region, the
        paint), and pyqtgraph works it out anew each time through the device transform:
        about 80 us a call here, for points that mostly did not move. It depends on the
        data bounds (which pyqtgraph resets on new data and on a view transform change),
        the largest spot and the transform's scale, all in the key.
        """
        bounds = self.bounds
        cached = self._rect_cache
        if cached is not None and cached[0] == (bounds[0], bounds[1], self._maxSpotWidth, self._maxSpotPxWidth):
            return QRectF(cached[1])
        rect = super().boundingRect()  # works out the bounds again after new data or a new view
        bounds = self.bounds
        if bounds[0] is None or bounds[1] is None:
            self._rect_cache = None  # no points
        else:
            self._rect_cache = ((bounds[0], bounds[1], self._maxSpotWidth, self._maxSpotPxWidth), QRectF(rect))
        return rect

    def shows(self, x: np.ndarray, y: np.ndarray) -> bool:
        """True when the item already holds exactly these points."""
        if self.shown is None:
            return not x.size and not len(self.data)
        return np.array_equal(self.shown[0], x) and np.array_equal(self.shown[1], y)

    def move_to(self, x: np.ndarray, y: np.ndarray) -> bool:
        """Give the item's points, as many as ``x`` and ``y`` hold, these positions; False (and
        nothing changed) when the count differs.

        The activation space moves every point every frame without adding any: writing the
        positions into pyqtgraph's record array in place skips what ``setData`` does anew each
        time (a new array, every spot's style and its symbol in the atlas), which all stay.
        """
        if len(x) != len(self.data) or not len(x) or self.has_tail():
            return False
        self.data["x"] = x
        self.data["y"] = y
        # What ScatterPlotItem.addPoints does after new data: new bounds, a new picture.
        self.prepareGeometryChange()
        self.informViewBoundsChanged()
        # The bounds pyqtgraph's dataBounds would find (PointLayer passes finite points only),
        # without its nan-aware pass per axis when Qt next asks for the rect.
        pad = self._maxSpotWidth * 0.7072
        self.bounds = [(float(x.min()) - pad, float(x.max()) + pad), (float(y.min()) - pad, float(y.max()) + pad)]
        self.invalidate()
        self.sigPlotChanged.emit(self)
        return True

    def mouseClickEvent(self, ev) -> None:  # noqa: N802 (pyqtgraph naming)
        ev.ignore()

    def paint(self, p, option, widget) -> None:
        """pyqtgraph's atlas paint (each spot its pre-rendered symbol, in data order), with the
        spots placed and culled in one numpy pass in device pixels.

        pyqtgraph culls in data coordinates through the item's pixel vectors and maps every
        point through ``fn.transformCoordinates``: about 0.7 ms of Python an item a paint,
        while the activation space repaints its four items at every frame (its points move).
        Here a spot is drawn when its centre lies within the viewport widened by the largest
        spot; those the view box does not show are clipped by it (it clips its children), as
        pyqtgraph's culling would have left them out: the same pixels. Exports, other
        composition modes and uncached symbols paint as pyqtgraph does."""
        opts = self.opts
        data = self.data
        if (
            widget is None
            or not (opts["pxMode"] and opts["useCache"])
            or self._exportOpts is not False
            or opts.get("compositionMode") is not None
            or not len(data)
        ):
            super().paint(p, option, widget)
            return
        dpr = self.fragmentAtlas.devicePixelRatio()
        if widget.devicePixelRatioF() != dpr:
            super().paint(p, option, widget)  # re-renders the atlas for the new ratio, as pyqtgraph does
            return
        t = p.transform()
        if not t.isAffine():
            super().paint(p, option, widget)
            return
        x, y = data["x"], data["y"]
        dx = t.m11() * x + t.m21() * y + t.dx()
        dy = t.m12() * x + t.m22() * y + t.dy()
        source = data["sourceRect"]
        margin = float(max(source["w"].max(), source["h"].max())) / dpr
        size = widget.size()
        # NaN compares False: such points are left out, as pyqtgraph's mask leaves them.
        shown = (
            data["visible"]
            & (dx > -margin)
            & (dx < size.width() + margin)
            & (dy > -margin)
            & (dy < size.height() + margin)
        )
        rows = np.flatnonzero(shown)
        p.resetTransform()
        self._pixmapFragments.resize(rows.size)
        frags = self._pixmapFragments.ndarray()
        frags[:, 0] = dx[rows]
        frags[:, 1] = dy[rows]
        frags[:, 2:6] = np.frombuffer(source[rows], dtype=int).reshape((-1, 4))  # sx, sy, sw, sh
        frags[:, 6:10] = [1 / dpr, 1 / dpr, 0.0, 1.0]  # scaleX, scaleY, rotation, opacity
        p.drawPixmapFragments(*self._pixmapFragments.drawargs(), self.fragmentAtlas.pixmap)

    def updateSpots(self, dataSet=None) -> None:  # noqa: N802 (pyqtgraph naming)
        """Find the symbol in pyqtgraph's atlas once for all new spots when they share
        the item's own style (PointLayer never gives a spot a style of its own).

        pyqtgraph looks the symbol up once per spot in Python: 0.2 s per 100,000
        points on every setData, so each click on a large dataset took 1.7 s.
        """
        data = self.data if dataSet is None else dataSet
        if self.opts["pxMode"] and self.opts["useCache"] and not self.opts["hoverable"] and len(data) > 1:
            new = np.flatnonzero(data["sourceRect"]["w"] == 0)
            if new.size and _default_styles(data, new):
                data["sourceRect"][new] = self.fragmentAtlas[
                    list(zip(*self._style(["symbol", "size", "pen", "brush"], data=data, idx=new[:1])))
                ][0]
                self._maybeRebuildAtlas()
                self._updateMaxSpotSizes(data=data)
                self.invalidate()
                return
        super().updateSpots(dataSet)


def _default_styles(data: np.ndarray, rows: np.ndarray) -> bool:
    """True when none of ``rows`` has a symbol, size, pen or brush of its own."""
    return bool(
        np.equal(data["symbol"][rows], None).all()
        and (data["size"][rows] == -1).all()
        and np.equal(data["pen"][rows], None).all()
        and np.equal(data["brush"][rows], None).all()
    )


class RingMarker:
    """A ring around one point (e.g. the inspected one): a dark ring on a light halo, visible on
    either theme and on any class colour, above the points and lines of ``plot``."""

    SIZE = 22  # px: clears a data point (9 px) and its outline

    def __init__(self, plot: pg.PlotItem) -> None:
        self._items = [
            pg.ScatterPlotItem(size=self.SIZE, symbol="o", brush=None, pen=pg.mkPen(color, width=width), pxMode=True)
            for color, width in (("#FFFFFF", 5), ("#1A1A1A", 2))
        ]
        for z, item in enumerate(self._items):
            item.setZValue(30 + z)
            plot.addItem(item, ignoreBounds=True)
        self.hide()

    def show_at(self, xy: Sequence[float]) -> None:
        """Ring the point ``xy`` (data coordinates); a non-finite point hides the ring."""
        x, y = float(xy[0]), float(xy[1])
        if not (np.isfinite(x) and np.isfinite(y)):
            self.hide()
            return
        for item in self._items:
            item.setData([x], [y])
            item.show()

    def hide(self) -> None:
        """Remove the ring."""
        for item in self._items:
            item.hide()

    def position(self) -> np.ndarray | None:
        """Where the ring is drawn, or None when hidden."""
        if not self._items[0].isVisible():
            return None
        x, y = self._items[0].getData()
        return np.array([x[0], y[0]])
