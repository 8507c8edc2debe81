"""An unknown outcome is resolved, not guessed (issue 13).

PostgreSQL: the connection of the unit of work is killed at its commit (``tests/support/faults``:
before the COMMIT is sent, so the server rolls back; or after it went through, with the reply taken
as lost). Either way the service raises ``OutcomeUnknown`` naming the operation and its key, and
``outcomes.resolve`` tells the truth once the database answers. Confirming or refunding twice stays
impossible (database conditions), tested on both engines with real threads.
"""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest

from bms_desktop.domain.errors import InvalidState
from bms_desktop.domain.model import PaymentMode, Role, TicketStatus
from bms_desktop.domain.rules import generate_ticket_code
from bms_desktop.services import auth, booking, cancellation, checkout, outcomes, queries
from bms_desktop.services.context import SYSTEM, CounterContext
from bms_desktop.services.outcome_guard import OperationKind
from bms_desktop.services.ports import OutcomeUnknown, StorageUnavailable
from tests.support.builders import build_world, clerk
from tests.support.faults import lose_next_commit

CLERK = clerk("Counter 1")


def _supervisor(box) -> CounterContext:
    """A supervisor on the staff list: cancelling checks the role there, not in the context."""
    staff = auth.add_staff(
        box, SYSTEM, username="sunita", full_name="Sunita", role=Role.SUPERVISOR,
        password="sunita-pass",
    )  # fmt: skip
    return CounterContext("Counter 1", staff.staff_id, staff.username, Role.SUPERVISOR)


def _box_on(url: str, clock):
    from bms_desktop.app import connect

    wiring = connect(url, pool_size=12)
    wiring.box.clock = clock
    wiring.box.fast_hashing = True
    return wiring


@pytest.fixture
def pg_box(pg_url, clock):
    wiring = _box_on(pg_url, clock)
    yield wiring.box
    wiring.close()


@pytest.fixture
def sqlite_box(sqlite_url, clock):
    wiring = _box_on(sqlite_url, clock)
    yield wiring.box
    wiring.close()


def _statuses(box, show_id: int, ids) -> list[str]:
    seats = {s.show_seat_id: s for s in queries.get_seat_map(box, show_id).seats}
    return [seats[i].status for i in ids]


def _hold(box, world, n: int = 2):
    return booking.hold_seats(box, CLERK, show_id=world.show_id, show_seat_ids=world.seat_ids[:n])


def _lost(box, pg_url: str, committed: bool, action):
    hook = lose_next_commit(box.uows, pg_url, committed=committed)
    with pytest.raises(OutcomeUnknown) as err:
        action()
    assert hook.fired
    return err.value


# --------------------------------------------------------------------------- hold


@pytest.mark.postgres
@pytest.mark.parametrize("committed", [False, True], ids=["rolled-back", "committed"])
def test_a_hold_whose_commit_was_lost_is_looked_up_by_its_ticket_code(pg_box, pg_url, committed):
    box = pg_box
    world = build_world(box)
    code = generate_ticket_code()  # the key, made before the write
    unknown = _lost(
        box,
        pg_url,
        committed,
        lambda: booking.hold_seats(
            box, CLERK, show_id=world.show_id, show_seat_ids=world.seat_ids[:2], ticket_code=code
        ),
    )
    assert (unknown.kind, unknown.ticket_code) == (OperationKind.HOLD, code)
    assert "not known yet" in unknown.message and code in unknown.message

    truth = outcomes.resolve(box, CLERK, unknown)

    assert truth.went_through is committed
    if committed:
        assert truth.hold is not None and truth.hold.ticket_code == code
        assert len(truth.hold.seat_labels) == 2 and "held until" in truth.message
        assert _statuses(box, world.show_id, world.seat_ids[:2]) == ["HELD", "HELD"]
        # The counter carries on: the resolved hold is paid for.
        checkout.confirm_booking(box, CLERK, ticket_id=truth.hold.ticket_id, mode=PaymentMode.UPI)
        assert _statuses(box, world.show_id, world.seat_ids[:2]) == ["SOLD", "SOLD"]
    else:
        assert truth.hold is None and truth.status is None
        assert "did not go through" in truth.message and "nothing was charged" in truth.message
        assert _statuses(box, world.show_id, world.seat_ids[:2]) == ["AVAILABLE", "AVAILABLE"]


