"""The inspect tool and the chain-rule panel, driven with the mouse like a person would."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt

from playground.data import RemovePoints, make_dataset
from playground.engine import Tensor
from playground.nn import MLP
from playground.training import TrainingConfig
from playground.training.inspect import WeightId
from playground.ui import MainWindow
from playground.ui.inspection.chain_rule_table import GRAD


def open_window(qtbot, dataset, config) -> MainWindow:
    window = MainWindow(dataset, config)
    qtbot.addWidget(window)
    window.resize(1280, 720)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: window.session.latest_frame is not None, timeout=5000)
    qtbot.wait(50)
    return window


@pytest.fixture
def window(qtbot):
    ds = make_dataset("xor", n=60, noise=0.0, seed=0, test_fraction=0.25)
    w = open_window(
        qtbot, ds, TrainingConfig(hidden=(4, 3), activation="tanh", optimizer="adam", lr=0.05, batch_size=20, seed=0)
    )
    yield w
    w.close()


def click(qtbot, window, x: float, y: float, button=Qt.MouseButton.LeftButton) -> None:
    plot = window.boundary_plot
    vb = plot.getPlotItem().getViewBox()
    pos = plot.mapFromScene(vb.mapViewToScene(QPointF(x, y)))
    qtbot.mouseMove(plot.viewport(), pos)
    qtbot.mouseClick(plot.viewport(), button, Qt.KeyboardModifier.NoModifier, pos)


def start_inspecting(qtbot, window) -> None:
    window.chain_rule.action.trigger()
    qtbot.waitUntil(lambda: window.chain_rule.dock.isVisible(), timeout=2000)
    qtbot.wait(30)  # the dock takes its room: the plot's mapping settles


def independent_gradients(window, point, target) -> list[tuple[np.ndarray, np.ndarray]]:
    """∂L/∂W, ∂L/∂b of the one point: a fresh MLP with the live weights, in the training thread."""

    def compute(trainer):
        live = trainer.model
        model = MLP(live.n_in, live.hidden, live.n_out, live.activations, dtype=live.dtype)
        model.params.load_data(live.params.data)
        y = np.array([int(target)]) if trainer.head.name == "softmax" else np.array([target])
        trainer.head.loss(model(Tensor(trainer.features(np.asarray([point])))), y).backward()
        return [(layer.W.grad.copy(), layer.b.grad.copy()) for layer in model.layers]

    return window.session.run_in_worker(compute)


def shown_gradient(window, weight: WeightId) -> float:
    """The ∂L/∂w the table shows for ``weight``, parsed from its text."""
    text = window.chain_rule.panel.table.item_for(weight).text(GRAD)
    return float(text.replace("−", "-"))


def check_panel_against_engine(window, index: int) -> None:
    ds = window.session.dataset
    panel = window.chain_rule.panel
    grads = independent_gradients(window, ds.X[index], ds.y[index])
    inspection = panel.inspection
    np.testing.assert_array_equal(inspection.snapshot.point, ds.X[index])
    for layer, (dW, db) in zip(inspection.layers, grads):
        np.testing.assert_allclose(layer.dL_dW, dW, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(layer.dL_db, db, rtol=1e-12, atol=1e-15)
        for (i, j), expected in np.ndenumerate(dW):
            assert shown_gradient(window, WeightId(layer.index, i, j)) == pytest.approx(expected, rel=1e-3)
        for j, expected in enumerate(db):
            assert shown_gradient(window, WeightId(layer.index, None, j)) == pytest.approx(expected, rel=1e-3)


# ------------------------------------------------------------------------- tests
def test_inspect_tool_opens_the_panel_and_clicking_a_point_shows_its_pass(window, qtbot):
    assert window.chain_rule.dock.isHidden()  # nothing until the tool is used
    start_inspecting(qtbot, window)
    assert window.tools.tool == "inspect" and window.chain_rule.action.isChecked()
    ds = window.session.dataset
    n = ds.n
    click(qtbot, window, *ds.X[7])
    panel = window.chain_rule.panel
    qtbot.waitUntil(lambda: panel.inspection is not None, timeout=2000)
    assert window.session.dataset.n == n  # the canvas added nothing
    check_panel_against_engine(window, 7)
    # The ring marks the point on the boundary plot.
    assert window.chain_rule.ring.visible
    np.testing.assert_array_equal(window.chain_rule.point, ds.X[7])
    # The default chain is a last-layer weight; its written-out product matches the engine.
    chain = panel.chain
    assert chain.weight.layer == 2 and chain.agrees
    assert "bce_with_logits" in panel.text.toPlainText() and "p − y" in panel.text.toPlainText()


def test_clicking_a_weight_row_writes_out_its_sum_over_paths(window, qtbot):
    start_inspecting(qtbot, window)
    ds = window.session.dataset
    window.chain_rule.inspect_at(*ds.X[3])
    table = window.chain_rule.panel.table
    weight = WeightId(0, 1, 2)
    item = table.item_for(weight)
    table.scrollToItem(item)
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=table.visualItemRect(item).center())
    chain = window.chain_rule.panel.chain
    assert chain.weight == weight
    grads = independent_gradients(window, ds.X[3], ds.y[3])
    assert chain.engine == pytest.approx(grads[0][0][1, 2], rel=1e-12, abs=1e-15)
    assert chain.written == pytest.approx(chain.engine, rel=1e-9, abs=1e-15)
    assert len(chain.paths) == 3 and chain.paths_agree
    text = window.chain_rule.panel.text.toPlainText()
    assert "Σ" in text and "equal to display precision" in text and "✗" not in text
    assert "layers[0].W.grad[1, 2]" in text


def test_clicking_empty_space_says_so_and_changes_nothing(window, qtbot):
    start_inspecting(qtbot, window)
    ds = window.session.dataset
    click(qtbot, window, *ds.X[0])
    panel = window.chain_rule.panel
    qtbot.waitUntil(lambda: panel.inspection is not None, timeout=2000)
    shown, n = panel.inspection, ds.n
    empty = (5.9, -5.9)
    assert np.min(np.hypot(*(ds.X - empty).T)) > 1.0
    click(qtbot, window, *empty)
    click(qtbot, window, *empty, button=Qt.MouseButton.RightButton)
    assert panel.status.isVisible() and "No data point" in panel.status.text()
    assert window.statusBar().currentMessage().startswith("No data point")
    assert panel.inspection is shown and window.session.dataset.n == n
    np.testing.assert_array_equal(window.chain_rule.point, ds.X[0])


def test_the_canvas_adds_nothing_while_inspecting(window, qtbot):
    start_inspecting(qtbot, window)
    n = window.session.dataset.n
    click(qtbot, window, 2.0, 2.5)
    plot = window.boundary_plot
    vb = plot.getPlotItem().getViewBox()
    start, end = (plot.mapFromScene(vb.mapViewToScene(QPointF(*p))) for p in ((-3.0, 1.0), (-1.0, 1.5)))
    qtbot.mousePress(plot.viewport(), Qt.MouseButton.LeftButton, pos=start)
    for t in np.linspace(0, 1, 6):
        qtbot.mouseMove(plot.viewport(), start + (end - start) * t)
    qtbot.mouseRelease(plot.viewport(), Qt.MouseButton.LeftButton, pos=end)
    assert window.session.dataset.n == n
    assert window.session.undo_stack.count() == 0
    # Back to adding: the same click adds a point again.
    window.tools.tool = "add"
    assert not window.chain_rule.action.isChecked()
    click(qtbot, window, 2.0, 2.5)
    assert window.session.dataset.n == n + 1


def test_a_step_refreshes_the_numbers_and_removing_the_point_clears_them(window, qtbot):
    start_inspecting(qtbot, window)
    window.chain_rule.inspect_at(*window.session.dataset.X[5])
    panel = window.chain_rule.panel
    before = panel.inspection
    assert before.snapshot.epoch == 0
    window.session.step()
    qtbot.waitUntil(lambda: panel.inspection.snapshot.epoch == 1, timeout=5000)
    assert not np.array_equal(panel.inspection.layers[0].W, before.layers[0].W)
    check_panel_against_engine(window, 5)
    ds = window.session.dataset
    window.session.apply_edit(RemovePoints([5], ds.X[[5]], ds.y[[5]], ds.is_test[[5]]), "Erase")
    assert panel.inspection is None and not window.chain_rule.ring.visible
    assert "removed" in panel.status.text()


def test_closing_the_panel_ends_the_tool_and_the_view_menu_brings_it_back(window, qtbot):
    start_inspecting(qtbot, window)
    window.chain_rule.inspect_at(*window.session.dataset.X[2])
    window.chain_rule.panel.close_button.click()
    assert window.chain_rule.dock.isHidden() and window.tools.tool == "add"
    assert not window.chain_rule.ring.visible
    view = window.menu("&View")
    toggle = next(a for a in view.actions() if a.text() == "Chain-rule panel")
    toggle.trigger()
    assert window.chain_rule.dock.isVisible() and window.chain_rule.ring.visible
    assert window.tools.tool == "add"  # showing the panel does not change the tool
    assert window.chain_rule.action in view.actions()
    assert window.chain_rule.action.shortcut().toString() == "I"


CASES = [  # (dataset, its options, hidden layers, the head the task gets)
    ("circle", {}, (), "sigmoid"),
    ("blobs", {"classes": 3}, (5,), "softmax"),
    ("plane", {}, (4, 3), "identity"),
]


@pytest.mark.parametrize("name, options, hidden, head", CASES, ids=[case[3] for case in CASES])
def test_each_head_and_depth_shows_the_engines_gradients(qtbot, name, options, hidden, head):
    ds = make_dataset(name, n=40, noise=0.1, seed=1, test_fraction=0.25, **options)
    window = open_window(qtbot, ds, TrainingConfig(hidden=hidden, activation="tanh", lr=0.05, seed=0))
    try:
        window.session.step(3)
        qtbot.waitUntil(lambda: window.session.latest_frame.epoch == 3, timeout=5000)
        start_inspecting(qtbot, window)
        index = int(np.flatnonzero(ds.is_test)[0])  # a test point is inspectable too
        click(qtbot, window, *ds.X[index])
        panel = window.chain_rule.panel
        qtbot.waitUntil(lambda: panel.inspection is not None, timeout=2000)
        assert panel.inspection.snapshot.head == head and panel.inspection.snapshot.epoch == 3
        check_panel_against_engine(window, index)
        first = WeightId(0, 0, 0)
        panel.choose_weight(first)
        assert panel.chain.agrees and ("Σ" in panel.text.toPlainText()) == bool(hidden)
    finally:
        window.close()


def test_key_i_switches_the_inspect_tool_on_and_off(window, qtbot):
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    qtbot.keyClick(window, Qt.Key.Key_I)
    assert window.tools.tool == "inspect" and window.chain_rule.dock.isVisible()
    qtbot.keyClick(window, Qt.Key.Key_I)
    assert window.tools.tool == "add" and window.chain_rule.dock.isVisible()  # the panel stays


def test_panel_explains_the_epoch_the_timeline_shows(qtbot, window):
    """Scrubbed back, the panel's numbers are those of the network at that epoch."""
    window.session.step(12)
    qtbot.waitUntil(lambda: window.session.latest_frame.epoch == 12, timeout=10000)
    start_inspecting(qtbot, window)
    x1, x2 = window.session.dataset.X[0]
    click(qtbot, window, float(x1), float(x2))
    qtbot.waitUntil(lambda: window.chain_rule.panel.inspection is not None, timeout=5000)
    window.session.view_epoch(5)
    qtbot.waitUntil(
        lambda: window.session.latest_frame.viewing and window.session.latest_frame.epoch == 5, timeout=5000
    )
    qtbot.waitUntil(
        lambda: (
            window.chain_rule.panel.inspection.snapshot.weights[0][0].tolist()
            == window.session.latest_frame.weights[0][0].tolist()
        ),
        timeout=5000,
    )
    shown = window.chain_rule.panel.inspection.snapshot
    for (W, b), (W5, b5) in zip(shown.weights, window.session.latest_frame.weights):
        np.testing.assert_array_equal(W, W5)
        np.testing.assert_array_equal(b, b5)
    live = window.session.run_in_worker(lambda t: t.model.layers[0].W.data.copy())
    assert not np.array_equal(live, shown.weights[0][0])  # the live network was left as it is
    # The header names the epoch it explains, the one shown, not the live epoch 12.
    assert " · epoch 5 · " in window.chain_rule.panel.summary.text()


