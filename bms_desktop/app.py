"""Composition root: settings -> engine -> unit of work -> services -> windows.

The only module that knows every layer. Qt is imported only when a window is needed, so that
`seed`, `db` and `race` start fast and run without a display.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from bms_desktop import APP_NAME, __version__
from bms_desktop.config import RunConfig
from bms_desktop.domain.errors import DomainError
from bms_desktop.persistence import backup
from bms_desktop.persistence.changefeed import open_change_feed
from bms_desktop.persistence.engine import Engines, parse_db_url, sqlite_path
from bms_desktop.persistence.migrate import (
    DatabaseDamaged,
    DatabaseOpenError,
    head_revision,
    open_database,
    schema_status,
    upgrade,
)
from bms_desktop.persistence.uow import SqlUnitOfWorkFactory
from bms_desktop.services import demo
from bms_desktop.services.context import BoxOffice

log = logging.getLogger(APP_NAME)


class StartupError(Exception):
    """The program cannot start with these settings; the message says what to do."""


class DamagedDatabaseError(StartupError):
    """The SQLite file is damaged; ``newest_backup``: the newest backup that passed its check
    (None: there is none). The message names it and the command that restores it."""

    def __init__(self, message: str, db_path: Path, newest_backup: backup.BackupInfo | None):
        super().__init__(message)
        self.db_path = db_path
        self.newest_backup = newest_backup


@dataclass
class Wiring:
    engines: Engines
    box: BoxOffice
    instance_lock: backup.InstanceLock | None = None

    def close(self) -> None:
        self.engines.dispose()
        if self.instance_lock is not None:
            self.instance_lock.release()
            self.instance_lock = None


def connect(db_url: str, *, create: bool = True, pool_size: int = 5) -> Wiring:
    engines = _open(db_url, create=create, pool_size=pool_size)
    lock = _instance_lock(engines)
    if lock is not None and not lock.acquire_shared(timeout_s=0.0):
        # A restore is putting another file in place: wait for it, then open that one.
        engines.dispose()
        if not lock.acquire_shared(timeout_s=30.0):
            raise StartupError(f"{engines.url} is being restored from a backup; try again later")
        try:
            engines = _open(db_url, create=create, pool_size=pool_size)
        except BaseException:
            lock.release()
            raise
    box = BoxOffice(uows=SqlUnitOfWorkFactory(engines))
    return Wiring(engines=engines, box=box, instance_lock=lock)


def _open(db_url: str, *, create: bool, pool_size: int) -> Engines:
    try:
        return open_database(db_url, create=create, pool_size=pool_size)
    except DatabaseDamaged as exc:
        raise _damaged(db_url, exc) from exc
    except DatabaseOpenError as exc:
        raise StartupError(str(exc)) from exc


def _instance_lock(engines: Engines) -> backup.InstanceLock | None:
    """SQLite: this process's shared claim on the file, which ``db restore`` respects. Taken
    once the database opened (a refused file gets no lock file beside it)."""
    if engines.dialect != "sqlite":
        return None
    return backup.InstanceLock(sqlite_path(parse_db_url(engines.url)).resolve())


def _damaged(db_url: str, exc: DatabaseDamaged) -> DamagedDatabaseError:
    newest = backup.newest_good_backup(exc.path)
    if newest is None:
        where = backup.backups_dir(exc.path)
        return DamagedDatabaseError(
            f"{exc}; there is no good backup of it in {where}: choose another database with "
            "--db, or rebuild the demo with `bms-desktop seed --force`",
            exc.path,
            None,
        )
    taken = newest.taken_at.astimezone().strftime("%Y-%m-%d %H:%M")
    return DamagedDatabaseError(
        f"{exc}; the newest good backup is {newest.path} (taken {taken}): restore it with "
        f"`bms-desktop db restore --db {db_url} {newest.path}`",
        exc.path,
        newest,
    )


def _wipe(db_url: str) -> None:
    """--force: drop everything (schema included) and build it again."""
    from bms_desktop.persistence.migrate import downgrade

    wiring = connect(db_url)
    try:
        # Through migrate.downgrade: SQLite's foreign keys are off while 0002 rebuilds tickets.
        downgrade(wiring.engines, "base")
        upgrade(wiring.engines)
    finally:
        wiring.close()


def run_seed(cfg: RunConfig, *, force: bool = False, days: int = 14) -> int:
    if not 1 <= days <= 60:
        raise StartupError("--days must be between 1 and 60")
    wiring = connect(cfg.db_url)
    _start_logging(cfg, "seed")  # only now: a refusal writes nothing, not even a log
    try:
        if not demo.is_empty(wiring.box):
            if not force:
                kind = "a demo database" if demo.is_demo(wiring.box) else "not a demo database"
                raise StartupError(
                    f"{_where(cfg.db_url)} already holds data ({kind}); nothing was changed. "
                    "Use --force to wipe it and build the demo box office"
                )
            wiring.close()
            _wipe(cfg.db_url)
            wiring = connect(cfg.db_url)
        t0 = time.perf_counter()
        summary = demo.seed_demo(wiring.box, days=days)
        took = time.perf_counter() - t0
    except DomainError as exc:
        raise StartupError(str(exc)) from exc
    finally:
        wiring.close()
    log.info("demo box office created in %s (%.1f s)", _where(cfg.db_url), took)
    print(f"Demo box office created in {_where(cfg.db_url)} ({took:.1f} s):")
    for name, count in summary.counts.items():
        print(f"  {count:>8,}  {name}")
    print(f"  {summary.sold_seats:>8,}  seats already sold today, {summary.held_seats} held")
    print("Demo staff (these passwords exist only in this demo database):")
    for username, role, password in summary.passwords:
        print(f"  {username:<12} {role.lower():<11} password: {password}")
    return 0


def run_db(cfg: RunConfig, action: str, *, file: str | None = None, to: str | None = None) -> int:
    if action in ("backup", "restore"):
        from bms_desktop.backup_cli import run_backup, run_restore

        try:
            if action == "backup":
                return run_backup(cfg.db_url, to=to)
            return run_restore(cfg.db_url, file)
        except backup.BackupError as exc:
            raise StartupError(str(exc)) from exc
    wiring = connect(cfg.db_url)  # opening upgrades an older schema
    try:
        status = schema_status(wiring.engines)
    finally:
        wiring.close()
    if action == "upgrade":
        print(f"{_where(cfg.db_url)}: schema at {status.current} (latest {head_revision()})")
    else:
        print(f"{_where(cfg.db_url)}: schema {status.current}; latest {head_revision()}")
    return 0


def _start_logging(cfg: RunConfig, command: str) -> None:
    """Rotating log in <data dir>/logs (bms_desktop.logsetup) and one line about this run."""
    from bms_desktop import logsetup

    path = logsetup.setup_logging(cfg.data_dir)
    log.info(
        "%s: %s, database %s, log %s", command, logsetup.runtime_summary(), _where(cfg.db_url), path
    )


def _where(db_url: str) -> str:
    if db_url.startswith("sqlite"):
        return db_url.split("///", 1)[1]
    return db_url.rsplit("@", maxsplit=1)[-1]


def run_smoke(cfg: RunConfig) -> int:
    """Self-test: open the database, one write transaction, main window offscreen, quit."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    t0 = time.perf_counter()
    from bms_desktop import logsetup

    logsetup.install_excepthook(None)  # logged and printed; no dialog that would wait offscreen
    wiring = connect(cfg.db_url)
    _start_logging(cfg, "smoke")  # only now: a refusal writes nothing, not even a log
    try:
        with wiring.box.uows(write=True, label="smoke") as uow:
            uow.settings.put("last_smoke_test", wiring.box.now().isoformat())
            uow.commit()
        from bms_desktop.gui.launcher import smoke_windows

        built = smoke_windows(wiring.box, counter=cfg.counter)
        from bms_desktop.gui.reports.reports_app import smoke_reports_window  # issue 11

        built += f" + {smoke_reports_window(wiring.box)}"
    finally:
        wiring.close()
    took = (time.perf_counter() - t0) * 1000
    print(
        f"SMOKE OK: database {_where(cfg.db_url)} schema {head_revision()}, write transaction "
        f"committed, {built} built offscreen, {APP_NAME} {__version__}, Python "
        f"{sys.version.split()[0]}, {took:.0f} ms"
    )
    log.info("smoke test passed in %.0f ms", took)
    return 0


