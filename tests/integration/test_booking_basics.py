"""The selling path against a real database, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from bms_desktop.domain.errors import FailureReason, InvalidState, SeatsUnavailable
from bms_desktop.domain.model import PaymentMode, SeatStatus, Strategy, TicketStatus
from bms_desktop.services import booking, queries
from tests.support.builders import build_world, clerk

STRATEGIES = list(Strategy)


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_hold_then_confirm_sells_the_seats(box, strategy):
    world = build_world(box)
    ctx = clerk(strategy=strategy)
    held = booking.hold_seats(box, ctx, show_id=world.show_id, show_seat_ids=world.seat_ids[:2])
    smap = queries.get_seat_map(box, world.show_id).by_id()
    assert {smap[i].status for i in world.seat_ids[:2]} == {SeatStatus.HELD}
    result = booking.confirm_booking(box, ctx, ticket_id=held.ticket_id, mode=PaymentMode.UPI)
    assert result.total == held.quote.total
    smap = queries.get_seat_map(box, world.show_id).by_id()
    assert {smap[i].status for i in world.seat_ids[:2]} == {SeatStatus.SOLD}
    assert queries.get_booking(box, held.ticket_id).status == TicketStatus.CONFIRMED
    with pytest.raises(InvalidState, match="already paid"):
        booking.confirm_booking(box, ctx, ticket_id=held.ticket_id, mode=PaymentMode.UPI)


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
        booking.confirm_booking(
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
