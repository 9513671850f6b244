"""Process-wide settings the training thread needs, applied while a worker runs and undone after.

Two settings belong to the whole process, not to one thread, so they are made
here on purpose and put back when the last worker stops (ARCHITECTURE.md,
"Threads and what each owns"; ``benchmarks/training_thread.py`` measures them):

- BLAS threads: 1, for the whole process (OpenBLAS has one pool). OpenBLAS
  would split even the small products of a probe ((10000, 16) x (16, 16)) over
  both cores, and its helper thread then busy-waits between calls, taking a
  core from the GUI and training threads (measured: 46% of a core; on one
  thread the default session trains about 3 times more epochs per CPU second
  and draws 1.5 times more frames). The GUI thread and the training thread
  already keep both cores busy, so threads inside BLAS only add contention;
  even a 100,000-point probe was faster on one thread here.
- The interpreter's switch interval: 1 ms instead of 5 ms. Both threads run
  Python; a short interval lets the GUI thread take the GIL back within a
  millisecond, so it keeps drawing while training runs.
"""

from __future__ import annotations

import sys
import threading

from threadpoolctl import threadpool_limits

BLAS_THREADS = 1
SWITCH_INTERVAL = 0.001  # seconds


class TrainingThreadPolicy:
    """Reference-counted: the first ``acquire`` applies the settings, the last ``release``
    restores what the process had before (several windows may train at once)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._users = 0
        self._switch_interval: float | None = None
        self._limits: threadpool_limits | None = None

    @property
    def active(self) -> bool:
        """True while at least one worker holds the policy."""
        return self._users > 0

    def acquire(self) -> None:
        """Apply the settings (if no other worker has already)."""
        with self._lock:
            self._users += 1
            if self._users == 1:
                self._switch_interval = sys.getswitchinterval()
                sys.setswitchinterval(SWITCH_INTERVAL)
                self._limits = threadpool_limits(limits=BLAS_THREADS, user_api="blas")

    def release(self) -> None:
        """Undo one ``acquire``; the last one restores the process's own settings."""
        with self._lock:
            if self._users == 0:
                return
            self._users -= 1
            if self._users == 0:
                if self._switch_interval is not None:
                    sys.setswitchinterval(self._switch_interval)
                if self._limits is not None:
                    self._limits.restore_original_limits()
                self._switch_interval = self._limits = None


POLICY = TrainingThreadPolicy()
