"""The hot path of a sale: a dozen statements run straight on the DBAPI cursor.

Holding and paying for seats runs about a dozen statements per sale (show, settings, seats, stale
holds, ticket, mark held, claims, audit; ticket, confirm, sell, payment, audit). Through
SQLAlchemy's execution machinery each cost 50-60 us here (execution context, event dispatch,
result proxy, the expanding-IN post-compilation); on the DBAPI cursor the same statement costs a
few microseconds. On SQLite that work sits inside the database write lock (BEGIN IMMEDIATE), so it
is what the other counters wait for (bench/bench_booking.py, bench/bench_race.py).

So these statements are pre-rendered per dialect (sqlite3 ``?``, psycopg ``%s``; IN lists per
length, cached) and executed on the cursor of the unit of work's own connection, inside the
transaction that SQLAlchemy's ``Connection`` began and will commit or roll back: BEGIN IMMEDIATE,
``SET LOCAL lock_timeout``, savepoints and the pool's reset all stay SQLAlchemy's.

The parameters and results are converted exactly as the column types in ``types.py`` do, because
other queries compare the stored values (as text, on SQLite):

* Money (``Scaled(2)``): an integer number of paise in, ``Decimal`` with two places out;
* ``UtcDateTime``: naive UTC. On SQLite that is the text SQLAlchemy's ``DateTime`` writes,
  ``YYYY-MM-DD HH:MM:SS.ffffff`` (always six digits of microseconds), byte for byte; on
  PostgreSQL a naive ``datetime`` (``timestamp without time zone``);
* booleans: ``1``/``0`` on SQLite, ``true``/``false`` on PostgreSQL.

``tests/integration/test_hotpath.py`` checks, on both engines, that every value written here is
stored exactly as SQLAlchemy stores it. Driver errors become the same errors as on the SQLAlchemy
path: wrapped in ``sqlalchemy.exc.DBAPIError`` subclasses, then ``translate_error`` (busy, lock
timeout, unreachable); a claim refused by an integrity constraint (the live-claim unique index)
is ``ClaimConflict``. A lost connection is invalidated as SQLAlchemy would.

Not covered here (and so not faster): ``before_cursor_execute`` events and ``echo`` logging.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Final, NoReturn

from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError, IntegrityError

from bms_desktop.persistence.engine import SESSION_LOCK_TIMEOUT_MS
from bms_desktop.persistence.errors import translate_error
from bms_desktop.persistence.reconnect import ReconnectPolicy
from bms_desktop.services.health import ConnectionHealth
from bms_desktop.services.ports import (
    AuditRecord,
    ClaimConflict,
    ClaimSpec,
    NewPayment,
    NewTicket,
    ReadOnlyUnitOfWork,
    SeatMapRow,
    SeatState,
    SeatStatusRow,
    ShowInfo,
    TicketRecord,
)

# --------------------------------------------------------------------------- conversions

_ONE: Final = Decimal(1)
_HUNDRED: Final = Decimal(100)


def money_in(value: Decimal) -> int:
    """What ``Scaled(2)`` stores: paise, rounded half-up."""
    dec = value if isinstance(value, Decimal) else Decimal(str(value))
    return int((dec * _HUNDRED).quantize(_ONE, rounding=ROUND_HALF_UP))


def money_in_opt(value: Decimal | None) -> int | None:
    return None if value is None else money_in(value)


def money_out(value: int) -> Decimal:
    """What ``Scaled(2)`` gives back: the paise as a Decimal with exactly two places."""
    return Decimal(int(value)).scaleb(-2)


def _naive_utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("naive datetime given to the database; use an aware UTC datetime")
    if value.tzinfo is not UTC:
        value = value.astimezone(UTC)
    return value.replace(tzinfo=None)


def sqlite_time_in(value: datetime) -> str:
    """The text SQLAlchemy's SQLite ``DateTime`` stores for a ``UtcDateTime``:
    ``%04d-%02d-%02d %02d:%02d:%02d.%06d`` of the naive UTC time."""
    return _naive_utc(value).isoformat(" ", "microseconds")


def sqlite_time_out(value: str | None) -> datetime | None:
    """SQLAlchemy 2 parses SQLite datetimes with ``datetime.fromisoformat``; UtcDateTime adds
    UTC."""
    return None if value is None else datetime.fromisoformat(value).replace(tzinfo=UTC)


def pg_time_in(value: datetime) -> datetime:
    return _naive_utc(value)


def pg_time_out(value: datetime | None) -> datetime | None:
    return None if value is None else value.replace(tzinfo=UTC)


# --------------------------------------------------------------------------- the SQL


def _marks(n: int) -> str:
    return ", ".join(["?"] * n)


_SEAT_COLS = (
    "show_seats.id, show_seats.seat_id, seats.label, seats.seat_type, show_seats.price, "
    "show_seats.status, show_seats.version, show_seats.ticket_id, show_seats.counter, "
    "show_seats.hold_expires_at"
)
_TICKET_COLS = (
    "id, code, show_id, status, counter, staff_id, strategy, customer_name, customer_phone, "
    "seat_count, subtotal, discount, total, coupon_id, hold_expires_at, created_at, "
    "confirmed_at, cancelled_at"
)
_HOLD_SET = (
    "UPDATE show_seats SET status = 'HELD', version = version + 1, ticket_id = ?, counter = ?, "
    "hold_expires_at = ? "
)


class HotSql:
    """The pre-rendered statements of one dialect. Statements with an IN list are rendered once
    per list length (1..10 seats in practice) and cached."""

    def __init__(self, dialect: str) -> None:
        self.dialect = dialect
        self.postgresql = dialect == "postgresql"
        self._true = "true" if self.postgresql else "1"
        q = self.q
        self.show_info = q(
            "SELECT shows.id, shows.movie_id, shows.screen_id, screens.theater_id, "
            "shows.starts_at, shows.ends_at, theaters.timezone, shows.scratch, "
            "shows.cancelled_at IS NOT NULL FROM shows "
            "JOIN screens ON screens.id = shows.screen_id "
            "JOIN theaters ON theaters.id = screens.theater_id WHERE shows.id = ?"
        )
        returning_id = " RETURNING id" if self.postgresql else ""
        self.insert_ticket = q(
            "INSERT INTO tickets (code, show_id, status, counter, staff_id, strategy, "
            "customer_name, customer_phone, seat_count, subtotal, discount, total, coupon_id, "
            "hold_expires_at, created_at) "
            "VALUES (?, ?, 'PENDING_PAYMENT', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)" + returning_id
        )
        self.confirm_ticket = q(
            "UPDATE tickets SET status = 'CONFIRMED', confirmed_at = ? WHERE id = ? AND "
            "status = 'PENDING_PAYMENT' AND hold_expires_at > ? RETURNING seat_count"
        )
        self.sell_seats = q(
            "UPDATE show_seats SET status = 'SOLD', version = version + 1, "
            "hold_expires_at = NULL WHERE ticket_id = ? AND status = 'HELD' AND "
            "hold_expires_at > ?"
        )
        self.insert_payment = q(
            "INSERT INTO payments (ticket_id, kind, mode, status, amount, reference, tendered, "
            "change_due, refund_of_id, staff_id, approved_by_id, counter, created_at, "
            "session_id) "  # issue 11: session_id, the shift that took the money
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)" + returning_id
        )
        self.insert_audit = q(
            "INSERT INTO audit_events (at, staff_id, username, counter, action, entity, "
            "entity_id, show_id, details) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
        )
        self.settings_all = q('SELECT app_meta."key", app_meta.value FROM app_meta')
        self.ticket_by_id = q(f"SELECT {_TICKET_COLS} FROM tickets WHERE id = ?")
        self.last_writer = q("SELECT counter FROM audit_events ORDER BY id DESC LIMIT 1")
        self.seat_map = q(
            "SELECT show_seats.id, show_seats.seat_id, seats.label, seats.row_label, "
            "seats.number, seats.col_idx, seats.row_idx, seats.seat_type, show_seats.price, "
            "show_seats.status, show_seats.version, seats.accessible, seats.companion, "
            "show_seats.ticket_id, show_seats.counter, show_seats.hold_expires_at "
            "FROM show_seats JOIN seats ON seats.id = show_seats.seat_id "
            "WHERE show_seats.show_id = ? ORDER BY seats.row_idx, seats.col_idx"
        )
        self.seat_states = q(
            "SELECT id, status, version, hold_expires_at FROM show_seats WHERE show_id = ? "
            "ORDER BY id"
        )
        self._cache: dict[tuple[str, int], str] = {}

    def q(self, sql: str) -> str:
        """sqlite3 takes ``?``; psycopg takes ``%s`` (none of these statements has a ``%``)."""
        return sql.replace("?", "%s") if self.postgresql else sql

    def _cached(self, kind: str, n: int, render: Callable[[int], str]) -> str:
        key = (kind, n)
        sql = self._cache.get(key)
        if sql is None:
            sql = self._cache[key] = self.q(render(n))
        return sql

    def seats(self, n: int, lock: bool) -> str:
        """``lock`` on PostgreSQL: FOR UPDATE of the seat rows, in id order (SQLite: the write
        transaction already holds the database lock)."""
        lock = lock and self.postgresql
        # SQLite without ANALYZE statistics prefers the (show_id, seat_id) index and walks every
        # seat of the show (600 rows: 0.15 ms; 3,000: 0.7 ms, on every glance and every hold);
        # the unary + takes show_id out of index choice, so the ids go through the primary key
        # (0.04 ms). PostgreSQL plans from its statistics and gets the plain column.
        show = "+show_seats.show_id" if not self.postgresql else "show_seats.show_id"
        return self._cached(
            "seats_lock" if lock else "seats",
            n,
            lambda k: (
                f"SELECT {_SEAT_COLS} FROM show_seats JOIN seats ON seats.id = show_seats.seat_id "
                f"WHERE {show} = ? AND show_seats.id IN ({_marks(k)}) "
                "ORDER BY show_seats.id" + (" FOR UPDATE OF show_seats" if lock else "")
            ),
        )

    def stale_of_seats(self, n: int) -> str:
        return self._cached(
            "stale",
            n,
            lambda k: (
                f"SELECT DISTINCT ticket_id FROM show_seats WHERE id IN ({_marks(k)}) "
                "AND status = 'HELD' AND hold_expires_at <= ?"
            ),
        )

    def mark_held(self, n: int) -> str:
        return self._cached(
            "held",
            n,
            lambda k: f"{_HOLD_SET}WHERE id IN ({_marks(k)}) AND status = 'AVAILABLE' RETURNING id",
        )

    def mark_held_versioned(self, n: int) -> str:
        # "id IN" first lets SQLite use the primary key; a row-value IN alone scans.
        pairs = "VALUES " if not self.postgresql else ""
        return self._cached(
            "held_v",
            n,
            lambda k: (
                f"{_HOLD_SET}WHERE id IN ({_marks(k)}) AND (id, version) IN "
                f"({pairs}{', '.join(['(?, ?)'] * k)}) AND status = 'AVAILABLE' RETURNING id"
            ),
        )

    def force_held(self, n: int) -> str:
        return self._cached("force", n, lambda k: f"{_HOLD_SET}WHERE id IN ({_marks(k)})")

    def claims(self, n: int) -> str:
        row = f"(?, ?, ?, ?, ?, {self._true})"
        return self._cached(
            "claims",
            n,
            lambda k: (
                "INSERT INTO ticket_seats (ticket_id, show_seat_id, label, seat_type, price, "
                f"live) VALUES {', '.join([row] * k)}"
            ),
        )


SQLITE_SQL: Final = HotSql("sqlite")
POSTGRESQL_SQL: Final = HotSql("postgresql")


def is_plain_read(stmt: Any) -> bool:
    """A SELECT without FOR UPDATE / FOR SHARE (SQLAlchemy Core): repeating it on a new
    connection changes nothing. Anything else (DML, text, DDL) counts as a write."""
    return bool(getattr(stmt, "is_select", False)) and (
        getattr(stmt, "_for_update_arg", None) is None
    )


# --------------------------------------------------------------------------- the executor


class HotPath:
    """The hot statements of one unit of work, on its connection's DBAPI cursor.

    Every method is one statement (``confirm``: two), with the same meaning as the
    ``BookingRepository`` method of the same name; see ``repositories.py`` for the contract."""

    def __init__(
        self,
        conn: Connection,
        dialect: str,
        *,
        lock_timeout_ms: int | None = None,
        reconnect: ReconnectPolicy | None = None,
        health: ConnectionHealth | None = None,
        reads_only: bool = False,
    ) -> None:
        self._conn = conn
        # A read unit of work: anything but a plain read is refused before it runs (on
        # PostgreSQL it runs in autocommit, where a second write would not be in the same
        # transaction as the first).
        self.reads_only = reads_only
        self._reconnect = reconnect
        self._health = health
        self._statements = 0  # in the current transaction
        self._dirty = False  # the current transaction wrote or locked rows
        self.postgresql = dialect == "postgresql"
        self._lock_timeout_ms = lock_timeout_ms if self.postgresql else None
        self.sql = POSTGRESQL_SQL if self.postgresql else SQLITE_SQL
        self._time_in: Callable[[datetime], Any] = pg_time_in if self.postgresql else sqlite_time_in
        self._time_out: Callable[[Any], datetime | None] = (
            pg_time_out if self.postgresql else sqlite_time_out
        )
        self._cursor: Any = None

    # ---------------------------------------------------------------- plumbing

    def close(self) -> None:
        cur, self._cursor = self._cursor, None
        if cur is not None:
            with contextlib.suppress(Exception):  # the connection is going away anyway
                cur.close()

    def begin(self) -> None:
        """Begin a transaction of the unit of work's connection: through ``Connection.begin()``,
        so the engine's begin event applies (BEGIN IMMEDIATE for a write unit of work on SQLite),
        and, on PostgreSQL, with this unit of work's ``lock_timeout`` (a ``SET LOCAL`` only when
        it is not the one every session starts with: ``engine.SESSION_LOCK_TIMEOUT_MS``)."""
        self._statements = 0
        self._dirty = False
        try:
            self._conn.begin()
        except DBAPIError as exc:
            raise translate_error(exc) from exc
        if self._lock_timeout_ms is not None and self._lock_timeout_ms != SESSION_LOCK_TIMEOUT_MS:
            sql = f"SET LOCAL lock_timeout = '{int(self._lock_timeout_ms)}ms'"
            try:
                self._cursor_in_transaction().execute(sql)
            except Exception as exc:
                self._raise(exc, sql, ())

    def ensure_transaction(self) -> None:
        """A unit of work used again after commit or rollback begins a new transaction (the
        port's contract, SQLAlchemy's autobegin). Statements on the DBAPI cursor would otherwise
        run outside any transaction SQLAlchemy knows of (SQLite: autocommit; psycopg: one that
        ``Connection.commit()`` never commits), and autobegin alone would drop the lock timeout."""
        if not self._conn.in_transaction():
            self.begin()

    # ---------------------------------------------------------------- reconnecting

    def check_may_run(self, plain_read: bool) -> None:
        """Before a statement: a read unit of work runs plain reads only."""
        if self.reads_only and not plain_read:
            raise ReadOnlyUnitOfWork(
                "a read unit of work may not write or lock rows: open it with write=True"
            )

    def account(self, plain_read: bool) -> None:
        """A statement of the SQLAlchemy path (repositories.py) succeeded: count it, as ``_run``
        and ``_read`` count theirs."""
        self._statements += 1
        if not plain_read:
            self._dirty = True

    @property
    def wrote(self) -> bool:
        """Whether the current transaction ran anything but plain reads (a write, a row lock):
        then a lost connection may have lost work, or, at commit, an outcome."""
        return self._dirty

    def may_retry(self) -> bool:
        """Whether the current transaction may be begun again on a new connection and the lost
        statement run again, nobody the wiser: only plain reads ran so far (no write, no row
        lock); on SQLite nothing at all ran (its read transaction is one snapshot, and a write
        transaction's reads were made under the write lock)."""
        if self._reconnect is None or self._dirty:
            return False
        return self.postgresql or self._statements == 0

    def recover(self, exc: DBAPIError) -> bool:
        """After a statement failed: True if the connection was lost and the unit of work may go
        on (``may_retry``); the transaction has then been begun again on a new connection (after
        waiting for the database as the reconnect policy allows) and the statement should be
        run again. False: raise the error."""
        if not exc.connection_invalidated or not self.may_retry():
            return False
        policy = self._reconnect
        assert policy is not None
        self._cursor = None
        with contextlib.suppress(Exception):  # clears SQLAlchemy's invalid transaction
            self._conn.rollback()
        if self._health is not None:
            self._health.lost()
        policy.run(self.begin, self._health)
        return True

    def _cursor_in_transaction(self) -> Any:
        if not self._conn.in_transaction():
            self.begin()
        cur = self._cursor
        if cur is None:
            cur = self._cursor = self._conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        return cur

    def _run(self, sql: str, params: Sequence[Any]) -> Any:
        """A statement that writes or locks rows: never repeated on another connection."""
        self.check_may_run(False)
        cur = self._cursor_in_transaction()
        try:
            cur.execute(sql, params)
        except Exception as exc:
            self._raise(exc, sql, params)
        self._statements += 1
        self._dirty = True
        return cur

    def _read(self, sql: str, params: Sequence[Any]) -> Any:
        """A plain read: if the connection was lost and nothing but plain reads ran before it,
        the transaction begins again on a new connection and the read runs again."""
        while True:
            try:
                cur = self._cursor_in_transaction()
                cur.execute(sql, params)
            except Exception as exc:
                wrapped = self._wrap(exc, sql, params)
                if isinstance(wrapped, DBAPIError) and self.recover(wrapped):
                    continue
                self._raise_wrapped(wrapped, exc)
            self._statements += 1
            return cur

    def _wrap(self, exc: Exception, sql: str, params: Sequence[Any]) -> Exception:
        """The driver error as SQLAlchemy would have raised it (a DBAPIError subclass), the
        connection invalidated when it is lost; non-driver errors are returned unchanged."""
        dialect = self._conn.dialect
        dbapi = dialect.loaded_dbapi
        if not isinstance(exc, dbapi.Error):
            return exc
        lost = False
        try:
            lost = bool(dialect.is_disconnect(exc, self._conn.connection.dbapi_connection, None))
        except Exception:
            lost = False
        if lost and not self._conn.invalidated:
            self._cursor = None
            # As SQLAlchemy does on a disconnect: every pooled connection as old as this one is
            # replaced at its next checkout (a restarted server has closed them all), then this
            # connection is invalidated; the Connection reconnects after its rollback.
            pool_invalidate = getattr(self._conn.engine.pool, "_invalidate", None)
            if pool_invalidate is not None:
                with contextlib.suppress(Exception):
                    pool_invalidate(self._conn.connection, exc, _checkin=False)
            self._conn.invalidate(exc)
        return DBAPIError.instance(
            sql,
            tuple(params),
            exc,
            dbapi.Error,
            hide_parameters=False,
            connection_invalidated=lost,
            dialect=dialect,
            ismulti=False,
        )

    def _raise(self, exc: Exception, sql: str, params: Sequence[Any]) -> NoReturn:
        self._raise_wrapped(self._wrap(exc, sql, params), exc)

    @staticmethod
    def _raise_wrapped(wrapped: Exception, exc: Exception) -> NoReturn:
        """An IntegrityError stays one, as on the SQLAlchemy path (a repository may catch it
        where a constraint decides an outcome; the unit of work translates it otherwise)."""
        if not isinstance(wrapped, DBAPIError) or isinstance(wrapped, IntegrityError):
            raise wrapped from exc
        raise translate_error(wrapped) from wrapped

    def _is_integrity_error(self, exc: BaseException) -> bool:
        return isinstance(exc, self._conn.dialect.loaded_dbapi.IntegrityError)

    # ---------------------------------------------------------------- reads

    def show_info(self, show_id: int) -> ShowInfo | None:
        rows = self._read(self.sql.show_info, (show_id,)).fetchall()
        if not rows:
            return None
        r = rows[0]
        time_out = self._time_out
        starts, ends = time_out(r[4]), time_out(r[5])
        assert starts is not None and ends is not None
        return ShowInfo(r[0], r[1], r[2], r[3], starts, ends, r[6], bool(r[7]), bool(r[8]))

    def seats(self, show_id: int, show_seat_ids: Sequence[int], lock: bool) -> list[SeatState]:
        if not show_seat_ids:
            return []
        ids = list(show_seat_ids)
        if lock:  # on either engine: what a read unit of work may do does not depend on it
            self.check_may_run(False)
        # FOR UPDATE (PostgreSQL) takes row locks: not a plain read, never repeated elsewhere.
        run = self._run if lock and self.postgresql else self._read
        rows = run(self.sql.seats(len(ids), lock), [show_id, *ids]).fetchall()
        time_out = self._time_out
        return [
            SeatState(
                r[0],
                r[1],
                r[2],
                r[3],
                Decimal(int(r[4])).scaleb(-2),
                r[5],
                r[6],
                r[7],
                r[8],
                None if r[9] is None else time_out(r[9]),
            )
            for r in rows
        ]

    def stale_of_seats(self, show_seat_ids: Sequence[int], now: datetime) -> list[int]:
        if not show_seat_ids:
            return []
        ids = list(show_seat_ids)
        rows = self._read(self.sql.stale_of_seats(len(ids)), [*ids, self._time_in(now)])
        return [r[0] for r in rows.fetchall() if r[0] is not None]

    def ticket(self, ticket_id: int) -> TicketRecord | None:
        rows = self._read(self.sql.ticket_by_id, (ticket_id,)).fetchall()
        if not rows:
            return None
        r = rows[0]
        time_out = self._time_out
        created = time_out(r[15])
        assert created is not None
        return TicketRecord(
            ticket_id=r[0],
            code=r[1],
            show_id=r[2],
            status=r[3],
            counter=r[4],
            staff_id=r[5],
            strategy=r[6],
            customer_name=r[7],
            customer_phone=r[8],
            seat_count=r[9],
            subtotal=money_out(r[10]),
            discount=money_out(r[11]),
            total=money_out(r[12]),
            coupon_id=r[13],
            hold_expires_at=time_out(r[14]),
            created_at=created,
            confirmed_at=time_out(r[16]),
            cancelled_at=time_out(r[17]),
        )

    def seat_map_rows(self, show_id: int) -> list[SeatMapRow]:
        """Every seat of a show, in map order. Not a statement of the sale itself, but every
        counter reloads a map after every sale another counter makes (600 seats: about 7 ms
        through SQLAlchemy's result processing here, about 1 ms this way)."""
        rows = self._read(self.sql.seat_map, (show_id,)).fetchall()
        time_out = self._time_out
        return [
            SeatMapRow(
                r[0],
                r[1],
                r[2],
                r[3],
                r[4],
                r[5],
                r[6],
                r[7],
                Decimal(int(r[8])).scaleb(-2),
                r[9],
                r[10],
                bool(r[11]),
                bool(r[12]),
                r[13],
                r[14],
                None if r[15] is None else time_out(r[15]),
            )
            for r in rows
        ]

    def seat_states(self, show_id: int) -> list[SeatStatusRow]:
        """Every seat of a show, its state alone (600 seats: about 0.3 ms, against about 9 ms
        for a full seat map with its views)."""
        rows = self._read(self.sql.seat_states, (show_id,)).fetchall()
        time_out = self._time_out
        return [
            SeatStatusRow(r[0], r[1], r[2], None if r[3] is None else time_out(r[3])) for r in rows
        ]

    def settings_all(self) -> dict[str, str]:
        return {r[0]: r[1] for r in self._read(self.sql.settings_all, ()).fetchall()}

    def last_writer(self) -> str | None:
        rows = self._read(self.sql.last_writer, ()).fetchall()
        return str(rows[0][0]) if rows and rows[0][0] else None

    # ---------------------------------------------------------------- writes

    def _inserted_id(self, cur: Any) -> int:
        if self.postgresql:
            return int(cur.fetchone()[0])
        return int(cur.lastrowid)

    def create_ticket(self, ticket: NewTicket) -> int:
        time_in = self._time_in
        cur = self._run(
            self.sql.insert_ticket,
            (
                ticket.code,
                ticket.show_id,
                ticket.counter,
                ticket.staff_id,
                ticket.strategy,
                ticket.customer_name,
                ticket.customer_phone,
                ticket.seat_count,
                money_in(ticket.subtotal),
                money_in(ticket.discount),
                money_in(ticket.total),
                ticket.coupon_id,
                time_in(ticket.hold_expires_at),
                time_in(ticket.created_at),
            ),
        )
        return self._inserted_id(cur)

    def mark_held(
        self,
        ticket_id: int,
        counter: str,
        expires_at: datetime,
        expected: Mapping[int, int | None],
    ) -> set[int]:
        head = [ticket_id, counter, self._time_in(expires_at)]
        unversioned = [sid for sid, v in expected.items() if v is None]
        versioned = [(sid, v) for sid, v in expected.items() if v is not None]
        changed: set[int] = set()
        # With sqlite3, RETURNING rows are fetched before anything else is read from the cursor.
        if unversioned:
            rows = self._run(self.sql.mark_held(len(unversioned)), head + unversioned).fetchall()
            changed.update(r[0] for r in rows)
        if versioned:
            params = head + [sid for sid, _v in versioned]
            for sid, v in versioned:
                params += (sid, v)
            rows = self._run(self.sql.mark_held_versioned(len(versioned)), params).fetchall()
            changed.update(r[0] for r in rows)
        return changed

    def force_held(
        self, ticket_id: int, counter: str, expires_at: datetime, show_seat_ids: Sequence[int]
    ) -> None:
        if not show_seat_ids:
            return
        ids = list(show_seat_ids)
        self._run(
            self.sql.force_held(len(ids)), [ticket_id, counter, self._time_in(expires_at), *ids]
        )

    def claim(self, ticket_id: int, seats: Sequence[ClaimSpec]) -> None:
        """One multi-row INSERT of live ticket seats; the unique index on live claims refuses a
        seat that already has one: ClaimConflict naming every seat of the statement."""
        if not seats:
            return
        params: list[Any] = []
        for s in seats:
            params += (ticket_id, s.show_seat_id, s.label, s.seat_type, money_in(s.price))
        sql = self.sql.claims(len(seats))
        self.check_may_run(False)
        cur = self._cursor_in_transaction()
        try:
            cur.execute(sql, params)
        except Exception as exc:
            if self._is_integrity_error(exc):
                wrapped = self._wrap(exc, sql, params)
                raise ClaimConflict([s.show_seat_id for s in seats]) from wrapped
            self._raise(exc, sql, params)
        self._statements += 1
        self._dirty = True

    def confirm(self, ticket_id: int, now: datetime) -> bool:
        stamp = self._time_in(now)
        rows = self._run(self.sql.confirm_ticket, (stamp, ticket_id, stamp)).fetchall()
        if not rows:
            return False
        sold = self._run(self.sql.sell_seats, (ticket_id, stamp)).rowcount
        return int(sold) == int(rows[0][0])

    def add_payment(self, payment: NewPayment) -> int:
        cur = self._run(
            self.sql.insert_payment,
            (
                payment.ticket_id,
                payment.kind,
                payment.mode,
                payment.status,
                money_in(payment.amount),
                payment.reference,
                money_in_opt(payment.tendered),
                money_in_opt(payment.change_due),
                payment.refund_of_id,
                payment.staff_id,
                payment.approved_by_id,
                payment.counter,
                self._time_in(payment.created_at),
                payment.session_id,  # issue 11
            ),
        )
        return self._inserted_id(cur)

    def add_audit(self, record: AuditRecord) -> None:
        self._run(
            self.sql.insert_audit,
            (
                self._time_in(record.at),
                record.staff_id,
                record.username,
                record.counter,
                record.action,
                record.entity,
                record.entity_id,
                record.show_id,
                json.dumps(dict(record.details), default=str, sort_keys=True),
            ),
        )


__all__ = [
    "POSTGRESQL_SQL",
    "SQLITE_SQL",
    "HotPath",
    "HotSql",
    "is_plain_read",
    "money_in",
    "money_out",
    "pg_time_in",
    "sqlite_time_in",
    "sqlite_time_out",
]
