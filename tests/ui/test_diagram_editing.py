"""Setting a weight or a bias by hand in the network diagram (issue 12): a click on an edge or a
double-click on a unit opens the editor; the value goes through the training thread paused or
playing; one undo step restores the old value exactly; a bad value changes nothing."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication
from shared_window import own_window, reused_window

from playground.data import make_dataset
from playground.training import TrainingConfig
from playground.ui import MainWindow
from playground.ui.diagram.editor import nudged


def _open(qtbot, config: TrainingConfig) -> MainWindow:
    ds = make_dataset("xor", n=60, noise=0.0, seed=0, test_fraction=0.25)
    w = MainWindow(ds, config)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    _fresh(qtbot, w)
    return w


def _fresh(qtbot, window) -> None:
    """Wait until the diagram shows a frame made after everything asked so far."""
    session = window.session
    session.run_in_worker(lambda trainer: None)
    token = session.latest_frame
    session.worker.submit(lambda trainer: None)
    qtbot.waitUntil(
        lambda: session.latest_frame is not token and window.network_view.diagram.frame is session.latest_frame,
        timeout=10000,
    )


def _build() -> MainWindow:
    ds = make_dataset("xor", n=60, noise=0.0, seed=0, test_fraction=0.25)
    return MainWindow(ds, TrainingConfig(hidden=(3,), activation="tanh", features=("x1", "x2"), seed=0))


# One window for the module's tests, checked to look as new before each (shared_window.py).
kept_window, reused = reused_window(_build, name="reused")
own_window = own_window(_build)


@pytest.fixture
def window(reused, qtbot):
    _fresh(qtbot, reused)  # as _open waits: the diagram shows the newest frame
    return reused


def _edge_point(diagram, layer: int, i: int, j: int) -> QPoint:
    """A viewport point on edge ``w(layer)[i -> j]`` that is nearer it than any other edge."""
    line = diagram.edge(layer, i, j).line
    for t in np.linspace(0.2, 0.8, 61):
        p = QPointF(line.x1() + t * line.dx(), line.y1() + t * line.dy())
        pos = diagram.mapFromScene(p)
        if diagram.parameter_at(pos, double=False) is not None and diagram._thing_at(pos) == ("edge", (layer, i, j)):
            return pos
    raise AssertionError("no point of the edge is its own")


def _weights(window):
    return window.session.run_in_worker(lambda t: [(l.W.data.copy(), l.b.data.copy()) for l in t.model.layers])


def _type(qtbot, editor, text: str) -> None:
    editor.field.clear()
    qtbot.keyClicks(editor.field, text)
    qtbot.keyClick(editor.field, Qt.Key.Key_Return)


def test_a_clicked_weight_set_by_typing_changes_predict_exactly_and_undoes(window, qtbot):
    diagram, editor = window.network_view.diagram, window.network_view.editor
    old = _weights(window)
    qtbot.mouseClick(diagram.viewport(), Qt.MouseButton.LeftButton, pos=_edge_point(diagram, 2, 1, 0))
    assert editor.isVisible() and editor.title.text() == "weight w(2)[2→1]"
    assert float(editor.field.text()) == pytest.approx(old[1][0][1, 0], rel=1e-5)
    assert diagram.emphasis == (2, 1, 0)  # the edited weight glows
    _type(qtbot, editor, "0.75")
    assert not editor.isVisible() and diagram.emphasis is None
    new = _weights(window)
    assert new[1][0][1, 0] == 0.75
    new[1][0][1, 0] = old[1][0][1, 0]
    for (W0, b0), (W1, b1) in zip(old, new):  # nothing else moved
        np.testing.assert_array_equal(W0, W1)
        np.testing.assert_array_equal(b0, b1)
    # predict by hand: tanh hidden layer, sigmoid output, with the typed weight.
    trainer = window.session.trainer
    X = window.session.dataset.X[:10]
    W1, b1 = trainer.model.layers[0].W.data, trainer.model.layers[0].b.data
    W2, b2 = trainer.model.layers[1].W.data, trainer.model.layers[1].b.data
    assert W2[1, 0] == 0.75
    h = np.tanh(trainer.features(X) @ W1 + b1)
    p = 1 / (1 + np.exp(-(h @ W2 + b2)[:, 0]))
    predicted = window.session.run_in_worker(lambda t: t.predict(X))
    np.testing.assert_allclose(predicted[:, -1], p, rtol=1e-12, atol=1e-15)
    # The frame drawn carries it, and the edge's tooltip says it.
    _fresh(qtbot, window)
    assert diagram.frame.weights[1][0][1, 0] == 0.75
    assert diagram.tooltip_at(_edge_point(diagram, 2, 1, 0)).startswith("w(2)[2→1] = 0.75,")
    # One undo step, named for it, restores the old value exactly; redo sets it again.
    stack = window.session.undo_stack
    assert stack.undoText() == "Set weight w(2)[2→1] to 0.75"
    stack.undo()
    assert _weights(window)[1][0][1, 0] == old[1][0][1, 0]
    stack.redo()
    assert _weights(window)[1][0][1, 0] == 0.75


def test_a_double_clicked_unit_sets_its_bias(window, qtbot):
    diagram, editor = window.network_view.diagram, window.network_view.editor
    qtbot.mouseDClick(diagram.viewport(), Qt.MouseButton.LeftButton, pos=diagram.node_center(1, 2))
    assert editor.isVisible() and editor.title.text() == "bias b(1)[3]"
    _type(qtbot, editor, "-1.25")
    assert _weights(window)[0][1][2] == -1.25
    assert window.session.undo_stack.undoText() == "Set bias b(1)[3] to -1.25"
    # The unit's map follows at once: unit 3 of layer 1 on the boundary plot is tanh(w·x - 1.25).
    _fresh(qtbot, window)
    frame = diagram.frame
    W, b = frame.weights[0]
    assert b[2] == -1.25
    grid = np.stack(np.meshgrid(frame.grid_axis, frame.grid_axis), axis=-1).reshape(-1, 2)
    np.testing.assert_allclose(frame.grid_a[0][:, 2], np.tanh(grid @ W[:, 2] - 1.25), atol=1e-6)  # a float32 probe


@pytest.mark.parametrize(
    "text, says",
    [
        ("abc", "'abc' is not a number"),
        ("nan", "not a finite number"),
        ("1e999", "not a finite number"),
        ("", "is not a number"),
    ],
)
def test_a_bad_value_says_why_and_changes_nothing(window, qtbot, text, says):
    diagram, editor = window.network_view.diagram, window.network_view.editor
    messages = []
    window.session.message.connect(lambda level, message: messages.append((level, message)))
    old, steps = _weights(window), window.session.undo_stack.count()
    window.network_view.edit(diagram.parameter_at(_edge_point(diagram, 1, 0, 2), double=False))
    _type(qtbot, editor, text)
    assert editor.isVisible() and editor.message.isVisible() and says in editor.message.text()
    assert messages and messages[-1][0] == "warning" and says in messages[-1][1] and "w(1)[1→3]" in messages[-1][1]
    assert window.session.undo_stack.count() == steps
    for (W0, b0), (W1, b1) in zip(old, _weights(window)):
        np.testing.assert_array_equal(W0, W1)
        np.testing.assert_array_equal(b0, b1)
    qtbot.keyClick(editor.field, Qt.Key.Key_Escape)
    assert not editor.isVisible()


def test_a_value_the_network_dtype_cannot_hold_is_refused_by_the_trainer(qtbot):
    w = _open(qtbot, TrainingConfig(hidden=(3,), features=("x1", "x2"), dtype="float32", seed=0))
    try:
        diagram, editor = w.network_view.diagram, w.network_view.editor
        old = _weights(w)
        w.network_view.edit(diagram.parameter_at(diagram.node_center(2, 0), double=True))
        _type(qtbot, editor, "1e39")  # finite as a float64, not as a float32
        assert editor.isVisible() and "finite float32" in editor.message.text()
        np.testing.assert_array_equal(_weights(w)[1][1], old[1][1])
    finally:
        w.close()


def test_nudges_apply_at_once_and_are_one_undo_step(window, qtbot):
    diagram, editor = window.network_view.diagram, window.network_view.editor
    stack = window.session.undo_stack
    steps = stack.count()
    parameter = diagram.parameter_at(_edge_point(diagram, 1, 1, 1), double=False)
    window.network_view.edit(parameter)
    exact = _weights(window)[0][0][1, 1]
    assert float(editor.field.text()) == pytest.approx(exact, rel=1e-5)  # the box opens on the value
    for _ in range(3):  # the wheel over the box, one notch up each
        pos = QPointF(editor.rect().center())
        QApplication.sendEvent(
            editor,
            QWheelEvent(
                pos,
                editor.mapToGlobal(pos),
                QPoint(),
                QPoint(0, 120),
                Qt.MouseButton.NoButton,
                Qt.KeyboardModifier.NoModifier,
                Qt.ScrollPhase.NoScrollPhase,
                False,
            ),
        )
    qtbot.keyClick(editor.field, Qt.Key.Key_Down)
    expected = exact
    for step in (1, 1, 1, -1):
        expected = nudged(expected, step)
    assert _weights(window)[0][0][1, 1] == expected
    assert stack.count() == steps + 1 and stack.undoText() == f"Set weight w(1)[2→2] to {expected:.6g}"
    qtbot.keyClick(editor.field, Qt.Key.Key_Escape)
    stack.undo()
    assert _weights(window)[0][0][1, 1] == exact  # the value before the first nudge, exactly


def test_editing_while_playing_is_applied_by_the_worker(qtbot):
    # A learning rate so small that training cannot move the weight visibly: the frames after
    # the edit carry the typed value.
    w = _open(qtbot, TrainingConfig(hidden=(3,), features=("x1", "x2"), optimizer="sgd", lr=1e-12, seed=0))
    try:
        diagram, editor, session = w.network_view.diagram, w.network_view.editor, w.session
        parameter = diagram.parameter_at(_edge_point(diagram, 2, 0, 0), double=False)
        session.play()
        qtbot.waitUntil(lambda: session.latest_frame.playing and session.latest_frame.epoch > 2, timeout=10000)
        w.network_view.edit(parameter)
        _type(qtbot, editor, "2.5")
        epoch = session.latest_frame.epoch
        qtbot.waitUntil(lambda: session.latest_frame.playing and session.latest_frame.epoch > epoch + 2, timeout=10000)
        assert session.latest_frame.weights[1][0][0, 0] == pytest.approx(2.5, abs=1e-9)
        assert session.playing
        session.pause()
        assert _weights(w)[1][0][0, 0] == pytest.approx(2.5, abs=1e-9)
    finally:
        w.close()


def test_a_past_epoch_is_not_edited(window, qtbot):
    session, view = window.session, window.network_view
    session.step(3)
    qtbot.waitUntil(lambda: session.latest_frame.epoch == 3, timeout=10000)
    session.view_epoch(0)
    qtbot.waitUntil(lambda: session.latest_frame.viewing and view.diagram.frame is session.latest_frame, timeout=10000)
    messages = []
    session.message.connect(lambda level, message: messages.append(message))
    view.edit(view.diagram.parameter_at(_edge_point(view.diagram, 2, 0, 0), double=False))
    assert not view.editor.isVisible() and "past epoch" in messages[-1]


@pytest.mark.parametrize(
    "value, steps, expected",
    [
        (0.70634, 1, 0.71),
        (0.70634, -1, 0.70),
        (0.71, 1, 0.72),
        (0.71, 3, 0.74),
        (3.2, 1, 3.3),
        (0.0, 1, 0.01),
        (-0.05, -1, -0.06),
        (0.095, 1, 0.10),
        (-12.34, 1, -12.0),
    ],
)
def test_a_nudge_steps_onto_round_values(value, steps, expected):
    assert nudged(value, steps) == pytest.approx(expected, abs=1e-12)


def test_the_chain_rule_panel_and_the_boundary_follow_an_edit(own_window, qtbot):
    # Its own window: the chain-rule dock, once built, stays built (a reused window would not look new).
    window = own_window
    _fresh(qtbot, window)
    session, view = window.session, window.network_view
    point = session.dataset.X[4]
    window.chain_rule.action.trigger()  # the Inspect tool, with its panel
    assert window.chain_rule.inspect_at(float(point[0]), float(point[1]))
    qtbot.waitUntil(lambda: window.chain_rule.panel.inspection is not None, timeout=10000)
    before = window.boundary_plot.map_image().copy()
    view.edit(view.diagram.parameter_at(_edge_point(view.diagram, 2, 2, 0), double=False))
    _type(qtbot, view.editor, "-3")
    _fresh(qtbot, window)
    qtbot.waitUntil(lambda: window.chain_rule.panel.inspection.layers[1].W[2, 0] == -3.0, timeout=10000)
    assert not np.array_equal(window.boundary_plot.map_image(), before)


# ------------------------------------------------------------ the open box follows the live value


def _undo_action(window):
    return next(a for a in window.menu("&Edit").actions() if a.text().startswith("&Undo"))


def _redo_action(window):
    return next(a for a in window.menu("&Edit").actions() if a.text().startswith("&Redo"))


def test_the_open_box_follows_undo_and_redo_but_never_overwrites_typing(window, qtbot):
    diagram, editor = window.network_view.diagram, window.network_view.editor
    old = _weights(window)[1][0][1, 0]
    point = _edge_point(diagram, 2, 1, 0)
    qtbot.mouseClick(diagram.viewport(), Qt.MouseButton.LeftButton, pos=point)
    _type(qtbot, editor, "0.75")
    qtbot.mouseClick(diagram.viewport(), Qt.MouseButton.LeftButton, pos=point)  # open again, on 0.75
    _fresh(qtbot, window)
    assert editor.isVisible() and editor.field.text() == "0.75"
    _undo_action(window).trigger()  # Edit > Undo while the box is open
    _fresh(qtbot, window)
    assert editor.isVisible() and editor.field.text() == f"{old:.6g}"
    _redo_action(window).trigger()
    _fresh(qtbot, window)
    assert editor.field.text() == "0.75"
    # The followed value is still all selected, as on opening: what the person types replaces it.
    qtbot.keyClicks(editor.field, "1.5")
    assert editor.field.text() == "1.5"
    _undo_action(window).trigger()  # the value changes under the typing
    _fresh(qtbot, window)
    assert _weights(window)[1][0][1, 0] == old
    assert editor.field.text() == "1.5"  # what they typed stays
    qtbot.keyClick(editor.field, Qt.Key.Key_Return)
    assert not editor.isVisible() and _weights(window)[1][0][1, 0] == 1.5


def test_the_open_box_follows_training(window, qtbot):
    diagram, editor, session = window.network_view.diagram, window.network_view.editor, window.session
    qtbot.mouseDClick(diagram.viewport(), Qt.MouseButton.LeftButton, pos=diagram.node_center(1, 0))
    assert editor.isVisible() and editor.title.text() == "bias b(1)[1]"
    opened = editor.field.text()
    session.step(20)
    qtbot.waitUntil(lambda: session.latest_frame.epoch == 20, timeout=10000)
    _fresh(qtbot, window)
    live = _weights(window)[0][1][0]
    assert f"{live:.6g}" != opened  # training moved it...
    assert editor.field.text() == f"{live:.6g}"  # ...and the box shows where to
    # Enter on the value shown (nothing typed) applies nothing: no undo step of a rounded value.
    steps = session.undo_stack.count()
    qtbot.keyClick(editor.field, Qt.Key.Key_Return)
    assert not editor.isVisible() and session.undo_stack.count() == steps
    assert _weights(window)[0][1][0] == live


def test_a_nudge_is_not_undone_by_a_frame_drawn_before_it(window, qtbot):
    diagram, editor = window.network_view.diagram, window.network_view.editor
    window.network_view.edit(diagram.parameter_at(_edge_point(diagram, 1, 1, 1), double=False))
    start = editor.value
    stale = window.session.latest_frame  # drawn before the nudge: carries the old value
    qtbot.keyClick(editor.field, Qt.Key.Key_Up)
    window.network_view.show_frame(stale)  # as the pacer may still draw it
    assert editor.field.text() == f"{nudged(start, 1):.6g}"
    qtbot.keyClick(editor.field, Qt.Key.Key_Up)  # the next nudge starts from the nudged value
    assert _weights(window)[0][0][1, 1] == nudged(nudged(start, 1), 1)


# ------------------------------------------------------------ the box's field is visible on every theme


def _luminance(color) -> float:
    return 0.2126 * color.red() + 0.7152 * color.green() + 0.0722 * color.blue()


@pytest.mark.parametrize("theme, presenting", [("light", False), ("dark", False), ("dark", True)])
def test_the_value_field_has_a_visible_edge(window, qtbot, theme, presenting):
    from playground.ui.shell.presentation import set_presentation
    from playground.ui.shell.theme import apply_theme

    apply_theme(window, theme)
    set_presentation(window, presenting)
    try:
        qtbot.wait(50)  # the widgets hear of the new palette through the event loop
        diagram, editor = window.network_view.diagram, window.network_view.editor
        qtbot.mouseDClick(diagram.viewport(), Qt.MouseButton.LeftButton, pos=diagram.node_center(1, 0))
        assert editor.isVisible()
        image = editor.grab().toImage()
        box = editor.field.parentWidget().geometry()  # the field as drawn: its box (or itself, framed by Qt)
        y = box.center().y()
        outside = image.pixelColor(box.left() - 2, y)  # the box's background beside the field
        edge = max(
            (image.pixelColor(box.left() + dx, y) for dx in range(3)),
            key=lambda c: abs(_luminance(c) - _luminance(outside)),
        )
        assert abs(_luminance(edge) - _luminance(outside)) > 60, (theme, edge.name(), outside.name())
        # The typed digits are readable on the field's own background.
        inside = image.pixelColor(box.right() - 4, y)
        text = QApplication.palette().color(QApplication.palette().ColorRole.Text)
        assert abs(_luminance(text) - _luminance(inside)) > 100
        # Its text is as large as the diagram's (x1.4 in presentation mode), not frozen by its style sheet.
        for label in (editor.title, editor.field):
            assert label.font().pointSizeF() == pytest.approx(diagram.font().pointSizeF())
    finally:  # the palette is the application's: the next tests get the light theme
        set_presentation(window, False)
        apply_theme(window, "light")
