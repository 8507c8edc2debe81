"""Reports and slips on paper, through ``QPrinter`` (PDF by default).

A report (any of ``services.reports``, the X and Z reports included) becomes an HTML document
laid out by ``QTextDocument`` on A4 (landscape when a table is wide), paginated by Qt, with the
chart the window showed if it hands one over. A slip (a cash drop, a top-up) is a short document
on the 80 mm till roll, as long as its content. Files appear complete or not at all.
"""

from __future__ import annotations

import html
import os
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import QMarginsF, QSizeF, QUrl
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPainter, QTextDocument
from PySide6.QtPrintSupport import QPrinter

from bms_desktop.domain import cinema_time
from bms_desktop.gui.formatting import money
from bms_desktop.services.dto import CinemaHeader
from bms_desktop.services.receipts import header_lines
from bms_desktop.services.report_model import Report, ReportTable, shown
from bms_desktop.services.shifts import CloseResult, MovementResult

APP_TITLE = "BMS Box Office"
ROLL_WIDTH_MM = 80.0
ROLL_MARGIN_MM = 5.0
WIDE_COLUMNS = 8  # more columns than this: landscape

CSS = """
body { font-family: 'DejaVu Sans', 'Segoe UI', sans-serif; font-size: 8.5pt; color: #15181C; }
h1 { font-size: 15pt; margin: 0 0 2pt 0; color: #17498A; }
h2 { font-size: 11pt; margin: 12pt 0 4pt 0; }
p.sub { color: #5F6670; margin: 0 0 8pt 0; }
p.note { color: #5F6670; font-size: 7.5pt; }
table.grid { border-collapse: collapse; }
table.grid th { background: #E9EEF5; border-bottom: 1px solid #B8BEC6; padding: 2pt 5pt;
  text-align: left; font-weight: bold; }
table.grid td { padding: 2pt 5pt; border-bottom: 1px solid #E4E7EB; }
table.grid td.n, table.grid th.n { text-align: right; }
table.grid tr.total td { font-weight: bold; border-top: 1px solid #15181C; }
table.facts td { padding: 1pt 8pt 1pt 0; }
table.facts td.k { color: #5F6670; }
"""


def safe_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-")[:80] or "report"


def _table_html(table: ReportTable) -> str:
    out = [f"<h2>{html.escape(table.title)}</h2>", '<table class="grid" width="100%">', "<tr>"]
    for c in table.columns:
        cls = ' class="n"' if c.numeric else ""
        out.append(f"<th{cls}>{html.escape(c.label)}</th>")
    out.append("</tr>")
    rows = [(r, "") for r in table.rows]
    if table.totals is not None:
        rows.append((table.totals, ' class="total"'))
    for row, cls in rows:
        out.append(f"<tr{cls}>")
        for c, value in zip(table.columns, row, strict=True):
            align = ' class="n"' if c.numeric else ""
            out.append(f"<td{align}>{html.escape(shown(value, c.kind))}</td>")
        out.append("</tr>")
    if not table.rows:
        out.append(f'<tr><td colspan="{len(table.columns)}">Nothing in this period.</td></tr>')
    out.append("</table>")
    return "".join(out)


def report_html(report: Report, *, images: Sequence[str] = ()) -> str:
    """The report as HTML for QTextDocument; ``images``: resource names already added."""
    parts = [
        f"<html><head><style>{CSS}</style></head><body>",
        f"<h1>{html.escape(report.title)}</h1>",
        f'<p class="sub">{html.escape(report.subtitle)} · printed '
        f"{html.escape(_stamp(report.generated_at))}</p>",
    ]
    if report.facts:
        parts.append('<table class="facts">')
        for key, value in report.facts:
            parts.append(
                f'<tr><td class="k">{html.escape(key)}</td><td>{html.escape(value)}</td></tr>'
            )
        parts.append("</table>")
    for name in images:
        parts.append(f'<p><img src="{html.escape(name)}" width="620"></p>')
    parts.extend(_table_html(t) for t in report.tables)
    parts.extend(f'<p class="note">{html.escape(n)}</p>' for n in report.notes)
    parts.append("</body></html>")
    return "".join(parts)


def _printer(path: Path, layout: QPageLayout, title: str) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    printer.setPageLayout(layout)
    printer.setDocName(title)
    printer.setCreator(APP_TITLE)
    return printer


