"""Shared look of the plots: light and dark themes, fonts, axis labels, legends.

Every plot derives from :class:`ThemedPlot`, so fonts, axis styling and theme
switching live here once. A plot that colours its own items (curves, points,
contours) re-applies them in :meth:`ThemedPlot._theme_changed`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor, QFont, QFontMetrics, QFontMetricsF, QPen
from PySide6.QtWidgets import QGraphicsItem

from playground.data.palette import hex_to_rgb

FONT_PT = 10  # tick labels and legends: the design's minimum
LABEL_PT = 11  # axis titles, a little larger than the ticks they explain
_LEGEND_GAP = 12  # px kept free between legend entries when choosing the number of columns
_LEGEND_SAMPLE = 30  # px of a legend entry's line sample and its margin (pyqtgraph's ItemSample)


def configure_pyqtgraph() -> None:
    """The global pyqtgraph options every entry point uses (app, render, benchmark):
    smooth curves and points, and no OpenGL (not needed at these sizes, and unreliable
    under Xvfb and offscreen)."""
    pg.setConfigOptions(antialias=True, useOpenGL=False)


@dataclass(frozen=True)
class Theme:
    """Colours of one theme, as ``#RRGGBB`` strings."""

    background: str
    foreground: str  # axes, ticks, axis titles, legend text
    faint: str  # secondary lines: the warped input grid
    outline: str  # the thin outline around data points
    boundary: str  # the decision boundary line
    loss: str  # loss curves
    metric: str  # accuracy / RMSE curves
    marker: str  # the timeline marker
    sequence: tuple[str, ...]  # anchors of the sequential per-layer palette

    @property
    def background_rgb(self) -> tuple[int, int, int]:
        """The background as an ``(r, g, b)`` tuple, for the numpy colour maps."""
        return hex_to_rgb(self.background)


LIGHT = Theme(
    background="#FFFFFF",
    foreground="#262626",
    faint="#8C8C8C",
    outline="#262626",
    boundary="#1A1A1A",
    loss="#1F3A5F",
    metric="#8E3B8E",
    marker="#D55E00",
    # Dark to mid-light, all readable on white; hues (indigo, purple, rose) that
    # the Okabe-Ito class colours do not use.
    sequence=("#1B1446", "#51127C", "#8C2981", "#C43C75", "#E8645A"),
)

DARK = Theme(
    background="#1E1F22",
    foreground="#E2E2E2",
    faint="#8A8A8A",
    outline="#101010",
    boundary="#F2F2F2",
    loss="#9CC3EE",
    metric="#E2A6E2",
    marker="#F0A050",
    sequence=("#B493E8", "#D07FC8", "#EC7FA0", "#F99C7C", "#FCC98E"),
)


def theme_for(dark: bool) -> Theme:
    """The dark or the light theme."""
    return DARK if dark else LIGHT


def with_alpha(color: str, alpha: int) -> QColor:
    """``color`` with an alpha channel 0..255."""
    c = QColor(color)
    c.setAlpha(alpha)
    return c


def sequential_colors(anchors: tuple[str, ...], n: int) -> list[QColor]:
    """``n`` colours spread evenly along the piecewise-linear ramp through ``anchors``."""
    rgb = np.array([hex_to_rgb(a) for a in anchors], dtype=np.float64)
    stops = np.linspace(0.0, 1.0, len(anchors))
    at = np.linspace(0.0, 1.0, n) if n > 1 else np.zeros(1)
    channels = [np.interp(at, stops, rgb[:, c]) for c in range(3)]
    return [QColor(*(int(round(ch[i])) for ch in channels)) for i in range(n)]


def plot_font(point_size: int = FONT_PT) -> QFont:
    """The application font at ``point_size``."""
    font = QFont()
    font.setPointSize(point_size)
    return font


def _scale_pen(item, pen, factor: float) -> None:
    """Set ``item``'s pen to its unscaled width times ``factor`` (see ThemedPlot.rescale_items)."""
    if not isinstance(pen, QPen) or pen.style() == Qt.PenStyle.NoPen:
        return
    width = pen.widthF()
    base, given = getattr(item, "_unscaled_pen", (width, width))
    if width != given:  # restyled by its plot since we scaled it
        base = width
    target = max(base, 1.0) * factor if factor != 1.0 else base
    item._unscaled_pen = (base, target)
    if target != width:
        scaled = QPen(pen)
        scaled.setWidthF(target)
        item.setPen(scaled)


