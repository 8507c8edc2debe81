"""An in-memory implementation of the storage port (``bms_desktop.services.ports``) for unit tests.

It follows ``bms_desktop/persistence/repositories.py`` method by method: every seat-changing method
re-checks the state it relies on and reports what changed; ``claim`` is refused by the same
"one live ticket seat per show seat" rule as the partial unique index ``uq_ticket_seats_live``
(``ClaimConflict``); uniques, foreign keys and the CHECK constraints that matter are enforced too
(``FakeIntegrityError``, the fake's ``IntegrityError``).

Transactions: a unit of work works on its own copy of the committed tables (rows are frozen
dataclasses, so a copy of each table's dict is a snapshot); ``commit`` publishes the copy,
``rollback`` drops it. A write unit of work takes the database's write lock when it begins (like
SQLite's ``BEGIN IMMEDIATE``), so write units of work are serialised; a read unit of work that
writes takes the lock then, and fails with ``StorageBusy`` if another one committed since it began
(SQLite WAL's busy snapshot). Using a unit of work after commit/rollback begins a new transaction
(SQLAlchemy's autobegin). Ids come from sequences that a rollback does not give back.

``FakeUnitOfWorkFactory`` also has test helpers that write committed rows directly (a claim made by
"another process", a seat poked into some state, a staff member disabled) and exposes the committed
tables (``fake.tables``) for assertions.
"""

from __future__ import annotations

import copy
import json
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from bms_desktop.domain.coupons import CouponSpec
from bms_desktop.domain.model import CouponKind, PricingRuleKind
from bms_desktop.domain.pricing import PricingRuleSpec
from bms_desktop.domain.rules import generate_ticket_code
from bms_desktop.services.context import BoxOffice, Clock
from bms_desktop.services.dto import ShowSummary
from bms_desktop.services.ports import (
    AuditRecord,
    AuditRepository,
    BookingRepository,
    CatalogRepository,
    ClaimConflict,
    ClaimSpec,
    NamedRef,
    NewCoupon,
    NewMovie,
    NewPayment,
    NewPricingRule,
    NewSeat,
    NewTicket,
    PaymentRecord,
    QueryRepository,
    ReadOnlyUnitOfWork,
    SeatMapRow,
    SeatState,
    SeatStatusRow,
    SeatTypeRecord,
    SettingsRepository,
    ShowFilter,
    ShowInfo,
    StaffRecord,
    StaffRepository,
    StorageBusy,
    TicketRecord,
    TicketSeatRecord,
    UnitOfWork,
    UnitOfWorkFactory,
)
from tests.fake_shifts import NoShiftsRepository  # issue 11

BUSY_MESSAGE = (
    "The database is busy with another counter and did not answer in time; nothing was "
    "changed. Try again."
)
DEFAULT_LOCK_TIMEOUT_MS = 5000

SEAT_STATUSES = ("AVAILABLE", "HELD", "SOLD", "BLOCKED")
TICKET_STATUSES = ("PENDING_PAYMENT", "CONFIRMED", "CANCELLED", "EXPIRED")
PAYMENT_STATUSES = ("PENDING", "SUCCESS", "FAILED")
PAYMENT_MODES = ("UPI", "CREDIT_CARD", "NETBANKING", "CASH")
ROLES = ("CLERK", "SUPERVISOR", "ADMIN")


class FakeIntegrityError(Exception):
    """A unique, foreign-key or CHECK constraint refused the statement (sqlalchemy's IntegrityError
    in the real implementation)."""


# --------------------------------------------------------------------------- column types


def _scaled(value: Decimal | int | str | None, places: int) -> Decimal | None:
    """What a ``Scaled(places)`` column gives back: rounded half-up to ``places`` digits."""
    if value is None:
        return None
    dec = value if isinstance(value, Decimal) else Decimal(str(value))
    return dec.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _money(value: Decimal | int | str) -> Decimal:
    result = _scaled(value, 2)
    assert result is not None
    return result


def _money_or_none(value: Decimal | None) -> Decimal | None:
    return _scaled(value, 2)


def _utc(value: datetime | None) -> datetime | None:
    """What a ``UtcDateTime`` column gives back; a naive datetime is refused like the real one."""
    if value is None:
        return None
    if value.tzinfo is None:
        raise ValueError("naive datetime given to the database; use an aware UTC datetime")
    return value.astimezone(UTC)


def _utc_req(value: datetime) -> datetime:
    result = _utc(value)
    assert result is not None
    return result


def _text(value: object) -> str:
    return str(value)  # a StrEnum is stored as its value, like the real columns


def _check(condition: bool, constraint: str) -> None:
    if not condition:
        raise FakeIntegrityError(f"constraint failed: {constraint}")


# --------------------------------------------------------------------------- rows


@dataclass(frozen=True, slots=True)
class CityRow:
    id: int
    name: str
    state: str


@dataclass(frozen=True, slots=True)
class TheaterRow:
    id: int
    city_id: int
    name: str
    address: str
    timezone: str
    active: bool


@dataclass(frozen=True, slots=True)
class ScreenRow:
    id: int
    theater_id: int
    name: str
    layout_text: str
    active: bool


@dataclass(frozen=True, slots=True)
class SeatRow:
    id: int
    screen_id: int
    row_label: str
    number: int
    label: str
    row: int
    col: int
    seat_type: str
    accessible: bool
    companion: bool
    blocked: bool


@dataclass(frozen=True, slots=True)
class MovieRow:
    id: int
    title: str
    languages: str
    genre: str
    rating: Decimal
    certificate: str
    runtime_min: int
    release_date: date | None
    synopsis: str
    active: bool


@dataclass(frozen=True, slots=True)
class ShowRow:
    id: int
    movie_id: int
    screen_id: int
    starts_at: datetime
    ends_at: datetime
    language: str
    format: str
    scratch: bool
    created_at: datetime


@dataclass(frozen=True, slots=True)
class ShowSeatRow:
    id: int
    show_id: int
    seat_id: int
    status: str
    price: Decimal
    version: int
    ticket_id: int | None = None
    counter: str | None = None
    hold_expires_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class TicketSeatRow:
    id: int
    ticket_id: int
    show_seat_id: int
    label: str
    seat_type: str
    price: Decimal
    live: bool


@dataclass(frozen=True, slots=True)
class PaymentRow:
    id: int
    ticket_id: int
    kind: str
    mode: str
    status: str
    amount: Decimal
    reference: str | None
    tendered: Decimal | None
    change_due: Decimal | None
    refund_of_id: int | None
    staff_id: int | None
    approved_by_id: int | None
    counter: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class CouponRow:
    id: int
    code: str
    description: str
    kind: str
    value: Decimal
    max_discount: Decimal | None
    min_amount: Decimal
    valid_from: datetime | None
    valid_to: datetime | None
    active: bool
    usage_limit: int | None
    per_customer_limit: int | None
    used_count: int


