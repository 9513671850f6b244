"""The child process of ``bench startup``: the real entry point (``python -m playground``) with a
filter that notes the window's first paint. A zero-delay timer set at that Paint event fires once the
whole paint pass (every plot) is done; the child then prints its marks and exits at once.

Each mark is one line ``name cpu wall``: the process's CPU time and the wall time since this
module began (the interpreter's own start, a few tens of ms, comes before), both in seconds, when the main window

- ``built``: gets its first event (its constructor has begun: every import of ``run_app`` is done),
- ``shown``: gets its Show event (built, themed, frozen, shown),
- ``painted``: has finished its first paint pass (the last line; what ``bench startup`` reports).

The child imports nothing of its own before the entry point (which imports numpy, the data and training
layers, then Qt, in an order that matters: PySide6 checks every module imported after it, OpenBLAS is
loaded for one thread): it makes its QApplication and filter in
``run_app``'s stead, once Qt is imported as ``run_app`` imports it.

It lives in the UI layer, the only one that may import Qt.
"""

import time

STARTED = time.perf_counter()  # before this module's imports: the marks' wall clock starts here

import os  # noqa: E402
import sys  # noqa: E402

import playground.ui.app  # noqa: E402 - neither numpy nor Qt: the entry point imports them, in its order
from playground.__main__ import main  # noqa: E402

run_app = playground.ui.app.run_app


def watched_run_app(options):
    """``run_app``, its QApplication made first with the filter on it: after Qt's import as the app
    imports it (``import_qt``), before the window."""
    playground.ui.app.import_qt()
    from PySide6.QtWidgets import QApplication

    app = QApplication([sys.argv[0]])
    first_paint = first_paint_filter()  # held here while the app runs
    app.installEventFilter(first_paint)
    return run_app(options)


def first_paint_filter():
    """A :class:`FirstPaint` filter (defined once Qt is imported, by the app)."""
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow

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

    return FirstPaint()


def mark(name: str) -> None:
    """Print the mark ``name`` with the CPU and wall seconds so far."""
    print(name, time.process_time(), time.perf_counter() - STARTED, flush=True)


playground.ui.app.run_app = watched_run_app
main(["--no-restore"])
