"""Every Tensor op: forward values against numpy, gradients against finite differences, dtypes."""

from __future__ import annotations

import itertools
import operator

import numpy as np
import pytest

from playground.engine import Tensor, gradcheck

RNG = np.random.default_rng(1234)


def rand(*shape: int, low: float = -2.0, high: float = 2.0, dtype=np.float64) -> np.ndarray:
    return RNG.uniform(low, high, size=shape).astype(dtype)


def away_from_zero(*shape: int, margin: float = 0.1) -> np.ndarray:
    """Values in [-2, -margin] U [margin, 2]: finite differences never cross a kink at 0."""
    magnitude = RNG.uniform(margin, 2.0, size=shape)
    sign = np.where(RNG.random(shape) < 0.5, -1.0, 1.0)
    return magnitude * sign


def leaf(array: np.ndarray) -> Tensor:
    return Tensor(np.array(array, dtype=np.float64), requires_grad=True)


def check(fn, *arrays: np.ndarray) -> list[Tensor]:
    """gradcheck ``fn`` on float64 leaves made from ``arrays``; also check each grad's shape."""
    inputs = [leaf(a) for a in arrays]
    assert gradcheck(fn, inputs) is True
    for t in inputs:
        assert t.grad is not None
        assert isinstance(t.grad, np.ndarray)
        assert t.grad.shape == t.shape
    return inputs


# --------------------------------------------------------------- binary ops
BINARY = {
    "add": operator.add,
    "sub": operator.sub,
    "mul": operator.mul,
    "div": operator.truediv,
}


@pytest.mark.parametrize("name", list(BINARY))
def test_binary_op_forward_and_gradcheck(name):
    op = BINARY[name]
    a = rand(2, 3)
    b = away_from_zero(2, 3, margin=0.5)  # a safe divisor for div
    out = op(Tensor(a), Tensor(b))
    np.testing.assert_allclose(out.data, op(a, b), rtol=1e-12)
    assert out.op == name
    check(op, a, b)


SHAPES = [(), (3,), (1, 3), (2, 3)]


@pytest.mark.parametrize("name", list(BINARY))
@pytest.mark.parametrize("shape_a,shape_b", list(itertools.product(SHAPES, SHAPES)))
def test_binary_op_broadcasting(name, shape_a, shape_b):
    op = BINARY[name]
    a = rand(*shape_a)
    b = away_from_zero(*shape_b, margin=0.5)
    out = op(Tensor(a), Tensor(b))
    expected = op(a, b)
    assert out.shape == np.shape(expected)
    np.testing.assert_allclose(out.data, expected, rtol=1e-12)
    ta, tb = check(op, a, b)
    assert ta.grad.shape == shape_a
    assert tb.grad.shape == shape_b


def test_broadcast_add_grad_values():
    # Explicit values: a (2, 3) + b (3,) -> db sums over the rows, da is all ones.
    a, b = leaf(rand(2, 3)), leaf(rand(3))
    (a + b).sum().backward()
    np.testing.assert_array_equal(a.grad, np.ones((2, 3)))
    np.testing.assert_array_equal(b.grad, np.full(3, 2.0))
    s, m = leaf(np.array(1.5)), leaf(rand(1, 3))
    (s * m).sum().backward()
    np.testing.assert_allclose(s.grad, m.data.sum())
    np.testing.assert_allclose(m.grad, np.full((1, 3), 1.5))


# ------------------------------------------------------------------ pow
@pytest.mark.parametrize("p", [2, 3, -1, 0.5, 1.5, -0.5])
def test_pow_gradcheck(p):
    positive = rand(2, 3, low=0.5, high=2.0)
    out = Tensor(positive) ** p
    np.testing.assert_allclose(out.data, positive**p, rtol=1e-12)
    assert out.op.startswith("pow")
    check(lambda x: x**p, positive)


def test_pow_integer_exponent_on_negative_inputs():
    x = away_from_zero(2, 3, margin=0.3)
    np.testing.assert_allclose((Tensor(x) ** 2).data, x**2)
    check(lambda t: t**2, x)
    check(lambda t: t**3, x)


