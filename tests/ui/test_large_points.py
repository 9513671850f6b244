"""A click on a large dataset redraws only what changed, and looks the symbol up once.

With 100,000 points each click took 1.5 s: every scatter item got all its points
again, and pyqtgraph looked the symbol up in its atlas once per point, in Python.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from file_fixtures import answers, reused_file_window, wait_idle  # noqa: F401 - fixtures
from pyqtgraph.graphicsItems.ScatterPlotItem import SymbolAtlas
from PySide6.QtWidgets import QGraphicsItem

from playground.data import AddPoints, make_dataset
from playground.ui.plots.points import PointLayer
from playground.ui.plots.style import LIGHT

# One window for the module's tests, reset after each and checked to look as new before the next.
kept_window, reused_file_window, own_window, window, own_file_window = reused_file_window()


def _layer(qtbot):
    widget = pg.PlotWidget()
    qtbot.addWidget(widget)
    return PointLayer(widget.getPlotItem()), widget


def test_new_points_look_the_symbol_up_once(qtbot, monkeypatch):
    layer, _ = _layer(qtbot)
    lookups = []
    real = SymbolAtlas.__getitem__

    def counting(self, styles):
        styles = list(styles)
        lookups.append(len(styles))
        return real(self, styles)

    monkeypatch.setattr(SymbolAtlas, "__getitem__", counting)
    ds = make_dataset("spiral", n=5000, noise=0.1, seed=0, test_fraction=0.3)
    theme = LIGHT
    layer.set_points(ds.X, ds.y, ds.is_test, ds.task, ds.class_colors, theme)
    assert lookups and max(lookups) == 1  # one per item, not one per point
    # The coordinates are the ones pyqtgraph's own per-point lookup finds.
    monkeypatch.setattr(SymbolAtlas, "__getitem__", real)
    for item in layer._items:
        if len(item.data):
            fast = item.data["sourceRect"].copy()
            item.data["sourceRect"]["w"] = 0
            pg.ScatterPlotItem.updateSpots(item)
            assert np.array_equal(item.data["sourceRect"], fast)


def test_a_click_sets_only_the_group_it_changed(window, qtbot, monkeypatch):
    big = make_dataset("spiral", n=4000, noise=0.1, seed=0, test_fraction=0.3)
    window.session.set_dataset(big, "Big")
    wait_idle(qtbot, window)
    calls = []
    real = pg.ScatterPlotItem.setData

    def counting(self, *args, **kwargs):
        calls.append(self)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(pg.ScatterPlotItem, "setData", counting)
    window.tools.current_class = 1
    window.canvas._on_click(0.5, 0.5, None, None)
    # No big item is given its points again: the new point goes to the class-2 training
    # points' small tail, and nothing else is set.
    assert not set(calls) & set(_point_items(window))
    assert set(calls) == {_point_items(window)[2].tail._item}
    drawn = _drawn(window)
    assert sum(len(xy) for xy in drawn.values()) == big.n + 1
    assert np.allclose(drawn[(1, False)][-1], [0.5, 0.5])


def _points(window) -> PointLayer:
    layers = [value for value in vars(window.boundary_plot).values() if isinstance(value, PointLayer)]
    assert len(layers) == 1
    return layers[0]


def _point_items(window):
    return _points(window)._items


def _drawn(window):
    return _points(window).drawn()


def test_erase_and_undo_draw_exactly_the_dataset(window, qtbot):
    session = window.session
    session.apply_edit(AddPoints([[0.1, 0.1], [0.2, 0.2]], [0, 1]), "Add 2 points")
    window.tools.brush_radius = 0.05
    window.canvas._erase(0.1, 0.1, stroke=0)
    for _ in range(2):
        drawn = _drawn(window)
        ds = session.dataset
        for (group, test), xy in drawn.items():
            rows = (ds.y == group) & (ds.is_test == test)
            assert np.array_equal(xy, ds.X[rows])
        session.undo_stack.undo()


def _exactly_the_dataset(window) -> None:
    """The canvas draws every point of the session's dataset, in order, in its group."""
    ds = window.session.dataset
    drawn = _drawn(window)
    assert sum(len(xy) for xy in drawn.values()) == ds.n == _points(window).count()
    for (group, test), xy in drawn.items():
        assert np.array_equal(xy, ds.X[(ds.y == group) & (ds.is_test == test)])


def test_added_points_leave_the_big_cached_items_alone_and_undo_takes_them_back(window, qtbot):
    big = make_dataset("spiral", n=4000, noise=0.1, seed=0, test_fraction=0.3)
    window.session.set_dataset(big, "Big")
    wait_idle(qtbot, window)
    items = _point_items(window)
    records = [item.data for item in items]  # pyqtgraph's record arrays, replaced by any setData
    window.tools.current_class = 0
    for x in (0.1, 0.2, 0.3):
        window.canvas._on_click(x, -0.4, None, None)
    assert [item.data for item in items] == records  # the very same arrays: no item was given new points
    assert np.allclose(_drawn(window)[(0, False)][-3:], [[0.1, -0.4], [0.2, -0.4], [0.3, -0.4]])
    _exactly_the_dataset(window)
    window.session.undo_stack.undo()
    assert [item.data for item in items] == records
    assert not any(np.allclose(xy, [0.3, -0.4]) for xy in _drawn(window)[(0, False)])
    _exactly_the_dataset(window)
    window.session.undo_stack.undo()
    window.session.undo_stack.undo()
    _exactly_the_dataset(window)
    assert not _point_items(window)[0].has_tail()


