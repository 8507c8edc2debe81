"""Who works here and what they did: the staff table (sign-in, lockout, passwords), the
append-only audit log and the box office's settings (``app_meta``).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import (
    case,
    func,
    insert,
    select,
    true,
    update,
)
from sqlalchemy.dialects import postgresql as pg_dialect
from sqlalchemy.dialects import sqlite as sqlite_dialect

from bms_desktop.persistence import tables as t
from bms_desktop.persistence.repo_base import SqlRepo
from bms_desktop.services.ports import (
    AuditRecord,
    AuditRepository,
    SettingsRepository,
    StaffRecord,
    StaffRepository,
)

ST = t.metadata.tables["staff"]
AU = t.metadata.tables["audit_events"]
AM = t.metadata.tables["app_meta"]


_STAFF_COLS = (
    ST.c.id,
    ST.c.username,
    ST.c.full_name,
    ST.c.role,
    ST.c.password_hash,
    ST.c.active,
    ST.c.failed_logins,
    ST.c.locked_until,
    ST.c.must_change_password,  # issue 8 (admin-B)
)


def _staff(r: Any) -> StaffRecord:
    return StaffRecord(r[0], r[1], r[2], r[3], r[4], bool(r[5]), r[6], r[7], bool(r[8]))


class SqlStaffRepository(SqlRepo, StaffRepository):
    def by_username(self, username: str) -> StaffRecord | None:
        row = self._exec(
            select(*_STAFF_COLS).where(func.lower(ST.c.username) == username.strip().lower())
        ).first()
        return None if row is None else _staff(row)

    def by_id(self, staff_id: int) -> StaffRecord | None:
        row = self._exec(select(*_STAFF_COLS).where(ST.c.id == staff_id)).first()
        return None if row is None else _staff(row)

    def add(
        self, username: str, full_name: str, role: str, password_hash: str, now: datetime
    ) -> int:
        stmt = (
            insert(ST)
            .values(
                username=username,
                full_name=full_name,
                role=role,
                password_hash=password_hash,
                active=True,
                failed_logins=0,
                created_at=now,
            )
            .returning(ST.c.id)
        )
        return int(self._exec(stmt).scalar_one())

    def count_admins(self) -> int:
        stmt = (
            select(func.count()).select_from(ST).where(ST.c.role == "ADMIN", ST.c.active == true())
        )
        return int(self._exec(stmt).scalar_one())

    def count(self) -> int:
        return int(self._exec(select(func.count()).select_from(ST)).scalar_one())

    def record_failure(self, staff_id: int, *, lock_after: int, locked_until: datetime) -> int:
        row = self._exec(
            update(ST)
            .where(ST.c.id == staff_id)
            .values(
                failed_logins=ST.c.failed_logins + 1,
                locked_until=case(
                    (ST.c.failed_logins + 1 >= lock_after, locked_until),
                    else_=ST.c.locked_until,
                ),
            )
            .returning(ST.c.failed_logins)
        ).first()
        return 0 if row is None else int(row[0])

    def record_success(self, staff_id: int) -> None:
        self._exec(update(ST).where(ST.c.id == staff_id).values(failed_logins=0, locked_until=None))

    def set_password_hash(self, staff_id: int, password_hash: str) -> None:
        self._exec(update(ST).where(ST.c.id == staff_id).values(password_hash=password_hash))


# --------------------------------------------------------------------------- audit, settings


class SqlAuditRepository(SqlRepo, AuditRepository):
    def add(self, record: AuditRecord) -> None:
        self.hot.add_audit(record)

    def recent(self, limit: int = 100) -> list[AuditRecord]:
        rows = self._exec(select(AU).order_by(AU.c.id.desc()).limit(limit))
        return [
            AuditRecord(
                at=r.at,
                action=r.action,
                username=r.username,
                staff_id=r.staff_id,
                counter=r.counter,
                entity=r.entity,
                entity_id=r.entity_id,
                show_id=r.show_id,
                details=json.loads(r.details or "{}"),
            )
            for r in rows
        ]


class SqlSettingsRepository(SqlRepo, SettingsRepository):
    def get(self, key: str) -> str | None:
        row = self._exec(select(AM.c.value).where(AM.c.key == key)).first()
        return None if row is None else str(row[0])

    def put(self, key: str, value: str) -> None:
        ins = sqlite_dialect.insert(AM) if self.dialect == "sqlite" else pg_dialect.insert(AM)
        self._exec(
            ins.values(key=key, value=value).on_conflict_do_update(
                index_elements=[AM.c.key], set_={"value": value}
            )
        )

    def put_once(self, key: str, value: str) -> bool:
        ins = sqlite_dialect.insert(AM) if self.dialect == "sqlite" else pg_dialect.insert(AM)
        stmt = ins.values(key=key, value=value).on_conflict_do_nothing().returning(AM.c.key)
        return self._exec(stmt).first() is not None

    def all(self) -> dict[str, str]:
        return self.hot.settings_all()


__all__ = ["SqlAuditRepository", "SqlSettingsRepository", "SqlStaffRepository"]