@pytest.mark.parametrize(
    "p,expected",
    [
        (0, 0.0),  # constant: 0, as in PyTorch (the general rule gives 0 * inf = NaN)
        (1, 1.0),
        (2, 0.0),
        (3, 0.0),
        (0.5, np.inf),  # a vertical tangent: PyTorch gives inf too
    ],
)
def test_pow_gradient_at_zero(p, expected):
    x = leaf(np.zeros(3))
    with np.errstate(divide="ignore"):  # 0 ** -0.5 is the inf we expect
        (x**p).sum().backward()
    np.testing.assert_array_equal(x.grad, np.full(3, expected))


def test_pow_zero_gradient_is_zero_everywhere_and_keeps_the_upstream_shape():
    x = leaf(np.array([[-2.0, 0.0, 3.0]]))
    out = x**0
    np.testing.assert_array_equal(out.data, np.ones((1, 3)))
    (out * np.array([1.0, 2.0, 3.0])).sum().backward()
    np.testing.assert_array_equal(x.grad, np.zeros((1, 3)))
    check(lambda t: t**0, np.array([-1.5, 0.0, 2.0]))  # at 0 too: the function is constant


def test_pow_half_away_from_zero_and_one_across_zero():
    check(lambda t: t**0.5, rand(2, 3, low=0.2, high=3.0))
    check(lambda t: t**1, np.array([-1.0, 0.0, 1.0]))


@pytest.mark.parametrize("bad", [Tensor(np.ones(2)), "2", np.ones(2), 1j])
def test_pow_rejects_an_exponent_that_is_not_a_real_number(bad):
    with pytest.raises(TypeError, match="pow: the exponent must be a Python number"):
        Tensor(np.ones(2)) ** bad


@pytest.mark.parametrize("p", [np.float64(2.0), np.int32(2), 2])
def test_pow_accepts_numpy_scalar_exponents(p):
    np.testing.assert_array_equal((Tensor(np.array([3.0])) ** p).data, [9.0])


# --------------------------------------------------------------- matmul
@pytest.mark.parametrize("shape_a,shape_b", [((2, 3), (3, 4)), ((2, 3), (3,)), ((3,), (3, 4)), ((3,), (3,))])
def test_matmul_forward_and_gradcheck(shape_a, shape_b):
    a, b = rand(*shape_a), rand(*shape_b)
    out = Tensor(a) @ Tensor(b)
    np.testing.assert_allclose(out.data, a @ b, rtol=1e-12)
    assert out.shape == np.shape(a @ b)
    assert out.op == "matmul"
    check(operator.matmul, a, b)


@pytest.mark.parametrize("shape_a,shape_b", [((3, 2, 4), (3, 4, 5)), ((1, 1, 2), (1, 2, 1))])
def test_batched_matmul_forward_and_gradcheck(shape_a, shape_b):
    a, b = rand(*shape_a), rand(*shape_b)
    out = Tensor(a) @ Tensor(b)
    for c in range(a.shape[0]):  # each product is the 2-D one
        np.testing.assert_allclose(out.data[c], a[c] @ b[c], rtol=1e-12)
    assert out.op == "matmul"
    check(operator.matmul, a, b)


def test_batched_matmul_skips_the_gradient_of_a_constant():
    x = Tensor(rand(2, 3, 4))
    W = leaf(rand(2, 4, 2))
    (x @ W).sum().backward()
    assert x.grad is None
    np.testing.assert_allclose(W.grad, np.matmul(x.data.transpose(0, 2, 1), np.ones((2, 3, 2))))


@pytest.mark.parametrize("shape_a,shape_b", [((2, 3, 4), (3, 4, 5)), ((2, 3, 4), (2, 5, 5)), ((2, 3, 4), (4, 5))])
def test_batched_matmul_shape_error(shape_a, shape_b):
    with pytest.raises(ValueError, match=r"matmul: shapes .* do not fit \(need \(c, m, k\) @ \(c, k, n\)\)"):
        Tensor(np.ones(shape_a)) @ Tensor(np.ones(shape_b))


def test_matmul_shape_error():
    with pytest.raises(ValueError, match=r"matmul.*\(2, 3\).*\(4, 2\)"):
        Tensor(np.ones((2, 3))) @ Tensor(np.ones((4, 2)))


