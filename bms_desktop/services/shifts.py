"""Shifts and the cash drawer: open a shift with a float, drops and top-ups, the drawer as it
stands, count and close with a supervisor's sign-off, resume a shift a crashed terminal left open.

Rules (each checked here, in the service):

- A shift belongs to one signed-in clerk at one counter of one cinema, from a business day (the
  cinema's local date; the hours before ``business_day_start``, 06:00, belong to the day before).
  One open shift per counter and one per clerk: the database's partial unique indexes decide
  (two terminals opening at once: one wins, the other is told whose shift is open).
- The drawer's expected cash is computed from the rows every time (``domain.cash``): float +
  cash kept by sales - cash refunded - drops + top-ups.
- Closing needs a supervisor's sign-off proved by the service: the supervisor's own name and
  password, checked against the staff table (``auth.login``: lockout, audited). Nobody signs off
  their own shift. The count is stored with the expected cash and the difference is reported.
- A shift left open by a crashed terminal: its clerk resumes it at the same counter the same
  business day; otherwise a supervisor closes it (with a count) before the counter sells again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal

from bms_desktop.domain import cash
from bms_desktop.domain.errors import (
    InvalidState,
    NotFound,
    PermissionDenied,
    ValidationError,
)
from bms_desktop.domain.model import Role
from bms_desktop.services import auth
from bms_desktop.services.context import BoxOffice, CounterContext
from bms_desktop.services.dto import CinemaHeader, StaffView
from bms_desktop.services.ports import UnitOfWork
from bms_desktop.services.ports_shifts import (
    CashMovementRecord,
    NewCashMovement,
    NewShift,
    ShiftClose,
    ShiftRecord,
)
from bms_desktop.services.sale_common import record_audit
from bms_desktop.services.tender import day_start

REASON_MAX = 200  # cash_movements.reason
NOTES_MAX = 500
DROP, TOPUP = "DROP", "TOPUP"


# --------------------------------------------------------------------------- DTOs


@dataclass(frozen=True, slots=True)
class SupervisorSignOff:
    """A supervisor's name and password typed at this terminal: the service checks them."""

    username: str
    password: str = field(repr=False)


@dataclass(frozen=True, slots=True)
class ShiftView:
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
    expected_cash: Decimal | None  # stored at close
    counted_cash: Decimal | None
    stale: bool  # still open, from an earlier business day: a supervisor must close it

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    @property
    def difference(self) -> Decimal | None:
        if self.counted_cash is None or self.expected_cash is None:
            return None
        return cash.difference(self.counted_cash, self.expected_cash)

    @property
    def clerk(self) -> str:
        return self.full_name or self.username


@dataclass(frozen=True, slots=True)
class ModeLine:
    kind: str  # PAYMENT | REFUND
    mode: str
    count: int
    amount: Decimal


@dataclass(frozen=True, slots=True)
class MovementView:
    movement_id: int
    kind: str
    amount: Decimal
    reason: str
    created_at: datetime
    by: str
    approved_by: str | None


@dataclass(frozen=True, slots=True)
class DrawerSummary:
    shift: ShiftView
    totals: cash.DrawerTotals
    lines: tuple[ModeLine, ...]
    movements: tuple[MovementView, ...]

    @property
    def expected(self) -> Decimal:
        return self.totals.expected


@dataclass(frozen=True, slots=True)
class MovementResult:
    movement_id: int
    shift: ShiftView
    kind: str
    amount: Decimal
    reason: str
    created_at: datetime
    by: str
    approved_by: str | None
    expected_after: Decimal


@dataclass(frozen=True, slots=True)
class CloseResult:
    shift: ShiftView
    expected: Decimal
    counted: Decimal
    difference: Decimal
    count: cash.CashCount
    approved_by: str
    closed_by: str


# --------------------------------------------------------------------------- helpers


