"""The activation space: where a hidden layer puts the data, and how it bends the input plane.

Two units of a layer (or the first two principal components of a wider layer)
span the plot. The data points are drawn there in their class colours, the lines
of a regular grid over the input plane are drawn as the network maps them (so
the folding and stretching is visible), and, for the last hidden layer, the
output unit's linear boundary ``w . h + b = 0`` shows that the data has become
linearly separable.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from playground.ui.plots.points import PointLayer
from playground.ui.plots.style import ThemedPlot, with_alpha

_PADDING = 0.08  # fraction of the data span added on each side when fitting the view
_HEADROOM = 0.25  # when the data outgrows the view, grow by more so it need not grow again next frame
# The view shrinks back only when the data fills less than this fraction of it,
# so it does not jump at every frame while training wiggles the points.
_SHRINK_BELOW = 0.35


def pca_2d(H: np.ndarray, reference: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Project ``H`` (n, d) on its first two principal components.

    Returns ``(projection (n, 2), components (2, d), mean (d,))`` with
    ``projection = (H - mean) @ components.T``. Principal directions have no
    inherent sign, so each is made deterministic: aligned with ``reference``
    (the previous frame's components, when given and of the same shape), else
    its largest-magnitude entry is positive. When ``d < 2`` the missing
    component is zero. Non-finite rows are ignored when fitting.
    """
    H = np.asarray(H, dtype=np.float64)
    n, d = H.shape
    finite = np.isfinite(H).all(axis=1)
    mean = H[finite].mean(axis=0) if finite.any() else np.zeros(d)
    components = np.zeros((2, d))
    if finite.sum() >= 2:
        # Eigenvectors of the small d x d covariance, not an SVD of the (n, d)
        # data: the same directions at a fraction of the cost (10,000 grid rows
        # every frame took 30 ms as an SVD).
        centred = H[finite] - mean
        values, vectors = np.linalg.eigh(centred.T @ centred)
        top = vectors[:, np.argsort(values)[::-1][:2]].T
        components[: len(top)] = top
    for i in range(2):
        if reference is not None and reference.shape == components.shape:
            flip = components[i] @ reference[i] < 0
        else:
            flip = components[i][np.argmax(np.abs(components[i]))] < 0
        if flip:
            components[i] = -components[i]
    return (H - mean) @ components.T, components, mean


def _bounds(arrays: Sequence[np.ndarray]) -> np.ndarray | None:
    """``[[xmin, ymin], [xmax, ymax]]`` over the finite rows of ``(m, 2)`` arrays, or None."""
    rows = [a[np.isfinite(a).all(axis=1)] for a in arrays if len(a)]
    rows = [r for r in rows if len(r)]
    if not rows:
        return None
    stacked = np.concatenate(rows)
    return np.array([stacked.min(axis=0), stacked.max(axis=0)])


