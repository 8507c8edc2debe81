"""The fake unit of work and the SQLAlchemy one agree on the tricky port methods.

Every test runs twice: on ``tests.fakes`` and on a real SQLite file (migrated schema). The world is
built through the catalog services on both. These tests talk to the port directly, the way the
services do, so that a unit test on the fake means the same as an integration test on SQL.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from bms_desktop.domain.model import CouponKind
from bms_desktop.domain.rules import generate_ticket_code
from bms_desktop.services.context import BoxOffice
from bms_desktop.services.ports import (
    AuditRecord,
    ClaimConflict,
    ClaimSpec,
    NewCoupon,
    NewTicket,
    ReadOnlyUnitOfWork,
    SeatState,
    ShowFilter,
    StorageBusy,
    UnitOfWork,
)
from tests.conftest import FakeClock
from tests.fakes import fake_box
from tests.support.builders import World, build_world

HOLD = timedelta(minutes=5)


@pytest.fixture(params=["fake", "sqlite"])
def box(request: pytest.FixtureRequest, clock: FakeClock) -> Iterator[BoxOffice]:
    if request.param == "fake":
        yield fake_box(clock)
        return
    from bms_desktop.app import connect

    wiring = connect(request.getfixturevalue("sqlite_url"))
    wiring.box.clock = clock
    wiring.box.fast_hashing = True
    yield wiring.box
    wiring.close()


@pytest.fixture
def world(box: BoxOffice) -> World:
    return build_world(box)


def _ticket(
    uow: UnitOfWork, world: World, now: datetime, *, seats: int = 1, counter: str = "C1"
) -> int:
    return uow.booking.create_ticket(
        NewTicket(
            code=generate_ticket_code(),
            show_id=world.show_id,
            counter=counter,
            staff_id=None,
            strategy="pessimistic",
            seat_count=seats,
            subtotal=Decimal("100.00") * seats,
            discount=Decimal("0.00"),
            total=Decimal("100.00") * seats,
            hold_expires_at=now + HOLD,
            created_at=now,
        )
    )


def _claim(uow: UnitOfWork, ticket_id: int, seats: list[SeatState]) -> None:
    uow.booking.claim(
        ticket_id, [ClaimSpec(s.show_seat_id, s.label, s.seat_type, s.price) for s in seats]
    )


def _code(uow: UnitOfWork, ticket_id: int) -> str:
    ticket = uow.booking.ticket(ticket_id)
    assert ticket is not None
    return ticket.code


def _seats(box: BoxOffice, world: World, ids: tuple[int, ...]) -> dict[int, SeatState]:
    with box.uows() as uow:
        return {s.show_seat_id: s for s in uow.booking.seats(world.show_id, ids, lock=False)}


def _hold(
    box: BoxOffice, world: World, ids: tuple[int, ...], *, counter: str = "C1"
) -> tuple[int, datetime]:
    """A committed hold through the port, as the pessimistic strategy writes it."""
    now = box.now()
    with box.uows(write=True) as uow:
        tid = _ticket(uow, world, now, seats=len(ids), counter=counter)
        assert uow.booking.mark_held(tid, counter, now + HOLD, now, dict.fromkeys(ids)) == set(ids)
        _claim(uow, tid, uow.booking.seats(world.show_id, ids, lock=False))
        uow.commit()
    return tid, now + HOLD


# --------------------------------------------------------------------------- mark_held


def test_mark_held_changes_only_free_seats_at_the_expected_version(box, world):
    a, b, c = world.seat_ids[:3]
    now = box.now()
    with box.uows(write=True) as uow:
        tid = _ticket(uow, world, now, seats=3)
        changed = uow.booking.mark_held(tid, "C1", now + HOLD, now, {a: 1, b: 0, c: None})
        uow.commit()
    assert changed == {a, c}
    seats = _seats(box, world, (a, b, c))
    assert (seats[a].status, seats[a].version, seats[a].ticket_id) == ("HELD", 2, tid)
    assert seats[a].counter == "C1"
    assert seats[a].hold_expires_at == now + HOLD
    assert (seats[b].status, seats[b].version, seats[b].ticket_id) == ("AVAILABLE", 1, None)
    assert seats[c].version == 2


def test_mark_held_leaves_held_and_blocked_seats_even_at_the_right_version(box, clock):
    world = build_world(box, layout="GGxG")
    a, blocked = world.seat_ids[0], world.seat_ids[2]
    _hold(box, world, (a,))
    now = box.now()
    with box.uows(write=True) as uow:
        tid = _ticket(uow, world, now)
        assert uow.booking.mark_held(tid, "C2", now + HOLD, now, {a: 2, blocked: 1}) == set()
        assert uow.booking.mark_held(tid, "C2", now + HOLD, now, {a: None}) == set()
        uow.commit()
    assert _seats(box, world, (a,))[a].counter == "C1"


def test_mark_held_does_not_take_a_seat_whose_hold_ran_out_until_it_is_expired(box, world, clock):
    a = world.seat_ids[0]
    tid, _ = _hold(box, world, (a,))
    clock.advance(minutes=6)
    now = box.now()
    with box.uows(write=True) as uow:
        other = _ticket(uow, world, now, counter="C2")
        assert uow.booking.mark_held(other, "C2", now + HOLD, now, {a: None}) == set()
        assert uow.booking.stale_ticket_ids(now, show_seat_ids=[a]) == [tid]
        assert uow.booking.expire_ticket(tid, now)
        assert uow.booking.mark_held(other, "C2", now + HOLD, now, {a: 3}) == {a}
        uow.commit()
    seat = _seats(box, world, (a,))[a]
    assert (seat.ticket_id, seat.version) == (other, 4)


# --------------------------------------------------------------------------- claim


def test_a_second_live_claim_on_a_seat_is_refused_naming_every_seat_of_the_statement(box, world):
    a, b = world.seat_ids[:2]
    first, _ = _hold(box, world, (a,))
    now = box.now()
    with box.uows(write=True) as uow:
        tid = _ticket(uow, world, now, seats=2)
        seats = uow.booking.seats(world.show_id, (a, b), lock=False)
        with pytest.raises(ClaimConflict) as err:
            _claim(uow, tid, seats)
        uow.rollback()
    assert err.value.show_seat_ids == (a, b)
    with box.uows() as uow:
        assert [ts.show_seat_id for ts in uow.booking.ticket_seats(first)] == [a]
        assert uow.booking.ticket(tid) is None  # rolled back with the claim


def test_a_claim_that_is_no_longer_live_does_not_block_a_new_one(box, world):
    a = world.seat_ids[0]
    first, _ = _hold(box, world, (a,))
    now = box.now()
    with box.uows(write=True) as uow:
        assert uow.booking.release(first, "CANCELLED", now, from_status="PENDING_PAYMENT")
        uow.commit()
    second, _ = _hold(box, world, (a,), counter="C2")
    with box.uows() as uow:
        assert [ts.live for ts in uow.booking.ticket_seats(first)] == [False]
        assert [ts.live for ts in uow.booking.ticket_seats(second)] == [True]


# --------------------------------------------------------------------------- confirm


def test_confirm_sells_every_seat_of_a_live_hold(box, world, clock):
    ids = world.seat_ids[:2]
    tid, _ = _hold(box, world, ids)
    clock.advance(minutes=1)
    now = box.now()
    with box.uows(write=True) as uow:
        assert uow.booking.confirm(tid, now)
        uow.commit()
    seats = _seats(box, world, ids)
    assert {(s.status, s.version, s.hold_expires_at, s.ticket_id) for s in seats.values()} == {
        ("SOLD", 3, None, tid)
    }
    with box.uows() as uow:
        ticket = uow.booking.ticket(tid)
        assert ticket is not None
        assert (ticket.status, ticket.confirmed_at) == ("CONFIRMED", now)
    with box.uows(write=True) as uow:
        assert not uow.booking.confirm(tid, now)  # a second confirm changes nothing


def test_confirm_fails_when_a_seat_is_no_longer_held_by_the_ticket(box, world):
    a, b = world.seat_ids[:2]
    tid, expires = _hold(box, world, (a, b))
    now = box.now()
    with box.uows(write=True) as uow:  # the thread strategy of another process overwrote b
        other = _ticket(uow, world, now, counter="C2")
        uow.booking.force_held(other, "C2", expires, [b])
        uow.commit()
    with box.uows(write=True) as uow:
        assert not uow.booking.confirm(tid, now)
        uow.rollback()  # what the service does on False: nothing of the attempt survives
    seats = _seats(box, world, (a, b))
    assert (seats[a].status, seats[a].ticket_id) == ("HELD", tid)
    with box.uows() as uow:
        ticket = uow.booking.ticket(tid)
        assert ticket is not None and ticket.status == "PENDING_PAYMENT"


def test_confirm_fails_once_the_hold_ran_out(box, world, clock):
    ids = world.seat_ids[:1]
    tid, expires = _hold(box, world, ids)
    clock.now = expires  # the hold is live while now < expires_at
    with box.uows(write=True) as uow:
        assert not uow.booking.confirm(tid, box.now())
        uow.rollback()
    assert _seats(box, world, ids)[ids[0]].status == "HELD"


# --------------------------------------------------------------------------- expire, release


def test_expire_ticket_only_after_the_hold_ran_out_and_only_once(box, world, clock):
    ids = world.seat_ids[:2]
    tid, expires = _hold(box, world, ids)
    with box.uows(write=True) as uow:
        assert not uow.booking.expire_ticket(tid, expires - timedelta(seconds=1))
        assert uow.booking.stale_ticket_ids(expires - timedelta(seconds=1)) == []
        assert uow.booking.stale_ticket_ids(expires) == [tid]
        assert uow.booking.expire_ticket(tid, expires)
        assert not uow.booking.expire_ticket(tid, expires)
        assert uow.booking.stale_ticket_ids(expires) == []
        uow.commit()
    seats = _seats(box, world, ids)
    assert {(s.status, s.version, s.ticket_id, s.counter) for s in seats.values()} == {
        ("AVAILABLE", 3, None, None)
    }
    with box.uows() as uow:
        ticket = uow.booking.ticket(tid)
        assert ticket is not None and ticket.status == "EXPIRED"
        assert [ts.live for ts in uow.booking.ticket_seats(tid)] == [False, False]


def test_release_needs_the_expected_status_and_frees_the_seats(box, world):
    ids = world.seat_ids[:1]
    tid, _ = _hold(box, world, ids)
    now = box.now()
    with box.uows(write=True) as uow:
        assert not uow.booking.release(tid, "CANCELLED", now, from_status="CONFIRMED")
        assert uow.booking.release(tid, "CANCELLED", now, from_status="PENDING_PAYMENT")
        assert not uow.booking.release(tid, "CANCELLED", now, from_status="PENDING_PAYMENT")
        uow.commit()
    seat = _seats(box, world, ids)[ids[0]]
    assert (seat.status, seat.version, seat.ticket_id) == ("AVAILABLE", 3, None)
    with box.uows() as uow:
        ticket = uow.booking.ticket(tid)
        assert ticket is not None
        assert (ticket.status, ticket.cancelled_at) == ("CANCELLED", now)


def test_an_expired_hold_counts_as_free_in_the_show_summary(box, world, clock):
    _hold(box, world, world.seat_ids[:3])
    with box.uows() as uow:
        before = uow.queries.show_summary(world.show_id, box.now())
    clock.advance(minutes=5)
    with box.uows() as uow:
        after = uow.queries.find_shows(ShowFilter(), box.now())
    assert before is not None
    assert before.seats_available == before.seats_total - 3
    assert [s.seats_available for s in after] == [before.seats_total]


# --------------------------------------------------------------------------- coupons, settings


def test_redeem_coupon_respects_the_total_limit_and_return_gives_the_use_back(box, world):
    now = box.now()
    with box.uows(write=True) as uow:
        coupon_id = uow.catalog.add_coupon(
            NewCoupon(code="ONCE", kind=CouponKind.FIXED, value=Decimal("50"), usage_limit=1)
        )
        t1 = _ticket(uow, world, now)
        t2 = _ticket(uow, world, now)
        assert uow.booking.redeem_coupon(coupon_id, t1, "98450", now)
        assert not uow.booking.redeem_coupon(coupon_id, t2, "98450", now)
        assert uow.booking.coupon_uses(coupon_id, "98450") == 1
        assert uow.booking.coupon_uses(coupon_id, "walk-in") == 0
        uow.commit()
    with box.uows(write=True) as uow:
        assert uow.booking.return_coupon(t1, now)
        assert not uow.booking.return_coupon(t1, now)
        assert uow.booking.coupon_uses(coupon_id, "98450") == 0
        assert uow.booking.redeem_coupon(coupon_id, t2, "98450", now)
        coupon = uow.booking.coupon_by_id(coupon_id)
        uow.commit()
    assert coupon is not None and coupon.used_count == 1


def test_put_once_inserts_only_the_first_value(box):
    with box.uows(write=True) as uow:
        assert uow.settings.put_once("first_admin", "asha")
        assert not uow.settings.put_once("first_admin", "ravi")
        uow.commit()
    with box.uows(write=True) as uow:
        assert not uow.settings.put_once("first_admin", "ravi")
        assert uow.settings.get("first_admin") == "asha"


def test_leaving_a_unit_of_work_without_commit_keeps_nothing(box, world):
    a = world.seat_ids[0]
    with box.uows(write=True) as uow:
        uow.settings.put("hold_minutes", "9")
        tid = _ticket(uow, world, box.now())
        uow.booking.mark_held(tid, "C1", box.now() + HOLD, box.now(), {a: None})
    with box.uows() as uow:
        assert uow.settings.get("hold_minutes") is None
        assert uow.booking.ticket(tid) is None
    assert _seats(box, world, (a,))[a].status == "AVAILABLE"


def test_a_savepoint_undoes_only_what_happened_inside_it(box):
    with box.uows(write=True) as uow:
        uow.settings.put("kept", "1")
        with pytest.raises(RuntimeError), uow.savepoint():
            uow.settings.put("undone", "1")
            raise RuntimeError("inside")
        uow.commit()
    with box.uows() as uow:
        assert uow.settings.all() == {"kept": "1"}


def test_a_deferred_write_cannot_write_over_a_newer_commit(box):
    """The naive strategy's trap: a write transaction that began without the lock."""
    with box.uows(write=True, deferred=True) as reader:
        assert reader.settings.get("hold_minutes") is None  # its snapshot starts here
        with box.uows(write=True) as writer:
            writer.settings.put("hold_minutes", "7")
            writer.commit()
        with pytest.raises(StorageBusy):
            reader.settings.put("hold_minutes", "9")
    with box.uows() as uow:
        assert uow.settings.get("hold_minutes") == "7"


