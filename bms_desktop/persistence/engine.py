"""One engine factory for SQLite (embedded, default) and PostgreSQL (psycopg 3).

SQLite recipe (DESIGN.md section 4, measured on this kind of machine):

* pysqlite's own transaction handling is switched off (``isolation_level = None`` in a ``connect``
  event) so that SQLAlchemy's ``begin`` event can emit the BEGIN itself;
* write units of work emit ``BEGIN IMMEDIATE``: the database write lock is taken before the first
  read, so a read-then-write never fails with "database is locked" (a deferred transaction that
  reads and then writes while another connection writes fails at once, whatever busy_timeout says);
* read units of work emit a plain (deferred) ``BEGIN`` and never block a writer;
* WAL, ``synchronous=NORMAL``, ``busy_timeout``, ``foreign_keys=ON`` on every connection.

The mode is chosen per connection with the execution option ``bms_begin``:
``engine.execution_options(bms_begin="IMMEDIATE")`` gives a write engine sharing the same pool.
"""

from __future__ import annotations

import random
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.engine.interfaces import DBAPICursor
from sqlalchemy.exc import ArgumentError, DisconnectionError
from sqlalchemy.pool import NullPool

from bms_desktop.persistence.checkpoints import (
    CHECKPOINT_EVERY_COMMITS,
    SAFETY_AUTOCHECKPOINT_PAGES,
    Checkpoints,
)
from bms_desktop.persistence.writer_queue import OwnLine, WriterQueue

BUSY_TIMEOUT_MS = 5000
SUPPORTED_SCHEMES = ("sqlite", "postgresql")


class DatabaseUrlError(ValueError):
    """The --db URL cannot be used; the message says what to do."""


@dataclass(frozen=True)
class Engines:
    """A read engine (deferred BEGIN), a write engine (BEGIN IMMEDIATE on SQLite) and the engine
    of read units of work (``reads``).

    ``reads`` is the read engine on SQLite. On PostgreSQL it is the same pool in autocommit: a
    read unit of work only reads (``HotPath`` refuses anything else), and under READ COMMITTED
    every statement takes its own snapshot, in a transaction or not, so BEGIN and the closing
    ROLLBACK were two round trips that bought nothing (a glance at a few seats: 3 round trips,
    now 1). Code that connects directly (migrations, integrity checks) uses ``read``."""

    read: Engine
    write: Engine
    dialect: str  # "sqlite" | "postgresql"
    url: str
    reads: Engine

    def dispose(self) -> None:
        self.read.dispose()
        queue = self.write.get_execution_options().get("bms_writer_queue")
        if isinstance(queue, WriterQueue):  # SQLite: the checkpoint thread's connection too
            Checkpoints.release(queue.database_path)


def parse_db_url(raw: str) -> URL:
    """Parse and normalise a database URL; refuse anything we do not support."""
    try:
        url = make_url(raw)
    except ArgumentError as exc:
        raise DatabaseUrlError(
            f"'{raw}' is not a database URL; use sqlite:///path/to/file.db or "
            "postgresql://user@host/dbname"
        ) from exc
    backend = url.get_backend_name()
    if backend not in SUPPORTED_SCHEMES:
        raise DatabaseUrlError(
            f"unsupported database scheme '{url.drivername}'; use sqlite:///path/to/file.db "
            "or postgresql://user@host/dbname"
        )
    if backend == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    elif backend == "sqlite":
        if url.drivername not in ("sqlite", "sqlite+pysqlite"):
            raise DatabaseUrlError(f"unsupported SQLite driver '{url.drivername}'; use sqlite:///")
        if not url.database or url.database == ":memory:":
            raise DatabaseUrlError(
                "an in-memory SQLite database cannot be shared between counters; "
                "give a file: sqlite:///path/to/file.db"
            )
    return url


def sqlite_path(url: URL) -> Path:
    assert url.database
    return Path(url.database).expanduser()


def _sqlite_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
    # Let SQLAlchemy's "begin" event emit BEGIN; pysqlite must not issue its own.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    try:
        cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA synchronous = NORMAL")
        cur.execute("PRAGMA foreign_keys = ON")
        # In a commit only as a safety net: checkpoints run out of the writers' line
        # (checkpoints.py, LineConnection.commit).
        cur.execute(f"PRAGMA wal_autocheckpoint = {SAFETY_AUTOCHECKPOINT_PAGES}")
    finally:
        cur.close()


def _sqlite_begin(conn: Connection) -> None:
    options = conn.get_execution_options()
    if options.get("bms_begin", "DEFERRED") == "IMMEDIATE":
        _begin_immediate(conn, options.get("bms_writer_queue"))
    else:
        _begin_deferred(conn)


