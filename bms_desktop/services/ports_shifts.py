"""Storage port of an area:

Shifts and the cash drawer (issue 11): counter sessions, cash movements, the payments of a shift.

The SQLAlchemy implementation is ``bms_desktop.persistence.repo_shifts``; a unit of work exposes it
as ``uow.shifts``. Services of this area are tested on real SQLite and PostgreSQL databases (the
``db_url`` fixture), so the in-memory fake unit of work does not implement it.

Locking (PostgreSQL; on SQLite every write unit of work already holds the database lock):
a sale, refund or cash movement reads its shift with ``lock="share"`` (``FOR SHARE``) and closing
reads it with ``lock="update"`` (``FOR UPDATE``), so a close waits for the sales in flight and a
sale that comes after the close finds no open shift: no payment lands in a closed drawer.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from bms_desktop.domain.errors import InvalidState

ShiftLock = Literal["share", "update"] | None


@dataclass(frozen=True, slots=True)
class CinemaRecord:
    theater_id: int
    name: str
    address: str
    city: str
    timezone: str
    gstin: str
    phone: str


@dataclass(frozen=True, slots=True)
class ShiftRecord:
    shift_id: int
    counter: str
    staff_id: int
    username: str
    full_name: str
    theater_id: int | None
    theater_name: str
    timezone: str
    business_date: date | None
    opened_at: datetime
    closed_at: datetime | None
    opening_float: Decimal
    counted_cash: Decimal | None
    expected_cash: Decimal | None
    counted_detail: str
    closed_by_id: int | None
    approved_by_id: int | None
    notes: str

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


@dataclass(frozen=True, slots=True)
class NewShift:
    counter: str
    staff_id: int
    theater_id: int
    business_date: date
    opening_float: Decimal
    opened_at: datetime
    notes: str = ""


@dataclass(frozen=True, slots=True)
class NewCashMovement:
    session_id: int
    kind: str  # DROP | TOPUP
    amount: Decimal
    reason: str
    staff_id: int | None
    approved_by_id: int | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class CashMovementRecord:
    movement_id: int
    session_id: int
    kind: str
    amount: Decimal
    reason: str
    staff_id: int | None
    approved_by_id: int | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class ShiftSums:
    """What the rows of one shift add up to (SQL sums of integer paise)."""

    cash_taken: Decimal
    cash_refunded: Decimal
    drops: Decimal
    topups: Decimal
    by_mode: tuple[tuple[str, str, int, Decimal], ...]  # (kind, mode, rows, amount)


@dataclass(frozen=True, slots=True)
class ShiftClose:
    shift_id: int
    closed_at: datetime
    counted_cash: Decimal
    expected_cash: Decimal
    counted_detail: str
    closed_by_id: int | None
    approved_by_id: int
    notes: str


class ShiftTaken(InvalidState):
    """The database refused a second open shift (one per counter, one per clerk)."""

    def __init__(self, message: str, which: Literal["counter", "staff"]) -> None:
        super().__init__(message)
        self.which = which


class ShiftRepository(abc.ABC):
    """See the module docstring."""

    @abc.abstractmethod
    def cinema(self, theater_id: int) -> CinemaRecord | None: ...

    @abc.abstractmethod
    def cinema_of_show(self, show_id: int) -> CinemaRecord | None: ...

    @abc.abstractmethod
    def open_shift(self, shift: NewShift) -> int:
        """Insert an open shift. The partial unique indexes decide a race: ShiftTaken (which =
        "counter" or "staff") when this counter or this clerk already has an open shift, also
        one a concurrent transaction committed a moment ago. The unit of work stays usable."""

    @abc.abstractmethod
    def shift(self, shift_id: int, *, lock: ShiftLock = None) -> ShiftRecord | None: ...

    @abc.abstractmethod
    def open_shift_of_counter(self, counter: str, *, lock: ShiftLock = None) -> ShiftRecord | None:
        """The counter's open shift (at most one: a unique index)."""

    @abc.abstractmethod
    def shift_for_sale(self, counter: str, show_id: int) -> tuple[ShiftRecord, int | None] | None:
        """The counter's open shift locked FOR SHARE, with the cinema of the show (one statement:
        a sale asks this every time); None when the counter has no open shift."""

    @abc.abstractmethod
    def open_shift_of_staff(self, staff_id: int) -> ShiftRecord | None: ...

    @abc.abstractmethod
    def shifts(
        self,
        *,
        theater_id: int | None = None,
        business_from: date | None = None,
        business_to: date | None = None,
        open_only: bool = False,
        limit: int = 500,
    ) -> list[ShiftRecord]:
        """Shifts by business day (inclusive range) and cinema, newest first."""

    @abc.abstractmethod
    def add_movement(self, movement: NewCashMovement) -> int: ...

    @abc.abstractmethod
    def movements(self, shift_id: int) -> list[CashMovementRecord]: ...

    @abc.abstractmethod
    def sums(self, shift_id: int) -> ShiftSums:
        """Cash kept by sales, cash refunded, drops and top-ups of the shift, and every
        successful payment row by kind and mode: summed by the database from the rows."""

    @abc.abstractmethod
    def close(self, close: ShiftClose) -> bool:
        """Close the shift if it is still open (a conditional UPDATE); False if it was not."""
