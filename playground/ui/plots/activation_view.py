"""The hidden-layer activation space: the data and the input plane's grid, as a layer sees them.

Like ConvNetJS's classify2d demo: pick a hidden layer and a plane through its
space (two of its units, its principal components, or, for the last hidden
layer, the output-aligned plane); the data points move to their images and the
grid lines of the input plane bend with the network. For the last hidden layer
the output's decision regions on that plane are shaded and their boundary
dashed, labelled "exact" when it classifies every drawn point as the network
does (two units, or the output-aligned plane) and "slice" otherwise.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QVBoxLayout, QWidget

from ..session.worker import Frame
from ..shell.titled import titled
from ..shell.wrap_row import wrap_row
from .activation_space import ActivationSpacePlot
from .projection import Plane, classes_in_plane, is_exact, logits_in_plane, output_plane, pca_plane, unit_plane

GRID_LINES = 11  # lines per direction drawn from the probe grid
PCA = -1
OUTPUT_ALIGNED = -2
MIN_PLOT_WIDTH = 160  # px: below this the plot's axes leave no room for the data (its height: activation_space)


class ActivationView(QWidget):
    """Layer / z-or-a / plane selectors above an ``ActivationSpacePlot``."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plot = ActivationSpacePlot()
        self.layer_box = QComboBox(objectName="activationLayer")
        self.layer_box.setToolTip("Which hidden layer's space to show.")
        self.kind_box = QComboBox(objectName="activationKind")
        self.kind_box.addItem("a", "a")
        self.kind_box.addItem("z", "z")
        self.kind_box.setToolTip("a = sigma(z) is what the next layer sees; z = W a + b is before the squashing.")
        self.x_box = QComboBox(objectName="activationUnitX")
        self.y_box = QComboBox(objectName="activationUnitY")
        self.x_box.setToolTip(
            "Unit on the horizontal axis; PCA: the layer's two main directions; output-aligned (last "
            "hidden layer): one axis along the output's weights, so its boundary is exact at any width."
        )
        self.y_box.setToolTip("Unit on the vertical axis (only when the horizontal axis is a unit).")
        for box in (self.layer_box, self.kind_box, self.x_box, self.y_box):
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        # In a narrow column (the diagram and a side dock open at 1280x720) the boxes wrap onto
        # a second row instead of all being cut; the view is never narrower than its widest box,
        # so it asks no more of the row than the plot's own minimum width.
        self.selectors = wrap_row(self.layer_box, self.kind_box, self.x_box, self.y_box)
        self.selectors.setObjectName("activationSelectors")
        self.plot.setMinimumWidth(MIN_PLOT_WIDTH)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(
            titled(
                "Activation space",
                self.plot,
                self.selectors,
                controls_below=True,
                tooltip="The data and the input grid as the chosen hidden layer sees them; "
                "in the last hidden layer, the output's regions shaded.",
            )
        )
        self._frame: Frame | None = None
        self._layer_labels: list[str] = []
        self._plane: Plane | None = None  # the plane drawn last, for the next frame's signs
        self._highlight: np.ndarray | None = None  # input coordinates of the point to ring
        # What the plot shows was drawn from (see _unchanged): the choices and the frame's
        # dataset, and the arrays read from the frame. None: draw the next frame.
        self._drawn_from: tuple[tuple, tuple[np.ndarray, ...]] | None = None
        for box in (self.layer_box, self.kind_box, self.x_box, self.y_box):
            box.currentIndexChanged.connect(self._selection_changed)

    # ------------------------------------------------------------ selection
    def _sync_choices(self, frame: Frame) -> None:
        """Offer the frame's hidden layers and their units; keep the selection when possible.

        A new network opens on its last hidden layer (the one the output reads, where the
        boundary is a line) unless an earlier layer was chosen and still exists.
        """
        hidden = frame.layer_labels[:-1]
        if hidden == self._layer_labels:
            return
        was_last = self.layer_box.currentIndex() in (-1, len(self._layer_labels) - 1)
        self._layer_labels = hidden
        boxes = (self.layer_box, self.x_box, self.y_box)
        for box in boxes:
            box.blockSignals(True)
        previous = self.layer_box.currentIndex()
        self.layer_box.clear()
        for index, label in enumerate(hidden):
            # Short in the header (the units and activation are in the tooltip and the
            # gradient plot's legend): at 1280 px the header shares its row with four boxes.
            self.layer_box.addItem(f"layer {index + 1}")
            self.layer_box.setItemData(index, label, Qt.ItemDataRole.ToolTipRole)
        chosen = len(hidden) - 1 if was_last else min(previous, len(hidden) - 1)
        self.layer_box.setCurrentIndex(chosen if hidden else -1)
        self._fill_units(frame)
        for box in boxes:
            box.blockSignals(False)
        self.plot.reset_range()

    def _fill_units(self, frame: Frame) -> None:
        layer = self.layer_box.currentIndex()
        units = _layer_width(frame, layer)
        last = layer == len(frame.layer_labels) - 2
        for box in (self.x_box, self.y_box):
            box.blockSignals(True)
            box.clear()
        if last:
            self.x_box.addItem("x: output-aligned", OUTPUT_ALIGNED)
        self.x_box.addItem("x: PCA", PCA)
        for unit in range(units):
            self.x_box.addItem(f"x: unit {unit + 1}", unit)
            self.y_box.addItem(f"y: unit {unit + 1}", unit)
        # Two units: show them as they are (the whole space); more: the output-aligned
        # plane where the output reads the layer (its boundary is exact there), else PCA.
        default = 0 if units == 2 else (OUTPUT_ALIGNED if last else PCA)
        self.x_box.setCurrentIndex(self.x_box.findData(default))
        self.y_box.setCurrentIndex(min(1, units - 1))
        self._sync_y_box()
        for box in (self.x_box, self.y_box):
            box.blockSignals(False)
        self._plane = None

    def _selection_changed(self) -> None:
        if self.sender() is self.layer_box and self._frame is not None:
            self._fill_units(self._frame)
        self._sync_y_box()
        self._plane = None
        self._drawn_from = None  # the view is refitted: draw even the same frame again
        self.plot.reset_range()
        if self._frame is not None:
            self.show_frame(self._frame)

    def _sync_y_box(self) -> None:
        # The vertical unit only applies beside a horizontal one; hidden otherwise, so the other
        # three boxes share one row at 1280x720 in presentation mode (with it they wrapped to two,
        # taking the plot a row of its height).
        unit = self._x_is_unit()
        self.y_box.setEnabled(unit)
        self.y_box.setHidden(not unit)

    def _x_is_unit(self) -> bool:
        data = self.x_box.currentData()
        return data is not None and data >= 0

    # ------------------------------------------------------------ highlight
    def set_highlight(self, point: np.ndarray | None) -> None:
        """Ring the data point at input coordinates ``point`` (e.g. the inspected one) where the
        layer puts it; None removes the ring. The ring follows the point from frame to frame."""
        self._highlight = None if point is None else np.asarray(point, dtype=np.float64).reshape(2).copy()
        if self._frame is not None:
            self._draw_highlight(self._frame)
        else:
            self.plot.set_highlight(None)

    # -------------------------------------------------------------- drawing
    def plane(self) -> Plane | None:
        """The plane drawn last (None without a hidden layer)."""
        return self._plane

    def show_frame(self, frame: Frame) -> None:
        """Draw the chosen layer's space for ``frame``."""
        self._frame = frame
        self._sync_choices(frame)
        layer = self.layer_box.currentIndex()
        if layer < 0 or not frame.grid_a:
            self._plane = None
            self._drawn_from = None
            self.plot.update_space(
                np.empty((0, 2)),
                np.empty(0),
                frame.dataset.task,
                frame.dataset.class_colors,
                axis_labels=("no hidden layer", ""),
            )
            self.plot.set_highlight(None)
            return
        kind = self.kind_box.currentData()
        grid_values, point_values = _values(frame, layer, kind)
        if self._unchanged(frame, layer, kind, grid_values, point_values):
            return
        plane = self._choose_plane(frame, layer, kind, grid_values, point_values)
        self._plane = plane
        lines = _grid_lines(plane, grid_values, len(frame.grid_axis))
        dataset = frame.dataset
        # Above worker.MAX_PROBED_POINTS the frame probed an even subsample (the same
        # every frame): it shows the cloud as well at a fraction of the cost; the
        # canvas still draws every point.
        shown = frame.point_rows
        drawn = plane.project(point_values)
        output, note = self._output_on(frame, layer, kind, plane, point_values, drawn)
        self.plot.update_space(
            drawn,
            dataset.y[shown],
            dataset.task,
            dataset.class_colors,
            grid_lines=lines,
            axis_labels=plane.labels,
            is_test=dataset.is_test[shown],
            output=output,
            boundary_note=note,
        )
        self._draw_highlight(frame)

    def _unchanged(
        self, frame: Frame, layer: int, kind: str, grid_values: np.ndarray, point_values: np.ndarray
    ) -> bool:
        """True when the plot already shows what ``frame`` would draw: the same choices, dataset,
        layer values and output weights as the frame drawn last (a paused session's frame after a
        command that left the model alone, e.g. a new learning rate). Else remembers these inputs.

        Comparing the arrays of an unchanged frame costs about 0.1 ms at 10,000 grid points, a
        trained one's a few microseconds; drawing them again, 4 ms.
        """
        W, b = frame.weights[-1]
        choices = (layer, kind, self.x_box.currentData(), self.y_box.currentData(), tuple(frame.layer_labels))
        # The smallest first: after a training step the output weights differ already, and
        # array_equal compares every element of the arrays it is given.
        arrays = (b, W, frame.point_rows, point_values, grid_values)
        drawn = self._drawn_from
        self._drawn_from = ((choices, frame.dataset), arrays)
        if drawn is None or drawn[0][0] != choices or drawn[0][1] is not frame.dataset:
            return False
        return all(old.shape == new.shape and np.array_equal(old, new) for old, new in zip(drawn[1], arrays))

    def _choose_plane(
        self, frame: Frame, layer: int, kind: str, grid_values: np.ndarray, point_values: np.ndarray
    ) -> Plane:
        x_unit = self.x_box.currentData()
        width = grid_values.shape[1]
        if x_unit == OUTPUT_ALIGNED:
            W = frame.weights[-1][0]
            if W.shape[0] == width:
                # Fitted on the points (the grid's corners are far from the data), or on the
                # grid while there are none.
                fit = point_values if len(point_values) >= 2 else grid_values[::4]
                return output_plane(W, fit, self._plane)
        if x_unit is not None and x_unit >= 0 and width >= 2:
            return unit_plane(grid_values, x_unit, self.y_box.currentData(), kind)
        # Fitted on the grid so that the projection does not jump as points are added;
        # every fourth grid point describes the plane as well, at a quarter of the cost.
        return pca_plane(grid_values[::4], self._plane)

    @staticmethod
    def _output_on(
        frame: Frame, layer: int, kind: str, plane: Plane, values: np.ndarray, drawn: np.ndarray
    ) -> tuple[tuple[np.ndarray, np.ndarray] | None, str]:
        """The output's logits on ``plane`` (see ``projection.logits_in_plane``) and the legend's note.

        Only the last hidden layer's activations feed the output directly, so only
        there are the output's regions cut by straight lines; regression has no
        classes to shade. The note is "exact" when the regions classify every point
        as the network does; else "slice" and the share of the drawn points
        (``drawn``, the plane images of the layer values ``values``) that the regions
        still put where the network does.
        """
        W, b = frame.weights[-1]
        if layer != len(frame.weights) - 2 or kind != "a" or frame.dataset.task == "regression":
            return None, ""
        in_plane = logits_in_plane(W, b, plane)
        if is_exact(W, plane):
            return in_plane, "exact"
        finite = np.isfinite(drawn).all(axis=1) & np.isfinite(values).all(axis=1)
        if not finite.any():
            return in_plane, "slice"
        network = _predicted(values[finite] @ W + b)
        shown = classes_in_plane(*in_plane, drawn[finite])
        return in_plane, f"slice, fits {100 * np.mean(network == shown):.0f}%"

    @staticmethod
    def _decision_line(
        frame: Frame, layer: int, kind: str, basis: np.ndarray, origin: np.ndarray
    ) -> tuple[np.ndarray, float] | None:
        """Where a one-unit output's boundary ``w . a + b = 0`` cuts the plane ``origin + h @ basis``:
        ``h . (basis w) + (origin . w + b) = 0``; None where there is no such line."""
        W, b = frame.weights[-1]
        if layer != len(frame.weights) - 2 or kind != "a" or W.shape[1] != 1:
            return None
        A, c = logits_in_plane(
            W, b, Plane(np.asarray(basis, dtype=np.float64), np.asarray(origin, dtype=np.float64), ("", ""))
        )
        return A[:, 0], float(c[0])

    def _draw_highlight(self, frame: Frame) -> None:
        layer = self.layer_box.currentIndex()
        if self._highlight is None or self._plane is None or layer < 0 or not frame.point_a:
            self.plot.set_highlight(None)
            return
        # Among the probed points (all up to worker.MAX_PROBED_POINTS): the ring marks
        # a point the plot draws.
        X = frame.dataset.X[frame.point_rows]
        rows = np.flatnonzero((X[:, 0] == self._highlight[0]) & (X[:, 1] == self._highlight[1]))
        if not len(rows):
            self.plot.set_highlight(None)  # not (or no longer) a drawn point of this frame's data
            return
        _, point_values = _values(frame, layer, self.kind_box.currentData())
        self.plot.set_highlight(self._plane.project(point_values[rows[:1]])[0])


