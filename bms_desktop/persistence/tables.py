"""The schema: every table, constraint and index of the box office.

Constraints live in the database, not only in Python. The safety net against double sales is the
partial unique index ``uq_ticket_seats_live``: a show seat can belong to at most one *live* ticket
seat (a hold or a sale), whatever concurrency strategy the counters use.
"""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    Time,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from bms_desktop.persistence.types import Money, Scaled, UtcDateTime

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


SEAT_STATUSES = ("AVAILABLE", "HELD", "SOLD", "BLOCKED")
TICKET_STATUSES = ("PENDING_PAYMENT", "CONFIRMED", "CANCELLED", "EXPIRED")
PAYMENT_STATUSES = ("PENDING", "SUCCESS", "FAILED")
PAYMENT_MODES = ("UPI", "CREDIT_CARD", "NETBANKING", "CASH")
ROLES = ("USHER", "CLERK", "SUPERVISOR", "ADMIN")
RULE_KINDS = ("SEAT_TYPE", "DAY_OF_WEEK", "TIME_WINDOW", "THEATER_MOVIE")
TICKET_TYPE_KINDS = ("MULTIPLIER", "FIXED")
CASH_MOVEMENT_KINDS = ("DROP", "TOPUP")


class AppMeta(Base):
    """Key/value settings of this box office (hold minutes, cutoffs, demo flag)."""

    __tablename__ = "app_meta"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class SeatType(Base):
    __tablename__ = "seat_types"
    code: Mapped[str] = mapped_column(String(20), primary_key=True)
    name: Mapped[str] = mapped_column(String(40))
    base_price: Mapped[Decimal] = mapped_column(Money)
    rank: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    __table_args__ = (CheckConstraint("base_price >= 0", name="base_price_nonneg"),)


class City(Base):
    __tablename__ = "cities"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    state: Mapped[str] = mapped_column(String(80), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=text("true"))


class Theater(Base):
    __tablename__ = "theaters"
    id: Mapped[int] = mapped_column(primary_key=True)
    city_id: Mapped[int] = mapped_column(ForeignKey("cities.id", ondelete="RESTRICT"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    address: Mapped[str] = mapped_column(String(240), default="")
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Kolkata")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Printed on receipts (issue 11): the cinema's GST registration and phone.
    gstin: Mapped[str] = mapped_column(String(15), default="", server_default="")
    phone: Mapped[str] = mapped_column(String(20), default="", server_default="")
    __table_args__ = (UniqueConstraint("city_id", "name"),)


class Screen(Base):
    __tablename__ = "screens"
    id: Mapped[int] = mapped_column(primary_key=True)
    theater_id: Mapped[int] = mapped_column(ForeignKey("theaters.id", ondelete="RESTRICT"))
    name: Mapped[str] = mapped_column(String(80))
    layout_text: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # The seats of the current layout carry this version; a changed layout gets new seat rows
    # (version + 1) and shows that keep the old layout keep pointing at the old rows.
    layout_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    __table_args__ = (
        UniqueConstraint("theater_id", "name"),
        CheckConstraint("layout_version >= 1", name="layout_version_positive"),
    )


class Seat(Base):
    __tablename__ = "seats"
    id: Mapped[int] = mapped_column(primary_key=True)
    screen_id: Mapped[int] = mapped_column(ForeignKey("screens.id", ondelete="CASCADE"))
    row_label: Mapped[str] = mapped_column(String(4))
    number: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(10))
    row_idx: Mapped[int] = mapped_column(Integer)
    col_idx: Mapped[int] = mapped_column(Integer)
    seat_type: Mapped[str] = mapped_column(ForeignKey("seat_types.code", ondelete="RESTRICT"))
    accessible: Mapped[bool] = mapped_column(Boolean, default=False)
    companion: Mapped[bool] = mapped_column(Boolean, default=False)
    blocked: Mapped[bool] = mapped_column(Boolean, default=False)
    layout_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    __table_args__ = (
        UniqueConstraint("screen_id", "layout_version", "label", name="uq_seats_screen_label"),
        UniqueConstraint(
            "screen_id", "layout_version", "row_idx", "col_idx", name="uq_seats_screen_position"
        ),
        CheckConstraint("number >= 1", name="number_positive"),
        CheckConstraint("row_idx >= 0 AND col_idx >= 0", name="position_nonneg"),
    )


class Movie(Base):
    __tablename__ = "movies"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200), index=True)
    languages: Mapped[str] = mapped_column(String(200))  # comma-separated, e.g. "Hindi,English"
    genre: Mapped[str] = mapped_column(String(80))
    rating: Mapped[Decimal] = mapped_column(Scaled(1))  # 0.0 .. 10.0
    certificate: Mapped[str] = mapped_column(String(8))  # U, UA, A, S
    runtime_min: Mapped[int] = mapped_column(Integer)
    release_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    synopsis: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    poster: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)  # PNG/JPEG bytes
    __table_args__ = (
        CheckConstraint("rating >= 0 AND rating <= 100", name="rating_range"),
        CheckConstraint("runtime_min > 0 AND runtime_min <= 600", name="runtime_range"),
    )


