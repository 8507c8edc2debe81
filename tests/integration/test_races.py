"""Races for seats with real threads and real processes, every strategy, SQLite and PostgreSQL.

Clerks start together behind a barrier (threading.Barrier in one process, a multiprocessing
Barrier between ``spawn``-started processes); nothing here waits by sleeping. What the database
shows is checked with SQL on a fresh connection (``persistence.integrity``), not from the clerks'
own accounts.
"""

from __future__ import annotations

import json
import multiprocessing as mp
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator, Sequence
from itertools import combinations
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from bms_desktop.domain.errors import SeatsUnavailable
from bms_desktop.domain.model import SeatStatus, Strategy, TicketStatus
from bms_desktop.persistence.engine import create_engines
from bms_desktop.persistence.integrity import IntegrityReport, check_integrity
from bms_desktop.race import RaceConfig, RaceMode, run_race
from bms_desktop.services import booking, cancellation, queries
from tests.support import race_workers
from tests.support.builders import build_world, clerk

STRATEGIES = list(Strategy)
MODES = ["threads", "processes"]
SPAWN = mp.get_context("spawn")
RESULT_TIMEOUT_S = 180.0  # an upper bound for a stuck child, not a synchronisation
ROOT = Path(__file__).resolve().parents[2]


# --------------------------------------------------------------------------- helpers


