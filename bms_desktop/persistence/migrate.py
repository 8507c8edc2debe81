"""Schema migrations (Alembic), run programmatically.

``open_database`` is what the app and every command call first: it checks the URL, that the file is
a database, that it is not from a newer version of the program, and upgrades an older schema.
Every refusal is a ``DatabaseOpenError`` whose message says what to do.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import inspect, text
from sqlalchemy.exc import DBAPIError

from bms_desktop.persistence.backup import list_backups
from bms_desktop.persistence.engine import (
    DatabaseUrlError,
    Engines,
    create_engines,
    parse_db_url,
    sqlite_path,
)
from bms_desktop.persistence.errors import translate_driver_error
from bms_desktop.services.ports import StorageCorrupt, StorageFull, StorageReadOnly

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# The newest revision in migrations/versions. Opening an up-to-date database compares with this
# constant and never imports Alembic (150 ms of start-up); a test checks it against Alembic.
HEAD_REVISION = "0002"


class DatabaseOpenError(RuntimeError):
    """The database cannot be used; the message is one line that says what to do."""


class DatabaseDamaged(DatabaseOpenError):
    """The SQLite file is damaged (malformed pages, or a broken header where backups of it
    exist); ``path``: the database file. The composition root offers the newest good backup."""

    def __init__(self, message: str, path: Path) -> None:
        super().__init__(message)
        self.path = path


@dataclass(frozen=True)
class SchemaStatus:
    current: str | None
    head: str
    has_tables: bool

    @property
    def up_to_date(self) -> bool:
        return self.current == self.head


def alembic_config() -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("path_separator", "os")
    return cfg


def head_revision() -> str:
    return HEAD_REVISION


def alembic_head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    return {rev.revision for rev in script.walk_revisions()}


def schema_status(engines: Engines) -> SchemaStatus:
    with engines.read.connect() as conn:
        tables = inspect(conn).get_table_names()
        current = None
        if "alembic_version" in tables:
            current = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        conn.rollback()
    has_tables = bool(set(tables) - {"alembic_version"})
    return SchemaStatus(current=current, head=head_revision(), has_tables=has_tables)


def upgrade(engines: Engines, revision: str = "head") -> None:
    _migrate(engines, "upgrade", revision)


def downgrade(engines: Engines, revision: str) -> None:
    """Back to an older schema (tests and emergencies; the app never downgrades by itself)."""
    _migrate(engines, "downgrade", revision)


def _migrate(engines: Engines, direction: str, revision: str) -> None:
    from alembic import command

    cfg = alembic_config()
    with engines.write.connect() as conn:
        sqlite = engines.dialect == "sqlite"
        driver = conn.connection.driver_connection
        if sqlite:
            # SQLite changes a table's constraints by rebuilding it (batch mode): dropping the old
            # copy must not cascade or be refused by the tables that refer to it. The pragma only
            # works outside a transaction, so it goes straight to the driver's connection.
            driver.execute("PRAGMA foreign_keys = OFF")  # type: ignore[union-attr]
        try:
            cfg.attributes["connection"] = conn
            getattr(command, direction)(cfg, revision)
            if sqlite:
                broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise DatabaseOpenError(
                        f"the schema change would break {len(broken)} references between "
                        "tables; nothing was changed"
                    )
            conn.commit()
        finally:
            if sqlite:
                if conn.in_transaction():
                    conn.rollback()
                driver.execute("PRAGMA foreign_keys = ON")  # type: ignore[union-attr]


def _check_sqlite_file(path: Path, *, create: bool) -> None:
    folder = path.parent
    if path.exists():
        if path.is_dir():
            raise DatabaseOpenError(f"{path} is a folder, not a database file; give a file path")
        with path.open("rb") as fh:
            header = fh.read(16)
        if header and header != b"SQLite format 3\x00":
            if list_backups(path):  # ours, since it has backups: damaged, not foreign
                raise DatabaseDamaged(
                    f"{path} is damaged (its first bytes are not a database's any more)", path
                )
            raise DatabaseOpenError(
                f"{path} is not a bms-desktop database (not an SQLite file); "
                "choose another file with --db"
            )
        if not os.access(path, os.R_OK | os.W_OK) or not os.access(folder, os.W_OK):
            raise DatabaseOpenError(
                f"cannot write to {path}; check its permissions or choose another file with --db"
            )
        return
    if not create:
        raise DatabaseOpenError(f"there is no database at {path}; run `bms-desktop seed` first")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DatabaseOpenError(
            f"cannot create the data folder {folder} ({exc.strerror}); "
            "choose a writable one with --data-dir or --db"
        ) from exc
    if not os.access(folder, os.W_OK):
        raise DatabaseOpenError(
            f"the data folder {folder} is not writable; choose another with --data-dir or --db"
        )


def open_database(
    raw_url: str, *, create: bool = True, migrate: bool = True, pool_size: int = 5
) -> Engines:
    """Check, open and (if allowed) create or upgrade the database. Writes nothing on refusal."""
    try:
        url = parse_db_url(raw_url)
    except DatabaseUrlError as exc:
        raise DatabaseOpenError(str(exc)) from exc
    if url.get_backend_name() == "sqlite":
        _check_sqlite_file(sqlite_path(url), create=create)
    engines = create_engines(raw_url, pool_size=pool_size)
    try:
        status = schema_status(engines)
        if (
            status.current is not None
            and not status.up_to_date
            and (status.current not in known_revisions())
        ):
            raise DatabaseOpenError(
                f"this database was made by a newer version of bms-desktop (schema "
                f"{status.current}); install the newer version to open it"
            )
        if status.current is None and status.has_tables:
            raise DatabaseOpenError(
                "this database holds tables that bms-desktop did not create; choose another "
                "database with --db"
            )
        if not status.up_to_date:
            if not migrate:
                raise DatabaseOpenError(
                    "the database schema is out of date; run `bms-desktop db upgrade`"
                )
            upgrade(engines)
    except DatabaseOpenError:
        engines.dispose()
        raise
    except (DBAPIError, sqlite3.DatabaseError) as exc:
        engines.dispose()
        message = _describe_connect_error(raw_url, exc)
        if url.get_backend_name() == "sqlite" and isinstance(
            translate_driver_error(exc), StorageCorrupt
        ):
            raise DatabaseDamaged(message, sqlite_path(url)) from exc
        raise DatabaseOpenError(message) from exc
    return engines


def _describe_connect_error(raw_url: str, exc: Exception) -> str:
    """One plain line: what went wrong and what to do. The driver's own words go to the log
    (``errors.translate_driver_error``), never to the person."""
    orig = getattr(exc, "orig", None) or exc
    translated = translate_driver_error(exc)
    low = str(orig).lower()
    if "not a database" in low or "file is encrypted" in low:
        return (
            "the file is not a bms-desktop database (not an SQLite file); choose another with --db"
        )
    if isinstance(translated, StorageCorrupt):
        return "the database file is damaged (malformed)"
    if "database is locked" in low:
        return "the database is locked by another program; close it and try again"
    if isinstance(translated, StorageReadOnly):
        return "the database file is read-only; check its permissions or choose another with --db"
    if isinstance(translated, StorageFull):
        return "the disk that holds the database is full; free some space and start again"
    if raw_url.startswith("postgres"):
        url = parse_db_url(raw_url)
        where = f"{url.host or 'localhost'}:{url.port or 5432}"
        return (
            f"cannot reach PostgreSQL at {where} ({_pg_reason(orig, low, url.database)}); "
            "check the server, the URL and the network"
        )
    return f"cannot open the database: {translated.message}"


def _pg_reason(orig: BaseException, low: str, database: str | None) -> str:
    sqlstate = getattr(orig, "sqlstate", None)
    if "connection refused" in low:
        return "connection refused: nothing answers at that address"
    if "could not translate host name" in low or "name or service not known" in low:
        return "connection failed: unknown host name"
    if "timeout expired" in low or "timed out" in low:
        return "connection timed out: no answer"
    if sqlstate == "3D000" or ("database" in low and "does not exist" in low):
        return f"connection refused: there is no database named {database or '?'} there"
    if "password" in low or sqlstate in ("28000", "28P01") or "role" in low:
        return "connection refused: the user name or password was not accepted"
    if sqlstate in ("53300", "53400") or "too many" in low:
        return "connection refused: the server has no room for another connection"
    if sqlstate == "57P03" or "starting up" in low or "shutting down" in low:
        return "connection refused: the server is starting up or shutting down"
    return "the server did not accept the connection"
