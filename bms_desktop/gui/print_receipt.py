"""The receipt and the refund slip: an 80 mm till roll, as long as its content. The receipt has
the price of every seat with the rule behind it, the coupon, the total, the payment (cash tendered
and change) and any refunds; the refund slip what was refunded, how, and who approved it. Times in
the cinema's time zone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Literal

from PySide6.QtCore import QMarginsF, QRectF, QSizeF, Qt
from PySide6.QtGui import QColor, QFont, QPageLayout, QPageSize
from PySide6.QtPrintSupport import QPrinter

from bms_desktop.domain import cinema_time
from bms_desktop.domain.model import TicketStatus
from bms_desktop.domain.ticket_types import DEFAULT_TYPE
from bms_desktop.gui.formatting import money, payment_mode, status_text
from bms_desktop.gui.print_canvas import INK, MUTED, RULE, STAMP, Canvas, pdf, pfont
from bms_desktop.services.dto import BookingView, PaymentView
from bms_desktop.services.price_lines import ticket_price_line, type_title
from bms_desktop.services.receipts import header_lines, tax_text  # issue 11

RECEIPT_WIDTH_MM = 80.0
RECEIPT_MIN_HEIGHT_MM = 120.0

RowKind = Literal["center", "pair", "wrap", "rule", "qr", "space"]


@dataclass(frozen=True)
class _Row:
    kind: RowKind
    left: str = ""
    right: str = ""
    font: QFont | None = None
    right_font: QFont | None = None
    colour: QColor = field(default_factory=lambda: QColor(INK))
    indent: float = 0.0
    size: float = 0.0  # qr: square size; space: height (mm)


MARGIN = 5.0
CONTENT_W = RECEIPT_WIDTH_MM - 2 * MARGIN
ROW_GAP = 0.8


def _receipt_rows(booking: BookingView, reprint: bool, printed_at: datetime) -> list[_Row]:
    show = booking.show
    tz = show.timezone
    starts = show.starts_at
    small = pfont(7)
    body = pfont(8.5)
    bold = pfont(8.5, bold=True)
    code_font = pfont(8.5, bold=True, mono=True)
    rows: list[_Row] = [
        _Row("center", show.theater_name, font=pfont(12, bold=True)),
        _Row("center", show.city_name, font=small, colour=MUTED),
        *_cinema_rows(booking, small),  # issue 11: address, phone, GSTIN
        _Row("space", size=1.5),
        _Row("center", "RECEIPT" + ("  (DUPLICATE)" if reprint else ""), font=bold),
        _Row("rule"),
        _Row("pair", "Ticket", booking.code, body, code_font),
        _Row(
            "pair",
            "Booked",
            cinema_time.stamp(booking.confirmed_at or booking.created_at, tz),
            body,
            body,
        ),
        _Row("pair", "Counter", booking.counter, body, body),
    ]
    if booking.clerk:
        rows.append(_Row("pair", "Clerk", booking.clerk, body, body))
    if booking.customer_name or booking.customer_phone:
        customer = " ".join(x for x in (booking.customer_name, booking.customer_phone) if x)
        rows.append(_Row("pair", "Customer", customer, body, body))
    rows += [
        _Row("rule"),
        _Row("wrap", show.movie_title, font=pfont(10, bold=True)),
        _Row("wrap", f"{cinema_time.full(starts, tz)}  ·  {show.screen_name}", font=body),
        _Row(
            "wrap",
            "  ·  ".join(x for x in (show.certificate, show.language, show.format) if x),
            font=small,
            colour=MUTED,
        ),
        _Row("rule"),
    ]
    for line in booking.lines:
        # The seat, its type and its ticket type (issue 8): "A3   Platinum · Child".
        code = line.ticket_type or DEFAULT_TYPE
        kind = line.seat_type.title() + ("" if code == DEFAULT_TYPE else f" · {type_title(code)}")
        rows.append(_Row("pair", f"{line.label}   {kind}", f"{line.price:,.2f}", body, body))
        if (
            line.explanation
            and line.explanation
            != ticket_price_line(line.label, line.seat_type, line.price, code).explanation
        ):
            rows.append(_Row("wrap", line.explanation, font=small, colour=MUTED, indent=4))
    rows += [_Row("rule"), _Row("pair", "Subtotal", f"{booking.subtotal:,.2f}", body, body)]
    if booking.discount:
        label = f"Coupon {booking.coupon_code}" if booking.coupon_code else "Discount"
        rows.append(_Row("pair", label, f"−{booking.discount:,.2f}", body, body))
    rows.append(
        _Row("pair", "TOTAL", money(booking.total), pfont(11, bold=True), pfont(11, bold=True))
    )
    for left, right in tax_text(booking.taxes):  # issue 11: the GST included, per rate
        rows.append(_Row("pair", left, right, small, small, colour=MUTED))
    payments = [p for p in booking.payments if p.status == "SUCCESS"]
    if payments:
        rows.append(_Row("rule"))
    refunded = sum((p.amount for p in payments if p.kind == "REFUND"), Decimal("0.00"))
    fee_shown = False
    for p in payments:
        mode = payment_mode(p.mode)
        if p.kind == "REFUND":
            fee = booking.total - refunded  # issue 11: once, over every part of a split refund
            if fee > 0 and not fee_shown:
                rows.append(_Row("pair", "Cancellation fee", f"{fee:,.2f}", body, body))
            fee_shown = True
            rows.append(_Row("pair", f"Refund to {mode}", f"−{p.amount:,.2f}", bold, bold))
            rows.append(
                _Row(
                    "wrap", cinema_time.stamp(p.created_at, tz), font=small, colour=MUTED, indent=4
                )
            )
            continue
        rows.append(_Row("pair", f"Paid by {mode}", f"{p.amount:,.2f}", body, body))
        if p.tendered is not None:
            rows.append(_Row("pair", "Cash tendered", f"{p.tendered:,.2f}", small, small, indent=4))
        if p.change_due is not None:
            rows.append(_Row("pair", "Change", f"{p.change_due:,.2f}", small, small, indent=4))
        if p.reference:
            rows.append(_Row("pair", "Reference", p.reference, small, small, indent=4))
    if booking.status != TicketStatus.CONFIRMED:
        rows += [
            _Row("space", size=1.5),
            _Row(
                "center",
                status_text(booking.status).upper(),
                font=pfont(11, bold=True),
                colour=STAMP,
            ),
        ]
    rows += [
        _Row("rule"),
        _Row("space", size=1.0),
        _Row("qr", booking.code, size=24.0),
        _Row("center", booking.code, font=pfont(11, bold=True, mono=True)),
        _Row("space", size=2.0),
        _Row(
            "center",
            f"Printed {cinema_time.stamp(printed_at, tz, label=True)}",
            font=small,
            colour=MUTED,
        ),
        _Row("center", "Thank you, and enjoy the show!", font=body),
    ]
    return rows


def _cinema_rows(booking: BookingView, font: QFont) -> list[_Row]:
    """Issue 11: the cinema's address, phone and GSTIN under its name (from its settings)."""
    return [
        _Row("center", text, font=font, colour=MUTED)
        for text in header_lines(booking.cinema, city=False)
    ]


