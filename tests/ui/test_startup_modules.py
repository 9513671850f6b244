"""Modules the window's start-up no longer imports, checked in the real entry point (a fresh
interpreter): ctypes.util (its find_library ran ``ldconfig`` in a subprocess, for the allocator and for
the display check) and sysconfig (only Help > User Guide asks for it, and still finds the guide)."""

from start_up_child import run_start_up

CHILD = """
import json, os, sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

app = QApplication([sys.argv[0]])
out = sys.argv[1]
report = {}


def at_start():
    window = next(w for w in app.topLevelWidgets() if type(w).__qualname__ == "MainWindow")
    report["visible"] = window.isVisible()
    report["at_start"] = sorted(name for name in ("ctypes.util", "sysconfig") if name in sys.modules)
    from playground.ui.shell.help_menu import guide_candidates

    report["guide_places"] = len(guide_candidates())
    report["after_help"] = "sysconfig" in sys.modules
"""


def test_start_up_imports_neither_ctypes_util_nor_sysconfig_and_help_still_finds_the_guide(tmp_path):
    report = run_start_up(tmp_path, CHILD)
    assert report["visible"] is True
    assert report["at_start"] == []
    assert report["guide_places"] == 4  # the source tree, then the environment's, the prefix's and the user's share
    assert report["after_help"] is True
