"""Ticket types (Adult, Child, Senior, Student, Complimentary...): what a seat costs for one kind
of customer.

Pure Python. A type is either a MULTIPLIER of the seat's price (Child x0.75) or a FIXED amount
(Complimentary 0.00). A type may belong to one cinema; a cinema's own row *replaces* the global
row with the same code there (an inactive cinema row takes that type off sale at that cinema).

Decisions:

- Codes are stored upper case: 2-20 characters of A-Z, 0-9, '_' and '-', starting with a letter.
- A multiplier is between 0 and 10 with at most 3 decimals; a fixed amount is between 0 and
  100,000.00 with at most 2 decimals (the columns are Scaled(3) and Money).
- The price of a seat for a type is rounded half-up once (``domain.pricing.round_money``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from bms_desktop.domain.errors import ValidationError
from bms_desktop.domain.pricing import round_money

MULTIPLIER = "MULTIPLIER"
FIXED = "FIXED"
KINDS = (MULTIPLIER, FIXED)
DEFAULT_TYPE = "ADULT"
CODE_PATTERN = re.compile(r"[A-Z][A-Z0-9_-]{1,19}")
MAX_MULTIPLIER = Decimal(10)
MAX_AMOUNT = Decimal("100000.00")


@dataclass(frozen=True)
class TicketTypeSpec:
    type_id: int
    code: str
    name: str
    kind: str  # MULTIPLIER | FIXED
    multiplier: Decimal | None
    amount: Decimal | None
    theater_id: int | None  # None: every cinema
    needs_approval: bool = False
    active: bool = True
    rank: int = 0

    def describe(self) -> str:
        """ "x0.75 of the seat price" / "fixed 0.00"."""
        if self.kind == FIXED and self.amount is not None:
            return f"fixed {self.amount:.2f}"
        multiplier = self.multiplier if self.multiplier is not None else Decimal(1)
        return f"x{format(multiplier.normalize(), 'f')} of the seat price"


def normalise_type_code(code: str) -> str:
    return code.strip().upper()


def validate_ticket_type(spec: TicketTypeSpec) -> None:
    """Refuse a type that makes no sense; the message names the field to fix."""
    code = normalise_type_code(spec.code)
    if not CODE_PATTERN.fullmatch(code):
        raise ValidationError(
            "a ticket type code is 2-20 characters of A-Z, 0-9, '_' or '-', starting with a "
            "letter (e.g. CHILD)",
            field="code",
        )
    if not spec.name.strip():
        raise ValidationError("a ticket type needs a name", field="name")
    if spec.kind not in KINDS:
        raise ValidationError("a ticket type is a multiplier or a fixed amount", field="kind")
    if spec.kind == MULTIPLIER:
        if spec.multiplier is None:
            raise ValidationError("give the multiplier (e.g. 0.75)", field="multiplier")
        if not Decimal(0) <= spec.multiplier <= MAX_MULTIPLIER:
            raise ValidationError(
                f"a multiplier is between 0 and {MAX_MULTIPLIER}, not {spec.multiplier}",
                field="multiplier",
            )
    else:
        if spec.amount is None:
            raise ValidationError("give the fixed amount (e.g. 0.00)", field="amount")
        if not Decimal(0) <= spec.amount <= MAX_AMOUNT:
            raise ValidationError(
                f"a fixed amount is between 0.00 and {MAX_AMOUNT:,.2f}, not {spec.amount}",
                field="amount",
            )


def price_for_type(seat_price: Decimal, spec: TicketTypeSpec) -> Decimal:
    """What the seat costs for this type: seat price x multiplier, or the fixed amount."""
    if spec.kind == FIXED:
        assert spec.amount is not None
        return round_money(spec.amount)
    assert spec.multiplier is not None
    return round_money(seat_price * spec.multiplier)


def effective_types(
    specs: Iterable[TicketTypeSpec], theater_id: int, *, include_inactive: bool = False
) -> list[TicketTypeSpec]:
    """The types on offer at one cinema: its own rows replace the global rows of the same
    code; inactive ones are left out (unless asked for); ordered by rank, then name."""
    chosen: dict[str, TicketTypeSpec] = {}
    for spec in specs:
        if spec.theater_id is None:
            chosen.setdefault(spec.code, spec)
    for spec in specs:
        if spec.theater_id == theater_id:
            chosen[spec.code] = spec
    out = [s for s in chosen.values() if include_inactive or s.active]
    return sorted(out, key=lambda s: (s.rank, s.name.casefold(), s.code))


def find_type(types: Sequence[TicketTypeSpec], code: str) -> TicketTypeSpec | None:
    wanted = normalise_type_code(code)
    return next((t for t in types if t.code == wanted), None)