class ActivationSpacePlot(ThemedPlot):
    """Two coordinates of a hidden layer's activations, with the data and the warped input grid."""

    def __init__(self, parent=None) -> None:
        super().__init__("activationPlot", {"bottom": "unit 1 (a)", "left": "unit 2 (a)"}, parent=parent)
        vb = self.getPlotItem().getViewBox()
        vb.setAspectLocked(True, ratio=1.0)  # geometry is the point: keep angles and distances true
        vb.disableAutoRange()
        vb.setMouseEnabled(x=False, y=False)  # the view follows the data; dragging would fight it
        self._range: np.ndarray | None = None  # [[xmin, ymin], [xmax, ymax]] currently shown

        self._grid = pg.PlotCurveItem(connect="finite", antialias=True)
        self._line = pg.InfiniteLine(movable=False)
        self._line.hide()
        self.addItem(self._grid, ignoreBounds=True)
        self.addItem(self._line, ignoreBounds=True)
        self._points = PointLayer(self.getPlotItem())
        self._class_colors: tuple[str, ...] = ()
        self._theme_changed()

    def update_space(
        self,
        points_xy: np.ndarray,
        y: np.ndarray,
        task: str,
        class_colors: Sequence[str],
        grid_lines: Sequence[np.ndarray] = (),
        decision_line: tuple[np.ndarray, float] | None = None,
        axis_labels: tuple[str, str] = ("unit 1 (a)", "unit 2 (a)"),
        is_test: np.ndarray | None = None,
    ) -> None:
        """Draw one frame.

        ``points_xy`` (n, 2): the data in this space; ``y`` (n,) labels or targets;
        ``grid_lines``: polylines ``(m, 2)``, the images of the input plane's grid
        lines; ``decision_line``: ``(w (2,), b)`` of the output unit, drawn as the
        line ``w . h + b = 0`` (None hides it); ``axis_labels``: (bottom, left).
        The view only grows to follow the data, and shrinks back only when the data
        has become much smaller than it; :meth:`reset_range` refits it.
        """
        points_xy = np.asarray(points_xy, dtype=np.float64).reshape(-1, 2)
        self._class_colors = tuple(class_colors)
        self._points.set_points(points_xy, y, is_test, task, self._class_colors, self.theme)
        self._set_grid(grid_lines)
        self._set_decision_line(decision_line)
        for axis, text in zip(("bottom", "left"), axis_labels):
            if text != self.axis_label(axis):
                self.set_axis_label(axis, text)
        self._follow(_bounds([points_xy, *grid_lines]))

    def reset_range(self) -> None:
        """Fit the view to the next frame's data (call when the layer or the units change)."""
        self._range = None

    def points_drawn(self) -> int:
        """Number of data points currently drawn."""
        return self._points.count()

    def _set_grid(self, grid_lines: Sequence[np.ndarray]) -> None:
        # One curve for all lines: a NaN row between lines breaks the connection.
        pieces = []
        for line in grid_lines:
            pieces.append(np.asarray(line, dtype=np.float64).reshape(-1, 2))
            pieces.append(np.full((1, 2), np.nan))
        xy = np.concatenate(pieces) if pieces else np.empty((0, 2))
        self._grid.setData(xy[:, 0], xy[:, 1])

    def _set_decision_line(self, decision_line: tuple[np.ndarray, float] | None) -> None:
        if decision_line is None:
            self._line.hide()
            return
        w, b = np.asarray(decision_line[0], dtype=np.float64), float(decision_line[1])
        norm2 = float(w @ w)
        if not (np.isfinite(norm2) and np.isfinite(b)) or norm2 < 1e-24:
            self._line.hide()  # no weights, no line
            return
        # The point of the line closest to the origin, and the direction along it
        # (perpendicular to w). InfiniteLine clips itself to the view.
        x0, y0 = -b * w / norm2
        self._line.setPos((float(x0), float(y0)))
        self._line.setAngle(np.degrees(np.arctan2(w[0], -w[1])))
        self._line.show()

    def _follow(self, data: np.ndarray | None) -> None:
        if data is None:
            return
        span = np.maximum(data[1] - data[0], 1e-6)
        padding = _PADDING
        if self._range is not None:
            inside = (data[0] >= self._range[0]).all() and (data[1] <= self._range[1]).all()
            shown = self._range[1] - self._range[0]
            if inside and (span >= _SHRINK_BELOW * shown).any():
                return
            if not inside:
                padding = _HEADROOM
        target = np.array([data[0] - padding * span, data[1] + padding * span])
        self._range = target
        self.getPlotItem().getViewBox().setRange(
            xRange=target[:, 0], yRange=target[:, 1], padding=0
        )

    def _theme_changed(self) -> None:
        t = self.theme
        self._grid.setPen(pg.mkPen(with_alpha(t.faint, 150), width=1))
        self._line.setPen(pg.mkPen(t.boundary, width=2, style=Qt.PenStyle.DashLine))
        self._points.restyle(self._class_colors, t)
