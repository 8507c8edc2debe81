"""The big outcome panel of the Door window: readable from a metre away, and not by colour alone.

Each outcome has a colour, an icon drawn with QPainter (a tick, a cross, a clock...) and a word in
large type; refusals are also hatched with broad diagonal stripes, so ADMIT and a refusal differ
in shape and texture for an usher who cannot tell green from red. Below the word: how many people,
which seats, the show, the ticket types, and what to do.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetrics,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QResizeEvent,
)
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from bms_desktop.domain import cinema_time
from bms_desktop.services.door_views import DoorShow, ScanResult


def _show_clock(at: datetime, show: DoorShow) -> str:
    return cinema_time.clock(at, show.timezone)


@dataclass(frozen=True, slots=True)
class OutcomeStyle:
    word: str
    background: str
    foreground: str
    icon: str  # tick, cross, arrow, clock, ended, ban, question, bolt, dots, scan
    hatched: bool  # refusals: broad diagonal stripes over the colour


# Kinds: the ScanOutcome values, and the window's own READY, CHECKING, UNDONE, UNCERTAIN, BUSY
# and REFUSED.
STYLES: Final[dict[str, OutcomeStyle]] = {
    "READY": OutcomeStyle("READY", "#FFFFFF", "#2B3036", "scan", False),
    "CHECKING": OutcomeStyle("CHECKING…", "#E8EBEF", "#2B3036", "dots", False),
    "UNDONE": OutcomeStyle("UNDONE", "#FFFFFF", "#2B3036", "scan", False),
    "ADMIT": OutcomeStyle("ADMIT", "#137A45", "#FFFFFF", "tick", False),
    "ALREADY_ADMITTED": OutcomeStyle("ALREADY ADMITTED", "#B3261E", "#FFFFFF", "cross", True),
    "WRONG_SHOW": OutcomeStyle("WRONG SHOW", "#B85400", "#FFFFFF", "arrow", True),
    "NOT_YET": OutcomeStyle("NOT YET", "#1F5FAD", "#FFFFFF", "clock", True),
    "SHOW_ENDED": OutcomeStyle("SHOW ENDED", "#5B4A8B", "#FFFFFF", "ended", True),
    "CANCELLED": OutcomeStyle("CANCELLED", "#8E1B5A", "#FFFFFF", "ban", True),
    "REFUNDED": OutcomeStyle("REFUNDED", "#8E1B5A", "#FFFFFF", "ban", True),
    "NOT_PAID": OutcomeStyle("NOT PAID", "#8E1B5A", "#FFFFFF", "ban", True),
    "TOO_MANY": OutcomeStyle("TOO MANY PEOPLE", "#0B6E72", "#FFFFFF", "ban", True),
    "UNKNOWN_CODE": OutcomeStyle("UNKNOWN CODE", "#3D434B", "#FFFFFF", "question", True),
    "REFUSED": OutcomeStyle("NOT ADMITTED", "#5F6670", "#FFFFFF", "ban", True),
    "CONNECTION_LOST": OutcomeStyle("NOT ADMITTED", "#1F2328", "#FFD23F", "bolt", True),
    "BUSY": OutcomeStyle("NOT ADMITTED", "#1F2328", "#FFD23F", "bolt", True),
    "UNCERTAIN": OutcomeStyle("WAIT — CHECKING", "#8A5A00", "#FFFFFF", "dots", True),
}


def style_for(kind: str) -> OutcomeStyle:
    return STYLES.get(kind, STYLES["UNKNOWN_CODE"])


class OutcomeIcon(QWidget):
    """A large icon drawn with lines (no font glyphs: the same on every machine)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._icon = "scan"
        self._colour = QColor("#2B3036")
        self.setFixedSize(QSize(132, 132))

    def set_icon(self, icon: str, colour: str) -> None:
        self._icon = icon
        self._colour = QColor(colour)
        self.update()

    def icon(self) -> str:
        return self._icon

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        side = min(self.width(), self.height()) - 8
        box = QRectF((self.width() - side) / 2, (self.height() - side) / 2, side, side)
        pen = QPen(self._colour, side * 0.09)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        p.setPen(pen)
        p.setBrush(Qt.BrushStyle.NoBrush)
        inner = box.adjusted(side * 0.06, side * 0.06, -side * 0.06, -side * 0.06)
        draw = _PAINTERS.get(self._icon, _question)
        draw(p, inner, pen)
        p.end()


