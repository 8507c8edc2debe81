"""Coupons (services/admin/coupons.py) on both engines: every field, uses so far and remaining,
the window in the box office's time zone, a limit below the uses refused, deactivation."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from bms_desktop.domain.errors import NotFound, ValidationError
from bms_desktop.services import booking, checkout, queries
from bms_desktop.services.admin import coupons
from bms_desktop.services.admin.dto_coupons import CouponInput
from bms_desktop.services.context import BoxOffice, CounterContext
from tests.support.admin_support import (
    ADMIN,
    assert_refused_and_unchanged,
    assert_roles_refused,
    audit_rows,
)
from tests.support.builders import World, build_world, clerk


def coupon(**kw: object) -> CouponInput:
    values: dict[str, object] = {
        "code": "save10",
        "kind": "PERCENT",
        "value": "10",
        "description": "Ten percent off",
        "max_discount": "50",
        "min_amount": "100",
        "valid_from": datetime(2030, 3, 1, 0, 0),
        "valid_to": datetime(2030, 4, 1, 0, 0),
        "usage_limit": "5",
        "per_customer_limit": "",
    }
    values.update(kw)
    return CouponInput(**values)  # type: ignore[arg-type]


def test_a_coupon_keeps_every_field_and_its_window_in_the_box_office_zone(box: BoxOffice) -> None:
    row = coupons.create_coupon(box, ADMIN, coupon())
    assert (row.code, row.kind, row.value, row.max_discount, row.min_amount) == (
        "SAVE10",
        "PERCENT",
        Decimal("10.00"),
        Decimal("50.00"),
        Decimal("100.00"),
    )
    # Typed as local midnight in Asia/Kolkata (UTC+5:30), stored in UTC.
    assert row.valid_from == datetime(2030, 2, 28, 18, 30, tzinfo=UTC)
    local = row.local(row.valid_from)
    assert local is not None and local.replace(tzinfo=None) == datetime(2030, 3, 1, 0, 0)
    assert (row.usage_limit, row.per_customer_limit, row.used_count, row.remaining) == (
        5,
        None,
        0,
        5,
    )
    assert row.timezone == "Asia/Kolkata"
    (added,) = audit_rows(box, "COUPON_ADDED")
    assert added.details["after"]["code"] == "SAVE10"  # type: ignore[index]
    assert added.details["after"]["usage_limit"] == 5  # type: ignore[index]


def test_uses_so_far_and_remaining_follow_sales_and_a_lower_limit_is_refused(
    box: BoxOffice,
) -> None:
    world = build_world(box)
    flat: dict[str, object] = {
        "code": "FLAT20",
        "kind": "FIXED",
        "value": "20",
        "min_amount": "0",
        "valid_from": None,
        "valid_to": None,
        "max_discount": None,
    }
    row = coupons.create_coupon(box, ADMIN, coupon(**flat, usage_limit=3))
    for labels in (["A1"], ["A2"]):
        sell_with_coupon(box, world, clerk(), labels, "FLAT20")
    (listed,) = coupons.list_coupons(box, ADMIN)
    assert (listed.used_count, listed.remaining) == (2, 1)
    err = assert_refused_and_unchanged(
        box,
        lambda: coupons.update_coupon(box, ADMIN, row.coupon_id, coupon(**flat, usage_limit=1)),
        ValidationError,
        "used 2 time",
    )
    assert isinstance(err, ValidationError) and err.field == "usage_limit"
    same = coupons.update_coupon(box, ADMIN, row.coupon_id, coupon(**flat, usage_limit=2))
    assert (same.usage_limit, same.remaining) == (2, 0)


def sell_with_coupon(
    box: BoxOffice, world: World, ctx: CounterContext, labels: list[str], code: str
) -> int:
    seat_map = queries.get_seat_map(box, world.show_id)
    ids = [s.show_seat_id for s in seat_map.seats if s.label in labels]
    held = booking.hold_seats(box, ctx, show_id=world.show_id, show_seat_ids=ids)
    checkout.apply_coupon(box, ctx, ticket_id=held.ticket_id, code=code)
    checkout.confirm_booking(box, ctx, ticket_id=held.ticket_id, mode="UPI")
    return held.ticket_id


def test_a_coupon_is_edited_and_deactivated_with_before_and_after(box: BoxOffice) -> None:
    row = coupons.create_coupon(box, ADMIN, coupon())
    coupons.update_coupon(box, ADMIN, row.coupon_id, coupon(value="15", max_discount=""))
    (changed,) = audit_rows(box, "COUPON_CHANGED")
    assert changed.details == {
        "before": {"value": "10.00", "max_discount": "50.00"},
        "after": {"value": "15.00", "max_discount": None},
    }
    off = coupons.set_coupon_active(box, ADMIN, row.coupon_id, False)
    assert not off.active
    (deactivated,) = audit_rows(box, "COUPON_DEACTIVATED")
    assert deactivated.details == {"before": {"active": True}, "after": {"active": False}}


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"code": "x"}, "code", "3 to 20"),
        ({"code": "A" * 21}, "code", "3 to 20"),
        ({"code": "SAVE 10"}, "code", "3 to 20"),
        ({"kind": "BOGO"}, "kind", "percentage or a fixed"),
        ({"value": "0"}, "value", "below 0.01"),
        ({"value": "101"}, "value", "above 100"),
        ({"value": "ten"}, "value", "not a number"),
        ({"kind": "FIXED", "value": "99999999999999"}, "value", "above"),
        ({"max_discount": "-5"}, "max_discount", "below"),
        ({"min_amount": "-1"}, "min_amount", "below 0"),
        ({"min_amount": "1.001"}, "min_amount", "decimal places"),
        ({"valid_to": datetime(2030, 2, 1)}, "valid_to", "must be after"),
        ({"valid_from": datetime(1900, 1, 1)}, "valid_from", "2000"),
        ({"usage_limit": "0"}, "usage_limit", "below 1"),
        ({"usage_limit": str(2**40)}, "usage_limit", "above"),
        ({"per_customer_limit": "9"}, "per_customer_limit", "above the total"),
        ({"description": "d" * 201}, "description", "at most 200"),
    ],
)
def test_bad_coupon_fields_are_refused_beside_the_field(
    box: BoxOffice, changes: dict[str, object], field: str, message: str
) -> None:
    err = assert_refused_and_unchanged(
        box, lambda: coupons.create_coupon(box, ADMIN, coupon(**changes)), ValidationError, message
    )
    assert isinstance(err, ValidationError) and err.field == field


def test_a_taken_code_is_refused_on_create_and_edit(box: BoxOffice) -> None:
    coupons.create_coupon(box, ADMIN, coupon())
    other = coupons.create_coupon(box, ADMIN, coupon(code="OTHER"))
    assert_refused_and_unchanged(
        box, lambda: coupons.create_coupon(box, ADMIN, coupon(code="Save10")), ValidationError
    )
    assert_refused_and_unchanged(
        box,
        lambda: coupons.update_coupon(box, ADMIN, other.coupon_id, coupon(code="SAVE10")),
        ValidationError,
        "already",
    )
    assert_refused_and_unchanged(
        box, lambda: coupons.update_coupon(box, ADMIN, 999_999, coupon()), NotFound
    )


def test_only_an_administrator_manages_coupons(box: BoxOffice) -> None:
    row = coupons.create_coupon(box, ADMIN, coupon())
    assert_roles_refused(box, lambda ctx: coupons.list_coupons(box, ctx))
    assert_roles_refused(box, lambda ctx: coupons.create_coupon(box, ctx, coupon(code="NEW1")))
    assert_roles_refused(box, lambda ctx: coupons.update_coupon(box, ctx, row.coupon_id, coupon()))
    assert_roles_refused(box, lambda ctx: coupons.set_coupon_active(box, ctx, row.coupon_id, False))
