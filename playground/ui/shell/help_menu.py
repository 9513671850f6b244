"""Help > User guide (F1), Help > Lessons… (the shipped lessons' gallery) and Help > About Playground.

The guide is ``docs/guide.md``, shown inside the app (Qt reads Markdown and its pictures), so a
teacher needs no Markdown viewer. A source checkout has it in ``docs/``; an installed wheel
carries it in ``share/backprop-playground/docs`` of its environment (pyproject.toml's data files).
"""

from __future__ import annotations

import importlib.resources
import site
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QUrl
from PySide6.QtGui import QAction, QDesktopServices, QImageReader, QKeySequence, QTextCursor
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QMessageBox, QTextBrowser, QVBoxLayout, QWidget

from ..._version import __version__

GUIDE = "guide.md"
SHARE = Path("share") / "backprop-playground" / "docs"
LICENCE = "MIT"


def tr(text: str) -> str:
    """``text`` in the application's language (the source text until a translation is installed)."""
    return QCoreApplication.translate("HelpMenu", text)


def guide_candidates() -> list[Path]:
    """Where the guide may be, in order: the source tree beside the package, then the
    environment's and the user's ``share`` folders (where pip puts a wheel's data files)."""
    import sysconfig  # here: only Help > User Guide asks (its import was a millisecond of every start-up)

    package = Path(str(importlib.resources.files("playground")))
    roots = [Path(sysconfig.get_path("data")), Path(sys.prefix), Path(site.getuserbase())]
    return [package.parent / "docs" / GUIDE, *(root / SHARE / GUIDE for root in roots)]


def guide_path() -> Path | None:
    """The user guide's Markdown file, or None if this installation has none."""
    return next((path for path in guide_candidates() if path.is_file()), None)


def engine_lines() -> int:
    """Lines of Python in the autograd engine (``playground/engine``), the part meant to be read."""
    engine = importlib.resources.files("playground.engine")
    return sum(
        len(entry.read_text(encoding="utf-8").splitlines()) for entry in engine.iterdir() if entry.name.endswith(".py")
    )


def about_text() -> str:
    """The About box: what Playground is, its version, licence and the engine's size (rich text)."""
    return tr(
        "<h3>Playground {version}</h3>"
        "<p>Watch a neural network learn: click points into a plane, choose a network "
        "and train it step by step.</p>"
        "<p>Every number is computed by the project's own autograd engine, "
        "{lines} lines of Python in <code>playground/engine</code>, readable in one sitting.</p>"
        "<p>Licence: {licence}. Built with Qt (PySide6), pyqtgraph and numpy.</p>"
    ).format(version=__version__, lines=engine_lines(), licence=LICENCE)


def heading_anchor(text: str) -> str:
    """The anchor GitHub gives a heading, which the guide's links use: ``"A first lesson: why"``
    -> ``"a-first-lesson-why"``."""
    kept = "".join(c for c in text.strip().lower() if c.isalnum() or c in " -_")
    return kept.replace(" ", "-")


