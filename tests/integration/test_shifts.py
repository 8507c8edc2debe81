"""Shifts and the cash drawer on real databases (SQLite and PostgreSQL): open, sell into the
shift, split tender, refunds, drops and top-ups, count and close with a proved supervisor
sign-off, a shift a crashed terminal left open."""

from __future__ import annotations

import threading
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from bms_desktop.domain import cash
from bms_desktop.domain.errors import (
    AuthenticationFailed,
    InvalidState,
    PermissionDenied,
    ValidationError,
)
from bms_desktop.domain.model import Role
from bms_desktop.services import booking, cancellation, checkout, shifts
from bms_desktop.services.ports_shifts import ShiftTaken
from bms_desktop.services.tender import NoOpenShift, Tender
from tests.support.builders import build_world, clerk
from tests.support.shift_support import paise, person, sell, sql_scalar

TODAY = date(2030, 3, 4)  # the FakeClock's Monday, 10:00 in Asia/Kolkata


@pytest.fixture
def world(box: Any) -> Any:
    return build_world(box)


@pytest.fixture
def staff(box: Any) -> dict[str, Any]:
    return {
        "asha": person(box, "asha"),
        "ravi": person(box, "ravi"),
        "suresh": person(box, "suresh", Role.SUPERVISOR),
        "sunita": person(box, "sunita", Role.SUPERVISOR),
    }


def _open(box: Any, who: Any, counter: str, world: Any, float_: str = "2000") -> Any:
    return shifts.open_shift(
        box, who.at(counter), theater_id=world.theater_id, opening_float=float_
    )


def _session_ids(box: Any, ticket_id: int) -> list[Any]:
    with box.uows() as uow:
        from sqlalchemy import text

        rows = uow.connection.execute(
            text("SELECT session_id FROM payments WHERE ticket_id = :t ORDER BY id"),
            {"t": ticket_id},
        )
        return [r[0] for r in rows]


# --------------------------------------------------------------------------- open


def test_a_clerk_opens_a_shift_on_the_cinemas_business_day(box, world, staff, clock):
    view = _open(box, staff["asha"], "Counter 1", world, "1,500.50")
    assert (view.counter, view.username, view.theater_id) == ("Counter 1", "asha", world.theater_id)
    assert view.business_date == TODAY and view.opening_float == Decimal("1500.50")
    assert view.is_open and not view.stale
    assert shifts.current_shift(box, staff["asha"].at("Counter 1")) == view
    # 02:00 local is still the business day before (the day starts at 06:00)
    clock.now = clock.now.replace(hour=20, minute=30)  # 02:00 IST on the 5th
    assert cash.business_date(clock.now, "Asia/Kolkata") == TODAY


def test_one_open_shift_per_counter_and_per_clerk(box, world, staff):
    _open(box, staff["asha"], "Counter 1", world)
    with pytest.raises(ShiftTaken, match="Counter 1 already has an open shift \\(asha's\\)") as e1:
        _open(box, staff["ravi"], "Counter 1", world)
    assert e1.value.which == "counter"
    with pytest.raises(ShiftTaken, match="already has an open shift at Counter 1") as e2:
        _open(box, staff["asha"], "Counter 2", world)
    assert e2.value.which == "staff"
    assert sql_scalar(box, "SELECT count(*) FROM counter_sessions") == 1


def test_a_float_that_is_not_an_amount_changes_nothing(box, world, staff):
    for bad, message in (("abc", "not an amount"), ("-5", "cannot be negative"),
                         ("1.234", "two decimals"), ("", "enter the opening float")):  # fmt: skip
        with pytest.raises(ValidationError, match=message):
            _open(box, staff["asha"], "Counter 1", world, bad)
    with pytest.raises(PermissionDenied, match="signed-in staff member"):
        shifts.open_shift(box, clerk("Counter 1"), theater_id=world.theater_id, opening_float="0")
    assert sql_scalar(box, "SELECT count(*) FROM counter_sessions") == 0


@pytest.mark.parametrize("same", ["counter", "clerk"])
def test_two_terminals_opening_at_once_get_one_shift(db_url, box, world, staff, same):
    """Threads with their own connections, released together: the unique index decides."""
    if same == "counter":
        askers = [(staff["asha"], "Counter 1"), (staff["ravi"], "Counter 1")]
    else:
        askers = [(staff["asha"], "Counter 1"), (staff["asha"], "Counter 2")]
    barrier = threading.Barrier(len(askers))
    outcomes: list[Any] = [None] * len(askers)

    def run(i: int) -> None:
        who, counter = askers[i]
        barrier.wait(timeout=30)
        try:
            outcomes[i] = _open(box, who, counter, world)
        except Exception as exc:
            outcomes[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(askers))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    won = [o for o in outcomes if isinstance(o, shifts.ShiftView)]
    lost = [o for o in outcomes if isinstance(o, ShiftTaken)]
    assert len(won) == 1 and len(lost) == 1, outcomes
    assert lost[0].which == ("counter" if same == "counter" else "staff")
    assert sql_scalar(box, "SELECT count(*) FROM counter_sessions WHERE closed_at IS NULL") == 1


