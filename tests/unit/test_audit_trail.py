"""The one way the services write an audit row (``audit_trail.add_audit_event``, and
``sale_common.record_audit`` for a counter's own actions): the row holds what it was given, and
a text longer than its column is cut to the column's length instead of overflowing it."""

from __future__ import annotations

from typing import Any

import pytest

from bms_desktop.domain.limits import limit
from bms_desktop.domain.model import Role
from bms_desktop.services.audit_trail import add_audit_event
from bms_desktop.services.context import BoxOffice, CounterContext
from bms_desktop.services.sale_common import record_audit
from tests.conftest import FakeClock
from tests.fakes import AuditRow, fake_box, fake_of


@pytest.fixture
def box(clock: FakeClock) -> BoxOffice:
    return fake_box(clock)


def written(box: BoxOffice, **given: object) -> AuditRow:
    """The row ``add_audit_event`` stores for ``given`` (a clerk's sign-out for the rest)."""
    fields: dict[str, Any] = {
        "at": box.now(),
        "action": "LOGOUT",
        "username": "ravi",
        "staff_id": 5,
        "counter": "Counter 1",
        "entity": "staff",
        "entity_id": "ravi",
        "details": {},
        **given,
    }
    with box.uows(write=True, label="test") as uow:
        add_audit_event(uow, **fields)
        uow.commit()
    [row] = fake_of(box).audit_rows()
    return row


def test_the_row_holds_every_value_it_was_given(box: BoxOffice) -> None:
    row = written(
        box,
        action="SEATS_BLOCKED",
        username="sunita",
        staff_id=7,
        counter="Counter 2",
        entity="show",
        entity_id=41,
        show_id=41,
        details={"seats": ["A1", "A2"], "reason": "house seats"},
    )
    assert (row.at, row.action, row.username, row.staff_id, row.counter) == (
        box.now(),
        "SEATS_BLOCKED",
        "sunita",
        7,
        "Counter 2",
    )
    assert (row.entity, row.entity_id, row.show_id) == ("show", "41", 41)
    assert row.data == {"seats": ["A1", "A2"], "reason": "house seats"}


def test_a_row_without_a_show_or_a_staff_member_stores_none_for_both(box: BoxOffice) -> None:
    row = written(box, action="LOGIN_FAILED", username="nobody", staff_id=None, entity_id="nobody")
    assert (row.staff_id, row.show_id, row.entity_id, row.data) == (None, None, "nobody", {})


def test_texts_longer_than_their_columns_are_cut_to_the_column_length(box: BoxOffice) -> None:
    row = written(
        box,
        action="A" * 100,
        username="u" * 100,
        counter="c" * 100,
        entity="e" * 100,
        entity_id="i" * 100,
        details={"note": "n" * 500},  # details are a TEXT column: kept whole
    )
    assert row.action == "A" * limit("audit_events.action")
    assert row.username == "u" * limit("audit_events.username")
    assert row.counter == "c" * limit("audit_events.counter")
    assert row.entity == "e" * limit("audit_events.entity")
    assert row.entity_id == "i" * limit("audit_events.entity_id")
    assert row.data == {"note": "n" * 500}


def test_texts_as_long_as_their_columns_are_stored_whole(box: BoxOffice) -> None:
    name = "u" * limit("audit_events.username")
    row = written(box, username=name, entity_id=name)
    assert (row.username, row.entity_id) == (name, name)


def test_a_counters_row_takes_the_clerk_and_counter_from_its_context(box: BoxOffice) -> None:
    ctx = CounterContext("Counter 3", 5, "ravi", Role.CLERK)
    with box.uows(write=True, label=ctx.counter) as uow:
        record_audit(
            uow, ctx, box.now(), "RELEASE", entity_id=12, show_id=3, more={"by": "x"}, code="K1"
        )
        uow.commit()
    [row] = fake_of(box).audit_rows("RELEASE")
    assert (row.username, row.staff_id, row.counter) == ("ravi", 5, "Counter 3")
    assert (row.entity, row.entity_id, row.show_id) == ("ticket", "12", 3)
    assert row.data == {"code": "K1", "by": "x"}


def test_a_counters_row_cuts_a_long_clerk_name_and_entity_id(box: BoxOffice) -> None:
    ctx = CounterContext("Door 1", 5, "r" * 60, Role.USHER)
    with box.uows(write=True, label=ctx.counter) as uow:
        record_audit(uow, ctx, box.now(), "APPROVAL", entity="approval", entity_id="s" * 60)
        uow.commit()
    [row] = fake_of(box).audit_rows("APPROVAL")
    assert row.username == "r" * limit("audit_events.username")
    assert row.entity_id == "s" * limit("audit_events.entity_id")
