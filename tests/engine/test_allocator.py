"""The allocator setting is process-wide: never a side effect of import, an explicit idempotent call."""

from __future__ import annotations

import json
import platform
import subprocess
import sys

import pytest

from playground.engine import allocator

# Run in a fresh interpreter: records every lookup of ``mallopt`` through ctypes.CDLL.
PROBE = r"""
import ctypes, json, sys
lookups = []
class RecordingCDLL(ctypes.CDLL):
    def __getattr__(self, name):
        if name == "mallopt":
            lookups.append(name)
        return super().__getattr__(name)
ctypes.CDLL = RecordingCDLL
import playground.engine, playground.nn
from playground.engine import allocator
after_import = (len(lookups), allocator.allocator_tuned())
calls = [allocator.tune_allocator() for _ in range(int(sys.argv[1]))]
print(json.dumps({"after_import": after_import, "calls": calls, "lookups": len(lookups),
                  "tuned": allocator.allocator_tuned(), "subprocess": "subprocess" in sys.modules}))
"""


def run_probe(calls: int) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(calls)], capture_output=True, text=True, timeout=60, check=True
    )
    return json.loads(done.stdout)


def test_importing_the_engine_does_not_touch_the_allocator():
    result = run_probe(0)
    assert result["after_import"] == [0, None]
    assert result["lookups"] == 0


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="mallopt is glibc's")
def test_tune_allocator_takes_effect_once_and_is_idempotent():
    result = run_probe(2)
    assert result["calls"] == [True, True]
    assert result["lookups"] == 1  # the second call does not call mallopt again
    assert result["tuned"] == allocator.DEFAULT_TRIM_THRESHOLD
    assert result["subprocess"] is False  # the C library is not looked up with ldconfig (ctypes.util)


def test_tune_allocator_is_a_no_op_off_linux(monkeypatch):
    monkeypatch.setattr(allocator, "_applied", None)
    monkeypatch.setattr(allocator.sys, "platform", "darwin")

    def no_cdll(*args, **kwargs):
        raise AssertionError("ctypes.CDLL must not be called off glibc")

    monkeypatch.setattr(allocator.ctypes, "CDLL", no_cdll)
    assert allocator.tune_allocator() is False
    assert allocator.tune_allocator() is False
    assert allocator.allocator_tuned() is None


def test_tune_allocator_without_mallopt_returns_false(monkeypatch):
    class NoMallopt:  # musl's libc: the symbol does not exist
        def __init__(self, *args: object) -> None:
            pass

        def __getattr__(self, name: str) -> object:
            raise AttributeError(name)

    monkeypatch.setattr(allocator, "_applied", None)
    monkeypatch.setattr(allocator.sys, "platform", "linux")
    monkeypatch.setattr(allocator.ctypes, "CDLL", NoMallopt)
    assert allocator.tune_allocator() is False
    assert allocator.allocator_tuned() is None


@pytest.mark.parametrize("bad", [0, -1])
def test_tune_allocator_rejects_a_non_positive_threshold(bad):
    with pytest.raises(ValueError, match="tune_allocator: threshold_bytes must be positive"):
        allocator.tune_allocator(bad)


def test_the_entry_point_tunes_the_allocator(monkeypatch):
    import playground.__main__ as entry
    import playground.cli

    calls = []
    monkeypatch.setattr(allocator, "tune_allocator", lambda: calls.append("tuned") or True)
    monkeypatch.setattr(playground.cli, "train_command", lambda args: calls.append(args) or 0)
    assert entry.main(["train", "--epochs", "1"]) == 0
    assert calls == ["tuned", ["--epochs", "1"]]
