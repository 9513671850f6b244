"""Curves whose bounds cost less to work out: the plots redraw them every frame.

pyqtgraph works out a curve's bounding rect again after every ``setData``: a
``nanmin``/``nanmax`` pass per axis under a ``warnings.catch_warnings`` block and
the pixel vectors, about 150 us a curve here, while the plots draw about a dozen
curves a frame. :class:`BoundedCurve` takes bounds its owner already knows (the
boundary's contour lines never leave the domain) or, for data known to be finite
(``skipFiniteCheck``), takes a plain ``min``/``max``; it draws exactly what a
``PlotCurveItem`` draws. :class:`HistoryCurve` is a ``PlotDataItem`` drawing through one.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pyqtgraph.functions as fn
from pyqtgraph.graphicsItems.PlotDataItem import PlotDataset as _PlotDataset
from PySide6.QtCore import QRectF
from PySide6.QtGui import QPainterPath

# ``segmentedLineMode`` for curves of loose segments (``connect="pairs"``: the contour lines):
# ``QPainter.drawLines`` on pyqtgraph's array of ``QLineF`` instead of a ``QPainterPath``
# that pyqtgraph builds again after every ``setData`` (through a big-endian ``QDataStream``:
# about 0.4 ms for the boundary's 2,000 faint points). Qt strokes a path of separate
# segments as it strokes the same lines one by one, antialiased or not, dashed or not: the
# same pixels (tests/ui/test_plot_paint_fast.py). Not for polylines: there the path joins
# the segments, and drawn one by one a translucent line's joints would be blended twice.
SEGMENTS = "on"


class BoundedCurve(pg.PlotCurveItem):
    """A ``PlotCurveItem`` with cheap data bounds (see the module docstring).

    :meth:`set_bounds` fixes the bounds to ranges that contain every point it will be
    given (None: work them out from the data).
    """

    _known: tuple[tuple[float, float], tuple[float, float]] | None = None

    def set_bounds(self, x_range: tuple[float, float] | None, y_range: tuple[float, float] | None = None) -> None:
        """Report ``x_range`` and ``y_range`` as the data bounds from now on; ``None`` for
        ``x_range`` goes back to bounds from the data. The ranges must contain every point drawn."""
        known = None if x_range is None or y_range is None else (tuple(map(float, x_range)), tuple(map(float, y_range)))
        if known != self._known:
            self._known = known
            self.prepareGeometryChange()
            self._boundingRect = None
            self._boundsCache = [None, None]

    def dataBounds(self, ax: int, frac: float = 1.0, orthoRange=None):  # noqa: N802, N803 (pyqtgraph naming)
        """The data's ``(min, max)`` along ``ax``: the known bounds, a plain min/max of finite
        data, or pyqtgraph's own answer (percentiles, a range across, fill levels, wide pens)."""
        pen = self.opts["pen"]
        simple = (
            frac >= 1.0
            and orthoRange is None
            and self.opts["fillLevel"] is None
            and not self.opts["stepMode"]
            and (pen is None or pen.isCosmetic())
            and self.opts["shadowPen"] is None
        )
        if not simple:
            return super().dataBounds(ax, frac, orthoRange)
        d = self.xData if ax == 0 else self.yData
        if d is None or not len(d):
            return (None, None)
        if self._known is not None:
            return self._known[ax]
        if not self.opts["skipFiniteCheck"]:
            return super().dataBounds(ax, frac, orthoRange)
        return (float(d.min()), float(d.max()))

    # The length of one device pixel along x and y in data units, until the view's transform
    # changes (pyqtgraph then calls viewTransformChanged). None: work it out at the next need.
    _pixel_lengths: tuple[float, float] | None = None

    def viewTransformChanged(self) -> None:  # noqa: N802 (pyqtgraph naming)
        self._pixel_lengths = None
        super().viewTransformChanged()

    def boundingRect(self) -> QRectF:  # noqa: N802 (Qt naming)
        """pyqtgraph's rect (the data bounds widened by the pen's pixel padding), with the pixel's
        length kept until the view moves: Qt asks for the rect after every ``setData``, and
        pyqtgraph's ``pixelVectors`` (the device transform, its inverse, two vectors) was most of
        its cost, for a view that had not changed. pyqtgraph keeps the rect itself on the same
        terms (until new data or a view transform change)."""
        if self._boundingRect is None:
            x_min, x_max = self.dataBounds(ax=0)
            if x_min is None or x_max is None:
                return QRectF()
            y_min, y_max = self.dataBounds(ax=1)
            if y_min is None or y_max is None:
                return QRectF()
            px = py = 0.0
            pad = self.pixelPadding()
            if pad > 0:
                if self._pixel_lengths is None:
                    self._pixel_lengths = _pixel_lengths(self)
                px, py = (pad * length for length in self._pixel_lengths)
            self._boundingRect = QRectF(x_min - px, y_min - py, 2 * px + x_max - x_min, 2 * py + y_max - y_min)
        return self._boundingRect

    def generatePath(self, x: np.ndarray, y: np.ndarray) -> QPainterPath:  # noqa: N802 (pyqtgraph naming)
        """pyqtgraph's path, for an array of joins built as polylines (see :func:`polylines_path`)."""
        connect = self.opts["connect"]
        if (
            isinstance(connect, np.ndarray)
            and not self.opts["stepMode"]
            and len(connect) == len(x) == len(y)
            and np.isfinite(x).all()
            and np.isfinite(y).all()
        ):
            return polylines_path(x, y, connect)
        return super().generatePath(x, y)