@dataclass(frozen=True, slots=True)
class RedemptionRow:
    id: int
    coupon_id: int
    ticket_id: int
    customer_key: str
    redeemed_at: datetime
    returned_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class StaffRow:
    id: int
    username: str
    full_name: str
    role: str
    password_hash: str
    active: bool
    failed_logins: int
    locked_until: datetime | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class AuditRow:
    id: int
    at: datetime
    staff_id: int | None
    username: str
    counter: str
    action: str
    entity: str
    entity_id: str
    show_id: int | None
    details: str  # JSON text, as stored

    @property
    def data(self) -> dict[str, Any]:
        result: dict[str, Any] = json.loads(self.details or "{}")
        return result


@dataclass(frozen=True, slots=True)
class PricingRuleRow:
    id: int
    name: str
    kind: str
    multiplier: Decimal | None
    base_price: Decimal | None
    seat_type: str | None
    days_mask: int
    start_time: time | None
    end_time: time | None
    theater_id: int | None
    movie_id: int | None
    priority: int
    active: bool


@dataclass
class Tables:
    """Every table of the schema, as dicts of frozen rows keyed by primary key."""

    meta: dict[str, str] = field(default_factory=dict)
    seat_types: dict[str, SeatTypeRecord] = field(default_factory=dict)
    cities: dict[int, CityRow] = field(default_factory=dict)
    theaters: dict[int, TheaterRow] = field(default_factory=dict)
    screens: dict[int, ScreenRow] = field(default_factory=dict)
    seats: dict[int, SeatRow] = field(default_factory=dict)
    movies: dict[int, MovieRow] = field(default_factory=dict)
    shows: dict[int, ShowRow] = field(default_factory=dict)
    show_seats: dict[int, ShowSeatRow] = field(default_factory=dict)
    tickets: dict[int, TicketRecord] = field(default_factory=dict)
    ticket_seats: dict[int, TicketSeatRow] = field(default_factory=dict)
    payments: dict[int, PaymentRow] = field(default_factory=dict)
    coupons: dict[int, CouponRow] = field(default_factory=dict)
    redemptions: dict[int, RedemptionRow] = field(default_factory=dict)
    staff: dict[int, StaffRow] = field(default_factory=dict)
    audit: dict[int, AuditRow] = field(default_factory=dict)
    pricing_rules: dict[int, PricingRuleRow] = field(default_factory=dict)

    def copy(self) -> Tables:
        """A snapshot: rows are immutable, so copying each table's dict is enough."""
        return Tables(**{f.name: copy.copy(getattr(self, f.name)) for f in fields(self)})


def _check_show_seat(row: ShowSeatRow) -> ShowSeatRow:
    _check(row.status in SEAT_STATUSES, "show_seats.status_valid")
    _check(row.price >= 0, "show_seats.price_nonneg")
    _check(row.version >= 1, "show_seats.version_positive")
    _check(
        (row.status in ("HELD", "SOLD")) == (row.ticket_id is not None),
        "show_seats.owner_iff_claimed",
    )
    _check(
        (row.status == "HELD") == (row.hold_expires_at is not None), "show_seats.expiry_iff_held"
    )
    return row


def _check_ticket(row: TicketRecord) -> TicketRecord:
    _check(row.status in TICKET_STATUSES, "tickets.status_valid")
    _check(1 <= row.seat_count <= 10, "tickets.seat_count_range")
    _check(row.subtotal >= 0 and row.discount >= 0 and row.total >= 0, "tickets.amounts_nonneg")
    _check(row.discount <= row.subtotal, "tickets.discount_within_subtotal")
    return row


# --------------------------------------------------------------------------- database


class FakeDatabase:
    """The committed state, the write lock and the id sequences."""

    def __init__(self) -> None:
        self.state = Tables()
        self.generation = 0  # bumped by every commit that changed something
        self.commits = 0
        self.write_lock = threading.Lock()
        self.writer: int | None = None  # thread ident of the write lock's owner
        self._seq_guard = threading.Lock()
        self._seq: dict[str, int] = {}

    def next_id(self, table: str) -> int:
        with self._seq_guard:
            self._seq[table] = self._seq.get(table, 0) + 1
            return self._seq[table]


class FakeUnitOfWork(UnitOfWork):
    def __init__(
        self,
        db: FakeDatabase,
        *,
        write: bool,
        lock_timeout_ms: int | None,
        label: str,
        deferred: bool = False,
    ) -> None:
        self.dialect = "fake"
        self.lock_wait_ms = 0.0
        self.label = label
        self._db = db
        self._write = write
        self._deferred = deferred
        self._timeout_ms = lock_timeout_ms or DEFAULT_LOCK_TIMEOUT_MS
        self._locked = False
        self._active = False
        self._dirty = False
        self._closed = False
        self._base_generation = 0
        self.t = Tables()
        self.booking = FakeBookingRepository(self)
        self.queries = FakeQueryRepository(self)
        self.catalog = FakeCatalogRepository(self)
        self.staff = FakeStaffRepository(self)
        self.audit = FakeAuditRepository(self)
        self.settings = FakeSettingsRepository(self)
        self.shifts = NoShiftsRepository()  # issue 11: no counter of the fake has an open shift
        self._begin()

    # transaction -----------------------------------------------------------------------
    def _take_lock(self) -> None:
        if self._db.writer == threading.get_ident():
            raise RuntimeError(
                "a second write unit of work in the thread that already holds the write lock "
                "(on SQLite this waits for busy_timeout, then fails as 'database is locked')"
            )
        if not self._db.write_lock.acquire(timeout=self._timeout_ms / 1000.0):
            raise StorageBusy(BUSY_MESSAGE)
        self._db.writer = threading.get_ident()
        self._locked = True

    def _drop_lock(self) -> None:
        if self._locked:
            self._locked = False
            self._db.writer = None
            self._db.write_lock.release()

    def _begin(self) -> None:
        if self._closed:
            raise RuntimeError("unit of work already closed")
        if self._write and not self._deferred:
            self._take_lock()
        self._base_generation = self._db.generation
        self.t = self._db.state.copy()
        self._dirty = False
        self._active = True

    def read(self) -> Tables:
        if not self._active:
            self._begin()  # autobegin after commit/rollback, like a SQLAlchemy Connection
        return self.t

    def write(self) -> Tables:
        if not self._write:  # as HotPath.check_may_run: a read unit of work only reads
            raise ReadOnlyUnitOfWork(
                "a read unit of work may not write or lock rows: open it with write=True"
            )
        tables = self.read()
        if not self._locked:
            # A deferred write transaction that writes: it needs the write lock now, and fails
            # if another transaction committed since it began (SQLite WAL: busy snapshot).
            self._take_lock()
            if self._db.generation != self._base_generation:
                self._drop_lock()
                raise StorageBusy(BUSY_MESSAGE)
        self._dirty = True
        return tables

    def commit(self) -> None:
        if self._closed:
            raise RuntimeError("unit of work already closed")
        if not self._active:
            return
        if self._dirty:
            self._db.state = self.t
            self._db.generation += 1
            self._db.commits += 1
        self._active = False
        self._dirty = False
        self._drop_lock()

    def rollback(self) -> None:
        if self._active:
            self.t = self._db.state
            self._active = False
            self._dirty = False
        self._drop_lock()

    def close(self) -> None:
        self.rollback()
        self._closed = True

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        saved = self.read().copy()
        try:
            yield
        except BaseException:
            self.t = saved
            raise


