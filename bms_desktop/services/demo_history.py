"""The demo box office's past (issue 11): a few business days of shifts, sales and cash-ups at
the demo's cinema, so that the reports, the X and Z reports and the seat heat map have data.

Everything goes through the services, with the box office's clock set back to the day being
played: shifts open in the morning with a float, the two demo clerks sell through the day (best
seats first, mostly; cash, UPI, card, a few split payments and coupons), a supervisor cancels a
few bookings, cash is dropped to the safe, and every shift is counted and closed at night with the
supervisor's sign-off (a couple of drawers a few rupees out).
"""

from __future__ import annotations

import contextlib
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from bms_desktop.domain import cash
from bms_desktop.domain.errors import DomainError
from bms_desktop.domain.model import PaymentMode, Role, Strategy
from bms_desktop.domain.seating import SeatSlot, best_available
from bms_desktop.services import booking, cancellation, catalog, checkout, queries, shifts
from bms_desktop.services.context import SYSTEM, BoxOffice, CounterContext
from bms_desktop.services.dto import HoldResult
from bms_desktop.services.tender import Tender

HISTORY_DAYS = 3
HISTORY_SLOTS = (time(16, 30), time(20, 0))
OPENING_FLOATS = {"Counter 1": Decimal("2000.00"), "Counter 2": Decimal("1500.00")}
DEMO_COUNTERS = (
    ("asha", "Counter 1", Strategy.PESSIMISTIC),
    ("ravi", "Counter 2", Strategy.OPTIMISTIC),
)


@dataclass
class _Clock:
    now: datetime

    def __call__(self) -> datetime:
        return self.now


@dataclass(frozen=True)
class People:
    clerks: tuple[CounterContext, ...]  # the demo clerks at their counters
    supervisor: CounterContext  # at Counter 1, for cancellations
    sign_off: shifts.SupervisorSignOff


def people(box: BoxOffice, passwords: dict[str, str]) -> People:
    with box.uows() as uow:
        found = {name: uow.staff.by_username(name) for name in ("asha", "ravi", "supervisor")}
    ids = {n: s.staff_id for n, s in found.items() if s is not None}
    clerks = tuple(
        CounterContext(counter, ids[name], name, Role.CLERK, strategy)
        for name, counter, strategy in DEMO_COUNTERS
    )
    boss = CounterContext("Counter 1", ids["supervisor"], "supervisor", Role.SUPERVISOR)
    return People(clerks, boss, shifts.SupervisorSignOff("supervisor", passwords["supervisor"]))


