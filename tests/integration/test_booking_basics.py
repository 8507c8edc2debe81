"""The selling path against a real database, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from bms_desktop.domain.errors import FailureReason, InvalidState, SeatsUnavailable
from bms_desktop.domain.model import PaymentMode, SeatStatus, Strategy, TicketStatus
from bms_desktop.services import booking, checkout, queries
from tests.support.builders import build_world, clerk

STRATEGIES = list(Strategy)


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_hold_then_confirm_sells_the_seats(box, strategy):
    world = build_world(box)
    ctx = clerk(strategy=strategy)
    held = booking.hold_seats(box, ctx, show_id=world.show_id, show_seat_ids=world.seat_ids[:2])
    smap = queries.get_seat_map(box, world.show_id).by_id()
    assert {smap[i].status for i in world.seat_ids[:2]} == {SeatStatus.HELD}
    result = checkout.confirm_booking(box, ctx, ticket_id=held.ticket_id, mode=PaymentMode.UPI)
    assert result.total == held.quote.total
    smap = queries.get_seat_map(box, world.show_id).by_id()
    assert {smap[i].status for i in world.seat_ids[:2]} == {SeatStatus.SOLD}
    assert queries.get_booking(box, held.ticket_id).status == TicketStatus.CONFIRMED
    with pytest.raises(InvalidState, match="already paid"):
        checkout.confirm_booking(box, ctx, ticket_id=held.ticket_id, mode=PaymentMode.UPI)


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_second_counter_is_told_who_holds_the_seat(box, strategy):
    world = build_world(box)
    booking.hold_seats(
        box, clerk("Counter 1"), show_id=world.show_id, show_seat_ids=world.seat_ids[:2]
    )
    with pytest.raises(SeatsUnavailable) as err:
        booking.hold_seats(
            box,
            clerk("Counter 2", strategy),
            show_id=world.show_id,
            show_seat_ids=world.seat_ids[1:3],
        )
    failures = err.value.failures
    assert [(f.reason, f.by_counter) for f in failures] == [(FailureReason.HELD, "Counter 1")]
    assert err.value.temporary
    # all or nothing: the free seat of the request was not taken
    smap = queries.get_seat_map(box, world.show_id).by_id()
    assert smap[world.seat_ids[2]].status == SeatStatus.AVAILABLE


def test_expired_hold_reads_free_and_late_payment_is_refused(box, clock):
    world = build_world(box)
    ctx = clerk()
    held = booking.hold_seats(box, ctx, show_id=world.show_id, show_seat_ids=world.seat_ids[:1])
    clock.advance(minutes=6)
    smap = queries.get_seat_map(box, world.show_id).by_id()
    assert smap[world.seat_ids[0]].status == SeatStatus.AVAILABLE
    with pytest.raises(InvalidState, match="ran out"):
        checkout.confirm_booking(
            box, ctx, ticket_id=held.ticket_id, mode=PaymentMode.CASH, tendered="1000"
        )
    assert queries.get_booking(box, held.ticket_id).status == TicketStatus.EXPIRED
    again = booking.hold_seats(
        box,
        clerk("Counter 2", Strategy.OPTIMISTIC),
        show_id=world.show_id,
        show_seat_ids=world.seat_ids[:1],
    )
    assert again.seat_labels == held.seat_labels


def test_a_text_too_long_for_its_column_is_refused_with_a_plain_message_on_both_engines(box):
    """Defect 3: 200 characters of name showed a driver error with SQL on PostgreSQL and were
    stored whole on SQLite."""
    from bms_desktop.domain.errors import ValidationError

    world = build_world(box)
    ctx = clerk()
    with pytest.raises(ValidationError) as too_long:
        booking.hold_seats(
            box, ctx, show_id=world.show_id, show_seat_ids=world.seat_ids[:1],
            customer_name="N" * 200,
        )  # fmt: skip
    assert str(too_long.value) == (
        "The customer's name can be at most 120 characters; this one has 200"
    )
    assert too_long.value.field == "customer_name"
    assert queries.get_seat_map(box, world.show_id).by_id()[world.seat_ids[0]].status == (
        SeatStatus.AVAILABLE
    )
    held = booking.hold_seats(box, ctx, show_id=world.show_id, show_seat_ids=world.seat_ids[:1])
    for field, value in [
        ("customer_name", "x" * 3000),
        ("customer_phone", "9" * 21),
        ("reference", "R" * 81),
    ]:
        with pytest.raises(ValidationError) as refused:
            checkout.confirm_booking(
                box, ctx, ticket_id=held.ticket_id, mode=PaymentMode.UPI, **{field: value}
            )
        assert refused.value.field == field
        assert "SQL" not in str(refused.value) and "at most" in str(refused.value)
    assert queries.get_booking(box, held.ticket_id).status == TicketStatus.PENDING_PAYMENT
    checkout.confirm_booking(
        box, ctx, ticket_id=held.ticket_id, mode=PaymentMode.UPI, customer_name="N" * 120
    )
    assert queries.get_booking(box, held.ticket_id).customer_name == "N" * 120


def test_cash_beyond_what_a_drawer_takes_is_refused_and_the_ceiling_is_a_setting(box):
    """Defect 4: 99999999999999 tendered became a change of ₹999,996,039.00, stored."""
    from bms_desktop.domain.errors import ValidationError

    world = build_world(box)
    ctx = clerk()
    held = booking.hold_seats(box, ctx, show_id=world.show_id, show_seat_ids=world.seat_ids[:1])
    with pytest.raises(ValidationError) as refused:
        checkout.confirm_booking(
            box, ctx, ticket_id=held.ticket_id, mode=PaymentMode.CASH, tendered="99999999999999"
        )
    assert refused.value.field == "tendered"
    assert "₹99,999,999,999,999.00 is more cash than one sale takes" in str(refused.value)
    assert "at most ₹50,000.00" in str(refused.value)
    assert queries.get_booking(box, held.ticket_id).payments == ()
    with box.uows(write=True) as uow:
        uow.settings.put("cash_tendered_limit", "2000")
        uow.commit()
    with pytest.raises(ValidationError, match=r"at most ₹2,000\.00"):
        checkout.confirm_booking(
            box, ctx, ticket_id=held.ticket_id, mode=PaymentMode.CASH, tendered="2000.01"
        )
    done = checkout.confirm_booking(
        box, ctx, ticket_id=held.ticket_id, mode=PaymentMode.CASH, tendered="2000"
    )
    assert done.change_due == 2000 - done.total