# --------------------------------------------------------------------------- selling


def test_selling_needs_an_open_shift_of_this_clerk(box, world, staff):
    asha, ravi = staff["asha"].at("Counter 1"), staff["ravi"].at("Counter 1")
    with pytest.raises(NoOpenShift, match="Counter 1 has no open shift: open a shift"):
        sell(box, asha, world.show_id, world.seat_ids[:1])
    assert sql_scalar(box, "SELECT count(*) FROM payments") == 0
    _open(box, staff["asha"], "Counter 1", world)
    with pytest.raises(NoOpenShift, match="Counter 1's open shift is asha's"):
        sell(box, ravi, world.show_id, world.seat_ids[1:2])
    sold = sell(box, asha, world.show_id, world.seat_ids[2:4], mode="CASH", tendered="1000")
    shift = shifts.current_shift(box, asha)
    assert _session_ids(box, sold.ticket_id) == [shift.shift_id]


def test_unattended_callers_sell_without_a_shift(box, world):
    """The race lab's robots and benchmarks have no staff id and no drawer."""
    sold = sell(box, clerk("Robot 1"), world.show_id, world.seat_ids[:2])
    assert _session_ids(box, sold.ticket_id) == [None]


def test_a_shift_sells_only_for_its_own_cinema(box, world, staff):
    other = build_world(box)  # another city, another cinema
    _open(box, staff["asha"], "Counter 1", world)
    with pytest.raises(NoOpenShift, match="sell or refund it at a counter of Test Cinema"):
        sell(box, staff["asha"].at("Counter 1"), other.show_id, other.seat_ids[:1])


def test_the_drawer_adds_up_from_the_rows(box, world, staff):
    asha = staff["asha"].at("Counter 1")
    shift = _open(box, staff["asha"], "Counter 1", world, "1000")
    a = sell(box, asha, world.show_id, world.seat_ids[:2], mode="CASH", tendered="500")
    sell(box, asha, world.show_id, world.seat_ids[2:3], mode="UPI")
    shifts.record_cash_movement(box, asha, kind="DROP", amount="700", reason="to the safe")
    shifts.record_cash_movement(box, asha, kind="TOPUP", amount="100.50", reason="coins")
    summary = shifts.drawer_summary(box, asha, shift_id=shift.shift_id)
    assert a.change_due == Decimal("500") - a.total
    assert summary.totals == cash.DrawerTotals(Decimal("1000.00"), a.total, Decimal("0.00"),
                                               Decimal("700.00"), Decimal("100.50"))  # fmt: skip
    assert summary.expected == Decimal("1000") + a.total - 700 + Decimal("100.50")
    kept = paise(sql_scalar(box, "SELECT sum(amount) FROM payments WHERE mode = 'CASH'"))
    assert kept == a.total  # the change handed back is not in the drawer
    assert [(m.kind, m.amount, m.by) for m in summary.movements] == [
        ("DROP", Decimal("700.00"), "asha"), ("TOPUP", Decimal("100.50"), "asha")]  # fmt: skip


def test_a_drop_cannot_take_more_than_the_drawer_holds(box, world, staff):
    asha = staff["asha"].at("Counter 1")
    _open(box, staff["asha"], "Counter 1", world, "300")
    with pytest.raises(ValidationError, match=r"should hold ₹300\.00"):
        shifts.record_cash_movement(box, asha, kind="DROP", amount="300.01")
    with pytest.raises(ValidationError, match="more than zero"):
        shifts.record_cash_movement(box, asha, kind="TOPUP", amount="0")
    with pytest.raises(PermissionDenied, match="only they move its cash"):
        shifts.record_cash_movement(box, staff["ravi"].at("Counter 1"), kind="TOPUP", amount="5")
    assert sql_scalar(box, "SELECT count(*) FROM cash_movements") == 0


def test_a_witnessed_drop_records_the_supervisor(box, world, staff):
    asha = staff["asha"].at("Counter 1")
    _open(box, staff["asha"], "Counter 1", world, "900")
    done = shifts.record_cash_movement(
        box, asha, kind="DROP", amount="800", sign_off=staff["suresh"].sign_off()
    )
    assert (done.approved_by, done.expected_after) == ("suresh", Decimal("100.00"))
    with pytest.raises(PermissionDenied, match="a clerk: a supervisor"):
        shifts.record_cash_movement(
            box, asha, kind="DROP", amount="10", sign_off=staff["ravi"].sign_off()
        )