def _scale_marker(item: pg.ScatterPlotItem, factor: float) -> None:
    """Set a scatter's marker size to its unscaled size times ``factor``."""
    size = item.opts["size"]
    base, given = getattr(item, "_unscaled_size", (size, size))
    if size != given:
        base = size
    target = base * factor
    item._unscaled_size = (base, target)
    if target != size:
        item.setSize(target)


_LABEL_MARGIN = 8  # px: the 4 px document margin on each side of pyqtgraph's axis title
_REFIT_GROWTH = 48  # px of extra room before a fitted title grows back (more than a title line adds)


def _two_lines(text: str) -> str:
    """``text`` broken at the space that makes its longer line shortest (unchanged without a space)."""
    words = text.split(" ")
    if len(words) < 2:
        return text
    cut = min(range(1, len(words)), key=lambda i: max(len(" ".join(words[:i])), len(" ".join(words[i:]))))
    return " ".join(words[:cut]) + "\n" + " ".join(words[cut:])


def fitted_label(text: str, room: float | None, scale: float = 1.0) -> tuple[str, float]:
    """How to set the axis title ``text`` so it fits ``room`` px along its axis: ``(lines, points)``,
    lines separated by ``"\n"``.

    Tried in order, the first that fits wins: one line at the title size (:data:`LABEL_PT` x
    ``scale``), at the tick size (:data:`FONT_PT` x ``scale``), two lines at those sizes, one
    line at the design's minimum :data:`FONT_PT`, and two lines at that minimum (used even if
    it is still too long). ``room`` None (not laid out yet): one line at the title size.
    """
    preferred, ticks = LABEL_PT * scale, FONT_PT * scale
    if room is None:
        return text, preferred
    wrapped = _two_lines(text)
    candidates = [(text, preferred), (text, ticks), (wrapped, preferred), (wrapped, ticks)]
    candidates += [(text, float(FONT_PT)), (wrapped, float(FONT_PT))]
    for lines, points in candidates:
        font = QFont()
        font.setPointSizeF(points)
        metrics = QFontMetricsF(font)
        if max(metrics.horizontalAdvance(line) for line in lines.split("\n")) + _LABEL_MARGIN <= room:
            return lines, points
    return candidates[-1]


def cache_legend_text(legend: pg.LegendItem) -> None:
    """Keep each legend entry's text in a pixmap (Qt's ``DeviceCoordinateCache``).

    The curves under a legend change every frame and so its text is painted again
    every frame, though it changes only with the entries; laying text out is the
    dearest part of painting a legend. Qt paints the text again when it changes.
    """
    for _, label in legend.items:
        label.item.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)


_NICE_MANTISSAS = (1.0, 2.0, 5.0, 10.0)
_TICK_GAP_LINES = 0.6  # free space between two tick labels, in text lines (vertical axes)
_TICK_GAP_EMS = 1.5  # the same along horizontal axes, in widths of "0"
# The free space kept between tick labels, tried in turn (see LogFriendlyAxis): at least a label's
# extent (an airy axis), the gap above, and a third of it (a short axis keeping two labels).
_TICK_FITS = ("roomy", "normal", "tight")
# px a horizontal axis's end labels may reach past its ends (pyqtgraph drops one reaching further):
# a "0" 2 px short of its room no longer leaves a short axis with one label. Less than the 5 px the
# vertical axes keep between their line and their labels, so the corner's labels cannot meet.
_END_OVERHANG_PX = 4


def next_nice_step(step: float) -> float:
    """The next tick spacing up from ``step`` among 1, 2, 5 x 10^k."""
    scale = 10.0 ** float(np.floor(np.log10(step) + 1e-9))
    mantissa = step / scale
    return next(m * scale for m in _NICE_MANTISSAS if m > mantissa * (1 + 1e-9))


