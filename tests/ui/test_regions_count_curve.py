"""The Regions dock's count curve: its epoch axis keeps at least two readable tick labels in the narrow
dock at every length of run, normal and presentation size, and the blue count line is never hidden
under the orange loss line (both sit at the bottom when the count is at its minimum and the loss ~0)."""

from __future__ import annotations

import numpy as np
import pytest
from axis_specs import draw_specs

from playground.ui.plots.style import FONT_PT
from playground.ui.regions.regions_view import COUNT_COLOR, RegionsView
from playground.ui.shell.presentation import SCALE


def _view(qtbot, width: int = 300) -> RegionsView:
    view = RegionsView()
    qtbot.addWidget(view)
    view.resize(width, 700)  # 300: the Regions dock beside the main window at 1280 x 720
    view.show()
    qtbot.waitExposed(view)
    return view


@pytest.fixture
def view(qtbot):
    return _view(qtbot)


def _run_epochs(newest: int) -> np.ndarray:
    """The epochs 0 to ``newest`` of a run, as its axes see them: every epoch of a short run; of a long
    one the first seven (the counts below take their whole range, 200 to 206, there), a thousand
    between and the newest. Both axes get the ranges that every epoch gives, and painting the curves
    takes a fraction of the time (123,457 points a curve took 0.2 s a test, most of the module's)."""
    if newest < 1000:
        return np.arange(newest + 1.0)
    return np.unique(np.concatenate([np.arange(7.0), np.round(np.linspace(0, newest, 1000)), [float(newest)]]))


def _drawn_ticks(qtbot, view: RegionsView, newest: int) -> tuple[list[str], list[tuple[float, float]], object]:
    epochs = _run_epochs(newest)
    view.show_curve(epochs, 200 + (epochs % 7), epochs, np.exp(-epochs / 50))
    axis = view.curve_plot.getPlotItem().getAxis("bottom")
    qtbot.waitUntil(lambda: axis.range[1] > newest)
    qtbot.wait(20)  # the layout settles: the right margin follows the axis's length
    _line, _ticks, texts = draw_specs(axis)
    return [text for _r, _f, text in texts], [(rect.left(), rect.right()) for rect, _f, _t in texts], axis


@pytest.mark.parametrize("width", [240, 300, 500])
@pytest.mark.parametrize("scale", [1.0, SCALE])
@pytest.mark.parametrize("newest", [5, 60, 300, 1486, 5000, 123456])
def test_the_epoch_axis_shows_two_whole_labels_in_the_narrow_dock(qtbot, width, scale, newest):
    view = _view(qtbot, width)
    view.curve_plot.set_presentation_scale(scale)
    labels, spans, axis = _drawn_ticks(qtbot, view, newest)
    assert len(labels) >= 2, labels  # an auto-range ending at epoch 1486 kept "0" alone at presentation size
    assert labels[0] == "0"
    values = [float(text) for text in labels]
    assert values == sorted(values) and values[-1] >= newest / 2  # the labels span the run, not its start
    # Every label lies inside the axis (its few px of overhang at most): none is cut at an end.
    rect = axis.boundingRect()
    assert all(rect.left() - 4 <= left and right <= rect.right() + 4 for left, right in spans), (spans, rect)


def _blue_pixels(view: RegionsView) -> int:
    image = view.curve_plot.grab().toImage()
    rgb = np.array(
        [[image.pixelColor(x, y).getRgb()[:3] for x in range(image.width())] for y in range(image.height())],
        dtype=np.int32,
    )
    return int((np.abs(rgb - np.array(COUNT_COLOR)).sum(axis=2) < 40).sum())


def test_the_count_line_at_its_minimum_is_drawn_over_the_loss_line(qtbot, view):
    # The screenshot's run: the count falls to its minimum and stays there while the loss sits at ~0.
    epochs = np.arange(1500.0)
    counts = np.where(epochs < 100, 256.0, 253.0)
    loss = np.where(epochs < 100, 0.3, 0.0)
    view.show_curve(epochs, counts, epochs, loss)
    qtbot.wait(50)
    vb = view.curve_plot.getPlotItem().vb
    assert view.loss_box.zValue() < vb.zValue()  # the loss's view is painted first, the counts over it
    # The plateau is ~90% of the plot's width: its blue line shows along all of it, not only the
    # anti-aliased fringes the wider blue pen left around the orange one.
    plateau_px = 0.9 * vb.width()
    assert _blue_pixels(view) > plateau_px


@pytest.mark.parametrize("width", [240, 300])
def test_the_key_names_each_curve_in_its_colour_and_fits_the_narrow_dock(qtbot, width):
    view = _view(qtbot, width)
    plot = view.curve_plot
    epochs = np.arange(300.0)
    view.show_curve(epochs, 200 + (epochs % 7), epochs, np.exp(-epochs / 50))
    for scale in (1.0, SCALE):
        plot.set_presentation_scale(scale)
        key = plot.key_text()
        assert "regions" in key and "loss" in key
        assert "#0072b2" in key and "#d55e00" in key  # each name after a dash in its curve's colour
        assert plot.getPlotItem().titleLabel.opts["size"] == f"{round(FONT_PT * scale)}pt"  # the ticks' size
        item = plot.getPlotItem()
        right = item.getAxis("right")

        def loss_labels() -> int:
            return len([text for _r, _f, text in draw_specs(right)[2] if text])

        # Once the new text size is laid out (a fixed 30 ms wait was too short under coverage): the
        # loss's axis labels at least two ticks ...
        qtbot.waitUntil(lambda: loss_labels() >= 2, timeout=3000)
        # ... and the whole plot, right axis included, lies inside the widget (a long key had pushed it out).
        assert item.sceneBoundingRect().right() <= plot.width() + 1
        assert right.sceneBoundingRect().right() <= plot.width() + 1
