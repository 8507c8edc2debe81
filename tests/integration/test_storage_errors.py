"""Every class of database failure, made to really happen, reaches a person as a plain message
(issue 13): no OperationalError, SQL or driver text; nothing half-written; and the counter goes on
once the cause is gone.

Where a failure cannot be made for real here, the test says what it simulates: a connection lost
on SQLite is its driver connection closed under the unit of work (an embedded database has no
server to lose); SQLITE_FULL without root is ``PRAGMA max_page_count`` on every connection.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
import threading
from contextlib import closing
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import create_engine, event

from bms_desktop.app import connect
from bms_desktop.domain.model import PaymentMode
from bms_desktop.persistence import engine as engine_mod
from bms_desktop.persistence import errors as messages
from bms_desktop.persistence.engine import Engines
from bms_desktop.persistence.migrate import DatabaseOpenError, open_database
from bms_desktop.persistence.reconnect import ReconnectPolicy
from bms_desktop.persistence.uow import SqlUnitOfWorkFactory
from bms_desktop.services import booking, checkout, queries
from bms_desktop.services.context import BoxOffice
from bms_desktop.services.ports import (
    StorageBusy,
    StorageConflict,
    StorageCorrupt,
    StorageError,
    StorageFull,
    StorageReadOnly,
    StorageRejected,
    StorageUnavailable,
)
from tests.support import disks
from tests.support.builders import build_world, clerk
from tests.support.faults import backend_pid, terminate_backend
from tests.support.pg_fixtures import require_postgres
from tests.support.pgcluster import PgCluster, libpq_url

CLERK = clerk("Counter 1")
DRIVER_WORDS = (
    "Error",
    "psycopg",
    "sqlite3",
    "SQL",
    "DETAIL",
    "HINT",
    "errno",
    "SELECT",
    "INSERT",
    "UPDATE",
    "constraint failed",
    "Traceback",
    "0x",
)


def assert_plain(exc: BaseException, cls: type[StorageError], message: str) -> None:
    """The error is ``cls`` with exactly ``message``, and nothing of the driver shows."""
    assert isinstance(exc, cls), f"{type(exc).__name__}: {exc}"
    text = str(exc)
    assert text == message
    for word in DRIVER_WORDS:
        assert word not in text, f"{word!r} in {text!r}"


def _quick(box: BoxOffice, window_s: float = 0.2) -> None:
    assert isinstance(box.uows, SqlUnitOfWorkFactory)
    box.uows.reconnect = ReconnectPolicy(window_s=window_s)


def _statuses(box: BoxOffice, show_id: int, ids) -> list[str]:
    seats = {s.show_seat_id: s for s in queries.get_seat_map(box, show_id).seats}
    return [seats[i].status for i in ids]


def _ticket_count(box: BoxOffice) -> int:
    with box.uows() as uow:
        return int(uow.connection.exec_driver_sql("SELECT count(*) FROM tickets").scalar_one())


def _sell(box: BoxOffice, show_id: int, ids) -> None:
    held = booking.hold_seats(box, CLERK, show_id=show_id, show_seat_ids=list(ids))
    checkout.confirm_booking(box, CLERK, ticket_id=held.ticket_id, mode=PaymentMode.UPI)


def _lose_connection(uow, db_url: str) -> None:
    """PostgreSQL: the server process is terminated from another connection. SQLite (simulated):
    the driver connection is closed under the unit of work."""
    if db_url.startswith("postgresql"):
        terminate_backend(db_url, backend_pid(uow))
    else:
        uow.connection.connection.driver_connection.close()


# --------------------------------------------------------------------------- connection lost


def test_a_connection_lost_after_a_write_says_nothing_was_changed(box, db_url):
    world = build_world(box)
    _quick(box)
    with pytest.raises(StorageError) as err, box.uows(write=True) as uow:
        uow.settings.put("half", "written")
        _lose_connection(uow, db_url)
        uow.booking.seats(world.show_id, world.seat_ids[:1], lock=False)
    assert_plain(err.value, StorageUnavailable, messages.LOST_MESSAGE)
    with box.uows() as uow:
        assert uow.settings.get("half") is None
    _sell(box, world.show_id, world.seat_ids[:2])  # and the counter goes on
    assert _statuses(box, world.show_id, world.seat_ids[:2]) == ["SOLD", "SOLD"]


def test_a_read_whose_connection_is_lost_is_repeated_on_a_new_connection(box, db_url):
    world = build_world(box)
    lost_and_back: list[bool] = []
    box.uows.health.subscribe(lambda up, _s: lost_and_back.append(up))
    with box.uows() as uow:
        if db_url.startswith("postgresql"):
            uow.booking.show_info(world.show_id)  # a plain read first: still repeatable
        _lose_connection(uow, db_url)
        seats = uow.booking.seats(world.show_id, world.seat_ids[:3], lock=False)
        assert [s.show_seat_id for s in seats] == list(world.seat_ids[:3])
        assert uow.settings.get("nothing") is None  # the SQLAlchemy path, same connection
    assert lost_and_back == [False, True]


def test_an_unexpected_constraint_is_a_conflict_and_saves_nothing(box):
    build_world(box)
    with pytest.raises(StorageError) as err, box.uows(write=True) as uow:
        uow.catalog.add_city("Duplicate City")
        uow.catalog.add_city("Duplicate City")  # cities.name is unique; no service expects it
        uow.commit()
    assert_plain(err.value, StorageConflict, messages.CONFLICT_MESSAGE)
    with box.uows() as uow:
        assert "Duplicate City" not in {c.name for c in uow.queries.cities()}


# --------------------------------------------------------------------------- lock timeout


def test_a_lock_timeout_is_busy_and_changes_nothing(box, db_url, monkeypatch):
    world = build_world(box)
    ctx = clerk("Counter 2", lock_timeout_ms=200)
    if db_url.startswith("postgresql"):
        blocker = psycopg.connect(libpq_url(db_url))
        blocker.execute("SELECT id FROM show_seats WHERE id = %s FOR UPDATE", (world.seat_ids[0],))
    else:
        monkeypatch.setattr(engine_mod, "BUSY_TIMEOUT_MS", 200)
        blocker = sqlite3.connect(db_url.split("///", 1)[1], isolation_level=None)
        blocker.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(StorageError) as err:
            booking.hold_seats(box, ctx, show_id=world.show_id, show_seat_ids=world.seat_ids[:2])
    finally:
        blocker.rollback() if isinstance(blocker, psycopg.Connection) else blocker.execute(
            "ROLLBACK"
        )
        blocker.close()
    assert_plain(err.value, StorageBusy, messages.BUSY_MESSAGE)
    assert _statuses(box, world.show_id, world.seat_ids[:2]) == ["AVAILABLE", "AVAILABLE"]


@pytest.mark.postgres
def test_a_statement_timeout_says_the_database_took_too_long(pg_url, clock):
    wiring = connect(pg_url)
    try:
        # A write unit of work: a read one runs in autocommit, where SET LOCAL lasts no longer
        # than itself.
        with pytest.raises(StorageError) as err, wiring.box.uows(write=True) as uow:
            uow.connection.exec_driver_sql("SET LOCAL statement_timeout = '50ms'")
            uow.connection.exec_driver_sql("SELECT pg_sleep(5)")
        assert_plain(err.value, StorageBusy, messages.SLOW_MESSAGE)
    finally:
        wiring.close()


# --------------------------------------------------------------------------- PostgreSQL limits


@pytest.mark.postgres
def test_a_value_too_long_for_its_column_is_rejected(pg_url):
    wiring = connect(pg_url)
    try:
        with pytest.raises(StorageError) as err, wiring.box.uows(write=True) as uow:
            uow.catalog.add_city("x" * 200)  # cities.name is 80; the services check, this skips
        assert_plain(err.value, StorageRejected, messages.REJECTED_MESSAGE)
    finally:
        wiring.close()


@pytest.mark.postgres
def test_a_read_only_postgresql_database_says_so(pg_url):
    wiring = connect(pg_url)
    try:
        world = build_world(wiring.box)
        name = pg_url.rsplit("/", 1)[1]
        with psycopg.connect(libpq_url(pg_url), autocommit=True) as admin:
            admin.execute(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on')
        wiring.engines.dispose()  # new sessions read the setting
        with pytest.raises(StorageError) as err:
            booking.hold_seats(
                wiring.box, CLERK, show_id=world.show_id, show_seat_ids=world.seat_ids[:1]
            )
        assert_plain(err.value, StorageReadOnly, messages.READ_ONLY_MESSAGE)
        assert queries.get_seat_map(wiring.box, world.show_id).seats  # reading still works
    finally:
        wiring.close()


@pytest.mark.postgres
def test_too_many_connections_says_so(pg_url):
    with psycopg.connect(libpq_url(pg_url), autocommit=True) as admin:
        name = pg_url.rsplit("/", 1)[1]
        admin.execute("DROP ROLE IF EXISTS bms_limited")
        admin.execute("CREATE ROLE bms_limited LOGIN CONNECTION LIMIT 1")
        admin.execute(f'GRANT CONNECT ON DATABASE "{name}" TO bms_limited')
    limited = pg_url.replace("postgres@", "bms_limited@", 1)
    holder = psycopg.connect(libpq_url(limited))
    factory = SqlUnitOfWorkFactory(
        engine_mod.create_engines(limited), reconnect=ReconnectPolicy(window_s=0.1)
    )
    try:
        with pytest.raises(StorageError) as err, factory() as uow:
            uow.connection.exec_driver_sql("SELECT 1")
        assert_plain(err.value, StorageUnavailable, messages.TOO_MANY_MESSAGE)
        assert factory.health.lost_since is not None
    finally:
        holder.close()
        factory.dispose()
        with psycopg.connect(libpq_url(pg_url), autocommit=True) as admin:
            admin.execute(f'REVOKE CONNECT ON DATABASE "{name}" FROM bms_limited')
            admin.execute("DROP ROLE bms_limited")


# --------------------------------------------------------------------------- server restart


@pytest.mark.postgres
def test_reads_carry_on_across_a_postgresql_restart_and_writes_say_unreachable(
    own_pg_cluster, clock
):
    url = own_pg_cluster.create_database("restart_reads")
    wiring = connect(url, pool_size=4)
    box = wiring.box
    box.clock = clock
    try:
        world = build_world(box)
        _sell(box, world.show_id, world.seat_ids[:2])
        own_pg_cluster.stop_server("fast")
        # While it is down, a write waits its reconnect window, then says so plainly.
        _quick(box)
        with pytest.raises(StorageError) as err:
            _sell(box, world.show_id, world.seat_ids[2:4])
        assert_plain(err.value, StorageUnavailable, messages.UNREACHABLE_MESSAGE)
        # A read started while it is down waits for it (a long window), and answers.
        box.uows.reconnect = ReconnectPolicy(window_s=60.0)
        answer: list[object] = []
        reader = threading.Thread(
            target=lambda: answer.append(queries.get_seat_map(box, world.show_id))
        )
        reader.start()
        try:
            own_pg_cluster.start_server()
        finally:
            reader.join(timeout=90)
        assert answer, "the read did not come back"
        seats = {s.show_seat_id: s.status for s in answer[0].seats}  # type: ignore[attr-defined]
        assert [seats[i] for i in world.seat_ids[:4]] == ["SOLD", "SOLD", "AVAILABLE", "AVAILABLE"]
        assert box.uows.health.lost_since is None
        _sell(box, world.show_id, world.seat_ids[2:4])  # and selling goes on
    finally:
        wiring.close()
        if not own_pg_cluster.accepting:
            own_pg_cluster.start_server()
        own_pg_cluster.drop_database("restart_reads")


# --------------------------------------------------------------------------- disk full


def _sell_until_full(box: BoxOffice, world, limit: int = 30) -> tuple[StorageError, list[int]]:
    """Sell two seats at a time until the disk refuses; returns the error and the seats of the
    refused sale."""
    for n in range(limit):
        pair = list(world.seat_ids[2 * n : 2 * n + 2])
        try:
            _sell(box, world.show_id, pair)
        except StorageFull as exc:
            return exc, pair
    raise AssertionError(f"{limit} sales went through on a full disk")


def _check_full_then_free(box: BoxOffice, world, free) -> None:
    tickets_before = None
    err, pair = _sell_until_full(box, world)
    assert_plain(err, StorageFull, messages.FULL_MESSAGE)
    # Nothing half-written: the refused sale's seats are not held, sold or claimed.
    statuses = _statuses(box, world.show_id, pair)
    tickets_before = _ticket_count(box)
    assert all(s in ("AVAILABLE", "HELD") for s in statuses)
    with box.uows() as uow:
        claims = uow.connection.exec_driver_sql(
            "SELECT count(*) FROM ticket_seats WHERE live AND show_seat_id IN "
            f"({int(pair[0])}, {int(pair[1])})"
        ).scalar_one()
        pending = uow.connection.exec_driver_sql(
            "SELECT count(*) FROM tickets WHERE status = 'PENDING_PAYMENT'"
        ).scalar_one()
    # A hold that went through before the confirm failed is released by the clerk, never sold.
    assert claims == pending * 2 and statuses.count("HELD") == claims
    free()
    for tid in _pending_ids(box):
        checkout.release_hold(box, CLERK, ticket_id=tid)
    _sell(box, world.show_id, pair)  # space is back: the counter goes on selling
    assert _statuses(box, world.show_id, pair) == ["SOLD", "SOLD"]
    assert _ticket_count(box) >= tickets_before + 1


def _pending_ids(box: BoxOffice) -> list[int]:
    with box.uows() as uow:
        rows = uow.connection.exec_driver_sql(
            "SELECT id FROM tickets WHERE status = 'PENDING_PAYMENT'"
        ).fetchall()
    return [int(r[0]) for r in rows]


def test_sqlite_on_a_full_disk_refuses_a_sale_plainly_and_sells_once_space_is_back(tmp_path, clock):
    try:
        with disks.small_disk(tmp_path / "disk", "3m") as disk:
            wiring = connect(f"sqlite:///{disk / 'boxoffice.db'}")
            wiring.box.clock = clock
            try:
                world = build_world(wiring.box)
                disks.fill(disk)
                _check_full_then_free(wiring.box, world, lambda: disks.free(disk))
                with closing(sqlite3.connect(disk / "boxoffice.db")) as check:
                    assert check.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            finally:
                wiring.close()
    except disks.DiskUnavailable as exc:
        pytest.skip(f"{exc}; the max_page_count test covers SQLITE_FULL")


def test_sqlite_full_by_max_page_count_refuses_a_sale_plainly_and_sells_once_raised(
    sqlite_url, clock
):
    """SQLITE_FULL without root: ``PRAGMA max_page_count`` on every connection (simulated)."""
    wiring = connect(sqlite_url)
    wiring.box.clock = clock
    limit = {"pages": 0}

    def cap(dbapi_conn, _record) -> None:
        if limit["pages"]:
            dbapi_conn.execute(f"PRAGMA max_page_count = {limit['pages']}")

    try:
        world = build_world(wiring.box)
        event.listen(wiring.engines.read, "connect", cap)
        with closing(sqlite3.connect(sqlite_url.split("///", 1)[1])) as probe:
            limit["pages"] = probe.execute("PRAGMA page_count").fetchone()[0]
        wiring.engines.read.dispose()  # every connection from now on has the cap

        def raise_cap() -> None:
            limit["pages"] = 1_000_000
            wiring.engines.read.dispose()

        _check_full_then_free(wiring.box, world, raise_cap)
    finally:
        wiring.close()


@pytest.mark.postgres
def test_postgresql_on_a_full_disk_refuses_a_sale_plainly_and_sells_once_space_is_back(
    tmp_path, clock
):
    require_postgres()
    mount_point = Path(tempfile.mkdtemp(prefix="bms-pgdisk-", dir="/tmp"))  # reachable by postgres
    try:
        with disks.small_disk(mount_point, "120m") as disk:
            cluster = PgCluster(
                parent_dir=disk,
                settings={"shared_buffers": "8MB", "max_wal_size": "32MB", "min_wal_size": "32MB"},
            )
            cluster.start()
            try:
                url = cluster.create_database("full")
                wiring = connect(url)
                wiring.box.clock = clock
                try:
                    world = build_world(wiring.box, layout="\n".join(["G" * 20] * 20))
                    disks.fill(disk)
                    _check_full_then_free(wiring.box, world, lambda: disks.free(disk))
                finally:
                    wiring.close()
            finally:
                cluster.stop()
    except disks.DiskUnavailable as exc:
        pytest.skip(str(exc))
    finally:
        shutil.rmtree(mount_point, ignore_errors=True)


# --------------------------------------------------------------------------- read-only


def _read_only_engines(path: Path) -> Engines:
    """The app's SQLite engine recipe on a read-only open (``mode=ro``)."""

    def creator() -> sqlite3.Connection:
        return sqlite3.connect(
            f"file:{path}?mode=ro",
            uri=True,
            check_same_thread=False,
            autocommit=sqlite3.LEGACY_TRANSACTION_CONTROL,
        )

    engine = create_engine("sqlite://", creator=creator)
    event.listen(engine, "connect", engine_mod._sqlite_connect)
    event.listen(engine, "begin", engine_mod._sqlite_begin)
    write = engine.execution_options(bms_begin="IMMEDIATE")
    return Engines(
        read=engine, write=write, dialect="sqlite", url=f"sqlite:///{path}", reads=engine
    )


