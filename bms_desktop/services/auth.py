"""Staff sign-in (Argon2id), lockout across terminals, first-run admin, staff accounts."""

from __future__ import annotations

import math
import re
from datetime import datetime, timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from bms_desktop.domain import limits
from bms_desktop.domain.errors import (
    AccountLocked,
    AuthenticationFailed,
    InvalidState,
    PermissionDenied,
    ValidationError,
)
from bms_desktop.domain.limits import check_length
from bms_desktop.domain.model import Role
from bms_desktop.services.approvals import Approval
from bms_desktop.services.audit_trail import add_audit_event
from bms_desktop.services.context import BoxOffice, CounterContext, load_settings
from bms_desktop.services.dto import StaffView
from bms_desktop.services.ports import StaffRecord, UnitOfWork
from bms_desktop.services.sale_common import record_audit

USERNAME_RE = re.compile(r"^[a-z][a-z0-9._-]{1,39}$")
MIN_PASSWORD = 8
FIRST_ADMIN_KEY = "first_admin"
BAD_LOGIN = "Unknown staff name or wrong password"
UNKNOWN_FAILURES_PREFIX = "login_failures:"  # app_meta: failed sign-ins under unknown names


@cache
def _hasher(fast: bool) -> PasswordHasher:
    if fast:
        return PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    return PasswordHasher()  # Argon2id with the library's recommended parameters


@cache
def _dummy_hash(fast: bool) -> str:
    return _hasher(fast).hash("not-a-real-password")


def hash_password(box: BoxOffice, password: str) -> str:
    return _hasher(box.fast_hashing).hash(password)


def validate_username(username: str) -> str:
    name = username.strip().lower()
    if not USERNAME_RE.match(name):
        raise ValidationError(
            "a staff name is 2-40 characters: lower-case letters, digits, '.', '_' or '-', "
            "starting with a letter",
            field="username",
        )
    return name


