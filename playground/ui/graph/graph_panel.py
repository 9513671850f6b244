"""The computational-graph panel: the graph of the inspected point's loss, walked step by step.

"Step backward" walks the backward pass in the engine's own order: the current
node is ringed, the gradient it passes to each parent is written along that
edge (``+=``), and each node's gradient grows as its shares arrive. "Step
forward" walks the forward pass the same way. The slider moves through the
pass and Play runs it. Clicking a parameter or input (or choosing a weight in
the chain-rule panel) highlights every path from it to the loss. The
"Units" buttons draw a layer unit by unit instead of as one vector node.
"""

from __future__ import annotations

from collections.abc import Collection

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QSlider, QVBoxLayout, QWidget

from ...training.graph import PointGraph, build_point_graph, paths_to_loss, weight_routes
from ...training.graph_layout import layout_graph
from ...training.graph_steps import (
    BackwardStep,
    ForwardStep,
    backward_steps,
    forward_steps,
    gradients_after,
    shares_into,
)
from ...training.inspect import PointSnapshot, WeightId
from .graph_canvas import GraphCanvas
from .graph_text import backward_sentence, brief, forward_sentence, root_name, routes_sentence, shares_sentence

PLAY_INTERVAL = 700  # ms per step: time to read the numbers of one step
HINT = "Inspect a data point (the Inspect tool, key I) to see the graph of its loss."


