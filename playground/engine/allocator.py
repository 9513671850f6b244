"""Keep freed heap memory in the process instead of returning it to the OS each epoch.

Every training step allocates and frees the same few arrays (a 1000 x 16 float64
activation is 125 KiB). glibc trims the top of its heap as soon as 128 KiB are
free there, so the next epoch grows it again and pays a page fault per 4 KiB.
Raising the trim threshold made a full-batch epoch at n=1000 about twice as fast
here (0.67 -> 0.33 ms, see README, Benchmarks). Elsewhere than glibc this is a no-op.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys

_M_TRIM_THRESHOLD = -1  # from glibc's malloc.h


def keep_freed_memory(threshold_bytes: int = 64 << 20) -> bool:
    """Tell glibc to keep up to ``threshold_bytes`` of free heap; True if it took effect."""
    if not sys.platform.startswith("linux"):
        return False
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else ctypes.CDLL(None)
        return bool(libc.mallopt(_M_TRIM_THRESHOLD, ctypes.c_int(threshold_bytes)))
    except (OSError, AttributeError):  # musl and others have no mallopt
        return False
