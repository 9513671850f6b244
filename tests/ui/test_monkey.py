"""A monkey test: thousands of random actions, no exception, and the canvas never disagrees
with the dataset about how many points there are."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import (QAbstractButton, QAbstractSlider, QAbstractSpinBox, QApplication,
                               QComboBox, QDoubleSpinBox, QSpinBox)

from playground.data import make_dataset
from playground.training import TrainingConfig
from playground.ui import MainWindow

ACTIONS = 2000


@pytest.fixture
def window(qtbot):
    w = MainWindow(make_dataset("moons", n=150, noise=0.1, seed=0, test_fraction=0.2),
                   TrainingConfig(hidden=(4,), batch_size=16, seed=0))
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    yield w
    w.close()


def _controls(window):
    """Every control in the side panels and the transport bar that a person could poke."""
    roots = (window.data_panel, window.network_panel, window.training_panel, window.transport,
             window.activation_view)
    found = []
    for root in roots:
        for kind in (QAbstractSpinBox, QComboBox, QAbstractSlider, QAbstractButton):
            found.extend(w for w in root.findChildren(kind) if w.isVisible() and w.isEnabled())
    return found


def _poke(widget, rng: np.random.Generator) -> None:
    """Set a control to a random or extreme value, the way a curious person would."""
    if isinstance(widget, (QSpinBox, QDoubleSpinBox)):
        value = rng.choice([widget.minimum(), widget.maximum(),
                            rng.uniform(widget.minimum(), widget.maximum())])
        widget.setValue(int(value) if isinstance(widget, QSpinBox) else float(value))
        widget.editingFinished.emit()
    elif isinstance(widget, QComboBox) and widget.count():
        widget.setCurrentIndex(int(rng.integers(widget.count())))
    elif isinstance(widget, QAbstractSlider):
        widget.setValue(int(rng.choice([widget.minimum(), widget.maximum(),
                                        rng.integers(widget.minimum(), widget.maximum() + 1)])))
        widget.sliderReleased.emit()
    elif isinstance(widget, QAbstractButton):
        widget.click()


def _click(qtbot, plot, x, y, button, modifier):
    vb = plot.getPlotItem().getViewBox()
    pos = plot.mapFromScene(vb.mapViewToScene(QPointF(x, y)))
    qtbot.mouseMove(plot.viewport(), pos)
    qtbot.mouseClick(plot.viewport(), button, modifier, pos)


def _expected_points(window) -> int:
    dataset = window.session.dataset
    return dataset.n if window.tools.show_test else int((~dataset.is_test).sum())


def test_random_actions(window, qtbot):
    rng = np.random.default_rng(1234)
    session, plot = window.session, window.boundary_plot
    kinds = ["click", "click", "right", "erase", "undo", "redo", "control", "control", "control",
             "play", "step", "reset", "architecture", "tool", "generate"]
    for index in range(ACTIONS):
        kind = kinds[int(rng.integers(len(kinds)))]
        x, y = rng.uniform(-6, 6, size=2)
        if kind == "click":
            _click(qtbot, plot, x, y, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
        elif kind == "right":
            _click(qtbot, plot, x, y, Qt.MouseButton.RightButton, Qt.KeyboardModifier.NoModifier)
        elif kind == "erase":
            _click(qtbot, plot, x, y, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ShiftModifier)
        elif kind == "undo":
            session.undo_stack.undo()
        elif kind == "redo":
            session.undo_stack.redo()
        elif kind == "control":
            controls = _controls(window)
            _poke(controls[int(rng.integers(len(controls)))], rng)
        elif kind == "play":
            session.toggle_play()
        elif kind == "step":
            session.step(int(rng.integers(1, 4)))
        elif kind == "reset":
            session.reset()
        elif kind == "architecture":
            layers = int(rng.integers(0, 4))
            session.update_config(hidden=tuple(int(u) for u in rng.integers(1, 9, size=layers)),
                                  activation=str(rng.choice(["relu", "tanh", "sigmoid", "leaky_relu", "linear"])))
        elif kind == "tool":
            window.tools.tool = str(rng.choice(["add", "erase"]))
            window.tools.current_class = int(rng.integers(session.dataset.n_classes or 1))
        elif kind == "generate":
            session.generate(str(rng.choice(["xor", "circle", "blobs", "plane", "spiral"])),
                             n=int(rng.integers(1, 300)), noise=float(rng.uniform(0, 1)), seed=index)
        QApplication.processEvents()
        assert plot.points_drawn() == _expected_points(window), (index, kind)
    session.pause()
    qtbot.wait(100)
    # The frames kept coming and the last one is drawable: the training thread survived it all.
    qtbot.waitUntil(lambda: window._drawn is session.latest_frame, timeout=5000)
    assert np.all(np.isfinite(session.trainer.model.params.data))
