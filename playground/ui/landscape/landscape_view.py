"""``LandscapeView``: a heatmap of the loss on the slice, the trajectory of the timeline on it, the
current weights, the negative gradient and the optimiser's next step (drawn from a ``Landscape``)."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from ...training.landscape import Landscape
from ...training.numbers import format_number
from ..plots.style import ThemedPlot
from ..shell.aspect_height import AspectHeight

ARROW_SHARE = 0.25  # the arrows are drawn a quarter of the slice long; the label gives their sizes
PATH_COLOR, GRADIENT_COLOR, STEP_COLOR = (255, 255, 255), (213, 94, 0), (86, 180, 233)
# Short enough for the narrow dock's box, also in presentation mode's larger font (a longer name was cut
# mid-word there); the item's tooltip says what each one is.
NOT_FINITE = (
    "The loss is infinite or NaN everywhere on this slice: the weights have grown too large. "
    "Lower the learning rate and reset the weights."
)
METHOD_NAMES = {"pca": "Path's main axes", "random": "Random directions"}
METHOD_TIPS = {
    "pca": "The two main directions of the path the weights took (PCA of the timeline's snapshots)",
    "random": "Two random directions, filter-normalised (each unit's weights scaled to the unit's size)",
}


class LandscapeView(QWidget):
    """The plot, the choice of directions and a Refresh button (the feature wires them)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plot = ThemedPlot("landscapePlot", {"bottom": "direction 1", "left": "direction 2"})
        self.plot.setAspectLocked(True)  # equal units on both axes: angles between arrows are true
        # The slice and nothing around it (the path, the point and the arrows lie within it): the automatic
        # range padded it on every side, a frame of empty plot around the picture.
        self.plot.getPlotItem().getViewBox().setDefaultPadding(0.0)
        self.image = pg.ImageItem()
        self.path_item = pg.PlotDataItem(
            pen=pg.mkPen(PATH_COLOR, width=1.5), symbol="o", symbolSize=3, symbolBrush=PATH_COLOR, symbolPen=None
        )
        self.current_item = pg.ScatterPlotItem(size=9, brush=pg.mkBrush(PATH_COLOR), pen=pg.mkPen(None))
        # Wider than the step, under it: for SGD the two point the same way and both must show.
        self.gradient_item = pg.PlotCurveItem(pen=pg.mkPen(GRADIENT_COLOR, width=6))
        self.step_item = pg.PlotCurveItem(pen=pg.mkPen(STEP_COLOR, width=2.5))
        for item in (self.image, self.path_item, self.gradient_item, self.step_item, self.current_item):
            self.plot.addItem(item)
        self.image.setColorMap(pg.colormap.get("viridis"))
        self.methods = QComboBox()
        for key, text in METHOD_NAMES.items():
            self.methods.addItem(text, key)
            self.methods.setItemData(self.methods.count() - 1, METHOD_TIPS[key], Qt.ItemDataRole.ToolTipRole)
        self.methods.setToolTip("The two directions of weight space the slice spans")
        # Sized to a few letters, not to its longest name: the dock must fit beside the plots.
        self.methods.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.methods.setMinimumContentsLength(8)
        self.refresh = QPushButton("Refresh")
        self.refresh.setToolTip("Compute the slice again around the current weights")
        self.label = QLabel("Pause or step training to compute the landscape")
        self.label.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.methods, 1)
        row.addWidget(self.refresh)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.plot)
        layout.addWidget(self.label)
        # The dock beside the plots is tall and narrow: the plot takes the height its slice needs at the
        # dock's width (AspectHeight), the words follow right under it, and the rest stays below them.
        layout.addStretch(0)  # only what the capped plot cannot take (a wide, short dock: nothing)
        self.plot.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.landscape: Landscape | None = None
        self._fit = AspectHeight(self.plot, self._aspect)

    @property
    def method(self) -> str:
        return str(self.methods.currentData())

    def _aspect(self) -> float:
        """The slice's height over its width (in plane units, as the locked aspect draws them); 1 before one."""
        land = self.landscape
        if land is None:
            return 1.0
        wide, tall = float(land.alphas[-1] - land.alphas[0]), float(land.betas[-1] - land.betas[0])
        return tall / wide if wide > 0 and tall > 0 else 1.0

    def show_message(self, text: str) -> None:
        """Say why there is no landscape (e.g. too few epochs for PCA); the last picture stays."""
        self.label.setText(text)

    def show_landscape(self, land: Landscape, past_epoch: int | None = None) -> None:
        """Draw ``land``: log10 of the loss as the heatmap (its range spans decades). ``past_epoch``: the slice
        is around the weights of that epoch of the timeline, whose optimiser state is not at hand, so the
        optimiser's step is not drawn."""
        self.landscape = land
        a, b = land.alphas, land.betas
        with np.errstate(divide="ignore", invalid="ignore"):
            shown = np.log10(np.maximum(land.loss, 1e-12))
        finite = np.isfinite(shown)
        if not finite.any():  # weights so large that the loss overflows at every point of the slice
            self._show_nothing(NOT_FINITE)
            return
        # Where the loss overflows (far out, with large weights) the slice shows its highest finite value.
        shown = np.where(finite, shown, shown[finite].max())
        self.image.setImage(shown.T, autoLevels=True)  # ImageItem's first index is x (alpha)
        self.image.setRect(QRectF(float(a[0]), float(b[0]), float(a[-1] - a[0]), float(b[-1] - b[0])))
        self._fit.refit()  # another slice may have another shape
        self.path_item.setData(land.trajectory[:, 0], land.trajectory[:, 1])
        self.current_item.setData([0.0], [0.0])
        reach = ARROW_SHARE * float(a[-1] - a[0])
        arrows = ((self.gradient_item, land.arrow), (self.step_item, land.step if past_epoch is None else None))
        for item, vector in arrows:
            tip = None if vector is None else _scaled(vector, reach)
            item.setData([] if tip is None else [0.0, tip[0]], [] if tip is None else [0.0, tip[1]])
        where = "" if past_epoch is None else f"epoch {past_epoch}, as the timeline shows it: "
        numbers = (
            f"{where}loss here {format_number(land.centre_loss)}  ·  slopes along the directions "
            f"{format_number(float(land.slopes[0]))}, {format_number(float(land.slopes[1]))}  ·  "
        )
        if past_epoch is None:
            arrows_text = (
                f"orange: downhill (−gradient), blue: the optimiser's next step "
                f"(length {format_number(float(np.linalg.norm(land.step)))} in plane units); both drawn "
                f"{int(100 * ARROW_SHARE)}% of the slice long"
            )
        else:
            arrows_text = f"orange: downhill (−gradient), drawn {int(100 * ARROW_SHARE)}% of the slice long"
        self.label.setText(numbers + arrows_text)

    def _show_nothing(self, why: str) -> None:
        """Clear the picture (an old slice would be mistaken for this one's) and say why."""
        self.image.clear()
        for item in (self.path_item, self.current_item, self.gradient_item, self.step_item):
            item.setData([], [])
        self.label.setText(why)


def _scaled(vector: np.ndarray, length: float) -> np.ndarray:
    norm = float(np.linalg.norm(vector))
    return np.zeros(2) if not np.isfinite(norm) or norm == 0.0 else vector * (length / norm)
