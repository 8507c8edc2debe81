"""The audit log viewer on a trail of 100,000 rows: the service's pages and filters against a
hand-written stdlib ``sqlite3`` query for the first page, measured in the same run.

Run: .venv/bin/python bench/bench_audit_log.py [--rows N] [--rounds N] [--db PATH] [--pg URL]

The trail is made of sales-like rows (8 clerks at 8 counters, HOLD/SALE/RELEASE..., one show id
in twenty) plus a few configuration changes with before/after values, spread over 60 days. Each
query runs ``--rounds`` times; the table shows the median and p95 in milliseconds and how many
rows came back. The baseline is ``SELECT ... FROM audit_events ORDER BY id DESC LIMIT 200`` with
``sqlite3`` (what any viewer must at least do). Not a test: it asserts nothing. The machine is
shared: compare rows of one run, not runs.
"""

from __future__ import annotations

import argparse
import io
import json
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bms_desktop.app import connect
from bms_desktop.domain.model import Role
from bms_desktop.services.admin import audit_log
from bms_desktop.services.admin.dto_audit import AuditFilter
from bms_desktop.services.context import BoxOffice, CounterContext

START = datetime(2030, 1, 1, tzinfo=UTC)
CLERKS = [f"clerk{i}" for i in range(8)]
ACTIONS = ["HOLD", "SALE", "RELEASE", "EXPIRED", "LOGIN", "COUPON_APPLIED"]


def fill(box: BoxOffice, rows: int) -> None:
    """Insert the trail in large batches on the unit of work's own connection."""
    from sqlalchemy import insert  # the bench may use persistence directly

    from bms_desktop.persistence import tables

    au = tables.metadata.tables["audit_events"]
    span = timedelta(days=60) / rows
    batch: list[dict[str, object]] = []
    with box.uows(write=True) as uow:
        conn = uow.connection  # type: ignore[attr-defined]
        for i in range(rows):
            clerk = i % len(CLERKS)
            config = i % 500 == 0
            batch.append(
                {
                    "at": START + span * i,
                    "staff_id": clerk + 1,
                    "username": "admin" if config else CLERKS[clerk],
                    "counter": "Back office" if config else f"Counter {clerk + 1}",
                    "action": "COUPON_CHANGED" if config else ACTIONS[i % len(ACTIONS)],
                    "entity": "coupon" if config else "ticket",
                    "entity_id": str(i // 3),
                    "show_id": (i // 7) % 300 if i % 20 == 0 else None,
                    "details": json.dumps(
                        {"before": {"value": "10.00"}, "after": {"value": "15.00"}}
                        if config
                        else {"code": f"BMS-{i:08d}", "seats": 2}
                    ),
                }
            )
            if len(batch) == 5000:
                conn.execute(insert(au), batch)
                batch = []
        if batch:
            conn.execute(insert(au), batch)
        uow.commit()


def timed(call: Callable[[], int], rounds: int) -> tuple[float, float, int]:
    call()  # warm
    samples = []
    n = 0
    for _ in range(rounds):
        t0 = time.perf_counter()
        n = call()
        samples.append((time.perf_counter() - t0) * 1000.0)
    samples.sort()
    p95 = samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]
    return statistics.median(samples), p95, n


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--db", type=Path, help="SQLite file to build (default: a temp file)")
    parser.add_argument("--pg", help="also run on this (empty) PostgreSQL database URL")
    args = parser.parse_args(argv)
    targets: list[tuple[str, str]] = []
    path = args.db or Path(tempfile.mkdtemp(prefix="bms-audit-bench-")) / "audit.db"
    path.unlink(missing_ok=True)
    targets.append(("sqlite", f"sqlite:///{path}"))
    if args.pg:
        targets.append(("postgresql", args.pg))
    admin = CounterContext("Back office", None, "admin", Role.ADMIN)
    for engine, url in targets:
        wiring = connect(url)
        run(engine, wiring.box, path, admin, args)
        wiring.close()
    return 0


def run(
    engine: str, box: BoxOffice, path: Path, admin: CounterContext, args: argparse.Namespace
) -> None:
    t0 = time.perf_counter()
    fill(box, args.rows)
    print(f"\n{engine}: {args.rows:,} audit rows written in {time.perf_counter() - t0:.1f} s")
    first = audit_log.audit_log(box, admin, limit=200)
    deep = first.entries[0].event_id // 2
    cases: list[tuple[str, Callable[[], int]]] = []
    if engine == "sqlite":

        def baseline() -> int:
            with sqlite3.connect(path) as raw:
                return len(
                    raw.execute("SELECT * FROM audit_events ORDER BY id DESC LIMIT 200").fetchall()
                )

        cases.append(("baseline: sqlite3 first page", baseline))

    def page(flt: AuditFilter | None = None, before: int | None = None) -> Callable[[], int]:
        return lambda: len(
            audit_log.audit_log(box, admin, flt, before_id=before, limit=200).entries
        )

    cases += [
        ("first page (200)", page()),
        ("a page half-way back (keyset)", page(before=deep)),
        ("staff clerk3 (1 row in 8)", page(AuditFilter(username="clerk3"))),
        ("kind COUPON_CHANGED (1 in 500)", page(AuditFilter(action="COUPON_CHANGED"))),
        ("record ticket 12345", page(AuditFilter(entity="ticket", entity_id="12345"))),
        (
            "one local day (Feb 1)",
            page(AuditFilter(date_from=START.date().replace(month=2))),
        ),
        (
            "staff nobody (no match: full scan)",
            page(AuditFilter(username="nobody")),
        ),
        (
            "filter combos (distinct values)",
            lambda: len(audit_log.audit_facets(box, admin).actions),
        ),
        (
            "CSV export of COUPON_CHANGED",
            lambda: audit_log.export_audit_csv(
                box, admin, AuditFilter(action="COUPON_CHANGED"), io.StringIO()
            ),
        ),
    ]
    print(f"{'query':<40} {'median ms':>10} {'p95 ms':>9} {'rows':>6}")
    for name, call in cases:
        median, p95, n = timed(call, args.rounds)
        print(f"{name:<40} {median:>10.2f} {p95:>9.2f} {n:>6}")


if __name__ == "__main__":
    raise SystemExit(main())