def _row_height(c: Canvas, row: _Row) -> float:
    match row.kind:
        case "space":
            return row.size
        case "rule":
            return 3.0
        case "qr":
            return row.size + 1.0
        case "wrap":
            assert row.font is not None
            width = (CONTENT_W - row.indent) * c.k
            rect = c.metrics(row.font).boundingRect(
                QRectF(0, 0, width, 10_000), int(Qt.TextFlag.TextWordWrap), row.left
            )
            return rect.height() / c.k + ROW_GAP
        case _:
            fonts = [f for f in (row.font, row.right_font) if f is not None]
            return max(c.line_height(f) for f in fonts) + ROW_GAP


def _paint_row(c: Canvas, row: _Row, y: float, h: float) -> None:
    x = MARGIN + row.indent
    w = CONTENT_W - row.indent
    match row.kind:
        case "rule":
            c.line(MARGIN, y + h / 2, MARGIN + CONTENT_W, y + h / 2, RULE, 0.3, dash=(0.9, 0.9))
        case "qr":
            c.qr(row.left, MARGIN + (CONTENT_W - row.size) / 2, y, row.size)
        case "center":
            assert row.font is not None
            c.text(x, y, w, h, row.left, row.font, row.colour, Qt.AlignmentFlag.AlignCenter)
        case "wrap":
            assert row.font is not None
            c.text(
                x,
                y,
                w,
                h,
                row.left,
                row.font,
                row.colour,
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop,
                wrap=True,
            )
        case "pair":
            assert row.font is not None and row.right_font is not None
            right_w = min(c.text_width(row.right, row.right_font) + 0.5, w * 0.7)
            c.text(x, y, w - right_w - 1, h, row.left, row.font, row.colour, elide=True)
            c.text(
                x + w - right_w,
                y,
                right_w,
                h,
                row.right,
                row.right_font,
                row.colour,
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                elide=True,
            )
        case _:
            pass


def render_receipt(
    booking: BookingView, path: Path, *, reprint: bool = False, printed_at: datetime
) -> Path:
    return _render_roll(
        _receipt_rows(booking, reprint, printed_at), path, f"Receipt {booking.code}"
    )


