"""The storage port the services depend on: an abstract unit of work and its repositories.

The SQLAlchemy implementation lives in ``bms_desktop.persistence.uow`` (injected by ``app``); the
in-memory fake in ``tests/fakes.py`` implements the same contract for unit tests.

Every method that changes seats is ONE atomic database step whose WHERE clause re-checks the state
it relies on ("never check in Python, then write"); it reports what actually changed.
"""

from __future__ import annotations

import abc
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from types import TracebackType
from typing import TYPE_CHECKING, Self

from bms_desktop.domain.coupons import CouponSpec
from bms_desktop.domain.errors import DomainError
from bms_desktop.domain.pricing import PricingRuleSpec
from bms_desktop.services.dto import ShowSummary, StaffView
from bms_desktop.services.ports_admin import AdminRepository
from bms_desktop.services.ports_door import AdmissionRepository
from bms_desktop.services.ports_reports import ReportRepository
from bms_desktop.services.ports_shifts import ShiftRepository

if TYPE_CHECKING:  # admin-B's port imports the records below
    from bms_desktop.services.ports_admin_b import AdminConfigRepository

# --------------------------------------------------------------------------- records


@dataclass(frozen=True, slots=True)
class ShowInfo:
    show_id: int
    movie_id: int
    screen_id: int
    theater_id: int
    starts_at: datetime
    ends_at: datetime
    timezone: str
    scratch: bool
    cancelled: bool = False  # issue 8: a cancelled show is off sale


@dataclass(frozen=True, slots=True)
class SeatState:
    """A show seat as stored (raw status: a HELD seat may have an expired hold)."""

    show_seat_id: int
    seat_id: int
    label: str
    seat_type: str
    price: Decimal
    status: str
    version: int
    ticket_id: int | None
    counter: str | None
    hold_expires_at: datetime | None


@dataclass(frozen=True, slots=True)
class SeatStatusRow:
    """A show seat's state alone (raw status, as in ``SeatState``): no layout, no price."""

    show_seat_id: int
    status: str
    version: int
    hold_expires_at: datetime | None


@dataclass(frozen=True, slots=True)
class SeatMapRow:
    show_seat_id: int
    seat_id: int
    label: str
    row_label: str
    number: int
    col: int
    row: int
    seat_type: str
    price: Decimal
    status: str
    version: int
    accessible: bool
    companion: bool
    ticket_id: int | None
    counter: str | None
    hold_expires_at: datetime | None


@dataclass(frozen=True, slots=True)
class SeatTypeRecord:
    code: str
    name: str
    base_price: Decimal
    rank: int
    active: bool = True


@dataclass(frozen=True, slots=True)
class NewTicket:
    code: str
    show_id: int
    counter: str
    staff_id: int | None
    strategy: str
    seat_count: int
    subtotal: Decimal
    discount: Decimal
    total: Decimal
    hold_expires_at: datetime
    created_at: datetime
    customer_name: str | None = None
    customer_phone: str | None = None
    coupon_id: int | None = None


@dataclass(frozen=True, slots=True)
class ClaimSpec:
    show_seat_id: int
    label: str
    seat_type: str
    price: Decimal


@dataclass(frozen=True, slots=True)
class TicketRecord:
    ticket_id: int
    code: str
    show_id: int
    status: str
    counter: str
    staff_id: int | None
    strategy: str
    customer_name: str | None
    customer_phone: str | None
    seat_count: int
    subtotal: Decimal
    discount: Decimal
    total: Decimal
    coupon_id: int | None
    hold_expires_at: datetime | None
    created_at: datetime
    confirmed_at: datetime | None
    cancelled_at: datetime | None


@dataclass(frozen=True, slots=True)
class TicketSeatRecord:
    show_seat_id: int
    label: str
    seat_type: str
    price: Decimal
    live: bool
    ticket_type: str = "ADULT"  # issue 8 (admin-B)


