"""The example sessions and lessons shipped with the app, built from code so they can be made again.

Each example is a lesson (``NN-name.lesson.json``) and the sessions its steps load
(``NN-name.playground.json``, and ``NN-name-KEY.playground.json`` for a later state),
in ``playground/resources/examples/``. They follow the seed chapter and its primers:
logistic regression and where it fails, two logistic regressions combined, XOR,
the chain rule, vanishing gradients, the learning rate, initialisation, overfitting,
feature engineering and regression.

The sessions are saved untrained (epoch 0), so a student presses Play and watches;
the lessons' ``play`` steps say how long. ``tests/training/test_examples.py`` checks
each example's claim by training the shipped files headless (the V-data logistic
regression stays below 80 % test accuracy, the [4, 2] network reaches 95 %, ...).

Regenerate the files after changing a recipe here::

    python -m playground.training.examples --write
"""

from __future__ import annotations

import argparse
import importlib.resources
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..data import Dataset, make_dataset
from .config import TrainingConfig
from .defaults import DEFAULT_CONFIG
from .diagnosis import DEAD_UNITS, DIVERGED, LEARNING_RATE, VANISHING_GRADIENTS, diagnose_trainer
from .lessons import LESSON_SUFFIX, lesson_from_dict
from .presets import apply_preset
from .sessions import SUFFIX as SESSION_SUFFIX
from .sessions import session_to_json
from .trainer import Trainer

MAIN = ""
"""The key of an example's first session, ``NN-name.playground.json`` (the others add ``-KEY``)."""


@dataclass(frozen=True)
class State:
    """A session an example ships: the data (made by ``data()``) and the untrained network."""

    data: Callable[[], Dataset]
    config: TrainingConfig

    def trainer(self) -> Trainer:
        """A fresh trainer of this state, at epoch 0 (as the shipped file opens)."""
        return Trainer(self.data(), self.config)


@dataclass(frozen=True)
class Outcome:
    """What a step's caption says the window shows once the step is done, as bounds a test
    checks (``tests/training/test_lesson_outcomes.py`` acts the lesson file's steps out headless,
    ``tests/ui/test_lesson_shipped.py`` in the window).

    ``train`` and ``test`` bound the accuracy (classification) or loss (regression) as
    ``(low, high)``, both included; ``flagged`` are diagnosis causes the banner names then,
    ``not_flagged`` causes it must not name; ``status`` the trainer's (e.g. ``"diverged"``);
    ``gradient_ratio_below`` bounds the first layer's gradient norm over the output layer's (the
    gradient plot's two ends); ``test_loss_rise`` is a least factor by which the test loss is
    above its lowest of the run (it climbed).
    """

    train: tuple[float, float] | None = None
    test: tuple[float, float] | None = None
    flagged: tuple[str, ...] = ()
    not_flagged: tuple[str, ...] = ()
    status: str | None = None
    gradient_ratio_below: float | None = None
    test_loss_rise: float | None = None

    def unmet(self, trainer: Trainer) -> list[str]:
        """What of this outcome ``trainer`` (trained to the step) does not show; empty when all holds."""
        stats = trainer.last_stats()
        problems = [
            f"{name} {value:.3f} outside {bounds}"
            for name, bounds, value in (
                ("train", self.train, stats.train_metric),
                ("test", self.test, stats.test_metric),
            )
            if bounds is not None and not bounds[0] <= value <= bounds[1]
        ]
        causes = {d.cause for d in diagnose_trainer(trainer)}
        problems += [
            f"{cause} not flagged (flagged: {sorted(causes)})" for cause in self.flagged if cause not in causes
        ]
        problems += [f"{cause} flagged" for cause in self.not_flagged if cause in causes]
        if self.status is not None and trainer.status != self.status:
            problems.append(f"status {trainer.status!r}, not {self.status!r}")
        if self.gradient_ratio_below is not None:
            norms = trainer.history.array("grad_norms")[-1]
            ratio = float(norms[0] / norms[-1])
            if not ratio < self.gradient_ratio_below:
                problems.append(f"first/output gradient {ratio:.2g}, not below {self.gradient_ratio_below}")
        if self.test_loss_rise is not None:
            test_loss = trainer.history.array("test_loss")
            if not test_loss[-1] >= self.test_loss_rise * test_loss.min():
                problems.append(
                    f"test loss {test_loss[-1]:.3f}, not {self.test_loss_rise}x its lowest {test_loss.min():.3f}"
                )
        return problems