class StepControls(QWidget):
    """The row of buttons and the slider; ``GraphPanel`` connects them."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.back = QPushButton("Step backward", objectName="graphStepBackward")
        self.back.setToolTip("One step of the backward pass: the next node sends its gradient to its inputs")
        self.forward = QPushButton("Step forward", objectName="graphStepForward")
        self.forward.setToolTip("One step of the forward pass: the next node computes its value")
        self.play = QPushButton("Play", objectName="graphPlay", checkable=True)
        self.play.setToolTip("Run the pass step by step (the backward pass unless a forward pass is under way)")
        self.slider = QSlider(Qt.Orientation.Horizontal, objectName="graphSlider")
        self.slider.setToolTip("Move through the pass: 0 is its start")
        self.position = QLabel(objectName="graphPosition")
        self.position.setMinimumWidth(self.position.fontMetrics().horizontalAdvance("backward 000/000"))
        self.units = QHBoxLayout()
        self.units.setSpacing(2)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        for widget in (self.forward, self.back, self.play):
            row.addWidget(widget)
        row.addWidget(self.slider, 1)
        row.addWidget(self.position)
        self.units_label = QLabel("Units:")
        self.units_label.hide()  # until a graph has layers to unfold: "Units:" and no buttons read as broken
        row.addWidget(self.units_label)
        row.addLayout(self.units)


class GraphPanel(QWidget):
    """``expandedChanged(layers)``: the person chose which layers to draw unit by unit.
    ``nodeSelected(node)``: the selection changed (a ``GraphNode``, or None when cleared)."""

    expandedChanged = Signal(object)
    nodeSelected = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("graphPanel")
        self.controls = StepControls()
        self.canvas = GraphCanvas()
        self.canvas.set_empty_text(HINT)
        # Below a graph, what the step shows; hidden without one, when the canvas says why it is empty (the
        # same words twice took a line of the dock below the plots, which has few to give).
        self.detail = QLabel("", objectName="graphDetail", wordWrap=True)
        self.detail.setTextFormat(Qt.TextFormat.RichText)
        self.detail.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.detail.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.setSpacing(2)
        layout.addWidget(self.controls)
        layout.addWidget(self.canvas, 1)
        layout.addWidget(self.detail)

        self.graph: PointGraph | None = None
        self.snapshot: PointSnapshot | None = None
        self.expanded: set[int] = set()
        self.backward: list[BackwardStep] = []
        self.forward: list[ForwardStep] = []
        self.mode: str | None = None  # "backward", "forward" or None: the finished pass, all shown
        self.step = 0  # how many steps of the pass are done
        self.selected: int | None = None  # the node whose paths to the loss are highlighted
        self.chosen: WeightId | None = None  # the weight chosen in the chain-rule panel, if that selected it
        self._unit_buttons: list[QPushButton] = []
        self._timer = QTimer(self, interval=PLAY_INTERVAL)
        self._timer.timeout.connect(self._tick)

        c = self.controls
        c.back.clicked.connect(self.step_backward)
        c.forward.clicked.connect(self.step_forward)
        c.play.toggled.connect(self._play)
        c.slider.valueChanged.connect(self.set_step)
        self.canvas.nodeClicked.connect(self.select_node)
        self._enable(False)

    def take_controls(self) -> StepControls:
        """The step controls, out of the panel's own rows, for a row the panel shares with others (the
        dock's tab bar, graph_feature.py): a dock below the plots has few rows to give."""
        self.layout().removeWidget(self.controls)
        return self.controls

    # ------------------------------------------------------------ the graph
    def show_snapshot(self, snapshot: PointSnapshot, expanded: Collection[int] | None = None) -> None:
        """Build and draw the graph of ``snapshot``'s loss; the pass starts over, finished."""
        if expanded is not None:
            self.expanded = set(expanded)
        self.expanded = {i for i in self.expanded if i < len(snapshot.weights)}
        self.snapshot = snapshot
        weight = self._selected_weight()
        graph = build_point_graph(snapshot, self.expanded)
        self._build_unit_buttons(len(snapshot.weights))
        self.show_graph(graph, None if weight is None else graph.find_weight(weight))

    def show_graph(self, graph: PointGraph, selected: int | None = None) -> None:
        """Draw a graph made elsewhere (a typed formula's); the pass starts over, finished."""
        self.graph = graph
        if graph.snapshot is None:
            self.snapshot = None
            self._build_unit_buttons(0)
        self.canvas.show_graph(graph, layout_graph(len(graph.nodes), graph.edges))
        self.backward, self.forward = backward_steps(graph), forward_steps(graph)
        self.selected = selected
        self._enable(True)
        self.mode, self.step = None, 0
        self._timer.stop()
        self.controls.play.setChecked(False)
        self._refresh()

    def clear(self, text: str = HINT) -> None:
        self.graph = self.snapshot = None
        self.canvas.clear_graph()
        self.canvas.set_empty_text(text)
        self.detail.clear()
        self.detail.hide()
        self._enable(False)

    def _enable(self, on: bool) -> None:
        for widget in (self.controls.back, self.controls.forward, self.controls.play, self.controls.slider):
            widget.setEnabled(on)

    def _build_unit_buttons(self, layers: int) -> None:
        self.controls.units_label.setVisible(layers > 0)
        if len(self._unit_buttons) == layers:
            for index, button in enumerate(self._unit_buttons):
                button.blockSignals(True)
                button.setChecked(index in self.expanded)
                button.blockSignals(False)
            return
        for button in self._unit_buttons:
            button.deleteLater()
        self._unit_buttons = []
        for index in range(layers):
            name = "out" if index == layers - 1 else str(index + 1)
            button = QPushButton(name, checkable=True, checked=index in self.expanded, objectName=f"graphUnits{index}")
            button.setToolTip(
                f"Draw {'the output layer' if name == 'out' else 'layer ' + name} unit by unit, "
                f"one node per weight (off: one vector node per step)"
            )
            button.setMaximumWidth(44)
            button.toggled.connect(lambda on, i=index: self.set_expanded(i, on))
            self.controls.units.addWidget(button)
            self._unit_buttons.append(button)

    def set_expanded(self, layer: int, on: bool) -> None:
        """Draw ``layer`` unit by unit (``on``) or as vector nodes, and redraw."""
        if on:
            self.expanded.add(layer)
        else:
            self.expanded.discard(layer)
        self.expandedChanged.emit(set(self.expanded))
        if self.snapshot is not None:
            self.show_snapshot(self.snapshot)

    # ------------------------------------------------------------ stepping
    def step_backward(self) -> None:
        """One step of the backward pass (the first, if another pass was showing)."""
        self._advance("backward")

    def step_forward(self) -> None:
        """One step of the forward pass (the first, if another pass was showing)."""
        self._advance("forward")

    def _advance(self, mode: str) -> None:
        if self.graph is None:
            return
        if self.mode != mode:
            self.mode, self.step = mode, 1
        else:
            self.step = min(self.step + 1, self._length())
        self._refresh()

    def set_step(self, step: int) -> None:
        """Show the pass after ``step`` steps (the slider)."""
        if self.graph is None or step == self.step and self.mode is not None:
            return
        if self.mode is None:
            self.mode = "backward"
        self.step = max(0, min(step, self._length()))
        self._refresh()

    def _length(self) -> int:
        return len(self.forward if self.mode == "forward" else self.backward)

    def _play(self, on: bool) -> None:
        if not on:
            self._timer.stop()
            return
        if self.mode is None or self.step >= self._length():
            self.mode, self.step = (self.mode or "backward"), 0
            self._refresh()
        self._timer.start()

    def _tick(self) -> None:
        if self.step >= self._length():
            self.controls.play.setChecked(False)
            return
        self._advance(self.mode or "backward")

    # ------------------------------------------------------------ selecting
    def select_node(self, index: int | None) -> None:
        """Highlight every path from node ``index`` to the loss (again: clear)."""
        self.selected = None if index is None or index == self.selected else index
        self.chosen = None if self.selected is None or self.graph is None else self.graph.nodes[self.selected].weight
        self._refresh()
        self.nodeSelected.emit(None if self.selected is None or self.graph is None else self.graph.nodes[self.selected])

    def select_weight(self, weight: WeightId) -> None:
        """Highlight the paths of ``weight`` (its own node if its layer is expanded, else its W or b)."""
        if self.graph is not None:
            self.selected = self.graph.find_weight(weight)
            self.chosen = weight
            self._refresh()

    def _selected_weight(self) -> WeightId | None:
        if self.graph is None or self.selected is None:
            return None
        return self.graph.nodes[self.selected].weight

    def _meeting(self, node: int) -> list[str]:
        """For a node that several paths reach: its shares so far, or their sum once all arrived."""
        assert self.graph is not None
        every = shares_into(self.backward, node)
        if len(every) < 2:
            return []
        arrived = [share.value for k, share in every if k < self.step]
        label = self.graph.nodes[node].label
        if len(arrived) < len(every):
            return [
                f"{label} is reached by {len(every)} paths: {len(arrived)} share"
                f"{'s' if len(arrived) != 1 else ''} arrived so far"
            ]
        return [shares_sentence(self.graph, self.graph.nodes[node], arrived)]

    # ------------------------------------------------------------ drawing
    def _refresh(self) -> None:
        graph = self.graph
        if graph is None:
            return
        every = set(range(len(graph.nodes)))
        path_nodes: set[int] = set()
        path_edges: set[tuple[int, int]] = set()
        lines = []
        if self.selected is not None:
            path_nodes, path_edges, count = paths_to_loss(graph, self.selected)
            lines.append(
                f"{count} path{'s' if count != 1 else ''} from <b>{graph.nodes[self.selected].label}</b> "
                f"to the loss (blue): its gradient is the sum over them"
            )
            if self.chosen is not None and graph.find_weight(self.chosen) == self.selected:
                lines.extend(routes_sentence(self.chosen, weight_routes(graph, self.chosen)))
        current, shares = None, {}
        if self.mode == "backward":
            grads = gradients_after(graph, self.backward, self.step)
            self.canvas.set_known(every, grads)
            if self.step == 0:
                current = graph.root
                r = root_name(graph)
                lines.insert(0, f"Start of the backward pass: ∂{r}/∂{r} = 1 at {'the loss' if r == 'L' else 'f'}.")
            else:
                step = self.backward[self.step - 1]
                current = step.node
                shares = {(s.parent, step.node): f"+= {brief(s.value)}" for s in step.contributions}
                lines.insert(0, backward_sentence(graph, step))
                for share in step.contributions:
                    lines.extend(self._meeting(share.parent))
        elif self.mode == "forward":
            known = {n.index for n in graph.nodes if n.is_leaf} | {s.node for s in self.forward[: self.step]}
            self.canvas.set_known(known, {})
            if self.step == 0:
                lines.insert(0, "Start of the forward pass: only the leaves (inputs, parameters, target) are known.")
            else:
                step = self.forward[self.step - 1]
                current = step.node
                node = graph.nodes[step.node]
                shares = {(p, step.node): f"= {brief(v)}" for p, v in zip(node.parents, step.inputs)}
                lines.insert(0, forward_sentence(graph, step))
        else:
            self.canvas.set_known(every, {n.index: n.grad for n in graph.nodes if n.grad is not None})
            what = "Loss L" if graph.snapshot is not None else "f"
            lines.insert(
                0,
                f"{what} = {brief(graph.nodes[graph.root].value)}; every gradient after "
                f"backward(). Step forward or backward to watch the pass.",
            )
        if graph.note:
            lines.append(graph.note)
        self.canvas.set_marks(current, shares, path_nodes, path_edges, backward=self.mode != "forward")
        self.detail.setText("<br>".join(lines))
        self.detail.show()
        slider = self.controls.slider
        slider.blockSignals(True)
        slider.setMaximum(self._length() if self.mode else len(self.backward))
        slider.setValue(self.step if self.mode else len(self.backward))
        slider.blockSignals(False)
        total = self._length() if self.mode else len(self.backward)
        shown = self.step if self.mode else total
        self.controls.position.setText(f"{self.mode or 'done'} {shown}/{total}")
