"""Expression mode: the chain rule on a formula the person types, and for two variables the hill.

The formula is parsed by the project's safe parser and built from engine ops
(``training/expression_graph.py``); its graph is drawn and stepped through by
the same ``GraphPanel`` as the network's loss. With two variables a height map
shows the function around the chosen point, with the gradient as an arrow (the
steepest way up); dragging the point changes the variables' values.
"""

from __future__ import annotations

import html
import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt, QTimer
from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ...data.expressions import Expression
from ...training.expression_graph import (
    build_expression_graph,
    evaluate_grid,
    gradient,
    gradient_note,
    parse_formula,
    unit_range,
)
from ..inspection.alert_label import AlertLabel
from .graph_panel import GraphPanel
from .graph_text import num

DEFAULT_FORMULA = "tanh(w1*x1 + w2*x2 + b)"
# The calculus primer's examples, each with the values it starts from (typing one loads them).
EXAMPLES: dict[str, dict[str, float]] = {
    "a*b + c": {"a": 2.0, "b": -3.0, "c": 10.0},
    "tanh(w1*x1 + w2*x2 + b)": {"w1": 0.5, "x1": 1.0, "w2": -1.0, "x2": 2.0, "b": 0.8},
    "(x**2 + y**2) / 2": {"x": 1.0, "y": 0.5},
}
START_VALUE = 1.0  # a variable no example names
VALUE_RANGE = 10.0  # the spin boxes' limits, ±
MAP_HALF_WIDTH = 3.0  # the height map shows the point ± this in each variable
MAP_CELLS = 80
ARROW_SHARE = 0.25  # the longest gradient arrow, as a share of the map's width


