"""The race engine: robot clerks sell the seats of one show against each other.

Each robot clerk is a counter (``Robot 1``, ``Robot 2``...) that loads the seat map, picks
``seats_per_booking`` random seats among those it last saw free (every clerk picks from the same
pool, so requests overlap on purpose and conflicts really happen), holds them with the chosen
strategy and pays for them at once. After a refusal it reloads the map. It stops when the map shows
no free and no held seat (sold out), when the time is up, or when the race is cancelled.

Clerks run as threads of this process (one ``BoxOffice``, so the thread-lock strategy's locks are
shared) or as processes (``spawn`` start method: each builds its own wiring from the URL; the thread
locks then protect nothing between them and the database constraint is the safety net). All clerks
start together behind a barrier, after connecting and warming up.

Every attempt is recorded (latency, outcome, the strategy's ``ConcurrencyReport`` numbers). A clean
domain refusal (``SeatsUnavailable``) is a conflict; anything else is counted by kind and reported,
never swallowed; "database is locked" is counted on its own and must stay at zero.

The verdict (``double_sales``, ``integrity_ok``) does not come from the clerks' counts: it is
``persistence.integrity.check_integrity``, run after the race on a fresh connection.

This module is part of the composition root: it may import ``app``, services and persistence.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import queue
import random
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any, Protocol

from bms_desktop.domain.errors import (
    DomainError,
    LockTimeout,
    NotFound,
    SeatsUnavailable,
    ValidationError,
)
from bms_desktop.domain.model import (
    DEFAULT_SEAT_TYPES,
    MAX_SEATS_PER_BOOKING,
    PaymentMode,
    Role,
    SeatStatus,
    Strategy,
)
from bms_desktop.persistence.integrity import IntegrityReport, check_integrity
from bms_desktop.services import booking, catalog, queries
from bms_desktop.services.context import SYSTEM, BoxOffice, CounterContext
from bms_desktop.services.dto import ConcurrencyReport
from bms_desktop.services.ports import StorageBusy

DEFAULT_SEATS = 600
DEFAULT_DURATION_S = 60.0
BARRIER_TIMEOUT_S = 120.0  # time for every clerk to start, connect and warm up
IDLE_WAIT_S = 0.002  # only held seats left: their owners are paying; look again shortly
GLANCE_SEATS = 12  # seats a robot glances at before it picks
MAX_CLERKS = 64
MAX_SEATS = 10_000
SEATS_PER_ROW = 24
LOCKED_TEXT = ("database is locked", "database is busy")

RACE_CITY = "Race Lab"
RACE_CINEMA = "Race Lab Cinema"
RACE_MOVIE = "Race Lab Reel"
RACE_MOVIE_MINUTES = 30
KEY_MOVIE = "race_lab.movie"
KEY_SCREEN = "race_lab.screen.{seats}"


class RaceMode(StrEnum):
    THREADS = "threads"
    PROCESSES = "processes"


class Outcome(StrEnum):
    SOLD = "SOLD"  # held and paid
    CONFLICT = "CONFLICT"  # a clean refusal: SeatsUnavailable (held, sold, changed, constraint)
    BUSY = "BUSY"  # StorageBusy / LockTimeout: the database did not answer in time
    ERROR = "ERROR"  # anything else: counted by kind, never swallowed


@dataclass(frozen=True)
class RaceConfig:
    db_url: str
    strategy: Strategy = Strategy.PESSIMISTIC
    clerks: int = 8
    mode: RaceMode = RaceMode.PROCESSES
    seats_per_booking: int = 2
    delay_ms: int = 0
    duration_s: float = DEFAULT_DURATION_S
    show_id: int | None = None  # None: make a scratch show of ``seats`` seats
    seats: int = DEFAULT_SEATS
    max_retries: int = 3
    seed: int | None = None

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
    started_ms: float  # since this clerk's start
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
    error: str | None = None  # "Kind: message" of a BUSY or ERROR
    locked: bool = False  # a "database is locked" anywhere in the error's chain


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
    sold_seats: int  # what the clerks sold in this race, by their own count
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
    errors: dict[str, int]  # BUSY and ERROR outcomes and fatal clerk failures, by kind
    busy_errors: int
    unexpected_errors: int
    database_locked_errors: int
    timed_out: bool
    clerk_cpu_s: float  # CPU time all clerks used during the race (threads: their threads)
    per_clerk: tuple[ClerkSummary, ...]
    integrity: IntegrityReport
    records: tuple[AttemptRecord, ...] = field(default=(), repr=False)

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
        """The clerks' own count of sold seats matches what the database shows."""
        return self.sold_before + self.sold_seats == self.integrity.sold_seats

    @property
    def clean(self) -> bool:
        """No double sale, a consistent database, no unexpected error, no 'database is locked'."""
        return (
            self.integrity_ok
            and self.double_sales == 0
            and self.unexpected_errors == 0
            and self.database_locked_errors == 0
            and self.counts_agree
        )

    def to_json(self) -> dict[str, Any]:
        cfg = self.config
        return {
            "strategy": cfg.strategy.value,
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
            "attempts": self.attempts,
            "bookings": self.bookings,
            "sold_seats": self.sold_seats,
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
            "unexpected_errors": self.unexpected_errors,
            "database_locked_errors": self.database_locked_errors,
            "clerk_cpu_s": round(self.clerk_cpu_s, 3),
            "cpu_ms_per_booking": round(self.clerk_cpu_s * 1000.0 / max(1, self.bookings), 3),
            "per_clerk": [
                {
                    "clerk": c.clerk,
                    "counter": c.counter,
                    "attempts": c.attempts,
                    "bookings": c.bookings,
                    "sold_seats": c.sold_seats,
                    "conflicts": c.conflicts,
                    "errors": c.errors,
                    "safety_net_catches": c.safety_net_catches,
                    "fatal": c.fatal,
                }
                for c in self.per_clerk
            ],
        }


