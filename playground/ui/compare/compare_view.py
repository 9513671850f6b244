"""``CompareView``: what varies and its values, Start/Stop, the copies' boundaries as small
multiples (3 x 3) with their test accuracies, and their loss curves overlaid in one plot."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QPointF, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ...data import DOMAIN, Dataset
from ...training.compare import MAX_COPIES, VARIABLES, CopyResult
from ...training.numbers import format_number
from ..plots.colors import class_rgb, probability_image, value_image
from ..plots.style import ThemedPlot

PICTURE, MIN_PICTURE = 150, 90  # px: a copy's picture as wished for, and at the least
DEFAULT_VALUES = {
    "seed": "0, 1, 2, 3, 4, 5, 6, 7, 8",
    "lr": "0.001, 0.003, 0.01, 0.03, 0.1, 0.3",
    "activation": "tanh, relu, sigmoid, leaky_relu, linear",
    "optimizer": "sgd, momentum, nesterov, adam",
    "width": "2, 4, 8, 16, 32",
}
NAMES = {"seed": "Seed", "lr": "Learning rate", "activation": "Activation", "optimizer": "Optimizer", "width": "Width"}
PLACEHOLDER = (
    "Start trains one copy of this session for each value, from its own initial weights.\n"
    "Their decision boundaries appear here side by side, and their training losses in one plot."
)
# Nine colours told apart on both themes (Okabe-Ito and two more), one per copy in legend order.
CURVE_COLORS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#8C8C8C", "#F0E442", "#7B3294")


def parse_values(variable: str, text: str) -> list[object]:
    """The comma-separated values typed for ``variable``; ValueError naming the value that is not one."""
    items = [item.strip() for item in text.replace(";", ",").split(",") if item.strip()]
    values: list[object] = []
    for k, item in enumerate(items):
        try:
            if variable in ("seed", "width"):
                values.append(int(item))
            elif variable == "lr":
                values.append(float(item))
            else:
                values.append(item)
        except ValueError:
            kind = "a whole number" if variable in ("seed", "width") else "a number"
            raise ValueError(f"{NAMES[variable]} value {k + 1} ({item!r}) is not {kind}") from None
    return values


def picture(result: CopyResult, dataset: Dataset, background: tuple[int, int, int]) -> np.ndarray:
    """The copy's boundary as RGBA (r, r, 4), top row the highest x2 (as the plane is shown)."""
    r = len(result.grid_axis)
    if result.grid_output.ndim == 2:
        colors = class_rgb(dataset.class_colors)
        rgba = probability_image(result.grid_output.reshape(r, r, -1), colors, background)
    else:
        values = result.grid_output.reshape(r, r)
        finite = values[np.isfinite(values)]
        low, high = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
        rgba = value_image(values, low, high if high > low else low + 1.0, background)
    return np.ascontiguousarray(rgba[::-1])


def point_colors(dataset: Dataset) -> tuple[np.ndarray, list[str]]:
    """The data points and their colours: the class colour, or the value's colour (regression)."""
    if dataset.task == "classification":
        return dataset.X, [dataset.class_colors[int(label)] for label in dataset.y]
    values = dataset.y
    low, high = (float(values.min()), float(values.max())) if len(values) else (0.0, 1.0)
    rgba = value_image(values.reshape(1, -1), low, high if high > low else low + 1.0, (255, 255, 255), 1.0)[0]
    return dataset.X, [f"#{r:02X}{g:02X}{b:02X}" for r, g, b, _ in rgba]


def score_text(result: CopyResult, dataset: Dataset) -> str:
    """ "test 93%" (classification) or "test RMSE 0.12" (regression), from the test points if any."""
    metric, where = result.test_metric, "test"
    if not math.isfinite(metric):
        metric, where = result.train_metric, "train"
    if not math.isfinite(metric):
        return "not trained yet"
    if dataset.task == "classification":
        return f"{where} {100 * metric:.0f}%"
    return f"{where} RMSE {format_number(metric)}"


