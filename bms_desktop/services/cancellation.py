"""Undoing a sale: a confirmed booking cancelled and refunded (a supervisor does it or approves
it), and the sweeper that expires holds whose time ran out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from bms_desktop.domain import limits, rules
from bms_desktop.domain.errors import InvalidState, NotFound, PermissionDenied
from bms_desktop.domain.model import PaymentMode, Role, TicketStatus
from bms_desktop.services.approvals import CANCEL_REFUND, Approval
from bms_desktop.services.context import BoxOffice, BoxOfficeSettings, CounterContext, load_settings
from bms_desktop.services.outcome_guard import OperationKind, keyed  # issue 13 (faults)
from bms_desktop.services.ports import ShowInfo, TicketRecord, UnitOfWork
from bms_desktop.services.sale_common import note_wait, parse_money, record_audit
from bms_desktop.services.tender import record_refund  # issue 11

# --------------------------------------------------------------------------- cancel / refund


@dataclass(frozen=True)
class RefundResult:
    ticket_id: int
    ticket_code: str
    refund: Decimal
    fee: Decimal
    mode: PaymentMode
    approved_by: str
    show_id: int = 0
    seat_labels: tuple[str, ...] = ()
    show_seat_ids: tuple[int, ...] = ()
    counter: str = ""
    parts: tuple[tuple[PaymentMode, Decimal], ...] = ()  # issue 11: (mode, amount) paid back


def refund_preview(box: BoxOffice, *, ticket_id: int, fee: Decimal | str | None = None) -> Decimal:
    """The amount a cancellation would refund, for the approval dialog."""
    now = box.now()
    with box.uows() as uow:
        cfg = load_settings(uow)
        ticket, _info = _cancellable(uow, ticket_id, now, cfg)
    fee_value = parse_money(fee, "fee") if fee is not None else Decimal(cfg.cancellation_fee)
    return rules.compute_refund(total=ticket.total, fee=fee_value or Decimal("0.00"))


def _cancellable(
    uow: UnitOfWork, ticket_id: int, now: datetime, cfg: BoxOfficeSettings
) -> tuple[TicketRecord, ShowInfo]:
    ticket = uow.booking.ticket(ticket_id)
    if ticket is None:
        raise NotFound(f"ticket {ticket_id} does not exist")
    if ticket.status != TicketStatus.CONFIRMED:
        raise InvalidState(
            f"only a confirmed booking can be cancelled; {ticket.code} is "
            f"{ticket.status.replace('_', ' ').lower()}"
        )
    info = uow.booking.show_info(ticket.show_id)
    assert info is not None
    rules.ensure_cancellable(
        show_start=info.starts_at, now=now, cutoff_min=cfg.cancel_cutoff_minutes, tz=info.timezone
    )
    return ticket, info


def _cancel_approver(
    box: BoxOffice, uow: UnitOfWork, ctx: CounterContext, ticket_id: int, approval: object | None
) -> tuple[int, str, Approval | None]:
    """Who approves this cancellation: the clerk, if the staff table says they are a supervisor
    (or admin), else the supervisor behind an approval this box office issued for exactly this
    ticket at this counter (never the clerk who asked). (staff id, name, approval to use up)."""
    what = "Cancelling and refunding a booking"
    if ctx.staff_id is not None:
        staff = uow.staff.by_id(ctx.staff_id)
        if (
            staff is not None
            and staff.active
            and Role(staff.role).at_least(Role.SUPERVISOR)
            and approval is None
        ):
            return staff.staff_id, staff.username, None
    if approval is None:
        raise PermissionDenied(
            f"{what} needs a supervisor; {ctx.username} is a {ctx.role.value.lower()}"
            if not ctx.role.at_least(Role.SUPERVISOR)
            else f"{what} needs a supervisor: {ctx.username} is not one on the staff list"
        )
    issued = box.approvals.check(
        approval,
        action=CANCEL_REFUND,
        subject=ticket_id,
        counter=ctx.counter,
        requested_by=ctx.staff_id,
        now=box.now(),
    )
    approver = uow.staff.by_id(issued.approver_id)
    if approver is None or not approver.active or not Role(approver.role).at_least(Role.SUPERVISOR):
        raise PermissionDenied(f"{issued.approver} can no longer approve this; ask again")
    if ctx.staff_id is not None and approver.staff_id == ctx.staff_id:
        raise PermissionDenied("nobody approves their own cancellation; ask another supervisor")
    return approver.staff_id, approver.username, issued


@keyed(OperationKind.CANCEL)  # issue 13: a lost commit -> OutcomeUnknown naming the ticket
def cancel_booking(
    box: BoxOffice,
    ctx: CounterContext,
    *,
    ticket_id: int,
    approval: Approval | None = None,
    fee: Decimal | str | None = None,
    reason: str = "",
) -> RefundResult:
    """Cancel a confirmed booking and refund it: a supervisor (as the staff table says) does it,
    or approves it by signing in at the counter (``auth.grant_approval``: ``approval``)."""
    reason = (
        limits.check_text(reason, limits.PAYMENT_REFERENCE, what="the reason", field="reason") or ""
    )
    now = box.now()
    with box.uows(write=True, label=ctx.counter) as uow:
        note_wait(box, uow, ctx, "cancelling the booking")
        approver_id, approver_name, used = _cancel_approver(box, uow, ctx, ticket_id, approval)
        cfg = load_settings(uow)
        ticket, info = _cancellable(uow, ticket_id, now, cfg)
        fee_value = parse_money(fee, "fee") if fee is not None else Decimal(cfg.cancellation_fee)
        refund = rules.compute_refund(total=ticket.total, fee=fee_value or Decimal("0.00"))
        if not uow.booking.release(ticket_id, TicketStatus.CANCELLED, now, from_status="CONFIRMED"):
            # issue 12: the release refuses a ticket admitted at the door; say so.
            from bms_desktop.services.door import cancel_refusal

            raise InvalidState(
                cancel_refusal(uow, ticket_id, now) or f"{ticket.code} was cancelled meanwhile"
            )
        uow.booking.return_coupon(ticket_id, now)
        # issue 11: back to the original tenders, cash through this counter's open shift
        refunded = record_refund(
            uow, ctx, ticket, refund, approved_by_id=approver_id, reason=reason, now=now
        )
        record_audit(
            uow,
            ctx,
            now,
            "CANCEL_REFUND",
            entity_id=ticket_id,
            show_id=info.show_id,
            code=ticket.code,
            refund=str(refund),
            fee=str(fee_value),
            approved_by=approver_name,
            reason=reason,
        )
        seats = uow.booking.ticket_seats(ticket_id)
        if used is not None:
            box.approvals.consume(used)  # once: a second use is refused
        uow.commit()
    return RefundResult(
        ticket_id,
        ticket.code,
        refund,
        fee_value or Decimal("0.00"),
        refunded[0].mode,
        approver_name,
        show_id=info.show_id,
        seat_labels=tuple(s.label for s in seats),
        show_seat_ids=tuple(s.show_seat_id for s in seats),
        counter=ctx.counter,
        parts=tuple((p.mode, p.amount) for p in refunded),  # issue 11
    )


# --------------------------------------------------------------------------- expiry


def expire_holds(box: BoxOffice, ctx: CounterContext | None = None, *, limit: int = 500) -> int:
    """The sweeper: expire every ticket whose hold ran out (seats freed in the same step)."""
    from bms_desktop.services.context import SYSTEM

    who = ctx or SYSTEM
    now = box.now()
    with box.uows() as uow:
        stale = uow.booking.stale_ticket_ids(now, limit=limit)
    if not stale:
        return 0
    count = 0
    with box.uows(write=True, label=who.counter) as uow:
        for tid in stale:
            ticket = uow.booking.ticket(tid)
            if ticket is not None and uow.booking.expire_ticket(tid, now):
                count += 1
                record_audit(
                    uow, who, now, "EXPIRY", entity_id=tid, show_id=ticket.show_id, code=ticket.code
                )
        uow.commit()
    return count
