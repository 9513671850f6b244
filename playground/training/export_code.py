"""Export a session as a self-contained Python script (NumPy or PyTorch) that trains as the app does.

>>> text = export_script(trainer, flavour="numpy", weights="initial")

The script embeds the points, the settings, the weights (the seed's initial
ones, or the trained ones with the optimiser's running averages, the random
stream and the stop-rule counters, so training continues exactly), and trains
with the same mini-batch order, dropout masks, schedule, penalties and update
rule. The NumPy flavour writes the forward and backward passes out by hand;
the PyTorch flavour uses autograd. What a script cannot reproduce exactly is
refused with a ValueError rather than exported differently.
"""

from __future__ import annotations

import textwrap
from string import Template
from typing import Any

import numpy as np

from . import export_templates as templates
from .trainer import Trainer

FLAVOURS = ("numpy", "torch")
WEIGHTS = ("initial", "trained")

# The features as code over the columns x1 and x2 (the app's definitions, data/features.py).
FEATURE_CODE = {
    "x1": "x1",
    "x2": "x2",
    "x1^2": "x1 * x1",
    "x2^2": "x2 * x2",
    "x1*x2": "x1 * x2",
    "sin(x1)": "np.sin(x1)",
    "sin(x2)": "np.sin(x2)",
}


def export_script(trainer: Trainer, flavour: str = "numpy", weights: str = "initial") -> str:
    """A Python script that rebuilds ``trainer``'s session and trains it as the app would.

    ``weights`` "initial" starts from the network the seed builds (epoch 0),
    "trained" from where the trainer is now. ValueError for an unknown flavour or
    weights, and for sessions a script cannot reproduce exactly (float32
    networks, features it does not know, no training points).
    """
    if flavour not in FLAVOURS:
        raise ValueError(f"export: flavour must be one of {', '.join(FLAVOURS)}, got {flavour!r}")
    if weights not in WEIGHTS:
        raise ValueError(f"export: weights must be one of {', '.join(WEIGHTS)}, got {weights!r}")
    _check_exportable(trainer)
    source = Trainer(trainer.dataset, trainer.config) if weights == "initial" else trainer
    values = _values(source, flavour, weights)
    body = templates.NUMPY if flavour == "numpy" else templates.TORCH
    return Template(templates.PRELUDE + body + templates.MAIN).substitute(
        {key: _wrap(value) for key, value in values.items()}
    )


def suggested_file_name(flavour: str) -> str:
    """The name a save dialog proposes: ``playground_numpy.py`` or ``playground_torch.py``."""
    return f"playground_{flavour}.py"


def _check_exportable(trainer: Trainer) -> None:
    config = trainer.config
    if config.dtype != "float64":
        raise ValueError(
            f"export: the network computes in {config.dtype}; the script reproduces "
            f"float64 networks only (choose float64 in Advanced to export)"
        )
    unknown = [name for name in config.features if name not in FEATURE_CODE]
    if unknown:
        raise ValueError(f"export: the feature {unknown[0]!r} cannot be written as code yet")
    if trainer.n_train == 0:
        raise ValueError("export: there are no training points to train on")


