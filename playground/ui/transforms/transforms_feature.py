"""``install_transforms(window)``: the "Transforms" dock, drawn from every frame while it is shown.

From a frame it carries a grid of lines over the plane and the probed data
points through the network (``training.transforms``): the first layer is taken
from the frame's grid probe (so standardised inputs need nothing the frame
lacks), the planes of wide layers are chosen once and held until the network
changes or the person asks for a refit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QWidget

from ...data.dataset import DOMAIN
from ...data.features import compute_features
from ...nn import head_for_task

# training.transforms (with training.forward) is imported where it is used, when the view is built and
# drawn: the dock is built when first shown, and a window that never shows it never loads it.
if TYPE_CHECKING:
    from ...training.forward import Network
    from ...training.transforms import Stage, StageProjector
    from ..session.worker import Frame
    from ..shell.host import WindowHost
    from .transforms_view import TransformsView

LINES, SAMPLES = 13, 41  # grid lines across the plane, and points along each (enough to show bending)
FIT_ROWS = 400  # grid cells used to fit the first layer: the fit is exact, any 3+ would do


class TransformsFeature(QObject):
    """The dock (its view built when first shown), its View-menu toggle and the frame view that feeds it.

    ``projector`` (the planes of the stages, held) and ``lines`` (the grid carried through) are made with
    the view."""

    projector: StageProjector
    lines: np.ndarray

    def __init__(self, window: WindowHost) -> None:
        super().__init__(window)
        self.dock = window.add_lazy_dock(
            "Transforms",
            "transformsDock",
            self._build_view,
            Qt.DockWidgetArea.RightDockWidgetArea,
            "The input plane carried through the network, stage by stage",
        )
        self._network_key: object = None
        self.dock.follow_frames(window, self.draw)

    def _build_view(self) -> QWidget:
        # Imported here, with the first show: a window whose dock stays closed never loads the view.
        from ...training.transforms import StageProjector, grid_lines
        from .transforms_view import TransformsView

        self.projector = StageProjector("output")
        self.lines = grid_lines(LINES, SAMPLES, DOMAIN)
        view = TransformsView()
        view.refitRequested.connect(self._refit)
        return view

    @property
    def view(self) -> TransformsView:
        """The dock's view (built now if the dock was never shown)."""
        return cast("TransformsView", self.dock.content())

    def _refit(self) -> None:
        self.projector.refit()
        if self.dock.latest_frame is not None:
            self.draw(self.dock.latest_frame)

    def draw(self, frame: Frame) -> None:
        """Carry the plane through ``frame``'s network and show it."""
        from ...training.transforms import network_on_features, network_stages

        view = self.view  # built now, with the projector, if the dock never showed
        cfg, dataset = frame.config, frame.dataset
        key = (tuple(W.shape for W, _ in frame.weights), cfg.activations, cfg.residual, cfg.features, cfg.standardize)
        if key != self._network_key:
            self._network_key = key
            self.projector.refit()  # a new network: its planes are chosen afresh
        r = len(frame.grid_axis)
        x1, x2 = np.meshgrid(frame.grid_axis, frame.grid_axis)
        grid = np.column_stack([x1.ravel(), x2.ravel()])
        rows = np.linspace(0, r * r - 1, min(FIT_ROWS, r * r)).astype(np.intp)
        head = head_for_task(dataset.task, dataset.n_classes).name
        network = network_on_features(
            frame.weights,
            cfg.activations,
            head,
            compute_features(grid[rows], cfg.features),
            frame.grid_z[0][rows],
            cfg.residual,
        )
        points = dataset.X[frame.point_rows]
        carried = np.concatenate([self.lines.reshape(-1, 2), points])
        stages = network_stages(network, compute_features(carried, cfg.features))
        coords = self.projector.project(stages, network)
        view.show_stages(
            coords,
            [s.label for s in stages],
            self.lines.shape[:2],
            self._brushes(frame),
            self._decision(stages, network, coords),
        )

    def _brushes(self, frame: Frame) -> list[object]:
        dataset = frame.dataset
        if dataset.task != "classification":
            return []
        palette = [pg.mkBrush(color) for color in dataset.class_colors]
        return [palette[int(c)] for c in dataset.y[frame.point_rows]]

    def _decision(
        self, stages: list[Stage], network: Network, coords: list[np.ndarray]
    ) -> tuple[int, np.ndarray] | None:
        """The edges between the output's classes across the stage that feeds the output (a line for a
        sigmoid unit), over its points' extent and half as much again."""
        from ...training.transforms import decision_segments, feeds_output

        for index, stage in enumerate(stages):
            extent = coords[index][np.isfinite(coords[index]).all(axis=1)]
            if not feeds_output(stage, network) or not len(extent):
                continue
            low, high = extent.min(axis=0), extent.max(axis=0)
            pad = 0.25 * np.maximum(high - low, 1e-9)
            rect = (float(low[0] - pad[0]), float(low[1] - pad[1]), float(high[0] + pad[0]), float(high[1] + pad[1]))
            segments = decision_segments(network, stage, self.projector.planes[index], rect)
            return None if segments is None or not len(segments) else (index, segments)
        return None


def install_transforms(window: WindowHost) -> TransformsFeature:
    """Add the "Transforms" dock (View menu) to ``window``."""
    return TransformsFeature(window)
