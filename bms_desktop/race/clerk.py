"""One robot clerk: glance at a few seats, hold some, pay at once; again, until the show is gone.

Each robot clerk is a counter (``Robot 1``, ``Robot 2``...) that loads the seat map, picks
``seats_per_booking`` random seats among those it last saw free (every clerk picks from the same
pool, so requests overlap on purpose and conflicts really happen), holds them with the chosen
strategy and pays for them at once. After a refusal it glances again; a glance that finds fewer
free seats than it needs means its view of the show is stale (other counters sold them), so it
reloads the states of every seat, as a counter's map is refreshed by the change feed. It stops
when the map shows no free and no held seat (sold out), when the race tells it that every seat
is sold (``told_sold_out``: the race's books, from the clerks' own reports), when the time is up,
or when the race is stopped.

Every attempt is handed to ``report`` as soon as it ends (the race keeps its books from these
reports, which reach the parent even when the clerk dies later).

A lost database (a restart, a network drop) does not end a clerk: the attempt is recorded as
UNREACHABLE ("database unreachable"), the clerk backs off (50 ms doubling to 1 s, jittered) and
carries on. A commit whose answer was lost is looked up, never blindly repeated: after a hold it
reads who holds the seats it asked for (its own counter: the hold went through, so it pays for
it); after a payment it reads the ticket (CONFIRMED: it was sold; still pending: it pays again,
which the database's conditional step allows only once).
"""

from __future__ import annotations

import contextlib
import random
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from bms_desktop.domain import rules
from bms_desktop.domain.errors import DomainError, LockTimeout, SeatsUnavailable
from bms_desktop.domain.model import PaymentMode, Role, SeatStatus, TicketStatus
from bms_desktop.race.model import (
    AttemptRecord,
    ClerkOutcome,
    Flag,
    Outcome,
    RaceStrategy,
)
from bms_desktop.services import booking, checkout, naive_booking
from bms_desktop.services.context import BoxOffice, CounterContext
from bms_desktop.services.dto import ConcurrencyReport
from bms_desktop.services.ports import StorageBusy, StorageUnavailable

IDLE_WAIT_S = 0.002  # only held seats left: their owners are paying; look again shortly
GLANCE_SEATS = 12  # seats a robot glances at before it picks
LOCKED_TEXT = ("database is locked", "database is busy")
BACKOFF_FIRST_S = 0.05
BACKOFF_MAX_S = 1.0
UNREACHABLE = "database unreachable"
DRIVER_MODULES = ("sqlalchemy", "psycopg", "psycopg2", "sqlite3", "_sqlite3", "psycopg_binary")

Report = Callable[[AttemptRecord], None]


@dataclass(frozen=True)
class ClerkSpec:
    clerk: int
    show_id: int
    strategy: RaceStrategy
    seats_per_booking: int
    delay_ms: int
    max_retries: int
    duration_s: float
    seed: int
    origin: float = 0.0  # the race's start on the machine's monotonic clock (perf_counter)

    @property
    def counter(self) -> str:
        return f"Robot {self.clerk}"


# --------------------------------------------------------------------------- errors, in words


def _chain(exc: BaseException) -> Iterable[BaseException]:
    seen: set[int] = set()
    cur: BaseException | None = exc
    while cur is not None and id(cur) not in seen:
        seen.add(id(cur))
        yield cur
        cur = cur.__cause__ or cur.__context__


def is_database_locked(exc: BaseException) -> bool:
    return any(any(t in str(e).lower() for t in LOCKED_TEXT) for e in _chain(exc))


def _is_driver_error(exc: BaseException) -> bool:
    return type(exc).__module__.split(".")[0] in DRIVER_MODULES


def is_unreachable(exc: BaseException) -> bool:
    """The database could not be reached: a domain StorageUnavailable, or a driver's connection
    error that escaped translation (a lost server, a refused connection)."""
    for e in _chain(exc):
        if isinstance(e, StorageUnavailable):
            return True
        if _is_driver_error(e) and type(e).__name__ in ("OperationalError", "InterfaceError"):
            return not is_database_locked(e)
    return False


