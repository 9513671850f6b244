"""The network diagram: every unit drawn as a small map of what it computes over the input plane.

Like TensorFlow Playground's neuron thumbnails (and the seed chapter's Figure
10): the inputs (x₁, x₂, x₁², ...), every hidden unit and the output(s), each a
thumbnail of its activation over the plane, taken from the frame's one grid
probe. Edges are coloured by the weight's sign (blue positive, orange negative,
like the maps) and as wide as the weight is large next to its layer's largest.

Hovering a unit or an edge tells its value and gradient; clicking a unit shows
its map full size in the decision-boundary plot, and clicking it again (or the
output, or the badge on the plot) goes back. Dead ReLU units are crossed out
and layers whose gradients vanish or explode are outlined in red. The point the
chain-rule inspector explains is ringed on every map, where it lies in the plane.

:func:`install_network_view` puts the diagram in a column right of the plots,
with a View-menu toggle, the gradient-health line under the gradient plot and
the Train → Network presets menu.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QEvent, QObject, QPoint, QRect, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QBrush, QColor, QFont, QFontMetricsF, QImage, QPainter, QPainterPath, QPen, QPixmap
from PySide6.QtWidgets import (
    QGraphicsEllipseItem,
    QGraphicsItem,
    QGraphicsLineItem,
    QGraphicsPathItem,
    QGraphicsPixmapItem,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QGraphicsView,
    QToolButton,
    QToolTip,
    QWidget,
)

from ...data import DOMAIN
from ...data.features import FEATURES
from ...training.diagnosis import confirmed_health
from ...training.health import GradientHealth, assess_gradients, dead_units, inline_layer_label
from ..plots.points import value_range
from ..plots.style import FONT_PT, theme_for
from ..plots.unit_maps import feature_values, layer_thumbnails, output_maps, unit_line, unit_scale
from ..session.worker import Frame
from ..shell.titled import titled
from .layout import ROWS, Geometry, diagram_geometry
from .preset_menu import install_network_presets

REDRAW_BUDGET = 0.010  # s: a diagram redraw costing more than this is done less often...
BUSY_SHARE = 0.3  # ...so that it takes at most this share of the time (8 layers of 16 units)
COLUMN_SHARE = 0.195  # of the window's width: 250 px at 1280, where the plots need the rest
COLUMN_WIDTH = (200, 380)  # px, least and most
POSITIVE, NEGATIVE = "#0072B2", "#E69F00"  # edge colours: the palette's blue and orange
WARNING = "#D55E00"  # the palette's vermillion: a layer with unhealthy gradients
DEAD = "#8C8C8C"  # the cross over a dead unit
# The emphasised unit or weight (``NetworkView.highlight_unit``): the palette's reddish purple, apart
# from the edges' blue and orange and the warning vermillion; a wide faint glow under a solid core.
EMPHASIS = {False: "#B0457F", True: "#E08CC0"}  # light theme, dark theme
_EMPHASIS_PENS = ((9.0, 90), (3.5, 255))  # (width px, alpha) of the glow, then of the core
EDGE_WIDTH = (0.5, 3.0)  # px: the thinnest and the widest edge of a layer
_WIDTH_LEVELS = 12  # edge widths are quantised so a few pens serve every edge
_HOVER_REACH = 4  # px around the mouse in which an edge counts as hovered
_OUTLINE_PAD = 4.0  # px between a layer's maps and its red outline
# The inspected point's ring on every map: a dark ring on a light halo (as on the boundary
# plot), visible on any map colour; its radius is this share of the map's side, at least 2.5 px.
_RING_SHARE = 0.12
_RING_PENS = (("#FFFFFF", 3.0), ("#1A1A1A", 1.5))
_SHORT_ACTIVATION = {"tanh": "tanh", "sigmoid": "sigm", "relu": "ReLU", "leaky_relu": "leaky", "linear": "lin"}


@dataclass(frozen=True)
class UnitMap:
    """One unit's full-size map for the boundary plot (see ``BoundaryPlot.show_unit_map``)."""

    values: np.ndarray  # (r, r), rows along x2 from the bottom
    vmin: float
    vmax: float
    line_values: np.ndarray  # where the dividing line is traced
    level: float
    label: str


def unit_exists(frame: Frame, column: int, unit: int) -> bool:
    """Whether diagram ``column`` of ``frame``'s network has a unit ``unit`` with a map
    (inputs and hidden units; the outputs' map is the boundary plot's own)."""
    sizes = [len(frame.config.features), *frame.config.hidden]
    return 0 <= column < len(sizes) and 0 <= unit < sizes[column]


