"""Autograd on numpy arrays: ``Tensor``, ``no_grad``, fused ops and ``gradcheck``."""

from .allocator import tune_allocator
from .functional import bce_with_logits, linear, mse, softmax_cross_entropy
from .gradcheck import GradcheckError, gradcheck
from .tensor import Tensor, is_grad_enabled, no_grad, unbroadcast

__all__ = [
    "Tensor", "no_grad", "is_grad_enabled", "unbroadcast", "gradcheck", "GradcheckError",
    "linear", "bce_with_logits", "softmax_cross_entropy", "mse", "tune_allocator",
]
