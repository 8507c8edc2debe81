"""What the race lab knows, folded from the race's event lines (no Qt here).

The lab runs ``bms-desktop race --stream`` in a child process (``process.py``); every line it
prints is one event (``runner.py`` lists them). ``LabState.apply`` folds them into runs: the seat
map of each run's scratch show, every attempt (for the timeline), per-interval counts (for the
charts) and, at the end, the engine's own JSON result, which is what the figures on screen show.
"""

from __future__ import annotations

import sys
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from bms_desktop.domain.model import SeatStatus
from bms_desktop.services.dto import SeatMap, SeatTypeView, SeatView, ShowSummary

BUCKET_S = 0.5  # the charts' time resolution
# Lock-wait histogram bins (ms): upper bounds; the last bin is everything above.
WAIT_BINS: tuple[float, ...] = (0.5, 1, 2, 5, 10, 20, 50, 100)


def wait_bin_labels() -> list[str]:
    labels, low = [], 0.0
    for high in WAIT_BINS:
        labels.append(f"{low:g}-{high:g}")
        low = high
    labels.append(f">{WAIT_BINS[-1]:g}")
    return labels


def wait_bin(ms: float) -> int:
    for i, high in enumerate(WAIT_BINS):
        if ms <= high:
            return i
    return len(WAIT_BINS)


@dataclass(frozen=True, slots=True)
class Attempt:
    """One bar of the timeline (from an ``attempt`` event)."""

    clerk: int
    start_ms: float
    wait_ms: float
    hold_ms: float
    confirm_ms: float | None
    latency_ms: float
    outcome: str  # SOLD, CONFLICT, BUSY, UNREACHABLE, ERROR
    retries: int
    safety_net: int
    locked: bool
    lost_to: tuple[str, ...]
    reasons: tuple[str, ...]
    seat_ids: tuple[int, ...]
    error: str | None
    resolved: str | None

    @property
    def kind(self) -> str:
        """The bar's colour: committed, conflict, retried, constraint, locked, unreachable..."""
        if self.safety_net:
            return "constraint"
        if self.outcome == "SOLD":
            return "retried" if self.retries else "committed"
        if self.outcome == "CONFLICT":
            return "retried" if self.retries else "conflict"
        if self.locked:
            return "locked"
        if self.outcome == "UNREACHABLE":
            return "unreachable"
        return "busy" if self.outcome == "BUSY" else "error"

    @property
    def end_ms(self) -> float:
        return self.start_ms + self.latency_ms

    @classmethod
    def from_event(cls, e: dict[str, Any]) -> Attempt:
        return cls(
            clerk=int(e["clerk"]),
            start_ms=float(e["started_ms"]),
            wait_ms=float(e.get("lock_wait_ms") or 0.0),
            hold_ms=float(e["hold_ms"]),
            confirm_ms=None if e.get("confirm_ms") is None else float(e["confirm_ms"]),
            latency_ms=float(e["latency_ms"]),
            outcome=str(e["outcome"]),
            retries=int(e.get("retries") or 0),
            safety_net=int(e.get("safety_net") or 0),
            locked=bool(e.get("locked")),
            lost_to=tuple(e.get("lost_to") or ()),
            reasons=tuple(e.get("reasons") or ()),
            seat_ids=tuple(int(x) for x in e.get("seat_ids") or ()),
            error=e.get("error"),
            resolved=e.get("resolved"),
        )

    def describe(self) -> str:
        """The hover text: exact milliseconds, the outcome, and the winner."""
        lines = [
            f"Robot {self.clerk}: attempt at {self.start_ms:.1f} ms, took {self.latency_ms:.2f} ms"
        ]
        if self.wait_ms:
            lines.append(f"waited {self.wait_ms:.2f} ms for the lock")
        lines.append(f"hold {self.hold_ms:.2f} ms")
        if self.confirm_ms is not None:
            lines.append(f"payment {self.confirm_ms:.2f} ms")
        words = {
            "committed": "committed: sold",
            "retried": f"retried {self.retries} time(s)"
            + (": sold" if self.outcome == "SOLD" else ", then lost"),
            "conflict": "lost to a conflict",
            "constraint": "caught by the database constraint (only the safety net stopped it)",
            "locked": '"database is locked": the deferred transaction could not upgrade',
            "unreachable": "the database could not be reached",
            "busy": "the database did not answer in time",
            "error": "error",
        }
        lines.append(words[self.kind])
        if self.lost_to and self.outcome != "SOLD":
            winners = sorted(set(self.lost_to) - {"?"})
            if winners:
                lines.append("winner: " + ", ".join(winners))
        if self.reasons:
            lines.append("why: " + ", ".join(sorted(set(self.reasons))))
        if self.error:
            lines.append(self.error)
        if self.resolved:
            lines.append(self.resolved)
        return "\n".join(lines)


