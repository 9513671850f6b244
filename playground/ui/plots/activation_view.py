"""The hidden-layer activation space: the data and the input plane's grid, as a layer sees them.

Like ConvNetJS's classify2d demo: pick a hidden layer and two of its units (or
a PCA projection of all of them); the data points move to their images and the
grid lines of the input plane bend with the network. For the last hidden layer
with two units, the output unit's decision line is drawn: in that space the
classes have become linearly separable.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QVBoxLayout, QWidget

from .activation_space import ActivationSpacePlot, pca_2d
from ..shell.titled import titled
from ..session.worker import GRID_RESOLUTION, Frame

GRID_LINES = 11  # lines per direction drawn from the probe grid
MAX_POINTS = 5000  # data points drawn in the activation space (pyqtgraph spends about 2 us of Python a point in setData)
PCA = -1


class ActivationView(QWidget):
    """Layer / z-or-a / unit selectors above an ``ActivationSpacePlot``."""

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
        self.x_box.setToolTip("Unit on the horizontal axis, or PCA to project every unit of the layer.")
        self.y_box.setToolTip("Unit on the vertical axis (ignored for PCA).")
        for box in (self.layer_box, self.kind_box, self.x_box, self.y_box):
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(titled("Activation space", self.plot, self.layer_box, self.kind_box,
                                self.x_box, self.y_box, controls_below=True,
                                tooltip="The data and the input grid as the chosen hidden layer sees them."))
        self._frame: Frame | None = None
        self._layer_labels: list[str] = []
        for box in (self.layer_box, self.kind_box, self.x_box, self.y_box):
            box.currentIndexChanged.connect(self._selection_changed)

    # ------------------------------------------------------------ selection
    def _sync_choices(self, frame: Frame) -> None:
        """Offer the frame's hidden layers and their units; keep the selection when possible."""
        hidden = frame.layer_labels[:-1]
        if hidden == self._layer_labels:
            return
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
        self.layer_box.setCurrentIndex(min(max(previous, 0), len(hidden) - 1) if hidden else -1)
        self._fill_units(frame)
        for box in boxes:
            box.blockSignals(False)
        self.plot.reset_range()

    def _fill_units(self, frame: Frame) -> None:
        layer = self.layer_box.currentIndex()
        units = frame.point_a[layer].shape[1] if layer >= 0 and frame.point_a else \
            (frame.grid_a[layer].shape[1] if layer >= 0 else 0)
        for box in (self.x_box, self.y_box):
            box.blockSignals(True)
            box.clear()
        self.x_box.addItem("x: PCA", PCA)
        for unit in range(units):
            self.x_box.addItem(f"x: unit {unit + 1}", unit)
            self.y_box.addItem(f"y: unit {unit + 1}", unit)
        # Two units: show them as they are; more: PCA of all of them by default.
        self.x_box.setCurrentIndex(1 if units == 2 else 0)
        self.y_box.setCurrentIndex(min(1, units - 1))
        self.y_box.setEnabled(units >= 2 and self.x_box.currentData() != PCA)
        for box in (self.x_box, self.y_box):
            box.blockSignals(False)

    def _selection_changed(self) -> None:
        if self.sender() is self.layer_box and self._frame is not None:
            self._fill_units(self._frame)
        self.y_box.setEnabled(self.x_box.currentData() != PCA)
        self.plot.reset_range()
        if self._frame is not None:
            self.show_frame(self._frame)

    # -------------------------------------------------------------- drawing
    def show_frame(self, frame: Frame) -> None:
        """Draw the chosen layer's space for ``frame``."""
        self._frame = frame
        self._sync_choices(frame)
        layer = self.layer_box.currentIndex()
        if layer < 0 or not frame.grid_a:
            self.plot.update_space(np.empty((0, 2)), np.empty(0), frame.dataset.task,
                                   frame.dataset.class_colors, axis_labels=("no hidden layer", ""))
            return
        kind = self.kind_box.currentData()
        grid_values = (frame.grid_a if kind == "a" else frame.grid_z)[layer]
        point_values = (frame.point_a if kind == "a" else frame.point_z)[layer] if frame.point_a else \
            np.empty((0, grid_values.shape[1]))
        # Every view is a plane in the layer's space: origin + h @ basis, h in 2D.
        x_unit = self.x_box.currentData()
        if x_unit == PCA or grid_values.shape[1] < 2:
            # Fitted on the grid so that the projection does not jump as points are
            # added; every fourth grid point describes the plane as well, at a quarter
            # of the cost.
            _, basis, origin = pca_2d(grid_values[::4])
            labels = ("PC 1", "PC 2")
        else:
            y_unit = self.y_box.currentData()
            basis = np.eye(grid_values.shape[1])[[x_unit, y_unit]]
            # The other units are held at their mean over the plane.
            origin = grid_values.mean(axis=0)
            origin[[x_unit, y_unit]] = 0.0
            labels = (f"unit {x_unit + 1} ({kind})", f"unit {y_unit + 1} ({kind})")
        project = lambda values: (values - origin) @ basis.T  # noqa: E731
        decision = self._decision_line(frame, layer, kind, basis, origin)
        grid = project(grid_values).reshape(GRID_RESOLUTION, GRID_RESOLUTION, 2)
        rows = np.linspace(0, GRID_RESOLUTION - 1, GRID_LINES).round().astype(int)
        lines = [grid[i] for i in rows] + [grid[:, j] for j in rows]
        dataset = frame.dataset
        # Above MAX_POINTS an even subsample (the same every frame) shows the cloud
        # as well at a fraction of the painting; the canvas still draws every point.
        shown = slice(None, None, -(-dataset.n // MAX_POINTS) or 1)
        self.plot.update_space(project(point_values[shown]), dataset.y[shown], dataset.task,
                               dataset.class_colors, grid_lines=lines, decision_line=decision,
                               axis_labels=labels, is_test=dataset.is_test[shown])

    @staticmethod
    def _decision_line(frame: Frame, layer: int, kind: str, basis: np.ndarray,
                       origin: np.ndarray) -> tuple[np.ndarray, float] | None:
        """Where the output unit's boundary ``w . a + b = 0`` cuts the shown plane.

        Only the last hidden layer's activations feed the output directly, so only
        there is the boundary a straight line: ``h . (basis w) + (origin . w + b) = 0``.
        With two units the plane is the whole space and the line is exact for every
        point; with more it is the boundary's trace in this slice.
        """
        W, b = frame.weights[-1]
        if layer != len(frame.weights) - 2 or kind != "a" or W.shape[1] != 1:
            return None
        w = W[:, 0]
        return basis @ w, float(origin @ w + b[0])
