"""What the selling steps share (holds in ``booking``, payment in ``checkout``, refunds in
``cancellation``): the audit row of each step, the customer's name and phone as stored, the lock
waits a counter's event log shows, a pending ticket's checks and amounts typed by a clerk.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from bms_desktop.domain import limits, rules
from bms_desktop.domain.errors import InvalidState, NotFound, ValidationError
from bms_desktop.domain.model import TicketStatus
from bms_desktop.domain.pricing import round_money
from bms_desktop.services.audit_trail import add_audit_event
from bms_desktop.services.context import BoxOffice, CounterContext
from bms_desktop.services.ports import TicketRecord, UnitOfWork

WAIT_REPORT_THRESHOLD_MS = 2.0  # below this a lock "wait" is just the cost of taking it


# --------------------------------------------------------------------------- audit


def record_audit(
    uow: UnitOfWork,
    ctx: CounterContext,
    now: datetime,
    action: str,
    *,
    entity: str = "ticket",
    entity_id: object = "",
    show_id: int | None = None,
    more: Mapping[str, object] | None = None,
    **details: object,
) -> None:
    """An audit row of ``ctx``'s clerk at ``ctx``'s counter (``audit_trail.add_audit_event``);
    its details are the keyword arguments and then ``more`` (a dict built beforehand)."""
    add_audit_event(
        uow,
        at=now,
        action=action,
        username=ctx.username,
        staff_id=ctx.staff_id,
        counter=ctx.counter,
        entity=entity,
        entity_id=entity_id,
        show_id=show_id,
        details={**details, **more} if more else details,
    )


# --------------------------------------------------------------------------- customers


def normalise_phone(phone: str | None) -> str | None:
    """A phone number as stored and compared: digits and '+' only, as ``find_bookings`` searches
    (so "98450 12345" and "98450-12345" are one customer)."""
    kept = "".join(ch for ch in (phone or "") if ch.isdigit() or ch == "+")
    digits = kept.lstrip("+")
    if len(digits) == 12 and digits.startswith("91"):  # +91 98450 12345 -> 9845012345
        return digits[2:]
    if len(digits) == 11 and digits.startswith("0"):  # 098450 12345 (trunk prefix)
        return digits[1:]
    return kept or None


def customer_key(phone: str | None) -> str:
    return normalise_phone(phone) or "walk-in"


def checked_phone(phone: str | None) -> str | None:
    """The phone number as stored, or ValidationError when it is longer than the column."""
    normal = normalise_phone(phone)
    if normal is None:
        return None
    limits.check_length(
        normal, limits.limit(limits.CUSTOMER_PHONE), what="a phone number", field="customer_phone"
    )
    return normal


def checked_customer(name: str | None, phone: str | None) -> tuple[str | None, str | None]:
    """The customer's name and phone as they will be stored; too long: ValidationError."""
    checked = limits.check_text(
        name, limits.CUSTOMER_NAME, what="the customer's name", field="customer_name"
    )
    return checked, checked_phone(phone)


# --------------------------------------------------------------------------- waits


@dataclass(frozen=True, slots=True)
class WaitNote:
    """A wait for the database lock in a write of a payment, release, coupon or refund."""

    at: datetime
    ms: float
    holder: str | None
    what: str


_WAITS: ContextVar[list[WaitNote] | None] = ContextVar("bms_waits", default=None)


@contextmanager
def recording_waits() -> Iterator[list[WaitNote]]:
    """Collect, in this thread, every lock wait of the service calls made inside the block
    (a counter's worker wraps an action in it, so that the event log shows every wait)."""
    notes: list[WaitNote] = []
    token = _WAITS.set(notes)
    try:
        yield notes
    finally:
        _WAITS.reset(token)


def note_wait(box: BoxOffice, uow: UnitOfWork, ctx: CounterContext, what: str) -> None:
    notes = _WAITS.get()
    if notes is None or uow.dialect != "sqlite" or uow.lock_wait_ms < WAIT_REPORT_THRESHOLD_MS:
        return
    holder = uow.booking.last_writer()
    notes.append(
        WaitNote(box.now(), uow.lock_wait_ms, None if holder == ctx.counter else holder, what)
    )


# --------------------------------------------------------------------------- tickets and amounts


def pending_ticket(uow: UnitOfWork, ticket_id: int, now: datetime) -> TicketRecord:
    ticket = uow.booking.ticket(ticket_id)
    if ticket is None:
        raise NotFound(f"ticket {ticket_id} does not exist")
    if ticket.status != TicketStatus.PENDING_PAYMENT:
        raise InvalidState(not_pending_message(ticket))
    if not rules.hold_is_live(ticket.hold_expires_at, now):
        raise InvalidState(f"the hold on {ticket.code} has run out; hold the seats again")
    return ticket


def not_pending_message(ticket: TicketRecord) -> str:
    return {
        TicketStatus.CONFIRMED: f"{ticket.code} is already paid and confirmed",
        TicketStatus.CANCELLED: f"{ticket.code} was cancelled",
        TicketStatus.EXPIRED: f"the hold on {ticket.code} expired; hold the seats again",
    }.get(TicketStatus(ticket.status), f"{ticket.code} is {ticket.status}")


def parse_money(value: Decimal | str | None, what: str) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation as exc:
        raise ValidationError(f"{what} '{value}' is not an amount", field=what) from exc
    if amount < 0 or amount != amount:  # noqa: PLR0124 - NaN check
        raise ValidationError(f"{what} cannot be negative", field=what)
    return round_money(amount)