def error_kind(exc: BaseException, where: str = "") -> str:
    """``where: Kind: message`` for a person, never a driver's text (a driver error is named
    by what it means: database unreachable, database error)."""
    prefix = f"{where}: " if where else ""
    if is_unreachable(exc):
        return prefix + UNREACHABLE
    if _is_driver_error(exc):
        return prefix + ("database is locked" if is_database_locked(exc) else "database error")
    message = (str(exc).strip().splitlines() or [""])[0][:100]
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


# --------------------------------------------------------------------------- reading the map


def load_seats(box: BoxOffice, show_id: int) -> tuple[dict[int, int], list[int]]:
    """Every seat of the show, its state alone: the free seats (show seat id -> version) and the
    held ones. A robot needs no seat map (a full map of 600 seats with its views costs about
    9 ms of CPU here; eight robots checking for a sell-out at once kept the race running some
    80 ms after its last sale)."""
    now = box.now()
    with box.uows(label="race") as uow:
        states = uow.booking.seat_states(show_id)
    free: dict[int, int] = {}
    held: list[int] = []
    for s in states:
        if s.status == SeatStatus.AVAILABLE:
            free[s.show_seat_id] = s.version
        elif s.status == SeatStatus.HELD:
            if rules.hold_is_live(s.hold_expires_at, now):
                held.append(s.show_seat_id)
            else:  # a hold that ran out reads as free (booking.effective_status)
                free[s.show_seat_id] = s.version
    return free, held


def load_free_seats(box: BoxOffice, show_id: int) -> tuple[dict[int, int], bool]:
    """The free seats (show seat id -> version), and whether any is held."""
    free, held = load_seats(box, show_id)
    return free, bool(held)


def warm_up(box: BoxOffice, spec: ClerkSpec) -> dict[int, int]:
    """Before the start: the clerk's first look at the show (the free seats, id -> version), and
    an empty write transaction, begun and rolled back, so that no clerk's first sale pays for
    its connection's place in SQLite's writers' line (the line's file and its watchdog thread:
    about 0.4 ms of CPU here, of the 1 ms more than later ones a clerk's first sale costs; the
    rest is SQLite preparing the sale's statements). Nothing is written."""
    free, _held = load_free_seats(box, spec.show_id)
    naive = spec.strategy is RaceStrategy.NAIVE  # its writes begin without the lock
    with box.uows(write=True, deferred=naive, label=spec.counter):
        pass
    return free


def _peek(
    box: BoxOffice, show_id: int, show_seat_ids: Sequence[int]
) -> tuple[dict[int, int], list[int]]:
    """The last seats of a show, held by clerks who are paying: which are free again, which are
    still held (a light read of only these seats, instead of the whole map every 2 ms)."""
    now = box.now()
    with box.uows(label="race") as uow:
        states = uow.booking.seats(show_id, show_seat_ids, lock=False)
    free: dict[int, int] = {}
    held: list[int] = []
    for s in states:
        status = booking.effective_status(s, now)
        if status == SeatStatus.AVAILABLE:
            free[s.show_seat_id] = s.version
        elif status == SeatStatus.HELD:
            held.append(s.show_seat_id)
    return free, held


def _glance(box: BoxOffice, show_id: int, show_seat_ids: Sequence[int]) -> dict[int, int]:
    """A clerk's glance at a few seats just before clicking: those still free (id -> version).

    One light read of only these seats through the storage port (a full map of 600 seats costs
    about 3 ms of CPU here, and eight robots reloading it after every refusal would spend the
    machine's two cores on reading maps instead of selling)."""
    now = box.now()
    with box.uows(label="race") as uow:
        states = uow.booking.seats(show_id, show_seat_ids, lock=False)
    return {
        s.show_seat_id: s.version
        for s in states
        if booking.effective_status(s, now) == SeatStatus.AVAILABLE
    }


