"""``python -m playground render``: train headless and write a video of the window, frame by frame.

The real window is built offscreen (no screen needed) and driven like the app
drives it: train some epochs in the training thread, draw the new frame, grab
the picture, hand it to the video writer. So a rendered video looks exactly
like the window (or its plots area), in the light or dark theme, optionally in
presentation mode.

Frames: the first shows the network before this run's training, then one frame
per ``--epochs-per-frame`` epochs (default 1) up to ``--epochs``; with
``--duration`` instead, the epochs are spread evenly over that many seconds.
``--hold`` repeats the last frame, so a looping GIF pauses on the result.

Every size and duration is bounded (``MAX_*`` below), the output folder is
checked before any work, and the video is written to a hidden file beside
``--out`` that replaces it only when complete. Ctrl+C stops cleanly: the
unfinished file is removed and the exit status is 130, as for any program
stopped by SIGINT.
The window is drawn offscreen: ``render_command`` sets ``QT_QPA_PLATFORM=offscreen``
for the process unless it is already set (then the person chose a platform).
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
from typing import Callable, Sequence

from ...cli import add_model_arguments, end_progress, fail, output_folder_problem, progress_bar, trainer_or_exit
from .dock_views import DOCK_VIEWS
from .filming import (
    INTERRUPTED,
    MAX_DURATION_S,
    MAX_EPOCHS,
    MAX_FPS,
    MAX_FRAMES,
    MAX_HEIGHT,
    MAX_HOLD_S,
    MAX_WIDTH,
    Interrupted,
    check_interrupted,
    current_frame,
    dress_window,
    fit_window,
    frame_count,
    frame_epochs,
    picture_of,
    stop_on_sigint,
    video_replacing,
)

VIEWS = {
    "window": "the window without its menu and status bars: panels, plots and transport bar",
    "plots": "the grid of the four plots",
    "graph": "the computational graph of the first training point's loss, as training changes it",
    **{view: text for view, (_, text) in DOCK_VIEWS.items()},
}
# The corners of overlay.CORNERS, spelled here too: the parser is built before Qt is imported.
OVERLAY_CORNERS = ("top-left", "top-right", "bottom-left", "bottom-right")
GLOBAL_PALETTE_BYTES = 512 * 2**20  # raw frames ffmpeg may hold to give a GIF one palette


def parse_size(text: str) -> tuple[int, int]:
    """``"1280x720"`` -> ``(1280, 720)``; both even, at least 64, at most 3840x2160 (or 2160x3840)."""
    try:
        width, height = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected WIDTHxHEIGHT like 1280x720, got {text!r}") from None
    if width < 64 or height < 64 or width % 2 or height % 2:
        raise argparse.ArgumentTypeError(
            f"{text}: width and height must be even and at least 64 (video encoders need even sizes)"
        )
    if max(width, height) > MAX_WIDTH or min(width, height) > MAX_HEIGHT:
        raise argparse.ArgumentTypeError(f"{text}: at most {MAX_WIDTH}x{MAX_HEIGHT} (or {MAX_HEIGHT}x{MAX_WIDTH})")
    return width, height


def bounded(kind: Callable[[str], float], low: float, high: float) -> Callable[[str], float]:
    """An argparse type: ``kind(text)`` (int or float), finite, from ``low`` to ``high``."""

    def parse(text: str) -> float:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
        if not math.isfinite(value):
            raise argparse.ArgumentTypeError(f"expected a finite number, got {text!r}")
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"expected {_plain(low)} to {_plain(high)}, got {text}")
        return value

    parse.__name__ = kind.__name__  # argparse names the type in some messages
    return parse


def _plain(number: float) -> str:
    """``1000000`` rather than ``1e+06``, ``0.1`` rather than ``0.100000``."""
    return str(int(number)) if float(number).is_integer() else f"{number:g}"


def _add_bounded(
    group: argparse._ArgumentGroup,
    flag: str,
    kind: Callable[[str], float],
    low: float,
    high: float,
    default: float,
    metavar: str,
    what: str,
) -> None:
    """A number option checked by :func:`bounded`; its help states the same bounds and the default."""
    group.add_argument(
        flag,
        type=bounded(kind, low, high),
        default=default,
        metavar=metavar,
        help=f"{what}, {_plain(low)} to {_plain(high)} (default: {_plain(default)})",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m playground render",
        usage="%(prog)s --out FILE [options]",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Train a network headless and write a video (MP4 or GIF) of the window, one\n"
        "frame per few epochs, with no screen needed.",
        epilog="The window is drawn offscreen: this command sets QT_QPA_PLATFORM=offscreen\n"
        "unless you have set QT_QPA_PLATFORM yourself. Ctrl+C stops rendering, removes\n"
        "the unfinished video and leaves --out as it was (exit status 130).\n\n"
        "Example:\n"
        "  python -m playground render --preset spiral --hidden 8,8 --epochs 300 \\\n"
        "      --fps 30 --hold 2 --out spiral.mp4",
    )
    video = parser.add_argument_group("video")
    video.add_argument(
        "--out",
        required=True,
        metavar="FILE",
        help="video file to write; .mp4 (H.264) or .gif, chosen by the extension",
    )
    _add_bounded(video, "--epochs", int, 1, MAX_EPOCHS, 300, "N", "epochs to train")
    _add_bounded(video, "--fps", float, 1, MAX_FPS, 30.0, "N", "frames per second of the video")
    pace = video.add_mutually_exclusive_group()
    pace.add_argument(
        "--epochs-per-frame",
        type=bounded(int, 1, MAX_EPOCHS),
        default=None,
        metavar="N",
        help="epochs trained between two frames (default: 1)",
    )
    pace.add_argument(
        "--duration",
        type=bounded(float, 0.1, MAX_DURATION_S),
        default=None,
        metavar="SECONDS",
        help="length of the training part in seconds, 0.1 to "
        f"{MAX_DURATION_S:g}; the epochs are spread over it (instead of --epochs-per-frame)",
    )
    _add_bounded(
        video, "--hold", float, 0, MAX_HOLD_S, 0.0, "SECONDS", "seconds to keep showing the last frame at the end"
    )
    video.add_argument(
        "--size",
        type=parse_size,
        default=(1280, 720),
        metavar="WxH",
        help=f"frame size in pixels, like 1280x720 (the default): even numbers, from 64 "
        f"up to {MAX_WIDTH}x{MAX_HEIGHT}; a window that cannot be that small is laid "
        "out larger and scaled down",
    )
    video.add_argument(
        "--view",
        choices=list(VIEWS),
        default="window",
        help="what to film: " + "; ".join(f"{k}: {v}" for k, v in VIEWS.items()) + " (default: window)",
    )
    video.add_argument("--theme", choices=("light", "dark"), default="light", help="colours (default: light)")
    video.add_argument(
        "--palette",
        choices=("okabe-ito", "tol-bright"),
        default="okabe-ito",
        help="class colours; both are colour-blind safe (default: okabe-ito)",
    )
    video.add_argument(
        "--presentation", action="store_true", help="presentation mode: larger text, thicker lines, no side panels"
    )
    video.add_argument(
        "--overlay",
        choices=OVERLAY_CORNERS,
        default=None,
        metavar="CORNER",
        help="burn in a box with the lesson caption, the epoch, the learning rate and the loss, at "
        f"presentation-mode size, in this corner: {', '.join(OVERLAY_CORNERS)} (default: none)",
    )
    parser.add_argument(
        "--session", metavar="FILE", help="start from a saved session (.playground.json) instead of a preset"
    )
    lesson = parser.add_argument_group("lesson")
    lesson.add_argument(
        "--lesson",
        metavar="FILE",
        help="film a whole lesson (.lesson.json) step by step with its captions (in --overlay's corner, "
        "bottom-left by default); its steps choose the sessions, so the model options are not used",
    )
    lesson.add_argument(
        "--step-seconds",
        type=bounded(float, 0.1, MAX_HOLD_S),
        default=2.0,
        metavar="SECONDS",
        help="with --lesson: how long each step's picture stays, to read its caption (default: 2)",
    )
    add_model_arguments(parser)
    return parser


def render_command(argv: Sequence[str]) -> int:
    """Parse ``argv``, render the video, report on stdout; 0 on success, 130 if interrupted."""
    parser = build_parser()
    args = parser.parse_args(argv)
    from .video import missing_video_support, video_format

    try:
        video_format(args.out)
    except ValueError as exc:
        parser.error(f"--out: {exc}")
    frames = frame_count(args.epochs, args.fps, args.epochs_per_frame, args.duration) + round(args.hold * args.fps)
    if frames > MAX_FRAMES:
        parser.error(
            f"these options make a video of {frames} frames, more than the {MAX_FRAMES} of an hour "
            f"at {MAX_FPS:g} frames a second: raise --epochs-per-frame, or give --duration"
        )
    problem = output_folder_problem(args.out)
    if problem:
        fail(parser.prog, problem)
    hint = missing_video_support()
    if hint:
        print(f"render: {hint}", file=sys.stderr)
        return 2
    if args.lesson:
        if args.session:
            parser.error("--lesson and --session: a lesson's steps load their own sessions; give one of them")
        from .lesson_render import render_lesson

        return render_lesson(parser, args)
    schedule = frame_epochs(args.epochs, args.fps, args.epochs_per_frame, args.duration)
    hold = round(args.hold * args.fps)
    start = time.perf_counter()
    # The window is drawn offscreen unless the person chose a platform: explicit, and only here.
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    try:
        with stop_on_sigint() as interrupted:
            trainer = trainer_or_exit(parser, args)
            status = _render(args, trainer, schedule, hold, interrupted)
    except Interrupted:
        print(f"\nrender: interrupted; {args.out} was not written", file=sys.stderr)
        return INTERRUPTED
    except OSError as exc:
        print(f"\nrender: {exc}", file=sys.stderr)
        return 1
    frames = len(schedule) + hold
    print(
        f"wrote {args.out}: {frames} frames, {args.size[0]}x{args.size[1]}, {frames / args.fps:.1f} s "
        f"at {args.fps:g} fps ({time.perf_counter() - start:.1f} s to render){status}"
    )
    return 0


def _render(args: argparse.Namespace, trainer, schedule: list[int], hold: int, interrupted: list[bool]) -> str:
    """Drive the offscreen window through ``schedule`` and write every frame; a note on how training ended.

    Raises Interrupted (after removing the partial file) once ``interrupted[0]`` is set."""
    from PySide6.QtWidgets import QApplication

    from ..plots.style import configure_pyqtgraph
    from ..shell.main_window import MainWindow

    configure_pyqtgraph()
    app = QApplication.instance() or QApplication(["playground-render"])
    # Built on the trainer's data and settings, and on the options that drew the data, so the
    # panels show the session's real state (a session file's data has no preset to show).
    generated = {} if args.session else {"preset": args.preset, "seed": args.seed, "noise": args.noise}
    window = MainWindow(trainer.dataset, trainer.config, **generated)
    try:
        return _film(app, window, args, trainer, schedule, hold, interrupted)
    finally:
        window.close()
        # Deleted, not only closed: its signals hold it in a cycle through Qt that Python's
        # collector cannot see, so a caller that goes on (the tests) would keep every window.
        window.deleteLater()


def _film(
    app, window, args: argparse.Namespace, trainer, schedule: list[int], hold: int, interrupted: list[bool]
) -> str:
    from PySide6.QtCore import QSize

    from .capture import rgb_array
    from .overlay import Overlay, overlay_text

    dress_window(window, args)
    session = window.session
    session.replace_session(trainer)
    frame = current_frame(app, session, interrupted)
    widget, rect = fit_window(app, window, args.view, args.size)
    overlay = Overlay(args.overlay) if args.overlay else None
    total = len(schedule) + hold
    # One palette for the whole GIF halves its size, but ffmpeg holds every frame until the end.
    few = total * args.size[0] * args.size[1] * 3 <= GLOBAL_PALETTE_BYTES
    done = 0
    try:
        with video_replacing(args.out, args.size, args.fps, "global" if few else "frame", interrupted) as writer:
            image = None
            for index, epochs in enumerate(schedule):
                if index and epochs > schedule[index - 1]:
                    session.step(epochs - schedule[index - 1])
                    frame = current_frame(app, session, interrupted)
                window.draw_frame(frame)
                app.processEvents()  # lay out the labels the frame changed before painting
                picture = picture_of(widget, rect, QSize(*args.size))
                if overlay is not None:  # on the video's frame, not the window: sized for the video
                    picture = overlay.burn(picture, *overlay_text(window), args.size[0] / max(1, rect.width()))
                image = rgb_array(picture)
                check_interrupted(interrupted)
                writer.write(image)
                done += 1
                loss = frame.stats.train_loss
                progress_bar(done, total, f"epoch {frame.epoch}" + (f", loss {loss:.4f}" if loss == loss else ""))
            assert image is not None  # the schedule has at least one frame
            for _ in range(hold):
                check_interrupted(interrupted)
                writer.write(image)
                done += 1
                progress_bar(done, total, "holding the last frame")
    finally:
        end_progress()
    stats = frame.stats
    return "" if stats.status == "ok" else f"; training {stats.status} at epoch {frame.epoch}: {stats.message}"


if __name__ == "__main__":
    sys.exit(render_command(sys.argv[1:]))