Step = tuple[str, str | None, dict[str, Any] | None] | tuple[str, str | None, dict[str, Any] | None, Outcome]
"""``(caption, state key or None, action or None)``, and the Outcome its caption claims if it claims one."""


@dataclass(frozen=True)
class Example:
    """One shipped example: its sessions by key and its lesson's steps.

    A step is a :data:`Step`; an action is the lesson file's object, e.g.
    ``{"kind": "play", "epochs": 300}``.
    """

    name: str
    title: str
    summary: str
    states: Mapping[str, State]
    steps: Sequence[Step] = field(default_factory=tuple)

    @property
    def outcomes(self) -> tuple[Outcome | None, ...]:
        """Each step's claimed Outcome (None where its caption claims nothing measurable)."""
        return tuple(step[3] if len(step) == 4 else None for step in self.steps)

    def session_name(self, key: str) -> str:
        """The file name of the session ``key`` (``MAIN`` is the first one)."""
        return f"{self.name}{'-' + key if key else ''}{SESSION_SUFFIX}"

    @property
    def lesson_name(self) -> str:
        """The lesson's file name."""
        return self.name + LESSON_SUFFIX

    def lesson_dict(self) -> dict[str, Any]:
        """The lesson file's content."""
        steps: list[dict[str, Any]] = []
        for caption, key, action, *_ in self.steps:
            step: dict[str, Any] = {"caption": caption}
            if key is not None:
                step["state"] = self.session_name(key)
            if action is not None:
                step["action"] = dict(action)
            steps.append(step)
        return {
            "format": "playground-lesson",
            "version": 1,
            "title": self.title,
            "summary": self.summary,
            "steps": steps,
        }


# ------------------------------------------------------------------ the data
def _preset(name: str, n: int = 200, noise: float = 0.1, test: float = 0.2, seed: int = 0) -> Callable[[], Dataset]:
    return lambda: make_dataset(name, n=n, noise=noise, seed=seed, test_fraction=test)


def xor_table(n: int = 100, seed: int = 0) -> Dataset:
    """The chapter's XOR table: the generator's XOR points moved to jittered clouds at the unit
    square's corners, class 1 (x1*x2 > 0) at (0, 0) and (1, 1), class 0 at (0, 1) and (1, 0),
    each cloud of spread about ±0.2."""
    quadrants = make_dataset("xor", n=n, noise=0.05, seed=seed, test_fraction=0.2)
    corners = (np.sign(quadrants.X) + 1.0) / 2.0 + 0.04 * quadrants.X
    return Dataset(corners, quadrants.y, "classification", quadrants.is_test)


def corner_xor() -> Dataset:
    """:func:`xor_table` drawn large, at the corners (±2, ±2): class 1 at (-2, -2) and (2, 2)
    as the table's (0, 0) and (1, 1). (The unit square's corners would fill a few pixels of the plot.)"""
    table = xor_table()
    return Dataset(4.0 * (table.X - 0.5), table.y, "classification", table.is_test)


