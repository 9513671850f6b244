"""A window shared by the read-only tests of one module (or class).

Building a MainWindow takes a second or more; tests that only look at it (palettes, layout,
what the plots draw) can share one per configuration. pytest-qt's ``qtbot`` is per test, so
a fixture of a wider scope shows, waits for and closes the window itself with these helpers.
Tests that change the window keep a window of their own.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from playground.ui.shell.settings import DATA_DIR_ENV


def wait_until(condition: Callable[[], bool], timeout_ms: int = 5000, what: str = "condition") -> None:
    """Process Qt events until ``condition()`` holds; fail the test after ``timeout_ms``."""
    deadline = time.monotonic() + timeout_ms / 1000
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_ms} ms waiting for {what}")
        QTest.qWait(10)


def settle(ms: int) -> None:
    """Process events for ``ms`` milliseconds (what ``qtbot.wait`` does)."""
    QTest.qWait(ms)


@contextmanager
def shared_data_dir(folder: Path) -> Iterator[None]:
    """Keep the window's settings in ``folder`` (never the user's) for as long as it lives."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(DATA_DIR_ENV, str(folder))
        yield


def session_state(window) -> tuple:
    """What a test sharing ``window`` must leave as it found it: the data, the network's
    settings, the epoch, the undo history (its length and place) and the title (saved or not)."""
    session = window.session
    stack = session.undo_stack
    return (
        session.dataset,
        session.config,
        session.latest_frame.epoch,
        session.playing,
        stack.count(),
        stack.index(),
        window.windowTitle(),
        window.isWindowModified(),
    )


@contextmanager
def left_as_found(window) -> Iterator[None]:
    """Fail the test that changed the shared ``window``'s session (see ``session_state``)."""
    before = session_state(window)
    yield
    after = session_state(window)
    assert after == before, f"a test sharing the window changed its session: {before} -> {after}"


def show(window: QWidget) -> None:
    """Show ``window`` and wait until it is on the (offscreen) screen."""
    window.show()
    if not QTest.qWaitForWindowExposed(window, 5000):
        raise AssertionError(f"{type(window).__name__} was not exposed within 5 s")


def close(window: QWidget) -> None:
    """Close ``window`` and let Qt delete it, as qtbot does for the widgets it was given."""
    window.close()
    window.deleteLater()
    QApplication.processEvents()


@pytest.fixture(autouse=True)
def shared_window_left_as_found(request):
    """Imported by a test module: each of its tests that takes ``shared_window`` must leave the
    window's session as it found it (``left_as_found``), or the tests after it would see its changes."""
    if "shared_window" not in request.fixturenames:
        yield
        return
    with left_as_found(request.getfixturevalue("shared_window")):
        yield
