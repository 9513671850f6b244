"""The side panels and the transport bar, offscreen: each control edits the session model,
model changes re-sync the controls, every control explains itself, and the panels fit the column."""

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QAbstractSpinBox, QComboBox, QSlider

from playground.data import make_dataset
from playground.data.features import FEATURES
from playground.training import Trainer, TrainingConfig
from playground.ui.panels import DataPanel, NetworkPanel, TrainingPanel, TransportBar
from playground.ui.panels.form import MIN_POINT_SIZE, select_data
from playground.ui.panels.training_panel import FULL_BATCH
from playground.ui.session.session_model import SessionModel
from playground.ui.session.tools import ToolState

PREVIEW = Path("/tmp/panels_preview")
COLUMN = 280  # px: the left column at 1280x720
SCROLLBAR = 16  # px the main window's scroll area may take from the column


@pytest.fixture
def model(qtbot):
    session = SessionModel(make_dataset("xor", n=200, seed=0, test_fraction=0.3), TrainingConfig())
    yield session
    session.shutdown()


@pytest.fixture
def tools():
    return ToolState()


def shown(qtbot, widget, width=COLUMN):
    qtbot.addWidget(widget)
    widget.resize(width, widget.sizeHint().height())
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def visible(panel, widget) -> bool:
    return widget.isVisibleTo(panel)


# -- NETWORK ------------------------------------------------------------------------------


def test_network_features_layers_init_seed(qtbot, model):
    panel = shown(qtbot, NetworkPanel(model))
    names = list(FEATURES)
    panel.feature_buttons[names[2]].click()
    assert model.config.features == (names[0], names[1], names[2])
    panel.feature_buttons[names[0]].click()
    panel.control("standardize").click()
    assert model.config.features == (names[1], names[2]) and model.config.standardize

    panel.add_layer_button.click()
    assert model.config.hidden == (8, 8, 8) and model.config.activations == ("tanh",) * 3
    assert len(panel.layer_rows) == 3
    units, activation = panel.layer_rows[1]
    units.setValue(5)
    select_data(panel.layer_rows[2][1], "relu")
    assert model.config.hidden == (8, 5, 8)
    assert model.config.activation == ("tanh", "tanh", "relu")
    for _ in range(3):
        panel.remove_layer_button.click()
    assert model.config.hidden == () and not panel.layer_rows
    assert not panel.remove_layer_button.isEnabled()
    panel.add_layer_button.click()  # a first layer again
    assert model.config.hidden == (4,) and model.config.activations == ("tanh",)

    select_data(panel.control("init"), "he")
    panel.control("seed").setValue(7)
    assert model.config.init == "he" and model.config.seed == 7


def test_the_last_feature_cannot_be_switched_off(qtbot, model):
    panel = shown(qtbot, NetworkPanel(model))
    first, second = list(FEATURES)[:2]
    panel.feature_buttons[first].click()
    with qtbot.waitSignal(model.message) as message:
        panel.feature_buttons[second].click()
    assert message.args[0] == "warning"
    assert model.config.features == (second,)
    assert panel.feature_buttons[second].isChecked()


def test_network_resyncs_from_config_changes_elsewhere(qtbot, model):
    panel = shown(qtbot, NetworkPanel(model))
    last = list(FEATURES)[-1]
    model.update_config(hidden=(3,), activation=("relu",), features=(last,), init="uniform", seed=11)
    ((units, activation),) = panel.layer_rows
    assert units.value() == 3 and activation.currentData() == "relu"
    assert [name for name, b in panel.feature_buttons.items() if b.isChecked()] == [last]
    assert panel.control("init").currentData() == "uniform" and panel.control("seed").value() == 11
    assert panel.layer_count.text().startswith("1 layer")


# -- TRAINING -----------------------------------------------------------------------------


def test_training_controls_update_config(qtbot, model):
    panel = shown(qtbot, TrainingPanel(model))
    select_data(panel.control("optimizer"), "momentum")
    assert model.config.optimizer == "momentum" and visible(panel, panel.control("momentum"))
    panel.control("momentum").setValue(0.5)
    select_data(panel.control("optimizer"), "adam")
    assert model.config.optimizer == "adam" and model.config.momentum == 0.5
    assert not visible(panel, panel.control("momentum"))

    lr = panel.control("lr")
    lr.stepBy(1)  # 0.03 -> 0.1 on the ladder
    assert model.config.lr == pytest.approx(0.1)
    lr.lineEdit().selectAll()
    qtbot.keyClicks(lr, "0.0007")
    qtbot.keyClick(lr, Qt.Key.Key_Return)
    assert model.config.lr == pytest.approx(0.0007) and lr.text() == "0.0007"

    panel.batch_size.setValue(25)
    assert model.config.batch_size == 25
    assert panel.batch_size.maximum() == 140  # the training points of 200 with 30 % held out
    panel.full_batch.click()
    assert model.config.batch_size == FULL_BATCH and not panel.batch_size.isEnabled()
    panel.full_batch.click()
    assert model.config.batch_size == 25

    assert not visible(panel, panel.control("l2"))  # behind "Advanced"
    panel.expander.click()
    assert visible(panel, panel.control("l2")) and panel.expanded
    for field, value in (
        ("l1", 0.001),
        ("l2", 0.03),
        ("weight_decay", 0.0001),
        ("dropout", 0.25),
        ("patience", 20),
        ("max_epochs", 500),
    ):
        panel.control(field).setValue(value)
        assert getattr(model.config, field) == pytest.approx(value), field

    assert not visible(panel, panel.control("schedule_gamma"))
    select_data(panel.control("schedule"), "step")
    assert visible(panel, panel.control("schedule_gamma")) and visible(panel, panel.control("schedule_every"))
    panel.control("schedule_gamma").setValue(0.9)
    panel.control("schedule_every").setValue(50)
    select_data(panel.control("schedule"), "exponential")
    config = model.config
    assert (config.schedule, config.schedule_gamma, config.schedule_every) == ("exponential", 0.9, 50)
    assert not visible(panel, panel.control("schedule_every"))