# --------------------------------------------------------------------------- the clerk


class _Backoff:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.pause = 0.0

    def wait(self, stop: Flag) -> None:
        self.pause = BACKOFF_FIRST_S if self.pause == 0 else min(BACKOFF_MAX_S, self.pause * 2)
        stop.wait(self.rng.uniform(self.pause / 2, self.pause))

    def reset(self) -> None:
        self.pause = 0.0


def robot_context(spec: ClerkSpec) -> CounterContext:
    return CounterContext(
        counter=spec.counter,
        staff_id=None,
        username=f"robot{spec.clerk}",
        role=Role.CLERK,
        strategy=spec.strategy.counter_strategy,
        delay_ms=spec.delay_ms,
        max_retries=spec.max_retries,
    )


def run_clerk(
    box: BoxOffice,
    spec: ClerkSpec,
    stop: Flag,
    free: dict[int, int] | None = None,
    report: Report | None = None,
    told_sold_out: Flag | None = None,
) -> ClerkOutcome:
    """One robot clerk's whole race, until sold out, time up, or ``stop``.

    ``free`` is the clerk's first look at the map (id -> version; loaded here when None). Each
    round it glances at a few random seats it believes free, forgets the ones that are gone,
    and tries to hold ``seats_per_booking`` of those still free, then pays at once. When it
    believes nothing is free it reloads the whole map, and while only seats held by paying
    clerks remain it looks at those alone; it reloads the whole map too when a glance finds fewer
    free seats than it needs. The show is sold out when the map shows no free and no held seat,
    or when ``told_sold_out`` is set (the race counted every seat sold). Every attempt goes to
    ``report`` as it ends; the outcome returned carries the attempts too (threads mode) or none
    (``report`` already has them).
    """
    ctx = robot_context(spec)
    rng = random.Random(spec.seed)
    records: list[AttemptRecord] = []

    def record(r: AttemptRecord) -> None:
        if report is not None:
            report(r)
        else:
            records.append(r)

    cpu0 = time.thread_time()
    t0 = time.perf_counter()
    origin = spec.origin or t0
    deadline = t0 + spec.duration_s
    believed: dict[int, int] = dict(free) if free is not None else {}
    held: list[int] = []  # the last seats, held by others, when nothing is believed free
    sold_out = False
    k_max = spec.seats_per_booking
    backoff = _Backoff(rng)
    while not stop.is_set() and time.perf_counter() < deadline:
        if told_sold_out is not None and told_sold_out.is_set():
            sold_out = True
            break
        started = time.perf_counter()
        try:
            if not believed:
                if held:  # the last seats: are they free again, or still being paid for?
                    believed, held = _peek(box, spec.show_id, held)
                if not believed and not held:
                    believed, held = load_seats(box, spec.show_id)
                if not believed:
                    if held:  # their counters are paying for them right now; look again shortly
                        stop.wait(IDLE_WAIT_S)
                        continue
                    sold_out = True
                    break
            sample = rng.sample(list(believed), min(len(believed), max(GLANCE_SEATS, 2 * k_max)))
            fresh = _glance(box, spec.show_id, sample)
        except Exception as exc:
            if not is_unreachable(exc):
                raise
            record(_lost_connection(spec, started, origin, "read", exc))
            backoff.wait(stop)
            continue
        for sid in sample:
            if sid in fresh:
                believed[sid] = fresh[sid]
            else:
                believed.pop(sid, None)
        k = min(k_max, len(believed))
        if k == 0 or len(fresh) < k:
            # Stale: most seats this clerk believes free were sold by others meanwhile. Glancing
            # again at random would mostly find sold seats (the end of a race was a string of
            # empty glances, and the clerks took 20-30 ms to see the show sold out).
            believed, held = {}, []  # the next round reloads every seat's state
            continue
        pick = rng.sample(sorted(fresh), k)
        # The versions this clerk saw: what the optimistic strategy checks against.
        seen = {sid: believed.pop(sid) for sid in pick}
        started = time.perf_counter()
        rec = _attempt(box, ctx, spec, pick, seen, started, origin, stop)
        record(rec)
        if rec.outcome == Outcome.UNREACHABLE:
            backoff.wait(stop)
        else:
            backoff.reset()
        if rec.outcome != Outcome.SOLD:
            believed.update(seen)  # the next glance tells which of them are really gone
    return ClerkOutcome(
        clerk=spec.clerk,
        counter=spec.counter,
        records=tuple(records),
        elapsed_s=time.perf_counter() - t0,
        cpu_s=time.thread_time() - cpu0,
        sold_out=sold_out,
    )


