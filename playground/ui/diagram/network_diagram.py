"""The network diagram: every unit drawn as a small map of what it computes over the input plane.

Like TensorFlow Playground's neuron thumbnails (and the seed chapter's Figure
10): the inputs (x₁, x₂, x₁², ...), every hidden unit and the output(s), each a
thumbnail of its activation over the plane, taken from the frame's one grid
probe. Edges are coloured by the weight's sign (blue positive, orange negative,
like the maps) and as wide as the weight is large next to its layer's largest.

Hovering a unit or an edge tells its value and gradient; clicking a unit shows
its map full size in the decision-boundary plot, and clicking it again (or the
output, or the badge on the plot) goes back. Clicking an edge, or double-clicking
a unit, asks to edit that weight or bias (``editRequested``). Dead ReLU units are
crossed out and layers whose gradients vanish or explode are outlined in red. The
point the chain-rule inspector explains is ringed on every map.

Three classes share the work: :class:`DiagramScene` (``scene.py``) builds, lays
out and styles the items, :class:`DiagramProse` (``prose.py``) writes the hover
texts, and :class:`NetworkDiagram` here handles the events and decides which
units of a wide layer are drawn (``sampling.py``). ``feature.py`` installs it.
"""

from __future__ import annotations

import time

import numpy as np
from PySide6.QtCore import QEvent, QPoint, QSize, Qt, Signal
from PySide6.QtGui import QFont, QPainter
from PySide6.QtWidgets import QGraphicsView, QToolTip, QWidget

from ...training import TrainingConfig
from ...training.health import GradientHealth
from ..plots.style import FONT_PT
from ..session.worker import Frame
from .edges import DrawnEdge
from .parameters import Parameter
from .prose import DiagramProse
from .sampling import MAX_DRAWN_UNITS, SAMPLE_SIZES, drawn_units, sample_size, sampling_note
from .scene import DiagramScene, Structure, fit_geometry

_HOVER_REACH = 4  # px around the mouse in which an edge counts as hovered


