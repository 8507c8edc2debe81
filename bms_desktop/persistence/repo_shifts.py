"""SQL implementation of ``services.ports_shifts.ShiftRepository``.

Sums are computed by the database over the payment and movement rows of a shift (integer paise,
exact on both engines); nothing keeps a running total.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, and_, bindparam, case, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from bms_desktop.persistence import tables as t
from bms_desktop.persistence.repo_base import SqlRepo
from bms_desktop.services.ports_shifts import (
    CashMovementRecord,
    CinemaRecord,
    NewCashMovement,
    NewShift,
    ShiftClose,
    ShiftLock,
    ShiftRecord,
    ShiftRepository,
    ShiftSums,
    ShiftTaken,
)

CS = t.metadata.tables["counter_sessions"]
CM = t.metadata.tables["cash_movements"]
PM = t.metadata.tables["payments"]
ST = t.metadata.tables["staff"]
TH = t.metadata.tables["theaters"]
CI = t.metadata.tables["cities"]
SH = t.metadata.tables["shows"]
SC = t.metadata.tables["screens"]

_ZERO = Decimal("0.00")

_CINEMA_COLS = (TH.c.id, TH.c.name, TH.c.address, CI.c.name, TH.c.timezone, TH.c.gstin, TH.c.phone)
_CINEMA = select(*_CINEMA_COLS).select_from(TH.join(CI, CI.c.id == TH.c.city_id))

_SHIFT_COLS = (
    CS.c.id,
    CS.c.counter,
    CS.c.staff_id,
    ST.c.username,
    ST.c.full_name,
    CS.c.theater_id,
    func.coalesce(TH.c.name, ""),
    func.coalesce(TH.c.timezone, "UTC"),
    CS.c.business_date,
    CS.c.opened_at,
    CS.c.closed_at,
    CS.c.opening_float,
    CS.c.counted_cash,
    CS.c.expected_cash,
    CS.c.counted_detail,
    CS.c.closed_by_id,
    CS.c.approved_by_id,
    CS.c.notes,
)
_SHIFTS = select(*_SHIFT_COLS).select_from(
    CS.join(ST, ST.c.id == CS.c.staff_id).outerjoin(TH, TH.c.id == CS.c.theater_id)
)


# Prebuilt (SQLAlchemy's compiled cache then serves them): a sale asks for its shift every time.
_OF_COUNTER = _SHIFTS.where(CS.c.counter == bindparam("counter"), CS.c.closed_at.is_(None))
_SHOW_THEATER = (
    select(SC.c.theater_id)
    .select_from(SH.join(SC, SC.c.id == SH.c.screen_id))
    .where(SH.c.id == bindparam("show_id"))
    .scalar_subquery()
)
_FOR_SALE = (
    select(*_SHIFT_COLS, _SHOW_THEATER)
    .select_from(CS.join(ST, ST.c.id == CS.c.staff_id).outerjoin(TH, TH.c.id == CS.c.theater_id))
    .where(CS.c.counter == bindparam("counter"), CS.c.closed_at.is_(None))
)
_OF_COUNTER_BY_LOCK = {
    None: _OF_COUNTER,
    "share": _OF_COUNTER.with_for_update(read=True, of=CS),
    "update": _OF_COUNTER.with_for_update(of=CS),
}
_FOR_SALE_SHARE = _FOR_SALE.with_for_update(read=True, of=CS)


def _cinema(r: Any) -> CinemaRecord:
    return CinemaRecord(r[0], r[1], r[2] or "", r[3], r[4], r[5] or "", r[6] or "")


def _shift(r: Any) -> ShiftRecord:
    return ShiftRecord(
        shift_id=r[0],
        counter=r[1],
        staff_id=r[2],
        username=r[3],
        full_name=r[4] or "",
        theater_id=r[5],
        theater_name=r[6],
        timezone=r[7],
        business_date=r[8],
        opened_at=r[9],
        closed_at=r[10],
        opening_float=r[11],
        counted_cash=r[12],
        expected_cash=r[13],
        counted_detail=r[14] or "",
        closed_by_id=r[15],
        approved_by_id=r[16],
        notes=r[17] or "",
    )


class SqlShiftRepository(SqlRepo, ShiftRepository):
    def cinema(self, theater_id: int) -> CinemaRecord | None:
        row = self._exec(_CINEMA.where(TH.c.id == theater_id)).first()
        return None if row is None else _cinema(row)

    def cinema_of_show(self, show_id: int) -> CinemaRecord | None:
        stmt = (
            select(*_CINEMA_COLS)
            .select_from(
                SH.join(SC, SC.c.id == SH.c.screen_id)
                .join(TH, TH.c.id == SC.c.theater_id)
                .join(CI, CI.c.id == TH.c.city_id)
            )
            .where(SH.c.id == show_id)
        )
        row = self._exec(stmt).first()
        return None if row is None else _cinema(row)

    def open_shift(self, shift: NewShift) -> int:
        stmt = (
            insert(CS)
            .values(
                counter=shift.counter,
                staff_id=shift.staff_id,
                theater_id=shift.theater_id,
                business_date=shift.business_date,
                opening_float=shift.opening_float,
                opened_at=shift.opened_at,
                notes=shift.notes,
                counted_detail="",
            )
            .returning(CS.c.id)
        )
        self.hot.ensure_transaction()
        nested = self.conn.begin_nested()
        try:
            new_id = int(self._exec(stmt).scalar_one())
        except IntegrityError as exc:
            nested.rollback()
            raise self._taken(shift, exc) from None
        nested.commit()
        return new_id

    def _taken(self, shift: NewShift, exc: IntegrityError) -> ShiftTaken:
        text = str(exc.orig).lower()
        if "open_staff" in text or "staff_id" in text:
            which = "staff"
        elif "open_counter" in text or "counter_sessions.counter" in text:
            which = "counter"
        else:  # name the one that is taken now
            which = "counter" if self.open_shift_of_counter(shift.counter) else "staff"
        if which == "counter":
            other = self.open_shift_of_counter(shift.counter)
            who = f" ({other.username}'s)" if other is not None else ""
            return ShiftTaken(
                f"{shift.counter} already has an open shift{who}; resume it or have it closed "
                "before opening another",
                "counter",
            )
        mine = self.open_shift_of_staff(shift.staff_id)
        where = f" at {mine.counter}" if mine is not None else ""
        return ShiftTaken(
            f"this clerk already has an open shift{where}; close it before opening another",
            "staff",
        )

    @staticmethod
    def _locked(stmt: Any, lock: ShiftLock) -> Any:
        if lock == "update":
            return stmt.with_for_update(of=CS)
        if lock == "share":
            return stmt.with_for_update(read=True, of=CS)
        return stmt

    def shift(self, shift_id: int, *, lock: ShiftLock = None) -> ShiftRecord | None:
        row = self._exec(self._locked(_SHIFTS.where(CS.c.id == shift_id), lock)).first()
        return None if row is None else _shift(row)

    def open_shift_of_counter(self, counter: str, *, lock: ShiftLock = None) -> ShiftRecord | None:
        row = self._exec(_OF_COUNTER_BY_LOCK[lock], {"counter": counter}).first()
        return None if row is None else _shift(row)

    def shift_for_sale(self, counter: str, show_id: int) -> tuple[ShiftRecord, int | None] | None:
        row = self._exec(_FOR_SALE_SHARE, {"counter": counter, "show_id": show_id}).first()
        return None if row is None else (_shift(row), row[-1])

    def open_shift_of_staff(self, staff_id: int) -> ShiftRecord | None:
        stmt = _SHIFTS.where(CS.c.staff_id == staff_id, CS.c.closed_at.is_(None))
        row = self._exec(stmt).first()
        return None if row is None else _shift(row)

    def shifts(
        self,
        *,
        theater_id: int | None = None,
        business_from: date | None = None,
        business_to: date | None = None,
        open_only: bool = False,
        limit: int = 500,
    ) -> list[ShiftRecord]:
        stmt = _SHIFTS
        if theater_id is not None:
            stmt = stmt.where(CS.c.theater_id == theater_id)
        if business_from is not None:
            stmt = stmt.where(CS.c.business_date >= business_from)
        if business_to is not None:
            stmt = stmt.where(CS.c.business_date <= business_to)
        if open_only:
            stmt = stmt.where(CS.c.closed_at.is_(None))
        stmt = stmt.order_by(CS.c.opened_at.desc(), CS.c.id.desc()).limit(limit)
        return [_shift(r) for r in self._exec(stmt)]

    def add_movement(self, movement: NewCashMovement) -> int:
        stmt = (
            insert(CM)
            .values(
                session_id=movement.session_id,
                kind=movement.kind,
                amount=movement.amount,
                reason=movement.reason,
                staff_id=movement.staff_id,
                approved_by_id=movement.approved_by_id,
                created_at=movement.created_at,
            )
            .returning(CM.c.id)
        )
        return int(self._exec(stmt).scalar_one())

    def movements(self, shift_id: int) -> list[CashMovementRecord]:
        stmt = (
            select(
                CM.c.id,
                CM.c.session_id,
                CM.c.kind,
                CM.c.amount,
                CM.c.reason,
                CM.c.staff_id,
                CM.c.approved_by_id,
                CM.c.created_at,
            )
            .where(CM.c.session_id == shift_id)
            .order_by(CM.c.created_at, CM.c.id)
        )
        return [CashMovementRecord(*r) for r in self._exec(stmt)]

    def sums(self, shift_id: int) -> ShiftSums:
        by_mode = self._exec(
            select(PM.c.kind, PM.c.mode, func.count(), paise_sum(PM.c.amount))
            .where(PM.c.session_id == shift_id, PM.c.status == "SUCCESS")
            .group_by(PM.c.kind, PM.c.mode)
            .order_by(PM.c.kind, PM.c.mode)
        ).all()
        rows = tuple((str(k), str(m), int(n), _money(s)) for k, m, n, s in by_mode)
        taken = sum((s for k, m, _n, s in rows if k == "PAYMENT" and m == "CASH"), _ZERO)
        refunded = sum((s for k, m, _n, s in rows if k == "REFUND" and m == "CASH"), _ZERO)
        moved = self._exec(
            select(
                paise_sum(case((CM.c.kind == "DROP", CM.c.amount), else_=0)),
                paise_sum(case((CM.c.kind == "TOPUP", CM.c.amount), else_=0)),
            ).where(CM.c.session_id == shift_id)
        ).one()
        return ShiftSums(taken, refunded, _money(moved[0]), _money(moved[1]), rows)

    def close(self, close: ShiftClose) -> bool:
        stmt = (
            update(CS)
            .where(and_(CS.c.id == close.shift_id, CS.c.closed_at.is_(None)))
            .values(
                closed_at=close.closed_at,
                counted_cash=close.counted_cash,
                expected_cash=close.expected_cash,
                counted_detail=close.counted_detail,
                closed_by_id=close.closed_by_id,
                approved_by_id=close.approved_by_id,
                notes=close.notes,
            )
            .returning(CS.c.id)
        )
        return self._exec(stmt).first() is not None


def paise_sum(expr: Any) -> Any:
    """SUM of a money column as the integer paise it stores (0 when there are no rows): exact on
    both engines; ``_money`` turns it into rupees."""
    return func.coalesce(func.sum(expr, type_=BigInteger), 0, type_=BigInteger)


def _money(raw: Any) -> Decimal:
    return Decimal(int(raw or 0)).scaleb(-2)
