"""A one-line label that may get narrower than its text: it then shows its short text (if it has
one and that fits) or ends in "…", and its tooltip says the whole text. For titles, captions and
status lines that must never push a window wider (two counters side by side on a small screen)
nor be cut off in the middle of a word.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QStyle, QStyleOption, QWidget

MIN_CHARS = 6  # the narrowest it gets: about this many characters and the ellipsis


class ElidedLabel(QLabel):
    """``text()`` is the whole text; what is painted is elided at the end to fit."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setWordWrap(False)
        self._own_tooltip = ""
        self._short_text = ""

    # ------------------------------------------------------------------ ours

    def set_tooltip_text(self, text: str) -> None:
        """A tooltip shown whether or not the text is elided (the whole text is added to it
        when it is)."""
        self._own_tooltip = text
        self._update_tooltip()

    def set_short_text(self, text: str) -> None:
        """What to show instead of the text when the text does not fit ("" for none)."""
        if text != self._short_text:
            self._short_text = text
            self._update_tooltip()
            self.update()

    def is_elided(self) -> bool:
        return self._elided(self.contentsRect().width()) != self.text()

    def displayed_text(self) -> str:
        return self._elided(self.contentsRect().width())

    # ------------------------------------------------------------------ Qt

    def setText(self, text: str) -> None:
        super().setText(text)
        self._update_tooltip()

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        fm = self.fontMetrics()
        margins = self.contentsMargins()
        narrow = fm.horizontalAdvance("M" * MIN_CHARS + "…") + margins.left() + margins.right()
        return QSize(min(hint.width(), narrow), hint.height())

    def resizeEvent(self, event: object) -> None:
        super().resizeEvent(event)  # type: ignore[arg-type]
        self._update_tooltip()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        try:
            option = QStyleOption()
            option.initFrom(self)
            self.style().drawPrimitive(QStyle.PrimitiveElement.PE_Widget, option, painter, self)
            rect = self.contentsRect()
            painter.setPen(self.palette().color(self.foregroundRole()))
            painter.setFont(self.font())
            align = self.alignment() | Qt.AlignmentFlag.AlignVCenter
            if not align & Qt.AlignmentFlag.AlignHorizontal_Mask:
                align |= Qt.AlignmentFlag.AlignLeft
            painter.drawText(rect, int(align), self._elided(rect.width()))
        finally:
            painter.end()

    # ------------------------------------------------------------------ internals

    def _elided(self, width: int) -> str:
        fm = self.fontMetrics()
        text = self.text()
        if fm.horizontalAdvance(text) <= width:
            return text
        if self._short_text and fm.horizontalAdvance(self._short_text) <= width:
            return self._short_text
        return fm.elidedText(text, Qt.TextElideMode.ElideRight, width)

    def _update_tooltip(self) -> None:
        parts = [self._own_tooltip] if self._own_tooltip else []
        if self.is_elided() and self.text() not in parts:
            parts.insert(0, self.text())
        tip = "\n".join(parts)
        if tip != self.toolTip():
            self.setToolTip(tip)


__all__ = ["ElidedLabel"]
