"""The timeline row under the plots: scrub back through training, return to live,
or continue training from a past epoch.

The slider spans epoch 0 to the live epoch and moves only between epochs whose
snapshot the timeline kept (older epochs are thinned): dragging snaps to the
nearest kept one, the arrow keys and page clicks go to the next kept one in
their direction. The label always names the epoch shown.

Bookmarks (bookmarks.py) show as ticks on the slider; a click on a tick, or the
Bookmarks button's menu (also Train > Bookmarks), jumps to its epoch.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QPointF, QSize, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QColor,
    QFocusEvent,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QPolygonF,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QSlider,
    QStyle,
    QStyleOptionSlider,
    QToolButton,
    QWidget,
)

from ...training.timeline import MAX_BOOKMARK_CAPTION, nearest_kept
from ..panels.form import blocked, icon_button, readable, tip
from ..session.session_model import SessionModel
from ..session.worker import Frame
from .bookmarks import BookmarkList

TIPS = {
    "slider": "Drag to look back at the network as it was at an earlier epoch (training pauses). "
    "Every recent epoch is kept; older ones are thinned, so the slider snaps to the nearest "
    "kept epoch.",
    "label": "The epoch shown on every plot: the live network, or a past epoch from the timeline.",
    "live": "Show the live network again (the latest epoch); training stays paused until you press Play.",
    "continue": "Go back to the epoch shown and train on from it: the later epochs are dropped, "
    "and training from here gives exactly what it gave the first time (same seed).",
    "bookmarks": "Bookmarks: mark the epoch shown with a caption (Ctrl+B), jump to a mark, or remove one. "
    "Marks show as ticks on the slider; click a tick to jump there.",
}
# Ticks in an amber that reads on the light and the dark groove alike.
_TICK_COLOR = "#E08A00"
_TICK_HIT = 6  # px either side of a tick that a click counts as on it

# Viewing the past must be unmistakable, also in a recording: the label turns amber (dark
# text on pale amber: 7.4:1). Colours through the palette, not a style sheet: a widget with
# its own style sheet keeps the font and colours it had when the sheet was set, so it would
# neither grow in presentation mode nor follow a theme switch.
_VIEWING_COLORS = {QPalette.ColorRole.Window: "#FCEBC7", QPalette.ColorRole.WindowText: "#6B4700"}
# The label's width fits the longest usual text, so the slider never shrinks as epochs grow.
# (Six-digit epochs: longer runs' text is elided, the full text is the tooltip.)
_WIDEST_TEXTS = ("epoch 000000 of 000000 (viewing history)", "epoch 000000 of 000000 (nearest to 000000)")
# The slider keeps at least this many widths of "0": in presentation mode's larger text with a side
# dock open, the label's room for its widest text left the slider a square (seen under Xvfb), and a
# square cannot be scrubbed. The label gives way instead, down to its live text, and elides.
_SLIDER_MIN_EMS = 14
_NARROWEST_TEXT = "epoch 000000 (live)"


class _EpochLabel(QLabel):
    """The epoch shown. Its size hint is its widest text's, whatever it shows, so that the slider beside
    it keeps its width as the text changes; in a narrow row it gives way down to ``_NARROWEST_TEXT``
    (see ``_SLIDER_MIN_EMS``) and elides its text, which the tooltip then gives whole."""

    def __init__(self, tooltip: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.tooltip = tooltip
        self.full_text = ""
        self.setToolTip(tooltip)

    def _padding(self) -> int:
        # The frame counted whether drawn or not (a box while the past is shown): the hint stays put.
        return 2 * (self.margin() + self.indent() + max(self.frameWidth(), 1)) + 4

    def _width_of(self, text: str) -> int:
        return self.fontMetrics().horizontalAdvance(text) + self._padding()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(max(self._width_of(text) for text in _WIDEST_TEXTS), super().sizeHint().height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(self._width_of(_NARROWEST_TEXT), super().minimumSizeHint().height())

    def set_full_text(self, text: str) -> None:
        """Show ``text``, elided to the label's width."""
        self.full_text = text
        self._elide()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        # Before its first layout a label has no width of its own yet: its hint is what it will get.
        width = self.width() if self.testAttribute(Qt.WidgetAttribute.WA_Resized) or self.isVisible() else 0
        room = (width or self.sizeHint().width()) - self._padding()
        shown = self.fontMetrics().elidedText(self.full_text, Qt.TextElideMode.ElideRight, max(room, 1))
        if shown != self.text():
            self.setText(shown)
        self.setToolTip(self.tooltip if shown == self.full_text else f"{self.full_text}\n{self.tooltip}")


