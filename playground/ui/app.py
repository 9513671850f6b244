"""Start the application: ``run_app(argv)`` parses the command line, builds the window,
offers to restore a session autosaved before a crash, and runs until the window closes.

    playground [FILE] [--preset NAME] [--seed N] [--presentation] [--restore | --no-restore]
"""

from __future__ import annotations

import argparse
import signal
import sys
from typing import TYPE_CHECKING, Sequence

from ..data import DATASET_NAMES
from ..training.defaults import DEFAULT_PRESET, DEFAULT_SEED

if TYPE_CHECKING:
    from .files.autosave import Autosaver
    from .files.file_controller import FileController
    from .shell.main_window import MainWindow
    from .shell.settings import Settings



def _seed(text: str) -> int:
    # Imported here so that --help and argument errors never load Qt.
    from .panels.form import MAX_SEED

    try:
        seed = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if not 0 <= seed <= MAX_SEED:
        raise argparse.ArgumentTypeError(f"expected 0 to {MAX_SEED}, got {seed}")
    return seed


def build_parser() -> argparse.ArgumentParser:
    """The window's command line (``python -m playground train --help`` covers headless training)."""
    parser = argparse.ArgumentParser(
        prog="playground",
        description="Playground: watch a neural network learn. Click points of two or more classes "
                    "into the plane, choose a network, and train it step by step.",
        epilog="Headless training without a window: python -m playground train --help")
    parser.add_argument("file", nargs="?", metavar="FILE",
                        help="a session to open (.playground.json) or a dataset to import (.csv or .json)")
    parser.add_argument("--preset", metavar="NAME", choices=DATASET_NAMES, default=None,
                        help=f"the dataset to start with, one of: {', '.join(DATASET_NAMES)} "
                             f"(default: {DEFAULT_PRESET})")
    parser.add_argument("--seed", metavar="N", type=_seed, default=None,
                        help="seed of the starting dataset: the same preset and seed draw the same "
                             f"points (default: {DEFAULT_SEED})")
    parser.add_argument("--presentation", action="store_true",
                        help="start in presentation mode: larger text and lines for screen recordings")
    restore = parser.add_mutually_exclusive_group()
    restore.add_argument("--restore", dest="restore", action="store_true", default=None,
                         help="restore a session autosaved before a crash without asking")
    restore.add_argument("--no-restore", dest="restore", action="store_false",
                         help="start without restoring an autosaved session; it is kept and offered "
                              "at the next start")
    return parser


def parse_arguments(argv: Sequence[str]) -> argparse.Namespace:
    """Parsed options; exits with argparse's message (status 2) on bad arguments."""
    parser = build_parser()
    options = parser.parse_args(list(argv))
    if options.file is not None and (options.preset is not None or options.seed is not None):
        parser.error("FILE and --preset/--seed both choose the starting data; give one of them")
    return options


def run_app(argv: Sequence[str]) -> int:
    """Open the playground window and run the event loop until it closes."""
    options = parse_arguments(argv)
    # Imported here so that ``python -m playground train`` and --help never load Qt.
    from PySide6.QtWidgets import QApplication

    from .files.autosave import recover
    from .devtools.driver import Driver
    from .shell.main_window import MainWindow
    from .plots.style import configure_pyqtgraph
    from .shell.presentation import presentation, set_presentation
    from .shell.settings import APPLICATION, ORGANIZATION, Settings

    configure_pyqtgraph()
    app = QApplication.instance() or QApplication([sys.argv[0]])
    app.setApplicationName(APPLICATION)
    app.setOrganizationName(ORGANIZATION)
    driver = Driver.from_environment()  # a test hook: None unless $PLAYGROUND_TEST_DRIVER is set

    settings = Settings()
    window = MainWindow(preset=options.preset or DEFAULT_PRESET,
                        seed=DEFAULT_SEED if options.seed is None else options.seed)
    window.files.confirm_unsaved = True
    if not settings.geometry.isEmpty():
        window.restoreGeometry(settings.geometry)
    remember_theme(window, settings)  # before showing, so a dark theme never flashes light
    window.show()
    autosaver = _start_autosave(window.files, settings.autosave_seconds)
    if options.file is not None:
        window.files.open_path(options.file)  # a bad file says why; the default session stays
    elif autosaver is not None:
        recover(autosaver, options.restore)
    if options.presentation:
        set_presentation(window, True)
    if driver is not None:
        driver.start(window)

    previous = close_on_interrupt(window)
    try:
        code = app.exec()
    finally:
        signal.signal(signal.SIGINT, previous)
    if not presentation(window).enabled:  # its recording size is not the window's own size
        settings.geometry = window.saveGeometry()
    settings.sync()
    if autosaver is not None:
        autosaver.discard()  # a clean exit: nothing to recover next time
    return code


def _start_autosave(files: FileController, seconds: float) -> Autosaver | None:
    """The window's Autosaver, or None (with a warning) if its folder cannot be written."""
    from ..data.files import remove_stale_temp_files
    from .files.autosave import Autosaver, autosave_dir

    folder = autosave_dir()
    # Writes cut short by a kill or a power cut leave their temporary files behind.
    for leftovers in (folder, folder.parent):
        remove_stale_temp_files(leftovers)
    try:
        return Autosaver(files, folder, seconds)
    except OSError as exc:
        files.session.message.emit("warning", f"Autosave is off: {folder} cannot be written "
                                              f"({exc.strerror or exc}).")
        return None


INTERRUPT_POLL_MS = 200  # how soon Ctrl+C is noticed while Qt's event loop waits


def close_on_interrupt(window: MainWindow):
    """Make Ctrl+C (SIGINT) in the terminal close ``window`` as its close button does,
    asking about unsaved work first; returns the previous SIGINT handler.

    Python runs a signal handler only between bytecodes of the main thread, and
    Qt's event loop runs none while it waits, so a timer wakes it regularly.
    """
    from PySide6.QtCore import QTimer

    asking = False

    def close() -> None:
        nonlocal asking
        if asking:  # a second Ctrl+C while the "save changes?" question is up
            return
        asking = True
        try:
            window.close()
        finally:
            asking = False

    def on_interrupt(signum: int, frame: object) -> None:
        QTimer.singleShot(0, close)

    previous = signal.signal(signal.SIGINT, on_interrupt)
    poll = QTimer(window, objectName="interruptPoll", interval=INTERRUPT_POLL_MS)
    poll.timeout.connect(lambda: None)
    poll.start()
    return previous


def remember_theme(window: MainWindow, settings: Settings) -> None:
    """Start in the theme chosen last time, and remember each new choice."""
    from .shell.theme import THEMES, apply_theme, theme_state

    state = theme_state(window)
    if settings.theme in THEMES and settings.theme != state.theme:
        apply_theme(window, settings.theme)

    def remember(theme: str, palette: str) -> None:
        settings.theme = theme

    state.changed.connect(remember)
