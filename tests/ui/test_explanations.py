"""The "?" on every view: each view has one, a click opens its explanation and picture, nothing overlaps.

The tests that look and click a "?" (its popup closed again) share one window; those that change
the theme and the window's size have their own."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QApplication, QDockWidget, QGroupBox, QLabel, QWidget
from shared_window import shared_window_left_as_found  # noqa: F401 - the check, autouse
from tutorial_window import shared_window, window  # noqa: F401 - the fixtures

from playground.ui.help.explanations import VIEWS, ExplanationPopup
from playground.ui.help.pictures import PICTURES
from playground.ui.help.texts import EXPLANATIONS
from playground.ui.shell.theme import apply_theme

# The views of the window today; a feature that is removed must take its entry away on purpose.
EXPECTED = {
    "boundary",
    "activation",
    "loss",
    "gradients",
    "network",
    "data",
    "network_panel",
    "training",
    "timeline",
    "chain_rule",
    "graph",
    "transforms",
    "landscape",
    "regions",
    "race",
}


def test_every_view_has_a_text_that_names_it_and_a_picture():
    assert {view.key for view in VIEWS} == set(EXPLANATIONS) == set(PICTURES)
    for key, explanation in EXPLANATIONS.items():
        assert explanation.title and explanation.paragraphs
        assert all(paragraph.strip() for paragraph in explanation.paragraphs), key
        # The text names what it explains ("Gradient norms" -> "gradient", "NETWORK panel" -> "network").
        first_word = explanation.title.split()[0].lower()
        assert first_word in explanation.html.lower().replace("<b>", "").replace("</b>", ""), key
        assert 150 <= len(explanation.html) <= 1200, key  # short, but more than a tooltip


def test_the_features_text_says_what_x1_x2_and_sin_x1_are():
    text = EXPLANATIONS["network_panel"].html
    for word in ("x1", "x2", "sin x1", "coordinates"):
        assert word in text


def test_every_view_in_the_window_has_a_question_mark(shared_window):
    buttons = shared_window.explanations.buttons
    assert set(buttons) == EXPECTED
    for key, button in buttons.items():
        assert button.text() == "?" and button.objectName() == f"explain_{key}"
        assert EXPLANATIONS[key].title in button.toolTip()
    # Where each one sits: in its plot's header, beside the title.
    assert buttons["boundary"].parentWidget() is shared_window.findChild(QLabel, "boundaryTitle").parentWidget()
    assert buttons["loss"].parentWidget() is shared_window.loss_plot.parentWidget()
    assert buttons["data"].parentWidget() is shared_window.data_panel
    assert isinstance(buttons["training"].parentWidget(), QGroupBox)
    # The chain-rule panel is built when first shown: its "?" then moves into the panel's header.
    assert buttons["chain_rule"].parentWidget() is shared_window.chain_rule.dock
    shared_window.chain_rule.panel  # noqa: B018 - builds it
    assert shared_window.explanations.buttons["chain_rule"].parentWidget().objectName() == "chainRuleHeader"
    assert isinstance(buttons["landscape"].parentWidget(), QDockWidget)


@pytest.mark.parametrize("key", ["loss", "network_panel", "timeline"])
def test_clicking_the_question_mark_shows_the_explanation(shared_window, qtbot, key):
    button = shared_window.explanations.buttons[key]
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    popup = shared_window.findChild(ExplanationPopup)
    qtbot.waitUntil(popup.isVisible, timeout=2000)
    assert popup.key == key
    assert EXPLANATIONS[key].title in popup.title.text()
    assert popup.text.text() == EXPLANATIONS[key].html
    # The picture is drawn: more than the background colour.
    image = popup.picture.pixmap().toImage()
    colours = {image.pixel(x, y) for x in range(0, image.width(), 3) for y in range(0, image.height(), 3)}
    assert len(colours) > 5
    # Below the button and whole on the screen.
    assert popup.geometry().top() >= button.mapToGlobal(QPoint(0, 0)).y()
    assert QApplication.primaryScreen().availableGeometry().contains(popup.frameGeometry())
    qtbot.keyClick(popup, Qt.Key.Key_Escape)
    assert not popup.isVisible()


def _visible_rect(widget: QWidget, window) -> QRect:
    return QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_question_marks_overlap_nothing_at_1280x720(window, qtbot, theme):
    apply_theme(window, theme)
    window.resize(1280, 720)
    qtbot.wait(100)
    for key, button in window.explanations.buttons.items():
        if not button.isVisibleTo(window) or button.window() is not window:
            continue  # in a hidden dock (View menu), or a floating one
        rect = _visible_rect(button, window)
        assert window.rect().contains(rect), key
        assert button.width() >= 12 and button.height() >= 12, key
        parent = button.parentWidget()
        assert parent.rect().contains(QRect(button.pos(), button.size())), key  # not clipped by its header
        for sibling in parent.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly):
            if sibling is button or not sibling.isVisibleTo(window) or sibling.isWindow():
                continue
            if isinstance(sibling, QLabel) and not sibling.text():
                continue
            assert not QRect(sibling.pos(), sibling.size()).intersects(QRect(button.pos(), button.size())), (
                key,
                sibling.objectName() or type(sibling).__name__,
            )


def test_a_group_box_question_mark_stays_on_the_title_line(shared_window, qtbot):
    panel = shared_window.data_panel
    button = shared_window.explanations.buttons["data"]
    qtbot.wait(50)
    rows = [
        w
        for w in panel.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly)
        if w is not button and w.isVisibleTo(panel) and not w.isWindow()
    ]
    top_row = min(w.geometry().top() for w in rows)
    assert button.geometry().bottom() < top_row + 2  # above the first row of the form
    assert button.geometry().right() <= panel.width()


def test_the_loss_picture_falls_and_its_test_curve_stays_above_the_training_one(qtbot):
    # It rose from the bottom left to the top ("lower is better" beside a loss that grew): y grows downwards.
    from PySide6.QtGui import QPalette

    from playground.ui.help.pictures import BLUE, ORANGE, PICTURE_SIZE, picture

    image = picture("loss", QPalette()).toImage()
    w, h = PICTURE_SIZE

    def rows_of(color, x: int) -> list[int]:
        def near(c) -> bool:  # the curve's own colour, give or take its antialiased edge
            return abs(c.red() - color.red()) + abs(c.green() - color.green()) + abs(c.blue() - color.blue()) < 60

        return [y for y in range(h) if near(image.pixelColor(x, y))]

    early, late = rows_of(BLUE, 14), rows_of(BLUE, w - 10)
    assert early and late and max(early) < min(late)  # the training loss is higher (nearer the top) at first
    late_test = rows_of(ORANGE, w - 10)
    assert late_test and max(late_test) < min(late)  # and the test loss ends above it


def _inked_rows(image, x: int, background) -> list[int]:
    return [
        y
        for y in range(2, image.height() - 2)
        if sum(abs(a - b) for a, b in zip(image.pixelColor(x, y).getRgb()[:3], background.getRgb()[:3])) > 200
    ]


def test_the_training_picture_is_a_valley_the_ball_goes_down(qtbot):
    # It was a hill the ball climbed (the curve drawn upside down: y grows downwards).
    from PySide6.QtGui import QPalette

    from playground.ui.help.pictures import PICTURE_SIZE, picture

    palette = QPalette()
    image = picture("training", palette).toImage()
    w, h = PICTURE_SIZE
    background = palette.color(QPalette.ColorRole.Base)
    middle, side = _inked_rows(image, w // 2, background), _inked_rows(image, 3, background)
    assert middle and side and min(middle) > h / 2 > max(side)  # lowest in the middle, high at the sides


def test_the_data_pictures_x1_label_is_above_its_axis_not_cut_by_the_frame(qtbot):
    from PySide6.QtGui import QPalette

    from playground.ui.help.pictures import PICTURE_SIZE, picture

    palette = QPalette()
    image = picture("data", palette).toImage()
    w, h = PICTURE_SIZE
    background = palette.color(QPalette.ColorRole.Base)
    below_axis = [y for x in range(w - 26, w - 3) for y in _inked_rows(image, x, background) if y > h - 10]
    assert below_axis == []  # 'x1' hung below the axis line, its lower half cut off by the picture's edge
