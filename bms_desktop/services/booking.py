"""Holding seats: the first step of a sale, under the counter's strategy. (Payment, release and
coupons are in ``checkout``; cancellation, refund and expiry in ``cancellation``.)

Three strategies compete for seats (DESIGN.md section 4); whichever is used, the database's
partial unique index on live ticket seats is the safety net, and it is the only other reason a
double sale cannot happen. Every outcome carries a ``ConcurrencyReport`` in numbers.

Confirmation, expiry, release and cancellation are the same for every strategy: each is one atomic
conditional step in the database, so an expiry and a late payment can never both win.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from bms_desktop.domain import cinema_time, rules
from bms_desktop.domain.errors import (
    DomainError,
    FailureReason,
    NotFound,
    SeatFailure,
    SeatsUnavailable,
    ValidationError,
)
from bms_desktop.domain.model import (
    Role,
    SeatStatus,
    Strategy,
    TicketStatus,
)
from bms_desktop.domain.pricing import round_money
from bms_desktop.services.context import BoxOffice, BoxOfficeSettings, CounterContext, load_settings
from bms_desktop.services.dto import (
    ConcurrencyEvent,
    ConcurrencyReport,
    HoldResult,
    PriceLine,
    Quote,
)
from bms_desktop.services.outcome_guard import OperationKind, keyed  # issue 13 (faults)
from bms_desktop.services.ports import (
    ClaimConflict,
    ClaimSpec,
    NewTicket,
    SeatState,
    ShowInfo,
    StorageBusy,
    UnitOfWork,
)
from bms_desktop.services.sale_common import (
    WAIT_REPORT_THRESHOLD_MS,
    checked_customer,
    normalise_phone,
    record_audit,
)

ROW_WAIT_REPORT_MS = 50.0  # a claim statement this slow waited for a row lock (PostgreSQL)


# --------------------------------------------------------------------------- report builder


@dataclass
class _Tracker:
    """Collects what a strategy did while it runs; frozen into a ConcurrencyReport at the end."""

    strategy: Strategy
    t0: float = field(default_factory=time.perf_counter)
    attempts: int = 0
    lock_wait_ms: float = 0.0
    lock_holder: str | None = None
    retries: int = 0
    max_retries: int = 0
    version_conflicts: list[tuple[str, int, int]] = field(default_factory=list)
    lost: list[tuple[str, str | None]] = field(default_factory=list)
    safety_net: int = 0
    delay_ms: float = 0.0
    events: list[ConcurrencyEvent] = field(default_factory=list)
    clock_now: datetime | None = None
    clock: Callable[[], datetime] | None = None

    def event(self, kind: str, message: str, elapsed_ms: float | None = None) -> None:
        """A row of the counter's event log: stamped when it happens (a hold when it committed,
        not when its transaction began) and with its own duration (by default the time since
        the request began)."""
        at = self.clock() if self.clock is not None else self.clock_now
        assert at is not None
        took = (time.perf_counter() - self.t0) * 1000.0 if elapsed_ms is None else elapsed_ms
        self.events.append(ConcurrencyEvent(at, kind, message, round(took, 2)))

    def waited(self, uow: UnitOfWork, what: str, counter: str) -> None:
        """Log the wait for the write lock at the start of a unit of work (SQLite's BEGIN
        IMMEDIATE), whoever held it; below the threshold it is just the cost of taking it."""
        if uow.dialect != "sqlite" or uow.lock_wait_ms < WAIT_REPORT_THRESHOLD_MS:
            return  # (PostgreSQL takes no lock at the start: that time is the connection's)
        holder = uow.booking.last_writer()
        if holder == counter:
            holder = None
        self.lock_holder = self.lock_holder or holder
        self.event(
            "LOCK_WAIT",
            f"waited {uow.lock_wait_ms:,.0f} ms for the database lock held by "
            f"{holder or 'another counter'} before {what}",
            uow.lock_wait_ms,
        )

    def report(self) -> ConcurrencyReport:
        return ConcurrencyReport(
            strategy=self.strategy,
            attempts=self.attempts,
            lock_wait_ms=round(self.lock_wait_ms, 2),
            lock_holder=self.lock_holder,
            retries=self.retries,
            max_retries=self.max_retries,
            version_conflicts=tuple(self.version_conflicts),
            lost_seats=tuple(self.lost),
            safety_net_catches=self.safety_net,
            elapsed_ms=round((time.perf_counter() - self.t0) * 1000.0, 2),
            delay_ms=self.delay_ms,
            events=tuple(self.events),
        )


def _unavailable(failures: list[SeatFailure], tracker: _Tracker) -> SeatsUnavailable:
    for f in failures:
        if f.reason in (FailureReason.SOLD, FailureReason.HELD, FailureReason.CONSTRAINT):
            tracker.lost.append((f.label, f.by_counter))
    tracker.event("CONFLICT", "; ".join(f.describe() for f in failures))
    return SeatsUnavailable(failures, tracker.report())


# --------------------------------------------------------------------------- helpers


def _classify(
    wanted: Sequence[int],
    seats: Sequence[SeatState],
    now: datetime,
    *,
    own_ticket: int | None = None,
) -> list[SeatFailure]:
    """Why each wanted seat cannot be held right now (empty list: all free)."""
    by_id = {s.show_seat_id: s for s in seats}
    failures: list[SeatFailure] = []
    for sid in wanted:
        s = by_id.get(sid)
        if s is None:
            failures.append(SeatFailure(f"seat #{sid}", FailureReason.UNKNOWN))
            continue
        status = effective_status(s, now)
        if status == SeatStatus.AVAILABLE or (own_ticket is not None and s.ticket_id == own_ticket):
            continue
        if status == SeatStatus.SOLD:
            failures.append(SeatFailure(s.label, FailureReason.SOLD, s.counter))
        elif status == SeatStatus.HELD:
            failures.append(SeatFailure(s.label, FailureReason.HELD, s.counter))
        else:
            failures.append(SeatFailure(s.label, FailureReason.BLOCKED))
    return failures


def effective_status(seat: SeatState, now: datetime) -> SeatStatus:
    """A hold whose time ran out reads as AVAILABLE on every read path."""
    status = SeatStatus(seat.status)
    if status == SeatStatus.HELD and not rules.hold_is_live(seat.hold_expires_at, now):
        return SeatStatus.AVAILABLE
    return status


def _expire_stale(
    uow: UnitOfWork, ctx: CounterContext, now: datetime, show_seat_ids: Sequence[int]
) -> list[int]:
    """Expire, in this transaction, the tickets whose run-out holds sit on these seats."""
    expired: list[int] = []
    for tid in uow.booking.stale_ticket_ids(now, show_seat_ids=show_seat_ids):
        ticket = uow.booking.ticket(tid)
        if uow.booking.expire_ticket(tid, now):
            expired.append(tid)
            record_audit(
                uow,
                ctx,
                now,
                "EXPIRY",
                entity_id=tid,
                show_id=None if ticket is None else ticket.show_id,
                code=None if ticket is None else ticket.code,
                lazily=True,
            )
    return expired


def _has_stale_hold(seats: Sequence[SeatState], now: datetime) -> bool:
    """Is a hold that ran out in the way? Only then is the lazy expiry worth a query: the common
    case (no run-out hold among the wanted seats) costs no statement at all."""
    return any(
        s.status == SeatStatus.HELD and not rules.hold_is_live(s.hold_expires_at, now)
        for s in seats
    )


def _check_show(uow: UnitOfWork, show_id: int, now: datetime, cfg: BoxOfficeSettings) -> ShowInfo:
    info = uow.booking.show_info(show_id)
    if info is None:
        raise NotFound(f"show {show_id} does not exist")
    if info.cancelled:  # issue 8: a cancelled show is off sale
        from bms_desktop.domain.errors import SalesClosed

        raise SalesClosed("this show was cancelled; it is off sale")
    rules.ensure_sales_open(
        show_start=info.starts_at,
        now=now,
        close_offset_min=cfg.sales_close_offset_minutes,
        tz=info.timezone,
    )
    return info


def _price_lines(seats: Sequence[SeatState]) -> tuple[PriceLine, ...]:
    return tuple(
        PriceLine(s.label, s.seat_type, s.price, f"{s.seat_type.title()} {s.price:.2f}")
        for s in seats
    )


def _new_code() -> str:
    return rules.generate_ticket_code()


def _delay(
    box: BoxOffice, ctx: CounterContext, tracker: _Tracker, _cfg: BoxOfficeSettings | None = None
) -> None:
    """The teaching aid: a pause inside the transaction. Who may set it on a counter is
    decided when it is set (``counter_setup.change_counter_setup``), not here."""
    if ctx.delay_ms <= 0:
        return
    tracker.delay_ms = float(ctx.delay_ms)
    tracker.event(
        "DELAY", f"processing delay of {ctx.delay_ms} ms inside the transaction", ctx.delay_ms
    )
    box.sleep(ctx.delay_ms / 1000.0)


def _create_pending(
    uow: UnitOfWork,
    ctx: CounterContext,
    info: ShowInfo,
    seats: Sequence[SeatState],
    now: datetime,
    expires: datetime,
    customer: tuple[str | None, str | None],
    code: str,
) -> int:
    """The PENDING_PAYMENT ticket. ``code`` and the normalised ``customer`` (name, phone) are
    made before the write lock is taken: a code costs about 15 us of ``secrets``."""
    subtotal = round_money(sum((s.price for s in seats), Decimal("0")))
    return uow.booking.create_ticket(
        NewTicket(
            code=code,
            show_id=info.show_id,
            counter=ctx.counter,
            staff_id=ctx.staff_id,
            strategy=ctx.strategy.value,
            seat_count=len(seats),
            subtotal=subtotal,
            discount=Decimal("0.00"),
            total=subtotal,
            hold_expires_at=expires,
            created_at=now,
            customer_name=customer[0],
            customer_phone=customer[1],
        )
    )


def _claims(seats: Sequence[SeatState]) -> list[ClaimSpec]:
    return [ClaimSpec(s.show_seat_id, s.label, s.seat_type, s.price) for s in seats]


def _hold_result(
    ticket_id: int,
    code: str,
    info: ShowInfo,
    seats: Sequence[SeatState],
    expires: datetime,
    tracker: _Tracker,
) -> HoldResult:
    lines = _price_lines(seats)
    subtotal = round_money(sum((s.price for s in seats), Decimal("0")))
    return HoldResult(
        ticket_id=ticket_id,
        ticket_code=code,
        show_id=info.show_id,
        seat_labels=tuple(s.label for s in seats),
        show_seat_ids=tuple(s.show_seat_id for s in seats),
        expires_at=expires,
        quote=Quote(lines, subtotal, Decimal("0.00"), subtotal),
        report=tracker.report(),
    )


def _lost_to_constraint(
    box: BoxOffice, show_id: int, wanted: Sequence[int], exc: ClaimConflict, now: datetime
) -> list[SeatFailure]:
    """After the safety net refused a claim: which seats, and whose live claim owns them (a fresh
    read: the winner may have committed its claim but not yet its seats' status)."""
    with box.uows() as uow:
        seats = uow.booking.seats(show_id, wanted, lock=False)
        owners = uow.booking.live_claim_owners(exc.show_seat_ids)
    failures = [
        SeatFailure(s.label, FailureReason.CONSTRAINT, owners[s.show_seat_id])
        for s in seats
        if s.show_seat_id in owners
    ]
    if not failures:  # the winning claim was released again meanwhile
        failures = [
            SeatFailure(s.label, FailureReason.CONSTRAINT, None)
            for s in seats
            if s.show_seat_id in exc.show_seat_ids
        ]
    return failures


def _claim_and_record_hold(
    box: BoxOffice,
    uow: UnitOfWork,
    ctx: CounterContext,
    tracker: _Tracker,
    ticket_id: int,
    code: str,
    show_id: int,
    wanted: Sequence[int],
    seats: Sequence[SeatState],
    now: datetime,
    **details: object,
) -> None:
    """Finish a hold in its own transaction: insert the live claims, audit, commit. If the
    safety net refuses the claims, roll back and report who won (what slipped past the strategy,
    caught by the constraint)."""
    try:
        uow.booking.claim(ticket_id, _claims(seats))
    except ClaimConflict as exc:
        uow.rollback()
        tracker.safety_net += 1
        tracker.event("SAFETY_NET", "the database constraint refused the claim")
        raise _unavailable(_lost_to_constraint(box, show_id, wanted, exc, now), tracker) from exc
    record_audit(
        uow,
        ctx,
        now,
        "HOLD",
        entity_id=ticket_id,
        show_id=show_id,
        more=details,
        code=code,
        seats=[s.label for s in seats],
        strategy=ctx.strategy.value,
    )
    uow.commit()


# --------------------------------------------------------------------------- hold


@keyed(OperationKind.HOLD)  # issue 13: a lost commit -> OutcomeUnknown naming the ticket code
def hold_seats(
    box: BoxOffice,
    ctx: CounterContext,
    *,
    show_id: int,
    show_seat_ids: Sequence[int],
    seen_versions: Mapping[int, int] | None = None,
    customer_name: str | None = None,
    customer_phone: str | None = None,
    ticket_code: str | None = None,
) -> HoldResult:
    """Hold 1..10 seats of one show for this counter, all or nothing.

    Raises SeatsUnavailable (every failed seat and why, with the ConcurrencyReport attached),
    SalesClosed, NotFound, ValidationError or StorageBusy. Nothing is changed on any refusal.
    ``ticket_code``: the new ticket's code, made by the caller before the call so that it can
    look the hold up should the connection be lost at commit (made by ``keyed`` if not given).
    """
    ctx.require(Role.CLERK, "Selling seats")  # issue 12: an usher only admits
    wanted = rules.validate_seat_ids(list(show_seat_ids))
    customer_name, customer_phone = checked_customer(customer_name, customer_phone)
    now = box.now()
    tracker = _Tracker(ctx.strategy, clock_now=now, clock=box.now)
    code = ticket_code or _new_code()  # issue 13: the key is known before the write
    match ctx.strategy:
        case Strategy.PESSIMISTIC:
            return _hold_pessimistic(
                box, ctx, tracker, show_id, wanted, customer_name, customer_phone, code
            )
        case Strategy.OPTIMISTIC:
            return _hold_optimistic(
                box, ctx, tracker, show_id, wanted, seen_versions, customer_name, customer_phone,
                code,
            )  # fmt: skip
        case Strategy.THREAD:
            return _hold_thread(
                box, ctx, tracker, show_id, wanted, customer_name, customer_phone, code
            )
    raise ValidationError(f"unknown strategy {ctx.strategy}")  # pragma: no cover


def _hold_pessimistic(
    box: BoxOffice,
    ctx: CounterContext,
    tracker: _Tracker,
    show_id: int,
    wanted: tuple[int, ...],
    customer_name: str | None,
    customer_phone: str | None,
    code: str,
) -> HoldResult:
    tracker.attempts = 1
    customer = (customer_name, normalise_phone(customer_phone))
    try:
        uow_cm = box.uows(write=True, lock_timeout_ms=ctx.lock_timeout_ms, label=ctx.counter)
    except StorageBusy:
        tracker.event("LOCK_TIMEOUT", "gave up waiting for the database write lock")
        raise
    with uow_cm as uow:
        tracker.lock_wait_ms = uow.lock_wait_ms  # SQLite: the wait inside BEGIN IMMEDIATE
        now = box.now()
        tracker.clock_now = now
        cfg = load_settings(uow)
        info = _check_show(uow, show_id, now, cfg)
        t0 = time.perf_counter()
        seats = uow.booking.seats(show_id, wanted, lock=True)  # PostgreSQL: FOR UPDATE, id order
        tracker.lock_wait_ms += (
            (time.perf_counter() - t0) * 1000.0 if uow.dialect != "sqlite" else 0
        )
        if _has_stale_hold(seats, now):
            _expire_stale(uow, ctx, now, wanted)
            seats = uow.booking.seats(show_id, wanted, lock=True)
        if tracker.lock_wait_ms >= WAIT_REPORT_THRESHOLD_MS:
            holders = {s.counter for s in seats if s.counter and s.counter != ctx.counter}
            tracker.lock_holder = (
                sorted(holders)[0]
                if holders and uow.dialect != "sqlite"
                else uow.booking.last_writer()
            )
            tracker.event(
                "LOCK_WAIT",
                f"waited {tracker.lock_wait_ms:.0f} ms for the lock held by "
                f"{tracker.lock_holder or 'another counter'}",
                tracker.lock_wait_ms,
            )
        _delay(box, ctx, tracker, cfg)
        failures = _classify(wanted, seats, now)
        if failures:
            raise _unavailable(failures, tracker)
        expires = now + timedelta(minutes=cfg.hold_minutes)
        ticket_id = _create_pending(uow, ctx, info, seats, now, expires, customer, code)
        changed = uow.booking.mark_held(ticket_id, ctx.counter, expires, now, dict.fromkeys(wanted))
        if changed != set(wanted):  # impossible under the lock; the check costs nothing
            raise _unavailable(
                _classify(wanted, uow.booking.seats(show_id, wanted, lock=False), now), tracker
            )
        _claim_and_record_hold(
            box, uow, ctx, tracker, ticket_id, code, show_id, wanted, seats, now,
            lock_wait_ms=round(tracker.lock_wait_ms, 1),
        )  # fmt: skip
    tracker.event(
        "HOLD",
        f"held {', '.join(s.label for s in seats)} until "
        f"{cinema_time.clock(expires, info.timezone, seconds=True)}",
    )
    return _hold_result(ticket_id, code, info, seats, expires, tracker)


def _read_versions(box: BoxOffice, show_id: int, wanted: Sequence[int]) -> dict[int, int]:
    with box.uows() as uow:
        return {s.show_seat_id: s.version for s in uow.booking.seats(show_id, wanted, lock=False)}


def _hold_optimistic(
    box: BoxOffice,
    ctx: CounterContext,
    tracker: _Tracker,
    show_id: int,
    wanted: tuple[int, ...],
    seen_versions: Mapping[int, int] | None,
    customer_name: str | None,
    customer_phone: str | None,
    code: str,
) -> HoldResult:
    tracker.max_retries = ctx.max_retries
    versions = dict(seen_versions or {})
    missing = [sid for sid in wanted if sid not in versions]
    if missing:  # read without any lock: the version is the whole check
        versions.update(_read_versions(box, show_id, missing))
    # A refused attempt rolls its ticket back, so the next attempt may use the same code.
    customer = (customer_name, normalise_phone(customer_phone))
    while True:
        tracker.attempts += 1
        with box.uows(write=True, lock_timeout_ms=ctx.lock_timeout_ms, label=ctx.counter) as uow:
            tracker.lock_wait_ms += uow.lock_wait_ms
            # An optimistic counter takes no lock of its own, but its write waits for the
            # database lock of a counter inside its transaction: that wait is logged too.
            tracker.waited(uow, f"claiming the seats (attempt {tracker.attempts})", ctx.counter)
            now = box.now()
            tracker.clock_now = now
            cfg = load_settings(uow)
            info = _check_show(uow, show_id, now, cfg)
            _delay(box, ctx, tracker, cfg)
            expires = now + timedelta(minutes=cfg.hold_minutes)
            seats_now = uow.booking.seats(show_id, wanted, lock=False)
            if _has_stale_hold(seats_now, now):
                _expire_stale(uow, ctx, now, wanted)
                seats_now = uow.booking.seats(show_id, wanted, lock=False)
            unknown = [
                f for f in _classify(wanted, seats_now, now) if f.reason == FailureReason.UNKNOWN
            ]
            if unknown:
                raise _unavailable(unknown, tracker)
            ticket_id = _create_pending(uow, ctx, info, seats_now, now, expires, customer, code)
            expected: dict[int, int | None] = {sid: versions.get(sid, -1) for sid in wanted}
            t_claim = time.perf_counter()
            changed = uow.booking.mark_held(ticket_id, ctx.counter, expires, now, expected)
            claim_ms = (time.perf_counter() - t_claim) * 1000.0
            if uow.dialect != "sqlite" and claim_ms >= ROW_WAIT_REPORT_MS:
                # PostgreSQL: the conditional UPDATE waited for another counter's row lock.
                tracker.lock_wait_ms += claim_ms
                holder = uow.booking.last_writer()
                tracker.lock_holder = tracker.lock_holder or holder
                tracker.event(
                    "LOCK_WAIT",
                    f"waited {claim_ms:,.0f} ms for the row lock held by "
                    f"{holder or 'another counter'} while claiming the seats",
                    claim_ms,
                )
            if changed == set(wanted):
                _claim_and_record_hold(
                    box, uow, ctx, tracker, ticket_id, code, show_id, wanted, seats_now, now,
                    attempts=tracker.attempts,
                )  # fmt: skip
                tracker.event(
                    "HOLD",
                    f"held {', '.join(s.label for s in seats_now)} on attempt {tracker.attempts}",
                )
                return _hold_result(ticket_id, code, info, seats_now, expires, tracker)
            # Some version moved: find out why, from the rows as they are now.
            current = {s.show_seat_id: s for s in uow.booking.seats(show_id, wanted, lock=False)}
            uow.rollback()
        permanent: list[SeatFailure] = []
        for sid in wanted:
            if sid in changed:
                continue
            s = current[sid]
            seen = versions.get(sid, -1)
            tracker.version_conflicts.append((s.label, seen, s.version))
            status = effective_status(s, now)
            if status == SeatStatus.AVAILABLE:
                versions[sid] = s.version  # still free at a newer version: worth a retry
            elif status == SeatStatus.SOLD:
                permanent.append(
                    SeatFailure(s.label, FailureReason.SOLD, s.counter, seen, s.version)
                )
            elif status == SeatStatus.HELD:
                permanent.append(
                    SeatFailure(s.label, FailureReason.HELD, s.counter, seen, s.version)
                )
            else:
                permanent.append(SeatFailure(s.label, FailureReason.BLOCKED, None, seen, s.version))
        conflicts = ", ".join(f"{lbl} v{a} -> v{b}" for lbl, a, b in tracker.version_conflicts[-3:])
        if permanent:
            tracker.event("CONFLICT", f"version check failed: {conflicts}")
            raise _unavailable(permanent, tracker)
        if tracker.retries >= ctx.max_retries:
            labels = [current[sid].label for sid in wanted if sid not in changed]
            failures = [
                SeatFailure(lbl, FailureReason.CHANGED, None, a, b)
                for lbl, a, b in tracker.version_conflicts
                if lbl in labels
            ][-len(labels) :]
            tracker.event("CONFLICT", f"gave up after {tracker.retries} retries: {conflicts}")
            raise _unavailable(failures, tracker)
        tracker.retries += 1
        backoff = random.uniform(0.002, 0.010) * (2 ** (tracker.retries - 1))
        tracker.event(
            "RETRY",
            f"{conflicts}; retry {tracker.retries} of {ctx.max_retries} after "
            f"{backoff * 1000:.0f} ms",
            backoff * 1000,
        )
        box.sleep(backoff)


def _hold_thread(
    box: BoxOffice,
    ctx: CounterContext,
    tracker: _Tracker,
    show_id: int,
    wanted: tuple[int, ...],
    customer_name: str | None,
    customer_phone: str | None,
    code: str,
) -> HoldResult:
    """Per-seat threading locks, statements committed one by one.

    Correct between the windows of one process. Between processes the locks protect nothing: two
    processes may both see a seat free, and the database constraint refuses the second claim.
    """
    tracker.attempts = 1
    with box.locks.hold(wanted, ctx.counter) as (waited_ms, waited_for):
        tracker.lock_wait_ms = waited_ms
        now = box.now()
        tracker.clock_now = now
        if waited_ms >= WAIT_REPORT_THRESHOLD_MS:
            tracker.lock_holder = waited_for
            tracker.event(
                "LOCK_WAIT",
                f"waited {waited_ms:.0f} ms for the seat lock held by "
                f"{waited_for or 'another window'}",
                waited_ms,
            )
        # 1. read (own transaction, no database lock: the thread lock is trusted)
        with box.uows(label=ctx.counter) as uow:
            cfg = load_settings(uow)
            info = _check_show(uow, show_id, now, cfg)
            seats = uow.booking.seats(show_id, wanted, lock=False)
        # 2. expire run-out holds in the way (own transaction; only when there are some)
        if _has_stale_hold(seats, now):
            with box.uows(write=True, label=ctx.counter) as uow:
                _expire_stale(uow, ctx, now, wanted)
                uow.commit()
            with box.uows(label=ctx.counter) as uow:
                seats = uow.booking.seats(show_id, wanted, lock=False)
        _delay(box, ctx, tracker, cfg)
        failures = _classify(wanted, seats, now)
        if failures:
            raise _unavailable(failures, tracker)
        expires = now + timedelta(minutes=cfg.hold_minutes)
        customer = (customer_name, normalise_phone(customer_phone))
        # Steps 3-5 each commit on their own, one after the other on one unit of work (each
        # step after the first begins a new transaction): the database lock is taken and given
        # back three times, between which another process may claim the seats.
        refused: ClaimConflict | None = None
        with box.uows(write=True, label=ctx.counter) as uow:
            tracker.lock_wait_ms += uow.lock_wait_ms
            tracker.waited(uow, "writing the ticket", ctx.counter)
            # 3. the ticket (committed on its own)
            ticket_id = _create_pending(uow, ctx, info, seats, now, expires, customer, code)
            uow.commit()
            # 4. the claims (committed on their own): the safety net is here
            try:
                uow.booking.claim(ticket_id, _claims(seats))
                uow.commit()
            except ClaimConflict as exc:
                uow.rollback()
                refused = exc
                tracker.safety_net += 1
                tracker.event(
                    "SAFETY_NET",
                    "another process was not covered by this lock; the database constraint "
                    "refused the second claim",
                )
                uow.booking.release(
                    ticket_id, TicketStatus.CANCELLED, now, from_status="PENDING_PAYMENT"
                )
                record_audit(
                    uow,
                    ctx,
                    now,
                    "SAFETY_NET",
                    entity_id=ticket_id,
                    show_id=show_id,
                    seats=[s.label for s in seats],
                )
                uow.commit()
            else:
                # 5. the seats' status (committed on its own)
                uow.booking.force_held(ticket_id, ctx.counter, expires, wanted)
                record_audit(
                    uow,
                    ctx,
                    now,
                    "HOLD",
                    entity_id=ticket_id,
                    show_id=show_id,
                    code=code,
                    seats=[s.label for s in seats],
                    strategy=ctx.strategy.value,
                )
                uow.commit()
        if refused is not None:
            raise _unavailable(
                _lost_to_constraint(box, show_id, wanted, refused, now), tracker
            ) from refused
    tracker.event("HOLD", f"held {', '.join(s.label for s in seats)}")
    return _hold_result(ticket_id, code, info, seats, expires, tracker)


__all__ = [
    "DomainError",
    "effective_status",
    "hold_seats",
]
