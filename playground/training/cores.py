"""Whether a helper thread can expect a core of its own: the frame's probes and the diagram's edge
pictures are shared with one only then.

On an idle two-core machine the GUI thread waits while the training thread makes a frame, and the
training thread waits while the GUI draws it (the lockstep, ARCHITECTURE.md): a helper thread finds
the other core free and halves that wait. On a machine busy with other work every hand-over waits
for the scheduler to find the helper a core, and sharing made the window slower (10 layers of 64
at a load of 7.5 on two cores: 5.0-5.3 frames/s against 5.8-6.7 in one thread). So a helper is
used while the load average leaves a core free; the load is read at most once a second.
"""

from __future__ import annotations

import os
import threading
import time

SPARE_LOAD = 0.75  # a core counts as free while the load average stays this far below the core count
LOAD_CHECK_S = 1.0  # seconds between two readings of the load average

_lock = threading.Lock()
_checked = -float("inf")
_spare = False


def spare_core() -> bool:
    """True if the machine's load average leaves a core free for a helper thread (always False
    on a single core, or where the load average cannot be read)."""
    global _checked, _spare
    now = time.monotonic()
    with _lock:
        if now - _checked >= LOAD_CHECK_S:
            _checked = now
            cores = os.cpu_count() or 1
            try:
                load = os.getloadavg()[0]
            except (AttributeError, OSError):  # no load average on this system: do not share
                load = float(cores)
            _spare = cores >= 2 and load <= cores - SPARE_LOAD
        return _spare