V_DATA = _preset("vshape")
LOGISTIC = TrainingConfig(hidden=(), optimizer="sgd", lr=0.1, batch_size=20, seed=0)
# The chapter's Figure 12: plain SGD, the default (Xavier) init. About one weight seed in ten
# starts with the 2-unit ReLU layer dead on every point; seed 8 is one of them.
FIGURE_12 = TrainingConfig(hidden=(4, 2), activation="relu", optimizer="sgd", lr=0.2, batch_size=50, seed=0)
STUCK_SEED = 8
TWO_SIGMOIDS = TrainingConfig(hidden=(2,), activation="sigmoid", optimizer="adam", lr=0.05, batch_size=20, seed=0)
XOR_2_2_1 = TrainingConfig(
    hidden=(2,),
    activation="sigmoid",
    init="uniform",
    optimizer="momentum",
    momentum=0.9,
    lr=0.5,
    batch_size=1000,
    seed=0,
)
# Few training points (30 of 200: the rest are test points, so the gap is measured well) and a big network.
FEW_POINTS = _preset("circle", n=200, noise=0.5, test=0.85)
BIG = TrainingConfig(hidden=(32, 32), activation="tanh", optimizer="adam", lr=0.03, batch_size=30, seed=0)
TOO_HIGH = TrainingConfig(hidden=(8, 8), activation="relu", init="he", optimizer="sgd", lr=3.0, batch_size=10, seed=0)
SPIRAL = _preset("spiral", n=300, test=0.3)
DEEP_RELU = apply_preset(DEFAULT_CONFIG, "deep ReLU + He")