def test_matmul_with_ndarray_operands():
    a, W = rand(2, 3), rand(3, 4)
    t = leaf(a)
    out = t @ W
    np.testing.assert_allclose(out.data, a @ W)
    out.sum().backward()
    np.testing.assert_allclose(t.grad, np.ones((2, 4)) @ W.T)
    tw = leaf(W)
    out = a @ tw  # ndarray @ Tensor -> Tensor.__rmatmul__
    assert isinstance(out, Tensor)
    np.testing.assert_allclose(out.data, a @ W)


# --------------------------------------------------------------- unary
def test_neg():
    x = rand(2, 3)
    out = -Tensor(x)
    np.testing.assert_array_equal(out.data, -x)
    assert out.op == "neg"
    check(lambda t: -t, x)


@pytest.mark.parametrize(
    "fn_name,np_fn,domain",
    [
        ("exp", np.exp, "any"),
        ("log", np.log, "positive"),
        ("tanh", np.tanh, "any"),
        ("sigmoid", lambda x: 1.0 / (1.0 + np.exp(-x)), "any"),
        ("relu", lambda x: np.maximum(x, 0.0), "kink"),
        ("leaky_relu", lambda x: np.where(x > 0, x, 0.01 * x), "kink"),
    ],
)
@pytest.mark.parametrize("shape", [(), (4,), (2, 3)])
def test_elementwise_forward_and_gradcheck(fn_name, np_fn, domain, shape):
    if domain == "positive":
        x = rand(*shape, low=0.2, high=3.0)
    elif domain == "kink":
        x = away_from_zero(*shape)
    else:
        x = rand(*shape, low=-3.0, high=3.0)
    out = getattr(Tensor(x), fn_name)()
    np.testing.assert_allclose(out.data, np_fn(x), rtol=1e-12, atol=1e-15)
    assert out.op.startswith(fn_name)
    check(lambda t: getattr(t, fn_name)(), x)


def test_leaky_relu_custom_slope():
    x = away_from_zero(3, 4)
    out = Tensor(x).leaky_relu(0.2)
    np.testing.assert_allclose(out.data, np.where(x > 0, x, 0.2 * x))
    t = leaf(x)
    t.leaky_relu(0.2).sum().backward()
    np.testing.assert_allclose(t.grad, np.where(x > 0, 1.0, 0.2))
    check(lambda t: t.leaky_relu(0.2), x)


def test_sigmoid_is_finite_for_huge_inputs():
    x = np.array([-1000.0, -50.0, 0.0, 50.0, 1000.0])
    t = leaf(x)
    out = t.sigmoid()
    assert np.all(np.isfinite(out.data))
    np.testing.assert_allclose(
        out.data, [0.0, 1.0 / (1.0 + np.exp(50.0)), 0.5, 1.0 / (1.0 + np.exp(-50.0)), 1.0], atol=1e-15
    )
    out.sum().backward()
    assert np.all(np.isfinite(t.grad))


def test_relu_derivative_at_zero_is_zero():
    t = leaf(np.array([-1.0, 0.0, 2.0]))
    t.relu().sum().backward()
    np.testing.assert_array_equal(t.grad, [0.0, 0.0, 1.0])
    t = leaf(np.array([-1.0, 0.0, 2.0]))
    t.leaky_relu(0.1).sum().backward()
    np.testing.assert_allclose(t.grad, [0.1, 0.1, 1.0])


# ------------------------------------------------------------ reductions
AXES = [None, 0, 1, -1, (0, 1)]


@pytest.mark.parametrize("reduction", ["sum", "mean"])
@pytest.mark.parametrize("axis", AXES)
@pytest.mark.parametrize("keepdims", [False, True])
def test_reductions(reduction, axis, keepdims):
    x = rand(2, 3)
    out = getattr(Tensor(x), reduction)(axis=axis, keepdims=keepdims)
    expected = getattr(np, reduction)(x, axis=axis, keepdims=keepdims)
    assert out.shape == np.shape(expected)
    np.testing.assert_allclose(out.data, expected, rtol=1e-12)
    assert out.op == reduction
    # Weight the output so that each output element's gradient differs.
    weights = rand(*np.shape(expected))
    check(lambda t: getattr(t, reduction)(axis=axis, keepdims=keepdims) * weights, x)