@dataclass(frozen=True, slots=True)
class NewPayment:
    ticket_id: int
    kind: str
    mode: str
    status: str
    amount: Decimal
    created_at: datetime
    counter: str
    staff_id: int | None
    reference: str | None = None
    tendered: Decimal | None = None
    change_due: Decimal | None = None
    refund_of_id: int | None = None
    approved_by_id: int | None = None
    session_id: int | None = None  # issue 11: the shift (counter session) that took the money


@dataclass(frozen=True, slots=True)
class PaymentRecord:
    payment_id: int
    ticket_id: int
    kind: str
    mode: str
    status: str
    amount: Decimal
    reference: str | None
    tendered: Decimal | None
    change_due: Decimal | None
    refund_of_id: int | None
    created_at: datetime
    approved_by_id: int | None = None  # a refund: the supervisor who approved it


@dataclass(frozen=True, slots=True)
class StaffRecord:
    staff_id: int
    username: str
    full_name: str
    role: str
    password_hash: str
    active: bool
    failed_logins: int
    locked_until: datetime | None
    must_change_password: bool = False  # issue 8 (admin-B): set by a password reset

    def view(self) -> StaffView:
        from bms_desktop.domain.model import Role

        return StaffView(
            staff_id=self.staff_id,
            username=self.username,
            full_name=self.full_name,
            role=Role(self.role),
            active=self.active,
            must_change_password=self.must_change_password,
        )


@dataclass(frozen=True, slots=True)
class AuditRecord:
    at: datetime
    action: str
    username: str = ""
    staff_id: int | None = None
    counter: str = ""
    entity: str = ""
    entity_id: str = ""
    show_id: int | None = None  # set when the change touches a show: feeds other counters' maps
    details: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ShowFilter:
    city_id: int | None = None
    theater_id: int | None = None
    starts_from: datetime | None = None  # show start window (aware datetimes)
    starts_to: datetime | None = None
    movie_text: str = ""
    language: str = ""
    genre: str = ""
    min_rating: Decimal | None = None
    include_past: bool = False
    include_scratch: bool = False
    limit: int = 500


@dataclass(frozen=True, slots=True)
class NewSeat:
    row_label: str
    number: int
    label: str
    row: int
    col: int
    seat_type: str
    accessible: bool = False
    companion: bool = False
    blocked: bool = False


@dataclass(frozen=True, slots=True)
class NewMovie:
    title: str
    languages: str
    genre: str
    rating: Decimal
    certificate: str
    runtime_min: int
    release_date: date | None = None
    synopsis: str = ""


@dataclass(frozen=True, slots=True)
class NewPricingRule:
    name: str
    kind: str
    multiplier: Decimal | None = None
    base_price: Decimal | None = None
    seat_type: str | None = None
    days_mask: int = 0
    start_time: time | None = None
    end_time: time | None = None
    theater_id: int | None = None
    movie_id: int | None = None
    priority: int = 0
    active: bool = True


@dataclass(frozen=True, slots=True)
class NewCoupon:
    code: str
    kind: str
    value: Decimal
    description: str = ""
    max_discount: Decimal | None = None
    min_amount: Decimal = Decimal("0")
    valid_from: datetime | None = None
    valid_to: datetime | None = None
    active: bool = True
    usage_limit: int | None = None
    per_customer_limit: int | None = None


@dataclass(frozen=True, slots=True)
class NamedRef:
    id: int
    name: str
    parent_id: int | None = None


# --------------------------------------------------------------------------- errors


class ClaimConflict(DomainError):
    """The database safety net refused a claim: the seat already has a live ticket seat."""

    def __init__(self, show_seat_ids: Sequence[int]) -> None:
        self.show_seat_ids = tuple(show_seat_ids)
        super().__init__(
            f"the database constraint refused the claim of show seat(s) {self.show_seat_ids}"
        )


