"""Shared fixtures.

* ``db_url``: a fresh database, parametrised over both engines: an SQLite file in a temporary
  folder, and a database in the throwaway PostgreSQL cluster the session starts itself.
* ``sqlite_url`` / ``pg_url``: one engine only.
* ``box``: a ``BoxOffice`` on ``db_url`` with the schema migrated and the default seat types,
  fast (test-only) password hashing and a controllable clock (``clock``).
"""

from __future__ import annotations

import os
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


@pytest.fixture
def wiring(db_url: str) -> Iterator[object]:
    from bms_desktop.app import connect

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
