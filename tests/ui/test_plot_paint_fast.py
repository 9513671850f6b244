"""The plots' cheaper paints draw exactly the pixels pyqtgraph's own paints draw.

Each test renders the same data twice, once through the plot's own item and once
through a twin that paints as pyqtgraph does, and compares the grabbed pixels.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from playground.ui.plots.points import PointLayer, _DecorativeScatter
from playground.ui.plots.style import LIGHT

COLORS = ("#E69F00", "#56B4E9")


class _PyqtgraphScatter(_DecorativeScatter):
    """The points' item painting through pyqtgraph's own ``ScatterPlotItem.paint``."""

    def paint(self, p, option, widget) -> None:
        pg.ScatterPlotItem.paint(self, p, option, widget)


def _pixels(widget: pg.PlotWidget) -> np.ndarray:
    image = widget.grab().toImage().convertToFormat(widget.grab().toImage().Format.Format_RGBA8888)
    return np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine() // 4, 4).copy()


def _points_plot(qtbot, monkeypatch, item_class) -> tuple[pg.PlotWidget, PointLayer]:
    monkeypatch.setattr("playground.ui.plots.points._DecorativeScatter", item_class)
    widget = pg.PlotWidget()
    qtbot.addWidget(widget)
    widget.resize(300, 240)
    widget.show()
    qtbot.waitExposed(widget)
    widget.getPlotItem().getViewBox().setRange(xRange=(-1, 1), yRange=(-1, 1), padding=0)
    return widget, PointLayer(widget.getPlotItem())


def test_scatter_paint_draws_pyqtgraphs_pixels_and_skips_its_culling(qtbot, monkeypatch):
    rng = np.random.default_rng(3)
    X = rng.uniform(-1.3, 1.3, size=(400, 2))  # some inside, some on the view's edges, some beyond
    X[:5] = [[40.0, 0.0], [-30.0, 5.0], [0.0, 60.0], [1.02, 0.5], [-0.5, -1.03]]  # far off, half in view
    y = rng.integers(0, 2, size=400)
    is_test = rng.random(400) < 0.3
    shown = {}
    for name, item_class in (("fast", _DecorativeScatter), ("pyqtgraph", _PyqtgraphScatter)):
        widget, layer = _points_plot(qtbot, monkeypatch, item_class)
        layer.set_points(X, y, is_test, "classification", COLORS, LIGHT)
        # An erased point stays a record but is hidden (scatter_tail.py): it must not be drawn.
        layer._items[0].data["visible"][0:3] = False
        layer._items[0].invalidate()
        culls = []
        real = pg.ScatterPlotItem._maskAt
        monkeypatch.setattr(pg.ScatterPlotItem, "_maskAt", lambda self, obj: culls.append(obj) or real(self, obj))
        shown[name] = _pixels(widget)
        shown[name + " culls"] = len(culls)
        monkeypatch.undo()
    assert shown["pyqtgraph culls"] > 0  # the twin really painted through pyqtgraph
    assert shown["fast culls"] == 0  # the plot's item did not
    assert (shown["fast"] != shown["pyqtgraph"]).any(axis=2).sum() == 0
    # And the points are there: class colours fill many pixels of the view.
    orange = np.all(np.abs(shown["fast"][..., :3].astype(int) - (0xE6, 0x9F, 0x00)) < 12, axis=2)
    blue = np.all(np.abs(shown["fast"][..., :3].astype(int) - (0x56, 0xB4, 0xE9)) < 12, axis=2)
    assert orange.sum() > 500 and blue.sum() > 500