def _view(record: ShiftRecord, now: datetime, start: time) -> ShiftView:
    stale = record.is_open and (
        record.business_date is None
        or record.business_date != cash.business_date(now, record.timezone, start)
    )
    return ShiftView(
        shift_id=record.shift_id,
        counter=record.counter,
        staff_id=record.staff_id,
        username=record.username,
        full_name=record.full_name,
        theater_id=record.theater_id,
        theater_name=record.theater_name,
        timezone=record.timezone,
        business_date=record.business_date,
        opened_at=record.opened_at,
        closed_at=record.closed_at,
        opening_float=record.opening_float,
        expected_cash=record.expected_cash,
        counted_cash=record.counted_cash,
        stale=stale,
    )


def _require_staff(ctx: CounterContext, what: str) -> int:
    if ctx.staff_id is None:
        raise PermissionDenied(f"{what} needs a signed-in staff member at the counter")
    return ctx.staff_id


def _active_role(uow: UnitOfWork, staff_id: int) -> Role:
    """The role the staff table gives now (a context is only what the caller says)."""
    staff = uow.staff.by_id(staff_id)
    if staff is None or not staff.active:
        raise PermissionDenied("this staff account is not active; sign in again")
    return Role(staff.role)


def _text(value: str, limit: int, what: str, field_name: str) -> str:
    text = (value or "").strip()
    if len(text) > limit:
        raise ValidationError(
            f"{what} is {len(text)} characters; at most {limit} fit", field=field_name
        )
    return text


def prove_supervisor(
    box: BoxOffice,
    ctx: CounterContext,
    sign_off: SupervisorSignOff | None,
    *,
    what: str,
    not_staff: tuple[int | None, ...] = (),
) -> StaffView:
    """Check a supervisor's sign-in at ``ctx``'s counter against the staff table (with the
    lockout, audited); refuse a clerk's credentials and anyone listed in ``not_staff`` (the clerk
    whose shift it is: nobody signs off their own). Raises AuthenticationFailed,
    PermissionDenied or ValidationError."""
    if not isinstance(sign_off, SupervisorSignOff):
        raise PermissionDenied(f"{what} needs a supervisor to sign in and approve it")
    if not sign_off.username.strip():
        raise ValidationError("enter the supervisor's staff name", field="supervisor")
    if not sign_off.password:
        raise ValidationError("enter the supervisor's password", field="password")
    staff = auth.login(
        box, username=sign_off.username, password=sign_off.password, counter=ctx.counter
    )
    if not staff.role.at_least(Role.SUPERVISOR):
        raise PermissionDenied(
            f"those are the sign-in details of {staff.username}, a {staff.role.value.lower()}: "
            f"a supervisor or an administrator must approve {what.lower()}"
        )
    if staff.staff_id in not_staff:
        raise PermissionDenied(
            f"the shift is {staff.username}'s own, and nobody signs off their own shift: "
            "another supervisor must approve"
        )
    return staff


# --------------------------------------------------------------------------- reads


def current_shift(box: BoxOffice, ctx: CounterContext) -> ShiftView | None:
    """The open shift at this counter (whoever's), or None."""
    now = box.now()
    with box.uows(label=ctx.counter) as uow:
        record = uow.shifts.open_shift_of_counter(ctx.counter)
        return None if record is None else _view(record, now, day_start(uow))


def get_shift(box: BoxOffice, shift_id: int) -> ShiftView:
    now = box.now()
    with box.uows() as uow:
        record = uow.shifts.shift(shift_id)
        if record is None:
            raise NotFound(f"shift {shift_id} does not exist")
        return _view(record, now, day_start(uow))


def _summary(uow: UnitOfWork, record: ShiftRecord, now: datetime) -> DrawerSummary:
    sums = uow.shifts.sums(record.shift_id)
    totals = cash.DrawerTotals(
        opening_float=record.opening_float,
        cash_taken=sums.cash_taken,
        cash_refunded=sums.cash_refunded,
        drops=sums.drops,
        topups=sums.topups,
    )
    names: dict[int, str] = {}

    def name(staff_id: int | None) -> str | None:
        if staff_id is None:
            return None
        if staff_id not in names:
            staff = uow.staff.by_id(staff_id)
            names[staff_id] = staff.username if staff is not None else f"#{staff_id}"
        return names[staff_id]

    movements = tuple(
        _movement_view(m, name(m.staff_id) or "", name(m.approved_by_id))
        for m in uow.shifts.movements(record.shift_id)
    )
    lines = tuple(ModeLine(k, m, n, a) for k, m, n, a in sums.by_mode)
    return DrawerSummary(_view(record, now, day_start(uow)), totals, lines, movements)