def test_sum_and_mean_gradient_values():
    t = leaf(rand(2, 3))
    t.mean().backward()
    np.testing.assert_array_equal(t.grad, np.full((2, 3), 1.0 / 6.0))
    t = leaf(rand(2, 3))
    (t.sum(axis=0) * np.array([1.0, 2.0, 3.0])).sum().backward()
    np.testing.assert_array_equal(t.grad, [[1.0, 2.0, 3.0], [1.0, 2.0, 3.0]])
    t = leaf(rand(2, 3))
    (t.mean(axis=1, keepdims=True) * np.array([[3.0], [6.0]])).sum().backward()
    np.testing.assert_allclose(t.grad, [[1.0] * 3, [2.0] * 3])


def test_reductions_on_3d_tuple_axis():
    x = rand(2, 3, 4)
    for axis in [(0, 2), (1, 2), (0, -1)]:
        for keepdims in (False, True):
            out = Tensor(x).mean(axis=axis, keepdims=keepdims)
            np.testing.assert_allclose(out.data, x.mean(axis=axis, keepdims=keepdims))
            check(lambda t: t.mean(axis=axis, keepdims=keepdims) ** 2, x)
            check(lambda t: t.sum(axis=axis, keepdims=keepdims) ** 2, x)


# ---------------------------------------------------------------- shapes
def test_reshape():
    x = rand(2, 3)
    out = Tensor(x).reshape(3, 2)
    np.testing.assert_array_equal(out.data, x.reshape(3, 2))
    assert out.op == "reshape"
    np.testing.assert_array_equal(Tensor(x).reshape((6,)).data, x.reshape(6))
    np.testing.assert_array_equal(Tensor(x).reshape(-1, 1).data, x.reshape(-1, 1))
    weights = rand(3, 2)
    check(lambda t: t.reshape(3, 2) * weights, x)
    check(lambda t: t.reshape((6,)) * weights.reshape(6), x)


@pytest.mark.parametrize("bad", [(2.0, 3), ("2", 3)])
def test_reshape_rejects_a_shape_that_is_not_whole_numbers(bad):
    with pytest.raises(TypeError, match="reshape: the new shape must be whole numbers"):
        Tensor(np.ones(6)).reshape(*bad)


def test_reshape_accepts_numpy_integers_and_minus_one():
    t = Tensor(np.arange(6.0)).reshape(np.int64(2), -1)
    assert t.shape == (2, 3)


def test_reshape_error_names_shapes():
    with pytest.raises(ValueError, match=r"reshape.*\(2, 3\).*\(4,\)"):
        Tensor(np.ones((2, 3))).reshape(4)


def test_transpose():
    x = rand(2, 3)
    out = Tensor(x).T
    np.testing.assert_array_equal(out.data, x.T)
    assert out.op == "transpose"
    weights = rand(3, 2)
    check(lambda t: t.T * weights, x)
    check(lambda t: t.T @ t, x)


def test_composite_expression_gradcheck():
    a, b, c = rand(3, 4), rand(4, 2), rand(2)

    def fn(a, b, c):
        h = (a @ b + c).tanh()
        return ((h * h).sum(axis=1) / 2.0 + (-h).exp().mean(axis=1)).sigmoid()

    check(fn, a, b, c)


# ------------------------------------------------------------ reverse forms
def test_reverse_operand_forms():
    x = rand(2, 3, low=0.5, high=2.0)
    t = leaf(x)
    for expr, expected, grad in [
        (lambda t: 2 - t, 2 - x, -np.ones_like(x)),
        (lambda t: 2 / t, 2 / x, -2 / x**2),
        (lambda t: 2 + t, 2 + x, np.ones_like(x)),
        (lambda t: 3.0 * t, 3.0 * x, np.full_like(x, 3.0)),
        (lambda t: np.full((2, 3), 4.0) * t, 4.0 * x, np.full_like(x, 4.0)),
        (lambda t: np.arange(3.0) - t, np.arange(3.0) - x, -np.ones_like(x)),
        (lambda t: np.full(3, 2.0) / t, 2.0 / x, -2.0 / x**2),
    ]:
        t.grad = None
        out = expr(t)
        assert isinstance(out, Tensor)
        np.testing.assert_allclose(out.data, expected, rtol=1e-12)
        out.sum().backward()
        np.testing.assert_allclose(t.grad, grad, rtol=1e-12)
        check(expr, x)


