"""Storage port of an area:

Reports (issue 11): read-only aggregates over tickets, seats and payments.

The SQLAlchemy implementation is ``bms_desktop.persistence.repo_reports``; a unit of work exposes it
as ``uow.reports``. Services of this area are tested on real SQLite and PostgreSQL databases (the
``db_url`` fixture), so the in-memory fake unit of work does not implement it.

The repository hands out rows ("facts"), not totals: the report services add them up with
``Decimal`` to the paisa and group them by the cinema's business day, which SQLite cannot compute
(it has no time zones). Race-lab scratch shows are never part of a report.
"""

from __future__ import annotations

import abc
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class PaymentFact:
    """One successful payment or refund row with its ticket, show, cinema and shift."""

    payment_id: int
    ticket_id: int
    kind: str  # PAYMENT | REFUND
    mode: str
    amount: Decimal
    created_at: datetime
    counter: str
    staff_id: int | None
    staff_username: str  # "" for an unattended counter
    session_id: int | None
    shift_business_date: date | None
    approved_by: str  # "" when nobody approved
    reference: str
    refund_of_id: int | None
    ticket_code: str
    ticket_status: str
    seat_count: int
    subtotal: Decimal
    discount: Decimal
    total: Decimal
    coupon_code: str  # "" without a coupon
    show_id: int
    show_starts_at: datetime
    movie_id: int
    movie_title: str
    screen_id: int
    screen_name: str
    theater_id: int
    theater_name: str
    timezone: str


@dataclass(frozen=True, slots=True)
class SeatLineFact:
    ticket_id: int
    show_seat_id: int
    seat_id: int
    label: str
    seat_type: str
    ticket_type: str
    price: Decimal


@dataclass(frozen=True, slots=True)
class ShowFact:
    show_id: int
    starts_at: datetime
    on_sale_at: datetime  # when the show was scheduled: its seats went on sale
    cancelled_at: datetime | None
    movie_id: int
    movie_title: str
    language: str
    format: str
    screen_id: int
    screen_name: str
    theater_id: int
    theater_name: str
    timezone: str
    capacity: int  # seats not blocked
    sold: int  # seats SOLD now


@dataclass(frozen=True, slots=True)
class SeatSaleFact:
    """A seat of a show and when it was first sold (None: never)."""

    show_id: int
    show_seat_id: int
    seat_id: int
    label: str
    row: int
    col: int
    seat_type: str
    status: str
    first_sold_at: datetime | None


@dataclass(frozen=True, slots=True)
class CinemaRef:
    theater_id: int
    name: str
    city: str
    timezone: str


class ReportRepository(abc.ABC):
    """See the module docstring."""

    @abc.abstractmethod
    def cinemas(self) -> list[CinemaRef]: ...

    @abc.abstractmethod
    def payment_facts(
        self,
        *,
        since: datetime,
        until: datetime,
        theater_id: int | None = None,
        session_ids: Sequence[int] = (),
    ) -> list[PaymentFact]:
        """SUCCESS payment and refund rows created in [since, until) (of one cinema's shows),
        plus every row of the listed shifts whenever it was made; oldest first."""

    @abc.abstractmethod
    def payment_facts_of_tickets(self, ticket_ids: Sequence[int]) -> list[PaymentFact]:
        """Every SUCCESS payment and refund row of these tickets, oldest first."""

    @abc.abstractmethod
    def seat_lines(self, ticket_ids: Sequence[int]) -> list[SeatLineFact]:
        """The ticket seats (every claim a ticket made, live or not) of these tickets."""

    @abc.abstractmethod
    def show_facts(
        self,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        theater_id: int | None = None,
        show_ids: Sequence[int] = (),
    ) -> list[ShowFact]:
        """Shows starting in [since, until) (of one cinema), or the listed shows; by start."""

    @abc.abstractmethod
    def confirmed_ticket_ids(self, show_ids: Sequence[int]) -> list[int]:
        """Tickets of these shows that were ever paid for (confirmed, or cancelled after)."""

    @abc.abstractmethod
    def seat_sales(self, show_ids: Sequence[int]) -> list[SeatSaleFact]:
        """Every seat of these shows with the time it was first sold (by a confirmed ticket)."""