def _movement_view(m: CashMovementRecord, by: str, approved: str | None) -> MovementView:
    return MovementView(m.movement_id, m.kind, m.amount, m.reason, m.created_at, by, approved)


def drawer_summary(box: BoxOffice, ctx: CounterContext, *, shift_id: int) -> DrawerSummary:
    """The drawer as it stands (or stood at close), from the rows. The shift's own clerk may
    look; anyone else needs to be a supervisor."""
    now = box.now()
    with box.uows(label=ctx.counter) as uow:
        record = uow.shifts.shift(shift_id)
        if record is None:
            raise NotFound(f"shift {shift_id} does not exist")
        if ctx.staff_id != record.staff_id:
            ctx.require(Role.SUPERVISOR, "Looking at another clerk's drawer")
        return _summary(uow, record, now)


def list_shifts(
    box: BoxOffice,
    ctx: CounterContext,
    *,
    theater_id: int | None = None,
    business_from: date | None = None,
    business_to: date | None = None,
    open_only: bool = False,
) -> list[ShiftView]:
    ctx.require(Role.SUPERVISOR, "Listing shifts")
    now = box.now()
    with box.uows(label=ctx.counter) as uow:
        start = day_start(uow)
        return [
            _view(r, now, start)
            for r in uow.shifts.shifts(
                theater_id=theater_id,
                business_from=business_from,
                business_to=business_to,
                open_only=open_only,
            )
        ]


@dataclass(frozen=True, slots=True)
class CinemaChoice:
    theater_id: int
    name: str
    city: str

    @property
    def label(self) -> str:
        return f"{self.name} ({self.city})" if self.city else self.name


def cinema_choices(box: BoxOffice) -> list[CinemaChoice]:
    """The cinemas a shift can be opened at (race-lab scratch cinemas left out)."""
    with box.uows() as uow:
        cities = {c.id: c.name for c in uow.queries.cities()}
        return [
            CinemaChoice(t.id, t.name, cities.get(t.parent_id or 0, ""))
            for t in uow.queries.theaters()
            if cities.get(t.parent_id or 0, "") != "Race Lab"  # race.RACE_CITY
        ]


def cinema_header(box: BoxOffice, theater_id: int | None) -> CinemaHeader | None:
    """What a slip prints about the cinema (name, address, GSTIN, phone)."""
    if theater_id is None:
        return None
    with box.uows() as uow:
        c = uow.shifts.cinema(theater_id)
    return None if c is None else CinemaHeader(c.name, c.address, c.city, c.gstin, c.phone)


# --------------------------------------------------------------------------- open / resume


def open_shift(
    box: BoxOffice,
    ctx: CounterContext,
    *,
    theater_id: int,
    opening_float: Decimal | str,
    notes: str = "",
) -> ShiftView:
    """Open this clerk's shift at this counter with an opening float (the cash put in the
    drawer). Two terminals opening for one counter or one clerk at once: the database lets one
    win; the other gets ShiftTaken saying whose shift is open."""
    staff_id = _require_staff(ctx, "Opening a shift")
    ctx.require(Role.CLERK, "Opening a shift")
    float_amount = cash.money(opening_float, "the opening float", field="float")
    note = _text(notes, NOTES_MAX, "The note", "notes")
    now = box.now()
    with box.uows(write=True, label=ctx.counter) as uow:
        if not _active_role(uow, staff_id).at_least(Role.CLERK):
            raise PermissionDenied(f"{ctx.username} may not sell, so cannot open a shift")
        cinema = uow.shifts.cinema(theater_id)
        if cinema is None:
            raise NotFound(f"cinema {theater_id} does not exist")
        day = cash.business_date(now, cinema.timezone, day_start(uow))
        shift_id = uow.shifts.open_shift(
            NewShift(
                counter=ctx.counter,
                staff_id=staff_id,
                theater_id=theater_id,
                business_date=day,
                opening_float=float_amount,
                opened_at=now,
                notes=note,
            )
        )
        record_audit(
            uow,
            ctx,
            now,
            "SHIFT_OPENED",
            entity="shift",
            entity_id=shift_id,
            cinema=cinema.name,
            business_date=day.isoformat(),
            opening_float=str(float_amount),
        )
        record = uow.shifts.shift(shift_id)
        assert record is not None
        view = _view(record, now, day_start(uow))
        uow.commit()
    return view


