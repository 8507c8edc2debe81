"""The command line: what it prints, what it refuses, and that a refusal writes nothing."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

from bms_desktop.persistence.migrate import head_revision


def run_cli(*args: str, data_dir: Path, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "BMS_DATA_DIR": str(data_dir)}
    env.pop("BMS_DB_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "bms_desktop", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
        check=False,
    )


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def assert_refused(result: subprocess.CompletedProcess[str], *needles: str) -> None:
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr  # one line, no traceback
    assert lines[0].startswith("bms-desktop: ")
    for needle in needles:
        assert needle in lines[0]


def test_unknown_database_scheme_is_refused_and_nothing_is_written(tmp_path):
    result = run_cli("db", "upgrade", "--db", "mysql://u@h/db", data_dir=tmp_path / "data")
    assert_refused(result, "unsupported database scheme", "sqlite:///")
    assert not (tmp_path / "data").exists()


def test_unreachable_postgresql_is_refused_with_what_to_do(tmp_path):
    result = run_cli(
        "seed", "--db", "postgresql://nobody@127.0.0.1:1/none", data_dir=tmp_path / "data"
    )
    assert_refused(result, "cannot reach PostgreSQL", "check the server")
    assert not (tmp_path / "data").exists()


def test_unwritable_data_folder_is_refused(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = run_cli("db", "upgrade", "--data-dir", str(blocker / "data"), data_dir=tmp_path)
    assert_refused(result, "cannot create the data folder", "--data-dir")
    assert blocker.read_text() == "not a folder"


def test_file_that_is_not_a_database_is_refused_untouched(tmp_path):
    bogus = tmp_path / "notes.db"
    bogus.write_text("these are my notes, not a database\n" * 20)
    before = digest(bogus)
    result = run_cli("db", "upgrade", "--db", f"sqlite:///{bogus}", data_dir=tmp_path)
    assert_refused(result, "not a bms-desktop database")
    assert digest(bogus) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.db"]  # no -wal, no -shm


def test_database_from_a_newer_version_is_refused_untouched(tmp_path):
    future = tmp_path / "future.db"
    with closing(sqlite3.connect(future)) as conn, conn:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)")
        conn.execute("INSERT INTO alembic_version VALUES ('9999_from_the_future')")
    before = digest(future)
    result = run_cli("db", "upgrade", "--db", f"sqlite:///{future}", data_dir=tmp_path)
    assert_refused(result, "newer version of bms-desktop")
    assert digest(future) == before
    with closing(sqlite3.connect(future)) as conn:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    assert names == ["alembic_version"]


def test_foreign_database_is_refused(tmp_path):
    other = tmp_path / "other.db"
    with closing(sqlite3.connect(other)) as conn, conn:
        conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY)")
    result = run_cli("db", "upgrade", "--db", f"sqlite:///{other}", data_dir=tmp_path)
    assert_refused(result, "did not create")


def test_db_upgrade_creates_the_schema_in_the_data_folder(tmp_path):
    result = run_cli("db", "upgrade", data_dir=tmp_path / "data")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "data" / "boxoffice.db").exists()
    assert f"schema at {head_revision()}" in result.stdout


@pytest.mark.slow
def test_seed_builds_the_demo_and_refuses_a_second_time_without_force(tmp_path):
    db = f"sqlite:///{tmp_path / 'demo.db'}"
    first = run_cli("seed", "--db", db, "--days", "2", data_dir=tmp_path)
    assert first.returncode == 0, first.stderr
    out = first.stdout
    assert "Demo box office created" in out
    for needle in (
        "cities",
        "cinemas",
        "screens",
        "movies",
        "shows",
        "staff",
        "password: asha-demo",
    ):
        assert needle in out
    again = run_cli("seed", "--db", db, data_dir=tmp_path)
    assert_refused(again, "already holds data", "--force")
    forced = run_cli("seed", "--db", db, "--days", "1", "--force", data_dir=tmp_path)
    assert forced.returncode == 0, forced.stderr


def test_seed_refuses_a_database_that_is_not_a_demo(tmp_path, sqlite_url):
    from bms_desktop.app import connect
    from bms_desktop.services import auth

    wiring = connect(sqlite_url)
    wiring.box.fast_hashing = True
    auth.create_first_admin(wiring.box, username="boss", full_name="Boss", password="correct-horse")
    wiring.close()
    result = run_cli("seed", "--db", sqlite_url, data_dir=tmp_path)
    assert_refused(result, "not a demo database", "--force")


def test_seed_builds_the_demo_beside_a_race_labs_scratch_show(tmp_path):
    db = f"sqlite:///{tmp_path / 'lab.db'}"
    race = run_cli(
        "race", "--db", db, "--show", "auto", "--strategy", "pessimistic", "--clerks", "2",
        "--mode", "threads", "--seats", "20", "--json", data_dir=tmp_path,
    )  # fmt: skip
    assert race.returncode == 0, race.stderr
    seeded = run_cli("seed", "--db", db, "--days", "1", data_dir=tmp_path)
    assert seeded.returncode == 0, seeded.stderr
    assert "Demo box office created" in seeded.stdout
