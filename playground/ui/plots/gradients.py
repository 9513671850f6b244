"""Gradient magnitudes per layer over the epochs, on a log scale.

Vanishing or exploding gradients show up as curves that sink or climb by orders
of magnitude; one curve per layer, coloured along a sequential ramp from the
first layer (dark) to the last, so depth reads as a progression.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg

from playground.ui.plots.history import HistoryPlot
from playground.ui.plots.style import sequential_colors


class GradientPlot(HistoryPlot):
    """``‖∂L/∂W‖`` of each layer per epoch, one labelled curve per layer (log y axis).

    Curve names for :meth:`curve_point_count` are the layer labels.
    """

    def __init__(self, parent=None) -> None:
        super().__init__("gradientPlot", {"bottom": "epoch", "left": "‖∂L/∂W‖ (log)"}, parent=parent)
        self.getPlotItem().setLogMode(y=True)
        self._labels_shown: list[str] = []
        self._theme_changed()

    def update_history(self, epochs: Sequence[float], grad_norms: np.ndarray, labels: Sequence[str]) -> None:
        """Show ``grad_norms`` (E epochs, L layers) against ``epochs`` (E,), one curve per label.

        A different list of ``labels`` (the architecture changed) rebuilds the
        curves; otherwise they are only given new data. Zeros are clipped to a
        tiny positive value and non-finite values are left out.
        """
        labels = list(labels)
        norms = np.asarray(grad_norms, dtype=np.float64).reshape(-1, len(labels)) if labels else None
        if labels != self._labels_shown:
            self._rebuild(labels)
        for layer, label in enumerate(labels):
            self._set_series(self._curves[label], epochs, norms[:, layer], log=True)

    def _rebuild(self, labels: list[str]) -> None:
        for name in list(self._curves):
            self._remove_curve(name)
        self._labels_shown = labels
        curves = [self._new_curve(label) for label in labels]
        self._set_legend(list(zip(curves, labels)))
        self._color_curves()

    def _color_curves(self) -> None:
        colors = sequential_colors(self.theme.sequence, len(self._labels_shown))
        for label, color in zip(self._labels_shown, colors):
            self._curves[label].setPen(pg.mkPen(color, width=1))

    def _theme_changed(self) -> None:
        super()._theme_changed()
        self._color_curves()
