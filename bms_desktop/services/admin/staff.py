"""Staff accounts: create, change name and role, reset a password (the next sign-in must set a new
one), unlock a locked-out name, deactivate. And ``change_password`` for the person themselves.

Rules enforced here, not by the dialog:

- Only an administrator manages accounts; an administrator whose own account was demoted or
  deactivated meanwhile is refused (the database is asked, not the caller's context).
- Nobody demotes or deactivates themselves, and the last active administrator cannot be demoted
  or deactivated. Two administrators demoting each other at the same moment leave one: the
  active administrators' rows are locked first (PostgreSQL), then ONE conditional UPDATE refuses
  a change that would leave none (SQLite serialises writers with BEGIN IMMEDIATE).
- Passwords are hashed outside the transaction (Argon2 takes ~0.1 s); a reset also clears a
  lockout.
"""

from __future__ import annotations

import contextlib
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from bms_desktop.domain.errors import (
    AccountLocked,
    AuthenticationFailed,
    InvalidState,
    NotFound,
    PermissionDenied,
    ValidationError,
)
from bms_desktop.domain.model import Role
from bms_desktop.services import auth
from bms_desktop.services.admin.common import audit_change, clean_text, require_admin, valid_id
from bms_desktop.services.admin.dto_staff import NewStaffInput, StaffEditInput, StaffRow
from bms_desktop.services.audit_trail import add_audit_event
from bms_desktop.services.context import BoxOffice, CounterContext, load_settings
from bms_desktop.services.dto import StaffView
from bms_desktop.services.ports import UnitOfWork

FULL_NAME_MAX = 120  # staff.full_name
PASSWORD_MAX = 200
ROLES = tuple(r.value for r in Role)
_VERIFIER = PasswordHasher()  # verifies any Argon2 hash, whatever its parameters


def _values(row: StaffRow) -> dict[str, object]:
    return {"full_name": row.full_name, "role": row.role, "active": row.active}


def _role(value: object) -> str:
    text = clean_text(value, field="role", label="The role").upper()
    if text not in ROLES:
        raise ValidationError(
            f"a role is one of {', '.join(r.lower() for r in ROLES)}, not '{text.lower()}'",
            field="role",
        )
    return text


def _full_name(value: object) -> str:
    return clean_text(
        value, field="full_name", label="The full name", max_len=FULL_NAME_MAX, required=False
    )


def _password(value: object, username: str, field: str = "password") -> str:
    if not isinstance(value, str):
        raise ValidationError("a password must be text", field=field)
    if len(value) > PASSWORD_MAX:
        raise ValidationError(
            f"a password is at most {PASSWORD_MAX} characters; this one has {len(value)}",
            field=field,
        )
    if "\x00" in value:
        raise ValidationError("a password cannot contain a NUL character", field=field)
    try:
        auth.validate_password(value, username)
    except ValidationError as exc:
        raise ValidationError(exc.message, field=field) from None
    return value


def _username(value: object) -> str:
    if not isinstance(value, str):
        raise ValidationError("a staff name must be text", field="username")
    return auth.validate_username(value)


def _require_current_admin(uow: UnitOfWork, ctx: CounterContext) -> None:
    """The caller's context says ADMIN; the database must agree (an account demoted or
    deactivated by another administrator a moment ago manages nothing)."""
    if ctx.staff_id is None:
        return  # the system context (seed, tests)
    me = uow.config.staff_row(ctx.staff_id)
    if me is None or not me.active or me.role != Role.ADMIN.value:
        raise PermissionDenied(
            f"{ctx.username} is no longer an active administrator; sign in again"
        )


def _target(uow: UnitOfWork, staff_id: object, *, lock: bool = False) -> StaffRow:
    if not valid_id(staff_id):
        raise NotFound(f"there is no staff member {staff_id!r}")
    assert isinstance(staff_id, int)
    row = uow.config.staff_row(staff_id, lock=lock)
    if row is None:
        raise NotFound(f"staff member {staff_id} does not exist (any more)")
    return row


# --------------------------------------------------------------------------- reading


def list_staff(box: BoxOffice, ctx: CounterContext) -> list[StaffRow]:
    require_admin(ctx, "Listing staff accounts")
    with box.uows() as uow:
        return uow.config.staff_rows()


# --------------------------------------------------------------------------- creating


