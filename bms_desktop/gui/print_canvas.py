"""Painting on paper in millimetres: fonts, PDF printers, a canvas that measures and paints, and
QR codes as vector rectangles (shared by the ticket, the receipt and the refund slip).

Text stays text in the PDF (searchable and extractable); the QR code is painted module by module,
so it stays crisp at any zoom and on any printer.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import segno
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QPageLayout,
    QPainter,
    QPainterPath,
    QPen,
)
from PySide6.QtPrintSupport import QPrinter

from bms_desktop import APP_TITLE

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


def pfont(size_pt: float, *, bold: bool = False, mono: bool = False) -> QFont:
    font = QFont()
    font.setFamilies(MONO if mono else SANS)
    font.setStyleHint(QFont.StyleHint.Monospace if mono else QFont.StyleHint.SansSerif)
    font.setPointSizeF(size_pt)
    font.setBold(bold)
    return font


def pdf_printer(path: Path, layout: QPageLayout, title: str) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFileName(str(path))
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setFullPage(True)
    printer.setPageLayout(layout)
    printer.setDocName(title)
    printer.setCreator(APP_TITLE)
    return printer


@contextmanager
def pdf(path: Path, layout: QPageLayout, title: str) -> Iterator[Canvas]:
    """A canvas in millimetres on a PDF printer; the file appears complete or not at all."""
    partial = path.with_name(f".~{path.name}")
    printer = pdf_printer(partial, layout, title)
    painter = QPainter()
    if not painter.begin(printer):
        raise OSError(f"cannot write {path}: the folder is not writable or the disk is full")
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        yield Canvas(printer, painter)
    finally:
        painter.end()
    os.replace(partial, path)


class Canvas:
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
        font = pfont(size, **kw)
        while size > minimum and self.text_width(text, font) > width:
            size -= 0.5
            font = pfont(size, **kw)
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


__all__ = [
    "BRAND",
    "BRAND_DARK",
    "INK",
    "MUTED",
    "PAPER",
    "QR_QUIET_MODULES",
    "RULE",
    "STAMP",
    "STUB",
    "TICKET_TINT",
    "Canvas",
    "paint_qr_code",
    "pdf",
    "pfont",
    "qr_modules",
]
