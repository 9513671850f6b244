"""The graph: topological order, accumulation, aliasing, labels, no_grad, errors, gradcheck itself."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from playground.engine import GradcheckError, Tensor, gradcheck, is_grad_enabled, no_grad, unbroadcast


def leaf(array) -> Tensor:
    return Tensor(np.array(array, dtype=np.float64), requires_grad=True)


# ------------------------------------------------------------ accumulation
def test_diamond_graph_accumulates():
    a = leaf(3.0)
    b = a + a
    c = b + b
    c.backward()
    assert float(a.grad) == 4.0
    assert float(b.grad) == 2.0
    assert float(c.data) == 12.0


def test_reused_node_in_product():
    a = leaf([1.0, 2.0, 3.0])
    (a * a * a).sum().backward()  # d/da a^3 = 3 a^2
    np.testing.assert_allclose(a.grad, 3 * a.data**2)


def test_long_chain_has_no_recursion_error():
    a = leaf([1.0, -2.0])
    x = a
    for _ in range(10_000):
        x = x * 1.0001
    x.sum().backward()
    expected = 1.0001**10_000
    np.testing.assert_allclose(a.grad, [expected, expected], rtol=1e-9)
    np.testing.assert_allclose(x.data, a.data * expected, rtol=1e-9)


def test_long_addition_chain():
    a = leaf(0.5)
    x = a
    for _ in range(10_000):
        x = x + a  # a is reused 10,001 times in total
    x.backward()
    assert float(a.grad) == 10_001.0


def test_backward_twice_doubles_leaf_gradients():
    a = leaf([1.0, 2.0])
    loss = (a * 3.0).sum()
    loss.backward()
    np.testing.assert_array_equal(a.grad, [3.0, 3.0])
    loss.backward()
    np.testing.assert_array_equal(a.grad, [6.0, 6.0])


def test_backward_twice_doubles_through_a_deep_graph():
    x = np.array([[0.5, -1.0], [2.0, 0.25]])
    W = leaf([[0.3, -0.2], [0.1, 0.4]])
    loss = ((Tensor(x) @ W).tanh() ** 2).mean()
    loss.backward()
    once = W.grad.copy()
    loss.backward()
    np.testing.assert_allclose(W.grad, 2 * once, rtol=1e-12)
    loss.backward()
    np.testing.assert_allclose(W.grad, 3 * once, rtol=1e-12)


def test_backward_on_a_leaf_accumulates_in_place():
    buffer = np.zeros(4)
    a = Tensor(np.ones(2), requires_grad=True)
    a.grad = buffer[1:3]  # a parameter's grad is a view of a flat buffer
    a.backward()
    a.backward(np.array([2.0, 3.0]))
    np.testing.assert_array_equal(buffer, [0.0, 3.0, 4.0, 0.0])
    assert a.grad.base is buffer


def test_a_reused_intermediate_waits_for_every_consumer():
    # b feeds c directly and through a long side path created later; b must be
    # processed only after both have added their share.
    a = leaf([1.0, 2.0])
    b = a * 3.0
    side = b
    for _ in range(5):
        side = side + 1.0
    c = (b * side).sum()  # d/db = side + b = 2b + 5; d/da = 3 (2 * 3a + 5)
    c.backward()
    np.testing.assert_allclose(b.grad, 2 * b.data + 5)
    np.testing.assert_allclose(a.grad, 3 * (6 * a.data + 5))


def test_stale_gradients_of_a_cut_off_branch_are_cleared():
    # An inner node that gets no gradient in this backward must not keep the last one.
    def blocked(t: Tensor) -> Tensor:
        return t._make(t.data * 2.0, (t,), "blocked", lambda g: (None,))

    a = leaf([1.0, 2.0])
    inner = a * 2.0
    (inner * 1.0).sum().backward()
    assert inner.grad is not None
    a.grad = None
    blocked(inner).sum().backward()
    assert inner.grad is None
    assert a.grad is None


def test_explicit_seed_gradient():
    a = leaf([1.0, 2.0, 3.0])
    out = a * 2.0
    out.backward(np.array([1.0, 0.0, -1.0]))
    np.testing.assert_array_equal(a.grad, [2.0, 0.0, -2.0])
    with pytest.raises(ValueError, match="seed"):
        out.backward(np.ones(2))


# ---------------------------------------------------------------- aliasing
def test_accumulation_does_not_alias():
    n = 4
    a = leaf(np.arange(n, dtype=float))
    c = leaf(np.ones(n))
    ((a + c) + a).mean().backward()
    np.testing.assert_array_equal(c.grad, np.full(n, 1.0 / n))
    np.testing.assert_array_equal(a.grad, np.full(n, 2.0 / n))
    # Each gradient is its own buffer: changing one does not change another.
    assert not np.shares_memory(a.grad, c.grad)
    c.grad[0] = 99.0
    np.testing.assert_array_equal(a.grad, np.full(n, 2.0 / n))
    a.grad[1] = -5.0
    assert c.grad[1] == 1.0 / n


def test_aliasing_through_views():
    a = leaf([[1.0, 2.0], [3.0, 4.0]])
    c = leaf([[1.0, 1.0], [1.0, 1.0]])
    (a.T + c + a.reshape(2, 2).T).sum().backward()
    np.testing.assert_array_equal(c.grad, np.ones((2, 2)))
    np.testing.assert_array_equal(a.grad, np.full((2, 2), 2.0))
    assert not np.shares_memory(a.grad, c.grad)


def test_intermediate_gradients_are_recorded():
    a = leaf([1.0, 2.0])
    h = a * 3.0
    out = (h * h).sum()
    out.backward()
    np.testing.assert_allclose(h.grad, 2 * h.data)
    np.testing.assert_allclose(a.grad, 6 * h.data)


# ----------------------------------------------------------- op and parents
def test_op_labels_and_parents():
    a, b = leaf([1.0, 2.0]), leaf([3.0, 4.0])
    s = a + b
    assert s.op == "add" and s.parents == (a, b)
    d = b - a
    assert d.op == "sub" and d.parents == (b, a)
    m = a * b
    assert m.op == "mul" and m.parents == (a, b)
    q = a / b
    assert q.op == "div" and q.parents == (a, b)
    n = -a
    assert n.op == "neg" and n.parents == (a,)
    p = a**2
    assert p.op == "pow 2" and p.parents == (a,)
    mm = a @ b
    assert mm.op == "matmul" and mm.parents == (a, b)
    for name in ["exp", "log", "tanh", "sigmoid", "relu"]:
        out = getattr(a, name)()
        assert out.op == name and out.parents == (a,)
    assert a.leaky_relu(0.1).op == "leaky_relu 0.1"
    assert a.sum().op == "sum" and a.sum().parents == (a,)
    assert a.reshape(2, 1).op == "reshape"
    assert a.T.op == "transpose"
    assert isinstance(s.parents, tuple)
    # Leaves carry no op and no parents.
    assert a.op == "" and a.parents == ()
    # A constant operand is a parent too, in operand order.
    k = a * 2.0
    assert k.parents[0] is a and not k.parents[1].requires_grad
    np.testing.assert_array_equal(k.parents[1].data, 2.0)


def test_parent_order_is_deterministic():
    a, b, c = leaf(1.0), leaf(2.0), leaf(3.0)
    for _ in range(3):
        out = (a + b) * c
        assert out.parents[1] is c
        assert out.parents[0].parents == (a, b)


def test_constants_only_build_no_graph():
    a, b = Tensor([1.0, 2.0]), Tensor([3.0, 4.0])
    out = a * b + 1.0
    assert not out.requires_grad
    assert out.parents == ()
    assert out.op == "add"
    with pytest.raises(RuntimeError, match="backward"):
        out.sum().backward()


# ----------------------------------------------------------------- no_grad
def test_no_grad_builds_no_graph():
    a = leaf([1.0, 2.0])
    assert is_grad_enabled()
    with no_grad():
        assert not is_grad_enabled()
        out = (a * 2.0).tanh().sum()
    assert is_grad_enabled()
    assert not out.requires_grad
    assert out.parents == ()
    np.testing.assert_allclose(out.data, np.tanh(2 * a.data).sum())
    with pytest.raises(RuntimeError):
        out.backward()
    # Outside the block the graph is built again.
    assert (a * 2.0).requires_grad


def test_no_grad_nests_and_restores_on_error():
    with no_grad():
        with no_grad():
            assert not is_grad_enabled()
        assert not is_grad_enabled()
    assert is_grad_enabled()
    with pytest.raises(KeyError):
        with no_grad():
            raise KeyError("boom")
    assert is_grad_enabled()


def test_no_grad_is_thread_local():
    inside = threading.Event()
    done = threading.Event()
    seen: dict[str, object] = {}

    def worker():
        with no_grad():
            seen["worker_enabled"] = is_grad_enabled()
            seen["worker_requires_grad"] = (leaf([1.0]) * 2.0).requires_grad
            inside.set()
            done.wait(timeout=5)

    thread = threading.Thread(target=worker)
    thread.start()
    try:
        assert inside.wait(timeout=5)
        # The worker is inside no_grad right now; this thread still builds graphs.
        assert is_grad_enabled()
        a = leaf([1.0, 2.0])
        out = (a * 3.0).sum()
        assert out.requires_grad and out.parents != ()
        out.backward()
        np.testing.assert_array_equal(a.grad, [3.0, 3.0])
    finally:
        done.set()
        thread.join(timeout=5)
    assert seen == {"worker_enabled": False, "worker_requires_grad": False}


def test_new_thread_starts_with_grad_enabled():
    result = []
    with no_grad():
        thread = threading.Thread(target=lambda: result.append(is_grad_enabled()))
        thread.start()
        thread.join(timeout=5)
    assert result == [True]


# ------------------------------------------------------------------ errors
def test_backward_without_grad_raises():
    with pytest.raises(RuntimeError, match="backward"):
        Tensor([1.0, 2.0]).sum().backward()


def test_bad_backward_shape_names_the_op():
    a = leaf(np.ones(3))
    bad = a._make(a.data * 2.0, (a,), "my_broken_op", lambda g: (np.ones(2),))
    with pytest.raises(ValueError, match=r"my_broken_op.*\(2,\).*\(3,\)"):
        bad.sum().backward()


def test_bad_backward_with_missing_axes_names_the_op():
    a = leaf(np.ones((3, 1)))
    bad = a._make(a.data.sum(), (a,), "squeezer", lambda g: (np.asarray(g),))
    with pytest.raises(ValueError, match=r"squeezer.*\(\).*\(3, 1\)"):
        bad.backward()


def test_backward_returning_none_skips_parent():
    a, b = leaf([1.0]), leaf([2.0])
    out = a._make(a.data + b.data, (a, b), "half", lambda g: (g, None))
    out.sum().backward()
    np.testing.assert_array_equal(a.grad, [1.0])
    assert b.grad is None


# ------------------------------------------------------------- unbroadcast
def test_unbroadcast_identity_when_shapes_match():
    g = np.arange(6.0).reshape(2, 3)
    assert unbroadcast(g, (2, 3)) is g


def test_unbroadcast_leading_axes():
    g = np.arange(24.0).reshape(2, 3, 4)
    np.testing.assert_array_equal(unbroadcast(g, (3, 4)), g.sum(axis=0))
    np.testing.assert_array_equal(unbroadcast(g, (4,)), g.sum(axis=(0, 1)))
    out = unbroadcast(g, ())
    assert np.shape(out) == ()
    assert float(out) == g.sum()


def test_unbroadcast_size_one_axes():
    g = np.arange(6.0).reshape(2, 3)
    np.testing.assert_array_equal(unbroadcast(g, (1, 3)), g.sum(axis=0, keepdims=True))
    np.testing.assert_array_equal(unbroadcast(g, (2, 1)), g.sum(axis=1, keepdims=True))
    np.testing.assert_array_equal(unbroadcast(g, (1, 1)), [[g.sum()]])
    np.testing.assert_array_equal(unbroadcast(g, (1,)), [g.sum()])


def test_unbroadcast_leading_and_size_one_together():
    g = np.arange(24.0).reshape(2, 3, 4)
    np.testing.assert_array_equal(unbroadcast(g, (3, 1)), g.sum(axis=0).sum(axis=1, keepdims=True))
    np.testing.assert_array_equal(unbroadcast(g, (1, 4)), g.sum(axis=(0, 1))[None, :])
    assert unbroadcast(g, (1, 3, 1)).shape == (1, 3, 1)
    np.testing.assert_array_equal(unbroadcast(g, (1, 3, 1)), g.sum(axis=(0, 2), keepdims=True))


def test_unbroadcast_keeps_size_one_when_grad_has_size_one():
    g = np.ones((5, 1, 3))
    out = unbroadcast(g, (1, 3))
    assert out.shape == (1, 3)
    np.testing.assert_array_equal(out, np.full((1, 3), 5.0))


# --------------------------------------------------------------- gradcheck
def test_gradcheck_passes_a_correct_op():
    a = leaf(np.array([0.5, -1.0, 2.0]))
    assert gradcheck(lambda t: (t * t).sum(), [a]) is True
    np.testing.assert_allclose(a.grad, 2 * a.data)


def test_gradcheck_catches_a_wrong_gradient():
    def wrong_square(t: Tensor) -> Tensor:
        x = t.data
        return t._make(x * x, (t,), "wrong_square", lambda g: (g * x,))  # should be 2 g x

    a = leaf(np.array([0.5, -1.0, 2.0]))
    with pytest.raises(GradcheckError, match=r"input 0.*analytic.*numeric"):
        gradcheck(wrong_square, [a])
    assert issubclass(GradcheckError, AssertionError)


def test_gradcheck_catches_a_nan_gradient():
    def nan_grad(t: Tensor) -> Tensor:
        return t._make(t.data * 3.0, (t,), "nan_grad", lambda g: (g * np.nan,))

    with pytest.raises(GradcheckError):
        gradcheck(nan_grad, [leaf([1.0, 2.0])])


def test_gradcheck_catches_a_wrong_gradient_on_second_input():
    def wrong_mul(a: Tensor, b: Tensor) -> Tensor:
        x, y = a.data, b.data
        return a._make(x * y, (a, b), "wrong_mul", lambda g: (g * y, g * y))

    with pytest.raises(GradcheckError, match="input 1"):
        gradcheck(wrong_mul, [leaf([1.0, 2.0]), leaf([3.0, -1.0])])


def test_gradcheck_catches_a_missing_gradient():
    def dropped(a: Tensor, b: Tensor) -> Tensor:
        return a._make(a.data + b.data, (a, b), "dropped", lambda g: (g, None))

    with pytest.raises(GradcheckError, match="input 1"):
        gradcheck(dropped, [leaf([1.0]), leaf([2.0])])


def test_gradcheck_requires_float64_tensors():
    with pytest.raises(TypeError, match="float64"):
        gradcheck(lambda t: t.sum(), [Tensor(np.ones(2, dtype=np.float32), requires_grad=True)])
    with pytest.raises(TypeError, match="Tensor"):
        gradcheck(lambda t: t, [np.ones(2)])


def test_gradcheck_one_element_output_of_any_shape():
    a = leaf([[2.0]])
    assert gradcheck(lambda t: t * t, [a])
    np.testing.assert_allclose(a.grad, [[4.0]])


def test_gradcheck_leaves_inputs_unchanged():
    values = np.array([0.3, -0.7, 1.1])
    a = leaf(values)
    gradcheck(lambda t: t.tanh().sum(), [a])
    np.testing.assert_array_equal(a.data, values)


def test_item():
    assert Tensor(2.5).item() == 2.5
    assert Tensor([[1.5]]).item() == 1.5
    assert isinstance(Tensor(np.float32(1.0)).item(), float)


def test_item_of_several_elements_names_the_shape():
    with pytest.raises(ValueError, match=r"item: only a one-element tensor.*\(2, 1\)"):
        Tensor(np.ones((2, 1))).item()


@pytest.mark.parametrize("op", ["add", "sub", "mul", "div"])
def test_elementwise_shape_mismatch_names_the_op_and_shapes(op):
    a, b = Tensor(np.ones((2, 3))), Tensor(np.ones(4))
    apply = {"add": lambda: a + b, "sub": lambda: a - b, "mul": lambda: a * b, "div": lambda: a / b}[op]
    with pytest.raises(ValueError, match=rf"{op}: shapes \(2, 3\) and \(4,\)"):
        apply()
