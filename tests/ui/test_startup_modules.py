"""What the window's start-up no longer does, checked in the real entry point (a fresh interpreter):
look a library up with ctypes.util.find_library (it ran ``ldconfig`` in a subprocess, for the
allocator and for the display check) or import sysconfig (only Help > User Guide asks for it, and
still finds the guide)."""

from start_up_child import run_start_up

CHILD = """
import ctypes.util, json, os, sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

# Under coverage (its subprocess patch) sysconfig is imported before this script runs: forget it, so
# that only an import by start-up counts (coverage keeps its own reference to the module).
sys.modules.pop("sysconfig", None)
app = QApplication([sys.argv[0]])
out = sys.argv[1]
report = {}
looked_up = []  # by the application's own modules (an older threadpoolctl looks up the C library itself)
find_library = ctypes.util.find_library


def recording_find_library(name):
    if "playground" in sys._getframe(1).f_code.co_filename:
        looked_up.append(name)
    return find_library(name)


ctypes.util.find_library = recording_find_library


def at_start():
    window = next(w for w in app.topLevelWidgets() if type(w).__qualname__ == "MainWindow")
    report["visible"] = window.isVisible()
    report["looked_up"] = looked_up
    report["sysconfig_at_start"] = "sysconfig" in sys.modules
    from playground.ui.shell.help_menu import guide_candidates

    report["guide_places"] = len(guide_candidates())
    report["after_help"] = "sysconfig" in sys.modules
"""


def test_start_up_runs_no_library_lookup_nor_imports_sysconfig_and_help_still_finds_the_guide(tmp_path):
    report = run_start_up(tmp_path, CHILD)
    assert report["visible"] is True
    assert report["looked_up"] == []
    assert report["sysconfig_at_start"] is False
    assert report["guide_places"] == 4  # the source tree, then the environment's, the prefix's and the user's share
    assert report["after_help"] is True
