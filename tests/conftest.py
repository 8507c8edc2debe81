"""Shared fixtures.

* ``db_url``: a fresh database, parametrised over both engines: an SQLite file in a temporary
  folder, and a database in the throwaway PostgreSQL cluster the session starts itself.
* ``sqlite_url`` / ``pg_url``: one engine only.
* ``box``: a ``BoxOffice`` on ``db_url`` with the schema migrated and the default seat types,
  fast (test-only) password hashing and a controllable clock (``clock``).
"""

from __future__ import annotations

import os
import sqlite3
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from tests.support.pg_fixtures import own_pg_cluster, pg_cluster, pg_url  # noqa: F401


class FakeClock:
    """A clock the test moves by hand. Starts at a fixed weekday morning (UTC)."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2030, 3, 4, 4, 30, tzinfo=UTC)  # Monday 10:00 IST

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> datetime:
        self.now += timedelta(**kwargs)
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'boxoffice.db'}"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'boxoffice.db'}"
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite database the app has created and migrated, once per test session (worker)."""
    from bms_desktop.app import connect

    path = tmp_path_factory.mktemp("template") / "migrated.db"
    connect(f"sqlite:///{path}", pool_size=1).close()
    return path


@pytest.fixture(scope="session")
def migrated_pg(request: pytest.FixtureRequest) -> Iterator[str]:
    """The name of a PostgreSQL database the app has created and migrated, once per session
    (worker): a test's database starts as a copy of it (``CREATE DATABASE ... TEMPLATE``)."""
    from bms_desktop.app import connect

    server = request.getfixturevalue("pg_cluster")
    name = f"bms_template_{uuid.uuid4().hex[:12]}"
    connect(server.create_database(name), pool_size=1).close()
    yield name
    server.drop_database(name)


def _from_template(request: pytest.FixtureRequest, db_url: str) -> None:
    """A test's box office starts from a migrated copy instead of migrating an empty database
    (about 0.2 s a test, some thousand tests). What ``connect`` then does is what it does to
    any up-to-date database; the migrations themselves are tested from empty databases
    (tests/integration/test_migrations.py and the ``sqlite_url``/``pg_url`` fixtures)."""
    if db_url.startswith("sqlite:///"):
        target = Path(db_url.removeprefix("sqlite:///"))
        if target.exists():
            return
        source = sqlite3.connect(request.getfixturevalue("migrated_sqlite"))
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)
        finally:
            copy.close()
            source.close()
    elif db_url.startswith("postgresql"):
        server = request.getfixturevalue("pg_cluster")
        template = request.getfixturevalue("migrated_pg")
        name = db_url.rsplit("/", 1)[1].split("?", 1)[0]
        server.drop_database(name)  # the empty database pg_url made for this test
        server.create_database(name, template=template)


@pytest.fixture
def wiring(db_url: str, request: pytest.FixtureRequest) -> Iterator[object]:
    from bms_desktop.app import connect

    _from_template(request, db_url)
    w = connect(db_url, pool_size=12)
    yield w
    w.close()


@pytest.fixture
def box(wiring: object, clock: FakeClock) -> object:
    from bms_desktop.app import Wiring

    assert isinstance(wiring, Wiring)
    wiring.box.clock = clock
    wiring.box.fast_hashing = True
    return wiring.box


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under pytest-xdist (``./dev test``: ``--dist loadgroup``) tests spread one by one over the
    workers, except a module whose module-scoped fixtures are costly to build (the frozen
    bundle, a pool of clerk processes, a PostgreSQL cluster of its own): its tests stay together
    on one worker, so that the fixture is built once."""
    for item in items:
        info = getattr(item, "_fixtureinfo", None)
        defs = [] if info is None else [d[-1] for d in info.name2fixturedefs.values() if d]
        if any(d.scope in ("module", "package", "class") for d in defs):
            item.add_marker(pytest.mark.xdist_group(item.module.__name__))  # type: ignore[attr-defined]


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """Say in CI's output how many PostgreSQL tests ran (and how many were skipped)."""
    counts = {"passed": 0, "failed": 0, "skipped": 0, "error": 0}
    for outcome in counts:
        for report in terminalreporter.stats.get(outcome, []):
            if "postgres" in getattr(report, "keywords", {}) and report.when in ("call", "setup"):
                if outcome == "passed" and report.when != "call":
                    continue
                counts[outcome] += 1
    terminalreporter.write_sep(
        "-",
        f"PostgreSQL tests: {counts['passed']} passed, {counts['failed']} failed, "
        f"{counts['error']} errors, {counts['skipped']} skipped",
    )