def test_constants_do_not_require_grad():
    t = leaf(rand(3))
    out = t * 2.0
    assert out.requires_grad
    constant = out.parents[1]
    assert not constant.requires_grad
    out.sum().backward()
    assert constant.grad is None


# ------------------------------------------------------------------ dtype
FLOAT32_OPS = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
    "matmul": lambda a, b: a @ b.T,
    "add_float": lambda a, b: a + 0.1,
    "radd_float": lambda a, b: 0.1 + a,
    "rsub_float": lambda a, b: 2.5 - a,
    "mul_float": lambda a, b: a * 0.3,
    "rmul_float": lambda a, b: 0.3 * a,
    "div_float": lambda a, b: a / 3.0,
    "rdiv_float": lambda a, b: 3.0 / a,
    "mul_np_float64_scalar": lambda a, b: a * np.float64(0.3),
    "rmul_np_float64_scalar": lambda a, b: np.float64(0.3) * a,
    "mul_f32_ndarray": lambda a, b: a * np.full((2, 3), 0.3, dtype=np.float32),
    "rmul_f32_ndarray": lambda a, b: np.full(3, 0.3, dtype=np.float32) * a,
    "mul_int_ndarray": lambda a, b: a * np.arange(3),
    "rsub_int": lambda a, b: 2 - a,
    "matmul_f32_ndarray": lambda a, b: a @ np.ones((3, 2), dtype=np.float32),
    "pow": lambda a, b: a**2,
    "pow_frac": lambda a, b: a**0.5,
    "neg": lambda a, b: -a,
    "sum": lambda a, b: a.sum(),
    "sum_axis": lambda a, b: a.sum(axis=0, keepdims=True),
    "mean": lambda a, b: a.mean(),
    "mean_axis": lambda a, b: a.mean(axis=1),
    "exp": lambda a, b: a.exp(),
    "log": lambda a, b: a.log(),
    "tanh": lambda a, b: a.tanh(),
    "sigmoid": lambda a, b: a.sigmoid(),
    "relu": lambda a, b: a.relu(),
    "leaky_relu": lambda a, b: a.leaky_relu(0.1),
    "reshape": lambda a, b: a.reshape(3, 2),
    "T": lambda a, b: a.T,
}


@pytest.mark.parametrize("name", list(FLOAT32_OPS))
def test_float32_stays_float32(name):
    fn = FLOAT32_OPS[name]
    a = Tensor(rand(2, 3, low=0.5, high=2.0, dtype=np.float32), requires_grad=True)
    b = Tensor(rand(2, 3, low=0.5, high=2.0, dtype=np.float32), requires_grad=True)
    out = fn(a, b)
    assert out.dtype == np.float32, f"{name}: forward is {out.dtype}"
    (out * 0.5).sum().backward()
    assert a.grad is not None and a.grad.dtype == np.float32, f"{name}: grad of a"
    if b.grad is not None:
        assert b.grad.dtype == np.float32


def test_float32_whole_graph():
    x = Tensor(rand(5, 3, dtype=np.float32))
    W = Tensor(rand(3, 4, dtype=np.float32), requires_grad=True)
    b = Tensor(np.zeros(4, dtype=np.float32), requires_grad=True)
    h = (x @ W + b).tanh()
    loss = ((h * 0.5 - 0.25) ** 2).mean() * 3.0
    assert loss.dtype == np.float32
    loss.backward()
    assert W.grad.dtype == np.float32 and b.grad.dtype == np.float32


def test_int_and_list_inputs_become_float64():
    t = Tensor([1, 2, 3])
    assert t.dtype == np.float64
    np.testing.assert_array_equal(t.data, [1.0, 2.0, 3.0])
    assert Tensor(np.arange(3)).dtype == np.float64
    assert Tensor(3).shape == ()


def test_float_array_is_not_copied():
    x = np.ones(3)
    t = Tensor(x)
    assert t.data is x