# --------------------------------------------------------------------------- confirm


@pytest.mark.postgres
@pytest.mark.parametrize("committed", [False, True], ids=["rolled-back", "committed"])
def test_a_sale_whose_commit_was_lost_says_whether_it_went_through(pg_box, pg_url, committed):
    box = pg_box
    world = build_world(box)
    held = _hold(box, world)
    unknown = _lost(
        box,
        pg_url,
        committed,
        lambda: checkout.confirm_booking(
            box, CLERK, ticket_id=held.ticket_id, mode=PaymentMode.CASH, tendered="1000"
        ),
    )
    assert (unknown.kind, unknown.ticket_id) == (OperationKind.CONFIRM, held.ticket_id)

    truth = outcomes.resolve(box, CLERK, unknown)

    assert truth.went_through is committed
    if committed:
        assert truth.confirmation is not None
        assert truth.confirmation.ticket_code == held.ticket_code
        assert truth.confirmation.tendered == Decimal("1000.00")
        assert f"The sale of {held.ticket_code} did go through" in truth.message
        # Confirming twice stays impossible.
        with pytest.raises(InvalidState, match="already paid"):
            checkout.confirm_booking(box, CLERK, ticket_id=held.ticket_id, mode=PaymentMode.UPI)
    else:
        assert truth.confirmation is None and truth.status == TicketStatus.PENDING_PAYMENT
        assert "Nothing was charged" in truth.message and "still held until" in truth.message
        checkout.confirm_booking(box, CLERK, ticket_id=held.ticket_id, mode=PaymentMode.UPI)
    assert _statuses(box, world.show_id, held.show_seat_ids) == ["SOLD", "SOLD"]
    with box.uows() as uow:
        payments = uow.booking.payments(held.ticket_id)
    assert len(payments) == 1


# --------------------------------------------------------------------------- release


@pytest.mark.postgres
@pytest.mark.parametrize("committed", [False, True], ids=["rolled-back", "committed"])
def test_a_release_whose_commit_was_lost_says_whether_the_seats_are_free(pg_box, pg_url, committed):
    box = pg_box
    world = build_world(box)
    held = _hold(box, world)
    unknown = _lost(
        box, pg_url, committed, lambda: checkout.release_hold(box, CLERK, ticket_id=held.ticket_id)
    )
    assert unknown.kind == OperationKind.RELEASE

    truth = outcomes.resolve(box, CLERK, unknown)

    assert truth.went_through is committed
    expected = "AVAILABLE" if committed else "HELD"
    assert _statuses(box, world.show_id, held.show_seat_ids) == [expected, expected]
    assert ("the seats are free" in truth.message) is committed


# --------------------------------------------------------------------------- cancel / refund


@pytest.mark.postgres
@pytest.mark.parametrize("committed", [False, True], ids=["rolled-back", "committed"])
def test_a_refund_whose_commit_was_lost_says_whether_money_went_back(pg_box, pg_url, committed):
    supervisor = _supervisor(pg_box)
    box = pg_box
    world = build_world(box)
    held = _hold(box, world)
    checkout.confirm_booking(box, CLERK, ticket_id=held.ticket_id, mode=PaymentMode.UPI)
    unknown = _lost(
        box,
        pg_url,
        committed,
        lambda: cancellation.cancel_booking(box, supervisor, ticket_id=held.ticket_id),
    )
    assert unknown.kind == OperationKind.CANCEL

    truth = outcomes.resolve(box, supervisor, unknown)

    assert truth.went_through is committed
    if committed:
        assert truth.refund is not None and truth.refund.refund == held.quote.total
        assert truth.refund.approved_by == supervisor.username
        assert "did go through" in truth.message and "refunded by upi" in truth.message
        # Refunding twice stays impossible.
        with pytest.raises(InvalidState):
            cancellation.cancel_booking(box, supervisor, ticket_id=held.ticket_id)
    else:
        assert "Nothing was refunded" in truth.message and "still stands" in truth.message
        cancellation.cancel_booking(box, supervisor, ticket_id=held.ticket_id)
    with box.uows() as uow:
        refunds = [p for p in uow.booking.payments(held.ticket_id) if p.kind == "REFUND"]
    assert len(refunds) == 1


