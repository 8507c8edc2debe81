"""Shows (services/admin/shows.py) on SQLite and PostgreSQL: one show or a schedule, all or
nothing, clashes and the past named in the cinema's zone; cancelling with refunds through the
counters' path, or refused."""

from __future__ import annotations

from datetime import date, time, timedelta
from decimal import Decimal

import pytest

from bms_desktop.domain.errors import InvalidState, SalesClosed, ValidationError
from bms_desktop.domain.model import Role
from bms_desktop.services import booking, queries
from bms_desktop.services.admin import shows
from bms_desktop.services.admin.dto import ScheduleRequest
from bms_desktop.services.context import BoxOffice
from tests.gui.dialog_support import add_staff, ctx_of, refund_total, sell
from tests.support.admin_support import (
    ADMIN,
    assert_refused_and_unchanged,
    assert_roles_refused,
    audit_rows,
    snapshot,
)
from tests.support.builders import World, build_world, clerk

# The fake clock starts on Monday 2030-03-04, 10:00 in Asia/Kolkata; build_world's show is
# tomorrow at 10:00 IST (120 min) on Screen 1.
TOMORROW = date(2030, 3, 5)


def request(world: World, **kw: object) -> ScheduleRequest:
    values: dict[str, object] = {
        "movie_id": world.movie_id,
        "screen_ids": (world.screen_id,),
        "first_day": date(2030, 3, 6),
        "last_day": date(2030, 3, 19),
        "times": (time(10, 0), time(14, 0), time(18, 30)),
        "language": "hindi",
        "format": "2D",
    }
    values.update(kw)
    return ScheduleRequest(**values)  # type: ignore[arg-type]


def test_a_two_week_schedule_is_created_in_one_step(box: BoxOffice) -> None:
    world = build_world(box)
    preview = shows.preview_schedule(box, ADMIN, request(world))
    assert preview.ok and len(preview.shows) == 14 * 3
    first = preview.shows[0]
    assert (first.local_starts_at.date(), first.local_starts_at.time()) == (
        date(2030, 3, 6),
        time(10),
    )
    assert first.starts_at.hour == 4 and first.starts_at.minute == 30  # stored in UTC
    seen: list[tuple[int, int]] = []
    result = shows.create_schedule(
        box, ADMIN, request(world), progress=lambda d, t: seen.append((d, t))
    )
    assert len(result.show_ids) == 42 and result.seat_count == 42 * 68
    assert seen[0] == (0, 42) and seen[-1] == (42, 42)
    listed = shows.list_shows(box, ADMIN, days=30)
    assert len(listed) == 43
    assert all(s.language == "Hindi" and s.seats_total == 68 for s in listed)
    assert len(audit_rows(box, "SHOW_SCHEDULED")) == 43
    (summary,) = audit_rows(box, "SCHEDULE_CREATED")
    assert summary.details["after"]["times"] == ["10:00", "14:00", "18:30"]
    assert len(queries.find_shows(box, on_date=date(2030, 3, 10))) == 3


def test_weekdays_choose_the_days(box: BoxOffice) -> None:
    world = build_world(box)
    req = request(world, weekdays=frozenset({5, 6}), times=(time(21, 0),))
    assert [s.local_starts_at.weekday() for s in shows.preview_schedule(box, ADMIN, req).shows] == [
        5,
        6,
        5,
        6,
    ]


def test_a_clash_anywhere_refuses_the_whole_schedule_naming_each_clash(box: BoxOffice) -> None:
    world = build_world(box)  # tomorrow 10:00-12:00 IST
    req = request(
        world,
        first_day=TOMORROW,
        last_day=TOMORROW,
        times=(time(8, 0), time(12, 10), time(12, 30), time(13, 0)),
    )
    preview = shows.preview_schedule(box, ADMIN, req)
    clashes = {s.local_starts_at.strftime("%H:%M"): s.clash for s in preview.shows}
    assert (
        "overlaps Test Movie 10:00-12:00 (show #1) with the 20 min cleaning gap" in clashes["08:00"]
    )
    assert "overlaps Test Movie 10:00-12:00" in clashes["12:10"]
    assert clashes["12:30"] == ""
    assert "overlaps this schedule's show at 12:30-14:30" in clashes["13:00"]
    err = assert_refused_and_unchanged(
        box, lambda: shows.create_schedule(box, ADMIN, req), ValidationError, "3 of the 4 shows"
    )
    assert "Tue 05 Mar 2030 08:00 IST" in str(err)
    assert isinstance(err, ValidationError) and err.field == "times"


def test_a_show_in_the_past_is_refused(box: BoxOffice) -> None:
    world = build_world(box)
    req = request(world, first_day=date(2030, 3, 4), last_day=date(2030, 3, 4), times=(time(9, 0),))
    assert_refused_and_unchanged(
        box,
        lambda: shows.create_schedule(box, ADMIN, req),
        ValidationError,
        "Mon 04 Mar 2030 09:00 IST is in the past",
    )


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"language": "Tamil"}, "language", "choose one of those"),
        ({"language": "L" * 41}, "language", "at most 40"),
        ({"format": "F" * 21}, "format", "at most 20"),
        ({"last_day": date(2030, 3, 1)}, "last_day", "before the first day"),
        ({"last_day": date(2030, 6, 1)}, "last_day", "at most 62 days"),
        ({"times": ()}, "times", "at least one start time"),
        ({"weekdays": frozenset()}, "weekdays", "day of the week"),
        ({"screen_ids": ()}, "screen_ids", "at least one screen"),
        ({"movie_id": 999}, "movie_id", "choose the movie"),
    ],
)
def test_a_bad_request_is_refused_by_field(
    box: BoxOffice, change: dict[str, object], field: str, message: str
) -> None:
    world = build_world(box)
    err = assert_refused_and_unchanged(
        box,
        lambda: shows.create_schedule(box, ADMIN, request(world, **change)),
        ValidationError,
        message,
    )
    assert isinstance(err, ValidationError) and err.field == field