class StorageError(DomainError):
    """The database could not do what was asked. Every driver error reaches the services, the GUI
    and ``--json`` outputs as one of these subclasses, with a message a person can read (the
    driver's own text goes to the log only: ``persistence/errors.py``).

    ``retryable``: the same request may succeed later without anyone changing anything (busy,
    unreachable); the others need a person (free disk space, fix permissions, restore a backup).
    """

    retryable = False


class StorageBusy(StorageError):
    """The database could not give the lock in time (lock timeout, busy); nothing changed."""

    retryable = True


class StorageUnavailable(StorageError):
    """The database cannot be reached, or the connection was lost before anything was committed;
    nothing changed, so the request may be repeated as it is."""

    retryable = True


class StorageFull(StorageError):
    """The disk under the database is full; nothing was saved."""


class StorageReadOnly(StorageError):
    """The database may be read but not written here; nothing was saved."""


class StorageCorrupt(StorageError):
    """The database file is damaged; nothing was saved."""


class StorageRejected(StorageError):
    """The database refused a value (too long, out of range); nothing was saved."""


class StorageConflict(StorageError):
    """A database constraint no service expected refused the change; nothing was saved."""


class StorageFailure(StorageError):
    """Any other database error; nothing was changed; the details are in the log."""


class OutcomeUnknown(StorageError):
    """The connection was lost while a commit was on its way: the database may or may not have
    saved the change. Never repeat the request blindly: look it up (``services.outcomes``).

    ``kind`` (HOLD, CONFIRM, RELEASE, CANCEL) and the keys are filled in by the service that
    committed (``services.outcome_guard``); the unit of work that saw the commit fail knows
    neither."""

    def __init__(
        self,
        message: str,
        *,
        kind: str | None = None,
        ticket_id: int | None = None,
        ticket_code: str | None = None,
    ) -> None:
        super().__init__(message)
        self.kind = kind
        self.ticket_id = ticket_id
        self.ticket_code = ticket_code


# --------------------------------------------------------------------------- repositories


