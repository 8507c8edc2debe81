"""The SQLAlchemy unit of work: one Connection, one transaction, Core statements.

Write units of work on SQLite begin with ``BEGIN IMMEDIATE`` (see ``engine.py``); the time spent
in that BEGIN is the lock wait a learner sees. On PostgreSQL a write unit of work sets
``lock_timeout`` for itself (``SET LOCAL``), and row locks are taken by ``SELECT ... FOR UPDATE``.

Faults (issue 13):

* every driver error that leaves a unit of work is a ``StorageError`` with a plain message
  (``errors.py``): statements, commit, and a catch-all in ``__exit__`` for anything a repository
  let through (an IntegrityError nobody expected, an error met while fetching rows);
* a unit of work that cannot connect (or whose pooled connection turns out dead at BEGIN) is
  made again, with backoff, for up to ``ReconnectPolicy.window_s``; one that loses its connection
  while only plain reads ran begins again on a new connection and repeats the lost read
  (``HotPath.recover``). PostgreSQL's pool also pings a connection at checkout once it has been
  idle for ``engine.PING_IF_IDLE_S`` (a server restarted meanwhile has closed it): it hides a
  dead pooled connection from code that uses a connection directly (migrations, integrity
  checks). Pinging at every checkout (``pool_pre_ping``) cost three of the 24 round trips of a
  sale with 8 clerks racing;
* a commit whose connection was lost on its way is ``OutcomeUnknown`` (PostgreSQL: the server may
  have committed), never repeated: the services fill in what to look up (``services/outcomes``).
  The connection lost before anything was written is ``StorageUnavailable``: nothing changed.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import TracebackType

from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError

from bms_desktop.domain.errors import DomainError
from bms_desktop.persistence.engine import SESSION_LOCK_TIMEOUT_MS, Engines
from bms_desktop.persistence.errors import LOST_MESSAGE, translate_driver_error, translate_error
from bms_desktop.persistence.hotpath import HotPath
from bms_desktop.persistence.reconnect import ReconnectPolicy
from bms_desktop.persistence.repo_admin import SqlAdminRepository
from bms_desktop.persistence.repo_admin_b import SqlAdminConfigRepository
from bms_desktop.persistence.repo_catalog import SqlCatalogRepository
from bms_desktop.persistence.repo_door import SqlAdmissionRepository
from bms_desktop.persistence.repo_reports import SqlReportRepository
from bms_desktop.persistence.repo_shifts import SqlShiftRepository
from bms_desktop.persistence.repo_staff import (
    SqlAuditRepository,
    SqlSettingsRepository,
    SqlStaffRepository,
)
from bms_desktop.persistence.repositories import SqlBookingRepository, SqlQueryRepository
from bms_desktop.services.health import ConnectionHealth
from bms_desktop.services.ports import (
    OutcomeUnknown,
    StorageUnavailable,
    UnitOfWork,
    UnitOfWorkFactory,
)

log = logging.getLogger(__name__)

DEFAULT_LOCK_TIMEOUT_MS = SESSION_LOCK_TIMEOUT_MS  # every PostgreSQL session starts with it
UNKNOWN_MESSAGE = (
    "The connection to the database was lost while this was being saved: it may or may not "
    "have been saved. Nothing will be repeated; it is looked up when the database is back."
)

# Test seam (``SqlUnitOfWorkFactory.fault_hook``): called with "before_commit" / "after_commit"
# and the unit of work; may break the connection or raise the driver error a lost reply gives.
FaultHook = Callable[[str, "SqlUnitOfWork"], None]


class SqlUnitOfWork(UnitOfWork):
    def __init__(
        self,
        engines: Engines,
        *,
        write: bool,
        lock_timeout_ms: int | None,
        label: str,
        reconnect: ReconnectPolicy | None = None,
        health: ConnectionHealth | None = None,
        fault_hook: FaultHook | None = None,
        deferred: bool = False,
    ) -> None:
        self.dialect = engines.dialect
        self.label = label
        self.write = write
        self._health = health
        self._fault_hook = fault_hook
        self._conn: Connection | None = None
        # A read unit of work only reads (on PostgreSQL in autocommit: engine.Engines.reads); a
        # deferred write begins without the write lock (SQLite: plain BEGIN), the naive
        # strategy's trap.
        engine = (engines.read if deferred else engines.write) if write else engines.reads
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
            reconnect=reconnect,
            health=health,
            reads_only=not write,
        )
        try:
            hot.begin()
        except BaseException:
            hot.close()
            with contextlib.suppress(Exception):  # a dead connection: the pool lets it go
                conn.close()
            raise
        # On SQLite this is the wait for the database write lock (BEGIN IMMEDIATE).
        self.lock_wait_ms = (time.perf_counter() - t0) * 1000.0
        self._conn = conn
        self._hot = hot
        self._engine = engine
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
        hook = self._fault_hook
        try:
            if hook is not None:
                hook("before_commit", self)
            conn.commit()
            if hook is not None:
                hook("after_commit", self)
        except DBAPIError as exc:
            raise self._commit_error(exc) from exc

    def _commit_error(self, exc: DBAPIError) -> Exception:
        translated = translate_error(exc)
        if not isinstance(translated, StorageUnavailable):
            return translated  # refused: rolled back, nothing was saved
        if self._health is not None:
            self._health.lost()
        if not self._hot.wrote:
            return StorageUnavailable(LOST_MESSAGE)  # nothing was written: nothing to lose
        if self.dialect == "sqlite":
            # An embedded database: a closed connection never ran the COMMIT, and SQLite rolls
            # back what a closed connection left uncommitted.
            return StorageUnavailable(LOST_MESSAGE)
        return OutcomeUnknown(UNKNOWN_MESSAGE)

    def rollback(self) -> None:
        conn = self._conn
        if conn is None or not conn.in_transaction():
            return
        try:
            conn.rollback()
        except DBAPIError as exc:
            if not exc.connection_invalidated:
                raise translate_error(exc) from exc
            # The connection is gone, and the server rolled the transaction back with it.

    def close(self) -> None:
        if self._conn is not None:
            self._hot.close()
            conn, self._conn = self._conn, None
            try:
                conn.close()
            except Exception:  # a dead connection's reset; the pool has already let it go
                log.debug("closing a unit of work's connection failed", exc_info=True)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if exc is None:
                self.rollback()
            else:
                with contextlib.suppress(Exception):  # the error that brought us here matters
                    self.rollback()
        finally:
            self.close()
        if exc is not None and not isinstance(exc, DomainError) and self._is_driver_error(exc):
            # A driver error nobody translated (an unexpected constraint, an error met while
            # fetching rows): the person gets its plain meaning, the log gets the driver's words.
            raise translate_driver_error(exc) from exc

    def _is_driver_error(self, exc: BaseException) -> bool:
        if isinstance(exc, DBAPIError):
            return True
        dbapi_error = getattr(self._engine.dialect.loaded_dbapi, "Error", None)
        return dbapi_error is not None and isinstance(exc, dbapi_error)

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
    """Units of work on one database. ``reconnect``: how long a unit of work waits for a database
    that cannot be reached; ``health``: told of every loss and return (the GUI's connection
    monitor listens); ``fault_hook``: tests only (see ``FaultHook``)."""

    def __init__(
        self,
        engines: Engines,
        *,
        reconnect: ReconnectPolicy | None = None,
        health: ConnectionHealth | None = None,
    ) -> None:
        self.engines = engines
        self.dialect = engines.dialect
        self.reconnect = reconnect if reconnect is not None else ReconnectPolicy()
        self.health = health if health is not None else ConnectionHealth()
        self.fault_hook: FaultHook | None = None

    def __call__(
        self,
        *,
        write: bool = False,
        lock_timeout_ms: int | None = None,
        label: str = "",
        deferred: bool = False,
    ) -> SqlUnitOfWork:
        engines, policy, health, hook = self.engines, self.reconnect, self.health, self.fault_hook

        def attempt() -> SqlUnitOfWork:
            return SqlUnitOfWork(
                engines,
                write=write,
                lock_timeout_ms=lock_timeout_ms,
                label=label,
                reconnect=policy,
                health=health,
                fault_hook=hook,
                deferred=deferred,
            )

        return policy.run(attempt, health)

    def probe(self) -> None:
        """One cheap round trip, no waiting: StorageUnavailable if the database does not answer
        now (the connection monitor's probe). Health hears either way."""
        for attempt in (1, 2):  # a pooled connection found dead is replaced by the second
            try:
                with SqlUnitOfWork(
                    self.engines, write=False, lock_timeout_ms=None, label="probe"
                ) as uow:
                    uow.connection.exec_driver_sql("SELECT 1").scalar()
            except StorageUnavailable:
                if attempt == 2:
                    self.health.lost()
                    raise
            else:
                break
        if self.health.lost_since is not None:
            self.health.restored()

    def dispose(self) -> None:
        self.engines.dispose()
