"""One line of a quote or a ticket: the seat, its type, its ticket type, its price.

Issue 8 (admin-B): the quote and the printed ticket name the ticket type (Child, Senior...)
of each seat. ``checkout._quote_of`` and ``queries._booking_view`` build their lines here.
"""

from __future__ import annotations

from decimal import Decimal

from bms_desktop.domain.ticket_types import DEFAULT_TYPE
from bms_desktop.services.dto import PriceLine


def type_title(code: str) -> str:
    """ "CHILD" -> "Child", "SENIOR_CITIZEN" -> "Senior citizen"."""
    text = code.replace("_", " ").replace("-", " ").strip().lower()
    return text[:1].upper() + text[1:]


def ticket_price_line(label: str, seat_type: str, price: Decimal, ticket_type: str) -> PriceLine:
    """The adult (default) line reads as before ("Platinum 234.00"); any other type is named:
    "Platinum, Child 175.50"."""
    code = ticket_type or DEFAULT_TYPE
    if code == DEFAULT_TYPE:
        explanation = f"{seat_type.title()} {price:.2f}"
    else:
        explanation = f"{seat_type.title()}, {type_title(code)} {price:.2f}"
    return PriceLine(label, seat_type, price, explanation, ticket_type=code)
