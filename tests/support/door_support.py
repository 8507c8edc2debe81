"""A cinema with tickets to scan at the door: staff of every role, a show, sold tickets."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import text

from bms_desktop.domain.model import PaymentMode, Role
from bms_desktop.persistence.engine import create_engines
from bms_desktop.services import auth, booking, checkout
from bms_desktop.services.context import SYSTEM, BoxOffice, CounterContext
from tests.support.builders import World, build_world, clerk

PASSWORDS = {
    "usha": "usha-door-pass",
    "carl": "carl-clerk-pass",
    "suma": "suma-super-pass",
}


@dataclass(frozen=True)
class DoorWorld:
    world: World
    usher: CounterContext
    clerk: CounterContext
    supervisor: CounterContext


def staff_context(box: BoxOffice, username: str, role: Role, counter: str) -> CounterContext:
    view = auth.add_staff(
        box, SYSTEM, username=username, full_name=username.title(), role=role,
        password=PASSWORDS[username],
    )  # fmt: skip
    return CounterContext(counter, view.staff_id, view.username, role)


def door_world(
    box: BoxOffice, *, starts_in: timedelta = timedelta(days=1), layout: str | None = None
) -> DoorWorld:
    world = (
        build_world(box, starts_in=starts_in)
        if layout is None
        else build_world(box, starts_in=starts_in, layout=layout)
    )
    return DoorWorld(
        world=world,
        usher=staff_context(box, "usha", Role.USHER, "Door 1"),
        clerk=staff_context(box, "carl", Role.CLERK, "Counter 1"),
        supervisor=staff_context(box, "suma", Role.SUPERVISOR, "Counter 9"),
    )


def sell(box: BoxOffice, show_id: int, seat_ids: list[int], counter: str = "Counter 1") -> str:
    """A paid ticket for these seats; its code."""
    ctx = clerk(counter)
    held = booking.hold_seats(box, ctx, show_id=show_id, show_seat_ids=seat_ids)
    checkout.confirm_booking(box, ctx, ticket_id=held.ticket_id, mode=PaymentMode.UPI)
    return held.ticket_code


def hold(box: BoxOffice, show_id: int, seat_ids: list[int]) -> tuple[int, str]:
    held = booking.hold_seats(box, clerk("Counter 2"), show_id=show_id, show_seat_ids=seat_ids)
    return held.ticket_id, held.ticket_code


def doors_open(box: BoxOffice, world: World, clock: Any, *, before_start: int = 10) -> None:
    """Move the clock to ``before_start`` minutes before the show (doors open 30 min before)."""
    from bms_desktop.services import queries

    show = queries.get_seat_map(box, world.show_id).show
    clock.now = show.starts_at - timedelta(minutes=before_start)


def sql(db_url: str, statement: str, **params: Any) -> list[tuple[Any, ...]]:
    """Rows from a fresh engine and connection: what the database itself shows."""
    engines = create_engines(db_url, pool_size=1)
    try:
        with engines.read.connect() as conn:
            return [tuple(r) for r in conn.execute(text(statement), params)]
    finally:
        engines.dispose()


def sql_write(db_url: str, statement: str, **params: Any) -> None:
    engines = create_engines(db_url, pool_size=1)
    try:
        with engines.write.connect() as conn:
            conn.execute(text(statement), params)
            conn.commit()
    finally:
        engines.dispose()