def create_staff(box: BoxOffice, ctx: CounterContext, data: NewStaffInput) -> StaffRow:
    require_admin(ctx, "Adding staff")
    username = _username(data.username)
    full_name = _full_name(data.full_name)
    role = _role(data.role)
    password = _password(data.password, username)
    with box.uows() as uow:  # a friendly early refusal before the slow hash
        if uow.staff.by_username(username) is not None:
            raise ValidationError(
                f"there is already a staff member called {username}", field="username"
            )
    password_hash = auth.hash_password(box, password)
    now = box.now()
    with box.uows(write=True, label=ctx.counter) as uow:
        _require_current_admin(uow, ctx)
        if uow.staff.by_username(username) is not None:
            raise ValidationError(
                f"there is already a staff member called {username}", field="username"
            )
        staff_id = uow.config.add_staff(
            username=username,
            full_name=full_name,
            role=role,
            password_hash=password_hash,
            must_change_password=bool(data.must_change_password),
            now=now,
        )
        row = _target(uow, staff_id)
        audit_change(
            uow,
            ctx,
            now,
            action="STAFF_ADDED",
            entity="staff",
            entity_id=username,
            after={**_values(row), "must_change_password": row.must_change_password},
        )
        uow.commit()
    return row


# --------------------------------------------------------------------------- changing


def update_staff(
    box: BoxOffice, ctx: CounterContext, staff_id: int, data: StaffEditInput
) -> StaffRow:
    """Change the full name, the role or whether the account is active."""
    require_admin(ctx, "Changing a staff account")
    full_name = _full_name(data.full_name)
    role = _role(data.role)
    active = data.active
    if not isinstance(active, bool):
        raise ValidationError("say whether the account is active", field="active")
    now = box.now()
    with box.uows(write=True, label=ctx.counter) as uow:
        # Lock the active administrators first (PostgreSQL): two admins demoting each other
        # queue here, and the second then sees the first one's change.
        uow.config.lock_active_admins()
        _require_current_admin(uow, ctx)
        before = _target(uow, staff_id, lock=True)
        demoting = Role(role).rank < Role(before.role).rank
        if staff_id == ctx.staff_id and (demoting or (before.active and not active)):
            raise PermissionDenied(
                "you cannot demote or deactivate your own account; ask another administrator"
            )
        changed = uow.config.update_staff_guarded(
            staff_id, full_name=full_name, role=role, active=active
        )
        if not changed:
            raise InvalidState(
                f"{before.username} is the last active administrator: make another account an "
                "administrator first"
            )
        after = _target(uow, staff_id)
        if _values(before) != _values(after):
            action = "STAFF_CHANGED"
            if before.active != after.active:
                action = "STAFF_DEACTIVATED" if not after.active else "STAFF_REACTIVATED"
            elif before.role != after.role:
                action = "STAFF_ROLE_CHANGED"
            audit_change(
                uow,
                ctx,
                now,
                action=action,
                entity="staff",
                entity_id=before.username,
                before=_values(before),
                after=_values(after),
            )
            uow.commit()
    return after


def _current(box: BoxOffice, staff_id: int) -> StaffRow:
    with box.uows() as uow:
        return _target(uow, staff_id)


def set_staff_role(
    box: BoxOffice, ctx: CounterContext, staff_id: int, role: Role | str
) -> StaffRow:
    require_admin(ctx, "Changing a staff member's role")
    row = _current(box, staff_id)
    return update_staff(box, ctx, staff_id, StaffEditInput(row.full_name, str(role), row.active))


def set_staff_active(box: BoxOffice, ctx: CounterContext, staff_id: int, active: bool) -> StaffRow:
    require_admin(ctx, "Deactivating a staff account" if not active else "Reactivating one")
    row = _current(box, staff_id)
    return update_staff(box, ctx, staff_id, StaffEditInput(row.full_name, row.role, active))


def reset_password(
    box: BoxOffice, ctx: CounterContext, staff_id: int, new_password: str
) -> StaffRow:
    """A temporary password the person must change at their next sign-in; also unlocks."""
    require_admin(ctx, "Resetting a password")
    target = _current(box, staff_id)
    password = _password(new_password, target.username)
    password_hash = auth.hash_password(box, password)
    now = box.now()
    with box.uows(write=True, label=ctx.counter) as uow:
        _require_current_admin(uow, ctx)
        before = _target(uow, staff_id, lock=True)
        uow.config.set_password(staff_id, password_hash, must_change=True)
        after = _target(uow, staff_id)
        audit_change(
            uow,
            ctx,
            now,
            action="PASSWORD_RESET",
            entity="staff",
            entity_id=before.username,
            before={"must_change_password": before.must_change_password, "locked": _locked(before)},
            after={"must_change_password": True, "locked": False},
        )
        uow.commit()
    return after