def _ms(a: float, b: float) -> float:
    return round((b - a) * 1000.0, 3)


def _lost_connection(
    spec: ClerkSpec, started: float, origin: float, where: str, exc: BaseException
) -> AttemptRecord:
    now = time.perf_counter()
    return AttemptRecord(
        clerk=spec.clerk, started_ms=_ms(origin, started), latency_ms=_ms(started, now),
        outcome=Outcome.UNREACHABLE, hold_ms=_ms(started, now), confirm_ms=None, seats=0,
        sold=0, error=error_kind(exc, where),
    )  # fmt: skip


def _hold(
    box: BoxOffice, ctx: CounterContext, spec: ClerkSpec, pick: Sequence[int], seen: dict[int, int]
) -> tuple[int, object]:
    """Hold the seats with the clerk's strategy: the ticket id and the strategy's report."""
    if spec.strategy is RaceStrategy.NAIVE:
        held = naive_booking.hold_seats_naive(box, ctx, show_id=spec.show_id, show_seat_ids=pick)
    else:
        held = booking.hold_seats(
            box,
            ctx,
            show_id=spec.show_id,
            show_seat_ids=pick,
            seen_versions=(seen or None) if spec.strategy is RaceStrategy.OPTIMISTIC else None,
        )
    return held.ticket_id, held.report


def _attempt(
    box: BoxOffice,
    ctx: CounterContext,
    spec: ClerkSpec,
    pick: Sequence[int],
    seen: dict[int, int],
    started: float,
    origin: float,
    stop: Flag,
) -> AttemptRecord:
    base: dict[str, Any] = {
        "clerk": spec.clerk,
        "started_ms": _ms(origin, started),
        "seats": len(pick),
        "seat_ids": tuple(pick),
    }

    def elapsed() -> float:
        return _ms(started, time.perf_counter())

    resolved: str | None = None
    report: object = None
    try:
        ticket_id, report = _hold(box, ctx, spec, pick, seen)
    except SeatsUnavailable as exc:
        return AttemptRecord(
            **base, latency_ms=elapsed(), outcome=Outcome.CONFLICT, hold_ms=elapsed(),
            confirm_ms=None, sold=0,
            reasons=tuple(f.reason.value for f in exc.failures),
            lost_to=tuple(f.by_counter or "?" for f in exc.failures),
            **_report_numbers(exc.report),
        )  # fmt: skip
    except Exception as exc:  # counted and reported by kind, never swallowed
        if is_unreachable(exc):
            found = _find_own_hold(box, spec, pick, stop)
            if found is None:
                return AttemptRecord(
                    **base, latency_ms=elapsed(), outcome=Outcome.UNREACHABLE, hold_ms=elapsed(),
                    confirm_ms=None, sold=0, error=error_kind(exc, "hold"),
                )  # fmt: skip
            ticket_id, resolved = found, "the hold had gone through before the connection dropped"
        else:
            busy = isinstance(exc, StorageBusy | LockTimeout) or is_database_locked(exc)
            return AttemptRecord(
                **base, latency_ms=elapsed(), outcome=Outcome.BUSY if busy else Outcome.ERROR,
                hold_ms=elapsed(), confirm_ms=None, sold=0, error=error_kind(exc, "hold"),
                locked=is_database_locked(exc),
            )  # fmt: skip
    numbers = _report_numbers(report)
    hold_ms = elapsed()
    confirm_started = time.perf_counter()
    outcome, error, locked = Outcome.SOLD, None, False
    try:
        checkout.confirm_booking(box, ctx, ticket_id=ticket_id, mode=PaymentMode.UPI)
    except Exception as exc:
        if is_unreachable(exc):
            settled = _settle_payment(box, ctx, ticket_id, stop)
            if settled is not None:
                resolved = settled
            else:
                outcome, error = Outcome.UNREACHABLE, error_kind(exc, "confirm")
        else:
            busy = isinstance(exc, StorageBusy | LockTimeout)
            outcome = Outcome.BUSY if busy else Outcome.ERROR  # a confirm must not fail here
            error, locked = error_kind(exc, "confirm"), is_database_locked(exc)
    confirm_ms = _ms(confirm_started, time.perf_counter())
    if outcome is Outcome.SOLD:
        return AttemptRecord(
            **base, latency_ms=elapsed(), outcome=Outcome.SOLD, hold_ms=hold_ms,
            confirm_ms=confirm_ms, sold=len(pick), resolved=resolved, **numbers,
        )  # fmt: skip
    _release_quietly(box, ctx, ticket_id)
    return AttemptRecord(
        **base, latency_ms=elapsed(), outcome=outcome, hold_ms=hold_ms, confirm_ms=confirm_ms,
        sold=0, error=error, locked=locked, resolved=resolved, **numbers,
    )  # fmt: skip


