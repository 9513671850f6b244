"""The Qt user interface: the main window, its panels and the live plots.

This is the only package that imports Qt; everything it shows comes from the
numpy-only layers below (see ARCHITECTURE.md).
"""


def __getattr__(name: str):
    # ``playground.ui.MainWindow`` is imported on first use, so that the numpy-only
    # helpers below ``ui`` (plots.colors, plots.contour) load without Qt.
    if name == "MainWindow":
        from .shell.main_window import MainWindow

        return MainWindow
    raise AttributeError(f"module 'playground.ui' has no attribute {name!r}")