class _Flag(Protocol):
    """threading.Event and multiprocessing.Event alike."""

    def is_set(self) -> bool: ...

    def wait(self, timeout: float | None = None) -> bool: ...


# --------------------------------------------------------------------------- the scratch show


def _layout(seats: int) -> str:
    """A plain hall of ``seats`` seats: rows of 24 with a centre aisle; gold at the front,
    platinum in the middle, diamond at the back."""
    rows: list[str] = []
    left = seats
    n_rows = -(-seats // SEATS_PER_ROW)
    for r in range(n_rows):
        width = min(SEATS_PER_ROW, left)
        left -= width
        code = "G" if r < n_rows * 0.4 else ("P" if r < n_rows * 0.8 else "D")
        half = SEATS_PER_ROW // 2
        row = code * min(width, half)
        if width > half:
            row += "." + code * (width - half)
        rows.append(row)
    return "\n".join(rows)


def _setting(box: BoxOffice, key: str) -> int | None:
    with box.uows() as uow:
        value = uow.settings.get(key)
    return int(value) if value and value.isdigit() else None


def _remember(box: BoxOffice, key: str, value: int) -> None:
    with box.uows(write=True, label="race") as uow:
        uow.settings.put(key, str(value))
        uow.commit()


def ensure_scratch_show(box: BoxOffice, *, seats: int = DEFAULT_SEATS) -> int:
    """A new scratch show (``Show.scratch``) on the race lab's own city, cinema and screen of
    ``seats`` seats, all made through the services and created when missing (also in an empty
    database). Real shows are never touched."""
    ctx = SYSTEM
    with box.uows() as uow:
        known_types = {t.code for t in uow.queries.seat_types()}
    for rank, (code, name, price) in enumerate(DEFAULT_SEAT_TYPES, start=1):
        if code not in known_types:
            catalog.add_seat_type(
                box, ctx, code=code, name=name, base_price=Decimal(price), rank=rank
            )
    choices = queries.filter_choices(box)
    city_id = next((c.id for c in choices.cities if c.name == RACE_CITY), None)
    if city_id is None:
        city_id = catalog.add_city(box, ctx, name=RACE_CITY, state="scratch")
    theater_id = next(
        (t.id for t in choices.theaters if t.name == RACE_CINEMA and t.parent_id == city_id), None
    )
    if theater_id is None:
        theater_id = catalog.add_theater(
            box, ctx, city_id=city_id, name=RACE_CINEMA, timezone=choices.timezone
        )
    movie_id = _setting(box, KEY_MOVIE)
    if movie_id is None:
        movie_id = catalog.add_movie(
            box, ctx, title=RACE_MOVIE, languages="English", genre="Race lab",
            rating=Decimal("0"), certificate="U", runtime_min=RACE_MOVIE_MINUTES,
            synopsis="Robot clerks race for these seats.",
        )  # fmt: skip
        _remember(box, KEY_MOVIE, movie_id)
    key = KEY_SCREEN.format(seats=seats)
    screen_id = _setting(box, key)
    if screen_id is None:
        name = f"Race lab · {seats} seats"
        try:
            screen_id = catalog.add_screen(
                box, ctx, theater_id=theater_id, name=name, layout_text=_layout(seats)
            )
        except DomainError:
            raise
        except Exception:  # the name exists but was not remembered: a new one
            screen_id = catalog.add_screen(
                box, ctx, theater_id=theater_id, name=f"{name} ({time.time_ns()})",
                layout_text=_layout(seats),
            )  # fmt: skip
        _remember(box, key, screen_id)
    cfg = box.settings()
    now = box.now()
    starts = now + timedelta(days=1)
    with box.uows() as uow:
        existing = uow.catalog.screen_shows(screen_id)
    if existing:
        last_end = max(end for _sid, _start, end in existing)
        starts = max(starts, last_end + timedelta(minutes=cfg.cleaning_gap_minutes + 5))
    starts = starts.replace(second=0, microsecond=0) + timedelta(minutes=1)
    return catalog.schedule_show(
        box, ctx, movie_id=movie_id, screen_id=screen_id, starts_at=starts,
        language="English", scratch=True,
    )  # fmt: skip


def check_race_show(box: BoxOffice, show_id: int) -> None:
    """A race sells real seats: only scratch shows, or any show of a demo database."""
    with box.uows() as uow:
        info = uow.booking.show_info(show_id)
    if info is None:
        raise NotFound(f"show {show_id} does not exist; use --show auto for a scratch show")
    if not info.scratch and not box.settings().demo:
        raise ValidationError(
            f"show {show_id} is a real show and this is not a demo database: robots would sell "
            "its seats. Use --show auto (a scratch show) instead"
        )


# --------------------------------------------------------------------------- one clerk


@dataclass(frozen=True)
class ClerkSpec:
    clerk: int
    show_id: int
    strategy: Strategy
    seats_per_booking: int
    delay_ms: int
    max_retries: int
    duration_s: float
    seed: int

    @property
    def counter(self) -> str:
        return f"Robot {self.clerk}"


def _chain(exc: BaseException) -> Iterable[BaseException]:
    seen: set[int] = set()
    cur: BaseException | None = exc
    while cur is not None and id(cur) not in seen:
        seen.add(id(cur))
        yield cur
        cur = cur.__cause__ or cur.__context__


def is_database_locked(exc: BaseException) -> bool:
    return any(any(t in str(e).lower() for t in LOCKED_TEXT) for e in _chain(exc))


def error_kind(exc: BaseException, where: str = "") -> str:
    message = (str(exc).strip().splitlines() or [""])[0][:100]
    prefix = f"{where}: " if where else ""
    return f"{prefix}{type(exc).__name__}: {message}" if message else prefix + type(exc).__name__


def _report_numbers(report: object) -> dict[str, Any]:
    if not isinstance(report, ConcurrencyReport):
        return {}
    return {
        "attempts": report.attempts,
        "retries": report.retries,
        "safety_net": report.safety_net_catches,
        "lock_wait_ms": report.lock_wait_ms,
    }


def load_free_seats(box: BoxOffice, show_id: int) -> tuple[dict[int, int], bool]:
    """A full seat-map read: the free seats (show seat id -> version), and whether any is held."""
    smap = queries.get_seat_map(box, show_id)
    free = {s.show_seat_id: s.version for s in smap.seats if s.status == SeatStatus.AVAILABLE}
    return free, any(s.status == SeatStatus.HELD for s in smap.seats)


def _glance(box: BoxOffice, show_id: int, show_seat_ids: Sequence[int]) -> dict[int, int]:
    """A clerk's glance at a few seats just before clicking: those still free (id -> version).

    One light read of only these seats through the storage port (a full map of 600 seats costs
    about 7 ms of CPU here, and eight robots reloading it after every refusal would spend the
    machine's two cores on reading maps instead of selling)."""
    now = box.now()
    with box.uows(label="race") as uow:
        states = uow.booking.seats(show_id, show_seat_ids, lock=False)
    return {
        s.show_seat_id: s.version
        for s in states
        if booking.effective_status(s, now) == SeatStatus.AVAILABLE
    }


def run_clerk(
    box: BoxOffice, spec: ClerkSpec, stop: _Flag, free: dict[int, int] | None = None
) -> ClerkOutcome:
    """One robot clerk's whole race, until sold out, time up, or ``stop``.

    ``free`` is the clerk's first look at the map (id -> version; loaded here when None). Each
    round it glances at a few random seats it believes free, forgets the ones that are gone,
    and tries to hold ``seats_per_booking`` of those still free, then pays at once. Every clerk
    picks at random from the same seats, so requests overlap; the fight is fiercest for the last
    seats. When it believes nothing is free it reloads the whole map; the show is sold out when
    the map shows no free and no held seat.
    """
    ctx = CounterContext(
        counter=spec.counter,
        staff_id=None,
        username=f"robot{spec.clerk}",
        role=Role.CLERK,
        strategy=spec.strategy,
        delay_ms=spec.delay_ms,
        max_retries=spec.max_retries,
    )
    rng = random.Random(spec.seed)
    records: list[AttemptRecord] = []
    cpu0 = time.thread_time()
    t0 = time.perf_counter()
    deadline = t0 + spec.duration_s
    believed: dict[int, int] = dict(free) if free is not None else {}
    loaded = free is not None
    sold_out = False
    k_max = spec.seats_per_booking
    while not stop.is_set() and time.perf_counter() < deadline:
        if not believed:
            if loaded:
                believed, held = load_free_seats(box, spec.show_id)
            else:
                believed, held, loaded = (*load_free_seats(box, spec.show_id), True)
            if not believed:
                if held:  # their counters are paying for them right now; look again shortly
                    stop.wait(IDLE_WAIT_S)
                    continue
                sold_out = True
                break
        sample = rng.sample(list(believed), min(len(believed), max(GLANCE_SEATS, 2 * k_max)))
        fresh = _glance(box, spec.show_id, sample)
        for sid in sample:
            if sid in fresh:
                believed[sid] = fresh[sid]
            else:
                believed.pop(sid, None)
        k = min(k_max, len(believed))
        if k == 0 or len(fresh) < k:
            continue
        pick = rng.sample(sorted(fresh), k)
        # The versions this clerk saw: what the optimistic strategy checks against.
        seen = {sid: believed.pop(sid) for sid in pick}
        started = time.perf_counter()
        record = _attempt(
            box, ctx, spec, pick, seen if spec.strategy == Strategy.OPTIMISTIC else {}, started, t0
        )
        records.append(record)
        if record.outcome != Outcome.SOLD:
            believed.update(seen)  # the next glance tells which of them are really gone
    return ClerkOutcome(
        clerk=spec.clerk,
        counter=spec.counter,
        records=tuple(records),
        elapsed_s=time.perf_counter() - t0,
        cpu_s=time.thread_time() - cpu0,
        sold_out=sold_out,
    )


def _attempt(
    box: BoxOffice,
    ctx: CounterContext,
    spec: ClerkSpec,
    pick: Sequence[int],
    seen: dict[int, int],
    started: float,
    t0: float,
) -> AttemptRecord:
    base: dict[str, Any] = {
        "clerk": spec.clerk,
        "started_ms": round((started - t0) * 1000.0, 3),
        "seats": len(pick),
    }

    def elapsed() -> float:
        return round((time.perf_counter() - started) * 1000.0, 3)

    def since(t: float) -> float:
        return round((time.perf_counter() - t) * 1000.0, 3)

    try:
        held = booking.hold_seats(
            box,
            ctx,
            show_id=spec.show_id,
            show_seat_ids=pick,
            seen_versions=seen or None,
        )
    except SeatsUnavailable as exc:
        return AttemptRecord(
            **base,
            latency_ms=elapsed(),
            outcome=Outcome.CONFLICT,
            hold_ms=elapsed(),
            confirm_ms=None,
            sold=0,
            reasons=tuple(f.reason.value for f in exc.failures),
            lost_to=tuple(f.by_counter or "?" for f in exc.failures),
            **_report_numbers(exc.report),
        )
    except (StorageBusy, LockTimeout) as exc:
        return AttemptRecord(
            **base, latency_ms=elapsed(), outcome=Outcome.BUSY, hold_ms=elapsed(),
            confirm_ms=None, sold=0, error=error_kind(exc, "hold"),
            locked=is_database_locked(exc),
        )  # fmt: skip
    except Exception as exc:  # counted and reported by kind, never swallowed
        return AttemptRecord(
            **base, latency_ms=elapsed(), outcome=Outcome.ERROR, hold_ms=elapsed(),
            confirm_ms=None, sold=0, error=error_kind(exc, "hold"),
            locked=is_database_locked(exc),
        )  # fmt: skip
    numbers = _report_numbers(held.report)
    hold_ms = elapsed()
    confirm_started = time.perf_counter()
    try:
        booking.confirm_booking(box, ctx, ticket_id=held.ticket_id, mode=PaymentMode.UPI)
    except (StorageBusy, LockTimeout) as exc:
        outcome, error, locked = Outcome.BUSY, error_kind(exc, "confirm"), is_database_locked(exc)
    except Exception as exc:  # a confirm must not fail here: an error, reported
        outcome, error, locked = Outcome.ERROR, error_kind(exc, "confirm"), is_database_locked(exc)
    else:
        return AttemptRecord(
            **base, latency_ms=elapsed(), outcome=Outcome.SOLD, hold_ms=hold_ms,
            confirm_ms=since(confirm_started), sold=len(pick), **numbers,
        )  # fmt: skip
    confirm_ms = since(confirm_started)
    _release_quietly(box, ctx, held.ticket_id)
    return AttemptRecord(
        **base, latency_ms=elapsed(), outcome=outcome, hold_ms=hold_ms, confirm_ms=confirm_ms,
        sold=0, error=error, locked=locked, **numbers,
    )  # fmt: skip


def _release_quietly(box: BoxOffice, ctx: CounterContext, ticket_id: int) -> None:
    """After a failed payment the hold is given back (the failure itself is already counted)."""
    with contextlib.suppress(Exception):  # the hold then expires on its own; nothing to add
        booking.release_hold(box, ctx, ticket_id=ticket_id)


# --------------------------------------------------------------------------- threads and processes


def connect_clerk(db_url: str, *, pool_size: int = 2) -> tuple[BoxOffice, Callable[[], None]]:
    """The services on a database that is already open, for a clerk process: its own engines and
    unit-of-work factory from the URL, and the function that closes them.

    ``app.connect`` would also check and migrate the schema, which the race's parent has just
    done; its migration machinery (alembic, mako, pygments) alone takes about 0.5 s of CPU to
    import, times eight clerk processes starting together on two cores."""
    from bms_desktop.persistence.engine import create_engines
    from bms_desktop.persistence.uow import SqlUnitOfWorkFactory

    engines = create_engines(db_url, pool_size=pool_size)
    return BoxOffice(uows=SqlUnitOfWorkFactory(engines)), engines.dispose


def _process_clerk(
    db_url: str, spec: ClerkSpec, barrier: Any, stop: Any, results: Any
) -> None:  # pragma: no cover - runs in a spawned process (covered by the race tests)
    """Entry point of one clerk process (module level: the spawn start method imports it)."""
    close: Callable[[], None] | None = None
    try:
        box, close = connect_clerk(db_url)
        free, _held = load_free_seats(box, spec.show_id)  # connect and warm up before the start
    except BaseException as exc:  # reported to the parent as this clerk's failure
        barrier.abort()
        results.put(ClerkOutcome(spec.clerk, spec.counter, fatal=error_kind(exc, "start")))
        if close is not None:
            close()
        return
    try:
        try:
            barrier.wait(timeout=BARRIER_TIMEOUT_S)
        except threading.BrokenBarrierError:
            results.put(ClerkOutcome(spec.clerk, spec.counter, fatal="start: the race was aborted"))
            return
        try:
            outcome = run_clerk(box, spec, stop, free)
        except BaseException as exc:  # reported, never swallowed
            outcome = ClerkOutcome(spec.clerk, spec.counter, fatal=error_kind(exc, "clerk"))
        results.put(outcome)
    finally:
        close()


def _thread_clerk(
    box: BoxOffice,
    spec: ClerkSpec,
    barrier: threading.Barrier,
    stop: threading.Event,
    out: dict[int, ClerkOutcome],
) -> None:
    try:
        free, _held = load_free_seats(box, spec.show_id)
        barrier.wait(timeout=BARRIER_TIMEOUT_S)
    except threading.BrokenBarrierError:
        out[spec.clerk] = ClerkOutcome(
            spec.clerk, spec.counter, fatal="start: the race was aborted"
        )
        return
    except BaseException as exc:  # reported as this clerk's failure
        barrier.abort()
        out[spec.clerk] = ClerkOutcome(spec.clerk, spec.counter, fatal=error_kind(exc, "start"))
        return
    try:
        out[spec.clerk] = run_clerk(box, spec, stop, free)
    except BaseException as exc:  # reported, never swallowed
        out[spec.clerk] = ClerkOutcome(spec.clerk, spec.counter, fatal=error_kind(exc, "clerk"))


Progress = Callable[[int, int], None]  # (seats sold so far, seats for sale)


def _sold_now(box: BoxOffice, show_id: int) -> tuple[int, int]:
    smap = queries.get_seat_map(box, show_id)
    sold = sum(1 for s in smap.seats if s.status == SeatStatus.SOLD)
    return sold, sum(1 for s in smap.seats if s.status != SeatStatus.BLOCKED)


def _watch(
    box: BoxOffice,
    show_id: int,
    progress: Progress | None,
    cancel: _Flag | None,
    stop: _Flag,
    set_stop: Callable[[], None],
    deadline: float,
) -> None:
    """The parent's duty while clerks run: progress, cancellation and the hard time limit."""
    if progress is not None:
        progress(*_sold_now(box, show_id))
    late = (cancel is not None and cancel.is_set()) or time.perf_counter() > deadline
    if late and not stop.is_set():
        set_stop()


def _run_threads(
    cfg: RaceConfig,
    specs: list[ClerkSpec],
    box: BoxOffice,
    progress: Progress | None,
    cancel: _Flag | None,
) -> tuple[list[ClerkOutcome], float]:
    barrier = threading.Barrier(len(specs) + 1)
    stop = threading.Event()
    out: dict[int, ClerkOutcome] = {}
    threads = [
        threading.Thread(
            target=_thread_clerk, args=(box, s, barrier, stop, out), name=s.counter, daemon=True
        )
        for s in specs
    ]
    for t in threads:
        t.start()
    with contextlib.suppress(threading.BrokenBarrierError):  # the clerks report why
        barrier.wait(timeout=BARRIER_TIMEOUT_S)
    t0 = time.perf_counter()
    hard_deadline = t0 + cfg.duration_s + 30.0
    for t in threads:
        while t.is_alive():
            t.join(timeout=0.25)
            _watch(box, specs[0].show_id, progress, cancel, stop, stop.set, hard_deadline)
    wall = time.perf_counter() - t0
    outcomes = [
        out.get(s.clerk, ClerkOutcome(s.clerk, s.counter, fatal="clerk: thread ended silently"))
        for s in specs
    ]
    return outcomes, wall


def _run_processes(
    cfg: RaceConfig,
    specs: list[ClerkSpec],
    box: BoxOffice,
    progress: Progress | None,
    cancel: _Flag | None,
) -> tuple[list[ClerkOutcome], float]:
    spawn = mp.get_context("spawn")
    barrier = spawn.Barrier(len(specs) + 1)
    stop = spawn.Event()
    results = spawn.Queue()
    procs = {
        s.clerk: spawn.Process(
            target=_process_clerk,
            args=(cfg.db_url, s, barrier, stop, results),
            name=f"bms-race-{s.counter}",
            daemon=True,
        )
        for s in specs
    }
    for p in procs.values():
        p.start()
    try:
        barrier.wait(timeout=BARRIER_TIMEOUT_S)
    except threading.BrokenBarrierError:
        stop.set()
    t0 = time.perf_counter()
    hard_deadline = t0 + cfg.duration_s + 30.0
    outcomes: dict[int, ClerkOutcome] = {}
    silent_polls: Counter[int] = Counter()
    while len(outcomes) < len(specs):
        try:
            got = results.get(timeout=0.25)
        except queue.Empty:
            _watch(box, specs[0].show_id, progress, cancel, stop, stop.set, hard_deadline)
            for clerk, p in procs.items():
                if clerk not in outcomes and p.exitcode is not None:
                    silent_polls[clerk] += 1
                    if silent_polls[clerk] >= 4:  # dead, and nothing came through the queue
                        outcomes[clerk] = ClerkOutcome(
                            clerk, f"Robot {clerk}", fatal=f"clerk: process died (exit code "
                            f"{p.exitcode})",
                        )  # fmt: skip
            if time.perf_counter() > hard_deadline + 30.0:
                for clerk, p in procs.items():
                    if clerk not in outcomes:
                        p.terminate()
                        outcomes[clerk] = ClerkOutcome(
                            clerk, f"Robot {clerk}", fatal="clerk: did not stop; terminated"
                        )
            continue
        outcomes[got.clerk] = got
    wall = time.perf_counter() - t0
    for p in procs.values():
        p.join(timeout=30.0)
        if p.is_alive():
            p.terminate()
            p.join(timeout=5.0)
    results.close()
    results.join_thread()
    return [outcomes[s.clerk] for s in specs], wall


# --------------------------------------------------------------------------- the race


def percentile(values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile (0 for no values)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = min(len(ordered), max(1, int(-(-pct * len(ordered) // 100))))
    return round(ordered[rank - 1], 3)


def run_race(
    cfg: RaceConfig,
    *,
    box: BoxOffice | None = None,
    progress: Progress | None = None,
    cancel: _Flag | None = None,
) -> RaceResult:
    """Run one race and check the database afterwards. ``box`` (threads mode): use these
    services instead of connecting to ``cfg.db_url`` (tests pass a box with their own clock)."""
    from bms_desktop.app import connect

    cfg.validate()
    own = None
    if box is None:
        pool = cfg.clerks + 4 if cfg.mode == RaceMode.THREADS else 4
        own = connect(cfg.db_url, pool_size=pool)
        box = own.box
    try:
        if cfg.show_id is None:
            show_id = ensure_scratch_show(box, seats=cfg.seats)
        else:
            check_race_show(box, cfg.show_id)
            show_id = cfg.show_id
        sold_before, seats_total = _sold_now(box, show_id)
        base_seed = cfg.seed if cfg.seed is not None else random.randrange(1 << 30)
        specs = [
            ClerkSpec(
                clerk=i,
                show_id=show_id,
                strategy=cfg.strategy,
                seats_per_booking=cfg.seats_per_booking,
                delay_ms=cfg.delay_ms,
                max_retries=cfg.max_retries,
                duration_s=cfg.duration_s,
                seed=base_seed + i,
            )
            for i in range(1, cfg.clerks + 1)
        ]
        runner = _run_threads if cfg.mode == RaceMode.THREADS else _run_processes
        outcomes, wall = runner(cfg, specs, box, progress, cancel)
        dialect = box.uows.dialect
    finally:
        if own is not None:
            own.close()
    integrity = check_integrity(cfg.db_url, show_id=show_id)
    return summarise(cfg, dialect, show_id, seats_total, sold_before, outcomes, wall, integrity)


def summarise(
    cfg: RaceConfig,
    dialect: str,
    show_id: int,
    seats_total: int,
    sold_before: int,
    outcomes: Sequence[ClerkOutcome],
    wall: float,
    integrity: IntegrityReport,
) -> RaceResult:
    records = [r for o in outcomes for r in o.records]
    errors: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    for r in records:
        if r.outcome in (Outcome.BUSY, Outcome.ERROR):
            errors[r.error or r.outcome.value] += 1
        elif r.outcome == Outcome.CONFLICT:
            reasons.update(r.reasons)
    for o in outcomes:
        if o.fatal:
            errors[o.fatal] += 1
    sold = [r for r in records if r.outcome == Outcome.SOLD]
    latencies = [r.latency_ms for r in records]
    calls = [r.hold_ms for r in records] + [
        r.confirm_ms for r in records if r.confirm_ms is not None
    ]
    waits = [r.lock_wait_ms for r in records if r.outcome in (Outcome.SOLD, Outcome.CONFLICT)]
    per_clerk = tuple(
        ClerkSummary(
            clerk=o.clerk,
            counter=o.counter,
            attempts=len(o.records),
            bookings=sum(1 for r in o.records if r.outcome == Outcome.SOLD),
            sold_seats=sum(r.sold for r in o.records),
            conflicts=sum(1 for r in o.records if r.outcome == Outcome.CONFLICT),
            errors=sum(1 for r in o.records if r.outcome in (Outcome.BUSY, Outcome.ERROR))
            + (1 if o.fatal else 0),
            safety_net_catches=sum(r.safety_net for r in o.records),
            fatal=o.fatal,
        )
        for o in outcomes
    )
    wall = max(wall, 1e-9)
    busy = sum(1 for r in records if r.outcome == Outcome.BUSY)
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
        bookings=len(sold),
        sold_seats=sum(r.sold for r in sold),
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
        throughput_per_s=round(len(sold) / wall, 2),
        seats_per_s=round(sum(r.sold for r in sold) / wall, 2),
        errors=dict(errors.most_common()),
        busy_errors=busy,
        unexpected_errors=unexpected,
        database_locked_errors=sum(1 for r in records if r.locked),
        timed_out=not all(o.sold_out for o in outcomes if not o.fatal),
        clerk_cpu_s=sum(o.cpu_s for o in outcomes),
        per_clerk=per_clerk,
        integrity=integrity,
        records=tuple(records),
    )


# --------------------------------------------------------------------------- the summary table


def format_summary(result: RaceResult) -> str:
    cfg = result.config
    verdict = "CLEAN" if result.clean else "PROBLEMS FOUND"
    lines = [
        f"Race: {cfg.clerks} robot clerks ({cfg.mode.value}), strategy {cfg.strategy.value}, "
        f"{cfg.seats_per_booking} seat(s) per booking, delay {cfg.delay_ms} ms, {result.dialect}",
        f"Show {result.show_id}: {result.seats_total} seats for sale, {result.sold_before} sold "
        f"before; {'sold out' if result.sold_out else 'not sold out'} in {result.wall_s:.2f} s"
        + (" (time limit reached)" if result.timed_out and not result.sold_out else ""),
        "",
        f"  {'attempts':<28}{result.attempts:>10}",
        f"  {'bookings (held and paid)':<28}{result.bookings:>10}",
        f"  {'seats sold (clerks count)':<28}{result.sold_seats:>10}",
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
        f"clerks' count {'agrees' if result.counts_agree else 'DISAGREES'}",
    ]
    lines += [f"  ! {p}" for p in ir.problems()]
    lines += [f"  sample {s}" for s in ir.samples]
    lines.append(f"Verdict: {verdict}")
    return "\n".join(lines)


__all__ = [
    "AttemptRecord",
    "ClerkOutcome",
    "ClerkSpec",
    "ClerkSummary",
    "Outcome",
    "RaceConfig",
    "RaceMode",
    "RaceResult",
    "check_race_show",
    "ensure_scratch_show",
    "error_kind",
    "format_summary",
    "is_database_locked",
    "percentile",
    "run_clerk",
    "run_race",
    "summarise",
]
