"""Tickets, receipts and refund slips, printed through ``QPrinter`` into PDF files (the default
"printer").

* The ticket (``print_ticket``): A6 landscape, drawn like a cinema ticket, with a QR code of the
  ticket code on its stub.
* The receipt (``print_receipt``): an 80 mm till roll with every seat's price and the rule behind
  it, the coupon, the total, the payment and any refunds.
* The refund slip (``print_refund``): a till roll for a cancellation: what was paid, the fee, what
  goes back and how, and the supervisor who approved it.

Files go into one folder, named after the ticket code: ``<CODE>-ticket.pdf`` and
``<CODE>-receipt.pdf`` for the sale, ``<CODE>-refund.pdf`` for a cancellation. A reprint never
replaces them: it is a numbered duplicate beside them (``<CODE>-ticket-duplicate-2.pdf``), marked
DUPLICATE on the paper. Times are shown in the cinema's time zone.
"""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import QStandardPaths

from bms_desktop import APP_TITLE
from bms_desktop.gui.print_canvas import QR_QUIET_MODULES, paint_qr_code, qr_modules
from bms_desktop.gui.print_receipt import (
    RECEIPT_MIN_HEIGHT_MM,
    RECEIPT_WIDTH_MM,
    render_receipt,
    render_refund_slip,
)
from bms_desktop.gui.print_ticket import render_ticket
from bms_desktop.paths import default_data_dir
from bms_desktop.services.dto import BookingView

TICKET_SUFFIX = "-ticket.pdf"
RECEIPT_SUFFIX = "-receipt.pdf"
REFUND_SUFFIX = "-refund.pdf"


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
    """Where the sale's own ticket and receipt go."""
    return folder / f"{code}{TICKET_SUFFIX}", folder / f"{code}{RECEIPT_SUFFIX}"


def duplicate_paths(code: str, folder: Path) -> tuple[Path, Path]:
    """The next free pair of duplicate names: ``<CODE>-ticket-duplicate-2.pdf``..."""
    pattern = re.compile(rf"^{re.escape(code)}-(?:ticket|receipt)-duplicate-(\d+)\.pdf$")
    taken = [
        int(m.group(1))
        for f in (folder.iterdir() if folder.is_dir() else ())
        if (m := pattern.match(f.name))
    ]
    n = max(taken, default=1) + 1
    return (
        folder / f"{code}-ticket-duplicate-{n}.pdf",
        folder / f"{code}-receipt-duplicate-{n}.pdf",
    )


def print_ticket_and_receipt(
    booking: BookingView,
    folder: Path,
    *,
    reprint: bool = False,
    printed_at: datetime | None = None,
) -> tuple[Path, Path]:
    """Print the ticket and the receipt of ``booking`` into ``folder`` (created if needed):
    the originals as ``<CODE>-ticket.pdf`` and ``<CODE>-receipt.pdf``; a reprint (marked
    DUPLICATE) as the next numbered duplicate, leaving the originals as they were. Raises OSError
    when the files cannot be written; a file appears complete or not at all."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    when = printed_at or datetime.now(UTC)
    ticket, receipt = (
        duplicate_paths(booking.code, folder) if reprint else ticket_paths(booking.code, folder)
    )
    render_ticket(booking, ticket, reprint=reprint, printed_at=when)
    render_receipt(booking, receipt, reprint=reprint, printed_at=when)
    return ticket, receipt


def print_refund_slip(
    booking: BookingView, folder: Path, *, printed_at: datetime | None = None
) -> Path:
    """The refund slip of a cancelled booking (its last refund) as ``<CODE>-refund.pdf``; printed
    again, as ``<CODE>-refund-copy-2.pdf`` and so on. ValueError when nothing was refunded."""
    refunds = [p for p in booking.payments if p.kind == "REFUND" and p.status == "SUCCESS"]
    if not refunds:
        raise ValueError(f"{booking.code} has no refund to print")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{booking.code}{REFUND_SUFFIX}"
    n = 1
    while path.exists():
        n += 1
        path = folder / f"{booking.code}-refund-copy-{n}.pdf"
    return render_refund_slip(
        booking, refunds[-1], path, printed_at=printed_at or datetime.now(UTC), copy=n > 1
    )


__all__ = [
    "QR_QUIET_MODULES",
    "RECEIPT_MIN_HEIGHT_MM",
    "RECEIPT_WIDTH_MM",
    "default_print_folder",
    "duplicate_paths",
    "paint_qr_code",
    "print_refund_slip",
    "print_ticket_and_receipt",
    "qr_modules",
    "ticket_paths",
]
