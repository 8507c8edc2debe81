"""What a race is made of: its configuration, one record per attempt, and its result in numbers.

Every figure the race lab, ``bms-desktop race --json`` and the guides show comes from
``RaceResult.to_json`` (one source of figures).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol

from bms_desktop.domain.errors import ValidationError
from bms_desktop.domain.model import MAX_SEATS_PER_BOOKING, Strategy
from bms_desktop.persistence.integrity import IntegrityReport

DEFAULT_SEATS = 600
DEFAULT_DURATION_S = 60.0
MAX_CLERKS = 64
MAX_SEATS = 10_000


class RaceMode(StrEnum):
    THREADS = "threads"
    PROCESSES = "processes"


class RaceStrategy(StrEnum):
    """The counter strategies, and the naive way (race and lab only, never at a counter)."""

    PESSIMISTIC = "pessimistic"
    OPTIMISTIC = "optimistic"
    THREAD = "thread"
    NAIVE = "naive"

    @property
    def counter_strategy(self) -> Strategy:
        """The counter strategy a robot's context carries (the naive way: pessimistic, unused)."""
        return Strategy.PESSIMISTIC if self is RaceStrategy.NAIVE else Strategy(self.value)

    @property
    def label(self) -> str:
        if self is RaceStrategy.NAIVE:
            return "Naive (read, then write)"
        return Strategy(self.value).label


ALL_STRATEGIES: tuple[RaceStrategy, ...] = tuple(RaceStrategy)


class Outcome(StrEnum):
    SOLD = "SOLD"  # held and paid
    CONFLICT = "CONFLICT"  # a clean refusal: SeatsUnavailable (held, sold, changed, constraint)
    BUSY = "BUSY"  # StorageBusy / LockTimeout: the database did not answer in time (or "locked")
    UNREACHABLE = "UNREACHABLE"  # the database could not be reached; the clerk backs off, retries
    ERROR = "ERROR"  # anything else: counted by kind, never swallowed


@dataclass(frozen=True)
class RaceConfig:
    db_url: str
    strategy: RaceStrategy | Strategy | str = RaceStrategy.PESSIMISTIC
    clerks: int = 8
    mode: RaceMode = RaceMode.PROCESSES
    seats_per_booking: int = 2
    delay_ms: int = 0
    duration_s: float = DEFAULT_DURATION_S
    show_id: int | None = None  # None: make a scratch show of ``seats`` seats
    seats: int = DEFAULT_SEATS
    max_retries: int = 3
    seed: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "strategy", RaceStrategy(str(self.strategy)))
        object.__setattr__(self, "mode", RaceMode(str(self.mode)))

    @property
    def race_strategy(self) -> RaceStrategy:
        assert isinstance(self.strategy, RaceStrategy)
        return self.strategy

    def validate(self) -> None:
        if not 1 <= self.clerks <= MAX_CLERKS:
            raise ValidationError(f"--clerks must be between 1 and {MAX_CLERKS}")
        if not 1 <= self.seats_per_booking <= MAX_SEATS_PER_BOOKING:
            raise ValidationError(
                f"--seats-per-booking must be between 1 and {MAX_SEATS_PER_BOOKING}"
            )
        if self.delay_ms < 0:
            raise ValidationError("--delay-ms cannot be negative")
        if not self.duration_s > 0:
            raise ValidationError("--duration must be more than 0 seconds")
        if not 1 <= self.seats <= MAX_SEATS:
            raise ValidationError(f"--seats must be between 1 and {MAX_SEATS}")
        if self.max_retries < 0:
            raise ValidationError("--max-retries cannot be negative")


