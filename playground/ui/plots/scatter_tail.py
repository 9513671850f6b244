"""Points appended to a large scatter, drawn by a small item of their own.

A ``ScatterPlotItem`` that keeps its painting in a pixmap (``DeviceCoordinateCache``,
the canvas's points) paints all of its points again whenever its data changes:
at 100,000 points giving it one more point took about 120 ms of ``setData`` and
45 ms of painting, so a click on a large dataset froze the window. Adding points
(a click, a paint stroke) and undoing them only change the end of a group, so the
points past the ones the big item holds go to a small child item of their own;
the big item, its records and its pixmap stay as they are. Erasing points (and
undoing an erase) hides (shows) their records in the big item instead of giving it
new ones: its pixmap is painted again, but without ``setData``. Once the tail would
outgrow ``MAX_TAIL``, or more than half the records are hidden, the caller gives the
big item every point again (one slow update, then cheap ones again).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg

# Points the tail holds at most: painting them costs about 1 ms a thousand, against the
# big item's full repaint of up to 45 ms.
MAX_TAIL = 2000


class ScatterTail:
    """The points drawn after those of ``parent`` (a scatter): ``show`` draws ``x, y`` as
    the parent's points followed by a short tail, when ``x, y`` start with them."""

    def __init__(self, parent: pg.ScatterPlotItem) -> None:
        self._parent = parent
        self._item: pg.ScatterPlotItem | None = None

    def count(self) -> int:
        """Number of points in the tail."""
        return 0 if self._item is None else len(self._item.data)

    def points(self) -> tuple[np.ndarray, np.ndarray]:
        """The tail's ``(x, y)``, in order (empty arrays when there is none)."""
        if self._item is None or not len(self._item.data):
            return np.empty(0), np.empty(0)
        return self._item.data["x"], self._item.data["y"]

    def hidden(self) -> int:
        """Number of the parent's records hidden (points erased since its last ``setData``)."""
        visible = self._parent.data["visible"]
        return len(visible) - int(np.count_nonzero(visible))

    def shown_base(self) -> tuple[np.ndarray, np.ndarray]:
        """The parent's own points that are drawn (its records less the hidden ones), in order."""
        data = self._parent.data
        if not self.hidden():
            return data["x"], data["y"]
        visible = data["visible"]
        return data["x"][visible], data["y"][visible]

    def show(self, x: np.ndarray, y: np.ndarray) -> bool:
        """Draw ``x, y`` as some of the parent's records, in their order, plus a tail of new
        points; True if done.

        False, with nothing changed, unless ``x, y`` are the parent's drawn points plus at
        most ``MAX_TAIL`` more (an add), or a part of its records in their order (hidden
        records shown again, others hidden: an erase or its undo) plus such a tail, with at
        most half of the records hidden.
        """
        base = self._parent.data
        n, m = len(base), len(x)
        if not n or len(y) != m:
            return False
        drawn_x, drawn_y = self.shown_base()
        k = len(drawn_x)
        if k <= m <= k + MAX_TAIL and np.array_equal(drawn_x, x[:k]) and np.array_equal(drawn_y, y[:k]):
            self._set_tail(x[k:], y[k:])
            return True
        return self._show_part(x, y)

    def _show_part(self, x: np.ndarray, y: np.ndarray) -> bool:
        """``show`` for a part of the records: find which records ``x, y`` keep (by position),
        check that they are its beginning in order, hide the others."""
        base = self._parent.data
        n, m = len(base), len(x)
        if not m or not n // 2 <= m <= n + MAX_TAIL:
            return False
        # The records among the new points, by a 64-bit key of both coordinates: a sort and a
        # binary search (np.isin took 3 times longer). A clash of keys is caught by the check below.
        values = np.sort(_key(x, y))
        records = _key(base["x"], base["y"])
        keep = values[np.minimum(np.searchsorted(values, records), m - 1)] == records
        kept = int(np.count_nonzero(keep))
        if kept < n // 2 or m - kept > MAX_TAIL:
            return False
        if not (np.array_equal(base["x"][keep], x[:kept]) and np.array_equal(base["y"][keep], y[:kept])):
            return False  # another order, or repeated points: the records cannot show it
        if not np.array_equal(keep, base["visible"]):
            # In place, not setPointsVisible: that also forgets every spot's place in the
            # symbol atlas, which would cost a lookup again for each of them.
            base["visible"] = keep
            self._parent.invalidate()  # paint the pixmap again, with the records it now hides
        self._set_tail(x[kept:], y[kept:])
        return True

    def _set_tail(self, x: np.ndarray, y: np.ndarray) -> None:
        if len(x):
            self._ensure().setData(x=x, y=y)
        else:
            self.clear()

    def clear(self) -> None:
        """Drop the tail (the parent has been given all its points)."""
        if self.count():
            assert self._item is not None
            self._item.setData(x=np.empty(0), y=np.empty(0))

    def restyle(self) -> None:
        """Draw the tail in the parent's pen, brush and size again (after the parent's changed)."""
        if self._item is not None:
            self._copy_style(self._item)

    def _ensure(self) -> pg.ScatterPlotItem:
        if self._item is None:
            # The parent's own class: its clicks pass through and its spots skip per-point lookups.
            item = type(self._parent)(pxMode=self._parent.opts["pxMode"])
            self._copy_style(item)
            # Cached as its parent is: the map under the canvas's points changes every frame,
            # the points do not (their pixmap is made again only when the tail changes).
            item.setCacheMode(self._parent.cacheMode())
            # A child: drawn with the parent (same transform, visibility, stacking), never
            # counted in the view's auto-range, and its updates leave the parent's pixmap alone.
            item.setParentItem(self._parent)
            self._item = item
        return self._item

    def _copy_style(self, item: pg.ScatterPlotItem) -> None:
        opts = self._parent.opts
        item.setSize(opts["size"], update=False)
        item.setSymbol(opts["symbol"], update=False)
        item.setPen(opts["pen"], update=False)
        item.setBrush(opts["brush"])