def resume_shift(box: BoxOffice, ctx: CounterContext) -> ShiftView:
    """After a crash or a restart: carry on with this clerk's open shift at this counter, the
    same business day. Anything else is refused with what to do instead."""
    staff_id = _require_staff(ctx, "Resuming a shift")
    now = box.now()
    with box.uows(write=True, label=ctx.counter) as uow:
        record = uow.shifts.open_shift_of_counter(ctx.counter)
        if record is None:
            raise InvalidState(f"{ctx.counter} has no open shift to resume; open one")
        view = _view(record, now, day_start(uow))
        if record.staff_id != staff_id:
            raise InvalidState(
                f"{ctx.counter}'s open shift is {record.username}'s: {record.username} resumes "
                "it, or a supervisor closes it"
            )
        if view.stale:
            raise InvalidState(
                f"this shift is from the business day {_day(view.business_date)}: a supervisor "
                "must count and close it before a new one opens"
            )
        record_audit(uow, ctx, now, "SHIFT_RESUMED", entity="shift", entity_id=record.shift_id)
        uow.commit()
    return view


def _day(day: date | None) -> str:
    return "(unknown)" if day is None else f"{day:%a} {day.day} {day:%b %Y}"


# --------------------------------------------------------------------------- drops and top-ups


def record_cash_movement(
    box: BoxOffice,
    ctx: CounterContext,
    *,
    kind: str,
    amount: Decimal | str,
    reason: str = "",
    sign_off: SupervisorSignOff | None = None,
) -> MovementResult:
    """A drop (cash taken from this counter's drawer to the safe) or a top-up (change added).
    Only the shift's clerk, at its counter. A drop cannot take more than the drawer holds. With
    a supervisor's sign-off the movement records who witnessed it (printed on the slip)."""
    if kind not in (DROP, TOPUP):
        raise ValidationError(f"unknown cash movement {kind}", field="kind")
    staff_id = _require_staff(ctx, "Moving cash")
    what = "A cash drop" if kind == DROP else "A top-up"
    value = cash.money(amount, "the amount", field="amount", positive=True)
    text = _text(reason, REASON_MAX, "The reason", "reason")
    approver = (
        prove_supervisor(box, ctx, sign_off, what=what, not_staff=(staff_id,))
        if sign_off is not None
        else None
    )
    now = box.now()
    with box.uows(write=True, label=ctx.counter) as uow:
        record = uow.shifts.open_shift_of_counter(ctx.counter, lock="share")
        if record is None:
            raise InvalidState(f"{ctx.counter} has no open shift: open one first")
        if record.staff_id != staff_id:
            raise PermissionDenied(
                f"{ctx.counter}'s drawer is {record.username}'s shift; only they move its cash"
            )
        summary = _summary(uow, record, now)
        if kind == DROP and value > summary.expected:
            raise ValidationError(
                f"the drawer should hold ₹{summary.expected:,.2f}; a drop of ₹{value:,.2f} is "
                "more than that",
                field="amount",
            )
        movement_id = uow.shifts.add_movement(
            NewCashMovement(
                session_id=record.shift_id,
                kind=kind,
                amount=value,
                reason=text,
                staff_id=staff_id,
                approved_by_id=None if approver is None else approver.staff_id,
                created_at=now,
            )
        )
        after = summary.expected + (value if kind == TOPUP else -value)
        record_audit(
            uow,
            ctx,
            now,
            "CASH_DROP" if kind == DROP else "CASH_TOPUP",
            entity="shift",
            entity_id=record.shift_id,
            amount=str(value),
            reason=text,
            approved_by=None if approver is None else approver.username,
            expected_after=str(after),
        )
        uow.commit()
    return MovementResult(
        movement_id=movement_id,
        shift=summary.shift,
        kind=kind,
        amount=value,
        reason=text,
        created_at=now,
        by=ctx.username,
        approved_by=None if approver is None else approver.username,
        expected_after=after,
    )


