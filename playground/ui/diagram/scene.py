"""The network diagram's scene: the items of one architecture, laid out for a size, styled by a frame.

:class:`DiagramScene` owns every item: the units' maps (:class:`UnitNode`), the
weights (one :class:`EdgeBatch`), the layer names, the input names, the red
outlines of unhealthy layers, the skip connections' arcs, the caption saying
which units are drawn, and the emphasis glow. It knows nothing of the mouse;
the view (``network_diagram.NetworkDiagram``) asks it what lies at a point.
"""

from __future__ import annotations

import functools
import math
import time
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt, QTimer
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainterPath, QPainterPathStroker, QPen
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsPathItem,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
)

from ...data.features import FEATURES
from ...training.health import GradientHealth, dead_units
from ..plots.colors import value_index
from ..plots.points import value_range
from ..plots.style import theme_for
from ..plots.unit_maps import (
    feature_values,
    layer_thumbnails,
    output_maps,
    thumbnail_samples,
    thumbnail_step,
    unit_scale,
)
from ..session.worker import Frame
from .edges import DrawnEdge, EdgeBatch
from .items import UnitMaps, UnitNode
from .layout import COLUMNS, ROWS, Geometry, diagram_geometry
from .thumbnails import value_thumbnails

POSITIVE, NEGATIVE = "#0072B2", "#E69F00"  # edge colours: the palette's blue and orange
WARNING = "#D55E00"  # the palette's vermillion: a layer with unhealthy gradients
# The emphasised unit or weight (``NetworkView.highlight_unit``): the palette's reddish purple, apart
# from the edges' blue and orange and the warning vermillion; a wide faint glow under a solid core.
EMPHASIS = {False: "#B0457F", True: "#E08CC0"}  # light theme, dark theme
EDGE_WIDTH = (0.5, 3.0)  # px: the thinnest and the widest edge of a layer
_WIDTH_LEVELS = 12  # edge widths are quantised so a few pens serve every edge
# s: while playing, the edges' pens change at most this often (like the loss curves at 10 Hz).
# Painting the edges anew is most of a big diagram's frame (10 x 64: about 10 ms), the maps
# beside them follow every frame, and a still frame (paused, stepped, a past epoch) always
# shows its own edges at once.
EDGE_INTERVAL = 0.1
_EMPHASIS_PENS = ((9.0, 90), (3.5, 255))  # (width px, alpha) of the glow, then of the core
_OUTLINE_PAD = 4.0  # px between a layer's maps and its red outline
_SKIP_ROOM = 16.0  # px kept beside the layers for the skip connections' arcs
_SHORT_ACTIVATION = {"tanh": "tanh", "sigmoid": "sigm", "relu": "ReLU", "leaky_relu": "leaky", "linear": "lin"}


@dataclass(frozen=True)
class Structure:
    """What decides the diagram's items: the network's shape and which units are drawn."""

    features: tuple[str, ...]
    hidden: tuple[int, ...]
    activations: tuple[str, ...]
    outputs: int
    residual: tuple[bool, ...]
    drawn: tuple[tuple[int, ...], ...]  # per column (inputs, hidden layers, outputs), the units drawn
    note: str  # which units are drawn, in words ("" when all are)

    @property
    def sizes(self) -> list[int]:
        """Units per column, drawn or not."""
        return [len(self.features), *self.hidden, self.outputs]


def fit_geometry(font: QFont, structure: Structure, sizes: list[int], width: float, height: float) -> Geometry:
    """Where the maps of ``structure`` go when its columns draw ``sizes`` units in ``width`` x
    ``height`` px, with room for the labels in ``font``, the caption and the skips' arcs."""
    metrics = QFontMetricsF(font)
    header, row_header = (_largest(metrics, layer_names(structure, o)) for o in (COLUMNS, ROWS))
    label = (max(metrics.horizontalAdvance(FEATURES[f][0]) for f in structure.features), metrics.height())
    caption = _caption_height(metrics, structure.note, width)
    g = diagram_geometry(sizes, width, height - caption, header, label, row_header)
    if any(structure.residual):  # keep a strip beside the layers free for the arcs
        rows = g.orientation == ROWS
        room = (width - _SKIP_ROOM, height - caption) if rows else (width, height - caption - _SKIP_ROOM)
        g = diagram_geometry(sizes, *room, header, label, row_header)
    return g


