"""The SQLAlchemy unit of work: one Connection, one transaction, Core statements.

Write units of work on SQLite begin with ``BEGIN IMMEDIATE`` (see ``engine.py``); the time spent
in that BEGIN is the lock wait a learner sees. On PostgreSQL a write unit of work sets
``lock_timeout`` for itself (``SET LOCAL``), and row locks are taken by ``SELECT ... FOR UPDATE``.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError

from bms_desktop.persistence.engine import Engines
from bms_desktop.persistence.hotpath import HotPath
from bms_desktop.persistence.repo_admin import SqlAdminRepository
from bms_desktop.persistence.repo_admin_b import SqlAdminConfigRepository
from bms_desktop.persistence.repo_door import SqlAdmissionRepository
from bms_desktop.persistence.repo_reports import SqlReportRepository
from bms_desktop.persistence.repo_shifts import SqlShiftRepository
from bms_desktop.persistence.repositories import (
    SqlAuditRepository,
    SqlBookingRepository,
    SqlCatalogRepository,
    SqlQueryRepository,
    SqlSettingsRepository,
    SqlStaffRepository,
    translate_error,
)
from bms_desktop.services.ports import StorageBusy, UnitOfWork, UnitOfWorkFactory

DEFAULT_LOCK_TIMEOUT_MS = 5000


class SqlUnitOfWork(UnitOfWork):
    def __init__(
        self, engines: Engines, *, write: bool, lock_timeout_ms: int | None, label: str
    ) -> None:
        self.dialect = engines.dialect
        self.label = label
        self._conn: Connection | None = None
        engine = engines.write if write else engines.read
        t0 = time.perf_counter()
        try:
            conn = engine.connect()
        except DBAPIError as exc:
            raise translate_error(exc) from exc
        # One hot path per unit of work: the sale's statements on this connection's DBAPI cursor,
        # inside the transaction that ``conn`` owns (hotpath.py). It also begins the transactions:
        # this first one, and a new one when the unit of work is used after commit or rollback.
        hot = HotPath(
            conn,
            self.dialect,
            lock_timeout_ms=(lock_timeout_ms or DEFAULT_LOCK_TIMEOUT_MS) if write else None,
        )
        try:
            hot.begin()
        except BaseException:
            hot.close()
            conn.close()
            raise
        # On SQLite this is the wait for the database write lock (BEGIN IMMEDIATE).
        self.lock_wait_ms = (time.perf_counter() - t0) * 1000.0
        self._conn = conn
        self._hot = hot
        self.booking = SqlBookingRepository(conn, self.dialect, hot)
        self.queries = SqlQueryRepository(conn, self.dialect, hot)
        self.catalog = SqlCatalogRepository(conn, self.dialect, hot)
        self.staff = SqlStaffRepository(conn, self.dialect, hot)
        self.audit = SqlAuditRepository(conn, self.dialect, hot)
        self.settings = SqlSettingsRepository(conn, self.dialect, hot)
        self.admin = SqlAdminRepository(conn, self.dialect, hot)
        self.shifts = SqlShiftRepository(conn, self.dialect, hot)
        self.door = SqlAdmissionRepository(conn, self.dialect, hot)
        self.reports = SqlReportRepository(conn, self.dialect, hot)
        self.config = SqlAdminConfigRepository(conn, self.dialect, hot)

    @property
    def connection(self) -> Connection:
        assert self._conn is not None, "unit of work already closed"
        return self._conn

    def commit(self) -> None:
        conn = self.connection
        try:
            conn.commit()
        except DBAPIError as exc:
            raise translate_error(exc) from exc

    def rollback(self) -> None:
        if self._conn is not None and self._conn.in_transaction():
            self._conn.rollback()

    def close(self) -> None:
        if self._conn is not None:
            self._hot.close()
            self._conn.close()
            self._conn = None

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        self._hot.ensure_transaction()
        nested = self.connection.begin_nested()
        try:
            yield
        except BaseException:
            if nested.is_active:
                nested.rollback()
            raise
        else:
            nested.commit()


class SqlUnitOfWorkFactory(UnitOfWorkFactory):
    def __init__(self, engines: Engines) -> None:
        self.engines = engines
        self.dialect = engines.dialect

    def __call__(
        self, *, write: bool = False, lock_timeout_ms: int | None = None, label: str = ""
    ) -> SqlUnitOfWork:
        try:
            return SqlUnitOfWork(
                self.engines, write=write, lock_timeout_ms=lock_timeout_ms, label=label
            )
        except StorageBusy:
            raise

    def dispose(self) -> None:
        self.engines.dispose()
