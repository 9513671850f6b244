"""File work (reading, encoding, writing) in a background thread while the window lives on.

``run_in_background`` returns only when the work is done (or, for a read, the
person cancelled it), like a plain call, so its callers stay simple; meanwhile
the window's event loop keeps running (painting, training frames, the
recording) and a busy indicator appears if the work takes longer than a moment.
Input waits, or goes to that window-modal indicator, so the person cannot start
a second Open while the first one reads; closing the window waits too (``busy``
tells the close handler, which closes it ``when_idle``).

If the application quits meanwhile (Qt then ends every event loop at once), a read
is dropped as if cancelled and a write is waited for, so no file is left half
written.
"""

from __future__ import annotations

import threading
from concurrent.futures import Future, wait
from typing import Callable, TypeVar

from PySide6.QtCore import QEventLoop, Qt, QTimer
from PySide6.QtWidgets import QProgressDialog, QWidget

T = TypeVar("T")

SHOW_AFTER_MS = 400  # a busy indicator for anything slower; quicker work shows none
POLL_MS = 15

_depth = 0
_when_idle: list[Callable[[], None]] = []


def _start(work: Callable[[], T]) -> Future:
    """``work()`` in a thread of its own: a read that never returns (a network share
    that stopped answering) and was cancelled holds up no later save."""
    future: Future = Future()

    def run() -> None:
        future.set_running_or_notify_cancel()
        try:
            future.set_result(work())
        except BaseException as exc:  # handed to the waiting thread
            future.set_exception(exc)

    threading.Thread(target=run, name="files", daemon=True).start()
    return future


def busy() -> bool:
    """True while ``run_in_background`` waits for some work."""
    return _depth > 0


def when_idle(callback: Callable[[], None]) -> None:
    """Call ``callback`` from the event loop once no work is waited for (soon, if none is); the
    same callback asked for twice runs once. A close asked for while a file is written (the
    close button, a quit) happens when it is written."""
    if callback not in _when_idle:
        _when_idle.append(callback)
    if not busy():
        _run_when_idle()


def _run_when_idle() -> None:
    callbacks = list(_when_idle)
    _when_idle.clear()
    for callback in callbacks:
        QTimer.singleShot(0, callback)  # after the caller that waited has finished its work


class Cancelled(Exception):
    """The person stopped waiting for the work (its result, when it comes, is dropped)."""


def progress_dialog(parent: QWidget | None, text: str, cancellable: bool) -> QProgressDialog:
    """The busy indicator: ``text`` over a bar that moves without a percentage, and
    a Cancel button when the work may be abandoned."""
    dialog = QProgressDialog(text, "Cancel", 0, 0, parent)
    dialog.setObjectName("fileProgress")
    dialog.setWindowTitle("Playground")
    if not cancellable:
        dialog.setCancelButton(None)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(0)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    return dialog


def run_in_background(parent: QWidget | None, text: str, work: Callable[[], T], cancellable: bool = False) -> T:
    """``work()`` in the file thread; its result, or its exception raised here.

    At first only events other than input are handled (nothing can start a
    second file operation). After SHOW_AFTER_MS a window-modal dialog says
    ``text`` ("Opening lesson.playground.json…"); from then on it takes the input.
    With ``cancellable`` (reading: nothing is lost by dropping the result), its
    Cancel button raises Cancelled here at once, however long the work goes on.
    """
    global _depth
    future = _start(work)
    if future.done():
        return future.result()
    _depth += 1
    loop = QEventLoop()
    cancelled = False
    poll = QTimer(interval=POLL_MS)
    poll.timeout.connect(lambda: future.done() and loop.quit())
    poll.start()
    reveal = QTimer(singleShot=True, interval=SHOW_AFTER_MS)
    reveal.timeout.connect(loop.quit)
    reveal.start()
    dialog: QProgressDialog | None = None
    # The local event loop returns -1 at once while the application quits: Qt has ended every loop.
    quitting = False
    try:
        quitting = loop.exec(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents) < 0
        if not future.done() and not quitting:
            dialog = progress_dialog(parent, text, cancellable)

            def cancel() -> None:
                nonlocal cancelled
                cancelled = True
                loop.quit()

            # Without a Cancel button, the dialog closing (a quit closes every window) is no cancel.
            if cancellable:
                dialog.canceled.connect(cancel)
            dialog.show()
            # The dialog is modal to the window: input reaches only the dialog.
            while not future.done() and not cancelled and not quitting:
                quitting = loop.exec() < 0
        if quitting and not future.done():
            # No loop would wait now, only spin: a read is dropped, a write is waited for.
            if cancellable:
                cancelled = True
            else:
                wait([future])
    finally:
        poll.stop()
        reveal.stop()
        if dialog is not None:
            dialog.close()
            dialog.deleteLater()
        _depth -= 1
        if not busy():
            _run_when_idle()
    if cancelled and not future.done():
        raise Cancelled(text)
    return future.result()
