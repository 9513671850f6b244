"""The loss and gradient plots' view follows the history from its extremes alone: the same round
range as from every finite value (non-finite values left out, zeros at the log floor), and a curve
keeps its own copy of the points, so a history array changed in place is drawn anew."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPointF

from playground.ui.plots.gradients import GradientPlot
from playground.ui.plots.history import LOG_FLOOR, all_finite, finite_range, finite_series, round_up
from playground.ui.plots.loss import LossPlot

_PAD = 0.03  # HistoryPlot._follow's padding


def _expected_y(values: list[np.ndarray], log: bool) -> tuple[float, float]:
    """The value bounds from every finite value, joined and masked (the range the plots show)."""
    finite = np.concatenate([np.ravel(v) for v in values])
    finite = finite[np.isfinite(finite)]
    if log:
        finite = np.log10(np.maximum(finite, LOG_FLOOR))
        low, high = (float(np.floor(finite.min())), float(np.ceil(finite.max()))) if len(finite) else (-1.0, 0.0)
        return low, max(high, low + 1.0)
    if not len(finite):
        return 0.0, 1.0
    low = 0.0 if finite.min() >= 0 else -round_up(-finite.min())
    return low, round_up(finite.max()) if finite.max() > 0 else 1.0


def _shown_y(plot) -> tuple[float, float]:
    low, high = plot.getPlotItem().getViewBox().viewRange()[1]
    span = (high - low) / (1 + 2 * _PAD)
    return low + _PAD * span, high - _PAD * span


def _histories(rng: np.random.Generator, n: int) -> list[np.ndarray]:
    """Loss-like columns: plain, with NaN and infinities (a diverged run), with zeros, negative, empty of finite."""
    plain = np.exp(-np.arange(n) / 50) * (1 + rng.random(n))
    broken = plain.copy()
    broken[rng.integers(0, n, 5)] = np.nan
    broken[rng.integers(0, n, 3)] = np.inf
    broken[rng.integers(0, n, 3)] = -np.inf
    zeros = plain.copy()
    zeros[::7] = 0.0
    negative = plain - 1.5
    return [plain, broken, zeros, negative, np.full(n, np.nan)]


@pytest.mark.parametrize("log", [False, True])
def test_loss_view_range_is_the_one_every_finite_value_gives(qtbot, log: bool) -> None:
    plot = LossPlot()
    qtbot.addWidget(plot)
    plot.resize(360, 220)
    plot.set_log(log)
    rng = np.random.default_rng(3)
    columns = _histories(rng, 200)
    epochs = np.arange(1.0, 201.0)
    for train in columns:
        for test in columns:
            plot.update_history(epochs, train, test, 100 - train, 90 - test)
            assert _shown_y(plot) == pytest.approx(_expected_y([train, test], log), abs=1e-9)


def test_gradient_view_range_is_the_one_every_finite_value_gives(qtbot) -> None:
    plot = GradientPlot()
    qtbot.addWidget(plot)
    plot.resize(360, 220)
    rng = np.random.default_rng(4)
    columns = _histories(rng, 120)
    for k in range(len(columns)):
        norms = np.abs(np.stack([columns[k], columns[(k + 1) % len(columns)]], axis=1))
        plot.update_history(np.arange(120.0), norms, ["layer 1", "output"])
        assert _shown_y(plot) == pytest.approx(_expected_y([norms], True), abs=1e-9)


def test_a_history_changed_in_place_is_drawn_anew(qtbot) -> None:
    plot = LossPlot()
    qtbot.addWidget(plot)
    plot.resize(360, 220)
    epochs, loss = np.arange(10.0), np.linspace(1.0, 0.5, 10)
    plot.show()
    qtbot.waitExposed(plot)
    plot.update_history(epochs, loss)
    plot.grab()  # painted: the curve's bounds are worked out for these points
    loss[-1] = 0.125  # the caller's buffer reused for the next frame
    plot.update_history(epochs, loss)
    drawn = plot._train.curve
    assert drawn.yData[-1] == 0.125
    assert drawn.boundingRect().contains(QPointF(9.0, 0.126))  # its bounds (and path) are the new points'


def test_finite_series_and_range_leave_out_exactly_the_non_finite_values() -> None:
    rng = np.random.default_rng(5)
    for y in _histories(rng, 50):
        x = np.arange(50.0)
        x[3] = np.nan
        keep = np.isfinite(x) & np.isfinite(y)
        got_x, got_y = finite_series(x, y, log=True)
        np.testing.assert_array_equal(got_x, x[keep])
        np.testing.assert_array_equal(got_y, np.maximum(y[keep], LOG_FLOOR))
        assert all_finite(y) == bool(np.isfinite(y).all())
        finite = y[np.isfinite(y)]
        assert finite_range([y]) == ((finite.min(), finite.max()) if len(finite) else None)
    assert all_finite(np.zeros(0)) and finite_range([]) is None