# --------------------------------------------------------------------------- split tender


def test_a_split_payment_writes_one_row_per_part_adding_up_to_the_total(box, world, staff):
    asha = staff["asha"].at("Counter 1")
    shift = _open(box, staff["asha"], "Counter 1", world, "0")
    held = booking.hold_seats(box, asha, show_id=world.show_id, show_seat_ids=world.seat_ids[:3])
    total = held.quote.total
    card = total - Decimal("120.00")
    short = [Tender("CASH", "100", tendered="200"), Tender("CREDIT_CARD", card, "AUTH1")]
    with pytest.raises(ValidationError, match="the parts add up to"):
        checkout.confirm_booking(box, asha, ticket_id=held.ticket_id, mode="CASH", split=short)
    with pytest.raises(ValidationError, match="takes cash once"):
        checkout.confirm_booking(box, asha, ticket_id=held.ticket_id, mode="CASH", split=[
            Tender("CASH", "100"), Tender("CASH", total - 100)])  # fmt: skip
    assert sql_scalar(box, "SELECT count(*) FROM payments") == 0
    done = checkout.confirm_booking(box, asha, ticket_id=held.ticket_id, mode="CASH", split=[
        Tender("CASH", "120", tendered="200"), Tender("CREDIT_CARD", card, "AUTH1")])  # fmt: skip
    assert done.tenders == (("CASH", Decimal("120.00")), ("CREDIT_CARD", card))
    assert done.change_due == Decimal("80.00") and len(done.payment_ids) == 2
    assert paise(sql_scalar(box, "SELECT sum(amount) FROM payments")) == total
    assert shifts.drawer_summary(box, asha, shift_id=shift.shift_id).expected == Decimal("120.00")


def test_a_split_refund_goes_back_card_first_and_the_fee_stays_out_of_the_cash(box, world, staff):
    asha = staff["asha"].at("Counter 1")
    shift = _open(box, staff["asha"], "Counter 1", world, "0")
    held = booking.hold_seats(box, asha, show_id=world.show_id, show_seat_ids=world.seat_ids[:3])
    total = held.quote.total
    checkout.confirm_booking(box, asha, ticket_id=held.ticket_id, mode="UPI", split=[
        Tender("UPI", total - 200, "UPI-1"), Tender("CASH", "200")])  # fmt: skip
    result = cancellation.cancel_booking(
        box, staff["suresh"].at("Counter 1"), ticket_id=held.ticket_id, fee="50"
    )
    assert result.parts == (("UPI", total - 200), ("CASH", Decimal("150.00")))
    summary = shifts.drawer_summary(box, asha, shift_id=shift.shift_id)
    assert summary.totals.cash_refunded == Decimal("150.00") and summary.expected == Decimal("50")


def test_a_cash_refund_needs_an_open_drawer_at_the_refunding_counter(box, world, staff):
    asha = staff["asha"].at("Counter 1")
    _open(box, staff["asha"], "Counter 1", world, "0")
    cash_sale = sell(box, asha, world.show_id, world.seat_ids[:1], mode="CASH", tendered="500")
    upi_sale = sell(box, asha, world.show_id, world.seat_ids[1:2], mode="UPI")
    boss = staff["suresh"].at("Back office")
    with pytest.raises(NoOpenShift, match="pays back cash, and Back office has no open shift"):
        cancellation.cancel_booking(box, boss, ticket_id=cash_sale.ticket_id)
    # a card/UPI refund is fine
    cancellation.cancel_booking(box, boss, ticket_id=upi_sale.ticket_id)
    assert _session_ids(box, upi_sale.ticket_id) == [_session_ids(box, upi_sale.ticket_id)[0], None]
    cancellation.cancel_booking(box, staff["suresh"].at("Counter 1"), ticket_id=cash_sale.ticket_id)
    ids = _session_ids(box, cash_sale.ticket_id)
    assert ids[0] == ids[1] is not None  # refunded through Counter 1's drawer


# --------------------------------------------------------------------------- close


