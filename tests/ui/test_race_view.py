"""The Optimiser race dock: the drawn paths are training/race.py's, typed formulas race and bad ones
change nothing, a click moves the start, the learning rate reruns, and the race animates."""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QTextDocument
from test_transforms_view import Host

from playground.training.race import RACERS, RULES, SURFACES, parse_surface, race
from playground.ui.race import install_race, race_view
from playground.ui.race.race_view import drawable


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
        assert drawable(RULES[name]) in view.rules[name].text()
        assert f"step {len(want[name]) - 1}:" in view.rules[name].text()
    assert view.formula.text() == s.formula


def test_the_race_animates_step_by_step(view, qtbot, monkeypatch):
    monkeypatch.setattr(race_view, "DURATION", 0.6)  # of 2.5 s: the unfolding, not its pace, is tested
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


def test_a_wide_map_in_the_tall_narrow_dock_fills_the_plot_without_blank_bands(view, qtbot):
    # The dock beside the plots is about 300 x 650 px: the locked aspect drew the bowl's 10 x 6 map in a
    # band across a plot stretched to the dock's height, blank plot above and below it.
    view.window().resize(300, 680)
    view.functions.setCurrentIndex(view.functions.findData("Bowl (long and narrow)"))
    x0, y0, x1, y1 = SURFACES["Bowl (long and narrow)"].rect
    box = view.plot.getPlotItem().getViewBox()

    def fitted() -> bool:  # the data area has the map's shape
        return abs(box.height() - box.width() * (y1 - y0) / (x1 - x0)) <= 3

    qtbot.waitUntil(fitted, timeout=3000)
    qtbot.wait(50)  # the layout after the fit
    (vx0, vx1), (vy0, vy1) = box.viewRange()
    assert vy1 - vy0 == pytest.approx(y1 - y0, rel=0.05)  # the map from edge to edge: no blank bands
    assert vx1 - vx0 == pytest.approx(x1 - x0, rel=0.05)
    # The room the map does not need goes below the rules, not into the plot.
    last_rule = view.rules[RACERS[-1]]
    assert last_rule.geometry().bottom() < view.height() - 40
    assert view.plot.geometry().bottom() < last_rule.geometry().top()


def test_the_rules_draw_no_combining_marks(view):
    # Qt drew the combining hat of Adam's m̂ a line above its letter once the rule wrapped in the dock.
    view.finish()
    for name in RACERS:
        text = view.rules[name].text()
        assert not [c for c in text if unicodedata.combining(c)], name
    assert "η mˆ / (√ŝ + ε)" in view.rules["adam"].text().replace("\N{NO-BREAK SPACE}", " ")


def _drawn_lines(label) -> list[str]:
    """The lines ``label`` draws its rich text in at its width (the same layout QLabel uses)."""
    document = QTextDocument()
    document.setDefaultFont(label.font())
    document.setDocumentMargin(0)
    document.setHtml(label.text())
    document.setTextWidth(label.contentsRect().width())
    document.documentLayout().documentSize()  # lays the lines out now
    lines = []
    block = document.firstBlock()
    while block.isValid():
        layout = block.layout()
        for i in range(layout.lineCount()):
            line = layout.lineAt(i)
            lines.append(block.text()[line.textStart() : line.textStart() + line.textLength()].strip())
        block = block.next()
    return lines


@pytest.mark.parametrize("scale", [1.0, 1.4])
def test_the_rules_wrap_between_updates_not_inside_one(view, qtbot, scale):
    # In the narrow dock "Momentum: v ← μ v + ∇f(w); w ←" ended a line and "w − η v" began the next.
    view.window().resize(300, 680)
    font = view.font()
    font.setPointSizeF(font.pointSizeF() * scale)
    for label in view.rules.values():
        label.setFont(font)
    view.finish()
    qtbot.wait(30)
    for name in RACERS:
        label = view.rules[name]
        drawn = _drawn_lines(label)
        lines = drawn[: next(i for i, line in enumerate(drawn) if line.startswith("step "))]  # the rule's
        assert len(lines) >= 1
        for line in lines[1:]:  # every wrapped line starts an update: "w ← ..."
            assert re.match(r"^[a-zμ]\N{NO-BREAK SPACE}←", line), (name, lines)
        # No update wider than the dock: the labels do not widen it.
        assert label.minimumSizeHint().width() <= 300, name


@pytest.mark.parametrize("scale", [1.0, 1.4])
def test_the_function_box_shows_each_whole_name_in_the_narrow_dock(view, qtbot, scale):
    # Beside "Race again", presentation mode's font cut "Bowl (long and narrow)" to "Bowl (long and narr".
    from PySide6.QtWidgets import QStyle, QStyleOptionComboBox

    view.window().resize(300, 680)
    combo = view.functions
    font = combo.font()
    font.setPointSizeF(font.pointSizeF() * scale)
    combo.setFont(font)
    qtbot.wait(30)
    for index in range(combo.count()):
        combo.setCurrentIndex(index)
        option = QStyleOptionComboBox()
        combo.initStyleOption(option)
        field = combo.style().subControlRect(
            QStyle.ComplexControl.CC_ComboBox, option, QStyle.SubControl.SC_ComboBoxEditField, combo
        )
        assert combo.fontMetrics().horizontalAdvance(combo.currentText()) <= field.width(), combo.currentText()
    assert view.play.geometry().top() == pytest.approx(view.formula.geometry().top(), abs=4)  # one row


@pytest.mark.filterwarnings("error::RuntimeWarning")
def test_a_racer_whose_run_overflows_is_shown_diverged_at_its_step_with_the_cause(view):
    # Adam sat at the start for 150 steps, its rule saying nothing, after a RuntimeWarning from optim.py.
    view.start = (-4.5, 1.5)
    assert view.apply_formula("exp(x*y*10) + 1e300*x**2")
    view.finish()
    text = view.rules["adam"].text()
    assert "step 0: f(-4.5, 1.5)" in text
    assert "diverged at step 1: its average s of g² overflowed" in text and "stopped here" in text
    assert len(_drawn(view)["adam"]) == 1
    for name in RACERS:
        assert "diverged at step 1" in view.rules[name].text(), name


@pytest.mark.filterwarnings("error::RuntimeWarning")
def test_the_shading_of_a_map_whose_range_is_beyond_the_largest_float_is_finite_and_in_order():
    # 1e308*x over the map: f - min f overflowed in log(1 + f - min f).
    from playground.ui.race.race_view import shading

    values = np.array([-1.5e308, -1e307, 0.0, 1e307, 1.5e308, np.nan])
    shaded = shading(values)
    assert np.isfinite(shaded[:5]).all() and np.isnan(shaded[5])
    assert (np.diff(shaded[:5]) > 0).all()
    assert shaded[0] == pytest.approx(0.0, abs=1e-12)
    assert shaded[4] == pytest.approx(np.log(2.0) + np.log(1.5e308), rel=1e-12)  # log(1 + 3e308)
    np.testing.assert_array_equal(shading(np.array([1.0, 3.0])), np.log1p([0.0, 2.0]))  # the usual path as before
