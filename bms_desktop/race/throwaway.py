"""A throwaway copy of the database for one race (``race --throwaway-copy``, the lab's choice
"Throwaway copy of this database"): the race then adds no scratch show to the real database.

* SQLite: an online copy through sqlite3's backup API (safe while counters write: never a file
  copy of a live WAL database) into a temporary folder, deleted afterwards;
* PostgreSQL: a new, empty database on the same server (the race creates the schema), dropped
  afterwards. ``CREATE DATABASE ... TEMPLATE`` would refuse while counters are connected, and the
  race needs the schema, not the sales.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from bms_desktop.domain.errors import ValidationError
from bms_desktop.persistence.engine import parse_db_url, sqlite_path


@contextmanager
def throwaway_copy(db_url: str) -> Iterator[str]:
    """The URL of a copy of ``db_url`` that lives as long as the ``with`` block."""
    url = parse_db_url(db_url)
    if url.get_backend_name() == "sqlite":
        source = sqlite_path(url)
        if not source.exists():
            raise ValidationError(f"there is no database at {source} to copy")
        folder = Path(tempfile.mkdtemp(prefix="bms-race-copy-"))
        target = folder / "copy.db"
        try:
            src, dst = sqlite3.connect(source), sqlite3.connect(target)
            try:
                src.backup(dst)
            finally:
                dst.close()
                src.close()
            yield f"sqlite:///{target}"
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return
    name = f"bms_race_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 5})
    try:
        try:
            with admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
        except DBAPIError as exc:
            raise ValidationError(
                "a throwaway database cannot be created on this server (the user may not create "
                "databases); race on this database instead: scratch shows leave real sales alone"
            ) from exc
        try:
            yield url.set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()
