"""Adam over the flat parameter buffer (a dozen whole-buffer calls into kept scratch buffers)
updates every parameter exactly as Adam applied to each tensor on its own would."""

from __future__ import annotations

import math

import numpy as np
import pytest

from playground.data import make_dataset
from playground.nn.optim import Adam, Optimizer
from playground.nn.parameters import FlatParameters
from playground.training import Trainer, TrainingConfig


class PerTensorAdam(Optimizer):
    """The reference: Adam with its own m and v per tensor, a Python loop over the tensors."""

    name = "adam"

    def __init__(self, params: FlatParameters, lr: float, weight_decay: float = 0.0) -> None:
        super().__init__(params, lr, weight_decay)
        self.beta1, self.beta2, self.eps = 0.9, 0.999, 1e-8
        self.m = [np.zeros_like(t.data) for t in params.tensors]
        self.v = [np.zeros_like(t.data) for t in params.tensors]
        self.is_weight = [bool(params.weight_mask[start]) for start in params.offsets[:-1]]

    def step(self) -> None:
        self.steps += 1
        b1, b2, t = self.beta1, self.beta2, self.steps
        correction2 = math.sqrt(1.0 - b2**t)
        step = self._lr * correction2 / (1.0 - b1**t)
        for tensor, m, v, weight in zip(self.params.tensors, self.m, self.v, self.is_weight):
            if self._weight_decay and weight:
                tensor.data -= (self._lr * self._weight_decay) * tensor.data
            g = tensor.grad
            m[...] = b1 * m + (1.0 - b1) * g
            v[...] = b2 * v + (1.0 - b2) * g * g
            tensor.data -= step * m / (np.sqrt(v) + self.eps * correction2)


def _params(dtype: str, seed: int) -> FlatParameters:
    from playground.engine import Tensor

    rng = np.random.default_rng(seed)
    tensors = [Tensor(rng.normal(size=shape).astype(dtype)) for shape in ((3, 4), (4,), (4, 1), (1,))]
    return FlatParameters(tensors, [True, False, True, False])


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("weight_decay", [0.0, 0.01])
def test_flat_adam_equals_per_tensor_adam_for_50_steps(dtype, weight_decay):
    flat, loop = _params(dtype, 1), _params(dtype, 1)
    adam, reference = Adam(flat, lr=0.05, weight_decay=weight_decay), PerTensorAdam(loop, 0.05, weight_decay)
    rng = np.random.default_rng(2)
    for step in range(50):
        g = rng.normal(size=flat.size) * 10.0 ** rng.integers(-6, 3)
        flat.grad[:] = g
        loop.grad[:] = g
        adam.step()
        reference.step()
        assert flat.data.tobytes() == loop.data.tobytes(), f"step {step + 1}"
    assert flat.data.dtype == np.dtype(dtype)
    assert adam.m.tobytes() == np.concatenate([m.ravel() for m in reference.m]).tobytes()
    assert adam.v.tobytes() == np.concatenate([v.ravel() for v in reference.v]).tobytes()


def _with_reference_adam(trainer: Trainer) -> Trainer:
    trainer.optimizer = PerTensorAdam(trainer.model.params, trainer.config.lr)
    return trainer


def test_the_trainers_adam_equals_per_tensor_adam_through_edits_and_an_architecture_change():
    data = make_dataset("spiral", n=200, noise=0.1, seed=0, test_fraction=0.3)
    config = TrainingConfig(hidden=(16, 16), activation="tanh", optimizer="adam", lr=0.03, batch_size=32, seed=0)
    flat, loop = Trainer(data, config), _with_reference_adam(Trainer(data, config))

    def same() -> None:
        assert flat.model.params.data.tobytes() == loop.model.params.data.tobytes()
        assert flat.history.array("train_loss").tobytes() == loop.history.array("train_loss").tobytes()

    for trainer in (flat, loop):
        trainer.step(10)  # 50 Adam steps: 7 mini-batches an epoch
    same()
    for trainer in (flat, loop):
        trainer.set_parameter(0, "weight", (1, 3), 1.5)
        trainer.set_parameter(2, "bias", 0, -0.25)
        trainer.step(4)
    same()
    for trainer in (flat, loop):
        trainer.set_config(trainer.config.replace(hidden=(8, 4, 4)))
    _with_reference_adam(loop)  # the rebuilt network's fresh optimiser
    for trainer in (flat, loop):
        trainer.step(8)
    assert flat.model.sizes == [2, 8, 4, 4, 1]
    same()


def test_a_deep_copy_of_adam_and_a_loaded_state_step_as_the_original():
    import copy

    params, twin_params = _params("float64", 3), _params("float64", 3)
    adam = Adam(params, lr=0.05)
    rng = np.random.default_rng(4)
    for _ in range(5):
        params.grad[:] = rng.normal(size=params.size)
        adam.step()
    copied = copy.deepcopy(adam)  # its own parameters and moments, not views of the original's
    loaded = Adam(twin_params, lr=0.05)
    twin_params.load_data(params.data)
    loaded.load_state_dict(adam.state_dict())
    g = rng.normal(size=params.size)
    for optimiser in (adam, copied, loaded):
        optimiser.params.grad[:] = g
        optimiser.step()
    assert copied.params.data.tobytes() == adam.params.data.tobytes() == loaded.params.data.tobytes()
    assert copied.m.tobytes() == adam.m.tobytes() and copied.v.tobytes() == adam.v.tobytes()
    assert copied.m.base is copied._moments and adam.m.base is adam._moments


def test_adam_over_a_batch_of_copies_steps_each_copy_as_alone():
    """A comparison trains its copies as one (copies, size) buffer (training/compare.py)."""
    from types import SimpleNamespace

    rng = np.random.default_rng(5)
    data = rng.normal(size=(3, 17))
    batched = SimpleNamespace(data=data.copy(), grad=np.zeros_like(data), weight_mask=np.ones(17))
    alone = [SimpleNamespace(data=row.copy(), grad=np.zeros(17), weight_mask=np.ones(17)) for row in data]
    adam = Adam(batched, lr=0.02)  # type: ignore[arg-type]
    singles = [Adam(p, lr=0.02) for p in alone]  # type: ignore[arg-type]
    for _ in range(20):
        g = rng.normal(size=(3, 17))
        batched.grad[:] = g
        adam.step()
        for k, (p, single) in enumerate(zip(alone, singles)):
            p.grad[:] = g[k]
            single.step()
    assert adam.m.shape == (3, 17)
    assert batched.data.tobytes() == np.stack([p.data for p in alone]).tobytes()
