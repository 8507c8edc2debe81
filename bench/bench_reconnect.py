"""From the database's return to the first sale: PostgreSQL restarted under a selling counter.

Run: .venv/bin/python bench/bench_reconnect.py [--rounds N] [--down S] [--sales N]

A throwaway PostgreSQL cluster (tests/support/pgcluster.py) and one counter (``app.connect``: the
app's pool, its reconnect policy) selling two seats at a time of a 600-seat scratch show. Each
round stops the server (``pg_ctl stop -m fast``: every session is terminated, as in an
administrator's restart), keeps it down ``--down`` seconds while the counter keeps trying to sell,
then starts it again. A probe thread connects every 2 ms to learn the moment the server accepts
connections again ("back"); the result is the time from "back" to the counter's first completed
sale (hold + confirm). Target (issue 13): under 1 s.

Baselines measured in the same run:
* warm sale: hold + confirm on the pool's live connections;
* cold sale: a fresh engine (new connections: TCP, authentication, first statements) + sale, which
  is the least a sale after a restart can cost;
* the warm sale with the pool's ``pre_ping`` on (a SELECT 1 round trip per checkout) against off
  (the app's choice: a dead connection is found by the first statement and the unit of work
  begins again on a new one, see persistence/uow.py), in interleaved blocks.

Not a test: it asserts nothing. Numbers are noisy on a shared 2-core machine.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import psycopg

from bms_desktop.app import connect
from bms_desktop.domain.model import PaymentMode, Role, Strategy
from bms_desktop.persistence.engine import create_engines
from bms_desktop.persistence.uow import SqlUnitOfWorkFactory
from bms_desktop.race import ensure_scratch_show
from bms_desktop.services import booking, checkout, queries
from bms_desktop.services.context import BoxOffice, CounterContext
from bms_desktop.services.ports import StorageError
from tests.support.pgcluster import PgCluster, libpq_url

CTX = CounterContext("Bench", None, "bench", Role.CLERK, Strategy.PESSIMISTIC)


class Seats:
    def __init__(self, box: BoxOffice, show_id: int) -> None:
        self.show_id = show_id
        self._ids = [s.show_seat_id for s in queries.get_seat_map(box, show_id).seats]

    def pair(self) -> list[int]:
        if len(self._ids) < 2:
            raise RuntimeError("the scratch show is sold out; use fewer rounds or sales")
        return [self._ids.pop(0), self._ids.pop(0)]


def sell(box: BoxOffice, seats: Seats) -> None:
    held = booking.hold_seats(box, CTX, show_id=seats.show_id, show_seat_ids=seats.pair())
    checkout.confirm_booking(box, CTX, ticket_id=held.ticket_id, mode=PaymentMode.UPI)


def timed(fn) -> float:  # type: ignore[no-untyped-def]
    t0 = time.perf_counter()
    fn()
    return (time.perf_counter() - t0) * 1000.0


def ms(values: list[float]) -> str:
    if not values:
        return "-"
    values = sorted(values)
    p95 = values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]
    return f"median {statistics.median(values):7.1f}  p95 {p95:7.1f}  max {values[-1]:7.1f}"


def one_restart(cluster: PgCluster, box: BoxOffice, seats: Seats, down_s: float) -> float:
    """Stop, keep down, start; the counter sells all along. Returns ms from back to sale."""
    conninfo = libpq_url(cluster.url)
    back_at: list[float] = []
    sold_at: list[float] = []
    stop = threading.Event()
    down = threading.Event()

    def clerk() -> None:
        down.wait()
        while not stop.is_set():
            try:
                sell(box, seats)
            except StorageError:
                continue  # unreachable for a while: the counter tries again
            sold_at.append(time.perf_counter())
            return

    def probe() -> None:
        down.wait()
        while not stop.is_set():
            try:
                psycopg.connect(conninfo, connect_timeout=1).close()
            except psycopg.Error:
                time.sleep(0.002)
                continue
            back_at.append(time.perf_counter())
            return

    threads = [threading.Thread(target=clerk), threading.Thread(target=probe)]
    cluster.stop_server("fast")
    down.set()
    for t in threads:
        t.start()
    time.sleep(down_s)
    cluster.start_server()
    threads[0].join(timeout=60)
    stop.set()
    threads[1].join(timeout=10)
    if not sold_at or not back_at:
        raise RuntimeError("no sale after the restart within 60 s")
    return (sold_at[0] - back_at[0]) * 1000.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="restarts (default 5)")
    parser.add_argument("--down", type=float, default=2.0, help="seconds down (default 2)")
    parser.add_argument("--sales", type=int, default=60, help="sales per baseline (default 60)")
    args = parser.parse_args()

    with PgCluster() as cluster:
        url = cluster.create_database("bench_reconnect")
        wiring = connect(url, pool_size=5)
        box = wiring.box
        seats = Seats(box, ensure_scratch_show(box, seats=600))
        for _ in range(5):  # warm-up
            sell(box, seats)

        warm: list[float] = []
        ping: list[float] = []
        pool = wiring.engines.read.pool
        for block in range(max(1, args.sales // 10)):
            for pre_ping, into in (
                ((False, warm), (True, ping))
                if block % 2
                else (
                    (True, ping),
                    (False, warm),
                )
            ):
                pool._pre_ping = pre_ping  # type: ignore[attr-defined]
                into.extend(timed(lambda: sell(box, seats)) for _ in range(10))
        pool._pre_ping = False  # type: ignore[attr-defined]

        cold: list[float] = []
        for _ in range(max(3, args.sales // 10)):

            def fresh() -> None:
                engines = create_engines(url)
                try:
                    sell(BoxOffice(uows=SqlUnitOfWorkFactory(engines)), seats)
                finally:
                    engines.dispose()

            cold.append(timed(fresh))

        after: list[float] = [
            one_restart(cluster, box, seats, args.down) for _ in range(args.rounds)
        ]
        wiring.close()

    print(
        f"PostgreSQL restart under a selling counter: {args.rounds} rounds, {args.down:.1f} s down"
    )
    print(f"{'what':<44} {'ms':>40}")
    print(f"{'warm sale (hold + confirm), pre_ping off':<44} {ms(warm)}")
    print(f"{'warm sale (hold + confirm), pre_ping on':<44} {ms(ping)}")
    print(f"{'cold sale: fresh engine + sale (baseline)':<44} {ms(cold)}")
    print(f"{'database back -> first sale (target < 1000)':<44} {ms(after)}")
    ratio = statistics.median(after) / statistics.median(cold)
    print(f"back-to-sale median is {ratio:.1f}x the cold sale; worst {max(after):.0f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
