"""Backups of the embedded (SQLite) database: taken online, verified, rotated, restored safely.

* **Taking one** uses sqlite3's online backup API (``Connection.backup``), never a file copy: a
  live WAL database is the main file plus the committed pages still in ``-wal``, and a copy of
  the files while a counter commits can be torn. The backup runs in one step, i.e. inside one
  read transaction: in WAL mode that is a consistent snapshot and it does not block the counters
  that keep selling meanwhile. The copy is written beside its final name, checked with
  ``PRAGMA integrity_check``, then renamed into place, so a backup file is always whole.
* **Where**: ``backups/`` in the database's folder (for the default database that is the data
  folder), named ``<database>-YYYYMMDD-HHMMSSZ.db`` (UTC); the newest ``keep`` are kept.
* **When**: at the start of the day and every ``backup_every_hours`` (box-office settings) while
  the app runs (``BackupScheduler``: a thread, off the GUI thread; several counters on one
  computer agree through a lock file so that one of them takes it), and on demand
  (``bms-desktop db backup [--to FILE]``).
* **Restoring** (``bms-desktop db restore FILE``) refuses while anybody has the database open,
  which two independent checks tell:

  1. every running bms-desktop holds a *shared* ``flock`` on ``<database>-instances`` for as
     long as it is connected (``InstanceLock``, taken by ``app.connect``); the restore takes it
     *exclusively*, without waiting, and keeps it while it works, so no counter can start in the
     middle (a starting counter waits for it);
  2. SQLite's own lock: every connection to a WAL database holds a shared POSIX lock on byte 128
     of ``<database>-shm`` (its "dead-man switch"; SQLite's unix VFS), whatever program made it
     (an old bms-desktop, the sqlite3 shell, a script). The restore asks for that byte
     exclusively, without waiting: refused means somebody has the database open.

  The kernel drops both locks when a process dies, so a crashed counter never blocks a restore.
  Then the backup is verified, the current files (database, ``-wal``, ``-shm``) are moved aside to
  ``<database>.replaced-<stamp>`` (kept: nothing is deleted), and the backup is copied into place
  (backup API again, checked, renamed). Where ``fcntl`` does not exist (Windows) neither check is
  possible; there the open database file cannot be renamed, which refuses the restore instead.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Final
from zoneinfo import ZoneInfo

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)

BACKUP_DIR: Final = "backups"
INSTANCES_SUFFIX: Final = "-instances"
SCHEDULER_LOCK: Final = ".scheduler.lock"
SHM_DMS_BYTE: Final = 128  # SQLite unix VFS: UNIX_SHM_DMS = (22 + SQLITE_SHM_NLOCK) * 4 + 8
_STAMP = "%Y%m%d-%H%M%SZ"
_NAME = re.compile(r"^(?P<stem>.+)-(?P<stamp>\d{8}-\d{6}Z)(?:-\d+)?\.db$")
SQLITE_HEADER: Final = b"SQLite format 3\x00"


class BackupError(Exception):
    """A backup or restore could not be done; the message says what to do."""


class DatabaseInUse(BackupError):
    pass


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    taken_at: datetime  # UTC
    size: int


# --------------------------------------------------------------------------- locks


class InstanceLock:
    """A running program's shared claim on a database file (see the module docstring)."""

    def __init__(self, db_path: Path) -> None:
        self.path = Path(str(db_path) + INSTANCES_SUFFIX)
        self._fh: IO[bytes] | None = None

    def acquire_shared(self, timeout_s: float = 30.0) -> bool:
        """Hold the shared lock; waits while a restore holds it exclusively. False if the wait
        ran out (or locks cannot be had here: then nothing is held and nothing is checked)."""
        return self._acquire(fcntl.LOCK_SH if fcntl else 0, timeout_s)

    def acquire_exclusive(self) -> bool:
        """Without waiting: False if any program holds the shared lock."""
        return self._acquire(fcntl.LOCK_EX if fcntl else 0, 0.0)

    def _acquire(self, mode: int, timeout_s: float) -> bool:
        if fcntl is None:
            return True
        try:
            fh = self.path.open("a+b")
        except OSError as exc:
            log.info("no instance lock for %s: %s", self.path, exc)
            return True
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                fcntl.flock(fh.fileno(), mode | fcntl.LOCK_NB)
            except OSError:
                if time.monotonic() >= deadline:
                    fh.close()
                    return False
                time.sleep(0.05)
                continue
            self._fh = fh
            return True

    def release(self) -> None:
        fh, self._fh = self._fh, None
        if fh is not None:
            fh.close()  # closing drops the flock


