"""The plots' tick spacing (style.LogFriendlyAxis): a short epoch axis keeps two labels, a long one is
finer, steps are 1, 2, 5 x 10^k, and presentation mode's larger labels never overlap. Seen under Xvfb:
the loss plot's 0-160 epoch axis on 150 px showed no label in presentation mode (spacing 200)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from axis_specs import draw_specs
from PySide6.QtGui import QFontMetrics

from playground.ui.plots.gradients import GradientPlot
from playground.ui.plots.loss import LossPlot
from playground.ui.shell.presentation import SCALE

SCALES = (1.0, SCALE)  # the normal look and presentation mode


def _laid_out_axis(plot, name: str, size: int, low: float, high: float):
    """``plot``'s axis ``name`` showing ``[low, high]`` on ``size`` px along it."""
    axis = plot.getPlotItem().getAxis(name)
    axis.setRange(low, high)
    if name in ("left", "right"):
        axis.resize(60, size)
    else:
        axis.resize(size, 40)
    return axis


def _drawn(axis) -> list[tuple[float, float, str]]:
    """The tick labels ``axis`` paints, as pyqtgraph lays them out: (start, end along the axis, text)."""
    specs = draw_specs(axis)
    assert specs is not None
    vertical = axis.orientation in ("left", "right")
    return [(r.top(), r.bottom(), text) if vertical else (r.left(), r.right(), text) for r, _, text in specs[2] if text]


def _major(axis, low: float, high: float, size: int) -> float:
    return axis.tickSpacing(low, high, size)[0][0]


def _label_step(drawn, fallback: float) -> float:
    """The spacing of the drawn labels (pyqtgraph may label the minor ticks too where they fit)."""
    values = sorted(float(text) for _, _, text in drawn)
    return min(np.diff(values)) if len(values) > 1 else fallback


def _is_round(step: float) -> bool:
    mantissa = step / 10.0 ** math.floor(math.log10(step) + 1e-9)
    return any(math.isclose(mantissa, m, rel_tol=1e-6) for m in (1.0, 2.0, 5.0))


@pytest.mark.parametrize("plot_class", [LossPlot, GradientPlot])
@pytest.mark.parametrize("scale", SCALES)
@pytest.mark.parametrize(
    ("size", "low", "high"),
    [
        # '100' alone before (the left '0' and the right '150' fell off the ends), or nothing (spacing 200).
        (150, 0, 160),  # now 50, 100 (and 150 at the normal size)
        # The loss plot under Xvfb at 1280x720, presentation mode with the transforms dock: '100' alone before.
        (141, -6, 206),  # now 0, 100
    ],
)
def test_a_short_epoch_axis_keeps_two_labels(qtbot, plot_class, scale, size, low, high):
    plot = plot_class()
    qtbot.addWidget(plot)
    plot.set_presentation_scale(scale)
    axis = _laid_out_axis(plot, "bottom", size, low, high)
    drawn = _drawn(axis)
    labels = [float(text) for _, _, text in drawn]
    assert len(labels) >= 2 and 100 in labels
    assert all(low <= value <= high for value in labels)
    # Inside the axis, give or take the few px an end label may reach past it.
    assert all(start >= -4 and end <= size + 4 for start, end, _ in drawn)


@pytest.mark.parametrize("scale", SCALES)
def test_a_long_axis_is_finer_but_not_crowded(qtbot, scale):
    plot = LossPlot()
    qtbot.addWidget(plot)
    plot.set_presentation_scale(scale)
    short = _major(_laid_out_axis(plot, "bottom", 150, 0, 160), 0, 160, 150)
    axis = _laid_out_axis(plot, "bottom", 1000, 0, 160)
    long = _major(axis, 0, 160, 1000)
    assert long < short
    assert long in (10.0, 20.0)  # 16 or 8 intervals on 1000 px: 62 or 125 px apart
    labels = [float(text) for _, _, text in _drawn(axis)]
    assert len(labels) >= 7
    assert np.allclose(np.diff(labels), long)


