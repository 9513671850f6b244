"""File work (reading, encoding, writing) in a background thread while the window lives on.

``run_in_background`` returns only when the work is done, like a plain call, so
its callers stay simple; meanwhile the window's event loop keeps running
(painting, training frames, the recording) and a busy indicator appears if the
work takes longer than a moment. Input waits until the work is done (the
person cannot start a second Open while the first one reads), and closing the
window waits too (``busy`` tells the close handler).
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from typing import Callable, TypeVar

from PySide6.QtCore import QEventLoop, Qt, QTimer
from PySide6.QtWidgets import QProgressDialog, QWidget

T = TypeVar("T")

SHOW_AFTER_MS = 400  # a busy indicator for anything slower; quicker work shows none
POLL_MS = 15

_executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="files")
_depth = 0


def busy() -> bool:
    """True while ``run_in_background`` waits for some work."""
    return _depth > 0


def progress_dialog(parent: QWidget | None, text: str) -> QProgressDialog:
    """The busy indicator: ``text`` over a bar that moves without a percentage."""
    dialog = QProgressDialog(text, "", 0, 0, parent)
    dialog.setObjectName("fileProgress")
    dialog.setWindowTitle("Playground")
    dialog.setCancelButton(None)  # reading cannot be stopped half-way; it is bounded instead
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(0)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    return dialog


def run_in_background(parent: QWidget | None, text: str, work: Callable[[], T]) -> T:
    """``work()`` in the file thread; its result, or its exception raised here.

    While it runs, events other than input are handled, and after SHOW_AFTER_MS
    a dialog says ``text`` ("Opening lesson.playground.json…").
    """
    global _depth
    future: Future = _executor.submit(work)
    if not future.done():
        _depth += 1
        loop = QEventLoop()
        dialog: list[QProgressDialog] = []

        def show() -> None:
            if not future.done():
                dialog.append(progress_dialog(parent, text))
                dialog[0].show()

        poll = QTimer(interval=POLL_MS)
        poll.timeout.connect(lambda: future.done() and loop.quit())
        reveal = QTimer(singleShot=True, interval=SHOW_AFTER_MS)
        reveal.timeout.connect(show)
        poll.start()
        reveal.start()
        try:
            if not future.done():
                loop.exec(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)
        finally:
            poll.stop()
            reveal.stop()
            for shown in dialog:
                shown.close()
                shown.deleteLater()
            _depth -= 1
    return future.result()