@dataclass(frozen=True, slots=True)
class AttemptRecord:
    """One robot button press: hold (and, when it held, pay)."""

    clerk: int
    started_ms: float  # since the race started (every clerk's clock is the machine's monotonic)
    latency_ms: float  # hold + confirm, as the clerk waited for them
    outcome: Outcome
    hold_ms: float  # the hold call alone (refused or not)
    confirm_ms: float | None  # the confirm call alone (None: no confirm was tried)
    seats: int  # seats asked for
    sold: int  # seats sold by this attempt
    attempts: int = 1  # the strategy's tries (optimistic retries + 1)
    retries: int = 0
    safety_net: int = 0
    lock_wait_ms: float = 0.0
    reasons: tuple[str, ...] = ()  # the failure reasons of a conflict (HELD, SOLD, ...)
    lost_to: tuple[str, ...] = ()  # the counters named as winners of a conflict
    error: str | None = None  # "where: what" of a BUSY, UNREACHABLE or ERROR (no driver text)
    locked: bool = False  # a "database is locked" anywhere in the error's chain
    seat_ids: tuple[int, ...] = ()  # the show seats asked for
    resolved: str | None = None  # how an unknown outcome was settled after a lost connection

    def as_dict(self) -> dict[str, Any]:
        return {
            "clerk": self.clerk,
            "started_ms": self.started_ms,
            "latency_ms": self.latency_ms,
            "outcome": self.outcome.value,
            "hold_ms": self.hold_ms,
            "confirm_ms": self.confirm_ms,
            "seats": self.seats,
            "sold": self.sold,
            "attempts": self.attempts,
            "retries": self.retries,
            "safety_net": self.safety_net,
            "lock_wait_ms": self.lock_wait_ms,
            "reasons": list(self.reasons),
            "lost_to": list(self.lost_to),
            "error": self.error,
            "locked": self.locked,
            "seat_ids": list(self.seat_ids),
            "resolved": self.resolved,
        }


@dataclass(frozen=True)
class ClerkOutcome:
    clerk: int
    counter: str
    records: tuple[AttemptRecord, ...] = ()
    elapsed_s: float = 0.0
    cpu_s: float = 0.0  # CPU time this clerk used during the race (its process or thread)
    sold_out: bool = False
    fatal: str | None = None  # the clerk could not run (startup failure, crash)


@dataclass(frozen=True)
class ClerkSummary:
    clerk: int
    counter: str
    attempts: int
    bookings: int
    sold_seats: int
    conflicts: int
    errors: int
    safety_net_catches: int
    fatal: str | None = None
    db_bookings: int = 0  # what the database shows this clerk sold (confirmed tickets)
    db_sold_seats: int = 0