def unit_map(frame: Frame, column: int, unit: int) -> UnitMap:
    """The map of input feature or hidden unit ``unit`` of diagram ``column`` in ``frame``.

    Columns count as in the diagram: 0 the inputs, then the hidden layers.
    """
    r = len(frame.grid_axis)
    if column == 0:
        values = feature_values(frame.grid_axis, frame.config.features)
        vmin, vmax, level = unit_scale("linear", values)
        v = values[:, unit].reshape(r, r)
        return UnitMap(v, vmin, vmax, v, level, f"input {FEATURES[frame.config.features[unit]][0]}")
    activation = frame.config.activations[column - 1]
    a, z = frame.grid_a[column - 1], frame.grid_z[column - 1]
    vmin, vmax, _ = unit_scale(activation, a)
    line, level = unit_line(activation, a[:, unit], z[:, unit])
    name = f"layer {column} unit {unit + 1} ({activation})"
    return UnitMap(a[:, unit].reshape(r, r), vmin, vmax, line.reshape(r, r), level, name)


class _Node(QGraphicsRectItem):
    """One unit: a framed thumbnail, with a cross shown when the unit is dead."""

    def __init__(self, column: int, unit: int) -> None:
        super().__init__()
        self.column, self.unit = column, unit
        self.picture = QGraphicsPixmapItem(self)
        self.picture.setTransformationMode(Qt.TransformationMode.SmoothTransformation)
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
        self.setRect(QRectF(centre[0] - side / 2, centre[1] - side / 2, side, side))
        self.picture.setPos(centre[0] - side / 2, centre[1] - side / 2)
        self._fit_picture()
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

    def set_image(self, rgba: np.ndarray) -> None:
        h, w = rgba.shape[:2]
        image = QImage(rgba.data, w, h, 4 * w, QImage.Format.Format_RGBA8888)
        self.picture.setPixmap(QPixmap.fromImage(image))  # a copy: rgba may go away
        self._fit_picture()

    def _fit_picture(self) -> None:
        """Scale the (25 px) thumbnail to the node's side."""
        width = self.picture.pixmap().width()
        if width:
            self.picture.setScale(self.rect().width() / width)


class _Edge(QGraphicsLineItem):
    """One weight, ``w(layer)[i -> j]`` with ``layer`` counted from 1."""

    def __init__(self, layer: int, i: int, j: int) -> None:
        super().__init__()
        self.layer, self.i, self.j = layer, i, j


