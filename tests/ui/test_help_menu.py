"""Help > User guide and Help > About; the application's identity (name, version, icon)."""

from __future__ import annotations

from pathlib import Path

import pytest
from default_window import shared_window  # noqa: F401 - the fixture
from PySide6.QtCore import QCoreApplication, QLocale, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication, QMessageBox
from shared_window import shared_window_left_as_found  # noqa: F401 - the check, autouse

import playground
from playground.ui.shell import help_menu as help_module
from playground.ui.shell import identity
from playground.ui.shell.help_menu import about_text, engine_lines, guide_path, heading_anchor
from playground.ui.shell.identity import (
    DESKTOP_FILE_NAME,
    ICON_SIZES,
    application_icon,
    install_qt_translations,
    set_identity,
)

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def window(shared_window):
    """The module's one window (the help menu only reads it), with its guide window closed and
    forgotten after each test: each test that opens the guide sees it made, one that misses it sees none."""
    yield shared_window
    guide = shared_window.help_menu.guide_window
    if guide is not None:
        guide.close()
        guide.deleteLater()
        shared_window.help_menu.guide_window = None


def test_engine_lines_counts_every_engine_module():
    expected = sum(
        len(path.read_text(encoding="utf-8").splitlines()) for path in (ROOT / "playground" / "engine").glob("*.py")
    )
    assert engine_lines() == expected > 300


def test_about_names_version_licence_and_engine_size():
    text = about_text()
    assert f"Playground {playground.__version__}" in text
    assert "Licence: MIT" in text and f"{engine_lines()} lines of Python" in text


def test_the_guide_is_found_in_the_source_tree():
    assert guide_path() == ROOT / "docs" / "guide.md"


def test_help_menu_holds_guide_shortcuts_and_about(window):
    menu = window.menu("&Help")
    names = [action.objectName() for action in menu.actions() if not action.isSeparator()]
    assert names == ["userGuideAction", "lessonsAction", "shortcutsAction", "aboutAction"]
    assert window.help_menu.guide_action.shortcut().toString() == "F1"


def test_help_lessons_opens_the_gallery_of_the_shipped_lessons(window, qtbot):
    """The lessons were reached only from File (Examples…, Open Lesson…): Help leads to them too."""
    from playground.training.examples import EXAMPLES

    window.help_menu.lessons_action.trigger()
    dialog = window.gallery.dialog
    try:
        assert dialog is not None and dialog.isVisible()
        assert dialog.windowTitle() == "Examples"
        assert len(dialog.tiles) == len(EXAMPLES)
    finally:
        dialog.close()


def test_user_guide_opens_the_guide_with_its_pictures(window, qtbot):
    window.help_menu.guide_action.trigger()
    guide = window.help_menu.guide_window
    assert guide is not None and guide.isVisible()
    document = guide.browser.document()
    assert document.toPlainText().startswith("Playground user guide")  # the Markdown's first heading
    assert guide.browser.source().toLocalFile() == str(ROOT / "docs" / "guide.md")
    window.help_menu.guide_action.trigger()
    assert window.help_menu.guide_window is guide  # made once


def test_a_missing_guide_says_where_it_looked(window, monkeypatch, tmp_path):
    monkeypatch.setattr(help_module, "guide_candidates", lambda: [tmp_path / "docs" / "guide.md"])
    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: shown.append(text))
    window.help_menu.show_guide()
    assert shown == [f"The user guide is not installed with this copy of Playground (looked in {tmp_path / 'docs'})."]
    assert window.help_menu.guide_window is None


def test_identity_and_icon(monkeypatch):
    app = QApplication.instance()
    installed = []
    # The shared test application keeps Qt's English texts whatever this machine's language.
    monkeypatch.setattr(identity, "install_qt_translations", installed.append)
    set_identity(app)
    assert installed == [app]
    assert (app.applicationName(), app.organizationName(), app.applicationVersion(), app.desktopFileName()) == (
        "Playground",
        "Playground",
        playground.__version__,
        DESKTOP_FILE_NAME,
    )
    icon = application_icon()
    assert not icon.isNull()
    assert {size.width() for size in icon.availableSizes()} >= set(ICON_SIZES)
    assert not app.windowIcon().isNull()


def test_qt_translations_follow_the_language():
    app = QApplication.instance()
    translator = install_qt_translations(app, QLocale(QLocale.Language.German, QLocale.Country.Germany))
    try:
        assert translator is not None
        assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "Abbrechen"
    finally:
        app.removeTranslator(translator)
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "Cancel"
    # A language Qt has no translation for leaves Qt's texts in English and installs nothing.
    assert install_qt_translations(app, QLocale(QLocale.Language.Esperanto)) is None


def test_guide_links_jump_to_headings_and_pictures_fit_the_page(window, qtbot, monkeypatch):
    window.help_menu.guide_action.trigger()
    guide = window.help_menu.guide_window
    scroll = guide.browser.verticalScrollBar()
    assert scroll.value() == 0
    guide.follow(QUrl("#keyboard-shortcuts"))
    assert scroll.value() > 0
    assert guide.browser.textCursor().block().text() == "Keyboard shortcuts"
    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toString()))
    guide.follow(QUrl("https://www.python.org/downloads/"))
    assert opened == ["https://www.python.org/downloads/"]
    widths = []
    block = guide.browser.document().begin()
    while block.isValid():
        iterator = block.begin()
        while not iterator.atEnd():
            image = iterator.fragment().charFormat().toImageFormat()
            if image.isValid():
                widths.append(image.width())
            iterator += 1
        block = block.next()
    assert len(widths) >= 4 and all(0 < width <= guide.PAGE_WIDTH for width in widths if width)
    assert guide.PAGE_WIDTH in widths  # the 1280-pixel window picture was narrowed


def test_heading_anchor_is_githubs():
    assert (
        heading_anchor("A first lesson: why networks need hidden layers")
        == "a-first-lesson-why-networks-need-hidden-layers"
    )
    assert heading_anchor("Without a screen: the commands") == "without-a-screen-the-commands"


def test_about_opens_the_about_box(window, monkeypatch):
    shown = []
    monkeypatch.setattr(QMessageBox, "about", lambda parent, title, text: shown.append((parent, title, text)))
    window.help_menu.about_action.trigger()
    assert shown == [(window, "About Playground", about_text())]
