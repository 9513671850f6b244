"""``RegionsView``: the plane coloured by linear region, the first layer's fold lines, the data, the
clicked region's linear function, and the number of regions over the epochs beside the loss.

It draws from arrays only, as ARCHITECTURE.md asks of a plot; ``RegionsFeature``
computes them from the frames (``training.regions``).
"""

from __future__ import annotations

import colorsys

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ...data.dataset import DOMAIN
from ..plots.boundary import CanvasViewBox
from ..plots.history import round_up
from ..plots.style import FONT_PT, ThemedPlot
from ..shell.aspect_height import AspectHeight

FOLD_COLOR = (40, 40, 40)  # the fold lines: dark on the light shades of the regions
COUNT_COLOR, LOSS_COLOR = (0, 114, 178), (213, 94, 0)
_GOLDEN = 0.618033988749895  # hue step: consecutive regions get far-apart hues


def _hex(rgb: tuple[int, int, int]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def region_palette(count: int) -> np.ndarray:
    """``(count, 3)`` uint8 shades, one per region id: hues a golden angle apart (neighbouring ids
    never look alike), light enough that fold lines and data points read on top, in three tones."""
    ids = np.arange(max(count, 0))
    rgb = [
        colorsys.hls_to_rgb((i * _GOLDEN) % 1.0, (0.80, 0.70, 0.88)[i % 3], (0.55, 0.45, 0.65)[(i // 3) % 3])
        for i in ids
    ]
    return np.round(np.array(rgb, dtype=np.float64).reshape(-1, 3) * 255).astype(np.uint8)


class CountPlot(ThemedPlot):
    """The number of regions (left axis) and the loss (right axis) over the epochs, named by a key in
    the plot's title row. The side axes carry no titles: "regions (blue)" and "loss (orange)" took two
    lines each at presentation size in the narrow dock, and left the epoch axis too short for two
    tick labels. The key sits inside the plot, so it takes none of the map's height."""

    # Short: the title row does not wrap. Which axis is whose, the ranges tell (counts vs a loss).
    KEY = (
        f"<span style='color:{_hex(COUNT_COLOR)}'>━</span> regions &nbsp; "
        f"<span style='color:{_hex(LOSS_COLOR)}'>━</span> loss"
    )

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("regionCountPlot", {"bottom": "epoch"}, parent)
        item = self.getPlotItem()
        for side in ("left", "right"):
            item.showAxis(side)  # ThemedPlot shows only the titled axes
        # The key spans the axes' columns too: over the view alone its width (presentation size, the
        # narrow dock) set the plot's minimum width, wider than the dock, and the right axis fell outside.
        item.layout.removeItem(item.titleLabel)
        item.layout.addItem(item.titleLabel, 0, 0, 1, 3)
        self._theme_changed()

    def set_presentation_scale(self, factor: float) -> None:
        """Scale the plot's text and lines (see ThemedPlot), the key's text with them."""
        super().set_presentation_scale(factor)
        self._show_key()

    def key_text(self) -> str:
        """The key as shown in the title row (rich text)."""
        return self.getPlotItem().titleLabel.text

    def _theme_changed(self) -> None:
        self._show_key()

    def _show_key(self) -> None:
        size = f"{round(FONT_PT * self.presentation_scale)}pt"
        self.getPlotItem().setTitle(self.KEY, color=self.theme.foreground, size=size)


class _PassClicks(pg.ScatterPlotItem):
    """Points drawn over the map that leave its clicks to the map: a ScatterPlotItem takes a click on one
    of its points, and the data points cover the regions they sit in (a click there showed nothing)."""

    def mouseClickEvent(self, ev) -> None:  # type: ignore[no-untyped-def]  # noqa: N802 - pyqtgraph's name
        ev.ignore()


class RegionsView(QWidget):
    """The region map, its labels and the count curve. ``pointClicked(x1, x2)``: a click on the map."""

    pointClicked = Signal(float, float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.status.setObjectName("regionsStatus")
        box = CanvasViewBox()  # clicks in data coordinates, no panning
        self.plot = ThemedPlot("regionsPlot", {"bottom": "x1", "left": "x2"}, viewBox=box)
        self.plot.setAspectLocked(True)
        self.plot.setRange(xRange=DOMAIN, yRange=DOMAIN, padding=0.0)
        self.image = pg.ImageItem()
        self.folds = pg.PlotCurveItem(pen=pg.mkPen(FOLD_COLOR, width=1.5, style=Qt.PenStyle.DashLine), connect="pairs")
        self.points = _PassClicks(size=5, pen=pg.mkPen((30, 30, 30), width=0.6))
        self.marker = _PassClicks(size=12, symbol="x", pen=pg.mkPen((0, 0, 0), width=2), brush=None)
        for item in (self.image, self.folds, self.points, self.marker):
            self.plot.addItem(item)
        box.sigClicked.connect(lambda x, y, button, _mods: self.pointClicked.emit(float(x), float(y)))
        self.formula = QLabel("Click a region to see its linear function.")
        self.formula.setWordWrap(True)
        self.formula.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.formula.setObjectName("regionsFormula")
        self.curve_plot = CountPlot()
        self.count_curve = pg.PlotDataItem(pen=pg.mkPen(COUNT_COLOR, width=2))
        self.curve_plot.addItem(self.count_curve)
        # The loss on its own axis at the right: the two curves share the epochs, not the scale.
        self.loss_box = pg.ViewBox()
        item = self.curve_plot.getPlotItem()
        item.scene().addItem(self.loss_box)
        # Behind the count's view (whose background is clear): where both curves sit at their lowest
        # (a count at its minimum beside a loss near 0) the blue count stays on top of the orange loss.
        self.loss_box.setZValue(item.vb.zValue() - 1)
        item.getAxis("right").linkToView(self.loss_box)
        self.loss_box.setXLink(item.vb)
        self.loss_curve = pg.PlotCurveItem(pen=pg.mkPen(LOSS_COLOR, width=1.5))
        self.loss_box.addItem(self.loss_curve)
        item.vb.sigResized.connect(lambda: self.loss_box.setGeometry(item.vb.sceneBoundingRect()))
        self.curve_plot.setMaximumHeight(170)  # the map keeps most of the height
        self.curve_plot.setMinimumHeight(60)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        # The map is square (the plane's domain): as tall as it is wide in the narrow dock, the words and
        # the count curve right under it, the rest of the dock's height below them (AspectHeight).
        layout.addWidget(self.plot, 4)
        layout.addWidget(self.formula)
        layout.addWidget(self.curve_plot, 1)
        layout.addStretch(0)  # only what the capped plot cannot take (a wide, short dock: nothing)
        self._fit = AspectHeight(self.plot)
        self._newest_epoch = 0.0
        # The right margin holds the last label at the axis's current length and font.
        self.curve_plot.getPlotItem().vb.sigResized.connect(self._fit_epochs)
        self.ids: np.ndarray = np.zeros((0, 0), dtype=np.intp)
        self.palette: np.ndarray = region_palette(0)

    def show_regions(
        self,
        ids: np.ndarray,
        count: int,
        axis: np.ndarray,
        folds: np.ndarray,
        points: np.ndarray,
        brushes: list[object],
    ) -> None:
        """Draw region ids ``ids`` (r, r), indexed ``[x2, x1]`` over the cell centres ``axis`` (r,);
        ``folds`` (m * 2, 2) the fold lines' endpoint pairs; ``points`` (n, 2) the data with ``brushes``."""
        self.ids = ids
        if len(self.palette) < count:
            self.palette = region_palette(max(count, 2 * len(self.palette), 64))
        rgb = self.palette[ids]  # (r, r, 3), rows are x2
        self.image.setImage(np.ascontiguousarray(rgb.transpose(1, 0, 2)), autoLevels=False, levels=(0, 255))
        step = float(axis[1] - axis[0]) if len(axis) > 1 else 1.0
        self.image.setRect(float(axis[0]) - step / 2, float(axis[0]) - step / 2, step * len(axis), step * len(axis))
        self.folds.setData(folds[:, 0], folds[:, 1]) if len(folds) else self.folds.setData([], [])
        self.points.setData(points[:, 0], points[:, 1], brush=brushes or None)
        self.image.setVisible(True)
        for widget in (self.plot, self.curve_plot):
            widget.setVisible(True)
        self.status.setText(
            f"{count} linear region{'s' if count != 1 else ''} (one linear function on each shade); "
            f"dashed: first-layer folds, z = 0"
        )

    def show_reason(self, text: str) -> None:
        """No regions to draw (a smooth activation, bent inputs): say why, and clear the map.

        The map and the count curve go too: empty axes under the reason were a blank dock with a frame."""
        self.status.setText(text)
        self.image.setVisible(False)
        for widget in (self.plot, self.curve_plot):
            widget.setVisible(False)
        self.folds.setData([], [])
        self.marker.setData([], [])
        self.formula.setText("")

    def show_piece(self, x: float, y: float, text: str) -> None:
        """Mark the clicked point and show the linear function of its region."""
        self.marker.setData([x], [y])
        self.formula.setText(text)

    def show_curve(self, epochs: np.ndarray, counts: np.ndarray, loss_epochs: np.ndarray, loss: np.ndarray) -> None:
        """The number of regions per epoch, and the training loss on the right axis."""
        self.count_curve.setData(epochs, counts)
        finite = np.isfinite(loss)
        self.loss_curve.setData(loss_epochs[finite], loss[finite])
        self.loss_box.enableAutoRange(axis=pg.ViewBox.YAxis)  # x follows the count's view (linked)
        self._newest_epoch = float(np.max(epochs)) if len(epochs) else 0.0
        self._fit_epochs()

    def _fit_epochs(self) -> None:
        """Show epochs 0 to a round number past the newest, as the history plots do, with room at the
        right for that number's tick label: an auto-range ending at the newest epoch (1486), or a label
        cut by the axis's end, left this short axis with the "0" label alone."""
        item = self.curve_plot.getPlotItem()
        high = round_up(max(self._newest_epoch, 10.0))
        axis = item.getAxis("bottom")
        width = float(axis.width())
        font = axis.style["tickFont"] or axis.font()
        half = QFontMetrics(font).horizontalAdvance(f"{high:g}") / 2 + 2
        # The share of the axis the right margin takes (at most 40%: a tiny axis still shows its data).
        share = min(half / width, 0.4) if width > 1 else 0.03
        low = -0.03 * high
        item.vb.setXRange(low, low + (high - low) / (1 - share), padding=0.0)
