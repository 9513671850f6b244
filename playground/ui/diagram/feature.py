"""The network diagram as a feature of the window: a column right of the plots, wired to the session.

:func:`install_network_view` puts the diagram in a column right of the plots,
with a View-menu toggle, the gradient-health line under the gradient plot, the
editor for setting a weight or a bias by hand, and the Train → Network presets menu.
"""

from __future__ import annotations

import time

import numpy as np
from PySide6.QtCore import QEvent, QObject, QPoint, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QToolButton

from ...training.diagnosis import confirmed_health
from ...training.health import GradientHealth, assess_gradients
from ..session.worker import Frame
from ..shell.titled import titled
from .editing import ParameterEdits
from .editor import ParameterEditor
from .network_diagram import NetworkDiagram
from .parameters import Parameter
from .preset_menu import install_network_presets
from .unit_map import unit_exists, unit_map

REDRAW_BUDGET = 0.010  # s: a diagram redraw costing more than this is done less often...
BUSY_SHARE = 0.3  # ...so that it takes at most this share of the time
COLUMN_SHARE = 0.195  # of the window's width: 250 px at 1280, where the plots need the rest
COLUMN_WIDTH = (200, 380)  # px, least and most


class NetworkView(QObject):
    """The diagram as a column right of the plots, wired to the window: frames in, unit maps
    out to the boundary plot, gradient health to the gradient plot, hand-set weights to the session.

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
            tooltip="Every unit's activation over the input plane. Hover a unit or a weight for its "
            "value and gradient; click a unit to see its map full size; click a weight or "
            "double-click a unit to set it by hand.",
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
        self.edits = ParameterEdits(window.session, self)
        self.editor = ParameterEditor(self.diagram.viewport())
        self._stroke = 0  # the editor's values of one opening are one undo step
        self._emphasis_before: tuple[int, ...] | None = None
        # A costly diagram (many units and edges) is redrawn less often than the plots;
        # the last frame always arrives, through the timer.
        self._next_draw = 0.0
        self._later = QTimer(self, singleShot=True)
        self._later.timeout.connect(self._draw_diagram)

        close.clicked.connect(lambda: self.action.setChecked(False))
        self.action.toggled.connect(self._set_shown)
        self.diagram.unitClicked.connect(self._unit_clicked)
        self.diagram.editRequested.connect(self.edit)
        self.editor.valueChosen.connect(self._value_chosen)
        self.editor.invalid.connect(self._value_refused)
        self.editor.closed.connect(self._editor_closed)
        window.session.sessionReplaced.connect(self.editor.close_editor)
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
        if self.editor.parameter is not None and not _has_parameter(frame, self.editor.parameter):
            self.editor.close_editor()  # the network changed under the editor
        elif self.editor.parameter is not None and not frame.viewing:
            self.editor.follow(self.editor.parameter.value_in(frame.weights))  # training, undo, redo
        self._show_selected()
        if not self.action.isChecked():
            return
        wait = self._next_draw - time.perf_counter()
        if wait <= 0 or not frame.playing:  # a still frame (paused, stepped, a past epoch) is shown at once
            self._later.stop()
            self._draw_diagram()
        elif not self._later.isActive():
            self._later.start(int(wait * 1000) + 1)

    # --------------------------------------------------------- emphasis API
    def highlight_unit(self, layer: int, index: int) -> None:
        """Emphasise unit ``index`` of ``layer`` in the diagram (a glow around its map).

        ``layer`` counts as ``Trainer.set_parameter``'s does: 0 the first hidden layer,
        the last the output layer; -1 the inputs (``index`` is then the feature). A
        layer or unit the drawn network lacks is a ValueError naming it. A unit left
        out of a wide layer's sample is drawn in place of a neighbour."""
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

    # ------------------------------------------------------------ editing
    def edit(self, parameter: Parameter, pos: QPoint | None = None) -> None:
        """Open the editor for ``parameter`` (at viewport ``pos``; default its unit or edge's middle)."""
        frame = self.diagram.frame
        if frame is None or not _has_parameter(frame, parameter):
            return
        if frame.viewing:
            self.window.session.message.emit(
                "warning", "The plots show a past epoch: go back to the live network to set a weight by hand."
            )
            return
        if self.editor.parameter is None or not self.editor.isVisible():
            self._emphasis_before = self.diagram.emphasis
        self._stroke = self.window.session.new_stroke()
        self.diagram.set_editing(parameter)
        target = (
            (parameter.layer + 1, *parameter.index)
            if parameter.kind == "weight"
            else (parameter.layer + 1, parameter.index[0])
        )
        self.diagram.emphasise(target)
        if pos is None:
            pos = self._anchor(parameter)
        self.editor.open(parameter, parameter.value_in(frame.weights), pos)

    def _anchor(self, parameter: Parameter) -> QPoint:
        if parameter.kind == "bias":
            return self.diagram.node_center(parameter.layer + 1, parameter.index[0])
        line = self.diagram.edge(parameter.layer + 1, *parameter.index).line
        return self.diagram.mapFromScene(line.center())

    def _value_chosen(self, value: float) -> None:
        parameter = self.editor.parameter
        refused = self.edits.apply(parameter, value, self._stroke)
        if refused:
            self.editor.show_error(refused)

    def _value_refused(self, reason: str) -> None:
        parameter = self.editor.parameter
        self.window.session.message.emit("warning", f"{parameter.describe_attempt()}: {reason}; nothing changed.")

    def _editor_closed(self) -> None:
        self.diagram.set_editing(None)
        self.diagram.emphasise(self._emphasis_before)
        self._emphasis_before = None
        self.editor.parameter = None

    # ------------------------------------------------------------ drawing
    def _draw_diagram(self) -> None:
        """Draw the newest frame; if that (with the last paint) took long, the next one waits."""
        start, cpu = time.perf_counter(), time.thread_time()
        self.diagram.show_frame(self._frame, self.health)
        # The GUI thread's CPU time, not the wall clock's: on a machine busy with other work the
        # wall clock counts the waits for a core, and the diagram would slow down for nothing.
        cost = time.thread_time() - cpu + self.diagram.paint_seconds
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
            self.editor.close_editor()
            self.window.boundary_plot.show_output_map()


def _has_parameter(frame: Frame, parameter: Parameter) -> bool:
    """Whether ``frame``'s network has ``parameter``."""
    if not 0 <= parameter.layer < len(frame.weights):
        return False
    W, _ = frame.weights[parameter.layer]
    limits = W.shape if parameter.kind == "weight" else W.shape[1:]
    return len(parameter.index) == len(limits) and all(0 <= k < n for k, n in zip(parameter.index, limits))


def _whole(name: str, value: object, low: int, high: int) -> int:
    """``value`` as a whole number in ``low..high``, else a ValueError naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not low <= value <= high:
        raise ValueError(f"highlight: {name} must be a whole number in {low}..{high}, got {value!r}")
    return int(value)


def install_network_view(window) -> NetworkView:
    """The network diagram column (View → Network diagram), gradient health on the gradient plot
    and the diagram, the weight and bias editor, and Train → Network presets."""
    view = NetworkView(window)
    install_network_presets(window)
    return view