def sqlite_has_connections(db_path: Path) -> bool:
    """Whether any process has the WAL database open (SQLite's dead-man-switch byte in -shm is
    read-locked by each). A lock on that byte held by THIS process is invisible here (POSIX
    locks), so the caller must not have the database open itself."""
    shm = Path(str(db_path) + "-shm")
    if fcntl is None or not shm.exists():
        return False
    try:
        fd = os.open(shm, os.O_RDWR)
    except OSError:
        return False
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, SHM_DMS_BYTE)
    except OSError:
        return True
    else:
        fcntl.lockf(fd, fcntl.LOCK_UN, 1, SHM_DMS_BYTE)
        return False
    finally:
        os.close(fd)


# --------------------------------------------------------------------------- files


def backups_dir(db_path: Path) -> Path:
    return db_path.parent / BACKUP_DIR


def _stamp(now: datetime) -> str:
    return now.astimezone(UTC).strftime(_STAMP)


def list_backups(db_path: Path) -> list[BackupInfo]:
    """This database's backups in its backups folder, newest first."""
    folder = backups_dir(db_path)
    found: list[BackupInfo] = []
    if not folder.is_dir():
        return found
    for entry in folder.iterdir():
        match = _NAME.match(entry.name)
        if match is None or match["stem"] != db_path.stem or not entry.is_file():
            continue
        taken = datetime.strptime(match["stamp"], _STAMP).replace(tzinfo=UTC)
        found.append(BackupInfo(entry, taken, entry.stat().st_size))
    found.sort(key=lambda b: (b.taken_at, b.path.name), reverse=True)
    return found


def verify(path: Path) -> str:
    """The schema revision of a whole, readable bms-desktop database file; BackupError if not."""
    try:
        with path.open("rb") as fh:
            header = fh.read(16)
    except OSError as exc:
        raise BackupError(f"cannot read {path} ({exc.strerror})") from exc
    if header != SQLITE_HEADER:
        raise BackupError(f"{path} is not a database file")
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        rows = conn.execute("PRAGMA integrity_check").fetchall()
        if rows != [("ok",)]:
            raise BackupError(f"{path} is damaged ({len(rows)} problems found by its check)")
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} is not a readable bms-desktop database") from exc
    finally:
        conn.close()
    if row is None:
        raise BackupError(f"{path} is not a bms-desktop database")
    return str(row[0])


def newest_good_backup(db_path: Path) -> BackupInfo | None:
    for info in list_backups(db_path):
        try:
            verify(info.path)
        except BackupError as exc:
            log.info("backup %s skipped: %s", info.path, exc)
            continue
        return info
    return None


def _copy_checked(src: sqlite3.Connection, dest: Path) -> None:
    """The backup API from ``src`` into ``dest`` (written beside it first), checked."""
    partial = dest.with_name(dest.name + ".partial")
    partial.unlink(missing_ok=True)
    out = sqlite3.connect(partial)
    try:
        src.backup(out)  # one step: one read transaction, a consistent snapshot
        # A self-contained file (rollback journal, not WAL): it can be copied, mailed and
        # opened read-only like any file. The app switches a restored database back to WAL.
        out.execute("PRAGMA journal_mode = DELETE")
        rows = out.execute("PRAGMA integrity_check").fetchall()
        if rows != [("ok",)]:
            raise BackupError(f"the copy written to {partial} did not pass its check")
    except sqlite3.Error as exc:
        out.close()
        partial.unlink(missing_ok=True)
        raise BackupError(f"the copy could not be written to {dest.parent} ({exc})") from exc
    except BaseException:
        out.close()
        partial.unlink(missing_ok=True)
        raise
    out.close()
    os.replace(partial, dest)


def take_backup(
    db_path: Path, *, dest: Path | None = None, keep: int = 14, now: datetime | None = None
) -> BackupInfo:
    """An online backup of the database (see the module docstring); rotated when it goes to
    the backups folder (``dest`` None)."""
    now = now or datetime.now(UTC)
    if not db_path.exists():
        raise BackupError(f"there is no database at {db_path}")
    if dest is None:
        folder = backups_dir(db_path)
        folder.mkdir(parents=True, exist_ok=True)
        dest = folder / f"{db_path.stem}-{_stamp(now)}.db"
        n = 1
        while dest.exists():  # two in one second
            dest = folder / f"{db_path.stem}-{_stamp(now)}-{n}.db"
            n += 1
    elif dest.exists():
        raise BackupError(f"{dest} exists already; choose a new file name")
    src = sqlite3.connect(db_path, timeout=5.0)
    try:
        _copy_checked(src, dest)
    finally:
        src.close()
    info = BackupInfo(dest, now.astimezone(UTC), dest.stat().st_size)
    if dest.parent == backups_dir(db_path):
        rotate(db_path, keep)
    log.info("backup of %s written to %s (%d bytes, checked)", db_path, dest, info.size)
    return info


def rotate(db_path: Path, keep: int) -> list[Path]:
    """Delete all but the newest ``keep`` backups; returns what was deleted."""
    gone = [b.path for b in list_backups(db_path)[max(1, keep) :]]
    for path in gone:
        with contextlib.suppress(OSError):
            path.unlink()
    return gone


# --------------------------------------------------------------------------- restore