def _run_in_threads(box: Any, tasks: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    start = threading.Barrier(len(tasks))
    out: list[dict[str, Any]] = [{} for _ in tasks]

    def run(i: int, kwargs: dict[str, Any]) -> None:
        start.wait(timeout=60)
        out[i] = race_workers.attempt(box, **kwargs)

    threads = [threading.Thread(target=run, args=(i, kw)) for i, kw in enumerate(tasks)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=RESULT_TIMEOUT_S)
    assert not any(t.is_alive() for t in threads), "a clerk thread is stuck"
    return out


@pytest.fixture(scope="module")
def clerk_pool() -> Iterator[race_workers.ClerkPool]:
    """Ten clerk processes (spawn), started once for this module: a test hands each a task."""
    pool = race_workers.ClerkPool(SPAWN)
    yield pool
    pool.close()


def _run_in_processes(
    pool: race_workers.ClerkPool, db_url: str, clock: Any, tasks: Sequence[dict[str, Any]]
) -> list[dict[str, Any]]:
    assert pool.alive(), "a clerk process died in an earlier test"
    return pool.run(db_url, clock.now.isoformat(), tasks, timeout=RESULT_TIMEOUT_S)


def _contend(
    mode: str, request: pytest.FixtureRequest, db_url: str, box: Any, clock: Any,
    tasks: Sequence[dict[str, Any]],
) -> list[dict[str, Any]]:  # fmt: skip
    outcomes = (
        _run_in_threads(box, tasks)
        if mode == "threads"
        else _run_in_processes(request.getfixturevalue("clerk_pool"), db_url, clock, tasks)
    )
    errors = [o for o in outcomes if "error" in o]
    assert not errors, errors
    return outcomes


def _sql(db_url: str, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    """Rows from a fresh engine and connection: what the database itself shows."""
    engines = create_engines(db_url, pool_size=1)
    try:
        with engines.read.connect() as conn:
            return [tuple(r) for r in conn.execute(text(sql), params)]
    finally:
        engines.dispose()


def _integrity(db_url: str, show_id: int) -> IntegrityReport:
    report = check_integrity(db_url, show_id=show_id)
    assert report.ok, (report.problems(), report.samples)
    assert report.double_sales == 0
    return report


# --------------------------------------------------------------------------- one seat, ten clerks


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("strategy", STRATEGIES)
def test_ten_clerks_for_one_seat_give_one_winner_and_nine_clear_refusals(
    request, db_url, box, clock, strategy, mode
):
    world = build_world(box)
    seat = world.seat_ids[0]
    version = queries.get_seat_map(box, world.show_id).by_id()[seat].version
    tasks = [
        {
            "counter": f"Counter {i}",
            "strategy": strategy.value,
            "show_id": world.show_id,
            "seat_ids": [seat],
            "seen_versions": {seat: version},  # all ten loaded the same map
        }
        for i in range(1, 11)
    ]
    outcomes = _contend(mode, request, db_url, box, clock, tasks)

    winners = [o for o in outcomes if o["won"]]
    losers = [o for o in outcomes if not o["won"]]
    assert len(winners) == 1 and len(losers) == 9
    winner = winners[0]["counter"]
    for lost in losers:
        [(reason, by_counter, label)] = lost["failures"]
        assert label == "A1"
        assert reason in ("HELD", "SOLD", "CONSTRAINT"), lost
        assert by_counter == winner, lost  # the refusal names the counter that won
        assert winner in lost["message"]
        assert lost["safety_net"] == (1 if reason == "CONSTRAINT" else 0)
    if strategy is Strategy.THREAD and mode == "threads":
        # one process: the per-seat thread lock decides; the safety net is never reached
        assert all(o["safety_net"] == 0 for o in outcomes)
        assert all(lost["failures"][0][0] != "CONSTRAINT" for lost in losers)

    report = _integrity(db_url, world.show_id)
    assert (report.sold_seats, report.held_seats, report.confirmed_tickets) == (1, 0, 1)
    live = _sql(
        db_url,
        "SELECT t.counter FROM ticket_seats ts JOIN tickets t ON t.id = ts.ticket_id "
        "WHERE ts.show_seat_id = :seat AND ts.live",
        seat=seat,
    )
    assert live == [(winner,)]


# --------------------------------------------------------------------------- all or nothing


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("strategy", STRATEGIES)
def test_overlapping_multi_seat_requests_are_all_or_nothing(
    request, db_url, box, clock, strategy, mode
):
    world = build_world(box)
    row = world.seat_ids[:8]
    windows = [list(row[i : i + 3]) for i in range(6)]  # six requests, each overlapping the next
    tasks = [
        {
            "counter": f"Counter {i + 1}",
            "strategy": strategy.value,
            "show_id": world.show_id,
            "seat_ids": window,
            "confirm": False,  # look at the holds themselves
        }
        for i, window in enumerate(windows)
    ]
    outcomes = _contend(mode, request, db_url, box, clock, tasks)

    winners = [o for o in outcomes if o["won"]]
    assert winners, "somebody must get their seats"
    assert len(winners) < len(outcomes), "overlapping requests cannot all win"
    for o in winners:
        assert o["seat_ids"] == sorted(windows[int(o["counter"].split()[1]) - 1])
    for a, b in combinations(winners, 2):
        assert not set(a["seat_ids"]) & set(b["seat_ids"])

    # In SQL: each held seat belongs to a winner's ticket, three per ticket, no partial holds.
    held = _sql(
        db_url,
        "SELECT ticket_id, COUNT(*) FROM show_seats WHERE show_id = :show AND status = 'HELD' "
        "GROUP BY ticket_id",
        show=world.show_id,
    )
    assert sorted(held) == sorted((o["ticket_id"], 3) for o in winners)
    claims = _sql(
        db_url,
        "SELECT t.id, t.status, t.counter, "
        "  (SELECT COUNT(*) FROM ticket_seats ts WHERE ts.ticket_id = t.id AND ts.live) "
        "FROM tickets t WHERE t.show_id = :show",
        show=world.show_id,
    )
    won_ids = {o["ticket_id"] for o in winners}
    for ticket_id, status, counter, live_claims in claims:
        if ticket_id in won_ids:
            assert (status, live_claims) == ("PENDING_PAYMENT", 3)
        else:  # only the thread strategy commits a ticket before its claim; it is given up
            assert strategy is Strategy.THREAD, (ticket_id, status, counter)
            assert (status, live_claims) == ("CANCELLED", 0)
    free = [s for s in row if s not in {x for o in winners for x in o["seat_ids"]}]
    smap = queries.get_seat_map(box, world.show_id).by_id()
    assert all(smap[s].status == SeatStatus.AVAILABLE for s in free)
    report = _integrity(db_url, world.show_id)
    assert report.held_seats == 3 * len(winners)


# --------------------------------------------------------------------------- whole races


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_a_race_of_threads_sells_every_seat_once(db_url, box, strategy):
    result = run_race(
        RaceConfig(
            db_url=db_url, strategy=strategy, clerks=4, mode=RaceMode.THREADS,
            seats_per_booking=2, seats=60, duration_s=120, seed=3,
        ),
        box=box,
    )  # fmt: skip
    assert result.integrity_ok, result.integrity.problems()
    assert result.double_sales == 0
    assert result.sold_out and not result.timed_out
    assert result.integrity.sold_seats == 60 == result.sold_seats
    assert result.counts_agree
    assert result.unexpected_errors == 0 and result.database_locked_errors == 0, result.errors
    if strategy is Strategy.THREAD:
        # inside one process the thread lock is enough: the safety net is never reached
        assert result.safety_net_catches == 0
        assert "CONSTRAINT" not in result.conflict_reasons


def test_thread_strategy_across_processes_is_caught_by_the_database_constraint(
    clerk_pool, db_url, box, clock
):
    """Two processes both read the seat as free (they meet inside their processing delay,
    between read and claim): their thread locks cannot see each other, the unique index on live
    claims refuses the second claim, and the database still shows one owner."""
    world = build_world(box)
    seat = world.seat_ids[0]
    tasks = [
        {"counter": f"Process {c}", "strategy": "thread", "show_id": world.show_id,
         "seat_ids": [seat], "confirm": False, "meet_in_delay": True}
        for c in "AB"
    ]  # fmt: skip
    outcomes = _run_in_processes(clerk_pool, db_url, clock, tasks)
    assert not [o for o in outcomes if "error" in o], outcomes
    [won] = [o for o in outcomes if o["won"]]
    [lost] = [o for o in outcomes if not o["won"]]
    assert lost["failures"] == [("CONSTRAINT", won["counter"], "A1")]
    assert lost["safety_net"] == 1
    assert "caught by the database constraint" in lost["message"]
    report = _integrity(db_url, world.show_id)
    assert report.held_seats == 1
    assert _sql(
        db_url, "SELECT COUNT(*) FROM ticket_seats WHERE show_seat_id = :s AND live", s=seat
    ) == [(1,)]


# --------------------------------------------------------------------------- SIGKILL


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_a_clerk_killed_while_holding_seats_leaves_them_free_after_the_hold_time(
    db_url, box, clock, strategy
):
    world = build_world(box)
    seats = list(world.seat_ids[:3])
    held, results = SPAWN.Event(), SPAWN.Queue()
    proc = SPAWN.Process(
        target=race_workers.hold_then_hang_process,
        args=(
            db_url, clock.now.isoformat(), held, results,
            {"counter": "Counter 9", "strategy": strategy.value, "show_id": world.show_id,
             "seat_ids": seats},
        ),
        daemon=True,
    )  # fmt: skip
    proc.start()
    outcome = results.get(timeout=RESULT_TIMEOUT_S)
    assert outcome.get("won"), outcome
    assert held.wait(timeout=RESULT_TIMEOUT_S)
    os.kill(proc.pid, signal.SIGKILL)
    proc.join(timeout=60)
    assert proc.exitcode == -signal.SIGKILL

    # The dead counter's hold stands until its time runs out: consistent, and it blocks others.
    smap = queries.get_seat_map(box, world.show_id).by_id()
    assert {(smap[s].status, smap[s].held_by_counter) for s in seats} == {
        (SeatStatus.HELD, "Counter 9")
    }
    assert _integrity(db_url, world.show_id).held_seats == 3
    with pytest.raises(SeatsUnavailable) as refused:
        booking.hold_seats(box, clerk("Counter 1"), show_id=world.show_id, show_seat_ids=seats)
    assert refused.value.temporary

    clock.advance(minutes=box.settings().hold_minutes, seconds=1)
    assert cancellation.expire_holds(box) == 1  # the sweeper, with the later clock
    assert queries.get_booking(box, outcome["ticket_id"]).status == TicketStatus.EXPIRED
    smap = queries.get_seat_map(box, world.show_id).by_id()
    assert {smap[s].status for s in seats} == {SeatStatus.AVAILABLE}
    report = _integrity(db_url, world.show_id)
    assert (report.held_seats, report.sold_seats) == (0, 0)
    again = booking.hold_seats(
        box, clerk("Counter 1", strategy), show_id=world.show_id, show_seat_ids=seats
    )
    assert sorted(again.show_seat_ids) == sorted(seats)
    _integrity(db_url, world.show_id)


def test_a_clerk_killed_inside_its_transaction_leaves_nothing_and_frees_the_lock(
    db_url, box, clock
):
    world = build_world(box)
    seats = list(world.seat_ids[:2])
    inside = SPAWN.Event()
    proc = SPAWN.Process(
        target=race_workers.hang_inside_transaction_process,
        args=(
            db_url, clock.now.isoformat(), inside,
            {"counter": "Counter 9", "strategy": "pessimistic", "show_id": world.show_id,
             "seat_ids": seats},
        ),
        daemon=True,
    )  # fmt: skip
    proc.start()
    assert inside.wait(timeout=RESULT_TIMEOUT_S)  # it holds the write lock / the row locks now
    os.kill(proc.pid, signal.SIGKILL)
    proc.join(timeout=60)
    assert proc.exitcode == -signal.SIGKILL

    held = booking.hold_seats(
        box, clerk("Counter 1"), show_id=world.show_id, show_seat_ids=seats
    )  # the lock died with the process
    assert sorted(held.show_seat_ids) == sorted(seats)
    assert _sql(db_url, "SELECT COUNT(*) FROM tickets WHERE counter = 'Counter 9'") == [(0,)]
    _integrity(db_url, world.show_id)


# --------------------------------------------------------------------------- the race command


def _race_cli(db_url: str, data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bms_desktop", "race", "--db", db_url, "--data-dir",
         str(data_dir), *args],
        capture_output=True, text=True, timeout=600, cwd=ROOT, check=False,
    )  # fmt: skip


REQUIRED_KEYS = {
    "strategy", "mode", "clerks", "attempts", "sold_seats", "conflicts", "retries",
    "safety_net_catches", "lock_wait_ms_p50", "lock_wait_ms_p99", "latency_ms_p50",
    "latency_ms_p99", "throughput_per_s", "double_sales", "integrity_ok",
    "database_locked_errors", "errors", "per_clerk",
}  # fmt: skip


def _check_race_json(result: subprocess.CompletedProcess[str], strategy: str) -> dict[str, Any]:
    assert result.returncode == 0, (result.stdout, result.stderr)
    report = json.loads(result.stdout)  # exactly one JSON object, nothing else on stdout
    assert isinstance(report, dict)
    assert report.keys() >= REQUIRED_KEYS
    assert (report["strategy"], report["mode"], report["clerks"]) == (strategy, "processes", 4)
    assert report["double_sales"] == 0
    assert report["integrity_ok"] is True
    assert report["sold_out"] is True
    assert report["sold_seats"] == report["db_sold_seats"] == 60
    assert report["database_locked_errors"] == 0
    assert report["unexpected_errors"] == 0, report["errors"]
    assert len(report["per_clerk"]) == 4
    assert sum(c["sold_seats"] for c in report["per_clerk"]) == 60
    return report


@pytest.mark.slow
@pytest.mark.parametrize("strategy", [s.value for s in STRATEGIES])
def test_race_command_in_processes_on_sqlite_sells_out_once(tmp_path, strategy):
    db_url = f"sqlite:///{tmp_path / 'race.db'}"  # does not exist yet: the schema is made
    result = _race_cli(
        db_url, tmp_path / "data", "--show", "auto", "--strategy", strategy, "--clerks", "4",
        "--mode", "processes", "--seats-per-booking", "2", "--seats", "60", "--json",
    )  # fmt: skip
    report = _check_race_json(result, strategy)
    if strategy == "thread":
        # between processes only the database constraint stands between a race and a double
        # sale; whether a race happens in this run is up to the scheduler, not the test
        assert report["safety_net_catches"] >= 0
    show = _sql(db_url, "SELECT scratch FROM shows WHERE id = :s", s=report["show_id"])
    assert [bool(s[0]) for s in show] == [True]


@pytest.mark.slow
@pytest.mark.postgres
def test_race_command_in_processes_on_postgresql_sells_out_once(pg_url, tmp_path):
    result = _race_cli(
        pg_url, tmp_path / "data", "--show", "auto", "--strategy", "thread", "--clerks", "4",
        "--mode", "processes", "--seats-per-booking", "2", "--seats", "60", "--json",
    )  # fmt: skip
    _check_race_json(result, "thread")


def test_race_command_refuses_a_real_show(sqlite_url, clock, tmp_path):
    from bms_desktop.app import connect

    wiring = connect(sqlite_url)
    wiring.box.clock = clock
    try:
        world = build_world(wiring.box)  # a real (not scratch) show; not a demo database
    finally:
        wiring.close()
    result = _race_cli(
        sqlite_url, tmp_path / "data", "--show", str(world.show_id), "--clerks", "2",
        "--mode", "threads",
    )  # fmt: skip
    assert result.returncode == 2
    assert "real show" in result.stderr and "--show auto" in result.stderr
    assert result.stdout == ""
    assert _sql(sqlite_url, "SELECT COUNT(*) FROM tickets") == [(0,)]