def _pixel_lengths(item: pg.GraphicsObject) -> tuple[float, float]:
    """One device pixel's length along the item's x and y in its coordinates, as pyqtgraph's
    ``PlotCurveItem.boundingRect`` works it out (0 where the view has no size yet, or overflows)."""
    lengths = []
    for vector in item.pixelVectors():
        try:
            lengths.append(0.0 if vector is None else float(vector.length()))
        except OverflowError:
            lengths.append(0.0)
    return lengths[0], lengths[1]


def polylines_path(x: np.ndarray, y: np.ndarray, joins: np.ndarray) -> QPainterPath:
    """The path ``arrayToQPath(x, y, connect=joins)`` builds for finite points (``joins[i]``: point
    ``i`` is joined to point ``i + 1``): each run of joined points one polyline.

    pyqtgraph writes every point into a big-endian ``QDataStream`` for Qt to read back, about
    0.4 ms for the activation space's 22 grid lines of 100 points; one ``QPolygonF`` a line,
    filled from numpy, is a fraction of that. A point joined to neither neighbour draws nothing
    either way (a lone move), so it is left out.
    """
    n = len(x)
    joined = np.asarray(joins, dtype=bool)[: n - 1]
    # A run starts where the previous point is not joined to it, and ends where it is not joined on.
    starts = np.flatnonzero(np.concatenate(([True], ~joined)))
    ends = np.flatnonzero(np.concatenate((~joined, [True])))
    path = QPainterPath()
    for start, end in zip(starts.tolist(), ends.tolist()):
        if end > start:
            polygon = fn.create_qpolygonf(end - start + 1)
            points = fn.ndarray_from_qpolygonf(polygon)
            points[:, 0] = x[start : end + 1]
            points[:, 1] = y[start : end + 1]
            path.addPolygon(polygon)
    return path


