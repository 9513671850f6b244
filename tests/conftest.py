"""Test-wide setup: Qt renders offscreen, before any QApplication exists; test options."""

import gc
import os

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# As the app does (playground/ui/shell/gui_gc.py): no automatic garbage collection, which
# could run in a background thread and destroy Qt objects there (a deadlock); collect
# between tests, in the main thread.
gc.disable()


def pytest_collection_finish(session):
    # Every module the tests use is imported by now. A full collection walks every tracked
    # object, and the imported modules' are tens of thousands (0.24 s a test, half the suite's
    # time): freeze them into the permanent generation, so a collection walks only what the
    # tests made since.
    gc.collect()
    gc.freeze()


# The modules holding the suite's longest single tests (a monkey drive, filmed lessons, real
# app processes killed or interrupted), 10 to 60 s each on a busy machine. Run first, so that
# on two workers (``-n 2``) they overlap the many short tests rather than one of them running
# alone at the end while the other worker idles. Whole modules move, in their own order, so a
# module's shared window is still built once a worker.
LONG_FIRST = (
    "test_monkey.py",
    "test_render_lesson.py",
    "test_session_selections.py",
    "test_interrupt.py",
    "test_autosave.py",
    "test_render_views.py",
    "test_settings_data.py",
    "test_lesson_card.py",
)


def pytest_collection_modifyitems(config, items):
    first = {name: rank for rank, name in enumerate(LONG_FIRST)}
    # sorted() is stable: every other test keeps its place, after these.
    items[:] = sorted(items, key=lambda item: first.get(item.path.name, len(first)))


@pytest.fixture(autouse=True)
def _collect_in_the_main_thread():
    yield
    gc.collect()


def pytest_addoption(parser):
    # The monkey test's length: short by default (seconds), thousands for the long run.
    parser.addoption(
        "--monkey-actions",
        type=int,
        default=150,
        metavar="N",
        help="random actions the monkey test (tests/ui/test_monkey.py) performs (default 150; -m slow drives 3000)",
    )
