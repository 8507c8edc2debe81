"""Does pipelining a sale's statements make PostgreSQL sell more on this machine? (It does not.)

Run: .venv/bin/python bench/bench_pg_round_trips.py [--sales 400] [--processes 1,8]

A sale-shaped sequence of 19 small statements in two transactions (a hold: settings, show, two
seats FOR UPDATE, ticket, seats, claims, audit; a payment: settings, ticket, shift, confirm,
sell, payment, audit), on plain psycopg against a throwaway cluster
(tests/support/pgcluster.PgCluster), sent two ways:

* ``one by one`` (the baseline, as the app sends them today): a round trip per statement;
* ``pipelined``: the same statements in psycopg pipeline mode, 6 round trips per sale (the
  hold's reads and the ticket id from its sequence together, then its writes, then COMMIT; the
  same for the payment).

Each way runs in 1 process and in N processes at once, each process selling ``--sales`` times.
The table shows sales per second and the client's CPU per sale. Alone, a pipelined sale waits
for fewer round trips and is faster. With 8 processes on 2 cores the machine is busy anyway, and
what limits it is the CPU each statement costs on both sides, which pipelining does not change.
That is why the app's PostgreSQL work aims at fewer statements and fewer transactions, not fewer
round trips (docs/concurrency.md). Not a test: it asserts nothing.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

SEATS = 100_000


def _setup(url: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as c:
        c.execute("CREATE TABLE t (id serial PRIMARY KEY, v int, s text)")
        c.execute("CREATE TABLE seats (id int PRIMARY KEY, v int, st text)")
        c.execute(f"INSERT INTO seats SELECT g, 0, 'A' FROM generate_series(1, {SEATS}) g")
        c.execute("CREATE TABLE a (id serial PRIMARY KEY, d text)")


def _one_by_one(c: Any, cur: Any, k: int) -> None:
    ids = [k * 2 + 1, k * 2 + 2]
    for sql, params in (("SELECT 1", None), ("SELECT 2", None)):
        cur.execute(sql, params)
        cur.fetchall()
    cur.execute("SELECT id, v FROM seats WHERE id = ANY(%s) ORDER BY id FOR UPDATE", (ids,))
    cur.fetchall()
    cur.execute("INSERT INTO t (v, s) VALUES (%s, %s) RETURNING id", (k, "x"))
    tid = cur.fetchone()[0]
    cur.execute("UPDATE seats SET v = v + 1, st = 'H' WHERE id = ANY(%s) RETURNING id", (ids,))
    cur.fetchall()
    cur.execute("INSERT INTO a (d) VALUES (%s)", (str(tid),))
    cur.execute("INSERT INTO a (d) VALUES (%s)", ("audit",))
    c.commit()
    for sql, params in (("SELECT 1", None), ("SELECT v FROM t WHERE id = %s", (tid,))):
        cur.execute(sql, params)
        cur.fetchall()
    cur.execute("SELECT 3")
    cur.fetchall()
    cur.execute("UPDATE t SET s = 'C' WHERE id = %s RETURNING v", (tid,))
    cur.fetchall()
    cur.execute("UPDATE seats SET st = 'S' WHERE id = ANY(%s)", (ids,))
    cur.execute("INSERT INTO a (d) VALUES (%s) RETURNING id", ("pay",))
    cur.fetchall()
    cur.execute("INSERT INTO a (d) VALUES (%s)", ("audit",))
    c.commit()


def _pipelined(c: Any, cur: Any, k: int) -> None:
    ids = [k * 2 + 1, k * 2 + 2]
    r1, r2, r3 = c.cursor(), c.cursor(), c.cursor()
    with c.pipeline() as p:
        cur.execute("SELECT 1")
        r1.execute("SELECT 2")
        r2.execute("SELECT id, v FROM seats WHERE id = ANY(%s) ORDER BY id FOR UPDATE", (ids,))
        r3.execute("SELECT nextval('t_id_seq')")
        p.sync()
        cur.fetchall(), r1.fetchall(), r2.fetchall()
        tid = r3.fetchone()[0]
        cur.execute("INSERT INTO t (id, v, s) VALUES (%s, %s, %s)", (tid, k, "x"))
        r1.execute("UPDATE seats SET v = v + 1, st = 'H' WHERE id = ANY(%s) RETURNING id", (ids,))
        cur.execute("INSERT INTO a (d) VALUES (%s)", (str(tid),))
        cur.execute("INSERT INTO a (d) VALUES (%s)", ("audit",))
        p.sync()
        r1.fetchall()
    c.commit()
    with c.pipeline() as p:
        cur.execute("SELECT 1")
        r1.execute("SELECT v FROM t WHERE id = %s", (tid,))
        r2.execute("SELECT 3")
        p.sync()
        cur.fetchall(), r1.fetchall(), r2.fetchall()
        r1.execute("UPDATE t SET s = 'C' WHERE id = %s RETURNING v", (tid,))
        cur.execute("UPDATE seats SET st = 'S' WHERE id = ANY(%s)", (ids,))
        r2.execute("INSERT INTO a (d) VALUES (%s) RETURNING id", ("pay",))
        cur.execute("INSERT INTO a (d) VALUES (%s)", ("audit",))
        p.sync()
        r1.fetchall(), r2.fetchall()
    c.commit()


WAYS = {"one by one": _one_by_one, "pipelined": _pipelined}


def _worker(url: str, way: str, w: int, sales: int, out: Any, start: Any) -> None:
    import psycopg

    c = psycopg.connect(url)
    cur = c.cursor()
    sale = WAYS[way]
    for k in range(6):  # warm up: psycopg prepares a statement from its 5th use
        sale(c, cur, SEATS // 2 - 100 + w * 8 + k)
    start.wait()
    t0, cpu0 = time.perf_counter(), time.process_time()
    for k in range(sales):
        sale(c, cur, w * (SEATS // 2 // 16) + k)
    out.put((time.perf_counter() - t0, time.process_time() - cpu0))
    c.close()


def _run(url: str, way: str, processes: int, sales: int) -> tuple[float, float]:
    ctx = mp.get_context("spawn")
    out, start = ctx.Queue(), ctx.Barrier(processes + 1)
    procs = [
        ctx.Process(target=_worker, args=(url, way, w, sales, out, start)) for w in range(processes)
    ]
    for p in procs:
        p.start()
    start.wait()
    t0 = time.perf_counter()
    results = [out.get() for _ in procs]
    wall = time.perf_counter() - t0
    for p in procs:
        p.join()
    return processes * sales / wall, sum(r[1] for r in results) / (processes * sales) * 1000


def main() -> int:
    from tests.support.pgcluster import PgCluster, libpq_url, pg_available

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sales", type=int, default=400)
    parser.add_argument("--processes", default="1,8")
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    counts = [int(n) for n in args.processes.split(",")]
    reason = pg_available()
    if reason is not None:
        print(f"PostgreSQL unavailable: {reason}")
        return 1
    print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs", flush=True)
    rows: dict[tuple[str, int], list[tuple[float, float]]] = {}
    with PgCluster() as cluster:
        url = libpq_url(cluster.create_database("round_trips"))
        _setup(url)
        for _ in range(args.repeat):  # interleaved, so that a slow spell hits both ways
            for n in counts:
                for way in WAYS:
                    rows.setdefault((way, n), []).append(_run(url, way, n, args.sales))
    print()
    head = f"{'way':<12}{'processes':>10}{'sales/s':>10}{'vs one by one':>15}{'client ms/sale':>16}"
    print(head)
    print("-" * len(head))
    for n in counts:
        base = max(r[0] for r in rows[("one by one", n)])
        for way in WAYS:
            best = max(rows[(way, n)])
            print(f"{way:<12}{n:>10}{best[0]:>10.0f}{best[0] / base:>15.2f}{best[1]:>16.2f}")
    print(
        f"best of {args.repeat} runs; {args.sales} sales per process; 19 statements per sale, "
        "one round trip each (one by one) or 6 round trips (pipelined)"
    )
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
