"""Tickets and receipts, printed through ``QPrinter`` into PDF files (the default "printer").

* The ticket is A6 landscape (148 x 105 mm), drawn like a cinema ticket: a header band with the
  cinema, the movie in large type, date / time / screen / seats, a perforation, and a stub with a
  QR code of the ticket code and the code itself in large type.
* The receipt is an 80 mm till roll, as long as its content: the price of every seat with the rule
  behind it, the coupon, the total, the payment (cash tendered and change) and any refunds.

Everything is painted with ``QPainter`` in millimetres; text stays text in the PDF (searchable
and extractable), and the QR code is painted module by module as vector rectangles, so it stays
crisp at any zoom and on any printer. Times are shown in the cinema's time zone.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Literal

import segno
from PySide6.QtCore import QMarginsF, QPointF, QRectF, QSizeF, QStandardPaths, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QPageLayout,
    QPageSize,
    QPainter,
    QPainterPath,
    QPen,
)
from PySide6.QtPrintSupport import QPrinter

from bms_desktop import APP_TITLE
from bms_desktop.domain.model import TicketStatus
from bms_desktop.gui.formatting import local, money, payment_mode, short_date, stamp, status_text
from bms_desktop.paths import default_data_dir
from bms_desktop.services.dto import BookingView
from bms_desktop.services.receipts import header_lines, tax_text  # issue 11

TICKET_SUFFIX = "-ticket.pdf"
RECEIPT_SUFFIX = "-receipt.pdf"
RECEIPT_WIDTH_MM = 80.0
RECEIPT_MIN_HEIGHT_MM = 120.0

SANS = ["DejaVu Sans", "Segoe UI", "Noto Sans", "Helvetica", "Arial"]
MONO = ["DejaVu Sans Mono", "Consolas", "Noto Sans Mono", "Menlo", "Courier New"]

INK = QColor("#15181C")
MUTED = QColor("#5F6670")
RULE = QColor("#B8BEC6")
BRAND = QColor("#1F5FAD")
BRAND_DARK = QColor("#17498A")
STUB = QColor("#F3A52B")
PAPER = QColor("#FFFFFF")
TICKET_TINT = QColor("#F7F9FC")
STAMP = QColor("#B3261E")


# --------------------------------------------------------------------------- public API


def default_print_folder() -> Path:
    """``Documents/BMS Box Office/tickets`` (or ``<data folder>/tickets`` when there is no
    writable documents folder); created when needed."""
    candidates: list[Path] = []
    docs = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    if docs:
        candidates.append(Path(docs) / APP_TITLE / "tickets")
    candidates.append(default_data_dir() / "tickets")
    problem: OSError | None = None
    for folder in candidates:
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            problem = exc
            continue
        if os.access(folder, os.W_OK):
            return folder
    raise OSError(f"no writable folder for tickets ({problem}); choose a print folder")


def ticket_paths(code: str, folder: Path) -> tuple[Path, Path]:
    return folder / f"{code}{TICKET_SUFFIX}", folder / f"{code}{RECEIPT_SUFFIX}"


def print_ticket_and_receipt(
    booking: BookingView,
    folder: Path,
    *,
    reprint: bool = False,
    printed_at: datetime | None = None,
) -> tuple[Path, Path]:
    """Print the ticket and the receipt of ``booking`` as ``<CODE>-ticket.pdf`` and
    ``<CODE>-receipt.pdf`` in ``folder`` (created if needed). Raises OSError when the files
    cannot be written; an existing file is replaced only by a complete new one."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    when = printed_at or datetime.now(UTC)
    ticket, receipt = ticket_paths(booking.code, folder)
    render_ticket(booking, ticket, reprint=reprint, printed_at=when)
    render_receipt(booking, receipt, reprint=reprint, printed_at=when)
    return ticket, receipt


# --------------------------------------------------------------------------- painting helpers


def _font(size_pt: float, *, bold: bool = False, mono: bool = False) -> QFont:
    font = QFont()
    font.setFamilies(MONO if mono else SANS)
    font.setStyleHint(QFont.StyleHint.Monospace if mono else QFont.StyleHint.SansSerif)
    font.setPointSizeF(size_pt)
    font.setBold(bold)
    return font


def _pdf_printer(path: Path, layout: QPageLayout, title: str) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFileName(str(path))
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setFullPage(True)
    printer.setPageLayout(layout)
    printer.setDocName(title)
    printer.setCreator(APP_TITLE)
    return printer


@contextmanager
def _pdf(path: Path, layout: QPageLayout, title: str) -> Iterator[_Canvas]:
    """A canvas in millimetres on a PDF printer; the file appears complete or not at all."""
    partial = path.with_name(f".~{path.name}")
    printer = _pdf_printer(partial, layout, title)
    painter = QPainter()
    if not painter.begin(printer):
        raise OSError(f"cannot write {path}: the folder is not writable or the disk is full")
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        yield _Canvas(printer, painter)
    finally:
        painter.end()
    os.replace(partial, path)