def test_the_empty_chain_rule_box_says_what_will_appear_there(qtbot):
    # Opened before a point was inspected, the panel was two blank boxes under its header.
    from empty_ink import ink
    from PySide6.QtGui import QAction, QPalette

    from playground.ui.inspection.chain_rule_panel import EMPTY_TEXT, ChainRulePanel

    panel = ChainRulePanel(QAction("Inspect"))
    qtbot.addWidget(panel)
    panel.resize(1000, 240)
    panel.show()
    qtbot.waitExposed(panel)
    viewport = panel.text.viewport()
    background = viewport.palette().color(QPalette.ColorRole.Base)
    assert ink(viewport, background) > 50  # the words, drawn in the box
    assert panel.text.toPlainText() == EMPTY_TEXT
    panel.clear("The network changed.")
    assert panel.text.toPlainText() == EMPTY_TEXT and ink(viewport, background) > 50


def test_the_empty_box_wraps_its_words_in_a_1280_px_window(qtbot):
    # As the box's placeholder the sentence was drawn on one line, cut after 'appears here once a point is'.
    from PySide6.QtGui import QAction, QPalette

    from playground.ui.inspection.chain_rule_panel import ChainRulePanel

    panel = ChainRulePanel(QAction("Inspect"))
    qtbot.addWidget(panel)
    panel.resize(1270, 100)  # the dock across a 1280-px window: the text box about 630 px wide
    panel.show()
    qtbot.waitExposed(panel)
    viewport = panel.text.viewport()
    image, background = viewport.grab().toImage(), viewport.palette().color(QPalette.ColorRole.Base)
    inked = [
        y for y in range(image.height()) if any(image.pixelColor(x, y) != background for x in range(image.width()))
    ]
    line = panel.text.fontMetrics().lineSpacing()
    assert inked and inked[-1] - inked[0] > 1.5 * line  # two lines of words, not one cut at the edge
    # Nothing of the words runs past the right edge: each line's ink ends inside the box.
    assert panel.text.document().size().width() <= viewport.width()


