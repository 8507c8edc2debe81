"""Every driver error, as a domain error with a message a person can read.

Shared by the SQLAlchemy repositories (``repositories.py``), the hot path (``hotpath.py``), the
unit of work (``uow.py``: statements, commit, and a catch-all when a unit of work is left with a
driver error), the change feed and the backups, so that a failure reads the same whichever of
them met it, on SQLite and on PostgreSQL. No ``OperationalError``, SQL or driver text reaches a
person or a ``--json`` output: the driver's own words go to the log (logger
``bms_desktop.persistence.errors``), the person gets one of the ``StorageError`` classes of
``services.ports``:

==================  ==============================================================  ===========
class               SQLite (primary result code)    PostgreSQL (SQLSTATE)            retryable
==================  ==============================================================  ===========
StorageBusy         BUSY, LOCKED                    55P03 lock timeout, 40P01, 40001  yes
                                                    57014 statement timeout
StorageUnavailable  a closed connection             08xxx, 57P01-57P03, a broken      yes
                                                    connection, connect refused,
                                                    53300 too many connections
StorageFull         FULL                            53100 disk full, 53200 memory     no
StorageReadOnly     READONLY, PERM                  25006 read-only transaction,      no
                                                    42501 no privilege
StorageCorrupt      CORRUPT, NOTADB                 XX001 / XX002 data corrupted      no
StorageRejected     TOOBIG, MISMATCH, RANGE         22xxx (22001 value too long...)   no
StorageConflict     CONSTRAINT                      23xxx (an unexpected constraint)  no
StorageFailure      anything else (IOERR, ...)      anything else                     no
==================  ==============================================================  ===========

``OutcomeUnknown`` is not made here: only the unit of work's commit can say that a commit was on
its way when the connection went (``uow.py``).
"""

from __future__ import annotations

import logging
import sqlite3
from typing import Final

from sqlalchemy.exc import DBAPIError

from bms_desktop.services.ports import (
    StorageBusy,
    StorageConflict,
    StorageCorrupt,
    StorageError,
    StorageFailure,
    StorageFull,
    StorageReadOnly,
    StorageRejected,
    StorageUnavailable,
)

log = logging.getLogger(__name__)

BUSY_MESSAGE: Final = (
    "The database is busy with another counter and did not answer in time; nothing was "
    "changed. Try again."
)
SLOW_MESSAGE: Final = "The database took too long to answer; nothing was changed. Try again."
UNREACHABLE_MESSAGE: Final = (
    "The database cannot be reached; nothing was changed. Check the connection."
)
LOST_MESSAGE: Final = (
    "The connection to the database was lost before this was saved; nothing was changed. "
    "Try again when it is back."
)
CANNOT_OPEN_MESSAGE: Final = (
    "The database file cannot be opened (it may have been moved, its disk unplugged, or its "
    "folder made read-only); nothing was changed. Check the data folder."
)
RESTARTING_MESSAGE: Final = (
    "The database server is starting up or shutting down; nothing was changed. "
    "Try again in a moment."
)
TOO_MANY_MESSAGE: Final = (
    "The database server has no room for another connection (too many counters are "
    "connected); nothing was changed. Try again in a moment, or ask IT to raise its "
    "connection limit."
)
FULL_MESSAGE: Final = (
    "The disk that holds the database is full; nothing was saved. Free some disk space "
    "(or ask IT to), then try again."
)
READ_ONLY_MESSAGE: Final = (
    "The database can be read but not written here (file permissions, a read-only disk or a "
    "read-only server); nothing was saved. Ask IT to make it writable."
)
CORRUPT_MESSAGE: Final = (
    "The database file is damaged; nothing was saved. Restore the newest backup "
    "(bms-desktop db restore)."
)
REJECTED_MESSAGE: Final = (
    "A value is too long or too large for the database; nothing was saved. "
    "Shorten it and try again."
)
CONFLICT_MESSAGE: Final = (
    "The database refused the change because it conflicts with what is already saved "
    "(perhaps by another counter); nothing was saved. Reload and try again."
)
FAILURE_MESSAGE: Final = (
    "The database reported an unexpected error; nothing was changed. The details are in the log."
)

# SQLite primary result codes (https://sqlite.org/rescode.html); extended codes keep them in
# their low byte.
_SQLITE_PERM, _SQLITE_BUSY, _SQLITE_LOCKED, _SQLITE_READONLY = 3, 5, 6, 8
_SQLITE_CORRUPT, _SQLITE_FULL, _SQLITE_CANTOPEN = 11, 13, 14
_SQLITE_TOOBIG, _SQLITE_CONSTRAINT, _SQLITE_MISMATCH, _SQLITE_RANGE, _SQLITE_NOTADB = (
    18,
    19,
    20,
    25,
    26,
)

