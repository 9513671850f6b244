"""The loss plot: training and test loss per epoch, with accuracy or RMSE on a second axis.

Colour tells the quantity (loss vs metric), the line style tells the split
(solid = training, dashed = test), so the four curves stay apart without
relying on colour alone. The legend says just that in one row: "loss",
"accuracy" and "dashed: test".
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from playground.ui.plots.history import HistoryPlot

_ACCURACY_RANGE = (0.0, 100.0)


class LossPlot(HistoryPlot):
    """Loss curves on the left axis (linear or log), the metric on the right axis.

    Curve names for :meth:`curve_point_count`: ``"train loss"``, ``"test loss"``,
    ``"train metric"``, ``"test metric"``.
    """

    def __init__(self, parent=None) -> None:
        labels = {"bottom": "epoch", "left": "loss", "right": "accuracy (%)"}
        super().__init__("lossPlot", labels, parent=parent)
        item = self.getPlotItem()
        self._log = False
        self._metric_name = "accuracy (%)"
        self._last: tuple | None = None  # the last history, redrawn when the scale changes

        # The metric lives in its own ViewBox stacked on the main one, sharing its x axis.
        self._metric_view = pg.ViewBox(enableMenu=False)
        self._metric_view.setMouseEnabled(x=False, y=False)
        item.scene().addItem(self._metric_view)
        item.getAxis("right").linkToView(self._metric_view)
        self._metric_view.setXLink(item)
        item.getViewBox().sigResized.connect(self._stack_views)
        self._set_metric_range()

        self._train = self._new_curve("train loss")
        self._test = self._new_curve("test loss")
        self._metric_train = self._new_curve("train metric", self._metric_view)
        self._metric_test = self._new_curve("test metric", self._metric_view)
        # Only a legend sample (never drawn in the plot): a dashed line in the axes' colour.
        self._test_key = pg.PlotDataItem()
        self._theme_changed()

    def update_history(
        self,
        epochs: Sequence[float],
        train_loss: Sequence[float],
        test_loss: Sequence[float] | None = None,
        metric_train: Sequence[float] | None = None,
        metric_test: Sequence[float] | None = None,
        metric_name: str = "accuracy (%)",
    ) -> None:
        """Show the history so far; arrays are per epoch and aligned with ``epochs``.

        ``None`` hides a curve (e.g. no test set). Non-finite values (a diverged
        run) are left out. ``metric_name`` titles the right axis, e.g.
        ``"accuracy (%)"`` (fixed 0-100 range) or ``"RMSE"`` (auto range).
        """
        self._last = (epochs, train_loss, test_loss, metric_train, metric_test, metric_name)
        if metric_name != self._metric_name:
            self._metric_name = metric_name
            self.set_axis_label("right", metric_name)
            self._set_metric_range()
        self._set_series(self._train, epochs, train_loss, self._log)
        self._set_series(self._test, epochs, test_loss, self._log)
        self._set_series(self._metric_train, epochs, metric_train)
        self._set_series(self._metric_test, epochs, metric_test)
        self._follow(
            epochs, [np.asarray(v, dtype=np.float64) for v in (train_loss, test_loss) if v is not None], self._log
        )
        metric = metric_name.split(" (")[0]  # the unit is on the axis; keep legend entries short
        # One short row: the colours name the quantities, one entry says what dashes mean
        # (train curves are solid), so the legend leaves the plot its height.
        entries = [(self._train, "loss")]
        if metric_train is not None:
            entries.append((self._metric_train, metric))
        if test_loss is not None or metric_test is not None:
            entries.append((self._test_key, "dashed: test"))
        self._set_legend(entries)

    def set_log(self, log: bool) -> None:
        """Log scale (base 10) for the loss axis."""
        if log == self._log:
            return
        self._log = log
        self.getPlotItem().setLogMode(y=log)
        self._fix_right_axis_scale()
        self.set_axis_label("left", "loss (log)" if log else "loss")
        if self._last is not None:
            self.update_history(*self._last)  # re-clip: zeros need the log floor

    def _set_metric_range(self) -> None:
        if "%" in self._metric_name:
            self._metric_view.disableAutoRange(pg.ViewBox.YAxis)
            self._metric_view.setYRange(*_ACCURACY_RANGE, padding=0.02)
        else:
            self._metric_view.enableAutoRange(pg.ViewBox.YAxis)

    def _fix_right_axis_scale(self) -> None:
        # PlotItem.setLogMode switches every axis; the metric axis always stays linear.
        self.getPlotItem().getAxis("right").setLogMode(False, False)

    def _stack_views(self) -> None:
        main = self.getPlotItem().getViewBox()
        self._metric_view.setGeometry(main.sceneBoundingRect())
        self._metric_view.linkedViewChanged(main, self._metric_view.XAxis)

    def _theme_changed(self) -> None:
        super()._theme_changed()
        t = self.theme
        dash = Qt.PenStyle.DashLine
        self._train.setPen(pg.mkPen(t.loss, width=1))
        self._test.setPen(pg.mkPen(t.loss, width=1, style=dash))
        self._metric_train.setPen(pg.mkPen(t.metric, width=1))
        self._metric_test.setPen(pg.mkPen(t.metric, width=1, style=dash))
        self._test_key.setPen(pg.mkPen(t.foreground, width=1, style=dash))
