"""Every way the application's event loop ends stops the window's threads and keeps the person's work.

There are two kinds of quit, and both end in ``MainWindow.shutdown`` (which may run twice):

- The window closes: its close button, Ctrl+C in the terminal, the test driver's quit, or
  ``QApplication.quit()`` while the window is shown (Qt 6 closes the shown windows first, and a
  window that refuses cancels the quit). The person was asked about unsaved work first
  (``files/session_files.py``), the window's ``closeEvent`` stopped drawing and training, and the
  autosave is removed: there is nothing to recover.
- The loop ends and the window never closes: ``QCoreApplication.exit()``, ``QApplication.quit()``
  while the window is hidden, a session's logout, or SIGTERM or SIGHUP, which end it the same
  way (``quit_on_terminate``). Nobody was asked, so the unsaved session is autosaved now and
  kept for the next start to offer (``Autosaver.keep``); then drawing and training stop.

Without this, the training ``QThread`` was still running when Python tore the window down at
exit, and Qt aborted the process ("QThread: Destroyed while thread is still running", a core
dump). The threads and who stops them: ARCHITECTURE.md, "Threads and what each owns".
"""

from __future__ import annotations

import contextlib
import signal
from typing import TYPE_CHECKING, Iterator

from PySide6.QtCore import QCoreApplication

if TYPE_CHECKING:
    from ..files.autosave import Autosaver
    from .main_window import MainWindow

# Signals that end the process from outside without a person to answer questions: a logout or a
# service manager (SIGTERM), the terminal closing (SIGHUP, POSIX only). Ctrl+C (SIGINT) instead
# closes the window as its close button does, asking first (app.close_on_interrupt).
TERMINATING = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))


def finish(window: MainWindow, autosaver: Autosaver | None) -> None:
    """End ``window``'s run: keep or remove its autosave (see the module docstring), then stop
    drawing and training. Safe to call again, and after the window has closed."""
    if autosaver is not None and not autosaver.finished:
        # The training thread still runs only if the window never closed (closeEvent stops it).
        if window.session.worker.running:
            autosaver.keep()  # reads the session in the training thread: before it stops
        else:
            autosaver.discard()  # a clean exit: nothing to recover next time
    window.shutdown()


@contextlib.contextmanager
def finishing_on_quit(app: QCoreApplication, window: MainWindow, autosaver: Autosaver | None) -> Iterator[None]:
    """Run the event loop inside this block: however it ends, ``finish(window, autosaver)`` runs, on
    ``app.aboutToQuit`` (the other owners of threads, the recorder and Compare, stop on it too)
    or at the latest when the block ends; SIGTERM and SIGHUP end the loop meanwhile."""

    def on_quit() -> None:
        finish(window, autosaver)

    app.aboutToQuit.connect(on_quit)
    previous = quit_on_terminate()
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        app.aboutToQuit.disconnect(on_quit)
        finish(window, autosaver)  # (a no-op after aboutToQuit)


def quit_on_terminate() -> dict[int, object]:
    """Make SIGTERM and SIGHUP end the event loop with status 0 (see the module docstring); the
    previous handlers, to put back. Python runs the handler between two bytecodes of the main
    thread, which the event loop does at least every ``app.INTERRUPT_POLL_MS`` (its timer)."""

    def on_terminate(signum: int, frame: object) -> None:
        # exit(), not quit(): quit() would close the window, which asks about unsaved work, and
        # nobody is there to answer before a logout kills the process. Every event loop ends,
        # a modal question's too (it answers Cancel); the autosave keeps the work.
        QCoreApplication.exit(0)

    return {signum: signal.signal(signum, on_terminate) for signum in TERMINATING}
