"""The inspected point (the chain-rule inspector's) is ringed on every unit's map in the
network diagram, where it lies in the input plane (issue 9)."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication

from playground.data import DOMAIN
from playground.ui import MainWindow
from playground.ui.shell.settings import DATA_DIR_ENV


@pytest.fixture
def window(qtbot, monkeypatch, tmp_path):
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "data"))
    w = MainWindow()
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    yield w
    w.close()


def drawn(window, qtbot) -> None:
    session = window.session
    session.run_in_worker(lambda trainer: None)
    session.run_in_worker(lambda trainer: None)  # after the frame of the commands before
    QApplication.processEvents()
    qtbot.waitUntil(
        lambda: window._drawn is session.latest_frame and window.network_view.diagram.frame is session.latest_frame,
        timeout=20000,
    )


def inspect(window, qtbot, index: int) -> np.ndarray:
    point = window.session.dataset.X[index]
    window.chain_rule.action.trigger()  # the Inspect tool, with its panel
    assert window.chain_rule.inspect_at(float(point[0]), float(point[1]))
    QApplication.processEvents()
    return point


def expected_center(diagram, column: int, unit: int, point: np.ndarray) -> tuple[float, float]:
    """Where ``point`` lies on the unit's map, in viewport pixels (the map spans DOMAIN, x2 up)."""
    box = diagram.node_rect(column, unit)
    low, high = DOMAIN
    x = box.left() + (point[0] - low) / (high - low) * box.width()
    y = box.top() + (high - point[1]) / (high - low) * box.height()
    centre = diagram.mapFromScene(x, y)
    return centre.x(), centre.y()


def test_the_inspected_point_is_ringed_on_every_map_where_it_lies(window, qtbot):
    diagram = window.network_view.diagram
    window.session.step(3)
    drawn(window, qtbot)
    columns = [len(diagram.drawn_units(c)) for c in range(diagram.columns())]
    assert all(diagram.highlight_center(c, u) is None for c, n in enumerate(columns) for u in range(n))

    point = inspect(window, qtbot, 7)
    for c, n in enumerate(columns):
        for u in range(n):
            centre = diagram.highlight_center(c, u)
            assert centre is not None, (c, u)
            ex, ey = expected_center(diagram, c, u, point)
            assert abs(centre.x() - ex) <= 1 and abs(centre.y() - ey) <= 1, (c, u)

    # On screen: the dark ring is drawn on the map, a ring radius from its centre (antialiased,
    # so the darkest pixel near there), where the map alone is lighter.
    ring = diagram.diagram_scene.node(1, 0).rings[-1].rect()
    edge = diagram.mapFromScene(ring.center().x() + ring.width() / 2, ring.center().y())
    ringed = darkest_near(diagram, edge)
    diagram.set_highlight(None)
    assert ringed < 100 and darkest_near(diagram, edge) > ringed + 40


def darkest_near(diagram, pos) -> int:
    """The lowest lightness within 2 px of viewport ``pos`` on the diagram as drawn now."""
    image = diagram.grab().toImage()
    ratio = image.width() / diagram.width()  # device pixels per logical pixel
    x, y = round(pos.x() * ratio), round(pos.y() * ratio)
    return min(QColor(image.pixel(x + dx, y + dy)).lightness() for dx in range(-2, 3) for dy in range(-2, 3))


def test_the_ring_follows_the_point_across_a_rebuild_and_goes_with_the_panel(window, qtbot):
    diagram = window.network_view.diagram
    point = inspect(window, qtbot, 3)
    window.session.update_config(hidden=(4, 3, 2))  # a new diagram: new maps, ringed too
    drawn(window, qtbot)
    assert [len(diagram.drawn_units(c)) for c in range(diagram.columns())] == [2, 4, 3, 2, 1]
    centre = diagram.highlight_center(3, 1)
    ex, ey = expected_center(diagram, 3, 1, point)
    assert centre is not None and abs(centre.x() - ex) <= 1 and abs(centre.y() - ey) <= 1

    window.chain_rule.dock.close()  # no inspection on screen: no ring anywhere
    QApplication.processEvents()
    assert all(diagram.highlight_center(c, u) is None for c in range(diagram.columns()) for u in diagram.drawn_units(c))


def test_a_point_outside_the_plane_is_not_ringed(window, qtbot):
    diagram = window.network_view.diagram
    window.session.step(1)
    drawn(window, qtbot)
    diagram.set_highlight(np.array([DOMAIN[1] + 1.0, 0.0]))
    assert diagram.highlight_center(0, 0) is None
    diagram.set_highlight(np.array([0.0, 0.0]))
    assert diagram.highlight_center(0, 0) is not None
    diagram.set_highlight(None)
    assert diagram.highlight_center(0, 0) is None
