"""The ``?`` overlay: every keyboard shortcut of the window, over a dimmed window.

The list is built from the window's actions each time it opens, so it never
goes stale: an action that gains a shortcut shows up by itself. Actions are
grouped by the menu that holds them; numbered runs (Class 1 … Class 8 on keys
1 … 8) are folded into one row. Esc, ``?`` or a click closes it.

Shortcuts and text fields: Qt lets a focused text field (a spin box, a line
edit) keep the keys it types (Space, digits, R, ?), so typing a value never
plays, resets or changes the class; a click on a plot takes the focus (plots
accept it) and gives the keys back to the shortcuts. Everything else (buttons,
sliders, combo boxes, the plots) leaves the keys to the shortcuts.
"""

from __future__ import annotations

import re

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QColor, QKeySequence, QPainter
from PySide6.QtWidgets import QFrame, QLabel, QMenu, QVBoxLayout, QWidget

_NUMBERED = re.compile(r"^(.*?)(\d+)$")
OTHER = "Window"


def _label(action: QAction) -> str:
    """The action's text as shown in a menu, without mnemonics or a trailing ellipsis."""
    return action.text().replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip("…").rstrip(".")


def _keys(action: QAction) -> str:
    return " or ".join(k.toString(QKeySequence.SequenceFormat.NativeText) for k in distinct_keys(action.shortcuts()))


def distinct_keys(sequences) -> list[QKeySequence]:
    """``sequences`` without repeats, in order. A key given twice to one action (say
    Ctrl+Shift+Z and the platform's Redo, which is Ctrl+Shift+Z on X11) makes Qt call
    the key ambiguous and ignore it."""
    seen: set[str] = set()
    kept = []
    for sequence in sequences:
        sequence = QKeySequence(sequence)
        text = sequence.toString(QKeySequence.SequenceFormat.PortableText)
        if text and text not in seen:
            seen.add(text)
            kept.append(sequence)
    return kept


def _submenus(window) -> dict[int, QMenu]:
    """Every menu of the window, by the address of its menu action.

    ``QAction.menu()`` is avoided on purpose: in PySide6 6.10 the menu it returns
    is tied to the Python wrapper of that action, and when the wrapper goes the
    menu is deleted with it (File > Open Recent vanished after one look at the
    overlay). ``QMenu.menuAction()`` hands over nothing.
    """
    return {shiboken6.getCppPointer(menu.menuAction())[0]: menu for menu in window.findChildren(QMenu)}


def _menu_sections(window) -> list[tuple[str, list[QAction]]]:
    """``(menu title, actions in it and its submenus)`` for each menu of the menu bar, in order."""
    menus = _submenus(window)

    def submenu(action: QAction) -> QMenu | None:
        return menus.get(shiboken6.getCppPointer(action)[0])

    sections = []
    for top in window.menuBar().actions():
        first = submenu(top)
        if first is None:
            continue
        found: list[QAction] = []
        pending = [first]
        while pending:
            menu = pending.pop(0)
            for action in menu.actions():
                inner = submenu(action)
                if inner is not None:
                    pending.append(inner)
                else:
                    found.append(action)
        sections.append((_label(top), found))
    return sections


def shortcut_rows(window) -> list[tuple[str, str, str]]:
    """``(section, what, keys)`` for every action of the window that has a shortcut."""
    rows: list[tuple[str, str, str]] = []
    seen: set[int] = set()
    sections = _menu_sections(window)
    sections.append((OTHER, window.findChildren(QAction)))
    for title, actions in sections:
        for action in actions:
            if id(action) in seen or not action.shortcuts():
                continue
            seen.add(id(action))
            rows.append((title, _label(action), _keys(action)))
    return _fold_numbered(rows)