class Picture(QWidget):
    """A copy's boundary: its RGBA grid painted as large as the widget allows, square, one
    colour per cell (no smoothing: each cell is the copy's prediction there)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("comparePicture")
        self.setMinimumSize(MIN_PICTURE, MIN_PICTURE)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
        self._image: QImage | None = None
        self._points = np.zeros((0, 2))  # in the plane's coordinates
        self._colors: list[QColor] = []

    def set_points(self, points: np.ndarray, colors: Sequence[str]) -> None:
        """Draw these data points (plane coordinates) over the picture, each in its colour; none: no points."""
        self._points = np.asarray(points, dtype=np.float64).reshape(-1, 2)
        self._colors = [QColor(c) for c in colors]
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(PICTURE, PICTURE)

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt's name
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt's name
        return width

    def set_image(self, rgba: np.ndarray) -> None:
        h, w = rgba.shape[:2]
        self._image = QImage(rgba.data, w, h, 4 * w, QImage.Format.Format_RGBA8888).copy()
        self.update()

    def square(self) -> QRect:
        """Where the picture is drawn: the largest square, centred across and at the bottom, right above
        its caption (centred in a tile taller than wide, it floated far from its name and Use button)."""
        side = min(self.width(), self.height())
        return QRect((self.width() - side) // 2, self.height() - side, side, side)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        if self._image is None:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
        square = self.square()
        painter.drawImage(square, self._image)
        if len(self._points):
            # The plane's DOMAIN fills the square, x2 upwards; a dark rim keeps pale points visible.
            low, high = DOMAIN
            scale = square.width() / (high - low)
            xs = square.left() + (self._points[:, 0] - low) * scale
            ys = square.top() + (high - self._points[:, 1]) * scale
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            painter.setPen(QPen(QColor(40, 40, 40), 0.8))
            radius = max(1.5, square.width() / 90)
            for x, y, color in zip(xs, ys, self._colors):
                painter.setBrush(color)
                painter.drawEllipse(QPointF(x, y), radius, radius)
        painter.end()


class CopyTile(QWidget):
    """One copy: its boundary picture, its name and score, and a button that promotes it."""

    promote = Signal(int)

    def __init__(self, index: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.index = index
        self.image: np.ndarray | None = None  # the RGBA drawn (tests compare it with the predictions)
        self.picture = Picture()
        self.caption = QLabel(objectName="compareCaption")
        self.button = QPushButton("Use", objectName="comparePromote")
        self.button.setToolTip(
            "Make this copy the main session (its weights, epoch and history); Edit > Undo brings the old one back"
        )
        self.button.clicked.connect(lambda: self.promote.emit(self.index))
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.caption, 1)
        row.addWidget(self.button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.setSpacing(2)
        layout.addWidget(self.picture, 1)
        layout.addLayout(row)

    def show_copy(
        self,
        result: CopyResult,
        dataset: Dataset,
        background: tuple[int, int, int],
        color: str,
        show_points: bool = True,
    ) -> None:
        self.image = picture(result, dataset, background)
        self.picture.set_image(self.image)
        self.picture.set_points(*(point_colors(dataset) if show_points else (np.zeros((0, 2)), [])))
        status = "" if result.status == "ok" else f" · {result.status}"
        self.caption.setText(
            f"<span style='color:{color}'>■</span> {result.label}<br>{score_text(result, dataset)}{status}"
        )
        self.caption.setToolTip(result.message or f"epoch {result.epoch}")
        self.setVisible(True)


class CompareLossPlot(ThemedPlot):
    """The copies' training losses on a log axis, the legend in a header row (it never hides a curve)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("compareLoss", {"bottom": "epoch", "left": "training loss"}, parent)
        self.setLogMode(y=True)
        self.legend = self._add_legend()
        self._theme_changed()


