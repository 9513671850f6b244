"""``python -m playground``: the window; ``train`` and ``render`` run headless."""

from __future__ import annotations

import gc
import os
import sys
from contextlib import contextmanager
from typing import Iterator, Sequence


@contextmanager
def collector_paused() -> Iterator[None]:
    """The automatic garbage collector off within, as it was after. Start-up's imports make a few
    hundred thousand objects that live as long as the process, and the collector walked them about
    sixty times while they were made (0.03-0.04 s of CPU) for none of them garbage."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


BLAS_THREADS_VARIABLE = "OPENBLAS_NUM_THREADS"  # read once, as numpy loads its OpenBLAS


def import_numpy_for_the_window() -> None:
    """Import numpy with its OpenBLAS on one thread, unless it is imported already or the user chose a
    number (the variable is set). The window's process computes on one BLAS thread anyway: its worker holds
    ui/session/policy.py's limit of one for as long as the window trains, which is its whole life. Loaded
    for two, OpenBLAS started a helper thread that busy-waited through the rest of start-up: 30-70 ms of
    CPU before the first paint, and on two cores a core taken from start-up. The variable is unset again
    once OpenBLAS has read it: processes the window starts (the video encoder) get the user's environment.
    """
    if "numpy" in sys.modules or BLAS_THREADS_VARIABLE in os.environ:
        return
    os.environ[BLAS_THREADS_VARIABLE] = "1"
    try:
        import numpy  # noqa: F401 - loads OpenBLAS, which reads the variable now
    finally:
        del os.environ[BLAS_THREADS_VARIABLE]


def unknown_command(word: str) -> bool:
    """Whether ``word``, the first argument, reads as a mistyped command rather than a FILE to open:
    no option, no file or folder of that name, no extension and no folder in it."""
    return (
        not word.startswith("-") and not os.path.exists(word) and not os.path.splitext(word)[1] and os.sep not in word
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Dispatch to a headless command, or open the window."""
    args = list(sys.argv[1:] if argv is None else argv)
    # Imports of numpy, the engine, the data and training layers: long-lived objects, not garbage. The
    # window's start-up goes on without the collector (ui/app.py's run_app freezes what it made, so the
    # objects held back here are never walked); a headless command gets it back before it runs.
    with collector_paused():
        from .ui.app import COMMANDS, parse_arguments  # no numpy yet

        if not args or args[0] not in COMMANDS:  # the window (or a typo): headless commands keep BLAS's own
            import_numpy_for_the_window()
        # Process-wide, so the application opts in here rather than the engine on import.
        from .engine.allocator import tune_allocator

        tune_allocator()

        if args and args[0] not in COMMANDS and unknown_command(args[0]):
            # One line, argparse's status 2, and no window: a typo must not open the app.
            sys.stderr.write(
                f"playground: error: unknown command {args[0]!r} (commands: {', '.join(COMMANDS)}; "
                "or give a session or dataset FILE to open)\n"
            )
            return 2
        options = parse_arguments(args)  # --help, --version and bad arguments exit here
        if options.command is None:
            from .ui import app

            return app.run_app(options)
    if options.command == "train":
        from .cli import train_command

        return train_command(options.arguments)
    if options.command == "render":
        from .ui.media.render import render_command

        return render_command(options.arguments)
    raise ValueError(f"playground: unknown command {options.command!r}")  # parse_arguments allows none


if __name__ == "__main__":
    sys.exit(main())