class Show(Base):
    __tablename__ = "shows"
    id: Mapped[int] = mapped_column(primary_key=True)
    movie_id: Mapped[int] = mapped_column(ForeignKey("movies.id", ondelete="RESTRICT"))
    screen_id: Mapped[int] = mapped_column(ForeignKey("screens.id", ondelete="RESTRICT"))
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime)
    ends_at: Mapped[datetime] = mapped_column(UtcDateTime)
    language: Mapped[str] = mapped_column(String(40))
    format: Mapped[str] = mapped_column(String(20), default="2D")
    scratch: Mapped[bool] = mapped_column(Boolean, default=False)  # race-lab shows
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # A cancelled show is off sale for good; its tickets were refunded when it was cancelled.
    cancelled_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    cancel_reason: Mapped[str] = mapped_column(String(200), default="", server_default="")
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        Index("ix_shows_screen_start", "screen_id", "starts_at"),
        Index("ix_shows_start", "starts_at"),
        Index("ix_shows_movie", "movie_id"),
    )


class Staff(Base):
    __tablename__ = "staff"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(40), unique=True)
    full_name: Mapped[str] = mapped_column(String(120), default="")
    role: Mapped[str] = mapped_column(String(12))
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    must_change_password: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=text("false")
    )
    __table_args__ = (CheckConstraint(_in("role", ROLES), name="role_valid"),)


class Coupon(Base):
    __tablename__ = "coupons"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    description: Mapped[str] = mapped_column(String(200), default="")
    kind: Mapped[str] = mapped_column(String(10))
    value: Mapped[Decimal] = mapped_column(Money)
    max_discount: Mapped[Decimal | None] = mapped_column(Money, nullable=True)
    min_amount: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    valid_from: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    valid_to: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    usage_limit: Mapped[int | None] = mapped_column(Integer, nullable=True)
    per_customer_limit: Mapped[int | None] = mapped_column(Integer, nullable=True)
    used_count: Mapped[int] = mapped_column(Integer, default=0)
    __table_args__ = (
        CheckConstraint(_in("kind", ("PERCENT", "FIXED")), name="kind_valid"),
        CheckConstraint("value > 0", name="value_positive"),
        CheckConstraint("min_amount >= 0", name="min_amount_nonneg"),
        CheckConstraint("used_count >= 0", name="used_nonneg"),
        CheckConstraint(
            "usage_limit IS NULL OR used_count <= usage_limit", name="used_within_limit"
        ),
    )


