"""Gradient magnitudes per layer over the epochs, on a log scale.

Vanishing or exploding gradients show up as curves that sink or climb by orders
of magnitude; one curve per layer, coloured along a sequential ramp from the
first layer (dark) to the last, so depth reads as a progression.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from playground.ui.plots.history import HistoryPlot
from playground.ui.plots.style import DARK, FONT_PT, sequential_colors

FLAG_MARK = "⚠"  # starts the health line under the plot
# Warnings in the palette's vermillion, darkened for text on white and lightened on the dark theme.
_WARNING = {False: "#B8400A", True: "#F4A261"}
_FLAGGED_WIDTH = 2.5  # px: a flagged layer's curve stands out from the 1 px curves


class _WrappedLabel(pg.LabelItem):
    """A ``LabelItem`` that wraps its text to the width the layout gives it.

    pyqtgraph's label asks for its text's full width as a minimum, which would
    push a long line past the plot's edge; this one asks only for the height
    of its wrapped text.
    """

    def resizeEvent(self, ev) -> None:  # noqa: N802 (Qt naming)
        self.item.setTextWidth(max(self.rect().width(), 1.0))
        super().resizeEvent(ev)

    def updateMin(self) -> None:  # noqa: N802 (pyqtgraph naming)
        height = self.itemRect().height()
        self.setMinimumWidth(0)
        self.setMinimumHeight(height)
        self._sizeHint = {
            Qt.SizeHint.MinimumSize: (0, height),
            Qt.SizeHint.PreferredSize: (0, height),
            Qt.SizeHint.MaximumSize: (-1, -1),
            Qt.SizeHint.MinimumDescent: (0, 0),
        }
        self.updateGeometry()


def _short_name(label: str) -> str:
    """``"layer 3: 8 tanh"`` -> ``"L3"``, ``"output: 1"`` -> ``"out"``."""
    name = label.split(":")[0]
    return "out" if name == "output" else name.replace("layer ", "L")


class GradientPlot(HistoryPlot):
    """``‖∂L/∂W‖`` of each layer per epoch, one labelled curve per layer (log y axis).

    Curve names for :meth:`curve_point_count` are the layer labels. A gradient-health
    verdict (:meth:`set_health`) thickens the flagged layers' curves, marks their
    legend entries and shows one line of text under the plot.
    """

    def __init__(self, parent=None) -> None:
        super().__init__("gradientPlot", {"bottom": "epoch", "left": "‖∂L/∂W‖"}, parent=parent)
        self.getPlotItem().setLogMode(y=True)
        self._labels_shown: list[str] = []
        self._flagged: frozenset[int] = frozenset()
        self._health_text = ""
        # Under the epoch axis (row 4 of the plot's grid), so it never covers the sinking curves.
        self._health_label = _WrappedLabel("", size=f"{FONT_PT}pt", justify="left")
        self.getPlotItem().layout.addItem(self._health_label, 4, 1)
        self._show_health_row()
        self._theme_changed()

    def update_history(self, epochs: Sequence[float], grad_norms: np.ndarray, labels: Sequence[str]) -> None:
        """Show ``grad_norms`` (E epochs, L layers) against ``epochs`` (E,), one curve per label.

        A different list of ``labels`` (the architecture changed) rebuilds the
        curves; otherwise they are only given new data. Zeros are clipped to a
        tiny positive value and non-finite values are left out.
        """
        labels = list(labels)
        norms = np.asarray(grad_norms, dtype=np.float64).reshape(-1, len(labels)) if labels else None
        if labels != self._labels_shown:
            self._rebuild(labels)
        for layer, label in enumerate(labels):
            self._set_series(self._curves[label], epochs, norms[:, layer], log=True)
        self._follow(epochs, [norms] if norms is not None else [], log=True)

    def set_health(self, flagged: Sequence[int], text: str, details: str = "") -> None:
        """Mark the layers ``flagged`` (indices into the labels) and show ``text`` under the plot.

        ``details`` (the full advice) is the text's tooltip. An empty ``flagged``
        and ``text`` clear the marks. Cheap when nothing changed (called every frame).
        """
        flagged = frozenset(int(i) for i in flagged)
        if flagged != self._flagged:
            self._flagged = flagged
            self._mark_flagged()
        if text != self._health_text:
            self._health_text = text
            self._style_health_text()
            self._show_health_row()
        self._health_label.setToolTip(details)

    def health_text(self) -> str:
        """The health line shown under the plot ("" when none)."""
        return self._health_text

    def flagged_layers(self) -> frozenset[int]:
        """Indices of the layers currently marked as unhealthy."""
        return self._flagged

    def legend_labels(self) -> list[tuple[str, str]]:
        """The legend's ``(text, colour)`` entries in order; a flagged layer's is in the warning colour."""
        return [(label.text, QColor(label.opts["color"]).name().upper()) for _, label in self._legend.items]

    def _rebuild(self, labels: list[str]) -> None:
        for name in list(self._curves):
            self._remove_curve(name)
        self._labels_shown = labels
        for label in labels:
            self._new_curve(label)
        self._mark_flagged()

    def _mark_flagged(self) -> None:
        """Legend entries and pens for the current labels and flags.

        The legend says "layer 3: 8 tanh" when every entry fits in one row, else
        "L3" as the diagram does (the full names are the plot's tooltip), so it
        takes as little of the plot's height as it can.
        """
        short = not self._fits_one_row(self._labels_shown)
        self._set_legend(
            [(self._curves[label], _short_name(label) if short else label) for label in self._labels_shown]
        )
        self.setToolTip("\n".join(self._labels_shown) if short else "")
        self._color_curves()

    def _fits_one_row(self, labels: list[str]) -> bool:
        return self.legend_row_width(labels) <= self.legend_room()

    def _fit_legend(self) -> None:
        # A resize may make the long names fit, or no longer fit: choose again, then flow.
        labels = getattr(self, "_labels_shown", None)
        if labels and self._legend_entries:
            short = self._legend_entries[0][1] != labels[0]
            if short == self._fits_one_row(labels):
                self._mark_flagged()
                return  # _set_legend has fitted the new entries
        super()._fit_legend()

    def _color_curves(self) -> None:
        colors = sequential_colors(self.theme.sequence, len(self._labels_shown))
        warning = _WARNING[self.theme is DARK]
        for i, (label, color) in enumerate(zip(self._labels_shown, colors)):
            flagged = i in self._flagged
            self._curves[label].setPen(pg.mkPen(color, width=_FLAGGED_WIDTH if flagged else 1))
        # Flagged entries in the warning colour (their sample line is thick like the curve);
        # no extra glyph, so a deep network's legend keeps its rows few.
        for i, (_, text) in enumerate(self._legend.items):
            text.setText(text.text, color=warning if i in self._flagged else self.theme.foreground)

    def _style_health_text(self) -> None:
        # "layers 1–4" stays on one line when the text wraps.
        words = re.sub(r"\b(layers?) ", r"\1&nbsp;", self._health_text)
        text = f"{FLAG_MARK} {words}" if words else ""
        self._health_label.setText(text, color=_WARNING[self.theme is DARK], bold=True)

    def _show_health_row(self) -> None:
        # Without text the row keeps no height, so a healthy network's plot keeps all its room.
        shown = bool(self._health_text)
        self._health_label.setMaximumHeight(10_000 if shown else 0)
        self._health_label.setVisible(shown)

    def _theme_changed(self) -> None:
        super()._theme_changed()
        self._color_curves()
        self._style_health_text()
