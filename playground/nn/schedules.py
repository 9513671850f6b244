"""Learning-rate schedules: the learning rate as a function of the epoch."""

from __future__ import annotations

import math
from dataclasses import dataclass

SCHEDULES: dict[str, str] = {
    "constant": "the same learning rate every epoch",
    "step": "multiply the learning rate by gamma every `every` epochs",
    "exponential": "multiply the learning rate by gamma every epoch",
}


@dataclass(frozen=True)
class Schedule:
    """``kind`` is one of SCHEDULES; ``gamma`` in (0, 1]; ``every`` >= 1 epochs (step only)."""

    kind: str = "constant"
    gamma: float = 0.5
    every: int = 100

    def __post_init__(self) -> None:
        if self.kind not in SCHEDULES:
            raise ValueError(f"schedule: unknown kind {self.kind!r}; choose one of {', '.join(SCHEDULES)}")
        if not (math.isfinite(self.gamma) and 0.0 < self.gamma <= 1.0):
            raise ValueError(f"schedule: gamma must be in (0, 1], got {self.gamma!r}")
        if int(self.every) != self.every or self.every < 1:
            raise ValueError(f"schedule: every must be a whole number of epochs >= 1, got {self.every!r}")

    def lr_at(self, base_lr: float, epoch: int) -> float:
        """The learning rate for the epoch numbered ``epoch`` (0 for the first)."""
        if self.kind == "step":
            return base_lr * self.gamma ** (epoch // self.every)
        if self.kind == "exponential":
            return base_lr * self.gamma**epoch
        return base_lr