# --------------------------------------------------------------------------- SQLite


def test_sqlite_commit_on_a_closed_connection_is_not_an_unknown_outcome(sqlite_box):
    """An embedded database: a connection closed under a unit of work never ran the COMMIT,
    and SQLite rolls back what it left; the answer is a definite "nothing changed"."""
    box = sqlite_box
    world = build_world(box)

    def close_it(stage: str, uow) -> None:
        if stage == "before_commit":
            box.uows.fault_hook = None
            uow.connection.connection.driver_connection.close()

    box.uows.fault_hook = close_it
    with pytest.raises(StorageUnavailable, match="nothing was changed"):
        _hold(box, world)
    assert _statuses(box, world.show_id, world.seat_ids[:2]) == ["AVAILABLE", "AVAILABLE"]
    assert _hold(box, world).seat_labels  # and the counter goes on selling


def test_resolving_a_hold_that_never_reached_the_database_says_nothing_is_held(box):
    truth = outcomes.resolve_outcome(
        box, CLERK, OperationKind.HOLD, ticket_code=generate_ticket_code()
    )
    assert not truth.went_through and "nothing is held" in truth.message


def test_a_hold_sent_twice_with_one_ticket_code_holds_once(box):
    """The ticket code is an idempotency key: tickets.code is unique."""
    world = build_world(box)
    code = generate_ticket_code()
    booking.hold_seats(
        box, CLERK, show_id=world.show_id, show_seat_ids=world.seat_ids[:1], ticket_code=code
    )
    with pytest.raises(Exception) as err:
        booking.hold_seats(
            box, CLERK, show_id=world.show_id, show_seat_ids=world.seat_ids[1:2], ticket_code=code
        )
    assert "conflicts with what is already saved" in str(err.value)
    assert _statuses(box, world.show_id, world.seat_ids[:2]) == ["HELD", "AVAILABLE"]


# --------------------------------------------------------------------------- twice, racing


def _race(n: int, action) -> tuple[list[object], list[BaseException]]:
    barrier = threading.Barrier(n)
    results: list[object] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run() -> None:
        barrier.wait()
        try:
            value = action()
        except BaseException as exc:
            with lock:
                errors.append(exc)
        else:
            with lock:
                results.append(value)

    threads = [threading.Thread(target=run) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, errors


def test_confirming_one_ticket_from_four_threads_takes_one_payment(box):
    world = build_world(box)
    held = _hold(box, world)
    results, errors = _race(
        4,
        lambda: checkout.confirm_booking(
            box, CLERK, ticket_id=held.ticket_id, mode=PaymentMode.UPI
        ),
    )
    assert len(results) == 1
    assert len(errors) == 3 and all(isinstance(e, InvalidState) for e in errors), errors
    with box.uows() as uow:
        assert len(uow.booking.payments(held.ticket_id)) == 1


def test_cancelling_one_booking_from_four_threads_refunds_once(box):
    supervisor = _supervisor(box)
    world = build_world(box)
    held = _hold(box, world)
    checkout.confirm_booking(box, CLERK, ticket_id=held.ticket_id, mode=PaymentMode.UPI)
    results, errors = _race(
        4, lambda: cancellation.cancel_booking(box, supervisor, ticket_id=held.ticket_id)
    )
    assert len(results) == 1
    assert len(errors) == 3 and all(isinstance(e, InvalidState) for e in errors), errors
    with box.uows() as uow:
        refunds = [p for p in uow.booking.payments(held.ticket_id) if p.kind == "REFUND"]
    assert len(refunds) == 1