class BookingRepository(abc.ABC):
    @abc.abstractmethod
    def show_info(self, show_id: int) -> ShowInfo | None: ...

    @abc.abstractmethod
    def seats(self, show_id: int, show_seat_ids: Sequence[int], *, lock: bool) -> list[SeatState]:
        """The listed seats of the show (unknown ids are left out), in id order.

        ``lock=True`` locks the rows until the end of the transaction where the database can
        (``SELECT ... FOR UPDATE`` in id order on PostgreSQL; on SQLite the write transaction
        already holds the database lock)."""

    @abc.abstractmethod
    def seats_of_ticket(self, ticket_id: int) -> list[SeatState]: ...

    @abc.abstractmethod
    def seat_states(self, show_id: int) -> list[SeatStatusRow]:
        """Every seat of the show, its state alone, in id order: what tells free, held and sold
        apart without building a seat map (a robot clerk checking for a sell-out)."""

    @abc.abstractmethod
    def stale_ticket_ids(
        self, now: datetime, *, show_seat_ids: Sequence[int] = (), limit: int = 500
    ) -> list[int]:
        """PENDING_PAYMENT tickets whose hold ran out (optionally: holding one of these seats)."""

    @abc.abstractmethod
    def expire_ticket(self, ticket_id: int, now: datetime) -> bool:
        """Atomically: PENDING_PAYMENT with an expired hold -> EXPIRED, its seats back to
        AVAILABLE (version + 1), its claims no longer live. False if it was not expirable."""

    @abc.abstractmethod
    def create_ticket(self, ticket: NewTicket) -> int: ...

    @abc.abstractmethod
    def claim(self, ticket_id: int, seats: Sequence[ClaimSpec]) -> None:
        """Insert live ticket seats. Raises ClaimConflict naming the seats the constraint refused
        (the transaction must then be rolled back)."""

    @abc.abstractmethod
    def mark_held(
        self,
        ticket_id: int,
        counter: str,
        expires_at: datetime,
        now: datetime,
        expected: Mapping[int, int | None],
    ) -> set[int]:
        """For each show seat id in ``expected``: set HELD by this ticket (version + 1) if it is
        AVAILABLE and, when the expected version is not None, still at that version. Returns the
        ids that changed. (A run-out hold must be expired first: its ticket still owns a live
        claim.)"""

    @abc.abstractmethod
    def live_claim_owners(self, show_seat_ids: Sequence[int]) -> dict[int, str]:
        """For the given show seats that have a live ticket seat: the counter of its ticket."""

    @abc.abstractmethod
    def force_held(
        self, ticket_id: int, counter: str, expires_at: datetime, show_seat_ids: Sequence[int]
    ) -> None:
        """Set HELD without re-checking the status (the thread strategy trusts its lock)."""

    @abc.abstractmethod
    def confirm(self, ticket_id: int, now: datetime) -> bool:
        """Atomically: the ticket PENDING_PAYMENT with a live hold -> CONFIRMED and every one of
        its seats HELD by it -> SOLD (version + 1). False (nothing changed) if any part fails."""

    @abc.abstractmethod
    def release(self, ticket_id: int, new_status: str, now: datetime, *, from_status: str) -> bool:
        """Atomically: ticket ``from_status`` -> ``new_status``; its seats back to AVAILABLE
        (version + 1); its claims no longer live. False if the ticket was not in from_status."""

    @abc.abstractmethod
    def ticket(self, ticket_id: int) -> TicketRecord | None: ...

    @abc.abstractmethod
    def ticket_by_code(self, code: str) -> TicketRecord | None: ...

    @abc.abstractmethod
    def tickets_by_phone(self, phone: str, limit: int = 50) -> list[TicketRecord]: ...

    @abc.abstractmethod
    def search_tickets(
        self,
        *,
        code_part: str = "",
        name_part: str = "",
        show_id: int | None = None,
        limit: int = 50,
    ) -> list[TicketRecord]:
        """Tickets whose code (dashes left out) contains ``code_part`` or whose customer name
        contains ``name_part`` (any case); an empty part matches nothing, both empty: no text
        condition. Only of ``show_id`` when given. Newest first."""

    @abc.abstractmethod
    def pending_tickets(self, counter: str, now: datetime, limit: int = 50) -> list[TicketRecord]:
        """The PENDING_PAYMENT tickets of this counter whose hold is still live, oldest first
        (the holds a counter had when it closed or crashed)."""

    @abc.abstractmethod
    def ticket_seats(self, ticket_id: int) -> list[TicketSeatRecord]: ...

    @abc.abstractmethod
    def set_ticket_amounts(
        self, ticket_id: int, *, discount: Decimal, total: Decimal, coupon_id: int | None
    ) -> None: ...

    @abc.abstractmethod
    def set_customer(self, ticket_id: int, name: str | None, phone: str | None) -> None: ...

    @abc.abstractmethod
    def add_payment(self, payment: NewPayment) -> int: ...

    @abc.abstractmethod
    def payments(self, ticket_id: int) -> list[PaymentRecord]: ...

    @abc.abstractmethod
    def last_writer(self, show_id: int | None = None) -> str | None:
        """The counter of the most recent committed change (from the audit trail); the show id
        is a hint an implementation may ignore."""

    # coupons ---------------------------------------------------------------------------
    @abc.abstractmethod
    def coupon_by_code(self, code: str) -> CouponSpec | None: ...

    @abc.abstractmethod
    def coupon_by_id(self, coupon_id: int) -> CouponSpec | None: ...

    @abc.abstractmethod
    def coupon_uses(self, coupon_id: int, customer_key: str) -> int:
        """Live (not returned) redemptions of this coupon by this customer."""

    @abc.abstractmethod
    def redeem_coupon(
        self, coupon_id: int, ticket_id: int, customer_key: str, now: datetime
    ) -> bool:
        """Atomically count one use if the total limit allows (conditional increment, which also
        serialises concurrent redeemers of this coupon) and record the redemption."""

    @abc.abstractmethod
    def return_coupon(self, ticket_id: int, now: datetime) -> bool:
        """Give the coupon use of this ticket back (decrement, mark the redemption returned)."""