def test_a_refused_change_shows_the_models_value(qtbot, model, monkeypatch):
    panel = shown(qtbot, TrainingPanel(model))
    monkeypatch.setattr(model, "update_config", lambda **changes: False)
    panel.control("lr").setValue(0.5)
    panel.full_batch.click()
    assert panel.control("lr").value() == pytest.approx(model.config.lr)
    assert not panel.full_batch.isChecked() and panel.batch_size.value() == model.config.batch_size


def test_training_resyncs_from_config_changes_elsewhere(qtbot, model):
    panel = shown(qtbot, TrainingPanel(model))
    panel.set_expanded(True)
    model.update_config(optimizer="nesterov", lr=3.0, batch_size=FULL_BATCH, schedule="step", dropout=0.1)
    assert panel.control("optimizer").currentData() == "nesterov"
    assert panel.control("lr").text() == "3" and panel.full_batch.isChecked()
    assert panel.control("dropout").value() == pytest.approx(0.1)
    assert visible(panel, panel.control("schedule_every"))


# -- DATA ---------------------------------------------------------------------------------


def test_generator_options_and_regenerate(qtbot, model):
    panel = shown(qtbot, DataPanel(model, ToolState(), preset="xor", noise=0.0))
    original = model.dataset
    assert panel.preset.currentData() == "xor" and panel.seed.isEnabled()  # recognised
    panel.seed.setValue(5)  # any option regenerates at once, keeping the others
    assert model.dataset == make_dataset("xor", n=200, noise=0.0, seed=5, test_fraction=0.3)
    panel.noise.setValue(40)
    panel.points.setValue(300)
    panel.test_share.setValue(50)
    assert model.dataset == make_dataset("xor", n=300, noise=0.4, seed=5, test_fraction=0.5)
    panel.regenerate.click()  # a fresh sample: the next seed
    assert panel.seed.value() == 6
    assert model.dataset == make_dataset("xor", n=300, noise=0.4, seed=6, test_fraction=0.5)
    assert panel.undo.isEnabled() and "Generate xor" in panel.undo.toolTip()
    for _ in range(5):
        panel.undo.click()
    assert model.dataset is original and not panel.undo.isEnabled()


def test_a_regression_preset_switches_the_task(qtbot, model):
    panel = shown(qtbot, DataPanel(model, ToolState()))
    select_data(panel.preset, "bumps")
    assert model.dataset.task == "regression" and "regression" in panel.title()
    assert visible(panel, panel.value) and not visible(panel, panel.classes)
    panel.value.setValue(-0.5)
    assert panel.tools.value == -0.5
    select_data(panel.preset, "blobs")  # takes classes: from regression, its default
    assert model.dataset.n_classes == 3 and len(panel.classes.swatches) == 3
    assert visible(panel, panel.classes) and not visible(panel, panel.value)


def test_add_and_remove_classes(qtbot, model, tools):
    panel = shown(qtbot, DataPanel(model, tools))
    selector = panel.classes
    assert not selector.remove_button.isEnabled()  # two is the fewest
    selector.add_button.click()
    assert model.dataset.n_classes == 3 and len(selector.swatches) == 3
    selector.swatches[2].click()
    assert tools.current_class == 2 and selector.swatches[2].isChecked()
    tools.current_class = 1  # e.g. the key 2, handled by the window
    assert selector.swatches[1].isChecked()
    tools.current_class = 2
    selector.remove_button.click()
    assert model.dataset.n_classes == 2 and tools.current_class == 1
    model.undo_stack.undo()
    assert model.dataset.n_classes == 3

    model.set_dataset(make_dataset("blobs", n=90, classes=3), "Generate blobs")
    with qtbot.waitSignal(model.message) as message:
        selector.remove_button.click()  # class 3 still has points
    assert message.args[0] == "error" and model.dataset.n_classes == 3


