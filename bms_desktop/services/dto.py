"""Frozen data transfer objects: what services hand to the GUI and the command line.

Never an ORM object. Datetimes are timezone-aware UTC; the GUI converts for display.
Money is Decimal with two places.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from bms_desktop.domain.gst import TaxLine
from bms_desktop.domain.model import Role, SeatStatus, Strategy, TicketStatus


@dataclass(frozen=True, slots=True)
class StaffView:
    staff_id: int
    username: str
    full_name: str
    role: Role
    active: bool
    # issue 8 (admin-B): the next sign-in must set a new password (services/admin/staff.py
    # change_password) before the window opens.
    must_change_password: bool = False


@dataclass(frozen=True, slots=True)
class ShowSummary:
    show_id: int
    movie_id: int
    movie_title: str
    certificate: str
    rating: Decimal
    genre: str
    runtime_min: int
    language: str
    format: str
    city_name: str
    theater_id: int
    theater_name: str
    screen_id: int
    screen_name: str
    starts_at: datetime
    ends_at: datetime
    seats_total: int
    seats_available: int
    timezone: str = "Asia/Kolkata"  # the cinema's time zone: show times are displayed in it

    @property
    def local_starts_at(self) -> datetime:
        return self.starts_at.astimezone(ZoneInfo(self.timezone))

    @property
    def local_ends_at(self) -> datetime:
        return self.ends_at.astimezone(ZoneInfo(self.timezone))


@dataclass(frozen=True, slots=True)
class SeatView:
    """One seat of one show, as a counter sees it.

    ``col``/``row`` are grid positions in seat units (aisles are gaps in ``col``; row 0 is the row
    nearest the screen). ``status`` is the effective status: a hold whose time ran out reads as
    AVAILABLE on every read path.
    """

    show_seat_id: int
    seat_id: int
    label: str
    row_label: str
    number: int
    col: int
    row: int
    seat_type: str
    price: Decimal
    status: SeatStatus
    version: int
    accessible: bool = False
    companion: bool = False
    held_by_counter: str | None = None
    held_by_ticket_id: int | None = None
    hold_expires_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class SeatTypeView:
    code: str
    name: str
    min_price: Decimal
    max_price: Decimal
    rank: int  # ordering for legends: cheapest first


@dataclass(frozen=True, slots=True)
class SeatMap:
    show: ShowSummary
    seats: tuple[SeatView, ...]
    seat_types: tuple[SeatTypeView, ...]
    loaded_at: datetime
    cols: int  # grid width in seat units
    rows: int  # grid height in seat units

    def by_id(self) -> dict[int, SeatView]:
        return {s.show_seat_id: s for s in self.seats}


@dataclass(frozen=True, slots=True)
class PriceLine:
    label: str
    seat_type: str
    price: Decimal
    explanation: str  # e.g. "base 100.00 x 1.5 platinum x 1.2 weekend = 180.00"
    ticket_type: str = "ADULT"  # issue 8 (admin-B): the seat's ticket type (CHILD, SENIOR...)


@dataclass(frozen=True, slots=True)
class Quote:
    lines: tuple[PriceLine, ...]
    subtotal: Decimal
    discount: Decimal
    total: Decimal
    coupon_code: str | None = None
    coupon_message: str | None = None  # why a coupon was refused, or what it gave


@dataclass(frozen=True, slots=True)
class ConcurrencyEvent:
    """One thing the strategy did, for the counter's event log."""

    at: datetime
    kind: str  # LOCK_WAIT, CONFLICT, RETRY, SAFETY_NET, EXPIRY, HOLD, SALE, RELEASE...
    message: str
    elapsed_ms: float = 0.0


@dataclass(frozen=True, slots=True)
class ConcurrencyReport:
    """What a strategy did for one request, in numbers."""

    strategy: Strategy
    attempts: int = 1
    lock_wait_ms: float = 0.0
    lock_holder: str | None = None  # the counter that held the lock, where the database can tell
    retries: int = 0
    max_retries: int = 0
    version_conflicts: tuple[tuple[str, int, int], ...] = ()  # (seat label, seen, found)
    lost_seats: tuple[tuple[str, str | None], ...] = ()  # (seat label, winning counter)
    safety_net_catches: int = 0
    elapsed_ms: float = 0.0
    delay_ms: float = 0.0
    events: tuple[ConcurrencyEvent, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class BestSeats:
    """The seats best available proposes: together in one row, or else the best split."""

    show_seat_ids: tuple[int, ...]
    together: bool
    rows: tuple[str, ...]  # row labels, front to back
    sizes: tuple[int, ...] = ()  # seats per row, in the order of ``rows``


@dataclass(frozen=True, slots=True)
class HoldResult:
    ticket_id: int
    ticket_code: str
    show_id: int
    seat_labels: tuple[str, ...]
    show_seat_ids: tuple[int, ...]
    expires_at: datetime
    quote: Quote
    report: ConcurrencyReport


@dataclass(frozen=True, slots=True)
class PaymentView:
    payment_id: int
    kind: str
    mode: str
    status: str
    amount: Decimal
    reference: str | None
    tendered: Decimal | None
    change_due: Decimal | None
    created_at: datetime
    approved_by: str | None = None  # a refund: the supervisor who approved it


@dataclass(frozen=True, slots=True)
class CinemaHeader:
    """Issue 11: what a receipt prints about the cinema (its settings)."""

    name: str
    address: str
    city: str
    gstin: str
    phone: str


@dataclass(frozen=True, slots=True)
class BookingView:
    ticket_id: int
    code: str
    status: TicketStatus
    show: ShowSummary
    seat_labels: tuple[str, ...]
    lines: tuple[PriceLine, ...]
    subtotal: Decimal
    discount: Decimal
    total: Decimal
    coupon_code: str | None
    customer_name: str | None
    customer_phone: str | None
    counter: str
    clerk: str
    created_at: datetime
    confirmed_at: datetime | None
    cancelled_at: datetime | None
    hold_expires_at: datetime | None
    payments: tuple[PaymentView, ...]
    cinema: CinemaHeader | None = None  # issue 11: receipt header (address, GSTIN, phone)
    taxes: tuple[TaxLine, ...] = ()  # issue 11: GST included in the total, per rate
