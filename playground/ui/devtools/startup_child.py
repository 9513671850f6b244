"""The child process of ``bench startup``: the real entry point (``python -m playground``) with a
filter that notes the window's first paint. A zero-delay timer set at that Paint event fires once the
whole paint pass (every plot) is done; the child then prints its CPU time and exits at once.

It lives in the UI layer, the only one that may import Qt.
"""

import os
import sys
import time

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow

from playground.__main__ import main


class FirstPaint(QObject):
    """Watches the application's events until the main window gets its first one, then only the
    window's: a filter on the whole application runs Python for every event of every widget
    (about 12,000 before the first paint), which would slow down the start-up it measures."""

    seen = False
    window: QMainWindow | None = None

    def eventFilter(self, watched, event):
        if self.window is None:
            # The application's window (imported by name: importing its module here would import
            # pyqtgraph before the entry point does); other main windows (Compare) come first.
            if type(watched).__qualname__ != "MainWindow" or not isinstance(watched, QMainWindow):
                return False
            self.window = watched
            QApplication.instance().removeEventFilter(self)
            watched.installEventFilter(self)
        if not self.seen and watched is self.window and event.type() == QEvent.Type.Paint:
            self.seen = True
            QTimer.singleShot(0, self.report)
        return False

    def report(self):
        print(time.process_time(), flush=True)
        os._exit(0)


app = QApplication([sys.argv[0]])
first_paint = FirstPaint()
app.installEventFilter(first_paint)
main(["--no-restore"])