class FakeUnitOfWorkFactory(UnitOfWorkFactory):
    def __init__(self) -> None:
        self.dialect = "fake"
        self.db = FakeDatabase()
        self.opened: list[tuple[bool, str]] = []  # (write, label) of every unit of work

    def __call__(
        self,
        *,
        write: bool = False,
        lock_timeout_ms: int | None = None,
        label: str = "",
        deferred: bool = False,
    ) -> FakeUnitOfWork:
        self.opened.append((write, label))
        return FakeUnitOfWork(
            self.db, write=write, lock_timeout_ms=lock_timeout_ms, label=label, deferred=deferred
        )

    # helpers for tests -------------------------------------------------------------------
    @property
    def tables(self) -> Tables:
        """The committed state (do not modify it; use the helpers below)."""
        return self.db.state

    @contextmanager
    def _direct(self) -> Iterator[Tables]:
        uow = self(write=True, label="test")
        try:
            yield uow.write()
            uow.commit()
        finally:
            uow.close()

    def inject_live_claim(
        self, show_seat_id: int, *, counter: str = "Other process", now: datetime | None = None
    ) -> int:
        """What another process running the thread strategy leaves between its two commits: a
        PENDING_PAYMENT ticket with a live claim on the seat, while the seat itself still reads
        AVAILABLE. No strategy can see it; only the safety net can. Returns the ticket id."""
        with self._direct() as t:
            seat = t.show_seats[show_seat_id]
            base = t.seats[seat.seat_id]
            when = now or datetime.now(UTC)
            ticket_id = self.db.next_id("tickets")
            t.tickets[ticket_id] = TicketRecord(
                ticket_id=ticket_id,
                code=generate_ticket_code(),
                show_id=seat.show_id,
                status="PENDING_PAYMENT",
                counter=counter,
                staff_id=None,
                strategy="thread",
                customer_name=None,
                customer_phone=None,
                seat_count=1,
                subtotal=seat.price,
                discount=Decimal("0.00"),
                total=seat.price,
                coupon_id=None,
                hold_expires_at=when + timedelta(minutes=5),
                created_at=when,
                confirmed_at=None,
                cancelled_at=None,
            )
            claim_id = self.db.next_id("ticket_seats")
            t.ticket_seats[claim_id] = TicketSeatRow(
                claim_id, ticket_id, show_seat_id, base.label, base.seat_type, seat.price, True
            )
        return ticket_id

    def poke_seat(self, show_seat_id: int, **changes: Any) -> ShowSeatRow:
        """Change a show seat directly (committed), e.g. ``version=seat.version + 1``."""
        with self._direct() as t:
            row = _check_show_seat(replace(t.show_seats[show_seat_id], **changes))
            t.show_seats[show_seat_id] = row
        return row

    def bump_version(self, show_seat_id: int) -> int:
        """Another counter held and released the seat meanwhile: same status, newer version."""
        return self.poke_seat(
            show_seat_id, version=self.tables.show_seats[show_seat_id].version + 1
        ).version

    def set_staff_active(self, staff_id: int, active: bool) -> None:
        with self._direct() as t:
            t.staff[staff_id] = replace(t.staff[staff_id], active=active)

    def audit_rows(self, action: str | None = None) -> list[AuditRow]:
        rows = sorted(self.tables.audit.values(), key=lambda r: r.id)
        return [r for r in rows if action is None or r.action == action]


# --------------------------------------------------------------------------- repositories


class _Repo:
    def __init__(self, uow: FakeUnitOfWork) -> None:
        self._uow = uow

    def _r(self) -> Tables:
        return self._uow.read()

    def _w(self) -> Tables:
        return self._uow.write()

    def _id(self, table: str) -> int:
        return self._uow._db.next_id(table)


def _seat_state(t: Tables, ss: ShowSeatRow) -> SeatState:
    seat = t.seats[ss.seat_id]
    return SeatState(
        show_seat_id=ss.id,
        seat_id=ss.seat_id,
        label=seat.label,
        seat_type=seat.seat_type,
        price=ss.price,
        status=ss.status,
        version=ss.version,
        ticket_id=ss.ticket_id,
        counter=ss.counter,
        hold_expires_at=ss.hold_expires_at,
    )


def _coupon_spec(c: CouponRow) -> CouponSpec:
    return CouponSpec(
        coupon_id=c.id,
        code=c.code,
        kind=CouponKind(c.kind),
        value=c.value,
        max_discount=c.max_discount,
        min_amount=c.min_amount,
        valid_from=c.valid_from,
        valid_to=c.valid_to,
        active=c.active,
        usage_limit=c.usage_limit,
        per_customer_limit=c.per_customer_limit,
        used_count=c.used_count,
    )


def _set_seat(t: Tables, row: ShowSeatRow, **changes: Any) -> None:
    t.show_seats[row.id] = _check_show_seat(replace(row, **changes))