def test_times_are_parsed_from_what_a_person_types() -> None:
    assert shows.parse_times("18:30, 10:00 14.00") == (time(10), time(14), time(18, 30))
    with pytest.raises(ValidationError, match="'25:00' is not a time"):
        shows.parse_times("25:00")


def test_cancelling_a_show_refunds_every_ticket_through_the_counter_path(box: BoxOffice) -> None:
    world = build_world(box)
    asha = ctx_of(add_staff(box, "asha", Role.CLERK, "asha-password"))
    one = sell(box, world, asha, ["A1", "A2"])
    two = sell(box, world, asha, ["B1"], mode="CASH", tendered="500")
    held = booking.hold_seats(
        box, clerk("Counter 3"), show_id=world.show_id, show_seat_ids=[world.seat_ids[-1]]
    )
    # The refunds go through the counter's path, which checks the staff list: a real admin.
    admin = ctx_of(add_staff(box, "anita", Role.ADMIN, "anita-password"))
    preview = shows.cancel_preview(box, admin, world.show_id)
    assert (preview.tickets, preview.seats, preview.pending_holds, preview.refusal) == (2, 3, 1, "")
    assert preview.refund_total == one.total + two.total
    result = shows.cancel_show(box, admin, world.show_id, reason="projector broken")
    assert (result.refunded_tickets, result.released_holds, result.failures) == (2, 1, ())
    assert result.refund_total == preview.refund_total
    assert refund_total(queries.get_booking(box, one.ticket_id)) == one.total
    assert queries.get_booking(box, held.ticket_id).status.value == "CANCELLED"
    refunds = audit_rows(box, "CANCEL_REFUND")
    assert {r.details["code"] for r in refunds} == {one.code, two.code}
    assert all(r.username == admin.username for r in refunds)
    (cancelled,) = audit_rows(box, "SHOW_CANCELLED")
    assert cancelled.show_id == world.show_id
    assert cancelled.details["after"]["cancel_reason"] == "projector broken"
    assert queries.find_shows(box) == []
    with pytest.raises(SalesClosed):
        booking.hold_seats(box, clerk(), show_id=world.show_id, show_seat_ids=world.seat_ids[5:6])
    again = shows.cancel_preview(box, ADMIN, world.show_id)
    assert "already cancelled" in again.refusal
    assert_refused_and_unchanged(
        box,
        lambda: shows.cancel_show(box, ADMIN, world.show_id, reason="again"),
        InvalidState,
        "already cancelled",
    )


def test_a_show_with_sales_inside_the_refund_cutoff_cannot_be_cancelled(box: BoxOffice) -> None:
    world = build_world(box, starts_in=timedelta(minutes=50))
    sell(box, world, ctx_of(add_staff(box, "asha", Role.CLERK, "asha-password")), ["A1"])
    preview = shows.cancel_preview(box, ADMIN, world.show_id)
    assert "too late to refund" in preview.refusal and "IST" in preview.refusal
    assert_refused_and_unchanged(
        box,
        lambda: shows.cancel_show(box, ADMIN, world.show_id, reason="late"),
        InvalidState,
        "Too late",
    )


def test_a_show_without_sales_is_cancelled_at_once(box: BoxOffice) -> None:
    world = build_world(box, starts_in=timedelta(minutes=30))
    result = shows.cancel_show(box, ADMIN, world.show_id, reason="no audience")
    assert (result.refunded_tickets, result.refund_total) == (0, Decimal("0.00"))
    assert shows.get_show(box, ADMIN, world.show_id).cancelled_at == box.now()
    # its slot is free again
    req = request(
        world, first_day=date(2030, 3, 4), last_day=date(2030, 3, 4), times=(time(10, 15),)
    )
    assert shows.preview_schedule(box, ADMIN, req).ok


def test_only_an_admin_may_schedule_or_cancel(box: BoxOffice) -> None:
    world = build_world(box)
    req = request(world)
    assert_roles_refused(box, lambda c: shows.list_shows(box, c))
    assert_roles_refused(box, lambda c: shows.get_show(box, c, world.show_id))
    assert_roles_refused(box, lambda c: shows.preview_schedule(box, c, req))
    assert_roles_refused(box, lambda c: shows.create_schedule(box, c, req))
    assert_roles_refused(box, lambda c: shows.cancel_preview(box, c, world.show_id))
    assert_roles_refused(box, lambda c: shows.cancel_show(box, c, world.show_id, reason="x"))
    before = snapshot(box)
    with pytest.raises(ValidationError):
        shows.cancel_show(box, ADMIN, world.show_id, reason="   ")
    assert snapshot(box) == before
