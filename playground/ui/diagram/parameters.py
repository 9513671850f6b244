"""One weight or bias of the network, named as ``Trainer.set_parameter`` names it and as a person reads it."""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Parameter:
    """``kind`` "weight" with ``index`` ``(i, j)``: from unit (or input) ``i`` of the layer below to
    unit ``j`` of weight layer ``layer``; "bias" with ``index`` ``(j,)``. ``layer`` counts weight
    layers from 0 (the first hidden layer) to the output layer, as ``Trainer.set_parameter`` does."""

    layer: int
    kind: str
    index: tuple[int, ...]

    @property
    def name(self) -> str:
        """The diagram's name for it, counting from 1: ``w(2)[3→1]`` or ``b(1)[4]``."""
        if self.kind == "weight":
            i, j = self.index
            return f"w({self.layer + 1})[{i + 1}→{j + 1}]"
        return f"b({self.layer + 1})[{self.index[0] + 1}]"

    @property
    def trainer_index(self) -> int | tuple[int, int]:
        """The index as ``Trainer.set_parameter`` takes it."""
        return (self.index[0], self.index[1]) if self.kind == "weight" else self.index[0]

    def value_in(self, weights: list[tuple]) -> float:
        """Its value in a frame's ``weights`` (``(W, b)`` per layer)."""
        W, b = weights[self.layer]
        return float(W[self.index] if self.kind == "weight" else b[self.index])

    def describe(self, value: float) -> str:
        """The undo step's name: ``Set weight w(2)[3→1] to 0.5``."""
        return f"Set {self.kind} {self.name} to {value:.6g}"

    def describe_attempt(self) -> str:
        """What a refused edit tried: ``Set weight w(2)[3→1]``."""
        return f"Set {self.kind} {self.name}"


def parse_value(text: str) -> float:
    """A typed value as a finite float; a ValueError that says what is wrong otherwise."""
    stripped = text.strip().replace("−", "-")  # a typographic minus, as the diagram prints none but people paste
    try:
        value = float(stripped)
    except ValueError:
        raise ValueError(f"{text.strip()!r} is not a number") from None
    if not math.isfinite(value):
        raise ValueError(f"{text.strip()!r} is not a finite number")
    return value