def run_gui(cfg: RunConfig) -> int:
    from bms_desktop import logsetup

    logsetup.ensure_std_streams()  # no console (windowed build, pythonw): prints go to the log
    _start_logging(cfg, "app")
    from bms_desktop.gui.crash_dialog import show_crash

    logsetup.install_excepthook(show_crash)  # logged, then "Something went wrong" with the log path
    from bms_desktop.gui.launcher import LaunchOptions, launch

    try:
        if cfg.demo and not _has_demo(cfg):
            # `--demo` opens the demo box office: build it the first time.
            print("Building the demo box office (first run only)...", flush=True)
            run_seed(cfg)
        wiring = _connect_or_offer_backup(cfg, windowed=not logsetup.has_console())
    except StartupError as exc:
        if not logsetup.has_console():  # windowed build: say it on screen, not only in the log
            from bms_desktop.gui.crash_dialog import show_startup_error

            show_startup_error(str(exc))
        raise
    from bms_desktop.backup_cli import start_scheduler

    scheduler = start_scheduler(wiring.box, cfg.db_url)  # SQLite: backups while it runs
    health = getattr(wiring.box.uows, "health", None)
    try:
        options = LaunchOptions(
            counter=cfg.counter,
            strategy=cfg.strategy,
            delay_ms=cfg.delay_ms,
            user=cfg.user,
            demo=cfg.demo,
            db_label=_where(cfg.db_url),
            data_dir=str(cfg.data_dir),
        )
        status: int = launch(
            wiring.box,
            options,
            feed_factory=lambda: open_change_feed(cfg.db_url, health=health),
            seed_demo=lambda: demo.seed_demo(wiring.box),
        )
        return status
    finally:
        if scheduler is not None:
            scheduler.stop()
        wiring.close()


