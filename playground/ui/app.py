"""Start the application: ``run_app(options)`` builds the window, offers to restore a session
autosaved before a crash, and runs until the window closes. ``parse_arguments`` reads the
whole command line, the headless commands included:

    playground [FILE] [--preset NAME] [--seed N] [--recipe TEXT] [--presentation] [--restore | --no-restore]
    playground COMMAND [options]        (train, render: headless, see playground COMMAND --help)
    playground --version
"""

from __future__ import annotations

import argparse
import gc
import os
import signal
import sys
from typing import TYPE_CHECKING, Sequence

from .._version import __version__

# No numpy here (nor anything that imports it): the entry point reads COMMANDS to know whether the window
# opens before numpy loads OpenBLAS (playground/__main__.py, import_numpy_for_the_window).
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


PROG = "playground"
# The headless commands and their one-line help; each parses its own options (``COMMAND --help``).
COMMANDS = {
    "train": "train a network without a window, print its metrics and save the session",
    "render": "train without a window and write a video (MP4 or GIF) of the window, no screen needed",
}
USAGE = (
    f"{PROG} [FILE] [--preset NAME] [--seed N] [--recipe TEXT] [--presentation] [--restore | --no-restore]\n"
    f"       {PROG} COMMAND [options]   (COMMAND: {', '.join(COMMANDS)}; {PROG} COMMAND --help)\n"
    f"       {PROG} --version"
)


def _add_window_arguments(parser: argparse.ArgumentParser) -> None:
    from ..data import DATASET_NAMES
    from ..training.defaults import DEFAULT_PRESET, DEFAULT_SEED

    parser.add_argument(
        "file",
        nargs="?",
        metavar="FILE",
        help="a session to open (.playground.json) or a dataset to import (.csv or .json)",
    )
    parser.add_argument(
        "--preset",
        metavar="NAME",
        choices=DATASET_NAMES,
        default=None,
        help=f"the dataset to start with, one of: {', '.join(DATASET_NAMES)} (default: {DEFAULT_PRESET})",
    )
    parser.add_argument(
        "--seed",
        metavar="N",
        type=_seed,
        default=None,
        help=f"seed of the starting dataset: the same preset and seed draw the same points (default: {DEFAULT_SEED})",
    )
    parser.add_argument(
        "--recipe",
        metavar="TEXT",
        default=None,
        help="start with the session a recipe describes (Edit > Copy Recipe), e.g. "
        '"spiral n=300 noise=0.1 seed=0 test=0.3 | 16,16 tanh | adam lr=0.03 batch=32"',
    )
    parser.add_argument(
        "--presentation",
        action="store_true",
        help="start in presentation mode: larger text and lines for screen recordings",
    )
    restore = parser.add_mutually_exclusive_group()
    restore.add_argument(
        "--restore",
        dest="restore",
        action="store_true",
        default=None,
        help="restore a session autosaved before a crash without asking",
    )
    restore.add_argument(
        "--no-restore",
        dest="restore",
        action="store_false",
        help="start without restoring an autosaved session; it is kept and offered at the next start",
    )


