"""How amounts, times and service messages read on screen and on paper (no Qt needed)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from bms_desktop.domain.model import PaymentMode, TicketStatus

CURRENCY = "₹"


def money(amount: Decimal) -> str:
    """``₹1,234.50``; a negative amount reads ``−₹50.00``."""
    value = Decimal(amount).quantize(Decimal("0.01"))
    text = f"{CURRENCY}{abs(value):,.2f}"
    return f"−{text}" if value < 0 else text


def local(at: datetime, timezone: str) -> datetime:
    return at.astimezone(ZoneInfo(timezone))


def show_time(at: datetime) -> str:
    """``Fri 14 Mar 2025, 20:00`` (``at`` already in the cinema's time zone)."""
    return f"{at:%a} {at.day} {at:%b %Y}, {at:%H:%M}"


def short_date(at: datetime) -> str:
    return f"{at:%a} {at.day} {at:%b %Y}"


def stamp(at: datetime) -> str:
    """``14 Mar 2025 18:03`` for printed-at and audit times."""
    return f"{at.day} {at:%b %Y %H:%M}"


def payment_mode(mode: str) -> str:
    try:
        return PaymentMode(mode).label
    except ValueError:
        return mode.replace("_", " ").title()


def status_text(status: TicketStatus | str) -> str:
    return {
        "PENDING_PAYMENT": "Awaiting payment",
        "CONFIRMED": "Confirmed",
        "CANCELLED": "Cancelled",
        "EXPIRED": "Expired",
    }.get(str(status), str(status).replace("_", " ").title())


def sentence(message: str) -> str:
    """A service message as a sentence: capital first letter, closing full stop."""
    text = message.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    if text[-1] not in ".!?)":
        text += "."
    return text
