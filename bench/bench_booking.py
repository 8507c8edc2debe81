"""One counter holds and pays for 2 seats on SQLite: our services against hand-written sqlite3.

Run: .venv/bin/python bench/bench_booking.py [--rounds N] [--warmup N] [--db PATH]

Every path sells the next two seats of its own 600-seat scratch show, in the same database file
(WAL, synchronous=NORMAL, foreign_keys=ON, like the app); the paths take turns in blocks of 25
sales, so that the machine's noise hits them alike and each runs with a warm page cache (a commit
by another connection empties a connection's page cache: alternating sale by sale would charge
every path a cold cache). The baseline is what a careful programmer would write by hand with the
stdlib ``sqlite3`` module for the same writes, with the checks that make it correct:

    hold:    BEGIN IMMEDIATE; read the two seats (labels, types, prices, status); INSERT ticket;
             UPDATE show_seats -> HELD (WHERE status = 'AVAILABLE', row count checked);
             INSERT 2 ticket_seats (the live claims); INSERT audit row; COMMIT
    confirm: BEGIN IMMEDIATE; UPDATE ticket -> CONFIRMED (WHERE pending and not expired,
             RETURNING total); UPDATE show_seats -> SOLD (row count checked); INSERT payment;
             INSERT audit row; COMMIT

Our side is ``booking.hold_seats`` + ``checkout.confirm_booking`` for each strategy (with the
versions the counter's map showed, which only the optimistic strategy uses). It prints
per-operation median and p95 in milliseconds and the ratio of the medians (hold + confirm); the
budget (DESIGN.md section 7) is within 3x. A second baseline row adds to the hand-written code the
reads the services make in the same transactions (the settings, the show for "sales open", the
ticket before confirming), to show how much of the gap is work and how much is overhead. Not a
test: it asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bms_desktop.app import connect
from bms_desktop.domain.model import PaymentMode, Role, Strategy
from bms_desktop.domain.rules import generate_ticket_code
from bms_desktop.race import ensure_scratch_show
from bms_desktop.services import booking, checkout, queries
from bms_desktop.services.context import BoxOffice, CounterContext

BUDGET_RATIO = 3.0
BLOCK = 25
SEATS = 600


def _db_time(value: datetime) -> str:
    """What SQLAlchemy's SQLite DateTime stores for our UtcDateTime: naive UTC, ISO with a space."""
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ")