class _Canvas:
    """QPainter with millimetre coordinates; fonts stay in points (physical sizes).

    Built on a printer without a painter, it only measures (the receipt's length)."""

    def __init__(self, device: QPrinter, painter: QPainter | None = None) -> None:
        self.device = device
        self._painter = painter
        self.k = device.resolution() / 25.4

    @property
    def p(self) -> QPainter:
        assert self._painter is not None, "a measuring canvas cannot paint"
        return self._painter

    def r(self, x: float, y: float, w: float, h: float) -> QRectF:
        return QRectF(x * self.k, y * self.k, w * self.k, h * self.k)

    def metrics(self, font: QFont) -> QFontMetricsF:
        return QFontMetricsF(font, self.device)

    def text_width(self, text: str, font: QFont) -> float:
        return self.metrics(font).horizontalAdvance(text) / self.k

    def line_height(self, font: QFont) -> float:
        return self.metrics(font).height() / self.k

    def fit(self, text: str, width: float, size: float, minimum: float, **kw: bool) -> QFont:
        """The largest font from ``size`` down to ``minimum`` points in which ``text`` fits."""
        font = _font(size, **kw)
        while size > minimum and self.text_width(text, font) > width:
            size -= 0.5
            font = _font(size, **kw)
        return font

    def text(
        self,
        x: float,
        y: float,
        w: float,
        h: float,
        text: str,
        font: QFont,
        colour: QColor = INK,
        align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
        *,
        wrap: bool = False,
        elide: bool = False,
    ) -> None:
        self.p.setFont(font)
        self.p.setPen(colour)
        if elide:
            text = self.metrics(font).elidedText(text, Qt.TextElideMode.ElideRight, w * self.k)
        flags = int(align) | (int(Qt.TextFlag.TextWordWrap) if wrap else 0)
        self.p.drawText(self.r(x, y, w, h), flags, text)

    def fill(self, path: QPainterPath, colour: QColor) -> None:
        self.p.fillPath(path, QBrush(colour))

    def rounded(self, x: float, y: float, w: float, h: float, radius: float) -> QPainterPath:
        path = QPainterPath()
        path.addRoundedRect(self.r(x, y, w, h), radius * self.k, radius * self.k)
        return path

    def line(
        self,
        x1: float,
        y1: float,
        x2: float,
        y2: float,
        colour: QColor = RULE,
        width: float = 0.25,
        *,
        dash: Sequence[float] = (),
    ) -> None:
        pen = QPen(colour, width * self.k)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap if dash else Qt.PenCapStyle.FlatCap)
        if dash:
            pen.setDashPattern([d / width for d in dash])  # in units of the pen width
        self.p.setPen(pen)
        self.p.drawLine(QPointF(x1 * self.k, y1 * self.k), QPointF(x2 * self.k, y2 * self.k))

    def qr(self, text: str, x: float, y: float, size: float, colour: QColor = INK) -> None:
        """A QR code of ``text`` in a ``size`` mm square, quiet zone included."""
        paint_qr_code(self.p, text, self.r(x, y, size, size), colour)


QR_QUIET_MODULES = 2  # a white border of two modules around the symbol (inside the square)


def qr_modules(text: str) -> list[list[bool]]:
    """The QR symbol of ``text`` (error correction M) as rows of dark (True) modules."""
    return [[bool(v) for v in row] for row in segno.make(text, error="m", micro=False).matrix]


def paint_qr_code(painter: QPainter, text: str, square: QRectF, colour: QColor = INK) -> None:
    """Paint a QR code of ``text`` into ``square`` (device units), on white, with a quiet zone.

    The dark modules of each row are merged into runs and filled as one vector path: crisp at
    any zoom, on any printer, with no hairline seams between modules."""
    matrix = qr_modules(text)
    count = len(matrix) + 2 * QR_QUIET_MODULES
    module = square.width() / count
    painter.fillRect(square, PAPER)
    path = QPainterPath()
    path.setFillRule(Qt.FillRule.WindingFill)
    for row_index, row in enumerate(matrix):
        col = 0
        while col < len(row):
            if not row[col]:
                col += 1
                continue
            start = col
            while col < len(row) and row[col]:
                col += 1
            path.addRect(
                QRectF(
                    square.x() + (start + QR_QUIET_MODULES) * module,
                    square.y() + (row_index + QR_QUIET_MODULES) * module,
                    (col - start) * module,
                    module,
                )
            )
    painter.fillPath(path, QBrush(colour))


# --------------------------------------------------------------------------- the ticket

