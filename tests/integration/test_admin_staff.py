"""Staff accounts (services/admin/staff.py) on both engines: create, role, reset and change of a
password, unlock, deactivate; nobody demotes or deactivates themselves or the last active
administrator, also when two administrators demote each other at the same moment (threads)."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from bms_desktop.domain.errors import (
    AccountLocked,
    AuthenticationFailed,
    DomainError,
    InvalidState,
    NotFound,
    PermissionDenied,
    ValidationError,
)
from bms_desktop.domain.model import Role
from bms_desktop.services import auth
from bms_desktop.services.admin import staff
from bms_desktop.services.admin.dto_staff import NewStaffInput, StaffEditInput
from bms_desktop.services.context import BoxOffice, CounterContext
from tests.conftest import FakeClock
from tests.gui.dialog_support import add_staff
from tests.support.admin_support import (
    ADMIN,
    assert_refused_and_unchanged,
    assert_roles_refused,
    audit_rows,
)


def ctx_for(box: BoxOffice, username: str) -> CounterContext:
    with box.uows() as uow:
        rec = uow.staff.by_username(username)
    assert rec is not None
    return CounterContext("Back office", rec.staff_id, rec.username, Role(rec.role))


def test_a_clerk_is_created_must_change_the_password_and_then_signs_in(box: BoxOffice) -> None:
    row = staff.create_staff(
        box, ADMIN, NewStaffInput(" Asha ", "Asha Rao", "clerk", "first-pass-1")
    )
    assert (row.username, row.role, row.active, row.must_change_password) == (
        "asha",
        "CLERK",
        True,
        True,
    )
    signed_in = auth.login(box, username="asha", password="first-pass-1", counter="Counter 1")
    assert signed_in.must_change_password
    with pytest.raises(ValidationError) as err:
        staff.change_password(box, "asha", "first-pass-1", "first-pass-1")
    assert err.value.field == "new_password"
    changed = staff.change_password(box, "asha", "first-pass-1", "my-own-pass-2")
    assert not changed.must_change_password
    again = auth.login(box, username="asha", password="my-own-pass-2", counter="Counter 1")
    assert not again.must_change_password
    (added,) = audit_rows(box, "STAFF_ADDED")
    assert added.details["after"] == {
        "full_name": "Asha Rao",
        "role": "CLERK",
        "active": True,
        "must_change_password": True,
    }
    assert "password" not in str(added.details).replace("must_change_password", "")
    assert len(audit_rows(box, "PASSWORD_CHANGED")) == 1


def test_a_wrong_current_password_counts_towards_the_lockout(
    box: BoxOffice, clock: FakeClock
) -> None:
    add_staff(box, "ravi", Role.CLERK, "ravi-pass-1")
    for _ in range(4):
        with pytest.raises(AuthenticationFailed):
            staff.change_password(box, "ravi", "wrong-pass", "new-pass-99")
    with pytest.raises(AuthenticationFailed):
        staff.change_password(box, "ravi", "wrong-pass", "new-pass-99")
    with pytest.raises(AccountLocked):
        staff.change_password(box, "ravi", "ravi-pass-1", "new-pass-99")
    with pytest.raises(AuthenticationFailed):
        staff.change_password(box, "nobody", "x", "new-pass-99")


def test_reset_sets_a_temporary_password_and_unlocks(box: BoxOffice, clock: FakeClock) -> None:
    clerk = add_staff(box, "meena", Role.CLERK, "meena-pass-1")
    for _ in range(5):
        with pytest.raises(AuthenticationFailed):
            auth.login(box, username="meena", password="nope-nope", counter="C1")
    row = staff.reset_password(box, ADMIN, clerk.staff_id, "temp-pass-77")
    assert row.must_change_password and row.failed_logins == 0 and row.locked_until is None
    view = auth.login(box, username="meena", password="temp-pass-77", counter="C1")
    assert view.must_change_password
    (reset,) = audit_rows(box, "PASSWORD_RESET")
    assert reset.details["after"] == {"must_change_password": True, "locked": False}
    err = assert_refused_and_unchanged(
        box, lambda: staff.reset_password(box, ADMIN, clerk.staff_id, "short"), ValidationError
    )
    assert isinstance(err, ValidationError) and err.field == "password"


def test_a_locked_out_name_is_unlocked_and_an_unlocked_one_refused(
    box: BoxOffice, clock: FakeClock
) -> None:
    clerk = add_staff(box, "kiran", Role.CLERK, "kiran-pass-1")
    assert_refused_and_unchanged(
        box, lambda: staff.unlock_staff(box, ADMIN, clerk.staff_id), InvalidState, "not locked"
    )
    for _ in range(5):
        with pytest.raises(AuthenticationFailed):
            auth.login(box, username="kiran", password="nope-nope", counter="C1")
    row = next(r for r in staff.list_staff(box, ADMIN) if r.username == "kiran")
    assert row.locked(clock.now)
    unlocked = staff.unlock_staff(box, ADMIN, clerk.staff_id)
    assert not unlocked.locked(clock.now) and unlocked.failed_logins == 0
    auth.login(box, username="kiran", password="kiran-pass-1", counter="C1")
    assert len(audit_rows(box, "STAFF_UNLOCKED")) == 1


def test_role_and_activity_changes_are_audited(box: BoxOffice) -> None:
    clerk = add_staff(box, "neha", Role.CLERK, "neha-pass-1")
    staff.set_staff_role(box, ADMIN, clerk.staff_id, Role.SUPERVISOR)
    staff.set_staff_active(box, ADMIN, clerk.staff_id, False)
    (role,) = audit_rows(box, "STAFF_ROLE_CHANGED")
    assert role.details == {"before": {"role": "CLERK"}, "after": {"role": "SUPERVISOR"}}
    (off,) = audit_rows(box, "STAFF_DEACTIVATED")
    assert off.details == {"before": {"active": True}, "after": {"active": False}}
    with pytest.raises(AuthenticationFailed, match="disabled"):
        auth.login(box, username="neha", password="neha-pass-1", counter="C1")


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (NewStaffInput("x", "X", "CLERK", "long-enough-1"), "username", "2-40"),
        (NewStaffInput("a" * 41, "X", "CLERK", "long-enough-1"), "username", "2-40"),
        (NewStaffInput("sam", "S" * 121, "CLERK", "long-enough-1"), "full_name", "at most 120"),
        (NewStaffInput("sam", "Sam", "MANAGER", "long-enough-1"), "role", "one of usher"),
        (NewStaffInput("sam", "Sam", "CLERK", "short"), "password", "at least 8"),
        (NewStaffInput("sam", "Sam", "CLERK", "p" * 201), "password", "at most 200"),
        (NewStaffInput("sam", "Sam\x00", "CLERK", "long-enough-1"), "full_name", "control"),
    ],
)
def test_bad_staff_input_is_refused_and_changes_nothing(
    box: BoxOffice, data: NewStaffInput, field: str, message: str
) -> None:
    err = assert_refused_and_unchanged(
        box, lambda: staff.create_staff(box, ADMIN, data), ValidationError, message
    )
    assert isinstance(err, ValidationError) and err.field == field


def test_a_taken_name_is_refused(box: BoxOffice) -> None:
    add_staff(box, "asha", Role.CLERK, "asha-pass-1")
    err = assert_refused_and_unchanged(
        box,
        lambda: staff.create_staff(box, ADMIN, NewStaffInput("ASHA", "", "CLERK", "long-pass-1")),
        ValidationError,
        "already",
    )
    assert isinstance(err, ValidationError) and err.field == "username"


def test_nobody_demotes_or_deactivates_themselves(box: BoxOffice) -> None:
    add_staff(box, "root", Role.ADMIN, "root-pass-1")
    add_staff(box, "boss", Role.ADMIN, "boss-pass-1")
    me = ctx_for(box, "root")
    assert me.staff_id is not None
    for change in (
        StaffEditInput("Root", "SUPERVISOR", True),
        StaffEditInput("Root", "ADMIN", False),
    ):
        assert_refused_and_unchanged(
            box,
            lambda c=change: staff.update_staff(box, me, me.staff_id, c),  # type: ignore[arg-type]
            PermissionDenied,
            "your own account",
        )
    renamed = staff.update_staff(box, me, me.staff_id, StaffEditInput("Root Admin", "ADMIN", True))
    assert renamed.full_name == "Root Admin"


def test_the_last_active_administrator_stays(box: BoxOffice) -> None:
    only = add_staff(box, "root", Role.ADMIN, "root-pass-1")
    for change in (StaffEditInput("", "CLERK", True), StaffEditInput("", "ADMIN", False)):
        assert_refused_and_unchanged(
            box,
            lambda c=change: staff.update_staff(box, ADMIN, only.staff_id, c),
            InvalidState,
            "last active administrator",
        )
    second = add_staff(box, "boss", Role.ADMIN, "boss-pass-1")
    staff.set_staff_role(box, ADMIN, only.staff_id, Role.SUPERVISOR)
    assert_refused_and_unchanged(
        box,
        lambda: staff.set_staff_active(box, ADMIN, second.staff_id, False),
        InvalidState,
        "last active",
    )


def test_an_administrator_demoted_meanwhile_manages_nothing(box: BoxOffice) -> None:
    add_staff(box, "root", Role.ADMIN, "root-pass-1")
    add_staff(box, "boss", Role.ADMIN, "boss-pass-1")
    clerk = add_staff(box, "asha", Role.CLERK, "asha-pass-1")
    root, boss = ctx_for(box, "root"), ctx_for(box, "boss")
    assert root.staff_id is not None
    staff.set_staff_role(box, boss, root.staff_id, Role.CLERK)
    assert_refused_and_unchanged(  # root's window still says ADMIN; the database does not
        box,
        lambda: staff.set_staff_role(box, root, clerk.staff_id, Role.SUPERVISOR),
        PermissionDenied,
        "no longer an active administrator",
    )


def _demote(
    box: BoxOffice,
    barrier: threading.Barrier,
    outcomes: dict[str, object],
    name: str,
    me: CounterContext,
    target: int,
) -> None:
    barrier.wait()
    try:
        staff.set_staff_role(box, me, target, Role.CLERK)
        outcomes[name] = "ok"
    except DomainError as exc:
        outcomes[name] = exc


def test_two_administrators_demoting_each_other_at_once_leave_one(box: BoxOffice) -> None:
    for round_ in range(6):
        a = add_staff(box, f"ada{round_}", Role.ADMIN, "ada-pass-123")
        b = add_staff(box, f"bob{round_}", Role.ADMIN, "bob-pass-123")
        # Everyone else stops being an administrator, so a and b are the only two.
        others = [
            r
            for r in staff.list_staff(box, ADMIN)
            if r.role == "ADMIN" and r.active and r.staff_id not in (a.staff_id, b.staff_id)
        ]
        for r in others:
            staff.set_staff_active(box, ADMIN, r.staff_id, False)
        ctx_a, ctx_b = ctx_for(box, a.username), ctx_for(box, b.username)
        barrier = threading.Barrier(2)
        outcomes: dict[str, object] = {}
        threads = [
            threading.Thread(target=_demote, args=(box, barrier, outcomes, "a", ctx_a, b.staff_id)),
            threading.Thread(target=_demote, args=(box, barrier, outcomes, "b", ctx_b, a.staff_id)),
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert sorted(type(v).__name__ for v in outcomes.values()) in (
            ["InvalidState", "str"],
            ["PermissionDenied", "str"],
        ), outcomes
        admins = [r for r in staff.list_staff(box, ADMIN) if r.role == "ADMIN" and r.active]
        assert len(admins) == 1, admins


def test_unknown_staff_is_not_found(box: BoxOffice) -> None:
    for bad in (999_999, -1, "7", None, True):
        assert_refused_and_unchanged(
            box,
            lambda b=bad: staff.set_staff_active(box, ADMIN, b, False),  # type: ignore[arg-type]
            NotFound,
        )


def test_only_an_administrator_manages_staff(box: BoxOffice) -> None:
    clerk = add_staff(box, "asha", Role.CLERK, "asha-pass-1")
    new = NewStaffInput("sam", "Sam", "CLERK", "long-pass-1")
    for call in (
        lambda ctx: staff.list_staff(box, ctx),
        lambda ctx: staff.create_staff(box, ctx, new),
        lambda ctx: staff.update_staff(box, ctx, clerk.staff_id, StaffEditInput("A", "ADMIN")),
        lambda ctx: staff.set_staff_role(box, ctx, clerk.staff_id, Role.ADMIN),
        lambda ctx: staff.set_staff_active(box, ctx, clerk.staff_id, False),
        lambda ctx: staff.reset_password(box, ctx, clerk.staff_id, "another-pass-1"),
        lambda ctx: staff.unlock_staff(box, ctx, clerk.staff_id),
    ):
        assert_roles_refused(box, call)


def test_the_lockout_is_over_after_its_minutes(box: BoxOffice, clock: FakeClock) -> None:
    add_staff(box, "ravi", Role.CLERK, "ravi-pass-1")
    for _ in range(5):
        with pytest.raises(AuthenticationFailed):
            staff.change_password(box, "ravi", "wrong", "new-pass-99")
    clock.advance(minutes=6)
    assert staff.change_password(box, "ravi", "ravi-pass-1", "new-pass-99").username == "ravi"
    assert timedelta(minutes=6)  # the lockout setting is 5 minutes by default
