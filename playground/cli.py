"""Headless commands: ``python -m playground train ...`` (and the entry point's dispatch)."""

from __future__ import annotations

import argparse
import os
import sys
import time
from typing import Sequence

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


def add_model_arguments(parser: argparse.ArgumentParser) -> None:
    """Options shared by the headless commands: data preset and network settings."""
    data = parser.add_argument_group("data")
    data.add_argument("--preset", default="spiral", choices=DATASET_NAMES,
                      help="generated dataset to train on (default: spiral)")
    data.add_argument("--points", type=int, default=400, help="number of points (default: 400)")
    data.add_argument("--noise", type=float, default=0.1, help="noise, 0 to 1 (default: 0.1)")
    data.add_argument("--test-fraction", type=float, default=0.3,
                      help="share of points held out as test points (default: 0.3)")
    data.add_argument("--classes", type=int, default=None,
                      help="number of classes, for the blobs and spiral presets")
    net = parser.add_argument_group("network and training")
    net.add_argument("--hidden", type=_hidden, default=[8, 8],
                     help="hidden layer sizes, comma-separated; 0 for none (default: 8,8)")
    net.add_argument("--activation", default="tanh", choices=list(ACTIVATIONS),
                     help="hidden-layer activation (default: tanh)")
    net.add_argument("--features", default="x1,x2",
                     help="input features, comma-separated, from x1,x2,x1^2,x2^2,x1*x2,sin(x1),sin(x2)")
    net.add_argument("--init", default="xavier", choices=list(INITS), help="weight initialisation")
    net.add_argument("--optimizer", default="adam", choices=list(OPTIMIZERS), help="optimiser (default: adam)")
    net.add_argument("--lr", type=float, default=0.01, help="learning rate (default: 0.01)")
    net.add_argument("--batch-size", type=int, default=32, help="mini-batch size (default: 32)")
    net.add_argument("--l2", type=float, default=0.0, help="L2 penalty strength (default: 0)")
    net.add_argument("--schedule", default="constant", choices=list(SCHEDULES), help="learning-rate schedule")
    net.add_argument("--seed", type=int, default=0, help="seed for data, weights and shuffling (default: 0)")


def build_trainer(args: argparse.Namespace):
    """A Trainer from parsed options (a session file when ``args.session`` is given)."""
    from .training import Trainer, TrainingConfig, load_session

    if getattr(args, "session", None):
        return load_session(args.session)
    extra = {"classes": args.classes} if args.classes else {}
    dataset = make_dataset(args.preset, n=args.points, noise=args.noise, seed=args.seed,
                           test_fraction=args.test_fraction, **extra)
    config = TrainingConfig(hidden=tuple(args.hidden), activation=args.activation,
                            features=tuple(f.strip() for f in args.features.split(",")),
                            init=args.init, optimizer=args.optimizer, lr=args.lr,
                            batch_size=args.batch_size, l2=args.l2, schedule=args.schedule,
                            seed=args.seed)
    return Trainer(dataset, config)


# Fields of make_dataset and TrainingConfig, as the options that set them are spelt.
_OPTION_OF = {"n": "--points", "noise": "--noise", "seed": "--seed", "test_fraction": "--test-fraction",
              "classes": "--classes", "hidden": "--hidden", "activation": "--activation",
              "features": "--features", "init": "--init", "optimizer": "--optimizer", "lr": "--lr",
              "batch_size": "--batch-size", "l2": "--l2", "schedule": "--schedule"}


def option_error(exc: ValueError) -> str:
    """``exc``'s message, led by the option that caused it (``--points: n: expected ...``)."""
    message = str(exc)
    field = message.split(":", 1)[0].removeprefix("TrainingConfig.")
    return f"{_OPTION_OF[field]}: {message}" if field in _OPTION_OF else message


def progress_bar(done: int, total: int, text: str, width: int = 30) -> None:
    filled = int(width * done / total)
    sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {text}")
    sys.stderr.flush()


def _format_metrics(trainer, stats) -> str:
    name = "RMSE" if trainer.dataset.task == "regression" else "accuracy"
    scale, unit = (1, "") if name == "RMSE" else (100, "%")
    return (f"loss {stats.train_loss:.4f} train / {stats.test_loss:.4f} test, {name} "
            f"{stats.train_metric * scale:.4g}{unit} train / {stats.test_metric * scale:.4g}{unit} test")


def train_command(argv: Sequence[str]) -> int:
    """``python -m playground train``: train headless and print the final metrics."""
    parser = argparse.ArgumentParser(
        prog="python -m playground train",
        description="Train a network headless, with a progress bar, and print the final metrics.")
    parser.add_argument("--session", help="continue a saved session (.playground.json) instead of a preset")
    parser.add_argument("--epochs", type=int, default=500, help="epochs to train (default: 500)")
    parser.add_argument("--out", help="save the session to this file when done")
    add_model_arguments(parser)
    args = parser.parse_args(argv)
    if args.epochs < 1:
        parser.error("--epochs must be at least 1")
    if args.out and not os.path.isdir(os.path.dirname(os.path.abspath(args.out))):
        parser.error(f"--out: the folder of {args.out!r} does not exist")
    try:
        trainer = build_trainer(args)
    except ValueError as exc:
        parser.error(f"--session: {exc}" if args.session else option_error(exc))
    start = time.perf_counter()
    chunk = max(1, args.epochs // 100)
    done, stats = 0, None
    while done < args.epochs:
        stats = trainer.step(min(chunk, args.epochs - done))
        done += chunk
        progress_bar(min(done, args.epochs), args.epochs, f"loss {stats.train_loss:.4f}")
        if stats.status != "ok":
            break
    sys.stderr.write("\n")
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
