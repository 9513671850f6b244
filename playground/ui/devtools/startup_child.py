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
    seen = False

    def eventFilter(self, watched, event):
        if not self.seen and event.type() == QEvent.Type.Paint and isinstance(watched, QMainWindow):
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