def contrast(a, b) -> float:
    """WCAG contrast ratio of two QColors."""

    def luminance(c) -> float:
        lin = [(v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4) for v in (c.redF(), c.greenF(), c.blueF())]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_the_notices_and_errors_in_red_read_in_both_themes(qtbot, window):
    # A fixed dark red (#8A1C12) was 1.5:1 on the dark theme's background, the race's #C0392B 2.5:1.
    from PySide6.QtGui import QPalette
    from PySide6.QtWidgets import QDockWidget

    from playground.ui.graph.expression_panel import ExpressionPanel
    from playground.ui.race.race_view import RaceView
    from playground.ui.shell.theme import apply_theme

    start_inspecting(qtbot, window)
    assert not window.chain_rule.inspect_at(50.0, 50.0)  # no point there: a notice
    window.findChild(QDockWidget, "graphDock").show()
    window.findChild(QDockWidget, "raceDock").show()
    error = window.findChild(ExpressionPanel).error
    race_error = window.findChild(RaceView).error
    status = window.chain_rule.panel.status
    assert status.isVisible()
    try:
        for theme in ("dark", "light"):
            apply_theme(window, theme)
            for label in (status, error, race_error):
                palette = label.palette()
                shown = palette.color(QPalette.ColorRole.WindowText)
                assert contrast(shown, palette.color(QPalette.ColorRole.Window)) >= 4.5, (theme, label.objectName())
                assert shown.red() > shown.green() + 60  # still red: it is a notice
    finally:
        apply_theme(window, "light")


def test_the_engines_verdict_reads_in_the_dark_theme(qtbot, window):
    # '✓ equal to display precision' was #007A4D on the dark theme's background: 2.6:1.
    from PySide6.QtGui import QPalette, QTextCursor

    from playground.ui.shell.theme import apply_theme

    start_inspecting(qtbot, window)
    x1, x2 = window.session.dataset.X[3]
    assert window.chain_rule.inspect_at(float(x1), float(x2))
    panel = window.chain_rule.panel
    try:
        apply_theme(window, "dark")
        viewport = panel.text.viewport()
        qtbot.waitUntil(lambda: viewport.palette().color(QPalette.ColorRole.Base).lightness() < 128, timeout=2000)
        document = panel.text.document()
        at = document.find("✓")
        assert not at.isNull()
        cursor = QTextCursor(document)
        cursor.setPosition(at.selectionEnd())  # the format of the character before: the ✓
        form = cursor.charFormat()
        base = viewport.palette().color(QPalette.ColorRole.Base)
        ground = form.background().color() if form.background().style() != Qt.BrushStyle.NoBrush else base
        assert contrast(form.foreground().color(), ground) >= 4.5
    finally:
        apply_theme(window, "light")