def validate_password(password: str, username: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise ValidationError(
            f"a password needs at least {MIN_PASSWORD} characters", field="password"
        )
    if password.strip().lower() == username.strip().lower():
        raise ValidationError("the password cannot be the staff name", field="password")


def login(box: BoxOffice, *, username: str, password: str, counter: str) -> StaffView:
    """Check a staff member's password. Five failures lock the name out for a few minutes,
    on every terminal (the count lives in the database). Every attempt is audited.

    An unknown name is answered exactly like a known one: the same words, the same count of
    attempts left, the same lockout (its failures are counted in the settings table), so the
    sign-in screen never tells which names exist."""
    return _sign_in(box, username=username, password=password, counter=counter).view()


def _sign_in(
    box: BoxOffice, *, username: str, password: str, counter: str, purpose: str = "sign-in"
) -> StaffRecord:
    check_length(counter, limits.limit(limits.COUNTER_NAME), what="a counter name", field="counter")
    now = box.now()
    name = username.strip().lower()
    key = name[: limits.limit(limits.STAFF_NAME)]
    hasher = _hasher(box.fast_hashing)
    with box.uows(write=True, label=counter) as uow:
        cfg = load_settings(uow)
        staff = uow.staff.by_username(name) if len(name) <= len(key) else None

        def audit(action: str, **details: object) -> None:
            if purpose != "sign-in":
                details["purpose"] = purpose
            add_audit_event(
                uow,
                at=now,
                action=action,
                username=key,
                staff_id=None if staff is None else staff.staff_id,
                counter=counter,
                entity="staff",
                entity_id=key,
                details=details,
            )

        # Locked (a known name in the staff table, an unknown one in the settings): refused
        # before the password is looked at, with the same words.
        failures, locked_until = (
            (staff.failed_logins, staff.locked_until)
            if staff is not None
            else _unknown_failures(uow, key)
        )
        if locked_until is not None and locked_until > now:
            seconds = math.ceil((locked_until - now).total_seconds())
            minutes = max(1, math.ceil(seconds / 60))
            audit("LOGIN_REFUSED", reason="locked", seconds_left=seconds)
            uow.commit()
            raise AccountLocked(
                f"{key} is locked after too many failed sign-ins; try again in "
                f"{minutes} minute{'s' if minutes != 1 else ''}",
                seconds,
            )
        if locked_until is not None:
            # The lockout is over: the count starts again from zero.
            failures = 0
            if staff is not None:
                uow.staff.record_success(staff.staff_id)
        try:
            if staff is None:
                # Same work as a real check: no timing hint that the name does not exist.
                hasher.verify(_dummy_hash(box.fast_hashing), password + "\0")
            else:
                hasher.verify(staff.password_hash, password)
        except (VerificationError, InvalidHashError):
            until = now + timedelta(minutes=cfg.lockout_minutes)
            if staff is not None:
                failures = uow.staff.record_failure(
                    staff.staff_id, lock_after=cfg.lockout_attempts, locked_until=until
                )
                audit("LOGIN_FAILED", reason="wrong password", failures=failures)
            else:
                failures += 1
                _put_unknown_failures(
                    uow, key, failures, until if failures >= cfg.lockout_attempts else None
                )
                audit("LOGIN_FAILED", reason="unknown name", failures=failures)
            uow.commit()
            left = cfg.lockout_attempts - failures
            if left <= 0:
                raise AccountLocked(
                    f"{key} is now locked for {cfg.lockout_minutes} minutes after "
                    f"{cfg.lockout_attempts} failed sign-ins",
                    cfg.lockout_minutes * 60,
                ) from None
            raise AuthenticationFailed(
                f"{BAD_LOGIN} ({left} attempt{'s' if left != 1 else ''} left)"
            ) from None
        assert staff is not None  # the dummy hash never verifies
        if not staff.active:
            audit("LOGIN_REFUSED", reason="inactive")
            uow.commit()
            raise AuthenticationFailed(f"{staff.username}'s account is disabled")
        uow.staff.record_success(staff.staff_id)
        if hasher.check_needs_rehash(staff.password_hash):
            uow.staff.set_password_hash(staff.staff_id, hasher.hash(password))
        audit("LOGIN" if purpose == "sign-in" else "APPROVAL_SIGN_IN")
        uow.commit()
        return staff


def _unknown_key(name: str) -> str:
    return f"{UNKNOWN_FAILURES_PREFIX}{name}"


def _unknown_failures(uow: UnitOfWork, name: str) -> tuple[int, datetime | None]:
    """Failed sign-ins under a name that is not on the staff (count, locked until)."""
    raw = uow.settings.get(_unknown_key(name)) or ""
    count, _sep, until = raw.partition("|")
    try:
        return int(count or 0), datetime.fromisoformat(until) if until else None
    except ValueError:
        return 0, None


def _put_unknown_failures(
    uow: UnitOfWork, name: str, count: int, locked_until: datetime | None
) -> None:
    uow.settings.put(
        _unknown_key(name), f"{count}|{locked_until.isoformat() if locked_until else ''}"
    )


def sign_out(box: BoxOffice, ctx: CounterContext, *, reason: str = "sign out") -> None:
    """The clerk leaves the counter (sign out, lock, switch clerk): audited. Seats the counter
    holds stay held: they belong to the counter, and are offered back to whoever signs in."""
    now = box.now()
    with box.uows(write=True, label=ctx.counter) as uow:
        record_audit(uow, ctx, now, "LOGOUT", entity="staff", entity_id=ctx.username, reason=reason)
        uow.commit()


def current_role(uow: UnitOfWork, ctx: CounterContext) -> Role | None:
    """The role the staff table gives ``ctx``'s clerk now (None: gone or disabled). A context
    without a staff id (the system, the race lab's robots) is taken at its word."""
    if ctx.staff_id is None:
        return ctx.role
    staff = uow.staff.by_id(ctx.staff_id)
    if staff is None or not staff.active:
        return None
    return Role(staff.role)


def grant_approval(
    box: BoxOffice,
    ctx: CounterContext,
    *,
    username: str,
    password: str,
    action: str,
    subject: object,
) -> Approval:
    """A supervisor signs in at ``ctx``'s counter to approve ``action`` on ``subject``: checked
    against the staff table (with the lockout, audited). Returns the approval the action's
    service will accept once, for a few minutes; nobody approves their own request."""
    staff = _sign_in(
        box, username=username, password=password, counter=ctx.counter, purpose="approval"
    )
    role = Role(staff.role)
    if not role.at_least(Role.SUPERVISOR):
        raise PermissionDenied(
            f"Those are the sign-in details of {staff.username}, a {role.value.lower()}: a "
            "supervisor or an administrator must approve this"
        )
    if ctx.staff_id is not None and staff.staff_id == ctx.staff_id:
        raise PermissionDenied(
            f"{staff.username} asked for this approval and cannot give it too: another "
            "supervisor must sign in"
        )
    now = box.now()
    approval = box.approvals.issue(
        action=action,
        subject=subject,
        counter=ctx.counter,
        requested_by=ctx.staff_id,
        approver_id=staff.staff_id,
        approver=staff.username,
        now=now,
    )
    with box.uows(write=True, label=ctx.counter) as uow:
        add_audit_event(
            uow,
            at=now,
            action="APPROVAL_GRANTED",
            username=staff.username,
            staff_id=staff.staff_id,
            counter=ctx.counter,
            entity="approval",
            entity_id=subject,
            details={"action": action, "requested_by": ctx.username},
        )
        uow.commit()
    return approval


def needs_first_admin(box: BoxOffice) -> bool:
    with box.uows() as uow:
        return uow.staff.count_admins() == 0


def create_first_admin(
    box: BoxOffice, *, username: str, full_name: str, password: str, counter: str = "setup"
) -> StaffView:
    """First run: create the one admin. Two terminals doing this at once create one admin: the
    second is refused by the database (a unique setup marker), not by a check in Python."""
    name = validate_username(username)
    validate_password(password, name)
    full = limits.check_text(full_name, limits.FULL_NAME, what="a full name") or ""
    password_hash = hash_password(box, password)  # slow: outside the transaction
    now = box.now()
    with box.uows(write=True, label=counter) as uow:
        if uow.staff.count_admins() > 0 or not uow.settings.put_once(FIRST_ADMIN_KEY, name):
            raise InvalidState("this box office already has an administrator; sign in instead")
        staff_id = uow.staff.add(name, full, Role.ADMIN, password_hash, now)
        add_audit_event(
            uow,
            at=now,
            action="FIRST_ADMIN",
            username=name,
            staff_id=staff_id,
            counter=counter,
            entity="staff",
            entity_id=name,
            details={},
        )
        uow.commit()
    return StaffView(staff_id, name, full, Role.ADMIN, True)


def add_staff(
    box: BoxOffice,
    ctx: CounterContext,
    *,
    username: str,
    full_name: str,
    role: Role | str,
    password: str,
) -> StaffView:
    ctx.require(Role.ADMIN, "Adding staff")
    name = validate_username(username)
    validate_password(password, name)
    full = limits.check_text(full_name, limits.FULL_NAME, what="a full name") or ""
    try:
        staff_role = Role(role)
    except ValueError as exc:
        raise ValidationError(f"unknown role {role}", field="role") from exc
    password_hash = hash_password(box, password)
    now = box.now()
    with box.uows(write=True, label=ctx.counter) as uow:
        if uow.staff.by_username(name) is not None:
            raise ValidationError(
                f"there is already a staff member called {name}", field="username"
            )
        staff_id = uow.staff.add(name, full, staff_role, password_hash, now)
        record_audit(
            uow, ctx, now, "STAFF_ADDED", entity="staff", entity_id=name, role=staff_role.value
        )
        uow.commit()
    return StaffView(staff_id, name, full, staff_role, True)