class HistoryCurve(pg.PlotDataItem):
    """A ``PlotDataItem`` (downsampling, clipping to the view, log mapping) drawn by a :class:`BoundedCurve`;
    :meth:`set_finite` gives it new points at a fraction of ``setData``'s cost."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # PlotDataItem builds a plain PlotCurveItem child; put the cheaper one in its place
        # before any data arrives (its signals are the ones PlotDataItem.__init__ connects).
        plain = self.curve
        plain.sigClicked.disconnect(self.sigClicked)
        plain.setParentItem(None)
        self.curve = BoundedCurve()
        self.curve.setParentItem(self)
        self.curve.sigClicked.connect(self.sigClicked)
        self.updateItems(styleUpdate=True)

    def set_finite(self, x: np.ndarray, y: np.ndarray) -> None:
        """``setData(x, y, skipFiniteCheck=True)`` for finite float arrays of one length.

        The loss and gradient plots give every curve its whole history again at each redraw,
        and pyqtgraph's ``setData`` then parses its arguments, marks the style as changed (any
        keyword does) and hands the curve its pen, shadow pen, fill and brush again: about
        160 of its 220 us a curve here, for points alone. When the curve was set up by a
        full ``setData`` and draws a line only (no symbols), its styles are the curve's
        already (a new pen goes to it at once, through ``setPen``), so only the points go:
        through pyqtgraph's own display pipeline (log mapping, clipping, downsampling), to
        the curve, with the signals ``setData`` sends. Else it is ``setData`` itself.
        """
        curve = self.curve
        if (
            not len(x)
            or self.property("styleWasChanged") is not False
            or self.opts["symbol"] is not None
            or self.opts["pen"] is None
            or self.opts["connect"] != "all"
            or not self.opts["skipFiniteCheck"]
            or curve.opts["connect"] != "all"
            or not curve.opts["skipFiniteCheck"]
        ):
            self.setData(x, y, skipFiniteCheck=True)
            return
        x, y = np.asarray(x).view(np.ndarray), np.asarray(y).view(np.ndarray)
        # Known finite: pyqtgraph's bounds then take a plain min and max.
        self._dataset = _PlotDataset(x, y, xAllFinite=True, yAllFinite=True)
        self._datasetMapped = None
        self._datasetDisplay = None
        self._adsLastValue = 1
        shown = self._getDisplayDataset()
        if shown is None:
            curve.hide()
        else:
            curve.setData(x=shown.x, y=shown.y)
            if not curve.isVisible():
                curve.show()
        self.informViewBoundsChanged()
        self.sigPlotChanged.emit(self)

    def _getDisplayDataset(self):  # noqa: N802 (pyqtgraph naming)
        """pyqtgraph's display pipeline with its peak downsampling done here, faster.

        Each of a long run's redraws gives a curve its whole history again, and pyqtgraph takes
        each block's maximum and minimum as numpy reductions along the short rows of a
        ``(n / ds, ds)`` view, which numpy does element by element: 0.36 ms a curve at 20,000
        epochs (ds 12), the loss and gradient plots' seven curves 2.5 ms. The same maxima and
        minima column by column are a quarter of that (:func:`peak_downsample`). pyqtgraph still
        maps, clips to the view and limits the range (clipping values commutes with taking a
        block's maximum and minimum), then this takes the blocks of the ``ds`` it chose; a
        display it kept (its cache, or the range limit's) is not downsampled again."""
        opts = self.opts
        if opts["downsampleMethod"] != "peak" or isinstance(opts["connect"], np.ndarray):
            return super()._getDisplayDataset()
        kept = self._datasetDisplay
        opts["downsampleMethod"] = _PEAK_HERE  # a method pyqtgraph does not know: it leaves the blocks alone
        try:
            shown = super()._getDisplayDataset()
        finally:
            opts["downsampleMethod"] = "peak"
        if shown is None or shown is kept or (kept is not None and shown.x is kept.x):
            return shown
        ds = self._adsLastValue if opts["autoDownsample"] else opts["downsample"]
        if not isinstance(ds, int) or ds <= 1 or shown.connect is not None:
            return shown
        x, y = peak_downsample(shown.x, shown.y, ds)
        self._datasetDisplay = _PlotDataset(x, y, shown.xAllFinite, shown.yAllFinite)
        return self._datasetDisplay


_PEAK_HERE = "peak (HistoryCurve)"
# Block widths where a pass per column is fastest; wider blocks go through reduceat (measured here:
# 20,000 points in blocks of 12 0.13 ms against reduceat's 0.41 and the reduction along rows' 0.55;
# 100,000 in blocks of 60 0.73 against reduceat's 0.36 and 0.66).
_COLUMN_LOOP_UP_TO = 24


def peak_downsample(x: np.ndarray, y: np.ndarray, ds: int) -> tuple[np.ndarray, np.ndarray]:
    """pyqtgraph's ``"peak"`` downsampling: each whole block of ``ds`` points becomes two points at
    the block's middle x, its maximum then its minimum (the same values, float64, in the same order)."""
    n = len(x) // ds
    start = ds // 2  # pyqtgraph's "somewhat centered point"
    xs = np.empty((n, 2))
    xs[:] = x[start : start + n * ds : ds, np.newaxis]
    ys = np.empty((n, 2))
    if n and ds <= _COLUMN_LOOP_UP_TO:
        blocks = y[: n * ds].reshape((n, ds))
        high, low = ys[:, 0], ys[:, 1]
        high[:] = blocks[:, 0]
        low[:] = blocks[:, 0]
        for k in range(1, ds):
            np.maximum(high, blocks[:, k], out=high)
            np.minimum(low, blocks[:, k], out=low)
    elif n:
        starts = np.arange(0, n * ds, ds)
        ys[:, 0] = np.maximum.reduceat(y[: n * ds], starts)
        ys[:, 1] = np.minimum.reduceat(y[: n * ds], starts)
    return xs.reshape(n * 2), ys.reshape(n * 2)