def test_sqlite_opened_read_only_refuses_a_sale_plainly_and_still_reads(sqlite_url, clock):
    wiring = connect(sqlite_url)
    wiring.box.clock = clock
    try:
        world = build_world(wiring.box)
    finally:
        wiring.close()
    path = Path(sqlite_url.split("///", 1)[1])
    box = BoxOffice(uows=SqlUnitOfWorkFactory(_read_only_engines(path)), clock=clock)
    try:
        with pytest.raises(StorageError) as err:
            _sell(box, world.show_id, world.seat_ids[:2])
        assert_plain(err.value, StorageReadOnly, messages.READ_ONLY_MESSAGE)
        assert _statuses(box, world.show_id, world.seat_ids[:2]) == ["AVAILABLE", "AVAILABLE"]
    finally:
        box.uows.dispose()  # type: ignore[attr-defined]


def test_a_read_only_database_file_refuses_sales_plainly_and_at_start(sqlite_url, clock):
    """chmod a-w (or, for root, whom permission bits do not stop, chattr +i): connections opened
    after the change cannot write; a new start is refused with what to do."""
    wiring = connect(sqlite_url)
    wiring.box.clock = clock
    path = Path(sqlite_url.split("///", 1)[1])
    try:
        world = build_world(wiring.box)
        try:
            with disks.read_only_file(path):
                # Every connection of this process opened from now on, the checkpoint thread's
                # too: while any stays open, SQLite hands a new connection the descriptor a closed
                # one left (opened writable, before the change) and the sale goes through.
                wiring.engines.dispose()
                with pytest.raises(StorageError) as err:
                    _sell(wiring.box, world.show_id, world.seat_ids[:2])
                assert_plain(err.value, StorageReadOnly, messages.READ_ONLY_MESSAGE)
                with pytest.raises(DatabaseOpenError, match=r"read-only|cannot write"):
                    open_database(sqlite_url)
        except disks.DiskUnavailable as exc:
            pytest.skip(str(exc))
        wiring.engines.dispose()
        _sell(wiring.box, world.show_id, world.seat_ids[:2])  # writable again: selling goes on
    finally:
        wiring.close()


# --------------------------------------------------------------------------- damaged file


def test_a_damaged_sqlite_file_says_restore_a_backup(sqlite_url, clock):
    wiring = connect(sqlite_url)
    wiring.box.clock = clock
    path = Path(sqlite_url.split("///", 1)[1])
    try:
        world = build_world(wiring.box)
        with wiring.box.uows() as uow:
            root = uow.connection.exec_driver_sql(
                "SELECT rootpage FROM sqlite_master WHERE name = 'show_seats'"
            ).scalar_one()
        wiring.engines.dispose()
        with closing(sqlite3.connect(path)) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        with path.open("r+b") as fh:  # scribble over the seats table's root page
            fh.seek((int(root) - 1) * page_size)
            fh.write(b"\xa5" * page_size)
        with pytest.raises(StorageError) as err:
            queries.get_seat_map(wiring.box, world.show_id)
        assert_plain(err.value, StorageCorrupt, messages.CORRUPT_MESSAGE)
    finally:
        wiring.close()
