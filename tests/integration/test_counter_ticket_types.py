"""What the counter's basket reads for ticket types (issue 8 integration), on both engines: a
quote priced for the types chosen before the hold (with the coupon on the typed subtotal), and
the holds a counter left behind coming back with their seats' types."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bms_desktop.domain.errors import ValidationError
from bms_desktop.domain.model import CouponKind
from bms_desktop.services import booking, catalog, queries
from bms_desktop.services.admin import ticket_types
from bms_desktop.services.context import SYSTEM, BoxOffice
from bms_desktop.services.ports import NewCoupon
from tests.support.builders import World, build_world, clerk


@pytest.fixture
def world(box: BoxOffice) -> World:
    return build_world(box)


def ids(box: BoxOffice, world: World, *labels: str) -> list[int]:
    by_label = {s.label: s.show_seat_id for s in queries.get_seat_map(box, world.show_id).seats}
    return [by_label[label] for label in labels]


def test_a_quote_prices_the_seats_for_the_ticket_types_chosen_before_the_hold(
    box: BoxOffice, world: World
) -> None:
    a1, a2, a3 = ids(box, world, "A1", "A2", "A3")
    plain = queries.quote_seats(box, world.show_id, [a1, a2, a3])
    assert plain.total == Decimal("300.00")
    assert {line.ticket_type for line in plain.lines} == {"ADULT"}
    typed = queries.quote_seats(
        box, world.show_id, [a1, a2, a3], ticket_types={a2: "child", a3: "SENIOR", a1: "ADULT"}
    )
    by_label = {line.label: line for line in typed.lines}
    assert [(by_label[x].ticket_type, by_label[x].price) for x in ("A1", "A2", "A3")] == [
        ("ADULT", Decimal("100.00")),
        ("CHILD", Decimal("75.00")),
        ("SENIOR", Decimal("80.00")),
    ]
    assert typed.subtotal == typed.total == Decimal("255.00")
    assert "Child" in by_label["A2"].explanation and "base" in by_label["A2"].explanation


def test_the_coupon_in_a_typed_quote_is_worked_out_on_the_typed_subtotal(
    box: BoxOffice, world: World
) -> None:
    catalog.add_coupon(
        box, SYSTEM, NewCoupon("BIG150", CouponKind.FIXED, Decimal("50"), min_amount=Decimal("150"))
    )
    a1, a2 = ids(box, world, "A1", "A2")
    assert queries.quote_seats(box, world.show_id, [a1, a2], coupon_code="BIG150").discount == 50
    typed = queries.quote_seats(
        box, world.show_id, [a1, a2], coupon_code="BIG150", ticket_types={a1: "CHILD", a2: "CHILD"}
    )
    assert typed.subtotal == Decimal("150.00") and typed.discount == Decimal("50.00")
    cheaper = queries.quote_seats(
        box,
        world.show_id,
        [a1, a2],
        coupon_code="BIG150",
        ticket_types={a1: "COMPLIMENTARY", a2: "CHILD"},
    )
    assert cheaper.subtotal == Decimal("75.00") and cheaper.discount == 0
    assert cheaper.coupon_code is None and cheaper.coupon_message


def test_a_type_not_on_offer_is_refused_in_a_quote(box: BoxOffice, world: World) -> None:
    (a1,) = ids(box, world, "A1")
    with pytest.raises(ValidationError, match="no ticket type VIP") as refused:
        queries.quote_seats(box, world.show_id, [a1], ticket_types={a1: "VIP"})
    assert refused.value.field == "types"


def test_a_hold_left_behind_comes_back_with_its_seats_ticket_types(
    box: BoxOffice, world: World
) -> None:
    ctx = clerk("Counter 3")
    b1, b2 = ids(box, world, "B1", "B2")
    held = booking.hold_seats(box, ctx, show_id=world.show_id, show_seat_ids=[b1, b2])
    ticket_types.set_ticket_types(box, ctx, ticket_id=held.ticket_id, types={b2: "STUDENT"})
    (pending,) = queries.pending_holds(box, "Counter 3")
    lines = {line.label: line for line in pending.quote.lines}
    assert (lines["B1"].ticket_type, lines["B2"].ticket_type) == ("ADULT", "STUDENT")
    assert lines["B2"].price == Decimal("90.00") and pending.quote.total == Decimal("190.00")