def nice_step_at_least(step: float) -> float:
    """The smallest tick spacing among 1, 2, 5 x 10^k that is at least ``step`` (> 0)."""
    scale = 10.0 ** float(np.floor(np.log10(step) + 1e-9))
    mantissa = step / scale
    return next(m * scale for m in _NICE_MANTISSAS if m >= mantissa * (1 - 1e-9))


class LogFriendlyAxis(pg.AxisItem):
    """An axis whose tick labels never run into each other, and never all go missing.

    pyqtgraph picks the tick spacing from the axis length alone, so larger text
    (presentation mode) on a short axis piles labels on top of each other, and
    its coarsest step (1, 2, 10, 20, 100, ...) can leave a short axis with one
    label or none. Here the major spacing is the finest of 1, 2, 5 x 10^k (round
    steps, multiples of the spacing: ticks stay on round values as the range
    moves) whose labels, in the axis's tick font, leave a label's extent free
    between them; when that shows fewer than two labels, the finest that shows two
    with a smaller gap (see :data:`_TICK_FITS`, :meth:`_label_room`). In log mode pyqtgraph also labels
    every minor tick (2..9 x 10^n) when few decades are shown; minor ticks keep a
    label only at 2 and 5 x 10^n, and only when the labelled ticks span at most two decades.
    """

    def __init__(self, orientation: str, **kwargs) -> None:
        super().__init__(orientation, **kwargs)
        if orientation in ("top", "bottom"):
            self.setStyle(hideOverlappingLabels=_END_OVERHANG_PX)

    # The title's rich text as last given to Qt. pyqtgraph sets it again at every pen, label and SI
    # prefix change, most often to the same text (48 times a plot while it is built, 190 a window), and
    # each setHtml parses and lays out a new document: a fifth of a plot's construction.
    _label_html: str | None = None

    def _updateLabel(self) -> None:  # noqa: N802 (pyqtgraph naming)
        """pyqtgraph's ``_updateLabel``, but the title's document is set only when its text changes."""
        html = self.labelString()
        if html != self._label_html:
            self._label_html = html
            self.label.setHtml(html)
        self._adjustSize()
        self.picture = None
        self.update()

    def tickSpacing(self, minVal, maxVal, size):  # noqa: N802, N803 (pyqtgraph naming)
        levels = super().tickSpacing(minVal, maxVal, size)
        if not levels or size <= 0 or self._tickSpacing is not None:
            return levels  # no range, no room, or a spacing the caller fixed
        low, high = min(minVal, maxVal), max(minVal, maxVal)
        major = self._fitted_spacing(low, high, size)
        if major == levels[0][0]:
            return levels
        # Only the major level: pyqtgraph would label the minor ticks wherever its own (looser)
        # estimate of the text says they fit, which is what crowded the axis in the first place.
        return [(major, 0.0)]

    def _fitted_spacing(self, low: float, high: float, size: float) -> float:
        """The major tick spacing for ``[low, high]`` shown on ``size`` px (see the class docstring)."""
        span = high - low
        self._measure()
        single = None  # the first fitting spacing that shows one label, if two never fit
        for fit in _TICK_FITS:
            # From the spacing whose pitch holds the narrowest label possible (one digit): nothing finer
            # can fit, and starting there keeps this to a few steps (it runs whenever the range moves).
            step = nice_step_at_least(span / size * self._room_for(self._label_extent("0"), fit))
            while True:
                pitch = step * size / span  # px between two ticks
                if pitch >= self._label_room(low, high, step, fit):
                    labelled = self._labelled_count(low, high, size, step)
                    if labelled >= 2:
                        return step
                    if single is None and labelled == 1:
                        single = step
                if step > span:
                    break  # at most one tick in range from here on
                step = next_nice_step(step)
        # No room for two labels: one if any fits, else none (the last step has at most one tick).
        return single if single is not None else step

    def _measure(self) -> None:
        """Measure the tick font, once for as long as it stays (building metrics and measuring text
        are the dearest parts of choosing a spacing, which happens whenever the range moves)."""
        font = self.style["tickFont"] or self.font()
        key = font.key()
        if getattr(self, "_metrics_key", None) != key:
            self._metrics_key, self._metrics = key, QFontMetrics(font)
            self._extents: dict[str, float] = {}  # label text: its extent in this font
            if self.orientation in ("left", "right"):
                self._gap = self._metrics.height() * _TICK_GAP_LINES
            else:
                self._gap = self._metrics.horizontalAdvance("0") * _TICK_GAP_EMS

    def _label_extent(self, text: str) -> float:
        """Pixels the tick label ``text`` takes along the axis (after :meth:`_measure`; remembered,
        as the same labels come back when the range moves)."""
        extent = self._extents.get(text)
        if extent is None:
            vertical = self.orientation in ("left", "right")
            metrics = self._metrics
            extent = self._extents[text] = float(metrics.height() if vertical else metrics.horizontalAdvance(text))
            if len(self._extents) > 4096:  # a range wandering far: forget the old labels
                self._extents = {text: extent}
        return extent

    def _label_room(self, low: float, high: float, spacing: float, fit: str = "normal") -> float:
        """Pixels one tick label (ticks ``spacing`` apart in ``[low, high]``) and the gap after it
        take along the axis (see :meth:`_room_for`)."""
        ends = (np.ceil(low / spacing) * spacing, np.floor(high / spacing) * spacing)
        return self._room_for(max(self._label_extent(self.tickStrings([end], 1.0, spacing)[0]) for end in ends), fit)

    def _room_for(self, widest: float, fit: str) -> float:
        """Pixels a label ``widest`` px long and the gap after it take: the gap is :data:`_TICK_GAP_LINES`
        or :data:`_TICK_GAP_EMS` in the tick font, at least the label's own extent with ``fit``
        ``"roomy"``, a third with ``"tight"``."""
        if fit not in _TICK_FITS:
            raise ValueError(f"LogFriendlyAxis: tick fit must be one of {_TICK_FITS}, not {fit!r}")
        gap = self._gap
        free = {"roomy": max(gap, widest), "normal": gap, "tight": gap / 3}[fit]
        return widest + free

    def _labelled_count(self, low: float, high: float, size: float, spacing: float) -> int:
        """How many ticks ``spacing`` apart in ``[low, high]`` pyqtgraph would label on ``size`` px:
        it drops a label that reaches past the axis's bounding rect (the axis itself along a
        horizontal axis, 15 px more at each end of a vertical one; see ``hideOverlappingLabels``)."""
        overhang = self.style["hideOverlappingLabels"]
        margin = 0.0 if overhang is True else 15.0 if overhang is False else float(overhang)
        first, last = np.ceil(low / spacing - 1e-9), np.floor(high / spacing + 1e-9)
        count = int(last - first) + 1
        if count <= 0:
            return 0
        # Only the end labels can reach past the axis: callers first check that labels fit the pitch.
        ends = {first * spacing, last * spacing}
        return count - len(ends) + sum(self._fits_inside(v, low, high, size, spacing, margin) for v in ends)

    def _fits_inside(self, value: float, low: float, high: float, size: float, spacing: float, margin: float) -> bool:
        """Whether the label of the tick at ``value`` lies inside the axis (``margin`` px beyond its ends)."""
        half = self._label_extent(self.tickStrings([value], 1.0, spacing)[0]) / 2
        at = (value - low) / (high - low) * size
        return at - half >= -margin and at + half <= size + margin

    def logTickStrings(self, values, scale, spacing):  # noqa: N802 (pyqtgraph naming)
        if not len(values):
            return []
        v = np.asarray(values, dtype=np.float64)
        exponent = np.floor(v + 1e-9)
        mantissa = np.rint(10 ** (v - exponent)).astype(int)
        # A diverging run's loss or gradient norms, padded by the auto-range, can put ticks past
        # float64's largest power of ten, where pyqtgraph's 10 ** value overflows: those are written
        # from their mantissa and exponent instead.
        with np.errstate(over="ignore"):
            representable = np.isfinite(10.0**v * scale)
        written = iter(super().logTickStrings(v[representable], scale, spacing))
        strings = [
            next(written) if ok else _power_of_ten_label(int(m), int(e))
            for ok, m, e in zip(representable, mantissa, exponent)
        ]
        few_decades = v.max() - v.min() <= 2.0
        keep = (mantissa == 1) | (few_decades & np.isin(mantissa, (2, 5)))
        # pyqtgraph writes 1e-4 to 1e4 as decimals and the rest as powers of ten ("0.0001" above
        # "10⁻⁵"): one style for the whole axis, powers of ten as soon as one shown label is one.
        if any(k and _is_power(text) for text, k in zip(strings, keep)):
            strings = [_power_of_ten_label(int(m), int(e)) for m, e in zip(mantissa, exponent)]
        return [text if k else "" for text, k in zip(strings, keep)]