class HeightMap(pg.PlotWidget):
    """f(u, v) as an image around the chosen point, the point (draggable) and the gradient arrow."""

    def __init__(self, moved, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("expressionHeightMap")
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setLookupTable(pg.colormap.get("viridis").getLookupTable(nPts=256))
        self.addItem(self.image)
        self.arrow_line = pg.PlotDataItem(pen=pg.mkPen("#FFFFFF", width=3))
        self.arrow_head = pg.ArrowItem(brush="#FFFFFF", pen=pg.mkPen("#1A1A1A"), headLen=14, tailLen=0)
        self.point = pg.TargetItem(size=12, pen=pg.mkPen("#D55E00", width=2), movable=True)
        for item in (self.arrow_line, self.arrow_head, self.point):
            self.addItem(item)
        self.point.sigPositionChangeFinished.connect(lambda _: moved(self.point.pos()))
        self.getPlotItem().setAspectLocked(True)
        self.setMinimumSize(150, 120)
        self.tip = (0.0, 0.0)

    def show_function(
        self, expression: Expression, names: tuple[str, str], values: dict[str, float], grad: tuple[float, float]
    ) -> None:
        """Draw ``expression`` over ``names`` around ``values`` (other variables held), and the arrow."""
        u0, v0 = values[names[0]], values[names[1]]
        us = np.linspace(u0 - MAP_HALF_WIDTH, u0 + MAP_HALF_WIDTH, MAP_CELLS)
        vs = np.linspace(v0 - MAP_HALF_WIDTH, v0 + MAP_HALF_WIDTH, MAP_CELLS)
        U, V = np.meshgrid(us, vs)
        grid = {**values, names[0]: U, names[1]: V}
        heights = unit_range(evaluate_grid(expression, grid))
        self.image.setImage(np.nan_to_num(heights, nan=0.0), levels=(0.0, 1.0))
        self.image.setRect(QRectF(us[0], vs[0], us[-1] - us[0], vs[-1] - vs[0]))
        self.point.blockSignals(True)
        self.point.setPos(QPointF(u0, v0))
        self.point.blockSignals(False)
        if not all(map(math.isfinite, grad)):  # an overflowed gradient has no direction to draw
            grad = (0.0, 0.0)
        length = math.hypot(*grad)
        scale = ARROW_SHARE * 2 * MAP_HALF_WIDTH / length if length > 0 else 0.0
        self.tip = (u0 + grad[0] * scale, v0 + grad[1] * scale)
        self.arrow_line.setData([u0, self.tip[0]], [v0, self.tip[1]])
        # ArrowItem's angle 0 points left; the arrow points along the gradient (uphill).
        self.arrow_head.setStyle(angle=180.0 - math.degrees(math.atan2(grad[1], grad[0])))
        self.arrow_head.setPos(*self.tip)
        self.arrow_head.setVisible(length > 0)
        plot = self.getPlotItem()
        plot.setLabel("bottom", names[0])
        plot.setLabel("left", names[1])
        plot.setXRange(us[0], us[-1], padding=0)
        plot.setYRange(vs[0], vs[-1], padding=0)


class ExpressionPanel(QWidget):
    """The formula box, one value box per variable, the height map (two variables) and the graph."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("expressionPanel")
        self.formula = QLineEdit(DEFAULT_FORMULA, objectName="expressionFormula")
        self.formula.setToolTip(
            "A formula of named variables: + − * / **, parentheses, "
            "sin cos tan exp log abs sqrt tanh, pi. Examples: " + ", ".join(EXAMPLES)
        )
        self._loaded = ""  # the example whose values were last loaded
        self.error = AlertLabel(objectName="expressionError", wordWrap=True)
        self.error.hide()
        self.boxes: dict[str, QDoubleSpinBox] = {}
        self.values_grid = QGridLayout()
        self.values_grid.setContentsMargins(0, 0, 0, 0)
        self.map = HeightMap(self._dragged)
        self.map_note = QLabel(objectName="expressionMapNote", wordWrap=True)
        self.graph_panel = GraphPanel()
        self.expression: Expression | None = None
        self.values: dict[str, float] = {}

        left = QWidget()
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.formula)
        column.addWidget(self.error)
        values_row = QWidget()
        values_row.setLayout(self.values_grid)
        column.addWidget(values_row)
        column.addWidget(self.map_note)
        column.addStretch(1)
        # The map beside the controls, not under them: a dock under the plots is short.
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(self.map)
        split.addWidget(self.graph_panel)
        split.setSizes([260, 200, 820])
        layout = QHBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(split)
        # Typing waits for a pause, so a half-typed formula is not reported as an error.
        self._typing = QTimer(self, singleShot=True, interval=400)
        self._typing.timeout.connect(self.apply_formula)
        self.formula.textEdited.connect(lambda _: self._typing.start())
        self.formula.returnPressed.connect(self.apply_formula)
        self.apply_formula()

    # ------------------------------------------------------------ formula
    def apply_formula(self) -> bool:
        """Parse the formula box; on an error say so and keep what was shown."""
        self._typing.stop()
        try:
            expression = parse_formula(self.formula.text())
        except ValueError as exc:
            self._show_error(str(exc))
            return False
        self.expression = expression
        text = self.formula.text().strip()
        if text in EXAMPLES and text != self._loaded:
            self.values.update(EXAMPLES[text])
            self._loaded = text
            self.boxes = {}  # rebuilt with the example's values
        for name in expression.names:
            self.values.setdefault(name, START_VALUE)
        self._build_boxes(expression.names)
        return self.recompute()

    def _build_boxes(self, names: tuple[str, ...]) -> None:
        if tuple(self.boxes) == names:
            return
        while self.values_grid.count():
            item = self.values_grid.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.boxes = {}
        for k, name in enumerate(names):
            box = QDoubleSpinBox(
                objectName=f"expressionValue_{name}",
                decimals=3,
                singleStep=0.1,
                minimum=-VALUE_RANGE,
                maximum=VALUE_RANGE,
                value=self.values[name],
            )
            box.setToolTip(f"The value of {name}")
            box.valueChanged.connect(lambda value, n=name: self.set_value(n, value))
            row, col = divmod(k, 3)
            self.values_grid.addWidget(QLabel(f"{name} ="), row, 2 * col)
            self.values_grid.addWidget(box, row, 2 * col + 1)
            self.boxes[name] = box

    def set_value(self, name: str, value: float) -> None:
        """Set variable ``name`` and redraw the graph and the map."""
        self.values[name] = float(value)
        box = self.boxes.get(name)
        if box is not None and box.value() != value:
            box.blockSignals(True)
            box.setValue(value)
            box.blockSignals(False)
        self.recompute()

    def recompute(self) -> bool:
        if self.expression is None:
            return False
        values = {name: self.values[name] for name in self.expression.names}
        try:
            graph = build_expression_graph(self.expression, values)
        except ValueError as exc:
            self._show_error(str(exc))
            return False
        # A gradient that overflowed (x*1e308*1e10 at 0) is drawn as the engine's inf or NaN, and said.
        note = gradient_note(graph)
        if note:
            self.error.setText(html.escape(note))
        self.error.setVisible(bool(note))
        self.graph_panel.show_graph(graph)
        grads = gradient(graph)
        names = self.expression.names
        if len(names) == 2:
            self.map.show()
            pair = (grads[names[0]], grads[names[1]])
            self.map.show_function(self.expression, (names[0], names[1]), values, pair)
            where = (
                "the arrow points the steepest way up"
                if all(map(math.isfinite, pair))
                else "not a finite number, so there is no arrow"
            )
            self.map_note.setText(f"∇f = ({num(pair[0])}, {num(pair[1])}): {where}. Drag the point.")
        else:
            self.map.hide()
            self.map_note.setText("A formula of two variables also shows its height map.")
        return True

    def _dragged(self, pos: QPointF) -> None:
        if self.expression is None or len(self.expression.names) != 2:
            return
        u, v = self.expression.names
        limit = VALUE_RANGE
        self.values[u] = float(np.clip(pos.x(), -limit, limit))
        self.set_value(v, float(np.clip(pos.y(), -limit, limit)))
        self.boxes[u].blockSignals(True)
        self.boxes[u].setValue(self.values[u])
        self.boxes[u].blockSignals(False)

    def _show_error(self, text: str) -> None:
        # The parser's caret line needs a fixed-width font to point at the right character.
        self.error.setText(f"<pre>{text.replace('&', '&amp;').replace('<', '&lt;')}</pre>")
        self.error.show()
