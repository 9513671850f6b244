"""The drawing of a ``PointGraph``: one box per node (name and op, value, gradient), edges left to right.

The canvas draws what it is told: the panel (``graph_panel.py``) decides which
node is current, which numbers are known at this step of the pass, which
shares travel along which edges and which paths are highlighted.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, QVariantAnimation, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPalette, QPen
from PySide6.QtWidgets import (
    QGraphicsEllipseItem,
    QGraphicsPathItem,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QGraphicsView,
    QWidget,
)

from ...training.graph import PointGraph
from ...training.graph_layout import Layout
from .graph_text import brief, node_title, node_tooltip, root_name

NODE_W, NODE_H = 156.0, 52.0  # scene units (pixels at scale 1)
COLUMN, ROW = 236.0, 58.0  # between columns (room for a share's number on the edge) and rows
DOT, MOTION_MS = 9.0, 450  # the travelling share: its size, and its time along the edge
MIN_SCALE = 0.7  # below this the numbers are hard to read: scroll instead
# The canvas asks for the height of this much of a graph at MIN_SCALE: a row of boxes and most of the next
# (a vector graph has three rows). At 1280x720 the dock below the plots, opened at 0.15 of the height, gave
# the canvas 35 px with the chain rule tabbed beside it: a strip of cut boxes.
READABLE_SCENE = NODE_H + ROW
FILL = {"input": "#D6E9F8", "parameter": "#FBE3C4", "target": "#D8F0D2", "constant": "#E6E6E6", "op": "#FFFFFF"}
TEXT, EDGE, DIM = QColor("#1A1A1A"), QColor("#8C8C8C"), QColor("#D0D0D0")
CURRENT, SHARE, PATH = QColor("#D55E00"), QColor("#C0392B"), QColor("#0072B2")  # the palette's vermilion, blue


class _NodeBox(QGraphicsRectItem):
    def __init__(self, index: int) -> None:
        super().__init__(0.0, 0.0, NODE_W, NODE_H)
        self.index = index
        self.texts: tuple[str, ...] = ()
        self.lines = [QGraphicsSimpleTextItem(self) for _ in range(3)]
        for row, line in enumerate(self.lines):
            line.setPos(6.0, 3.0 + 16.0 * row)
            line.setBrush(TEXT)
        bold = QFont(self.lines[0].font())
        bold.setBold(True)
        self.lines[0].setFont(bold)

    def set_lines(self, *texts: str) -> None:
        self.texts = texts  # whole, as written; the box may cut a long one (its tooltip has every entry)
        for line, text in zip(self.lines, texts):
            line.setText(_elide(line, text))

    @property
    def text(self) -> str:
        return "\n".join(self.texts)

    @property
    def shown_text(self) -> str:
        return "\n".join(line.text() for line in self.lines)


def _elide(item: QGraphicsSimpleTextItem, text: str) -> str:
    """Cut ``text`` with … to the box's width (the tooltip keeps it whole)."""
    metrics = QFontMetricsF(item.font())
    return metrics.elidedText(text, Qt.TextElideMode.ElideRight, NODE_W - 10.0)