# ------------------------------------------------------------------ the examples
EXAMPLES: tuple[Example, ...] = (
    Example(
        "01-logistic-regression",
        "Logistic regression: one line",
        "A network with no hidden layer draws one straight line: perfect on separable data, stuck on the V.",
        {MAIN: State(_preset("linear"), LOGISTIC), "v": State(V_DATA, LOGISTIC)},
        (
            (
                "No hidden layer: the output unit is a logistic regression, so its boundary is a straight line.",
                MAIN,
                None,
            ),
            (
                "Press Play: one line separates these two classes perfectly.",
                None,
                {"kind": "play", "epochs": 100},
                Outcome(train=(1.0, 1.0), test=(1.0, 1.0)),
            ),
            ("Now the V-shaped data. Inside the V is one class, outside the other.", "v", None),
            (
                "Train again: the line settles where it misclassifies the fewest points, "
                "but no line fits a V (test accuracy stays below 80 %).",
                None,
                {"kind": "play", "epochs": 300},
                Outcome(train=(0.0, 0.85), test=(0.0, 0.8)),
            ),
            ("To bend the boundary the network needs hidden units.", None, {"kind": "highlight", "control": "layers"}),
        ),
    ),
    Example(
        "02-two-lines-make-a-v",
        "Two logistic regressions make a V",
        "Two hidden units each draw a line and the output combines them; the [4, 2] ReLU network makes the V "
        "separable.",
        {MAIN: State(V_DATA, TWO_SIGMOIDS), "relu": State(V_DATA, FIGURE_12)},
        (
            ("Two sigmoid hidden units, each a logistic regression of its own; a third combines them.", MAIN, None),
            (
                "Press Play: each hidden unit learns one arm of the V.",
                None,
                {"kind": "play", "epochs": 100},
                Outcome(train=(0.95, 1.0), test=(0.95, 1.0)),
            ),
            (
                "The [4, 2] ReLU network of the chapter's Figures 8 to 12, trained with plain gradient descent.",
                "relu",
                None,
            ),
            (
                "Train it: it reaches at least 95 % on the test points.",
                None,
                {"kind": "play", "epochs": 300},
                Outcome(test=(0.95, 1.0)),
            ),
            (
                "The activation space of the last hidden layer: there the two classes lie on either side of a line.",
                None,
                {"kind": "activation_layer", "layer": 2},
            ),
        ),
    ),
    Example(
        "03-xor",
        "XOR needs a hidden layer",
        "A 2-2-1 sigmoid network with momentum learns the XOR table; two hidden units are not enough for the "
        "quadrant XOR.",
        {
            MAIN: State(corner_xor, XOR_2_2_1),
            "quadrants": State(_preset("xor", n=100, noise=0.05), XOR_2_2_1),
        },
        (
            (
                "XOR: two opposite corners against the other two, the XOR table drawn large. No line separates them.",
                MAIN,
                None,
            ),
            (
                "Press Play: gradient descent with momentum bends the boundary around the corners.",
                None,
                {"kind": "play", "epochs": 500},
                Outcome(train=(0.95, 1.0)),
            ),
            (
                "In the hidden layer's activation space the four corners became linearly separable.",
                None,
                {"kind": "activation_layer", "layer": 1},
            ),
            (
                "The quadrant XOR: points fill the whole plane. Two hidden units draw at most two lines, "
                "and two opposite quadrants need a cross.",
                "quadrants",
                {"kind": "play", "epochs": 1000},
                Outcome(train=(0.0, 0.9)),
            ),
            ("Add hidden units (4 are enough) and train again.", None, {"kind": "highlight", "control": "units"}),
        ),
    ),
    Example(
        "04-chain-rule",
        "The chain rule for one point",
        "Follow one point forward through a small network, then its gradient backward, factor by factor.",
        {MAIN: State(V_DATA, TWO_SIGMOIDS)},
        (
            ("A small network: two sigmoid hidden units and one output.", MAIN, None),
            (
                "Train it a little, so the weights mean something.",
                None,
                {"kind": "play", "epochs": 100},
                Outcome(train=(0.95, 1.0)),
            ),
            # The point first: the graph and the chain rule show one point's loss (without one, "Inspect a
            # data point").
            # A training point's own place: (0, 2) was 0.49 from the nearest point, found only where the
            # plot was small enough for the pick's 6 px to reach it (not in a 1280x720 window).
            ("Pick one point inside the V.", None, {"kind": "inspect", "point": [0.07, 2.67]}),
            (
                "The computation graph of its loss: every operation from the inputs to the loss.",
                None,
                {"kind": "view", "name": "graph"},
            ),
            (
                "The chain rule: each weight's gradient is a product of local slopes along the path to the loss.",
                None,
                {"kind": "view", "name": "chain_rule"},
            ),
        ),
    ),
    Example(
        "05-vanishing-gradients",
        "Vanishing gradients",
        "Eight sigmoid layers pass almost no gradient back to the first ones; ReLU with He initialisation does.",
        {
            MAIN: State(SPIRAL, apply_preset(DEFAULT_CONFIG, "vanishing gradients")),
            "relu": State(SPIRAL, DEEP_RELU),
            # Plain SGD at 0.03 wanders on the spiral (64 % after 100 epochs, 68 % after 500); Adam at
            # 0.005 is at 99.5 % train, 100 % test after 250 (at 0.01: 94 % / 92 %).
            "relu-adam": State(SPIRAL, DEEP_RELU.replace(optimizer="adam", lr=0.005)),
        },
        (
            ("Eight hidden layers of eight sigmoid units on the spiral.", MAIN, None),
            (
                "Press Play and watch the gradient plot: the first layer gets less than a ten-thousandth of the "
                "output's gradient and the loss stalls.",
                None,
                {"kind": "play", "epochs": 50},
                Outcome(train=(0.0, 0.6), flagged=(VANISHING_GRADIENTS,), gradient_ratio_below=1e-4),
            ),
            (
                "A sigmoid's slope is at most 1/4, so each layer shrinks the gradient flowing back.",
                None,
                {"kind": "highlight", "control": "activation"},
            ),
            ("The same depth with ReLU and He initialisation, still plain SGD at 0.03.", "relu", None),
            (
                "Train it: no layer's gradient vanishes now, though some ReLUs die (the banner names them); "
                "plain SGD is still far from the spiral after 100 epochs.",
                None,
                {"kind": "play", "epochs": 100},
                Outcome(train=(0.0, 0.8), flagged=(DEAD_UNITS,), not_flagged=(VANISHING_GRADIENTS,)),
            ),
            (
                "With Adam (learning rate 0.005) the same ReLU network learns the spiral in 250 epochs: "
                "above 95 % on the training and the test points.",
                "relu-adam",
                {"kind": "play", "epochs": 250},
                Outcome(train=(0.95, 1.0), test=(0.95, 1.0), not_flagged=(VANISHING_GRADIENTS,)),
            ),
        ),
    ),
    Example(
        "06-learning-rate-too-high",
        "A learning rate too high",
        "Steps that overshoot: the loss jumps about, ReLU units die, and training can diverge.",
        {
            MAIN: State(_preset("circle"), TOO_HIGH),
            "diverges": State(_preset("circle"), TOO_HIGH.replace(activation="linear", lr=1.0)),
            "right": State(_preset("circle"), TOO_HIGH.replace(lr=0.03)),
        },
        (
            ("A ReLU network on the circle, trained with a learning rate of 3.", MAIN, None),
            (
                "Press Play: the first steps overshoot so far that within two epochs every ReLU of the second "
                "layer is dead; the network gives every point the same answer and the banner names the cause.",
                None,
                {"kind": "play", "epochs": 50},
                Outcome(train=(0.0, 0.6), flagged=(DEAD_UNITS,)),
            ),
            (
                "Units whose map went flat are dead ReLUs, zero on every point. The cure is a lower learning rate.",
                None,
                {"kind": "highlight", "control": "lr"},
            ),
            (
                "Linear units at a learning rate of 1: nothing bounds them, the weights grow to infinity in the "
                "first epoch, and training stops with the last finite weights put back.",
                "diverges",
                {"kind": "play", "epochs": 20},
                Outcome(flagged=(DIVERGED,), status="diverged"),
            ),
            ("The ReLU network again, with a learning rate of 0.03.", "right", None),
            (
                "Train it: the loss falls smoothly and the circle is learned.",
                None,
                {"kind": "play", "epochs": 100},
                Outcome(train=(0.95, 1.0), test=(0.95, 1.0), not_flagged=(DEAD_UNITS, LEARNING_RATE, DIVERGED)),
            ),
        ),
    ),
    Example(
        "07-initialisation",
        "Initialisation matters",
        "The same network from different random starting weights: most seeds learn the V, one gets stuck.",
        {
            MAIN: State(V_DATA, FIGURE_12),
            "seed-1": State(V_DATA, FIGURE_12.replace(seed=1)),
            "seed-8": State(V_DATA, FIGURE_12.replace(seed=STUCK_SEED)),
        },
        (
            (
                "The [4, 2] ReLU network on the V, from weight seed 0.",
                MAIN,
                {"kind": "play", "epochs": 300},
                Outcome(test=(0.95, 1.0)),
            ),
            (
                "Seed 1: other starting weights, the same result.",
                "seed-1",
                {"kind": "play", "epochs": 300},
                Outcome(test=(0.95, 1.0)),
            ),
            (
                "Seed 8: both units of the 2-unit layer start at zero on every point, so no gradient flows "
                "and the network is stuck at a guess.",
                "seed-8",
                {"kind": "play", "epochs": 300},
                Outcome(train=(0.0, 0.6), test=(0.0, 0.6), flagged=(DEAD_UNITS,)),
            ),
            # Reset keeps the seed (and so seed 8's dead start): the seed is changed beside Init.
            (
                "Another seed, here beside Init, starts from other weights, and the network learns again.",
                None,
                {"kind": "highlight", "control": "seed"},
            ),
        ),
    ),
    Example(
        "08-overfitting",
        "Overfitting and regularisation",
        "A big network memorises 30 noisy points; L2 and early stopping narrow the gap to the test points.",
        {
            MAIN: State(FEW_POINTS, BIG),
            "l2": State(FEW_POINTS, BIG.replace(l2=0.01)),
            "early-stopping": State(FEW_POINTS, BIG.replace(patience=20)),
            "dropout": State(FEW_POINTS, BIG.replace(dropout=0.3)),
        },
        (
            ("30 noisy training points (filled) and 170 test points (hollow), and two layers of 32 units.", MAIN, None),
            (
                "Press Play: the training loss goes to zero while the test loss climbs. The boundary "
                "wraps around single points.",
                None,
                {"kind": "play", "epochs": 200},
                Outcome(train=(1.0, 1.0), test=(0.0, 0.9), test_loss_rise=1.5),
            ),
            (
                "With L2 regularisation (0.01) large weights cost loss: the boundary is smoother and the test "
                "accuracy higher.",
                "l2",
                {"kind": "play", "epochs": 200},
                Outcome(test=(0.9, 1.0)),
            ),
            (
                "Early stopping halts when the test loss has not improved for 20 epochs.",
                "early-stopping",
                {"kind": "play", "epochs": 200},
                Outcome(status="stopped"),
            ),
            ("Dropout (0.3) switches units off at random while training; try it.", "dropout", None),
            ("Compare the settings here.", None, {"kind": "highlight", "control": "regularization"}),
        ),
    ),
    Example(
        "09-feature-engineering",
        "Feature engineering: the circle",
        "Given x1² and x2² as inputs, a network with no hidden layer separates the circle with one line.",
        {MAIN: State(_preset("circle", test=0.3), LOGISTIC.replace(features=("x1^2", "x2^2")))},
        (
            ("The circle, and a network with no hidden layer whose inputs are x1² and x2².", MAIN, None),
            (
                "Press Play: x1² + x2² is the squared radius, so a line in those features is a circle in the plane.",
                None,
                {"kind": "play", "epochs": 100},
                Outcome(train=(0.97, 1.0), test=(0.97, 1.0)),
            ),
            ("Try the inputs x1 and x2 instead: no line can close around the disc.", None, None),
        ),
    ),
    Example(
        "10-regression",
        "Regression: a bumpy surface",
        "Two layers of tanh units fit three bumps and three dips; the output adds up the units' maps.",
        {
            MAIN: State(
                _preset("bumps", n=300, noise=0.0, test=0.3),
                TrainingConfig(
                    hidden=(16, 16),
                    activation="tanh",
                    standardize=True,
                    optimizer="adam",
                    lr=0.01,
                    batch_size=20,
                    seed=0,
                ),
            )
        },
        (
            ("A regression: the colour of each point is a number, three bumps and three dips.", MAIN, None),
            (
                "Press Play: the surface takes shape bump by bump.",
                None,
                {"kind": "play", "epochs": 300},
                Outcome(train=(0.0, 0.08), test=(0.0, 0.1)),
            ),
            (
                "Each unit's map in the diagram is a smooth ridge; the output is a weighted sum of the last "
                "layer's maps.",
                None,
                {"kind": "highlight", "control": "units"},
            ),
        ),
    ),
)