def layer_names(structure: Structure, orientation: str) -> list[str]:
    """Each column's name ("in", "L1 tanh", ..., "out"): the activation under the layer's number
    above columns, beside it in the rows layout, whose rows of ten layers at presentation size were
    closer than two lines of text (each name ran into the next)."""
    between = " " if orientation == ROWS else "\n"
    return ["in", *(f"L{c}{between}{_SHORT_ACTIVATION[a]}" for c, a in enumerate(structure.activations, 1)), "out"]


def _largest(metrics: QFontMetricsF, names: list[str]) -> tuple[float, float]:
    boxes = [metrics.boundingRect(QRectF(), 0, name) for name in names]
    return max(b.width() for b in boxes), max(b.height() for b in boxes)


_CAPTION_INSET = 6.0  # px between the caption and the view's left (and right) edge


def wrapped_caption(metrics: QFontMetricsF, note: str, width: float) -> str:
    """``note`` broken at spaces into lines of at most ``width`` px less the insets (a word wider
    than that keeps its own line): in a narrow diagram one line was cut ("units in ea")."""
    room = width - 2 * _CAPTION_INSET
    lines: list[str] = []
    for word in note.split():
        longer = f"{lines[-1]} {word}" if lines else word
        if lines and metrics.horizontalAdvance(longer) <= room:
            lines[-1] = longer
        else:
            lines.append(word)
    return "\n".join(lines)


def _caption_height(metrics: QFontMetricsF, note: str, width: float) -> float:
    """The strip the caption takes at the bottom (none without a note)."""
    if not note:
        return 0.0
    return metrics.height() * (wrapped_caption(metrics, note, width).count("\n") + 1) + 4


@functools.lru_cache(maxsize=64)
def thumbnail_cells(resolution: int, step: int, units: int, drawn: tuple[int, ...]) -> np.ndarray:
    """``(len(drawn), side, side)`` flat indices into a layer's ``(resolution**2, units)`` grid values:
    for each drawn unit, the cells its thumbnail shows (``thumbnail_samples``), its top row (the
    largest x2) first. One ``take`` with them is the thumbnails' values in the order they are
    coloured, where a take of the rows, one of the drawn units' columns and a C-order copy of their
    transpose were three (10 layers of 64, a playing frame's maps: 1.13 -> 0.92 ms). Read-only, as shared."""
    picks = thumbnail_samples(resolution, step)
    cells = picks[::-1, None] * resolution + picks[None, :]
    index = cells[None, :, :] * units + np.asarray(drawn, dtype=np.intp)[:, None, None]
    index.flags.writeable = False
    return index


