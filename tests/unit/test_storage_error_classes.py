"""The translation table of persistence/errors.py, one row per driver error (no database: the
errors are built as the drivers build them; tests/integration/test_storage_errors.py makes them
really happen)."""

from __future__ import annotations

import sqlite3

import psycopg
import pytest

from bms_desktop.persistence import errors as m
from bms_desktop.persistence.errors import classify
from bms_desktop.services.ports import (
    StorageBusy,
    StorageConflict,
    StorageCorrupt,
    StorageFailure,
    StorageFull,
    StorageReadOnly,
    StorageRejected,
    StorageUnavailable,
)


def _pg(sqlstate: str, text: str = "server words") -> BaseException:
    return psycopg.errors.lookup(sqlstate)(text)


def _sqlite(code: int, text: str, cls: type[sqlite3.Error] = sqlite3.OperationalError):
    exc = cls(text)
    exc.sqlite_errorcode = code  # type: ignore[attr-defined]
    return exc


@pytest.mark.parametrize(
    ("error", "cls", "message"),
    [
        (_pg("55P03"), StorageBusy, m.BUSY_MESSAGE),
        (_pg("40P01"), StorageBusy, m.BUSY_MESSAGE),
        (_pg("40001"), StorageBusy, m.BUSY_MESSAGE),
        (_pg("57014"), StorageBusy, m.SLOW_MESSAGE),
        (_pg("57P01"), StorageUnavailable, m.LOST_MESSAGE),
        (_pg("57P02"), StorageUnavailable, m.LOST_MESSAGE),
        (_pg("57P03"), StorageUnavailable, m.RESTARTING_MESSAGE),
        (_pg("08006"), StorageUnavailable, m.LOST_MESSAGE),
        (_pg("53300"), StorageUnavailable, m.TOO_MANY_MESSAGE),
        (_pg("53100"), StorageFull, m.FULL_MESSAGE),
        (_pg("53200"), StorageFull, m.FULL_MESSAGE),
        (_pg("25006"), StorageReadOnly, m.READ_ONLY_MESSAGE),
        (_pg("42501"), StorageReadOnly, m.READ_ONLY_MESSAGE),
        (_pg("XX001"), StorageCorrupt, m.CORRUPT_MESSAGE),
        (_pg("22001"), StorageRejected, m.REJECTED_MESSAGE),
        (_pg("22003"), StorageRejected, m.REJECTED_MESSAGE),
        (_pg("23505"), StorageConflict, m.CONFLICT_MESSAGE),
        (_pg("23514"), StorageConflict, m.CONFLICT_MESSAGE),
        (_pg("42P01"), StorageFailure, m.FAILURE_MESSAGE),
        (
            psycopg.OperationalError("consuming input failed: server closed the connection"),
            StorageUnavailable,
            m.LOST_MESSAGE,
        ),
        (
            psycopg.OperationalError("connection failed: Connection refused"),
            StorageUnavailable,
            m.UNREACHABLE_MESSAGE,
        ),
        (
            psycopg.OperationalError("connection failed: FATAL: too many connections for role"),
            StorageUnavailable,
            m.TOO_MANY_MESSAGE,
        ),
        (
            psycopg.OperationalError("connection failed: the database system is starting up"),
            StorageUnavailable,
            m.RESTARTING_MESSAGE,
        ),
        (_sqlite(5, "database is locked"), StorageBusy, m.BUSY_MESSAGE),
        (_sqlite(517, "database is locked"), StorageBusy, m.BUSY_MESSAGE),  # BUSY_SNAPSHOT
        (_sqlite(13, "database or disk is full"), StorageFull, m.FULL_MESSAGE),
        (_sqlite(8, "attempt to write a readonly database"), StorageReadOnly, m.READ_ONLY_MESSAGE),
        (_sqlite(11, "database disk image is malformed"), StorageCorrupt, m.CORRUPT_MESSAGE),
        (_sqlite(26, "file is not a database"), StorageCorrupt, m.CORRUPT_MESSAGE),
        (_sqlite(18, "string or blob too big"), StorageRejected, m.REJECTED_MESSAGE),
        (
            _sqlite(2067, "UNIQUE constraint failed", sqlite3.IntegrityError),
            StorageConflict,
            m.CONFLICT_MESSAGE,
        ),
        (_sqlite(14, "unable to open database file"), StorageUnavailable, m.CANNOT_OPEN_MESSAGE),
        (_sqlite(10, "disk I/O error"), StorageFailure, m.FAILURE_MESSAGE),
        (
            sqlite3.ProgrammingError("Cannot operate on a closed database."),
            StorageUnavailable,
            m.LOST_MESSAGE,
        ),
    ],
    ids=lambda v: getattr(v, "sqlstate", None) or getattr(v, "sqlite_errorcode", None) or "",
)
def test_each_driver_error_has_its_class_and_plain_message(error, cls, message):
    translated = classify(error)
    assert type(translated) is cls
    assert translated.message == message
    assert "server words" not in str(translated)


def test_busy_and_unreachable_are_retryable_and_the_rest_need_a_person():
    assert StorageBusy.retryable and StorageUnavailable.retryable
    assert not any(
        c.retryable
        for c in (StorageFull, StorageReadOnly, StorageCorrupt, StorageRejected, StorageConflict)
    )
