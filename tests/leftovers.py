"""What a test must not leave running after it ends, and the check that names what it left.

A training thread still playing, a window still shown, a timer ticking in a closed window,
a Python thread or a child process still at work: each one keeps taking CPU and the GIL
from the tests that run after it in the same process (an xdist worker), which then run
3 to 70 times slower for no reason of their own. ``tests/conftest.py`` takes a ``Snapshot``
before every test and fails the test that leaves any of these behind (``leftovers``).
Things made before the test (a module's shared window and its training thread) are not the
test's doing: the check of the module's end (``conftest._module_leaves_nothing_running``)
names those.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

# Process-wide helpers made once and reused, idle between uses; not left over by anyone.
# frame-probe: the probes' helper thread (playground/training/probes.py, _run_shared).
# diagram-edges: the thread that paints the diagram's edge pictures (playground/ui/diagram/edges.py).
PERSISTENT_THREADS = ("frame-probe", "diagram-edges")

GRACE_S = 3.0  # a thread, a child or a window may take this long to finish after the test
POLL_S = 0.02


@dataclass
class Snapshot:
    """What ran in this process at one moment (see ``take``)."""

    threads: set[int] = field(default_factory=set)  # Python threads alive (idents)
    children: set[int] = field(default_factory=set)  # child processes alive (pids)
    windows: set[int] = field(default_factory=set)  # top-level widgets alive (ids)
    training: int = 0  # training threads running (workers holding the training policy)
    switch_interval: float = 0.0


def _qt_app():
    """The QApplication if a test made one (the core's tests never import Qt)."""
    widgets = sys.modules.get("PySide6.QtWidgets")
    return None if widgets is None else widgets.QApplication.instance()


def _training_threads() -> int:
    """Workers whose thread runs: each holds the training policy while it does
    (``TrainingWorker.start`` acquires it, ``stop`` releases it)."""
    policy = sys.modules.get("playground.ui.session.policy")
    return 0 if policy is None else policy.POLICY._users


def _children() -> set[int]:
    """This process's live child processes (zombies already ended)."""
    pids: set[int] = set()
    for task in Path("/proc/self/task").glob("*/children"):
        try:
            pids.update(int(pid) for pid in task.read_text().split())
        except OSError:  # the thread ended meanwhile
            continue
    alive = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        if state != "Z":
            alive.add(pid)
    return alive


def _working_threads() -> dict[int, threading.Thread]:
    return {
        t.ident: t
        for t in threading.enumerate()
        if t.is_alive()
        and t is not threading.main_thread()
        and not t.name.startswith(PERSISTENT_THREADS)
        # A thread Qt started (a QThread) that Python code asked about: threading lists it for
        # ever, alive or not. The training threads are counted by the policy they hold.
        and not isinstance(t, threading._DummyThread)
    }


def take() -> Snapshot:
    """What runs now."""
    app = _qt_app()
    return Snapshot(
        threads=set(_working_threads()),
        children=_children() if sys.platform.startswith("linux") else set(),
        windows={id(w) for w in app.topLevelWidgets()} if app is not None else set(),
        training=_training_threads(),
        switch_interval=sys.getswitchinterval(),
    )


def _flush_qt(app) -> None:
    """Let Qt run what is due: closed windows' deferred deletions, queued signals."""
    from PySide6.QtCore import QCoreApplication, QEvent

    app.processEvents()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def _describe_window(widget) -> str:
    from PySide6.QtCore import QTimer

    timers = [t for t in widget.findChildren(QTimer) if t.isActive()]
    owners = sorted({type(t.parent()).__name__ for t in timers})
    state = "shown" if widget.isVisible() else "closed"
    ticking = f", {len(timers)} timers ticking (in {', '.join(owners)})" if timers else ""
    title = widget.windowTitle() or ",".join(a.text() for a in widget.actions())[:60]
    return f"a {state} {type(widget).__name__} {title!r}{ticking}"


def _window_leftovers(app, before: Snapshot) -> list[str]:
    """New top-level widgets still shown, or closed but never deleted (a window of no parent
    outlives the test only if something keeps it: often its own signals, in a cycle through Qt
    that the collector cannot see), or closed with timers ticking."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QMainWindow

    found = []
    for widget in app.topLevelWidgets():
        if id(widget) in before.windows:
            continue
        ticking = any(t.isActive() for t in widget.findChildren(QTimer))
        # A main window is a whole session's worth of objects (every later collection walks
        # them). Smaller parentless widgets are not counted: pyqtgraph's plots make their
        # menus without a parent and those outlive the plots; widgets a panel rebuild takes
        # out of their layout go when Python drops them, which may be a test later.
        orphan = widget.parent() is None and isinstance(widget, QMainWindow)
        if widget.isVisible() or ticking or orphan:
            found.append(_describe_window(widget))
    return found


def _problems(before: Snapshot) -> list[str]:
    now = take()
    problems = []
    if now.training > before.training:
        problems.append(
            f"{now.training - before.training} training thread(s) still running (a window or session not closed)"
        )
    threads = _working_threads()
    new_threads = [threads[i].name for i in now.threads - before.threads if i in threads]
    if new_threads:
        problems.append(f"Python threads still running: {', '.join(sorted(new_threads))}")
    for pid in sorted(now.children - before.children):
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        problems.append(f"child process {pid} still running: {command[:120]}")
    app = _qt_app()
    if app is not None:
        problems.extend(_window_leftovers(app, before))
    if now.switch_interval != before.switch_interval:
        problems.append(f"the switch interval is {now.switch_interval} s, was {before.switch_interval} s")
    return problems


def leftovers(before: Snapshot, grace_s: float = GRACE_S) -> list[str]:
    """What runs now that did not at ``before`` and is still running after ``grace_s``
    (threads and children finishing their last work are given that long); [] if nothing."""
    deadline = time.monotonic() + grace_s
    while True:
        app = _qt_app()
        if app is not None:
            _flush_qt(app)
        problems = _problems(before)
        if not problems or time.monotonic() > deadline:
            return problems
        time.sleep(POLL_S)


class LeftoverWarning(UserWarning):
    """What a test left running, reported instead of failing it (``strict``)."""


def strict() -> bool:
    """False when PLAYGROUND_TEST_LEFTOVERS=warn: report what tests leave (as warnings) without failing them."""
    return os.environ.get("PLAYGROUND_TEST_LEFTOVERS", "fail") != "warn"


def palette():
    """A copy of the application palette (None before a QApplication exists): the theme
    (shell/theme.py) is the application's palette, so see :func:`restore_palette`."""
    app = _qt_app()
    if app is None:
        return None
    from PySide6.QtGui import QPalette

    return QPalette(app.palette())


def restore_palette(saved) -> None:
    """Put back the application palette ``saved`` by :func:`palette`. A test that leaves the dark
    theme on would make every later test in its process run dark (a diagram ring test then could
    not tell its dark ring from the dark map under it); a window closed in the dark theme is no
    fault of the test, so this puts it back rather than failing the test."""
    app = _qt_app()
    if saved is not None and app is not None and app.palette() != saved:
        app.setPalette(saved)