def _at(r: QRectF, fx: float, fy: float) -> QPointF:
    return QPointF(r.x() + r.width() * fx, r.y() + r.height() * fy)


def _tick(p: QPainter, r: QRectF, _pen: QPen) -> None:
    p.drawEllipse(r)
    path = QPainterPath(_at(r, 0.27, 0.52))
    path.lineTo(_at(r, 0.44, 0.69))
    path.lineTo(_at(r, 0.74, 0.34))
    p.drawPath(path)


def _cross(p: QPainter, r: QRectF, _pen: QPen) -> None:
    p.drawEllipse(r)
    p.drawLine(_at(r, 0.32, 0.32), _at(r, 0.68, 0.68))
    p.drawLine(_at(r, 0.68, 0.32), _at(r, 0.32, 0.68))


def _arrow(p: QPainter, r: QRectF, _pen: QPen) -> None:
    path = QPainterPath(_at(r, 0.15, 0.8))
    path.lineTo(_at(r, 0.15, 0.45))
    path.lineTo(_at(r, 0.8, 0.45))
    p.drawPath(path)
    head = QPainterPath(_at(r, 0.62, 0.25))
    head.lineTo(_at(r, 0.84, 0.45))
    head.lineTo(_at(r, 0.62, 0.65))
    p.drawPath(head)


def _clock(p: QPainter, r: QRectF, _pen: QPen) -> None:
    p.drawEllipse(r)
    p.drawLine(_at(r, 0.5, 0.5), _at(r, 0.5, 0.22))
    p.drawLine(_at(r, 0.5, 0.5), _at(r, 0.7, 0.62))


def _ended(p: QPainter, r: QRectF, _pen: QPen) -> None:
    # An hourglass that has run out.
    path = QPainterPath(_at(r, 0.22, 0.1))
    path.lineTo(_at(r, 0.78, 0.1))
    path.lineTo(_at(r, 0.5, 0.5))
    path.lineTo(_at(r, 0.78, 0.9))
    path.lineTo(_at(r, 0.22, 0.9))
    path.lineTo(_at(r, 0.5, 0.5))
    path.closeSubpath()
    p.drawPath(path)
    p.drawLine(_at(r, 0.36, 0.8), _at(r, 0.64, 0.8))


def _ban(p: QPainter, r: QRectF, _pen: QPen) -> None:
    p.drawEllipse(r)
    d = 0.5 - 0.5 / math.sqrt(2)
    p.drawLine(_at(r, d, d), _at(r, 1 - d, 1 - d))


def _question(p: QPainter, r: QRectF, pen: QPen) -> None:
    p.drawEllipse(r)
    path = QPainterPath(_at(r, 0.36, 0.38))
    path.cubicTo(_at(r, 0.36, 0.2), _at(r, 0.66, 0.2), _at(r, 0.64, 0.38))
    path.cubicTo(_at(r, 0.62, 0.5), _at(r, 0.5, 0.5), _at(r, 0.5, 0.6))
    p.drawPath(path)
    p.setBrush(pen.color())
    p.drawPoint(_at(r, 0.5, 0.76))


def _bolt(p: QPainter, r: QRectF, _pen: QPen) -> None:
    path = QPainterPath(_at(r, 0.58, 0.05))
    path.lineTo(_at(r, 0.28, 0.55))
    path.lineTo(_at(r, 0.52, 0.55))
    path.lineTo(_at(r, 0.42, 0.95))
    path.lineTo(_at(r, 0.74, 0.42))
    path.lineTo(_at(r, 0.5, 0.42))
    path.closeSubpath()
    p.drawPath(path)


