"""The speed setting says what it does: the measured epochs per second beside it, and the unit
agrees with the number ("1 epoch/s")."""

from __future__ import annotations

import math

import pytest

from playground.data import make_dataset
from playground.training import TrainingConfig
from playground.ui.panels import TransportBar
from playground.ui.panels.rate import STALE_S, WINDOW_S, RateMeter, epochs_per_second
from playground.ui.panels.transport import SPEEDS
from playground.ui.session.session_model import SessionModel


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def model(qtbot):
    session = SessionModel(
        make_dataset("xor", n=60, seed=0, test_fraction=0.3), TrainingConfig(hidden=(3,), batch_size=60)
    )
    yield session
    session.shutdown()


def test_the_unit_agrees_with_the_number():
    assert epochs_per_second(1) == "1 epoch/s"
    assert [epochs_per_second(r) for r in (2, 60, 0.5, 1.5)] == [
        "2 epochs/s",
        "60 epochs/s",
        "0.5 epochs/s",
        "1.5 epochs/s",
    ]


def test_the_meter_measures_epochs_over_time_and_smooths():
    clock = FakeClock()
    meter = RateMeter(clock)
    assert math.isnan(meter.rate)
    epoch = 0
    for _ in range(20):  # 40 epochs/s: one epoch every 25 ms
        meter.add(epoch)
        clock.now += 0.025
        epoch += 1
    assert meter.rate == pytest.approx(40, rel=0.05)
    for _ in range(40):  # the machine slows to 20 epochs/s: the estimate follows within a second
        meter.add(epoch)
        clock.now += 0.05
        epoch += 1
    assert meter.rate == pytest.approx(20, rel=0.05)
    clock.now += STALE_S + 0.1  # nothing trained for a while: no claim about now
    assert math.isnan(meter.rate)


def test_the_meter_restarts_when_the_epoch_goes_back():
    clock = FakeClock()
    meter = RateMeter(clock)
    for epoch in range(20):
        meter.add(epoch)
        clock.now += 0.1
    assert meter.rate == pytest.approx(10, rel=0.05)
    meter.add(0)  # a reset: the old rate says nothing about the new run
    assert math.isnan(meter.rate)
    clock.now += WINDOW_S
    meter.add(5)
    assert meter.rate == pytest.approx(5 / WINDOW_S)


def test_the_bar_shows_the_setting_and_the_measured_rate(qtbot, model):
    bar = TransportBar(model)
    qtbot.addWidget(bar)
    bar.speed.setValue(SPEEDS.index(1))
    assert bar.speed_label.text() == "1 epoch/s"  # was "1 epochs/s"
    bar.speed.setValue(SPEEDS.index(30))
    assert bar.speed_label.text() == "30 epochs/s"
    assert bar.measured_label.text() == "measured –"  # paused: nothing measured
    model.play()
    qtbot.waitUntil(lambda: bar.measured_label.text() != "measured –", timeout=5000)
    rate = float(bar.measured_label.text().split()[1])  # "measured 29", in epochs/s
    assert 3 <= rate <= 45  # about the setting of 30 (the test machine may be slower)
    model.pause()
    qtbot.waitUntil(lambda: bar.measured_label.text() == "measured –", timeout=5000)
    assert bar.measured_label.toolTip()
