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

from bms_desktop import APP_NAME, __version__
from bms_desktop.config import RunConfig
from bms_desktop.domain.errors import DomainError
from bms_desktop.persistence.changefeed import open_change_feed
from bms_desktop.persistence.engine import Engines
from bms_desktop.persistence.migrate import (
    DatabaseOpenError,
    downgrade,
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


@dataclass
class Wiring:
    engines: Engines
    box: BoxOffice

    def close(self) -> None:
        self.engines.dispose()


def connect(db_url: str, *, create: bool = True, pool_size: int = 5) -> Wiring:
    try:
        engines = open_database(db_url, create=create, pool_size=pool_size)
    except DatabaseOpenError as exc:
        raise StartupError(str(exc)) from exc
    return Wiring(engines=engines, box=BoxOffice(uows=SqlUnitOfWorkFactory(engines)))


def _wipe(db_url: str) -> None:
    """--force: drop everything (schema included) and build it again. Through
    ``migrate.downgrade``: on SQLite with foreign keys off while the tables go (a payments table
    holding a refund refers to itself, and dropping it row by row was refused)."""
    wiring = connect(db_url)
    try:
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


def run_db(cfg: RunConfig, action: str) -> int:
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
        wiring = connect(cfg.db_url)
    except StartupError as exc:
        if not logsetup.has_console():  # windowed build: say it on screen, not only in the log
            from bms_desktop.gui.crash_dialog import show_startup_error

            show_startup_error(str(exc))
        raise
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
            feed_factory=lambda: open_change_feed(cfg.db_url),
            seed_demo=lambda: demo.seed_demo(wiring.box),
        )
        return status
    finally:
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


def _has_demo(cfg: RunConfig) -> bool:
    wiring = connect(cfg.db_url)
    try:
        return not demo.is_empty(wiring.box)
    finally:
        wiring.close()