def _key(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """One int64 per point from the bits of both float64 coordinates (multiplication wraps)."""
    xb = np.ascontiguousarray(x, dtype=np.float64).view(np.int64)
    yb = np.ascontiguousarray(y, dtype=np.float64).view(np.int64)
    return xb ^ (yb * np.int64(-7046029254386353131))  # 0x9E3779B97F4A7C15, the golden-ratio odd constant


class WithTail:
    """Mixin for a ``ScatterPlotItem``: ``tail`` draws points appended after the item's own;
    ``getData`` returns both, ``setData`` gives the item every point again (the tail empties),
    and the tail follows the item's pen and brush."""

    _tail: ScatterTail | None = None

    @property
    def tail(self) -> ScatterTail:
        """The item's tail (made at first use)."""
        if self._tail is None:
            self._tail = ScatterTail(self)  # type: ignore[arg-type]
        return self._tail

    def has_tail(self) -> bool:
        """True when the item's records are not exactly its points: some are drawn by its
        tail, or some records are hidden."""
        return self._tail is not None and (self._tail.count() > 0 or self._tail.hidden() > 0)

    def setData(self, *args: Any, **kargs: Any) -> None:  # noqa: N802 (pyqtgraph naming)
        super().setData(*args, **kargs)  # type: ignore[misc]
        if self._tail is not None:
            self._tail.clear()

    def getData(self) -> tuple[np.ndarray, np.ndarray]:  # noqa: N802 (pyqtgraph naming)
        if not self.has_tail():
            return super().getData()  # type: ignore[misc,no-any-return]
        x, y = self.tail.shown_base()
        tx, ty = self.tail.points()
        return np.concatenate([x, tx]), np.concatenate([y, ty])

    def setPen(self, *args: Any, **kargs: Any) -> None:  # noqa: N802 (pyqtgraph naming)
        super().setPen(*args, **kargs)  # type: ignore[misc]
        if self._tail is not None:
            self._tail.restyle()

    def setBrush(self, *args: Any, **kargs: Any) -> None:  # noqa: N802 (pyqtgraph naming)
        super().setBrush(*args, **kargs)  # type: ignore[misc]
        if self._tail is not None:
            self._tail.restyle()
