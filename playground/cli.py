"""Headless commands: ``python -m playground train ...`` (and the entry point's dispatch)."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from typing import Iterable, NoReturn, Sequence

from .data import DATASET_NAMES, make_dataset
from .nn import ACTIVATIONS, INITS, OPTIMIZERS, SCHEDULES


def _hidden(text: str) -> list[int]:
    """``"8,8"`` -> ``[8, 8]``; an empty string or ``0`` means no hidden layer."""
    if text.strip() in ("", "0", "none"):
        return []
    try:
        return [int(part) for part in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"--hidden takes layer sizes like 8,8, got {text!r}") from None


def _add_choice(group: argparse._ArgumentGroup, flag: str, names: Iterable[str], default: str, what: str) -> None:
    """A ``flag NAME`` option taking one of ``names``; its help lists them after ``what``."""
    choices = list(names)
    group.add_argument(
        flag,
        default=default,
        choices=choices,
        metavar="NAME",
        help=f"{what}: {', '.join(choices)} (default: {default})",
    )


def add_model_arguments(parser: argparse.ArgumentParser) -> None:
    """Options shared by the headless commands: data preset and network settings."""
    data = parser.add_argument_group("data")
    _add_choice(data, "--preset", DATASET_NAMES, "spiral", "generated dataset to train on")
    data.add_argument("--points", type=int, default=400, metavar="N", help="number of points (default: 400)")
    data.add_argument("--noise", type=float, default=0.1, metavar="AMOUNT", help="noise, 0 to 1 (default: 0.1)")
    data.add_argument(
        "--test-fraction",
        type=float,
        default=0.3,
        metavar="SHARE",
        help="share of points held out as test points (default: 0.3)",
    )
    data.add_argument(
        "--classes", type=int, default=None, metavar="K", help="number of classes, for the blobs and spiral presets"
    )
    net = parser.add_argument_group("network and training")
    net.add_argument(
        "--hidden",
        type=_hidden,
        default=[8, 8],
        metavar="SIZES",
        help="hidden layer sizes, comma-separated; 0 for none (default: 8,8)",
    )
    _add_choice(net, "--activation", ACTIVATIONS, "tanh", "hidden-layer activation")
    net.add_argument(
        "--features",
        default="x1,x2",
        metavar="LIST",
        help="input features, comma-separated, from x1,x2,x1^2,x2^2,x1*x2,sin(x1),sin(x2) (default: x1,x2)",
    )
    _add_choice(net, "--init", INITS, "xavier", "weight initialisation")
    _add_choice(net, "--optimizer", OPTIMIZERS, "adam", "optimiser")
    net.add_argument("--lr", type=float, default=0.01, metavar="RATE", help="learning rate (default: 0.01)")
    net.add_argument("--batch-size", type=int, default=32, metavar="N", help="mini-batch size (default: 32)")
    net.add_argument("--l2", type=float, default=0.0, metavar="STRENGTH", help="L2 penalty strength (default: 0)")
    _add_choice(net, "--schedule", SCHEDULES, "constant", "learning-rate schedule")
    net.add_argument(
        "--seed", type=int, default=0, metavar="N", help="seed for data, weights and shuffling (default: 0)"
    )


def fail(prog: str, message: str) -> NoReturn:
    """Exit with ``prog: error: message`` on one line and status 2 (argparse's convention).

    For problems with files, where argparse's usage text would not help."""
    one_line = " ".join(str(message).split())
    sys.stderr.write(f"{prog}: error: {one_line}\n")
    raise SystemExit(2)


def output_folder_problem(path: str, option: str = "--out") -> str | None:
    """Why ``path`` cannot be written (its folder is missing or not writable, it is a folder), or None.

    Tried by creating (and removing) a file in the folder, because permission
    bits do not tell: root may write anywhere they forbid, a read-only mount
    refuses whatever they allow."""
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        return f"{option}: the folder of {path!r} does not exist"
    if os.path.isdir(path):
        return f"{option}: {path!r} is a folder; give a file name"
    try:
        handle, probe = tempfile.mkstemp(dir=folder, prefix=".playground-write-check-")
    except OSError as exc:
        return f"{option}: cannot write in {folder}: {exc.strerror or exc}"
    os.close(handle)
    os.remove(probe)
    return None


# What a damaged or hostile session file can raise while it is read.
SESSION_ERRORS = (ValueError, OSError, OverflowError, TypeError)


def session_problem(path: str, exc: BaseException) -> str:
    """One line naming the session file and what is wrong with it."""
    if isinstance(exc, OSError) and exc.strerror:
        return f"--session: cannot read {path}: {exc.strerror}"
    text = str(exc) or type(exc).__name__
    named = str(path) in text or os.path.basename(path) in text  # the readers name the file already
    return f"--session: {text}" if named else f"--session: {path}: {text}"


def build_trainer(args: argparse.Namespace):
    """A Trainer from parsed options (a session file when ``args.session`` is given)."""
    from .training import Trainer, TrainingConfig, load_session

    if getattr(args, "session", None):
        return load_session(args.session)
    extra = {"classes": args.classes} if args.classes else {}
    dataset = make_dataset(
        args.preset, n=args.points, noise=args.noise, seed=args.seed, test_fraction=args.test_fraction, **extra
    )
    config = TrainingConfig(
        hidden=tuple(args.hidden),
        activation=args.activation,
        features=tuple(f.strip() for f in args.features.split(",")),
        init=args.init,
        optimizer=args.optimizer,
        lr=args.lr,
        batch_size=args.batch_size,
        l2=args.l2,
        schedule=args.schedule,
        seed=args.seed,
    )
    return Trainer(dataset, config)


# Fields of make_dataset and TrainingConfig, as the options that set them are spelt.
_OPTION_OF = {
    "n": "--points",
    "noise": "--noise",
    "seed": "--seed",
    "test_fraction": "--test-fraction",
    "classes": "--classes",
    "hidden": "--hidden",
    "activation": "--activation",
    "features": "--features",
    "init": "--init",
    "optimizer": "--optimizer",
    "lr": "--lr",
    "batch_size": "--batch-size",
    "l2": "--l2",
    "schedule": "--schedule",
}


def option_error(exc: ValueError) -> str:
    """``exc``'s message, led by the option that caused it (``--points: n: expected ...``)."""
    message = str(exc)
    field = message.split(":", 1)[0].removeprefix("TrainingConfig.")
    return f"{_OPTION_OF[field]}: {message}" if field in _OPTION_OF else message


def trainer_or_exit(parser: argparse.ArgumentParser, args: argparse.Namespace):
    """:func:`build_trainer`, or exit with one line naming the bad option or session file."""
    try:
        return build_trainer(args)
    except SESSION_ERRORS as exc:
        if args.session:
            fail(parser.prog, session_problem(args.session, exc))
        if isinstance(exc, ValueError):
            parser.error(option_error(exc))
        raise


_logged_quarter = [-1]  # the last quarter of a run that progress_bar wrote as a plain line


def progress_bar(done: int, total: int, text: str, width: int = 30) -> None:
    """Progress on stderr: on a terminal, a bar redrawn in place; in a log or a pipe (where a
    carriage return leaves a long line of bars), a plain line at each quarter of the run."""
    if sys.stderr.isatty():
        filled = int(width * done / total)
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {text}")
        sys.stderr.flush()
        return
    quarter = 4 * done // total
    if done <= 1 or quarter < _logged_quarter[0]:  # a new run: log its first line
        _logged_quarter[0] = -1
    if quarter > _logged_quarter[0]:
        _logged_quarter[0] = quarter
        sys.stderr.write(f"{done}/{total} {text}\n")
        sys.stderr.flush()


def end_progress() -> None:
    """End the bar's line (on a terminal; logged lines end themselves)."""
    if sys.stderr.isatty():
        sys.stderr.write("\n")


def _format_metrics(trainer, stats) -> str:
    name = "RMSE" if trainer.dataset.task == "regression" else "accuracy"
    scale, unit = (1, "") if name == "RMSE" else (100, "%")
    return (
        f"loss {stats.train_loss:.4f} train / {stats.test_loss:.4f} test, {name} "
        f"{stats.train_metric * scale:.4g}{unit} train / {stats.test_metric * scale:.4g}{unit} test"
    )


def train_command(argv: Sequence[str]) -> int:
    """``python -m playground train``: train headless and print the final metrics."""
    parser = argparse.ArgumentParser(
        prog="python -m playground train",
        description="Train a network headless, with a progress bar, and print the final metrics.",
    )
    parser.add_argument(
        "--session", metavar="FILE", help="continue a saved session (.playground.json) instead of a preset"
    )
    parser.add_argument("--epochs", type=int, default=500, metavar="N", help="epochs to train (default: 500)")
    parser.add_argument(
        "--out", metavar="FILE", help="save the session to this file when done (its folder is checked first)"
    )
    add_model_arguments(parser)
    args = parser.parse_args(argv)
    if args.epochs < 1:
        parser.error("--epochs must be at least 1")
    problem = args.out and output_folder_problem(args.out)
    if problem:  # before training, so that no work is lost to a folder that cannot take the result
        fail(parser.prog, problem)
    trainer = trainer_or_exit(parser, args)
    start = time.perf_counter()
    chunk = max(1, args.epochs // 100)
    done, stats = 0, None
    try:
        while done < args.epochs:
            stats = trainer.step(min(chunk, args.epochs - done))
            done += chunk
            progress_bar(min(done, args.epochs), args.epochs, f"loss {stats.train_loss:.4f}")
            if stats.status != "ok":
                break
    except (ArithmeticError, ValueError) as exc:  # e.g. a session's optimiser state beyond float range
        end_progress()
        fail(parser.prog, f"training stopped at epoch {trainer.epoch}: {exc}")
    except KeyboardInterrupt:
        sys.stderr.write(f"\ninterrupted at epoch {trainer.epoch}; nothing saved\n")
        return 130  # 128 + SIGINT, as the shell reports a program stopped by Ctrl+C
    end_progress()
    elapsed = time.perf_counter() - start
    print(f"epoch {trainer.epoch}: {_format_metrics(trainer, stats)} ({elapsed:.1f} s)")
    if stats.status != "ok":
        print(f"{stats.status}: {stats.message}")
    if args.out:
        from .training import save_session

        try:
            save_session(args.out, trainer)
        except OSError as exc:
            print(f"--out: cannot write {args.out}: {exc.strerror or exc}", file=sys.stderr)
            return 1
        print(f"saved {args.out}")
    return 0 if stats.status != "diverged" else 1
