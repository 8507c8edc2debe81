"""Helpers for the shift and report tests: staff with passwords, a sale, SQL sums."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from bms_desktop.domain.model import Role, Strategy
from bms_desktop.services import auth, booking, checkout
from bms_desktop.services.context import SYSTEM, BoxOffice, CounterContext
from bms_desktop.services.shifts import SupervisorSignOff
from bms_desktop.services.tender import Tender


@dataclass(frozen=True)
class Person:
    staff_id: int
    username: str
    password: str
    role: Role

    def at(self, counter: str, strategy: Strategy = Strategy.PESSIMISTIC) -> CounterContext:
        return CounterContext(counter, self.staff_id, self.username, self.role, strategy)

    def sign_off(self) -> SupervisorSignOff:
        return SupervisorSignOff(self.username, self.password)


def person(box: BoxOffice, username: str, role: Role = Role.CLERK) -> Person:
    password = f"{username}-secret-1"
    view = auth.add_staff(
        box, SYSTEM, username=username, full_name=username.title(), role=role, password=password
    )
    return Person(view.staff_id, username, password, role)


def sell(
    box: BoxOffice,
    ctx: CounterContext,
    show_id: int,
    seat_ids: Sequence[int],
    *,
    mode: str = "UPI",
    tendered: str | Decimal | None = None,
    split: Sequence[Tender] | None = None,
    coupon: str | None = None,
    phone: str | None = None,
) -> checkout.ConfirmResult:
    held = booking.hold_seats(box, ctx, show_id=show_id, show_seat_ids=list(seat_ids))
    if coupon:
        checkout.apply_coupon(box, ctx, ticket_id=held.ticket_id, code=coupon, customer_phone=phone)
    return checkout.confirm_booking(
        box,
        ctx,
        ticket_id=held.ticket_id,
        mode=mode,
        tendered=tendered,
        split=split,
        customer_phone=phone,
    )


def sql_scalar(box: BoxOffice, sql: str, **params: Any) -> Any:
    """One value of a hand-written SQL query, on the box office's own database."""
    from sqlalchemy import text

    with box.uows() as uow:
        conn = uow.connection  # type: ignore[attr-defined]
        return conn.execute(text(sql), params).scalar()


def paise(value: Any) -> Decimal:
    return Decimal(int(value or 0)).scaleb(-2)
