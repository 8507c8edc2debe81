"""The throwaway PostgreSQL cluster (tests/support/pgcluster.py) and its fixtures."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from tests.support import pgcluster
from tests.support.pg_fixtures import require_postgres
from tests.support.pgcluster import (
    PgCluster,
    PgClusterError,
    PgUnavailableError,
    find_bindir,
    libpq_url,
    pg_available,
    with_database,
)

REPO_ROOT = Path(__file__).resolve().parents[2]


def _connect(url: str) -> psycopg.Connection[tuple[object, ...]]:
    return psycopg.connect(libpq_url(url), autocommit=True, connect_timeout=10)


def _port_refuses(host: str, port: int, family: socket.AddressFamily = socket.AF_INET) -> bool:
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.settimeout(5)
        try:
            sock.connect((host, port))
        except OSError:
            return True
        return False


def _listening_addresses(port: int) -> set[str]:
    """Local addresses with a TCP socket in LISTEN state on ``port`` (Linux /proc/net)."""
    found: set[str] = set()
    for table, family in (("/proc/net/tcp", socket.AF_INET), ("/proc/net/tcp6", socket.AF_INET6)):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            local, state = fields[1], fields[3]
            addr_hex, port_hex = local.split(":")
            if state != "0A" or int(port_hex, 16) != port:
                continue
            raw = bytes.fromhex(addr_hex)
            # /proc prints the address as host-order 32-bit words.
            words = b"".join(raw[i : i + 4][::-1] for i in range(0, len(raw), 4))
            found.add(socket.inet_ntop(family, words))
    return found


@pytest.fixture
def cluster() -> Iterator[PgCluster]:
    require_postgres()
    with PgCluster() as running:
        yield running


@pytest.mark.postgres
def test_cluster_lifecycle(cluster: PgCluster) -> None:
    base, port = cluster.directory, cluster.port
    assert base is not None and base.is_dir()
    assert cluster.url == f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"

    url = cluster.create_database("bms_probe")
    assert url == f"postgresql+psycopg://postgres@127.0.0.1:{port}/bms_probe"
    with _connect(url) as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)
        assert conn.execute("SELECT current_database()").fetchone() == ("bms_probe",)
        assert conn.execute("SHOW lock_timeout").fetchone() == ("0",)
        conn.execute("SET lock_timeout = '250ms'")
        assert conn.execute("SHOW lock_timeout").fetchone() == ("250ms",)
        rows = conn.execute(
            "SELECT name, setting FROM pg_settings WHERE name = ANY(%s)",
            (["listen_addresses", "fsync", "synchronous_commit", "max_connections"],),
        ).fetchall()
        settings = {str(name): str(value) for name, value in rows}
    assert settings == {
        "listen_addresses": "127.0.0.1",
        "fsync": "off",
        "synchronous_commit": "off",
        "max_connections": "200",
    }

    # Listening on 127.0.0.1 only: nothing else on this port, not even other loopbacks.
    if Path("/proc/net/tcp").exists():
        assert _listening_addresses(port) == {"127.0.0.1"}
    assert _port_refuses("127.0.0.2", port)
    if socket.has_ipv6:
        assert _port_refuses("::1", port, socket.AF_INET6)
    assert (base / f".s.PGSQL.{port}").exists()  # the unix socket lives in our directory

    cluster.stop()
    assert not base.exists()
    assert _port_refuses("127.0.0.1", port)
    assert cluster.directory is None and not cluster.running
    cluster.stop()  # idempotent
    with pytest.raises(PgClusterError):
        _ = cluster.url


@pytest.mark.postgres
def test_drop_database_terminates_open_connections(cluster: PgCluster) -> None:
    url = cluster.create_database("bms_leaky")
    leaked = _connect(url)
    leaked.execute("SELECT 1")
    cluster.drop_database("bms_leaky")
    cluster.drop_database("bms_leaky")  # absent: no error
    with _connect(cluster.url) as conn:
        assert (
            conn.execute("SELECT 1 FROM pg_database WHERE datname = 'bms_leaky'").fetchone() is None
        )
    with pytest.raises(psycopg.OperationalError):
        leaked.execute("SELECT 1")
    leaked.close()


@pytest.mark.postgres
def test_two_clusters_run_at_once() -> None:
    require_postgres()
    with PgCluster() as first, PgCluster() as second:
        assert first.port != second.port
        assert first.directory != second.directory
        for running in (first, second):
            with _connect(running.url) as conn:
                assert conn.execute("SHOW port").fetchone() == (str(running.port),)
        first_dir = first.directory
        first.stop()
        with _connect(second.url) as conn:  # the other one is unaffected
            assert conn.execute("SELECT 1").fetchone() == (1,)
    assert first_dir is not None and not first_dir.exists()


@pytest.mark.postgres
def test_port_clash_is_retried(monkeypatch: pytest.MonkeyPatch) -> None:
    require_postgres()
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        taken = squatter.getsockname()[1]
        ports = iter([taken])
        real_free_port = pgcluster._free_port
        monkeypatch.setattr(pgcluster, "_free_port", lambda: next(ports, None) or real_free_port())
        with PgCluster() as running:
            assert running.port != taken
            assert "Address already in use" in running.log_file.read_text()
            with _connect(running.url) as conn:
                assert conn.execute("SELECT 1").fetchone() == (1,)


@pytest.mark.postgres
def test_start_failure_reports_log_tail_and_cleans_up(monkeypatch: pytest.MonkeyPatch) -> None:
    require_postgres()
    made: list[str] = []
    real_mkdtemp = tempfile.mkdtemp

    def recording_mkdtemp(*args: str, **kwargs: str) -> str:
        made.append(real_mkdtemp(*args, **kwargs))
        return made[-1]

    monkeypatch.setattr(tempfile, "mkdtemp", recording_mkdtemp)  # as pgcluster sees it
    broken = PgCluster(settings={"shared_buffers": "lots"})
    with pytest.raises(PgClusterError, match="shared_buffers") as excinfo:
        broken.start()
    assert "tail of" in str(excinfo.value)
    assert len(made) == 1 and not Path(made[0]).exists()
    assert broken.directory is None and not broken.running


def test_missing_binaries_are_reported(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(pgcluster, "VERSIONED_BINDIR_GLOB", str(tmp_path / "none" / "*" / "bin"))
    reason = pg_available()
    assert reason is not None and "apt-get install postgresql" in reason
    with pytest.raises(PgUnavailableError, match="apt-get install postgresql"):
        PgCluster().start()
    assert pg_available(tmp_path) is not None


def test_bindir_prefers_path_then_highest_version(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def fake_bindir(directory: Path) -> Path:
        directory.mkdir(parents=True)
        for name in ("initdb", "pg_ctl", "postgres"):
            (directory / name).write_text("#!/bin/sh\n")
            (directory / name).chmod(0o755)
        return directory

    versions = tmp_path / "lib"
    for version in ("9.6", "15", "10", "16beta"):
        fake_bindir(versions / version / "bin")
    monkeypatch.setattr(pgcluster, "VERSIONED_BINDIR_GLOB", str(versions / "*" / "bin"))
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert find_bindir() == versions / "15" / "bin"
    on_path = fake_bindir(tmp_path / "path")
    monkeypatch.setenv("PATH", str(on_path))
    assert find_bindir() == on_path


def test_url_helpers() -> None:
    url = "postgresql+psycopg://u:secret@127.0.0.1:5432/postgres?application_name=x"
    assert libpq_url(url) == "postgresql://u:secret@127.0.0.1:5432/postgres?application_name=x"
    assert with_database(url, "other") == (
        "postgresql+psycopg://u:secret@127.0.0.1:5432/other?application_name=x"
    )
    assert pgcluster.redact_url(url) == (
        "postgresql+psycopg://u:***@127.0.0.1:5432/postgres?application_name=x"
    )
    with pytest.raises(ValueError, match="database name"):
        pgcluster.create_database(url, 'x"; DROP DATABASE postgres; --')


# ---------------------------------------------------------------- the fixtures, in a child pytest

_INNER_TESTS = """
import psycopg
import pytest