class _TimelineSlider(QSlider):
    """The timeline's slider: keys go to it while it has the focus, a click on the groove
    jumps there.

    The window's Right shortcut (step one epoch) would otherwise take the arrow keys
    from the focused slider, and a click beside the handle would only page.
    """

    markClicked = Signal(int)  # the epoch of the bookmark tick clicked

    _KEYS = frozenset(
        {
            Qt.Key.Key_Left,
            Qt.Key.Key_Right,
            Qt.Key.Key_Up,
            Qt.Key.Key_Down,
            Qt.Key.Key_Home,
            Qt.Key.Key_End,
            Qt.Key.Key_PageUp,
            Qt.Key.Key_PageDown,
        }
    )

    def event(self, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and event.key() in self._KEYS
            and event.modifiers() == Qt.KeyboardModifier.NoModifier
        ):
            event.accept()  # "this key is mine": Qt then sends it as a key press, not a shortcut
            return True
        return super().event(event)

    marks: tuple[int, ...] = ()  # bookmarked epochs, drawn as ticks

    def mark_x(self, epoch: int) -> int:
        """The x (in the slider) of the handle's centre at ``epoch``: where its tick is drawn."""
        option = QStyleOptionSlider()
        self.initStyleOption(option)
        control = QStyle.ComplexControl.CC_Slider
        handle = self.style().subControlRect(control, option, QStyle.SubControl.SC_SliderHandle, self)
        groove = self.style().subControlRect(control, option, QStyle.SubControl.SC_SliderGroove, self)
        span = max(groove.width() - handle.width(), 1)
        value = min(max(epoch, self.minimum()), self.maximum())
        offset = QStyle.sliderPositionFromValue(self.minimum(), self.maximum(), value, span, option.upsideDown)
        return groove.x() + handle.width() // 2 + offset

    def visible_marks(self) -> list[int]:
        """The bookmarked epochs within the slider's range (later ones are not trained yet)."""
        return [e for e in self.marks if self.minimum() <= e <= self.maximum() and self.maximum() > self.minimum()]

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        super().paintEvent(event)
        if not self.visible_marks():
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        color = QColor(_TICK_COLOR)
        painter.setPen(QPen(color.darker(130), 1))
        painter.setBrush(color)
        size = max(4, self.height() // 5)
        for epoch in self.visible_marks():
            x = self.mark_x(epoch)
            # A small flag below the groove, pointing up at the epoch, clear of the handle.
            bottom = self.height() - 1
            painter.drawPolygon(
                QPolygonF([QPointF(x, bottom - size), QPointF(x - size * 0.7, bottom), QPointF(x + size * 0.7, bottom)])
            )
        painter.end()

    def mark_at(self, x: float) -> int | None:
        """The bookmarked epoch whose tick is within ``_TICK_HIT`` px of ``x``, if any."""
        near = [(abs(self.mark_x(e) - x), e) for e in self.visible_marks()]
        near = [item for item in near if item[0] <= _TICK_HIT]
        return min(near)[1] if near else None

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        if event.button() == Qt.MouseButton.LeftButton:
            mark = self.mark_at(event.position().x())
            if mark is not None:
                self.markClicked.emit(mark)
                event.accept()
                return
        if event.button() == Qt.MouseButton.LeftButton and self.maximum() > self.minimum():
            option = QStyleOptionSlider()
            self.initStyleOption(option)
            control = QStyle.ComplexControl.CC_Slider
            handle = self.style().subControlRect(control, option, QStyle.SubControl.SC_SliderHandle, self)
            if not handle.contains(event.position().toPoint()):
                groove = self.style().subControlRect(control, option, QStyle.SubControl.SC_SliderGroove, self)
                # Where the handle's centre would be, over the span its centre can travel.
                span = groove.width() - handle.width()
                at = round(event.position().x()) - groove.x() - handle.width() // 2
                value = QStyle.sliderValueFromPosition(
                    self.minimum(), self.maximum(), at, max(span, 1), option.upsideDown
                )
                # Pressed first, so the jump snaps like a drag; the press below then grabs the
                # handle now under the mouse, and a drag goes on from there.
                self.setSliderDown(True)
                self.setValue(value)
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        super().mouseReleaseEvent(event)
        if self.isSliderDown():  # a jump whose press the base class did not take as a drag
            self.setSliderDown(False)


class _CaptionEdit(QLineEdit):
    """The bookmark caption field: closes on Esc or when the focus goes elsewhere."""

    epoch = 0  # the epoch the caption is for

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        if event.key() == Qt.Key.Key_Escape:
            self.hide()
            return
        super().keyPressEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:  # noqa: N802 - Qt's name
        super().focusOutEvent(event)
        if event.reason() != Qt.FocusReason.PopupFocusReason:  # its own context menu keeps it open
            self.hide()


class TimelineRow(QWidget):
    """A slider over the kept epochs, the shown epoch, "Back to live" and "Continue from here".

    It renders frames (``show_frame``, called for each drawn frame) and sends
    the person's requests to the session model; the worker decides what is shown.
    """

    def __init__(self, model: SessionModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("timelineRow")
        readable(self)
        self.model = model
        self.bookmarks = BookmarkList(model)
        self._kept = np.zeros(1, dtype=np.int64)  # kept epochs from the latest frame
        self._shown = 0  # the epoch the plots show (or were asked to show)
        self._asked: int | None = None  # the epoch the person picked, when it was thinned away
        self._viewing = False

        self.slider = tip(_TimelineSlider(Qt.Orientation.Horizontal, self), TIPS["slider"])
        self.slider.setObjectName("timelineSlider")
        self.slider.setRange(0, 0)
        self.slider.valueChanged.connect(self._on_value)
        self.slider.sliderReleased.connect(self._show_state)
        self.label = _EpochLabel(TIPS["label"], self)
        self.label.setObjectName("timelineLabel")
        self.label.setMargin(2)
        self.label.setIndent(5)
        self._fit_label()
        pixmaps = QStyle.StandardPixmap
        self.live_button = self._button("timelineLiveButton", "Back to live", pixmaps.SP_MediaSkipForward, TIPS["live"])
        self.continue_button = self._button(
            "timelineContinueButton", "Continue from here", pixmaps.SP_MediaPlay, TIPS["continue"]
        )
        self.live_button.clicked.connect(self._go_live)
        self.continue_button.clicked.connect(lambda: self.model.continue_from(self._shown))
        self.add_bookmark_action = QAction("Add &Bookmark…", self)
        self.add_bookmark_action.setShortcut(QKeySequence("Ctrl+B"))
        self.add_bookmark_action.setToolTip("Mark the epoch shown with a caption, as a tick on the timeline.")
        self.add_bookmark_action.setStatusTip(self.add_bookmark_action.toolTip())
        self.add_bookmark_action.triggered.connect(lambda checked=False: self.ask_bookmark())
        self.bookmark_menu = QMenu("B&ookmarks", self)
        self.bookmark_menu.aboutToShow.connect(self._fill_bookmark_menu)
        # A star, not a word: the row is tight at 1280 px in presentation mode's large text.
        self.bookmark_button = tip(QToolButton(self, text="★"), TIPS["bookmarks"])
        self.bookmark_button.setObjectName("timelineBookmarkButton")
        self.bookmark_button.setAccessibleName("Bookmarks")
        self.bookmark_button.setMenu(self.bookmark_menu)
        self.bookmark_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.slider.markClicked.connect(self.jump_to)
        self.bookmarks.changed.connect(self._bookmarks_changed)
        self.caption_edit = _CaptionEdit(self)
        self.caption_edit.setObjectName("bookmarkCaption")
        self.caption_edit.setMaxLength(MAX_BOOKMARK_CAPTION)
        self.caption_edit.returnPressed.connect(self._caption_entered)
        self.caption_edit.hide()

        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 0, 6, 0)
        layout.addWidget(tip(QLabel("timeline", self), TIPS["slider"]))
        layout.addWidget(self.slider, 1)
        layout.addWidget(self.caption_edit, 1)
        layout.addWidget(self.label)
        layout.addWidget(self.live_button)
        layout.addWidget(self.continue_button)
        layout.addWidget(self.bookmark_button)
        self._show_state()

    def _button(self, name: str, text: str, icon: QStyle.StandardPixmap, tooltip: str) -> QToolButton:
        button = icon_button(self, text, icon, tooltip)
        button.setObjectName(name)
        return button

    # ------------------------------------------------------------ rendering
    @property
    def live_epoch(self) -> int:
        """The live network's epoch: the newest kept one."""
        return int(self._kept[-1])

    def show_frame(self, frame: Frame) -> None:
        """Follow a drawn frame: the live epoch, or the past epoch it shows."""
        if len(frame.timeline):
            self._kept = frame.timeline
        if self.slider.isSliderDown():
            return  # the person is dragging: the label already says what they picked
        if not frame.viewing or frame.epoch != self._shown:
            self._asked = None
        self._viewing = frame.viewing
        self._shown = frame.epoch
        self._show_state()

    def _show_state(self, move_slider: bool = True) -> None:
        live = self.live_epoch
        with blocked(self.slider):
            self.slider.setRange(0, live)
            if move_slider:
                self.slider.setValue(self._shown)
        self.slider.setPageStep(max(1, live // 20))
        self.slider.setEnabled(live > 0)
        if self._viewing and self._asked is not None:
            text = f"epoch {self._shown} of {live} (nearest to {self._asked})"
        elif self._viewing:
            text = f"epoch {self._shown} of {live} (viewing history)"
        else:
            text = f"epoch {live} (live)"
        self._paint_label(self._viewing)
        self._set_label_text(text)
        self.live_button.setEnabled(self._viewing)
        self.continue_button.setEnabled(self._viewing)

    def _paint_label(self, viewing: bool) -> None:
        label = self.label
        if viewing == label.autoFillBackground():
            return
        label.setAutoFillBackground(viewing)
        label.setFrameStyle((QFrame.Shape.Box | QFrame.Shadow.Plain) if viewing else QFrame.Shape.NoFrame)
        palette = QPalette()  # an empty palette: the application's, which follows the theme
        if viewing:
            palette = QPalette(label.palette())
            for role, color in _VIEWING_COLORS.items():
                palette.setColor(role, QColor(color))
        label.setPalette(palette)

    def _set_label_text(self, text: str) -> None:
        self.label.set_full_text(text)

    def _fit_label(self) -> None:
        self.slider.setMinimumWidth(_SLIDER_MIN_EMS * self.label.fontMetrics().horizontalAdvance("0"))
        self.label.updateGeometry()  # its size hint follows its font

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange and hasattr(self, "label"):
            self._fit_label()  # presentation mode's larger text needs a wider label

    # --------------------------------------------------------------- events
    def _on_value(self, value: int) -> None:
        dragging = self.slider.isSliderDown()
        target = self._snap(value, dragging)
        self._asked = value if dragging and value != target else None
        self._shown = target
        self._viewing = target != self.live_epoch
        if self._viewing:
            self.model.view_epoch(target)
        else:
            self.model.back_to_live()
        # While dragging, moving the slider under the mouse would fight the person;
        # it settles on the epoch shown when they let go.
        self._show_state(move_slider=not dragging)

    def _snap(self, value: int, dragging: bool) -> int:
        """Dragging goes to the nearest kept epoch; keys and page clicks to the next one their way."""
        kept = self._kept
        if dragging or value == self._shown:
            return nearest_kept(kept, value)
        if value > self._shown:
            return int(kept[min(np.searchsorted(kept, value, side="left"), len(kept) - 1)])
        return int(kept[max(np.searchsorted(kept, value, side="right") - 1, 0)])

    def _go_live(self) -> None:
        self._asked = None
        self.model.back_to_live()

    # ------------------------------------------------------------ bookmarks
    @property
    def shown_epoch(self) -> int:
        """The epoch the plots show (the live one, or the past one being viewed)."""
        return self._shown if self._viewing else self.live_epoch

    def jump_to(self, epoch: int) -> bool:
        """Show ``epoch`` (a bookmark's): the live network at the live epoch, else the kept
        epoch nearest it; False (and a message) for an epoch not trained yet."""
        try:  # the trainer's epoch: right after a session is loaded, no frame has told it yet
            live = int(self.model.run_in_worker(lambda trainer: trainer.epoch))  # type: ignore[call-overload]
        except TimeoutError:
            live = self.live_epoch
        if epoch > live:
            self.model.message.emit("info", f"Epoch {epoch} is not trained yet (the live epoch is {live}).")
            return False
        self._asked = None
        if epoch == live:
            self._viewing = False
            self._shown = live
            self.model.back_to_live()
        else:
            self._shown = epoch  # the frame that follows says which kept epoch is nearest
            self._viewing = True
            self.model.view_epoch(epoch)
        self._show_state()
        return True

    def ask_bookmark(self) -> QLineEdit:
        """Ask for a caption for the epoch shown, in a field that opens in the row (nothing is
        blocked: training and the plots go on); Enter adds the bookmark, Esc or clicking
        elsewhere closes it. Returns the field."""
        epoch = self.shown_epoch
        existing = self.bookmarks.at(epoch)
        edit = self.caption_edit
        edit.epoch = epoch
        edit.setPlaceholderText(f"Caption for epoch {epoch}: what happens here? (Enter adds, Esc cancels)")
        edit.setText(existing.caption if existing else "")
        edit.show()
        edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        edit.selectAll()
        return edit

    def _caption_entered(self) -> None:
        edit = self.caption_edit
        if edit.isVisible() and self.bookmarks.add(edit.epoch, edit.text()):
            edit.hide()

    def _fill_bookmark_menu(self) -> None:
        fill_bookmark_menu(self.bookmark_menu, self)

    def _bookmarks_changed(self, items: tuple) -> None:
        self.slider.marks = tuple(b.epoch for b in items)
        self.slider.setToolTip(TIPS["slider"] + "".join(f"\n• epoch {b.epoch}: {b.caption}" for b in items[:12]))
        self.slider.update()


def fill_bookmark_menu(menu: QMenu, row: TimelineRow) -> None:
    """Fill ``menu`` with Add Bookmark…, one entry per bookmark (jumps there) and a
    Remove Bookmark submenu."""
    menu.clear()
    for old in menu.findChildren(QMenu, options=Qt.FindChildOption.FindDirectChildrenOnly):
        old.deleteLater()  # the Remove submenu of the last time
    menu.addAction(row.add_bookmark_action)
    items = row.bookmarks.items
    if not items:
        empty = menu.addAction("No bookmarks yet")
        empty.setEnabled(False)
        return
    menu.addSeparator()
    for mark in items:
        jump = menu.addAction(_entry_text(mark.epoch, mark.caption))
        jump.setToolTip(mark.caption)
        jump.triggered.connect(lambda checked=False, epoch=mark.epoch: row.jump_to(epoch))
    remove = QMenu("&Remove Bookmark", menu)  # owned by the menu, not by this function's name
    menu.addMenu(remove)
    for mark in items:
        action = remove.addAction(_entry_text(mark.epoch, mark.caption))
        action.triggered.connect(lambda checked=False, epoch=mark.epoch: row.bookmarks.remove(epoch))


def _entry_text(epoch: int, caption: str) -> str:
    short = caption if len(caption) <= 50 else caption[:49] + "…"
    return f"Epoch {epoch}: {short}".replace("&", "&&")


def install_timeline(window) -> TimelineRow:
    """Add the timeline row under the plots of ``window`` (a MainWindow), with the
    loss and gradient plots marking the epoch shown while viewing history."""
    row = TimelineRow(window.session, window)
    window.add_bottom_row(row)
    window.add_frame_view(row.show_frame)
    train = window.menu("&Train")
    train.addSeparator()
    train.addAction(row.add_bookmark_action)
    window.addAction(row.add_bookmark_action)  # Ctrl+B also with the menu bar hidden
    jump_menu = train.addMenu("B&ookmarks")
    jump_menu.aboutToShow.connect(lambda: fill_bookmark_menu(jump_menu, row))

    def mark(frame: Frame) -> None:
        epoch = frame.epoch if frame.viewing else None
        window.loss_plot.set_marker(epoch)
        window.gradient_plot.set_marker(epoch)

    window.add_frame_view(mark)
    return row
