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
