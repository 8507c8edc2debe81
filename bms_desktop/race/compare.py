"""Compare mode: the strategies one after another, each on its own identical scratch show (same
seats, same clerks, same random picks), and one table of their figures."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from bms_desktop.race.model import ALL_STRATEGIES, Flag, RaceConfig, RaceResult, RaceStrategy
from bms_desktop.race.runner import Events, run_race
from bms_desktop.race.summary import explain_compare

# The compare table's columns: (JSON field of race --json, heading, format)
COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("strategy", "strategy", "{}"),
    ("throughput_per_s", "bookings/s", "{:.1f}"),
    ("latency_ms_p50", "p50 ms", "{:.1f}"),
    ("latency_ms_p99", "p99 ms", "{:.1f}"),
    ("conflicts", "conflicts", "{}"),
    ("retries", "retries", "{}"),
    ("lock_wait_ms_p50", "wait p50 ms", "{:.1f}"),
    ("lock_wait_ms_p99", "wait p99 ms", "{:.1f}"),
    ("safety_net_catches", "safety net", "{}"),
    ("database_locked_errors", "db locked", "{}"),
    ("double_sales", "double sales", "{}"),
    ("sold_seats", "sold", "{}"),
    ("integrity_ok", "integrity", "{}"),
)


def run_compare(
    base: RaceConfig,
    strategies: Sequence[RaceStrategy] = ALL_STRATEGIES,
    *,
    cancel: Flag | None = None,
    events: Events | None = None,
) -> list[RaceResult]:
    """Each strategy on a fresh scratch show of ``base.seats`` seats (``base.show_id`` is
    ignored: one show cannot be sold out four times), with the same seed."""
    seed = base.seed if base.seed is not None else 20240601
    results: list[RaceResult] = []
    for index, strategy in enumerate(strategies):
        if cancel is not None and cancel.is_set():
            break
        cfg = replace(base, strategy=strategy, show_id=None, seed=seed)

        def tagged(kind: str, payload: dict[str, Any], i: int = index, s: str = strategy) -> None:
            assert events is not None
            events(kind, {**payload, "run": i, "runs": len(strategies), "run_strategy": s})

        results.append(run_race(cfg, cancel=cancel, events=tagged if events else None))
    return results


def compare_json(results: Sequence[RaceResult]) -> dict[str, Any]:
    """One JSON object: an entry per strategy (the fields of ``race --json``)."""
    first = results[0] if results else None
    return {
        "compare": True,
        "dialect": first.dialect if first else None,
        "mode": first.config.mode.value if first else None,
        "clerks": first.config.clerks if first else None,
        "seats": first.seats_total if first else None,
        "strategies": {r.strategy.value: r.to_json() for r in results},
        "explanation": explain_compare(results),
        "safe": all(r.safe for r in results),
    }


def table_rows(entries: Sequence[dict[str, Any]]) -> list[list[str]]:
    """The compare table as text cells (first row: headings), from ``race --json`` entries."""
    rows = [[heading for _key, heading, _fmt in COLUMNS]]
    for e in entries:
        rows.append(
            [
                ("ok" if e[key] else "FAILED") if key == "integrity_ok" else fmt.format(e[key])
                for key, _heading, fmt in COLUMNS
            ]
        )
    return rows


def format_compare(results: Sequence[RaceResult]) -> str:
    rows = table_rows([r.to_json() for r in results])
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.rjust(w) for cell, w in zip(row, widths, strict=True)) for row in rows]
    lines.insert(1, "-" * len(lines[0]))
    if results:
        r = results[0]
        lines.insert(
            0,
            f"Compare: {r.config.clerks} clerks ({r.config.mode.value}), {r.seats_total}-seat "
            f"scratch shows, {r.config.seats_per_booking} seats per booking, {r.dialect}",
        )
    lines += ["", *explain_compare(results)]
    return "\n".join(lines)


def compare_csv(entries: Sequence[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([key for key, _h, _f in COLUMNS])
    for e in entries:
        writer.writerow([e[key] for key, _h, _f in COLUMNS])
    return out.getvalue()