class HandWritten:
    """The baseline: stdlib sqlite3, one connection, the same writes."""

    def __init__(self, path: Path) -> None:
        self.conn = sqlite3.connect(str(path), isolation_level=None, timeout=5.0)
        for pragma in (
            "PRAGMA busy_timeout = 5000",
            "PRAGMA journal_mode = WAL",
            "PRAGMA synchronous = NORMAL",
            "PRAGMA foreign_keys = ON",
        ):
            self.conn.execute(pragma)

    def hold(
        self, show_id: int, ids: list[int], counter: str, now: datetime, *, reads: bool = False
    ) -> int:
        c = self.conn
        expires = _db_time(now + timedelta(minutes=5))
        c.execute("BEGIN IMMEDIATE")
        try:
            if reads:  # what the services also read: the settings, and the show (sales open?)
                dict(c.execute("SELECT key, value FROM app_meta").fetchall())
                row = c.execute(
                    "SELECT sh.id, sh.movie_id, sh.screen_id, sc.theater_id, sh.starts_at, "
                    "sh.ends_at, th.timezone, sh.scratch FROM shows sh "
                    "JOIN screens sc ON sc.id = sh.screen_id "
                    "JOIN theaters th ON th.id = sc.theater_id WHERE sh.id = ?",
                    (show_id,),
                ).fetchone()
                if row is None or row[4] <= _db_time(now):
                    raise RuntimeError("sales closed")
            rows = c.execute(
                "SELECT ss.id, se.label, se.seat_type, ss.price, ss.status FROM show_seats ss "
                "JOIN seats se ON se.id = ss.seat_id WHERE ss.show_id = ? AND ss.id IN (?, ?) "
                "ORDER BY ss.id",
                (show_id, *ids),
            ).fetchall()
            if len(rows) != len(ids) or any(r[4] != "AVAILABLE" for r in rows):
                raise RuntimeError("seat not available")
            subtotal = sum(r[3] for r in rows)
            ticket_id = c.execute(
                "INSERT INTO tickets (code, show_id, status, counter, staff_id, strategy, "
                "seat_count, subtotal, discount, total, hold_expires_at, created_at) "
                "VALUES (?, ?, 'PENDING_PAYMENT', ?, NULL, 'pessimistic', ?, ?, 0, ?, ?, ?)",
                (generate_ticket_code(), show_id, counter, len(ids), subtotal, subtotal,
                 expires, _db_time(now)),
            ).lastrowid  # fmt: skip
            changed = c.execute(
                "UPDATE show_seats SET status = 'HELD', ticket_id = ?, counter = ?, "
                "hold_expires_at = ?, version = version + 1 "
                "WHERE id IN (?, ?) AND status = 'AVAILABLE'",
                (ticket_id, counter, expires, *ids),
            ).rowcount
            if changed != len(ids):
                raise RuntimeError("lost a seat")
            c.executemany(
                "INSERT INTO ticket_seats (ticket_id, show_seat_id, label, seat_type, price, live) "
                "VALUES (?, ?, ?, ?, ?, 1)",
                [(ticket_id, r[0], r[1], r[2], r[3]) for r in rows],
            )
            c.execute(
                "INSERT INTO audit_events (at, staff_id, username, counter, action, entity, "
                "entity_id, show_id, details) VALUES (?, NULL, ?, ?, 'HOLD', 'ticket', ?, ?, ?)",
                (_db_time(now), "bench", counter, str(ticket_id), show_id,
                 json.dumps({"seats": [r[1] for r in rows]})),
            )  # fmt: skip
            c.execute("COMMIT")
        except BaseException:
            c.execute("ROLLBACK")
            raise
        assert ticket_id is not None
        return ticket_id

    def confirm(
        self, ticket_id: int, show_id: int, counter: str, now: datetime, *, reads: bool = False
    ) -> None:
        c = self.conn
        stamp = _db_time(now)
        c.execute("BEGIN IMMEDIATE")
        try:
            if reads:  # the services read the ticket first (its state decides the message)
                ticket = c.execute(
                    "SELECT id, code, show_id, status, counter, staff_id, strategy, "
                    "customer_name, customer_phone, seat_count, subtotal, discount, total, "
                    "coupon_id, hold_expires_at, created_at, confirmed_at, cancelled_at "
                    "FROM tickets WHERE id = ?",
                    (ticket_id,),
                ).fetchone()
                if ticket is None or ticket[3] != "PENDING_PAYMENT":
                    raise RuntimeError("not pending")
            row = c.execute(
                "UPDATE tickets SET status = 'CONFIRMED', confirmed_at = ? WHERE id = ? AND "
                "status = 'PENDING_PAYMENT' AND hold_expires_at > ? RETURNING total, seat_count",
                (stamp, ticket_id, stamp),
            ).fetchone()
            if row is None:
                raise RuntimeError("not confirmable")
            sold = c.execute(
                "UPDATE show_seats SET status = 'SOLD', hold_expires_at = NULL, "
                "version = version + 1 WHERE ticket_id = ? AND status = 'HELD' AND "
                "hold_expires_at > ?",
                (ticket_id, stamp),
            ).rowcount
            if sold != row[1]:
                raise RuntimeError("seats no longer held")
            c.execute(
                "INSERT INTO payments (ticket_id, kind, mode, status, amount, counter, created_at) "
                "VALUES (?, 'PAYMENT', 'UPI', 'SUCCESS', ?, ?, ?)",
                (ticket_id, row[0], counter, stamp),
            )
            c.execute(
                "INSERT INTO audit_events (at, staff_id, username, counter, action, entity, "
                "entity_id, show_id, details) VALUES (?, NULL, ?, ?, 'SALE', 'ticket', ?, ?, ?)",
                (stamp, "bench", counter, str(ticket_id), show_id,
                 json.dumps({"total": row[0], "mode": "UPI"})),
            )  # fmt: skip
            c.execute("COMMIT")
        except BaseException:
            c.execute("ROLLBACK")
            raise


def _pairs(box: BoxOffice, show_id: int) -> tuple[list[list[int]], dict[int, int]]:
    """Pairs of seats to sell, and their versions as the counter's map shows them."""
    seats = queries.get_seat_map(box, show_id).seats
    ids = [s.show_seat_id for s in seats]
    return [ids[i : i + 2] for i in range(0, len(ids) - 1, 2)], {
        s.show_seat_id: s.version for s in seats
    }


