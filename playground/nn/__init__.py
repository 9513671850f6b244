"""Neural-network building blocks on top of the engine.

``Linear`` and ``MLP`` build models; ``losses`` pairs output heads with their
losses; ``optim`` updates the flat parameter buffer; ``init``, ``schedules`` and
``regularization`` hold the rest of the hyperparameters' meaning.
"""

from . import activations, init, losses, optim, regularization, schedules
from .activations import ACTIVATIONS
from .init import INITS
from .layers import Linear
from .losses import HEADS, Head, get_head, head_for_task
from .mlp import MLP, LayerTrace
from .optim import OPTIMIZERS, SGD, Adam, make_optimizer
from .parameters import FlatParameters
from .schedules import SCHEDULES, Schedule

__all__ = [
    "ACTIVATIONS",
    "HEADS",
    "INITS",
    "MLP",
    "OPTIMIZERS",
    "SCHEDULES",
    "SGD",
    "Adam",
    "FlatParameters",
    "Head",
    "LayerTrace",
    "Linear",
    "Schedule",
    "activations",
    "get_head",
    "head_for_task",
    "init",
    "losses",
    "make_optimizer",
    "optim",
    "regularization",
    "schedules",
]