# ------------------------------------------------------------------ files
def examples_folder() -> Path:
    """The folder of the shipped examples (inside the installed package)."""
    return Path(str(importlib.resources.files("playground.resources"))) / "examples"


def shipped_examples() -> list[Path]:
    """The shipped lesson files, in order."""
    folder = examples_folder()
    return [folder / example.lesson_name for example in EXAMPLES]


def example_files() -> dict[str, str]:
    """Every shipped file's name and text, made from the recipes above."""
    files: dict[str, str] = {}
    for example in EXAMPLES:
        for key, state in example.states.items():
            files[example.session_name(key)] = session_to_json(state.trainer())
        lesson = example.lesson_dict()
        files[example.lesson_name] = json.dumps(lesson, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    return files


def write_examples(folder: Path) -> list[Path]:
    """Write every shipped file to ``folder`` (made if missing), after checking each lesson
    reads back there; returns the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    files = example_files()
    written = []
    for name, text in files.items():
        path = folder / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    for example in EXAMPLES:  # after the sessions exist: a lesson's states must be there
        lesson_from_dict(example.lesson_dict(), folder, example.lesson_name)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m playground.training.examples --write [FOLDER]``: regenerate the shipped files."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--write", action="store_true", help="write the files (default: list them)")
    parser.add_argument("folder", nargs="?", type=Path, default=None, help="where (default: the package's examples)")
    options = parser.parse_args(argv)
    folder = options.folder or examples_folder()
    if not options.write:
        for name in example_files():
            print(folder / name)
        return 0
    for path in write_examples(folder):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
