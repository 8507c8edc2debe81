"""Selling seats: hold, confirm, release, fail, cancel and refund, expire.

Three strategies compete for seats (DESIGN.md section 4); whichever is used, the database's
partial unique index on live ticket seats is the safety net, and it is the only other reason a
double sale cannot happen. Every outcome carries a ``ConcurrencyReport`` in numbers.

Confirmation, expiry, release and cancellation are the same for every strategy: each is one atomic
conditional step in the database, so an expiry and a late payment can never both win.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from bms_desktop.domain import cinema_time, limits, rules
from bms_desktop.domain.coupons import evaluate_coupon, normalise_code
from bms_desktop.domain.errors import (
    CouponRejected,
    DomainError,
    FailureReason,
    InvalidState,
    NotFound,
    PermissionDenied,
    SeatFailure,
    SeatsUnavailable,
    ValidationError,
)
from bms_desktop.domain.model import (
    PaymentKind,
    PaymentMode,
    PaymentStatus,
    Role,
    SeatStatus,
    Strategy,
    TicketStatus,
)
from bms_desktop.domain.pricing import round_money
from bms_desktop.services.approvals import CANCEL_REFUND, Approval
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
    AuditRecord,
    ClaimConflict,
    ClaimSpec,
    NewPayment,
    NewTicket,
    SeatState,
    ShowInfo,
    StorageBusy,
    TicketRecord,
    UnitOfWork,
)
from bms_desktop.services.price_lines import ticket_price_line  # issue 8 (admin-B)
from bms_desktop.services.tender import Tender, plan, record_refund, record_sale, settle  # issue 11

WAIT_REPORT_THRESHOLD_MS = 2.0  # below this a lock "wait" is just the cost of taking it
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


def _audit(
    uow: UnitOfWork,
    ctx: CounterContext,
    now: datetime,
    action: str,
    *,
    entity: str = "ticket",
    entity_id: object = "",
    show_id: int | None = None,
    more: Mapping[str, object] | None = None,
    **details: object,
) -> None:
    uow.audit.add(
        AuditRecord(
            at=now,
            action=action,
            username=ctx.username,
            staff_id=ctx.staff_id,
            counter=ctx.counter,
            entity=entity,
            entity_id=str(entity_id),
            show_id=show_id,
            details={**details, **(more or {})},
        )
    )


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
            _audit(
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
    _audit(
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
    customer_name, customer_phone = _customer(customer_name, customer_phone)
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
                _audit(
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
                _audit(
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


# --------------------------------------------------------------------------- coupons


def normalise_phone(phone: str | None) -> str | None:
    """A phone number as stored and compared: digits and '+' only, as ``find_bookings`` searches
    (so "98450 12345" and "98450-12345" are one customer)."""
    kept = "".join(ch for ch in (phone or "") if ch.isdigit() or ch == "+")
    digits = kept.lstrip("+")
    if len(digits) == 12 and digits.startswith("91"):  # +91 98450 12345 -> 9845012345
        return digits[2:]
    if len(digits) == 11 and digits.startswith("0"):  # 098450 12345 (trunk prefix)
        return digits[1:]
    return kept or None


def _customer_key(phone: str | None) -> str:
    return normalise_phone(phone) or "walk-in"


def checked_phone(phone: str | None) -> str | None:
    """The phone number as stored, or ValidationError when it is longer than the column."""
    normal = normalise_phone(phone)
    if normal is None:
        return None
    limits.check_length(
        normal, limits.limit(limits.CUSTOMER_PHONE), what="a phone number", field="customer_phone"
    )
    return normal


def _customer(name: str | None, phone: str | None) -> tuple[str | None, str | None]:
    """The customer's name and phone as they will be stored; too long: ValidationError."""
    checked = limits.check_text(
        name, limits.CUSTOMER_NAME, what="the customer's name", field="customer_name"
    )
    return checked, checked_phone(phone)


# --------------------------------------------------------------------------- waits


@dataclass(frozen=True, slots=True)
class WaitNote:
    """A wait for the database lock in a write of a payment, release, coupon or refund."""

    at: datetime
    ms: float
    holder: str | None
    what: str


_WAITS: ContextVar[list[WaitNote] | None] = ContextVar("bms_waits", default=None)