def _until_reachable(stop: Flag, rng: random.Random, read: Callable[[], Any]) -> Any:
    """``read()`` again and again (backing off) until the database answers or the race stops;
    None when it stopped first."""
    backoff = _Backoff(rng)
    while not stop.is_set():
        try:
            return read()
        except Exception as exc:
            if not is_unreachable(exc):
                raise
            backoff.wait(stop)
    return None


def _find_own_hold(box: BoxOffice, spec: ClerkSpec, pick: Sequence[int], stop: Flag) -> int | None:
    """After a hold whose answer was lost: did it go through? (The seats asked for, held by this
    counter, all by one ticket.) The ticket id, or None."""

    def read() -> list[Any]:
        with box.uows(label=spec.counter) as uow:
            return list(uow.booking.seats(spec.show_id, pick, lock=False))

    seats = _until_reachable(stop, random.Random(spec.seed), read)
    if not seats:
        return None
    owners: set[int | None] = {
        s.ticket_id for s in seats if s.status == SeatStatus.HELD and s.counter == spec.counter
    }
    if len(owners) == 1 and len(seats) == len(pick):
        (ticket_id,) = owners
        return ticket_id
    return None


def _settle_payment(box: BoxOffice, ctx: CounterContext, ticket_id: int, stop: Flag) -> str | None:
    """After a payment whose answer was lost: look the ticket up. A description of how it was
    settled when it ended sold, None when it did not."""

    def read() -> str | None:
        with box.uows(label=ctx.counter) as uow:
            ticket = uow.booking.ticket(ticket_id)
        return None if ticket is None else ticket.status

    status = _until_reachable(stop, random.Random(ticket_id), read)
    if status == TicketStatus.CONFIRMED:
        return "the payment had gone through before the connection dropped"
    if status != TicketStatus.PENDING_PAYMENT:
        return None

    def pay() -> bool:
        checkout.confirm_booking(box, ctx, ticket_id=ticket_id, mode=PaymentMode.UPI)
        return True

    try:
        if _until_reachable(stop, random.Random(ticket_id), pay):
            return "paid again after the connection came back (it had not gone through)"
    except DomainError:
        return None
    return None


def _release_quietly(box: BoxOffice, ctx: CounterContext, ticket_id: int) -> None:
    """After a failed payment the hold is given back (the failure itself is already counted)."""
    with contextlib.suppress(Exception):  # the hold then expires on its own; nothing to add
        checkout.release_hold(box, ctx, ticket_id=ticket_id)


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