class Ticket(Base):
    __tablename__ = "tickets"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    show_id: Mapped[int] = mapped_column(ForeignKey("shows.id", ondelete="RESTRICT"))
    status: Mapped[str] = mapped_column(String(16))
    counter: Mapped[str] = mapped_column(String(40))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), nullable=True)
    strategy: Mapped[str] = mapped_column(String(12), default="pessimistic")
    customer_name: Mapped[str | None] = mapped_column(String(120), nullable=True)
    customer_phone: Mapped[str | None] = mapped_column(String(20), nullable=True)
    seat_count: Mapped[int] = mapped_column(Integer)
    subtotal: Mapped[Decimal] = mapped_column(Money)
    discount: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    total: Mapped[Decimal] = mapped_column(Money)
    coupon_id: Mapped[int | None] = mapped_column(ForeignKey("coupons.id"), nullable=True)
    hold_expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    confirmed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    cancelled_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    # People admitted at the door so far (issue 12): one conditional UPDATE decides each scan.
    admitted_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    __table_args__ = (
        CheckConstraint(_in("status", TICKET_STATUSES), name="status_valid"),
        CheckConstraint("seat_count >= 1 AND seat_count <= 10", name="seat_count_range"),
        CheckConstraint(
            "admitted_count >= 0 AND admitted_count <= seat_count", name="admitted_within_seats"
        ),
        CheckConstraint("subtotal >= 0 AND discount >= 0 AND total >= 0", name="amounts_nonneg"),
        CheckConstraint("discount <= subtotal", name="discount_within_subtotal"),
        Index("ix_tickets_show_status", "show_id", "status"),
        Index("ix_tickets_phone", "customer_phone"),
        Index("ix_tickets_pending_expiry", "status", "hold_expires_at"),
    )


class ShowSeat(Base):
    __tablename__ = "show_seats"
    id: Mapped[int] = mapped_column(primary_key=True)
    show_id: Mapped[int] = mapped_column(ForeignKey("shows.id", ondelete="CASCADE"))
    seat_id: Mapped[int] = mapped_column(ForeignKey("seats.id", ondelete="RESTRICT"))
    status: Mapped[str] = mapped_column(String(10), default="AVAILABLE")
    price: Mapped[Decimal] = mapped_column(Money)
    version: Mapped[int] = mapped_column(Integer, default=1)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"), nullable=True)
    counter: Mapped[str | None] = mapped_column(String(40), nullable=True)
    hold_expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    block_reason: Mapped[str | None] = mapped_column(String(120), nullable=True)
    __table_args__ = (
        UniqueConstraint("show_id", "seat_id"),
        CheckConstraint(_in("status", SEAT_STATUSES), name="status_valid"),
        CheckConstraint("price >= 0", name="price_nonneg"),
        CheckConstraint("version >= 1", name="version_positive"),
        CheckConstraint(
            "(status IN ('HELD', 'SOLD')) = (ticket_id IS NOT NULL)", name="owner_iff_claimed"
        ),
        CheckConstraint(
            "(status = 'HELD') = (hold_expires_at IS NOT NULL)", name="expiry_iff_held"
        ),
        Index("ix_show_seats_show_status", "show_id", "status"),
        Index("ix_show_seats_ticket", "ticket_id"),
    )


class TicketSeat(Base):
    __tablename__ = "ticket_seats"
    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    show_seat_id: Mapped[int] = mapped_column(ForeignKey("show_seats.id", ondelete="RESTRICT"))
    label: Mapped[str] = mapped_column(String(10))
    seat_type: Mapped[str] = mapped_column(String(20))
    price: Mapped[Decimal] = mapped_column(Money)
    live: Mapped[bool] = mapped_column(Boolean, default=True)
    ticket_type: Mapped[str] = mapped_column(String(20), default="ADULT", server_default="ADULT")
    __table_args__ = (
        UniqueConstraint("ticket_id", "show_seat_id"),
        CheckConstraint("price >= 0", name="price_nonneg"),
        # The safety net: at most one live claim per show seat, whatever the strategy did.
        Index(
            "uq_ticket_seats_live",
            "show_seat_id",
            unique=True,
            sqlite_where=text("live"),
            postgresql_where=text("live"),
        ),
    )


