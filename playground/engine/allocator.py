"""Keep freed heap memory in the process instead of returning it to the OS each epoch.

Every training step allocates and frees the same few arrays (a 1000 x 16 float64
activation is 125 KiB). glibc trims the top of its heap as soon as 128 KiB are
free there, so the next epoch grows it again and pays a page fault per 4 KiB.
Raising the trim threshold made a full-batch epoch at n=1000 about twice as fast
here (0.67 -> 0.33 ms, see README, Benchmarks). Elsewhere than glibc this is a no-op.

The threshold is 512 MiB because an epoch frees everything it allocated at once: at
100,000 points a graph holds each layer's z, a and both their gradients (12.8 MB each in
float64 for 16 units; the inspection views read them after ``backward``), about 400 MB for
8 layers of 16. With 64 MiB kept, glibc gave the rest back after every epoch and the next
one faulted it in again, 12,600 page faults an epoch, about a quarter of its time
(``benchmarks/engine_vs_torch.py``). The memory kept is only what the last epoch used at
its peak, which the next epoch needs again.

A thread other than the main one (the app trains in one) allocates from an arena of
64 MiB heaps, and glibc unmaps a heap as soon as it is empty, whatever the trim
threshold, unless its top pad (the slack glibc keeps when it grows or trims a heap) asks
for more room than a heap has. So the top pad is set to a whole heap, 64 MiB: in the
main arena that only reserves address space (pages untouched are not memory), and an
epoch in the training thread at 100,000 points then reuses its heaps instead of faulting
in about 8,500 pages every time.

Setting the trim threshold also switches off glibc's own adjustment of its mmap
threshold (mallopt(3)), which otherwise rises to the size of the arrays freed: left
at 128 KiB, every larger array (a frame's 1600 x 64 activations, Adam's temporaries
over 37,697 parameters) was a fresh mmap, zero-filled page by page, 25 times the
cost of the arithmetic on it (300 us instead of 12 us for 300 KiB; see
benchmarks/deep_epoch.py). So the mmap threshold is raised as well, to glibc's
largest, and arrays up to 32 MiB reuse the heap.

The setting is process-wide, so importing the engine does not change it: the
application's entry points (``playground.__main__.main``, the benchmark) call
``tune_allocator()`` on purpose. A program that embeds the engine decides for itself.
"""

from __future__ import annotations

import ctypes
import sys
import threading

_M_TRIM_THRESHOLD = -1  # from glibc's malloc.h
_M_TOP_PAD = -2
_M_MMAP_THRESHOLD = -3
DEFAULT_TRIM_THRESHOLD = 512 << 20  # 512 MiB: one epoch's graph at 100,000 points (module docstring)
MMAP_THRESHOLD = 32 << 20  # glibc's largest (HEAP_MAX_SIZE / 2 on 64-bit): bigger arrays still get an mmap
TOP_PAD = 64 << 20  # HEAP_MAX_SIZE on 64-bit: a thread's arena keeps its emptied heaps (module docstring)

_lock = threading.Lock()
_applied: int | None = None  # the threshold mallopt accepted, None until then


def tune_allocator(threshold_bytes: int = DEFAULT_TRIM_THRESHOLD) -> bool:
    """Tell glibc to keep up to ``threshold_bytes`` of free heap, to serve arrays up to
    ``MMAP_THRESHOLD`` from it and to keep a thread's emptied heaps (``TOP_PAD``); True if
    the trim threshold is in effect.

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
        trim, _, _ = _mallopt(
            (_M_TRIM_THRESHOLD, threshold_bytes), (_M_MMAP_THRESHOLD, MMAP_THRESHOLD), (_M_TOP_PAD, TOP_PAD)
        )
        if trim:
            _applied = threshold_bytes
            return True
        return False


def allocator_tuned() -> int | None:
    """The trim threshold ``tune_allocator`` set in this process, or None if it never did."""
    return _applied


def _mallopt(*settings: tuple[int, int]) -> list[bool]:
    """glibc's ``mallopt(param, value)`` for each ``(param, value)``, in order; False for each
    where it does not exist, or for one it refuses."""
    refused = [False] * len(settings)
    if not sys.platform.startswith("linux"):
        return refused
    try:
        # The process's own symbols, the C library's among them: ctypes.util.find_library("c") ran
        # ``ldconfig -p`` in a subprocess to name the same library (14 ms of every start-up's wall time).
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # musl and others have no mallopt
        return refused
    return [bool(mallopt(param, ctypes.c_int(value))) for param, value in settings]