class NetworkDiagram(QGraphicsView):
    """Draws frames (``show_frame``) as the network's units and weights; reports clicks on units.

    ``unitClicked(column, unit)``: column 0 is the inputs, 1..L the hidden
    layers, L + 1 the output; units count from 0.
    """

    unitClicked = Signal(int, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("networkDiagram")
        self.setScene(QGraphicsScene(self))
        # No BSP index: every frame restyles up to thousands of edges, and each change
        # re-indexed the item (8 layers of 64 units: 17 s a frame, against 50 ms unindexed);
        # hovering scans the items instead, which is quick enough for one event.
        self.scene().setItemIndexMethod(QGraphicsScene.ItemIndexMethod.NoIndex)
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.SmoothPixmapTransform)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.setMinimumWidth(160)
        self._font = self._label_font()
        self._frame: Frame | None = None
        self._health = GradientHealth()
        self._structure: tuple | None = None
        self._geometry: Geometry | None = None
        self._nodes: list[list[_Node]] = []
        self._edges: list[list[_Edge]] = []  # per weight layer, row-major over (i, j)
        self._edge_keys: list[np.ndarray] = []  # the pen index each edge has now
        self._outlines: list[QGraphicsRectItem] = []
        self._headers: list[QGraphicsSimpleTextItem] = []
        self._input_labels: list[QGraphicsSimpleTextItem] = []
        self._images: list[np.ndarray] = []  # per column, (units, h, w, 4) as shown
        self._inputs_key: tuple | None = None
        self._dead: list[np.ndarray] = []
        self._selected: tuple[int, int] | None = None
        self._highlight: np.ndarray | None = None  # the inspected point, ringed on every map
        self._pens: list[QPen] = []
        self._emphasis: tuple[int, ...] | None = None  # ("unit" column, unit) or (layer, i, j): see emphasise
        self._glow: list[QGraphicsPathItem] = []
        self.paint_seconds = 0.0  # how long the last paint took (the edges are most of it)
        self._restyle()

    # ------------------------------------------------------------------ API
    def show_frame(self, frame: Frame, health: GradientHealth) -> None:
        """Draw ``frame``: maps, edges, dead units and the ``health`` verdict's outlines."""
        self._frame, self._health = frame, health
        structure = (
            tuple(frame.config.features),
            tuple(frame.config.hidden),
            frame.config.activations,
            frame.weights[-1][0].shape[1],
        )
        if structure != self._structure:
            self._build(structure)
        self._draw_maps(frame)
        self._draw_edges(frame)
        self._draw_marks(frame)

    def set_selected(self, selected: tuple[int, int] | None) -> None:
        """Frame the unit ``(column, unit)`` as the one shown on the boundary plot (None: no unit)."""
        self._selected = selected
        for column in self._nodes:
            for node in column:
                node.setPen(self._node_pen(node))

    @property
    def selected(self) -> tuple[int, int] | None:
        return self._selected

    def set_highlight(self, point: np.ndarray | None) -> None:
        """Ring the input-plane ``point`` (the inspected point) on every unit's map; None: no ring.

        Each map shows its unit over the whole plane, so the ring says where on it the
        point lies, and the map's colour there is the unit's value for that point."""
        self._highlight = None if point is None else np.asarray(point, dtype=np.float64).reshape(2).copy()
        for column in self._nodes:
            for node in column:
                node.ring_at(self._highlight)

    def highlight_center(self, column: int, unit: int) -> QPoint | None:
        """Where the inspected point's ring is on a unit's map, in viewport pixels (None: no ring)."""
        ring = self._nodes[column][unit].rings[-1]
        return self.mapFromScene(ring.rect().center()) if ring.isVisible() else None

    def emphasise(self, target: tuple[int, ...] | None) -> None:
        """Outline one unit ``(column, unit)`` or one weight ``(layer, i, j)`` (``layer`` from 1) with a
        glow in the emphasis colour; None: nothing. A target the network does not have draws nothing."""
        self._emphasis = None if target is None else tuple(int(v) for v in target)
        self._draw_emphasis()

    @property
    def emphasis(self) -> tuple[int, ...] | None:
        """The unit ``(column, unit)`` or weight ``(layer, i, j)`` emphasised now, if any."""
        return self._emphasis

    def emphasis_shape(self) -> QPainterPath:
        """The emphasis glow's centre line in scene coordinates (empty when nothing is shown)."""
        return self._glow[0].path() if self._glow and self._glow[0].isVisible() else QPainterPath()

    @property
    def frame(self) -> Frame | None:
        """The frame drawn last."""
        return self._frame

    def node_count(self) -> int:
        """Units drawn: inputs + hidden units + outputs."""
        return sum(len(column) for column in self._nodes)

    def node_image(self, column: int, unit: int) -> np.ndarray:
        """The ``(h, w, 4)`` RGBA thumbnail shown for a unit (row 0 at the top, largest x2)."""
        return self._images[column][unit]

    def node_center(self, column: int, unit: int) -> QPoint:
        """The unit's centre in viewport pixels (for clicks and hovers)."""
        return self.mapFromScene(self._nodes[column][unit].rect().center())

    def edge_item(self, layer: int, i: int, j: int) -> QGraphicsLineItem:
        """The line of ``w(layer)[i -> j]`` (``layer`` from 1, ``i``/``j`` from 0)."""
        return self._edges[layer - 1][i * len(self._nodes[layer]) + j]

    def is_dead(self, column: int, unit: int) -> bool:
        return self._nodes[column][unit].cross.isVisible()

    def outlined_columns(self) -> list[int]:
        """Columns outlined for unhealthy gradients."""
        return [c for c, outline in enumerate(self._outlines) if outline.isVisible()]

    def tooltip_at(self, pos: QPoint) -> str:
        """The text for the mouse at viewport ``pos``: the unit, edge, layer name or outline under it."""
        item = self._item_at(pos)
        if isinstance(item, _Node):
            return self._node_text(item.column, item.unit)
        if isinstance(item, _Edge):
            return self._edge_text(item)
        if item in self._headers or item in self._outlines:
            index = self._headers.index(item) if item in self._headers else self._outlines.index(item)
            return self._layer_text(index)
        return ""

    # ------------------------------------------------------------ structure
    def _build(self, structure: tuple) -> None:
        """New items for a new architecture; positions come from :meth:`_relayout`."""
        features, hidden, activations, n_out = structure
        self.scene().clear()
        self._structure = structure
        sizes = [len(features), *hidden, n_out]
        self._nodes = [[_Node(c, u) for u in range(n)] for c, n in enumerate(sizes)]
        self._edges = [
            [_Edge(layer, i, j) for i in range(sizes[layer - 1]) for j in range(sizes[layer])]
            for layer in range(1, len(sizes))
        ]
        self._edge_keys = [np.full(len(edges), -1) for edges in self._edges]
        self._outlines = [QGraphicsRectItem() for _ in sizes]
        short = ["in", *(f"L{c}\n{_SHORT_ACTIVATION[a]}" for c, a in enumerate(activations, 1)), "out"]
        self._headers = [QGraphicsSimpleTextItem(text) for text in short]
        self._input_labels = [QGraphicsSimpleTextItem(FEATURES[name][0]) for name in features]
        scene = self.scene()
        for item in (*self._headers, *self._input_labels):
            item.setFont(self._font)
            scene.addItem(item)
        for outline in self._outlines:
            outline.setPen(QPen(QColor(WARNING), 2.0))
            outline.setZValue(-1)
            outline.hide()
            scene.addItem(outline)
        for edges in self._edges:
            for edge in edges:
                scene.addItem(edge)
        for column in self._nodes:
            for node in column:
                scene.addItem(node)
        self._glow = [QGraphicsPathItem() for _ in _EMPHASIS_PENS]
        for z, glow in enumerate(self._glow):
            glow.setZValue(3 + z)  # over the maps and the edges
            glow.hide()
            scene.addItem(glow)
        self._inputs_key = None
        self._images = [np.zeros((n, 1, 1, 4), np.uint8) for n in sizes]
        self._dead = [np.zeros(n, bool) for n in sizes]
        if self._selected is not None and not (
            self._selected[0] < len(sizes) and self._selected[1] < sizes[self._selected[0]]
        ):
            self._selected = None
        self._relayout()
        self.set_selected(self._selected)
        self._restyle_text()

    def _relayout(self) -> None:
        """Place every item for the current viewport size."""
        if self._structure is None:
            return
        metrics = QFontMetricsF(self._font)
        header = (
            max(metrics.boundingRect(QRectF(), 0, h.text()).width() for h in self._headers),
            max(metrics.boundingRect(QRectF(), 0, h.text()).height() for h in self._headers),
        )
        label = (max(metrics.horizontalAdvance(t.text()) for t in self._input_labels), metrics.height())
        size = self.viewport().size()
        self.scene().setSceneRect(0, 0, size.width(), size.height())
        g = diagram_geometry([len(c) for c in self._nodes], size.width(), size.height(), header, label)
        self._geometry = g
        for column, centres in zip(self._nodes, g.centres):
            for node, centre in zip(column, centres):
                node.place(centre, g.thumbnail)
                node.ring_at(self._highlight)
        for layer, edges in enumerate(self._edges, 1):
            start, end = g.edge_ends(layer)
            for edge, (x0, y0), (x1, y1) in zip(edges, start.reshape(-1, 2), end.reshape(-1, 2)):
                edge.setLine(x0, y0, x1, y1)
        rows = g.orientation == ROWS
        for item, (x, y) in zip(self._headers, g.headers):
            box = item.boundingRect()
            # Rows: the name sits left of its row; columns: centred above its column.
            item.setPos(x if rows else x - box.width() / 2, y - box.height() / 2)
        for item, (x, y) in zip(self._input_labels, g.input_labels):
            box = item.boundingRect()
            # Rows: centred above its input; columns: right-aligned left of it.
            if rows:
                item.setPos(x - box.width() / 2, y - box.height())
            else:
                item.setPos(x - box.width(), y - box.height() / 2)
        for c, outline in enumerate(self._outlines):
            outline.setRect(QRectF(*g.column_rect(c, _OUTLINE_PAD)))
        self._draw_emphasis()

    def _draw_emphasis(self) -> None:
        """Place the glow on the emphasised unit's frame or along the emphasised weight."""
        path = QPainterPath()
        target, sizes = self._emphasis, [len(column) for column in self._nodes]
        if target is not None and self._geometry is not None:
            if len(target) == 2 and 0 <= target[0] < len(sizes) and 0 <= target[1] < sizes[target[0]]:
                pad = 2.5
                path.addRect(self._nodes[target[0]][target[1]].rect().adjusted(-pad, -pad, pad, pad))
            elif len(target) == 3 and 1 <= target[0] < len(sizes):
                layer, i, j = target
                if 0 <= i < sizes[layer - 1] and 0 <= j < sizes[layer]:
                    start, end = self._geometry.edge_ends(layer)
                    path.moveTo(*start[i, j])
                    path.lineTo(*end[i, j])
        color = QColor(EMPHASIS[self._dark])
        for glow, (width, alpha) in zip(self._glow, _EMPHASIS_PENS):
            color.setAlpha(alpha)
            pen = QPen(color, width)
            pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
            glow.setPen(pen)
            glow.setPath(path)
            glow.setVisible(not path.isEmpty())

    # -------------------------------------------------------------- drawing
    def _draw_maps(self, frame: Frame) -> None:
        theme_bg = self._theme.background_rgb
        inputs_key = (tuple(frame.config.features), theme_bg)
        if inputs_key != self._inputs_key:  # the features' maps never change while training
            self._inputs_key = inputs_key
            values = feature_values(frame.grid_axis, frame.config.features)
            self._set_images(0, layer_thumbnails(values, *unit_scale("linear", values)[:2], theme_bg))
        for column, (a, activation) in enumerate(zip(frame.grid_a[:-1], frame.config.activations), 1):
            vmin, vmax, _ = unit_scale(activation, a)
            self._set_images(column, layer_thumbnails(a, vmin, vmax, theme_bg))
        dataset = frame.dataset
        self._set_images(
            len(self._nodes) - 1,
            output_maps(frame.grid_output, dataset.task, dataset.class_colors, theme_bg, value_range(dataset.y)),
        )

    def _set_images(self, column: int, images: np.ndarray) -> None:
        self._images[column] = images
        for node, rgba in zip(self._nodes[column], images):
            node.set_image(rgba)

    def _draw_edges(self, frame: Frame) -> None:
        """Pens by sign and relative size; only edges whose pen changes are touched."""
        for layer, (W, _) in enumerate(frame.weights):
            reach = float(np.abs(W).max()) if W.size and np.isfinite(W).all() else 0.0
            level = (
                np.zeros(W.shape, dtype=np.intp)
                if reach == 0
                else np.rint(np.abs(W) / reach * (_WIDTH_LEVELS - 1)).astype(np.intp)
            )
            keys = (level + _WIDTH_LEVELS * (W < 0)).ravel()
            changed = np.flatnonzero(keys != self._edge_keys[layer])
            edges = self._edges[layer]
            for k in changed:
                edges[k].setPen(self._pens[keys[k]])
                edges[k].setZValue(level.flat[k] / _WIDTH_LEVELS)  # opaque pens: strong edges on top
            self._edge_keys[layer] = keys

    def _draw_marks(self, frame: Frame) -> None:
        """Dead ReLU crosses and red outlines around layers with unhealthy gradients."""
        train = ~frame.dataset.is_test[frame.point_rows]  # the points the frame probed
        for column, activation in enumerate(frame.config.activations, 1):
            dead = (
                dead_units(frame.point_a[column - 1], train, activation)
                if frame.point_a
                else np.zeros(len(self._nodes[column]), bool)
            )
            self._dead[column] = dead
            for node, is_dead in zip(self._nodes[column], dead):
                node.cross.setVisible(bool(is_dead))
        flagged = {flag.layer + 1 for flag in self._health.flags}  # weight layer l feeds column l
        for column, outline in enumerate(self._outlines):
            outline.setVisible(column in flagged)

    # -------------------------------------------------------------- tooltips
    def _node_text(self, column: int, unit: int) -> str:
        frame = self._frame
        if column == 0:
            name = FEATURES[frame.config.features[unit]][0]
            return (
                f"input {name}: the feature's value over the plane (blue positive, orange negative).\n"
                f"Click to show it full size on the decision-boundary plot."
            )
        W, b = frame.weights[column - 1]
        _, db = frame.grads[column - 1]
        last = column == len(self._nodes) - 1
        who = f"output unit {unit + 1}" if last else f"layer {column} unit {unit + 1}"
        lines = [f"{who}: a = {self._mean_activation(column, unit)}, bias b = {b[unit]:.3g}, ∂L/∂b = {db[unit]:.3g}"]
        if last:
            lines.append(self._output_meaning(unit))
        if self._dead[column][unit]:
            lines.append("dead: zero on every training point, so its weights get no gradient.")
        flag = self._health.flag(column - 1)
        if flag is not None:
            lines.append(flag.describe(self._frame.layer_labels[column - 1]))
        lines.append(
            "Click to go back to the output map."
            if last or self._selected == (column, unit)
            else "Click to show its map full size on the decision-boundary plot."
        )
        return "\n".join(lines)

    def _mean_activation(self, column: int, unit: int) -> str:
        frame = self._frame
        if not frame.point_a:
            return "(no data)"
        a = frame.point_a[column - 1]
        train = ~frame.dataset.is_test[frame.point_rows]  # the points the frame probed
        chosen, where = (a[train], "training points") if train.any() else (a, "points")
        if len(frame.point_rows) < frame.dataset.n:  # a large dataset: an even sample of it
            where = f"{len(chosen):,} evenly sampled {where}"
        return f"{float(chosen[:, unit].mean()):.3g} (mean over the {where})"

    def _output_meaning(self, unit: int) -> str:
        dataset = self._frame.dataset
        if dataset.task == "regression":
            return "its value is the prediction."
        if self._frame.weights[-1][0].shape[1] == 1:
            return f"a is the probability of {dataset.class_names[1]}."
        return f"a is the probability of {dataset.class_names[unit]} (softmax)."

    def _edge_text(self, edge: _Edge) -> str:
        W, _ = self._frame.weights[edge.layer - 1]
        dW, _ = self._frame.grads[edge.layer - 1]
        source = (
            f"input {FEATURES[self._frame.config.features[edge.i]][0]}"
            if edge.layer == 1
            else f"layer {edge.layer - 1} unit {edge.i + 1}"
        )
        target = (
            f"output unit {edge.j + 1}"
            if edge.layer == len(self._nodes) - 1
            else f"layer {edge.layer} unit {edge.j + 1}"
        )
        return (
            f"w({edge.layer})[{edge.i + 1}→{edge.j + 1}] = {W[edge.i, edge.j]:.3g}, "
            f"∂L/∂w = {dW[edge.i, edge.j]:.3g}\nfrom {source} to {target}"
        )

    def _layer_text(self, column: int) -> str:
        if column == 0:
            return "The inputs: the features of each point the network sees."
        label = self._frame.layer_labels[column - 1]
        flag = self._health.flag(column - 1)
        return inline_layer_label(label) if flag is None else flag.describe(label)

    def _item_at(self, pos: QPoint) -> QGraphicsItem | None:
        """The unit under ``pos``, else the nearest edge within reach, else a layer name or outline."""
        reach = _HOVER_REACH
        near = self.items(QRect(pos.x() - reach, pos.y() - reach, 2 * reach + 1, 2 * reach + 1))
        at = self.mapToScene(pos)
        nodes = [item for item in near if isinstance(item, _Node) and item.rect().contains(at)]
        if nodes:
            return nodes[0]
        edges = [item for item in near if isinstance(item, _Edge)]
        if edges:
            return min(edges, key=lambda edge: _distance(np.array([at.x(), at.y()]), edge.line()))
        return next((item for item in self.items(pos) if item in self._headers or item in self._outlines), None)

    # ----------------------------------------------------------------- style
    def _restyle(self) -> None:
        """Colours for the application palette: the light or the dark plot theme."""
        dark = self.palette().color(self.palette().ColorRole.Base).lightness() < 128
        self._theme, self._dark = theme_for(dark), dark
        self.setBackgroundBrush(QBrush(QColor(self._theme.background)))
        self._pens = []
        low, high = EDGE_WIDTH
        background = np.array(self._theme.background_rgb, dtype=float)
        for color in (POSITIVE, NEGATIVE):
            rgb = np.array(QColor(color).getRgb()[:3], dtype=float)
            for level in range(_WIDTH_LEVELS):
                share = level / (_WIDTH_LEVELS - 1)
                # Thin edges also fade toward the background, so strong ones stand out. Faded by
                # mixing, not by alpha: antialiased translucent lines paint three times slower.
                mixed = background + (rgb - background) * (0.3 + 0.7 * share)
                pen = QPen(QColor(*np.rint(mixed).astype(int)), low + (high - low) * share)
                pen.setCapStyle(Qt.PenCapStyle.FlatCap)
                self._pens.append(pen)
        for keys in self._edge_keys:
            keys[:] = -1  # every edge takes a new pen at the next frame
        self._restyle_text()
        self.set_selected(self._selected)
        self._draw_emphasis()

    def _restyle_text(self) -> None:
        brush = QBrush(QColor(self._theme.foreground))
        for item in (*self._headers, *self._input_labels):
            item.setBrush(brush)

    def _label_font(self) -> QFont:
        """The widget's font (it follows presentation mode), at least the design's 10 pt."""
        font = QFont(self.font())
        font.setPointSizeF(max(font.pointSizeF(), FONT_PT))
        return font

    def _node_pen(self, node: _Node) -> QPen:
        if (node.column, node.unit) == self._selected:
            return QPen(QColor(self._theme.foreground), 3.0)
        return QPen(QColor(self._theme.faint), 1.0)

    # ---------------------------------------------------------------- events
    def paintEvent(self, event) -> None:  # noqa: N802 - Qt's name
        start = time.perf_counter()
        super().paintEvent(event)
        self.paint_seconds = time.perf_counter() - start

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._relayout()

    def changeEvent(self, event) -> None:  # noqa: N802
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:  # presentation mode enlarges the text
            self._font = self._label_font()
            for item in (*self._headers, *self._input_labels):
                item.setFont(self._font)
            self._relayout()
        elif event.type() == QEvent.Type.PaletteChange:
            self._restyle()
            if self._frame is not None:
                self._inputs_key = None
                self.show_frame(self._frame, self._health)

    def viewportEvent(self, event) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.ToolTip:
            text = self.tooltip_at(event.pos()) if self._frame is not None else ""
            if text:
                QToolTip.showText(event.globalPos(), text, self.viewport())
            else:
                QToolTip.hideText()
            return True
        return super().viewportEvent(event)

    def mousePressEvent(self, event) -> None:  # noqa: N802
        item = self._item_at(event.position().toPoint())
        if isinstance(item, _Node) and event.button() == Qt.MouseButton.LeftButton:
            self.unitClicked.emit(item.column, item.unit)
            event.accept()
            return
        super().mousePressEvent(event)