class GuideWindow(QDialog):
    """The user guide, rendered from its Markdown with its screenshots (scaled to the page);
    links within the guide jump to their heading, other links open in the browser."""

    PAGE_WIDTH = 800  # pixels: pictures wider than this are shown at this width

    def __init__(self, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent, objectName="guideWindow")
        self.setWindowTitle(tr("Playground user guide"))
        self.browser = QTextBrowser(self, objectName="guideBrowser", openLinks=False)
        self.browser.anchorClicked.connect(self.follow)
        self.browser.setSource(QUrl.fromLocalFile(str(path)))  # .md: read as Markdown
        self._fit_pictures(path.parent)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(buttons)
        self.resize(self.PAGE_WIDTH + 60, 700)

    def _fit_pictures(self, folder: Path) -> None:
        """Give every picture wider than PAGE_WIDTH that width (Qt keeps its aspect ratio)."""
        cursor = QTextCursor(self.browser.document())
        block = self.browser.document().begin()
        while block.isValid():
            iterator = block.begin()
            while not iterator.atEnd():
                fragment = iterator.fragment()
                image = fragment.charFormat().toImageFormat()
                if image.isValid():
                    width = QImageReader(str(folder / image.name())).size().width()
                    if width > self.PAGE_WIDTH:
                        image.setWidth(self.PAGE_WIDTH)
                        cursor.setPosition(fragment.position())
                        cursor.setPosition(fragment.position() + fragment.length(), QTextCursor.MoveMode.KeepAnchor)
                        cursor.setCharFormat(image)
                iterator += 1
            block = block.next()

    def follow(self, url: QUrl) -> None:
        """A link: ``#heading`` scrolls to that heading; anything else opens outside the app."""
        if url.scheme() in ("", "file") and url.hasFragment() and url.path() in ("", self.browser.source().path()):
            block = self.browser.document().begin()
            while block.isValid():
                if block.blockFormat().headingLevel() and heading_anchor(block.text()) == url.fragment():
                    self.browser.setTextCursor(QTextCursor(block))
                    self.browser.verticalScrollBar().setValue(
                        round(self.browser.document().documentLayout().blockBoundingRect(block).top())
                    )
                    return
                block = block.next()
            return
        QDesktopServices.openUrl(self.browser.source().resolved(url))


class HelpMenu:
    """The Help menu's guide and About actions on ``window``; the guide window is made once."""

    def __init__(self, window: QWidget) -> None:
        self.window = window
        self.guide_window: GuideWindow | None = None
        self.guide_action = QAction(
            tr("&User guide"),
            window,
            objectName="userGuideAction",
            shortcut=QKeySequence(QKeySequence.StandardKey.HelpContents),
        )
        self.guide_action.setToolTip(tr("Open the guide for teachers: installing, a first lesson, recording."))
        self.guide_action.triggered.connect(self.show_guide)
        # The lessons are a File menu's gallery (Examples…); a person looking for help looks here first.
        self.lessons_action = QAction(tr("&Lessons…"), window, objectName="lessonsAction")
        self.lessons_action.setToolTip(
            tr("Pick one of the lessons shipped with Playground, step-by-step guided sessions (File > Examples…).")
        )
        self.lessons_action.setStatusTip(self.lessons_action.toolTip())
        self.lessons_action.triggered.connect(self.show_lessons)
        self.about_action = QAction(tr("&About Playground"), window, objectName="aboutAction")
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)  # macOS puts it in the app menu
        self.about_action.triggered.connect(self.show_about)

    def show_guide(self) -> None:
        """Show the guide, or say where it was looked for."""
        path = guide_path()
        if path is None:
            QMessageBox.warning(
                self.window,
                tr("User guide"),
                tr("The user guide is not installed with this copy of Playground (looked in {places}).").format(
                    places=", ".join(str(p.parent) for p in guide_candidates())
                ),
            )
            return
        if self.guide_window is None:
            self.guide_window = GuideWindow(path, self.window)
        self.guide_window.show()
        self.guide_window.raise_()
        self.guide_window.activateWindow()

    def show_lessons(self) -> None:
        """Open the gallery of the shipped lessons (the window's File > Examples…)."""
        self.window.gallery.open_dialog()  # type: ignore[attr-defined]  # installed after the Help menu

    def show_about(self) -> None:
        QMessageBox.about(self.window, tr("About Playground"), about_text())


def install_help_menu(window) -> HelpMenu:
    """Add Help > User guide (F1) and Lessons… above what the menu holds, Help > About Playground below."""
    help_menu = HelpMenu(window)
    menu = window.menu("&Help")
    menu.insertActions(
        menu.actions()[0] if menu.actions() else None, [help_menu.guide_action, help_menu.lessons_action]
    )
    menu.addSeparator()
    menu.addAction(help_menu.about_action)
    return help_menu
