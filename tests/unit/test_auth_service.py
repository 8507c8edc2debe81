"""Staff sign-in, lockout across terminals, first-run admin and staff accounts
(bms_desktop.services.auth) on the fake unit of work."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bms_desktop.domain.errors import (
    AccountLocked,
    AuthenticationFailed,
    InvalidState,
    PermissionDenied,
    ValidationError,
)
from bms_desktop.domain.model import Role
from bms_desktop.services import auth
from bms_desktop.services.context import BoxOffice, CounterContext
from bms_desktop.services.dto import StaffView
from tests.conftest import FakeClock
from tests.fakes import FakeUnitOfWorkFactory, configure, fake_box, fake_of

PASSWORD = "correct horse"


@pytest.fixture
def box(clock: FakeClock) -> BoxOffice:
    return fake_box(clock)


@pytest.fixture
def fake(box: BoxOffice) -> FakeUnitOfWorkFactory:
    return fake_of(box)


@pytest.fixture
def admin(box: BoxOffice) -> StaffView:
    return auth.create_first_admin(box, username="asha", full_name="Asha Rao", password=PASSWORD)


def _admin_ctx(admin: StaffView) -> CounterContext:
    return CounterContext("Office", admin.staff_id, admin.username, Role.ADMIN)


def _login(box: BoxOffice, password: str, *, name: str = "asha", counter: str = "Counter 1"):
    return auth.login(box, username=name, password=password, counter=counter)


def _attempts(fake: FakeUnitOfWorkFactory) -> list[tuple[str, str, object]]:
    return [
        (r.action, r.counter, r.data.get("reason"))
        for r in fake.audit_rows()
        if r.action.startswith("LOGIN")
    ]


# --------------------------------------------------------------------------- first admin


def test_the_first_admin_is_created_and_can_sign_in(box, fake):
    assert auth.needs_first_admin(box)
    admin = auth.create_first_admin(
        box, username=" Asha ", full_name=" Asha Rao ", password=PASSWORD
    )
    assert (admin.username, admin.full_name, admin.role, admin.active) == (
        "asha",
        "Asha Rao",
        Role.ADMIN,
        True,
    )
    assert not auth.needs_first_admin(box)
    assert _login(box, PASSWORD) == admin
    [row] = fake.audit_rows("FIRST_ADMIN")
    assert (row.username, row.staff_id) == ("asha", admin.staff_id)
    assert fake.tables.staff[admin.staff_id].password_hash != PASSWORD  # only a hash is kept


def test_a_second_first_admin_is_refused(box, fake, admin):
    with pytest.raises(InvalidState, match="already has an administrator"):
        auth.create_first_admin(box, username="ravi", full_name="Ravi", password=PASSWORD)
    assert [s.username for s in fake.tables.staff.values()] == ["asha"]


def test_the_first_admin_is_refused_when_another_terminal_claimed_the_setup(box, fake):
    configure(box, first_admin="ravi")  # the other terminal's marker, committed first
    with pytest.raises(InvalidState):
        auth.create_first_admin(box, username="asha", full_name="Asha", password=PASSWORD)
    assert fake.tables.staff == {}


@pytest.mark.parametrize("name", ["", "a", "1asha", "asha rao", "asha!", "a" * 41])
def test_a_bad_staff_name_is_refused(box, name):
    with pytest.raises(ValidationError, match="a staff name is") as err:
        auth.create_first_admin(box, username=name, full_name="X", password=PASSWORD)
    assert err.value.field == "username"


@pytest.mark.parametrize(
    ("password", "message"),
    [("seven77", "at least 8 characters"), ("AshaRao1", "cannot be the staff name")],
)
def test_a_weak_password_is_refused(box, fake, password, message):
    with pytest.raises(ValidationError, match=message):
        auth.create_first_admin(box, username="asharao1", full_name="X", password=password)
    assert fake.tables.staff == {}


# --------------------------------------------------------------------------- login


def test_sign_in_is_case_insensitive_and_audited(box, fake, admin):
    view = _login(box, PASSWORD, name="  ASHA ", counter="Counter 3")
    assert view.staff_id == admin.staff_id
    assert _attempts(fake) == [("LOGIN", "Counter 3", None)]


def test_a_wrong_password_counts_and_says_how_many_attempts_are_left(box, fake, admin):
    with pytest.raises(AuthenticationFailed, match=r"wrong password \(4 attempts left\)"):
        _login(box, "nope")
    assert fake.tables.staff[admin.staff_id].failed_logins == 1
    with pytest.raises(AuthenticationFailed, match=r"\(3 attempts left\)"):
        _login(box, "nope")
    _login(box, PASSWORD)
    assert fake.tables.staff[admin.staff_id].failed_logins == 0  # a success starts again


def test_five_failures_on_any_terminals_lock_the_name(box, clock, fake, admin):
    for n in range(1, 5):
        with pytest.raises(AuthenticationFailed) as err:
            _login(box, "nope", counter=f"Counter {n}")
        assert not isinstance(err.value, AccountLocked)
    with pytest.raises(AccountLocked, match="now locked for 5 minutes") as locked:
        _login(box, "nope", counter="Counter 5")
    assert locked.value.seconds_left == 300
    assert fake.tables.staff[admin.staff_id].locked_until == clock.now + timedelta(minutes=5)
    clock.advance(minutes=2, seconds=30)
    with pytest.raises(AccountLocked, match="try again in 3 minute") as again:
        _login(box, PASSWORD, counter="Counter 6")  # the right password does not help
    assert 150 <= again.value.seconds_left <= 151
    assert _attempts(fake)[-1] == ("LOGIN_REFUSED", "Counter 6", "locked")


def test_the_lock_ends_after_the_configured_minutes(box, clock, fake, admin):
    configure(box, lockout_minutes=10, lockout_attempts=3)
    for _ in range(3):
        with pytest.raises(AuthenticationFailed):
            _login(box, "nope")
    clock.advance(minutes=10, seconds=-1)
    with pytest.raises(AccountLocked):
        _login(box, PASSWORD)
    clock.advance(seconds=1)
    assert _login(box, PASSWORD).username == "asha"
    staff = fake.tables.staff[admin.staff_id]
    assert (staff.failed_logins, staff.locked_until) == (0, None)


def test_after_a_lockout_ends_the_failure_count_starts_again(box, clock, fake, admin):
    configure(box, lockout_minutes=5, lockout_attempts=3)
    for _ in range(3):
        with pytest.raises(AuthenticationFailed):
            _login(box, "nope")
    clock.advance(minutes=5)
    with pytest.raises(AuthenticationFailed, match="2 attempts left") as err:
        _login(box, "nope")  # one slip after the lockout is not a new lockout
    assert not isinstance(err.value, AccountLocked)
    assert fake.tables.staff[admin.staff_id].failed_logins == 1


def test_the_lockout_message_rounds_the_minutes_up_exactly(box, clock, fake, admin):
    for _ in range(5):
        with pytest.raises(AuthenticationFailed):
            _login(box, "nope")
    clock.advance(minutes=2)  # exactly 180 s left
    with pytest.raises(AccountLocked, match="try again in 3 minutes") as err:
        _login(box, PASSWORD)
    assert err.value.seconds_left == 180


def test_an_unknown_name_gets_the_same_message_and_is_audited(box, fake, admin):
    with pytest.raises(AuthenticationFailed) as err:
        _login(box, PASSWORD, name="mallory")
    assert str(err.value) == f"{auth.BAD_LOGIN} (4 attempts left)"
    [row] = fake.audit_rows("LOGIN_FAILED")
    assert (row.username, row.staff_id, row.data["reason"]) == ("mallory", None, "unknown name")


def test_the_lockout_never_tells_which_staff_names_exist(box, clock, fake, admin):
    """Every answer to an unknown name reads like the answer to a real one, attempt by attempt,
    lockout included, and none sends the clerk to a supervisor."""
    auth.add_staff(
        box, _admin_ctx(admin), username="ravi", full_name="Ravi", role=Role.CLERK,
        password=PASSWORD,
    )  # fmt: skip

    def answers(name: str) -> list[tuple[str, str]]:
        out = []
        for _ in range(6):
            with pytest.raises(AuthenticationFailed) as err:
                _login(box, "wrong password", name=name)
            out.append((type(err.value).__name__, str(err.value).replace(name, "NAME")))
        return out

    real, made_up = answers("ravi"), answers("rav1")
    assert real == made_up
    assert real[0] == ("AuthenticationFailed", f"{auth.BAD_LOGIN} (4 attempts left)")
    assert real[4][0] == real[5][0] == "AccountLocked"
    assert not any("supervisor" in text for _kind, text in real)
    clock.advance(minutes=5)
    with pytest.raises(AuthenticationFailed) as again:
        _login(box, "wrong password", name="rav1")  # the lockout of a made-up name ends too
    assert str(again.value) == f"{auth.BAD_LOGIN} (4 attempts left)"


def test_a_disabled_account_is_refused_even_with_the_right_password(box, fake, admin):
    fake.set_staff_active(admin.staff_id, False)
    with pytest.raises(AuthenticationFailed, match="disabled"):
        _login(box, PASSWORD)
    assert _attempts(fake) == [("LOGIN_REFUSED", "Counter 1", "inactive")]


def test_every_sign_in_attempt_is_audited(box, fake, admin):
    outcomes = []
    for name, password in [
        ("asha", PASSWORD),
        ("asha", "nope"),
        ("nobody", PASSWORD),
        ("asha", "nope"),
        ("asha", PASSWORD),
    ]:
        try:
            _login(box, password, name=name)
            outcomes.append("ok")
        except AuthenticationFailed:
            outcomes.append("refused")
    assert outcomes == ["ok", "refused", "refused", "refused", "ok"]
    assert [a for a, _, _ in _attempts(fake)] == [
        "LOGIN",
        "LOGIN_FAILED",
        "LOGIN_FAILED",
        "LOGIN_FAILED",
        "LOGIN",
    ]


# --------------------------------------------------------------------------- staff accounts


def test_an_admin_adds_staff_who_can_sign_in(box, fake, admin):
    view = auth.add_staff(
        box,
        _admin_ctx(admin),
        username="Sunita",
        full_name="Sunita K",
        role="SUPERVISOR",
        password="sunita-pass",
    )
    assert (view.username, view.role) == ("sunita", Role.SUPERVISOR)
    assert _login(box, "sunita-pass", name="sunita").role == Role.SUPERVISOR
    [row] = fake.audit_rows("STAFF_ADDED")
    assert (row.username, row.entity_id, row.data["role"]) == ("asha", "sunita", "SUPERVISOR")


@pytest.mark.parametrize("role", [Role.CLERK, Role.SUPERVISOR])
def test_only_an_admin_adds_staff(box, fake, admin, role):
    ctx = CounterContext("Counter 1", 2, "ravi", role)
    with pytest.raises(PermissionDenied, match="Adding staff needs a admin"):
        auth.add_staff(
            box, ctx, username="eve", full_name="Eve", role=Role.ADMIN, password="eve-password"
        )
    assert len(fake.tables.staff) == 1


def test_add_staff_refuses_a_taken_name_and_an_unknown_role(box, fake, admin):
    with pytest.raises(ValidationError, match="already a staff member called asha"):
        auth.add_staff(
            box,
            _admin_ctx(admin),
            username="ASHA",
            full_name="A",
            role=Role.CLERK,
            password="another-pw",
        )
    with pytest.raises(ValidationError, match="unknown role MANAGER"):
        auth.add_staff(
            box,
            _admin_ctx(admin),
            username="ravi",
            full_name="R",
            role="MANAGER",
            password="another-pw",
        )
    assert len(fake.tables.staff) == 1
