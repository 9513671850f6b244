"""After ``tune_allocator`` a large array freed and allocated again reuses the heap: no page faults
per allocation (setting the trim threshold alone left every array over 128 KiB a fresh mmap)."""

from __future__ import annotations

import json
import platform
import subprocess
import sys

import pytest

from playground.engine import allocator

# In a fresh interpreter: minor page faults over 200 allocations of 1 MiB, in the main thread and
# in another (the training thread has an arena of its own), with and without the tuning.
PROBE = r"""
import json, resource, sys, threading
import numpy as np
from playground.engine import allocator

def faults():
    return resource.getrusage(resource.RUSAGE_THREAD).ru_minflt

def churn(out, key):
    x = np.ones(1 << 17)  # 1 MiB of float64
    before = faults()
    for _ in range(200):
        y = x * 2.0
        del y
    out[key] = faults() - before

if sys.argv[1] == "tuned":
    allocator.tune_allocator()
out = {}
churn(out, "main")
thread = threading.Thread(target=churn, args=(out, "thread"))
thread.start()
thread.join()
print(json.dumps(out))
"""

PAGES = (1 << 20) // 4096  # an allocation that is a fresh mmap faults once a page


def run_probe(mode: str) -> dict[str, int]:
    done = subprocess.run([sys.executable, "-c", PROBE, mode], capture_output=True, text=True, timeout=60, check=True)
    return json.loads(done.stdout)


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="mallopt is glibc's")
def test_large_arrays_reuse_the_heap_after_tuning():
    tuned = run_probe("tuned")
    # Fresh mmaps would fault 200 * 256 times; reuse faults for the first few at most.
    assert tuned["main"] < 10 * PAGES and tuned["thread"] < 10 * PAGES, tuned


def test_the_mmap_threshold_is_glibcs_largest():
    assert allocator.MMAP_THRESHOLD == 32 << 20
    assert allocator.MMAP_THRESHOLD < allocator.DEFAULT_TRIM_THRESHOLD  # freed arrays stay in the heap


# An epoch's graph at 100,000 points: many arrays of 12.8 MB allocated, then all freed at once,
# again and again. Measured from the second round on, in the main thread and in another.
EPOCH_PROBE = r"""
import json, resource, sys, threading
import numpy as np
from playground.engine import allocator

def faults():
    return resource.getrusage(resource.RUSAGE_THREAD).ru_minflt

def epochs(out, key):
    x = np.ones((100_000, 16))
    def one():
        arrays = [x * 2.0 for _ in range(int(sys.argv[1]))]  # every page written, as an epoch's are
        del arrays
    one()
    before = faults()
    for _ in range(3):
        one()
    out[key] = faults() - before

allocator.tune_allocator()
out = {}
epochs(out, "main")
thread = threading.Thread(target=epochs, args=(out, "thread"))
thread.start()
thread.join()
print(json.dumps(out))
"""


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="mallopt is glibc's")
def test_an_epochs_arrays_freed_at_once_are_reused_without_faults():
    # 24 arrays of 12.8 MB: 307 MB, past the 64 MiB once kept (which faulted 60,000 pages in 3 rounds).
    done = subprocess.run(
        [sys.executable, "-c", EPOCH_PROBE, "24"], capture_output=True, text=True, timeout=120, check=True
    )
    faults = json.loads(done.stdout)
    one_array = 100_000 * 16 * 8 // 4096
    assert faults["main"] < one_array and faults["thread"] < one_array, faults
