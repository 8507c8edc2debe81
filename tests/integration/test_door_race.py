"""Doors racing for one ticket, SQLite and PostgreSQL: 8 processes and 10 threads scan the same
code at the same moment (one barrier for all 18). Exactly one ADMIT; every other scan is ALREADY
ADMITTED and names the winning door; the database holds one admission row. Nothing waits by
sleeping: the scanners meet at a multiprocessing barrier."""

from __future__ import annotations

import json
import multiprocessing as mp
import threading
from typing import Any

from bms_desktop.services import door
from tests.support import door_workers
from tests.support.door_support import door_world, doors_open, sell, sql

SPAWN = mp.get_context("spawn")
PROCESSES = 8
THREADS = 10
RESULT_TIMEOUT_S = 180.0  # an upper bound for a stuck scanner, not a synchronisation


def _race(db_url: str, box: Any, clock: Any, code: str, staff_id: int, people: Any = None):
    barrier = SPAWN.Barrier(PROCESSES + THREADS)
    results = SPAWN.Queue()
    procs = [
        SPAWN.Process(
            target=door_workers.scan_process,
            args=(
                db_url,
                clock.now.isoformat(),
                barrier,
                results,
                {
                    "door_name": f"Door P{i + 1}",
                    "staff_id": staff_id,
                    "code": code,
                    "people": people,
                },
            ),
            daemon=True,
        )
        for i in range(PROCESSES)
    ]
    for p in procs:
        p.start()
    out: list[dict[str, Any]] = [{} for _ in range(THREADS)]

    def run(i: int) -> None:
        barrier.wait(timeout=RESULT_TIMEOUT_S)
        out[i] = door_workers.scan(
            box, door_name=f"Door T{i + 1}", staff_id=staff_id, code=code, people=people
        )

    threads = [threading.Thread(target=run, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    from_procs = [results.get(timeout=RESULT_TIMEOUT_S) for _ in procs]
    for t in threads:
        t.join(timeout=RESULT_TIMEOUT_S)
    for p in procs:
        p.join(timeout=30)
    assert not any(t.is_alive() for t in threads), "a scanner thread is stuck"
    outcomes = from_procs + out
    errors = [o for o in outcomes if "error" in o]
    assert not errors, errors
    return outcomes


def test_eight_processes_and_ten_threads_scanning_one_code_admit_it_once(db_url, box, clock):
    dw = door_world(box)
    code = sell(box, dw.world.show_id, list(dw.world.seat_ids[:2]))
    doors_open(box, dw.world, clock)

    outcomes = _race(db_url, box, clock, code, dw.usher.staff_id)

    winners = [o for o in outcomes if o["outcome"] == "ADMIT"]
    assert len(winners) == 1, outcomes
    winner = winners[0]["door"]
    assert winners[0]["people"] == 2
    losers = [o for o in outcomes if o is not winners[0]]
    assert len(losers) == PROCESSES + THREADS - 1
    for lost in losers:
        assert lost["outcome"] == "ALREADY_ADMITTED", lost
        assert lost["named_doors"] == [winner], lost
        assert f"at {winner} at" in lost["message"]
    assert sql(db_url, "SELECT door, people FROM admissions") == [(winner, 2)]
    assert sql(db_url, "SELECT admitted_count FROM tickets WHERE code = :c", c=code) == [(2,)]
    audited = sql(
        db_url, "SELECT counter, details FROM audit_events WHERE action = :a", a=door.SCAN_ACTION
    )
    assert len(audited) == PROCESSES + THREADS
    assert sorted(json.loads(d)["outcome"] for _c, d in audited).count("ADMIT") == 1


def test_racing_doors_admitting_one_person_each_fill_a_group_ticket_exactly(sqlite_url, clock):
    """Partial admissions under the same race: a ticket of 4, every scanner asks for 1."""
    from bms_desktop.app import connect

    wiring = connect(sqlite_url, pool_size=12)
    box = wiring.box
    box.clock, box.fast_hashing = clock, True
    try:
        dw = door_world(box)
        code = sell(box, dw.world.show_id, list(dw.world.seat_ids[:4]))
        doors_open(box, dw.world, clock)

        outcomes = _race(sqlite_url, box, clock, code, dw.usher.staff_id, people=1)
    finally:
        wiring.close()

    admitted = [o for o in outcomes if o["outcome"] == "ADMIT"]
    assert len(admitted) == 4 and all(o["people"] == 1 for o in admitted)
    assert all(o["outcome"] == "ALREADY_ADMITTED" for o in outcomes if o not in admitted)
    rows = sql(sqlite_url, "SELECT door FROM admissions ORDER BY id")
    assert sorted(d for (d,) in rows) == sorted(o["door"] for o in admitted)
    assert sql(sqlite_url, "SELECT admitted_count FROM tickets WHERE code = :c", c=code) == [(4,)]
