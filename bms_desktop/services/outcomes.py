"""An unknown outcome is resolved, not guessed.

When the connection drops while a hold, a confirm, a release or a cancellation is committing, the
terminal does not know whether the database saved it (``OutcomeUnknown``, raised with the
operation and its key by ``outcome_guard.keyed``). Once the database answers again,
``resolve(box, ctx, exc)`` (or ``resolve_outcome`` with the kind and key) reads what is really
there and says it in words a clerk can act on, with what the counter needs to carry on:

* HOLD: ``hold`` (a ``HoldResult``) when the seats are held for this ticket: go on to payment;
* CONFIRM: ``confirmation`` (a ``ConfirmResult``) when the sale went through: print the ticket;
* CANCEL: ``refund`` (a ``RefundResult``) when the cancellation and refund went through.

Nothing here repeats the operation: a person decides, knowing the truth. The only write is the
tidy-up of a hold that was left half-made (the thread strategy commits its steps one by one):
its ticket is released, so that nothing stays held for a sale nobody is making.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bms_desktop.domain import rules
from bms_desktop.domain.errors import ValidationError
from bms_desktop.domain.model import PaymentKind, PaymentMode, PaymentStatus, TicketStatus
from bms_desktop.services.cancellation import RefundResult
from bms_desktop.services.checkout import ConfirmResult
from bms_desktop.services.context import BoxOffice, CounterContext
from bms_desktop.services.dto import ConcurrencyReport, HoldResult, PriceLine, Quote
from bms_desktop.services.outcome_guard import OperationKind
from bms_desktop.services.ports import (
    OutcomeUnknown,
    PaymentRecord,
    TicketRecord,
    UnitOfWork,
)
from bms_desktop.services.sale_common import record_audit


@dataclass(frozen=True)
class OutcomeResolution:
    kind: OperationKind
    went_through: bool  # the operation took effect in the database
    ticket_id: int | None
    ticket_code: str | None
    status: str | None  # the ticket's status now (None: there is no such ticket)
    message: str
    hold: HoldResult | None = None
    confirmation: ConfirmResult | None = None
    refund: RefundResult | None = None


def resolve(box: BoxOffice, ctx: CounterContext, unknown: OutcomeUnknown) -> OutcomeResolution:
    """The truth about an ``OutcomeUnknown`` raised by a booking service."""
    if unknown.kind is None:
        raise ValidationError("this lost commit names no operation to look up")
    return resolve_outcome(
        box,
        ctx,
        OperationKind(unknown.kind),
        ticket_code=unknown.ticket_code,
        ticket_id=unknown.ticket_id,
    )


def resolve_outcome(
    box: BoxOffice,
    ctx: CounterContext,
    kind: OperationKind | str,
    *,
    ticket_code: str | None = None,
    ticket_id: int | None = None,
) -> OutcomeResolution:
    """Look an operation up by its ticket code or id and say what really happened. Raises
    StorageUnavailable while the database still cannot be reached (ask again later)."""
    kind = OperationKind(kind)
    if ticket_code is None and ticket_id is None:
        raise ValidationError("give the ticket code or the ticket id to look up")
    now = box.now()
    with box.uows(label=ctx.counter) as uow:
        ticket = _find(uow, ticket_code, ticket_id)
        if ticket is None:
            return _not_found(kind, ticket_code, ticket_id)
        tz = _timezone(uow, ticket)
        match kind:
            case OperationKind.HOLD:
                resolution = _resolve_hold(uow, ctx, ticket, now, tz)
            case OperationKind.CONFIRM:
                resolution = _resolve_confirm(uow, ticket, now, tz)
            case OperationKind.RELEASE:
                resolution = _resolve_release(ticket, now, tz)
            case OperationKind.CANCEL:
                resolution = _resolve_cancel(uow, ticket)
    if resolution is None:  # a hold left half-made: release it
        return _release_half_made(box, ctx, ticket, now)
    return resolution


# --------------------------------------------------------------------------- reading


def _find(uow: UnitOfWork, code: str | None, ticket_id: int | None) -> TicketRecord | None:
    if ticket_id is not None:
        return uow.booking.ticket(ticket_id)
    assert code is not None
    return uow.booking.ticket_by_code(code)


def _timezone(uow: UnitOfWork, ticket: TicketRecord) -> ZoneInfo:
    info = uow.booking.show_info(ticket.show_id)
    return ZoneInfo(info.timezone if info is not None else "UTC")


def _until(when: datetime | None, tz: ZoneInfo) -> str:
    return "?" if when is None else when.astimezone(tz).strftime("%H:%M")


def _payment(uow: UnitOfWork, ticket_id: int, kind: PaymentKind) -> PaymentRecord | None:
    return next(
        (
            p
            for p in uow.booking.payments(ticket_id)
            if p.kind == kind and p.status == PaymentStatus.SUCCESS
        ),
        None,
    )


def _live_hold(ticket: TicketRecord, now: datetime) -> bool:
    return ticket.status == TicketStatus.PENDING_PAYMENT and rules.hold_is_live(
        ticket.hold_expires_at, now
    )


def _result(
    kind: OperationKind, ticket: TicketRecord, went_through: bool, message: str, **more: object
) -> OutcomeResolution:
    return OutcomeResolution(
        kind=kind,
        went_through=went_through,
        ticket_id=ticket.ticket_id,
        ticket_code=ticket.code,
        status=ticket.status,
        message=message,
        **more,  # type: ignore[arg-type]
    )


def _not_found(kind: OperationKind, code: str | None, ticket_id: int | None) -> OutcomeResolution:
    name = code or f"ticket #{ticket_id}"
    if kind is OperationKind.HOLD:
        message = (
            f"The hold {name} did not go through: nothing is held and nothing was charged. "
            "Pick the seats again."
        )
    else:
        message = f"There is no booking {name}: nothing was charged or refunded."
    return OutcomeResolution(kind, False, ticket_id, code, None, message)


# --------------------------------------------------------------------------- per kind


def _resolve_hold(
    uow: UnitOfWork, ctx: CounterContext, ticket: TicketRecord, now: datetime, tz: ZoneInfo
) -> OutcomeResolution | None:
    kind, code = OperationKind.HOLD, ticket.code
    if ticket.status == TicketStatus.CONFIRMED:
        return _result(kind, ticket, True, f"The hold {code} went through and is already paid.")
    if ticket.status != TicketStatus.PENDING_PAYMENT:
        gone = "ran out" if ticket.status == TicketStatus.EXPIRED else "was released"
        return _result(
            kind,
            ticket,
            True,
            f"The hold {code} went through but has since {gone}: the seats are free again "
            "and nothing was charged. Pick the seats again.",
        )
    held = [
        s
        for s in uow.booking.seats_of_ticket(ticket.ticket_id)
        if s.status == "HELD" and s.ticket_id == ticket.ticket_id
    ]
    if len(held) != ticket.seat_count:
        return None  # half-made (thread strategy): released by the caller
    if not rules.hold_is_live(ticket.hold_expires_at, now):
        return _result(
            kind,
            ticket,
            True,
            f"The hold {code} went through but has run out since: the seats are free again "
            "and nothing was charged. Pick the seats again.",
        )
    lines = tuple(
        PriceLine(ts.label, ts.seat_type, ts.price, f"{ts.seat_type.title()} {ts.price:.2f}")
        for ts in uow.booking.ticket_seats(ticket.ticket_id)
        if ts.live
    )
    assert ticket.hold_expires_at is not None
    hold = HoldResult(
        ticket_id=ticket.ticket_id,
        ticket_code=code,
        show_id=ticket.show_id,
        seat_labels=tuple(s.label for s in held),
        show_seat_ids=tuple(s.show_seat_id for s in held),
        expires_at=ticket.hold_expires_at,
        quote=Quote(lines, ticket.subtotal, ticket.discount, ticket.total),
        report=ConcurrencyReport(strategy=ctx.strategy),
    )
    seats = ", ".join(hold.seat_labels)
    return _result(
        kind,
        ticket,
        True,
        f"The hold {code} did go through: {seats} held until "
        f"{_until(ticket.hold_expires_at, tz)}. Take the payment.",
        hold=hold,
    )


def _resolve_confirm(
    uow: UnitOfWork, ticket: TicketRecord, now: datetime, tz: ZoneInfo
) -> OutcomeResolution:
    kind, code = OperationKind.CONFIRM, ticket.code
    paid = _payment(uow, ticket.ticket_id, PaymentKind.PAYMENT)
    if ticket.status == TicketStatus.CONFIRMED and paid is not None:
        mode = PaymentMode(paid.mode)
        confirmation = ConfirmResult(
            ticket.ticket_id, code, paid.amount, mode, paid.tendered, paid.change_due,
            paid.payment_id,
        )  # fmt: skip
        return _result(
            kind,
            ticket,
            True,
            f"The sale of {code} did go through: {paid.amount:.2f} paid by "
            f"{_mode_text(mode)}. Print the ticket.",
            confirmation=confirmation,
        )
    if ticket.status == TicketStatus.CANCELLED and paid is not None:
        return _result(
            kind,
            ticket,
            True,
            f"The sale of {code} did go through, and the booking has been cancelled since.",
        )
    if _live_hold(ticket, now):
        return _result(
            kind,
            ticket,
            False,
            f"Nothing was charged for {code}: the payment was not recorded. The seats are still "
            f"held until {_until(ticket.hold_expires_at, tz)}; take the payment again.",
        )
    return _result(
        kind,
        ticket,
        False,
        f"Nothing was charged for {code}: the sale did not go through and its hold is over; "
        "the seats are free.",
    )


def _resolve_release(ticket: TicketRecord, now: datetime, tz: ZoneInfo) -> OutcomeResolution:
    kind, code = OperationKind.RELEASE, ticket.code
    if ticket.status in (TicketStatus.CANCELLED, TicketStatus.EXPIRED):
        return _result(
            kind, ticket, True, f"{code} is released: the seats are free; nothing was charged."
        )
    if ticket.status == TicketStatus.CONFIRMED:
        return _result(kind, ticket, False, f"{code} was not released: it is paid and confirmed.")
    if _live_hold(ticket, now):
        return _result(
            kind,
            ticket,
            False,
            f"{code} was not released: its seats are still held until "
            f"{_until(ticket.hold_expires_at, tz)}. Release them again if they are not wanted.",
        )
    return _result(
        kind, ticket, True, f"{code}'s hold has run out: the seats are free; nothing was charged."
    )


def _resolve_cancel(uow: UnitOfWork, ticket: TicketRecord) -> OutcomeResolution:
    kind, code = OperationKind.CANCEL, ticket.code
    refund = _payment(uow, ticket.ticket_id, PaymentKind.REFUND)
    if ticket.status == TicketStatus.CANCELLED and refund is not None:
        approver = _approver(uow, ticket.ticket_id)
        paid = _payment(uow, ticket.ticket_id, PaymentKind.PAYMENT)
        total = paid.amount if paid is not None else refund.amount
        mode = PaymentMode(refund.mode)
        result = RefundResult(
            ticket.ticket_id, code, refund.amount, total - refund.amount, mode, approver or ""
        )
        return _result(
            kind,
            ticket,
            True,
            f"The cancellation of {code} did go through: {refund.amount:.2f} refunded by "
            f"{_mode_text(mode)}; the seats are free.",
            refund=result,
        )
    if ticket.status == TicketStatus.CONFIRMED:
        return _result(
            kind,
            ticket,
            False,
            f"Nothing was refunded: {code} still stands (paid and confirmed). Cancel it again if "
            "the customer still wants to.",
        )
    return _result(
        kind, ticket, False, f"Nothing was refunded: {code} is {_status_text(ticket.status)}."
    )


def _approver(uow: UnitOfWork, ticket_id: int) -> str | None:
    """Who approved the refund: its audit row says (it was written a moment ago, with it)."""
    for record in uow.audit.recent(limit=200):
        if record.action == "CANCEL_REFUND" and record.entity_id == str(ticket_id):
            approved = record.details.get("approved_by")
            return None if approved is None else str(approved)
    return None


def _mode_text(mode: PaymentMode) -> str:
    return mode.value.replace("_", " ").lower()


def _status_text(status: str) -> str:
    return status.replace("_", " ").lower()


# --------------------------------------------------------------------------- tidy-up


def _release_half_made(
    box: BoxOffice, ctx: CounterContext, ticket: TicketRecord, now: datetime
) -> OutcomeResolution:
    with box.uows(write=True, label=ctx.counter) as uow:
        released = uow.booking.release(
            ticket.ticket_id, TicketStatus.CANCELLED, now, from_status="PENDING_PAYMENT"
        )
        if released:
            record_audit(
                uow,
                ctx,
                now,
                "RELEASE",
                entity_id=ticket.ticket_id,
                show_id=ticket.show_id,
                code=ticket.code,
                reason="hold left half-made",
            )
            uow.commit()
    return OutcomeResolution(
        OperationKind.HOLD,
        False,
        ticket.ticket_id,
        ticket.code,
        TicketStatus.CANCELLED if released else ticket.status,
        f"The hold {ticket.code} did not complete: nothing is held and nothing was charged. "
        "Pick the seats again.",
    )


__all__ = ["OutcomeResolution", "resolve", "resolve_outcome"]