def _grid_lines(plane: Plane, grid_values: np.ndarray, r: int) -> np.ndarray:
    """The ``2 * GRID_LINES`` drawn lines of the ``r`` x ``r`` probe grid (rows, then columns) on
    ``plane``, as one ``(2 * GRID_LINES, r, 2)`` array. Only the grid points on those lines are
    projected: a fifth of the grid at r = 100, where projecting all of it was a third of the
    view's time."""
    square = grid_values.reshape(r, r, -1)
    picks = np.linspace(0, r - 1, GRID_LINES).round().astype(int)
    rows = plane.project(square[picks])  # (GRID_LINES, r, 2): grid row i is the line x2 = axis[i]
    columns = plane.project(square[:, picks])  # (r, GRID_LINES, 2)
    return np.concatenate([rows, np.swapaxes(columns, 0, 1)])


def _predicted(logits: np.ndarray) -> np.ndarray:
    """The network's class from its output logits (n, k): a sigmoid unit's sign, or softmax's largest."""
    return (logits[:, 0] > 0).astype(np.intp) if logits.shape[1] == 1 else logits.argmax(axis=1)


def _layer_width(frame: Frame, layer: int) -> int:
    if layer < 0:
        return 0
    return (frame.point_a[layer] if frame.point_a else frame.grid_a[layer]).shape[1]


def _values(frame: Frame, layer: int, kind: str) -> tuple[np.ndarray, np.ndarray]:
    """The grid's and the points' values of ``layer``: ``a`` (what the next layer reads) or ``z``."""
    grid = (frame.grid_a if kind == "a" else frame.grid_z)[layer]
    if not frame.point_a:
        return grid, np.empty((0, grid.shape[1]))
    return grid, (frame.point_a if kind == "a" else frame.point_z)[layer]