@dataclass(frozen=True)
class RestoreResult:
    restored_from: Path
    kept_aside: Path | None  # where the replaced database went (None: there was none)
    revision: str


def restore(db_path: Path, backup: Path, *, now: datetime | None = None) -> RestoreResult:
    """Put ``backup`` in the place of the database (see the module docstring)."""
    now = now or datetime.now(UTC)
    revision = verify(backup)
    lock = InstanceLock(db_path)
    if not lock.acquire_exclusive():
        raise DatabaseInUse(
            f"{db_path} is open in another bms-desktop on this computer (a counter, the door or "
            "a race); close them all, then restore"
        )
    try:
        if sqlite_has_connections(db_path):
            raise DatabaseInUse(
                f"{db_path} is open in another program (SQLite reports a connection); close it, "
                "then restore"
            )
        kept = _move_aside(db_path, now)
        src = sqlite3.connect(f"{backup.resolve().as_uri()}?mode=ro", uri=True)
        try:
            _copy_checked(src, db_path)
        except BaseException:
            if kept is not None:  # put the replaced database back as it was
                _move_back(kept, db_path)
            raise
        finally:
            src.close()
    finally:
        lock.release()
    log.info("database %s restored from %s; the replaced one is %s", db_path, backup, kept)
    return RestoreResult(backup, kept, revision)


_SIDE_FILES: Final = ("", "-wal", "-shm")


def _move_aside(db_path: Path, now: datetime) -> Path | None:
    if not db_path.exists():
        return None
    aside = db_path.with_name(f"{db_path.name}.replaced-{_stamp(now)}")
    for suffix in _SIDE_FILES:
        part = Path(str(db_path) + suffix)
        if part.exists():
            try:
                os.replace(part, Path(str(aside) + suffix))
            except OSError as exc:  # Windows: a file another program has open
                raise DatabaseInUse(
                    f"{part} cannot be moved aside ({exc.strerror}); close every program "
                    "that uses the database, then restore"
                ) from exc
    return aside


def _move_back(aside: Path, db_path: Path) -> None:
    for suffix in _SIDE_FILES:
        part = Path(str(aside) + suffix)
        if part.exists():
            os.replace(part, Path(str(db_path) + suffix))


# --------------------------------------------------------------------------- schedule


class BackupScheduler:
    """Backups while the app runs: one at the start of the day (box-office time zone) and then
    every ``every_hours``, on a thread of its own. ``due`` decides from the newest backup file,
    so counters that start later (or restart) do not take extra ones, and a lock file in the
    backups folder lets only one counter of the computer take it."""

    def __init__(
        self,
        db_path: Path,
        *,
        every_hours: float,
        keep: int,
        timezone: str = "UTC",
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        check_every_s: float = 300.0,
    ) -> None:
        self.db_path = db_path
        self.every = timedelta(hours=max(0.05, every_hours))
        self.keep = keep
        self.tz = ZoneInfo(timezone)
        self.clock = clock
        self.check_every_s = check_every_s
        self.taken: list[BackupInfo] = []
        self.failures = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def due(self, now: datetime) -> bool:
        backups = list_backups(self.db_path)
        if not backups:
            return True
        newest = backups[0].taken_at
        local = now.astimezone(self.tz)
        start_of_day = local.replace(hour=0, minute=0, second=0, microsecond=0)
        return newest < start_of_day or now - newest >= self.every

    def run_once(self) -> BackupInfo | None:
        """Take a backup if one is due and no other counter is taking it; never raises."""
        now = self.clock()
        try:
            if not self.due(now):
                return None
            with self._scheduler_lock() as ours:
                if not ours or not self.due(now):
                    return None
                info = take_backup(self.db_path, keep=self.keep, now=now)
        except (BackupError, OSError, sqlite3.Error) as exc:
            self.failures += 1
            log.warning("the scheduled backup of %s failed: %s", self.db_path, exc)
            return None
        self.taken.append(info)
        return info

    @contextlib.contextmanager
    def _scheduler_lock(self) -> Iterator[bool]:
        folder = backups_dir(self.db_path)
        folder.mkdir(parents=True, exist_ok=True)
        if fcntl is None:
            yield True
            return
        with (folder / SCHEDULER_LOCK).open("a+b") as fh:
            try:
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                yield False
                return
            yield True

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="bms-backups", daemon=True)
            self._thread.start()

    def stop(self, timeout_s: float = 30.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout_s)
            self._thread = None

    def _run(self) -> None:
        while not self._stop.is_set():
            self.run_once()
            self._stop.wait(self.check_every_s)


__all__ = [
    "BackupError",
    "BackupInfo",
    "BackupScheduler",
    "DatabaseInUse",
    "InstanceLock",
    "RestoreResult",
    "backups_dir",
    "list_backups",
    "newest_good_backup",
    "restore",
    "rotate",
    "sqlite_has_connections",
    "take_backup",
    "verify",
]
