"""The first-run checklist: what a new cinema still needs before its first sale."""

from __future__ import annotations

from decimal import Decimal

from bms_desktop.domain.model import DEFAULT_SEAT_TYPES
from bms_desktop.services.admin.common import audit_change, require_admin
from bms_desktop.services.admin.dto import SetupProgress, SetupStep
from bms_desktop.services.context import BoxOffice, CounterContext
from bms_desktop.services.ports import SeatTypeRecord

STEPS: tuple[tuple[str, str, str], ...] = (
    # key, what the checklist says, the console area that does it
    ("cinema", "Add a city and a cinema", "places"),
    ("screen", "Add a screen and its layout", "screens"),
    ("movie", "Add a movie", "movies"),
    ("show", "Schedule a show", "shows"),
    ("clerk", "Add a clerk for the counter", "staff"),
)


def setup_progress(box: BoxOffice) -> SetupProgress:
    """Which first-run steps are done, read from the data itself (so the list ticks itself off
    whoever added the data, and wherever)."""
    with box.uows() as uow:
        counts = uow.admin.setup_counts()
    return SetupProgress(
        steps=tuple(
            SetupStep(key=key, title=title, done=counts.get(key, 0) > 0, area=area)
            for key, title, area in STEPS
        )
    )


def ensure_seat_types(box: BoxOffice, ctx: CounterContext) -> int:
    """A new box office starts with the seat types the product ships with (Gold, Platinum,
    Diamond; base prices to be set under Pricing) when it has none at all; the number added."""
    require_admin(ctx, "Adding the standard seat types")
    now = box.now()
    with box.uows(write=True, label=ctx.counter) as uow:
        if uow.queries.seat_types():
            return 0
        for rank, (code, name, price) in enumerate(DEFAULT_SEAT_TYPES, start=1):
            uow.catalog.add_seat_type(SeatTypeRecord(code, name, Decimal(price), rank))
            audit_change(
                uow,
                ctx,
                now,
                action="SEAT_TYPE_ADDED",
                entity="seat_type",
                entity_id=code,
                after={"code": code, "name": name, "base_price": price, "rank": rank},
                standard=True,
            )
        uow.commit()
    return len(DEFAULT_SEAT_TYPES)
