"""Start the application: ``run_app(argv)`` builds the QApplication and the window."""

from __future__ import annotations

import sys
from typing import Sequence


def run_app(argv: Sequence[str]) -> int:
    """Open the playground window and run the event loop until it closes."""
    # Imported here so that ``python -m playground train`` never loads Qt.
    import pyqtgraph as pg
    from PySide6.QtWidgets import QApplication

    from .main_window import MainWindow

    # A shorter switch interval lets the GUI thread take the GIL back from the
    # training thread quickly, so the window stays responsive while it trains.
    sys.setswitchinterval(0.001)
    pg.setConfigOptions(antialias=True, useOpenGL=False)
    app = QApplication.instance() or QApplication([sys.argv[0], *argv])
    app.setApplicationName("Playground")
    app.setOrganizationName("Playground")
    window = MainWindow()
    window.show()
    return app.exec()