_SUPERSCRIPTS = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def _is_power(text: str) -> bool:
    """Whether a log tick label is written as a power of ten (``10⁻⁵``, ``2·10⁶``), not a decimal."""
    return "10" in text and text[-1] in "⁰¹²³⁴⁵⁶⁷⁸⁹"


def _power_of_ten_label(mantissa: int, exponent: int) -> str:
    """``mantissa`` x 10^``exponent`` the way pyqtgraph writes a log tick (``10³¹⁰``, ``2·10³¹⁰``)."""
    return ("" if mantissa == 1 else f"{mantissa}·") + "10" + str(exponent).translate(_SUPERSCRIPTS)


class ThemedPlot(pg.PlotWidget):
    """A ``PlotWidget`` with the project's fonts, labelled axes and a light/dark theme.

    ``labels`` maps axis names (``"left"``, ``"bottom"``, ``"right"``) to titles.
    Subclasses colour their own items in :meth:`_theme_changed`, and call it once
    at the end of their ``__init__``, when the items exist.
    """

    _AXES = ("left", "bottom", "right", "top")
    # A class attribute: the base PlotWidget resizes (and so fits the legend) during __init__.
    _legend: pg.LegendItem | None = None
    _legend_step = 1
    _presentation_scale = 1.0

    def __init__(self, object_name: str, labels: dict[str, str], parent=None, **plot_item_kwargs) -> None:
        axes = {name: LogFriendlyAxis(name) for name in self._AXES}
        # No view-box menu built only to be dropped by setMenuEnabled(False) below (5 ms a plot at start-up).
        plot_item_kwargs.setdefault("enableMenu", False)
        super().__init__(parent=parent, axisItems=axes, **plot_item_kwargs)
        self.setObjectName(object_name)
        self.theme = LIGHT
        self._labels = dict(labels)
        self._label_fits: dict[str, tuple[str, str, float]] = {}  # axis: (title, lines, points) as set
        self._label_rooms: dict[str, float | None] = {}  # axis: the room it was fitted to
        item = self.getPlotItem()
        # A title is fitted to its axis's length: again when the view is resized (cheap when it still fits).
        item.getViewBox().sigResized.connect(self._fit_labels)
        item.setMenuEnabled(False)  # the plot menu offers log/FFT/... that would fight our updates
        item.hideButtons()  # the "A" auto-range button: ranges are managed by each plot
        # pyqtgraph sizes a right-axis title flush with the widget edge; leave room for its glyphs.
        item.setContentsMargins(4, 4, 10, 4)
        for name in self._AXES:
            axis = item.getAxis(name)
            axis.setTickFont(plot_font())
            # Without units pyqtgraph still rescales tiny ranges and appends "(x1e-06)".
            axis.enableAutoSIPrefix(False)
            item.showAxis(name, name in labels)  # custom axis items would otherwise all show
            # The axes are repainted whenever the curves or the map beside them change (their
            # rects touch the view's), though their ticks change only with the range: Qt keeps
            # each in a pixmap at device resolution, drawn again when pyqtgraph updates it.
            axis.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
            axis.label.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)  # its title: a child item
        self._style_axes()

    def set_axis_label(self, axis: str, text: str) -> None:
        """Set the title of ``axis`` (``"left"``, ``"bottom"`` or ``"right"``)."""
        self._labels[axis] = text
        self._style_label(axis)

    def axis_label(self, axis: str) -> str:
        """The current title of ``axis``."""
        return self._labels.get(axis, "")

    def apply_theme(self, dark: bool) -> None:
        """Switch between the light (default) and the dark colours."""
        self.theme = theme_for(dark)
        self._style_axes()
        self._theme_changed()
        self.rescale_items()  # _theme_changed re-created the pens at their normal widths

    @property
    def presentation_scale(self) -> float:
        """The factor set by :meth:`set_presentation_scale` (1 is the normal look)."""
        return self._presentation_scale

    def set_presentation_scale(self, factor: float) -> None:
        """Scale text, line widths and marker sizes by ``factor`` (e.g. 1.4 for a recording); 1 restores.

        Fonts change here. Pens and markers belong to each plot's items, which
        restyle themselves (new classes, a rebuilt network): call
        :meth:`rescale_items` after such a change to scale them again.
        """
        self._presentation_scale = float(factor)
        item = self.getPlotItem()
        for name in self._AXES:
            item.getAxis(name).setTickFont(plot_font(round(FONT_PT * factor)))
        for name in self._labels:
            self._style_label(name)
        if self._legend is not None:
            self._style_legend(self._legend)
            self._fit_legend()
        self.rescale_items()

    def rescale_items(self) -> None:
        """Give every curve, line and marker its own width and size times the presentation scale.

        Each item remembers its unscaled width and the width it was given here; a
        width that differs from the one given was set by the plot since, and
        becomes the new unscaled width. Cheap when nothing changed.
        """
        for graphics_item in self.scene().items():
            if isinstance(graphics_item.parentItem(), pg.PlotDataItem):
                continue  # a PlotDataItem restyles its curve from its own pen on every setData
            if isinstance(graphics_item, (pg.PlotDataItem, pg.PlotCurveItem, pg.ScatterPlotItem)):
                _scale_pen(graphics_item, graphics_item.opts.get("pen"), self._presentation_scale)
            elif isinstance(graphics_item, pg.InfiniteLine):
                _scale_pen(graphics_item, graphics_item.pen, self._presentation_scale)
            if isinstance(graphics_item, pg.ScatterPlotItem):
                _scale_marker(graphics_item, self._presentation_scale)

    def _style_axes(self) -> None:
        self.setBackground(self.theme.background)
        for name in self._AXES:
            axis = self.getPlotItem().getAxis(name)
            axis.setPen(self.theme.foreground)
            axis.setTextPen(self.theme.foreground)
        for name in self._labels:
            self._style_label(name)
        if self._legend is not None:
            self._style_legend(self._legend)

    def _style_label(self, axis: str) -> None:
        room = self._axis_room(axis)
        lines, points = fitted_label(self._labels[axis], room, self._presentation_scale)
        self._label_fits[axis] = (self._labels[axis], lines, points)
        self._label_rooms[axis] = room
        self.getPlotItem().setLabel(
            axis,
            "<br>".join(lines.split("\n")),
            color=self.theme.foreground,
            **{"font-size": f"{points:g}pt"},
        )

    def shown_axis_label(self, axis: str) -> tuple[str, float]:
        """The title of ``axis`` as drawn: its lines (``"\n"`` between them) and its point size."""
        fit = self._label_fits.get(axis)
        return (fit[1], fit[2]) if fit is not None else ("", 0.0)

    def _axis_room(self, axis: str) -> float | None:
        """Pixels along ``axis`` its title may take: the view's height or width; None before layout."""
        view = self.getPlotItem().getViewBox()
        room = view.height() if axis in ("left", "right") else view.width()
        return room if room > 1 else None

    def _fit_labels(self) -> None:
        """Lay the axis titles out again where the room along their axis asks for another fit
        (a long title on a short axis, e.g. presentation mode's larger text in a low plot)."""
        for axis, text in self._labels.items():
            room = self._axis_room(axis)
            lines, points = fitted_label(text, room, self._presentation_scale)
            if self._label_fits.get(axis) == (text, lines, points):
                continue
            last = self._label_rooms.get(axis)
            if room is not None and last is not None and 0 < room - last < _REFIT_GROWTH:
                # A title set on two lines makes its axis thicker and the view beside it smaller,
                # which refits the other axis's title, and so on: with a little more room back the
                # titles flipped to and fro for ever (a layout loop that froze the window, found by
                # the long monkey drive). Titles now follow any shrinking at once, but grow back
                # only for a real gain in room, so every chain of refits ends.
                continue
            self._style_label(axis)

    def _style_legend(self, legend: pg.LegendItem) -> None:
        legend.setLabelTextColor(self.theme.foreground)
        legend.setLabelTextSize(f"{FONT_PT * self._presentation_scale:g}pt")
        # pyqtgraph stores the new colour and size but draws existing labels with the old ones.
        for _, label in legend.items:
            label.setText(label.text)

    def _add_legend(self, column_step: int = 1) -> pg.LegendItem:
        """A legend in a header row above the view, so it never hides data; created once.

        Its entries flow into as many columns as the width allows, a multiple of
        ``column_step`` so that entries meant to pair up stay in one row (see :meth:`_fit_legend`).
        """
        self._legend_step = column_step
        if self._legend is None:
            item = self.getPlotItem()
            # Negative spacing: pyqtgraph's legend rows are much taller than 10 pt text.
            self._legend = pg.LegendItem(labelTextSize=f"{FONT_PT}pt", frame=False, verSpacing=-10)
            # These plots have no title; the legend takes the title's row.
            item.layout.removeItem(item.titleLabel)
            item.titleLabel.hide()
            item.layout.addItem(self._legend, 0, 0, 1, 3, alignment=Qt.AlignmentFlag.AlignCenter)
            # Axes widen with their tick labels without resizing the widget: refit then too,
            # once the layout has settled (during the resize the geometry is half updated).
            self._refit = QTimer(self, singleShot=True, interval=0)
            self._refit.timeout.connect(self._fit_legend)
            item.getViewBox().sigResized.connect(self._refit.start)
            self._style_legend(self._legend)
        return self._legend

    def legend_room(self) -> float:
        """The width the legend may take: the widget's, inside the plot's margins.

        The legend spans the axes' columns too (it sits above them, in the title's row).
        Measured on the widget, not the plot item: a legend wider than the room holds
        the item at its own width, so measuring the item would never let the legend shrink.
        """
        left, _, right, _ = self.getPlotItem().getContentsMargins()
        return self.width() - left - right

    def legend_row_width(self, texts: list[str]) -> float:
        """About how wide one legend row holding ``texts`` would be, in pixels."""
        metrics = QFontMetrics(plot_font(round(FONT_PT * self._presentation_scale)))
        return sum(_LEGEND_SAMPLE + _LEGEND_GAP + metrics.horizontalAdvance(text) for text in texts)

    def _fit_legend(self) -> None:
        """Reflow the legend into the columns that fit the view's width and size its row."""
        legend = self._legend
        if legend is None:
            return
        cache_legend_text(legend)
        item = self.getPlotItem()
        if not legend.items:
            item.layout.setRowFixedHeight(0, 0)
            return
        preferred = Qt.SizeHint.PreferredSize
        # The narrowest entry bounds the columns from above; then the real layout decides
        # (columns are as wide as their widest entry, so a row of short entries fits more).
        entry = _LEGEND_GAP + min(
            sample.effectiveSizeHint(preferred).width() + label.effectiveSizeHint(preferred).width()
            for sample, label in legend.items
        )
        width = self.legend_room()
        columns = int(max(1, min(len(legend.items), width // entry)))
        if columns > self._legend_step:
            columns -= columns % self._legend_step
        legend.setColumnCount(columns)
        while columns > self._legend_step and legend.effectiveSizeHint(preferred).width() > width:
            columns -= self._legend_step
            legend.setColumnCount(columns)
        item.layout.setRowFixedHeight(0, legend.effectiveSizeHint(preferred).height())
        if item.width() > self.width():
            # An earlier, wider legend pushed the plot past the widget; it does not shrink back by itself.
            pg.GraphicsView.setRange(self, self.range, padding=0, disableAutoPixel=False)

    def resizeEvent(self, ev) -> None:  # noqa: N802 (Qt naming)
        super().resizeEvent(ev)
        # close() clears the scene and then resizes: the legend's items are gone by then.
        if not self.closed:
            self._fit_legend()

    def _theme_changed(self) -> None:
        """Re-colour plot-specific items after a theme switch (override)."""
