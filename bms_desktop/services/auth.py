"""Staff sign-in (Argon2id), lockout across terminals, first-run admin, staff accounts."""

from __future__ import annotations

import contextlib
import math
import re
from datetime import timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from bms_desktop.domain.errors import (
    AccountLocked,
    AuthenticationFailed,
    InvalidState,
    ValidationError,
)
from bms_desktop.domain.model import Role
from bms_desktop.services.context import BoxOffice, CounterContext, load_settings
from bms_desktop.services.dto import StaffView
from bms_desktop.services.ports import AuditRecord

USERNAME_RE = re.compile(r"^[a-z][a-z0-9._-]{1,39}$")
MIN_PASSWORD = 8
FIRST_ADMIN_KEY = "first_admin"
BAD_LOGIN = "Unknown staff name or wrong password"


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
    on every terminal (the count lives in the database). Every attempt is audited."""
    now = box.now()
    name = username.strip().lower()
    hasher = _hasher(box.fast_hashing)
    with box.uows(write=True, label=counter) as uow:
        cfg = load_settings(uow)
        staff = uow.staff.by_username(name)

        def audit(action: str, **details: object) -> None:
            uow.audit.add(
                AuditRecord(
                    at=now,
                    action=action,
                    username=name[:40],
                    staff_id=None if staff is None else staff.staff_id,
                    counter=counter,
                    entity="staff",
                    entity_id=name[:40],
                    details=details,
                )
            )

        if staff is None:
            # Same work as a real check: no timing hint that the name does not exist.
            with contextlib.suppress(VerificationError, InvalidHashError):
                hasher.verify(_dummy_hash(box.fast_hashing), password)
            audit("LOGIN_FAILED", reason="unknown name")
            uow.commit()
            raise AuthenticationFailed(BAD_LOGIN)
        if staff.locked_until is not None and staff.locked_until > now:
            seconds = math.ceil((staff.locked_until - now).total_seconds())
            minutes = max(1, math.ceil(seconds / 60))
            audit("LOGIN_REFUSED", reason="locked", seconds_left=seconds)
            uow.commit()
            raise AccountLocked(
                f"{staff.username} is locked after too many failed sign-ins; try again in "
                f"{minutes} minute{'s' if minutes != 1 else ''} or ask a supervisor",
                seconds,
            )
        if staff.locked_until is not None:
            # The lockout is over: the count starts again from zero.
            uow.staff.record_success(staff.staff_id)
        try:
            hasher.verify(staff.password_hash, password)
        except (VerificationError, InvalidHashError):
            failures = uow.staff.record_failure(
                staff.staff_id,
                lock_after=cfg.lockout_attempts,
                locked_until=now + timedelta(minutes=cfg.lockout_minutes),
            )
            audit("LOGIN_FAILED", reason="wrong password", failures=failures)
            uow.commit()
            left = cfg.lockout_attempts - failures
            if left <= 0:
                raise AccountLocked(
                    f"{staff.username} is now locked for {cfg.lockout_minutes} minutes after "
                    f"{cfg.lockout_attempts} failed sign-ins",
                    cfg.lockout_minutes * 60,
                ) from None
            raise AuthenticationFailed(
                f"{BAD_LOGIN} ({left} attempt{'s' if left != 1 else ''} left)"
            ) from None
        if not staff.active:
            audit("LOGIN_REFUSED", reason="inactive")
            uow.commit()
            raise AuthenticationFailed(f"{staff.username}'s account is disabled")
        uow.staff.record_success(staff.staff_id)
        if hasher.check_needs_rehash(staff.password_hash):
            uow.staff.set_password_hash(staff.staff_id, hasher.hash(password))
        audit("LOGIN")
        uow.commit()
        return staff.view()


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
    password_hash = hash_password(box, password)  # slow: outside the transaction
    now = box.now()
    with box.uows(write=True, label=counter) as uow:
        if uow.staff.count_admins() > 0 or not uow.settings.put_once(FIRST_ADMIN_KEY, name):
            raise InvalidState("this box office already has an administrator; sign in instead")
        staff_id = uow.staff.add(name, full_name.strip(), Role.ADMIN, password_hash, now)
        uow.audit.add(
            AuditRecord(
                at=now,
                action="FIRST_ADMIN",
                username=name,
                staff_id=staff_id,
                counter=counter,
                entity="staff",
                entity_id=name,
            )
        )
        uow.commit()
    return StaffView(staff_id, name, full_name.strip(), Role.ADMIN, True)


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
        staff_id = uow.staff.add(name, full_name.strip(), staff_role, password_hash, now)
        uow.audit.add(
            AuditRecord(
                at=now,
                action="STAFF_ADDED",
                username=ctx.username,
                staff_id=ctx.staff_id,
                counter=ctx.counter,
                entity="staff",
                entity_id=name,
                details={"role": staff_role.value},
            )
        )
        uow.commit()
    return StaffView(staff_id, name, full_name.strip(), staff_role, True)
