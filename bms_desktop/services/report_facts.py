"""From payment rows to sale and refund events, with each seat's share and its GST.

A *sale* is the PAYMENT rows of one ticket written by one confirmation (one row per tender); a
*refund* is the REFUND rows of one cancellation. Each event belongs to a business day: the day of
the shift that took the money, or, for an unattended counter (no shift), the cinema's business
day of the moment it happened.

Each seat's share: a sale's amount (the ticket's total) is shared over its seats in proportion
to their prices, a refund's over the seats' sale shares, both to the paisa so the shares add up
exactly (``cash.allocate``). GST is worked out on each seat's share, at the rate the seat's
sale share falls under (``domain.gst``), so every total adds up however it is grouped.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from bms_desktop.domain import cash, gst
from bms_desktop.services.ports import UnitOfWork
from bms_desktop.services.ports_reports import PaymentFact, SeatLineFact
from bms_desktop.services.tender import day_start

ZERO = Decimal("0.00")


@dataclass(frozen=True, slots=True)
class SeatShare:
    line: SeatLineFact
    amount: Decimal  # this seat's share of the event (positive, also for refunds)
    rate: Decimal  # GST percent
    tax: Decimal


@dataclass(frozen=True, slots=True)
class Event:
    kind: str  # SALE | REFUND
    rows: tuple[PaymentFact, ...]
    business_date: date
    seats: tuple[SeatShare, ...]

    @property
    def first(self) -> PaymentFact:
        return self.rows[0]

    @property
    def ticket_id(self) -> int:
        return self.rows[0].ticket_id

    @property
    def amount(self) -> Decimal:
        return sum((r.amount for r in self.rows), ZERO)

    @property
    def sign(self) -> int:
        return 1 if self.kind == "SALE" else -1

    @property
    def tax(self) -> Decimal:
        return sum((s.tax for s in self.seats), ZERO)

    @property
    def seat_count(self) -> int:
        return self.first.seat_count

    @property
    def clerk(self) -> str:
        return clerk_name(self.first)


def clerk_name(fact: PaymentFact) -> str:
    return fact.staff_username or f"{fact.counter} (unattended)"


def business_day_of(fact: PaymentFact, start: time) -> date:
    if fact.session_id is not None and fact.shift_business_date is not None:
        return fact.shift_business_date
    return cash.business_date(fact.created_at, fact.timezone, start)


def padded_window(date_from: date, date_to: date) -> tuple[datetime, datetime]:
    """A UTC window wide enough for the business days [from, to] of any cinema (time zones of
    +-14 h and a business day starting in the morning); events are then kept by their day."""
    since = datetime.combine(date_from - timedelta(days=1), time(0), UTC)
    until = datetime.combine(date_to + timedelta(days=2), time(0), UTC)
    return since, until


@dataclass(frozen=True)
class FactContext:
    rates: gst.GstRates
    day_start: time

    @classmethod
    def load(cls, uow: UnitOfWork) -> FactContext:
        return cls(gst.GstRates.from_settings(uow.settings.all()), day_start(uow))


def build_events(uow: UnitOfWork, facts: Iterable[PaymentFact], ctx: FactContext) -> list[Event]:
    """Group rows into sale and refund events, with the seats' shares and tax."""
    grouped: dict[tuple[int, str, datetime], list[PaymentFact]] = defaultdict(list)
    for f in facts:
        grouped[(f.ticket_id, f.kind, f.created_at)].append(f)
    ticket_ids = sorted({key[0] for key in grouped})
    lines: dict[int, list[SeatLineFact]] = defaultdict(list)
    for line in uow.reports.seat_lines(ticket_ids):
        lines[line.ticket_id].append(line)
    events = []
    for (ticket_id, kind, _at), rows in sorted(grouped.items(), key=lambda kv: (kv[0][2], kv[0])):
        rows.sort(key=lambda r: r.payment_id)
        first = rows[0]
        seats = lines.get(ticket_id, [])
        sale_shares = cash.allocate(first.total, [s.price for s in seats])
        amount = sum((r.amount for r in rows), ZERO)
        shares = sale_shares if kind == "PAYMENT" else cash.allocate(amount, sale_shares)
        seat_shares = tuple(
            SeatShare(
                line,
                share,
                ctx.rates.rate_for(sale_share),
                gst.tax_included(share, ctx.rates.rate_for(sale_share)),
            )
            for line, share, sale_share in zip(seats, shares, sale_shares, strict=True)
        )
        events.append(
            Event(
                "SALE" if kind == "PAYMENT" else "REFUND",
                tuple(rows),
                business_day_of(first, ctx.day_start),
                seat_shares,
            )
        )
    return events


def in_days(events: Iterable[Event], date_from: date, date_to: date) -> list[Event]:
    return [e for e in events if date_from <= e.business_date <= date_to]


@dataclass
class Totals:
    """What a group of events adds up to."""

    tickets: int = 0
    seats: int = 0
    tickets_refunded: int = 0
    seats_refunded: int = 0
    gross: Decimal = ZERO
    refunds: Decimal = ZERO
    tax: Decimal = ZERO

    def add(self, e: Event) -> None:
        if e.kind == "SALE":
            self.tickets += 1
            self.seats += e.seat_count
            self.gross += e.amount
            self.tax += e.tax
        else:
            self.tickets_refunded += 1
            self.seats_refunded += e.seat_count
            self.refunds += e.amount
            self.tax -= e.tax

    def merge(self, other: Totals) -> None:
        self.tickets += other.tickets
        self.seats += other.seats
        self.tickets_refunded += other.tickets_refunded
        self.seats_refunded += other.seats_refunded
        self.gross += other.gross
        self.refunds += other.refunds
        self.tax += other.tax

    @property
    def net(self) -> Decimal:
        return self.gross - self.refunds

    @property
    def net_of_tax(self) -> Decimal:
        return self.net - self.tax


def tax_lines(events: Sequence[Event]) -> tuple[gst.TaxLine, ...]:
    """GST lines of a set of events: refunds subtract (per seat share, at the seat's rate)."""
    gross: dict[Decimal, Decimal] = defaultdict(lambda: ZERO)
    tax: dict[Decimal, Decimal] = defaultdict(lambda: ZERO)
    for e in events:
        for s in e.seats:
            gross[s.rate] += e.sign * s.amount
            tax[s.rate] += e.sign * s.tax
    return tuple(gst.TaxLine(r, gross[r], tax[r]) for r in sorted(gross))
