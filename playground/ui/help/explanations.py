"""A "?" on every plot and panel that opens a short explanation with a small picture.

``install_explanations(window)`` finds each view through what the window
exposes (WindowHost's plots and panels, and the object names of the docks and
rows other features add), and attaches a small "?" button to it:

- in a plot's or row's header, right after its title label;
- at the right end of a group box's title line (the DATA, NETWORK and TRAINING panels);
- in a dock's title bar, right after its title (or in the dock's own header widget,
  when it has one).

A view that is not in this window (a feature not installed) gets no button.
Clicking a button opens :class:`ExplanationPopup` next to it; the texts are in
texts.py and the pictures in pictures.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from PySide6.QtCore import QEvent, QObject, QPoint, QSize, Qt
from PySide6.QtGui import QGuiApplication, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QBoxLayout,
    QDockWidget,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLayout,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ..shell.lazy_dock import LazyDock
from .pictures import PICTURE_SIZE, picture
from .texts import EXPLANATIONS

TEXT_WIDTH = 300  # px: the explanation's lines, beside the picture
_DOCK_TITLE_MARGIN = 6  # px left of a dock's title text (the Fusion and default styles draw it about here)


def _named(name: str) -> Callable[[object], QWidget | None]:
    return lambda window: window.findChild(QWidget, name)  # type: ignore[attr-defined]


def _group(title: str) -> Callable[[object], QWidget | None]:
    """The side panel whose group box title starts with ``title`` (NETWORK, TRAINING)."""

    def find(window) -> QWidget | None:
        return next((box for box in window.findChildren(QGroupBox) if box.title().startswith(title)), None)

    return find


@dataclass(frozen=True)
class View:
    """One view that gets a "?": its key in EXPLANATIONS and PICTURES, and how to find it."""

    key: str
    find: Callable[[object], QWidget | None]
    first: bool = False  # the "?" starts the view's first row (a row of controls with no title)
    after: str = ""  # the object name of the widget the "?" follows, instead of the title


VIEWS: tuple[View, ...] = (
    # After the colour key, not the title: the title row is as wide as the square plot allows.
    View("boundary", lambda w: w.boundary_plot.parentWidget(), after="boundaryKey"),  # type: ignore[attr-defined]
    View("activation", lambda w: w.activation_view),  # type: ignore[attr-defined]
    View("loss", lambda w: w.loss_plot.parentWidget()),  # type: ignore[attr-defined]
    View("gradients", lambda w: w.gradient_plot.parentWidget()),  # type: ignore[attr-defined]
    View("network", _named("networkColumn")),
    View("data", lambda w: w.data_panel),  # type: ignore[attr-defined]
    View("network_panel", _group("NETWORK")),
    View("training", _group("TRAINING")),
    View("timeline", _named("timelineRow")),
    View("chain_rule", _named("chainRuleDock")),
    View("graph", _named("graphDock")),
    View("transforms", _named("transformsDock")),
    View("landscape", _named("landscapeDock")),
    View("regions", _named("regionsDock")),
    View("race", _named("raceDock")),
)


class QuestionButton(QToolButton):
    """A "?" no taller than a line of its text and barely wider: beside a title it must not
    make the header taller (the plot below would lose height) or wider (the boundary's
    column is kept square)."""

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        metrics = self.fontMetrics()
        return QSize(metrics.horizontalAdvance("?") + 8, metrics.height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return self.sizeHint()


class ExplanationPopup(QFrame):
    """The explanation of one view: its title, a small picture and a few paragraphs.

    A popup: a click elsewhere or Esc closes it."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent, Qt.WindowType.Popup)
        self.setObjectName("explanationPopup")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.key = ""
        self.title = QLabel(objectName="explanationTitle")
        self.picture = QLabel(objectName="explanationPicture")
        self.picture.setFixedSize(*PICTURE_SIZE)
        self.text = QLabel(objectName="explanationText", wordWrap=True)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setFixedWidth(TEXT_WIDTH)
        self.text.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.addWidget(self.title)
        row = QHBoxLayout()
        row.addWidget(self.picture, 0, Qt.AlignmentFlag.AlignTop)
        row.addSpacing(6)
        row.addWidget(self.text, 1)
        layout.addLayout(row)
        layout.setSizeConstraint(QLayout.SizeConstraint.SetFixedSize)

    def show_for(self, key: str, anchor: QWidget) -> None:
        """Show the explanation of view ``key`` just below ``anchor`` (kept on the screen)."""
        explanation = EXPLANATIONS[key]
        self.key = key
        self.title.setText(f"<b>{explanation.title}</b>")
        self.text.setText(explanation.html)
        self.picture.setPixmap(picture(key, self.palette(), self.devicePixelRatioF()))
        self.adjustSize()
        below = anchor.mapToGlobal(QPoint(0, anchor.height()))
        x, y = below.x(), below.y()
        screen = anchor.screen() or QGuiApplication.primaryScreen()
        if screen is not None:  # on the screen: left if it would run off the right, above if off the bottom
            room = screen.availableGeometry()
            x = max(room.left(), min(x, room.right() + 1 - self.width()))
            if y + self.height() > room.bottom() + 1:
                y = max(room.top(), anchor.mapToGlobal(QPoint(0, 0)).y() - self.height())
        self.move(x, y)
        self.show()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        if event.key() == Qt.Key.Key_Escape:
            self.close()
        else:
            super().keyPressEvent(event)


