"""Tickets and receipts as PDF files: what they say (read back with pypdf), their page sizes,
and a QR code that holds the ticket code, module for module."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QImage, QPainter

from bms_desktop.domain.model import Role
from bms_desktop.gui import printing
from bms_desktop.services import booking, cancellation, checkout, queries
from bms_desktop.services.context import BoxOffice
from bms_desktop.services.dto import BookingView
from tests.gui.dialog_support import add_staff, ctx_of, ensure_shift, sell
from tests.support.builders import World, build_world

MM = 72 / 25.4  # PDF points per millimetre
PRINTED_AT = datetime(2030, 3, 4, 12, 15, tzinfo=UTC)  # 17:45 in Kolkata


@pytest.fixture
def world(box: BoxOffice) -> World:
    return build_world(box)


@pytest.fixture
def cash_sale(box: BoxOffice, world: World) -> BookingView:
    clerk = ctx_of(add_staff(box, "asha", Role.CLERK, "asha-secret-1"), "Counter 3")
    return sell(box, world, clerk, ["A1", "A2", "D1"], mode="CASH", tendered="1000",
                phone="9845012345", name="Priya Shah")  # fmt: skip


def pdf_text(path: Path) -> str:
    """The text of every page; Qt places words one by one, so gaps read as tabs: one space."""
    text = "\n".join(page.extract_text() for page in PdfReader(path).pages)
    return re.sub(r"[ \t]+", " ", text)


def page_size_mm(path: Path) -> tuple[float, float]:
    box = PdfReader(path).pages[0].mediabox
    return round(float(box.width) / MM, 1), round(float(box.height) / MM, 1)


def test_the_ticket_and_the_receipt_are_pdfs_named_after_the_code_that_hold_the_code(
    qapp: Any, cash_sale: BookingView, tmp_path: Path
) -> None:
    folder = tmp_path / "new" / "tickets"
    ticket, receipt = printing.print_ticket_and_receipt(cash_sale, folder, printed_at=PRINTED_AT)
    assert ticket == folder / f"{cash_sale.code}-ticket.pdf"
    assert receipt == folder / f"{cash_sale.code}-receipt.pdf"
    assert ticket.read_bytes().startswith(b"%PDF")
    assert cash_sale.code in pdf_text(ticket)
    assert cash_sale.code in pdf_text(receipt)
    assert sorted(p.name for p in folder.iterdir()) == sorted([ticket.name, receipt.name])


def test_the_ticket_says_what_a_customer_needs_at_the_door(
    qapp: Any, cash_sale: BookingView, tmp_path: Path
) -> None:
    ticket, _ = printing.print_ticket_and_receipt(cash_sale, tmp_path, printed_at=PRINTED_AT)
    text = pdf_text(ticket)
    for expected in (
        "Test Cinema",  # cinema
        "Screen 1",
        "Test Movie",
        "A1, A2, D1",  # seats
        "ADMIT 3",
        "10:00",  # 04:30 UTC is 10:00 in the cinema's time zone
        "Total ₹",
        "Paid by Cash",
        "Counter 3, asha",  # counter and clerk
        "printed 4 Mar 2030 17:45",  # printed-at, cinema time
    ):
        assert expected in text, expected
    assert "04:30" not in text
    assert "DUPLICATE" not in text
    assert page_size_mm(ticket) == pytest.approx((148.0, 105.0), abs=0.5)  # A6 landscape


def test_the_receipt_breaks_the_price_down_per_seat_with_the_cash_and_the_change(
    qapp: Any, cash_sale: BookingView, tmp_path: Path
) -> None:
    _, receipt = printing.print_ticket_and_receipt(cash_sale, tmp_path, printed_at=PRINTED_AT)
    text = pdf_text(receipt)
    for line in cash_sale.lines:
        assert line.label in text
        assert f"{line.price:,.2f}" in text
    assert "Subtotal" in text
    assert f"{cash_sale.subtotal:,.2f}" in text
    assert "Cash tendered" in text and "1,000.00" in text
    change = Decimal("1000.00") - cash_sale.total
    assert "Change" in text and f"{change:,.2f}" in text
    assert "Priya Shah" in text
    assert "Printed 4 Mar 2030 17:45" in text
    width, height = page_size_mm(receipt)
    assert width == pytest.approx(80.0, abs=0.5)  # a till roll
    assert height >= printing.RECEIPT_MIN_HEIGHT_MM


def test_a_coupon_a_reprint_and_a_cancellation_with_refund_are_all_on_paper(
    qapp: Any, box: BoxOffice, world: World, tmp_path: Path
) -> None:
    from bms_desktop.domain.model import CouponKind
    from bms_desktop.services import catalog
    from bms_desktop.services.context import SYSTEM
    from bms_desktop.services.ports import NewCoupon

    catalog.add_coupon(box, SYSTEM, NewCoupon("TENOFF", CouponKind.PERCENT, Decimal("10")))
    clerk = ctx_of(add_staff(box, "ravi", Role.CLERK, "ravi-secret-1"))
    boss = ctx_of(add_staff(box, "sunita", Role.SUPERVISOR, "sunita-secret"))
    seat_ids = [s.show_seat_id for s in queries.get_seat_map(box, world.show_id).seats[:2]]
    ensure_shift(box, world, clerk)  # issue 11: selling needs an open shift
    held = booking.hold_seats(box, clerk, show_id=world.show_id, show_seat_ids=seat_ids)
    checkout.apply_coupon(box, clerk, ticket_id=held.ticket_id, code="TENOFF")
    checkout.confirm_booking(box, clerk, ticket_id=held.ticket_id, mode="UPI", reference="UPI-42")
    sold = queries.get_booking(box, held.ticket_id)
    ticket, receipt = printing.print_ticket_and_receipt(sold, tmp_path, reprint=True)
    assert "DUPLICATE" in pdf_text(ticket)
    receipt_text = pdf_text(receipt)
    assert "Coupon TENOFF" in receipt_text
    assert f"−{sold.discount:,.2f}" in receipt_text
    assert "Paid by UPI" in receipt_text
    assert "UPI-42" in receipt_text

    cancellation.cancel_booking(box, boss, ticket_id=sold.ticket_id, fee="10")
    cancelled = queries.get_booking(box, sold.ticket_id)
    ticket, receipt = printing.print_ticket_and_receipt(cancelled, tmp_path / "after")
    assert "CANCELLED" in pdf_text(ticket)
    receipt_text = pdf_text(receipt)
    assert "CANCELLED" in receipt_text
    assert "Cancellation fee" in receipt_text
    assert f"−{cancelled.total - Decimal('10'):,.2f}" in receipt_text


def test_the_qr_code_holds_the_ticket_code_module_for_module(qapp: Any) -> None:
    code = "BMS-7K3Q-X9PD"
    matrix = printing.qr_modules(code)
    assert len(matrix) >= 21  # a real QR symbol, not a micro one
    px = 8
    count = len(matrix) + 2 * printing.QR_QUIET_MODULES
    image = QImage(count * px, count * px, QImage.Format.Format_RGB32)
    image.fill(QColor("#FF00FF"))  # anything not painted shows up
    painter = QPainter(image)
    printing.paint_qr_code(painter, code, QRectF(0, 0, count * px, count * px))
    painter.end()
    quiet = printing.QR_QUIET_MODULES
    for r in range(count):
        for c in range(count):
            pixel = image.pixelColor(c * px + px // 2, r * px + px // 2)
            inside = quiet <= r < count - quiet and quiet <= c < count - quiet
            dark = inside and matrix[r - quiet][c - quiet]
            assert pixel.lightness() < 60 if dark else pixel == QColor("#FFFFFF"), (r, c)


def test_a_folder_that_cannot_be_written_raises_oserror_and_leaves_no_file(
    qapp: Any, cash_sale: BookingView, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    blocker = out / "not-a-folder"
    blocker.write_text("a file where the folder should be")
    with pytest.raises(OSError):
        printing.print_ticket_and_receipt(cash_sale, blocker / "tickets")
    assert list(out.iterdir()) == [blocker]


def test_the_default_print_folder_is_a_tickets_folder_in_documents_created_on_demand(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Documents:
        class StandardLocation:
            DocumentsLocation = object()

        @staticmethod
        def writableLocation(_where: object) -> str:
            return str(tmp_path / "Documents")

    monkeypatch.setattr(printing, "QStandardPaths", Documents)
    folder = printing.default_print_folder()
    assert folder == tmp_path / "Documents" / "BMS Box Office" / "tickets"
    assert folder.is_dir()

    # No documents folder to write in: the data folder instead.
    (tmp_path / "ro").write_text("not a folder")
    Documents.writableLocation = staticmethod(lambda _where: str(tmp_path / "ro"))  # type: ignore[method-assign]
    monkeypatch.setenv("BMS_DATA_DIR", str(tmp_path / "data"))
    assert printing.default_print_folder() == tmp_path / "data" / "tickets"
