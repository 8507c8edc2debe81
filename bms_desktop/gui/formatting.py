"""How amounts and service messages read on screen and on paper (no Qt needed). Times: see
``bms_desktop.domain.cinema_time``."""

from __future__ import annotations

from decimal import Decimal

from bms_desktop.domain.model import PaymentMode, TicketStatus

CURRENCY = "₹"


def money(amount: Decimal) -> str:
    """``₹1,234.50``; a negative amount reads ``−₹50.00``."""
    value = Decimal(amount).quantize(Decimal("0.01"))
    text = f"{CURRENCY}{abs(value):,.2f}"
    return f"−{text}" if value < 0 else text


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