class FakeBookingRepository(_Repo, BookingRepository):
    def show_info(self, show_id: int) -> ShowInfo | None:
        t = self._r()
        show = t.shows.get(show_id)
        if show is None:
            return None
        theater = t.theaters[t.screens[show.screen_id].theater_id]
        return ShowInfo(
            show.id,
            show.movie_id,
            show.screen_id,
            theater.id,
            show.starts_at,
            show.ends_at,
            theater.timezone,
            scratch=show.scratch,
        )

    def seats(self, show_id: int, show_seat_ids: Sequence[int], *, lock: bool) -> list[SeatState]:
        t = self._r()
        wanted = set(show_seat_ids)
        return [
            _seat_state(t, ss)
            for sid, ss in sorted(t.show_seats.items())
            if sid in wanted and ss.show_id == show_id
        ]

    def seat_states(self, show_id: int) -> list[SeatStatusRow]:
        t = self._r()
        return [
            SeatStatusRow(sid, ss.status, ss.version, ss.hold_expires_at)
            for sid, ss in sorted(t.show_seats.items())
            if ss.show_id == show_id
        ]

    def seats_of_ticket(self, ticket_id: int) -> list[SeatState]:
        t = self._r()
        return [
            _seat_state(t, ss)
            for _, ss in sorted(t.show_seats.items())
            if ss.ticket_id is not None and ss.ticket_id == ticket_id
        ]

    def stale_ticket_ids(
        self, now: datetime, *, show_seat_ids: Sequence[int] = (), limit: int = 500
    ) -> list[int]:
        t = self._r()
        if show_seat_ids:
            wanted = set(show_seat_ids)
            return sorted(
                {
                    ss.ticket_id
                    for ss in t.show_seats.values()
                    if ss.id in wanted
                    and ss.status == "HELD"
                    and ss.hold_expires_at is not None
                    and ss.hold_expires_at <= now
                    and ss.ticket_id is not None
                }
            )
        stale = [
            tk.ticket_id
            for tk in t.tickets.values()
            if tk.status == "PENDING_PAYMENT"
            and tk.hold_expires_at is not None
            and tk.hold_expires_at <= now
        ]
        return sorted(stale)[:limit]

    def _free_seats_and_kill_claims(self, t: Tables, ticket_id: int) -> None:
        for ss in list(t.show_seats.values()):
            if ss.ticket_id == ticket_id and ss.status in ("HELD", "SOLD"):
                _set_seat(
                    t,
                    ss,
                    status="AVAILABLE",
                    ticket_id=None,
                    counter=None,
                    hold_expires_at=None,
                    version=ss.version + 1,
                )
        for ts in list(t.ticket_seats.values()):
            if ts.ticket_id == ticket_id and ts.live:
                t.ticket_seats[ts.id] = replace(ts, live=False)

    def expire_ticket(self, ticket_id: int, now: datetime) -> bool:
        t = self._w()
        tk = t.tickets.get(ticket_id)
        if (
            tk is None
            or tk.status != "PENDING_PAYMENT"
            or tk.hold_expires_at is None
            or not tk.hold_expires_at <= now
        ):
            return False
        t.tickets[ticket_id] = replace(tk, status="EXPIRED")
        self._free_seats_and_kill_claims(t, ticket_id)
        return True

    def create_ticket(self, ticket: NewTicket) -> int:
        t = self._w()
        _check(ticket.show_id in t.shows, "fk tickets.show_id")
        _check(ticket.staff_id is None or ticket.staff_id in t.staff, "fk tickets.staff_id")
        _check(ticket.coupon_id is None or ticket.coupon_id in t.coupons, "fk tickets.coupon_id")
        _check(all(tk.code != ticket.code for tk in t.tickets.values()), "unique tickets.code")
        ticket_id = self._id("tickets")
        t.tickets[ticket_id] = _check_ticket(
            TicketRecord(
                ticket_id=ticket_id,
                code=ticket.code,
                show_id=ticket.show_id,
                status="PENDING_PAYMENT",
                counter=ticket.counter,
                staff_id=ticket.staff_id,
                strategy=_text(ticket.strategy),
                customer_name=ticket.customer_name,
                customer_phone=ticket.customer_phone,
                seat_count=ticket.seat_count,
                subtotal=_money(ticket.subtotal),
                discount=_money(ticket.discount),
                total=_money(ticket.total),
                coupon_id=ticket.coupon_id,
                hold_expires_at=_utc(ticket.hold_expires_at),
                created_at=_utc_req(ticket.created_at),
                confirmed_at=None,
                cancelled_at=None,
            )
        )
        return ticket_id

    def claim(self, ticket_id: int, seats: Sequence[ClaimSpec]) -> None:
        t = self._w()
        live = {ts.show_seat_id for ts in t.ticket_seats.values() if ts.live}
        mine = {ts.show_seat_id for ts in t.ticket_seats.values() if ts.ticket_id == ticket_id}
        new_rows: list[TicketSeatRow] = []
        refused = False
        for s in seats:
            if (
                s.show_seat_id in live  # uq_ticket_seats_live: the safety net
                or s.show_seat_id in mine  # unique (ticket_id, show_seat_id)
                or ticket_id not in t.tickets
                or s.show_seat_id not in t.show_seats
                or s.price < 0
            ):
                refused = True
                break
            live.add(s.show_seat_id)
            mine.add(s.show_seat_id)
            new_rows.append(
                TicketSeatRow(
                    0, ticket_id, s.show_seat_id, s.label, s.seat_type, _money(s.price), True
                )
            )
        if refused:
            # Like the real INSERT: the statement fails as a whole and names every seat of it.
            raise ClaimConflict([s.show_seat_id for s in seats])
        for row in new_rows:
            row_id = self._id("ticket_seats")
            t.ticket_seats[row_id] = replace(row, id=row_id)

    def mark_held(
        self,
        ticket_id: int,
        counter: str,
        expires_at: datetime,
        now: datetime,
        expected: Mapping[int, int | None],
    ) -> set[int]:
        # As the SQL: only a seat whose stored status is AVAILABLE changes (a HELD seat with an
        # expired hold must be expired first, which the services do in the same transaction).
        t = self._w()
        changed: set[int] = set()
        for sid, version in expected.items():
            ss = t.show_seats.get(sid)
            if ss is None or ss.status != "AVAILABLE":
                continue
            if version is not None and ss.version != version:
                continue
            _set_seat(
                t,
                ss,
                status="HELD",
                ticket_id=ticket_id,
                counter=counter,
                hold_expires_at=_utc(expires_at),
                version=ss.version + 1,
            )
            changed.add(sid)
        return changed

    def live_claim_owners(self, show_seat_ids: Sequence[int]) -> dict[int, str]:
        t = self._r()
        wanted = set(show_seat_ids)
        return {
            ts.show_seat_id: t.tickets[ts.ticket_id].counter
            for ts in t.ticket_seats.values()
            if ts.live and ts.show_seat_id in wanted
        }

    def force_held(
        self, ticket_id: int, counter: str, expires_at: datetime, show_seat_ids: Sequence[int]
    ) -> None:
        t = self._w()
        for sid in show_seat_ids:
            ss = t.show_seats.get(sid)
            if ss is not None:
                _set_seat(
                    t,
                    ss,
                    status="HELD",
                    ticket_id=ticket_id,
                    counter=counter,
                    hold_expires_at=_utc(expires_at),
                    version=ss.version + 1,
                )

    def confirm(self, ticket_id: int, now: datetime) -> bool:
        # Two conditional statements, as in SQL; on False the caller rolls the transaction back.
        t = self._w()
        tk = t.tickets.get(ticket_id)
        if (
            tk is None
            or tk.status != "PENDING_PAYMENT"
            or tk.hold_expires_at is None
            or not tk.hold_expires_at > now
        ):
            return False
        t.tickets[ticket_id] = replace(tk, status="CONFIRMED", confirmed_at=_utc(now))
        sold = 0
        for ss in list(t.show_seats.values()):
            if (
                ss.ticket_id == ticket_id
                and ss.status == "HELD"
                and ss.hold_expires_at is not None
                and ss.hold_expires_at > now
            ):
                _set_seat(t, ss, status="SOLD", hold_expires_at=None, version=ss.version + 1)
                sold += 1
        return sold == tk.seat_count

    def release(self, ticket_id: int, new_status: str, now: datetime, *, from_status: str) -> bool:
        t = self._w()
        tk = t.tickets.get(ticket_id)
        if tk is None or tk.status != from_status:
            return False
        changes: dict[str, Any] = {"status": _text(new_status)}
        if new_status == "CANCELLED":
            changes["cancelled_at"] = _utc(now)
        t.tickets[ticket_id] = _check_ticket(replace(tk, **changes))
        self._free_seats_and_kill_claims(t, ticket_id)
        return True

    def ticket(self, ticket_id: int) -> TicketRecord | None:
        return self._r().tickets.get(ticket_id)

    def ticket_by_code(self, code: str) -> TicketRecord | None:
        return next((tk for tk in self._r().tickets.values() if tk.code == code), None)

    def tickets_by_phone(self, phone: str, limit: int = 50) -> list[TicketRecord]:
        found = [tk for tk in self._r().tickets.values() if tk.customer_phone == phone]
        found.sort(key=lambda tk: (tk.created_at, tk.ticket_id), reverse=True)
        return found[:limit]

    def search_tickets(
        self,
        *,
        code_part: str = "",
        name_part: str = "",
        show_id: int | None = None,
        limit: int = 50,
    ) -> list[TicketRecord]:
        def matches(tk: TicketRecord) -> bool:
            if show_id is not None and tk.show_id != show_id:
                return False
            if not code_part and not name_part:
                return True
            return bool(code_part and code_part in tk.code.replace("-", "")) or bool(
                name_part and name_part.lower() in (tk.customer_name or "").lower()
            )

        found = [tk for tk in self._r().tickets.values() if matches(tk)]
        found.sort(key=lambda tk: (tk.created_at, tk.ticket_id), reverse=True)
        return found[:limit]

    def pending_tickets(self, counter: str, now: datetime, limit: int = 50) -> list[TicketRecord]:
        found = [
            tk
            for tk in self._r().tickets.values()
            if tk.counter == counter
            and tk.status == "PENDING_PAYMENT"
            and tk.hold_expires_at is not None
            and tk.hold_expires_at > now
        ]
        found.sort(key=lambda tk: (tk.created_at, tk.ticket_id))
        return found[:limit]

    def ticket_seats(self, ticket_id: int) -> list[TicketSeatRecord]:
        rows = sorted(
            (ts for ts in self._r().ticket_seats.values() if ts.ticket_id == ticket_id),
            key=lambda ts: ts.show_seat_id,
        )
        return [
            TicketSeatRecord(r.show_seat_id, r.label, r.seat_type, r.price, r.live) for r in rows
        ]

    def set_ticket_amounts(
        self, ticket_id: int, *, discount: Decimal, total: Decimal, coupon_id: int | None
    ) -> None:
        t = self._w()
        tk = t.tickets.get(ticket_id)
        if tk is None:
            return
        _check(coupon_id is None or coupon_id in t.coupons, "fk tickets.coupon_id")
        t.tickets[ticket_id] = _check_ticket(
            replace(tk, discount=_money(discount), total=_money(total), coupon_id=coupon_id)
        )

    def set_customer(self, ticket_id: int, name: str | None, phone: str | None) -> None:
        t = self._w()
        tk = t.tickets.get(ticket_id)
        if tk is not None:
            t.tickets[ticket_id] = replace(tk, customer_name=name, customer_phone=phone)

    def add_payment(self, payment: NewPayment) -> int:
        t = self._w()
        _check(payment.ticket_id in t.tickets, "fk payments.ticket_id")
        _check(_text(payment.kind) in ("PAYMENT", "REFUND"), "payments.kind_valid")
        _check(_text(payment.mode) in PAYMENT_MODES, "payments.mode_valid")
        _check(_text(payment.status) in PAYMENT_STATUSES, "payments.status_valid")
        _check(payment.amount >= 0, "payments.amount_nonneg")
        _check(
            (_text(payment.kind) == "REFUND") == (payment.refund_of_id is not None),
            "payments.refund_linked",
        )
        _check(
            payment.refund_of_id is None or payment.refund_of_id in t.payments,
            "fk payments.refund_of_id",
        )
        payment_id = self._id("payments")
        t.payments[payment_id] = PaymentRow(
            id=payment_id,
            ticket_id=payment.ticket_id,
            kind=_text(payment.kind),
            mode=_text(payment.mode),
            status=_text(payment.status),
            amount=_money(payment.amount),
            reference=payment.reference,
            tendered=_money_or_none(payment.tendered),
            change_due=_money_or_none(payment.change_due),
            refund_of_id=payment.refund_of_id,
            staff_id=payment.staff_id,
            approved_by_id=payment.approved_by_id,
            counter=payment.counter,
            created_at=_utc_req(payment.created_at),
        )
        return payment_id

    def payments(self, ticket_id: int) -> list[PaymentRecord]:
        rows = sorted(
            (p for p in self._r().payments.values() if p.ticket_id == ticket_id),
            key=lambda p: p.id,
        )
        return [
            PaymentRecord(
                p.id,
                p.ticket_id,
                p.kind,
                p.mode,
                p.status,
                p.amount,
                p.reference,
                p.tendered,
                p.change_due,
                p.refund_of_id,
                p.created_at,
                p.approved_by_id,
            )
            for p in rows
        ]

    def last_writer(self, show_id: int | None = None) -> str | None:
        audit = self._r().audit
        if not audit:
            return None
        last = audit[max(audit)]
        return last.counter or None

    # coupons ---------------------------------------------------------------------------
    def coupon_by_code(self, code: str) -> CouponSpec | None:
        row = next((c for c in self._r().coupons.values() if c.code == code), None)
        return None if row is None else _coupon_spec(row)

    def coupon_by_id(self, coupon_id: int) -> CouponSpec | None:
        row = self._r().coupons.get(coupon_id)
        return None if row is None else _coupon_spec(row)

    def coupon_uses(self, coupon_id: int, customer_key: str) -> int:
        return sum(
            1
            for r in self._r().redemptions.values()
            if r.coupon_id == coupon_id and r.customer_key == customer_key and r.returned_at is None
        )

    def redeem_coupon(
        self, coupon_id: int, ticket_id: int, customer_key: str, now: datetime
    ) -> bool:
        t = self._w()
        c = t.coupons.get(coupon_id)
        if (
            c is None
            or not c.active
            or (c.usage_limit is not None and c.used_count >= c.usage_limit)
        ):
            return False
        t.coupons[coupon_id] = replace(c, used_count=c.used_count + 1)
        _check(ticket_id in t.tickets, "fk coupon_redemptions.ticket_id")
        _check(
            all(r.ticket_id != ticket_id for r in t.redemptions.values()),
            "unique coupon_redemptions.ticket_id",
        )
        rid = self._id("coupon_redemptions")
        t.redemptions[rid] = RedemptionRow(rid, coupon_id, ticket_id, customer_key, _utc_req(now))
        return True

    def return_coupon(self, ticket_id: int, now: datetime) -> bool:
        t = self._w()
        open_rows = [
            r for r in t.redemptions.values() if r.ticket_id == ticket_id and r.returned_at is None
        ]
        if not open_rows:
            return False
        for r in open_rows:
            t.redemptions[r.id] = replace(r, returned_at=_utc(now))
        c = t.coupons[open_rows[0].coupon_id]
        if c.used_count > 0:
            t.coupons[c.id] = replace(c, used_count=c.used_count - 1)
        return True


