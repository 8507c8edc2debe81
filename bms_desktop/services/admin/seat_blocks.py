"""Blocking seats for one show (house seats, a broken seat) and unblocking them. Admin only.

Each is ONE conditional UPDATE of the show's seats (``status = 'AVAILABLE'`` for a block,
``'BLOCKED'`` for an unblock), all or nothing: a seat that is sold or held (or was changed by a
counter a moment ago) is not blocked, and the refusal names it. The audit row carries the show
id, so every counter's map of that show reloads through the change feed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bms_desktop.domain.errors import InvalidState, NotFound, ValidationError
from bms_desktop.services import queries
from bms_desktop.services.admin.common import (
    audit_change,
    clean_text,
    require_admin,
    require_id,
    valid_id,
)
from bms_desktop.services.admin.dto import BlockResult, ShowRow
from bms_desktop.services.context import BoxOffice, CounterContext
from bms_desktop.services.dto import SeatMap
from bms_desktop.services.ports import UnitOfWork
from bms_desktop.services.ports_admin import ShowSeatState
from bms_desktop.services.sale_common import record_audit

MAX_SEATS_AT_ONCE = 2000


@dataclass(frozen=True, slots=True)
class ShowSeatsView:
    """A show's map for the console, with the reason of each blocked seat that has one."""

    show: ShowRow
    seat_map: SeatMap
    block_reasons: dict[int, str]


def show_seats(box: BoxOffice, ctx: CounterContext, show_id: int) -> ShowSeatsView:
    require_admin(ctx, "Opening a show's seats")
    show_id = require_id(show_id, "show")
    seat_map = queries.get_seat_map(box, show_id)
    now = box.now()
    with box.uows() as uow:
        show = uow.admin.show(show_id, now)
        if show is None:
            raise NotFound(f"show {show_id} does not exist")
        return ShowSeatsView(show, seat_map, uow.admin.block_reasons(show_id))


def _ids(show_seat_ids: Sequence[int]) -> list[int]:
    bad = [i for i in show_seat_ids if not valid_id(i)]
    if bad:
        raise ValidationError(f"{bad[0]!r} is not a seat of this show", field="seats")
    ids = sorted(set(show_seat_ids))
    if not ids:
        raise ValidationError("pick at least one seat", field="seats")
    if len(ids) > MAX_SEATS_AT_ONCE:
        raise ValidationError(f"at most {MAX_SEATS_AT_ONCE} seats at once", field="seats")
    return ids


def _why(state: ShowSeatState | None, sid: int, wanted: str) -> str:
    if state is None:
        return f"seat {sid} is not a seat of this show"
    if state.status == wanted:
        return f"{state.label} is already {wanted.lower()}"
    if state.status == "SOLD":
        return f"{state.label} is sold"
    if state.status == "HELD":
        return f"{state.label} is held at a counter"
    return f"{state.label} is {state.status.lower()}"


def _live_show(uow: UnitOfWork, show_id: int, now: datetime) -> ShowRow:
    show = uow.admin.show(show_id, now)
    if show is None:
        raise NotFound(f"show {show_id} does not exist")
    if show.cancelled_at is not None:
        raise InvalidState("this show was cancelled; its seats cannot change")
    return show


def block_seats(
    box: BoxOffice,
    ctx: CounterContext,
    show_id: int,
    show_seat_ids: Sequence[int],
    reason: str,
) -> BlockResult:
    """Take free seats of one show out of sale, with a reason (house seats, a broken seat)."""
    require_admin(ctx, "Blocking seats")
    show_id = require_id(show_id, "show")
    ids = _ids(show_seat_ids)
    why = clean_text(reason, field="reason", label="The reason", column="show_seats.block_reason")
    now = box.now()
    with box.uows(write=True, label=ctx.counter) as uow:
        show = _live_show(uow, show_id, now)
        if show.ends_at <= now:
            raise InvalidState("this show is over; its seats cannot change")
        for tid in uow.booking.stale_ticket_ids(now, show_seat_ids=ids):
            ticket = uow.booking.ticket(tid)
            if ticket is not None and uow.booking.expire_ticket(tid, now):
                record_audit(
                    uow, ctx, now, "EXPIRY", entity_id=tid, show_id=show_id, code=ticket.code
                )
        changed = uow.admin.block_show_seats(show_id, ids, why)
        if changed != ids:
            states = {s.show_seat_id: s for s in uow.admin.show_seat_states(show_id, ids)}
            reasons = [_why(states.get(i), i, "BLOCKED") for i in ids if i not in changed]
            raise InvalidState("No seat was blocked: " + "; ".join(reasons))
        labels = tuple(s.label for s in uow.admin.show_seat_states(show_id, ids))
        audit_change(
            uow,
            ctx,
            now,
            action="SEATS_BLOCKED",
            entity="show",
            entity_id=show_id,
            show_id=show_id,
            before={"status": "AVAILABLE"},
            after={"status": "BLOCKED", "reason": why},
            seats=list(labels),
        )
        uow.commit()
    return BlockResult(show_id, labels, True)


def unblock_seats(
    box: BoxOffice, ctx: CounterContext, show_id: int, show_seat_ids: Sequence[int]
) -> BlockResult:
    """Put blocked seats of one show back on sale."""
    require_admin(ctx, "Unblocking seats")
    show_id = require_id(show_id, "show")
    ids = _ids(show_seat_ids)
    now = box.now()
    with box.uows(write=True, label=ctx.counter) as uow:
        show = _live_show(uow, show_id, now)
        if show.ends_at <= now:
            raise InvalidState("this show is over; its seats cannot change")
        before = {s.show_seat_id: s for s in uow.admin.show_seat_states(show_id, ids)}
        changed = uow.admin.unblock_show_seats(show_id, ids)
        if changed != ids:
            states = {s.show_seat_id: s for s in uow.admin.show_seat_states(show_id, ids)}
            reasons = [
                _why(states.get(i), i, "AVAILABLE").replace("already available", "not blocked")
                for i in ids
                if i not in changed
            ]
            raise InvalidState("No seat was unblocked: " + "; ".join(reasons))
        labels = tuple(before[i].label for i in ids)
        audit_change(
            uow,
            ctx,
            now,
            action="SEATS_UNBLOCKED",
            entity="show",
            entity_id=show_id,
            show_id=show_id,
            before={
                "status": "BLOCKED",
                "reasons": sorted({before[i].block_reason or "" for i in ids}),
            },
            after={"status": "AVAILABLE"},
            seats=list(labels),
        )
        uow.commit()
    return BlockResult(show_id, labels, False)


__all__ = ["ShowSeatsView", "block_seats", "show_seats", "unblock_seats"]
