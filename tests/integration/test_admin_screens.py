"""Screens, layouts and per-show seat blocking (services/admin/screens.py, seat_blocks.py) on
SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from bms_desktop.domain.errors import InvalidState, SalesClosed, SeatsUnavailable, ValidationError
from bms_desktop.domain.layouts import DEFAULT_CODES, parse_layout
from bms_desktop.domain.model import Role, SeatStatus
from bms_desktop.services import booking, catalog, queries
from bms_desktop.services.admin import screens, seat_blocks
from bms_desktop.services.admin.dto import LayoutSeat
from bms_desktop.services.context import SYSTEM, BoxOffice
from tests.gui.dialog_support import add_staff, ctx_of, sell
from tests.support.admin_support import (
    ADMIN,
    assert_refused_and_unchanged,
    assert_roles_refused,
    audit_rows,
    snapshot,
)
from tests.support.builders import build_world, clerk


def seats_of(text: str) -> list[LayoutSeat]:
    return [
        LayoutSeat(
            s.row_label, s.number, s.row, s.col, s.seat_type, s.accessible, s.companion, s.blocked
        )
        for s in parse_layout(text, DEFAULT_CODES)
    ]


SMALL = seats_of("GGG.GGG\nPPcWPPP\nDDDxDDD")


def test_a_screen_is_created_with_its_layout_and_reopened_as_drawn(box: BoxOffice) -> None:
    world = build_world(box)
    row = screens.create_screen(
        box, ADMIN, theater_id=world.theater_id, name="Screen 2", seats=SMALL
    )
    assert (row.name, row.seat_count, row.layout_version) == ("Screen 2", 20, 1)
    layout = screens.screen_layout(box, ADMIN, row.screen_id)
    assert layout.seats == tuple(SMALL)
    assert {t.code for t in layout.seat_types} == {"GOLD", "PLATINUM", "DIAMOND"}
    added = audit_rows(box, "SCREEN_ADDED")[-1]
    assert added.details["after"]["seats"] == 20
    assert added.details["after"]["accessible"] == 1
    with box.uows() as uow:
        text = uow.connection.exec_driver_sql(  # type: ignore[attr-defined]
            f"SELECT layout_text FROM screens WHERE id = {row.screen_id}"
        ).scalar_one()
    assert text == "GGG.GGG\nPPcWPPP\nDDDxDDD\n"


def test_a_renamed_row_and_renumbered_seats_are_kept(box: BoxOffice) -> None:
    world = build_world(box)
    custom = [replace(s, row_label="AA", number=s.number + 100) if s.row == 0 else s for s in SMALL]
    row = screens.create_screen(box, ADMIN, theater_id=world.theater_id, name="Odd", seats=custom)
    labels = [s.label for s in screens.screen_layout(box, ADMIN, row.screen_id).seats]
    assert labels[:3] == ["AA101", "AA102", "AA103"]


@pytest.mark.parametrize(
    ("seats", "message"),
    [
        ([], "no seats"),
        ([replace(SMALL[0], row_label="ABCDE")], "1 to 4 letters"),
        ([replace(SMALL[0], number=0)], "seat numbers"),
        ([SMALL[0], replace(SMALL[1], col=SMALL[0].col)], "same place"),
        ([SMALL[0], replace(SMALL[1], number=SMALL[0].number)], "two seats are called A1"),
        ([replace(SMALL[0], seat_type="BALCONY")], "not a seat type"),
        ([replace(SMALL[0], accessible=True, companion=True)], "both"),
        ([replace(SMALL[0], col=200)], "outside the grid"),
    ],
)
def test_a_bad_layout_is_refused_with_the_seat_named(
    box: BoxOffice, seats: list[LayoutSeat], message: str
) -> None:
    world = build_world(box)
    err = assert_refused_and_unchanged(
        box,
        lambda: screens.create_screen(
            box, ADMIN, theater_id=world.theater_id, name="S", seats=seats
        ),
        ValidationError,
        message,
    )
    assert isinstance(err, ValidationError) and err.field == "layout"


def test_screen_names_are_unique_per_cinema_and_checked_for_length(box: BoxOffice) -> None:
    world = build_world(box)
    assert_refused_and_unchanged(
        box,
        lambda: screens.create_screen(
            box, ADMIN, theater_id=world.theater_id, name="screen 1", seats=SMALL
        ),
        ValidationError,
        "already has a screen",
    )
    assert_refused_and_unchanged(
        box,
        lambda: screens.create_screen(
            box, ADMIN, theater_id=world.theater_id, name="S" * 81, seats=SMALL
        ),
        ValidationError,
        "at most 80",
    )
    renamed = screens.update_screen(box, ADMIN, world.screen_id, name="Audi 1")
    assert renamed.name == "Audi 1"
    (changed,) = audit_rows(box, "SCREEN_CHANGED")
    assert changed.details == {"before": {"name": "Screen 1"}, "after": {"name": "Audi 1"}}


def test_a_new_layout_rebuilds_shows_without_sales_and_refuses_while_seats_are_sold(
    box: BoxOffice,
) -> None:
    world = build_world(box)  # show 1 tomorrow
    late = catalog.schedule_show(
        box,
        SYSTEM,
        movie_id=world.movie_id,
        screen_id=world.screen_id,
        starts_at=box.now() + timedelta(days=2),
        language="Hindi",
    )
    staff = add_staff(box, "asha", Role.CLERK, "asha-password")
    sell(box, world, ctx_of(staff), ["A1", "A2"])
    before = snapshot(box)
    err = assert_refused_and_unchanged(
        box, lambda: screens.save_layout(box, ADMIN, world.screen_id, SMALL), InvalidState
    )
    assert "Test Movie" in err.args[0] and "2 sold" in err.args[0]
    assert "IST" in err.args[0]  # the cinema's time zone, labelled
    assert snapshot(box) == before
    impact = screens.layout_impact(box, ADMIN, world.screen_id)
    assert [r.show_id for r in impact.with_sales] == [world.show_id]
    assert [r.show_id for r in impact.without_sales] == [late]
    result = screens.save_layout(box, ADMIN, world.screen_id, SMALL, apply_to_unsold=True)
    assert result.layout_version == 2
    assert [r.show_id for r in result.rebuilt] == [late]
    assert [r.show_id for r in result.kept] == [world.show_id]
    old_map = queries.get_seat_map(box, world.show_id)
    new_map = queries.get_seat_map(box, late)
    assert len(old_map.seats) == 68 and len(new_map.seats) == 20
    assert {s.label for s in old_map.seats if s.status == SeatStatus.SOLD} == {"A1", "A2"}
    blocked = [s.label for s in new_map.seats if s.status == SeatStatus.BLOCKED]
    assert blocked == ["C4"]
    assert all(s.price > 0 for s in new_map.seats)
    (rebuilt,) = audit_rows(box, "SHOW_SEATS_REBUILT")
    assert rebuilt.show_id == late
    (changed,) = audit_rows(box, "SCREEN_LAYOUT_CHANGED")
    assert changed.details["before"]["layout_version"] == 1
    assert changed.details["after"] == {
        "layout_version": 2,
        "seats": 20,
        "DIAMOND": 7,
        "GOLD": 6,
        "PLATINUM": 7,
        "accessible": 1,
        "companion": 1,
        "blocked": 1,
    }
    # a new show on the screen uses the new layout
    third = catalog.schedule_show(
        box,
        SYSTEM,
        movie_id=world.movie_id,
        screen_id=world.screen_id,
        starts_at=box.now() + timedelta(days=3),
        language="Hindi",
    )
    assert len(queries.get_seat_map(box, third).seats) == 20
    # saving the same layout again changes nothing
    again = screens.save_layout(box, ADMIN, world.screen_id, SMALL)
    assert again.layout_version == 2 and again.rebuilt == ()


def test_a_show_with_an_expired_hold_keeps_its_seats(box: BoxOffice) -> None:
    world = build_world(box)
    booking.hold_seats(box, clerk(), show_id=world.show_id, show_seat_ids=world.seat_ids[:1])
    box.clock.advance(minutes=30)  # type: ignore[attr-defined]
    impact = screens.layout_impact(box, ADMIN, world.screen_id)
    assert impact.with_sales == () and [r.show_id for r in impact.with_history] == [world.show_id]
    assert_refused_and_unchanged(
        box,
        lambda: screens.save_layout(box, ADMIN, world.screen_id, SMALL),
        InvalidState,
        "past bookings",
    )
    result = screens.save_layout(box, ADMIN, world.screen_id, SMALL, apply_to_unsold=True)
    assert [r.show_id for r in result.kept] == [world.show_id]


def test_only_an_admin_may_change_screens(box: BoxOffice) -> None:
    world = build_world(box)
    assert_roles_refused(box, lambda c: screens.list_screens(box, c))
    assert_roles_refused(box, lambda c: screens.screen_layout(box, c, world.screen_id))
    assert_roles_refused(box, lambda c: screens.seat_type_choices(box, c))
    assert_roles_refused(
        box,
        lambda c: screens.create_screen(box, c, theater_id=world.theater_id, name="X", seats=SMALL),
    )
    assert_roles_refused(box, lambda c: screens.update_screen(box, c, world.screen_id, name="X"))
    assert_roles_refused(box, lambda c: screens.layout_impact(box, c, world.screen_id))
    assert_roles_refused(box, lambda c: screens.save_layout(box, c, world.screen_id, SMALL))
    ids = world.seat_ids[:1]
    assert_roles_refused(box, lambda c: seat_blocks.block_seats(box, c, world.show_id, ids, "x"))
    assert_roles_refused(box, lambda c: seat_blocks.unblock_seats(box, c, world.show_id, ids))
    assert_roles_refused(box, lambda c: seat_blocks.show_seats(box, c, world.show_id))


# --------------------------------------------------------------------------- blocking


def test_blocking_seats_of_one_show_with_a_reason_then_unblocking(box: BoxOffice) -> None:
    world = build_world(box)
    ids = list(world.seat_ids[:2])
    result = seat_blocks.block_seats(box, ADMIN, world.show_id, ids, "  house seats ")
    assert result.labels == ("A1", "A2")
    view = seat_blocks.show_seats(box, ADMIN, world.show_id)
    assert view.block_reasons == {ids[0]: "house seats", ids[1]: "house seats"}
    assert [s.status for s in view.seat_map.seats[:2]] == [SeatStatus.BLOCKED] * 2
    (row,) = audit_rows(box, "SEATS_BLOCKED")
    assert row.show_id == world.show_id  # the change feed tells the counters
    assert row.details["seats"] == ["A1", "A2"]
    assert row.details["after"] == {"status": "BLOCKED", "reason": "house seats"}
    with pytest.raises(SeatsUnavailable) as err:
        booking.hold_seats(box, clerk(), show_id=world.show_id, show_seat_ids=ids[:1])
    assert "not for sale" in str(err.value)
    seat_blocks.unblock_seats(box, ADMIN, world.show_id, ids)
    assert seat_blocks.show_seats(box, ADMIN, world.show_id).block_reasons == {}
    booking.hold_seats(box, clerk(), show_id=world.show_id, show_seat_ids=ids[:1])


def test_a_sold_or_held_seat_cannot_be_blocked_and_nothing_changes(box: BoxOffice) -> None:
    world = build_world(box)
    staff = add_staff(box, "asha", Role.CLERK, "asha-password")
    sell(box, world, ctx_of(staff), ["A1"])
    held = booking.hold_seats(
        box, clerk("Counter 2"), show_id=world.show_id, show_seat_ids=[world.seat_ids[1]]
    )
    err = assert_refused_and_unchanged(
        box,
        lambda: seat_blocks.block_seats(box, ADMIN, world.show_id, world.seat_ids[:3], "broken"),
        InvalidState,
    )
    assert "A1 is sold" in str(err) and "A2 is held" in str(err)
    assert_refused_and_unchanged(
        box,
        lambda: seat_blocks.block_seats(box, ADMIN, world.show_id, [world.seat_ids[2]], "x" * 121),
        ValidationError,
        "at most 120",
    )
    assert_refused_and_unchanged(
        box,
        lambda: seat_blocks.unblock_seats(box, ADMIN, world.show_id, [world.seat_ids[2]]),
        InvalidState,
        "not blocked",
    )
    # once the hold has run out, its seat can be blocked (the hold is expired first)
    box.clock.advance(minutes=10)  # type: ignore[attr-defined]
    seat_blocks.block_seats(box, ADMIN, world.show_id, [world.seat_ids[1]], "broken")
    assert queries.get_booking(box, held.ticket_id).status.value == "EXPIRED"


def test_a_cancelled_show_is_off_sale(box: BoxOffice) -> None:
    world = build_world(box)
    with box.uows(write=True) as uow:
        uow.admin.cancel_show(world.show_id, box.now(), "test")
        uow.commit()
    assert queries.find_shows(box) == []
    with pytest.raises(SalesClosed, match="cancelled"):
        booking.hold_seats(box, clerk(), show_id=world.show_id, show_seat_ids=world.seat_ids[:1])