def _begin_deferred(conn: Connection) -> None:
    """A read transaction: BEGIN on the DBAPI connection itself (through SQLAlchemy's execution
    machinery this one statement cost 20-30 us, on every read). Should it fail, the retry goes
    through SQLAlchemy, so that the error surfaces as the usual wrapped DBAPIError."""
    dbapi_conn = conn.connection.dbapi_connection
    assert dbapi_conn is not None
    try:
        dbapi_conn.execute("BEGIN")
    except sqlite3.Error:
        conn.exec_driver_sql("BEGIN")


# Waiting for the write lock. SQLite's own busy handler (busy_timeout) sleeps in growing steps of
# 1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50, 100 ms: a waiter sleeps through many releases while the
# counter that holds the lock takes it again at once. Measured with 8 processes racing for one
# 600-seat show (bench/bench_race.py): lock wait p99 440-860 ms and one clerk starved for the
# whole race. So BEGIN IMMEDIATE polls for the lock itself, with the busy handler off, until
# BUSY_TIMEOUT_MS; the last try goes through SQLAlchemy so a timeout surfaces as the usual
# OperationalError ("database is locked" -> StorageBusy).
#
# Who polls: every write transaction first gets in line (writer_queue.py: a ticket and a place
# on a file beside the database, the wait in the kernel) and keeps its place until it ends
# (LineConnection), so the first in line normally finds the lock free. It polls only when some
# writer outside the line holds it, every 0.075-0.15 ms for its first 20 ms, then less and less
# often. Before the line, seven waiters polling every 0.1-2 ms took the CPU from the counter
# holding the lock and won in no order (8 processes, 2 cores: p99 of a sale 41-42 ms; now
# 22-30 ms). Without a place of its own (a transaction nested in this thread's, no fcntl as on
# Windows) a waiter polls every 0.1-2 ms (doubling, jittered), behind the older flock line.
WRITE_POLL_FIRST_S = 0.0002
WRITE_POLL_MAX_S = 0.002
FIRST_IN_LINE_POLL_S = 0.00015
FIRST_IN_LINE_FAST_S = 0.020


def _try_begin_immediate(cur: DBAPICursor) -> bool | None:
    """True: the write lock is ours; False: another connection has it; None: another error (the
    last try through SQLAlchemy raises it)."""
    try:
        cur.execute("BEGIN IMMEDIATE")
        return True
    except sqlite3.OperationalError as exc:
        text = str(exc).lower()
        return False if "locked" in text or "busy" in text else None


class LineConnection(sqlite3.Connection):
    """A SQLite connection that stays first in the writers' line for its write transaction.

    ``_begin_immediate`` makes it first in line (``writer_queue.OwnLine``: a file lock waited for
    in the kernel) before ``BEGIN IMMEDIATE``; the DBAPI ``commit``, ``rollback`` and ``close``
    leave the line right after the transaction has ended, so that the next writer is woken by
    the kernel as the database lock frees, instead of polling for it while this one works.
    """

    own_line: OwnLine | None = None
    queue: WriterQueue | None = None

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self.leave_line()
        queue = self.queue
        if queue is not None:  # out of line now: every so often, a checkpoint (checkpoints.py)
            queue.commits += 1
            if queue.commits % CHECKPOINT_EVERY_COMMITS == 0:
                Checkpoints.request(queue.database_path)

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self.leave_line()

    def close(self) -> None:
        try:
            super().close()
        finally:
            line, self.own_line = self.own_line, None
            if line is not None:
                line.close()

    def take_line(self, queue: WriterQueue) -> bool:
        """First in line (True), or no line for this transaction (False: poll for the lock)."""
        self.queue = queue
        if self.own_line is None:
            self.own_line = queue.open_own()
        return self.own_line is not None and self.own_line.take()

    def leave_line(self) -> None:
        if self.own_line is not None:
            self.own_line.leave()