class QueryRepository(abc.ABC):
    @abc.abstractmethod
    def find_shows(self, flt: ShowFilter, now: datetime) -> list[ShowSummary]: ...

    @abc.abstractmethod
    def show_summary(self, show_id: int, now: datetime) -> ShowSummary | None: ...

    @abc.abstractmethod
    def seat_map_rows(self, show_id: int) -> list[SeatMapRow]: ...

    @abc.abstractmethod
    def seat_types(self) -> list[SeatTypeRecord]: ...

    @abc.abstractmethod
    def cities(self) -> list[NamedRef]: ...

    @abc.abstractmethod
    def theaters(self) -> list[NamedRef]: ...

    @abc.abstractmethod
    def languages(self) -> list[str]: ...

    @abc.abstractmethod
    def genres(self) -> list[str]: ...

    @abc.abstractmethod
    def sold_count_by_show_seat(self, show_id: int) -> dict[int, int]:
        """For integrity checks: number of CONFIRMED tickets per show seat."""


class CatalogRepository(abc.ABC):
    """Configuration writes (admin dialogs, demo data)."""

    @abc.abstractmethod
    def add_seat_type(self, record: SeatTypeRecord) -> None: ...

    @abc.abstractmethod
    def add_city(self, name: str, state: str = "") -> int: ...

    @abc.abstractmethod
    def add_theater(
        self, city_id: int, name: str, address: str = "", timezone: str = "Asia/Kolkata"
    ) -> int: ...

    @abc.abstractmethod
    def add_screen(self, theater_id: int, name: str, layout_text: str) -> int: ...

    @abc.abstractmethod
    def add_seats(self, screen_id: int, seats: Sequence[NewSeat]) -> None: ...

    @abc.abstractmethod
    def add_movie(self, movie: NewMovie) -> int: ...

    @abc.abstractmethod
    def add_pricing_rule(self, rule: NewPricingRule) -> int: ...

    @abc.abstractmethod
    def pricing_rules(self) -> list[PricingRuleSpec]: ...

    @abc.abstractmethod
    def add_coupon(self, coupon: NewCoupon) -> int: ...

    @abc.abstractmethod
    def screen_shows(self, screen_id: int) -> list[tuple[int, datetime, datetime]]: ...

    @abc.abstractmethod
    def screen_theater(self, screen_id: int) -> tuple[int, str] | None:
        """(theater_id, timezone) of a screen."""

    @abc.abstractmethod
    def movie_runtime(self, movie_id: int) -> int | None: ...

    @abc.abstractmethod
    def screen_seats(self, screen_id: int) -> list[tuple[int, str, bool]]:
        """(seat_id, seat_type, blocked) of every seat of a screen."""

    @abc.abstractmethod
    def add_show(
        self,
        *,
        movie_id: int,
        screen_id: int,
        starts_at: datetime,
        ends_at: datetime,
        language: str,
        format: str,
        created_at: datetime,
        seat_prices: Sequence[tuple[int, Decimal, bool]],
        scratch: bool = False,
    ) -> int:
        """Create a show and its show seats: (seat_id, price, blocked) each."""

    @abc.abstractmethod
    def counts(self) -> dict[str, int]:
        """Row counts per entity, for the seed summary."""


class StaffRepository(abc.ABC):
    @abc.abstractmethod
    def by_username(self, username: str) -> StaffRecord | None: ...

    @abc.abstractmethod
    def by_id(self, staff_id: int) -> StaffRecord | None: ...

    @abc.abstractmethod
    def add(
        self, username: str, full_name: str, role: str, password_hash: str, now: datetime
    ) -> int: ...

    @abc.abstractmethod
    def count_admins(self) -> int: ...

    @abc.abstractmethod
    def count(self) -> int: ...

    @abc.abstractmethod
    def record_failure(self, staff_id: int, *, lock_after: int, locked_until: datetime) -> int:
        """Atomically increment the failure count; lock the account when it reaches lock_after.
        Returns the new count."""

    @abc.abstractmethod
    def record_success(self, staff_id: int) -> None: ...

    @abc.abstractmethod
    def set_password_hash(self, staff_id: int, password_hash: str) -> None: ...


