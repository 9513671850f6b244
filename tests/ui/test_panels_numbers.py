"""Numbers for people in the readouts and tooltips (at most four significant digits, scientific
when large), and a weight-decay tooltip whose words match what the optimiser does."""

from __future__ import annotations

import dataclasses
import re

import numpy as np
import pytest

from playground.data import make_dataset
from playground.engine.tensor import Tensor
from playground.nn import FlatParameters, make_optimizer
from playground.training import TrainingConfig
from playground.ui.panels import TrainingPanel, TransportBar
from playground.ui.panels.training_panel import decay_now
from playground.ui.session.session_model import SessionModel


@pytest.fixture
def model(qtbot):
    session = SessionModel(
        make_dataset("plane", n=60, seed=0, test_fraction=0.3), TrainingConfig(hidden=(3,), activation="linear")
    )
    yield session
    session.shutdown()


def test_a_diverging_run_reads_in_scientific_notation(qtbot, model):
    bar = TransportBar(model)
    qtbot.addWidget(bar)
    model.step()
    qtbot.waitUntil(lambda: bar.epoch_label.text() == "epoch 1", timeout=5000)
    frame = model.latest_frame
    huge = dataclasses.replace(
        frame.stats, train_loss=1.23456e90, test_loss=98765.4321, train_metric=3.3333e45, test_metric=0.000123456
    )
    model.frameReady.emit(dataclasses.replace(frame, stats=huge))
    assert bar.loss_label.text() == "loss: train 1.235e90 · test 9.877e4"  # was ninety digits
    assert bar.metric_label.text() == "RMSE: train 3.333e45 · test 1.235e-4"
    plain = dataclasses.replace(frame.stats, train_loss=0.693147, test_loss=0.5)
    model.frameReady.emit(dataclasses.replace(frame, stats=plain))
    assert bar.loss_label.text() == "loss: train 0.6931 · test 0.5"


def shrink_of_one_update(optimizer: str, lr: float, decay: float) -> float:
    """The share by which one update shrinks a weight that has no gradient, measured."""
    weight = Tensor(np.array([[2.0]]))
    params = FlatParameters([weight], [True])
    make_optimizer(optimizer, params, lr, weight_decay=decay).step()  # the gradient is zero
    return 1 - float(params.data[0]) / 2.0


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_the_weight_decay_tooltip_says_what_the_optimiser_does(qtbot, model, optimizer):
    panel = TrainingPanel(model)
    qtbot.addWidget(panel)
    model.update_config(optimizer=optimizer, lr=0.03, weight_decay=0.1)
    tooltip = panel.control("weight_decay").toolTip()
    assert "learning rate × decay" in tooltip and "AdamW" in tooltip
    assert "by this share" not in tooltip  # the old, wrong words
    share = float(re.search(r"Now: ([0-9.e-]+) %", tooltip).group(1)) / 100
    assert share == pytest.approx(shrink_of_one_update(optimizer, 0.03, 0.1)) == pytest.approx(0.003)
    model.update_config(weight_decay=0.0)
    assert "Now: off." in panel.control("weight_decay").toolTip()


def test_decay_now_formats_for_people():
    config = TrainingConfig(lr=0.1, weight_decay=0.0001, schedule="step")
    assert decay_now(config).startswith("Now: 0.001 % of every weight per update (learning rate 0.1 × decay 1e-4).")
    assert "schedule lowers" in decay_now(config)
