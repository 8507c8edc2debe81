"""The demo box office's shifts (issue 11): a past of closed shifts for the reports, today's
shifts open so that the two demo counters sell at once, ready again on a later day."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from bms_desktop.domain.model import Role
from bms_desktop.services import demo, shifts
from bms_desktop.services.context import CounterContext
from tests.support.shift_support import paise, sql_scalar


@pytest.fixture
def demo_box(sqlite_url: str, clock: Any) -> Any:
    from bms_desktop.app import connect

    wiring = connect(sqlite_url)
    wiring.box.clock = clock
    demo.seed_demo(wiring.box, days=2)
    yield wiring.box
    wiring.close()


def _staff_ctx(box: Any, name: str, counter: str) -> CounterContext:
    with box.uows() as uow:
        staff = uow.staff.by_username(name)
    return CounterContext(counter, staff.staff_id, name, Role.CLERK)


def test_the_demo_has_closed_shifts_behind_its_past_sales_and_open_ones_today(demo_box):
    box = demo_box
    closed = sql_scalar(box, "SELECT count(*) FROM counter_sessions WHERE closed_at IS NOT NULL")
    assert closed == 2 * 3  # two counters, three past business days
    unsigned = "SELECT count(*) FROM counter_sessions WHERE closed_at IS NOT NULL AND "
    assert sql_scalar(box, unsigned + "approved_by_id IS NULL") == 0
    assert sql_scalar(box, unsigned + "approved_by_id = staff_id") == 0
    # every past cash payment went through a drawer, and every drawer adds up from the rows
    assert sql_scalar(box, "SELECT count(*) FROM payments WHERE mode = 'CASH' AND "
                           "session_id IS NULL") == 0  # fmt: skip
    shift_ids = [
        r for (r,) in _rows(box, "SELECT id FROM counter_sessions WHERE closed_at IS NOT NULL")
    ]
    supervisor = CounterContext("Office", None, "supervisor", Role.SUPERVISOR)
    for shift_id in shift_ids:
        summary = shifts.drawer_summary(box, supervisor, shift_id=shift_id)
        assert summary.shift.expected_cash == summary.expected
        sql = (
            "SELECT sum(amount) FROM payments WHERE session_id = :s AND mode = 'CASH' "
            "AND kind = 'PAYMENT'"
        )
        kept = paise(sql_scalar(box, sql, s=shift_id))
        assert summary.totals.cash_taken == kept
    assert sql_scalar(box, "SELECT count(*) FROM payments WHERE kind = 'REFUND'") > 0
    for name, counter in (("asha", "Counter 1"), ("ravi", "Counter 2")):
        today = shifts.current_shift(box, _staff_ctx(box, name, counter))
        assert today is not None and today.username == name and not today.stale


def test_the_demo_counters_are_ready_again_on_a_later_day(demo_box, clock):
    box = demo_box
    asha = _staff_ctx(box, "asha", "Counter 1")
    before = shifts.current_shift(box, asha)
    clock.advance(days=1)
    assert shifts.current_shift(box, asha).stale
    show = demo.prepare_demo_counters(box)
    assert show is not None
    now = shifts.current_shift(box, asha)
    assert now.shift_id != before.shift_id and not now.stale
    assert now.theater_id == show.theater_id
    assert shifts.get_shift(box, before.shift_id).closed_at is not None
    clock.advance(minutes=1)
    assert demo.prepare_demo_counters(box) is not None  # nothing to do the second time
    assert shifts.current_shift(box, asha).shift_id == now.shift_id
    assert now.opened_at - before.opened_at >= timedelta(days=1)


def _rows(box: Any, sql: str) -> list[Any]:
    from sqlalchemy import text

    with box.uows() as uow:
        return list(uow.connection.execute(text(sql)))