def print_report(report: Report, path: Path, *, chart: QImage | None = None) -> Path:
    """``report`` as a PDF at ``path`` (A4; landscape for wide tables)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wide = any(len(t.columns) > WIDE_COLUMNS for t in report.tables)
    layout = QPageLayout(
        QPageSize(QPageSize.PageSizeId.A4),
        QPageLayout.Orientation.Landscape if wide else QPageLayout.Orientation.Portrait,
        QMarginsF(12, 12, 12, 12),
        QPageLayout.Unit.Millimeter,
    )
    partial = path.with_name(f".~{path.name}")
    printer = _printer(partial, layout, report.title)
    doc = QTextDocument()
    doc.setDocumentMargin(0)
    images: list[str] = []
    if chart is not None and not chart.isNull():
        doc.addResource(QTextDocument.ResourceType.ImageResource, QUrl("chart://1"), chart)
        images.append("chart://1")
    doc.setHtml(report_html(report, images=images))
    doc.print_(printer)
    if not partial.exists():
        raise OSError(f"cannot write {path}: the folder is not writable or the disk is full")
    os.replace(partial, path)
    return path


def print_roll(lines_html: str, path: Path, title: str) -> Path:
    """A short document on the 80 mm till roll, as long as it needs."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".~{path.name}")
    probe = QPrinter(QPrinter.PrinterMode.HighResolution)
    dpi = probe.resolution()
    width_px = (ROLL_WIDTH_MM - 2 * ROLL_MARGIN_MM) / 25.4 * dpi
    doc = QTextDocument()
    doc.documentLayout().setPaintDevice(probe)
    doc.setDocumentMargin(0)
    doc.setHtml(f"<html><head><style>{CSS}</style></head><body>{lines_html}</body></html>")
    doc.setTextWidth(width_px)
    height_mm = doc.size().height() / dpi * 25.4 + 2 * ROLL_MARGIN_MM
    layout = QPageLayout(
        QPageSize(
            QSizeF(ROLL_WIDTH_MM, max(height_mm, 60.0)),
            QPageSize.Unit.Millimeter,
            "Receipt roll",
            QPageSize.SizeMatchPolicy.ExactMatch,
        ),
        QPageLayout.Orientation.Portrait,
        QMarginsF(0, 0, 0, 0),
        QPageLayout.Unit.Millimeter,
    )
    printer = _printer(partial, layout, title)
    printer.setFullPage(True)
    painter = QPainter()
    if not painter.begin(printer):
        raise OSError(f"cannot write {path}: the folder is not writable or the disk is full")
    try:
        doc.documentLayout().setPaintDevice(printer)
        doc.setTextWidth(width_px)
        margin = ROLL_MARGIN_MM / 25.4 * printer.resolution()
        painter.translate(margin, margin)
        doc.drawContents(painter)
    finally:
        painter.end()
    os.replace(partial, path)
    return path


def _slip_html(
    title: str, cinema: CinemaHeader | None, pairs: Sequence[tuple[str, str]], footer: str
) -> str:
    head = []
    if cinema is not None:
        lines = "<br>".join(html.escape(t) for t in header_lines(cinema))
        head.append(
            f"<p align='center'><b style='font-size:11pt'>{html.escape(cinema.name)}</b>"
            f"<br>{lines}</p>"
        )
    rows = "".join(
        f"<tr><td>{html.escape(k)}</td><td align='right'><b>{html.escape(v)}</b></td></tr>"
        for k, v in pairs
    )
    return "".join(
        [
            *head,
            f"<p align='center'><b style='font-size:10pt'>{html.escape(title)}</b></p>",
            f"<table width='100%'>{rows}</table>",
            f"<p class='note' align='center'>{html.escape(footer)}</p>",
            "<p><br>Signature ______________________</p>",
        ]
    )


def print_movement_slip(result: MovementResult, cinema: CinemaHeader | None, folder: Path) -> Path:
    """The slip of a cash drop (it goes into the safe with the cash) or a top-up."""
    s = result.shift
    drop = result.kind == "DROP"
    pairs = [
        ("Counter", s.counter),
        ("Shift", f"#{s.shift_id} · {s.clerk}"),
        ("Time", cinema_time.stamp(result.created_at, s.timezone, label=True)),
        ("Amount", money(result.amount)),
        ("Reason", result.reason or "—"),
        ("By", result.by),
        ("Witnessed by", result.approved_by or "—"),
        ("Drawer should now hold", money(result.expected_after)),
    ]
    title = "CASH DROP TO SAFE" if drop else "DRAWER TOP-UP"
    kind = "drop" if drop else "topup"
    name = f"{kind}-{s.counter}-{_moment(result.created_at)}-{result.movement_id}.pdf"
    return print_roll(
        _slip_html(title, cinema, pairs, f"Slip #{result.movement_id}"),
        Path(folder) / safe_name(name),
        title.title(),
    )


def print_close_slip(result: CloseResult, cinema: CinemaHeader | None, folder: Path) -> Path:
    """The cash-up slip: expected, counted, the difference, who counted and who signed off."""
    s = result.shift
    closed = s.closed_at or datetime.now(UTC)
    pairs = [
        ("Counter", s.counter),
        ("Shift", f"#{s.shift_id} · {s.clerk}"),
        ("Closed", cinema_time.stamp(closed, s.timezone, label=True)),
        ("Expected", money(result.expected)),
        ("Counted", money(result.counted)),
        ("Difference", money(result.difference)),
        ("Counted by", result.closed_by),
        ("Signed off by", result.approved_by),
    ]
    name = f"cashup-{s.counter}-{_moment(closed)}-{s.shift_id}.pdf"
    return print_roll(
        _slip_html("CASH-UP", cinema, pairs, f"Shift #{s.shift_id}"),
        Path(folder) / safe_name(name),
        "Cash-up",
    )


def report_file_name(report: Report, when: datetime) -> str:
    return safe_name(f"{report.name}-{report.filters.date_from}-{_moment(when)}") + ".pdf"


def _moment(at: datetime) -> str:
    """A moment for a file name: seconds since the epoch (unique, sortable, no time zone)."""
    return str(int(at.timestamp()))


def _stamp(at: datetime) -> str:
    """An aware datetime already in the cinema's zone, as a person reads it."""
    return cinema_time.stamp(at, getattr(at.tzinfo, "key", None), label=True)


__all__ = [
    "print_close_slip",
    "print_movement_slip",
    "print_report",
    "print_roll",
    "report_file_name",
    "report_html",
    "safe_name",
]
