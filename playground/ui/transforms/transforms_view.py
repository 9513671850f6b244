"""``TransformsView``: the grid lines and points of one stage (or a morph between two), a stage
slider with the stage's formula, and a play button that morphs through the stages.

It draws from arrays only (each stage's plane coordinates), as ARCHITECTURE.md
asks of a plot; ``TransformsFeature`` computes them from the frames.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSlider, QVBoxLayout, QWidget

from ...training.transforms import morph
from ..plots.style import ThemedPlot
from ..shell.aspect_height import AspectHeight

STEPS = 12  # slider positions per stage: the morph's frames between two stages
PLAY_INTERVAL = 40  # ms between morph frames while playing (25 a second)
# Lines of constant x2 and of constant x1 in two colours, so one can follow where each family went.
ROW_COLOR = (86, 180, 233)
COLUMN_COLOR = (230, 159, 0)
DECISION_COLOR = (213, 94, 0)  # the output's decision line: a colour that reads on light and dark themes
# The plot's height over its width: the tallest stage's shape, within these bounds (a layer that squashes
# the plane to a line must not shrink the plot to a strip), in steps that do not relayout at every frame.
ASPECT_RANGE, ASPECT_STEP = (0.5, 1.5), 0.1
# A stage with no height (a one-unit output puts every point on a line) is framed as if it were this share
# of its width tall: pyqtgraph keeps the previous scale for a range of zero, so the sigmoid's [0, 1] stayed
# framed at the logit's width (about 30) and was drawn as a dot.
FLAT_SHARE = 0.1


def stages_aspect(coords: list[np.ndarray]) -> float:
    """The height over the width of the tallest stage's picture (finite points only), clipped to
    ``ASPECT_RANGE`` and rounded to ``ASPECT_STEP``; 1 without a picture."""
    tallest: float | None = None
    for stage in coords:
        xy = stage[np.isfinite(stage).all(axis=1)]
        if len(xy) < 2:
            continue
        wide, tall = np.ptp(xy[:, 0]), np.ptp(xy[:, 1])
        shape = float(tall / wide) if wide > 0 else ASPECT_RANGE[1]
        tallest = shape if tallest is None else max(tallest, shape)
    if tallest is None:
        return 1.0
    low, high = ASPECT_RANGE
    return round(min(max(tallest, low), high) / ASPECT_STEP) * ASPECT_STEP


def frame_corners(picture: np.ndarray) -> np.ndarray:
    """Two corners of a box around ``picture``'s finite points in which a flat axis (no extent) has
    ``FLAT_SHARE`` of the other's (shape (2, 2)); empty (0, 2) without a finite point."""
    xy = picture[np.isfinite(picture).all(axis=1)]
    if not len(xy):
        return np.empty((0, 2))
    low, high = xy.min(axis=0), xy.max(axis=0)
    centre, half = (low + high) / 2, (high - low) / 2
    half = np.maximum(half, FLAT_SHARE * max(float(half.max()), 0.5))  # one point alone: a box 0.1 across
    return np.array([centre - half, centre + half])


