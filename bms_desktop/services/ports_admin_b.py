"""Storage port of admin-B's areas of the admin console (issue 8): seat types, pricing rules and
re-pricing, ticket types (and types per seat of a pending booking), coupons, staff accounts, the
audit log viewer. Box-office settings use ``uow.settings`` (``ports.SettingsRepository``).

The SQLAlchemy implementation is ``bms_desktop.persistence.repo_admin_b``; a unit of work exposes
it as ``uow.config``. Tested on real SQLite and PostgreSQL databases (the ``db_url`` fixture); the
in-memory fake unit of work does not implement it.

Every method that decides an outcome under concurrency is ONE conditional statement and says
whether it changed anything; where a unique constraint decides, a ``ValidationError`` naming the
field comes back instead of the driver's error.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from bms_desktop.domain.ticket_types import TicketTypeSpec
from bms_desktop.services.admin.dto_coupons import CouponRow
from bms_desktop.services.admin.dto_pricing import Choice, PricingRuleRow, SeatTypeRow
from bms_desktop.services.admin.dto_staff import StaffRow
from bms_desktop.services.admin.dto_ticket_types import TicketTypeRow
from bms_desktop.services.ports import AuditRecord, NewCoupon, NewPricingRule


@dataclass(frozen=True, slots=True)
class PriceGroupRecord:
    """Seats of one show with one seat type, one status class and one price."""

    show_id: int
    movie_id: int
    theater_id: int
    timezone: str
    starts_at: datetime
    movie_title: str
    theater_name: str
    screen_name: str
    seat_type: str
    unsold: bool  # AVAILABLE or BLOCKED (True) / HELD or SOLD (False)
    price: Decimal
    seats: int


@dataclass(frozen=True, slots=True)
class TypedSeatRecord:
    """A seat of a ticket with its type: ``seat_price`` is the show seat's own price (the price
    before the type), ``price`` what the ticket charges for it."""

    show_seat_id: int
    label: str
    seat_type: str
    seat_price: Decimal
    price: Decimal
    ticket_type: str
    live: bool


@dataclass(frozen=True, slots=True)
class AuditQuery:
    username: str = ""
    counter: str = ""
    action: str = ""
    entity: str = ""
    entity_id: str = ""
    at_from: datetime | None = None  # inclusive, UTC
    at_to: datetime | None = None  # exclusive, UTC
    before_id: int | None = None  # keyset paging: rows with a smaller id
    limit: int = 200


class AdminConfigRepository(abc.ABC):
    """See the module docstring."""

    # ---------------------------------------------------------------- choices
    @abc.abstractmethod
    def cinema_choices(self) -> list[Choice]:
        """Every cinema (active or not) with its time zone as the detail, by name."""

    @abc.abstractmethod
    def movie_choices(self) -> list[Choice]:
        """Every movie (active or not), by title."""

    # ---------------------------------------------------------------- seat types
    @abc.abstractmethod
    def seat_type_rows(self) -> list[SeatTypeRow]: ...

    @abc.abstractmethod
    def seat_type_row(self, code: str, *, lock: bool = False) -> SeatTypeRow | None: ...

    @abc.abstractmethod
    def add_seat_type(self, row: SeatTypeRow) -> None:
        """ValidationError(field="code") when the code exists."""

    @abc.abstractmethod
    def update_seat_type(
        self, code: str, *, name: str, base_price: Decimal, rank: int, active: bool
    ) -> None: ...

    # ---------------------------------------------------------------- pricing rules
    @abc.abstractmethod
    def rule_rows(self) -> list[PricingRuleRow]:
        """Every rule with its cinema's and movie's names (summary left empty)."""

    @abc.abstractmethod
    def rule_row(self, rule_id: int, *, lock: bool = False) -> PricingRuleRow | None: ...

    @abc.abstractmethod
    def add_rule(self, rule: NewPricingRule) -> int: ...

    @abc.abstractmethod
    def update_rule(self, rule_id: int, rule: NewPricingRule) -> None: ...

    # ---------------------------------------------------------------- re-pricing
    @abc.abstractmethod
    def future_price_groups(
        self, starts_after: datetime, *, theater_id: int | None = None
    ) -> list[PriceGroupRecord]:
        """Seat counts of the shows starting after ``starts_after`` (not cancelled, not
        race-lab scratch shows), per show, seat type, unsold-or-not and price."""

    @abc.abstractmethod
    def reprice_unsold(self, show_id: int, seat_type: str, new_price: Decimal) -> int:
        """ONE conditional UPDATE: the show's AVAILABLE or BLOCKED seats of this type whose
        price differs get ``new_price`` (version + 1). A seat held or sold meanwhile is not
        touched. Returns how many changed."""

    # ---------------------------------------------------------------- ticket types
    @abc.abstractmethod
    def ticket_type_specs(self) -> list[TicketTypeSpec]:
        """Every ticket type, global and per cinema, active or not."""

    @abc.abstractmethod
    def ticket_type_rows(self) -> list[TicketTypeRow]: ...

    @abc.abstractmethod
    def ticket_type_row(self, type_id: int, *, lock: bool = False) -> TicketTypeRow | None: ...

    @abc.abstractmethod
    def add_ticket_type(self, spec: TicketTypeSpec) -> int:
        """ValidationError(field="code") when the code exists for that scope."""

    @abc.abstractmethod
    def update_ticket_type(self, type_id: int, spec: TicketTypeSpec) -> None:
        """ValidationError(field="code") when the new code exists for that scope."""

    @abc.abstractmethod
    def typed_ticket_seats(self, ticket_id: int, *, lock: bool = False) -> list[TypedSeatRecord]:
        """The ticket's seats with their types, by show seat id."""

    @abc.abstractmethod
    def set_seat_ticket_type(
        self, ticket_id: int, show_seat_id: int, *, ticket_type: str, price: Decimal
    ) -> bool:
        """Set one LIVE ticket seat's type and price; False when it is not live."""

    @abc.abstractmethod
    def reprice_pending_ticket(
        self,
        ticket_id: int,
        *,
        subtotal: Decimal,
        discount: Decimal,
        total: Decimal,
        coupon_id: int | None,
        now: datetime,
    ) -> bool:
        """ONE conditional UPDATE: the amounts (and the coupon), only while the ticket is
        PENDING_PAYMENT with a hold that has not run out. False: nothing changed (the caller
        rolls back)."""

    # ---------------------------------------------------------------- coupons
    @abc.abstractmethod
    def coupon_rows(self) -> list[CouponRow]:
        """Every coupon (time zone left at its default: the service sets it)."""

    @abc.abstractmethod
    def coupon_row(self, coupon_id: int, *, lock: bool = False) -> CouponRow | None: ...

    @abc.abstractmethod
    def coupon_id_by_code(self, code: str) -> int | None: ...

    @abc.abstractmethod
    def add_coupon(self, coupon: NewCoupon) -> int:
        """ValidationError(field="code") when the code exists."""

    @abc.abstractmethod
    def update_coupon(self, coupon_id: int, coupon: NewCoupon) -> bool:
        """ONE conditional UPDATE of every field: refused (False, nothing changed) when the new
        total usage limit is below the uses so far at that moment."""

    # ---------------------------------------------------------------- staff
    @abc.abstractmethod
    def staff_rows(self) -> list[StaffRow]: ...

    @abc.abstractmethod
    def staff_row(self, staff_id: int, *, lock: bool = False) -> StaffRow | None: ...

    @abc.abstractmethod
    def add_staff(
        self,
        *,
        username: str,
        full_name: str,
        role: str,
        password_hash: str,
        must_change_password: bool,
        now: datetime,
    ) -> int:
        """ValidationError(field="username") when the name exists."""

    @abc.abstractmethod
    def lock_active_admins(self) -> list[int]:
        """The ids of the active administrators, row-locked until the end of the transaction
        where the database can (PostgreSQL ``FOR UPDATE``; SQLite's write lock is already
        held). Taken before a change that could remove an administrator."""

    @abc.abstractmethod
    def update_staff_guarded(
        self, staff_id: int, *, full_name: str, role: str, active: bool
    ) -> bool:
        """ONE conditional UPDATE: refused (False) when it would leave no active administrator
        (the row is an active admin, the new values are not, and no other active admin
        exists at that moment)."""

    @abc.abstractmethod
    def set_password(
        self,
        staff_id: int,
        password_hash: str,
        *,
        must_change: bool,
        expected_hash: str | None = None,
    ) -> bool:
        """New hash; clears the lockout. With ``expected_hash``: only if the stored hash is
        still that one (a password changed meanwhile refuses). False: nothing changed."""

    @abc.abstractmethod
    def unlock_staff(self, staff_id: int) -> bool:
        """Clear the failed sign-in count and the lockout; False if there was none."""

    # ---------------------------------------------------------------- audit log
    @abc.abstractmethod
    def audit_page(self, query: AuditQuery) -> list[tuple[int, AuditRecord]]:
        """(id, record) of matching audit rows, newest first, at most ``query.limit``."""

    @abc.abstractmethod
    def audit_distinct(self, column: str, limit: int = 500) -> list[str]:
        """Distinct non-empty values of one column (action, username, counter, entity) among
        the most recent few thousand rows (bounded work however long the trail)."""