def test_clear_undo_and_tools(qtbot, model, tools):
    panel = shown(qtbot, DataPanel(model, tools))
    panel.clear.click()
    assert model.dataset.n == 0
    panel.undo.click()
    assert model.dataset.n == 200
    panel.redo.click()
    assert model.dataset.n == 0

    panel.erase_tool.click()
    panel.brush.setValue(1.5)
    panel.show_test.click()
    panel.add_as_test.click()
    assert (tools.tool, tools.brush_radius, tools.show_test, tools.add_as_test) == ("erase", 1.5, False, True)
    tools.tool = "add"
    assert panel.add_tool.isChecked() and not panel.erase_tool.isChecked()


# -- TRANSPORT ----------------------------------------------------------------------------


def test_transport_step_play_reset(qtbot, model):
    bar = shown(qtbot, TransportBar(model), width=1280)
    label = bar.findChild(type(bar.epoch_label), "epochLabel")
    bar.findChild(QAbstractButton, "stepButton").click()
    qtbot.waitUntil(lambda: label.text() == "epoch 1")
    assert "–" not in bar.loss_label.text() and "%" in bar.metric_label.text()

    play = bar.findChild(QAbstractButton, "playButton")
    play.click()
    assert model.playing and play.isChecked() and play.text() == "Pause"
    qtbot.waitUntil(lambda: model.latest_frame.epoch > 1)
    play.click()
    assert not model.playing and play.text() == "Play"
    model.play()  # from elsewhere (the space key): the button follows
    assert play.isChecked()
    bar.findChild(QAbstractButton, "resetButton").click()
    assert not model.playing and not play.isChecked()
    qtbot.waitUntil(lambda: label.text() == "epoch 0")


def test_missing_numbers_show_a_dash(qtbot):
    session = SessionModel(make_dataset("plane", n=50, seed=0), TrainingConfig())
    try:
        bar = shown(qtbot, TransportBar(session), width=1280)
        session.step()
        qtbot.waitUntil(lambda: bar.epoch_label.text() == "epoch 1")
        assert bar.loss_label.text().endswith("test –")  # no test points
        assert bar.metric_label.text().startswith("RMSE")
    finally:
        session.shutdown()


def test_a_longer_loss_is_shown_whole_in_the_paint_that_follows_and_the_readouts_never_narrow(qtbot, model):
    # Below 1e-4 the loss's text changes length frame to frame ("8.7e-6", "1.389e-5"); the frame pacer paints
    # before the relayout that follows setText, so a frame showed 'test 1.389e-' cut and the bar jittered.
    bar = shown(qtbot, TransportBar(model), width=1280)
    bar._show_numbers(237, 7.598e-6, 1.389e-5, 1.0, 1.0, "classification")
    label = bar.loss_label
    assert label.text() == "loss: train 7.598e-6 · test 1.389e-5"
    assert label.width() >= label.sizeHint().width()  # at once: no event loop between the text and the paint
    metric_x, wide = bar.metric_label.x(), label.width()
    bar._show_numbers(238, 4.6e-6, 8.7e-6, 1.0, 1.0, "classification")
    for layout in (bar._readouts.layout(), bar.layout()):
        layout.activate()  # the relayouts the event loop would do next
    assert label.width() == wide and bar.metric_label.x() == metric_x  # no jitter
    model.replace_session(Trainer(make_dataset("xor", n=50, seed=0), TrainingConfig()))
    assert label.minimumWidth() < wide  # another session: the usual width again


# -- every panel --------------------------------------------------------------------------


def all_panels(model, tools):
    return {
        "data": DataPanel(model, tools),
        "network": NetworkPanel(model),
        "training": TrainingPanel(model),
        "transport": TransportBar(model),
    }


def test_every_control_has_a_tooltip_and_readable_text(qtbot, model, tools):
    for name, panel in all_panels(model, tools).items():
        shown(qtbot, panel)
        assert panel.font().pointSizeF() >= MIN_POINT_SIZE, name
        for kind in (QAbstractButton, QAbstractSpinBox, QComboBox, QSlider):
            for control in panel.findChildren(kind):
                assert control.toolTip(), f"{name}: a {type(control).__name__} without a tooltip"


def test_side_panels_fit_the_column_and_previews(qtbot, model, tools):
    PREVIEW.mkdir(parents=True, exist_ok=True)
    panels = all_panels(model, tools)
    model.update_config(optimizer="momentum", schedule="step")  # show the optional rows too
    panels["training"].set_expanded(True)
    for name, panel in panels.items():
        width = 1280 if name == "transport" else COLUMN - SCROLLBAR
        shown(qtbot, panel, width)
        assert panel.minimumSizeHint().width() <= width, name
        panel.grab().save(str(PREVIEW / f"{name}.png"))
    select_data(panels["data"].preset, "plane")
    panels["data"].grab().save(str(PREVIEW / "data_regression.png"))
    bar = panels["transport"]
    bar.findChild(QAbstractButton, "stepButton").click()
    qtbot.waitUntil(lambda: bar.epoch_label.text() == "epoch 1")
    qtbot.wait(20)  # the layout settles after the new numbers
    for label in (bar.epoch_label, bar.loss_label, bar.metric_label):
        assert label.width() >= label.fontMetrics().horizontalAdvance(label.text()), label.text()
    bar.grab().save(str(PREVIEW / "transport.png"))