def test_closing_needs_a_supervisor_who_is_not_the_clerk(box, world, staff):
    asha = staff["asha"].at("Counter 1")
    shift = _open(box, staff["asha"], "Counter 1", world, "500")
    count = cash.count_as_total(Decimal("500"))
    with pytest.raises(PermissionDenied, match="needs a supervisor"):
        shifts.close_shift(box, asha, shift_id=shift.shift_id, count=count, sign_off=None)
    with pytest.raises(PermissionDenied, match="of asha, a clerk"):
        shifts.close_shift(box, asha, shift_id=shift.shift_id, count=count,
                           sign_off=staff["asha"].sign_off())  # fmt: skip
    wrong = shifts.SupervisorSignOff("suresh", "not-the-password")
    with pytest.raises(AuthenticationFailed):
        shifts.close_shift(box, asha, shift_id=shift.shift_id, count=count, sign_off=wrong)
    # a supervisor's own shift: another supervisor signs it off
    boss_shift = _open(box, staff["suresh"], "Counter 2", world, "0")
    with pytest.raises(PermissionDenied, match="nobody signs off their own shift"):
        shifts.close_shift(box, staff["suresh"].at("Counter 2"), shift_id=boss_shift.shift_id,
                           count=count, sign_off=staff["suresh"].sign_off())  # fmt: skip
    # a caller-built context with a supervisor role proves nothing
    fake_boss = clerk("Counter 1", role=Role.SUPERVISOR)
    with pytest.raises(PermissionDenied):
        shifts.close_shift(box, fake_boss, shift_id=shift.shift_id, count=count, sign_off=None)
    assert sql_scalar(box, "SELECT count(*) FROM counter_sessions WHERE closed_at IS NULL") == 2


def test_closing_stores_the_count_expected_cash_and_difference(box, world, staff):
    asha = staff["asha"].at("Counter 1")
    shift = _open(box, staff["asha"], "Counter 1", world, "1000")
    sale = sell(box, asha, world.show_id, world.seat_ids[:2], mode="CASH", tendered="2000")
    expected = Decimal("1000") + sale.total
    count = cash.count_by_denomination({"N500": 2, "N100": 3, "C10": 4}, Decimal("0.50"))
    result = shifts.close_shift(
        box, asha, shift_id=shift.shift_id, count=count, sign_off=staff["suresh"].sign_off(),
        notes="one coin missing",
    )  # fmt: skip
    assert result.expected == expected and result.counted == Decimal("1340.50")
    assert result.difference == Decimal("1340.50") - expected
    assert (result.approved_by, result.closed_by) == ("suresh", "asha")
    closed = shifts.get_shift(box, shift.shift_id)
    assert not closed.is_open and closed.difference == result.difference
    assert closed.expected_cash == expected
    row = sql_scalar(box, "SELECT counted_detail FROM counter_sessions WHERE id = :i",
                     i=shift.shift_id)  # fmt: skip
    assert cash.CashCount.from_json(row) == count
    with pytest.raises(NoOpenShift):  # the drawer is closed: no more sales into it
        sell(box, asha, world.show_id, world.seat_ids[2:3])
    with pytest.raises(InvalidState, match="already closed"):
        shifts.close_shift(box, asha, shift_id=shift.shift_id, count=count,
                           sign_off=staff["suresh"].sign_off())  # fmt: skip


def test_a_crashed_terminals_shift_is_resumed_the_same_day_or_closed_by_a_supervisor(
    box, world, staff, clock
):
    asha = staff["asha"].at("Counter 1")
    shift = _open(box, staff["asha"], "Counter 1", world, "200")
    assert shifts.resume_shift(box, asha).shift_id == shift.shift_id
    with pytest.raises(InvalidState, match="is asha's: asha resumes it"):
        shifts.resume_shift(box, staff["ravi"].at("Counter 1"))
    clock.advance(hours=20)  # 06:00 the next morning: a new business day, the shift is stale
    assert shifts.current_shift(box, asha).stale
    with pytest.raises(InvalidState, match="a supervisor must count and close it"):
        shifts.resume_shift(box, asha)
    with pytest.raises(NoOpenShift, match="from an earlier business day"):
        sell(box, asha, world.show_id, world.seat_ids[:1])
    with pytest.raises(PermissionDenied, match="asha or a supervisor closes it"):
        shifts.close_shift(box, staff["ravi"].at("Counter 1"), shift_id=shift.shift_id,
                           count=cash.count_as_total(Decimal("200")),
                           sign_off=staff["suresh"].sign_off())  # fmt: skip
    done = shifts.close_shift(
        box, staff["sunita"].at("Counter 1"), shift_id=shift.shift_id,
        count=cash.count_as_total(Decimal("200")), sign_off=staff["suresh"].sign_off(),
    )  # fmt: skip
    assert done.difference == 0 and done.closed_by == "sunita"
    new = _open(box, staff["asha"], "Counter 1", world)
    assert new.business_date == TODAY + timedelta(days=1)


def test_a_clerk_sees_only_their_own_drawer(box, world, staff):
    shift = _open(box, staff["asha"], "Counter 1", world)
    with pytest.raises(PermissionDenied, match="another clerk's drawer"):
        shifts.drawer_summary(box, staff["ravi"].at("Counter 2"), shift_id=shift.shift_id)
    assert shifts.drawer_summary(box, staff["suresh"].at("Office"), shift_id=shift.shift_id)