def _is_free(ss: ShowSeatRow, now: datetime) -> bool:
    """AVAILABLE, or HELD with a hold that ran out (the SQL ``_free_condition``)."""
    return ss.status == "AVAILABLE" or (
        ss.status == "HELD" and ss.hold_expires_at is not None and ss.hold_expires_at <= now
    )


class FakeQueryRepository(_Repo, QueryRepository):
    def _summary(self, t: Tables, show: ShowRow, now: datetime) -> ShowSummary:
        movie = t.movies[show.movie_id]
        screen = t.screens[show.screen_id]
        theater = t.theaters[screen.theater_id]
        city = t.cities[theater.city_id]
        seats = [ss for ss in t.show_seats.values() if ss.show_id == show.id]
        return ShowSummary(
            show.id,
            movie.id,
            movie.title,
            movie.certificate,
            movie.rating,
            movie.genre,
            movie.runtime_min,
            show.language,
            show.format,
            city.name,
            theater.id,
            theater.name,
            screen.id,
            screen.name,
            show.starts_at,
            show.ends_at,
            sum(1 for ss in seats if ss.status != "BLOCKED"),
            sum(1 for ss in seats if _is_free(ss, now)),
            theater.timezone,
        )

    def find_shows(self, flt: ShowFilter, now: datetime) -> list[ShowSummary]:
        t = self._r()
        text = flt.movie_text.strip().lower()
        found: list[tuple[tuple[datetime, str, str], ShowRow]] = []
        for show in t.shows.values():
            movie = t.movies[show.movie_id]
            screen = t.screens[show.screen_id]
            theater = t.theaters[screen.theater_id]
            if not flt.include_past and not show.ends_at > now:
                continue
            if not flt.include_scratch and show.scratch:
                continue
            if flt.city_id is not None and theater.city_id != flt.city_id:
                continue
            if flt.theater_id is not None and theater.id != flt.theater_id:
                continue
            if flt.starts_from is not None and not show.starts_at >= flt.starts_from:
                continue
            if flt.starts_to is not None and not show.starts_at < flt.starts_to:
                continue
            if text and text not in movie.title.lower():
                continue
            if flt.language and show.language != flt.language:
                continue
            if flt.genre and movie.genre != flt.genre:
                continue
            if flt.min_rating is not None and not movie.rating >= flt.min_rating:
                continue
            found.append(((show.starts_at, theater.name, screen.name), show))
        found.sort(key=lambda pair: pair[0])
        return [self._summary(t, show, now) for _, show in found[: flt.limit]]

    def show_summary(self, show_id: int, now: datetime) -> ShowSummary | None:
        t = self._r()
        show = t.shows.get(show_id)
        return None if show is None else self._summary(t, show, now)

    def seat_map_rows(self, show_id: int) -> list[SeatMapRow]:
        t = self._r()
        rows = []
        for ss in t.show_seats.values():
            if ss.show_id != show_id:
                continue
            s = t.seats[ss.seat_id]
            rows.append(
                SeatMapRow(
                    ss.id,
                    s.id,
                    s.label,
                    s.row_label,
                    s.number,
                    s.col,
                    s.row,
                    s.seat_type,
                    ss.price,
                    ss.status,
                    ss.version,
                    s.accessible,
                    s.companion,
                    ss.ticket_id,
                    ss.counter,
                    ss.hold_expires_at,
                )
            )
        rows.sort(key=lambda r: (r.row, r.col))
        return rows

    def seat_types(self) -> list[SeatTypeRecord]:
        return sorted(self._r().seat_types.values(), key=lambda st: (st.rank, st.code))

    def cities(self) -> list[NamedRef]:
        return sorted(
            (NamedRef(c.id, c.name) for c in self._r().cities.values()), key=lambda r: r.name
        )

    def theaters(self) -> list[NamedRef]:
        return sorted(
            (NamedRef(th.id, th.name, th.city_id) for th in self._r().theaters.values()),
            key=lambda r: r.name,
        )

    def languages(self) -> list[str]:
        return sorted({s.language for s in self._r().shows.values()})

    def genres(self) -> list[str]:
        return sorted({m.genre for m in self._r().movies.values()})

    def sold_count_by_show_seat(self, show_id: int) -> dict[int, int]:
        t = self._r()
        counts: dict[int, int] = {}
        for ts in t.ticket_seats.values():
            tk = t.tickets[ts.ticket_id]
            if tk.show_id == show_id and tk.status == "CONFIRMED":
                counts[ts.show_seat_id] = counts.get(ts.show_seat_id, 0) + 1
        return counts