def _values(trainer: Trainer, flavour: str, weights: str) -> dict[str, Any]:
    """Every ``$name`` of the templates, as Python source text."""
    config, dataset = trainer.config, trainer.dataset
    snapshot = trainer.snapshot()  # a whole epoch, even in the middle of one
    model = trainer.model
    shapes = [t.data.shape for t in model.parameters()]
    params = _split(snapshot.params, shapes)
    state = {key: _split(np.asarray(value), shapes) for key, value in snapshot.optimizer.items() if key != "steps"}
    steps = int(snapshot.optimizer["steps"])
    adam = (
        getattr(trainer.optimizer, "beta1", 0.9),
        getattr(trainer.optimizer, "beta2", 0.999),
        getattr(trainer.optimizer, "eps", 1e-8),
    )
    classification = dataset.task == "classification"
    standardizer = trainer.standardizer
    title = (
        f"Playground session, {flavour == 'numpy' and 'plain NumPy' or 'PyTorch'}: "
        f"{dataset.n} points ({dataset.task}), network {model.sizes}, {config.optimizer}"
    )
    return {
        "title": title,
        "weights": weights,
        "file_name": suggested_file_name(flavour),
        "imports": "\nimport torch\n\ntorch.set_default_dtype(torch.float64)\n" if flavour == "torch" else "",
        "X": _floats(dataset.X.ravel()),
        "y": _floats(dataset.y) if not classification else repr(dataset.y.astype(int).tolist()),
        "y_dtype": "np.int64" if trainer.head.name == "softmax" else "np.float64",
        "is_test": repr(dataset.is_test.astype(int).tolist()),
        "task": repr(dataset.task),
        "head": repr(trainer.head.name),
        "n_classes": repr(dataset.n_classes),
        "features": repr(list(config.features)),
        "hidden": repr(list(config.hidden)),
        "activations": repr(list(config.activations)),
        "residual": repr(list(model.residual)),
        "standardize": (
            "None" if standardizer is None else f"({_floats(standardizer.mean)}, {_floats(standardizer.std)})"
        ),
        "optimizer": repr(config.optimizer),
        "lr": repr(config.lr),
        "momentum": repr(config.momentum),
        "adam": ", ".join(repr(float(v)) for v in adam),
        "batch_size": repr(config.batch_size),
        "l1": repr(config.l1),
        "l2": repr(config.l2),
        "weight_decay": repr(config.weight_decay),
        "dropout": repr(config.dropout),
        "schedule": repr(config.schedule),
        "schedule_gamma": repr(config.schedule_gamma),
        "schedule_every": repr(config.schedule_every),
        "patience": repr(config.patience),
        "max_epochs": repr(config.max_epochs),
        "epoch": repr(snapshot.epoch),
        "best_loss": _float(snapshot.best_loss),
        "epochs_since_best": repr(snapshot.epochs_since_best),
        "weights_list": _arrays(params[0::2]),
        "biases_list": _arrays(params[1::2]),
        "steps": repr(steps),
        "optimizer_state": "{" + ", ".join(f"{key!r}: {_arrays(arrays)}" for key, arrays in state.items()) + "}",
        "rng_state": repr(snapshot.rng_state),
        "feature_code": "\n".join(f"        {name!r}: {FEATURE_CODE[name]}," for name in config.features),
        "make_optimizer": "Optimizer()" if flavour == "numpy" else "make_optimizer()",
    }


def _wrap(text: str) -> str:
    """Long lists broken into lines of about 100 characters (after commas), so the
    script reads in an editor; other values unchanged."""
    if len(text) <= 100 or "\n" in text:
        return text
    return textwrap.fill(text, width=100, subsequent_indent="    ", break_long_words=False, break_on_hyphens=False)


def _split(flat: np.ndarray, shapes: list[tuple[int, ...]]) -> list[np.ndarray]:
    """The flat parameter buffer (or an optimiser array over it) as one array per tensor."""
    out, at = [], 0
    for shape in shapes:
        size = int(np.prod(shape))
        out.append(flat[at : at + size].reshape(shape))
        at += size
    return out


def _float(value: float) -> str:
    """``value`` as source text that reads back exactly (``math.inf`` and NaN included)."""
    value = float(value)
    if np.isfinite(value):
        return repr(value)
    return "math.nan" if np.isnan(value) else ("math.inf" if value > 0 else "-math.inf")


def _floats(values: np.ndarray) -> str:
    # repr of a Python float is the shortest text that reads back as the same float64.
    return "[" + ", ".join(repr(float(v)) for v in np.asarray(values, dtype=np.float64).ravel()) + "]"


def _arrays(arrays: list[np.ndarray]) -> str:
    return "[" + ", ".join(repr(np.asarray(a, dtype=np.float64).tolist()) for a in arrays) + "]"
