"""The unit-level ops (column, concat_columns) and the trigonometric functions: values and gradcheck."""

from __future__ import annotations

import numpy as np
import pytest

from playground.engine import Tensor, gradcheck
from playground.engine.pieces import absolute, column, concat_columns, cos, sin, tan

RNG = np.random.default_rng(7)


def leaf(array) -> Tensor:
    return Tensor(np.array(array, dtype=np.float64), requires_grad=True)


@pytest.mark.parametrize("fn, reference", [(sin, np.sin), (cos, np.cos), (tan, np.tan), (absolute, np.abs)])
def test_functions_match_numpy_and_finite_differences(fn, reference):
    values = RNG.uniform(0.1, 1.2, size=(3, 2)) * np.where(RNG.random((3, 2)) < 0.5, -1, 1)
    x = leaf(values)
    np.testing.assert_allclose(fn(x).data, reference(values))
    assert gradcheck(fn, [x]) is True


def test_column_and_concat_route_each_entry_back():
    row = leaf(RNG.normal(size=(1, 4)))
    assert column(row, 2).data.item() == row.data[0, 2]
    assert gradcheck(lambda v: column(v, 1) * 3.0, [row]) is True
    np.testing.assert_array_equal(row.grad, [[0.0, 3.0, 0.0, 0.0]])
    parts = [leaf([[v]]) for v in (1.0, -2.0, 0.5)]
    joined = concat_columns(parts)
    np.testing.assert_array_equal(joined.data, [[1.0, -2.0, 0.5]])
    assert gradcheck(lambda *ps: concat_columns(ps) * Tensor(np.array([[1.0, 2.0, 3.0]])), parts) is True
    assert [p.grad.item() for p in parts] == [1.0, 2.0, 3.0]


def test_bad_shapes_name_the_op():
    with pytest.raises(ValueError, match="column: index 4"):
        column(leaf(np.zeros((1, 4))), 4)
    with pytest.raises(ValueError, match="column: needs one row"):
        column(leaf(np.zeros((2, 2))), 0)
    with pytest.raises(ValueError, match="part 1 has shape"):
        concat_columns([leaf([[1.0]]), leaf([1.0, 2.0])])
    with pytest.raises(ValueError, match="at least one"):
        concat_columns([])
