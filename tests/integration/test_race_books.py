"""The race keeps its books: compare mode's one JSON object, clerks killed at random moments, and
a PostgreSQL restart in the middle of a race. The race's counts always equal the database's, and
no driver text ever reaches ``--json``."""

from __future__ import annotations

import json
import multiprocessing as mp
import os
import random
import signal
import subprocess
import sys
import threading
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from bms_desktop.app import connect
from bms_desktop.persistence.integrity import check_integrity
from bms_desktop.race import RaceConfig, RaceMode, RaceResult, RaceStrategy, run_race
from bms_desktop.services import cancellation
from tests.support.pgcluster import PgCluster, pg_available

ROOT = Path(__file__).resolve().parents[2]
DRIVER_TEXT = ("OperationalError", "psycopg", "server closed", "sqlite3.", "DBAPI", "SQLSTATE")


def race_cli(*args: str, data_dir: Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bms_desktop", "race", "--data-dir", str(data_dir), *args],
        check=False, capture_output=True, text=True, timeout=timeout, cwd=ROOT,
    )  # fmt: skip


def test_race_compare_json_is_one_object_with_an_entry_per_strategy(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'c.db'}"
    single = race_cli(
        "--db", db, "--clerks", "2", "--seats", "40", "--mode", "threads", "--json",
        data_dir=tmp_path,
    )  # fmt: skip
    assert single.returncode == 0, single.stderr
    fields = set(json.loads(single.stdout))
    done = race_cli(
        "--db", db, "--compare", "--clerks", "3", "--seats", "40", "--mode", "threads",
        "--json", data_dir=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    (line,) = done.stdout.strip().splitlines()  # exactly one object
    payload = json.loads(line)
    assert payload["compare"] is True and payload["safe"] is True
    assert list(payload["strategies"]) == ["pessimistic", "optimistic", "thread", "naive"]
    for name, entry in payload["strategies"].items():
        assert set(entry) >= fields - {"explanation"}
        assert entry["strategy"] == name and entry["double_sales"] == 0
        assert entry["counts_agree"] and entry["integrity_ok"] and entry["sold_out"]
    shows = {e["show_id"] for e in payload["strategies"].values()}
    assert len(shows) == 4  # identical, separate scratch shows
    assert len({e["seats_total"] for e in payload["strategies"].values()}) == 1


def test_race_compare_refuses_an_unknown_strategy(tmp_path: Path) -> None:
    done = race_cli(
        "--db", f"sqlite:///{tmp_path / 'r.db'}", "--compare", "pessimistic,fastest",
        data_dir=tmp_path,
    )  # fmt: skip
    assert done.returncode == 2
    assert "unknown strategy 'fastest'" in done.stderr and "Traceback" not in done.stderr


# --------------------------------------------------------------------------- the kill storm


def _kill_clerks_while_racing(
    cfg: RaceConfig, kills: int, rng: random.Random
) -> tuple[RaceResult, int]:
    """Run one race in a thread; meanwhile SIGKILL ``kills`` random clerk processes at random
    moments. Returns the result and how many were killed."""
    out: list[RaceResult] = []
    errors: list[BaseException] = []

    def race() -> None:
        try:
            out.append(run_race(cfg))
        except BaseException as exc:  # the test fails on it below
            errors.append(exc)

    runner = threading.Thread(target=race, daemon=True)
    runner.start()
    killed = 0
    moment = threading.Event()  # never set: its wait() is the random moment, not a sync
    while runner.is_alive() and killed < kills:
        moment.wait(rng.uniform(0.05, 0.6))
        clerks = [p for p in mp.active_children() if p.name.startswith("bms-race-")]
        live = [p for p in clerks if p.is_alive() and p.pid is not None]
        if not live:
            continue
        victim = rng.choice(live)
        try:
            os.kill(victim.pid, signal.SIGKILL)  # type: ignore[arg-type]
            killed += 1
        except ProcessLookupError:
            continue
    runner.join(timeout=300)
    assert not errors, errors
    assert out, "the race did not finish"
    return out[0], killed


def _after_the_hold_time(url: str, show_id: int) -> None:
    """The sweeper, as it runs at every counter, once the holds of the dead have run out."""
    wiring = connect(url)
    try:
        hold = wiring.box.settings().hold_minutes
        later = wiring.box.now() + timedelta(minutes=hold + 1)
        wiring.box.clock = lambda: later
        cancellation.expire_holds(wiring.box)
    finally:
        wiring.close()


def _storm(url: str, seed: int) -> None:
    rng = random.Random(seed)
    total_kills = 0
    races = 0
    strategies = [RaceStrategy.PESSIMISTIC, RaceStrategy.THREAD, RaceStrategy.OPTIMISTIC]
    while total_kills < 100:
        cfg = RaceConfig(
            db_url=url, strategy=strategies[races % len(strategies)], clerks=8,
            mode=RaceMode.PROCESSES, seats=240, duration_s=6.0, seed=seed + races, delay_ms=1,
        )  # fmt: skip
        result, killed = _kill_clerks_while_racing(cfg, min(6, 100 - total_kills), rng)
        total_kills += killed
        races += 1
        # the books: what the race says it sold is what the database shows it sold
        assert result.counts_agree, (result.sold_seats, result.integrity.sold_seats)
        assert result.double_sales == 0
        assert not any(t in json.dumps(result.to_json()) for t in DRIVER_TEXT)
        _after_the_hold_time(url, result.show_id)
        report = check_integrity(url, show_id=result.show_id)
        assert report.ok, report.problems()
        assert report.held_seats == 0  # nothing stuck once the holds of the dead ran out
        assert report.sold_seats == result.sold_before + result.sold_seats
    assert total_kills >= 100


@pytest.mark.slow
@pytest.mark.timeout(1200)
def test_a_hundred_random_kills_leave_counts_equal_to_the_database_on_sqlite(
    tmp_path: Path,
) -> None:
    _storm(f"sqlite:///{tmp_path / 'storm.db'}", seed=1000)


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.timeout(1200)
def test_a_hundred_random_kills_leave_counts_equal_to_the_database_on_postgresql(
    pg_url: str,
) -> None:
    _storm(pg_url, seed=2000)


# --------------------------------------------------------------------------- a database restart


@pytest.fixture
def own_cluster() -> Any:
    reason = pg_available()
    if reason is not None:
        pytest.skip(reason)
    with PgCluster() as cluster:
        yield cluster


@pytest.mark.postgres
def test_a_race_survives_a_postgresql_restart_and_keeps_its_books(
    own_cluster: PgCluster, tmp_path: Path
) -> None:
    url = own_cluster.create_database("restart_race")
    proc = subprocess.Popen(
        [sys.executable, "-m", "bms_desktop", "race", "--data-dir", str(tmp_path), "--db", url,
         "--clerks", "8", "--mode", "processes", "--seats", "1200", "--delay-ms", "2",
         "--duration", "120", "--stream"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
    )  # fmt: skip
    assert proc.stdout is not None
    attempts = 0
    lines: list[str] = []
    for line in proc.stdout:  # wait until the clerks are selling (events, not sleeps)
        lines.append(line)
        if json.loads(line).get("event") == "attempt":
            attempts += 1
            if attempts >= 100:
                break
    own_cluster.restart(mode="fast", down_s=2.0)
    rest, err = proc.communicate(timeout=300)
    lines += rest.splitlines()
    final = json.loads(lines[-1])
    assert final["event"] == "final", err
    result = final["result"]
    text = "\n".join(lines)
    assert not any(t in text for t in DRIVER_TEXT), [t for t in DRIVER_TEXT if t in text]
    assert result["unreachable_errors"] > 0  # the clerks noticed, and said so in words
    assert any("database unreachable" in k for k in result["errors"])
    assert result["counts_agree"] and result["integrity_ok"] and result["double_sales"] == 0
    assert result["sold_out"], result["errors"]  # they carried on after the restart
    assert all(c["fatal"] is None for c in result["per_clerk"])
    assert check_integrity(url, show_id=result["show_id"]).sold_seats == result["db_sold_seats"]
    assert proc.returncode == 0, err


def test_a_counter_cannot_choose_the_naive_strategy(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bms_desktop", "--data-dir", str(tmp_path), "--strategy", "naive",
         "--smoke"],
        capture_output=True, text=True, check=False, timeout=120, cwd=ROOT,
    )  # fmt: skip
    assert done.returncode == 2
    assert "invalid choice: 'naive'" in done.stderr


def _shows_and_sold(url: str) -> tuple[int, int]:
    from sqlalchemy import text

    from bms_desktop.persistence.engine import create_engines

    engines = create_engines(url, pool_size=1)
    try:
        with engines.read.connect() as conn:
            shows = conn.execute(text("SELECT COUNT(*) FROM shows")).scalar_one()
            sold = conn.execute(
                text("SELECT COUNT(*) FROM show_seats WHERE status = 'SOLD'")
            ).scalar_one()
        return int(shows), int(sold)
    finally:
        engines.dispose()


def test_a_race_on_a_throwaway_copy_leaves_the_database_as_it_was(db_url: str, tmp_path: Path):
    first = race_cli("--db", db_url, "--clerks", "2", "--seats", "40", "--mode", "threads",
                     "--json", data_dir=tmp_path)  # fmt: skip
    assert first.returncode == 0, first.stderr
    before = _shows_and_sold(db_url)
    done = race_cli("--db", db_url, "--clerks", "3", "--seats", "40", "--mode", "processes",
                    "--throwaway-copy", "--json", data_dir=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["sold_seats"] == 40 and result["integrity_ok"]
    assert _shows_and_sold(db_url) == before  # the race happened elsewhere