def _dots(p: QPainter, r: QRectF, _pen: QPen) -> None:
    for fx in (0.25, 0.5, 0.75):
        p.drawPoint(_at(r, fx, 0.5))


def _scan(p: QPainter, r: QRectF, _pen: QPen) -> None:
    # Corners of a viewfinder and a line across it.
    for fx, fy, dx, dy in (
        (0.1, 0.1, 1, 1),
        (0.9, 0.1, -1, 1),
        (0.1, 0.9, 1, -1),
        (0.9, 0.9, -1, -1),
    ):
        corner = _at(r, fx, fy)
        p.drawLine(corner, corner + QPointF(dx * r.width() * 0.22, 0))
        p.drawLine(corner, corner + QPointF(0, dy * r.height() * 0.22))
    p.drawLine(_at(r, 0.22, 0.5), _at(r, 0.78, 0.5))


_PAINTERS = {
    "tick": _tick,
    "cross": _cross,
    "arrow": _arrow,
    "clock": _clock,
    "ended": _ended,
    "ban": _ban,
    "question": _question,
    "bolt": _bolt,
    "dots": _dots,
    "scan": _scan,
}


def headline_of(result: ScanResult) -> tuple[str, str]:
    """The line under the word (what matters most for this outcome) and a line of facts."""
    seats = ", ".join(result.seats)
    seat_text = f"Seats {seats}" if seats else ""
    show = result.show
    match result.outcome.value:
        case "ADMIT":
            n = result.people_now
            of = f" of {result.seat_count}" if n != result.seat_count else ""
            head = f"{n}{of} {'person' if n == 1 else 'people'}"
            return " · ".join(x for x in (head, seat_text) if x), result.ticket_types_text()
        case "ALREADY_ADMITTED" if result.admissions:
            last = result.admissions[-1]
            head = f"{last.door} · {cinema_time.clock(last.at, last.timezone)} · {last.by}"
            left = result.people_left
            count = f"{result.admitted_total} of {result.seat_count} in"
            if left:
                count += f", {left} left"
            return head, " · ".join(x for x in (count, seat_text) if x)
        case "WRONG_SHOW" if show is not None:
            return f"Go to {show.screen_name} · {_show_clock(show.starts_at, show)}", seat_text
        case "NOT_YET" if show is not None:
            return f"Doors open at {_show_clock(show.doors_open_at, show)}", seat_text
        case "SHOW_ENDED" if show is not None:
            return f"Ended at {_show_clock(show.ends_at, show)}", seat_text
        case "CANCELLED" | "REFUNDED" | "NOT_PAID" | "UNKNOWN_CODE":
            return "Send the guest to the counter", seat_text
        case "TOO_MANY":
            return f"A ticket for {result.seat_count}", seat_text
    return "", seat_text


def _font(pixels: int, *, bold: bool = False) -> QFont:
    font = QFont()
    font.setPixelSize(pixels)
    font.setBold(bold)
    return font


