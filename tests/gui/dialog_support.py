"""Helpers for the dialog, printing and launcher tests: staff, a demo-like database, a sale."""

from __future__ import annotations

import json
from collections.abc import Sequence
from decimal import Decimal

from bms_desktop.domain.model import Role, Strategy
from bms_desktop.services import auth, booking, checkout, queries
from bms_desktop.services.context import SYSTEM, BoxOffice, CounterContext
from bms_desktop.services.dto import BookingView, StaffView
from tests.support.builders import World

DEMO_STAFF = (
    ("admin", Role.ADMIN, "admin-demo"),
    ("supervisor", Role.SUPERVISOR, "supervisor-demo"),
    ("asha", Role.CLERK, "asha-demo"),
    ("ravi", Role.CLERK, "ravi-demo"),
)


def add_staff(box: BoxOffice, username: str, role: Role, password: str) -> StaffView:
    return auth.add_staff(
        box, SYSTEM, username=username, full_name=username.title(), role=role, password=password
    )


def make_demo_like(box: BoxOffice) -> dict[str, StaffView]:
    """The demo staff with their passwords, and the settings that make a demo database (what
    ``demo.seed_demo`` writes first), without the minutes of catalogue the real seed builds."""
    staff = {name: add_staff(box, name, role, password) for name, role, password in DEMO_STAFF}
    with box.uows(write=True) as uow:
        uow.settings.put("demo", "1")
        uow.settings.put("demo_passwords", json.dumps([[u, r.value, p] for u, r, p in DEMO_STAFF]))
        uow.commit()
    return staff


def ctx_of(staff: StaffView, counter: str = "Counter 1") -> CounterContext:
    return CounterContext(counter, staff.staff_id, staff.username, staff.role, Strategy.PESSIMISTIC)


def sell(
    box: BoxOffice,
    world: World,
    ctx: CounterContext,
    labels: Sequence[str],
    *,
    mode: str = "UPI",
    tendered: str | None = None,
    phone: str | None = None,
    name: str | None = None,
) -> BookingView:
    """Hold and pay for the seats with these labels; the confirmed booking."""
    ensure_shift(box, world, ctx)  # issue 11: selling needs an open shift
    seat_map = queries.get_seat_map(box, world.show_id)
    ids = [s.show_seat_id for s in seat_map.seats if s.label in set(labels)]
    assert len(ids) == len(labels), f"no such seats: {labels}"
    held = booking.hold_seats(
        box, ctx, show_id=world.show_id, show_seat_ids=ids, customer_phone=phone
    )
    checkout.confirm_booking(
        box,
        ctx,
        ticket_id=held.ticket_id,
        mode=mode,
        tendered=tendered,
        customer_name=name,
        customer_phone=phone,
    )
    return queries.get_booking(box, held.ticket_id)


def ensure_shift(box: BoxOffice, world: World, ctx: CounterContext) -> None:
    """Issue 11: a signed-in clerk sells in their open shift; open one (no float) if the counter
    has none."""
    from bms_desktop.services import shifts

    if ctx.staff_id is not None and shifts.current_shift(box, ctx) is None:
        shifts.open_shift(box, ctx, theater_id=world.theater_id, opening_float="0")


def audit_actions(box: BoxOffice, action: str) -> list[tuple[str, str]]:
    """(username, counter) of the audit rows with this action, oldest first."""
    with box.uows() as uow:
        rows = uow.audit.recent(limit=500)
    return [(r.username, r.counter) for r in reversed(rows) if r.action == action]


def refund_total(view: BookingView) -> Decimal:
    return sum((p.amount for p in view.payments if p.kind == "REFUND"), start=Decimal("0.00"))
