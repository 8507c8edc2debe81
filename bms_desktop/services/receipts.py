"""What a receipt prints besides the sale (issue 11): the cinema's name, address, GSTIN and
phone (from the cinema's settings), and the GST included in the total, per rate.

The tax is the sale's: the total shared over the seats in proportion to their prices, each
seat's share taxed at the rate its price falls under (``domain.gst``), exactly as the reports
count it, so a receipt's GST lines add up to what the Z report shows for that sale.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from bms_desktop.domain import cash, gst
from bms_desktop.services.dto import CinemaHeader
from bms_desktop.services.ports import UnitOfWork


def sale_tax_lines(
    total: Decimal, prices: Sequence[Decimal], rates: gst.GstRates
) -> tuple[gst.TaxLine, ...]:
    shares = cash.allocate(total, list(prices))
    return gst.tax_lines((s, rates.rate_for(s)) for s in shares)


def receipt_extras(
    uow: UnitOfWork, show_id: int, total: Decimal, prices: Sequence[Decimal]
) -> tuple[CinemaHeader | None, tuple[gst.TaxLine, ...]]:
    """The cinema's header and the sale's GST lines, for ``queries`` to put on a BookingView."""
    record = uow.shifts.cinema_of_show(show_id)
    header = (
        None
        if record is None
        else CinemaHeader(record.name, record.address, record.city, record.gstin, record.phone)
    )
    rates = gst.GstRates.from_settings(uow.settings.all())
    return header, sale_tax_lines(total, prices, rates)


def header_lines(header: CinemaHeader | None, *, city: bool = True) -> list[str]:
    """The lines under the cinema's name on a receipt or a slip (``city``: with the city)."""
    if header is None:
        return []
    lines = [", ".join(p for p in (header.address, header.city if city else "") if p)]
    if header.phone:
        lines.append(f"Phone {header.phone}")
    lines.append(f"GSTIN {header.gstin}" if header.gstin else "GSTIN not registered")
    return [line for line in lines if line]


def tax_text(lines: Sequence[gst.TaxLine]) -> list[tuple[str, str]]:
    """(left, right) pairs for a receipt: 'incl. GST 18 %' and the tax, then CGST and SGST."""
    out: list[tuple[str, str]] = []
    for t in lines:
        out.append((f"incl. GST {gst.format_rate(t.rate)} on {t.gross:,.2f}", f"{t.tax:,.2f}"))
        half = gst.format_rate(t.rate / 2)
        out.append((f"  CGST {half} {t.cgst:,.2f} · SGST {half} {t.sgst:,.2f}", ""))
    return out


__all__ = ["header_lines", "receipt_extras", "sale_tax_lines", "tax_text"]