def _locked(row: StaffRow) -> bool:
    return row.failed_logins > 0 or row.locked_until is not None


def unlock_staff(box: BoxOffice, ctx: CounterContext, staff_id: int) -> StaffRow:
    """Clear a locked-out name's failed sign-ins (refused when it is not locked)."""
    require_admin(ctx, "Unlocking a staff account")
    now = box.now()
    with box.uows(write=True, label=ctx.counter) as uow:
        _require_current_admin(uow, ctx)
        before = _target(uow, staff_id, lock=True)
        if not uow.config.unlock_staff(staff_id):
            raise InvalidState(f"{before.username} is not locked out")
        after = _target(uow, staff_id)
        audit_change(
            uow,
            ctx,
            now,
            action="STAFF_UNLOCKED",
            entity="staff",
            entity_id=before.username,
            before={"failed_logins": before.failed_logins, "locked_until": before.locked_until},
            after={"failed_logins": 0, "locked_until": None},
        )
        uow.commit()
    return after


# --------------------------------------------------------------------------- own password


def change_password(box: BoxOffice, username: str, old: str, new: str) -> StaffView:
    """The person sets a new password, proving the old one (after a reset: the temporary one).
    Wrong old passwords count towards the lockout, as at sign-in. Returns who they are, with
    ``must_change_password`` cleared."""
    if not isinstance(username, str) or not isinstance(old, str):
        raise AuthenticationFailed(auth.BAD_LOGIN)
    name = username.strip().lower()
    now = box.now()
    with box.uows() as uow:
        staff = uow.staff.by_username(name) if len(name) <= 40 else None
    if staff is None:
        raise AuthenticationFailed(auth.BAD_LOGIN)
    if staff.locked_until is not None and staff.locked_until > now:
        raise AccountLocked(
            f"{staff.username} is locked after too many failed sign-ins; try again later",
            int((staff.locked_until - now).total_seconds()),
        )
    try:
        _VERIFIER.verify(staff.password_hash, old)
    except (VerificationError, InvalidHashError):
        _record_failure(box, staff.staff_id, staff.username)
        raise AuthenticationFailed("the current password is wrong") from None
    if not staff.active:
        raise AuthenticationFailed(f"{staff.username}'s account is disabled")
    password = _password(new, staff.username, field="new_password")
    if password == old:
        raise ValidationError(
            "the new password must be different from the current one", field="new_password"
        )
    password_hash = auth.hash_password(box, password)
    with box.uows(write=True, label="sign-in") as uow:
        if not uow.config.set_password(
            staff.staff_id, password_hash, must_change=False, expected_hash=staff.password_hash
        ):
            raise InvalidState("the password was changed a moment ago; sign in again")
        add_audit_event(
            uow,
            at=now,
            action="PASSWORD_CHANGED",
            username=staff.username,
            staff_id=staff.staff_id,
            counter="sign-in",
            entity="staff",
            entity_id=staff.username,
            details={
                "before": {"must_change_password": staff.must_change_password},
                "after": {"must_change_password": False},
            },
        )
        uow.commit()
    view = staff.view()
    return StaffView(view.staff_id, view.username, view.full_name, view.role, view.active, False)


def _record_failure(box: BoxOffice, staff_id: int, username: str) -> None:
    now = box.now()
    with contextlib.suppress(Exception), box.uows(write=True, label="sign-in") as uow:
        cfg = load_settings(uow)
        failures = uow.staff.record_failure(
            staff_id,
            lock_after=cfg.lockout_attempts,
            locked_until=now + timedelta(minutes=cfg.lockout_minutes),
        )
        add_audit_event(
            uow,
            at=now,
            action="PASSWORD_CHANGE_FAILED",
            username=username,
            staff_id=staff_id,
            counter="sign-in",
            entity="staff",
            entity_id=username,
            details={"failures": failures},
        )
        uow.commit()


__all__ = [
    "change_password",
    "create_staff",
    "list_staff",
    "reset_password",
    "set_staff_active",
    "set_staff_role",
    "unlock_staff",
    "update_staff",
]
