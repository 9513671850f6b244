"""Keep freed heap memory in the process instead of returning it to the OS each epoch.

Every training step allocates and frees the same few arrays (a 1000 x 16 float64
activation is 125 KiB). glibc trims the top of its heap as soon as 128 KiB are
free there, so the next epoch grows it again and pays a page fault per 4 KiB.
Raising the trim threshold made a full-batch epoch at n=1000 about twice as fast
here (0.67 -> 0.33 ms, see README, Benchmarks). Elsewhere than glibc this is a no-op.

The setting is process-wide, so importing the engine does not change it: the
application's entry points (``playground.__main__.main``, the benchmark) call
``tune_allocator()`` on purpose. A program that embeds the engine decides for itself.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys
import threading

_M_TRIM_THRESHOLD = -1  # from glibc's malloc.h
DEFAULT_TRIM_THRESHOLD = 64 << 20  # 64 MiB: a few epochs' arrays of the largest dataset

_lock = threading.Lock()
_applied: int | None = None  # the threshold mallopt accepted, None until then


def tune_allocator(threshold_bytes: int = DEFAULT_TRIM_THRESHOLD) -> bool:
    """Tell glibc to keep up to ``threshold_bytes`` of free heap; True if it is in effect.

    Idempotent: a second call with the same threshold does nothing and returns
    True again. Returns False where there is no glibc ``mallopt`` (macOS,
    Windows, musl), and changes nothing there.
    """
    global _applied
    if threshold_bytes <= 0:
        raise ValueError(f"tune_allocator: threshold_bytes must be positive, got {threshold_bytes}")
    with _lock:
        if _applied == threshold_bytes:
            return True
        if _mallopt(_M_TRIM_THRESHOLD, threshold_bytes):
            _applied = threshold_bytes
            return True
        return False


def allocator_tuned() -> int | None:
    """The trim threshold ``tune_allocator`` set in this process, or None if it never did."""
    return _applied


def _mallopt(param: int, value: int) -> bool:
    """glibc's ``mallopt(param, value)``; False where it does not exist or refuses."""
    if not sys.platform.startswith("linux"):
        return False
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else ctypes.CDLL(None)
        return bool(libc.mallopt(param, ctypes.c_int(value)))
    except (OSError, AttributeError):  # musl and others have no mallopt
        return False
