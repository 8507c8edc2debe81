"""``bms-desktop db backup [--to FILE]`` and ``bms-desktop db restore FILE``, and the backups the
running app takes by itself (see ``persistence/backup.py`` for how and why).

Part of the composition root (``app.run_db`` and ``app.run_gui`` call it); it prints what it did in
one or two lines, and refuses with a ``BackupError`` whose message says what to do.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bms_desktop.persistence import backup
from bms_desktop.persistence.engine import DatabaseUrlError, parse_db_url, sqlite_path
from bms_desktop.persistence.migrate import known_revisions
from bms_desktop.services.context import SETTING_DEFAULTS, BoxOffice

POSTGRES_HINT = (
    "a PostgreSQL database is backed up with the server's own tools (pg_dump / pg_restore); "
    "the README's 'Backups' section has the commands"
)


def _sqlite_file(db_url: str) -> Path:
    try:
        url = parse_db_url(db_url)
    except DatabaseUrlError as exc:
        raise backup.BackupError(str(exc)) from exc
    if url.get_backend_name() != "sqlite":
        raise backup.BackupError(POSTGRES_HINT)
    return sqlite_path(url).resolve()


def _setting(db_path: Path, key: str) -> int:
    """A box-office setting read straight from the file (no migration, no pool)."""
    default = int(SETTING_DEFAULTS[key])
    try:
        conn = sqlite3.connect(f"{db_path.as_uri()}?mode=ro", uri=True)
        try:
            row = conn.execute('SELECT value FROM app_meta WHERE "key" = ?', (key,)).fetchone()
        finally:
            conn.close()
        return int(row[0]) if row else default
    except (sqlite3.Error, ValueError):
        return default


def run_backup(db_url: str, *, to: str | None = None) -> int:
    db_path = _sqlite_file(db_url)
    keep = _setting(db_path, "backup_keep")
    dest = Path(to).expanduser().resolve() if to else None
    info = backup.take_backup(db_path, dest=dest, keep=keep)
    size = info.size / 1_000_000
    print(f"Backup of {db_path} written to {info.path} ({size:.1f} MB, checked: ok).")
    if dest is None:
        count = len(backup.list_backups(db_path))
        print(f"{count} backup(s) in {backup.backups_dir(db_path)} (the newest {keep} are kept).")
    return 0


def run_restore(db_url: str, file: str | None) -> int:
    if not file:
        raise backup.BackupError("name the backup to restore: bms-desktop db restore FILE")
    db_path = _sqlite_file(db_url)
    source = Path(file).expanduser().resolve()
    if source == db_path:
        raise backup.BackupError("that is the database itself; name a backup file")
    revision = backup.verify(source)
    if revision not in known_revisions():
        raise backup.BackupError(
            f"{source} was made by a newer version of bms-desktop (schema {revision}); "
            "install the newer version to restore it"
        )
    result = backup.restore(db_path, source)
    print(f"Restored {db_path} from {source} (schema {revision}).")
    if result.kept_aside is not None:
        print(f"The replaced database is kept at {result.kept_aside}.")
    return 0


def start_scheduler(box: BoxOffice, db_url: str) -> backup.BackupScheduler | None:
    """SQLite: the running app's backups (start of day, then every N hours); None on
    PostgreSQL. The thread is the caller's to stop."""
    try:
        db_path = _sqlite_file(db_url)
    except backup.BackupError:
        return None
    cfg = box.settings()
    scheduler = backup.BackupScheduler(
        db_path,
        every_hours=cfg.backup_every_hours,
        keep=cfg.backup_keep,
        timezone=cfg.box_office_timezone,
    )
    scheduler.start()
    return scheduler


__all__ = ["POSTGRES_HINT", "run_backup", "run_restore", "start_scheduler"]