def test_a_unit_of_work_used_after_commit_or_rollback_begins_a_new_transaction(box, world):
    """The thread strategy commits its steps one by one on one unit of work: each step after the
    first begins a new transaction (autobegin), which a rollback undoes on its own."""
    a, b, c = world.seat_ids[:3]
    now = box.now()
    with box.uows(write=True) as uow:
        first = _ticket(uow, world, now)
        uow.commit()
        undone = _ticket(uow, world, now)
        undone_code = _code(uow, undone)
        assert uow.booking.mark_held(undone, "C1", now + HOLD, now, {a: None}) == {a}
        uow.audit.add(AuditRecord(at=now, action="UNDONE"))
        uow.settings.put("undone", "1")
        with box.uows() as reader:  # not committed: nobody else sees it
            assert reader.booking.ticket(undone) is None
        uow.rollback()
        third = _ticket(uow, world, now)  # SQLite may give the undone ticket's id again
        third_code = _code(uow, third)
        assert uow.booking.mark_held(third, "C1", now + HOLD, now, {b: None}) == {b}
        uow.commit()
        _ticket(uow, world, now)  # begun, never committed: gone when the unit of work ends
        uow.booking.mark_held(third, "C1", now + HOLD, now, {c: None})
    with box.uows() as uow:
        assert uow.booking.ticket(first) is not None
        assert uow.booking.ticket_by_code(undone_code) is None
        assert uow.booking.ticket_by_code(third_code) is not None
        assert uow.settings.get("undone") is None
        assert all(r.action != "UNDONE" for r in uow.audit.recent())
    seats = _seats(box, world, (a, b, c))
    assert [seats[s].status for s in (a, b, c)] == ["AVAILABLE", "HELD", "AVAILABLE"]


