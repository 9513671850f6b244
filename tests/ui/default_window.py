"""A window on the default session (as the app starts), shown, with its first frame;
its settings live in a temp folder, never the user's (tests may run in parallel)."""

from __future__ import annotations

import pytest
from shared_window import close, shared_data_dir, show, wait_until

from playground.ui import MainWindow
from playground.ui.shell.settings import DATA_DIR_ENV


@pytest.fixture
def window(qtbot, monkeypatch, tmp_path):
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "data"))
    w = MainWindow()
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    qtbot.waitUntil(lambda: w.session.latest_frame is not None, timeout=5000)
    yield w
    w.close()


@pytest.fixture(scope="module")
def shared_window(qapp, tmp_path_factory):
    """The same window, one for a module's tests that only look at it or export it and leave
    the session as the app starts (a test that changes the session takes ``window``, its own)."""
    with shared_data_dir(tmp_path_factory.mktemp("data")):
        w = MainWindow()
        try:
            show(w)
            wait_until(lambda: w.session.latest_frame is not None, what="the first frame")
            yield w
        finally:
            close(w)