def _stats(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=250, help="measured sales per side (250)")
    parser.add_argument("--warmup", type=int, default=20, help="unmeasured sales first (20)")
    parser.add_argument("--db", type=Path, default=None, help="database file (default: temp)")
    args = parser.parse_args()
    if args.rounds + args.warmup > SEATS // 2:
        parser.error(f"--rounds + --warmup must be at most {SEATS // 2}")
    folder = tempfile.TemporaryDirectory(prefix="bms-bench-")
    path = args.db or Path(folder.name) / "bench.db"
    url = f"sqlite:///{path}"
    wiring = connect(url)
    box = wiring.box
    raw = HandWritten(path)
    # Every path sells from its own show. The paths take turns in blocks of BLOCK sales, so that
    # each runs mostly with a warm page cache (another connection's commit empties it) and all
    # of them meet the machine's ups and downs alike.
    paths: list[tuple[str, Strategy | None, bool]] = [
        ("hand-written sqlite3 (baseline)", None, False),
        ("hand-written + the same reads", None, True),
    ] + [(f"services, {s.value}", s, False) for s in Strategy]
    shows = {name: ensure_scratch_show(box, seats=SEATS) for name, _s, _r in paths}
    pairs = {name: _pairs(box, show) for name, show in shows.items()}
    times: dict[str, tuple[list[float], list[float]]] = {name: ([], []) for name in shows}
    total = args.rounds + args.warmup
    for start in range(0, total, BLOCK):
        for name, strategy, reads in paths:
            show, (seat_pairs, versions) = shows[name], pairs[name]
            for i in range(start, min(start + BLOCK, total)):
                pair = seat_pairs[i]
                if strategy is None:
                    now = datetime.now(UTC)
                    t0 = time.perf_counter()
                    tid = raw.hold(show, pair, "Counter 2", now, reads=reads)
                    t1 = time.perf_counter()
                    raw.confirm(tid, show, "Counter 2", now, reads=reads)
                else:
                    ctx = CounterContext("Counter 1", None, "bench", Role.CLERK, strategy)
                    seen = {sid: versions[sid] for sid in pair}
                    t0 = time.perf_counter()
                    held = booking.hold_seats(
                        box, ctx, show_id=show, show_seat_ids=pair, seen_versions=seen
                    )
                    t1 = time.perf_counter()
                    checkout.confirm_booking(
                        box, ctx, ticket_id=held.ticket_id, mode=PaymentMode.UPI
                    )
                t2 = time.perf_counter()
                if i >= args.warmup:
                    times[name][0].append((t1 - t0) * 1000.0)
                    times[name][1].append((t2 - t1) * 1000.0)
    wiring.close()
    raw.conn.close()
    raw_hold, raw_confirm = times[paths[0][0]]
    rawr_hold, rawr_confirm = times[paths[1][0]]

    def total_p50(hold: list[float], confirm: list[float]) -> float:
        return statistics.median([a + b for a, b in zip(hold, confirm, strict=True)])

    base_total = total_p50(raw_hold, raw_confirm)
    reads_total = total_p50(rawr_hold, rawr_confirm)
    print(f"Hold + confirm of 2 seats, one counter, SQLite {sqlite3.sqlite_version}, "
          f"{args.rounds} sales per strategy (after {args.warmup} warm-up), ms; "
          f"load average {os.getloadavg()[0]:.2f}")  # fmt: skip
    head = f"{'path':<34}{'hold p50':>9}{'hold p95':>9}{'conf p50':>9}{'conf p95':>9}"
    print(head + f"{'total p50':>10}{'ratio':>7}{'vs +reads':>10}  budget <= {BUDGET_RATIO:.0f}x")
    listing = [(name, *times[name]) for name, _s, _r in paths]
    for i, (name, hold_ms, confirm_ms) in enumerate(listing):
        h, h95 = _stats(hold_ms)
        c, c95 = _stats(confirm_ms)
        total = total_p50(hold_ms, confirm_ms)
        ratio = total / base_total
        verdict = "" if i < 2 else ("ok" if ratio <= BUDGET_RATIO else "OVER BUDGET")
        print(
            f"{name:<34}{h:>9.3f}{h95:>9.3f}{c:>9.3f}{c95:>9.3f}{total:>10.3f}{ratio:>7.2f}"
            f"{total / reads_total:>10.2f}  {verdict}"
        )
    print(
        "ratio: against the hand-written writes (the budget); vs +reads: against hand-written "
        "code that also reads what the services read (settings, the show, the ticket)"
    )
    folder.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