class AuditRepository(abc.ABC):
    @abc.abstractmethod
    def add(self, record: AuditRecord) -> None: ...

    @abc.abstractmethod
    def recent(self, limit: int = 100) -> list[AuditRecord]: ...


class SettingsRepository(abc.ABC):
    @abc.abstractmethod
    def get(self, key: str) -> str | None: ...

    @abc.abstractmethod
    def put(self, key: str, value: str) -> None: ...

    @abc.abstractmethod
    def put_once(self, key: str, value: str) -> bool:
        """Insert the key if absent; False if it exists (also when a concurrent transaction
        inserted it first: the database's primary key decides)."""

    @abc.abstractmethod
    def all(self) -> dict[str, str]: ...


class UnitOfWork(abc.ABC):
    """One transaction. ``commit()`` must be called explicitly; leaving without it rolls back."""

    booking: BookingRepository
    queries: QueryRepository
    catalog: CatalogRepository
    staff: StaffRepository
    audit: AuditRepository
    settings: SettingsRepository
    # Areas added after the sale (one module each; not in the in-memory fake).
    admin: AdminRepository
    shifts: ShiftRepository
    door: AdmissionRepository
    reports: ReportRepository
    config: AdminConfigRepository  # admin console, admin-B's areas (ports_admin_b.py)
    dialect: str
    lock_wait_ms: float  # time spent acquiring the write lock when the transaction began

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.rollback()
        self.close()

    @abc.abstractmethod
    def commit(self) -> None: ...

    @abc.abstractmethod
    def rollback(self) -> None: ...

    def close(self) -> None:  # noqa: B027 - optional hook
        """Give the connection back."""

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """A nested transaction: an exception inside rolls back only what it did."""
        yield


class ReadOnlyUnitOfWork(RuntimeError):
    """A read unit of work (``write=False``) was asked to write or lock rows: a programming
    error, refused before the statement runs (open the unit of work with ``write=True``)."""


class UnitOfWorkFactory(abc.ABC):
    dialect: str

    @abc.abstractmethod
    def __call__(
        self,
        *,
        write: bool = False,
        lock_timeout_ms: int | None = None,
        label: str = "",
        deferred: bool = False,
    ) -> UnitOfWork:
        """A new unit of work. ``write=False``: it only reads (a write in it is refused as a
        programming error, ``ReadOnlyUnitOfWork``; on PostgreSQL its statements run without a
        transaction of their own). ``write=True`` takes the write lock at begin on SQLite
        (BEGIN IMMEDIATE); ``lock_timeout_ms`` bounds lock waits on PostgreSQL.
        ``write=True, deferred=True``: a write transaction that begins without the lock (SQLite:
        a plain BEGIN), for the race lab's naive strategy only."""

    def probe(self) -> None:
        """One cheap read, without waiting for a database that does not answer: raises
        StorageUnavailable if it does not answer now (the GUI's connection monitor)."""
        with self() as uow:
            uow.settings.get("probe")


class ChangeFeed(abc.ABC):
    """Tells a counter which shows other counters (windows, processes, machines) changed.

    SQLite: ``PRAGMA data_version`` polled on a dedicated connection (microseconds), then the new
    audit rows say which shows. PostgreSQL: ``LISTEN bms_changes`` on its own connection in a
    worker thread (a trigger on the audit trail NOTIFYs at commit)."""

    @abc.abstractmethod
    def poll(self) -> set[int] | None:
        """Show ids changed since the last poll; empty when nothing changed; None when the feed
        lost track (e.g. after a reconnect) and everything should be reloaded. Never blocks."""

    @abc.abstractmethod
    def close(self) -> None: ...
