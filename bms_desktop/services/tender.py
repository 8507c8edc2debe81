"""How a sale is paid and a refund paid out: tenders, split tender, and the shift rule.

Called by ``checkout.confirm_booking`` and ``cancellation.cancel_booking`` inside their transaction
(issue 11). The rule, decided here once:

- **Selling needs an open shift.** A sale by a signed-in staff member (a context with a staff
  id) needs the open shift of that counter, opened by that clerk, from today's business day, at
  the cinema of the show; every payment row of the sale records the shift (``session_id``).
  A refund by a signed-in staff member goes through the open shift of the counter that refunds;
  a cash refund needs one (the cash comes out of its drawer); a card or UPI refund at a counter
  without an open shift records no shift.
- Unattended callers -- contexts without a staff id: the race lab's robot clerks, benchmarks,
  scripts -- have no drawer and record no shift. They are not people handling cash, and the
  race and benchmark paths stay one statement shorter.
- Split tender: several parts (card, UPI, netbanking, and at most one cash part) that add up to
  exactly the total; one PAYMENT row each. The cash part keeps its amount in the drawer; what the
  customer handed over and the change are recorded beside it.
- A refund goes back to the original tenders: card/UPI/netbanking parts first, then cash, so a
  cancellation fee stays out of the cash paid back.

On PostgreSQL the shift row is read ``FOR SHARE``: closing the shift (``FOR UPDATE``) waits for a
sale in flight, and a sale after the close finds no open shift. No payment lands in a closed drawer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, time
from decimal import Decimal

from bms_desktop.domain import cash, rules
from bms_desktop.domain.errors import InvalidState, ValidationError
from bms_desktop.domain.model import PaymentKind, PaymentMode, PaymentStatus
from bms_desktop.services.context import CounterContext
from bms_desktop.services.ports import NewPayment, PaymentRecord, TicketRecord, UnitOfWork
from bms_desktop.services.ports_shifts import ShiftRecord

REFERENCE_MAX = 80  # payments.reference
MAX_PARTS = 4


class NoOpenShift(InvalidState):
    """This counter cannot take money now: no open shift (or not this clerk's, or stale)."""


@dataclass(frozen=True, slots=True)
class Tender:
    """One part of a payment as the counter enters it. ``tendered``: the cash handed over, for
    the cash part (defaults to the exact amount)."""

    mode: PaymentMode | str
    amount: Decimal | str | None = None
    reference: str | None = None
    tendered: Decimal | str | None = None


@dataclass(frozen=True, slots=True)
class TenderPart:
    """A checked part: amount None means "the whole total" (a single tender)."""

    mode: PaymentMode
    amount: Decimal | None
    reference: str | None
    tendered: Decimal | None
    change: Decimal | None = None


@dataclass(frozen=True, slots=True)
class PaidPart:
    payment_id: int
    mode: PaymentMode
    amount: Decimal
    tendered: Decimal | None
    change: Decimal | None


def _mode(value: PaymentMode | str) -> PaymentMode:
    try:
        return PaymentMode(value)
    except ValueError:
        raise ValidationError(f"unknown payment mode {value}", field="mode") from None


def _reference(value: str | None) -> str | None:
    text = (value or "").strip()
    if len(text) > REFERENCE_MAX:
        raise ValidationError(
            f"a payment reference has at most {REFERENCE_MAX} characters", field="reference"
        )
    return text or None


def plan(
    mode: PaymentMode,
    tendered: Decimal | None,
    reference: str | None,
    split: Sequence[Tender] | None,
) -> tuple[TenderPart, ...]:
    """The tenders of a confirmation, checked before any transaction: the single tender
    confirm_booking always took, or a split."""
    if not split:
        return (TenderPart(mode, None, reference, tendered),)
    if len(split) < 2:
        raise ValidationError("a split payment has at least two parts", field="split")
    if len(split) > MAX_PARTS:
        raise ValidationError(f"a payment is split into at most {MAX_PARTS} parts", field="split")
    parts: list[TenderPart] = []
    for i, t in enumerate(split, 1):
        part_mode = _mode(t.mode)
        amount = cash.money(t.amount, f"the amount of part {i}", field="split", positive=True)
        given = None
        if part_mode == PaymentMode.CASH:
            given = (
                amount
                if t.tendered in (None, "")
                else cash.money(t.tendered, "the cash tendered", field="tendered")
            )
        parts.append(TenderPart(part_mode, amount, _reference(t.reference), given))
    if sum(1 for p in parts if p.mode == PaymentMode.CASH) > 1:
        raise ValidationError("a split payment takes cash once (one drawer)", field="split")
    return tuple(parts)


def settle(parts: Sequence[TenderPart], total: Decimal) -> tuple[TenderPart, ...]:
    """The parts with their amounts and change, checked against the ticket's total: they must
    add up to it exactly. ValidationError before anything is written."""
    if len(parts) == 1 and parts[0].amount is None:
        part = parts[0]
        if part.mode == PaymentMode.CASH:
            assert part.tendered is not None
            change = rules.compute_change(total=total, tendered=part.tendered)
            return (replace(part, amount=total, change=change),)
        return (replace(part, amount=total),)
    paid = sum((p.amount or Decimal(0) for p in parts), Decimal("0.00"))
    if paid != total:
        raise ValidationError(
            f"the parts add up to ₹{paid:,.2f}; the total is ₹{total:,.2f}", field="split"
        )
    settled = []
    for p in parts:
        if p.mode == PaymentMode.CASH:
            assert p.amount is not None and p.tendered is not None
            settled.append(
                replace(p, change=rules.compute_change(total=p.amount, tendered=p.tendered))
            )
        else:
            settled.append(p)
    return tuple(settled)


DAY_START_SETTING = "business_day_start"


def day_start(uow: UnitOfWork) -> time:
    """The box-office setting ``business_day_start`` (default 06:00)."""
    return cash.parse_day_start(uow.settings.all().get(DAY_START_SETTING))


def _business_day_check(uow: UnitOfWork, record: ShiftRecord, now: datetime) -> None:
    today = cash.business_date(now, record.timezone, day_start(uow))
    if record.business_date != today:
        day = record.business_date
        raise NoOpenShift(
            f"{record.counter}'s open shift is from an earlier business day "
            f"({'unknown' if day is None else f'{day:%a} {day.day} {day:%b}'}): a supervisor "
            "counts and closes it, then a new shift opens"
        )


def _same_cinema(
    uow: UnitOfWork, record: ShiftRecord, show_id: int, show_theater: int | None = -1
) -> None:
    """A shift takes money for its own cinema's shows only. ``show_theater``: the show's cinema
    when the caller already has it (-1: look it up)."""
    if show_theater == -1:
        of_show = uow.shifts.cinema_of_show(show_id)
        show_theater = None if of_show is None else of_show.theater_id
    if show_theater is None or record.theater_id is None or show_theater == record.theater_id:
        return
    cinema = uow.shifts.cinema_of_show(show_id)
    if cinema is not None:
        raise NoOpenShift(
            f"{record.counter}'s shift takes money for {record.theater_name}; this show is at "
            f"{cinema.name}: sell or refund it at a counter of {cinema.name}"
        )


def sale_shift(
    uow: UnitOfWork, ctx: CounterContext, show_id: int, now: datetime
) -> ShiftRecord | None:
    """The shift a sale by ``ctx`` goes into (locked FOR SHARE), None for an unattended
    caller; NoOpenShift with what to do otherwise."""
    if ctx.staff_id is None:
        return None
    found = uow.shifts.shift_for_sale(ctx.counter, show_id)  # FOR SHARE, one statement
    if found is None:
        raise NoOpenShift(
            f"{ctx.counter} has no open shift: open a shift (count the float into the drawer) "
            "before selling"
        )
    record, show_theater = found
    if record.staff_id != ctx.staff_id:
        raise NoOpenShift(
            f"{ctx.counter}'s open shift is {record.username}'s: {ctx.username} sells after "
            f"{record.username}'s shift is closed and their own is opened"
        )
    _business_day_check(uow, record, now)
    _same_cinema(uow, record, show_id, show_theater)
    return record


def record_sale(
    uow: UnitOfWork,
    ctx: CounterContext,
    ticket: TicketRecord,
    parts: Sequence[TenderPart],
    now: datetime,
) -> tuple[PaidPart, ...]:
    """One SUCCESS PAYMENT row per settled part, in the counter's shift."""
    shift = sale_shift(uow, ctx, ticket.show_id, now)
    paid = []
    for p in parts:
        assert p.amount is not None
        payment_id = uow.booking.add_payment(
            NewPayment(
                ticket_id=ticket.ticket_id,
                kind=PaymentKind.PAYMENT,
                mode=p.mode,
                status=PaymentStatus.SUCCESS,
                amount=p.amount,
                created_at=now,
                counter=ctx.counter,
                staff_id=ctx.staff_id,
                reference=p.reference,
                tendered=p.tendered,
                change_due=p.change,
                session_id=None if shift is None else shift.shift_id,
            )
        )
        paid.append(PaidPart(payment_id, p.mode, p.amount, p.tendered, p.change))
    return tuple(paid)


def refund_parts(
    payments: Sequence[PaymentRecord], refund: Decimal
) -> list[tuple[PaymentRecord, Decimal]]:
    """Which original payments the refund goes back to, and how much each: non-cash parts first,
    then cash (the fee stays out of the cash paid back). Parts left at zero are left out."""
    originals = [
        p for p in payments if p.kind == PaymentKind.PAYMENT and p.status == PaymentStatus.SUCCESS
    ]
    if not originals:
        raise InvalidState("this booking has no successful payment to refund")
    ordered = sorted(originals, key=lambda p: (p.mode == PaymentMode.CASH, p.payment_id))
    left = refund
    out: list[tuple[PaymentRecord, Decimal]] = []
    for p in ordered:
        take = min(p.amount, left)
        if take > 0:
            out.append((p, take))
        left -= take
    if left > 0:
        raise InvalidState("the refund is more than was paid")
    return out or [(ordered[0], Decimal("0.00"))]


def record_refund(
    uow: UnitOfWork,
    ctx: CounterContext,
    ticket: TicketRecord,
    refund: Decimal,
    *,
    approved_by_id: int | None,
    reason: str | None,
    now: datetime,
) -> tuple[PaidPart, ...]:
    """The REFUND rows of a cancellation, each linked to the payment it refunds, through the
    refunding counter's open shift (needed for cash)."""
    parts = refund_parts(uow.booking.payments(ticket.ticket_id), refund)
    shift: ShiftRecord | None = None
    if ctx.staff_id is not None:
        shift = uow.shifts.open_shift_of_counter(ctx.counter, lock="share")
        if shift is not None:
            _business_day_check(uow, shift, now)
            _same_cinema(uow, shift, ticket.show_id)
    if (
        shift is None
        and ctx.staff_id is not None
        and any(p.mode == PaymentMode.CASH and amount > 0 for p, amount in parts)
    ):
        raise NoOpenShift(
            f"the refund pays back cash, and {ctx.counter} has no open shift: open one (or "
            "refund at a counter with an open drawer)"
        )
    done = []
    for original, amount in parts:
        payment_id = uow.booking.add_payment(
            NewPayment(
                ticket_id=ticket.ticket_id,
                kind=PaymentKind.REFUND,
                mode=original.mode,
                status=PaymentStatus.SUCCESS,
                amount=amount,
                created_at=now,
                counter=ctx.counter,
                staff_id=ctx.staff_id,
                reference=_reference((reason or "")[:REFERENCE_MAX]),
                refund_of_id=original.payment_id,
                approved_by_id=approved_by_id,
                session_id=None if shift is None else shift.shift_id,
            )
        )
        done.append(PaidPart(payment_id, PaymentMode(original.mode), amount, None, None))
    return tuple(done)


__all__ = [
    "NoOpenShift",
    "PaidPart",
    "Tender",
    "TenderPart",
    "plan",
    "record_refund",
    "record_sale",
    "refund_parts",
    "sale_shift",
    "settle",
]
