"""Pytest fixtures for tests that need a PostgreSQL server.

Meant to be imported by the top-level ``tests/conftest.py``, e.g.::

    from tests.support.pg_fixtures import pg_cluster, pg_url  # noqa: F401

(or loaded as a plugin: ``pytest -p tests.support.pg_fixtures``, which also registers the
``postgres`` marker, useful when pytest runs without pyproject.toml).

Fixtures
--------
``pg_cluster`` (session scope)
    A server for the whole test session: a throwaway cluster (``PgCluster``: initdb in a
    temporary directory, 127.0.0.1 only, a free port, fsync off; started once, stopped
    and deleted at the end of the session), or, if the environment variable
    ``BMS_TEST_PG_URL`` is set, the server at that SQLAlchemy URL (e.g.
    ``postgresql+psycopg://postgres@127.0.0.1:5432/postgres``; it must name a database
    to connect to and a role allowed to create and drop databases). It has ``url`` (of
    the maintenance database), ``create_database(name) -> url`` and
    ``drop_database(name)``.

``own_pg_cluster`` (module scope)
    A throwaway cluster of the test module's own (never ``BMS_TEST_PG_URL``'s server), for
    tests that stop and restart the server (``stop_server`` / ``start_server`` /
    ``restart``) without disturbing the session's other tests. Left running after each test.

``pg_url`` (function scope)
    The SQLAlchemy URL (``postgresql+psycopg://...``) of a fresh, empty database with a
    unique name (``bms_t_<test name>_<random hex>``), created for this test and dropped
    afterwards; connections the test left open to it are terminated first
    (``pg_terminate_backend``), so a leaked engine does not make the teardown fail.

When PostgreSQL is unavailable
------------------------------
If no server can be had (server programs not installed, running as root with no
``postgres`` user, the cluster fails to start, ``BMS_TEST_PG_URL`` unreachable) the
fixtures FAIL the tests that use them (reported as setup errors), with the reason; the
reason for missing programs says ``apt-get install postgresql``. Silently skipping would
let CI pass without running the concurrency tests at all. To skip them instead (say on a
laptop without PostgreSQL), set ``BMS_ALLOW_NO_PG=1``.
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator
from typing import NoReturn

import psycopg
import pytest

from tests.support.pgcluster import (
    ExternalServer,
    PgCluster,
    PgClusterError,
    PgServer,
    pg_available,
    redact_url,
)

__all__ = [
    "own_pg_cluster",
    "pg_cluster",
    "pg_url",
    "postgres_unavailable",
    "require_postgres",
    "unique_database_name",
]

ENV_URL = "BMS_TEST_PG_URL"
ENV_ALLOW_NO_PG = "BMS_ALLOW_NO_PG"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "postgres: needs the throwaway PostgreSQL cluster the test session starts"
    )


def postgres_unavailable(reason: str) -> NoReturn:
    """Fail with ``reason``, or skip if BMS_ALLOW_NO_PG=1."""
    if os.environ.get(ENV_ALLOW_NO_PG) == "1":
        pytest.skip(f"PostgreSQL unavailable ({ENV_ALLOW_NO_PG}=1): {reason}")
    pytest.fail(
        f"PostgreSQL unavailable: {reason}\n"
        f"(set {ENV_ALLOW_NO_PG}=1 to skip the PostgreSQL tests instead of failing)",
        pytrace=False,
    )


def require_postgres() -> None:
    """Fail (or skip, with BMS_ALLOW_NO_PG=1) unless a throwaway cluster can be started."""
    reason = pg_available()
    if reason is not None:
        postgres_unavailable(reason)


def unique_database_name(test_name: str) -> str:
    """``bms_t_<sanitised test name>_<12 hex>``: unique, and at most 63 bytes."""
    slug = re.sub(r"[^a-z0-9]+", "_", test_name.lower()).strip("_")[:40]
    return f"bms_t_{slug}_{uuid.uuid4().hex[:12]}" if slug else f"bms_t_{uuid.uuid4().hex}"


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgServer]:
    """The session's PostgreSQL server (ours, or BMS_TEST_PG_URL's)."""
    external_url = os.environ.get(ENV_URL)
    if external_url:
        server = ExternalServer(external_url)
        try:
            server.check()
        except (psycopg.Error, ValueError) as exc:
            postgres_unavailable(f"cannot connect to {ENV_URL}={redact_url(external_url)}: {exc}")
        yield server
        return
    require_postgres()
    cluster = PgCluster()
    try:
        cluster.start()
    except PgClusterError as exc:
        postgres_unavailable(str(exc))
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture
def pg_url(pg_cluster: PgServer, request: pytest.FixtureRequest) -> Iterator[str]:
    """SQLAlchemy URL of a fresh database, dropped after the test."""
    name = unique_database_name(request.node.name)
    url = pg_cluster.create_database(name)
    try:
        yield url
    finally:
        pg_cluster.drop_database(name)


@pytest.fixture(scope="module")
def own_pg_cluster() -> Iterator[PgCluster]:
    """A server of the module's own, which its tests may stop and start again."""
    require_postgres()
    cluster = PgCluster()
    try:
        cluster.start()
    except PgClusterError as exc:
        postgres_unavailable(str(exc))
    try:
        yield cluster
    finally:
        cluster.stop()