class NetworkDiagram(QGraphicsView):
    """Draws frames (``show_frame``) as the network's units and weights; reports clicks.

    ``unitClicked(column, unit)``: column 0 is the inputs, 1..L the hidden
    layers, L + 1 the output; units count from 0. ``editRequested(parameter, pos)``:
    the person asked to set a :class:`Parameter` by hand (a click on its edge, a
    double-click on its unit), at viewport position ``pos``.
    """

    unitClicked = Signal(int, int)
    editRequested = Signal(object, QPoint)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("networkDiagram")
        self.diagram_scene = DiagramScene(self)
        self.setScene(self.diagram_scene)
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.SmoothPixmapTransform)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.setMinimumWidth(160)
        self.prose = DiagramProse()
        self._frame: Frame | None = None
        self._health = GradientHealth()
        self._editing: Parameter | None = None  # the parameter in the editor: its units stay drawn
        # The last structure chosen and what it was chosen from: a wide layer's sample fits
        # the geometry once per size tried (2 ms a frame for the default network), and what
        # it depends on changes far less often than the frames come.
        self._structure_key: tuple | None = None
        self._structure: Structure | None = None
        self.paint_seconds = 0.0  # the CPU time the last paint took
        self.diagram_scene.set_font(self._label_font())
        self._restyle()

    # ------------------------------------------------------------------ API
    def show_frame(self, frame: Frame, health: GradientHealth) -> None:
        """Draw ``frame``: maps, edges, dead units and the ``health`` verdict's outlines."""
        self._frame, self._health = frame, health
        structure = self._structure_of(frame)
        scene = self.diagram_scene
        if structure != scene.structure:
            if scene.selected is not None and not _has_unit(structure, *scene.selected):
                scene.selected = None
            scene.build(structure)
            self._fit_scene()
        scene.draw(frame, health)
        self.prose.update(frame, health, scene.dead)

    def _structure_of(self, frame: Frame) -> Structure:
        """The network's shape, and which units to draw: a wide layer's even sample, with the
        selected, emphasised and edited units in it."""
        config = frame.config
        sizes = [len(config.features), *config.hidden, frame.weights[-1][0].shape[1]]
        keep: list[list[int]] = [[] for _ in sizes]
        scene = self.diagram_scene
        for target in (scene.selected, scene.emphasis, self._editing_target()):
            if target is None:
                continue
            if len(target) == 2:
                column, unit = target
                if 0 <= column < len(sizes):
                    keep[column].append(unit)
            else:
                layer, i, j = target
                if 1 <= layer < len(sizes):
                    keep[layer - 1].append(i)
                    keep[layer].append(j)
        size = self.viewport().size()
        font = self.diagram_scene.font
        key = (
            tuple(config.features),
            tuple(config.hidden),
            tuple(config.activations),
            tuple(config.residual),
            tuple(sizes),
            tuple(tuple(sorted(set(units))) for units in keep),
            (size.width(), size.height()),
            font.key(),
        )
        if key == self._structure_key and self._structure is not None:
            return self._structure
        self._structure_key = key
        self._structure = self._choose_structure(config, sizes, keep, size, font)
        return self._structure

    def _choose_structure(
        self, config: TrainingConfig, sizes: list[int], keep: list[list[int]], size: QSize, font: QFont
    ) -> Structure:
        """``_structure_of`` worked out: the drawn units of each column for the viewport ``size``."""
        last = len(sizes) - 1

        def structure(limit: int) -> Structure:
            drawn = tuple(
                tuple(range(n)) if c in (0, last) else drawn_units(n, keep[c], limit) for c, n in enumerate(sizes)
            )
            note = sampling_note(list(config.hidden), list(drawn[1:-1]))
            return Structure(
                tuple(config.features),
                tuple(config.hidden),
                tuple(config.activations),
                sizes[-1],
                tuple(config.residual),
                drawn,
                note,
            )

        if max(sizes[1:-1], default=0) <= SAMPLE_SIZES[-1]:
            return structure(MAX_DRAWN_UNITS)
        # A wide layer draws as many units as keep the maps readable in the space there is.

        def thumbnail(limit: int) -> float:
            shape = structure(limit)
            return fit_geometry(font, shape, [len(d) for d in shape.drawn], size.width(), size.height()).thumbnail

        return structure(sample_size(thumbnail))

    def _editing_target(self) -> tuple[int, ...] | None:
        p = self._editing
        if p is None:
            return None
        return (p.layer + 1, *p.index) if p.kind == "weight" else (p.layer + 1, p.index[0])

    def _redraw_structure(self) -> None:
        """Draw the last frame again if the units to draw have changed (a new emphasis or edit)."""
        if self._frame is not None and self._structure_of(self._frame) != self.diagram_scene.structure:
            self.show_frame(self._frame, self._health)

    def set_selected(self, selected: tuple[int, int] | None) -> None:
        """Frame the unit ``(column, unit)`` as the one shown on the boundary plot (None: no unit)."""
        self.diagram_scene.set_selected(selected)
        self._redraw_structure()

    @property
    def selected(self) -> tuple[int, int] | None:
        return self.diagram_scene.selected

    def set_editing(self, parameter: Parameter | None) -> None:
        """The parameter being edited (its units stay drawn), or None."""
        self._editing = parameter
        self._redraw_structure()

    def set_highlight(self, point: np.ndarray | None) -> None:
        """Ring the input-plane ``point`` (the inspected point) on every unit's map; None: no ring.

        Each map shows its unit over the whole plane, so the ring says where on it the
        point lies, and the map's colour there is the unit's value for that point."""
        ring = None if point is None else np.asarray(point, dtype=np.float64).reshape(2).copy()
        self.diagram_scene.set_ring(ring)

    def highlight_center(self, column: int, unit: int) -> QPoint | None:
        """Where the inspected point's ring is on a unit's map, in viewport pixels (None: no ring)."""
        ring = self._node(column, unit).rings[-1]
        return self.mapFromScene(ring.rect().center()) if ring.isVisible() else None

    def emphasise(self, target: tuple[int, ...] | None) -> None:
        """Outline one unit ``(column, unit)`` or one weight ``(layer, i, j)`` (``layer`` from 1) with a
        glow in the emphasis colour (its units are drawn even in a sampled layer); None: nothing."""
        self.diagram_scene.set_emphasis(None if target is None else tuple(int(v) for v in target))
        self._redraw_structure()

    @property
    def emphasis(self) -> tuple[int, ...] | None:
        """The unit ``(column, unit)`` or weight ``(layer, i, j)`` emphasised now, if any."""
        return self.diagram_scene.emphasis

    def emphasis_shape(self):
        """The emphasis glow's centre line in scene coordinates (empty when nothing is shown)."""
        return self.diagram_scene.emphasis_shape()

    @property
    def frame(self) -> Frame | None:
        """The frame drawn last."""
        return self._frame

    def node_count(self) -> int:
        """Units drawn: inputs + hidden units (those drawn of a wide layer) + outputs."""
        return sum(len(column) for column in self.diagram_scene.nodes)

    def drawn_units(self, column: int) -> tuple[int, ...]:
        """The units of ``column`` drawn now (every unit, or a wide layer's sample)."""
        structure = self.diagram_scene.structure
        return () if structure is None else structure.drawn[column]

    def columns(self) -> int:
        """Columns drawn: the inputs, the hidden layers, the outputs."""
        return len(self.diagram_scene.nodes)

    def sampling_note(self) -> str:
        """What the diagram says about the units it leaves out ("" when it draws them all)."""
        scene = self.diagram_scene
        return scene.structure.note if scene.structure is not None and scene.caption.isVisible() else ""

    def node_image(self, column: int, unit: int) -> np.ndarray:
        """The ``(h, w, 4)`` RGBA thumbnail shown for a unit (row 0 at the top, largest x2)."""
        return self.diagram_scene.images[column][self.drawn_units(column).index(unit)]

    def node_rect(self, column: int, unit: int):
        """The unit's map in scene coordinates."""
        return self._node(column, unit).rect()

    def node_center(self, column: int, unit: int) -> QPoint:
        """The unit's centre in viewport pixels (for clicks and hovers)."""
        return self.mapFromScene(self._node(column, unit).rect().center())

    def edge(self, layer: int, i: int, j: int) -> DrawnEdge:
        """How ``w(layer)[i -> j]`` (``layer`` from 1, ``i``/``j`` from 0) is drawn: line and pen."""
        drawn = self.diagram_scene.edge(layer, i, j)
        if drawn is None:
            raise KeyError(f"w({layer})[{i}→{j}] is not drawn")
        return drawn

    def edge_count(self) -> int:
        """Edges drawn."""
        return self.diagram_scene.edges.count()

    def is_dead(self, column: int, unit: int) -> bool:
        return self._node(column, unit).cross.isVisible()

    def outlined_columns(self) -> list[int]:
        """Columns outlined for unhealthy gradients."""
        return [c for c, outline in enumerate(self.diagram_scene.outlines) if outline.isVisible()]

    def skip_columns(self) -> list[int]:
        """Hidden columns drawn with a skip connection's arc."""
        return sorted(self.diagram_scene.skips)

    def skip_path(self, column: int):
        """The arc of hidden ``column``'s skip connection, in scene coordinates."""
        return self.diagram_scene.skips[column].path()

    def _node(self, column: int, unit: int):
        node = self.diagram_scene.node(column, unit)
        if node is None:
            raise KeyError(f"unit {unit} of column {column} is not drawn")
        return node

    # ------------------------------------------------------------ hit tests
    def tooltip_at(self, pos: QPoint) -> str:
        """The text for the mouse at viewport ``pos``: the unit, edge, skip, layer name or outline under it."""
        kind, what = self._thing_at(pos)
        prose, scene = self.prose, self.diagram_scene
        editable = self._frame is not None and not self._frame.viewing
        if kind == "unit":
            column, unit = what
            return prose.unit_text(column, unit, scene.selected == (column, unit), editable and column > 0)
        if kind == "edge":
            return prose.edge_text(*what, editable=editable)
        if kind == "skip":
            return prose.skip_text(what)
        if kind == "layer":
            sampled = (
                0 < what < self.columns() - 1 and len(self.drawn_units(what)) < self._frame.config.hidden[what - 1]
            )
            return prose.layer_text(what, self.sampling_note() if sampled else "")
        return ""

    def _thing_at(self, pos: QPoint) -> tuple[str, object]:
        """What lies at viewport ``pos``: ("unit", (column, unit)), ("edge", (layer, i, j)),
        ("skip", column), ("layer", column) or ("", None). Units first, then the nearest edge."""
        scene = self.diagram_scene
        if scene.structure is None:
            return "", None
        at = self.mapToScene(pos)
        node = scene.unit_at(at)
        if node is not None:
            return "unit", (node.column, node.unit)
        edge = scene.edge_at(at, _HOVER_REACH)
        if edge is not None:
            return "edge", edge
        skip = scene.skip_at(at, _HOVER_REACH)
        if skip is not None:
            return "skip", skip
        column = scene.layer_at(self.items(pos))
        return ("layer", column) if column is not None else ("", None)

    def parameter_at(self, pos: QPoint, double: bool) -> Parameter | None:
        """The parameter a click at ``pos`` edits: an edge's weight, or (``double``) a unit's bias."""
        kind, what = self._thing_at(pos)
        if kind == "edge":
            layer, i, j = what
            return Parameter(layer - 1, "weight", (i, j))
        if kind == "unit" and double and what[0] > 0:
            column, unit = what
            return Parameter(column - 1, "bias", (unit,))
        return None

    # ----------------------------------------------------------------- style
    def _restyle(self) -> None:
        """Colours for the application palette: the light or the dark plot theme."""
        dark = self.palette().color(self.palette().ColorRole.Base).lightness() < 128
        self.diagram_scene.restyle(dark)

    def _label_font(self) -> QFont:
        """The widget's font (it follows presentation mode), at least the design's 10 pt."""
        font = QFont(self.font())
        font.setPointSizeF(max(font.pointSizeF(), FONT_PT))
        return font

    def _fit_scene(self) -> None:
        size = self.viewport().size()
        self.diagram_scene.relayout(size.width(), size.height())

    # ---------------------------------------------------------------- events
    def paintEvent(self, event) -> None:  # noqa: N802 - Qt's name
        start = time.thread_time()  # the GUI thread's own work: waiting for a busy CPU is not its cost
        super().paintEvent(event)
        self.paint_seconds = time.thread_time() - start

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._fit_scene()
        self._redraw_structure()  # a wide layer may draw more or fewer units in the new size

    def changeEvent(self, event) -> None:  # noqa: N802
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:  # presentation mode enlarges the text
            self.diagram_scene.set_font(self._label_font())
        elif event.type() == QEvent.Type.PaletteChange:
            self._restyle()
            if self._frame is not None:
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
        if event.button() == Qt.MouseButton.LeftButton and self._frame is not None:
            pos = event.position().toPoint()
            kind, what = self._thing_at(pos)
            if kind == "unit":
                self.unitClicked.emit(*what)
                event.accept()
                return
            parameter = self.parameter_at(pos, double=False)
            if parameter is not None:
                self.editRequested.emit(parameter, pos)
                event.accept()
                return
        super().mousePressEvent(event)

    def mouseDoubleClickEvent(self, event) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton and self._frame is not None:
            pos = event.position().toPoint()
            parameter = self.parameter_at(pos, double=True)
            if parameter is not None:
                self.editRequested.emit(parameter, pos)
                event.accept()
                return
        super().mouseDoubleClickEvent(event)


def _has_unit(structure: Structure, column: int, unit: int) -> bool:
    sizes = structure.sizes
    return 0 <= column < len(sizes) and 0 <= unit < sizes[column]