class FakeCatalogRepository(_Repo, CatalogRepository):
    def add_seat_type(self, record: SeatTypeRecord) -> None:
        t = self._w()
        _check(record.code not in t.seat_types, "unique seat_types.code")
        _check(record.base_price >= 0, "seat_types.base_price_nonneg")
        t.seat_types[record.code] = replace(record, base_price=_money(record.base_price))

    def add_city(self, name: str, state: str = "") -> int:
        t = self._w()
        _check(all(c.name != name for c in t.cities.values()), "unique cities.name")
        city_id = self._id("cities")
        t.cities[city_id] = CityRow(city_id, name, state)
        return city_id

    def add_theater(
        self, city_id: int, name: str, address: str = "", timezone: str = "Asia/Kolkata"
    ) -> int:
        t = self._w()
        _check(city_id in t.cities, "fk theaters.city_id")
        _check(
            all((th.city_id, th.name) != (city_id, name) for th in t.theaters.values()),
            "unique theaters.city_id, name",
        )
        theater_id = self._id("theaters")
        t.theaters[theater_id] = TheaterRow(theater_id, city_id, name, address, timezone, True)
        return theater_id

    def add_screen(self, theater_id: int, name: str, layout_text: str) -> int:
        t = self._w()
        _check(theater_id in t.theaters, "fk screens.theater_id")
        _check(
            all((sc.theater_id, sc.name) != (theater_id, name) for sc in t.screens.values()),
            "unique screens.theater_id, name",
        )
        screen_id = self._id("screens")
        t.screens[screen_id] = ScreenRow(screen_id, theater_id, name, layout_text, True)
        return screen_id

    def add_seats(self, screen_id: int, seats: Sequence[NewSeat]) -> None:
        if not seats:
            return
        t = self._w()
        _check(screen_id in t.screens, "fk seats.screen_id")
        labels = {s.label for s in t.seats.values() if s.screen_id == screen_id}
        places = {(s.row, s.col) for s in t.seats.values() if s.screen_id == screen_id}
        rows = []
        for s in seats:
            _check(s.seat_type in t.seat_types, "fk seats.seat_type")
            _check(s.label not in labels, "unique seats.screen_id, label")
            _check((s.row, s.col) not in places, "uq_seats_screen_position")
            _check(s.number >= 1, "seats.number_positive")
            _check(s.row >= 0 and s.col >= 0, "seats.position_nonneg")
            labels.add(s.label)
            places.add((s.row, s.col))
            rows.append(s)
        for s in rows:
            seat_id = self._id("seats")
            t.seats[seat_id] = SeatRow(
                seat_id,
                screen_id,
                s.row_label,
                s.number,
                s.label,
                s.row,
                s.col,
                s.seat_type,
                s.accessible,
                s.companion,
                s.blocked,
            )

    def add_movie(self, movie: NewMovie) -> int:
        t = self._w()
        rating = _scaled(movie.rating, 1)
        assert rating is not None
        _check(Decimal(0) <= rating <= Decimal(10), "movies.rating_range")
        _check(0 < movie.runtime_min <= 600, "movies.runtime_range")
        movie_id = self._id("movies")
        t.movies[movie_id] = MovieRow(
            movie_id,
            movie.title,
            movie.languages,
            movie.genre,
            rating,
            movie.certificate,
            movie.runtime_min,
            movie.release_date,
            movie.synopsis,
            True,
        )
        return movie_id

    def add_pricing_rule(self, rule: NewPricingRule) -> int:
        t = self._w()
        _check(
            _text(rule.kind) in ("SEAT_TYPE", "DAY_OF_WEEK", "TIME_WINDOW", "THEATER_MOVIE"),
            "pricing_rules.kind_valid",
        )
        _check(rule.multiplier is None or rule.multiplier > 0, "pricing_rules.multiplier_positive")
        _check(rule.base_price is None or rule.base_price >= 0, "pricing_rules.base_price_nonneg")
        _check(0 <= rule.days_mask < 128, "pricing_rules.days_mask_range")
        _check(rule.seat_type is None or rule.seat_type in t.seat_types, "fk pricing_rules.seat")
        _check(rule.theater_id is None or rule.theater_id in t.theaters, "fk pricing_rules.theater")
        _check(rule.movie_id is None or rule.movie_id in t.movies, "fk pricing_rules.movie")
        rule_id = self._id("pricing_rules")
        t.pricing_rules[rule_id] = PricingRuleRow(
            id=rule_id,
            name=rule.name,
            kind=_text(rule.kind),
            multiplier=_scaled(rule.multiplier, 3),
            base_price=_money_or_none(rule.base_price),
            seat_type=rule.seat_type,
            days_mask=rule.days_mask,
            start_time=rule.start_time,
            end_time=rule.end_time,
            theater_id=rule.theater_id,
            movie_id=rule.movie_id,
            priority=rule.priority,
            active=rule.active,
        )
        return rule_id

    def pricing_rules(self) -> list[PricingRuleSpec]:
        return [
            PricingRuleSpec(
                rule_id=r.id,
                name=r.name,
                kind=PricingRuleKind(r.kind),
                multiplier=r.multiplier,
                base_price=r.base_price,
                seat_type=r.seat_type,
                days_mask=r.days_mask,
                start_time=r.start_time,
                end_time=r.end_time,
                theater_id=r.theater_id,
                movie_id=r.movie_id,
                active=r.active,
                priority=r.priority,
            )
            for _, r in sorted(self._r().pricing_rules.items())
        ]

    def add_coupon(self, coupon: NewCoupon) -> int:
        t = self._w()
        _check(all(c.code != coupon.code for c in t.coupons.values()), "unique coupons.code")
        _check(_text(coupon.kind) in ("PERCENT", "FIXED"), "coupons.kind_valid")
        _check(coupon.value > 0, "coupons.value_positive")
        _check(coupon.min_amount >= 0, "coupons.min_amount_nonneg")
        coupon_id = self._id("coupons")
        t.coupons[coupon_id] = CouponRow(
            id=coupon_id,
            code=coupon.code,
            description=coupon.description,
            kind=_text(coupon.kind),
            value=_money(coupon.value),
            max_discount=_money_or_none(coupon.max_discount),
            min_amount=_money(coupon.min_amount),
            valid_from=_utc(coupon.valid_from),
            valid_to=_utc(coupon.valid_to),
            active=coupon.active,
            usage_limit=coupon.usage_limit,
            per_customer_limit=coupon.per_customer_limit,
            used_count=0,
        )
        return coupon_id

    def screen_shows(self, screen_id: int) -> list[tuple[int, datetime, datetime]]:
        shows = [s for s in self._r().shows.values() if s.screen_id == screen_id]
        shows.sort(key=lambda s: (s.starts_at, s.id))
        return [(s.id, s.starts_at, s.ends_at) for s in shows]

    def screen_theater(self, screen_id: int) -> tuple[int, str] | None:
        t = self._r()
        screen = t.screens.get(screen_id)
        if screen is None:
            return None
        theater = t.theaters[screen.theater_id]
        return theater.id, theater.timezone

    def movie_runtime(self, movie_id: int) -> int | None:
        movie = self._r().movies.get(movie_id)
        return None if movie is None else movie.runtime_min

    def screen_seats(self, screen_id: int) -> list[tuple[int, str, bool]]:
        return [
            (s.id, s.seat_type, s.blocked)
            for _, s in sorted(self._r().seats.items())
            if s.screen_id == screen_id
        ]

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
        t = self._w()
        _check(movie_id in t.movies, "fk shows.movie_id")
        _check(screen_id in t.screens, "fk shows.screen_id")
        _check(ends_at > starts_at, "shows.ends_after_start")
        show_id = self._id("shows")
        t.shows[show_id] = ShowRow(
            show_id,
            movie_id,
            screen_id,
            _utc_req(starts_at),
            _utc_req(ends_at),
            language,
            format,
            scratch,
            _utc_req(created_at),
        )
        seen: set[int] = set()
        for seat_id, price, blocked in seat_prices:
            _check(seat_id in t.seats, "fk show_seats.seat_id")
            _check(seat_id not in seen, "unique show_seats.show_id, seat_id")
            seen.add(seat_id)
            ss_id = self._id("show_seats")
            t.show_seats[ss_id] = _check_show_seat(
                ShowSeatRow(
                    ss_id, show_id, seat_id, "BLOCKED" if blocked else "AVAILABLE", _money(price), 1
                )
            )
        return show_id

    def counts(self) -> dict[str, int]:
        t = self._r()
        return {
            "cities": len(t.cities),
            "cinemas": len(t.theaters),
            "screens": len(t.screens),
            "seats": len(t.seats),
            "movies": len(t.movies),
            "shows": len(t.shows),
            "show seats": len(t.show_seats),
            "pricing rules": len(t.pricing_rules),
            "coupons": len(t.coupons),
            "staff": len(t.staff),
        }