@contextmanager
def recording_waits() -> Iterator[list[WaitNote]]:
    """Collect, in this thread, every lock wait of the service calls made inside the block
    (a counter's worker wraps an action in it, so that the event log shows every wait)."""
    notes: list[WaitNote] = []
    token = _WAITS.set(notes)
    try:
        yield notes
    finally:
        _WAITS.reset(token)


def _note_wait(box: BoxOffice, uow: UnitOfWork, ctx: CounterContext, what: str) -> None:
    notes = _WAITS.get()
    if notes is None or uow.dialect != "sqlite" or uow.lock_wait_ms < WAIT_REPORT_THRESHOLD_MS:
        return
    holder = uow.booking.last_writer()
    notes.append(
        WaitNote(box.now(), uow.lock_wait_ms, None if holder == ctx.counter else holder, what)
    )


def apply_coupon(
    box: BoxOffice,
    ctx: CounterContext,
    *,
    ticket_id: int,
    code: str,
    customer_phone: str | None = None,
) -> Quote:
    """Attach a coupon to a pending ticket (the use is counted at confirmation)."""
    ctx.require(Role.CLERK, "Applying a coupon")  # issue 12: an usher only admits
    code = normalise_code(code)
    if len(code) > limits.limit(limits.COUPON_CODE):
        raise CouponRejected(f"there is no coupon {code[:20]}… (a code has at most 20 characters)")
    customer_phone = checked_phone(customer_phone) if customer_phone else customer_phone
    now = box.now()
    with box.uows(write=True, label=ctx.counter) as uow:
        _note_wait(box, uow, ctx, f"applying {code}")
        ticket = _pending(uow, ticket_id, now)
        coupon = uow.booking.coupon_by_code(code)
        if coupon is None:
            raise CouponRejected(f"there is no coupon {code}")
        phone = customer_phone if customer_phone is not None else ticket.customer_phone
        if coupon.per_customer_limit is not None and not normalise_phone(phone):
            raise CouponRejected(
                f"{code} is limited per customer: enter the customer's phone number first"
            )
        uses = uow.booking.coupon_uses(coupon.coupon_id, _customer_key(phone))
        info = uow.booking.show_info(ticket.show_id)
        discount = evaluate_coupon(
            coupon,
            subtotal=ticket.subtotal,
            now=now,
            customer_uses=uses,
            tz=None if info is None else info.timezone,
        )
        total = round_money(ticket.subtotal - discount)
        uow.booking.set_ticket_amounts(
            ticket_id, discount=discount, total=total, coupon_id=coupon.coupon_id
        )
        if customer_phone is not None:
            uow.booking.set_customer(
                ticket_id, ticket.customer_name, normalise_phone(customer_phone)
            )
        _audit(
            uow, ctx, now, "COUPON_APPLIED", entity_id=ticket_id, code=code, discount=str(discount)
        )
        uow.commit()
    return _quote_of(box, ticket_id, f"{code}: {discount:.2f} off")


def remove_coupon(box: BoxOffice, ctx: CounterContext, *, ticket_id: int) -> Quote:
    ctx.require(Role.CLERK, "Removing a coupon")  # issue 12: an usher only admits
    now = box.now()
    with box.uows(write=True, label=ctx.counter) as uow:
        _note_wait(box, uow, ctx, "removing the coupon")
        ticket = _pending(uow, ticket_id, now)
        uow.booking.set_ticket_amounts(
            ticket_id, discount=Decimal("0.00"), total=ticket.subtotal, coupon_id=None
        )
        uow.commit()
    return _quote_of(box, ticket_id, None)


def _quote_of(box: BoxOffice, ticket_id: int, message: str | None) -> Quote:
    with box.uows() as uow:
        ticket = uow.booking.ticket(ticket_id)
        assert ticket is not None
        lines = tuple(  # issue 8 (admin-B): each line names its ticket type
            ticket_price_line(ts.label, ts.seat_type, ts.price, ts.ticket_type)
            for ts in uow.booking.ticket_seats(ticket_id)
        )
        coupon = uow.booking.coupon_by_id(ticket.coupon_id) if ticket.coupon_id else None
    return Quote(
        lines=lines,
        subtotal=ticket.subtotal,
        discount=ticket.discount,
        total=ticket.total,
        coupon_code=None if coupon is None else coupon.code,
        coupon_message=message,
    )