def test_a_long_stroke_folds_its_tail_into_the_big_item(window, qtbot, monkeypatch):
    from playground.ui.plots import scatter_tail

    monkeypatch.setattr(scatter_tail, "MAX_TAIL", 3)
    window.tools.current_class = 0
    stroke = window.session.new_stroke()
    for k in range(5):
        window.canvas._add(-0.5 + 0.1 * k, 0.5, False, stroke)
        _exactly_the_dataset(window)
    assert _point_items(window)[0].tail.count() <= 3
    window.session.set_dataset(make_dataset("xor", n=200, noise=0.1, seed=1), "Another")
    _exactly_the_dataset(window)  # other points: every item is given its own again
    assert not any(item.has_tail() for item in _point_items(window))


def test_an_erase_and_its_undo_hide_and_show_records_without_new_ones(window, qtbot):
    big = make_dataset("spiral", n=4000, noise=0.1, seed=0, test_fraction=0.3)
    window.session.set_dataset(big, "Big")
    wait_idle(qtbot, window)
    items = _point_items(window)
    records = [item.data for item in items]
    window.tools.current_class = 1
    window.canvas._on_click(0.3, 0.3, None, None)  # a tail point, erased with the others below
    window.tools.brush_radius = 0.6
    n = window.session.dataset.n
    window.canvas._erase(0.0, 0.0, stroke=0)
    assert window.session.dataset.n < n - 5
    assert [item.data for item in items] == records  # hidden, not replaced
    assert sum(item.tail.hidden() for item in items) > 5
    _exactly_the_dataset(window)
    window.session.undo_stack.undo()  # the erased points come back where they were
    assert [item.data for item in items] == records
    assert sum(item.tail.hidden() for item in items) == 0
    _exactly_the_dataset(window)
    window.session.undo_stack.redo()
    _exactly_the_dataset(window)
    window.session.undo_stack.undo()
    window.session.undo_stack.undo()  # the click too
    _exactly_the_dataset(window)
    assert [item.data for item in items] == records


def test_the_tail_is_drawn_in_its_groups_style(window):
    window.tools.current_class = 1
    window.canvas._on_click(0.5, 0.5, None, None)
    item = _point_items(window)[2]
    tail = item.tail._item
    assert tail.parentItem() is item and tail.isVisibleTo(item)
    assert tail.cacheMode() == item.cacheMode() == QGraphicsItem.CacheMode.DeviceCoordinateCache  # not every frame
    _points(window).restyle(["#112233", "#445566"], window.boundary_plot.theme)  # as a theme change does
    assert tail.opts["brush"].color().name() == item.opts["brush"].color().name() == "#445566"
    assert tail.opts["size"] == item.opts["size"]


def test_hidden_records_are_not_painted_and_shown_again_are(qtbot):
    widget = pg.PlotWidget()
    qtbot.addWidget(widget)
    widget.resize(300, 300)
    widget.setBackground("w")
    widget.getPlotItem().setRange(xRange=(0, 10), yRange=(0, 10), padding=0)
    layer = PointLayer(widget.getPlotItem(), cached=True)
    gx, gy = np.meshgrid(np.arange(1.0, 10.0), np.arange(1.0, 10.0))
    X = np.column_stack([gx.ravel(), gy.ravel()])  # 81 points, one class
    y = np.zeros(len(X), dtype=int)
    layer.set_points(X, y, None, "classification", ["#FF0000", "#0000FF"], LIGHT)
    widget.show()
    qtbot.waitExposed(widget)
    gone = np.flatnonzero((X[:, 0] == 5.0) & (X[:, 1] == 5.0))
    keep = np.ones(len(X), dtype=bool)
    keep[gone] = False
    layer.set_points(X[keep], y[keep], None, "classification", ["#FF0000", "#0000FF"], LIGHT)
    assert layer._items[0].tail.hidden() == 1

    def red_at(x: float, yv: float) -> bool:
        image = widget.grab().toImage()
        vb = widget.getPlotItem().getViewBox()
        p = widget.viewport().mapTo(widget, widget.mapFromScene(vb.mapViewToScene(pg.QtCore.QPointF(x, yv))))
        c = image.pixelColor(round(p.x() * image.devicePixelRatio()), round(p.y() * image.devicePixelRatio()))
        return c.red() > 200 and c.green() < 80 and c.blue() < 80

    assert red_at(4.0, 4.0) and not red_at(5.0, 5.0)
    layer.set_points(X, y, None, "classification", ["#FF0000", "#0000FF"], LIGHT)  # the undo
    assert layer._items[0].tail.hidden() == 0
    assert red_at(5.0, 5.0)