class CompareView(QWidget):
    """The controls, the 3 x 3 small multiples and the overlaid loss curves (the feature wires them)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.variable = QComboBox(objectName="compareVariable")
        for key, text in NAMES.items():
            self.variable.addItem(text, key)
            self.variable.setItemData(self.variable.count() - 1, f"Vary {VARIABLES[key]}", Qt.ItemDataRole.ToolTipRole)
        self.variable.setToolTip("The one setting the copies differ in; everything else is the session's")
        self.values = QLineEdit(DEFAULT_VALUES["seed"], objectName="compareValues")
        self.values.setToolTip(f"Comma-separated values, one copy each (at most {MAX_COPIES})")
        self.epochs = QSpinBox(objectName="compareEpochs")
        self.epochs.setRange(1, 100_000)
        self.epochs.setValue(300)
        self.epochs.setSuffix(" epochs")
        self.epochs.setToolTip("How many epochs every copy trains, from its initial weights")
        self.points = QCheckBox("Points", objectName="comparePoints", checked=True)
        self.points.setToolTip("Draw the data points on every copy's boundary")
        self.points.toggled.connect(self._redraw)
        self.start = QPushButton("Start", objectName="compareStart")
        self.start.setToolTip("Train the copies side by side (one batch where their shapes agree)")
        self.stop = QPushButton("Stop", objectName="compareStop")
        self.stop.setEnabled(False)
        self.status = QLabel("Pick what varies, then Start.", objectName="compareStatus")
        self.status.setWordWrap(True)
        self.variable.currentIndexChanged.connect(lambda _: self.values.setText(DEFAULT_VALUES[self.variable_name]))
        controls = QHBoxLayout()
        controls.addWidget(QLabel("Vary"))
        controls.addWidget(self.variable)
        controls.addWidget(self.values, 1)
        controls.addWidget(self.epochs)
        controls.addWidget(self.points)
        controls.addWidget(self.start)
        controls.addWidget(self.stop)
        self.tiles = [CopyTile(k) for k in range(MAX_COPIES)]
        grid = QGridLayout()
        grid.setSpacing(4)
        for k, tile in enumerate(self.tiles):
            grid.addWidget(tile, k // 3, k % 3)
            tile.setVisible(False)
        tiles = QWidget(objectName="compareTiles")
        tiles.setLayout(grid)
        self.loss_plot = CompareLossPlot()
        self.legend = self.loss_plot.legend
        self.curves: list[pg.PlotDataItem] = []
        # Until copies have trained, what will appear is said in words: empty axes (epochs 0..1,
        # a loss of 1..10) would only show numbers that mean nothing yet.
        self.placeholder = QLabel(PLACEHOLDER, objectName="comparePlaceholder", alignment=Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setWordWrap(True)
        self.placeholder.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        body = QHBoxLayout()
        body.addWidget(tiles, 0)
        body.addWidget(self.loss_plot, 1)
        body.addWidget(self.placeholder, 1)
        self.loss_plot.setVisible(False)
        layout = QVBoxLayout(self)
        layout.addLayout(controls)
        layout.addWidget(self.status)
        layout.addLayout(body, 1)
        self.results: list[CopyResult] = []
        self._dataset: Dataset | None = None

    @property
    def variable_name(self) -> str:
        return str(self.variable.currentData())

    def background(self) -> tuple[int, int, int]:
        """The pictures' background: the palette's base colour (the plots' background in either theme)."""
        color = self.palette().color(QPalette.ColorRole.Base)
        return color.red(), color.green(), color.blue()

    def clear(self) -> None:
        """Forget the copies shown (a new comparison starts)."""
        self.results = []
        for tile in self.tiles:
            tile.setVisible(False)
            tile.image = None
        for curve in self.curves:
            self.loss_plot.removeItem(curve)
        self.curves = []
        self.legend.clear()
        self.loss_plot.setVisible(False)
        self.placeholder.setVisible(True)

    def show_results(self, results: Sequence[CopyResult], dataset: Dataset) -> None:
        """Draw every copy: its picture and score, and its loss curve."""
        self.results, self._dataset = list(results), dataset
        background = self.background()
        if len(self.curves) != len(results):
            self.clear()
            self.results = list(results)
            for k, result in enumerate(results):
                curve = self.loss_plot.plot(pen=pg.mkPen(CURVE_COLORS[k], width=2))
                self.legend.addItem(curve, result.label)
                self.curves.append(curve)
        for k, result in enumerate(results):
            self.tiles[k].show_copy(result, dataset, background, CURVE_COLORS[k], self.points.isChecked())
            losses = result.losses
            epochs = np.arange(1, len(losses) + 1, dtype=np.float64)
            keep = np.isfinite(losses) & (losses > 0)
            self.curves[k].setData(epochs[keep], losses[keep])
        self.placeholder.setVisible(not results)
        self.loss_plot.setVisible(bool(results))

    def _redraw(self) -> None:
        if self.results and self._dataset is not None:
            self.show_results(self.results, self._dataset)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        # A theme switch changes the palette: redraw the pictures on the new background.
        if event.type() == QEvent.Type.PaletteChange and self.results and self._dataset is not None:
            self.show_results(self.results, self._dataset)
        super().changeEvent(event)