def _pending(uow: UnitOfWork, ticket_id: int, now: datetime) -> TicketRecord:
    ticket = uow.booking.ticket(ticket_id)
    if ticket is None:
        raise NotFound(f"ticket {ticket_id} does not exist")
    if ticket.status != TicketStatus.PENDING_PAYMENT:
        raise InvalidState(_not_pending_message(ticket))
    if not rules.hold_is_live(ticket.hold_expires_at, now):
        raise InvalidState(f"the hold on {ticket.code} has run out; hold the seats again")
    return ticket


def _not_pending_message(ticket: TicketRecord) -> str:
    return {
        TicketStatus.CONFIRMED: f"{ticket.code} is already paid and confirmed",
        TicketStatus.CANCELLED: f"{ticket.code} was cancelled",
        TicketStatus.EXPIRED: f"the hold on {ticket.code} expired; hold the seats again",
    }.get(TicketStatus(ticket.status), f"{ticket.code} is {ticket.status}")


# --------------------------------------------------------------------------- confirm / fail


@dataclass(frozen=True)
class ConfirmResult:
    ticket_id: int
    ticket_code: str
    total: Decimal
    mode: PaymentMode
    tendered: Decimal | None
    change_due: Decimal | None
    payment_id: int
    confirmed_at: datetime | None = None
    payment_ids: tuple[int, ...] = ()  # issue 11: one per tender of a split payment
    tenders: tuple[tuple[PaymentMode, Decimal], ...] = ()  # issue 11: (mode, amount) per part


def _money(value: Decimal | str | None, what: str) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation as exc:
        raise ValidationError(f"{what} '{value}' is not an amount", field=what) from exc
    if amount < 0 or amount != amount:  # noqa: PLR0124 - NaN check
        raise ValidationError(f"{what} cannot be negative", field=what)
    return round_money(amount)


@keyed(OperationKind.CONFIRM)  # issue 13: a lost commit -> OutcomeUnknown naming the ticket
def confirm_booking(
    box: BoxOffice,
    ctx: CounterContext,
    *,
    ticket_id: int,
    mode: PaymentMode | str,
    reference: str | None = None,
    tendered: Decimal | str | None = None,
    customer_name: str | None = None,
    customer_phone: str | None = None,
    split: Sequence[Tender] | None = None,
) -> ConfirmResult:
    """Take payment and sell the held seats: one atomic step, whatever the strategy.

    ``split`` (issue 11): several tenders adding up to the total (``mode`` is then the first
    part's). A signed-in clerk's payment rows go into the counter's open shift (services.tender).
    """
    ctx.require(Role.CLERK, "Taking payment")  # issue 12: an usher only admits
    try:
        pay_mode = PaymentMode(mode)
    except ValueError as exc:
        raise ValidationError(f"unknown payment mode {mode}") from exc
    cash = _money(tendered, "tendered amount")
    reference = limits.check_text(
        reference, limits.PAYMENT_REFERENCE, what="a payment reference", field="reference"
    )
    if customer_name is not None or customer_phone is not None:
        customer_name, customer_phone = _customer(customer_name, customer_phone)
    if pay_mode == PaymentMode.CASH and cash is None and not split:
        raise ValidationError("enter the cash tendered", field="tendered")
    tenders = plan(pay_mode, cash, reference, split)  # issue 11
    now = box.now()
    with box.uows(write=True, lock_timeout_ms=ctx.lock_timeout_ms, label=ctx.counter) as uow:
        _note_wait(box, uow, ctx, "taking the payment")
        given = [t.tendered for t in tenders if t.tendered is not None]  # issue 11: split too
        if given:
            ceiling = load_settings(uow).cash_tendered_limit
            for handed in given:
                if handed > ceiling:
                    raise ValidationError(
                        f"{_rupees(handed)} is more cash than one sale takes (at most "
                        f"{_rupees(ceiling)}); check the amount tendered",
                        field="tendered",
                    )
        ticket = uow.booking.ticket(ticket_id)
        if ticket is None:
            raise NotFound(f"ticket {ticket_id} does not exist")
        if ticket.status != TicketStatus.PENDING_PAYMENT:
            raise InvalidState(_not_pending_message(ticket))
        if not rules.hold_is_live(ticket.hold_expires_at, now):
            # The expiry wins: record it now so that nobody is ever charged for lost seats.
            if uow.booking.expire_ticket(ticket_id, now):
                _audit(
                    uow,
                    ctx,
                    now,
                    "EXPIRY",
                    entity_id=ticket_id,
                    show_id=ticket.show_id,
                    code=ticket.code,
                    on_late_payment=True,
                )
                uow.commit()
            raise InvalidState(
                f"the hold on {ticket.code} ran out before payment; nothing was charged. "
                "Hold the seats again."
            )
        tenders = settle(tenders, ticket.total)  # issue 11: amounts add up, change per cash part
        if customer_name is not None or customer_phone is not None:
            uow.booking.set_customer(
                ticket_id,
                (customer_name or "").strip() or ticket.customer_name,
                normalise_phone(customer_phone) or ticket.customer_phone,
            )
        if ticket.coupon_id is not None:
            coupon = uow.booking.coupon_by_id(ticket.coupon_id)
            assert coupon is not None
            key = _customer_key(customer_phone or ticket.customer_phone)
            # Re-check the rules with the counts as they are now, then count the use atomically.
            evaluate_coupon(
                coupon,
                subtotal=ticket.subtotal,
                now=now,
                customer_uses=uow.booking.coupon_uses(coupon.coupon_id, key),
            )
            if not uow.booking.redeem_coupon(coupon.coupon_id, ticket_id, key, now):
                raise CouponRejected(
                    f"{coupon.code} has just reached its usage limit; remove it to continue"
                )
            limit = coupon.per_customer_limit
            if limit is not None and uow.booking.coupon_uses(coupon.coupon_id, key) > limit:
                raise CouponRejected(
                    f"this customer has already used {coupon.code} {limit} time(s)"
                )
        if not uow.booking.confirm(ticket_id, now):
            uow.rollback()
            raise InvalidState(
                f"{ticket.code} could not be confirmed: its seats are no longer held by it"
            )
        paid = record_sale(uow, ctx, ticket, tenders, now)  # issue 11: the shift's payment rows
        payment_id, change = paid[0].payment_id, paid[0].change
        _audit(
            uow,
            ctx,
            now,
            "SALE",
            entity_id=ticket_id,
            show_id=ticket.show_id,
            code=ticket.code,
            total=str(ticket.total),
            mode=pay_mode.value,
            more={"split": [[p.mode.value, str(p.amount)] for p in paid]} if split else None,
        )
        uow.commit()
    return ConfirmResult(
        ticket_id, ticket.code, ticket.total, pay_mode, paid[0].tendered, change, payment_id,
        now, tuple(p.payment_id for p in paid), tuple((p.mode, p.amount) for p in paid),
    )  # fmt: skip


