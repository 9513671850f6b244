"""The collector stays off while start-up imports (``playground/__main__.py``'s collector_paused, then
ui/app.py's run_app) and while the window is built: with it on, the growing heap of start-up was walked
about 160 times, a full pass once, for the few cycles start-up leaves. Checked in the real entry point
(``python -m playground``); a headless command and a mistyped one get the collector back as it was."""

import gc

import pytest
from start_up_child import run_start_up

from playground.__main__ import collector_paused, main

CHILD = """
import gc, json, os, sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

app = QApplication([sys.argv[0]])
out = sys.argv[1]
report = {"collections": [0, 0, 0]}


def counted(phase, info):
    # From numpy's import on (this script imports none): the entry point's imports, the window's own
    # modules, its build and its first frame.
    if phase == "start" and "numpy" in sys.modules:
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


@pytest.fixture
def collector_on():
    """The collector on for the test, as it was after."""
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


def test_collector_paused_restores_the_collector_even_after_an_error(collector_on):
    with pytest.raises(ValueError), collector_paused():
        assert gc.isenabled() is False
        raise ValueError("inside")
    assert gc.isenabled() is True
    gc.disable()
    with collector_paused():
        pass
    assert gc.isenabled() is False  # off before: off after


def test_a_mistyped_command_leaves_the_collector_on(collector_on, capsys):
    assert main(["trian"]) == 2
    assert "unknown command 'trian'" in capsys.readouterr().err
    assert gc.isenabled() is True