def _staff_record(r: StaffRow) -> StaffRecord:
    return StaffRecord(
        r.id,
        r.username,
        r.full_name,
        r.role,
        r.password_hash,
        r.active,
        r.failed_logins,
        r.locked_until,
    )


class FakeStaffRepository(_Repo, StaffRepository):
    def by_username(self, username: str) -> StaffRecord | None:
        name = username.strip().lower()
        row = next((s for s in self._r().staff.values() if s.username.lower() == name), None)
        return None if row is None else _staff_record(row)

    def by_id(self, staff_id: int) -> StaffRecord | None:
        row = self._r().staff.get(staff_id)
        return None if row is None else _staff_record(row)

    def add(
        self, username: str, full_name: str, role: str, password_hash: str, now: datetime
    ) -> int:
        t = self._w()
        _check(all(s.username != username for s in t.staff.values()), "unique staff.username")
        _check(_text(role) in ROLES, "staff.role_valid")
        staff_id = self._id("staff")
        t.staff[staff_id] = StaffRow(
            staff_id, username, full_name, _text(role), password_hash, True, 0, None, _utc_req(now)
        )
        return staff_id

    def count_admins(self) -> int:
        return sum(1 for s in self._r().staff.values() if s.role == "ADMIN" and s.active)

    def count(self) -> int:
        return len(self._r().staff)

    def record_failure(self, staff_id: int, *, lock_after: int, locked_until: datetime) -> int:
        t = self._w()
        row = t.staff.get(staff_id)
        if row is None:
            return 0
        failures = row.failed_logins + 1
        t.staff[staff_id] = replace(
            row,
            failed_logins=failures,
            locked_until=_utc(locked_until) if failures >= lock_after else row.locked_until,
        )
        return failures

    def record_success(self, staff_id: int) -> None:
        t = self._w()
        row = t.staff.get(staff_id)
        if row is not None:
            t.staff[staff_id] = replace(row, failed_logins=0, locked_until=None)

    def set_password_hash(self, staff_id: int, password_hash: str) -> None:
        t = self._w()
        row = t.staff.get(staff_id)
        if row is not None:
            t.staff[staff_id] = replace(row, password_hash=password_hash)