def _rupees(amount: Decimal) -> str:
    return f"₹{amount:,.2f}"


@keyed(OperationKind.RELEASE)  # issue 13: a lost commit -> OutcomeUnknown naming the ticket
def record_failed_payment(
    box: BoxOffice,
    ctx: CounterContext,
    *,
    ticket_id: int,
    mode: PaymentMode | str,
    reason: str = "",
    release: bool = True,
) -> None:
    """A payment that did not go through: recorded; by default the held seats go back on sale
    (HELD -> AVAILABLE on payment failure). ``release=False`` keeps the hold for another try."""
    ctx.require(Role.CLERK, "Recording a payment")  # issue 12: an usher only admits
    try:
        pay_mode = PaymentMode(mode)
    except ValueError as exc:
        raise ValidationError(f"unknown payment mode {mode}") from exc
    reason = (
        limits.check_text(reason, limits.PAYMENT_REFERENCE, what="the reason", field="reason") or ""
    )
    now = box.now()
    with box.uows(write=True, label=ctx.counter) as uow:
        _note_wait(box, uow, ctx, "recording the failed payment")
        ticket = _pending(uow, ticket_id, now)
        uow.booking.add_payment(
            NewPayment(
                ticket_id=ticket_id,
                kind=PaymentKind.PAYMENT,
                mode=pay_mode,
                status=PaymentStatus.FAILED,
                amount=ticket.total,
                created_at=now,
                counter=ctx.counter,
                staff_id=ctx.staff_id,
                reference=reason or None,
            )
        )
        if release:
            uow.booking.release(
                ticket_id, TicketStatus.CANCELLED, now, from_status="PENDING_PAYMENT"
            )
        _audit(
            uow,
            ctx,
            now,
            "PAYMENT_FAILED",
            entity_id=ticket_id,
            show_id=ticket.show_id,
            code=ticket.code,
            mode=pay_mode.value,
            reason=reason,
            released=release,
        )
        uow.commit()