# --------------------------------------------------------------------------- close


def close_shift(
    box: BoxOffice,
    ctx: CounterContext,
    *,
    shift_id: int,
    count: cash.CashCount,
    sign_off: SupervisorSignOff | None,
    notes: str = "",
) -> CloseResult:
    """Count and close a shift. The expected cash is summed from the rows after the shift is
    locked (no sale can land in it meanwhile); the count, the expected cash and the note are
    stored with the supervisor who signed off (never the shift's own clerk). The shift's clerk
    closes it at the end of the day; anyone else closing it (a shift a crashed terminal left
    open) must be a supervisor on the staff list."""
    closer = _require_staff(ctx, "Closing a shift")
    if not isinstance(count, cash.CashCount):
        raise ValidationError("count the drawer first", field="count")
    if count.total < 0 or count.total > cash.MAX_DRAWER:
        raise ValidationError("the counted cash is not a drawer's amount", field="count")
    note = _text(notes, NOTES_MAX, "The note", "notes")
    with box.uows(label=ctx.counter) as uow:
        record = uow.shifts.shift(shift_id)
        if record is None:
            raise NotFound(f"shift {shift_id} does not exist")
        if record.closed_at is not None:
            raise InvalidState(f"shift {shift_id} is already closed")
        if record.staff_id != closer and not _active_role(uow, closer).at_least(Role.SUPERVISOR):
            raise PermissionDenied(
                f"this is {record.username}'s shift: {record.username} or a supervisor closes it"
            )
    approver = prove_supervisor(
        box, ctx, sign_off, what="Closing a shift", not_staff=(record.staff_id,)
    )
    now = box.now()
    with box.uows(write=True, label=ctx.counter) as uow:
        locked = uow.shifts.shift(shift_id, lock="update")
        if locked is None or locked.closed_at is not None:
            raise InvalidState(f"shift {shift_id} was closed meanwhile")
        summary = _summary(uow, locked, now)
        expected = summary.expected
        diff = cash.difference(count.total, expected)
        if not uow.shifts.close(
            ShiftClose(
                shift_id=shift_id,
                closed_at=now,
                counted_cash=count.total,
                expected_cash=expected,
                counted_detail=count.to_json(),
                closed_by_id=closer,
                approved_by_id=approver.staff_id,
                notes="\n".join(n for n in (locked.notes, note) if n),
            )
        ):
            raise InvalidState(f"shift {shift_id} was closed meanwhile")
        record_audit(
            uow,
            ctx,
            now,
            "SHIFT_CLOSED",
            entity="shift",
            entity_id=shift_id,
            expected=str(expected),
            counted=str(count.total),
            difference=str(diff),
            approved_by=approver.username,
            by_denomination=count.by_denomination,
        )
        closed = uow.shifts.shift(shift_id)
        assert closed is not None
        view = _view(closed, now, day_start(uow))
        uow.commit()
    return CloseResult(view, expected, count.total, diff, count, approver.username, ctx.username)


__all__ = [
    "CinemaChoice",
    "CloseResult",
    "DrawerSummary",
    "ModeLine",
    "MovementResult",
    "MovementView",
    "ShiftView",
    "SupervisorSignOff",
    "cinema_choices",
    "cinema_header",
    "close_shift",
    "current_shift",
    "drawer_summary",
    "get_shift",
    "list_shifts",
    "open_shift",
    "prove_supervisor",
    "record_cash_movement",
    "resume_shift",
]