_LOST_WORDS: Final = (
    "closed the connection",
    "connection is closed",
    "connection is lost",
    "connection already closed",
    "connection not open",
    "consuming input failed",
    "could not receive data",
    "could not send data",
    "terminating connection",
    "server closed",
    "cannot operate on a closed database",
    "connection has been closed",
    "ssl syscall error",
)
_UNREACHABLE_WORDS: Final = (
    "connection refused",
    "connection failed",
    "could not connect",
    "could not translate host name",
    "timeout expired",
    "no route to host",
    "network is unreachable",
    "name or service not known",
)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def classify(orig: BaseException, *, connection_lost: bool = False) -> StorageError:
    """The StorageError for a driver exception (sqlite3 / psycopg), wrapped or not."""
    message = str(orig).lower()
    code = getattr(orig, "sqlite_errorcode", None)
    if isinstance(orig, sqlite3.Error) and code is not None:
        return _classify_sqlite(int(code) & 0xFF, message)
    sqlstate = getattr(orig, "sqlstate", None)
    if isinstance(sqlstate, str) and sqlstate:
        found = _classify_sqlstate(sqlstate, message)
        if found is not None:
            return found
    if "too many connections" in message or "too many clients" in message:
        return StorageUnavailable(TOO_MANY_MESSAGE)
    if "starting up" in message or "shutting down" in message or "in recovery" in message:
        return StorageUnavailable(RESTARTING_MESSAGE)
    if connection_lost or any(word in message for word in _LOST_WORDS):
        return StorageUnavailable(LOST_MESSAGE)
    if any(word in message for word in _UNREACHABLE_WORDS):
        return StorageUnavailable(UNREACHABLE_MESSAGE)
    if "database is locked" in message or "database is busy" in message:
        return StorageBusy(BUSY_MESSAGE)
    if "disk is full" in message or "no space left" in message:
        return StorageFull(FULL_MESSAGE)
    if "readonly" in message or "read-only" in message:
        return StorageReadOnly(READ_ONLY_MESSAGE)
    if "malformed" in message or "not a database" in message:
        return StorageCorrupt(CORRUPT_MESSAGE)
    integrity = getattr(getattr(orig, "__class__", None), "__name__", "")
    if integrity == "IntegrityError" or "constraint" in message:
        return StorageConflict(CONFLICT_MESSAGE)
    return StorageFailure(FAILURE_MESSAGE)


def _classify_sqlite(code: int, message: str) -> StorageError:
    if code in (_SQLITE_BUSY, _SQLITE_LOCKED):
        return StorageBusy(BUSY_MESSAGE)
    if code == _SQLITE_FULL:
        return StorageFull(FULL_MESSAGE)
    if code in (_SQLITE_READONLY, _SQLITE_PERM):
        return StorageReadOnly(READ_ONLY_MESSAGE)
    if code in (_SQLITE_CORRUPT, _SQLITE_NOTADB):
        return StorageCorrupt(CORRUPT_MESSAGE)
    if code in (_SQLITE_TOOBIG, _SQLITE_MISMATCH, _SQLITE_RANGE):
        return StorageRejected(REJECTED_MESSAGE)
    if code == _SQLITE_CONSTRAINT:
        return StorageConflict(CONFLICT_MESSAGE)
    if code == _SQLITE_CANTOPEN:
        return StorageUnavailable(CANNOT_OPEN_MESSAGE)
    if "closed database" in message:
        return StorageUnavailable(LOST_MESSAGE)
    return StorageFailure(FAILURE_MESSAGE)


def _classify_sqlstate(sqlstate: str, message: str) -> StorageError | None:
    if sqlstate == "57014":  # query_canceled: statement_timeout (or a cancel request)
        return StorageBusy(SLOW_MESSAGE)
    if sqlstate in ("55P03", "40P01", "40001"):  # lock timeout, deadlock, serialization
        return StorageBusy(BUSY_MESSAGE)
    if sqlstate == "57P03":  # cannot_connect_now: starting up / shutting down
        return StorageUnavailable(RESTARTING_MESSAGE)
    if sqlstate in ("57P01", "57P02") or sqlstate.startswith("08"):
        return StorageUnavailable(LOST_MESSAGE)
    if sqlstate in ("53300", "53400"):  # too many connections, configuration limit
        return StorageUnavailable(TOO_MANY_MESSAGE)
    if sqlstate in ("53100", "53200") or sqlstate.startswith("53"):
        return StorageFull(FULL_MESSAGE)
    if sqlstate in ("25006", "42501"):
        return StorageReadOnly(READ_ONLY_MESSAGE)
    if sqlstate in ("XX001", "XX002"):
        return StorageCorrupt(CORRUPT_MESSAGE)
    if sqlstate.startswith("22"):
        return StorageRejected(REJECTED_MESSAGE)
    if sqlstate.startswith("23"):
        return StorageConflict(CONFLICT_MESSAGE)
    return None if "connection" in message else StorageFailure(FAILURE_MESSAGE)


def translate_error(exc: DBAPIError) -> StorageError:
    """The domain error for a driver error SQLAlchemy raised (or the hot path wrapped alike).
    The driver's words are logged, never shown."""
    orig = exc.orig if exc.orig is not None else exc
    translated = classify(orig, connection_lost=bool(exc.connection_invalidated))
    log_driver_error(orig, translated)
    return translated


def translate_driver_error(exc: BaseException) -> StorageError:
    """The same, for an exception straight from the driver (sqlite3 / psycopg)."""
    if isinstance(exc, DBAPIError):
        return translate_error(exc)
    translated = classify(exc)
    log_driver_error(exc, translated)
    return translated


def log_driver_error(orig: BaseException, translated: StorageError) -> None:
    detail = getattr(orig, "sqlstate", None) or getattr(orig, "sqlite_errorname", None) or ""
    # INFO: recorded by the app's log (logsetup), and never printed on a console by Python's
    # last-resort handler (which would show a person the driver's words).
    log.info(
        "database error %s%s: %s -> %s",
        type(orig).__name__,
        f" [{detail}]" if detail else "",
        _first_line(orig),
        type(translated).__name__,
    )


__all__ = [
    "BUSY_MESSAGE",
    "CANNOT_OPEN_MESSAGE",
    "CONFLICT_MESSAGE",
    "CORRUPT_MESSAGE",
    "FAILURE_MESSAGE",
    "FULL_MESSAGE",
    "LOST_MESSAGE",
    "READ_ONLY_MESSAGE",
    "REJECTED_MESSAGE",
    "SLOW_MESSAGE",
    "TOO_MANY_MESSAGE",
    "UNREACHABLE_MESSAGE",
    "classify",
    "translate_driver_error",
    "translate_error",
]
