"""DTOs of the ticket types area (admin-B) and of per-seat types on a pending booking."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class TicketTypeRow:
    type_id: int
    code: str
    name: str
    kind: str  # MULTIPLIER | FIXED
    multiplier: Decimal | None
    amount: Decimal | None
    theater_id: int | None  # None: every cinema
    theater_name: str  # "All cinemas" when global
    needs_approval: bool
    active: bool
    rank: int

    @property
    def price_text(self) -> str:
        if self.kind == "FIXED" and self.amount is not None:
            return f"fixed {self.amount:.2f}"
        m = self.multiplier if self.multiplier is not None else Decimal(1)
        return f"x {format(m.normalize(), 'f')}"


@dataclass(frozen=True, slots=True)
class TicketTypeInput:
    code: str
    name: str
    kind: str = "MULTIPLIER"
    multiplier: Decimal | str | None = None
    amount: Decimal | str | None = None
    theater_id: int | None = None
    needs_approval: bool = False
    active: bool = True
    rank: int | str = 0


@dataclass(frozen=True, slots=True)
class TicketTypeChoice:
    """A type on offer at one cinema, for the counter basket (per-seat type)."""

    code: str
    name: str
    kind: str
    multiplier: Decimal | None
    amount: Decimal | None
    needs_approval: bool
    rank: int


@dataclass(frozen=True, slots=True)
class SupervisorCredentials:
    """A supervisor's fresh sign-in on the clerk's terminal, checked by the service against the
    staff table (never a context the caller built). The password is not shown in ``repr``."""

    username: str
    password: str = field(repr=False)
