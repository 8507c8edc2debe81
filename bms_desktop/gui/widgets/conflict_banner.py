"""A calm banner above the seat map that says in plain words what just happened and why.

Built from ``conflict_text.ConflictMessage`` (headline + details + tone). It stays until it is
dismissed (the x button, Escape while it has the focus) or, by default, for 25 seconds; the time
is restarted while the mouse is over it, so nobody loses a message while reading it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from PySide6.QtCore import QEvent, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QEnterEvent, QFont, QKeyEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton, QVBoxLayout, QWidget

from bms_desktop.domain.errors import SeatFailure
from bms_desktop.gui.conflict_text import ConflictMessage, Tone, describe_conflict
from bms_desktop.services.dto import ConcurrencyReport

AUTO_HIDE_MS: Final = 25_000

_TONES: Final[dict[Tone, tuple[str, str, str]]] = {
    # background, accent bar, headline ink
    Tone.CONFLICT: ("#FFF5E8", "#D55E00", "#5A2A00"),
    Tone.INFO: ("#EEF4FA", "#0072B2", "#123A57"),
    Tone.SUCCESS: ("#EAF6F1", "#009E73", "#0B4A38"),
}


class ConflictBannerWidget(QFrame):
    """Signals: dismissed(): the clerk closed it, or it hid itself after a while."""

    dismissed = Signal()

    def __init__(self, parent: QWidget | None = None, *, auto_hide_ms: int = AUTO_HIDE_MS) -> None:
        super().__init__(parent)
        self.setObjectName("conflictBanner")
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.setAccessibleName("Message")
        self._message: ConflictMessage | None = None

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
        self.hide()

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
        self.headline_label.setText(message.headline)
        self.details_label.setText("\n".join(message.details))
        self.details_label.setVisible(bool(message.details))
        self.setToolTip(message.text)
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
        return self._message if self.isVisible() or not self.isHidden() else None

    def text(self) -> str:
        """Headline and details as shown ("" when hidden)."""
        if self.isHidden() or self._message is None:
            return ""
        return self._message.text

    def dismiss(self) -> None:
        self._timer.stop()
        if not self.isHidden():
            self.hide()
            self.dismissed.emit()

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
