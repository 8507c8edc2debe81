"""Who may change a counter's strategy and processing delay: the box office's setting decides
(everyone in the demo, supervisors in a new cinema), the role comes from the staff table, and
every change is audited with the values before and after."""

from __future__ import annotations

import pytest

from bms_desktop.domain.errors import PermissionDenied
from bms_desktop.domain.model import Role, Strategy
from bms_desktop.services import auth, counter_setup
from bms_desktop.services.context import SYSTEM, BoxOffice, CounterContext
from tests.conftest import FakeClock
from tests.fakes import configure, fake_box, fake_of


@pytest.fixture
def box(clock: FakeClock) -> BoxOffice:
    return fake_box(clock)


def ctx(box: BoxOffice, name: str, role: Role) -> CounterContext:
    staff = auth.add_staff(
        box, SYSTEM, username=name, full_name=name, role=role, password="pass-word-1"
    )
    return CounterContext("Counter 1", staff.staff_id, name, role)


def test_in_a_new_cinema_only_a_supervisor_changes_the_strategy_and_the_delay(box):
    clerk = ctx(box, "ravi", Role.CLERK)
    boss = ctx(box, "sunita", Role.SUPERVISOR)
    assert not counter_setup.may_change_counter_setup(box, clerk)
    with pytest.raises(PermissionDenied, match="needs a supervisor"):
        counter_setup.change_counter_setup(box, clerk, delay_ms=5000)
    # A clerk's context that claims to be a supervisor does not fool the service.
    dressed_up = CounterContext("Counter 1", clerk.staff_id, "ravi", Role.SUPERVISOR)
    with pytest.raises(PermissionDenied):
        counter_setup.change_counter_setup(box, dressed_up, strategy=Strategy.THREAD)
    changed = counter_setup.change_counter_setup(
        box, boss, strategy=Strategy.OPTIMISTIC, delay_ms=500
    )
    assert (changed.strategy, changed.delay_ms) == (Strategy.OPTIMISTIC, 500)
    [row] = fake_of(box).audit_rows("COUNTER_SETUP")
    assert row.data["before"] == {"strategy": "pessimistic", "delay_ms": 0}
    assert row.data["after"] == {"strategy": "optimistic", "delay_ms": 500}


def test_in_the_demo_box_office_every_clerk_may_and_the_setting_can_say_otherwise(box):
    configure(box, demo="1")
    clerk = ctx(box, "ravi", Role.CLERK)
    assert counter_setup.may_change_counter_setup(box, clerk)
    assert counter_setup.change_counter_setup(box, clerk, delay_ms=250).delay_ms == 250
    configure(box, counter_setup_role="ADMIN")
    with pytest.raises(PermissionDenied, match="needs an admin"):
        counter_setup.change_counter_setup(box, clerk, delay_ms=100)
