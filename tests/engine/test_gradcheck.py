"""gradcheck judges the whole Jacobian: deliberately broken ops must fail, awkward inputs must pass."""

from __future__ import annotations

import re

import numpy as np
import pytest

from playground.engine import GradcheckError, Tensor, gradcheck
from playground.engine.gradcheck import FULL_JACOBIAN_LIMIT

RNG = np.random.default_rng(99)


def leaf(array) -> Tensor:
    return Tensor(np.array(array, dtype=np.float64), requires_grad=True)


def scaled(t: Tensor, backward) -> Tensor:
    """``t * c`` for a fixed, non-uniform ``c``, with the backward under test."""
    c = np.linspace(0.5, 2.0, t.data.size).reshape(t.shape)
    return t._make(t.data * c, (t,), "scaled", lambda g: (backward(g, c),))


# Each gets the right answer when g is all ones (what summing the output sends), so a
# gradcheck that sums a non-scalar output before checking passes all three.
BROKEN = {
    "ignores g": lambda g, c: c.copy(),
    "uses mean(g)": lambda g, c: np.full_like(g, g.mean()) * c,
    "reverses g": lambda g, c: g.reshape(-1)[::-1].reshape(g.shape) * c,
}

SMALL, LARGE = (2, 3), (9, 9)  # the full Jacobian, and random upstream gradients


def test_the_two_shapes_take_the_two_paths():
    assert np.prod(SMALL) <= FULL_JACOBIAN_LIMIT < np.prod(LARGE)


@pytest.mark.parametrize("shape", [SMALL, LARGE], ids=["full-jacobian", "random-projections"])
@pytest.mark.parametrize("bug", list(BROKEN))
def test_gradcheck_rejects_a_backward_that_mishandles_g(bug, shape):
    a = leaf(RNG.normal(size=shape))
    with pytest.raises(GradcheckError, match="input 0"):
        gradcheck(lambda t: scaled(t, BROKEN[bug]), [a])


@pytest.mark.parametrize("shape", [SMALL, LARGE], ids=["full-jacobian", "random-projections"])
def test_gradcheck_accepts_the_correct_version_of_the_same_op(shape):
    a = leaf(RNG.normal(size=shape))
    assert gradcheck(lambda t: scaled(t, lambda g, c: g * c), [a]) is True


def test_gradcheck_rejects_a_mixing_bug_on_the_second_input_with_a_large_output():
    def outer_wrong(a: Tensor, b: Tensor) -> Tensor:
        x, y = a.data, b.data  # out[i, j] = x[i] * y[j]; db should be x @ g
        return a._make(np.outer(x, y), (a, b), "outer", lambda g: (g @ y, np.full(y.shape, x.sum() * g.mean())))

    with pytest.raises(GradcheckError, match="input 1"):
        gradcheck(outer_wrong, [leaf(RNG.normal(size=10)), leaf(RNG.normal(size=10))])


def test_gradcheck_message_has_plain_int_indices_and_names_the_output_element():
    a = leaf(np.ones((2, 3)))
    with pytest.raises(GradcheckError) as info:
        gradcheck(lambda t: scaled(t, BROKEN["ignores g"]), [a])
    message = str(info.value)
    assert "np.int64" not in message
    # Output element (0, 0) puts c everywhere; the first wrong entry is element (0, 1).
    assert re.search(r"element \(0, 1\), output element \(0, 0\)", message), message
    assert "analytic 0.8" in message and "numeric 0" in message


def test_gradcheck_message_names_the_random_projection():
    a = leaf(RNG.normal(size=LARGE))
    with pytest.raises(GradcheckError, match=r"random upstream gradient \d"):
        gradcheck(lambda t: scaled(t, BROKEN["reverses g"]), [a])


def test_gradcheck_accepts_a_non_contiguous_input_and_gives_it_back():
    base = RNG.normal(size=(3, 4))
    a = Tensor(base.T, requires_grad=True)  # a transposed view: not C-contiguous
    assert not a.data.flags.c_contiguous
    original = a.data
    assert gradcheck(lambda t: (t * t).tanh(), [a]) is True
    assert a.data is original
    np.testing.assert_array_equal(base, base.copy())
    np.testing.assert_allclose(a.grad, 2 * base.T * (1 - np.tanh(base.T**2) ** 2), rtol=1e-10)


def test_gradcheck_accepts_read_only_and_broadcast_inputs():
    frozen = RNG.normal(size=(2, 3))
    frozen.setflags(write=False)
    a = Tensor(frozen, requires_grad=True)
    b = Tensor(np.broadcast_to(np.array([1.0, -2.0, 0.5]), (2, 3)), requires_grad=True)
    assert gradcheck(lambda x, y: x * y + x, [a, b]) is True
    assert a.data is frozen and not a.data.flags.writeable
    np.testing.assert_allclose(a.grad, b.data + 1.0)


def test_gradcheck_of_a_non_scalar_output_leaves_the_gradient_of_its_sum():
    a = leaf([[1.0, 2.0], [3.0, 4.0]])
    w = Tensor(np.array([[1.0, -1.0], [0.5, 2.0]]))
    assert gradcheck(lambda t: (t @ w) * t, [a])
    # d/dt sum((t w) * t) = t w + t w^T
    np.testing.assert_allclose(a.grad, a.data @ w.data + a.data @ w.data.T, rtol=1e-12)


def test_gradcheck_checks_cross_terms_of_a_full_jacobian():
    # A correct op whose Jacobian is dense: every output depends on every input.
    x = leaf(RNG.normal(size=(3, 2)))
    assert gradcheck(lambda t: (t @ t.T).sigmoid(), [x]) is True
