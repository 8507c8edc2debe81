"""Taking the money: coupons on a held booking, the payment that sells the seats (one atomic
step, whatever strategy held them), a payment that failed, and giving held seats back.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from bms_desktop.domain import limits, rules
from bms_desktop.domain.coupons import evaluate_coupon, normalise_code
from bms_desktop.domain.errors import (
    CouponRejected,
    InvalidState,
    NotFound,
    ValidationError,
)
from bms_desktop.domain.model import (
    PaymentKind,
    PaymentMode,
    PaymentStatus,
    Role,
    TicketStatus,
)
from bms_desktop.domain.pricing import round_money
from bms_desktop.services.context import BoxOffice, CounterContext, load_settings
from bms_desktop.services.dto import Quote
from bms_desktop.services.outcome_guard import OperationKind, keyed  # issue 13 (faults)
from bms_desktop.services.ports import NewPayment
from bms_desktop.services.price_lines import ticket_price_line  # issue 8 (admin-B)
from bms_desktop.services.sale_common import (
    checked_customer,
    checked_phone,
    customer_key,
    normalise_phone,
    not_pending_message,
    note_wait,
    parse_money,
    pending_ticket,
    record_audit,
)
from bms_desktop.services.tender import Tender, plan, record_sale, settle  # issue 11

# --------------------------------------------------------------------------- coupons


def apply_coupon(
    box: BoxOffice,
    ctx: CounterContext,
    *,
    ticket_id: int,
    code: str,
    customer_phone: str | None = None,
) -> Quote:
    """Attach a coupon to a pending ticket (the use is counted at confirmation)."""
    ctx.require(Role.CLERK, "Applying a coupon")  # issue 12: an usher only admits
    code = normalise_code(code)
    if len(code) > limits.limit(limits.COUPON_CODE):
        raise CouponRejected(f"there is no coupon {code[:20]}… (a code has at most 20 characters)")
    customer_phone = checked_phone(customer_phone) if customer_phone else customer_phone
    now = box.now()
    with box.uows(write=True, label=ctx.counter) as uow:
        note_wait(box, uow, ctx, f"applying {code}")
        ticket = pending_ticket(uow, ticket_id, now)
        coupon = uow.booking.coupon_by_code(code)
        if coupon is None:
            raise CouponRejected(f"there is no coupon {code}")
        phone = customer_phone if customer_phone is not None else ticket.customer_phone
        if coupon.per_customer_limit is not None and not normalise_phone(phone):
            raise CouponRejected(
                f"{code} is limited per customer: enter the customer's phone number first"
            )
        uses = uow.booking.coupon_uses(coupon.coupon_id, customer_key(phone))
        info = uow.booking.show_info(ticket.show_id)
        discount = evaluate_coupon(
            coupon,
            subtotal=ticket.subtotal,
            now=now,
            customer_uses=uses,
            tz=None if info is None else info.timezone,
        )
        total = round_money(ticket.subtotal - discount)
        uow.booking.set_ticket_amounts(
            ticket_id, discount=discount, total=total, coupon_id=coupon.coupon_id
        )
        if customer_phone is not None:
            uow.booking.set_customer(
                ticket_id, ticket.customer_name, normalise_phone(customer_phone)
            )
        record_audit(
            uow, ctx, now, "COUPON_APPLIED", entity_id=ticket_id, code=code, discount=str(discount)
        )
        uow.commit()
    return _quote_of(box, ticket_id, f"{code}: {discount:.2f} off")


def remove_coupon(box: BoxOffice, ctx: CounterContext, *, ticket_id: int) -> Quote:
    ctx.require(Role.CLERK, "Removing a coupon")  # issue 12: an usher only admits
    now = box.now()
    with box.uows(write=True, label=ctx.counter) as uow:
        note_wait(box, uow, ctx, "removing the coupon")
        ticket = pending_ticket(uow, ticket_id, now)
        uow.booking.set_ticket_amounts(
            ticket_id, discount=Decimal("0.00"), total=ticket.subtotal, coupon_id=None
        )
        uow.commit()
    return _quote_of(box, ticket_id, None)


def _quote_of(box: BoxOffice, ticket_id: int, message: str | None) -> Quote:
    with box.uows() as uow:
        ticket = uow.booking.ticket(ticket_id)
        assert ticket is not None
        lines = tuple(  # issue 8 (admin-B): each line names its ticket type
            ticket_price_line(ts.label, ts.seat_type, ts.price, ts.ticket_type)
            for ts in uow.booking.ticket_seats(ticket_id)
        )
        coupon = uow.booking.coupon_by_id(ticket.coupon_id) if ticket.coupon_id else None
    return Quote(
        lines=lines,
        subtotal=ticket.subtotal,
        discount=ticket.discount,
        total=ticket.total,
        coupon_code=None if coupon is None else coupon.code,
        coupon_message=message,
    )


# --------------------------------------------------------------------------- confirm / fail


@dataclass(frozen=True)
class ConfirmResult:
    ticket_id: int
    ticket_code: str
    total: Decimal
    mode: PaymentMode
    tendered: Decimal | None
    change_due: Decimal | None
    payment_id: int
    confirmed_at: datetime | None = None
    payment_ids: tuple[int, ...] = ()  # issue 11: one per tender of a split payment
    tenders: tuple[tuple[PaymentMode, Decimal], ...] = ()  # issue 11: (mode, amount) per part


@keyed(OperationKind.CONFIRM)  # issue 13: a lost commit -> OutcomeUnknown naming the ticket
def confirm_booking(
    box: BoxOffice,
    ctx: CounterContext,
    *,
    ticket_id: int,
    mode: PaymentMode | str,
    reference: str | None = None,
    tendered: Decimal | str | None = None,
    customer_name: str | None = None,
    customer_phone: str | None = None,
    split: Sequence[Tender] | None = None,
) -> ConfirmResult:
    """Take payment and sell the held seats: one atomic step, whatever the strategy.

    ``split`` (issue 11): several tenders adding up to the total (``mode`` is then the first
    part's). A signed-in clerk's payment rows go into the counter's open shift (services.tender).
    """
    ctx.require(Role.CLERK, "Taking payment")  # issue 12: an usher only admits
    try:
        pay_mode = PaymentMode(mode)
    except ValueError as exc:
        raise ValidationError(f"unknown payment mode {mode}") from exc
    cash = parse_money(tendered, "tendered amount")
    reference = limits.check_text(
        reference, limits.PAYMENT_REFERENCE, what="a payment reference", field="reference"
    )
    if customer_name is not None or customer_phone is not None:
        customer_name, customer_phone = checked_customer(customer_name, customer_phone)
    if pay_mode == PaymentMode.CASH and cash is None and not split:
        raise ValidationError("enter the cash tendered", field="tendered")
    tenders = plan(pay_mode, cash, reference, split)  # issue 11
    now = box.now()
    with box.uows(write=True, lock_timeout_ms=ctx.lock_timeout_ms, label=ctx.counter) as uow:
        note_wait(box, uow, ctx, "taking the payment")
        given = [t.tendered for t in tenders if t.tendered is not None]  # issue 11: split too
        if given:
            ceiling = load_settings(uow).cash_tendered_limit
            for handed in given:
                if handed > ceiling:
                    raise ValidationError(
                        f"{_rupees(handed)} is more cash than one sale takes (at most "
                        f"{_rupees(ceiling)}); check the amount tendered",
                        field="tendered",
                    )
        ticket = uow.booking.ticket(ticket_id)
        if ticket is None:
            raise NotFound(f"ticket {ticket_id} does not exist")
        if ticket.status != TicketStatus.PENDING_PAYMENT:
            raise InvalidState(not_pending_message(ticket))
        if not rules.hold_is_live(ticket.hold_expires_at, now):
            # The expiry wins: record it now so that nobody is ever charged for lost seats.
            if uow.booking.expire_ticket(ticket_id, now):
                record_audit(
                    uow,
                    ctx,
                    now,
                    "EXPIRY",
                    entity_id=ticket_id,
                    show_id=ticket.show_id,
                    code=ticket.code,
                    on_late_payment=True,
                )
                uow.commit()
            raise InvalidState(
                f"the hold on {ticket.code} ran out before payment; nothing was charged. "
                "Hold the seats again."
            )
        tenders = settle(tenders, ticket.total)  # issue 11: amounts add up, change per cash part
        if customer_name is not None or customer_phone is not None:
            uow.booking.set_customer(
                ticket_id,
                (customer_name or "").strip() or ticket.customer_name,
                normalise_phone(customer_phone) or ticket.customer_phone,
            )
        if ticket.coupon_id is not None:
            coupon = uow.booking.coupon_by_id(ticket.coupon_id)
            assert coupon is not None
            key = customer_key(customer_phone or ticket.customer_phone)
            # Re-check the rules with the counts as they are now, then count the use atomically.
            evaluate_coupon(
                coupon,
                subtotal=ticket.subtotal,
                now=now,
                customer_uses=uow.booking.coupon_uses(coupon.coupon_id, key),
            )
            if not uow.booking.redeem_coupon(coupon.coupon_id, ticket_id, key, now):
                raise CouponRejected(
                    f"{coupon.code} has just reached its usage limit; remove it to continue"
                )
            limit = coupon.per_customer_limit
            if limit is not None and uow.booking.coupon_uses(coupon.coupon_id, key) > limit:
                raise CouponRejected(
                    f"this customer has already used {coupon.code} {limit} time(s)"
                )
        if not uow.booking.confirm(ticket_id, now):
            uow.rollback()
            raise InvalidState(
                f"{ticket.code} could not be confirmed: its seats are no longer held by it"
            )
        paid = record_sale(uow, ctx, ticket, tenders, now)  # issue 11: the shift's payment rows
        payment_id, change = paid[0].payment_id, paid[0].change
        record_audit(
            uow,
            ctx,
            now,
            "SALE",
            entity_id=ticket_id,
            show_id=ticket.show_id,
            code=ticket.code,
            total=str(ticket.total),
            mode=pay_mode.value,
            more={"split": [[p.mode.value, str(p.amount)] for p in paid]} if split else None,
        )
        uow.commit()
    return ConfirmResult(
        ticket_id, ticket.code, ticket.total, pay_mode, paid[0].tendered, change, payment_id,
        now, tuple(p.payment_id for p in paid), tuple((p.mode, p.amount) for p in paid),
    )  # fmt: skip


def _rupees(amount: Decimal) -> str:
    return f"₹{amount:,.2f}"


@keyed(OperationKind.RELEASE)  # issue 13: a lost commit -> OutcomeUnknown naming the ticket
def record_failed_payment(
    box: BoxOffice,
    ctx: CounterContext,
    *,
    ticket_id: int,
    mode: PaymentMode | str,
    reason: str = "",
    release: bool = True,
) -> None:
    """A payment that did not go through: recorded; by default the held seats go back on sale
    (HELD -> AVAILABLE on payment failure). ``release=False`` keeps the hold for another try."""
    ctx.require(Role.CLERK, "Recording a payment")  # issue 12: an usher only admits
    try:
        pay_mode = PaymentMode(mode)
    except ValueError as exc:
        raise ValidationError(f"unknown payment mode {mode}") from exc
    reason = (
        limits.check_text(reason, limits.PAYMENT_REFERENCE, what="the reason", field="reason") or ""
    )
    now = box.now()
    with box.uows(write=True, label=ctx.counter) as uow:
        note_wait(box, uow, ctx, "recording the failed payment")
        ticket = pending_ticket(uow, ticket_id, now)
        uow.booking.add_payment(
            NewPayment(
                ticket_id=ticket_id,
                kind=PaymentKind.PAYMENT,
                mode=pay_mode,
                status=PaymentStatus.FAILED,
                amount=ticket.total,
                created_at=now,
                counter=ctx.counter,
                staff_id=ctx.staff_id,
                reference=reason or None,
            )
        )
        if release:
            uow.booking.release(
                ticket_id, TicketStatus.CANCELLED, now, from_status="PENDING_PAYMENT"
            )
        record_audit(
            uow,
            ctx,
            now,
            "PAYMENT_FAILED",
            entity_id=ticket_id,
            show_id=ticket.show_id,
            code=ticket.code,
            mode=pay_mode.value,
            reason=reason,
            released=release,
        )
        uow.commit()


@keyed(OperationKind.RELEASE)  # issue 13: a lost commit -> OutcomeUnknown naming the ticket
def release_hold(box: BoxOffice, ctx: CounterContext, *, ticket_id: int) -> bool:
    """Give held seats back. False if there was nothing to release (already gone)."""
    ctx.require(Role.CLERK, "Releasing seats")  # issue 12: an usher only admits
    now = box.now()
    with box.uows(write=True, label=ctx.counter) as uow:
        note_wait(box, uow, ctx, "releasing the seats")
        ticket = uow.booking.ticket(ticket_id)
        if ticket is None:
            raise NotFound(f"ticket {ticket_id} does not exist")
        if ticket.status != TicketStatus.PENDING_PAYMENT:
            return False
        if not uow.booking.release(
            ticket_id, TicketStatus.CANCELLED, now, from_status="PENDING_PAYMENT"
        ):
            return False
        record_audit(
            uow, ctx, now, "RELEASE", entity_id=ticket_id, show_id=ticket.show_id, code=ticket.code
        )
        uow.commit()
    return True
