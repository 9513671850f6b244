"""The plots' cheaper paints draw exactly the pixels pyqtgraph's own paints draw.

Each test renders the same data twice, once through the plot's own item and once
through a twin that paints as pyqtgraph does, and compares the grabbed pixels.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from playground.ui.plots.activation_space import ActivationSpacePlot
from playground.ui.plots.boundary import BoundaryPlot
from playground.ui.plots.curves import SEGMENTS
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


def _shown(qtbot, widget, size=(360, 320)):
    qtbot.addWidget(widget)
    widget.resize(*size)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def _paths_built(monkeypatch) -> list:
    built: list = []
    real = pg.PlotCurveItem.generatePath
    monkeypatch.setattr(pg.PlotCurveItem, "generatePath", lambda self, *a: built.append(self) or real(self, *a))
    return built


def _same_as_paths(widget, curves, monkeypatch, points: int = 100) -> None:
    """The curves drawn as lines (as the plot draws them) and as pyqtgraph's paths: the same pixels,
    and only the first without building a path."""
    assert all(curve.opts["segmentedLineMode"] == SEGMENTS for curve in curves)
    assert sum(len(curve.xData) for curve in curves) >= points  # lines to draw
    built = _paths_built(monkeypatch)
    as_lines = _pixels(widget)
    assert not [curve for curve in built if curve in curves]
    for curve in curves:
        curve.setSegmentedLineMode("off")
    as_paths = _pixels(widget)
    assert [curve for curve in built if curve in curves]
    for curve in curves:
        curve.setSegmentedLineMode(SEGMENTS)
    assert (as_lines != as_paths).any(axis=2).sum() == 0


def _circle(n: int, classes: int = 2) -> np.ndarray:
    """Class probabilities over an n x n grid: class 1 inside a circle, class 2 (of three) on the right."""
    u = np.linspace(-1.0, 1.0, n)
    xx, yy = np.meshgrid(u, u)
    logits = [np.zeros_like(xx), 6.0 * (0.6 - np.hypot(xx + 0.1, yy))]
    if classes == 3:
        logits.append(8.0 * (xx - 0.5))
    z = np.stack(logits, axis=-1)
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def test_boundary_lines_are_drawn_as_segments_with_the_pixels_of_paths(qtbot, monkeypatch):
    plot = _shown(qtbot, BoundaryPlot())
    lines = [plot._line, plot._faint]
    plot.set_map(_circle(100), "classification")  # the solid 50% line and the faint dashed 25% / 75%
    _same_as_paths(plot, lines, monkeypatch)
    plot.set_discrete(True)
    _same_as_paths(plot, lines[:1], monkeypatch)
    plot.set_discrete(False)
    plot.set_classes((*COLORS, "#009E73"))
    plot.set_map(_circle(100, classes=3), "classification")  # where the winner changes
    _same_as_paths(plot, lines[:1], monkeypatch)
    plot.apply_theme(dark=True)
    _same_as_paths(plot, lines[:1], monkeypatch)


def test_activation_class_edges_are_drawn_as_segments_with_the_pixels_of_paths(qtbot, monkeypatch):
    plot = _shown(qtbot, ActivationSpacePlot())
    rng = np.random.default_rng(0)
    points = rng.normal(size=(60, 2))
    A = np.array([[1.0, -0.5, -0.5], [0.0, 0.9, -0.9]])  # three classes meeting near the origin
    plot.update_space(points, rng.integers(0, 3, 60), "classification", (*COLORS, "#009E73"), output=(A, np.zeros(3)))
    _same_as_paths(plot, [plot._class_lines], monkeypatch, points=6)  # three edges from where they meet


def test_activation_grid_path_is_built_as_polylines_with_the_pixels_of_pyqtgraphs_path(qtbot, monkeypatch):
    plot = _shown(qtbot, ActivationSpacePlot())
    t = np.linspace(-1.0, 1.0, 40)
    lines = [np.column_stack([t, 0.3 * np.sin(3 * t + k) + 0.15 * k - 0.7]) for k in range(10)]
    lines += [np.column_stack([0.2 * np.cos(2 * t + k) + 0.2 * k - 0.9, t]) for k in range(10)]
    lines.append(np.array([[0.5, 0.5]]))  # a line of one point draws nothing
    plot.update_space(np.zeros((0, 2)), np.zeros(0), "classification", COLORS, grid_lines=lines)
    grid = plot._grid
    built = []
    real = pg.PlotCurveItem.generatePath
    monkeypatch.setattr(pg.PlotCurveItem, "generatePath", lambda self, *a: built.append(self) or real(self, *a))
    own = _pixels(plot)
    assert grid not in built  # its own polylines
    path = grid.getPath()
    assert path.elementCount() == 20 * 40  # one move and 39 lines a grid line
    assert np.allclose([path.elementAt(40).x, path.elementAt(40).y], lines[1][0])
    monkeypatch.setattr(type(grid), "generatePath", pg.PlotCurveItem.generatePath)
    grid.path = None
    grid.update()
    pyqtgraphs = _pixels(plot)
    assert grid in built
    assert (own != pyqtgraphs).any(axis=2).sum() == 0
    assert (own[..., :3] < 200).any(axis=2).sum() > 500  # the grid's grey lines are drawn
