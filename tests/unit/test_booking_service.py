"""Selling seats (bms_desktop.services: booking, checkout, cancellation) on the fake unit of
work: every rule of DESIGN.md section 3 and the three strategies of section 4, with their
ConcurrencyReport numbers."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import timedelta
from decimal import Decimal

import pytest

from bms_desktop.domain.errors import (
    CouponRejected,
    FailureReason,
    InvalidState,
    NotFound,
    PermissionDenied,
    SalesClosed,
    SeatsUnavailable,
    ValidationError,
)
from bms_desktop.domain.model import CouponKind, PaymentMode, Role, SeatStatus, Strategy
from bms_desktop.services import auth, booking, cancellation, checkout, queries
from bms_desktop.services.approvals import CANCEL_REFUND, Approval
from bms_desktop.services.context import SYSTEM, BoxOffice, CounterContext, SeatLockRegistry
from bms_desktop.services.dto import ConcurrencyReport, HoldResult
from bms_desktop.services.ports import NewCoupon
from tests.conftest import FakeClock
from tests.fakes import FakeUnitOfWorkFactory, configure, fake_box, fake_of, sleeper_of
from tests.support.builders import World, build_world, clerk

STRATEGIES = list(Strategy)
C1 = "Counter 1"
C2 = "Counter 2"


@pytest.fixture
def box(clock: FakeClock) -> BoxOffice:
    return fake_box(clock)


@pytest.fixture
def fake(box: BoxOffice) -> FakeUnitOfWorkFactory:
    return fake_of(box)


@pytest.fixture
def world(box: BoxOffice) -> World:
    return build_world(box)  # 68 seats at 100.00, the show starts in one day


def _status(box: BoxOffice, world: World, *ids: int) -> list[SeatStatus]:
    seats = queries.get_seat_map(box, world.show_id).by_id()
    return [seats[i].status for i in ids]


def _hold(
    box: BoxOffice,
    world: World,
    ids: Sequence[int],
    counter: str = C1,
    strategy: Strategy = Strategy.PESSIMISTIC,
    *,
    max_retries: int = 3,
    delay_ms: int = 0,
    **kw: object,
) -> HoldResult:
    ctx = clerk(counter, strategy, max_retries=max_retries, delay_ms=delay_ms)
    return booking.hold_seats(box, ctx, show_id=world.show_id, show_seat_ids=list(ids), **kw)  # type: ignore[arg-type]


def _sell(box: BoxOffice, world: World, ids: Sequence[int], counter: str = C1) -> HoldResult:
    held = _hold(box, world, ids, counter)
    checkout.confirm_booking(box, clerk(counter), ticket_id=held.ticket_id, mode=PaymentMode.UPI)
    return held


def _refused(box: BoxOffice, world: World, ids: Sequence[int], **kw: object) -> SeatsUnavailable:
    with pytest.raises(SeatsUnavailable) as err:
        _hold(box, world, ids, **kw)  # type: ignore[arg-type]
    return err.value


def _report(err: SeatsUnavailable) -> ConcurrencyReport:
    assert isinstance(err.report, ConcurrencyReport)
    return err.report


def _staff(box: BoxOffice, username: str, role: Role, password: str = "pass-word-1") -> int:
    """A real member of staff (the services check roles against the staff table)."""
    with box.uows() as uow:
        existing = uow.staff.by_username(username)
    if existing is not None:
        return existing.staff_id
    return auth.add_staff(
        box, SYSTEM, username=username, full_name=username.title(), role=role, password=password
    ).staff_id


def _supervisor(box: BoxOffice, username: str = "sunita") -> CounterContext:
    return CounterContext(
        "Counter 9", _staff(box, username, Role.SUPERVISOR), username, Role.SUPERVISOR
    )


# =========================================================================== hold


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_hold_takes_the_seats_for_the_counter_until_the_hold_time(box, fake, world, strategy):
    ids = world.seat_ids[:2]
    held = _hold(box, world, ids, strategy=strategy)
    seats = queries.get_seat_map(box, world.show_id).by_id()
    assert [seats[i].status for i in ids] == [SeatStatus.HELD, SeatStatus.HELD]
    assert {seats[i].held_by_counter for i in ids} == {C1}
    assert {seats[i].held_by_ticket_id for i in ids} == {held.ticket_id}
    assert held.expires_at == box.now() + timedelta(minutes=5)
    assert held.seat_labels == ("A1", "A2")
    assert (held.quote.subtotal, held.quote.total) == (Decimal("200.00"), Decimal("200.00"))
    assert queries.get_booking(box, held.ticket_id).status == "PENDING_PAYMENT"
    [audit] = fake.audit_rows("HOLD")
    assert (audit.counter, audit.show_id, audit.data["strategy"]) == (C1, world.show_id, strategy)
    assert held.report.strategy == strategy


def test_hold_time_comes_from_the_settings(box, world):
    configure(box, hold_minutes=2)
    held = _hold(box, world, world.seat_ids[:1])
    assert held.expires_at == box.now() + timedelta(minutes=2)


@pytest.mark.parametrize(
    ("pick", "message"),
    [
        (lambda ids: [], "at least one seat"),
        (lambda ids: list(ids[:11]), "At most 10 seats"),
        (lambda ids: [ids[0], ids[1], ids[0]], "picked twice"),
    ],
)
def test_hold_refuses_no_seats_more_than_ten_and_duplicates(box, fake, world, pick, message):
    before = fake.db.generation
    with pytest.raises(ValidationError, match=message):
        _hold(box, world, pick(world.seat_ids))
    assert fake.db.generation == before


def test_hold_of_ten_seats_is_allowed(box, world):
    held = _hold(box, world, world.seat_ids[:10])
    assert len(held.show_seat_ids) == 10


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_a_seat_held_by_another_counter_fails_the_whole_request_as_temporary(
    box, fake, world, strategy
):
    a, b, c = world.seat_ids[:3]
    _hold(box, world, [b], C1)
    before = (fake.db.generation, len(fake.tables.tickets))
    err = _refused(box, world, [a, b, c], counter=C2, strategy=strategy)
    assert [(f.label, f.reason, f.by_counter) for f in err.failures] == [
        ("A2", FailureReason.HELD, C1)
    ]
    assert err.temporary
    assert "A2 is held by Counter 1; try again shortly" in str(err)
    assert _status(box, world, a, c) == [SeatStatus.AVAILABLE, SeatStatus.AVAILABLE]
    if strategy is not Strategy.THREAD:  # the thread strategy commits step by step
        assert (fake.db.generation, len(fake.tables.tickets)) == before
    assert _report(err).lost_seats == (("A2", C1),)


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_a_sold_seat_fails_the_request_as_permanent(box, world, strategy):
    a, b = world.seat_ids[:2]
    _sell(box, world, [a], C1)
    err = _refused(box, world, [a, b], counter=C2, strategy=strategy)
    assert [(f.label, f.reason, f.by_counter) for f in err.failures] == [
        ("A1", FailureReason.SOLD, C1)
    ]
    assert not err.temporary
    assert "A1 is already sold by Counter 1" in str(err)
    assert _status(box, world, b) == [SeatStatus.AVAILABLE]


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_a_blocked_seat_is_not_for_sale(box, strategy):
    world = build_world(box, layout="GGxGG")
    err = _refused(box, world, world.seat_ids[1:3], strategy=strategy)
    assert [(f.label, f.reason) for f in err.failures] == [("A3", FailureReason.BLOCKED)]
    assert "A3 is not for sale" in str(err)
    assert not err.temporary


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_a_seat_of_another_show_is_unknown(box, clock, world, strategy):
    clock.advance(seconds=1)  # build_world names its city after the clock
    other = build_world(box, starts_in=timedelta(days=2))
    err = _refused(box, world, [world.seat_ids[0], other.seat_ids[0]], strategy=strategy)
    assert [(f.label, f.reason) for f in err.failures] == [
        (f"seat #{other.seat_ids[0]}", FailureReason.UNKNOWN)
    ]
    assert "is not a seat of this show" in str(err)
    assert _status(box, world, world.seat_ids[0]) == [SeatStatus.AVAILABLE]


def test_the_error_names_every_failed_seat_and_why(box, world):
    a, b, c = world.seat_ids[:3]
    _sell(box, world, [a], C1)
    _hold(box, world, [c], C2)
    err = _refused(box, world, [a, b, c], counter="Counter 3")
    assert [(f.label, f.reason, f.by_counter) for f in err.failures] == [
        ("A1", FailureReason.SOLD, C1),
        ("A3", FailureReason.HELD, C2),
    ]
    assert not err.temporary  # one permanent failure makes the whole refusal permanent


def test_hold_of_an_unknown_show_is_refused(box, world):
    with pytest.raises(NotFound):
        booking.hold_seats(box, clerk(), show_id=999, show_seat_ids=[world.seat_ids[0]])


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_counter_sales_close_at_the_show_start_by_default(box, clock, world, strategy):
    start = clock.now + timedelta(days=1)
    clock.now = start - timedelta(seconds=1)
    _hold(box, world, world.seat_ids[:1], strategy=strategy)
    clock.now = start
    with pytest.raises(SalesClosed, match="closed at"):
        _hold(box, world, world.seat_ids[1:2], strategy=strategy)


def test_counter_sales_close_at_the_configured_offset(box, clock, world):
    start = clock.now + timedelta(days=1)
    configure(box, sales_close_offset_minutes=-15)
    clock.now = start - timedelta(minutes=15)
    with pytest.raises(SalesClosed, match="15 min before the start"):
        _hold(box, world, world.seat_ids[:1])
    clock.now = start - timedelta(minutes=16)
    assert _hold(box, world, world.seat_ids[:1]).seat_labels == ("A1",)


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_an_expired_hold_is_free_and_its_ticket_expires_with_the_new_hold(
    box, clock, fake, world, strategy
):
    ids = world.seat_ids[:2]
    first = _hold(box, world, ids, C1)
    clock.advance(minutes=5)  # the hold ran out; nothing swept it
    commits = fake.db.commits
    second = _hold(box, world, ids, C2, strategy)
    assert second.seat_labels == first.seat_labels
    assert queries.get_booking(box, first.ticket_id).status == "EXPIRED"
    assert fake.tables.tickets[first.ticket_id].status == "EXPIRED"  # stored, not only read so
    assert {fake.tables.show_seats[i].ticket_id for i in ids} == {second.ticket_id}
    [expiry] = fake.audit_rows("EXPIRY")
    assert (expiry.entity_id, expiry.data["lazily"]) == (str(first.ticket_id), True)
    if strategy is Strategy.PESSIMISTIC:
        assert fake.db.commits == commits + 1  # expiry and new hold: one transaction


def test_a_live_hold_of_the_same_counter_is_not_taken_again(box, world):
    a = world.seat_ids[0]
    _hold(box, world, [a], C1)
    err = _refused(box, world, [a], counter=C1)
    assert [f.reason for f in err.failures] == [FailureReason.HELD]


# --------------------------------------------------------------------------- strategies


def test_pessimistic_report_counts_one_attempt_and_no_retries(box, world):
    report = _hold(box, world, world.seat_ids[:2]).report
    assert (report.strategy, report.attempts, report.retries, report.max_retries) == (
        Strategy.PESSIMISTIC,
        1,
        0,
        0,
    )
    assert (report.version_conflicts, report.lost_seats, report.safety_net_catches) == ((), (), 0)
    assert report.lock_holder is None
    assert [e.kind for e in report.events if e.kind != "LOCK_WAIT"] == ["HOLD"]


def test_optimistic_hold_at_the_versions_seen_succeeds_on_the_first_attempt(box, world):
    ids = world.seat_ids[:2]
    seen = {s.show_seat_id: s.version for s in queries.get_seat_map(box, world.show_id).seats}
    held = _hold(box, world, ids, strategy=Strategy.OPTIMISTIC, seen_versions=seen)
    assert (held.report.attempts, held.report.retries, held.report.max_retries) == (1, 0, 3)
    assert held.report.version_conflicts == ()


def test_optimistic_retries_when_the_seat_is_still_free_at_a_newer_version(box, fake, world):
    a, b = world.seat_ids[:2]
    seen = {s.show_seat_id: s.version for s in queries.get_seat_map(box, world.show_id).seats}
    fake.bump_version(b)  # another counter held and released B meanwhile
    held = _hold(box, world, [a, b], strategy=Strategy.OPTIMISTIC, seen_versions=seen)
    report = held.report
    assert held.seat_labels == ("A1", "A2")
    assert (report.attempts, report.retries) == (2, 1)
    assert report.version_conflicts == (("A2", 1, 2),)
    assert [e.kind for e in report.events] == ["RETRY", "HOLD"]
    assert len(sleeper_of(box).calls) == 1  # backed off once, without really sleeping
    assert fake.tables.show_seats[b].version == 3


def test_optimistic_gives_up_after_max_retries_with_changed_seats(box, fake, world):
    a, b = world.seat_ids[:2]
    sleeper_of(box).hook = lambda _s: fake.bump_version(b)  # B moves during every back-off
    seen = {a: 1, b: 0}
    before = len(fake.tables.tickets)
    err = _refused(
        box, world, [a, b], strategy=Strategy.OPTIMISTIC, seen_versions=seen, max_retries=2
    )
    report = _report(err)
    assert [(f.label, f.reason, f.version_seen, f.version_found) for f in err.failures] == [
        ("A2", FailureReason.CHANGED, 2, 3)
    ]
    assert err.temporary
    assert "A2 changed since the map was loaded (version 2 -> 3)" in str(err)
    assert (report.attempts, report.retries, report.max_retries) == (3, 2, 2)
    assert report.version_conflicts == (("A2", 0, 1), ("A2", 1, 2), ("A2", 2, 3))
    assert report.lost_seats == ()
    assert len(fake.tables.tickets) == before
    assert _status(box, world, a, b) == [SeatStatus.AVAILABLE, SeatStatus.AVAILABLE]


def test_optimistic_reports_a_seat_held_meanwhile_with_the_versions(box, world):
    a = world.seat_ids[0]
    seen = {a: queries.get_seat_map(box, world.show_id).by_id()[a].version}
    _hold(box, world, [a], C2)
    err = _refused(box, world, [a], counter=C1, strategy=Strategy.OPTIMISTIC, seen_versions=seen)
    [failure] = err.failures
    assert (failure.reason, failure.by_counter) == (FailureReason.HELD, C2)
    assert (failure.version_seen, failure.version_found) == (1, 2)
    report = _report(err)
    assert (report.attempts, report.retries) == (1, 0)
    assert report.version_conflicts == (("A1", 1, 2),)
    assert report.lost_seats == (("A1", C2),)


def test_optimistic_without_seen_versions_reads_them_first(box, world):
    held = _hold(box, world, world.seat_ids[:3], strategy=Strategy.OPTIMISTIC)
    assert (held.report.attempts, held.report.retries) == (1, 0)


class _RecordingLocks(SeatLockRegistry):
    def __init__(self, wait: tuple[float, str | None] | None = None) -> None:
        super().__init__()
        self.taken: list[tuple[tuple[int, ...], str]] = []
        self.wait = wait

    @contextmanager
    def hold(
        self, show_seat_ids: Sequence[int], owner: str, timeout_s: float = 30.0
    ) -> Iterator[tuple[float, str | None]]:
        self.taken.append((tuple(show_seat_ids), owner))
        with super().hold(show_seat_ids, owner, timeout_s) as measured:
            yield self.wait or measured


def test_the_thread_strategy_holds_through_the_seat_lock_registry(box, world):
    box.locks = locks = _RecordingLocks()
    ids = world.seat_ids[:3]
    _hold(box, world, ids[::-1], strategy=Strategy.THREAD)
    _hold(box, world, world.seat_ids[3:4], strategy=Strategy.PESSIMISTIC)
    assert locks.taken == [(tuple(ids), C1)]  # sorted ids, the counter as owner; only once
    assert all(locks.owner(i) is None for i in ids)  # given back


def test_the_thread_strategy_reports_the_wait_for_a_seat_lock(box, world):
    box.locks = _RecordingLocks(wait=(25.0, C2))
    report = _hold(box, world, world.seat_ids[:1], strategy=Strategy.THREAD).report
    assert (report.lock_wait_ms, report.lock_holder) == (25.0, C2)
    assert report.events[0].kind == "LOCK_WAIT"
    assert "held by Counter 2" in report.events[0].message


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_windows_of_one_process_racing_for_a_seat_give_one_winner(box, fake, world, strategy):
    seat = world.seat_ids[5]
    clerks = [f"Counter {n}" for n in range(1, 7)]
    start = threading.Barrier(len(clerks))
    won: list[HoldResult] = []
    lost: list[SeatsUnavailable] = []
    errors: list[BaseException] = []
    guard = threading.Lock()

    def run(counter: str) -> None:
        start.wait()
        try:
            result = _hold(box, world, [seat], counter, strategy)
        except SeatsUnavailable as exc:
            with guard:
                lost.append(exc)
        except BaseException as exc:
            with guard:
                errors.append(exc)
        else:
            with guard:
                won.append(result)

    threads = [threading.Thread(target=run, args=(c,)) for c in clerks]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert errors == []
    assert len(won) == 1 and len(lost) == len(clerks) - 1
    winner = fake.tables.tickets[won[0].ticket_id].counter
    assert {(f.reason, f.by_counter) for e in lost for f in e.failures} == {
        (FailureReason.HELD, winner)
    }
    assert all(_report(e).safety_net_catches == 0 for e in lost)  # one process: never needed
    assert [ts.ticket_id for ts in fake.tables.ticket_seats.values() if ts.live] == [
        won[0].ticket_id
    ]


# --------------------------------------------------------------------------- the safety net


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_a_claim_no_strategy_can_see_is_caught_by_the_database_constraint(
    box, fake, world, strategy
):
    seat = world.seat_ids[0]
    # Another process (thread strategy) committed its claim but not yet the seat's status.
    other = fake.inject_live_claim(seat, counter="Process B", now=box.now())
    err = _refused(box, world, [seat], counter=C1, strategy=strategy)
    [failure] = err.failures
    assert (failure.label, failure.reason) == ("A1", FailureReason.CONSTRAINT)
    assert failure.by_counter == "Process B"  # named from the winning live claim
    assert "caught by the database constraint" in str(err)
    report = _report(err)
    assert report.safety_net_catches == 1
    assert "SAFETY_NET" in [e.kind for e in report.events]
    assert report.lost_seats == (("A1", "Process B"),)
    live = [ts.ticket_id for ts in fake.tables.ticket_seats.values() if ts.live]
    assert live == [other]  # still exactly one live claim: no double sale
    mine = [t for t in fake.tables.tickets.values() if t.counter == C1]
    if strategy is Strategy.THREAD:  # its ticket was committed on its own, then given up
        assert [t.status for t in mine] == ["CANCELLED"]
        assert [r.counter for r in fake.audit_rows("SAFETY_NET")] == [C1]
    else:  # one transaction: rolled back whole
        assert mine == []
    assert fake.tables.show_seats[seat].ticket_id is None


def test_another_process_winning_between_read_and_claim_is_caught_and_named(box, fake, world):
    seat = world.seat_ids[0]

    def other_process_holds_the_seat(_seconds: float) -> None:
        # While this window waits between its read and its claim, a process that this window's
        # thread locks do not cover claims the seat and marks it held.
        other = fake.inject_live_claim(seat, counter="Process B", now=box.now())
        fake.poke_seat(
            seat,
            status="HELD",
            ticket_id=other,
            counter="Process B",
            hold_expires_at=box.now() + timedelta(minutes=5),
            version=2,
        )

    sleeper_of(box).hook = other_process_holds_the_seat
    err = _refused(box, world, [seat], strategy=Strategy.THREAD, delay_ms=5)
    assert [(f.reason, f.by_counter) for f in err.failures] == [
        (FailureReason.CONSTRAINT, "Process B")
    ]
    assert "A1 was caught by the database constraint (already claimed by Process B)" in str(err)
    assert _report(err).safety_net_catches == 1
    assert fake.tables.show_seats[seat].counter == "Process B"
    assert [t.status for t in fake.tables.tickets.values() if t.counter == C1] == ["CANCELLED"]


# --------------------------------------------------------------------------- teaching aids


def test_the_processing_delay_happens_inside_the_transaction_and_is_reported(box, world):
    ctx = clerk(C1, Strategy.PESSIMISTIC, delay_ms=40)
    held = booking.hold_seats(box, ctx, show_id=world.show_id, show_seat_ids=world.seat_ids[:1])
    assert sleeper_of(box).calls == [0.04]
    assert held.report.delay_ms == 40.0
    assert "DELAY" in [e.kind for e in held.report.events]


# =========================================================================== confirm


def test_confirm_sells_the_held_seats_and_records_one_payment(box, fake, world):
    ids = world.seat_ids[:2]
    held = _hold(box, world, ids)
    result = checkout.confirm_booking(
        box, clerk(), ticket_id=held.ticket_id, mode=PaymentMode.UPI, reference=" upi-77 "
    )
    assert (result.total, result.mode, result.tendered, result.change_due) == (
        Decimal("200.00"),
        PaymentMode.UPI,
        None,
        None,
    )
    assert _status(box, world, *ids) == [SeatStatus.SOLD, SeatStatus.SOLD]
    view = queries.get_booking(box, held.ticket_id)
    assert (view.status, view.confirmed_at) == ("CONFIRMED", box.now())
    [payment] = view.payments
    assert (payment.kind, payment.status, payment.mode, payment.amount, payment.reference) == (
        "PAYMENT",
        "SUCCESS",
        "UPI",
        Decimal("200.00"),
        "upi-77",
    )
    [sale] = fake.audit_rows("SALE")
    assert (sale.show_id, sale.data["total"], sale.data["mode"]) == (world.show_id, "200.00", "UPI")


def test_a_second_confirm_is_refused_and_charges_nothing_more(box, fake, world):
    held = _sell(box, world, world.seat_ids[:1])
    with pytest.raises(InvalidState, match="already paid and confirmed"):
        checkout.confirm_booking(box, clerk(), ticket_id=held.ticket_id, mode=PaymentMode.UPI)
    assert len(fake.tables.payments) == 1


def test_a_released_ticket_cannot_be_confirmed(box, fake, world):
    held = _hold(box, world, world.seat_ids[:1])
    assert checkout.release_hold(box, clerk(), ticket_id=held.ticket_id)
    with pytest.raises(InvalidState, match="was cancelled"):
        checkout.confirm_booking(box, clerk(), ticket_id=held.ticket_id, mode=PaymentMode.UPI)
    assert fake.tables.payments == {}
    assert _status(box, world, world.seat_ids[0]) == [SeatStatus.AVAILABLE]


def test_an_expired_ticket_cannot_be_confirmed(box, clock, fake, world):
    held = _hold(box, world, world.seat_ids[:1])
    clock.advance(minutes=6)
    assert cancellation.expire_holds(box) == 1
    with pytest.raises(InvalidState, match="expired; hold the seats again"):
        checkout.confirm_booking(box, clerk(), ticket_id=held.ticket_id, mode=PaymentMode.UPI)
    assert fake.tables.payments == {}


def test_a_late_payment_expires_the_ticket_and_charges_nothing(box, clock, fake, world):
    ids = world.seat_ids[:2]
    held = _hold(box, world, ids)
    clock.now = held.expires_at  # a hold is live strictly before its expiry
    with pytest.raises(InvalidState, match="ran out before payment; nothing was charged"):
        checkout.confirm_booking(
            box, clerk(), ticket_id=held.ticket_id, mode=PaymentMode.CASH, tendered="500"
        )
    assert fake.tables.tickets[held.ticket_id].status == "EXPIRED"
    assert fake.tables.payments == {}
    assert {fake.tables.show_seats[i].status for i in ids} == {"AVAILABLE"}
    [expiry] = fake.audit_rows("EXPIRY")
    assert expiry.data["on_late_payment"] is True
    assert fake.audit_rows("SALE") == []


def test_confirm_is_refused_when_a_seat_is_no_longer_held_by_the_ticket(box, fake, world):
    a, b = world.seat_ids[:2]
    held = _hold(box, world, [a, b])
    thief = fake.inject_live_claim(world.seat_ids[10], now=box.now())
    fake.poke_seat(b, ticket_id=thief, counter="Other process")
    with pytest.raises(InvalidState, match="no longer held by it"):
        checkout.confirm_booking(box, clerk(), ticket_id=held.ticket_id, mode=PaymentMode.UPI)
    assert fake.tables.tickets[held.ticket_id].status == "PENDING_PAYMENT"
    assert fake.tables.show_seats[a].status == "HELD"  # not half sold
    assert fake.tables.payments == {}


def test_cash_needs_enough_tendered_and_gets_its_change(box, fake, world):
    held = _hold(box, world, world.seat_ids[:2])
    with pytest.raises(ValidationError, match="enter the cash tendered"):
        checkout.confirm_booking(box, clerk(), ticket_id=held.ticket_id, mode=PaymentMode.CASH)
    with pytest.raises(ValidationError, match="short of"):
        checkout.confirm_booking(
            box, clerk(), ticket_id=held.ticket_id, mode=PaymentMode.CASH, tendered="199.99"
        )
    with pytest.raises(ValidationError, match="is not an amount"):
        checkout.confirm_booking(
            box, clerk(), ticket_id=held.ticket_id, mode="CASH", tendered="two hundred"
        )
    assert fake.tables.payments == {}
    result = checkout.confirm_booking(
        box, clerk(), ticket_id=held.ticket_id, mode="CASH", tendered="2,500"
    )
    assert (result.tendered, result.change_due) == (Decimal("2500.00"), Decimal("2300.00"))
    [payment] = fake.tables.payments.values()
    assert (payment.tendered, payment.change_due) == (Decimal("2500.00"), Decimal("2300.00"))


def test_an_unknown_payment_mode_is_refused(box, fake, world):
    held = _hold(box, world, world.seat_ids[:1])
    with pytest.raises(ValidationError, match="unknown payment mode"):
        checkout.confirm_booking(box, clerk(), ticket_id=held.ticket_id, mode="BITCOIN")
    assert fake.tables.tickets[held.ticket_id].status == "PENDING_PAYMENT"


def test_confirm_of_an_unknown_ticket_is_not_found(box, world):
    with pytest.raises(NotFound):
        checkout.confirm_booking(box, clerk(), ticket_id=404, mode=PaymentMode.UPI)


def test_confirm_stores_the_customer(box, world):
    held = _hold(box, world, world.seat_ids[:1])
    checkout.confirm_booking(
        box,
        clerk(),
        ticket_id=held.ticket_id,
        mode="UPI",
        customer_name=" Asha ",
        customer_phone="98450 12345",
    )
    view = queries.get_booking(box, held.ticket_id)
    assert (view.customer_name, view.customer_phone) == ("Asha", "9845012345")  # digits only


# =========================================================================== coupons


def _coupon(box: BoxOffice, code: str, kind: CouponKind, value: str, **kw: object) -> None:
    from bms_desktop.services import catalog
    from bms_desktop.services.context import SYSTEM

    catalog.add_coupon(box, SYSTEM, NewCoupon(code=code, kind=kind, value=Decimal(value), **kw))  # type: ignore[arg-type]


def _used(fake: FakeUnitOfWorkFactory, code: str) -> int:
    [coupon] = [c for c in fake.tables.coupons.values() if c.code == code]
    return coupon.used_count


def test_a_coupon_on_a_pending_ticket_lowers_the_total_but_is_not_counted_yet(box, fake, world):
    _coupon(box, "SAVE10", CouponKind.PERCENT, "10")
    held = _hold(box, world, world.seat_ids[:2])
    quote = checkout.apply_coupon(box, clerk(), ticket_id=held.ticket_id, code=" save10 ")
    assert (quote.subtotal, quote.discount, quote.total) == (
        Decimal("200.00"),
        Decimal("20.00"),
        Decimal("180.00"),
    )
    assert (quote.coupon_code, quote.coupon_message) == ("SAVE10", "SAVE10: 20.00 off")
    assert _used(fake, "SAVE10") == 0
    assert fake.audit_rows("COUPON_APPLIED")[0].data["discount"] == "20.00"


def test_the_coupon_use_is_counted_at_confirmation(box, fake, world):
    _coupon(box, "SAVE10", CouponKind.PERCENT, "10")
    held = _hold(box, world, world.seat_ids[:2])
    checkout.apply_coupon(box, clerk(), ticket_id=held.ticket_id, code="SAVE10")
    result = checkout.confirm_booking(box, clerk(), ticket_id=held.ticket_id, mode="UPI")
    assert result.total == Decimal("180.00")
    assert _used(fake, "SAVE10") == 1
    [payment] = fake.tables.payments.values()
    assert payment.amount == Decimal("180.00")


def test_the_total_usage_limit_is_checked_again_at_confirmation(box, fake, world):
    _coupon(box, "ONCE", CouponKind.FIXED, "50", usage_limit=1)
    first = _hold(box, world, world.seat_ids[:1], C1)
    second = _hold(box, world, world.seat_ids[1:2], C2)
    checkout.apply_coupon(box, clerk(C1), ticket_id=first.ticket_id, code="ONCE")
    checkout.apply_coupon(box, clerk(C2), ticket_id=second.ticket_id, code="ONCE")
    checkout.confirm_booking(box, clerk(C1), ticket_id=first.ticket_id, mode="UPI")
    with pytest.raises(CouponRejected, match="usage limit"):
        checkout.confirm_booking(box, clerk(C2), ticket_id=second.ticket_id, mode="UPI")
    assert _used(fake, "ONCE") == 1
    assert fake.tables.tickets[second.ticket_id].status == "PENDING_PAYMENT"
    assert [p.ticket_id for p in fake.tables.payments.values()] == [first.ticket_id]
    quote = checkout.remove_coupon(box, clerk(C2), ticket_id=second.ticket_id)
    assert quote.total == Decimal("100.00")
    result = checkout.confirm_booking(box, clerk(C2), ticket_id=second.ticket_id, mode="UPI")
    assert result.total == Decimal("100.00")


def test_the_per_customer_limit_is_checked_again_at_confirmation(box, fake, world):
    _coupon(box, "FIRST", CouponKind.PERCENT, "50", per_customer_limit=1)
    one = _hold(box, world, world.seat_ids[:1], C1)
    two = _hold(box, world, world.seat_ids[1:2], C2)
    three = _hold(box, world, world.seat_ids[2:3], C2)
    for held, phone in ((one, "9845012345"), (two, "9845012345"), (three, "9000000001")):
        checkout.apply_coupon(
            box, clerk(), ticket_id=held.ticket_id, code="FIRST", customer_phone=phone
        )
    checkout.confirm_booking(box, clerk(), ticket_id=one.ticket_id, mode="UPI")
    with pytest.raises(CouponRejected, match="already used coupon FIRST once"):
        checkout.confirm_booking(box, clerk(), ticket_id=two.ticket_id, mode="UPI")
    checkout.confirm_booking(box, clerk(), ticket_id=three.ticket_id, mode="UPI")  # other customer
    assert _used(fake, "FIRST") == 2
    assert fake.tables.tickets[two.ticket_id].status == "PENDING_PAYMENT"


def test_a_per_customer_coupon_needs_the_phone_number(box, fake, world):
    _coupon(box, "FIRST", CouponKind.PERCENT, "50", per_customer_limit=1)
    held = _hold(box, world, world.seat_ids[:1])
    with pytest.raises(CouponRejected, match="phone number"):
        checkout.apply_coupon(box, clerk(), ticket_id=held.ticket_id, code="FIRST")
    assert fake.tables.tickets[held.ticket_id].coupon_id is None
    quote = checkout.apply_coupon(
        box, clerk(), ticket_id=held.ticket_id, code="FIRST", customer_phone=" 9845012345 "
    )
    assert quote.total == Decimal("50.00")
    assert fake.tables.tickets[held.ticket_id].customer_phone == "9845012345"


def test_a_fixed_discount_never_takes_the_total_below_zero(box, fake, world):
    _coupon(box, "BIG500", CouponKind.FIXED, "500")
    held = _hold(box, world, world.seat_ids[:1])
    quote = checkout.apply_coupon(box, clerk(), ticket_id=held.ticket_id, code="BIG500")
    assert (quote.discount, quote.total) == (Decimal("100.00"), Decimal("0.00"))
    result = checkout.confirm_booking(
        box, clerk(), ticket_id=held.ticket_id, mode="CASH", tendered="0"
    )
    assert (result.total, result.change_due) == (Decimal("0.00"), Decimal("0.00"))


def test_a_coupon_that_does_not_apply_leaves_the_ticket_unchanged(box, fake, world):
    _coupon(box, "BIGSPEND", CouponKind.PERCENT, "10", min_amount=Decimal("500"))
    held = _hold(box, world, world.seat_ids[:2])
    with pytest.raises(CouponRejected, match=r"at least 500\.00"):
        checkout.apply_coupon(box, clerk(), ticket_id=held.ticket_id, code="BIGSPEND")
    with pytest.raises(CouponRejected, match="there is no coupon NOPE"):
        checkout.apply_coupon(box, clerk(), ticket_id=held.ticket_id, code="nope")
    ticket = fake.tables.tickets[held.ticket_id]
    assert (ticket.coupon_id, ticket.total) == (None, Decimal("200.00"))


def test_a_coupon_cannot_be_applied_to_a_confirmed_ticket(box, world):
    _coupon(box, "SAVE10", CouponKind.PERCENT, "10")
    held = _sell(box, world, world.seat_ids[:1])
    with pytest.raises(InvalidState, match="already paid"):
        checkout.apply_coupon(box, clerk(), ticket_id=held.ticket_id, code="SAVE10")


def test_the_coupon_use_is_given_back_on_cancellation(box, fake, world):
    _coupon(box, "ONCE", CouponKind.FIXED, "50", usage_limit=1)
    held = _hold(box, world, world.seat_ids[:1])
    checkout.apply_coupon(box, clerk(), ticket_id=held.ticket_id, code="ONCE")
    checkout.confirm_booking(box, clerk(), ticket_id=held.ticket_id, mode="UPI")
    assert _used(fake, "ONCE") == 1
    refund = cancellation.cancel_booking(box, _supervisor(box), ticket_id=held.ticket_id)
    assert refund.refund == Decimal("50.00")
    assert _used(fake, "ONCE") == 0
    assert [r.returned_at for r in fake.tables.redemptions.values()] == [box.now()]
    again = _hold(box, world, world.seat_ids[1:2])  # the use can be had again
    checkout.apply_coupon(box, clerk(), ticket_id=again.ticket_id, code="ONCE")
    checkout.confirm_booking(box, clerk(), ticket_id=again.ticket_id, mode="UPI")
    assert _used(fake, "ONCE") == 1


# =========================================================================== cancellation


def test_a_supervisor_cancels_a_confirmed_booking_with_a_full_refund(box, fake, world):
    ids = world.seat_ids[:2]
    held = _sell(box, world, ids)
    result = cancellation.cancel_booking(
        box, _supervisor(box), ticket_id=held.ticket_id, reason="ill"
    )
    assert (result.refund, result.fee, result.mode, result.approved_by) == (
        Decimal("200.00"),
        Decimal("0.00"),
        PaymentMode.UPI,
        "sunita",
    )
    assert _status(box, world, *ids) == [SeatStatus.AVAILABLE, SeatStatus.AVAILABLE]
    ticket = fake.tables.tickets[held.ticket_id]
    assert (ticket.status, ticket.cancelled_at) == ("CANCELLED", box.now())
    original, refund = sorted(fake.tables.payments.values(), key=lambda p: p.id)
    assert (refund.kind, refund.status, refund.mode, refund.amount) == (
        "REFUND",
        "SUCCESS",
        "UPI",
        Decimal("200.00"),
    )
    assert (refund.refund_of_id, refund.approved_by_id, refund.reference) == (
        original.id,
        _staff(box, "sunita", Role.SUPERVISOR),
        "ill",
    )
    [audit] = fake.audit_rows("CANCEL_REFUND")
    assert (audit.data["refund"], audit.data["approved_by"]) == ("200.00", "sunita")
    assert not any(ts.live for ts in fake.tables.ticket_seats.values())
    _hold(box, world, ids, C2)  # the seats are on sale again


def test_a_clerk_alone_cannot_cancel_a_booking(box, fake, world):
    held = _sell(box, world, world.seat_ids[:1])
    before = fake.db.generation
    with pytest.raises(PermissionDenied, match="needs a supervisor"):
        cancellation.cancel_booking(box, clerk(), ticket_id=held.ticket_id)
    assert fake.db.generation == before
    assert fake.tables.tickets[held.ticket_id].status == "CONFIRMED"


def test_a_clerk_with_a_supervisors_approval_can_cancel(box, fake, world):
    held = _sell(box, world, world.seat_ids[:1])
    desk = CounterContext(C1, _staff(box, "ravi", Role.CLERK), "ravi", Role.CLERK)
    boss = _staff(box, "sunita", Role.SUPERVISOR, password="sunita-pass")
    approval = auth.grant_approval(
        box, desk, username="sunita", password="sunita-pass", action=CANCEL_REFUND,
        subject=held.ticket_id,
    )  # fmt: skip
    result = cancellation.cancel_booking(box, desk, ticket_id=held.ticket_id, approval=approval)
    assert result.approved_by == "sunita"
    refund = max(fake.tables.payments.values(), key=lambda p: p.id)
    assert (refund.staff_id, refund.approved_by_id, refund.counter) == (desk.staff_id, boss, C1)
    assert [r.username for r in fake.audit_rows("APPROVAL_GRANTED")] == ["sunita"]


def test_an_approval_is_proved_by_the_service_never_made_up_by_the_caller(box, fake, world):
    """A clerk's own context dressed as a supervisor, a hand-made approval, a clerk approving
    with their own password, a used or stale approval, one for another ticket: all refused, and
    nothing changes."""
    first = _sell(box, world, world.seat_ids[:1])
    second = _sell(box, world, world.seat_ids[1:2])
    clerk_id = _staff(box, "ravi", Role.CLERK, password="ravi-pass-1")
    _staff(box, "sunita", Role.SUPERVISOR, password="sunita-pass")
    desk = CounterContext(C1, clerk_id, "ravi", Role.CLERK)
    before = fake.db.generation
    dressed_up = CounterContext(C1, clerk_id, "ravi", Role.SUPERVISOR)
    with pytest.raises(PermissionDenied, match="needs a supervisor"):
        cancellation.cancel_booking(box, dressed_up, ticket_id=first.ticket_id)
    made_up = Approval(
        "forged", CANCEL_REFUND, str(first.ticket_id), C1, clerk_id, clerk_id, "ravi",
        box.now() + timedelta(minutes=1),
    )  # fmt: skip
    with pytest.raises(PermissionDenied, match="not given by a supervisor"):
        cancellation.cancel_booking(box, desk, ticket_id=first.ticket_id, approval=made_up)
    with pytest.raises(PermissionDenied, match="a clerk"):
        auth.grant_approval(
            box, desk, username="ravi", password="ravi-pass-1", action=CANCEL_REFUND,
            subject=first.ticket_id,
        )  # fmt: skip
    boss_desk = CounterContext(C1, _staff(box, "sunita", Role.SUPERVISOR), "sunita", Role.CLERK)
    with pytest.raises(PermissionDenied, match="cannot give it too"):
        auth.grant_approval(
            box, boss_desk, username="sunita", password="sunita-pass", action=CANCEL_REFUND,
            subject=first.ticket_id,
        )  # fmt: skip
    approval = auth.grant_approval(
        box, desk, username="sunita", password="sunita-pass", action=CANCEL_REFUND,
        subject=first.ticket_id,
    )  # fmt: skip
    with pytest.raises(PermissionDenied, match="for something else"):
        cancellation.cancel_booking(box, desk, ticket_id=second.ticket_id, approval=approval)
    assert fake.tables.tickets[first.ticket_id].status == "CONFIRMED"
    assert fake.tables.tickets[second.ticket_id].status == "CONFIRMED"
    cancellation.cancel_booking(box, desk, ticket_id=first.ticket_id, approval=approval)
    with pytest.raises(PermissionDenied):
        cancellation.cancel_booking(box, desk, ticket_id=second.ticket_id, approval=approval)
    late = auth.grant_approval(
        box, desk, username="sunita", password="sunita-pass", action=CANCEL_REFUND,
        subject=second.ticket_id,
    )  # fmt: skip
    box.clock.advance(minutes=3)  # type: ignore[attr-defined]
    with pytest.raises(PermissionDenied, match="ran out"):
        cancellation.cancel_booking(box, desk, ticket_id=second.ticket_id, approval=late)
    assert fake.tables.tickets[second.ticket_id].status == "CONFIRMED"
    assert before < fake.db.generation  # (the audited sign-ins and the one cancellation)


def test_a_cancellation_fee_is_kept_from_the_refund(box, fake, world):
    held = _sell(box, world, world.seat_ids[:2])
    assert cancellation.refund_preview(box, ticket_id=held.ticket_id, fee="30") == Decimal("170.00")
    with pytest.raises(ValidationError, match="more than the total"):
        cancellation.cancel_booking(box, _supervisor(box), ticket_id=held.ticket_id, fee="200.01")
    result = cancellation.cancel_booking(box, _supervisor(box), ticket_id=held.ticket_id, fee="30")
    assert (result.refund, result.fee) == (Decimal("170.00"), Decimal("30.00"))
    refund = max(fake.tables.payments.values(), key=lambda p: p.id)
    assert refund.amount == Decimal("170.00")


def test_the_default_cancellation_fee_comes_from_the_settings(box, world):
    configure(box, cancellation_fee="25.00")
    held = _sell(box, world, world.seat_ids[:1])
    assert cancellation.refund_preview(box, ticket_id=held.ticket_id) == Decimal("75.00")
    result = cancellation.cancel_booking(box, _supervisor(box), ticket_id=held.ticket_id)
    assert (result.refund, result.fee) == (Decimal("75.00"), Decimal("25.00"))


def test_only_a_confirmed_booking_can_be_cancelled(box, world):
    pending = _hold(box, world, world.seat_ids[:1])
    with pytest.raises(InvalidState, match="pending payment"):
        cancellation.cancel_booking(box, _supervisor(box), ticket_id=pending.ticket_id)
    sold = _sell(box, world, world.seat_ids[1:2])
    cancellation.cancel_booking(box, _supervisor(box), ticket_id=sold.ticket_id)
    with pytest.raises(InvalidState, match="is cancelled"):
        cancellation.cancel_booking(box, _supervisor(box), ticket_id=sold.ticket_id)


def test_cancellation_closes_at_the_cutoff_before_the_show(box, clock, fake, world):
    start = clock.now + timedelta(days=1)
    late = _sell(box, world, world.seat_ids[:1])
    early = _sell(box, world, world.seat_ids[1:2])
    clock.now = start - timedelta(minutes=60)
    with pytest.raises(InvalidState, match="Too late to cancel"):
        cancellation.cancel_booking(box, _supervisor(box), ticket_id=late.ticket_id)
    assert fake.tables.tickets[late.ticket_id].status == "CONFIRMED"
    clock.now = start - timedelta(minutes=61)
    cancellation.cancel_booking(box, _supervisor(box), ticket_id=early.ticket_id)
    configure(box, cancel_cutoff_minutes=120)
    with pytest.raises(InvalidState, match="120 min before"):
        cancellation.cancel_booking(box, _supervisor(box), ticket_id=late.ticket_id)


# =========================================================================== release, failures


def test_release_gives_the_seats_back_once(box, fake, world):
    ids = world.seat_ids[:2]
    held = _hold(box, world, ids)
    assert checkout.release_hold(box, clerk(), ticket_id=held.ticket_id)
    assert _status(box, world, *ids) == [SeatStatus.AVAILABLE, SeatStatus.AVAILABLE]
    assert fake.tables.tickets[held.ticket_id].status == "CANCELLED"
    assert [r.entity_id for r in fake.audit_rows("RELEASE")] == [str(held.ticket_id)]
    assert not checkout.release_hold(box, clerk(), ticket_id=held.ticket_id)
    assert len(fake.audit_rows("RELEASE")) == 1


def test_release_of_a_sold_ticket_does_nothing(box, fake, world):
    held = _sell(box, world, world.seat_ids[:1])
    assert not checkout.release_hold(box, clerk(), ticket_id=held.ticket_id)
    assert _status(box, world, world.seat_ids[0]) == [SeatStatus.SOLD]
    with pytest.raises(NotFound):
        checkout.release_hold(box, clerk(), ticket_id=404)


def test_a_failed_payment_is_recorded_and_the_seats_go_back_on_sale(box, fake, world):
    ids = world.seat_ids[:2]
    held = _hold(box, world, ids)
    checkout.record_failed_payment(
        box, clerk(), ticket_id=held.ticket_id, mode=PaymentMode.CREDIT_CARD, reason="declined"
    )
    [payment] = fake.tables.payments.values()
    assert (payment.kind, payment.status, payment.mode, payment.amount, payment.reference) == (
        "PAYMENT",
        "FAILED",
        "CREDIT_CARD",
        Decimal("200.00"),
        "declined",
    )
    assert _status(box, world, *ids) == [SeatStatus.AVAILABLE, SeatStatus.AVAILABLE]
    assert fake.tables.tickets[held.ticket_id].status == "CANCELLED"
    assert fake.audit_rows("PAYMENT_FAILED")[0].data["released"] is True


def test_a_failed_payment_can_keep_the_hold_for_another_try(box, fake, world):
    ids = world.seat_ids[:2]
    held = _hold(box, world, ids)
    checkout.record_failed_payment(
        box, clerk(), ticket_id=held.ticket_id, mode="UPI", reason="timeout", release=False
    )
    assert _status(box, world, *ids) == [SeatStatus.HELD, SeatStatus.HELD]
    checkout.confirm_booking(box, clerk(), ticket_id=held.ticket_id, mode="UPI")
    statuses = [(p.status, p.amount) for p in fake.tables.payments.values()]
    assert statuses == [("FAILED", Decimal("200.00")), ("SUCCESS", Decimal("200.00"))]


def test_a_failed_payment_in_an_unknown_mode_is_refused_and_changes_nothing(box, fake, world):
    held = _hold(box, world, world.seat_ids[:1])
    with pytest.raises(ValidationError, match="unknown payment mode BITCOIN"):
        checkout.record_failed_payment(box, clerk(), ticket_id=held.ticket_id, mode="BITCOIN")
    assert fake.tables.payments == {}
    assert fake.tables.tickets[held.ticket_id].status == "PENDING_PAYMENT"


def test_a_failed_payment_after_the_hold_ran_out_is_refused(box, clock, world):
    held = _hold(box, world, world.seat_ids[:1])
    clock.advance(minutes=5)
    with pytest.raises(InvalidState, match="has run out"):
        checkout.record_failed_payment(box, clerk(), ticket_id=held.ticket_id, mode="UPI")


# =========================================================================== sweeper


def test_the_sweeper_expires_run_out_holds_and_frees_their_seats(box, clock, fake, world):
    first = _hold(box, world, world.seat_ids[:2], C1)
    clock.advance(minutes=3)
    second = _hold(box, world, world.seat_ids[2:3], C2)
    sold = _sell(box, world, world.seat_ids[3:4])
    assert cancellation.expire_holds(box) == 0
    clock.advance(minutes=2)  # the first hold ran out, the second has 3 minutes left
    assert cancellation.expire_holds(box) == 1
    assert fake.tables.tickets[first.ticket_id].status == "EXPIRED"
    assert fake.tables.tickets[second.ticket_id].status == "PENDING_PAYMENT"
    assert [fake.tables.show_seats[i].status for i in world.seat_ids[:4]] == [
        "AVAILABLE",
        "AVAILABLE",
        "HELD",
        "SOLD",
    ]
    [audit] = fake.audit_rows("EXPIRY")
    assert (audit.counter, audit.entity_id) == ("system", str(first.ticket_id))
    clock.advance(minutes=3)
    assert cancellation.expire_holds(box) == 1
    assert cancellation.expire_holds(box) == 0
    assert fake.tables.tickets[sold.ticket_id].status == "CONFIRMED"


def test_a_per_customer_limit_is_not_dodged_by_writing_the_phone_differently(box, fake, world):
    _coupon(box, "FIRST", CouponKind.PERCENT, "50", per_customer_limit=1)
    first = _hold(box, world, world.seat_ids[:1])
    checkout.apply_coupon(
        box, clerk(), ticket_id=first.ticket_id, code="FIRST", customer_phone="9845012345"
    )
    checkout.confirm_booking(box, clerk(), ticket_id=first.ticket_id, mode="UPI")
    second = _hold(box, world, world.seat_ids[1:2])
    with pytest.raises(CouponRejected, match="already used"):
        checkout.apply_coupon(
            box, clerk(), ticket_id=second.ticket_id, code="FIRST", customer_phone="98450-12345"
        )
    assert _used(fake, "FIRST") == 1
