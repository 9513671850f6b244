"""``install_graph(window)``: the "Computational graph" dock, fed by the Inspect tool, with Expression mode.

The dock (built the first time it is shown) shows the graph of the point the chain-rule panel inspects. It
follows that panel: a new point or new weights rebuild the graph (checked on
every drawn frame and whenever the ring moves, which is when the panel has
refreshed), and a weight chosen in the panel's table highlights its paths.
Selecting a node of the graph highlights its unit or edge in the network
diagram (``window.network_view``), when the diagram has that item.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QStackedWidget, QTabWidget, QWidget

if TYPE_CHECKING:
    from ...training.graph import GraphNode
    from ...training.inspect import WeightId
    from ..session.worker import Frame
    from ..shell.host import WindowHost
    from .expression_panel import ExpressionPanel
    from .graph_panel import GraphPanel

FLOATING_SIZE = (1100, 520)  # px: a floated graph gets room for the [4, 2] network unit by unit
UNLIMITED = 16777215  # Qt's QWIDGETSIZE_MAX


class GraphFeature(QObject):
    """The dock (its tabs built when first shown), its View-menu toggle, and the wiring to the
    chain-rule inspector."""

    def __init__(self, window: WindowHost) -> None:
        super().__init__(window)
        self._window = window
        self.dock = window.add_lazy_dock(
            "Computational graph",
            "graphDock",
            self._build_tabs,
            Qt.DockWidgetArea.BottomDockWidgetArea,
            "The graph of the inspected point's loss, stepped through node by node",
        )
        self.dock.built.connect(lambda _: self.sync())  # the point inspected before it existed
        self.dock.topLevelChanged.connect(self._floated)
        self.dock.visibilityChanged.connect(self._visible)
        # The chain-rule inspector is a feature of the MainWindow (its ``chain_rule``), not of
        # the host protocol: a window without it still gets a graph dock with its hint.
        self._inspector = getattr(window, "chain_rule", None)
        self._shown: object = None
        if self._inspector is not None:
            self._inspector.highlightChanged.connect(lambda _: self.sync())
            self._inspector.weightChosen.connect(self._weight_chosen)  # not .panel: built when first shown
        window.add_frame_view(self._frame_drawn)
        # The diagram is a feature of the MainWindow too; a window without it just gets no highlight.
        self._network_view = getattr(window, "network_view", None)

    def _build_tabs(self) -> QWidget:
        # Imported here, with the first show: a window whose dock stays closed never loads the graph's views.
        from .expression_panel import ExpressionPanel
        from .graph_panel import GraphPanel

        panel = GraphPanel()
        tabs = QTabWidget(objectName="graphTabs")
        tabs.setDocumentMode(True)
        tabs.addTab(panel, "Inspected point")
        expression = ExpressionPanel()
        tabs.addTab(expression, "Expression")
        tabs.setTabToolTip(1, "Type a formula of a few variables and step through its chain rule")
        # Each tab's buttons and slider beside the tabs, not in a row of their own under them: at 1280x720
        # that row was a quarter of the dock's height, taken from the canvas.
        controls = QStackedWidget(objectName="graphControls")
        for graph_panel in (panel, expression.graph_panel):
            controls.addWidget(graph_panel.take_controls())
        tabs.setCornerWidget(controls, Qt.Corner.TopRightCorner)
        tabs.currentChanged.connect(controls.setCurrentIndex)
        panel.nodeSelected.connect(self._highlight_in_diagram)
        return tabs

    @property
    def tabs(self) -> QTabWidget:
        """The dock's two tabs, the inspected point's graph and Expression mode (built now if never shown)."""
        return cast(QTabWidget, self.dock.content())

    @property
    def panel(self) -> GraphPanel:
        """The inspected point's graph."""
        return cast("GraphPanel", self.tabs.widget(0))

    @property
    def expression(self) -> ExpressionPanel:
        """Expression mode: a typed formula's graph."""
        return cast("ExpressionPanel", self.tabs.widget(1))

    def _weight_chosen(self, weight: WeightId) -> None:
        # An unbuilt graph has no graph to highlight in, as a closed one that never synced has none.
        if self.dock.is_built:
            self.panel.select_weight(weight)

    def _highlight_in_diagram(self, node: GraphNode | None) -> None:
        """Show the unit or weight of the selected graph node in the network diagram (else clear)."""
        view = self._network_view
        if view is None:
            return
        target = diagram_target(node)
        try:
            if target is None:
                view.clear_highlight()
            elif target[0] == "unit":
                view.highlight_unit(target[1], target[2])
            else:
                view.highlight_parameter(target[1], target[0], target[2])
        except ValueError:  # the diagram has not drawn this network yet (or draws another one)
            view.clear_highlight()

    def _visible(self, visible: bool) -> None:
        if visible:
            self.sync()  # it may have missed a new point while it was closed or behind a tab

    def _frame_drawn(self, _: Frame) -> None:
        if self.dock.isVisible():
            self.sync()

    def sync(self) -> None:
        """Rebuild the graph if the chain-rule panel shows a pass this dock has not drawn (an unbuilt
        dock has nothing to rebuild: it catches up when it is built)."""
        if not self.dock.is_built:
            return
        inspection = None if self._inspector is None else self._inspector.inspection
        if inspection is self._shown:
            return
        self._shown = inspection
        if inspection is None:
            self.panel.clear()
            return
        # Paths are highlighted only for a weight the person chooses (in the table or the graph):
        # the panel's default choice would paint most edges blue before anyone asked.
        self.panel.show_snapshot(inspection.snapshot)

    def _floated(self, floating: bool) -> None:
        # Docks under the plots are capped to a share of the window's height; a floating one is not.
        if floating:
            self.dock.setMaximumHeight(UNLIMITED)
            self.dock.resize(*FLOATING_SIZE)


def diagram_target(node: GraphNode | None) -> tuple[str, int, Any] | None:
    """What the network diagram should highlight for a graph node, in ``NetworkView``'s terms:
    ``("weight", layer, (i, j))``, ``("bias", layer, j)``, ``("unit", layer, j)`` (layer -1: an input),
    or None for a node that is no one unit or weight (a vector node, the loss's steps)."""
    if node is None:
        return None
    if node.weight is not None:
        w = node.weight
        return ("bias", w.layer, w.unit) if w.source is None else ("weight", w.layer, (w.source, w.unit))
    if node.kind == "input" and node.unit is not None:
        return ("unit", -1, node.unit)
    if node.kind == "op" and node.layer is not None and node.unit is not None:
        return ("unit", node.layer, node.unit)
    return None


def install_graph(window: WindowHost) -> GraphFeature:
    """Add the "Computational graph" dock (View menu) to ``window``."""
    return GraphFeature(window)