@pytest.mark.parametrize("scale", SCALES)
def test_steps_are_1_2_5_and_ticks_sit_on_multiples_as_the_range_moves(qtbot, scale):
    plot = LossPlot()
    qtbot.addWidget(plot)
    plot.set_presentation_scale(scale)
    for size in (60, 150, 230, 400, 700, 1000):
        for low, high in [(0, 160), (3.7, 163.7), (0, 1), (-0.02, 0.37), (0, 12), (0, 4000), (997, 1012)]:
            axis = _laid_out_axis(plot, "bottom", size, low, high)
            major = _major(axis, low, high, size)
            assert _is_round(major), (size, low, high, major)
            drawn = _drawn(axis)
            step = _label_step(drawn, major)
            assert _is_round(step) and step <= major, (size, low, high, step)
            for _, _, text in drawn:
                assert abs(float(text) / step - round(float(text) / step)) < 1e-6, (size, low, high, text)


@pytest.mark.parametrize("scale", SCALES)
def test_labels_never_overlap_and_fit_their_spacing(qtbot, scale):
    plot = LossPlot()
    qtbot.addWidget(plot)
    plot.set_presentation_scale(scale)
    metrics = QFontMetrics(plot.getPlotItem().getAxis("bottom").style["tickFont"])
    for size in (100, 150, 200, 300, 500, 1000):
        for low, high in [(0, 160), (0, 1000), (0, 1), (0, 37)]:
            axis = _laid_out_axis(plot, "bottom", size, low, high)
            drawn = sorted(_drawn(axis))  # major labels first, then any minor ones
            step = _label_step(drawn, _major(axis, low, high, size))
            pitch = step * size / (high - low)
            for _, _, text in drawn:
                assert metrics.horizontalAdvance(text) < pitch, (size, low, high, text, pitch)
            for (_, end, a), (start, _, b) in zip(drawn, drawn[1:]):
                assert end <= start, (size, low, high, a, b)


@pytest.mark.parametrize("scale", SCALES)
def test_a_short_log_axis_keeps_two_labels(qtbot, scale):
    """The gradient norms' log axis (1e-4 .. 10) on a low plot."""
    plot = GradientPlot()
    qtbot.addWidget(plot)
    plot.set_presentation_scale(scale)
    axis = _laid_out_axis(plot, "left", 90, -4, 1)
    drawn = _drawn(axis)
    assert len(drawn) >= 2
    for (_, end, _), (start, _, _) in zip(sorted(drawn), sorted(drawn)[1:]):
        assert end <= start


def test_a_changed_range_repaints_the_cached_axis(qtbot):
    """The axes are cached as device pixmaps: a new range must still reach the screen."""
    plot = LossPlot()
    qtbot.addWidget(plot)
    plot.resize(300, 240)
    plot.show()
    qtbot.waitExposed(plot)
    view = plot.getPlotItem().getViewBox()
    axis = plot.getPlotItem().getAxis("bottom")
    view.setXRange(0, 160, padding=0)
    qtbot.wait(50)
    rect = plot.mapFromScene(axis.sceneBoundingRect()).boundingRect()
    before = plot.grab(rect).toImage()
    labels_before = [text for _, _, text in _drawn(axis)]
    view.setXRange(0, 7, padding=0)
    qtbot.waitUntil(lambda: [text for _, _, text in _drawn(axis)] != labels_before, timeout=2000)
    qtbot.wait(50)
    after = plot.grab(rect).toImage()
    assert before.size() == after.size() and before != after


@pytest.mark.filterwarnings("error::RuntimeWarning")
def test_a_log_axis_past_float64s_range_labels_its_ticks_without_overflow(qtbot):
    """CI's long monkey drive: a diverging run's gradient norms, padded by the auto-range, reached
    10^309 on the log axis, and pyqtgraph's 10 ** value overflowed while labelling the ticks."""
    plot = GradientPlot()
    qtbot.addWidget(plot)
    axis = _laid_out_axis(plot, "left", 200, 300, 320)
    texts = [text for _, _, text in _drawn(axis)]
    assert "10³¹⁰" in texts and "10³⁰⁰" in texts
    assert axis.tickStrings([310.0, np.log10(2) + 310, 311.0], 1.0, 1.0) == ["10³¹⁰", "2·10³¹⁰", "10³¹¹"]