@dataclass(frozen=True)
class RaceResult:
    config: RaceConfig
    dialect: str
    show_id: int
    seats_total: int
    sold_before: int
    wall_s: float
    attempts: int
    bookings: int
    sold_seats: int  # sold in this race: what the clerks reported, plus what the database shows
    # they sold without being able to say so (a clerk that died after a commit)
    conflicts: int
    conflict_reasons: dict[str, int]
    retries: int
    safety_net_catches: int
    lock_wait_ms_p50: float
    lock_wait_ms_p99: float
    lock_wait_ms_max: float
    latency_ms_p50: float
    latency_ms_p95: float
    latency_ms_p99: float
    latency_ms_max: float
    sale_latency_ms_p50: float
    sale_latency_ms_p99: float
    call_ms_p50: float  # single service calls a counter makes: each hold, each confirm
    call_ms_p99: float
    throughput_per_s: float  # bookings (held and paid) per second of race
    seats_per_s: float
    errors: dict[str, int]  # BUSY, UNREACHABLE and ERROR outcomes and fatal failures, by kind
    busy_errors: int
    unexpected_errors: int
    database_locked_errors: int
    timed_out: bool
    clerk_cpu_s: float  # CPU time all clerks used during the race (threads: their threads)
    per_clerk: tuple[ClerkSummary, ...]
    integrity: IntegrityReport
    records: tuple[AttemptRecord, ...] = field(default=(), repr=False)
    unreachable_errors: int = 0
    reported_sold_seats: int = 0  # the clerks' own reports alone
    recovered_bookings: int = 0  # confirmed in the database but never reported by their clerk
    stopped: bool = False  # stopped before sold out or the time limit (the lab's Stop)

    @property
    def strategy(self) -> RaceStrategy:
        return self.config.race_strategy

    @property
    def double_sales(self) -> int:
        return self.integrity.double_sales

    @property
    def integrity_ok(self) -> bool:
        return self.integrity.ok

    @property
    def sold_out(self) -> bool:
        return self.integrity.available_seats == 0 and self.integrity.held_seats == 0

    @property
    def counts_agree(self) -> bool:
        """The race's count of sold seats matches what the database shows."""
        return self.sold_before + self.sold_seats == self.integrity.sold_seats

    @property
    def expected_locked(self) -> bool:
        """The naive way on SQLite: "database is locked" is the lesson, not a fault."""
        return self.strategy is RaceStrategy.NAIVE

    @property
    def safe(self) -> bool:
        """No double sale, a consistent database, no unexpected error, counts that agree."""
        return (
            self.integrity_ok
            and self.double_sales == 0
            and self.unexpected_errors == 0
            and self.counts_agree
        )

    @property
    def clean(self) -> bool:
        """Safe, and no 'database is locked' (except where it is the naive way's lesson)."""
        return self.safe and (self.database_locked_errors == 0 or self.expected_locked)

    @property
    def constraint_catches(self) -> tuple[AttemptRecord, ...]:
        """The attempts only the database constraint stopped."""
        return tuple(r for r in self.records if r.safety_net)

    def to_json(self) -> dict[str, Any]:
        cfg = self.config
        return {
            "strategy": self.strategy.value,
            "mode": cfg.mode.value,
            "clerks": cfg.clerks,
            "dialect": self.dialect,
            "show_id": self.show_id,
            "seats_total": self.seats_total,
            "seats_per_booking": cfg.seats_per_booking,
            "delay_ms": cfg.delay_ms,
            "duration_limit_s": cfg.duration_s,
            "wall_s": round(self.wall_s, 3),
            "sold_out": self.sold_out,
            "timed_out": self.timed_out,
            "stopped": self.stopped,
            "attempts": self.attempts,
            "bookings": self.bookings,
            "sold_seats": self.sold_seats,
            "reported_sold_seats": self.reported_sold_seats,
            "recovered_bookings": self.recovered_bookings,
            "db_sold_seats": self.integrity.sold_seats,
            "sold_before": self.sold_before,
            "counts_agree": self.counts_agree,
            "conflicts": self.conflicts,
            "conflict_reasons": dict(self.conflict_reasons),
            "retries": self.retries,
            "safety_net_catches": self.safety_net_catches,
            "lock_wait_ms_p50": self.lock_wait_ms_p50,
            "lock_wait_ms_p99": self.lock_wait_ms_p99,
            "lock_wait_ms_max": self.lock_wait_ms_max,
            "latency_ms_p50": self.latency_ms_p50,
            "latency_ms_p95": self.latency_ms_p95,
            "latency_ms_p99": self.latency_ms_p99,
            "latency_ms_max": self.latency_ms_max,
            "sale_latency_ms_p50": self.sale_latency_ms_p50,
            "sale_latency_ms_p99": self.sale_latency_ms_p99,
            "call_ms_p50": self.call_ms_p50,
            "call_ms_p99": self.call_ms_p99,
            "throughput_per_s": self.throughput_per_s,
            "seats_per_s": self.seats_per_s,
            "double_sales": self.double_sales,
            "integrity_ok": self.integrity_ok,
            "integrity": self.integrity.as_dict(),
            "errors": dict(self.errors),
            "busy_errors": self.busy_errors,
            "unreachable_errors": self.unreachable_errors,
            "unexpected_errors": self.unexpected_errors,
            "database_locked_errors": self.database_locked_errors,
            "safe": self.safe,
            "clean": self.clean,
            "clerk_cpu_s": round(self.clerk_cpu_s, 3),
            "cpu_ms_per_booking": round(self.clerk_cpu_s * 1000.0 / max(1, self.bookings), 3),
            "per_clerk": [
                {
                    "clerk": c.clerk,
                    "counter": c.counter,
                    "attempts": c.attempts,
                    "bookings": c.bookings,
                    "sold_seats": c.sold_seats,
                    "db_bookings": c.db_bookings,
                    "db_sold_seats": c.db_sold_seats,
                    "conflicts": c.conflicts,
                    "errors": c.errors,
                    "safety_net_catches": c.safety_net_catches,
                    "fatal": c.fatal,
                }
                for c in self.per_clerk
            ],
        }


class Flag(Protocol):
    """threading.Event and the race's shared flag alike."""

    def is_set(self) -> bool: ...

    def wait(self, timeout: float | None = None) -> bool: ...


def percentile(values: list[float] | tuple[float, ...], pct: float) -> float:
    """Nearest-rank percentile (0 for no values)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = min(len(ordered), max(1, int(-(-pct * len(ordered) // 100))))
    return round(ordered[rank - 1], 3)
