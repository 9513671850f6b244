"""``install_graph(window)``: the "Computational graph" dock, fed by the Inspect tool, with Expression mode.

The dock shows the graph of the point the chain-rule panel inspects. It
follows that panel: a new point or new weights rebuild the graph (checked on
every drawn frame and whenever the ring moves, which is when the panel has
refreshed), and a weight chosen in the panel's table highlights its paths.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QDockWidget, QTabWidget

from .expression_panel import ExpressionPanel
from .graph_panel import GraphPanel

if TYPE_CHECKING:
    from ..session.worker import Frame
    from ..shell.host import WindowHost

FLOATING_SIZE = (1100, 520)  # px: a floated graph gets room for the [4, 2] network unit by unit
UNLIMITED = 16777215  # Qt's QWIDGETSIZE_MAX


class GraphFeature(QObject):
    """The dock, its View-menu toggle, and the wiring to the chain-rule inspector."""

    def __init__(self, window: WindowHost) -> None:
        super().__init__(window)
        self._window = window
        self.panel = GraphPanel()
        self.expression = ExpressionPanel()
        self.tabs = QTabWidget(objectName="graphTabs")
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.panel, "Inspected point")
        self.tabs.addTab(self.expression, "Expression")
        self.tabs.setTabToolTip(1, "Type a formula of a few variables and step through its chain rule")
        self.dock = QDockWidget("Computational graph", window, objectName="graphDock")
        self.dock.setWidget(self.tabs)
        window.add_dock(self.dock, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.dock.hide()  # until asked for: the window opens as it always did
        toggle = self.dock.toggleViewAction()
        toggle.setText("Computational graph")
        toggle.setToolTip("The graph of the inspected point's loss, stepped through node by node")
        window.menu("&View").addAction(toggle)
        self.dock.topLevelChanged.connect(self._floated)
        self.dock.visibilityChanged.connect(self._visible)
        # The chain-rule inspector is a feature of the MainWindow (its ``chain_rule``), not of
        # the host protocol: a window without it still gets a graph dock with its hint.
        self._inspector = getattr(window, "chain_rule", None)
        self._shown: object = None
        if self._inspector is not None:
            self._inspector.highlightChanged.connect(lambda _: self.sync())
            self._inspector.panel.table.weightChosen.connect(self.panel.select_weight)
        window.add_frame_view(self._frame_drawn)

    def _visible(self, visible: bool) -> None:
        if visible:
            self.sync()  # it may have missed a new point while it was closed or behind a tab

    def _frame_drawn(self, _: Frame) -> None:
        if self.dock.isVisible():
            self.sync()

    def sync(self) -> None:
        """Rebuild the graph if the chain-rule panel shows a pass this dock has not drawn."""
        inspection = None if self._inspector is None else self._inspector.panel.inspection
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


def install_graph(window: WindowHost) -> GraphFeature:
    """Add the "Computational graph" dock (View menu) to ``window``."""
    return GraphFeature(window)