def _refund_rows(
    booking: BookingView, refund: PaymentView, printed_at: datetime, *, copy: bool
) -> list[_Row]:
    show = booking.show
    tz = show.timezone
    small = pfont(7)
    body = pfont(8.5)
    bold = pfont(8.5, bold=True)
    code_font = pfont(8.5, bold=True, mono=True)
    # issue 11: a split payment is refunded in parts (one REFUND row each, written together)
    parts = [
        p
        for p in booking.payments
        if p.kind == "REFUND" and p.status == "SUCCESS" and p.created_at == refund.created_at
    ] or [refund]
    fee = booking.total - sum((p.amount for p in parts), Decimal("0.00"))
    rows: list[_Row] = [
        _Row("center", show.theater_name, font=pfont(12, bold=True)),
        _Row("center", show.city_name, font=small, colour=MUTED),
        *_cinema_rows(booking, small),  # issue 11: address, phone, GSTIN
        _Row("space", size=1.5),
        _Row("center", "REFUND SLIP" + ("  (COPY)" if copy else ""), font=bold),
        _Row("rule"),
        _Row("pair", "Ticket", booking.code, body, code_font),
        _Row("pair", "Cancelled", cinema_time.stamp(refund.created_at, tz, label=True), body, body),
        _Row("pair", "Counter", booking.counter, body, body),
        _Row("pair", "Approved by", refund.approved_by or "a supervisor", body, bold),
    ]
    if booking.customer_name or booking.customer_phone:
        customer = " ".join(x for x in (booking.customer_name, booking.customer_phone) if x)
        rows.append(_Row("pair", "Customer", customer, body, body))
    rows += [
        _Row("rule"),
        _Row("wrap", show.movie_title, font=pfont(10, bold=True)),
        _Row("wrap", f"{cinema_time.full(show.starts_at, tz)}  ·  {show.screen_name}", font=body),
        _Row("wrap", f"Seats {', '.join(booking.seat_labels)}: back on sale", font=body),
        _Row("rule"),
        _Row("pair", "Paid", f"{booking.total:,.2f}", body, body),
    ]
    if fee > 0:
        rows.append(_Row("pair", "Cancellation fee", f"−{fee:,.2f}", body, body))
    for part in parts:
        rows.append(
            _Row(
                "pair",
                f"REFUND to {payment_mode(part.mode)}",
                money(part.amount),
                pfont(11, bold=True),
                pfont(11, bold=True),
            )
        )
    if refund.reference:
        rows.append(_Row("pair", "Reason", refund.reference, small, small, indent=4))
    rows += [
        _Row("rule"),
        _Row("space", size=1.0),
        _Row("qr", booking.code, size=20.0),
        _Row("center", booking.code, font=pfont(11, bold=True, mono=True)),
        _Row("space", size=2.0),
        _Row(
            "center",
            f"Printed {cinema_time.stamp(printed_at, tz, label=True)}",
            font=small,
            colour=MUTED,
        ),
        _Row("center", "Customer's signature: ____________________", font=small, colour=MUTED),
    ]
    return rows


def render_refund_slip(
    booking: BookingView, refund: PaymentView, path: Path, *, printed_at: datetime, copy: bool
) -> Path:
    """The slip the customer signs for a refund: what was paid, the fee, what goes back and how,
    who approved it."""
    rows = _refund_rows(booking, refund, printed_at, copy=copy)
    return _render_roll(rows, path, f"Refund {booking.code}")


def _render_roll(rows: list[_Row], path: Path, title: str) -> Path:
    # Measure first, on a printer of the same resolution: the roll is as long as its content.
    probe = Canvas(QPrinter(QPrinter.PrinterMode.HighResolution))
    heights = [_row_height(probe, row) for row in rows]
    length = max(RECEIPT_MIN_HEIGHT_MM, sum(heights) + 2 * MARGIN + 2)
    layout = QPageLayout(
        QPageSize(
            QSizeF(RECEIPT_WIDTH_MM, length),
            QPageSize.Unit.Millimeter,
            "Receipt roll",
            QPageSize.SizeMatchPolicy.ExactMatch,
        ),
        QPageLayout.Orientation.Portrait,
        QMarginsF(0, 0, 0, 0),
        QPageLayout.Unit.Millimeter,
    )
    with pdf(path, layout, title) as c:
        y = MARGIN
        for row, h in zip(rows, heights, strict=True):
            _paint_row(c, row, y, h)
            y += h
    return path


__all__ = ["RECEIPT_MIN_HEIGHT_MM", "RECEIPT_WIDTH_MM", "render_receipt", "render_refund_slip"]
