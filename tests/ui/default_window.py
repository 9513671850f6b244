"""A window on the default session (as the app starts), shown, with its first frame;
its settings live in a temp folder, never the user's (tests may run in parallel)."""

from __future__ import annotations

import pytest

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
