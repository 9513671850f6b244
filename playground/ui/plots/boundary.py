"""The decision-boundary plot: the model's map over the input plane, the data, and the canvas.

This is the largest plot on screen and the one people click into, so its view is
fixed (the data domain with a little padding, equal aspect) and the mouse paints
instead of panning or zooming.

Map orientation: ``set_map`` takes values sampled at the cell centres of an
``h x w`` grid over the domain (``playground.training.grid_points``), i.e.
``values[i, j]`` is the model at the centre of cell column ``j`` (x1) and cell
row ``i`` (x2). Row 0 is the *bottom* of the plot (smallest x2) and column 0 its
left edge: exactly ``model(grid_points(n, domain)[0]).reshape(n, n, ...)``, each
pixel of the image one cell of the domain.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtWidgets import QGraphicsEllipseItem, QToolButton

from playground.data import DOMAIN
from playground.data.palette import OKABE_ITO
from playground.ui.plots.colors import (
    MAP_STRENGTH,
    class_region_image,
    class_rgb,
    probability_image,
    value_image,
    winning_class,
)
from playground.ui.plots.contour import class_boundary_segments, contour_levels, contour_segments
from playground.ui.plots.curves import SEGMENTS, BoundedCurve
from playground.ui.plots.points import PointLayer, value_range
from playground.ui.plots.rgba_image import RGBAImageItem
from playground.ui.plots.style import Theme, ThemedPlot, with_alpha

# Phases of a drag, as reported by sigDragged.
DRAG_START, DRAG_MOVE, DRAG_FINISH = "start", "move", "finish"
_PADDING = 0.03  # fraction of the domain shown beyond each edge
_CANVAS_BUTTONS = (Qt.MouseButton.LeftButton, Qt.MouseButton.RightButton)
_BADGE_MARGIN = 6  # px between the view's top-left corner and the "showing: ..." badge


@dataclass(frozen=True)
class MapScale:
    """What the colours and lines of the map on show mean: everything its key needs.

    ``kind``: ``"confidence"`` (class colour, pale at chance ``low``, full at 1),
    ``"classes"`` (hard class regions), ``"values"`` (the diverging map over
    ``[low, high]``, pale at its middle) or ``"none"`` (no map). ``solid`` and
    ``faint`` name the solid and the faint dashed lines (``""``: none drawn).
    """

    kind: str
    theme: Theme
    colors: tuple[str, ...] = ()
    low: float = 0.0
    high: float = 1.0
    strength: float = MAP_STRENGTH
    solid: str = ""
    faint: str = ""
    label: str = ""  # what the values are: "prediction", or the unit whose map is shown


class CanvasViewBox(pg.ViewBox):
    """A ViewBox that reports clicks and drags in data coordinates instead of panning or zooming.

    Only left and right buttons are reported; other buttons and the wheel are
    ignored, and there is no context menu.
    """

    sigClicked = Signal(float, float, object, object)
    sigDragged = Signal(float, float, str, object, object)

    def __init__(self) -> None:
        super().__init__(enableMenu=False)
        self.setMouseEnabled(x=False, y=False)

    def mouseClickEvent(self, ev) -> None:  # noqa: N802 (Qt naming)
        if ev.button() not in _CANVAS_BUTTONS:
            ev.ignore()
            return
        ev.accept()
        p = self.mapToView(ev.pos())
        self.sigClicked.emit(p.x(), p.y(), ev.button(), ev.modifiers())

    def mouseDragEvent(self, ev, axis=None) -> None:  # noqa: N802
        if axis is not None or ev.button() not in _CANVAS_BUTTONS:
            ev.ignore()  # drags on the axes would otherwise pan
            return
        ev.accept()
        button, modifiers = ev.button(), ev.modifiers()
        if ev.isStart():
            # The drag is only recognised after a few pixels: start where the button went down.
            down = self.mapToView(ev.buttonDownPos())
            self.sigDragged.emit(down.x(), down.y(), DRAG_START, button, modifiers)
        p = self.mapToView(ev.pos())
        phase = DRAG_FINISH if ev.isFinish() else DRAG_MOVE
        self.sigDragged.emit(p.x(), p.y(), phase, button, modifiers)

    def wheelEvent(self, ev, axis=None) -> None:  # noqa: N802
        ev.ignore()


class BoundaryPlot(ThemedPlot):
    """Decision boundary (or regression surface) over the fixed input domain, with the data points.

    Signals (coordinates are data coordinates x1, x2; they may lie a little
    outside the domain, in the padding, and the receiver decides what to do):

    - ``sigClicked(x, y, button, modifiers)``: a left or right click.
    - ``sigDragged(x, y, phase, button, modifiers)``: a left or right drag;
      ``phase`` is ``DRAG_START`` (where the button went down), then
      ``DRAG_MOVE`` for each move, and ``DRAG_FINISH`` at the release point.
      A click never produces drag events and a drag never produces a click.
    - ``sigUnitMapClosed()``: the plot went back from one unit's map
      (:meth:`show_unit_map`) to the model's output map.
    - ``sigScaleChanged(MapScale)``: what the map's colours mean changed (another
      task, class count, value range, unit map, theme or :meth:`set_discrete`).

    ``button`` is a ``Qt.MouseButton``, ``modifiers`` a ``Qt.KeyboardModifier``
    flag set (e.g. shift-drag to erase). Slots may take fewer arguments.
    """

    # The module's drag phases, also reachable from the class.
    DRAG_START, DRAG_MOVE, DRAG_FINISH = DRAG_START, DRAG_MOVE, DRAG_FINISH

    sigClicked = Signal(float, float, object, object)
    sigDragged = Signal(float, float, str, object, object)
    sigUnitMapClosed = Signal()
    sigScaleChanged = Signal(object)

    def __init__(self, parent=None, domain: tuple[float, float] = DOMAIN) -> None:
        self._canvas = CanvasViewBox()
        super().__init__("boundaryPlot", {"bottom": "x1", "left": "x2"}, parent=parent, viewBox=self._canvas)
        self.domain = domain
        self._class_colors: tuple[str, ...] = OKABE_ITO[:2]
        self._map: tuple[np.ndarray, str] | None = None  # last map, re-coloured on theme/class changes
        self._value_range: tuple[float, float] | None = None
        # One unit's map shown instead of the output: (values, vmin, vmax, line values, level).
        self._unit_map: tuple[np.ndarray, float, float, np.ndarray, float] | None = None
        self._unit_label = ""
        self._discrete = False  # hard class regions instead of confidence shades
        self._scale: MapScale | None = None

        vb = self._canvas
        vb.setAspectLocked(True, ratio=1.0)
        vb.disableAutoRange()
        vb.setRange(xRange=domain, yRange=domain, padding=_PADDING)

        self._image = RGBAImageItem()  # painted as premultiplied ARGB32, Qt's fast path (rgba_image.py)
        self._image.setZValue(-10)
        # The contour lines never leave the domain: their bounds need no pass over them. Drawn
        # as separate lines (curves.SEGMENTS), not through a path built anew every frame.
        self._faint = BoundedCurve(connect="pairs", antialias=True, skipFiniteCheck=True)
        self._line = BoundedCurve(connect="pairs", antialias=True, skipFiniteCheck=True)
        for curve in (self._faint, self._line):
            curve.set_bounds(domain, domain)
            curve.setSegmentedLineMode(SEGMENTS)
        for item in (self._image, self._faint, self._line):
            self.addItem(item, ignoreBounds=True)
        # The points change only with the data; the map under them, every frame.
        self._points = PointLayer(self.getPlotItem(), cached=True)

        self._cursor = QGraphicsEllipseItem()
        self._cursor.setZValue(20)
        self._cursor.hide()
        vb.addItem(self._cursor, ignoreBounds=True)
        self._cursor_radius: float | None = None

        # Says which unit's map is on show, and is the way back: a widget over the view,
        # so its clicks never reach the canvas (where they would add points).
        self._badge = QToolButton(self, objectName="unitMapBadge")
        self._badge.setToolTip("Click to go back to the model's output map.")
        self._badge.setCursor(Qt.CursorShape.PointingHandCursor)
        self._badge.clicked.connect(self.show_output_map)
        self._badge.hide()
        vb.sigResized.connect(self._place_badge)

        vb.sigClicked.connect(self.sigClicked)
        vb.sigDragged.connect(self.sigDragged)
        self.scene().sigMouseMoved.connect(self._follow_mouse)
        self._theme_changed()

    # -- content -------------------------------------------------------------------------

    def set_classes(self, colors_hex: Sequence[str]) -> None:
        """Set the class colours (``#RRGGBB``, one per class) used by the map and the points."""
        if tuple(colors_hex) == self._class_colors:
            return  # called with every dataset change; re-colouring the map is not free
        self._class_colors = tuple(colors_hex)
        self._points.restyle(self._class_colors, self.theme)
        self._redraw_map()

    def set_map(self, values: np.ndarray, task: str) -> None:
        """Show the model's output over the domain (see the module docstring for the grid).

        Classification: ``values`` is ``(h, w, k)`` class probabilities (or ``(h, w)``,
        the probability of class 1 of two). The most probable class colours each
        pixel, paler where the model is unsure; with two classes the p = 0.5 line is
        drawn solid and p = 0.25 / 0.75 faint; with more, the lines where the
        most probable class changes. Regression: ``values`` is ``(h, w)`` predictions
        on a diverging map over the targets' range (from :meth:`set_points`) with
        faint lines at its quarters.
        """
        values = np.asarray(values, dtype=np.float64)
        if self._map is not None and self._map[1] == task and np.array_equal(self._map[0], values):
            return  # the same map (a paused session's frame drawn again): the image and lines stand
        self._map = (values, task)
        if self._unit_map is None:  # else kept for show_output_map, not drawn
            self._redraw_map()

    def set_discrete(self, discrete: bool) -> None:
        """Show a classification map as hard class regions (each pixel its most probable class, at
        full strength) instead of confidence shades; regression maps are unaffected."""
        if bool(discrete) != self._discrete:
            self._discrete = bool(discrete)
            self._redraw_map()

    def is_discrete(self) -> bool:
        """Whether classification maps are drawn as hard class regions."""
        return self._discrete

    def map_scale(self) -> MapScale:
        """What the map on show means (see :class:`MapScale`)."""
        return self._scale or MapScale("none", self.theme)

    def show_unit_map(
        self,
        values: np.ndarray,
        vmin: float,
        vmax: float,
        level: float,
        label: str,
        line_values: np.ndarray | None = None,
    ) -> None:
        """Show one unit's ``(h, w)`` map (same grid as :meth:`set_map`) instead of the output.

        Coloured with the diverging map over ``[vmin, vmax]`` (its middle is the
        background), with a solid line where ``line_values`` (default ``values``)
        crosses ``level``, e.g. a tanh unit's ``a = 0`` or a sigmoid unit's ``a = 0.5``.
        A badge in the corner reads ``"showing: " + label`` and returns to the
        output map when clicked. Call again with new values to follow training.
        """
        values = np.asarray(values, dtype=np.float64)
        line = values if line_values is None else np.asarray(line_values, dtype=np.float64)
        self._unit_map = (values, float(vmin), float(vmax), line, float(level))
        self._unit_label = label
        self._badge.setText(f"showing: {label}   ✕")
        self._badge.adjustSize()
        self._badge.show()
        self._badge.raise_()
        self._place_badge()
        self._redraw_map()

    def show_output_map(self) -> None:
        """Go back from a unit's map to the model's output map (no-op when already there)."""
        if self._unit_map is None:
            return
        self._unit_map = None
        self._badge.hide()
        if self._map is None:
            self._erase()
        else:
            self._redraw_map()
        self.sigUnitMapClosed.emit()

    def unit_map_label(self) -> str:
        """The label of the unit whose map is shown; ``""`` while the output map is shown."""
        return self._unit_label if self._unit_map is not None else ""

    def map_image(self) -> np.ndarray | None:
        """The ``(h, w, 4)`` RGBA image on show (output or unit map; row 0 at the bottom), or None."""
        return self._image.image

    def clear_map(self) -> None:
        """Remove the map and its lines (e.g. while there is no model); a unit's map goes too."""
        self._map = None
        self.show_output_map()
        self._erase()

    def _erase(self) -> None:
        self._image.clear()
        self._faint.setData([], [])
        self._line.setData([], [])
        self._announce(MapScale("none", self.theme))

    def _announce(self, scale: MapScale) -> None:
        if scale != self._scale:
            self._scale = scale
            self.sigScaleChanged.emit(scale)

    def set_points(
        self,
        X: np.ndarray,
        y: np.ndarray,
        is_test: np.ndarray | None,
        task: str,
        show_test: bool = True,
    ) -> None:
        """Draw the dataset: ``X`` (n, 2), labels or targets ``y`` (n,), ``is_test`` (n,) bool.

        Training points are filled with their colour, test points are hollow rings
        (hidden when ``show_test`` is False).
        """
        if task == "regression":
            new_range = value_range(y)
            if new_range != self._value_range:
                self._value_range = new_range
                self._redraw_map()
        self._points.set_points(X, y, is_test, task, self._class_colors, self.theme, show_test=show_test)

    def points_drawn(self) -> int:
        """Number of data points currently drawn."""
        return self._points.count()

    def set_brush_cursor(self, radius: float | None) -> None:
        """Show a circle of ``radius`` (data units) around the mouse, e.g. for an eraser; None hides it."""
        self._cursor_radius = radius
        if radius is None:
            self._cursor.hide()
            return
        self._cursor.setRect(QRectF(-radius, -radius, 2 * radius, 2 * radius))

    # -- drawing --------------------------------------------------------------------------

    def _redraw_map(self) -> None:
        if self._unit_map is not None:
            rgba, faint, line, scale = self._unit_layers()
        elif self._map is not None:
            rgba, faint, line, scale = self._output_layers()
        else:
            return
        self._announce(scale)
        lo, hi = self.domain
        # One pixel per grid cell: the image covers the domain exactly.
        self._image.show_rgba(rgba, QRectF(lo, lo, hi - lo, hi - lo))
        faint_xy = np.concatenate(faint) if faint else np.empty((0, 2))
        # Contour points are finite (cells with a non-finite corner give none).
        self._faint.setData(faint_xy[:, 0], faint_xy[:, 1], skipFiniteCheck=True)
        self._line.setData(line[:, 0], line[:, 1], skipFiniteCheck=True)

    def _output_layers(self) -> tuple[np.ndarray, list[np.ndarray], np.ndarray, MapScale]:
        """The model's map: its image, faint contour segments, the boundary line and its scale."""
        values, task = self._map
        bg = self.theme.background_rgb
        if task == "regression":
            vmin, vmax = self._value_range or value_range(values)
            rgba = value_image(values, vmin, vmax, bg)
            levels = [vmin + q * (vmax - vmin) for q in (0.25, 0.5, 0.75)]
            faint = contour_levels(values, levels, *self._centres(values))
            scale = MapScale("values", self.theme, low=vmin, high=vmax, faint="quarters", label="prediction")
            return rgba, faint, np.empty((0, 2)), scale
        colors = class_rgb(self._class_colors)
        k = 2 if values.ndim == 2 else values.shape[-1]
        two = k == 2
        if self._discrete:
            rgba = class_region_image(winning_class(values), colors, bg)
            scale = MapScale("classes", self.theme, self._class_colors[:k], solid="class edge")
        else:
            rgba = probability_image(values, colors, bg)
            scale = MapScale(
                "confidence",
                self.theme,
                self._class_colors[:k],
                low=1.0 / k,
                solid="50%" if two else "class edge",
                faint="75%" if two else "",
            )
        faint: list[np.ndarray] = []
        if two:
            p1 = values if values.ndim == 2 else values[..., 1]
            # The confidence lines mean nothing on hard regions.
            levels = (0.5,) if self._discrete else (0.5, 0.25, 0.75)
            line, *faint = contour_levels(p1, levels, *self._centres(p1))
        else:
            line = class_boundary_segments(values, *self._centres(values))
        return rgba, faint, line, scale

    def _centres(self, values: np.ndarray) -> tuple[tuple[float, float], tuple[float, float]]:
        """The x1 and x2 ranges of the first and last cell centres of ``values``' grid."""
        lo, hi = self.domain
        h, w = values.shape[:2]
        return (
            (lo + (hi - lo) / (2 * w), hi - (hi - lo) / (2 * w)),
            (lo + (hi - lo) / (2 * h), hi - (hi - lo) / (2 * h)),
        )

    def _unit_layers(self) -> tuple[np.ndarray, list[np.ndarray], np.ndarray, MapScale]:
        """One unit's map: its image, its dividing line (no faint lines) and its scale."""
        values, vmin, vmax, line_values, level = self._unit_map
        rgba = value_image(values, vmin, vmax, self.theme.background_rgb)
        scale = MapScale("values", self.theme, low=vmin, high=vmax, solid="dividing line", label=self._unit_label)
        return rgba, [], contour_segments(line_values, level, *self._centres(line_values)), scale

    def _place_badge(self) -> None:
        corner = self.mapFromScene(self._canvas.sceneBoundingRect().topLeft())
        self._badge.move(corner.x() + _BADGE_MARGIN, corner.y() + _BADGE_MARGIN)

    def _follow_mouse(self, scene_pos: QPointF) -> None:
        if self._cursor_radius is None:
            return
        inside = self._canvas.sceneBoundingRect().contains(scene_pos)
        self._cursor.setVisible(inside)
        if inside:
            self._cursor.setPos(self._canvas.mapSceneToView(scene_pos))

    def leaveEvent(self, ev) -> None:  # noqa: N802
        self._cursor.hide()
        super().leaveEvent(ev)

    def _theme_changed(self) -> None:
        t = self.theme
        self._faint.setPen(pg.mkPen(with_alpha(t.boundary, 110), width=1, style=Qt.PenStyle.DashLine))
        self._line.setPen(pg.mkPen(t.boundary, width=2))
        self._cursor.setPen(pg.mkPen(t.foreground, width=1, style=Qt.PenStyle.DashLine))
        self._points.restyle(self._class_colors, t)
        self._badge.setStyleSheet(
            f"QToolButton#unitMapBadge {{ background: {t.background}; color: {t.foreground};"
            f" border: 1px solid {t.foreground}; border-radius: 3px; padding: 2px 6px; font-weight: bold; }}"
        )
        self._redraw_map()
