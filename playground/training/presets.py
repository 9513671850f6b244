"""Network presets: named settings that demonstrate one lesson each.

Each preset is a dict of ``TrainingConfig`` fields, applied on top of the
current config (``config.replace(**preset)``, or ``SessionModel.update_config``
in the window). They set the optimiser and learning rate as well as the
architecture, so the demonstration does not depend on what was chosen before.
"""

from __future__ import annotations

from typing import Any

from .config import TrainingConfig

# The same deep stack twice: only the activation and the initialisation differ.
_DEEP = dict(hidden=(8,) * 8, optimizer="sgd", lr=0.03, batch_size=10)

NETWORK_PRESETS: dict[str, dict[str, Any]] = {
    # Sigmoid's slope is at most 1/4, so each layer shrinks the gradient flowing back:
    # after eight layers the first one learns about 1e-5 times as fast as the output.
    "vanishing gradients": dict(_DEEP, activation="sigmoid", init="xavier"),
    # ReLU passes the gradient unchanged where it is active, and He init keeps the
    # activations' spread constant through the stack: every layer keeps learning.
    "deep ReLU + He": dict(_DEEP, activation="relu", init="he"),
}

PRESET_TIPS: dict[str, str] = {
    "vanishing gradients": "8 sigmoid layers of 8: the first layers' gradients fade to almost nothing "
    "(watch the gradient plot).",
    "deep ReLU + He": "The same 8 layers with ReLU and He initialisation: gradients reach every layer.",
}


def apply_preset(config: TrainingConfig, name: str) -> TrainingConfig:
    """``config`` with the preset ``name`` applied; ValueError for an unknown name."""
    if name not in NETWORK_PRESETS:
        raise ValueError(f"unknown network preset {name!r}; choose one of {', '.join(NETWORK_PRESETS)}")
    return config.replace(**NETWORK_PRESETS[name])