class GraphCanvas(QGraphicsView):
    """``nodeClicked(index)``: a node's box was clicked."""

    nodeClicked = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("graphCanvas")
        self.setScene(QGraphicsScene(self))
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.graph: PointGraph | None = None
        self.boxes: list[_NodeBox] = []
        self.edges: dict[tuple[int, int], QGraphicsPathItem] = {}
        self.paths: dict[tuple[int, int], list[QPointF]] = {}
        self.labels: list[QGraphicsSimpleTextItem] = []
        self.current: int | None = None
        self.dots: list[QGraphicsEllipseItem] = []
        self._backward_motion = True
        # Each share travels along its edge once, as the step is taken.
        self._motion = QVariantAnimation(self, startValue=0.0, endValue=1.0, duration=MOTION_MS)
        self._motion.valueChanged.connect(self._move_dots)
        self.min_scale = MIN_SCALE  # a rendered video shows the whole graph instead: it cannot scroll
        # The font the scene's scale is 1 at: presentation mode's larger text zooms the drawing by as much
        # (its boxes' text is the scene's, which no widget font reaches).
        self._base_pt = self.font().pointSizeF()
        self.empty_text = ""  # written across the canvas while there is no graph (why it is empty)

    def set_empty_text(self, text: str) -> None:
        """Write ``text`` in the middle of the canvas while no graph is shown: an empty white box
        with the reason in small print under it read as a broken view."""
        self.empty_text = text
        self.viewport().update()

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().paintEvent(event)
        if self.graph is not None or not self.empty_text:
            return
        painter = QPainter(self.viewport())
        painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
        margin = 12
        painter.drawText(
            self.viewport().rect().adjusted(margin, margin, -margin, -margin),
            int(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap),
            self.empty_text,
        )
        painter.end()

    # ------------------------------------------------------------- building
    def show_graph(self, graph: PointGraph, layout: Layout) -> None:
        """Draw ``graph`` at ``layout``'s places, every value and final gradient shown."""
        scene = self.scene()
        self._motion.stop()
        scene.clear()
        self.graph, self.boxes, self.edges, self.labels, self.current = graph, [], {}, [], None
        self.dots = []
        self.paths = {edge: [self._centre(x, y) for x, y in points] for edge, points in layout.paths.items()}
        for edge, points in self.paths.items():
            path = QPainterPath(points[0] + QPointF(NODE_W / 2, 0))
            for point in points[1:-1]:
                path.lineTo(point)
            path.lineTo(points[-1] - QPointF(NODE_W / 2, 0))
            item = QGraphicsPathItem(path)
            item.setZValue(0)
            scene.addItem(item)
            self.edges[edge] = item
        for node in graph.nodes:
            box = _NodeBox(node.index)
            x, y = layout.positions[node.index]
            centre = self._centre(x, y)
            box.setPos(centre.x() - NODE_W / 2, centre.y() - NODE_H / 2)
            box.setBrush(QBrush(QColor(FILL[node.kind])))
            box.setToolTip(node_tooltip(node, root_name(graph)))
            box.setZValue(1)
            scene.addItem(box)
            self.boxes.append(box)
        self.set_known(set(range(len(graph.nodes))), {n.index: n.grad for n in graph.nodes if n.grad is not None})
        self.set_marks(None, {}, set(), set())
        scene.setSceneRect(scene.itemsBoundingRect().adjusted(-8, -8, 8, 8))
        self.fit()
        self.updateGeometry()  # a graph of one row asks for less height

    def clear_graph(self) -> None:
        """Draw nothing (no point is inspected)."""
        self._motion.stop()
        self.scene().clear()
        self.graph, self.boxes, self.edges, self.labels, self.dots, self.current = None, [], {}, [], [], None
        self.viewport().update()  # the empty text

    @staticmethod
    def _centre(column: float, row: float) -> QPointF:
        return QPointF(column * COLUMN + NODE_W / 2, row * ROW + NODE_H / 2)

    @property
    def text_zoom(self) -> float:
        """How much larger than at start the canvas's font is (presentation mode's scale, else 1)."""
        return self.font().pointSizeF() / self._base_pt

    def fit(self) -> None:
        """Fit the height (not above 1:1, not below MIN_SCALE, both times :attr:`text_zoom`); a long graph
        scrolls sideways."""
        rect = self.scene().sceneRect()
        if rect.height() <= 0 or self.viewport().height() <= 0:
            return
        zoom = self.text_zoom
        fitting = min(self.viewport().height() / rect.height(), self.viewport().width() / rect.width())
        scale = min(zoom, max(self.min_scale * zoom, fitting))
        self.resetTransform()
        self.scale(scale, scale)

    def readable_height(self) -> int:
        """The height, in px, that shows ``READABLE_SCENE`` of the graph (or all of a shorter one) at the
        least scale, with the scrollbar under it and the frame."""
        rect = self.scene().sceneRect()
        scene = READABLE_SCENE if self.graph is None else min(READABLE_SCENE, rect.height())
        chrome = self.horizontalScrollBar().sizeHint().height() + 2 * self.frameWidth()
        return math.ceil(scene * self.min_scale * self.text_zoom) + chrome

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        # The dock opens at its content's least height (lazy_dock.opening_height): this makes it a readable one.
        return QSize(super().minimumSizeHint().width(), self.readable_height())

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self.fit()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:  # presentation mode began or ended
            self.fit()
            self.updateGeometry()

    # ------------------------------------------------------------- marking
    def set_known(self, values: set[int], grads: dict[int, object]) -> None:
        """Write each node's value (if in ``values``) and gradient (if in ``grads``), else "?"."""
        if self.graph is None:
            return
        for node, box in zip(self.graph.nodes, self.boxes):
            value = brief(node.value) if node.index in values else "?"
            if node.grad is None:
                grad = "no gradient"
            else:
                grad = brief(grads[node.index]) if node.index in grads else "?"  # type: ignore[arg-type]
            symbol = root_name(self.graph)
            box.set_lines(node_title(node), f"= {value}", f"∂{symbol}: {grad}" if node.grad is not None else grad)

    def set_marks(
        self,
        current: int | None,
        shares: dict[tuple[int, int], str],
        path_nodes: set[int],
        path_edges: set[tuple[int, int]],
        backward: bool = True,
    ) -> None:
        """Ring the ``current`` node, write ``shares`` (edge → text) along their edges, send a dot
        along each of them (child to parent for the backward pass, parent to child forward),
        and draw the nodes and edges of the highlighted paths in blue."""
        scene = self.scene()
        self._motion.stop()
        for item in self.labels + self.dots:
            scene.removeItem(item)
        self.labels, self.dots = [], []
        self.current = current
        for edge, item in self.edges.items():
            if edge in shares:
                item.setPen(QPen(SHARE, 3.0))
                item.setZValue(0.5)
            elif edge in path_edges:
                item.setPen(QPen(PATH, 2.5))
                item.setZValue(0.4)
            else:
                item.setPen(QPen(EDGE, 1.0))
                item.setZValue(0)
        for box in self.boxes:
            if box.index == current:
                box.setPen(QPen(CURRENT, 3.5))
            elif box.index in path_nodes:
                box.setPen(QPen(PATH, 2.5))
            else:
                box.setPen(QPen(EDGE, 1.0))
        for edge, text in shares.items():
            points = self.paths[edge]
            a, b = points[-2], points[-1]
            # The middle of the edge's last stretch between boxes: from the parent's right side
            # (or the bend before) to the child's left side.
            start = a.x() + (NODE_W / 2 if len(points) == 2 else 0.0)
            end = b.x() - NODE_W / 2
            t = 0.5 if len(points) == 2 else 0.5 * (end - a.x()) / max(b.x() - a.x(), 1e-9)
            middle = QPointF((start + end) / 2, a.y() + (b.y() - a.y()) * t)
            label = QGraphicsSimpleTextItem(text)
            label.setBrush(SHARE)
            bold = QFont(label.font())
            bold.setBold(True)
            label.setFont(bold)
            width = label.boundingRect().width()
            back = QGraphicsRectItem(QRectF(-2, -1, width + 4, label.boundingRect().height() + 2), label)
            back.setBrush(QColor(255, 255, 255, 225))
            back.setPen(QPen(Qt.PenStyle.NoPen))
            back.setFlag(QGraphicsRectItem.GraphicsItemFlag.ItemStacksBehindParent)
            label.setPos(middle.x() - width / 2, middle.y() - 18)
            label.setZValue(3)
            scene.addItem(label)
            self.labels.append(label)
        for edge in shares:
            dot = QGraphicsEllipseItem(-DOT / 2, -DOT / 2, DOT, DOT)
            dot.setBrush(SHARE)
            dot.setPen(QPen(Qt.PenStyle.NoPen))
            dot.setZValue(2)
            dot.setData(0, edge)
            scene.addItem(dot)
            self.dots.append(dot)
        self._backward_motion = backward
        self._move_dots(0.0)
        if self.dots:
            self._motion.start()
        if current is not None and self.boxes:
            self.ensureVisible(self.boxes[current], 60, 20)

    def _move_dots(self, t: object) -> None:
        """Place each dot ``t`` (0 to 1) of the way along its edge, in the pass's direction."""
        share = float(t)  # type: ignore[arg-type]
        for dot in self.dots:
            path = self.edges[dot.data(0)].path()
            dot.setPos(path.pointAtPercent(1.0 - share if self._backward_motion else share))

    # ---------------------------------------------------------------- input
    def mousePressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        item = self.itemAt(event.position().toPoint())
        while item is not None and not isinstance(item, _NodeBox):
            item = item.parentItem()
        if isinstance(item, _NodeBox) and event.button() == Qt.MouseButton.LeftButton:
            self.nodeClicked.emit(item.index)
        super().mousePressEvent(event)

    def wheelEvent(self, event) -> None:  # noqa: N802 - Qt's name
        factor = 1.15 if event.angleDelta().y() > 0 else 1 / 1.15
        self.scale(factor, factor)

    # ----------------------------------------------------------- for tests
    def node_text(self, index: int) -> str:
        return self.boxes[index].text

    def label_texts(self) -> list[str]:
        return [label.text() for label in self.labels]
