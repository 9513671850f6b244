"""Test-wide setup: Qt renders offscreen, before any QApplication exists; test options."""

import gc
import os
import warnings

import leftovers
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


@pytest.fixture(autouse=True)
def _collect_in_the_main_thread_and_leave_nothing_running():
    before, palette = leftovers.take(), leftovers.palette()
    yield
    leftovers.restore_palette(palette)  # the theme as the test found it
    # What the test made is in the young generations (nothing collects automatically), so
    # collecting those frees it. A full collection would also walk everything older tests and
    # lazily imported modules left alive (23 ms a test, a third of the suite's CPU); the
    # module's end collects fully, for the shared fixtures it tears down.
    gc.collect(1)
    _fail_on_leftovers(before, "this test")


@pytest.fixture(autouse=True, scope="module")
def _module_leaves_nothing_running():
    """What the module's shared fixtures (a window for all its tests) leave once they are torn down."""
    before = leftovers.take()
    yield
    gc.collect()
    _fail_on_leftovers(before, "this module's shared fixtures")
    # No fixture outlives its module (none is session-scoped), so what is alive now is the
    # process's own (modules imported by this module's tests, their caches): freeze it, as
    # collection_finish froze the first imports, so later collections do not walk it again.
    gc.freeze()


def _fail_on_leftovers(before: leftovers.Snapshot, whose: str) -> None:
    # Whatever keeps running slows every later test in this process (see tests/leftovers.py).
    found = leftovers.leftovers(before)
    if not found:
        return
    message = f"{whose} left running: " + "; ".join(found)
    if leftovers.strict():
        pytest.fail(message, pytrace=False)
    warnings.warn(leftovers.LeftoverWarning(message), stacklevel=1)


def pytest_addoption(parser):
    # The monkey test's length: short by default (seconds), thousands for the long run.
    parser.addoption(
        "--monkey-actions",
        type=int,
        default=150,
        metavar="N",
        help="random actions the monkey test (tests/ui/test_monkey.py) performs (default 150; -m slow drives 3000)",
    )
    parser.addoption(
        "--monkey-seed",
        type=int,
        default=1234,
        metavar="S",
        help="the seed of the monkey test's random actions (default 1234): other seeds drive other paths",
    )