def _new_parser(parser_class: type[argparse.ArgumentParser] = argparse.ArgumentParser) -> argparse.ArgumentParser:
    parser = parser_class(
        prog=PROG,
        usage=USAGE,
        description="Playground: watch a neural network learn. Click points of two or more classes "
        "into the plane, choose a network, and train it step by step.",
        epilog="In a terminal on Windows, run playground-cli instead of playground: it takes the same "
        "arguments and shows what the commands print. Headless training without a window: "
        f"{PROG} train --help",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return parser


def build_parser() -> argparse.ArgumentParser:
    """The whole command line, as ``playground --help`` shows it: the headless commands (argparse
    subcommands, each handing its arguments to its own parser) and the window's FILE and options."""
    parser = _new_parser()
    commands = parser.add_subparsers(title="commands", dest="command", metavar="COMMAND")
    for name, text in COMMANDS.items():
        command = commands.add_parser(name, help=text, add_help=False, prefix_chars="\0")
        command.add_argument("arguments", nargs=argparse.REMAINDER)
    _add_window_arguments(parser)
    return parser


class _WindowParser(argparse.ArgumentParser):
    """The window's FILE and options, with the whole command line's help and usage.

    argparse cannot parse an optional FILE beside subcommands in one parser: a FILE such
    as ``lesson.csv`` would be read as an unknown command. So the window's arguments are
    parsed on their own, and its --help still lists the commands."""

    def format_help(self) -> str:
        return build_parser().format_help()


def parse_arguments(argv: Sequence[str]) -> argparse.Namespace:
    """Parsed options: ``command`` is a headless command's name with its ``arguments``, or None
    for the window; exits with argparse's message (status 2) on bad arguments, and after
    --help or --version."""
    argv = list(argv)
    if argv and argv[0] in COMMANDS:
        return build_parser().parse_args(argv)
    parser = _new_parser(_WindowParser)
    _add_window_arguments(parser)
    options = parser.parse_args(argv)
    if options.file is not None and (options.preset is not None or options.seed is not None):
        parser.error("FILE and --preset/--seed both choose the starting data; give one of them")
    if options.recipe is not None:
        if options.file is not None or options.preset is not None or options.seed is not None:
            parser.error("--recipe and FILE or --preset/--seed both choose the starting session; give one")
        from ..training.recipes import parse_recipe  # Qt-free: a bad recipe exits before any window

        try:
            parse_recipe(options.recipe)
        except ValueError as exc:
            parser.error(str(exc))
    options.command = None
    return options


def import_qt() -> None:
    """PySide6 and pyqtgraph, imported as the window wants them (``run_app`` does it first; again, it
    does nothing)."""
    from .pyqtgraph_import import import_pyqtgraph
    from .pyside_features import quicken_feature_check

    # PySide6 reads the source of every module imported after it (inspect.getsource, 500 of them):
    # read as bytes, the same answer in a tenth of the time; see pyside_features. It imports PySide6.
    quicken_feature_check()
    # First, before any module imports pyqtgraph: without this its import creates every Qt class
    # (0.3 s of CPU, a third of the start-up); see pyqtgraph_import for how and why it is safe.
    import_pyqtgraph()


def run_app(options: argparse.Namespace) -> int:
    """Open the playground window for ``options`` (from :func:`parse_arguments`) and run the
    event loop until it closes; 1 with one sentence on stderr when there is no display."""
    from ..training.defaults import DEFAULT_PRESET, DEFAULT_SEED
    from .display import display_problem

    problem = display_problem()
    if problem:
        sys.stderr.write(f"{PROG}: {problem}\n")
        return 1
    # The window's imports and build allocate a few hundred thousand objects, which made the automatic
    # collector walk the growing heap about a hundred times (a full pass of it once): 0.05-0.1 s of CPU
    # for the handful of cycles start-up leaves. From here on it is off (no thread but this one runs yet);
    # collect_in_gui_thread keeps it off and collects on a timer, after gc.freeze below.
    gc.disable()
    # Imported here so that ``python -m playground train`` and --help never load Qt.
    import_qt()
    from PySide6.QtWidgets import QApplication

    from .devtools import DRIVER_ENV
    from .files.autosave import recover
    from .plots.style import configure_pyqtgraph
    from .shell.gui_gc import collect_in_gui_thread
    from .shell.identity import set_identity
    from .shell.main_window import MainWindow
    from .shell.presentation import presentation, set_presentation
    from .shell.screen_fit import keep_on_screen
    from .shell.settings import Settings

    configure_pyqtgraph()
    app = QApplication.instance() or QApplication([sys.argv[0]])
    set_identity(app)  # name, version, organisation, desktop file, icon, Qt's translations
    gc_timer = collect_in_gui_thread(app)  # noqa: F841 - kept alive for the event loop
    driver = None  # a test hook, imported only when $PLAYGROUND_TEST_DRIVER asks for it
    if os.environ.get(DRIVER_ENV):
        from .devtools.driver import Driver

        driver = Driver.from_environment()

    settings = Settings()
    window = MainWindow(
        preset=options.preset or DEFAULT_PRESET, seed=DEFAULT_SEED if options.seed is None else options.seed
    )
    window.files.confirm_unsaved = True
    if not settings.geometry.isEmpty():
        window.restoreGeometry(settings.geometry)
    remember_theme(window, settings)  # before showing, so a dark theme never flashes light
    # What start-up made (modules, classes, the window: about 100,000 objects) lives as long as the
    # application: frozen, the collector (a timer, gui_gc.py) no longer walks it, so the first paint
    # does not wait for a 0.1 s collection and each later one walks only what was made since.
    # The few hundred objects of start-up garbage it keeps are not worth a collection here.
    gc.freeze()
    window.show()
    keep_on_screen(window)  # the window manager's title bar must not push the status bar off screen
    autosaver = _start_autosave(window.files, settings.autosave_seconds)
    if options.file is not None:
        window.files.open_path(options.file)  # a bad file says why; the default session stays
    elif options.recipe is not None:
        from .recipes import controller_of

        controller = controller_of(window)
        if controller is not None:
            controller.apply_recipe(options.recipe)  # options out of range say why; the default stays
    elif autosaver is not None:
        recover(autosaver, options.restore)
    if options.presentation:
        set_presentation(window, True)
    if driver is not None:
        driver.start(window)

    from .shell.shutdown import finishing_on_quit

    previous = close_on_interrupt(window)
    try:
        # However the loop ends (the window closed, QApplication.quit(), SIGTERM at a logout), the
        # threads are joined and unsaved work is kept (an autosave is kept or removed there).
        with finishing_on_quit(app, window, autosaver):
            code = app.exec()
    finally:
        signal.signal(signal.SIGINT, previous)
    if not presentation(window).enabled:  # its recording size is not the window's own size
        settings.geometry = window.saveGeometry()
    settings.sync()
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
        files.session.message.emit("warning", f"Autosave is off: {folder} cannot be written ({exc.strerror or exc}).")
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
