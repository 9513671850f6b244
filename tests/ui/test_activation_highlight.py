"""The inspected point is ringed in the activation space too, through the inspector's hook."""

from __future__ import annotations

import numpy as np

from playground.data import make_dataset
from playground.training import TrainingConfig
from playground.ui import MainWindow


def test_inspecting_a_point_rings_it_in_the_activation_space(qtbot):
    ds = make_dataset("xor", n=60, noise=0.0, seed=0, test_fraction=0.25)
    window = MainWindow(ds, TrainingConfig(hidden=(4, 3), activation="tanh", lr=0.05, batch_size=20, seed=0))
    qtbot.addWidget(window)
    window.resize(1280, 720)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: window.session.latest_frame is not None, timeout=5000)
    qtbot.waitUntil(lambda: window._drawn is window.session.latest_frame, timeout=2000)
    announced = []
    window.chain_rule.highlightChanged.connect(announced.append)
    window.chain_rule.action.trigger()
    qtbot.waitUntil(lambda: window.chain_rule.dock.isVisible(), timeout=2000)
    assert window.chain_rule.inspect_at(*ds.X[9])

    np.testing.assert_array_equal(announced[-1], ds.X[9])
    view = window.activation_view
    a = window.session.trainer.probe(ds.X[9:10]).a[-2]  # the last hidden layer, shown by default
    np.testing.assert_allclose(window.activation_plot.highlight(), view.plane().project(a)[0], atol=1e-6)

    window.chain_rule.panel.close_button.click()  # the ring goes with the panel, here as there
    assert announced[-1] is None and window.activation_plot.highlight() is None
    window.close()
