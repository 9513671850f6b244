"""The collector stays off while the window's modules import and the window is built (ui/app.py's
run_app): with it on, the growing heap of start-up was walked about a hundred times, a full pass once,
for the few cycles start-up leaves. Checked in the real entry point (``python -m playground``)."""

from start_up_child import run_start_up

CHILD = """
import gc, json, os, sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

app = QApplication([sys.argv[0]])
out = sys.argv[1]
report = {"collections": [0, 0, 0]}


def counted(phase, info):
    # From pyqtgraph's import on: the window's own modules, its build and its first frame.
    if phase == "start" and "pyqtgraph" in sys.modules:
        report["collections"][info["generation"]] += 1


gc.callbacks.append(counted)


def at_start():
    window = next(w for w in app.topLevelWidgets() if type(w).__qualname__ == "MainWindow")
    report["visible"] = window.isVisible()
    report["enabled"] = gc.isenabled()
    report["frozen"] = gc.get_freeze_count()
    gc.callbacks.remove(counted)
"""


def test_no_collection_from_the_window_imports_to_the_window_shown(tmp_path):
    report = run_start_up(tmp_path, CHILD)
    assert report["visible"] is True
    assert report["collections"] == [0, 0, 0]
    assert report["enabled"] is False  # the GUI thread's timer collects from now on (shell/gui_gc.py)
    assert report["frozen"] > 10_000  # what start-up made, out of the timer's walks
