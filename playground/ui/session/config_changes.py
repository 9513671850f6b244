"""Words for a change of the training configuration, as the Edit menu's Undo names it:
"Change layer 2 units to 8", "Change learning rate to 0.1", "Add feature x1*x2"."""

from __future__ import annotations

import dataclasses

from ...training import TrainingConfig

# How a person calls each setting (the panels' labels, in lower case).
LABELS = {
    "hidden": "hidden layers",
    "activation": "activation",
    "features": "features",
    "standardize": "standardisation",
    "init": "initialisation",
    "optimizer": "optimizer",
    "lr": "learning rate",
    "momentum": "momentum",
    "batch_size": "batch size",
    "l1": "L1",
    "l2": "L2",
    "weight_decay": "weight decay",
    "dropout": "dropout",
    "schedule": "schedule",
    "schedule_gamma": "schedule factor",
    "schedule_every": "schedule interval",
    "patience": "patience",
    "max_epochs": "epoch limit",
    "seed": "seed",
    "dtype": "precision",
    "residual": "skip connections",
}


def changed_fields(old: TrainingConfig, new: TrainingConfig) -> tuple[str, ...]:
    """The names of the settings that differ, in the config's order (activation per layer)."""
    names = []
    for f in dataclasses.fields(TrainingConfig):
        if f.name == "activation":
            # "tanh" and ("tanh", "tanh") are the same choice (as for the trainer).
            if old.activation != new.activation and old.activations != new.activations:
                names.append(f.name)
        elif getattr(old, f.name) != getattr(new, f.name):
            names.append(f.name)
    return tuple(names)


def describe_change(old: TrainingConfig, new: TrainingConfig) -> str:
    """A short imperative naming the change from ``old`` to ``new``."""
    fields = changed_fields(old, new)
    if not fields:
        return "Change nothing"
    if len(old.hidden) != len(new.hidden) and set(fields) <= {"hidden", "activation", "residual"}:
        fields = ("hidden",)  # per-layer activations and skips grow and shrink with the layers
    if len(fields) > 1:
        return f"Change {', '.join(LABELS[name] for name in fields)}"
    name = fields[0]
    if name == "hidden":
        return _hidden_change(old.hidden, new.hidden)
    if name == "activation":
        return _activation_change(old.activations, new.activations)
    if name == "features":
        return _set_change("feature", old.features, new.features)
    if name == "residual":
        return _skip_change(old, new)
    return f"Change {LABELS[name]} to {_value(getattr(new, name))}"


def _hidden_change(old: tuple[int, ...], new: tuple[int, ...]) -> str:
    if len(old) == len(new):
        differ = [i for i, (a, b) in enumerate(zip(old, new)) if a != b]
        if len(differ) == 1:
            i = differ[0]
            return f"Change layer {i + 1} units to {new[i]}"
    elif len(new) == len(old) + 1 and new[:-1] == old:
        return f"Add layer {len(new)} ({new[-1]} units)"
    elif len(new) == len(old) - 1 and new == old[:-1]:
        return f"Remove layer {len(old)}"
    return f"Change hidden layers to {', '.join(map(str, new)) if new else 'none'}"


def _activation_change(old: tuple[str, ...], new: tuple[str, ...]) -> str:
    differ = [i for i, (a, b) in enumerate(zip(old, new)) if a != b]
    if len(differ) == 1 and len(new) > 1:
        i = differ[0]
        return f"Change layer {i + 1} activation to {new[i]}"
    return f"Change activation to {new[0] if len(set(new)) == 1 else ', '.join(new)}"


def _skip_change(old: TrainingConfig, new: TrainingConfig) -> str:
    """ "Add a skip to layer 2", "Remove the skip of layer 1", or the whole list."""
    before, after = (c.residual or (False,) * len(c.hidden) for c in (old, new))
    differ = [i for i, (a, b) in enumerate(zip(before, after)) if a != b]
    if len(differ) == 1:
        i = differ[0]
        return f"Add a skip to layer {i + 1}" if after[i] else f"Remove the skip of layer {i + 1}"
    flagged = [str(i + 1) for i, flag in enumerate(after) if flag]
    return f"Change skip connections to {'layers ' + ', '.join(flagged) if flagged else 'none'}"


def _set_change(what: str, old: tuple[str, ...], new: tuple[str, ...]) -> str:
    added = [name for name in new if name not in old]
    removed = [name for name in old if name not in new]
    if len(added) == 1 and not removed:
        return f"Add {what} {added[0]}"
    if len(removed) == 1 and not added:
        return f"Remove {what} {removed[0]}"
    return f"Change {what}s to {', '.join(new)}"


def _value(value: object) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)