def run_reports(cfg: RunConfig) -> int:
    """`bms-desktop reports` (issue 11): the Reports window after a supervisor's sign-in."""
    from bms_desktop import logsetup

    logsetup.ensure_std_streams()
    wiring = connect(cfg.db_url, create=False)
    _start_logging(cfg, "reports")
    try:
        from bms_desktop.gui.reports.reports_app import launch_reports

        return launch_reports(wiring.box, user=cfg.user)
    finally:
        wiring.close()


def _connect_or_offer_backup(cfg: RunConfig, *, windowed: bool) -> Wiring:
    """``connect``; a damaged SQLite file with a good backup: the windowed app offers to restore
    it (a dialog) and goes on with it; with a console the one-line message says how."""
    try:
        return connect(cfg.db_url)
    except DamagedDatabaseError as exc:
        if not windowed or exc.newest_backup is None:
            raise
        from bms_desktop.gui.dialogs.restore_backup_dialog import RestoreBackupDialog

        chosen = exc.newest_backup
        if not RestoreBackupDialog.ask(str(exc.db_path), str(chosen.path), chosen.taken_at):
            raise
        try:
            result = backup.restore(exc.db_path, chosen.path)
        except backup.BackupError as failed:
            raise StartupError(str(failed)) from failed
        log.warning(
            "damaged database %s restored from %s; the damaged file is kept at %s",
            exc.db_path,
            chosen.path,
            result.kept_aside,
        )
        return connect(cfg.db_url)


def run_admin(cfg: RunConfig) -> int:
    """`bms-desktop admin`: the admin console alone (issue 8)."""
    from bms_desktop import logsetup

    logsetup.ensure_std_streams()
    _start_logging(cfg, "admin")
    from bms_desktop.gui.crash_dialog import show_crash

    logsetup.install_excepthook(show_crash)
    from bms_desktop.gui.admin.launch import launch_admin

    wiring = connect(cfg.db_url)
    try:
        return launch_admin(
            wiring.box,
            user=cfg.user,
            db_label=_where(cfg.db_url),
            seed_demo=lambda: demo.seed_demo(wiring.box),
        )
    finally:
        wiring.close()


def _has_demo(cfg: RunConfig) -> bool:
    wiring = connect(cfg.db_url)
    try:
        return not demo.is_empty(wiring.box)
    finally:
        wiring.close()
