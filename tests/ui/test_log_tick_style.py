"""A log axis writes all its tick labels in one style: pyqtgraph alone wrote 1e-4 .. 1e4 as decimals and
the rest as powers of ten, so the Compare loss axis read "0.0001" right above "10⁻⁶"."""

from __future__ import annotations

import numpy as np
import pytest
from axis_specs import draw_specs

from playground.ui.compare.compare_view import CompareLossPlot

SUPERSCRIPT_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹"


def _shown_ticks(qtbot, low: float, high: float, scale: float) -> list[str]:
    plot = CompareLossPlot()
    qtbot.addWidget(plot)
    plot.set_presentation_scale(scale)
    plot.resize(510, 520)  # the Compare window's loss plot at 1280 x 720
    epochs = np.arange(1.0, 61.0)
    plot.plot(epochs, np.geomspace(high, low, len(epochs)))
    plot.show()
    qtbot.waitExposed(plot)
    axis = plot.getPlotItem().getAxis("left")
    # Laid out at the window's size, and auto-ranged to the curve (view coordinates are log10).
    qtbot.waitUntil(lambda: axis.height() > 300 and axis.range[0] < np.log10(low))
    specs = draw_specs(axis)
    return [text for _rect, _flags, text in specs[2] if text]


@pytest.mark.parametrize("scale", [1.0, 1.4])
def test_a_loss_axis_across_1e_minus_4_writes_every_tick_as_a_power_of_ten(qtbot, scale):
    ticks = _shown_ticks(qtbot, 1e-14, 1.0, scale)
    assert len(ticks) >= 3
    assert "0.0001" not in ticks and "0.01" not in ticks and "1" not in ticks
    assert all(text.startswith("10") and text[-1] in SUPERSCRIPT_DIGITS for text in ticks), ticks
    assert "10⁻⁴" in ticks or "10⁻⁶" in ticks


def test_a_loss_axis_within_1e_minus_4_to_1_keeps_its_decimals(qtbot):
    # pyqtgraph's own decimals ("%0.1g") run from 0.0001 to 9; 10 it writes "10¹".
    ticks = _shown_ticks(qtbot, 1e-3, 1.0, 1.0)
    assert {"0.001", "0.01", "0.1", "1"} <= set(ticks)
    assert not any(text[-1] in SUPERSCRIPT_DIGITS for text in ticks), ticks


def test_a_loss_axis_reaching_10_writes_1_as_a_power_of_ten_too(qtbot):
    ticks = _shown_ticks(qtbot, 1e-2, 50.0, 1.0)
    assert {"10⁻²", "10⁻¹", "10⁰", "10¹"} <= set(ticks), ticks
    assert "1" not in ticks and "0.1" not in ticks


def test_minor_labels_follow_the_axis_style():
    from playground.ui.plots.style import LogFriendlyAxis

    axis = LogFriendlyAxis("left")
    axis.setLogMode(False, True)
    values = np.log10([1e-5, 2e-5, 5e-5, 1e-4, 2e-4, 5e-4, 1e-3])
    assert axis.logTickStrings(values, 1.0, 1.0) == ["10⁻⁵", "2·10⁻⁵", "5·10⁻⁵", "10⁻⁴", "2·10⁻⁴", "5·10⁻⁴", "10⁻³"]
