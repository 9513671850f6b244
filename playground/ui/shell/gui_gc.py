"""Python's cyclic garbage collector, run only in the GUI thread.

A Qt wrapper caught in a reference cycle is destroyed by whichever thread the
collector happens to run in. Run from a background thread (reading a file, say),
QObject's destructor takes a Qt lock and then waits for the GIL, while the GUI
thread holds the GIL and waits for that lock: a deadlock, seen here. So the
automatic collector is switched off and a timer collects in the GUI thread.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 1000


def collect_in_gui_thread(parent: QObject) -> QTimer:
    """Disable automatic collection and collect every second on a timer owned by ``parent``
    (which must live in the GUI thread)."""
    gc.disable()
    timer = QTimer(parent, interval=INTERVAL_MS)
    timer.timeout.connect(lambda: gc.collect())
    timer.start()
    return timer
