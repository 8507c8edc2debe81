"""Ticket types: Adult, Child, Senior, Student, Complimentary (the migration seeds them) and any
an administrator adds. A multiplier of the seat's price or a fixed amount; for every cinema or
one (a cinema's own type replaces the global one of the same code there); may need a
supervisor's approval at the counter (Complimentary does); active; an order.

ADULT is what every seat is sold as until the clerk picks another type: its price is the
seat's own price (x1, no approval, always active), so it cannot be changed into anything else.

``set_ticket_types`` re-prices the seats of a pending booking by type, at the counter: the
ticket seats' types and prices and the ticket's subtotal, discount (its coupon evaluated again
by ``domain.coupons``) and total change together in one transaction whose last statement is
conditional on the booking still being pending with a live hold.

The basket calls: ``ticket_type_choices(box, theater_id)`` for the types to offer (hot keys in
their order), then ``set_ticket_types(box, ctx, ticket_id=..., types={show_seat_id: code})`` and
shows the Quote it returns. For a type that needs approval, it first gets one: with the
counter's approval registry (issue 9) ``auth.grant_approval(box, ctx, username=..., password=...,
action=APPROVAL_ACTION, subject=ticket_id)``, or without it ``SupervisorCredentials(name,
password)``, and passes it as ``approval=``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from decimal import Decimal

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from bms_desktop.domain import rules
from bms_desktop.domain.coupons import evaluate_coupon
from bms_desktop.domain.errors import (
    CouponRejected,
    InvalidState,
    NotFound,
    PermissionDenied,
    ValidationError,
)
from bms_desktop.domain.model import Role, TicketStatus
from bms_desktop.domain.pricing import round_money
from bms_desktop.domain.ticket_types import (
    DEFAULT_TYPE,
    KINDS,
    MULTIPLIER,
    TicketTypeSpec,
    effective_types,
    normalise_type_code,
    price_for_type,
    validate_ticket_type,
)
from bms_desktop.services.admin.common import (
    audit_change,
    clean_text,
    parse_decimal,
    parse_int,
    require_admin,
    valid_id,
)
from bms_desktop.services.admin.dto_ticket_types import (
    SupervisorCredentials,
    TicketTypeChoice,
    TicketTypeInput,
    TicketTypeRow,
)
from bms_desktop.services.context import BoxOffice, CounterContext
from bms_desktop.services.dto import Quote
from bms_desktop.services.ports import TicketRecord, UnitOfWork
from bms_desktop.services.ports_admin_b import TypedSeatRecord
from bms_desktop.services.price_lines import ticket_price_line, type_title
from bms_desktop.services.sale_common import normalise_phone, record_audit

NAME_MAX = 40  # ticket_types.name
CODE_MAX = 20  # ticket_types.code, ticket_seats.ticket_type
RANK_LIMIT = 1_000_000
_VERIFIER = PasswordHasher()


# --------------------------------------------------------------------------- admin: the types


def list_ticket_types(box: BoxOffice, ctx: CounterContext) -> list[TicketTypeRow]:
    require_admin(ctx, "Listing ticket types")
    with box.uows() as uow:
        return uow.config.ticket_type_rows()


def _spec(data: TicketTypeInput, type_id: int, cinemas: set[int]) -> TicketTypeSpec:
    code = normalise_type_code(clean_text(data.code, field="code", label="The code"))
    if len(code) > CODE_MAX:
        raise ValidationError(
            f"the code is {len(code)} characters long; at most {CODE_MAX} fit", field="code"
        )
    name = clean_text(data.name, field="name", label="The name", max_len=NAME_MAX)
    kind = clean_text(data.kind, field="kind", label="The kind").upper()
    if kind not in KINDS:
        raise ValidationError("a ticket type is a multiplier or a fixed amount", field="kind")
    multiplier = amount = None
    if kind == MULTIPLIER:
        multiplier = parse_decimal(
            data.multiplier,
            field="multiplier",
            label="The multiplier",
            places=3,
            minimum=Decimal(0),
            maximum=Decimal(10),
        )
    else:
        amount = parse_decimal(
            data.amount,
            field="amount",
            label="The fixed amount",
            minimum=Decimal(0),
            maximum=Decimal("100000.00"),
        )
    theater_id = data.theater_id
    if theater_id is not None and (not valid_id(theater_id) or theater_id not in cinemas):
        raise ValidationError("choose an existing cinema, or all cinemas", field="theater_id")
    for flag, label in ((data.needs_approval, "needs approval"), (data.active, "active")):
        if not isinstance(flag, bool):
            raise ValidationError(f"say whether the type is {label}", field="needs_approval")
    spec = TicketTypeSpec(
        type_id=type_id,
        code=code,
        name=name,
        kind=kind,
        multiplier=multiplier,
        amount=amount,
        theater_id=theater_id,
        needs_approval=data.needs_approval,
        active=data.active,
        rank=parse_int(
            data.rank, field="rank", label="The order", minimum=-RANK_LIMIT, maximum=RANK_LIMIT
        ),
    )
    validate_ticket_type(spec)
    if code == DEFAULT_TYPE and (
        kind != MULTIPLIER or multiplier != Decimal(1) or spec.needs_approval or not spec.active
    ):
        raise ValidationError(
            "ADULT is the type every seat is sold as by default: its price is the seat's own "
            "price (multiplier 1), it needs no approval and stays active",
            field="multiplier" if kind == MULTIPLIER and multiplier != Decimal(1) else "code",
        )
    return spec


def _values(row: TicketTypeRow) -> dict[str, object]:
    return {
        "code": row.code,
        "name": row.name,
        "kind": row.kind,
        "multiplier": row.multiplier,
        "amount": row.amount,
        "cinema": row.theater_name,
        "needs_approval": row.needs_approval,
        "active": row.active,
        "rank": row.rank,
    }


def create_ticket_type(box: BoxOffice, ctx: CounterContext, data: TicketTypeInput) -> TicketTypeRow:
    require_admin(ctx, "Adding a ticket type")
    now = box.now()
    with box.uows(write=True, label=ctx.counter) as uow:
        cinemas = {c.id for c in uow.config.cinema_choices()}
        spec = _spec(data, 0, cinemas)
        _check_code_free(uow, spec, None)
        type_id = uow.config.add_ticket_type(spec)
        row = uow.config.ticket_type_row(type_id)
        assert row is not None
        audit_change(
            uow,
            ctx,
            now,
            action="TICKET_TYPE_ADDED",
            entity="ticket_type",
            entity_id=type_id,
            after=_values(row),
        )
        uow.commit()
    return row


def _check_code_free(uow: UnitOfWork, spec: TicketTypeSpec, type_id: int | None) -> None:
    for other in uow.config.ticket_type_specs():
        if (
            other.code == spec.code
            and other.theater_id == spec.theater_id
            and other.type_id != type_id
        ):
            scope = "for every cinema" if spec.theater_id is None else "for that cinema"
            raise ValidationError(
                f"there is already a ticket type {spec.code} {scope}", field="code"
            )


def update_ticket_type(
    box: BoxOffice, ctx: CounterContext, type_id: int, data: TicketTypeInput
) -> TicketTypeRow:
    """Change a type. Seats already typed on pending or sold tickets keep their price."""
    require_admin(ctx, "Changing a ticket type")
    now = box.now()
    with box.uows(write=True, label=ctx.counter) as uow:
        cinemas = {c.id for c in uow.config.cinema_choices()}
        before = uow.config.ticket_type_row(type_id, lock=True) if valid_id(type_id) else None
        if before is None:
            raise NotFound(f"ticket type {type_id} does not exist (any more)")
        spec = _spec(data, type_id, cinemas)
        if before.code == DEFAULT_TYPE and spec.code != DEFAULT_TYPE:
            raise ValidationError("ADULT, the default type, keeps its code", field="code")
        _check_code_free(uow, spec, type_id)
        uow.config.update_ticket_type(type_id, spec)
        after = uow.config.ticket_type_row(type_id)
        assert after is not None
        if _values(before) != _values(after):
            action = "TICKET_TYPE_CHANGED"
            if before.active != after.active:
                action = (
                    "TICKET_TYPE_DEACTIVATED" if not after.active else "TICKET_TYPE_REACTIVATED"
                )
            audit_change(
                uow,
                ctx,
                now,
                action=action,
                entity="ticket_type",
                entity_id=type_id,
                before=_values(before),
                after=_values(after),
            )
            uow.commit()
    return after


def set_ticket_type_active(
    box: BoxOffice, ctx: CounterContext, type_id: int, active: bool
) -> TicketTypeRow:
    require_admin(ctx, "Deactivating a ticket type" if not active else "Reactivating one")
    with box.uows() as uow:
        row = uow.config.ticket_type_row(type_id) if valid_id(type_id) else None
    if row is None:
        raise NotFound(f"ticket type {type_id} does not exist (any more)")
    return update_ticket_type(
        box,
        ctx,
        type_id,
        TicketTypeInput(
            code=row.code,
            name=row.name,
            kind=row.kind,
            multiplier=row.multiplier,
            amount=row.amount,
            theater_id=row.theater_id,
            needs_approval=row.needs_approval,
            active=bool(active),
            rank=row.rank,
        ),
    )


# --------------------------------------------------------------------------- the counter


def ticket_type_choices(box: BoxOffice, theater_id: int) -> list[TicketTypeChoice]:
    """The types on offer at a cinema, in their order (the basket's hot keys 1..9 follow it).
    Any signed-in clerk may ask."""
    with box.uows() as uow:
        specs = uow.config.ticket_type_specs()
    return [
        TicketTypeChoice(
            code=s.code,
            name=s.name,
            kind=s.kind,
            multiplier=s.multiplier,
            amount=s.amount,
            needs_approval=s.needs_approval,
            rank=s.rank,
        )
        for s in effective_types(specs, theater_id)
    ]


APPROVAL_ACTION = "TICKET_TYPE"  # what a supervisor approves (subject: the ticket id)


def _approver(
    box: BoxOffice,
    ctx: CounterContext,
    approval: object,
    what: str,
    ticket_id: int,
) -> tuple[int, str, Callable[[], None]]:
    """Check a supervisor's approval: (staff id, name, a callable that uses the approval up).

    Two proofs are accepted. ``SupervisorCredentials``: a fresh sign-in, checked here against the
    staff table. Or an approval the box office's ``ApprovalRegistry`` issued (the counter's
    ``auth.grant_approval(..., action=APPROVAL_ACTION, subject=ticket_id)``, issue 9), checked
    and used once. Never a context the caller built; nobody approves their own request."""
    if approval is None:
        raise PermissionDenied(f"{what} needs a supervisor's approval")
    if isinstance(approval, SupervisorCredentials):
        staff_id, name = _check_credentials(box, ctx, approval)
        return staff_id, name, lambda: None
    registry = getattr(box, "approvals", None)  # services/approvals.py (issue 9), when merged
    if registry is None:
        raise PermissionDenied("an approval is a supervisor's name and password")
    issued = registry.check(
        approval,
        action=APPROVAL_ACTION,
        subject=ticket_id,
        counter=ctx.counter,
        requested_by=ctx.staff_id,
        now=box.now(),
    )
    with box.uows() as uow:
        staff = uow.staff.by_id(issued.approver_id)
    if staff is None or not staff.active or not Role(staff.role).at_least(Role.SUPERVISOR):
        raise PermissionDenied("the approving supervisor can no longer approve; ask again")
    if ctx.staff_id is not None and staff.staff_id == ctx.staff_id:
        raise PermissionDenied("nobody approves their own request; ask another supervisor")
    return staff.staff_id, staff.username, lambda: registry.consume(issued)


def _check_credentials(
    box: BoxOffice, ctx: CounterContext, approval: SupervisorCredentials
) -> tuple[int, str]:
    name = approval.username.strip().lower() if isinstance(approval.username, str) else ""
    with box.uows() as uow:
        staff = uow.staff.by_username(name) if 0 < len(name) <= 40 else None
    refused = PermissionDenied("the approval was refused: unknown name or wrong password")
    if staff is None:
        raise refused
    try:
        _VERIFIER.verify(staff.password_hash, approval.password)
    except (VerificationError, InvalidHashError, TypeError):
        raise refused from None
    now = box.now()
    if not staff.active or (staff.locked_until is not None and staff.locked_until > now):
        raise PermissionDenied(f"{staff.username} cannot approve: the account is not usable")
    if not Role(staff.role).at_least(Role.SUPERVISOR):
        raise PermissionDenied(
            f"{staff.username} is a {staff.role.lower()}; a supervisor must approve"
        )
    if ctx.staff_id is not None and staff.staff_id == ctx.staff_id:
        raise PermissionDenied("nobody approves their own request; ask another supervisor")
    return staff.staff_id, staff.username


def set_ticket_types(
    box: BoxOffice,
    ctx: CounterContext,
    *,
    ticket_id: int,
    types: Mapping[int, str],
    approval: SupervisorCredentials | object | None = None,
) -> Quote:
    """Give seats of a pending booking a ticket type ({show_seat_id: code}); seats not named
    keep theirs. Re-prices them, and the booking's subtotal, coupon discount and total, as one
    step. A type that needs approval (Complimentary) is refused without a supervisor's fresh
    sign-in (``SupervisorCredentials``) or an approval the counter's registry issued for
    ``APPROVAL_ACTION`` on this ticket; nothing changes on a refusal."""
    ctx.require(Role.CLERK, "Choosing ticket types")
    if not valid_id(ticket_id):
        raise NotFound(f"there is no booking {ticket_id!r}")
    if not isinstance(types, Mapping) or not types:
        raise ValidationError("choose a ticket type for at least one seat", field="types")
    wanted: dict[int, str] = {}
    for seat_id, code in types.items():
        if not valid_id(seat_id) or not isinstance(code, str):
            raise ValidationError("a ticket type is chosen per seat of the booking", field="types")
        wanted[seat_id] = normalise_type_code(code)
    now = box.now()

    with box.uows() as uow:  # read first: the approval is checked before the write lock
        ticket, seats, offered = _typing_state(uow, ticket_id, now)
        plan = _plan(ticket.code, seats, offered, wanted)
    approver: tuple[int, str, Callable[[], None]] | None = None
    newly_approved = sorted({code for code, typed in plan if typed.ticket_type != code})
    needing = [c for c in newly_approved if offered[c].needs_approval]
    if needing:
        names = ", ".join(offered[c].name for c in needing)
        approver = _approver(box, ctx, approval, f"A {names} ticket", ticket_id)
        approver[2]()  # used up now: a failure below means asking again

    with box.uows(write=True, label=ctx.counter) as uow:
        ticket, seats, offered = _typing_state(uow, ticket_id, now, lock=True)
        plan = _plan(ticket.code, seats, offered, wanted)
        if any(offered[c].needs_approval for c, s in plan if s.ticket_type != c) and not approver:
            raise PermissionDenied("this ticket type needs a supervisor's approval")
        prices = {s.show_seat_id: (s.ticket_type, s.price) for s in seats if s.live}
        changes: dict[str, dict[str, str]] = {"before": {}, "after": {}}
        for code, seat in plan:
            price = price_for_type(seat.seat_price, offered[code])
            if (seat.ticket_type, seat.price) == (code, price):
                continue
            if not uow.config.set_seat_ticket_type(
                ticket_id, seat.show_seat_id, ticket_type=code, price=price
            ):
                raise InvalidState(f"{seat.label} is no longer part of {ticket.code}")
            changes["before"][seat.label] = f"{seat.ticket_type} {seat.price:.2f}"
            changes["after"][seat.label] = f"{code} {price:.2f}"
            prices[seat.show_seat_id] = (code, price)
        subtotal = round_money(sum((p for _, p in prices.values()), Decimal(0)))
        discount, message, coupon_id = _discount(uow, ticket, subtotal, now)
        if not changes["after"] and discount == ticket.discount and subtotal == ticket.subtotal:
            return _quote(uow, ticket_id, message)
        if not uow.config.reprice_pending_ticket(
            ticket_id,
            subtotal=subtotal,
            discount=discount,
            total=round_money(subtotal - discount),
            coupon_id=coupon_id,
            now=now,
        ):
            raise InvalidState(f"the hold on {ticket.code} has run out; hold the seats again")
        details: dict[str, object] = {
            **changes,
            "subtotal": f"{ticket.subtotal:.2f} -> {subtotal:.2f}",
            "total": f"{ticket.total:.2f} -> {round_money(subtotal - discount):.2f}",
        }
        if approver is not None:
            details["approved_by"] = approver[1]
        if message:
            details["coupon"] = message
        record_audit(
            uow,
            ctx,
            now,
            "TICKET_TYPES_SET",
            entity_id=ticket_id,
            show_id=ticket.show_id,
            more=details,
        )
        quote = _quote(uow, ticket_id, message)
        uow.commit()
    return quote


def _typing_state(
    uow: UnitOfWork, ticket_id: int, now: datetime, *, lock: bool = False
) -> tuple[TicketRecord, list[TypedSeatRecord], dict[str, TicketTypeSpec]]:
    ticket = uow.booking.ticket(ticket_id)
    if ticket is None:
        raise NotFound(f"booking {ticket_id} does not exist")
    if ticket.status != TicketStatus.PENDING_PAYMENT:
        state = ticket.status.lower().replace("_", " ")
        raise InvalidState(f"{ticket.code} is {state}; ticket types change before payment only")
    if not rules.hold_is_live(ticket.hold_expires_at, now):
        raise InvalidState(f"the hold on {ticket.code} has run out; hold the seats again")
    info = uow.booking.show_info(ticket.show_id)
    if info is None:
        raise NotFound(f"the show of {ticket.code} does not exist")
    seats = uow.config.typed_ticket_seats(ticket_id, lock=lock)
    offered = {s.code: s for s in effective_types(uow.config.ticket_type_specs(), info.theater_id)}
    return ticket, seats, offered


def _plan(
    code: str,
    seats: list[TypedSeatRecord],
    offered: Mapping[str, TicketTypeSpec],
    wanted: Mapping[int, str],
) -> list[tuple[str, TypedSeatRecord]]:
    live = {s.show_seat_id: s for s in seats if s.live}
    plan: list[tuple[str, TypedSeatRecord]] = []
    for show_seat_id, type_code in sorted(wanted.items()):
        seat = live.get(show_seat_id)
        if seat is None:
            raise ValidationError(f"that seat is not part of booking {code}", field="types")
        if type_code not in offered:
            known = ", ".join(offered) or "none"
            raise ValidationError(
                f"there is no ticket type {type_code[:CODE_MAX]} at this cinema (on offer: "
                f"{known})",
                field="types",
            )
        plan.append((type_code, seat))
    return plan


def _discount(
    uow: UnitOfWork, ticket: TicketRecord, subtotal: Decimal, now: datetime
) -> tuple[Decimal, str | None, int | None]:
    """The coupon evaluated again on the new subtotal: (discount, message, coupon id). A coupon
    that no longer applies (e.g. the order fell below its minimum) is taken off, and the
    message says why."""
    if ticket.coupon_id is None:
        return Decimal("0.00"), None, None
    coupon = uow.booking.coupon_by_id(ticket.coupon_id)
    if coupon is None:
        return Decimal("0.00"), None, None
    key = normalise_phone(ticket.customer_phone) or "walk-in"
    try:
        discount = evaluate_coupon(
            coupon,
            subtotal=subtotal,
            now=now,
            customer_uses=uow.booking.coupon_uses(coupon.coupon_id, key),
        )
    except CouponRejected as exc:
        return Decimal("0.00"), f"{coupon.code} taken off: {exc.message}", None
    return discount, f"{coupon.code}: {discount:.2f} off", coupon.coupon_id


def _quote(uow: UnitOfWork, ticket_id: int, message: str | None) -> Quote:
    ticket = uow.booking.ticket(ticket_id)
    assert ticket is not None
    coupon = uow.booking.coupon_by_id(ticket.coupon_id) if ticket.coupon_id else None
    return Quote(
        lines=tuple(
            ticket_price_line(ts.label, ts.seat_type, ts.price, ts.ticket_type)
            for ts in uow.booking.ticket_seats(ticket_id)
            if ts.live
        ),
        subtotal=ticket.subtotal,
        discount=ticket.discount,
        total=ticket.total,
        coupon_code=None if coupon is None else coupon.code,
        coupon_message=message,
    )


__all__ = [
    "create_ticket_type",
    "list_ticket_types",
    "set_ticket_type_active",
    "set_ticket_types",
    "ticket_type_choices",
    "type_title",
    "update_ticket_type",
]