@keyed(OperationKind.RELEASE)  # issue 13: a lost commit -> OutcomeUnknown naming the ticket
def release_hold(box: BoxOffice, ctx: CounterContext, *, ticket_id: int) -> bool:
    """Give held seats back. False if there was nothing to release (already gone)."""
    ctx.require(Role.CLERK, "Releasing seats")  # issue 12: an usher only admits
    now = box.now()
    with box.uows(write=True, label=ctx.counter) as uow:
        _note_wait(box, uow, ctx, "releasing the seats")
        ticket = uow.booking.ticket(ticket_id)
        if ticket is None:
            raise NotFound(f"ticket {ticket_id} does not exist")
        if ticket.status != TicketStatus.PENDING_PAYMENT:
            return False
        if not uow.booking.release(
            ticket_id, TicketStatus.CANCELLED, now, from_status="PENDING_PAYMENT"
        ):
            return False
        _audit(
            uow, ctx, now, "RELEASE", entity_id=ticket_id, show_id=ticket.show_id, code=ticket.code
        )
        uow.commit()
    return True


# --------------------------------------------------------------------------- cancel / refund


@dataclass(frozen=True)
class RefundResult:
    ticket_id: int
    ticket_code: str
    refund: Decimal
    fee: Decimal
    mode: PaymentMode
    approved_by: str
    show_id: int = 0
    seat_labels: tuple[str, ...] = ()
    show_seat_ids: tuple[int, ...] = ()
    counter: str = ""
    parts: tuple[tuple[PaymentMode, Decimal], ...] = ()  # issue 11: (mode, amount) paid back


def refund_preview(box: BoxOffice, *, ticket_id: int, fee: Decimal | str | None = None) -> Decimal:
    """The amount a cancellation would refund, for the approval dialog."""
    now = box.now()
    with box.uows() as uow:
        cfg = load_settings(uow)
        ticket, _info = _cancellable(uow, ticket_id, now, cfg)
    fee_value = _money(fee, "fee") if fee is not None else Decimal(cfg.cancellation_fee)
    return rules.compute_refund(total=ticket.total, fee=fee_value or Decimal("0.00"))


def _cancellable(
    uow: UnitOfWork, ticket_id: int, now: datetime, cfg: BoxOfficeSettings
) -> tuple[TicketRecord, ShowInfo]:
    ticket = uow.booking.ticket(ticket_id)
    if ticket is None:
        raise NotFound(f"ticket {ticket_id} does not exist")
    if ticket.status != TicketStatus.CONFIRMED:
        raise InvalidState(
            f"only a confirmed booking can be cancelled; {ticket.code} is "
            f"{ticket.status.replace('_', ' ').lower()}"
        )
    info = uow.booking.show_info(ticket.show_id)
    assert info is not None
    rules.ensure_cancellable(
        show_start=info.starts_at, now=now, cutoff_min=cfg.cancel_cutoff_minutes, tz=info.timezone
    )
    return ticket, info


def _cancel_approver(
    box: BoxOffice, uow: UnitOfWork, ctx: CounterContext, ticket_id: int, approval: object | None
) -> tuple[int, str, Approval | None]:
    """Who approves this cancellation: the clerk, if the staff table says they are a supervisor
    (or admin), else the supervisor behind an approval this box office issued for exactly this
    ticket at this counter (never the clerk who asked). (staff id, name, approval to use up)."""
    what = "Cancelling and refunding a booking"
    if ctx.staff_id is not None:
        staff = uow.staff.by_id(ctx.staff_id)
        if (
            staff is not None
            and staff.active
            and Role(staff.role).at_least(Role.SUPERVISOR)
            and approval is None
        ):
            return staff.staff_id, staff.username, None
    if approval is None:
        raise PermissionDenied(
            f"{what} needs a supervisor; {ctx.username} is a {ctx.role.value.lower()}"
            if not ctx.role.at_least(Role.SUPERVISOR)
            else f"{what} needs a supervisor: {ctx.username} is not one on the staff list"
        )
    issued = box.approvals.check(
        approval,
        action=CANCEL_REFUND,
        subject=ticket_id,
        counter=ctx.counter,
        requested_by=ctx.staff_id,
        now=box.now(),
    )
    approver = uow.staff.by_id(issued.approver_id)
    if approver is None or not approver.active or not Role(approver.role).at_least(Role.SUPERVISOR):
        raise PermissionDenied(f"{issued.approver} can no longer approve this; ask again")
    if ctx.staff_id is not None and approver.staff_id == ctx.staff_id:
        raise PermissionDenied("nobody approves their own cancellation; ask another supervisor")
    return approver.staff_id, approver.username, issued


