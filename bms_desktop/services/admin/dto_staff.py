"""DTOs of the staff area (admin-B)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class StaffRow:
    staff_id: int
    username: str
    full_name: str
    role: str
    active: bool
    failed_logins: int
    locked_until: datetime | None
    must_change_password: bool
    created_at: datetime

    def locked(self, now: datetime) -> bool:
        return self.locked_until is not None and self.locked_until > now


@dataclass(frozen=True, slots=True)
class NewStaffInput:
    username: str
    full_name: str
    role: str
    password: str = field(repr=False)
    must_change_password: bool = True  # the first sign-in asks for a password of their own


@dataclass(frozen=True, slots=True)
class StaffEditInput:
    full_name: str
    role: str
    active: bool = True
