"""What the shift rule costs a sale, and how long the reports take (issue 11), on SQLite.

Run: .venv/bin/python bench/bench_shifts.py [--sales N] [--db PATH]

1. Hold + confirm 2 seats (UPI), pessimistic, alternating in blocks of 25: an unattended counter
   (no staff id: no shift looked up, the race lab's and the benchmarks' path) is the baseline; a
   signed-in clerk in an open shift (one extra statement, the shift read FOR SHARE with the
   show's cinema) is compared with it.
2. The demo box office (built into a temporary file unless --db names one): sales by day over its
   past business days, the Z report of the busiest day, the X report of a shift, the seat heat
   map of an evening show; median of 5 runs each, through ``reports.run_report`` (what the window
   and ``bms-desktop report`` call).

Prints a table; asserts nothing. Figures are noisy on a shared machine.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bms_desktop.app import connect
from bms_desktop.domain import cash
from bms_desktop.domain.model import Role, Strategy
from bms_desktop.race import ensure_scratch_show
from bms_desktop.services import auth, booking, checkout, demo, queries, reports, shifts
from bms_desktop.services.context import SYSTEM, CounterContext
from bms_desktop.services.report_model import ReportFilter

BLOCK = 25


def _ms(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[int(len(ordered) * 0.95) - 1]


def bench_sales(db: Path, n: int) -> list[tuple[str, float, float]]:
    wiring = connect(f"sqlite:///{db}")
    box = wiring.box
    box.fast_hashing = True
    show_id = ensure_scratch_show(box, seats=max(600, 4 * n + 50))
    clerk = auth.add_staff(
        box,
        SYSTEM,
        username="benchclerk",
        full_name="Bench",
        role=Role.CLERK,
        password="bench-secret-1",
    )
    staffed = CounterContext("Counter 1", clerk.staff_id, "benchclerk", Role.CLERK)
    theater = queries.get_seat_map(box, show_id).show.theater_id
    shifts.open_shift(box, staffed, theater_id=theater, opening_float="0")
    robot = CounterContext("Robot 1", None, "robot", Role.CLERK, Strategy.PESSIMISTIC)
    free = [s.show_seat_id for s in queries.get_seat_map(box, show_id).seats]
    times: dict[str, list[float]] = {"unattended (baseline)": [], "clerk in an open shift": []}
    paths = [("unattended (baseline)", robot), ("clerk in an open shift", staffed)]
    i = 0
    while i < 2 * n:
        for name, ctx in paths:
            for _ in range(BLOCK):
                if len(times[name]) >= n:
                    break
                seats = [free.pop(), free.pop()]
                t0 = time.perf_counter()
                held = booking.hold_seats(box, ctx, show_id=show_id, show_seat_ids=seats)
                checkout.confirm_booking(box, ctx, ticket_id=held.ticket_id, mode="UPI")
                times[name].append((time.perf_counter() - t0) * 1000)
                i += 1
    wiring.close()
    return [(name, *_ms(samples)) for name, samples in times.items()]


def bench_reports(db: Path | None) -> list[tuple[str, float, float]]:
    work = Path(tempfile.mkdtemp(prefix="bms-bench-shifts-"))
    path = db or work / "demo.db"
    wiring = connect(f"sqlite:///{path}")
    box = wiring.box
    if db is None:
        t0 = time.perf_counter()
        demo.seed_demo(box)
        print(f"(demo built in {time.perf_counter() - t0:.1f} s)")
    boss = CounterContext("Office", None, "bench", Role.SUPERVISOR)
    show = demo.demo_show(box)
    assert show is not None
    today = cash.business_date(box.now(), show.timezone)
    period = ReportFilter(today - timedelta(days=3), today, show.theater_id)
    day = ReportFilter(today - timedelta(days=1), today - timedelta(days=1), show.theater_id)
    shift = shifts.list_shifts(box, boss, theater_id=show.theater_id)[-1]
    heat_show = reports.run_report(box, boss, "occupancy-by-show", day).table("occupancy")
    jobs = [
        ("sales-by-day, 4 days", "sales-by-day", period),
        ("z-report, 1 day", "z-report", day),
        ("x-report, 1 shift", "x-report", ReportFilter(today, today, shift_id=shift.shift_id)),
        ("distributor, 4 days", "distributor", period),
    ]
    if heat_show.rows:
        from bms_desktop.services import report_heat

        evening = report_heat.shows_for_heat(box, boss, day)[-1][0]
        jobs.append(
            (
                "seat-heat-map, 1 show",
                "seat-heat-map",
                ReportFilter(day.date_from, day.date_to, show.theater_id, show_id=evening),
            )
        )
    out = []
    for label, name, flt in jobs:
        samples = []
        for _ in range(5):
            t0 = time.perf_counter()
            reports.run_report(box, boss, name, flt)
            samples.append((time.perf_counter() - t0) * 1000)
        out.append((label, *_ms(samples)))
    wiring.close()
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sales", type=int, default=200)
    parser.add_argument("--db", type=Path, help="an existing demo database for the reports")
    args = parser.parse_args()
    db = Path(tempfile.mkdtemp(prefix="bms-bench-sales-")) / "sales.db"
    rows = bench_sales(db, args.sales)
    base = rows[0][1]
    print(f"\nHold + confirm 2 seats, SQLite, {args.sales} sales per path (ms)")
    print(f"{'path':<28}{'median':>9}{'p95':>9}{'x base':>9}")
    for name, med, p95 in rows:
        print(f"{name:<28}{med:>9.2f}{p95:>9.2f}{med / base:>9.2f}")
    print("\nReports on the demo box office (ms, median and p95 of 5 runs)")
    for name, med, p95 in bench_reports(args.db):
        print(f"{name:<28}{med:>9.1f}{p95:>9.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
