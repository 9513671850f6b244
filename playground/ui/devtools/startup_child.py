"""The child process of ``bench startup``: the real entry point (``python -m playground``) with a
filter that notes the window's first paint. A zero-delay timer set at that Paint event fires once the
whole paint pass (every plot) is done; the child then prints its marks and exits at once.

Each mark is one line ``name cpu wall``: the process's CPU time and the wall time since this
module began (the interpreter's own start, a few tens of ms, comes before), both in seconds, when the main window

- ``built``: gets its first event (its constructor has begun: every import of ``run_app`` is done),
- ``shown``: gets its Show event (built, themed, frozen, shown),
- ``painted``: has finished its first paint pass (the last line; what ``bench startup`` reports).

It lives in the UI layer, the only one that may import Qt.
"""

import time

STARTED = time.perf_counter()  # before this module's imports: the marks' wall clock starts here

import gc  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402

from playground.__main__ import import_numpy_for_the_window, main  # noqa: E402

# What the entry point imports before Qt (numpy, the engine, the data and training layers), imported
# before Qt here too: once PySide6 is imported it checks every module imported after it, so importing
# Qt first would charge this child a check of 260 modules the real app never checks. And as the app
# imports them all, Qt included, with the collector off (playground/__main__.py's collector_paused,
# then ui/app.py's run_app), here off for good: turned on in between, it would walk them all once.
# numpy comes first, as the window's entry point imports it (OpenBLAS on one thread).
gc.disable()
import_numpy_for_the_window()
# isort: off
import playground.engine.allocator  # noqa: E402, F401
import playground.ui.app  # noqa: E402, F401
from PySide6.QtCore import QEvent, QObject, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QMainWindow  # noqa: E402

# isort: on


class FirstPaint(QObject):
    """Watches the application's events until the main window gets its first one, then only the
    window's: a filter on the whole application runs Python for every event of every widget
    (about 12,000 before the first paint), which would slow down the start-up it measures."""

    seen = False
    shown = False
    window: QMainWindow | None = None

    def eventFilter(self, watched, event):
        if self.window is None:
            # The application's window (imported by name: importing its module here would import
            # pyqtgraph before the entry point does); other main windows (Compare) come first.
            if type(watched).__qualname__ != "MainWindow" or not isinstance(watched, QMainWindow):
                return False
            self.window = watched
            mark("built")
            QApplication.instance().removeEventFilter(self)
            watched.installEventFilter(self)
        if watched is not self.window:
            return False
        if not self.shown and event.type() == QEvent.Type.Show:
            self.shown = True
            mark("shown")
        if not self.seen and event.type() == QEvent.Type.Paint:
            self.seen = True
            QTimer.singleShot(0, self.report)
        return False

    def report(self):
        mark("painted")
        os._exit(0)


def mark(name: str) -> None:
    """Print the mark ``name`` with the CPU and wall seconds so far."""
    print(name, time.process_time(), time.perf_counter() - STARTED, flush=True)


app = QApplication([sys.argv[0]])
first_paint = FirstPaint()
app.installEventFilter(first_paint)
main(["--no-restore"])
