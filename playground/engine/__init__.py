"""Autograd on numpy arrays: ``Tensor``, ``no_grad``, fused ops, ``gradcheck`` and ``Replay``."""

from .allocator import tune_allocator
from .functional import bce_with_logits, linear, mse, softmax_cross_entropy
from .gradcheck import GradcheckError, gradcheck
from .replay import NotReplayable, RecordedSteps, Replay
from .tensor import Tensor, is_grad_enabled, no_grad, unbroadcast

__all__ = [
    "GradcheckError",
    "NotReplayable",
    "RecordedSteps",
    "Replay",
    "Tensor",
    "bce_with_logits",
    "gradcheck",
    "is_grad_enabled",
    "linear",
    "mse",
    "no_grad",
    "softmax_cross_entropy",
    "tune_allocator",
    "unbroadcast",
]
