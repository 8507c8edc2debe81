"""From the clerks' attempts and the database's check to a ``RaceResult``; the summary table and
the plain-words explanation the lab shows (both generated from the numbers)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

from bms_desktop.persistence.integrity import IntegrityReport
from bms_desktop.race.model import (
    ClerkOutcome,
    ClerkSummary,
    Outcome,
    RaceConfig,
    RaceMode,
    RaceResult,
    RaceStrategy,
    percentile,
)

_FAILED = (Outcome.BUSY, Outcome.UNREACHABLE, Outcome.ERROR)


def summarise(
    cfg: RaceConfig,
    dialect: str,
    show_id: int,
    seats_total: int,
    sold_before: int,
    outcomes: Sequence[ClerkOutcome],
    wall: float,
    integrity: IntegrityReport,
    *,
    before: Mapping[str, tuple[int, int]] | None = None,
    stopped: bool = False,
) -> RaceResult:
    records = [r for o in outcomes for r in o.records]
    errors: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    for r in records:
        if r.outcome in _FAILED:
            errors[r.error or r.outcome.value] += 1
        elif r.outcome == Outcome.CONFLICT:
            reasons.update(r.reasons)
    for o in outcomes:
        if o.fatal:
            errors[o.fatal] += 1
    sold = [r for r in records if r.outcome == Outcome.SOLD]
    latencies = [r.latency_ms for r in records if r.outcome != Outcome.UNREACHABLE]
    calls = [r.hold_ms for r in records if r.outcome != Outcome.UNREACHABLE] + [
        r.confirm_ms for r in records if r.confirm_ms is not None
    ]
    waits = [r.lock_wait_ms for r in records if r.outcome in (Outcome.SOLD, Outcome.CONFLICT)]
    before = before or {}
    per_clerk = []
    recovered_bookings = recovered_seats = 0
    for o in outcomes:
        b0, s0 = before.get(o.counter, (0, 0))
        b1, s1 = integrity.sales_by_counter.get(o.counter, (0, 0))
        db_bookings, db_seats = b1 - b0, s1 - s0
        bookings = sum(1 for r in o.records if r.outcome == Outcome.SOLD)
        seats = sum(r.sold for r in o.records)
        # A clerk that ended normally reported every attempt; one that died may have committed
        # a sale it could not report: the database's books say so. (Only then: another race on
        # the same show at the same time has robots of the same names.)
        if o.fatal is not None and db_bookings > bookings:
            recovered_bookings += db_bookings - bookings
            recovered_seats += max(0, db_seats - seats)
        per_clerk.append(
            ClerkSummary(
                clerk=o.clerk,
                counter=o.counter,
                attempts=len(o.records),
                bookings=bookings,
                sold_seats=seats,
                conflicts=sum(1 for r in o.records if r.outcome == Outcome.CONFLICT),
                errors=sum(1 for r in o.records if r.outcome in _FAILED) + (1 if o.fatal else 0),
                safety_net_catches=sum(r.safety_net for r in o.records),
                fatal=o.fatal,
                db_bookings=db_bookings,
                db_sold_seats=db_seats,
            )
        )
    wall = max(wall, 1e-9)
    reported_seats = sum(r.sold for r in sold)
    unexpected = sum(1 for r in records if r.outcome == Outcome.ERROR) + sum(
        1 for o in outcomes if o.fatal
    )
    return RaceResult(
        config=cfg,
        dialect=dialect,
        show_id=show_id,
        seats_total=seats_total,
        sold_before=sold_before,
        wall_s=wall,
        attempts=len(records),
        bookings=len(sold) + recovered_bookings,
        sold_seats=reported_seats + recovered_seats,
        conflicts=sum(1 for r in records if r.outcome == Outcome.CONFLICT),
        conflict_reasons=dict(sorted(reasons.items())),
        retries=sum(r.retries for r in records),
        safety_net_catches=sum(r.safety_net for r in records),
        lock_wait_ms_p50=percentile(waits, 50),
        lock_wait_ms_p99=percentile(waits, 99),
        lock_wait_ms_max=round(max(waits, default=0.0), 3),
        latency_ms_p50=percentile(latencies, 50),
        latency_ms_p95=percentile(latencies, 95),
        latency_ms_p99=percentile(latencies, 99),
        latency_ms_max=round(max(latencies, default=0.0), 3),
        sale_latency_ms_p50=percentile([r.latency_ms for r in sold], 50),
        sale_latency_ms_p99=percentile([r.latency_ms for r in sold], 99),
        call_ms_p50=percentile(calls, 50),
        call_ms_p99=percentile(calls, 99),
        throughput_per_s=round((len(sold) + recovered_bookings) / wall, 2),
        seats_per_s=round((reported_seats + recovered_seats) / wall, 2),
        errors=dict(errors.most_common()),
        busy_errors=sum(1 for r in records if r.outcome == Outcome.BUSY),
        unexpected_errors=unexpected,
        database_locked_errors=sum(1 for r in records if r.locked),
        timed_out=not stopped and not all(o.sold_out for o in outcomes if not o.fatal),
        clerk_cpu_s=sum(o.cpu_s for o in outcomes),
        per_clerk=tuple(per_clerk),
        integrity=integrity,
        records=tuple(records),
        unreachable_errors=sum(1 for r in records if r.outcome == Outcome.UNREACHABLE),
        reported_sold_seats=reported_seats,
        recovered_bookings=recovered_bookings,
        stopped=stopped,
    )


# --------------------------------------------------------------------------- in words


def _pct(part: float, whole: float) -> str:
    return f"{100.0 * part / whole:.0f} %" if whole else "0 %"


def explain(result: RaceResult) -> list[str]:
    """A few sentences a learner reads under the verdict, generated from the numbers."""
    s, r = result.strategy, result
    mode = "threads of one process" if r.config.mode == RaceMode.THREADS else "separate processes"
    out = [
        f"{r.config.clerks} robot clerks ({mode}) sold {r.sold_seats} of {r.seats_total} seats "
        f"in {r.wall_s:.1f} s with the {s.label.lower()} strategy on {r.dialect}: "
        f"{r.throughput_per_s:.0f} bookings/s, a sale took {r.latency_ms_p50:.1f} ms at the "
        f"median and {r.latency_ms_p99:.1f} ms at p99."
    ]
    lost = r.conflicts
    if s is RaceStrategy.OPTIMISTIC:
        out.append(
            f"Optimistic lost {_pct(lost, r.attempts)} of its attempts to conflicts and retried "
            f"{r.retries} times: nobody waited for a lock (wait p50 {r.lock_wait_ms_p50:.1f} ms), "
            "but work was done and thrown away when a version had moved."
        )
    elif s is RaceStrategy.PESSIMISTIC:
        out.append(
            f"Pessimistic made clerks wait for the lock ({r.lock_wait_ms_p50:.1f} ms at the "
            f"median, {r.lock_wait_ms_p99:.1f} ms at p99) instead; {_pct(lost, r.attempts)} of "
            "attempts still found their seats taken, but only after waiting their turn, never "
            "by writing over someone."
        )
    elif s is RaceStrategy.THREAD:
        if r.config.mode == RaceMode.THREADS:
            out.append(
                f"The thread lock covered every clerk (they share one process): "
                f"{r.safety_net_catches} attempts reached the database constraint."
            )
        else:
            out.append(
                f"The thread lock protects nothing between processes: {r.safety_net_catches} "
                "attempts slipped past it and only the database constraint stopped them (see "
                "the red bars). No seat was sold twice because of the constraint, not the lock."
            )
    else:
        if r.database_locked_errors:
            out.append(
                f"The naive way read, then wrote, in a deferred transaction: "
                f"{r.database_locked_errors} attempts ({_pct(r.database_locked_errors, r.attempts)}"
                ') failed with "database is locked" because another clerk wrote after they had '
                "read. The reference project hits these too."
            )
        if r.safety_net_catches:
            out.append(
                f"{r.safety_net_catches} attempts read free seats and wrote over another "
                "clerk's: only the database constraint stopped those sales."
            )
        if not r.database_locked_errors and not r.safety_net_catches:
            out.append("The naive way got lucky this time: no clash reached the database.")
    if r.unreachable_errors:
        out.append(
            f"The database could not be reached {r.unreachable_errors} times; the clerks backed "
            "off and carried on."
        )
    if r.recovered_bookings:
        out.append(
            f"{r.recovered_bookings} sales were committed by clerks that died before they could "
            "report them; the race read them back from the database."
        )
    verdict = (
        "The independent SQL check found every seat sold at most once, tickets and seats in "
        "agreement and no orphaned hold."
        if r.integrity_ok and r.double_sales == 0
        else "The independent SQL check FAILED: " + "; ".join(r.integrity.problems())
    )
    out.append(verdict)
    return out


def explain_compare(results: Sequence[RaceResult]) -> list[str]:
    """The comparison in words: who was fastest, who waited, who retried, who hit the net."""
    if not results:
        return []
    best = max(results, key=lambda r: r.throughput_per_s)
    out = [
        f"Fastest: {best.strategy.label.lower()} at {best.throughput_per_s:.0f} bookings/s "
        f"(p99 {best.latency_ms_p99:.1f} ms)."
    ]
    for r in results:
        if r.strategy is RaceStrategy.OPTIMISTIC:
            out.append(
                f"Optimistic lost {_pct(r.conflicts, r.attempts)} of attempts to conflicts and "
                f"retried {r.retries} times; pessimistic made clerks wait "
                f"{_wait_of(results, RaceStrategy.PESSIMISTIC)} ms at the median instead."
            )
        if r.safety_net_catches:
            out.append(
                f"{r.strategy.label}: {r.safety_net_catches} attempts were stopped only by the "
                "database constraint."
            )
        if r.database_locked_errors:
            out.append(
                f'{r.strategy.label}: {r.database_locked_errors} "database is locked" errors.'
            )
    doubles = sum(r.double_sales for r in results)
    out.append(
        "No seat was sold twice in any run." if doubles == 0 else f"{doubles} DOUBLE SALES found."
    )
    return out


def _wait_of(results: Sequence[RaceResult], strategy: RaceStrategy) -> str:
    for r in results:
        if r.strategy is strategy:
            return f"{r.lock_wait_ms_p50:.1f}"
    return "?"


# --------------------------------------------------------------------------- the summary table


def format_summary(result: RaceResult) -> str:
    cfg = result.config
    verdict = "CLEAN" if result.clean else "PROBLEMS FOUND"
    lines = [
        f"Race: {cfg.clerks} robot clerks ({cfg.mode.value}), strategy {result.strategy.value}, "
        f"{cfg.seats_per_booking} seat(s) per booking, delay {cfg.delay_ms} ms, {result.dialect}",
        f"Show {result.show_id}: {result.seats_total} seats for sale, {result.sold_before} sold "
        f"before; {'sold out' if result.sold_out else 'not sold out'} in {result.wall_s:.2f} s"
        + (" (time limit reached)" if result.timed_out and not result.sold_out else "")
        + (" (stopped)" if result.stopped else ""),
        "",
        f"  {'attempts':<28}{result.attempts:>10}",
        f"  {'bookings (held and paid)':<28}{result.bookings:>10}",
        f"  {'seats sold':<28}{result.sold_seats:>10}"
        + (
            f"   ({result.recovered_bookings} booking(s) read back from the database)"
            if result.recovered_bookings
            else ""
        ),
        f"  {'conflicts':<28}{result.conflicts:>10}   "
        + ", ".join(f"{k} {v}" for k, v in result.conflict_reasons.items()),
        f"  {'optimistic retries':<28}{result.retries:>10}",
        f"  {'safety-net catches':<28}{result.safety_net_catches:>10}",
        f"  {'lock wait p50 / p99 ms':<28}{result.lock_wait_ms_p50:>10.1f} / "
        f"{result.lock_wait_ms_p99:.1f}",
        f"  {'latency p50 / p99 ms':<28}{result.latency_ms_p50:>10.1f} / "
        f"{result.latency_ms_p99:.1f}  (max {result.latency_ms_max:.1f}; hold + confirm)",
        f"  {'one call p50 / p99 ms':<28}{result.call_ms_p50:>10.1f} / "
        f"{result.call_ms_p99:.1f}  (each hold, each confirm)",
        f"  {'throughput bookings/s':<28}{result.throughput_per_s:>10.1f}   "
        f"({result.seats_per_s:.1f} seats/s)",
        f"  {'busy (lock timeouts)':<28}{result.busy_errors:>10}",
        f"  {'database unreachable':<28}{result.unreachable_errors:>10}",
        f"  {'unexpected errors':<28}{result.unexpected_errors:>10}",
        f"  {'database is locked':<28}{result.database_locked_errors:>10}",
        "",
        "  clerk        attempts  bookings   seats  conflicts  errors  safety-net",
    ]
    for c in result.per_clerk:
        lines.append(
            f"  {c.counter:<12}{c.attempts:>9}{c.bookings:>10}{c.sold_seats:>8}{c.conflicts:>11}"
            f"{c.errors:>8}{c.safety_net_catches:>12}" + (f"  {c.fatal}" if c.fatal else "")
        )
    for kind, count in result.errors.items():
        lines.append(f"  error x{count}: {kind}")
    ir = result.integrity
    lines += [
        "",
        f"Database check (fresh connection): {ir.sold_seats} SOLD, {ir.held_seats} HELD, "
        f"{ir.available_seats} AVAILABLE; {ir.confirmed_tickets} confirmed tickets; "
        f"double sales {ir.double_sales}; integrity {'OK' if ir.ok else 'FAILED'}; "
        f"race's count {'agrees' if result.counts_agree else 'DISAGREES'}",
    ]
    lines += [f"  ! {p}" for p in ir.problems()]
    lines += [f"  sample {s}" for s in ir.samples]
    lines.append(f"Verdict: {verdict}")
    return "\n".join(lines)
