"""Driver errors a clerk may meet, as domain errors with a readable message.

Shared by the SQLAlchemy repositories (``repositories.py``) and the hot path (``hotpath.py``), so
that a statement fails the same way whichever of them ran it."""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError

from bms_desktop.services.ports import StorageBusy, StorageUnavailable

BUSY_MESSAGE = (
    "The database is busy with another counter and did not answer in time; nothing was "
    "changed. Try again."
)
UNREACHABLE_MESSAGE = "The database cannot be reached; nothing was changed. Check the connection."


def translate_error(exc: DBAPIError) -> Exception:
    """Map driver errors that a clerk may meet to domain errors with a readable message."""
    orig = exc.orig
    sqlstate = getattr(orig, "sqlstate", None)
    message = str(orig).lower() if orig is not None else str(exc).lower()
    if "database is locked" in message or "database is busy" in message:
        return StorageBusy(BUSY_MESSAGE)
    if sqlstate in ("55P03", "40P01", "40001", "57014"):
        return StorageBusy(BUSY_MESSAGE)
    if exc.connection_invalidated or sqlstate in ("08000", "08003", "08006", "08001", "57P01"):
        return StorageUnavailable(UNREACHABLE_MESSAGE)
    if "connection" in message and ("refused" in message or "failed" in message):
        return StorageUnavailable(UNREACHABLE_MESSAGE)
    return exc