class DiagramScene(QGraphicsScene):
    """The items of the diagram; ``build`` for a structure, ``relayout`` for a size, ``draw`` for a frame."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        # No BSP index: every frame restyles items, and each change re-indexed them; lookups
        # are geometric (``unit_at``, ``edge_at``) and cheap.
        self.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.NoIndex)
        self.structure: Structure | None = None
        self.geometry: Geometry | None = None
        self.nodes: list[list[UnitNode]] = []  # per column, the drawn units in order
        self._index: list[dict[int, int]] = []  # per column, unit -> position among the drawn
        self.edges = EdgeBatch()
        self.maps = UnitMaps()
        self.outlines: list[QGraphicsRectItem] = []
        self.headers: list[QGraphicsSimpleTextItem] = []
        self.input_labels: list[QGraphicsSimpleTextItem] = []
        self.skips: dict[int, QGraphicsPathItem] = {}  # hidden column -> its arc
        self.caption = QGraphicsSimpleTextItem()
        self._glow: list[QGraphicsPathItem] = []
        self.images: list[np.ndarray] = []  # per column, (drawn units, h, w, 4) as shown
        self.dead: list[np.ndarray] = []  # per column, every unit
        self._inputs_key: tuple | None = None
        self.font = QFont()
        self.dark = False
        self.theme = theme_for(False)
        self._pens: list[QPen] = []
        self.selected: tuple[int, int] | None = None
        self.ring: np.ndarray | None = None
        self.emphasis: tuple[int, ...] | None = None
        self._size = (1.0, 1.0)
        # A playing frame whose edges wait for their turn (EDGE_INTERVAL), and when they were last restyled.
        self._edges_due: Frame | None = None
        self._edges_at = -math.inf
        self._edges_timer = QTimer(self, singleShot=True)
        self._edges_timer.timeout.connect(self._catch_up_edges)

    # ------------------------------------------------------------ building
    def build(self, structure: Structure) -> None:
        """New items for a new architecture or a new choice of drawn units."""
        for item in list(self.items()):
            if item.parentItem() is None:
                self.removeItem(item)  # the edge batch and the caption are kept; the rest goes
        self.structure = structure
        self.nodes = [[UnitNode(c, u) for u in units] for c, units in enumerate(structure.drawn)]
        self._index = [{u: k for k, u in enumerate(units)} for units in structure.drawn]
        self.outlines = [QGraphicsRectItem() for _ in structure.drawn]
        self.headers = [QGraphicsSimpleTextItem(text) for text in layer_names(structure, COLUMNS)]
        self.input_labels = [QGraphicsSimpleTextItem(FEATURES[name][0]) for name in structure.features]
        self.caption.setText(structure.note)
        for item in (*self.headers, *self.input_labels, self.caption):
            item.setFont(self.font)
            self.addItem(item)
        for outline in self.outlines:
            outline.setPen(QPen(QColor(WARNING), 2.0))
            outline.setZValue(-1)
            outline.hide()
            self.addItem(outline)
        self.addItem(self.edges)
        self.addItem(self.maps)
        self.skips = {c: QGraphicsPathItem() for c, on in enumerate(structure.residual, 1) if on}
        for arc in self.skips.values():
            arc.setZValue(1)
            self.addItem(arc)
        for column in self.nodes:
            for node in column:
                self.addItem(node)
        self._glow = [QGraphicsPathItem() for _ in _EMPHASIS_PENS]
        for z, glow in enumerate(self._glow):
            glow.setZValue(3 + z)  # over the maps and the edges
            glow.hide()
            self.addItem(glow)
        self._inputs_key = None
        self._edges_timer.stop()  # a waiting frame's edges belong to the old items
        self._edges_due, self._edges_at = None, -math.inf
        self.images = [np.zeros((len(units), 1, 1, 4), np.uint8) for units in structure.drawn]
        self.dead = [np.zeros(n, bool) for n in structure.sizes]
        self.relayout(*self._size)
        self.restyle(self.dark)

    def set_font(self, font: QFont) -> None:
        """The labels' font (presentation mode enlarges it); re-lays out."""
        self.font = font
        for item in (*self.headers, *self.input_labels, self.caption):
            item.setFont(font)
        self.relayout(*self._size)

    # -------------------------------------------------------------- layout
    def relayout(self, width: float, height: float) -> None:
        """Place every item for a view of ``width`` x ``height`` px."""
        self._size = (width, height)
        self.setSceneRect(0, 0, width, height)
        s = self.structure
        if s is None:
            return
        sizes = [len(units) for units in s.drawn]
        g = self.geometry = fit_geometry(self.font, s, sizes, width, height)
        metrics = QFontMetricsF(self.font)
        caption = _caption_height(metrics, s.note, width)
        self.caption.setText(wrapped_caption(metrics, s.note, width))
        for column, centres in zip(self.nodes, g.centres):
            for node, centre in zip(column, centres):
                node.place(centre, g.thumbnail)
                node.ring_at(self.ring)
        self.maps.place([[node.rect() for node in column] for column in self.nodes])
        self.edges.set_lines([g.edge_ends(layer) for layer in range(1, len(sizes))])
        self._place_labels(g)
        for c, outline in enumerate(self.outlines):
            outline.setRect(QRectF(*g.column_rect(c, _OUTLINE_PAD)))
        self.caption.setPos(_CAPTION_INSET, height - caption)
        for column, arc in self.skips.items():
            arc.setPath(self._arc(g, column))
        self._draw_emphasis()

    def _place_labels(self, g: Geometry) -> None:
        rows = g.orientation == ROWS
        assert self.structure is not None
        for item, name in zip(self.headers, layer_names(self.structure, g.orientation)):
            if item.text() != name:
                item.setText(name)
        for item, (x, y) in zip(self.headers, g.headers):
            box = item.boundingRect()
            # Rows: the name sits left of its row; columns: centred above its column.
            item.setPos(x if rows else x - box.width() / 2, y - box.height() / 2)
        for item, (x, y) in zip(self.input_labels, g.input_labels):
            box = item.boundingRect()
            # Rows: centred above its input; columns: right-aligned left of it.
            if rows:
                item.setPos(x - box.width() / 2, y - box.height())
            else:
                item.setPos(x - box.width(), y - box.height() / 2)

    def _arc(self, g: Geometry, column: int) -> QPainterPath:
        """The skip of hidden ``column``: from its input layer to it, beside the edges, with an arrowhead."""
        half = g.thumbnail / 2
        before, after = g.centres[column - 1], g.centres[column]
        path = QPainterPath()
        if g.orientation == ROWS:  # layers top to bottom: the arc bulges right of both rows
            x = max(before[:, 0].max(), after[:, 0].max()) + half + 3
            start, end = QPointF(x, before[0, 1]), QPointF(x, after[0, 1])
            bulge = QPointF(x + _SKIP_ROOM - 4, (start.y() + end.y()) / 2)
        else:  # layers left to right: the arc bulges below both columns
            y = max(before[:, 1].max(), after[:, 1].max()) + half + 3
            start, end = QPointF(before[0, 0], y), QPointF(after[0, 0], y)
            bulge = QPointF((start.x() + end.x()) / 2, y + _SKIP_ROOM - 4)
        control = 2 * bulge - (start + end) / 2  # a quadratic through ``bulge`` at its middle
        path.moveTo(start)
        path.quadTo(control, end)
        # The arrowhead along the curve's direction at its end.
        d = np.array([end.x() - control.x(), end.y() - control.y()])
        d /= max(float(np.hypot(*d)), 1e-9)
        for side in (1, -1):
            path.moveTo(end)
            path.lineTo(end.x() - 5 * d[0] + side * 3 * d[1], end.y() - 5 * d[1] - side * 3 * d[0])
        return path

    # ------------------------------------------------------------- drawing
    def draw(self, frame: Frame, health: GradientHealth) -> None:
        """Maps, edge styles, dead units and ``health``'s outlines for ``frame``."""
        self._draw_maps(frame)
        self._draw_edges_when_due(frame)
        self._draw_marks(frame, health)

    def _draw_maps(self, frame: Frame) -> None:
        background = self.theme.background_rgb
        drawn = self.structure.drawn
        r = len(frame.grid_axis)
        step = thumbnail_step(r)  # as sharp on a big network's coarse playing grid as on a still one
        # The grid's side too: a big network's playing frames probe a coarser grid than still ones.
        inputs_key = (tuple(frame.config.features), background, r, step)
        if inputs_key != self._inputs_key:  # the features' maps never change while training
            self._inputs_key = inputs_key
            values = feature_values(frame.grid_axis, frame.config.features)
            self._set_images(0, layer_thumbnails(values, *unit_scale("linear", values)[:2], background, step))
        # Layers coloured on one scale are coloured together: ten layers of 64 units were ten
        # rounds of a dozen small numpy calls each, most of the maps' time.
        scales: dict[tuple[float, float], list[tuple[int, np.ndarray]]] = {}
        for column, (a, activation) in enumerate(zip(frame.grid_a[:-1], frame.config.activations), 1):
            vmin, vmax, _ = unit_scale(activation, a)  # the whole layer's scale, drawn units or not
            # Only the drawn units at the thumbnails' points, unit by unit, in one gather.
            shown = np.take(a, thumbnail_cells(r, step, a.shape[1], drawn[column]))
            scales.setdefault((vmin, vmax), []).append((column, shown))
        for (vmin, vmax), layers in scales.items():
            values = np.concatenate([shown for _, shown in layers])
            rgba, words, fmt = value_thumbnails(value_index(values, vmin, vmax), background)
            start = 0
            for column, shown in layers:
                stop = start + len(shown)
                self.images[column] = rgba[start:stop]
                self.maps.show_pixels(column, words[start:stop], fmt)
                start = stop
        dataset = frame.dataset
        outputs = output_maps(
            frame.grid_output, dataset.task, dataset.class_colors, background, value_range(dataset.y), step
        )
        self._set_images(len(self.nodes) - 1, outputs)

    def _set_images(self, column: int, images: np.ndarray) -> None:
        self.images[column] = images
        self.maps.set_column(column, images)

    def _draw_edges_when_due(self, frame: Frame) -> None:
        """The edges of a still frame at once; of a playing frame at most every ``EDGE_INTERVAL``,
        the newest frame's when the interval is over (a timer, in case no frame follows)."""
        wait = self._edges_at + EDGE_INTERVAL - time.perf_counter()
        if not frame.playing or wait <= 0:
            self._edges_timer.stop()
            self._edges_due = None
            self._draw_edges(frame)
            return
        self._edges_due = frame
        if not self._edges_timer.isActive():
            self._edges_timer.start(int(wait * 1000) + 1)

    def _catch_up_edges(self) -> None:
        frame, self._edges_due = self._edges_due, None
        if frame is not None:
            self._draw_edges(frame)

    def edges_pending(self) -> bool:
        """Whether a playing frame's edges are still waiting for their turn (``EDGE_INTERVAL``)."""
        return self._edges_due is not None

    def _draw_edges(self, frame: Frame) -> None:
        """Pens by sign and by size next to the layer's largest weight (drawn or not)."""
        drawn = self.structure.drawn
        keys = []
        for layer, (W, _) in enumerate(frame.weights):
            reach = float(np.abs(W).max()) if W.size and np.isfinite(W).all() else 0.0
            shown = W[np.ix_(drawn[layer], drawn[layer + 1])]
            level = (
                np.zeros(shown.shape, dtype=np.intp)
                if reach == 0
                else np.rint(np.abs(shown) / reach * (_WIDTH_LEVELS - 1)).astype(np.intp)
            )
            keys.append(2 * level + (shown < 0))  # pens in order of width: strong edges on top
        if self.edges.set_keys(keys):  # a repaint: the next one waits (while playing)
            self._edges_at = time.perf_counter()

    def _draw_marks(self, frame: Frame, health: GradientHealth) -> None:
        """Dead ReLU crosses and red outlines around layers with unhealthy gradients."""
        train = ~frame.dataset.is_test[frame.point_rows]  # the points the frame probed
        for column, activation in enumerate(frame.config.activations, 1):
            dead = (
                dead_units(frame.point_a[column - 1], train, activation)
                if frame.point_a
                else np.zeros(self.structure.sizes[column], bool)
            )
            if not np.array_equal(dead, self.dead[column]):  # a cross per unit changes seldom
                for node in self.nodes[column]:
                    node.cross.setVisible(bool(dead[node.unit]))
            self.dead[column] = dead
        flagged = {flag.layer + 1 for flag in health.flags}  # weight layer l feeds column l
        for column, outline in enumerate(self.outlines):
            outline.setVisible(column in flagged)

    # ------------------------------------------------------ selection marks
    def set_selected(self, selected: tuple[int, int] | None) -> None:
        """Frame unit ``(column, unit)`` as the one on the boundary plot (None: none)."""
        self.selected = selected
        for column in self.nodes:
            for node in column:
                node.setPen(self._node_pen(node))

    def set_ring(self, point: np.ndarray | None) -> None:
        """Ring the input-plane ``point`` on every map (None: no ring)."""
        self.ring = point
        for column in self.nodes:
            for node in column:
                node.ring_at(point)

    def set_emphasis(self, target: tuple[int, ...] | None) -> None:
        """Glow around unit ``(column, unit)`` or along weight ``(layer, i, j)`` (layer from 1)."""
        self.emphasis = target
        self._draw_emphasis()

    def emphasis_shape(self) -> QPainterPath:
        """The glow's centre line (empty when nothing is emphasised or it is not drawn)."""
        return self._glow[0].path() if self._glow and self._glow[0].isVisible() else QPainterPath()

    def _draw_emphasis(self) -> None:
        path = QPainterPath()
        target = self.emphasis
        if target is not None and self.geometry is not None:
            if len(target) == 2 and self.node(*target) is not None:
                pad = 2.5
                path.addRect(self.node(*target).rect().adjusted(-pad, -pad, pad, pad))
            elif len(target) == 3 and self.edge(*target) is not None:
                line = self.edge(*target).line
                path.moveTo(line.p1())
                path.lineTo(line.p2())
        color = QColor(EMPHASIS[self.dark])
        for glow, (width, alpha) in zip(self._glow, _EMPHASIS_PENS):
            color.setAlpha(alpha)
            pen = QPen(color, width)
            pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
            glow.setPen(pen)
            glow.setPath(path)
            glow.setVisible(not path.isEmpty())

    # --------------------------------------------------------------- style
    def restyle(self, dark: bool) -> None:
        """Colours for the light or the dark plot theme."""
        self.dark, self.theme = dark, theme_for(dark)
        self.setBackgroundBrush(QBrush(QColor(self.theme.background)))
        low, high = EDGE_WIDTH
        background = np.array(self.theme.background_rgb, dtype=float)
        colours = [np.array(QColor(c).getRgb()[:3], dtype=float) for c in (POSITIVE, NEGATIVE)]
        self._pens = []
        for level in range(_WIDTH_LEVELS):
            share = level / (_WIDTH_LEVELS - 1)
            for rgb in colours:
                # Thin edges also fade toward the background, so strong ones stand out. Faded by
                # mixing, not by alpha: antialiased translucent lines paint three times slower.
                mixed = background + (rgb - background) * (0.3 + 0.7 * share)
                pen = QPen(QColor(*np.rint(mixed).astype(int)), low + (high - low) * share)
                pen.setCapStyle(Qt.PenCapStyle.FlatCap)
                self._pens.append(pen)
        self.edges.set_pens(self._pens)
        brush = QBrush(QColor(self.theme.foreground))
        for item in (*self.headers, *self.input_labels, self.caption):
            item.setBrush(brush)
        arc_pen = QPen(QColor(self.theme.foreground), 1.5)
        for arc in self.skips.values():
            arc.setPen(arc_pen)
        self._inputs_key = None  # the maps mix with the background: drawn anew
        self.set_selected(self.selected)
        self._draw_emphasis()

    def _node_pen(self, node: UnitNode) -> QPen:
        if (node.column, node.unit) == self.selected:
            return QPen(QColor(self.theme.foreground), 3.0)
        return QPen(QColor(self.theme.faint), 1.0)

    # ------------------------------------------------------------- queries
    def node(self, column: int, unit: int) -> UnitNode | None:
        """The item of unit ``unit`` of ``column``, if it is drawn."""
        if not 0 <= column < len(self.nodes):
            return None
        k = self._index[column].get(unit)
        return None if k is None else self.nodes[column][k]

    def edge(self, layer: int, i: int, j: int) -> DrawnEdge | None:
        """How ``w(layer)[i -> j]`` (``layer`` from 1) is drawn, if both its units are."""
        if not 1 <= layer < len(self.nodes):
            return None
        row, col = self._index[layer - 1].get(i), self._index[layer].get(j)
        return None if row is None or col is None else self.edges.edge(layer - 1, row, col)

    def unit_at(self, point: QPointF) -> UnitNode | None:
        """The unit whose map contains scene ``point``."""
        return next((n for column in self.nodes for n in column if n.rect().contains(point)), None)

    def edge_at(self, point: QPointF, reach: float) -> tuple[int, int, int] | None:
        """``(layer, i, j)`` (``layer`` from 1) of the weight nearest scene ``point`` within ``reach``."""
        found = self.edges.nearest(point, reach)
        if found is None:
            return None
        layer, row, col = found
        return layer + 1, self.structure.drawn[layer][row], self.structure.drawn[layer + 1][col]

    def skip_at(self, point: QPointF, reach: float) -> int | None:
        """The hidden column whose skip arc passes within ``reach`` of ``point``."""
        stroker = QPainterPathStroker()
        stroker.setWidth(2 * reach)
        return next((c for c, arc in self.skips.items() if stroker.createStroke(arc.path()).contains(point)), None)

    def layer_at(self, items: list[QGraphicsItem]) -> int | None:
        """The column whose name or outline is among ``items``."""
        for item in items:
            if item in self.headers:
                return self.headers.index(item)
            if item in self.outlines:
                return self.outlines.index(item)
        return None