def denominations_of(total: Decimal) -> cash.CashCount:
    """A plausible drawer for ``total``: notes and coins, largest first, paise as 'other'."""
    left = total
    pieces: dict[str, int] = {}
    for d in cash.DENOMINATIONS:
        n = int(left // d.value)
        if d.key == "N500" and n > 2:
            n -= 2  # keep a few smaller notes, as a real drawer does
        if n:
            pieces[d.key] = n
            left -= d.value * n
    return cash.count_by_denomination(pieces, left)


def _group(rng: random.Random, slots: dict[int, SeatSlot], size: int) -> tuple[int, ...] | None:
    free = [s for s in slots.values() if s.available]
    if len(free) < size:
        return None
    if rng.random() < 0.75:  # most customers take the best seats left
        return best_available(list(slots.values()), size)
    by_row: dict[int, list[SeatSlot]] = {}
    for s in free:
        by_row.setdefault(s.row, []).append(s)
    rows = [r for r, seats in by_row.items() if len(seats) >= size]
    if not rows:
        return best_available(list(slots.values()), size)
    seats = sorted(by_row[rng.choice(rows)], key=lambda s: s.col)
    start = rng.randrange(0, len(seats) - size + 1)
    block = seats[start : start + size]
    if block[-1].col - block[0].col != size - 1:
        return best_available(list(slots.values()), size)
    return tuple(s.key for s in block)


def _pay(box: BoxOffice, ctx: CounterContext, rng: random.Random, held: HoldResult) -> None:
    total = held.quote.total
    roll = rng.random()
    if roll < 0.06 and total > 200:
        cash_part = Decimal(int(total / 2 // 10 * 10))
        checkout.confirm_booking(box, ctx, ticket_id=held.ticket_id, mode="UPI", split=[
            Tender(PaymentMode.UPI, total - cash_part, f"UPI{rng.randrange(10**8):08d}"),
            Tender(PaymentMode.CASH, cash_part, tendered=cash_part + 50 - cash_part % 50),
        ])  # fmt: skip
    elif roll < 0.50:
        tendered = (total // 100 + 1) * 100 if rng.random() < 0.7 else total
        checkout.confirm_booking(box, ctx, ticket_id=held.ticket_id, mode="CASH", tendered=tendered)
    else:
        mode = rng.choice(("UPI", "UPI", "UPI", "CREDIT_CARD", "CREDIT_CARD", "NETBANKING"))
        checkout.confirm_booking(
            box, ctx, ticket_id=held.ticket_id, mode=mode, reference=f"R{rng.randrange(10**6):06d}"
        )


def play_history(
    box: BoxOffice,
    *,
    theater_id: int,
    timezone: str,
    screen_ids: Sequence[int],
    movie_ids: Sequence[int],
    languages: dict[int, str],
    passwords: dict[str, str],
    rng: random.Random,
    days: int = HISTORY_DAYS,
) -> int:
    """Play ``days`` past business days at the cinema; the number of tickets sold."""
    zone = cash.zone(timezone)
    clock = _Clock(box.now())
    past = replace(box, clock=clock)
    who = people(box, passwords)
    today = cash.business_date(box.now(), timezone)
    first = today - timedelta(days=days)

    def at(day: date, hh: int, mm: int = 0) -> datetime:
        return datetime.combine(day, time(hh, mm), zone).astimezone(UTC)

    # Every history show goes on sale two days before the first day, in the morning.
    clock.now = at(first - timedelta(days=2), 8)
    plan: dict[date, list[tuple[int, datetime]]] = {}
    k = 0
    for d in range(days):
        day = first + timedelta(days=d)
        for slot in HISTORY_SLOTS:
            for screen_id in screen_ids:
                starts = datetime.combine(day, slot, zone).astimezone(UTC)
                movie_id = movie_ids[k % len(movie_ids)]
                k += 1
                show_id = catalog.schedule_show(
                    past, SYSTEM, movie_id=movie_id, screen_id=screen_id, starts_at=starts,
                    language=languages.get(movie_id, "Hindi"), format="2D",
                )  # fmt: skip
                plan.setdefault(day, []).append((show_id, starts))
    sold = 0
    for d in range(days):
        day = first + timedelta(days=d)
        sold += _play_day(past, clock, who, rng, day, plan[day], at, theater_id, zone)
    return sold


def _play_day(
    box: BoxOffice,
    clock: _Clock,
    who: People,
    rng: random.Random,
    day: date,
    shows: Sequence[tuple[int, datetime]],
    at: Callable[..., datetime],
    theater_id: int,
    zone: ZoneInfo,
) -> int:
    clock.now = at(day, 8, 45)
    opened = {}
    for ctx in who.clerks:
        view = shifts.open_shift(
            box, ctx, theater_id=theater_id, opening_float=OPENING_FLOATS[ctx.counter]
        )
        opened[ctx.counter] = view.shift_id
        clock.now += timedelta(minutes=3)
    sales: list[tuple[datetime, int]] = []
    slots: dict[int, dict[int, SeatSlot]] = {}
    for show_id, starts in shows:
        smap = queries.get_seat_map(box, show_id)
        slots[show_id] = {
            s.show_seat_id: SeatSlot(s.show_seat_id, s.row, s.col, s.seat_type, True)
            for s in smap.seats
            if s.status == "AVAILABLE"
        }
        prime = starts.astimezone(zone).hour >= 18
        seats_wanted = int(len(slots[show_id]) * rng.uniform(0.25, 0.5 if prime else 0.3))
        start, end = at(day, 9, 0), starts - timedelta(minutes=10)
        span = (end - start).total_seconds()
        n_sales = max(1, seats_wanted // 3)
        for _ in range(n_sales):
            sales.append((start + timedelta(seconds=rng.uniform(0, span)), show_id))
    sales.sort()
    sold_tickets: list[tuple[int, datetime]] = []  # (ticket, show start) for cancellations
    drops_done: set[tuple[str, int]] = set()
    count = 0
    for when, show_id in sales:
        clock.now = when
        ctx = who.clerks[rng.randrange(len(who.clerks))]
        size = rng.choice((1, 2, 2, 2, 3, 3, 4, 5, 6))
        group = _group(rng, slots[show_id], size)
        if group is None:
            continue
        for key in group:
            slots[show_id][key] = replace(slots[show_id][key], available=False)
        try:
            held = booking.hold_seats(box, ctx, show_id=show_id, show_seat_ids=group)
            if rng.random() < 0.1:
                code = "WELCOME10" if held.quote.total < 300 or rng.random() < 0.5 else "FLAT50"
                try:
                    checkout.apply_coupon(box, ctx, ticket_id=held.ticket_id, code=code)
                    held = replace(held, quote=replace(held.quote, total=_total(box, held)))
                except DomainError:
                    pass
            _pay(box, ctx, rng, held)
        except DomainError:
            continue
        count += 1
        sold_tickets.append((held.ticket_id, next(s for sid, s in shows if sid == show_id)))
        if rng.random() < 0.04:  # a customer comes back: the supervisor cancels and refunds
            _cancel_one(box, who, rng, sold_tickets, when)
        hour = when.astimezone(zone).hour
        for mark in (15, 19):
            if hour >= mark and (ctx.counter, mark) not in drops_done:
                drops_done.add((ctx.counter, mark))
                _drop(box, ctx)
    clock.now = at(day, 23, 45)
    for i, ctx in enumerate(who.clerks):
        summary = shifts.drawer_summary(box, ctx, shift_id=opened[ctx.counter])
        off = Decimal("-20.00") if (day.toordinal() + i) % 3 == 0 else Decimal("0.00")
        shifts.close_shift(
            box, ctx, shift_id=opened[ctx.counter],
            count=denominations_of(summary.expected + off), sign_off=who.sign_off,
            notes="one ₹20 note short" if off else "",
        )  # fmt: skip
        clock.now += timedelta(minutes=4)
    return count


def _cancel_one(
    box: BoxOffice,
    who: People,
    rng: random.Random,
    sold: list[tuple[int, datetime]],
    now: datetime,
) -> None:
    """Cancel one earlier sale whose show is still more than the cutoff away."""
    open_ = [(t, s) for t, s in sold if s - now > timedelta(minutes=75)]
    if not open_:
        return
    ticket_id, starts = rng.choice(open_)
    sold.remove((ticket_id, starts))
    with contextlib.suppress(DomainError):
        cancellation.cancel_booking(box, who.supervisor, ticket_id=ticket_id, reason="customer")


def _total(box: BoxOffice, held: HoldResult) -> Decimal:
    return queries.get_booking(box, held.ticket_id).total


def _drop(box: BoxOffice, ctx: CounterContext) -> None:
    current = shifts.current_shift(box, ctx)
    if current is None:
        return
    expected = shifts.drawer_summary(box, ctx, shift_id=current.shift_id).expected
    if expected > Decimal("3000"):
        amount = (expected - Decimal("1000")) // 500 * 500
        shifts.record_cash_movement(box, ctx, kind="DROP", amount=amount, reason="to the safe")


def open_today(
    box: BoxOffice, *, theater_id: int, passwords: dict[str, str]
) -> tuple[CounterContext, ...]:
    """Open the demo clerks' shifts for today at the cinema (the demo's counters sell at once)."""
    who = people(box, passwords)
    for ctx in who.clerks:
        shifts.open_shift(
            box, ctx, theater_id=theater_id, opening_float=OPENING_FLOATS[ctx.counter]
        )
    return who.clerks


def ready_counters(box: BoxOffice, *, theater_id: int, passwords: dict[str, str]) -> list[str]:
    """Make the demo counters able to sell at ``theater_id`` now: a shift left from an earlier
    day (or at another cinema) is counted (as expected) and closed with the demo supervisor's
    sign-off, and a new one opened. What was done, one line each (audited by the services)."""
    who = people(box, passwords)
    done: list[str] = []
    for ctx in who.clerks:
        current = shifts.current_shift(box, ctx)
        if (
            current is not None
            and current.staff_id == ctx.staff_id
            and not current.stale
            and current.theater_id == theater_id
        ):
            continue
        if current is not None:
            closer = replace(who.supervisor, counter=ctx.counter)
            summary = shifts.drawer_summary(box, closer, shift_id=current.shift_id)
            shifts.close_shift(
                box, closer, shift_id=current.shift_id,
                count=denominations_of(summary.expected), sign_off=who.sign_off,
                notes="closed by the demo at start",
            )  # fmt: skip
            done.append(f"closed {current.username}'s shift #{current.shift_id} at {ctx.counter}")
        shifts.open_shift(
            box, ctx, theater_id=theater_id, opening_float=OPENING_FLOATS[ctx.counter]
        )
        done.append(f"opened {ctx.username}'s shift at {ctx.counter}")
    return done
