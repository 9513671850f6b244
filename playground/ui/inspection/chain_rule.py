"""The inspect tool and the chain-rule panel: one data point's forward and backward pass.

With the inspect tool (key I, the View menu, or the button in the panel) a click
on the decision-boundary plot picks the nearest data point within
``PICK_RADIUS``. The weights and the point's network input are copied in the
training thread (``SessionModel.run_in_worker``); the engine then runs on a
scratch copy of the network (``playground.training.inspect``), so training is
never disturbed. The panel shows the whole pass in a table tied to the network
and writes the chosen weight's gradient out as the chain rule.

``install_chain_rule(window)`` adds it all to a ``MainWindow``: the action, a
dock on the right (tabbed with any dock already there; hidden until the tool is
first used), a ring around the inspected point, and a refresh after each
training step while training is paused.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

from ...data import Dataset
from ...training import Trainer
from ..plots.boundary import BoundaryPlot
from ..session.worker import Frame, weights_of
from ..shell.lazy_dock import LazyDock
from ..shell.restyle import restyle_dock_content

if TYPE_CHECKING:
    from ...training.inspect import PointInspection
    from ..shell.host import WindowHost
    from .chain_rule_panel import ChainRulePanel

MIN_PICK_PIXELS = 6  # a click this close to a point picks it even where PICK_RADIUS is fewer pixels


class PointRing:
    """A ring around the inspected point on the boundary plot: a dark ring on a light halo,
    visible on either theme and on any class colour."""

    SIZE = 22  # px: clears the point (9 px) and its outline

    def __init__(self, plot: BoundaryPlot) -> None:
        self._items = [
            pg.ScatterPlotItem(size=self.SIZE, symbol="o", brush=None, pen=pg.mkPen(color, width=width), pxMode=True)
            for color, width in (("#FFFFFF", 5), ("#1A1A1A", 2))
        ]
        for z, item in enumerate(self._items):
            item.setZValue(30 + z)  # above the points and the boundary lines
            plot.addItem(item, ignoreBounds=True)
        self.hide()

    def show_at(self, point: np.ndarray) -> None:
        for item in self._items:
            item.setData([float(point[0])], [float(point[1])])
            item.show()

    def hide(self) -> None:
        for item in self._items:
            item.hide()

    @property
    def visible(self) -> bool:
        return self._items[0].isVisible()


class ChainRuleInspector(QObject):
    """The inspect tool on ``window``: its action, dock, panel and ring, and the clicks.

    ``highlightChanged(point)``: the point other views should mark as inspected
    changed; ``point`` is its input coordinates (a ``(2,)`` array, a row of the
    dataset's ``X``) or None when nothing is (the ring went, e.g. the panel closed).
    ``weightChosen(weight)``: a weight (a ``WeightId``) was chosen in the panel's table.
    """

    highlightChanged = Signal(object)
    weightChosen = Signal(object)  # a WeightId chosen in the panel's table (once the panel is built)

    def __init__(self, window: WindowHost) -> None:
        super().__init__(window)
        self._window = window
        self._session = window.session
        self._tools = window.tools
        self._point: np.ndarray | None = None
        self._target = 0.0
        self._description = ""
        self._viewing: int | None = None  # the past epoch the timeline shows, if any
        self._ringed: np.ndarray | None = None  # the point last announced by highlightChanged

        self.action = QAction(
            "&Inspect a point (chain rule)",
            window,
            objectName="inspectAction",
            checkable=True,
            shortcut=QKeySequence("I"),
        )
        self.action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.action.setToolTip("Inspect tool (I): click a data point to see the chain rule for it")
        self.action.setIconText("Inspect")
        # The panel (and the inspection code it shows) is built when the dock is first shown.
        self.dock = LazyDock(
            "Chain rule for one point", window, "chainRuleDock", self._build_panel, self._restyle_panel
        )  # type: ignore[arg-type]
        self.dock.built.connect(self._panel_built)
        self._ring: PointRing | None = None  # made at the first inspection
        self._place_dock()
        view = window.menu("&View")
        view.addAction(self.action)
        toggle = self.dock.toggleViewAction()
        toggle.setText("Chain-rule panel")
        view.addAction(toggle)

        self.action.toggled.connect(self._tool_toggled)
        toggle.toggled.connect(self._dock_toggled)
        self.dock.visibilityChanged.connect(self._dock_visible)
        self._tools.changed.connect(self._tool_changed)
        window.boundary_plot.sigClicked.connect(self._clicked)
        self.highlightChanged.connect(window.activation_view.set_highlight)  # the ring there too
        window.add_frame_view(self._frame_drawn)
        self._session.datasetChanged.connect(self._dataset_changed)
        self._session.playingChanged.connect(self._playing_changed)

    @property
    def panel(self) -> ChainRulePanel:
        """The chain-rule panel, built now if the dock was never shown."""
        return self.dock.content()  # type: ignore[return-value]

    @property
    def inspection(self) -> PointInspection | None:
        """The pass the panel shows, if any (None while the panel was never built)."""
        return self.panel.inspection if self.dock.is_built else None

    @property
    def ring(self) -> PointRing:
        """The ring around the inspected point on the boundary plot, made now if there was none."""
        if self._ring is None:
            self._ring = PointRing(self._window.boundary_plot)
        return self._ring

    def _build_panel(self) -> QWidget:
        from .chain_rule_panel import ChainRulePanel

        return ChainRulePanel(self.action)

    def _restyle_panel(self, panel: QWidget) -> None:
        # The header becomes the dock's title bar once built (_panel_built): it is restyled here with the
        # panel, both still without a parent, so presentation mode scales their text once.
        restyle_dock_content(self._window, panel)  # type: ignore[arg-type]
        restyle_dock_content(self._window, panel.header)  # type: ignore[arg-type, attr-defined]

    def _panel_built(self, panel: QWidget) -> None:
        self.dock.setTitleBarWidget(panel.header)  # type: ignore[attr-defined]
        panel.close_button.clicked.connect(self.dock.close)  # type: ignore[attr-defined]
        panel.table.weightChosen.connect(self.weightChosen)  # type: ignore[attr-defined]

    def _place_dock(self) -> None:
        # Below the plots, across the whole window: at 1280 wide the plots' own minimum
        # widths leave no room beside them for a table and a derivation.
        self._window.add_dock(self.dock, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.dock.hide()

    # ----------------------------------------------------------------- tool
    def _tool_toggled(self, on: bool) -> None:
        if on:
            self._tools.tool = "inspect"
            if self.dock.isHidden():
                self.dock.show()  # at the height the window's add_dock opens a dock below the plots at
            self.dock.raise_()
        elif self._tools.tool == "inspect":
            self._tools.tool = "add"

    def _tool_changed(self) -> None:
        self.action.setChecked(self._tools.tool == "inspect")

    def _dock_toggled(self, shown: bool) -> None:
        if shown:
            if self._point is not None:
                self._show_ring(self._point)
            return
        self._show_ring(None)
        self.action.setChecked(False)  # closing the panel ends the tool: its clicks would show nothing

    # ---------------------------------------------------------------- click
    def _clicked(self, x: float, y: float, *_: object) -> None:
        if self._tools.tool == "inspect":
            self.inspect_at(x, y)

    def inspect_at(self, x: float, y: float) -> bool:
        """Inspect the data point nearest to (x, y) within PICK_RADIUS (or a few pixels, if that is
        more); False, with a message and nothing else changed, if there is none."""
        from ...training.inspect import PICK_RADIUS, nearest_point
        from .chain_rule_text import num

        dataset = self._session.dataset
        shown = None if self._tools.show_test else ~dataset.is_test
        pixel = max(self._window.boundary_plot.getPlotItem().getViewBox().viewPixelSize())
        radius = max(PICK_RADIUS, MIN_PICK_PIXELS * pixel)
        index = nearest_point(dataset.X, (x, y), radius, shown)
        if index is None:
            text = f"No data point within {num(radius)} of ({num(x)}, {num(y)}): click on a point to inspect it."
            self.panel.show_message(text)
            self._session.message.emit("info", text)
            return False
        self._point = dataset.X[index].copy()
        self._target, self._description = _label(dataset, index)
        self.refresh()
        return True

    def refresh(self) -> None:
        """Run the pass again for the inspected point with the current weights."""
        if self._point is None:
            return
        from ...training.inspect import inspect_point, snapshot_point

        point, target, viewing = self._point, self._target, self._viewing
        worker = self._session.worker

        def read(trainer: Trainer) -> object:
            if viewing is None:
                return snapshot_point(trainer, point, target)
            # The timeline shows a past epoch: explain the network as it was then, and say which epoch
            # that is (the trainer's own epoch is the live one).
            past = worker.timeline.nearest(viewing)
            with weights_of(trainer, past):
                return dataclasses.replace(snapshot_point(trainer, point, target), epoch=past.epoch)

        try:
            snapshot = self._session.run_in_worker(read)
        except TimeoutError as exc:
            self.panel.show_message(f"Could not read the network: {exc}.")
            return
        self.panel.show_inspection(inspect_point(snapshot), self._description)
        if not self.dock.isHidden():
            self._show_ring(point)

    # ------------------------------------------------------------- updates
    # Only a panel on screen is refreshed: not one closed, behind another tab, or in a
    # closed window (whose training thread has stopped and would never answer).
    def _frame_drawn(self, frame: Frame) -> None:
        # While playing the numbers would change faster than anyone reads them; a
        # step, a reset or a new setting arrives as a frame of a paused trainer.
        viewing = frame.epoch if frame.viewing else None
        moved = viewing != self._viewing
        self._viewing = viewing
        if not frame.playing and self.dock.isVisible() and (moved or viewing is None):
            self.refresh()

    def _playing_changed(self, playing: bool) -> None:
        if not playing and self.dock.isVisible():
            self.refresh()

    def _dock_visible(self, visible: bool) -> None:
        if visible and self.dock.is_built and self.panel.inspection is not None:
            self.refresh()  # it may have missed steps while it was closed or behind a tab

    def _dataset_changed(self, dataset: Dataset) -> None:
        if self._point is None:
            return
        same = np.flatnonzero(np.all(dataset.X == self._point, axis=1))
        if not len(same):
            self._point = None
            self._show_ring(None)
            self.panel.clear("The inspected point was removed.")
            return
        # Its label may have changed; the frame that follows refreshes the numbers.
        self._target, self._description = _label(dataset, int(same[0]))

    def _show_ring(self, point: np.ndarray | None) -> None:
        """Ring ``point`` on the boundary plot (None: remove the ring) and tell the other views."""
        if point is None:
            if self._ring is not None:
                self._ring.hide()
        else:
            self.ring.show_at(point)
        same = (point is None and self._ringed is None) or (
            point is not None and self._ringed is not None and np.array_equal(point, self._ringed)
        )
        if not same:
            self._ringed = None if point is None else np.array(point, dtype=np.float64)
            self.highlightChanged.emit(None if point is None else self._ringed.copy())

    @property
    def point(self) -> np.ndarray | None:
        """The inspected point's coordinates, or None."""
        return None if self._point is None else self._point.copy()


def _label(dataset: Dataset, index: int) -> tuple[float, str]:
    """The target of point ``index`` and a few words about it."""
    from .chain_rule_text import num

    role = "test point" if dataset.is_test[index] else "training point"
    if dataset.task == "regression":
        value = float(dataset.y[index])
        return value, f"target y = {num(value)}, {role}"
    label = int(dataset.y[index])
    return float(label), f"{dataset.class_names[label]} (y = {label}), {role}"


def install_chain_rule(window: WindowHost) -> ChainRuleInspector:
    """Add the inspect tool and the chain-rule panel to ``window``."""
    return ChainRuleInspector(window)
