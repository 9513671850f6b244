"""The NETWORK panel's per-layer "skip" checkbox: enabled only for equal widths, undoable, kept valid."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from playground.data import make_dataset
from playground.training import TrainingConfig
from playground.ui.panels import NetworkPanel
from playground.ui.session.session_model import SessionModel


@pytest.fixture
def model(qtbot):
    session = SessionModel(make_dataset("xor", n=120, seed=0), TrainingConfig(hidden=(2, 4, 4)))
    yield session
    session.shutdown()


def panel_for(qtbot, model) -> NetworkPanel:
    panel = NetworkPanel(model)
    qtbot.addWidget(panel)
    panel.resize(280, panel.sizeHint().height())
    panel.show()
    qtbot.waitExposed(panel)
    return panel


def test_a_skip_box_is_enabled_only_where_the_layer_is_as_wide_as_its_input(qtbot, model):
    panel = panel_for(qtbot, model)
    boxes = panel.skip_buttons
    assert [box.text() for box in boxes] == ["1", "2", "3"]
    # Layer 1 takes the 2 features and has 2 units; layer 2 takes 2 and has 4; layer 3 takes 4 and has 4.
    assert [box.isEnabled() for box in boxes] == [True, False, True]
    assert "Layer 2 cannot skip" in boxes[1].toolTip() and "(4 units, 2 coming in)" in boxes[1].toolTip()


def test_clicking_skip_is_one_undoable_change_of_the_network(qtbot, model):
    panel = panel_for(qtbot, model)
    qtbot.mouseClick(panel.skip_buttons[2], Qt.MouseButton.LeftButton)
    assert model.config.residual == (False, False, True)
    assert model.undo_stack.undoText() == "Add a skip to layer 3"
    qtbot.mouseClick(panel.skip_buttons[0], Qt.MouseButton.LeftButton)
    assert model.config.residual == (True, False, True)
    model.undo_stack.undo()
    assert model.config.residual == (False, False, True)
    assert [box.isChecked() for box in panel.skip_buttons] == [False, False, True]
    model.undo_stack.undo()
    assert model.config.residual == () and not any(box.isChecked() for box in panel.skip_buttons)
    model.undo_stack.redo()
    assert model.config.residual == (False, False, True) and panel.skip_buttons[2].isChecked()


def test_changing_widths_and_layers_keeps_the_skips_valid(qtbot, model):
    panel = panel_for(qtbot, model)
    qtbot.mouseClick(panel.skip_buttons[2], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(panel.skip_buttons[0], Qt.MouseButton.LeftButton)
    units = panel.layer_rows[2][0]
    units.setValue(5)  # layer 3 no longer matches its 4 inputs: its skip goes, the new width stays
    assert model.config.hidden == (2, 4, 5) and model.config.residual == (True, False, False)
    assert not panel.skip_buttons[2].isEnabled() and not panel.skip_buttons[2].isChecked()
    panel.add_layer_button.click()  # a copy of the last layer, 5 wide after 5: its skip may be ticked
    assert model.config.residual == (True, False, False, False) and panel.skip_buttons[3].isEnabled()
    panel.remove_layer_button.click()
    assert model.config.residual == (True, False, False)
    panel.feature_buttons["x1^2"].click()  # three inputs: layer 1 (2 units) can no longer skip
    assert model.config.residual == () and not panel.skip_buttons[0].isEnabled()