class Payment(Base):
    __tablename__ = "payments"
    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="RESTRICT"))
    kind: Mapped[str] = mapped_column(String(8))
    mode: Mapped[str] = mapped_column(String(12))
    status: Mapped[str] = mapped_column(String(8))
    amount: Mapped[Decimal] = mapped_column(Money)
    reference: Mapped[str | None] = mapped_column(String(80), nullable=True)
    tendered: Mapped[Decimal | None] = mapped_column(Money, nullable=True)
    change_due: Mapped[Decimal | None] = mapped_column(Money, nullable=True)
    refund_of_id: Mapped[int | None] = mapped_column(ForeignKey("payments.id"), nullable=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), nullable=True)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), nullable=True)
    counter: Mapped[str] = mapped_column(String(40), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # The shift (counter session) whose drawer a cash payment or refund went through.
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("counter_sessions.id"), nullable=True, index=True
    )
    __table_args__ = (
        CheckConstraint(_in("kind", ("PAYMENT", "REFUND")), name="kind_valid"),
        CheckConstraint(_in("mode", PAYMENT_MODES), name="mode_valid"),
        CheckConstraint(_in("status", PAYMENT_STATUSES), name="status_valid"),
        CheckConstraint("amount >= 0", name="amount_nonneg"),
        CheckConstraint("(kind = 'REFUND') = (refund_of_id IS NOT NULL)", name="refund_linked"),
        Index("ix_payments_ticket", "ticket_id"),
        Index("ix_payments_created", "created_at"),
    )


class PricingRule(Base):
    __tablename__ = "pricing_rules"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(16))
    multiplier: Mapped[Decimal | None] = mapped_column(Scaled(3), nullable=True)
    base_price: Mapped[Decimal | None] = mapped_column(Money, nullable=True)
    seat_type: Mapped[str | None] = mapped_column(
        ForeignKey("seat_types.code", ondelete="RESTRICT"), nullable=True
    )
    days_mask: Mapped[int] = mapped_column(Integer, default=0)
    start_time: Mapped[time | None] = mapped_column(Time, nullable=True)
    end_time: Mapped[time | None] = mapped_column(Time, nullable=True)
    theater_id: Mapped[int | None] = mapped_column(ForeignKey("theaters.id"), nullable=True)
    movie_id: Mapped[int | None] = mapped_column(ForeignKey("movies.id"), nullable=True)
    priority: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    __table_args__ = (
        CheckConstraint(_in("kind", RULE_KINDS), name="kind_valid"),
        CheckConstraint("multiplier IS NULL OR multiplier > 0", name="multiplier_positive"),
        CheckConstraint("base_price IS NULL OR base_price >= 0", name="base_price_nonneg"),
        CheckConstraint("days_mask >= 0 AND days_mask < 128", name="days_mask_range"),
    )


class CouponRedemption(Base):
    __tablename__ = "coupon_redemptions"
    id: Mapped[int] = mapped_column(primary_key=True)
    coupon_id: Mapped[int] = mapped_column(ForeignKey("coupons.id", ondelete="RESTRICT"))
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), unique=True)
    customer_key: Mapped[str] = mapped_column(String(40))
    redeemed_at: Mapped[datetime] = mapped_column(UtcDateTime)
    returned_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    __table_args__ = (Index("ix_coupon_redemptions_customer", "coupon_id", "customer_key"),)


class AuditEvent(Base):
    """Append-only: triggers created by the migrations refuse UPDATE and DELETE."""

    __tablename__ = "audit_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    staff_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    username: Mapped[str] = mapped_column(String(40), default="")
    counter: Mapped[str] = mapped_column(String(40), default="")
    action: Mapped[str] = mapped_column(String(40))
    entity: Mapped[str] = mapped_column(String(40), default="")
    entity_id: Mapped[str] = mapped_column(String(40), default="")
    # The show a change touched: the audit trail doubles as the change feed between counters.
    show_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    details: Mapped[str] = mapped_column(Text, default="{}")
    __table_args__ = (
        Index("ix_audit_events_at", "at"),
        Index("ix_audit_events_show", "show_id"),
        Index("ix_audit_events_entity", "entity", "entity_id"),
    )


