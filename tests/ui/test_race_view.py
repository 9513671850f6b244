"""The Optimiser race dock: the drawn paths are training/race.py's, typed formulas race and bad ones
change nothing, a click moves the start, the learning rate reruns, and the race animates."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt
from test_transforms_view import Host

from playground.training.race import RACERS, RULES, SURFACES, parse_surface, race
from playground.ui.race import install_race


@pytest.fixture
def view(qtbot):
    host = Host()
    host.resize(900, 900)
    qtbot.addWidget(host)
    feature = install_race(host)
    host.show()
    feature.dock.show()
    qtbot.waitExposed(host)
    assert "Optimiser race" in [a.text() for a in host.menus["&View"].actions()]
    yield feature.view
    del host  # kept alive until the test ends


def _drawn(view) -> dict[str, np.ndarray]:
    return {name: np.column_stack(view.paths[name].getData()) for name in RACERS}


def test_the_drawn_paths_are_the_headless_race_and_each_rule_is_beside_its_path(view):
    view.functions.setCurrentIndex(view.functions.findData("Rosenbrock's valley"))
    view.finish()
    s = SURFACES["Rosenbrock's valley"]
    want = race(parse_surface(s.formula), s.start, s.lr, s.steps)
    for name, path in _drawn(view).items():
        np.testing.assert_array_equal(path, want[name])
        assert RULES[name] in view.rules[name].text()
        assert f"step {len(want[name]) - 1}:" in view.rules[name].text()
    assert view.formula.text() == s.formula


def test_the_race_animates_step_by_step(view, qtbot):
    view.run()
    assert view.shown == 0 and len(_drawn(view)["sgd"]) == 1
    qtbot.waitUntil(lambda: view.shown == view.steps.value(), timeout=10000)
    assert len(_drawn(view)["sgd"]) == view.steps.value() + 1


def test_a_typed_formula_races_and_a_bad_one_changes_nothing(view, qtbot):
    view.finish()
    before = _drawn(view)
    expression = view.expression
    view.formula.clear()
    qtbot.keyClicks(view.formula, "x**2 + 3*y")
    qtbot.keyClicks(view.formula, "^2")
    qtbot.keyClick(view.formula, Qt.Key.Key_Return)
    assert "use ** for powers" in view.error.text() and "column" in view.error.text()
    assert view.expression is expression
    for name, path in _drawn(view).items():
        np.testing.assert_array_equal(path, before[name])
    view.formula.clear()
    qtbot.keyClicks(view.formula, "x**2 + 3*y**2")
    qtbot.keyClick(view.formula, Qt.Key.Key_Return)
    assert view.error.text() == ""
    assert view.functions.currentText() == "Typed formula"
    view.finish()
    want = race(parse_surface("x**2 + 3*y**2"), view.start, view.lr.value(), view.steps.value())
    np.testing.assert_array_equal(_drawn(view)["adam"], want["adam"])


def test_a_click_moves_the_start_of_every_racer_and_the_learning_rate_reruns(view, qtbot):
    scene = view.plot.getPlotItem().vb.mapViewToScene(QPointF(2.0, -1.0))
    qtbot.mouseClick(view.plot.viewport(), Qt.MouseButton.LeftButton, pos=view.plot.mapFromScene(scene))
    assert view.start == pytest.approx((2.0, -1.0), abs=0.05)
    view.finish()
    for path in _drawn(view).values():
        np.testing.assert_allclose(path[0], view.start)
    view.lr.setValue(0.01)
    view.finish()
    want = race(view.expression, view.start, 0.01, view.steps.value())
    np.testing.assert_array_equal(_drawn(view)["momentum"], want["momentum"])
