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
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
from typing import Sequence

from ...cli import add_model_arguments, build_trainer, option_error, progress_bar

VIEWS = {"window": "the window without its menu and status bars: panels, plots and transport bar",
         "plots": "the grid of the four plots"}
FRAME_TIMEOUT = 120.0  # seconds to wait for the training thread to deliver one frame
GLOBAL_PALETTE_BYTES = 512 * 2**20  # raw frames ffmpeg may hold to give a GIF one palette


def parse_size(text: str) -> tuple[int, int]:
    """``"1280x720"`` -> ``(1280, 720)``; both even and at least 64."""
    try:
        width, height = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected WIDTHxHEIGHT like 1280x720, got {text!r}") from None
    if width < 64 or height < 64 or width % 2 or height % 2:
        raise argparse.ArgumentTypeError(f"{text}: width and height must be even and at least 64 "
                                         "(video encoders need even sizes)")
    return width, height


def frame_epochs(epochs: int, fps: float, epochs_per_frame: int | None = None,
                 duration: float | None = None) -> list[int]:
    """Epochs trained (since the start) when each frame is taken, before any hold frames.

    The first frame is at 0. With ``duration`` the ``epochs`` are spread over
    ``round(duration * fps)`` frames (some frames may repeat an epoch, or skip
    several); otherwise there is a frame every ``epochs_per_frame`` epochs (default 1),
    the last one at ``epochs``.
    """
    if duration is not None:
        frames = max(2, round(duration * fps))
        return [round(epochs * i / (frames - 1)) for i in range(frames)]
    step = epochs_per_frame or 1
    return [min(i * step, epochs) for i in range(math.ceil(epochs / step) + 1)]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m playground render",
        description="Train a network headless and write a video (MP4 or GIF) of the window, one frame "
                    "per few epochs, with no screen needed.",
        epilog="Example: python -m playground render --preset spiral --hidden 8,8 --epochs 300 "
               "--fps 30 --out spiral.mp4")
    video = parser.add_argument_group("video")
    video.add_argument("--out", required=True,
                       help="video file to write; .mp4 (H.264) or .gif, chosen by the extension")
    video.add_argument("--epochs", type=int, default=300, help="epochs to train (default: 300)")
    video.add_argument("--fps", type=float, default=30.0, help="frames per second of the video (default: 30)")
    pace = video.add_mutually_exclusive_group()
    pace.add_argument("--epochs-per-frame", type=int, default=None,
                      help="epochs trained between two frames (default: 1)")
    pace.add_argument("--duration", type=float, default=None,
                      help="length of the training part in seconds; the epochs are spread over it "
                           "(instead of --epochs-per-frame)")
    video.add_argument("--hold", type=float, default=0.0,
                       help="seconds to keep showing the last frame at the end (default: 0)")
    video.add_argument("--size", type=parse_size, default=(1280, 720),
                       help="frame size WIDTHxHEIGHT, even numbers (default: 1280x720); a window that "
                            "cannot be that small is laid out larger and scaled down")
    video.add_argument("--view", choices=list(VIEWS), default="window",
                       help="what to film: " + "; ".join(f"{k}: {v}" for k, v in VIEWS.items())
                            + " (default: window)")
    video.add_argument("--theme", choices=("light", "dark"), default="light", help="colours (default: light)")
    video.add_argument("--palette", choices=("okabe-ito", "tol-bright"), default="okabe-ito",
                       help="class colours; both are colour-blind safe (default: okabe-ito)")
    video.add_argument("--presentation", action="store_true",
                       help="presentation mode: larger text, thicker lines, no side panels")
    parser.add_argument("--session", help="start from a saved session (.playground.json) instead of a preset")
    add_model_arguments(parser)
    return parser


def render_command(argv: Sequence[str]) -> int:
    """Parse ``argv``, render the video, report on stdout; 0 on success."""
    parser = build_parser()
    args = parser.parse_args(argv)
    from .video import missing_video_support, video_format

    try:
        video_format(args.out)
    except ValueError as exc:
        parser.error(f"--out: {exc}")
    if not os.path.isdir(os.path.dirname(os.path.abspath(args.out))):
        parser.error(f"--out: the folder of {args.out!r} does not exist")
    for option, value, low in (("--epochs", args.epochs, 1), ("--fps", args.fps, 1),
                               ("--epochs-per-frame", args.epochs_per_frame or 1, 1),
                               ("--duration", args.duration if args.duration is not None else 1, 0.1),
                               ("--hold", args.hold, 0)):
        if value < low:
            parser.error(f"{option} must be at least {low}")
    hint = missing_video_support()
    if hint:
        print(f"render: {hint}", file=sys.stderr)
        return 2
    try:
        trainer = build_trainer(args)
    except ValueError as exc:
        parser.error(f"--session: {exc}" if args.session else option_error(exc))
    except OSError as exc:
        parser.error(f"--session: cannot read {args.session}: {exc.strerror or exc}")
    schedule = frame_epochs(args.epochs, args.fps, args.epochs_per_frame, args.duration)
    hold = round(args.hold * args.fps)
    start = time.perf_counter()
    try:
        status = _render(args, trainer, schedule, hold)
    except OSError as exc:
        print(f"\nrender: {exc}", file=sys.stderr)
        return 1
    frames = len(schedule) + hold
    print(f"wrote {args.out}: {frames} frames, {args.size[0]}x{args.size[1]}, {frames / args.fps:.1f} s "
          f"at {args.fps:g} fps ({time.perf_counter() - start:.1f} s to render){status}")
    return 0