@dataclass
class Run:
    """One race (compare mode: one strategy)."""

    index: int
    strategy: str
    seat_map: SeatMap | None = None
    attempts: list[Attempt] = field(default_factory=list)
    clerks: int = 0
    sales: Counter[int] = field(default_factory=Counter)  # bucket -> bookings
    conflicts: Counter[int] = field(default_factory=Counter)
    retries: Counter[int] = field(default_factory=Counter)
    catches: Counter[int] = field(default_factory=Counter)
    waits: Counter[int] = field(default_factory=Counter)  # wait bin -> attempts
    sold_progress: tuple[int, int] = (0, 0)
    result: dict[str, Any] | None = None

    @property
    def done(self) -> bool:
        return self.result is not None

    def add(self, a: Attempt) -> None:
        self.attempts.append(a)
        bucket = int(a.end_ms / 1000.0 / BUCKET_S)
        if a.outcome == "SOLD":
            self.sales[bucket] += 1
        elif a.outcome == "CONFLICT":
            self.conflicts[bucket] += 1
        if a.retries:
            self.retries[bucket] += a.retries
        if a.safety_net:
            self.catches[bucket] += 1
        if a.outcome in ("SOLD", "CONFLICT"):
            self.waits[wait_bin(a.wait_ms)] += 1

    def live_counts(self) -> dict[str, int]:
        sold = [a for a in self.attempts if a.outcome == "SOLD"]
        return {
            "attempts": len(self.attempts),
            "bookings": len(sold),
            "conflicts": sum(1 for a in self.attempts if a.outcome == "CONFLICT"),
            "retries": sum(a.retries for a in self.attempts),
            "safety_net_catches": sum(a.safety_net for a in self.attempts),
            "database_locked_errors": sum(1 for a in self.attempts if a.locked),
        }


class LabState:
    """Every run of the current lab session, folded from event dicts."""

    def __init__(self) -> None:
        self.runs: list[Run] = []
        self.final: dict[str, Any] | None = None  # the last line: race --json / --compare --json
        self.refused: str | None = None

    @property
    def current(self) -> Run | None:
        return self.runs[-1] if self.runs else None

    def _run(self, e: dict[str, Any]) -> Run:
        index = int(e.get("run", 0))
        while len(self.runs) <= index:
            self.runs.append(Run(len(self.runs), str(e.get("run_strategy", ""))))
        return self.runs[index]

    def apply(self, e: dict[str, Any]) -> str:
        """Fold one event; returns its kind."""
        kind = str(e.get("event", ""))
        if kind == "final":
            self.final = e.get("result")
            return kind
        if kind == "refused":
            self.refused = str(e.get("message", ""))
            return kind
        run = self._run(e)
        if kind == "show":
            run.seat_map = seat_map_from_event(e)
        elif kind == "started":
            run.clerks = int(e.get("clerks", 0))
        elif kind == "attempt":
            run.add(Attempt.from_event(e))
        elif kind == "progress":
            run.sold_progress = (int(e["sold"]), int(e["total"]))
        elif kind == "result":
            run.result = {k: v for k, v in e.items() if k not in ("event",)}
            if not run.strategy:
                run.strategy = str(e.get("strategy", ""))
        return kind

    def results(self) -> list[dict[str, Any]]:
        return [r.result for r in self.runs if r.result is not None]


def seat_map_from_event(e: dict[str, Any]) -> SeatMap:
    """The ``show`` event back into the DTO the seat map widget paints."""
    starts = datetime.fromisoformat(e["starts_at"])
    seats = tuple(
        SeatView(
            show_seat_id=int(ssid), seat_id=int(seat_id), label=label, row_label=row_label,
            number=int(number), col=int(col), row=int(row), seat_type=seat_type,
            price=Decimal(price), status=SeatStatus(status), version=int(version),
            held_by_counter=counter,
        )
        for ssid, seat_id, label, row_label, number, col, row, seat_type, price, status, version,
        counter in e["seats"]
    )  # fmt: skip
    free = sum(1 for s in seats if s.status is SeatStatus.AVAILABLE)
    show = ShowSummary(
        show_id=int(e["show_id"]), movie_id=0, movie_title=e.get("movie_title", ""),
        certificate="U", rating=Decimal("0"), genre="Race lab", runtime_min=0, language="",
        format="", city_name="", theater_id=0, theater_name=e.get("theater_name", ""),
        screen_id=0, screen_name=e.get("screen_name", ""), starts_at=starts, ends_at=starts,
        seats_total=len(seats), seats_available=free, timezone=e.get("timezone", "UTC"),
    )  # fmt: skip
    types = tuple(
        SeatTypeView(code, name, Decimal(lo), Decimal(hi), int(rank))
        for code, name, lo, hi, rank in e["seat_types"]
    )
    return SeatMap(
        show=show, seats=seats, seat_types=types, loaded_at=starts,
        cols=int(e["cols"]), rows=int(e["rows"]),
    )  # fmt: skip


def race_command(
    *,
    db_url: str,
    strategy: str,
    clerks: int,
    mode: str,
    seats: int,
    seats_per_booking: int,
    delay_ms: int,
    duration_s: float,
    compare: list[str] | None = None,
    seed: int | None = None,
    throwaway_copy: bool = False,
) -> list[str]:
    """The program and arguments of the ``race --stream`` child (source run or frozen app)."""
    if getattr(sys, "frozen", False):
        program = [sys.executable]
    else:
        program = [sys.executable, "-m", "bms_desktop"]
    args = [
        "race", "--stream", "--db", db_url, "--show", "auto", "--strategy", strategy,
        "--clerks", str(clerks), "--mode", mode, "--seats", str(seats),
        "--seats-per-booking", str(seats_per_booking), "--delay-ms", str(delay_ms),
        "--duration", f"{duration_s:g}",
    ]  # fmt: skip
    if compare:
        args += ["--compare", ",".join(compare)]
    if seed is not None:
        args += ["--seed", str(seed)]
    if throwaway_copy:
        args.append("--throwaway-copy")
    return program + args