class Explanations(QObject):
    """The "?" buttons of one window (``buttons``, by view key) and their popup."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.setObjectName("explanations")
        self.window = window
        self.popup = ExplanationPopup(window)
        self.buttons: dict[str, QToolButton] = {}

    def attach(self, key: str, target: QWidget, first: bool = False, after: str = "") -> QToolButton:
        """Give ``target`` (the view ``key``) its "?" button; ``first``: at the start of its first
        row; ``after``: right after its child of that object name."""
        explanation = EXPLANATIONS[key]
        button = QuestionButton(objectName=f"explain_{key}", text="?", autoRaise=True)
        button.setToolTip(f"What does the {explanation.title} show? A short explanation.")
        font = button.font()
        font.setBold(True)
        button.setFont(font)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # a click must not take the keys from the plots
        button.clicked.connect(lambda checked=False, k=key, b=button: self.show(k, b))
        if isinstance(target, LazyDock) and not target.is_built:
            # Its content may bring a title bar of its own (the chain-rule panel's header): the "?"
            # moves there when it is built, before the dock is first painted.
            target.built.connect(lambda _, k=key, t=target, f=first, a=after: self._moved_to_title_bar(k, t, f, a))
        if isinstance(target, QDockWidget) and target.titleBarWidget() is not None:
            target = target.titleBarWidget()
        row = None if isinstance(target, (QGroupBox, QDockWidget)) else _header_row(target, first, after)
        if row is not None:
            layout, index = row
            layout.insertWidget(index, button)
        else:
            button.setParent(target)
            _Pinned(button, target)
        self.buttons[key] = button
        return button

    def _moved_to_title_bar(self, key: str, dock: QDockWidget, first: bool, after: str) -> None:
        """Attach ``key``'s "?" again if ``dock``'s content just gave it a title bar widget."""
        if dock.titleBarWidget() is None:
            return
        old = self.buttons.pop(key)
        old.hide()
        old.deleteLater()
        # Its font sets only bold: the size is the header's (scaled already in presentation mode).
        self.attach(key, dock, first, after)

    def show(self, key: str, anchor: QWidget | None = None) -> ExplanationPopup:
        """Open the explanation of view ``key`` (below its "?" button by default)."""
        self.popup.show_for(key, anchor or self.buttons[key])
        return self.popup


def _header_row(widget: QWidget, first: bool = False, after: str = "") -> tuple[QBoxLayout, int] | None:
    """The first horizontal row among ``widget``'s layouts that holds a label (its title), and
    the index just after that label (or after the widget named ``after``); with ``first`` (or
    failing that), the start of its first horizontal row."""
    queue: list[QLayout] = [widget.layout()] if widget.layout() is not None else []
    first_row: QBoxLayout | None = None
    while queue:  # breadth first: the header is near the top
        layout = queue.pop(0)
        if isinstance(layout, QHBoxLayout) and first_row is None:
            first_row = layout
            if first:
                break
        for index in range(layout.count()):
            item = layout.itemAt(index)
            found = (
                item.widget() is not None and item.widget().objectName() == after
                if after
                else (isinstance(item.widget(), QLabel))
            )
            if isinstance(layout, QHBoxLayout) and found:
                return layout, index + 1
            if item.layout() is not None:
                queue.append(item.layout())
            elif item.widget() is not None and item.widget().layout() is not None:
                queue.append(item.widget().layout())  # a box inside the view (activation space's titled box)
    return (first_row, 0) if first_row is not None else None


class _Pinned(QObject):
    """Keeps a button on ``target``'s title line: at the right end of a group box's title, or
    right after a dock's title, wherever a resize or a new font moves them."""

    def __init__(self, button: QToolButton, target: QWidget) -> None:
        super().__init__(button)
        self.button = button
        self.target = target
        target.installEventFilter(self)
        self.place()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() in (QEvent.Type.Resize, QEvent.Type.Show, QEvent.Type.FontChange, QEvent.Type.LayoutRequest):
            self.place()
        return False

    def place(self) -> None:
        size = self.button.sizeHint()
        height = size.height()
        x, top = self.target.width() - 6 - size.width(), 0
        if isinstance(self.target, QDockWidget):
            # Right after the title, where it is seen even when the dock is wider than the screen.
            x = _DOCK_TITLE_MARGIN + self.target.fontMetrics().horizontalAdvance(self.target.windowTitle()) + 6
            title_buttons = [
                b
                for b in self.target.findChildren(QAbstractButton, options=Qt.FindChildOption.FindDirectChildrenOnly)
                if b.objectName().startswith("qt_dockwidget_") and not b.isHidden()
            ]
            if title_buttons:
                anchor = title_buttons[0]
                top = anchor.y() + (anchor.height() - height) // 2
                x = min(x, min(b.x() for b in title_buttons) - 2 - size.width())  # never over them
        self.button.setGeometry(max(0, x), max(0, top), size.width(), height)
        self.button.raise_()


def install_explanations(window) -> Explanations:
    """A "?" on every view of ``window`` that exists; the controller (its ``buttons`` and ``popup``)."""
    explanations = Explanations(window)
    for view in VIEWS:
        target = view.find(window)
        if target is not None:
            explanations.attach(view.key, target, view.first, view.after)
    return explanations
