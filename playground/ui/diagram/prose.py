"""What the network diagram says when the mouse rests on a unit, a weight, a layer or a skip.

Pure text from a frame (no Qt), so the words can be read and tested apart from the drawing.
Units count from 1 in the words, as a person counts; the code's indices count from 0.
"""

from __future__ import annotations

import numpy as np

from ...data.features import FEATURES
from ...training.health import GradientHealth, inline_layer_label
from ..session.worker import Frame


class DiagramProse:
    """The hover texts for the frame drawn last (``update``)."""

    def __init__(self) -> None:
        self.frame: Frame | None = None
        self.health = GradientHealth()
        self.dead: list[np.ndarray] = []  # per diagram column, which units are dead

    def update(self, frame: Frame, health: GradientHealth, dead: list[np.ndarray]) -> None:
        """Speak about ``frame`` from now on, with its ``health`` verdict and dead units."""
        self.frame, self.health, self.dead = frame, health, dead

    @property
    def columns(self) -> int:
        """Diagram columns: the inputs, the hidden layers, the outputs."""
        return len(self.frame.weights) + 1

    def unit_text(self, column: int, unit: int, selected: bool, editable: bool = True) -> str:
        """A unit of diagram ``column`` (0 the inputs): its value, bias and gradient, and what a click does."""
        frame = self.frame
        if column == 0:
            name = FEATURES[frame.config.features[unit]][0]
            return (
                f"input {name}: the feature's value over the plane (blue positive, orange negative).\n"
                f"Click to show it full size on the decision-boundary plot."
            )
        _, b = frame.weights[column - 1]
        _, db = frame.grads[column - 1]
        last = column == self.columns - 1
        who = f"output unit {unit + 1}" if last else f"layer {column} unit {unit + 1}"
        lines = [f"{who}: a = {self.mean_activation(column, unit)}, bias b = {b[unit]:.3g}, ∂L/∂b = {db[unit]:.3g}"]
        if last:
            lines.append(self._output_meaning(unit))
        if column < len(self.dead) and self.dead[column][unit]:
            lines.append("dead: zero on every training point, so its weights get no gradient.")
        flag = self.health.flag(column - 1)
        if flag is not None:
            lines.append(flag.describe(frame.layer_labels[column - 1]))
        lines.append(
            "Click to go back to the output map."
            if last or selected
            else "Click to show its map full size on the decision-boundary plot."
        )
        if editable:
            lines.append("Double-click to set its bias by hand.")
        return "\n".join(lines)

    def mean_activation(self, column: int, unit: int) -> str:
        """The unit's mean activation over the training points the frame probed, and over what."""
        frame = self.frame
        if not frame.point_a:
            return "(no data)"
        a = frame.point_a[column - 1]
        train = ~frame.dataset.is_test[frame.point_rows]  # the points the frame probed
        chosen, where = (a[train], "training points") if train.any() else (a, "points")
        if len(frame.point_rows) < frame.dataset.n:  # a large dataset: an even sample of it
            where = f"{len(chosen):,} evenly sampled {where}"
        return f"{float(chosen[:, unit].mean()):.3g} (mean over the {where})"

    def _output_meaning(self, unit: int) -> str:
        dataset = self.frame.dataset
        if dataset.task == "regression":
            return "its value is the prediction."
        if self.frame.weights[-1][0].shape[1] == 1:
            return f"a is the probability of {dataset.class_names[1]}."
        return f"a is the probability of {dataset.class_names[unit]} (softmax)."

    def edge_text(self, layer: int, i: int, j: int, editable: bool = True) -> str:
        """The weight ``w(layer)[i -> j]`` (``layer`` from 1): value, gradient, its two ends."""
        frame = self.frame
        W, _ = frame.weights[layer - 1]
        dW, _ = frame.grads[layer - 1]
        source = f"input {FEATURES[frame.config.features[i]][0]}" if layer == 1 else f"layer {layer - 1} unit {i + 1}"
        target = f"output unit {j + 1}" if layer == self.columns - 1 else f"layer {layer} unit {j + 1}"
        text = f"w({layer})[{i + 1}→{j + 1}] = {W[i, j]:.3g}, ∂L/∂w = {dW[i, j]:.3g}\nfrom {source} to {target}"
        return text + ("\nClick to set it by hand." if editable else "")

    def layer_text(self, column: int, note: str = "") -> str:
        """A layer's name or outline: its label, or what is wrong with its gradients; ``note``
        says which of its units are drawn."""
        if column == 0:
            return "The inputs: the features of each point the network sees."
        label = self.frame.layer_labels[column - 1]
        flag = self.health.flag(column - 1)
        text = inline_layer_label(label) if flag is None else flag.describe(label)
        return f"{text}\n{note}" if note else text

    def skip_text(self, column: int) -> str:
        """The skip connection of hidden layer ``column``: what it adds."""
        return (
            f"skip connection: layer {column} adds its input to what it computes, "
            f"a({column}) = σ(W a({column - 1}) + b) + a({column - 1}); "
            f"the gradient flows back both ways."
        )
