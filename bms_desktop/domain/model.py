"""Vocabulary of the box office: states, roles, modes, strategies.

Pure Python. Every state machine in the product is written down here once and enforced by the
services (and, where a database can express it, by constraints).

ShowSeat:  AVAILABLE -> HELD (owner, expires_at) -> SOLD
           HELD -> AVAILABLE      on release, payment failure or expiry
           SOLD -> AVAILABLE      on cancellation
           AVAILABLE <-> BLOCKED  by an admin only
Ticket:    PENDING_PAYMENT -> CONFIRMED | CANCELLED | EXPIRED
           CONFIRMED -> CANCELLED (refund)
Payment:   PENDING -> SUCCESS | FAILED; a refund is a new row linked to the original.
"""

from __future__ import annotations

from enum import StrEnum


class SeatStatus(StrEnum):
    AVAILABLE = "AVAILABLE"
    HELD = "HELD"
    SOLD = "SOLD"
    BLOCKED = "BLOCKED"


class TicketStatus(StrEnum):
    PENDING_PAYMENT = "PENDING_PAYMENT"
    CONFIRMED = "CONFIRMED"
    CANCELLED = "CANCELLED"
    EXPIRED = "EXPIRED"


class PaymentStatus(StrEnum):
    PENDING = "PENDING"
    SUCCESS = "SUCCESS"
    FAILED = "FAILED"


class PaymentKind(StrEnum):
    PAYMENT = "PAYMENT"
    REFUND = "REFUND"


class PaymentMode(StrEnum):
    UPI = "UPI"
    CREDIT_CARD = "CREDIT_CARD"
    NETBANKING = "NETBANKING"
    CASH = "CASH"

    @property
    def label(self) -> str:
        return {
            "UPI": "UPI",
            "CREDIT_CARD": "Card",
            "NETBANKING": "Netbanking",
            "CASH": "Cash",
        }[self.value]


class Role(StrEnum):
    USHER = "USHER"  # admits tickets at the door, nothing else
    CLERK = "CLERK"
    SUPERVISOR = "SUPERVISOR"
    ADMIN = "ADMIN"

    @property
    def rank(self) -> int:
        return {"USHER": 0, "CLERK": 1, "SUPERVISOR": 2, "ADMIN": 3}[self.value]

    def at_least(self, other: Role) -> bool:
        return self.rank >= other.rank


class Strategy(StrEnum):
    PESSIMISTIC = "pessimistic"
    OPTIMISTIC = "optimistic"
    THREAD = "thread"

    @property
    def label(self) -> str:
        return {
            "pessimistic": "Pessimistic lock",
            "optimistic": "Optimistic version check",
            "thread": "Thread lock",
        }[self.value]


class CouponKind(StrEnum):
    PERCENT = "PERCENT"
    FIXED = "FIXED"


class PricingRuleKind(StrEnum):
    SEAT_TYPE = "SEAT_TYPE"  # multiplier for one seat type
    DAY_OF_WEEK = "DAY_OF_WEEK"  # multiplier on the days in days_mask
    TIME_WINDOW = "TIME_WINDOW"  # multiplier for shows starting in [start, end), may wrap midnight
    THEATER_MOVIE = "THEATER_MOVIE"  # replaces the base price for one theater and/or movie


# The seat types the product ships with; admins may add more (seat_types table).
DEFAULT_SEAT_TYPES: tuple[tuple[str, str, str], ...] = (
    # code, display name, base price (rupees, as text to keep Decimal exact)
    ("GOLD", "Gold", "100.00"),
    ("PLATINUM", "Platinum", "100.00"),
    ("DIAMOND", "Diamond", "100.00"),
)

MAX_SEATS_PER_BOOKING = 10