class TransformsView(QWidget):
    """The plot, the slider and its label. ``refitRequested`` asks for new projection planes."""

    refitRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # ThemedPlot: the project's fonts and the light/dark theme, as every plot of the window.
        self.plot = ThemedPlot("transformsPlot", {"bottom": "", "left": ""})
        # One unit is as long across as up: a rotation must look like one, and a layer that
        # squashes the plane to a line must look squashed, not stretched back to a square.
        self.plot.getPlotItem().getViewBox().setAspectLocked(True, ratio=1.0)
        self.rows_item = pg.PlotCurveItem(pen=pg.mkPen(ROW_COLOR, width=1), connect="finite")
        self.columns_item = pg.PlotCurveItem(pen=pg.mkPen(COLUMN_COLOR, width=1), connect="finite")
        self.points_item = pg.ScatterPlotItem(size=6, pen=pg.mkPen(None))
        self.decision_item = pg.PlotCurveItem(
            pen=pg.mkPen(DECISION_COLOR, width=2, style=Qt.PenStyle.DashLine), connect="pairs"
        )
        # Never drawn: its two corners give the automatic range a box with height and width (frame_corners).
        self.frame_item = pg.PlotCurveItem(pen=pg.mkPen(None))
        for item in (self.rows_item, self.columns_item, self.decision_item, self.points_item, self.frame_item):
            self.plot.addItem(item)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setToolTip(
            "Which stage of the network the plane is shown after; between two "
            "stages the picture morphs from one to the next"
        )
        self.slider.valueChanged.connect(self._redraw)
        self.label = QLabel("")
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.play = QPushButton("Play")
        self.play.setCheckable(True)
        self.play.setToolTip("Morph through the stages, from the input to the output")
        self.play.toggled.connect(self._play_toggled)
        refit = QPushButton("Refit view")
        refit.setToolTip(
            "Choose the planes of the wide layers again from the current network "
            "(they are otherwise held, so the picture does not jump)"
        )
        refit.clicked.connect(self.refitRequested)
        self._timer = QTimer(self, interval=PLAY_INTERVAL)
        self._timer.timeout.connect(self._advance)
        row = QHBoxLayout()
        row.addWidget(self.play)
        row.addWidget(self.slider, 1)
        row.addWidget(refit)
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        layout.addWidget(self.plot, 1)
        layout.addLayout(row)
        # The dock beside the plots is tall and narrow, the aspect locked: stretched to the dock's height the
        # plot drew the plane in a band with blank plot above and below. It takes the height the pictures
        # need at the dock's width (AspectHeight); the controls follow right under it, the rest below them.
        layout.addStretch(0)
        self.aspect = 1.0
        self._fit = AspectHeight(self.plot, lambda: self.aspect)
        self.coords: list[np.ndarray] = []
        self.labels: list[str] = []
        self.line_shape = (0, 0)
        self.brushes: list[object] = []
        self.decision: tuple[int, np.ndarray] | None = None

    # ---------------------------------------------------------------- input
    def show_stages(
        self,
        coords: list[np.ndarray],
        labels: list[str],
        line_shape: tuple[int, int],
        brushes: list[object],
        decision: tuple[int, np.ndarray] | None = None,
    ) -> None:
        """Draw new stages: ``coords[s]`` holds stage ``s``'s plane coordinates of the grid lines'
        samples (``line_shape`` = lines, samples per line, first) and then of the points, drawn with
        ``brushes``; ``decision`` is ``(stage, endpoint pairs (m * 2, 2))`` of the edges between the
        output's classes (one pair: a sigmoid unit's decision line)."""
        if len(coords) != len(labels) or not coords:
            raise ValueError(f"TransformsView: {len(coords)} stages with {len(labels)} labels")
        self.coords, self.labels, self.line_shape = coords, labels, line_shape
        self.brushes, self.decision = brushes, decision
        aspect = stages_aspect(coords)
        if aspect != self.aspect:
            self.aspect = aspect
            self._fit.refit()
        top = (len(coords) - 1) * STEPS
        if self.slider.maximum() != top:
            self.slider.setMaximum(top)  # may emit valueChanged (a clamp), which redraws
        self._redraw()

    @property
    def position(self) -> float:
        """The stage position shown, from 0 (the input) to the number of stages - 1."""
        return self.slider.value() / STEPS

    def set_stage(self, stage: float) -> None:
        """Show stage position ``stage`` (whole: that stage; between: the morph)."""
        self.slider.setValue(round(stage * STEPS))

    # --------------------------------------------------------------- drawing
    def _redraw(self) -> None:
        if not self.coords:
            return
        t = self.position
        picture = morph(self.coords, t)
        n_lines, samples = self.line_shape
        lines = picture[: n_lines * samples].reshape(n_lines, samples, 2)
        # A NaN after each line keeps the lines apart in one curve item (connect="finite");
        # grid_lines gives the lines of constant x2 first, then those of constant x1.
        half = n_lines // 2
        for item, family in ((self.rows_item, lines[:half]), (self.columns_item, lines[half:])):
            gaps = np.full((len(family), 1, 2), np.nan)
            joined = np.concatenate([family, gaps], axis=1).reshape(-1, 2)
            item.setData(joined[:, 0], joined[:, 1])
        corners = frame_corners(picture)
        self.frame_item.setData(corners[:, 0], corners[:, 1])
        points = picture[n_lines * samples :]
        self.points_item.setData(points[:, 0], points[:, 1], brush=self.brushes or None)
        lower = int(np.floor(t))
        self.label.setText(self._label(t, lower))
        if self.decision is not None and t == self.decision[0]:
            ends = self.decision[1]
            self.decision_item.setData(ends[:, 0], ends[:, 1])
        else:
            self.decision_item.setData([], [])

    def _label(self, t: float, lower: int) -> str:
        if t == lower:
            return f"stage {lower} of {len(self.labels) - 1}:  {self.labels[lower]}"
        return f"{self.labels[lower]}  \u2192  {self.labels[lower + 1]}"

    def _play_toggled(self, playing: bool) -> None:
        self.play.setText("Pause" if playing else "Play")
        if playing:
            if self.slider.value() == self.slider.maximum():
                self.slider.setValue(0)
            self._timer.start()
        else:
            self._timer.stop()

    def _advance(self) -> None:
        if self.slider.value() >= self.slider.maximum():
            self.play.setChecked(False)
            return
        self.slider.setValue(self.slider.value() + 1)