@keyed(OperationKind.CANCEL)  # issue 13: a lost commit -> OutcomeUnknown naming the ticket
def cancel_booking(
    box: BoxOffice,
    ctx: CounterContext,
    *,
    ticket_id: int,
    approval: Approval | None = None,
    fee: Decimal | str | None = None,
    reason: str = "",
) -> RefundResult:
    """Cancel a confirmed booking and refund it: a supervisor (as the staff table says) does it,
    or approves it by signing in at the counter (``auth.grant_approval``: ``approval``)."""
    reason = (
        limits.check_text(reason, limits.PAYMENT_REFERENCE, what="the reason", field="reason") or ""
    )
    now = box.now()
    with box.uows(write=True, label=ctx.counter) as uow:
        _note_wait(box, uow, ctx, "cancelling the booking")
        approver_id, approver_name, used = _cancel_approver(box, uow, ctx, ticket_id, approval)
        cfg = load_settings(uow)
        ticket, info = _cancellable(uow, ticket_id, now, cfg)
        fee_value = _money(fee, "fee") if fee is not None else Decimal(cfg.cancellation_fee)
        refund = rules.compute_refund(total=ticket.total, fee=fee_value or Decimal("0.00"))
        if not uow.booking.release(ticket_id, TicketStatus.CANCELLED, now, from_status="CONFIRMED"):
            # issue 12: the release refuses a ticket admitted at the door; say so.
            from bms_desktop.services.door import cancel_refusal

            raise InvalidState(
                cancel_refusal(uow, ticket_id, now) or f"{ticket.code} was cancelled meanwhile"
            )
        uow.booking.return_coupon(ticket_id, now)
        # issue 11: back to the original tenders, cash through this counter's open shift
        refunded = record_refund(
            uow, ctx, ticket, refund, approved_by_id=approver_id, reason=reason, now=now
        )
        _audit(
            uow,
            ctx,
            now,
            "CANCEL_REFUND",
            entity_id=ticket_id,
            show_id=info.show_id,
            code=ticket.code,
            refund=str(refund),
            fee=str(fee_value),
            approved_by=approver_name,
            reason=reason,
        )
        seats = uow.booking.ticket_seats(ticket_id)
        if used is not None:
            box.approvals.consume(used)  # once: a second use is refused
        uow.commit()
    return RefundResult(
        ticket_id,
        ticket.code,
        refund,
        fee_value or Decimal("0.00"),
        refunded[0].mode,
        approver_name,
        show_id=info.show_id,
        seat_labels=tuple(s.label for s in seats),
        show_seat_ids=tuple(s.show_seat_id for s in seats),
        counter=ctx.counter,
        parts=tuple((p.mode, p.amount) for p in refunded),  # issue 11
    )


# --------------------------------------------------------------------------- expiry


def expire_holds(box: BoxOffice, ctx: CounterContext | None = None, *, limit: int = 500) -> int:
    """The sweeper: expire every ticket whose hold ran out (seats freed in the same step)."""
    from bms_desktop.services.context import SYSTEM

    who = ctx or SYSTEM
    now = box.now()
    with box.uows() as uow:
        stale = uow.booking.stale_ticket_ids(now, limit=limit)
    if not stale:
        return 0
    count = 0
    with box.uows(write=True, label=who.counter) as uow:
        for tid in stale:
            ticket = uow.booking.ticket(tid)
            if ticket is not None and uow.booking.expire_ticket(tid, now):
                count += 1
                _audit(
                    uow, who, now, "EXPIRY", entity_id=tid, show_id=ticket.show_id, code=ticket.code
                )
        uow.commit()
    return count


__all__ = [
    "ConfirmResult",
    "DomainError",
    "RefundResult",
    "WaitNote",
    "apply_coupon",
    "cancel_booking",
    "checked_phone",
    "confirm_booking",
    "effective_status",
    "expire_holds",
    "hold_seats",
    "normalise_phone",
    "record_failed_payment",
    "recording_waits",
    "refund_preview",
    "release_hold",
    "remove_coupon",
]