def _begin_immediate(conn: Connection, queue: WriterQueue | None) -> None:
    dbapi_conn = conn.connection.dbapi_connection
    assert dbapi_conn is not None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA busy_timeout = 0")
    place: int | None = None
    first = False
    began = False
    try:
        deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
        if (
            queue is not None
            and isinstance(dbapi_conn, LineConnection)
            and dbapi_conn.take_line(queue)
        ):
            # In line, first come first served (writer_queue.OwnLine), until this transaction
            # ends: the ones behind sleep in the kernel, and the next is woken as this commits.
            first = True
            deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000  # the lock's own wait from now
            outcome = _try_begin_immediate(cur)
        else:  # no place of its own (nested in this thread's transaction, or no such locks)
            outcome = _try_begin_immediate(cur)  # free: no line, no wait
            if outcome is False and queue is not None:
                place = queue.wait_first(deadline - time.monotonic())
                first = place is not None
                if first:
                    outcome = _try_begin_immediate(cur)  # first in line: it may be free by now
        if first:
            pause = FIRST_IN_LINE_POLL_S
            fast_until = time.monotonic() + FIRST_IN_LINE_FAST_S
        else:
            pause = WRITE_POLL_FIRST_S
            fast_until = 0.0
        while outcome is False and time.monotonic() <= deadline:
            time.sleep(random.uniform(pause / 2, pause))
            if time.monotonic() > fast_until:
                pause = min(pause * 2, WRITE_POLL_MAX_S)
            outcome = _try_begin_immediate(cur)
        if not outcome:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        began = True
    finally:
        if place is not None:
            WriterQueue.leave(place)
        if not began and isinstance(dbapi_conn, LineConnection):
            dbapi_conn.leave_line()
        cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cur.close()


def create_engines(raw_url: str, *, pool_size: int = 5, echo: bool = False) -> Engines:
    url = parse_db_url(raw_url)
    backend = url.get_backend_name()
    if backend == "sqlite":
        connect_args: dict[str, Any] = {
            "check_same_thread": False,
            "timeout": BUSY_TIMEOUT_MS / 1000,
            "factory": LineConnection,
        }
        # Python 3.12+: keep the legacy transaction control the recipe relies on
        # (autocommit=False would make pysqlite open transactions itself).
        if hasattr(sqlite3, "LEGACY_TRANSACTION_CONTROL"):
            connect_args["autocommit"] = sqlite3.LEGACY_TRANSACTION_CONTROL
        engine = create_engine(
            url,
            connect_args=connect_args,
            pool_size=pool_size,
            max_overflow=10,
            pool_pre_ping=False,
            pool_use_lifo=True,
            echo=echo,
        )
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
        queue = WriterQueue(str(sqlite_path(url).resolve()))
        write = engine.execution_options(bms_begin="IMMEDIATE", bms_writer_queue=queue)
        return Engines(read=engine, write=write, dialect="sqlite", url=str(url), reads=engine)
    engine = create_engine(
        url,
        pool_size=pool_size,
        max_overflow=10,
        echo=echo,
        # Every session starts with the units of work's usual lock timeout, so a transaction
        # needs no SET LOCAL of its own (hotpath.HotPath.begin): one round trip less.
        connect_args={
            "connect_timeout": 5,
            "options": f"-c lock_timeout={SESSION_LOCK_TIMEOUT_MS}",
        },
    )
    _ping_when_idle(engine)
    reads = engine.execution_options(isolation_level="AUTOCOMMIT")
    return Engines(read=engine, write=engine, dialect="postgresql", url=str(url), reads=reads)


# A pooled PostgreSQL connection is pinged as it is checked out only when it has been idle for
# PING_IF_IDLE_S (a restarted server has closed it meanwhile; the pool then gives a new one).
# ``pool_pre_ping`` pinged every checkout: a round trip for every unit of work, three of the 24
# of a sale (glance, hold, payment) in bench/bench_race.py. A connection lost between two uses
# less than a second apart is met by the statement that finds it gone: a plain read runs again on
# a new connection (hotpath.HotPath.recover), a write is refused as "database unreachable".
PING_IF_IDLE_S = 1.0
SESSION_LOCK_TIMEOUT_MS = 5000


def _ping_when_idle(engine: Engine) -> None:
    def used(_dbapi_conn: Any, record: Any, *_args: Any) -> None:
        record.info["bms_used"] = time.monotonic()

    def checkout(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        last = record.info.get("bms_used")
        if last is not None and time.monotonic() - last <= PING_IF_IDLE_S:
            return
        try:
            alive = engine.dialect.do_ping(dbapi_conn)
        except Exception as exc:  # the pool throws this one away and checks out another
            raise DisconnectionError("the pooled connection was lost") from exc
        if not alive:
            raise DisconnectionError("the pooled connection was lost")

    event.listen(engine, "connect", used)
    event.listen(engine, "checkin", used)
    event.listen(engine, "checkout", checkout)


def create_listener_engine(raw_url: str) -> Engine:
    """An engine without a pool, for a change-feed connection that lives in its own thread."""
    url = parse_db_url(raw_url)
    if url.get_backend_name() == "sqlite":
        engine = create_engine(url, poolclass=NullPool, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_connect)
        return engine
    return create_engine(url, poolclass=NullPool, connect_args={"connect_timeout": 5})