def test_the_next_transaction_of_a_write_unit_of_work_takes_the_write_lock_again(box, world):
    """After commit the lock is free for others; the next statement takes it again (SQLite:
    BEGIN IMMEDIATE through the engine's begin event), so a concurrent writer waits."""
    now = box.now()
    with box.uows(write=True) as uow:
        _ticket(uow, world, now)
        uow.commit()
        with box.uows(write=True) as other:  # the lock is free between the transactions
            other.settings.put("between", "1")
            other.commit()
        uow.settings.put("second", "1")  # the lock is taken again here
        waited: list[float] = []

        def write() -> None:
            t0 = time.perf_counter()
            with box.uows(write=True) as w:
                w.settings.put("after", "1")
                waited.append(time.perf_counter() - t0)
                w.commit()

        writer = threading.Thread(target=write)
        writer.start()
        writer.join(0.2)
        assert writer.is_alive()  # waiting for the write lock
        uow.commit()
        writer.join(5.0)
        assert not writer.is_alive() and waited and waited[0] >= 0.15


def test_a_read_unit_of_work_refuses_to_write(box):
    with box.uows() as uow, pytest.raises(ReadOnlyUnitOfWork):
        uow.settings.put("hold_minutes", "9")
    with box.uows() as uow:
        assert uow.settings.get("hold_minutes") is None