def _distance(p: np.ndarray, line) -> float:
    """Distance from point ``p`` to the segment ``line`` (a QLineF)."""
    a = np.array([line.x1(), line.y1()])
    d = np.array([line.x2(), line.y2()]) - a
    t = np.clip((p - a) @ d / max(d @ d, 1e-12), 0.0, 1.0)
    return float(np.hypot(*(a + t * d - p)))


class NetworkView(QObject):
    """The diagram as a column right of the plots, wired to the window: frames in, unit maps
    out to the boundary plot, gradient health to the gradient plot.

    A column in the central area rather than a dock: the transport bar under the
    plots needs nearly all of 1280 px, and a dock beside it would get what is left.
    """

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.diagram = NetworkDiagram()
        close = QToolButton(text="✕", objectName="networkClose", autoRaise=True)
        close.setToolTip("Hide the network diagram (View → Network diagram brings it back).")
        self.panel = titled(
            "Network",
            self.diagram,
            close,
            tooltip="Every unit's activation over the input plane. Hover a unit or a "
            "weight for its value and gradient; click a unit to see its map full size.",
        )
        self.panel.setObjectName("networkColumn")
        window.add_column(self.panel)
        window.installEventFilter(self)
        self._fit_width()
        self.action = QAction(
            "&Network diagram", window, checkable=True, checked=True, objectName="networkDiagramAction"
        )
        self.action.setToolTip("Show or hide the network diagram with every unit's map.")
        window.menu("&View").addAction(self.action)
        self.health = GradientHealth()
        self._frame: Frame | None = None
        # A costly diagram (many units and edges) is redrawn less often than the plots;
        # the last frame always arrives, through the timer.
        self._next_draw = 0.0
        self._later = QTimer(self, singleShot=True)
        self._later.timeout.connect(self._draw_diagram)

        close.clicked.connect(lambda: self.action.setChecked(False))
        self.action.toggled.connect(self._set_shown)
        self.diagram.unitClicked.connect(self._unit_clicked)
        chain_rule = getattr(window, "chain_rule", None)  # installed before this view
        if chain_rule is not None:
            chain_rule.highlightChanged.connect(self.diagram.set_highlight)
        window.boundary_plot.sigUnitMapClosed.connect(lambda: self.diagram.set_selected(None))
        window.add_frame_view(self.show_frame)

    def show_frame(self, frame: Frame) -> None:
        """Assess the gradients, then draw the diagram (when shown) and the chosen unit's map.

        Only the flags the frame's diagnosis stands by are shown: the tiny gradients of
        units saturated by a too-high learning rate are not "vanishing" (try ReLU), and
        the banner names their cause."""
        self._frame = frame
        self.health = confirmed_health(
            assess_gradients(frame.history["grad_norms"], frame.config.activations), frame.diagnoses
        )
        labels = frame.layer_labels
        self.window.gradient_plot.set_health(
            [f.layer for f in self.health.flags], self.health.headline(labels), self.health.summary(labels)
        )
        self._show_selected()
        if not self.action.isChecked():
            return
        wait = self._next_draw - time.perf_counter()
        if wait <= 0:
            self._draw_diagram()
        elif not self._later.isActive():
            self._later.start(int(wait * 1000) + 1)

    # --------------------------------------------------------- emphasis API
    def highlight_unit(self, layer: int, index: int) -> None:
        """Emphasise unit ``index`` of ``layer`` in the diagram (a glow around its map).

        ``layer`` counts as ``Trainer.set_parameter``'s does: 0 the first hidden layer,
        the last the output layer; -1 the inputs (``index`` is then the feature). A
        layer or unit the drawn network lacks is a ValueError naming it."""
        sizes = self._sizes()
        column = _whole("layer", layer, -1, len(sizes) - 2) + 1
        self.diagram.emphasise((column, _whole("index", index, 0, sizes[column] - 1)))

    def highlight_parameter(self, layer: int, kind: str, index: int | tuple[int, ...]) -> None:
        """Emphasise one parameter as ``Trainer.set_parameter`` names it: ``kind`` "weight" with
        ``index`` ``(i, j)``, the weight from unit (or input) ``i`` of the layer below to unit ``j``
        of weight layer ``layer`` (0 = first hidden layer), drawn as a glow along its edge; or
        "bias" with ``index`` ``j`` (or ``(j,)``), drawn around unit ``j``, which the bias belongs to."""
        sizes = self._sizes()
        column = _whole("layer", layer, 0, len(sizes) - 2) + 1
        where = tuple(index) if isinstance(index, (tuple, list)) else (index,)
        if kind == "weight" and len(where) == 2:
            i = _whole("index i", where[0], 0, sizes[column - 1] - 1)
            self.diagram.emphasise((column, i, _whole("index j", where[1], 0, sizes[column] - 1)))
        elif kind == "bias" and len(where) == 1:
            self.diagram.emphasise((column, _whole("index j", where[0], 0, sizes[column] - 1)))
        else:
            raise ValueError(
                f"highlight_parameter: kind must be 'weight' with an index (i, j) or 'bias' with an index j, "
                f"got {kind!r} with {index!r}"
            )

    def clear_highlight(self) -> None:
        """Remove the emphasis of ``highlight_unit`` or ``highlight_parameter``."""
        self.diagram.emphasise(None)

    def _sizes(self) -> list[int]:
        """Units per diagram column (inputs, hidden layers, outputs) of the network shown."""
        frame = self._frame
        if frame is None:
            raise ValueError("highlight: the diagram has not drawn a network yet")
        return [len(frame.config.features), *frame.config.hidden, frame.weights[-1][0].shape[1]]

    def _draw_diagram(self) -> None:
        """Draw the newest frame; if that (with the last paint) took long, the next one waits."""
        start = time.perf_counter()
        self.diagram.show_frame(self._frame, self.health)
        cost = time.perf_counter() - start + self.diagram.paint_seconds
        self._next_draw = start + (cost / BUSY_SHARE if cost > REDRAW_BUDGET else 0.0)

    def _unit_clicked(self, column: int, unit: int) -> None:
        if self._frame is None:
            return
        if not unit_exists(self._frame, column, unit) or self.diagram.selected == (column, unit):
            self.window.boundary_plot.show_output_map()
            return
        self.diagram.set_selected((column, unit))
        self._show_selected()

    def _show_selected(self) -> None:
        selected = self.diagram.selected
        if selected is None or self._frame is None:
            return
        if not unit_exists(self._frame, *selected):
            # The network changed under the selection (fewer layers, units or
            # features): the unit is gone, so its map goes and the output map returns.
            self.diagram.set_selected(None)
            self.window.boundary_plot.show_output_map()
            return
        m = unit_map(self._frame, *selected)
        self.window.boundary_plot.show_unit_map(m.values, m.vmin, m.vmax, m.level, m.label, m.line_values)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt's name
        if watched is self.window and event.type() == QEvent.Type.Resize:
            self._fit_width()
        return False

    def _fit_width(self) -> None:
        """A share of the window: wider at 1920 than at 1280, where the plots need the room."""
        low, high = COLUMN_WIDTH
        self.panel.setFixedWidth(int(np.clip(round(COLUMN_SHARE * self.window.width()), low, high)))

    def _set_shown(self, shown: bool) -> None:
        self.panel.setVisible(shown)
        if shown and self._frame is not None:
            self._draw_diagram()
        elif not shown:
            # A hidden diagram leaves nothing to click back with: the output map returns.
            self.window.boundary_plot.show_output_map()


def _whole(name: str, value: object, low: int, high: int) -> int:
    """``value`` as a whole number in ``low..high``, else a ValueError naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not low <= value <= high:
        raise ValueError(f"highlight: {name} must be a whole number in {low}..{high}, got {value!r}")
    return int(value)


def install_network_view(window) -> NetworkView:
    """The network diagram column (View → Network diagram), gradient health on the gradient plot
    and the diagram, and Train → Network presets."""
    view = NetworkView(window)
    install_network_presets(window)
    return view
