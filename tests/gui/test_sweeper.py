"""The hold sweeper expires holds nobody touches again, off the GUI thread."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from bms_desktop.domain.errors import SeatsUnavailable
from bms_desktop.domain.model import SeatStatus, Strategy, TicketStatus
from bms_desktop.gui.sweeper import HoldSweeper
from bms_desktop.services import booking, queries
from bms_desktop.services.ports import ClaimSpec, NewTicket
from tests.support.builders import build_world, clerk


def test_a_sweep_expires_a_run_out_hold_and_frees_its_seats(qtbot, box, clock):
    world = build_world(box)
    held = booking.hold_seats(box, clerk(), show_id=world.show_id, show_seat_ids=world.seat_ids[:2])
    sweeper = HoldSweeper(box, interval_ms=60_000)
    with qtbot.waitSignal(sweeper.swept, timeout=10_000) as before:
        sweeper.sweep_now()
    assert before.args == [0]  # still live: nothing to do
    clock.advance(minutes=6)
    with qtbot.waitSignal(sweeper.swept, timeout=10_000) as after:
        sweeper.sweep_now()
    assert after.args == [1]
    assert queries.get_booking(box, held.ticket_id).status == TicketStatus.EXPIRED
    with box.uows() as uow:
        assert uow.booking.ticket(held.ticket_id).status == "EXPIRED"  # in the database, not lazily
        seats = uow.booking.seats(world.show_id, world.seat_ids[:2], lock=False)
    assert {s.status for s in seats} == {SeatStatus.AVAILABLE}
    sweeper.stop()


def test_a_stranded_claim_is_released_by_the_sweep(qtbot, box, clock):
    """What a thread-strategy process killed between its commits leaves: a pending ticket with a
    live claim while the seat still reads AVAILABLE. No read path sees it; the sweep does."""
    world = build_world(box)
    seat = world.seat_ids[0]
    now = box.now()
    with box.uows(write=True) as uow:
        tid = uow.booking.create_ticket(
            NewTicket(
                code="BMS-TEST-CLAI", show_id=world.show_id, counter="Killed process",
                staff_id=None, strategy="thread", seat_count=1, subtotal=Decimal("100"),
                discount=Decimal("0"), total=Decimal("100"),
                hold_expires_at=now + timedelta(minutes=5), created_at=now,
            )
        )  # fmt: skip
        uow.booking.claim(tid, [ClaimSpec(seat, "A1", "GOLD", Decimal("100"))])
        uow.commit()
    clock.advance(minutes=6)
    with pytest.raises(SeatsUnavailable) as err:  # the constraint defends the stranded claim
        booking.hold_seats(box, clerk(strategy=Strategy.PESSIMISTIC), show_id=world.show_id,
                           show_seat_ids=[seat])  # fmt: skip
    assert err.value.report.safety_net_catches == 1
    sweeper = HoldSweeper(box)
    with qtbot.waitSignal(sweeper.swept, timeout=10_000) as swept:
        sweeper.sweep_now()
    assert swept.args[0] >= 1
    again = booking.hold_seats(box, clerk("Counter 2"), show_id=world.show_id, show_seat_ids=[seat])
    assert again.seat_labels == ("A1",)
    sweeper.stop()