def _render(args: argparse.Namespace, trainer, schedule: list[int], hold: int) -> str:
    """Drive the offscreen window through ``schedule`` and write every frame; a note on how training ended."""
    # Offscreen whatever the machine has: rendering must never open a window.
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtCore import QSize
    from PySide6.QtWidgets import QApplication

    from .capture import rgb_array
    from ..shell.main_window import MainWindow
    from ..plots.style import configure_pyqtgraph
    from ..shell.presentation import set_presentation
    from ..shell.theme import apply_class_palette, apply_theme
    from .video import VideoWriter

    configure_pyqtgraph()
    app = QApplication.instance() or QApplication(["playground-render"])
    # Built on the trainer's data and settings, so the panels show them from the start.
    window = MainWindow(trainer.dataset, trainer.config)
    try:
        window.show()
        apply_theme(window, args.theme)
        apply_class_palette(window, args.palette)
        if args.presentation:
            set_presentation(window, True)
        session = window.session
        session.replace_session(trainer)
        frame = _current_frame(app, session)
        widget, rect = _fit(app, window, args.view, args.size)
        total = len(schedule) + hold
        # One palette for the whole GIF halves its size, but ffmpeg holds every frame until the end.
        few = total * args.size[0] * args.size[1] * 3 <= GLOBAL_PALETTE_BYTES
        writer = VideoWriter(args.out, args.size, args.fps, gif_palette="global" if few else "frame")
        done = 0
        try:
            image = None
            for index, epochs in enumerate(schedule):
                if index and epochs > schedule[index - 1]:
                    session.step(epochs - schedule[index - 1])
                    frame = _current_frame(app, session)
                window.draw_frame(frame)
                app.processEvents()  # lay out the labels the frame changed before painting
                image = rgb_array(_picture(widget, rect, QSize(*args.size)))
                writer.write(image)
                done += 1
                loss = frame.stats.train_loss
                progress_bar(done, total, f"epoch {frame.epoch}" + (f", loss {loss:.4f}" if loss == loss else ""))
            for _ in range(hold):
                writer.write(image)
                done += 1
                progress_bar(done, total, "holding the last frame")
        finally:
            sys.stderr.write("\n")
            writer.close()
        stats = frame.stats
        return "" if stats.status == "ok" else f"; training {stats.status} at epoch {frame.epoch}: {stats.message}"
    finally:
        window.close()


def _current_frame(app, session):
    """The newest frame once it shows the training thread's trainer as it is now."""
    epoch, config, dataset = session.run_in_worker(lambda tr: (tr.epoch, tr.config, tr.dataset))

    def current() -> bool:
        frame = session.latest_frame
        return (frame is not None and frame.epoch == epoch and frame.config is config
                and frame.dataset is dataset)

    deadline = time.perf_counter() + FRAME_TIMEOUT
    while not current():
        if time.perf_counter() > deadline:
            raise OSError("the training thread sent no frame in time")
        app.processEvents()
        time.sleep(0.001)
    return session.latest_frame


def _picture(widget, rect, size):
    """The area as on screen; resampled (smoothly) only when the window could not be made that small.

    Grabbing and resampling the bitmap keeps pyqtgraph's markers round; a scaled-down
    painter draws them as squares.
    """
    from PySide6.QtCore import Qt

    from .capture import grab

    image = grab(widget, rect)
    if image.size() == size:
        return image
    return image.scaled(size, Qt.AspectRatioMode.IgnoreAspectRatio, Qt.TransformationMode.SmoothTransformation)


def _fit(app, window, view: str, size: tuple[int, int]):
    """Resize the window so the filmed area has ``size``'s shape: ``(widget, rectangle)`` to render.

    A window cannot be smaller than its minimum size; then the area is laid out
    at a larger size of the same shape, and rendering scales it down.
    """
    from PySide6.QtCore import QSize

    from .capture import plots_area

    def area():
        if view == "plots":
            return plots_area(window)
        central = window.centralWidget()
        return central, central.rect()

    target = QSize(*size)
    for _ in range(6):
        window.resize(window.size() + target - area()[1].size())
        app.processEvents()
        actual = area()[1].size()
        if actual == target:
            break
        # Too small for the window's minimum: aim at the same shape, larger.
        grow = max(actual.width() / target.width(), actual.height() / target.height())
        if grow > 1.0:
            target = QSize(math.ceil(size[0] * grow), math.ceil(size[1] * grow))
    return area()


if __name__ == "__main__":
    sys.exit(render_command(sys.argv[1:]))