TICKET_W, TICKET_H = 148.0, 105.0
EDGE = 4.0  # white margin around the ticket shape on the page
SPLIT = 102.0  # x of the perforation
NOTCH = 3.2  # radius of the half-circle notches at the perforation
BAND = 17.0  # height of the header band


def _ticket_shape(c: _Canvas) -> QPainterPath:
    shape = c.rounded(EDGE, EDGE, TICKET_W - 2 * EDGE, TICKET_H - 2 * EDGE, 3.0)
    for cy in (EDGE, TICKET_H - EDGE):
        notch = QPainterPath()
        notch.addEllipse(QPointF(SPLIT * c.k, cy * c.k), NOTCH * c.k, NOTCH * c.k)
        shape = shape.subtracted(notch)
    return shape


def _field(c: _Canvas, x: float, y: float, w: float, caption: str, value: str, size: float) -> None:
    """A caption over a bold value; a value too long for one line at 9.5 pt wraps onto two."""
    c.text(x, y, w, 4, caption.upper(), _font(6.5, bold=True), MUTED)
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
            _font(8.5, bold=True),
            INK,
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop,
            wrap=True,
            elide=False,
        )


def _fitted_line(
    c: _Canvas,
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
    c.text(x, y, w, h, texts[-1], _font(minimum, bold=bold), colour, elide=True)


def render_ticket(
    booking: BookingView, path: Path, *, reprint: bool = False, printed_at: datetime
) -> Path:
    show = booking.show
    starts = show.local_starts_at
    printed = local(printed_at, show.timezone)
    layout = QPageLayout(
        QPageSize(QPageSize.PageSizeId.A6),
        QPageLayout.Orientation.Landscape,
        QMarginsF(0, 0, 0, 0),
        QPageLayout.Unit.Millimeter,
    )
    seats = len(booking.seat_labels)
    with _pdf(path, layout, f"Ticket {booking.code}") as c:
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
            x0, EDGE + 9.3, title_w, 5.5, show.city_name, _font(8.5), QColor("#DCE7F7"), elide=True
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
                _font(6.5, bold=True),
                PAPER,
                Qt.AlignmentFlag.AlignCenter,
            )
        c.text(
            SPLIT,
            EDGE,
            right - SPLIT,
            BAND,
            f"ADMIT {seats}",
            _font(12, bold=True),
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
        c.text(x0, y + 10, body_w, 5, details, _font(8.5), MUTED, elide=True)

        # Date, time, screen.
        y += 19
        date_w, time_w, gap = 27.0, 15.0, 3.0
        _field(c, x0, y, date_w, "Date", f"{starts:%a} {starts.day} {starts:%b}", 12)
        _field(c, x0 + date_w + gap, y, time_w, "Time", f"{starts:%H:%M}", 12)
        screen_x = x0 + date_w + time_w + 2 * gap
        _field(c, screen_x, y, x0 + body_w - screen_x, "Screen", show.screen_name, 12)

        # Seats, in the largest type that fits.
        y += 15
        seat_text = ", ".join(booking.seat_labels)
        c.text(
            x0,
            y,
            body_w,
            4,
            ("Seat" if seats == 1 else f"{seats} seats").upper(),
            _font(6.5, bold=True),
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
                _font(10.5, bold=True),
                INK,
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop,
                wrap=True,
            )

        # Price per seat type, coupon, total and payment.
        y += 18
        c.line(x0, y, x0 + body_w, y, RULE, 0.25)
        total_text = f"Total {money(booking.total)}"
        total_font = _font(11, bold=True)
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
                f"{booking.code}  ·  {sold_by}  ·  printed {stamp(printed)}",
                f"{sold_by}  ·  printed {stamp(printed)}",
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
            _font(6, bold=True),
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
            f"{starts:%a} {starts.day} {starts:%b}  ·  {starts:%H:%M}",
            _font(8, bold=True),
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
            _stamp(c, status_text(booking.status).upper())
    return path


def _stamp(c: _Canvas, word: str) -> None:
    """A rotated rubber stamp across the ticket for a booking that is not valid."""
    c.p.save()
    c.p.translate(TICKET_W / 2 * c.k, TICKET_H / 2 * c.k)
    c.p.rotate(-18)
    c.p.setOpacity(0.85)
    font = _font(30, bold=True)
    width = c.text_width(word, font) + 10
    c.p.setPen(QPen(STAMP, 1.0 * c.k))
    c.p.setBrush(Qt.BrushStyle.NoBrush)
    c.p.drawRoundedRect(c.r(-width / 2, -9, width, 18), 2 * c.k, 2 * c.k)
    c.text(-width / 2, -9, width, 18, word, font, STAMP, Qt.AlignmentFlag.AlignCenter)
    c.p.restore()


def _price_summaries(booking: BookingView) -> list[str]:
    """Longest form first: ``2 × Platinum ₹234.00 + 1 × Gold ₹150.00``, then
    ``2 Platinum, 1 Gold``."""
    groups: dict[tuple[str, str], int] = {}
    for line in booking.lines:
        key = (line.seat_type.title(), money(line.price))
        groups[key] = groups.get(key, 0) + 1
    by_type: dict[str, int] = {}
    for (kind, _price), n in groups.items():
        by_type[kind] = by_type.get(kind, 0) + n
    return [
        " + ".join(f"{n} × {kind} {price}" for (kind, price), n in groups.items()),
        ", ".join(f"{n} {kind}" for kind, n in by_type.items()),
    ]


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


# --------------------------------------------------------------------------- the receipt

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
    starts = show.local_starts_at
    small = _font(7)
    body = _font(8.5)
    bold = _font(8.5, bold=True)
    code_font = _font(8.5, bold=True, mono=True)
    rows: list[_Row] = [
        _Row("center", show.theater_name, font=_font(12, bold=True)),
        _Row("center", show.city_name, font=small, colour=MUTED),
        # issue 11: the cinema's address, phone and GSTIN (from its settings)
        *(
            _Row("center", t, font=small, colour=MUTED)
            for t in header_lines(booking.cinema, city=False)
        ),
        _Row("space", size=1.5),
        _Row("center", "RECEIPT" + ("  (DUPLICATE)" if reprint else ""), font=bold),
        _Row("rule"),
        _Row("pair", "Ticket", booking.code, body, code_font),
        _Row(
            "pair",
            "Booked",
            stamp(local(booking.confirmed_at or booking.created_at, tz)),
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
        _Row("wrap", show.movie_title, font=_font(10, bold=True)),
        _Row("wrap", f"{short_date(starts)}, {starts:%H:%M}  ·  {show.screen_name}", font=body),
        _Row(
            "wrap",
            "  ·  ".join(x for x in (show.certificate, show.language, show.format) if x),
            font=small,
            colour=MUTED,
        ),
        _Row("rule"),
    ]
    for line in booking.lines:
        rows.append(
            _Row(
                "pair", f"{line.label}   {line.seat_type.title()}", f"{line.price:,.2f}", body, body
            )
        )
        if line.explanation and line.explanation != f"{line.seat_type.title()} {line.price:.2f}":
            rows.append(_Row("wrap", line.explanation, font=small, colour=MUTED, indent=4))
    rows += [_Row("rule"), _Row("pair", "Subtotal", f"{booking.subtotal:,.2f}", body, body)]
    if booking.discount:
        label = f"Coupon {booking.coupon_code}" if booking.coupon_code else "Discount"
        rows.append(_Row("pair", label, f"−{booking.discount:,.2f}", body, body))
    rows.append(
        _Row("pair", "TOTAL", money(booking.total), _font(11, bold=True), _font(11, bold=True))
    )
    for left, right in tax_text(booking.taxes):  # issue 11: the GST included, per rate
        rows.append(_Row("pair", left, right, small, small, colour=MUTED))
    payments = [p for p in booking.payments if p.status == "SUCCESS"]
    if payments:
        rows.append(_Row("rule"))
    for p in payments:
        mode = payment_mode(p.mode)
        if p.kind == "REFUND":
            fee = booking.total - p.amount
            if fee > 0:
                rows.append(_Row("pair", "Cancellation fee", f"{fee:,.2f}", body, body))
            rows.append(_Row("pair", f"Refund to {mode}", f"−{p.amount:,.2f}", bold, bold))
            rows.append(
                _Row("wrap", stamp(local(p.created_at, tz)), font=small, colour=MUTED, indent=4)
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
                font=_font(11, bold=True),
                colour=STAMP,
            ),
        ]
    rows += [
        _Row("rule"),
        _Row("space", size=1.0),
        _Row("qr", booking.code, size=24.0),
        _Row("center", booking.code, font=_font(11, bold=True, mono=True)),
        _Row("space", size=2.0),
        _Row("center", f"Printed {stamp(local(printed_at, tz))}", font=small, colour=MUTED),
        _Row("center", "Thank you, and enjoy the show!", font=body),
    ]
    return rows


def _row_height(c: _Canvas, row: _Row) -> float:
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


def _paint_row(c: _Canvas, row: _Row, y: float, h: float) -> None:
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
    rows = _receipt_rows(booking, reprint, printed_at)
    # Measure first, on a printer of the same resolution: the roll is as long as the receipt.
    probe = _Canvas(QPrinter(QPrinter.PrinterMode.HighResolution))
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
    with _pdf(path, layout, f"Receipt {booking.code}") as c:
        y = MARGIN
        for row, h in zip(rows, heights, strict=True):
            _paint_row(c, row, y, h)
            y += h
    return path
