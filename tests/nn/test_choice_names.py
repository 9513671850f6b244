"""nn.names: every named choice of the network is checked with the same message."""

from __future__ import annotations

import pytest

from playground import nn
from playground.nn.activations import check_activation
from playground.nn.init import check_init
from playground.nn.names import check_name


def test_a_known_name_comes_back_and_an_unknown_one_lists_the_choices():
    assert check_name("colour", "red", ("red", "blue")) == "red"
    with pytest.raises(ValueError, match=r"^unknown colour 'green'; choose one of red, blue$"):
        check_name("colour", "green", ("red", "blue"))


@pytest.mark.parametrize(
    "check, message",
    [
        (check_activation, "unknown activation 'swish'; choose one of relu, leaky_relu, tanh, sigmoid, linear"),
        (check_init, "unknown init 'swish'; choose one of xavier, he, uniform"),
        (nn.get_head, "unknown output head 'swish'; choose one of sigmoid, softmax, identity"),
    ],
)
def test_the_network_choices_say_what_is_unknown_and_what_there_is(check, message):
    with pytest.raises(ValueError) as info:
        check("swish")
    assert str(info.value) == message


def test_an_unknown_optimizer_is_named_before_its_parameters_are_used():
    with pytest.raises(ValueError) as info:
        nn.make_optimizer("rmsprop", None, 0.1)  # type: ignore[arg-type]
    assert str(info.value) == "unknown optimizer 'rmsprop'; choose one of " + ", ".join(nn.OPTIMIZERS)
