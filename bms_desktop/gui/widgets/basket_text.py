"""The basket's words and numbers: colours, countdown, money."""

from __future__ import annotations

from decimal import Decimal
from typing import Final

from bms_desktop.domain.model import PaymentMode
from bms_desktop.domain.pricing import round_money

AMBER_BELOW_S: Final = 60
RED_BELOW_S: Final = 20
TICK_MS: Final = 250

COLOUR_NORMAL: Final = "#00694D"
COLOUR_AMBER: Final = "#A35F00"
COLOUR_RED: Final = "#C0321A"
COLOUR_MUTED: Final = "#5F646B"
COLOUR_GOOD: Final = "#00694D"
COLOUR_BAD: Final = "#B23A00"

MODE_BUTTONS: Final[tuple[tuple[PaymentMode, str], ...]] = (
    (PaymentMode.UPI, "&UPI"),
    (PaymentMode.CREDIT_CARD, "&Card"),
    (PaymentMode.NETBANKING, "&Netbanking"),
    (PaymentMode.CASH, "Ca&sh"),
)
REFERENCE_HINTS: Final[dict[PaymentMode, str]] = {
    PaymentMode.UPI: "UPI transaction id (optional)",
    PaymentMode.CREDIT_CARD: "Card slip / approval code (optional)",
    PaymentMode.NETBANKING: "Bank reference (optional)",
}


def money(amount: Decimal) -> str:
    """``₹1,234.50``; negative amounts as ``−₹46.80``."""
    sign = "−" if amount < 0 else ""
    return f"{sign}₹{abs(round_money(amount)):,.2f}"


def format_countdown(seconds: float) -> str:
    """``m:ss`` (never negative): ``4:05`` for 245 s."""
    secs = max(0, int(seconds + 0.999))
    return f"{secs // 60}:{secs % 60:02d}"


__all__ = ["MODE_BUTTONS", "REFERENCE_HINTS", "format_countdown", "money"]
