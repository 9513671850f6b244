"""Points appended to a large scatter, drawn by a small item of their own.

A ``ScatterPlotItem`` that keeps its painting in a pixmap (``DeviceCoordinateCache``,
the canvas's points) paints all of its points again whenever its data changes:
at 100,000 points giving it one more point took about 120 ms of ``setData`` and
45 ms of painting, so a click on a large dataset froze the window. Adding points
(a click, a paint stroke) and undoing them only change the end of a group, so the
points past the ones the big item holds go to a small child item without a cache;
the big item, its records and its pixmap stay as they are. Once the tail would
outgrow ``MAX_TAIL`` the caller gives the big item every point again (one slow
update, then cheap ones again).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg

# Points the tail holds at most: painting them uncached costs about 1 ms a thousand,
# against the big item's full repaint of up to 45 ms.
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

    def show(self, x: np.ndarray, y: np.ndarray) -> bool:
        """Draw ``x, y`` as the parent's points plus a tail of the rest; True if done.

        False, with nothing changed, unless ``x, y`` begin with exactly the points the
        parent holds (in order) and add at most ``MAX_TAIL`` to them.
        """
        base = self._parent.data
        n = len(base)
        extra = len(x) - n
        if not n or not 0 <= extra <= MAX_TAIL or len(y) != len(x):
            return False
        if not (np.array_equal(base["x"], x[:n]) and np.array_equal(base["y"], y[:n])):
            return False
        if extra == 0:
            self.clear()
        else:
            self._ensure().setData(x=x[n:], y=y[n:])
        return True

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
        """True when some of the item's points are drawn by its tail."""
        return self._tail is not None and self._tail.count() > 0

    def setData(self, *args: Any, **kargs: Any) -> None:  # noqa: N802 (pyqtgraph naming)
        super().setData(*args, **kargs)  # type: ignore[misc]
        if self._tail is not None:
            self._tail.clear()

    def getData(self) -> tuple[np.ndarray, np.ndarray]:  # noqa: N802 (pyqtgraph naming)
        x, y = super().getData()  # type: ignore[misc]
        if not self.has_tail():
            return x, y
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