class FakeAuditRepository(_Repo, AuditRepository):
    def add(self, record: AuditRecord) -> None:
        t = self._w()
        audit_id = self._id("audit_events")
        t.audit[audit_id] = AuditRow(
            id=audit_id,
            at=_utc_req(record.at),
            staff_id=record.staff_id,
            username=record.username,
            counter=record.counter,
            action=record.action,
            entity=record.entity,
            entity_id=record.entity_id,
            show_id=record.show_id,
            details=json.dumps(dict(record.details), default=str, sort_keys=True),
        )

    def recent(self, limit: int = 100) -> list[AuditRecord]:
        rows = sorted(self._r().audit.values(), key=lambda r: r.id, reverse=True)[:limit]
        return [
            AuditRecord(
                at=r.at,
                action=r.action,
                username=r.username,
                staff_id=r.staff_id,
                counter=r.counter,
                entity=r.entity,
                entity_id=r.entity_id,
                show_id=r.show_id,
                details=r.data,
            )
            for r in rows
        ]


class FakeSettingsRepository(_Repo, SettingsRepository):
    def get(self, key: str) -> str | None:
        return self._r().meta.get(key)

    def put(self, key: str, value: str) -> None:
        self._w().meta[key] = value

    def put_once(self, key: str, value: str) -> bool:
        t = self._w()
        if key in t.meta:
            return False
        t.meta[key] = value
        return True

    def all(self) -> dict[str, str]:
        return dict(self._r().meta)


# --------------------------------------------------------------------------- box office


class RecordingSleep:
    """``BoxOffice.sleep`` for tests: never sleeps; records each call and runs an optional hook
    (e.g. "another counter changes the seat while this one backs off")."""

    def __init__(self, hook: Callable[[float], None] | None = None) -> None:
        self.calls: list[float] = []
        self.hook = hook

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)
        if self.hook is not None:
            self.hook(seconds)


def fake_box(clock: Clock | None = None) -> BoxOffice:
    """A BoxOffice on a fresh in-memory database: fast hashing, a sleep that never sleeps."""
    box = BoxOffice(uows=FakeUnitOfWorkFactory(), sleep=RecordingSleep(), fast_hashing=True)
    if clock is not None:
        box.clock = clock
    return box


def fake_of(box: BoxOffice) -> FakeUnitOfWorkFactory:
    assert isinstance(box.uows, FakeUnitOfWorkFactory)
    return box.uows


def sleeper_of(box: BoxOffice) -> RecordingSleep:
    assert isinstance(box.sleep, RecordingSleep)
    return box.sleep


def configure(box: BoxOffice, **settings: object) -> None:
    """Store settings (``hold_minutes=2``...) through the port, like an admin would."""
    with box.uows(write=True, label="test") as uow:
        for key, value in settings.items():
            uow.settings.put(key, str(value))
        uow.commit()