NAMES = []

def _connect(url):
    return psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True)

@pytest.mark.postgres
@pytest.mark.parametrize("round", [1, 2])
def test_fresh_database(pg_url, pg_cluster, round):
    assert pg_url.startswith("postgresql+psycopg://")
    conn = _connect(pg_url)  # deliberately left open: teardown must still drop the database
    name = conn.execute("SELECT current_database()").fetchone()[0]
    assert name.startswith("bms_t_test_fresh_database_")
    assert name not in NAMES
    NAMES.append(name)
    assert conn.execute("SELECT count(*) FROM pg_class WHERE relname = 'probe'").fetchone() == (0,)
    conn.execute("CREATE TABLE probe (id int)")
"""


def _run_inner_pytest(
    tmp_path: Path, env_overrides: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    test_file = tmp_path / "test_inner.py"
    test_file.write_text(textwrap.dedent(_INNER_TESTS))
    env = {k: v for k, v in os.environ.items() if k not in ("BMS_TEST_PG_URL", "BMS_ALLOW_NO_PG")}
    env.update(PYTEST_DISABLE_PLUGIN_AUTOLOAD="1", **env_overrides)
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-rs",
            "-p",
            "no:cacheprovider",
            "-p",
            "tests.support.pg_fixtures",
            "-c",
            os.devnull,
            f"--rootdir={tmp_path}",
            str(test_file),
        ],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )


@pytest.mark.postgres
def test_fixtures_start_their_own_cluster(tmp_path: Path) -> None:
    require_postgres()
    proc = _run_inner_pytest(tmp_path, {})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "2 passed" in proc.stdout


@pytest.mark.postgres
def test_fixtures_use_bms_test_pg_url_and_drop_databases(
    cluster: PgCluster, tmp_path: Path
) -> None:
    proc = _run_inner_pytest(tmp_path, {"BMS_TEST_PG_URL": cluster.url})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "2 passed" in proc.stdout
    with _connect(cluster.url) as conn:
        left = conn.execute("SELECT datname FROM pg_database WHERE datname LIKE 'bms_t_%'")
        assert left.fetchall() == []


def test_fixtures_fail_or_skip_when_unavailable(tmp_path: Path) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))  # bound but not listening: connections are refused
        dead_url = f"postgresql+psycopg://postgres@127.0.0.1:{sock.getsockname()[1]}/postgres"
        failed = _run_inner_pytest(tmp_path, {"BMS_TEST_PG_URL": dead_url})
        skipped = _run_inner_pytest(tmp_path, {"BMS_TEST_PG_URL": dead_url, "BMS_ALLOW_NO_PG": "1"})
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "PostgreSQL unavailable: cannot connect to BMS_TEST_PG_URL" in failed.stdout
    assert "2 errors" in failed.stdout
    assert skipped.returncode == 0, skipped.stdout + skipped.stderr
    assert "2 skipped" in skipped.stdout
    assert "BMS_ALLOW_NO_PG=1" in skipped.stdout