class CounterSession(Base):
    """A clerk's shift at one counter, for cash-up."""

    __tablename__ = "counter_sessions"
    id: Mapped[int] = mapped_column(primary_key=True)
    counter: Mapped[str] = mapped_column(String(40))
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    opening_float: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    counted_cash: Mapped[Decimal | None] = mapped_column(Money, nullable=True)
    expected_cash: Mapped[Decimal | None] = mapped_column(Money, nullable=True)
    notes: Mapped[str] = mapped_column(Text, default="")
    theater_id: Mapped[int | None] = mapped_column(ForeignKey("theaters.id"), nullable=True)
    business_date: Mapped[date | None] = mapped_column(Date, nullable=True)  # cinema's local date
    counted_detail: Mapped[str] = mapped_column(Text, default="", server_default="")  # JSON
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), nullable=True)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), nullable=True)
    __table_args__ = (
        CheckConstraint("opening_float >= 0", name="float_nonneg"),
        CheckConstraint("counted_cash IS NULL OR counted_cash >= 0", name="counted_nonneg"),
        Index("ix_counter_sessions_open", "counter", "closed_at"),
        # One open shift per counter and per clerk, decided by the database.
        Index(
            "uq_counter_sessions_open_counter",
            "counter",
            unique=True,
            sqlite_where=text("closed_at IS NULL"),
            postgresql_where=text("closed_at IS NULL"),
        ),
        Index(
            "uq_counter_sessions_open_staff",
            "staff_id",
            unique=True,
            sqlite_where=text("closed_at IS NULL"),
            postgresql_where=text("closed_at IS NULL"),
        ),
    )


class CashMovement(Base):
    """Cash taken from a drawer to the safe (DROP) or added to it (TOPUP) during a shift."""

    __tablename__ = "cash_movements"
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("counter_sessions.id", ondelete="RESTRICT"), index=True
    )
    kind: Mapped[str] = mapped_column(String(8))
    amount: Mapped[Decimal] = mapped_column(Money)
    reason: Mapped[str] = mapped_column(String(200), default="")
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), nullable=True)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    __table_args__ = (
        CheckConstraint(_in("kind", CASH_MOVEMENT_KINDS), name="kind_valid"),
        CheckConstraint("amount > 0", name="amount_positive"),
    )


class TicketType(Base):
    """Adult, Child, Senior...: a multiplier of the seat's price or a fixed amount; optionally for
    one cinema only (a cinema's own type replaces the global one with the same code)."""

    __tablename__ = "ticket_types"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(10))
    multiplier: Mapped[Decimal | None] = mapped_column(Scaled(3), nullable=True)
    amount: Mapped[Decimal | None] = mapped_column(Money, nullable=True)
    theater_id: Mapped[int | None] = mapped_column(ForeignKey("theaters.id"), nullable=True)
    needs_approval: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    rank: Mapped[int] = mapped_column(Integer, default=0)
    __table_args__ = (
        CheckConstraint(_in("kind", TICKET_TYPE_KINDS), name="kind_valid"),
        CheckConstraint("(kind = 'MULTIPLIER') = (multiplier IS NOT NULL)", name="multiplier_iff"),
        CheckConstraint("(kind = 'FIXED') = (amount IS NOT NULL)", name="amount_iff"),
        CheckConstraint("multiplier IS NULL OR multiplier >= 0", name="multiplier_nonneg"),
        CheckConstraint("amount IS NULL OR amount >= 0", name="amount_nonneg"),
        UniqueConstraint("code", "theater_id", name="uq_ticket_types_code_theater"),
        Index(
            "uq_ticket_types_global_code",
            "code",
            unique=True,
            sqlite_where=text("theater_id IS NULL"),
            postgresql_where=text("theater_id IS NULL"),
        ),
    )


class Admission(Base):
    """People let in at a door on one ticket (issue 12). The conditional increment of
    ``tickets.admitted_count`` decides a scan; this row records who, where and when."""

    __tablename__ = "admissions"
    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(
        ForeignKey("tickets.id", ondelete="RESTRICT"), index=True
    )
    door: Mapped[str] = mapped_column(String(40))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), nullable=True)
    people: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    undone_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    undone_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), nullable=True)
    undo_reason: Mapped[str] = mapped_column(String(200), default="", server_default="")
    __table_args__ = (CheckConstraint("people >= 1 AND people <= 10", name="people_range"),)


metadata = Base.metadata
