"""Eight processes sell one 600-seat show until it is sold out: per strategy and engine.

Run: .venv/bin/python bench/bench_race.py [--clerks 8] [--seats 600] [--repeat 3]
                                          [--engines sqlite,postgresql] [--strategies ...]

For every engine (SQLite in a temporary folder; PostgreSQL in a throwaway cluster started here with
tests/support/pgcluster.PgCluster: initdb on 127.0.0.1, fsync/synchronous_commit off) and every
strategy it runs, through ``bms_desktop.race`` (the engine behind ``bms-desktop race``):

* the baseline: ONE robot clerk (one process) selling a fresh 600-seat scratch show alone;
* the race: ``--clerks`` robot clerks, each in its own ``spawn``-started process, selling another
  fresh 600-seat show, 2 seats per booking, no think time, until it is sold out.

Each configuration runs ``--repeat`` times; the table shows the run with the median throughput
(and the range of throughputs). Latency is one sale as the clerk waits for it: hold + confirm,
lock waits included; ``call p99`` is the p99 of the single service calls a counter window makes
(each hold, each confirm), for comparison. The double-sale count and the integrity verdict come from
SQL after each race on a fresh connection. Targets (DESIGN.md section 7, raised by issue 10): 0
double sales; at least 80% of the one-counter throughput and p99 <= 25 ms on SQLite; PostgreSQL at
least SQLite's throughput (same strategy, same run).

Not a test: it asserts nothing. The machine's load average is printed before and after, since
other work on a 2-core machine moves these numbers a lot.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bms_desktop.race import Outcome, RaceConfig, RaceMode, RaceResult, run_race
from bms_desktop.race import RaceStrategy as Strategy

P99_BUDGET_MS = 25.0
CORES = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
THROUGHPUT_SHARE = 0.8


@dataclass
class Row:
    engine: str
    strategy: Strategy
    baseline: RaceResult
    race: RaceResult
    throughputs: list[float]
    baseline_throughputs: list[float]
    server_cpu_s: float | None = None  # PostgreSQL: the server's CPU during the median race


class ServerCpu:
    """CPU time of one PostgreSQL cluster's processes (postmaster, backends, background workers),
    read from /proc: the postmaster's own and reaped children's time plus every live child's.
    Sampled when the clerks start and as each one ends (``run_race``'s events), so scratch-show
    set-up and the verdict's queries are left out."""

    TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100

    def __init__(self, data_dir: Path) -> None:
        self.postmaster = int((data_dir / "postmaster.pid").read_text().split()[0])
        self.started: float | None = None
        self.last: float | None = None

    def _stat(self, pid: int | str) -> list[str] | None:
        try:
            return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None

    def now(self) -> float:
        own = self._stat(self.postmaster)
        if own is None:
            return 0.0
        ticks = sum(int(v) for v in own[11:15])  # utime, stime, cutime, cstime
        for pid in os.listdir("/proc"):
            fields = self._stat(pid) if pid.isdigit() else None
            if fields is not None and int(fields[1]) == self.postmaster:  # field 4: ppid
                ticks += int(fields[11]) + int(fields[12])
        return ticks / self.TICK

    def events(self, kind: str, _payload: object) -> None:
        if kind == "started":
            self.started, self.last = self.now(), None
        elif kind == "clerk_done":
            self.last = self.now()

    def used_s(self) -> float | None:
        if self.started is None or self.last is None:
            return None
        return self.last - self.started


def _mid_rate(result: RaceResult) -> float:
    """Bookings a second between the 10th and the 90th percentile of the sales' ends: the race
    in its stride, without its start (every clerk's first turn in line) and its end (the last
    seats, fought over by every clerk)."""
    ends = sorted(r.started_ms + r.latency_ms for r in result.records if r.outcome is Outcome.SOLD)
    lo, hi = len(ends) // 10, len(ends) * 9 // 10
    if len(ends) < 10 or ends[hi] <= ends[lo]:
        return 0.0
    return (hi - lo) * 1000.0 / (ends[hi] - ends[lo])


def _median_run(results: list[RaceResult]) -> RaceResult:
    ordered = sorted(results, key=lambda r: r.throughput_per_s)
    return ordered[len(ordered) // 2]


def _run(
    url: str,
    strategy: Strategy,
    clerks: int,
    seats: int,
    k: int,
    seed: int,
    server: ServerCpu | None = None,
) -> tuple[RaceResult, float | None]:
    result = run_race(
        RaceConfig(
            db_url=url,
            strategy=strategy,
            clerks=clerks,
            mode=RaceMode.PROCESSES,
            seats_per_booking=k,
            seats=seats,
            duration_s=300,
            seed=seed,
        ),
        events=None if server is None else server.events,
    )
    return result, None if server is None else server.used_s()


def _engine_rows(
    engine: str,
    url: str,
    strategies: list[Strategy],
    args: argparse.Namespace,
    server: ServerCpu | None = None,
) -> list[Row]:
    rows = []
    for strategy in strategies:
        base_runs, race_runs = [], []
        server_s: dict[int, float | None] = {}
        for i in range(args.repeat):
            base_runs.append(_run(url, strategy, 1, args.seats, args.seats_per_booking, 100 + i)[0])
            race, used = _run(
                url, strategy, args.clerks, args.seats, args.seats_per_booking, 200 + i, server
            )
            race_runs.append(race)
            server_s[id(race)] = used
            print(
                f"  {engine:<10} {strategy.value:<12} run {i + 1}: one counter "
                f"{base_runs[-1].throughput_per_s:7.1f}/s, {args.clerks} processes "
                f"{race_runs[-1].throughput_per_s:7.1f}/s, "
                f"p99 {race_runs[-1].latency_ms_p99:.1f} ms",
                flush=True,
            )
        median = _median_run(race_runs)
        rows.append(
            Row(
                engine, strategy, _median_run(base_runs), median,
                [r.throughput_per_s for r in race_runs], [r.throughput_per_s for r in base_runs],
                server_s[id(median)],
            )
        )  # fmt: skip
    return rows


def _print_table(rows: list[Row], args: argparse.Namespace) -> None:
    print()
    print(
        f"{args.clerks} processes selling one {args.seats}-seat show until sold out, "
        f"{args.seats_per_booking} seats per booking (median of {args.repeat} run(s)); "
        "latency = hold + confirm in ms"
    )
    head = (
        f"{'engine':<11}{'strategy':<13}{'1-counter/s':>12}{'race/s':>9}{'share':>7}"
        f"{'range/s':>15}{'p50':>7}{'p99':>8}{'call p99':>10}{'wait p99':>9}{'conflicts':>10}"
        f"{'retries':>8}{'net':>5}{'double':>7}{'integ':>6}{'locked':>7}{'cpu ms/bk':>10}"
        f"{'srv ms/bk':>10}{'cpu cap/s':>10}{'mid share':>10}  verdict"
    )
    print(head)
    print("-" * len(head))
    for row in rows:
        race, base = row.race, row.baseline
        share = race.throughput_per_s / base.throughput_per_s if base.throughput_per_s else 0.0
        problems = []
        if race.double_sales or base.double_sales:
            problems.append("DOUBLE SALE")
        if not (race.integrity_ok and base.integrity_ok):
            problems.append("INTEGRITY")
        if race.database_locked_errors or race.unexpected_errors:
            problems.append("ERRORS")
        if share < THROUGHPUT_SHARE:
            problems.append(f"share<{THROUGHPUT_SHARE:.0%}")
        if row.engine == "sqlite" and race.latency_ms_p99 > P99_BUDGET_MS:
            problems.append(f"p99>{P99_BUDGET_MS:.0f}ms")
        if row.engine == "postgresql":
            lite = next(
                (r for r in rows if r.engine == "sqlite" and r.strategy == row.strategy), None
            )
            if lite is not None and race.throughput_per_s < lite.race.throughput_per_s:
                problems.append("PG<SQLite")
        verdict = "ok" if not problems else ", ".join(problems)
        rng = f"{min(row.throughputs):.0f}-{max(row.throughputs):.0f}"
        clerk_ms = race.clerk_cpu_s * 1000 / max(1, race.bookings)
        server_ms = (
            None if row.server_cpu_s is None else row.server_cpu_s * 1000 / max(1, race.bookings)
        )
        # What the cores could sell if they did nothing but the clerks' and the server's work.
        cap = CORES * 1000 / (clerk_ms + (server_ms or 0.0)) if clerk_ms else 0.0
        mid_base = _mid_rate(base)
        mid_share = f"{_mid_rate(race) / mid_base:.0%}" if mid_base else "-"
        print(
            f"{row.engine:<11}{row.strategy.value:<13}{base.throughput_per_s:>12.1f}"
            f"{race.throughput_per_s:>9.1f}{share:>7.0%}{rng:>15}{race.latency_ms_p50:>7.1f}"
            f"{race.latency_ms_p99:>8.1f}{race.call_ms_p99:>10.1f}{race.lock_wait_ms_p99:>9.1f}"
            f"{race.conflicts:>10}{race.retries:>8}{race.safety_net_catches:>5}"
            f"{race.double_sales:>7}{'ok' if race.integrity_ok else 'NO':>6}"
            f"{race.database_locked_errors:>7}"
            f"{clerk_ms:>10.2f}{'' if server_ms is None else f'{server_ms:.2f}':>10}"
            f"{cap:>10.0f}{mid_share:>10}  {verdict}"
        )
    print(
        "share = race throughput / one-counter throughput (target >= 80%); p99 target <= 25 ms "
        "on SQLite; PostgreSQL target: at least SQLite's throughput; net = safety-net catches; "
        "locked = 'database "
        "is locked' errors; cpu ms/bk = clerks' CPU per booking; srv ms/bk = the PostgreSQL "
        "server's CPU per booking (SQLite's work is inside the clerks'); cpu cap/s = the cores / "
        "(cpu + srv ms per booking), what this machine could sell on that CPU alone; call p99 = "
        "p99 of the single service calls (each hold, each confirm); mid share = the same share "
        "between the 10th and the 90th percentile of the sales' ends (the race in its stride, "
        "without its start and its last seats)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clerks", type=int, default=8)
    parser.add_argument("--seats", type=int, default=600)
    parser.add_argument("--seats-per-booking", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument(
        "--strategies",
        default="pessimistic,optimistic,thread",
        help="comma-separated; naive is allowed too (it is not a counter strategy)",
    )
    args = parser.parse_args()
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    strategies = [Strategy(s.strip()) for s in args.strategies.split(",") if s.strip()]
    print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs", flush=True)
    t0 = time.perf_counter()
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="bms-bench-race-") as folder:
        if "sqlite" in engines:
            rows += _engine_rows(
                "sqlite", f"sqlite:///{Path(folder) / 'race.db'}", strategies, args
            )
        if "postgresql" in engines:
            from tests.support.pgcluster import PgCluster, pg_available

            reason = pg_available()
            if reason is not None:
                print(f"PostgreSQL skipped: {reason}")
            else:
                with PgCluster() as cluster:
                    url = cluster.create_database("bench_race")
                    server = ServerCpu(cluster.data_dir)
                    rows += _engine_rows("postgresql", url, strategies, args, server)
    _print_table(rows, args)
    loads = os.getloadavg()
    print(
        f"load average after: {loads[0]:.2f} (5 min {loads[1]:.2f}); "
        f"took {time.perf_counter() - t0:.0f} s; one-counter p99s: "
        + ", ".join(
            f"{r.engine}/{r.strategy.value} {r.baseline.latency_ms_p99:.1f} ms" for r in rows
        )
    )
    medians = statistics.median([r.race.throughput_per_s for r in rows]) if rows else 0.0
    print(f"median race throughput over all rows: {medians:.1f} bookings/s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