class OutcomePanel(QFrame):
    """Shows one scan's outcome (``show_result``) or the window's own state (``show_state``)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("doorOutcomePanel")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumHeight(260)
        self._kind = "READY"
        self._style = STYLES["READY"]

        outer = QHBoxLayout(self)
        outer.setContentsMargins(32, 24, 32, 24)
        outer.setSpacing(28)
        self.icon = OutcomeIcon(self)
        outer.addWidget(self.icon, 0, Qt.AlignmentFlag.AlignTop)
        text = QVBoxLayout()
        text.setSpacing(8)
        outer.addLayout(text, 1)

        self.word_label = self._label("doorOutcomeWord", _font(56, bold=True))
        self.people_label = self._label("doorOutcomePeople", _font(30, bold=True))
        self.show_label = self._label("doorOutcomeShow", _font(22))
        self.types_label = self._label("doorOutcomeTypes", _font(20))
        self.message_label = self._label("doorOutcomeMessage", _font(19))
        self.code_label = self._label("doorOutcomeCode", _font(15))
        for label in (
            self.word_label,
            self.people_label,
            self.show_label,
            self.types_label,
            self.message_label,
        ):
            text.addWidget(label)
        text.addStretch(1)
        text.addWidget(self.code_label)
        self.show_state("READY", "Scan a ticket.", "")

    def _label(self, name: str, font: QFont) -> QLabel:
        label = QLabel(self)
        label.setObjectName(name)
        label.setFont(font)
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        return label

    # ------------------------------------------------------------------ public

    def kind(self) -> str:
        return self._kind

    def show_state(self, kind: str, headline: str, message: str, code: str = "") -> None:
        """READY, CHECKING, UNCERTAIN, CONNECTION_LOST, BUSY: no ticket details."""
        self._apply(kind)
        self.people_label.setText(headline)
        self.people_label.setVisible(bool(headline))
        for label in (self.show_label, self.types_label):
            label.clear()
            label.hide()
        self.message_label.setText(message)
        self.message_label.setVisible(bool(message))
        self.code_label.setText(code)

    def show_result(self, result: ScanResult) -> None:
        self._apply(result.outcome.value)
        headline, facts = headline_of(result)
        self.people_label.setText(headline)
        self.people_label.setVisible(bool(headline))
        show = result.show
        if show is not None:
            self.show_label.setText(
                f"{show.movie_title} ({show.certificate}) · {show.screen_name} · "
                f"{_show_clock(show.starts_at, show)} · {show.theater_name}"
            )
        self.show_label.setVisible(show is not None)
        self.types_label.setText(facts)
        self.types_label.setVisible(bool(facts))
        self.message_label.setText(result.message)
        self.message_label.setVisible(True)
        at = cinema_time.clock(result.at, result.timezone, seconds=True)
        self.code_label.setText(
            f"{result.code or result.scanned} · {result.door} · {at} · {result.usher}"
        )

    # ------------------------------------------------------------------ painting

    def _apply(self, kind: str) -> None:
        self._kind = kind
        self._style = style = style_for(kind)
        self.word_label.setText(style.word)
        self._fit_word()
        self.icon.set_icon(style.icon, style.foreground)
        sheet = f"QLabel {{ color: {style.foreground}; background: transparent; }}"
        if self.styleSheet() != sheet:  # re-polishing every label costs milliseconds
            self.setStyleSheet(sheet)
        self.setAccessibleName(style.word)
        self.update()

    def _fit_word(self) -> None:
        """The word on one line: the largest size up to 56 px that fits the panel's width."""
        room = max(200, self.width() - self.icon.width() - 110)
        word = self.word_label.text()
        for pixels in (56, 50, 44, 38, 34):
            font = _font(pixels, bold=True)
            if QFontMetrics(font).horizontalAdvance(word) <= room:
                break
        self.word_label.setFont(font)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_word()

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        rect = self.rect()
        p.fillRect(rect, QColor(self._style.background))
        if self._style.hatched:
            # Broad stripes, a few shades darker: a texture that says "refused" without colour.
            stripe = QColor(0, 0, 0, 34)
            p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            p.setPen(QPen(QBrush(stripe), 18))
            step = 56
            h = rect.height()
            for x in range(-h, rect.width() + h, step):
                p.drawLine(x, h, x + h, 0)
        else:
            p.setPen(QPen(QColor("#D5D9DF"), 1))
            p.drawRect(rect.adjusted(0, 0, -1, -1))
        p.end()
        super().paintEvent(event)


__all__ = ["STYLES", "OutcomeIcon", "OutcomePanel", "OutcomeStyle", "headline_of", "style_for"]
