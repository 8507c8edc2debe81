"""A calm banner above the seat map that says in plain words what just happened and why.

Built from ``conflict_text.ConflictMessage`` (headline + details + tone). It stays until it is
dismissed (the x button, Escape while it has the focus) or, by default, for 25 seconds; the time
is restarted while the mouse is over it, so nobody loses a message while reading it.

Over a seat map it *reserves* its place (``reserve=True``): always the same height, showing a
short hint when there is no message, so that a message coming or going never moves the seats
under the pointer. A message too long for that place ends in "…"; its tooltip (and the event
log) has all of it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from PySide6.QtCore import QEvent, QRect, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QEnterEvent, QFont, QFontMetrics, QKeyEvent, QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from bms_desktop.domain.errors import SeatFailure
from bms_desktop.gui.conflict_text import ConflictMessage, Tone, describe_conflict
from bms_desktop.gui.controllers.sale_state import breakable
from bms_desktop.services.dto import ConcurrencyReport

AUTO_HIDE_MS: Final = 25_000
HEADLINE_LINES: Final = 2  # in a reserved place: at most this many lines of headline
DETAIL_LINES: Final = 2
IDLE_STYLE: Final = (
    "QFrame#conflictBanner { background: #F6F7F8; border: 1px solid #E3E6EA;"
    " border-radius: 4px; } QFrame#conflictBanner QLabel { background: transparent;"
    " border: none; color: #5F646B; }"
)


_TONES: Final[dict[Tone, tuple[str, str, str]]] = {
    # background, accent bar, headline ink
    Tone.CONFLICT: ("#FFF5E8", "#D55E00", "#5A2A00"),
    Tone.INFO: ("#EEF4FA", "#0072B2", "#123A57"),
    Tone.SUCCESS: ("#EAF6F1", "#009E73", "#0B4A38"),
}


def line_height(metrics: QFontMetrics) -> int:
    return max(metrics.lineSpacing(), metrics.height())


def wrapped_lines(text: str, metrics: QFontMetrics, width: int) -> int:
    """How many lines a word-wrapped label ``width`` px wide shows ``text`` in."""
    if not text:
        return 0
    rect = metrics.boundingRect(QRect(0, 0, width, 10_000), int(Qt.TextFlag.TextWordWrap), text)
    return max(1, round(rect.height() / line_height(metrics)))


def elide_lines(text: str, metrics: QFontMetrics, width: int, lines: int) -> str:
    """``text`` as a word-wrapped label ``width`` px wide shows it, cut to ``lines`` lines ending
    in "…" if it is longer (a long word gets break points: it never widens anything)."""
    text = breakable(text)
    if width <= 0 or not text or wrapped_lines(text, metrics, width) <= lines:
        return text
    low, high = 0, len(text)
    while low < high:  # the longest prefix that fits with the ellipsis
        mid = (low + high + 1) // 2
        if wrapped_lines(text[:mid].rstrip(" .,;:\n\u200b") + "…", metrics, width) <= lines:
            low = mid
        else:
            high = mid - 1
    return text[:low].rstrip(" .,;:\n\u200b") + "…"


class ConflictBannerWidget(QFrame):
    """Signals: dismissed(): the clerk closed it, or it hid itself after a while."""

    dismissed = Signal()

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        auto_hide_ms: int = AUTO_HIDE_MS,
        reserve: bool = False,
        idle_text: str = "",
    ) -> None:
        super().__init__(parent)
        self.setObjectName("conflictBanner")
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.setAccessibleName("Message")
        self._message: ConflictMessage | None = None
        self._reserve = reserve
        self._idle_text = idle_text

        self.headline_label = QLabel(self)
        self.headline_label.setWordWrap(True)
        self.headline_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = QFont(self.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() + 0.5)
        self.headline_label.setFont(font)
        self.details_label = QLabel(self)
        self.details_label.setWordWrap(True)
        self.details_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.close_button = QToolButton(self)
        self.close_button.setText("✕")
        self.close_button.setToolTip("Dismiss")
        self.close_button.setAccessibleName("Dismiss the message")
        self.close_button.setAutoRaise(True)
        self.close_button.clicked.connect(self._on_close_button_clicked)

        texts = QVBoxLayout()
        texts.setContentsMargins(0, 0, 0, 0)
        texts.setSpacing(3)
        texts.addWidget(self.headline_label)
        texts.addWidget(self.details_label)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(14, 9, 8, 9)
        layout.setSpacing(10)
        layout.addLayout(texts, 1)
        layout.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignTop)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(auto_hide_ms)
        self._timer.timeout.connect(self._on_timer_timeout)
        if reserve:
            for label in (self.headline_label, self.details_label):
                label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            self.setFixedHeight(self.reserved_height())
            self._show_idle()
        else:
            self.hide()

    def reserved_height(self) -> int:
        """The height of the place it keeps over a map: the headline's and the details' lines."""
        self.headline_label.ensurePolished()
        self.details_label.ensurePolished()
        bold = QFontMetrics(self.headline_label.font())
        plain = QFontMetrics(self.details_label.font())
        return line_height(bold) * HEADLINE_LINES + line_height(plain) * DETAIL_LINES + 9 + 9 + 3

    def set_idle_text(self, text: str) -> None:
        self._idle_text = text
        if self._reserve and self._message is None:
            self._show_idle()

    def _show_idle(self) -> None:
        self.setStyleSheet(IDLE_STYLE)
        self.headline_label.setStyleSheet("")
        self.details_label.setStyleSheet("")
        self.close_button.hide()
        self.headline_label.clear()
        self.details_label.setText(self._idle_text)
        self.details_label.setVisible(bool(self._idle_text))
        self.setToolTip(self._idle_text)
        self._fit_text()

    # ------------------------------------------------------------------ public

    def show_message(self, message: ConflictMessage, *, auto_hide: bool = True) -> None:
        self._message = message
        background, accent, ink = _TONES[message.tone]
        self.setStyleSheet(
            f"QFrame#conflictBanner {{ background: {background}; border: 1px solid {accent}33;"
            f" border-left: 5px solid {accent}; border-radius: 4px; }}"
            f" QFrame#conflictBanner QLabel {{ background: transparent; border: none; }}"
            f" QFrame#conflictBanner QToolButton {{ border: none; color: {ink}; }}"
        )
        self.headline_label.setStyleSheet(f"color: {ink};")
        self.details_label.setStyleSheet("color: #33373C;")
        self.close_button.show()
        self.headline_label.setText(message.headline)
        self.details_label.setText("\n".join(message.details))
        self.details_label.setVisible(bool(message.details))
        self.setToolTip(message.text)
        self._fit_text()
        self.show()
        if auto_hide:
            self._timer.start()
        else:
            self._timer.stop()

    def show_conflict(
        self,
        failures: Sequence[SeatFailure],
        report: ConcurrencyReport | None,
        *,
        kept: Sequence[str] = (),
        my_counter: str | None = None,
    ) -> ConflictMessage:
        message = describe_conflict(failures, report, kept=kept, my_counter=my_counter)
        self.show_message(message)
        return message

    def message(self) -> ConflictMessage | None:
        if self._reserve:
            return self._message
        return self._message if self.isVisible() or not self.isHidden() else None

    def text(self) -> str:
        """Headline and details of the message shown ("" when there is none)."""
        if self._message is None or (self.isHidden() and not self._reserve):
            return ""
        return self._message.text

    def is_showing(self) -> bool:
        """A message is shown (not only the idle hint of a reserved place)."""
        return self._message is not None and not self.isHidden()

    def dismiss(self) -> None:
        self._timer.stop()
        if self._reserve:
            had = self._message is not None
            self._message = None
            self._show_idle()
            if had:
                self.dismissed.emit()
            return
        if not self.isHidden():
            self.hide()
            self.dismissed.emit()

    def _fit_text(self) -> None:
        """In a reserved place: the message cut to its lines (the tooltip has all of it)."""
        if not self._reserve:
            return
        for label in (self.headline_label, self.details_label):
            label.ensurePolished()  # the style sheet's font, the one that will be drawn
        # From the banner's own width: in its resizeEvent the labels are not laid out yet.
        layout = self.layout()
        assert layout is not None
        margins = layout.contentsMargins()
        width = max(
            80,
            self.contentsRect().width()
            - margins.left()
            - margins.right()
            - layout.spacing()
            - self.close_button.sizeHint().width(),
        )
        message = self._message
        if message is None:
            headline, details = "", self._idle_text
        else:
            headline, details = message.headline, "\n".join(message.details)
        bold = QFontMetrics(self.headline_label.font())
        plain = QFontMetrics(self.details_label.font())
        head_text = elide_lines(headline, bold, width, HEADLINE_LINES)
        head_lines = wrapped_lines(head_text, bold, width)
        lines = DETAIL_LINES + HEADLINE_LINES - head_lines
        self.headline_label.setText(head_text)
        self.details_label.setText(elide_lines(details, plain, width, lines))
        self.headline_label.setVisible(bool(headline))
        self.headline_label.setFixedHeight(max(1, head_lines) * line_height(bold))
        self.details_label.setMaximumHeight(max(1, lines) * line_height(plain))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_text()

    def auto_hide_pending(self) -> bool:
        return self._timer.isActive()

    # ------------------------------------------------------------------ events

    def enterEvent(self, event: QEnterEvent) -> None:
        if self._timer.isActive():
            self._timer.start()  # restart: do not vanish while being read
        super().enterEvent(event)

    def leaveEvent(self, event: QEvent) -> None:
        if self._timer.isActive():
            self._timer.start()
        super().leaveEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.dismiss()
            event.accept()
            return
        super().keyPressEvent(event)

    # ------------------------------------------------------------------ slots

    @Slot()
    def _on_close_button_clicked(self) -> None:
        self.dismiss()

    @Slot()
    def _on_timer_timeout(self) -> None:
        self.dismiss()


__all__ = ["AUTO_HIDE_MS", "ConflictBannerWidget"]
