"""The naive way to hold seats, for the race lab's contrast only (never offered at a counter).

What the reference project does (a Django view under ``transaction.atomic``): read the seats,
check in Python that they are free, then write them, all in one *deferred* transaction and with no
row lock (PostgreSQL: no ``SELECT ... FOR UPDATE``; SQLite: a plain ``BEGIN``, not ``BEGIN
IMMEDIATE``). The write does not re-check what it read (``UPDATE ... SET status = 'HELD'`` by id,
like a model's ``save()``).

What happens, and what the lab shows:

* SQLite: the transaction reads under a snapshot, then its first write has to upgrade the read
  lock to the write lock. If another connection wrote since the snapshot was taken (or is
  writing now), SQLite refuses the upgrade at once with "database is locked", whatever
  ``busy_timeout`` says (DESIGN.md section 4). The hold fails with ``StorageBusy``; nothing was
  written. Those are the failures the reference project hits under load.
* PostgreSQL (READ COMMITTED): two clerks read the same seats as free; both write; the second
  write waits for the first transaction's row lock and then overwrites it. Only the safety net
  stops the second sale: its claim (a live ticket seat) violates ``uq_ticket_seats_live`` and the
  whole transaction rolls back. The report counts it as a safety-net catch and names the winner.

Either way nothing is sold twice: the constraint is the reason, which is the lesson.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import timedelta
from decimal import Decimal

from bms_desktop.domain import rules
from bms_desktop.domain.errors import FailureReason, NotFound, SeatFailure, SeatsUnavailable
from bms_desktop.domain.model import SeatStatus, Strategy
from bms_desktop.domain.pricing import round_money
from bms_desktop.services.context import BoxOffice, CounterContext, load_settings
from bms_desktop.services.dto import (
    ConcurrencyEvent,
    ConcurrencyReport,
    HoldResult,
    PriceLine,
    Quote,
)
from bms_desktop.services.ports import ClaimConflict, ClaimSpec, NewTicket, SeatState
from bms_desktop.services.sale_common import record_audit

NAIVE = "naive"  # the strategy name written on the ticket and in the audit trail


def _report(
    t0: float, *, safety_net: int = 0, events: Sequence[ConcurrencyEvent] = ()
) -> ConcurrencyReport:
    # The naive way is reported in the pessimistic strategy's shape (one attempt, no retries):
    # ConcurrencyReport.strategy is a counter strategy, and this is none of them.
    return ConcurrencyReport(
        strategy=Strategy.PESSIMISTIC,
        attempts=1,
        lock_wait_ms=0.0,
        lock_holder=None,
        retries=0,
        max_retries=0,
        version_conflicts=(),
        lost_seats=(),
        safety_net_catches=safety_net,
        elapsed_ms=round((time.perf_counter() - t0) * 1000.0, 2),
        delay_ms=0.0,
        events=tuple(events),
    )


def _failures(wanted: Sequence[int], seats: Sequence[SeatState]) -> list[SeatFailure]:
    by_id = {s.show_seat_id: s for s in seats}
    out: list[SeatFailure] = []
    for sid in wanted:
        s = by_id.get(sid)
        if s is None:
            out.append(SeatFailure(f"seat #{sid}", FailureReason.UNKNOWN))
        elif s.status == SeatStatus.SOLD:
            out.append(SeatFailure(s.label, FailureReason.SOLD, s.counter))
        elif s.status == SeatStatus.HELD:  # the naive view does not look at hold expiry either
            out.append(SeatFailure(s.label, FailureReason.HELD, s.counter))
        elif s.status != SeatStatus.AVAILABLE:
            out.append(SeatFailure(s.label, FailureReason.BLOCKED))
    return out


def hold_seats_naive(
    box: BoxOffice, ctx: CounterContext, *, show_id: int, show_seat_ids: Sequence[int]
) -> HoldResult:
    """Read, check in Python, write: one deferred transaction, no lock (see the module doc).

    Raises SeatsUnavailable (seen taken, or refused by the safety net: ``FailureReason.CONSTRAINT``
    with the winner), StorageBusy ("database is locked" on SQLite), NotFound."""
    wanted = rules.validate_seat_ids(list(show_seat_ids))
    t0 = time.perf_counter()
    # deferred: BEGIN, not BEGIN IMMEDIATE (the write lock is asked for at the first write)
    with box.uows(write=True, deferred=True, label=ctx.counter) as uow:
        now = box.now()
        cfg = load_settings(uow)
        info = uow.booking.show_info(show_id)
        if info is None:
            raise NotFound(f"show {show_id} does not exist")
        seats = uow.booking.seats(show_id, wanted, lock=False)  # no FOR UPDATE
        if ctx.delay_ms > 0:
            box.sleep(ctx.delay_ms / 1000.0)
        failures = _failures(wanted, seats)
        if failures:
            raise SeatsUnavailable(failures, _report(t0))
        expires = now + timedelta(minutes=cfg.hold_minutes)
        subtotal = round_money(sum((s.price for s in seats), Decimal("0")))
        code = rules.generate_ticket_code()
        # The first write: on SQLite the read transaction must now become a write transaction.
        ticket_id = uow.booking.create_ticket(
            NewTicket(
                code=code, show_id=show_id, counter=ctx.counter, staff_id=ctx.staff_id,
                strategy=NAIVE, seat_count=len(seats), subtotal=subtotal,
                discount=Decimal("0.00"), total=subtotal, hold_expires_at=expires,
                created_at=now, customer_name=None, customer_phone=None,
            )
        )  # fmt: skip
        uow.booking.force_held(ticket_id, ctx.counter, expires, wanted)  # no re-check: save()
        try:
            uow.booking.claim(
                ticket_id, [ClaimSpec(s.show_seat_id, s.label, s.seat_type, s.price) for s in seats]
            )
        except ClaimConflict as exc:
            uow.rollback()
            event = ConcurrencyEvent(
                now, "SAFETY_NET", "only the database constraint stopped this sale", 0.0
            )
            owners = _owners(box, exc.show_seat_ids)
            lost = [
                SeatFailure(s.label, FailureReason.CONSTRAINT, owners.get(s.show_seat_id))
                for s in seats
                if s.show_seat_id in exc.show_seat_ids
            ]
            raise SeatsUnavailable(lost, _report(t0, safety_net=1, events=[event])) from exc
        record_audit(
            uow, ctx, now, "HOLD", entity_id=ticket_id, show_id=show_id, code=code,
            seats=[s.label for s in seats], strategy=NAIVE,
        )  # fmt: skip
        uow.commit()
    lines = tuple(
        PriceLine(s.label, s.seat_type, s.price, f"{s.seat_type.title()} {s.price:.2f}")
        for s in seats
    )
    return HoldResult(
        ticket_id=ticket_id,
        ticket_code=code,
        show_id=show_id,
        seat_labels=tuple(s.label for s in seats),
        show_seat_ids=tuple(s.show_seat_id for s in seats),
        expires_at=expires,
        quote=Quote(lines, subtotal, Decimal("0.00"), subtotal),
        report=_report(t0),
    )


def _owners(box: BoxOffice, show_seat_ids: Sequence[int]) -> dict[int, str]:
    """Who owns the live claims that refused ours (a fresh read after the rollback)."""
    try:
        with box.uows() as uow:
            return uow.booking.live_claim_owners(show_seat_ids)
    except Exception:  # the winner's name is a courtesy; the refusal stands without it
        return {}


__all__ = ["NAIVE", "hold_seats_naive"]
