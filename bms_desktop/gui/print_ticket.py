"""The ticket: A6 landscape (148 x 105 mm), drawn like a cinema ticket: a header band with the
cinema, the movie in large type, date / time / screen / seats, a perforation, and a stub with a QR
code of the ticket code and the code itself in large type. Times in the cinema's time zone.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import QMarginsF, QPointF, Qt
from PySide6.QtGui import QColor, QPageLayout, QPageSize, QPainterPath, QPen

from bms_desktop.domain import cinema_time
from bms_desktop.domain.model import TicketStatus
from bms_desktop.domain.ticket_types import DEFAULT_TYPE
from bms_desktop.gui.formatting import money, payment_mode, status_text
from bms_desktop.gui.print_canvas import (
    BRAND,
    BRAND_DARK,
    INK,
    MUTED,
    PAPER,
    RULE,
    STAMP,
    STUB,
    TICKET_TINT,
    Canvas,
    pdf,
    pfont,
)
from bms_desktop.services.dto import BookingView, PriceLine
from bms_desktop.services.price_lines import type_title

TICKET_W, TICKET_H = 148.0, 105.0
EDGE = 4.0  # white margin around the ticket shape on the page
SPLIT = 102.0  # x of the perforation
NOTCH = 3.2  # radius of the half-circle notches at the perforation
BAND = 17.0  # height of the header band


def _ticket_shape(c: Canvas) -> QPainterPath:
    shape = c.rounded(EDGE, EDGE, TICKET_W - 2 * EDGE, TICKET_H - 2 * EDGE, 3.0)
    for cy in (EDGE, TICKET_H - EDGE):
        notch = QPainterPath()
        notch.addEllipse(QPointF(SPLIT * c.k, cy * c.k), NOTCH * c.k, NOTCH * c.k)
        shape = shape.subtracted(notch)
    return shape


def _field(c: Canvas, x: float, y: float, w: float, caption: str, value: str, size: float) -> None:
    """A caption over a bold value; a value too long for one line at 9.5 pt wraps onto two."""
    c.text(x, y, w, 4, caption.upper(), pfont(6.5, bold=True), MUTED)
    font = c.fit(value, w, size, 9.5, bold=True)
    if c.text_width(value, font) <= w:
        c.text(x, y + 4, w, 8, value, font, INK)
    else:
        c.text(
            x,
            y + 4.3,
            w,
            9,
            value,
            pfont(8.5, bold=True),
            INK,
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop,
            wrap=True,
            elide=False,
        )


def _fitted_line(
    c: Canvas,
    x: float,
    y: float,
    w: float,
    h: float,
    texts: Sequence[str],
    size: float,
    minimum: float,
    colour: QColor,
    *,
    bold: bool = False,
) -> None:
    """The first of ``texts`` (longest form first) that fits ``w`` at ``minimum`` pt or more;
    the last one elided when none does."""
    for text in texts:
        font = c.fit(text, w, size, minimum, bold=bold)
        if c.text_width(text, font) <= w:
            c.text(x, y, w, h, text, font, colour)
            return
    c.text(x, y, w, h, texts[-1], pfont(minimum, bold=bold), colour, elide=True)


def render_ticket(
    booking: BookingView, path: Path, *, reprint: bool = False, printed_at: datetime
) -> Path:
    show = booking.show
    starts, tz = show.starts_at, show.timezone
    layout = QPageLayout(
        QPageSize(QPageSize.PageSizeId.A6),
        QPageLayout.Orientation.Landscape,
        QMarginsF(0, 0, 0, 0),
        QPageLayout.Unit.Millimeter,
    )
    seats = len(booking.seat_labels)
    with pdf(path, layout, f"Ticket {booking.code}") as c:
        shape = _ticket_shape(c)
        c.fill(shape, TICKET_TINT)
        left = EDGE
        right = TICKET_W - EDGE
        # Header bands: brand blue over the body, amber over the stub.
        band_body = QPainterPath()
        band_body.addRect(c.r(left, EDGE, SPLIT - left, BAND))
        band_stub = QPainterPath()
        band_stub.addRect(c.r(SPLIT, EDGE, right - SPLIT, BAND))
        c.fill(shape.intersected(band_body), BRAND)
        c.fill(shape.intersected(band_stub), STUB)
        c.p.setPen(QPen(RULE, 0.3 * c.k))
        c.p.setBrush(Qt.BrushStyle.NoBrush)
        c.p.drawPath(shape)

        x0 = left + 6
        body_w = SPLIT - x0 - 6
        title_w = body_w - (24 if reprint else 0)
        c.text(
            x0,
            EDGE + 2.2,
            title_w,
            7.5,
            show.theater_name,
            c.fit(show.theater_name, title_w, 13, 9, bold=True),
            PAPER,
            elide=True,
        )
        c.text(
            x0, EDGE + 9.3, title_w, 5.5, show.city_name, pfont(8.5), QColor("#DCE7F7"), elide=True
        )
        if reprint:
            pill = c.rounded(SPLIT - 6 - 22, EDGE + 5.5, 22, 6, 3)
            c.fill(pill, BRAND_DARK)
            c.text(
                SPLIT - 6 - 22,
                EDGE + 5.5,
                22,
                6,
                "DUPLICATE",
                pfont(6.5, bold=True),
                PAPER,
                Qt.AlignmentFlag.AlignCenter,
            )
        c.text(
            SPLIT,
            EDGE,
            right - SPLIT,
            BAND,
            f"ADMIT {seats}",
            pfont(12, bold=True),
            PAPER,
            Qt.AlignmentFlag.AlignCenter,
        )

        # The movie.
        y = EDGE + BAND + 4
        c.text(
            x0,
            y,
            body_w,
            10,
            show.movie_title,
            c.fit(show.movie_title, body_w, 19, 12, bold=True),
            INK,
            elide=True,
        )
        details = "  ·  ".join(
            part
            for part in (
                show.certificate,
                show.language,
                show.format,
                f"{show.runtime_min // 60}h {show.runtime_min % 60:02d}m",
                show.genre,
            )
            if part
        )
        c.text(x0, y + 10, body_w, 5, details, pfont(8.5), MUTED, elide=True)

        # Date, time, screen.
        y += 19
        date_w, time_w, gap = 27.0, 15.0, 3.0
        _field(c, x0, y, date_w, "Date", cinema_time.day(starts, tz), 12)
        _field(c, x0 + date_w + gap, y, time_w, "Time", cinema_time.clock(starts, tz), 12)
        screen_x = x0 + date_w + time_w + 2 * gap
        _field(c, screen_x, y, x0 + body_w - screen_x, "Screen", show.screen_name, 12)

        # Seats, in the largest type that fits.
        y += 15
        seat_text = _seat_text(booking)
        c.text(
            x0,
            y,
            body_w,
            4,
            ("Seat" if seats == 1 else f"{seats} seats").upper(),
            pfont(6.5, bold=True),
            MUTED,
        )
        seat_font = c.fit(seat_text, body_w, 20, 11, bold=True)
        if c.text_width(seat_text, seat_font) <= body_w:
            c.text(x0, y + 4, body_w, 10, seat_text, seat_font, INK)
        else:
            c.text(
                x0,
                y + 4,
                body_w,
                12,
                seat_text,
                pfont(10.5, bold=True),
                INK,
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop,
                wrap=True,
            )

        # Price per seat type, coupon, total and payment.
        y += 18
        c.line(x0, y, x0 + body_w, y, RULE, 0.25)
        total_text = f"Total {money(booking.total)}"
        total_font = pfont(11, bold=True)
        total_w = c.text_width(total_text, total_font) + 1
        _fitted_line(
            c, x0, y + 1.2, body_w - total_w - 2, 6, _price_summaries(booking), 8.5, 7, INK
        )
        c.text(
            x0 + body_w - total_w,
            y + 1.2,
            total_w,
            6,
            total_text,
            total_font,
            INK,
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
        )
        _fitted_line(c, x0, y + 7, body_w, 5, [_payment_summary(booking)], 8, 6.5, MUTED)
        sold_by = booking.counter + (f", {booking.clerk}" if booking.clerk else "")
        _fitted_line(
            c,
            x0,
            TICKET_H - EDGE - 7.5,
            body_w,
            5,
            [
                f"{booking.code}  ·  {sold_by}  ·  printed {cinema_time.stamp(printed_at, tz)}",
                f"{sold_by}  ·  printed {cinema_time.stamp(printed_at, tz)}",
            ],
            6.5,
            5.5,
            MUTED,
        )

        # Perforation.
        c.line(
            SPLIT,
            EDGE + NOTCH + 1.5,
            SPLIT,
            TICKET_H - EDGE - NOTCH - 1.5,
            MUTED,
            0.35,
            dash=(0.01, 1.6),
        )

        # Stub: QR code, the code in large type, when and where.
        stub_x = SPLIT + 3
        stub_w = right - SPLIT - 6
        qr_size = min(stub_w, 30.0)
        qr_y = EDGE + BAND + 3
        c.qr(booking.code, stub_x + (stub_w - qr_size) / 2, qr_y, qr_size)
        y = qr_y + qr_size + 1.5
        c.text(
            stub_x,
            y,
            stub_w,
            4,
            "TICKET CODE",
            pfont(6, bold=True),
            MUTED,
            Qt.AlignmentFlag.AlignCenter,
        )
        c.text(
            stub_x,
            y + 4,
            stub_w,
            7,
            booking.code,
            c.fit(booking.code, stub_w, 12.5, 7, bold=True, mono=True),
            INK,
            Qt.AlignmentFlag.AlignCenter,
        )
        y += 13
        c.text(
            stub_x,
            y,
            stub_w,
            5,
            f"{cinema_time.day(starts, tz)}  ·  {cinema_time.clock(starts, tz)}",
            pfont(8, bold=True),
            INK,
            Qt.AlignmentFlag.AlignCenter,
        )
        c.text(
            stub_x,
            y + 5,
            stub_w,
            5,
            show.screen_name,
            c.fit(show.screen_name, stub_w, 7.5, 6),
            MUTED,
            Qt.AlignmentFlag.AlignCenter,
            elide=True,
        )
        c.text(
            stub_x,
            y + 10,
            stub_w,
            6,
            seat_text,
            c.fit(seat_text, stub_w, 9, 6, bold=True),
            INK,
            Qt.AlignmentFlag.AlignCenter,
            elide=True,
        )

        if booking.status != TicketStatus.CONFIRMED:
            stamp_word(c, status_text(booking.status).upper())
    return path


def stamp_word(c: Canvas, word: str) -> None:
    """A rotated rubber stamp across the ticket for a booking that is not valid."""
    c.p.save()
    c.p.translate(TICKET_W / 2 * c.k, TICKET_H / 2 * c.k)
    c.p.rotate(-18)
    c.p.setOpacity(0.85)
    font = pfont(30, bold=True)
    width = c.text_width(word, font) + 10
    c.p.setPen(QPen(STAMP, 1.0 * c.k))
    c.p.setBrush(Qt.BrushStyle.NoBrush)
    c.p.drawRoundedRect(c.r(-width / 2, -9, width, 18), 2 * c.k, 2 * c.k)
    c.text(-width / 2, -9, width, 18, word, font, STAMP, Qt.AlignmentFlag.AlignCenter)
    c.p.restore()


def _price_summaries(booking: BookingView) -> list[str]:
    """Longest form first: ``2 × Platinum ₹234.00 + 1 × Platinum Child ₹175.50``, then
    ``2 Platinum, 1 Platinum Child`` (a ticket type other than Adult is named, issue 8)."""
    groups: dict[tuple[str, str], int] = {}
    for line in booking.lines:
        key = (_kind(line), money(line.price))
        groups[key] = groups.get(key, 0) + 1
    by_type: dict[str, int] = {}
    for (kind, _price), n in groups.items():
        by_type[kind] = by_type.get(kind, 0) + n
    return [
        " + ".join(f"{n} × {kind} {price}" for (kind, price), n in groups.items()),
        ", ".join(f"{n} {kind}" for kind, n in by_type.items()),
    ]


def _seat_text(booking: BookingView) -> str:
    """``A1, A2, A3``; with ticket types other than Adult, each seat's: ``A1, A2 Adult · A3
    Child`` (issue 8: the door and the customer see which seat is whose)."""
    types = {line.label: line.ticket_type or DEFAULT_TYPE for line in booking.lines}
    if all(types.get(label, DEFAULT_TYPE) == DEFAULT_TYPE for label in booking.seat_labels):
        return ", ".join(booking.seat_labels)
    groups: dict[str, list[str]] = {}
    for label in booking.seat_labels:
        groups.setdefault(type_title(types.get(label, DEFAULT_TYPE)), []).append(label)
    return " · ".join(f"{', '.join(labels)} {name}" for name, labels in groups.items())


def _kind(line: PriceLine) -> str:
    """``Platinum``, or ``Platinum Child`` for a seat sold as a ticket type other than Adult."""
    code = line.ticket_type or DEFAULT_TYPE
    return line.seat_type.title() + ("" if code == DEFAULT_TYPE else f" {type_title(code)}")


def _payment_summary(booking: BookingView) -> str:
    """``Coupon FLAT50 −₹50.00  ·  Paid by Cash: tendered ₹500.00, change ₹82.00``."""
    parts: list[str] = []
    if booking.discount:
        parts.append(
            f"Coupon {booking.coupon_code or ''} −{money(booking.discount)}".replace("  ", " ")
        )
    paid = [p for p in booking.payments if p.kind == "PAYMENT" and p.status == "SUCCESS"]
    if paid:
        pay = paid[-1]
        text = f"Paid by {payment_mode(pay.mode)}"
        if pay.tendered is not None:
            text += f": tendered {money(pay.tendered)}"
            if pay.change_due is not None:
                text += f", change {money(pay.change_due)}"
        parts.append(text)
    refunds = [p for p in booking.payments if p.kind == "REFUND" and p.status == "SUCCESS"]
    if refunds:
        parts.append(f"Refunded {money(sum((p.amount for p in refunds), start=Decimal(0)))}")
    if not paid:
        parts.append(status_text(booking.status))
    return "  ·  ".join(parts)


__all__ = ["TICKET_H", "TICKET_W", "render_ticket", "stamp_word"]
