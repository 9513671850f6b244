"""``CompareThread``: trains a ``Comparison`` off the GUI thread.

It follows the training worker's rules (ARCHITECTURE.md, "Threads and what each
owns"): the process-wide BLAS and switch-interval policy is held while it runs
(``session/policy.py``), nothing is forked, and the thread never collects
garbage (the app collects in the GUI thread only, ``shell/gui_gc.py``). The
comparison is built and trained in this thread and only ``CopyResult`` values
(copies) leave it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence

from PySide6.QtCore import QThread, Signal

from ...data import Dataset
from ...training import TrainingConfig
from ...training.compare import Comparison
from ..session.policy import POLICY
from ..session.worker import _inherit_tracer

REPORT_INTERVAL = 0.5  # s between two progress reports (each probes nine small grids: ~60 ms)


class CompareThread(QThread):
    """Train the copies for ``epochs`` epochs; ``progress(list[CopyResult])`` now and then and
    at the end, ``failed(str)`` on an error. ``stop()`` ends it within one epoch."""

    progress = Signal(object)
    failed = Signal(str)

    def __init__(
        self, dataset: Dataset, config: TrainingConfig, variable: str, values: Sequence[object], epochs: int
    ) -> None:
        super().__init__()
        self.setObjectName("compare")
        self._request = (dataset, config, variable, list(values), int(epochs))
        self._stopping = threading.Event()
        self._holds_policy = False
        self.finished.connect(self._release)

    def start_training(self) -> None:
        """Start the thread with the training policy held until it ends."""
        if not self._holds_policy:
            POLICY.acquire()
            self._holds_policy = True
        self.start()

    def stop(self) -> None:
        """Ask the thread to end after the current epoch, and wait until it has."""
        self._stopping.set()
        self.wait()
        self._release()

    def _release(self) -> None:
        if self._holds_policy:
            POLICY.release()
            self._holds_policy = False

    def run(self) -> None:  # the thread's body
        _inherit_tracer()  # as the training worker does: coverage and debuggers see this thread too
        dataset, config, variable, values, epochs = self._request
        try:
            comparison = Comparison(dataset, config, variable, values)
            reported = time.perf_counter()
            for _ in range(epochs):
                if self._stopping.is_set() or not comparison.training:
                    break
                comparison.step(1)
                if time.perf_counter() - reported >= REPORT_INTERVAL:
                    self.progress.emit(comparison.results())
                    reported = time.perf_counter()
            self.progress.emit(comparison.results())
        except Exception as error:  # shown in the view; the thread just ends
            self.failed.emit(f"Compare failed: {type(error).__name__}: {error}")