def _fold_numbered(rows: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """Fold runs like ("Class 1", "1") … ("Class 8", "8") into ("Class 1 … 8", "1 … 8")."""
    folded: list[tuple[str, str, str]] = []
    run: list | None = None  # [section, stem, first number, last number, first key, last key]

    def flush() -> None:
        if run is not None:
            section, stem, first, last, first_key, last_key = run
            if first == last:
                folded.append((section, f"{stem}{first}", str(first_key)))
            else:
                folded.append((section, f"{stem}{first} … {last}", f"{first_key} … {last_key}"))

    for section, what, keys in rows:
        match = _NUMBERED.match(what)
        if match is None or not keys.isdigit():
            flush()
            run = None
            folded.append((section, what, keys))
            continue
        stem, number, key = match.group(1), int(match.group(2)), int(keys)
        if run is not None and run[:2] == [section, stem] and number == run[3] + 1 and key == run[5] + 1:
            run[3], run[5] = number, key
        else:
            flush()
            run = [section, stem, number, number, key, key]
    flush()
    return folded


def shortcuts_html(rows: list[tuple[str, str, str]]) -> str:
    """The rows as an HTML table, a heading per section."""
    import html  # here, when the overlay is first filled: its entity table costs start-up ~5-10 ms

    parts = ["<table cellspacing='0' cellpadding='3'>"]
    section = None
    for title, what, keys in rows:
        if title != section:
            section = title
            parts.append(f"<tr><td colspan='2' style='padding-top:8px'><b>{html.escape(title)}</b></td></tr>")
        parts.append(
            f"<tr><td style='padding-right:24px'>{html.escape(what)}</td>"
            f"<td><code><b>{html.escape(keys)}</b></code></td></tr>"
        )
    parts.append("</table>")
    return "".join(parts)


class ShortcutOverlay(QWidget):
    """A dimmed layer over the whole window with a panel listing the shortcuts."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.setObjectName("shortcutOverlay")
        self.window_ = window
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.panel = QFrame(self, objectName="shortcutPanel")
        self.panel.setAutoFillBackground(True)
        self.panel.setFrameShape(QFrame.Shape.StyledPanel)
        self.title = QLabel("<h3>Keyboard shortcuts</h3>", self.panel)
        self.table = QLabel(self.panel, objectName="shortcutTable")
        self.table.setTextFormat(Qt.TextFormat.RichText)
        hint = QLabel("Esc or ? to close", self.panel)
        hint.setEnabled(False)
        layout = QVBoxLayout(self.panel)
        layout.setContentsMargins(20, 12, 20, 12)
        layout.addWidget(self.title)
        layout.addWidget(self.table)
        layout.addWidget(hint, alignment=Qt.AlignmentFlag.AlignRight)
        font = self.font()
        font.setPointSizeF(max(font.pointSizeF(), 11.0))
        self.panel.setFont(font)
        self.hide()
        window.installEventFilter(self)

    def text(self) -> str:
        """The list as plain text (what the panel shows)."""
        return self.table.text()

    def toggle(self) -> None:
        self.setVisible(not self.isVisible())

    def setVisible(self, visible: bool) -> None:  # noqa: N802 - Qt's name
        if visible:
            self.table.setText(shortcuts_html(shortcut_rows(self.window_)))
            self._cover()
        super().setVisible(visible)
        if visible:
            self.raise_()
            self.setFocus()

    def _cover(self) -> None:
        self.setGeometry(self.window_.rect())
        self.panel.adjustSize()
        self.panel.move((self.width() - self.panel.width()) // 2, max(0, (self.height() - self.panel.height()) // 2))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Resize and self.isVisible():
            self._cover()
        return False

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt's name
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(0, 0, 0, 140))

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if event.key() in (Qt.Key.Key_Escape, Qt.Key.Key_Question):
            self.hide()
        else:
            super().keyPressEvent(event)

    def mousePressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self.hide()


def install_shortcut_overlay(window) -> ShortcutOverlay:
    """Help → Keyboard shortcuts (``?``), which opens the overlay."""
    overlay = ShortcutOverlay(window)
    action = QAction("&Keyboard shortcuts", window, objectName="shortcutsAction", shortcut=QKeySequence("?"))
    action.setToolTip("Show every keyboard shortcut over the window.")
    action.triggered.connect(overlay.toggle)
    help_menu: QMenu = window.menu("&Help")
    help_menu.addAction(action)
    return overlay
