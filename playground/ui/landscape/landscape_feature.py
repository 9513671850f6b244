"""``install_landscape(window)``: the "Landscape" dock.

The slice needs the training points, the optimiser's running state and the
timeline, which the training thread owns, so it is computed there
(``worker.call``, a read that leaves the trainer as it was, and that releases
the lockstep wait) when a frame of new weights is drawn while training is
paused (after Pause, Step, an edit), on Refresh, and while training plays at
most once every ``PLAYING_INTERVAL`` seconds: a slice costs about a tenth of a
second, which every frame could not afford. While the timeline shows a past
epoch the slice is around that epoch's weights, on the path up to it.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, cast

import numpy as np
from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QWidget

if TYPE_CHECKING:
    from ...training import Trainer
    from ...training.landscape import Landscape
    from ..session.worker import Frame
    from ..shell.host import WindowHost
    from .landscape_view import LandscapeView


PLAYING_INTERVAL = 1.0  # s between refreshes while training plays


class LandscapeFeature(QObject):
    """The dock (its view built when first shown), its View-menu toggle, and the refresh on paused frames."""

    def __init__(self, window: WindowHost) -> None:
        super().__init__(window)
        self._window = window
        self.dock = window.add_lazy_dock(
            "Landscape",
            "landscapeDock",
            self._build_view,
            Qt.DockWidgetArea.RightDockWidgetArea,
            "The training loss on a slice of weight space, with the path training took",
        )
        self._drawn: tuple[object, ...] | None = None
        self._drawn_weights: list[tuple[np.ndarray, np.ndarray]] = []
        self._viewing: int | None = None  # the past epoch the timeline shows, if any
        self._clock = time.monotonic  # replaced by the tests
        self._refreshed = -float("inf")
        self.dock.visibilityChanged.connect(lambda visible: visible and self.refresh())
        window.add_frame_view(self._frame_drawn)

    def _build_view(self) -> QWidget:
        # Imported here, with the first show: a window whose dock stays closed never loads the view.
        from .landscape_view import LandscapeView

        view = LandscapeView()
        view.refresh.clicked.connect(self.refresh)
        view.methods.currentIndexChanged.connect(lambda _: self.refresh())
        return view

    @property
    def view(self) -> LandscapeView:
        """The dock's view (built now if the dock was never shown)."""
        return cast("LandscapeView", self.dock.content())

    def _frame_drawn(self, frame: Frame) -> None:
        key = (frame.epoch, frame.dataset, frame.config, frame.viewing)
        # A weight or bias set by hand changes none of the others: paused, the slice stayed the old one's.
        if not self.dock.isVisible() or (key == self._drawn and same_weights(frame.weights, self._drawn_weights)):
            return
        if frame.playing and self._clock() - self._refreshed < PLAYING_INTERVAL:
            return
        self._drawn, self._drawn_weights = key, frame.weights
        self._viewing = frame.epoch if frame.viewing else None
        self.refresh()

    def refresh(self) -> None:
        """Compute the slice around the current weights in the training thread and draw it."""
        if not self.dock.isVisible():
            return
        # Imported at the first refresh (a shown dock), not with the window: one never opened never loads it.
        from ...training.landscape import Landscape, loss_landscape
        from ..session.worker import weights_of

        self._refreshed = self._clock()
        worker = self._window.session.worker
        method, viewing = self.view.method, self._viewing

        def compute(trainer: Trainer) -> tuple[Landscape, int | None]:
            snapshots = worker.timeline.snapshots_of(trainer)
            if viewing is None:
                path = np.array([s.params for s in snapshots])
                return loss_landscape(trainer, path if len(path) else None, method), None
            # The timeline shows a past epoch: the slice around the weights of then, on the path up to then
            # (around the live weights it said 'loss here 0.3219' beside epoch 71's loss of 0.07691).
            past = worker.timeline.nearest(viewing)
            path = np.array([s.params for s in snapshots if s.epoch <= past.epoch])
            with weights_of(trainer, past):
                return loss_landscape(trainer, path if len(path) else None, method), past.epoch

        try:
            land, past_epoch = worker.call(compute)
        except (ValueError, TimeoutError) as error:
            self.view.show_message(str(error))
            return
        assert isinstance(land, Landscape)
        self.view.show_landscape(land, past_epoch)


def same_weights(a: list[tuple[np.ndarray, np.ndarray]], b: list[tuple[np.ndarray, np.ndarray]]) -> bool:
    """Whether two frames' (W, b) lists hold the same values."""
    return len(a) == len(b) and all(
        np.array_equal(Wa, Wb) and np.array_equal(ba, bb) for (Wa, ba), (Wb, bb) in zip(a, b)
    )


def install_landscape(window: WindowHost) -> LandscapeFeature:
    """Add the "Landscape" dock (View menu) to ``window``."""
    return LandscapeFeature(window)
