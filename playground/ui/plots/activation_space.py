"""The activation space: where a hidden layer puts the data, and how it bends the input plane.

A plane through the layer's space (two units, principal components, or the
output-aligned plane of ``projection``) spans the plot. The data points are
drawn there in their class colours, the lines of a regular grid over the input
plane are drawn as the network maps them (so the folding and stretching is
visible), and, for the last hidden layer, the output's decision regions on the
plane are shaded in the class colours with their boundary dashed: the data has
become linearly separable. A one-line legend says whether that boundary is
exact for every point or only a slice of a wider layer.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt

from playground.ui.plots.colors import class_region_image, class_rgb
from playground.ui.plots.curves import SEGMENTS, BoundedCurve
from playground.ui.plots.points import PointLayer, RingMarker, finite_rows
from playground.ui.plots.projection import class_edges_in_plane, classes_on_grid, pca_2d  # noqa: F401 (pca_2d: re-exported)
from playground.ui.plots.rgba_image import RGBAImageItem
from playground.ui.plots.style import ThemedPlot, with_alpha

_PADDING = 0.08  # fraction of the data span added on each side when fitting the view
_HEADROOM = 0.25  # when the data outgrows the view, grow by more so it need not grow again next frame
# The view shrinks back only when the data fills less than this fraction of it,
# so it does not jump at every frame while training wiggles the points.
_SHRINK_BELOW = 0.35
REGION_RESOLUTION = 120  # cells per side of the shaded regions over the view (the exact line is drawn on top)
# How far the shaded regions move from the background toward the class colour: pale, so the
# points (drawn in the full class colour) and the grid stay readable on top.
REGION_STRENGTH = 0.22


def _bounds(arrays: Sequence[np.ndarray]) -> np.ndarray | None:
    """``[[xmin, ymin], [xmax, ymax]]`` over the finite rows of ``(m, 2)`` arrays, or None."""
    rows = []
    for a in arrays:
        finite = finite_rows(a)
        if finite.any():
            rows.append(a if finite.all() else a[finite])
    if not rows:
        return None
    # Column by column: min(axis=0) over (n, 2) rows is ten times slower in numpy.
    low = [min(float(r[:, axis].min()) for r in rows) for axis in (0, 1)]
    high = [max(float(r[:, axis].max()) for r in rows) for axis in (0, 1)]
    return np.array([low, high])


def _union(a: np.ndarray | None, b: np.ndarray | None) -> np.ndarray | None:
    """The bounds (as :func:`_bounds`) around both ``a`` and ``b``; None when both are None."""
    if a is None or b is None:
        return b if a is None else a
    return np.array([np.minimum(a[0], b[0]), np.maximum(a[1], b[1])])


# The plot's least height, in px, that keeps its y-axis title ("output direction 2", ~90 px long) whole
# beside the view: squeezed to a strip by a dock below, the title was drawn over itself. Presentation
# mode's larger text needs more; normal mode's floor is the smaller one so the window's own minimum
# height stays small (168 px there made it 526 px: a 1280x400 window could not shrink, nor a lesson's
# render window be its size).
MIN_HEIGHT = 96
PRESENTATION_MIN_HEIGHT = 168


class ActivationSpacePlot(ThemedPlot):
    """Two coordinates of a hidden layer's activations, with the data, the warped input grid and,
    for the last hidden layer, the output's decision regions."""

    # A class attribute: the base PlotWidget fits the legend (see _fit_legend) during __init__.
    _key_text = ""  # the boundary legend's one-line text, "" while it is hidden

    def __init__(self, parent=None) -> None:
        super().__init__("activationPlot", {"bottom": "unit 1 (a)", "left": "unit 2 (a)"}, parent=parent)
        self.setMinimumHeight(MIN_HEIGHT)
        vb = self.getPlotItem().getViewBox()
        vb.setAspectLocked(True, ratio=1.0)  # geometry is the point: keep angles and distances true
        vb.disableAutoRange()
        vb.setMouseEnabled(x=False, y=False)  # the view follows the data; dragging would fight it
        self._range: np.ndarray | None = None  # [[xmin, ymin], [xmax, ymax]] currently shown

        self._regions = RGBAImageItem()
        self._regions.setZValue(-10)
        self._grid = BoundedCurve(antialias=True)  # its connect array is set with each frame's lines
        self._line = pg.InfiniteLine(movable=False)  # one output unit: its boundary, exactly
        self._line.hide()
        # Softmax: where the winner changes (segments clipped to the view, so within its bounds).
        self._class_lines = BoundedCurve(connect="pairs", antialias=True)
        self._class_lines.setSegmentedLineMode(SEGMENTS)  # loose segments: see curves.SEGMENTS
        for item in (self._regions, self._grid, self._line, self._class_lines):
            self.addItem(item, ignoreBounds=True)
        self._points = PointLayer(self.getPlotItem())
        self._ring = RingMarker(self.getPlotItem())
        self._class_colors: tuple[str, ...] = ()
        self._output: tuple[np.ndarray, np.ndarray] | None = None  # in-plane logits (A (2, k), c (k,))

        # One line above the view (ThemedPlot's header legend): what the dashed line is, and
        # whether to trust it. In the view's corner it covered the points there.
        self._key_sample = pg.PlotDataItem()
        self._key = self._add_legend()
        # One entry: the style's 9 px margins and pyqtgraph's 25 px between a sample and its text
        # only widened it past a narrow plot (160 px beside the diagram and a side dock).
        self._key.layout.setContentsMargins(0, 2, 0, 2)
        self._key.layout.setHorizontalSpacing(6)
        vb.sigRangeChanged.connect(self._draw_regions)
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
        output: tuple[np.ndarray, np.ndarray] | None = None,
        boundary_note: str = "",
    ) -> None:
        """Draw one frame.

        ``points_xy`` (n, 2): the data in this space; ``y`` (n,) labels or targets;
        ``grid_lines``: polylines ``(m, 2)``, the images of the input plane's grid
        lines (or one ``(lines, m, 2)`` array of lines of one length); ``axis_labels``: (bottom, left).

        The output on this plane, either as ``output = (A (2, k), c (k,))``, its
        logits ``(u, v) @ A + c`` (k = 1: a sigmoid unit, class 1 where positive;
        k > 1: softmax), whose class regions are shaded and their boundary dashed;
        or as ``decision_line = (w (2,), b)``, the line ``w . h + b = 0`` alone.
        None of both hides them. ``boundary_note`` (e.g. ``"exact"``) is shown in
        the one-line legend of the dashed boundary.

        The view only grows to follow the data, and shrinks back only when the data
        has become much smaller than it; :meth:`reset_range` refits it.
        """
        points_xy = np.asarray(points_xy, dtype=np.float64).reshape(-1, 2)
        self._class_colors = tuple(class_colors)
        self._points.set_points(points_xy, y, is_test, task, self._class_colors, self.theme)
        grid_bounds = self._set_grid(grid_lines)
        if output is not None:
            A, c = (np.asarray(v, dtype=np.float64) for v in output)
            self._output = (A.reshape(2, -1), c.reshape(-1))
            if self._output[0].shape[1] == 1:
                decision_line = (self._output[0][:, 0], float(self._output[1][0]))
        else:
            self._output = None
        self._set_decision_line(decision_line)
        self._set_legend(boundary_note if (decision_line is not None or output is not None) else None)
        for axis, text in zip(("bottom", "left"), axis_labels):
            if text != self.axis_label(axis):
                self.set_axis_label(axis, text)
        self._follow(_union(_bounds([points_xy]), grid_bounds))
        self._draw_regions()

    def set_presentation_scale(self, factor: float) -> None:
        """As ThemedPlot's, and the larger text's least height (``PRESENTATION_MIN_HEIGHT``)."""
        super().set_presentation_scale(factor)
        self.setMinimumHeight(MIN_HEIGHT if factor == 1.0 else PRESENTATION_MIN_HEIGHT)

    def reset_range(self) -> None:
        """Fit the view to the next frame's data (call when the layer or the units change)."""
        self._range = None

    def points_drawn(self) -> int:
        """Number of data points currently drawn."""
        return self._points.count()

    def drawn_points(self) -> dict[tuple[int, bool], np.ndarray]:
        """The positions the scatter items hold, ``{(class or value bin, is_test): (m, 2)}``,
        each group in the order its points were passed."""
        return self._points.drawn()

    def set_highlight(self, xy: np.ndarray | None) -> None:
        """Ring the point at ``xy`` (plot coordinates), e.g. the inspected one; None removes the ring."""
        if xy is None:
            self._ring.hide()
        else:
            self._ring.show_at(xy)

    def highlight(self) -> np.ndarray | None:
        """Where the ring is drawn, or None."""
        return self._ring.position()

    def region_image(self) -> tuple[np.ndarray, tuple[float, float, float, float]] | None:
        """The shaded regions as drawn: ``(rgba (h, w, 4), (x0, y0, width, height))``, row 0 at the
        bottom, or None when no regions are shown."""
        if self._output is None or self._regions.image is None or not self._regions.isVisible():
            return None
        rect = self._regions.mapRectToParent(self._regions.boundingRect())
        return self._regions.image, (rect.left(), rect.top(), rect.width(), rect.height())

    def boundary_legend(self) -> str:
        """The text of the dashed boundary's legend, ``""`` when it is hidden."""
        return self._key_text

    def _set_grid(self, grid_lines: Sequence[np.ndarray]) -> np.ndarray | None:
        """Draw the grid lines; their bounds (as :func:`_bounds`), which the curve reports too."""
        # One curve for all lines, each point joined to the next except a line's last one. An
        # array of joins builds the path in one pass; NaN rows between the lines (connect="finite")
        # made pyqtgraph split the data and add each line's polygon from Python.
        if isinstance(grid_lines, np.ndarray) and grid_lines.ndim == 3 and grid_lines.shape[1]:
            # Lines of one length in one array (the view's probe grid): no list to join.
            xy = np.asarray(grid_lines, dtype=np.float64).reshape(-1, 2)
            joins = np.ones(len(xy), dtype=bool)
            joins[grid_lines.shape[1] - 1 :: grid_lines.shape[1]] = False
        else:
            lines = [np.asarray(line, dtype=np.float64).reshape(-1, 2) for line in grid_lines]
            xy = np.concatenate(lines) if lines else np.empty((0, 2))
            joins = np.ones(len(xy), dtype=bool)
            joins[np.cumsum([len(line) for line in lines], dtype=np.intp) - 1] = False
        # A non-finite point (diverging weights) is joined to neither neighbour: a gap, as before.
        finite = finite_rows(xy)
        joins &= finite
        joins[:-1] &= finite[1:]
        bounds = _bounds([xy])
        if bounds is None:
            self._grid.set_bounds(None)
        else:
            self._grid.set_bounds(bounds[:, 0], bounds[:, 1])
        self._grid.setData(xy[:, 0], xy[:, 1], connect=joins)
        return bounds

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
        with np.errstate(over="ignore", invalid="ignore"):
            x0, y0 = -b * w / norm2
        if not (np.isfinite(x0) and np.isfinite(y0)):
            self._line.hide()  # so far out (diverging weights) that it lies beyond any view
            return
        self._line.setPos((float(x0), float(y0)))
        self._line.setAngle(np.degrees(np.arctan2(w[0], -w[1])))
        self._line.show()

    def _set_legend(self, note: str | None) -> None:
        text = "" if note is None else (f"output boundary ({note})" if note else "output boundary")
        if text == self._key_text:
            return
        self._key_text = text
        self._key.clear()
        if text:
            self._key.addItem(self._key_sample, text)
            self._key.items[0][1].item.document().setDocumentMargin(1)  # Qt's 4 px: a taller row
            self._style_legend(self._key)
        self._fit_legend()

    def _fit_legend(self) -> None:
        """The header legend as :meth:`ThemedPlot._fit_legend` lays it out, its note on a second
        line when one line is wider than the plot (a narrow column cut it at both ends)."""
        if self._key_text and self._key.items:
            label = self._key.items[0][1]
            fits = self.legend_row_width([self._key_text]) <= self.legend_room()
            wanted = self._key_text if fits else self._key_text.replace(" (", "<br>(", 1)
            if label.text != wanted:
                label.setText(wanted)
        super()._fit_legend()

    def _draw_regions(self) -> None:
        """Shade the output's class regions over the visible view (redone when the view moves)."""
        if self._output is None or len(self._class_colors) < 2:
            self._regions.hide()
            self._class_lines.setData([], [])
            return
        A, c = self._output
        if not (np.isfinite(A).all() and np.isfinite(c).all()):
            self._regions.hide()
            self._class_lines.setData([], [])
            return
        (x0, x1), (y0, y1) = self.getPlotItem().getViewBox().viewRange()
        n = REGION_RESOLUTION
        xs = x0 + (np.arange(n) + 0.5) * (x1 - x0) / n
        ys = y0 + (np.arange(n) + 0.5) * (y1 - y0) / n
        classes = classes_on_grid(A, c, xs, ys)  # row i along y (row 0 at the bottom)
        colors = class_rgb(self._class_colors)
        classes = np.where(classes < len(colors), classes, -1)
        self._regions.show_rgba(
            class_region_image(classes, colors, self.theme.background_rgb, REGION_STRENGTH),
            QRectF(x0, y0, x1 - x0, y1 - y0),
        )
        self._regions.show()
        if A.shape[1] > 1:
            segments = class_edges_in_plane(A, c, (x0, y0, x1, y1))
            self._class_lines.set_bounds((x0, x1), (y0, y1))
            self._class_lines.setData(segments[:, 0], segments[:, 1])
        else:
            self._class_lines.setData([], [])

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
        self.getPlotItem().getViewBox().setRange(xRange=target[:, 0], yRange=target[:, 1], padding=0)

    def _theme_changed(self) -> None:
        t = self.theme
        self._grid.setPen(pg.mkPen(with_alpha(t.faint, 150), width=1))
        dashed = pg.mkPen(t.boundary, width=2, style=Qt.PenStyle.DashLine)
        self._line.setPen(dashed)
        self._class_lines.setPen(dashed)
        self._key_sample.setPen(dashed)
        self._style_legend(self._key)
        self._points.restyle(self._class_colors, t)
        self._draw_regions()
