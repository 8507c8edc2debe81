"""SQLAlchemy Core implementations of the storage port (``bms_desktop.services.ports``): here the
booking SQL (seats, tickets, claims, payments, coupon redemptions) and the counter's queries (the
show finder, the seat map). The catalog is in ``repo_catalog``; staff, audit and settings in
``repo_staff``; the base class in ``repo_base``. This module names them all (``__all__``).

Statements are built once at import time so that SQLAlchemy's compiled cache serves the hot path
(hold, confirm, seat map). Every seat-changing statement re-checks, in its WHERE clause, the state
it depends on, and reports what it changed through RETURNING.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    and_,
    bindparam,
    false,
    func,
    insert,
    or_,
    select,
    true,
    update,
)

from bms_desktop.domain.coupons import CouponSpec
from bms_desktop.domain.model import CouponKind
from bms_desktop.persistence import tables as t
from bms_desktop.persistence.errors import translate_error
from bms_desktop.persistence.repo_base import SqlRepo
from bms_desktop.persistence.repo_catalog import SqlCatalogRepository
from bms_desktop.persistence.repo_staff import (
    SqlAuditRepository,
    SqlSettingsRepository,
    SqlStaffRepository,
)
from bms_desktop.services.dto import ShowSummary
from bms_desktop.services.ports import (
    BookingRepository,
    ClaimSpec,
    NamedRef,
    NewPayment,
    NewTicket,
    PaymentRecord,
    QueryRepository,
    SeatMapRow,
    SeatState,
    SeatStatusRow,
    SeatTypeRecord,
    ShowFilter,
    ShowInfo,
    TicketRecord,
    TicketSeatRecord,
)

SS = t.metadata.tables["show_seats"]
SE = t.metadata.tables["seats"]
TK = t.metadata.tables["tickets"]
TS = t.metadata.tables["ticket_seats"]
SH = t.metadata.tables["shows"]
MV = t.metadata.tables["movies"]
SC = t.metadata.tables["screens"]
TH = t.metadata.tables["theaters"]
CI = t.metadata.tables["cities"]
PM = t.metadata.tables["payments"]
CP = t.metadata.tables["coupons"]
CR = t.metadata.tables["coupon_redemptions"]
STY = t.metadata.tables["seat_types"]


# --------------------------------------------------------------------------- booking

_SEAT_COLS = (
    SS.c.id,
    SS.c.seat_id,
    SE.c.label,
    SE.c.seat_type,
    SS.c.price,
    SS.c.status,
    SS.c.version,
    SS.c.ticket_id,
    SS.c.counter,
    SS.c.hold_expires_at,
)
_SEATS_BASE = select(*_SEAT_COLS).select_from(SS.join(SE, SE.c.id == SS.c.seat_id))
_SEATS_OF_TICKET = _SEATS_BASE.where(SS.c.ticket_id == bindparam("ticket_id")).order_by(SS.c.id)

_EXPIRE_TICKET = (
    update(TK)
    .where(
        TK.c.id == bindparam("tid"),
        TK.c.status == "PENDING_PAYMENT",
        TK.c.hold_expires_at <= bindparam("now"),
    )
    .values(status="EXPIRED")
)
_FREE_SEATS_OF_TICKET = (
    update(SS)
    .where(SS.c.ticket_id == bindparam("tid"), SS.c.status.in_(("HELD", "SOLD")))
    .values(
        status="AVAILABLE",
        ticket_id=None,
        counter=None,
        hold_expires_at=None,
        version=SS.c.version + 1,
    )
)
_KILL_CLAIMS = (
    update(TS).where(TS.c.ticket_id == bindparam("tid"), TS.c.live == true()).values(live=False)
)
_TICKET_COLS = (
    TK.c.id,
    TK.c.code,
    TK.c.show_id,
    TK.c.status,
    TK.c.counter,
    TK.c.staff_id,
    TK.c.strategy,
    TK.c.customer_name,
    TK.c.customer_phone,
    TK.c.seat_count,
    TK.c.subtotal,
    TK.c.discount,
    TK.c.total,
    TK.c.coupon_id,
    TK.c.hold_expires_at,
    TK.c.created_at,
    TK.c.confirmed_at,
    TK.c.cancelled_at,
)
_COUPON_COLS = (
    CP.c.id,
    CP.c.code,
    CP.c.kind,
    CP.c.value,
    CP.c.max_discount,
    CP.c.min_amount,
    CP.c.valid_from,
    CP.c.valid_to,
    CP.c.active,
    CP.c.usage_limit,
    CP.c.per_customer_limit,
    CP.c.used_count,
)

# Built once here, so that SQLAlchemy neither rebuilds them nor recomputes their cache keys per
# call (an inline select(...).where(...) cost 100-200 us a call here, a prebuilt one 20-40 us).
# The dozen statements of a sale itself (hold + confirm) do not go through SQLAlchemy's execution
# machinery at all: see hotpath.py.
_STALE_ALL = (
    select(TK.c.id)
    .where(TK.c.status == "PENDING_PAYMENT", TK.c.hold_expires_at <= bindparam("now"))
    .order_by(TK.c.id)
    .limit(bindparam("limit"))
)
_TICKET_BY_CODE = select(*_TICKET_COLS).where(TK.c.code == bindparam("code"))


def _seat_state(r: Any) -> SeatState:
    return SeatState(
        show_seat_id=r[0],
        seat_id=r[1],
        label=r[2],
        seat_type=r[3],
        price=r[4],
        status=r[5],
        version=r[6],
        ticket_id=r[7],
        counter=r[8],
        hold_expires_at=r[9],
    )


def _ticket(r: Any) -> TicketRecord:
    return TicketRecord(*r)


def _like(text: str) -> str:
    """``text`` as a literal inside a LIKE pattern (escape character: backslash)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _coupon(r: Any) -> CouponSpec:
    return CouponSpec(
        coupon_id=r[0],
        code=r[1],
        kind=CouponKind(r[2]),
        value=r[3],
        max_discount=r[4],
        min_amount=r[5],
        valid_from=r[6],
        valid_to=r[7],
        active=bool(r[8]),
        usage_limit=r[9],
        per_customer_limit=r[10],
        used_count=r[11],
    )


class SqlBookingRepository(SqlRepo, BookingRepository):
    def show_info(self, show_id: int) -> ShowInfo | None:
        return self.hot.show_info(show_id)

    def seats(self, show_id: int, show_seat_ids: Sequence[int], *, lock: bool) -> list[SeatState]:
        return self.hot.seats(show_id, show_seat_ids, lock)

    def seat_states(self, show_id: int) -> list[SeatStatusRow]:
        return self.hot.seat_states(show_id)

    def seats_of_ticket(self, ticket_id: int) -> list[SeatState]:
        return [_seat_state(r) for r in self._exec(_SEATS_OF_TICKET, {"ticket_id": ticket_id})]

    def stale_ticket_ids(
        self, now: datetime, *, show_seat_ids: Sequence[int] = (), limit: int = 500
    ) -> list[int]:
        if show_seat_ids:
            return self.hot.stale_of_seats(show_seat_ids, now)
        rows = self._exec(_STALE_ALL, {"now": now, "limit": limit})
        return [r[0] for r in rows if r[0] is not None]

    def expire_ticket(self, ticket_id: int, now: datetime) -> bool:
        if self._exec(_EXPIRE_TICKET, {"tid": ticket_id, "now": now}).rowcount != 1:
            return False
        self._exec(_FREE_SEATS_OF_TICKET, {"tid": ticket_id})
        self._exec(_KILL_CLAIMS, {"tid": ticket_id})
        return True

    def create_ticket(self, ticket: NewTicket) -> int:
        return self.hot.create_ticket(ticket)

    def claim(self, ticket_id: int, seats: Sequence[ClaimSpec]) -> None:
        # ONE multi-row INSERT (never a DBAPI executemany: psycopg runs that in pipeline mode, and
        # every claim the safety net refused then logged "error ignored terminating Pipeline").
        self.hot.claim(ticket_id, seats)

    def mark_held(
        self,
        ticket_id: int,
        counter: str,
        expires_at: datetime,
        now: datetime,
        expected: Mapping[int, int | None],
    ) -> set[int]:
        return self.hot.mark_held(ticket_id, counter, expires_at, expected)

    def live_claim_owners(self, show_seat_ids: Sequence[int]) -> dict[int, str]:
        rows = self._exec(
            select(TS.c.show_seat_id, TK.c.counter)
            .select_from(TS.join(TK, TK.c.id == TS.c.ticket_id))
            .where(TS.c.show_seat_id.in_(list(show_seat_ids)), TS.c.live == true())
        )
        return {r[0]: r[1] for r in rows}

    def force_held(
        self, ticket_id: int, counter: str, expires_at: datetime, show_seat_ids: Sequence[int]
    ) -> None:
        self.hot.force_held(ticket_id, counter, expires_at, show_seat_ids)

    def confirm(self, ticket_id: int, now: datetime) -> bool:
        return self.hot.confirm(ticket_id, now)

    def release(self, ticket_id: int, new_status: str, now: datetime, *, from_status: str) -> bool:
        values: dict[str, Any] = {"status": new_status}
        if new_status == "CANCELLED":
            values["cancelled_at"] = now
        condition = [TK.c.id == ticket_id, TK.c.status == from_status]
        if from_status == "CONFIRMED":
            # Door check-in (issue 12): a ticket admitted at the door is not cancelled.
            condition.append(TK.c.admitted_count == 0)
        result = self._exec(update(TK).where(*condition).values(**values))
        if result.rowcount != 1:
            return False
        self._exec(_FREE_SEATS_OF_TICKET, {"tid": ticket_id})
        self._exec(_KILL_CLAIMS, {"tid": ticket_id})
        return True

    def ticket(self, ticket_id: int) -> TicketRecord | None:
        return self.hot.ticket(ticket_id)

    def ticket_by_code(self, code: str) -> TicketRecord | None:
        row = self._exec(_TICKET_BY_CODE, {"code": code}).first()
        return None if row is None else _ticket(row)

    def tickets_by_phone(self, phone: str, limit: int = 50) -> list[TicketRecord]:
        rows = self._exec(
            select(*_TICKET_COLS)
            .where(TK.c.customer_phone == phone)
            .order_by(TK.c.created_at.desc())
            .limit(limit)
        )
        return [_ticket(r) for r in rows]

    def search_tickets(
        self,
        *,
        code_part: str = "",
        name_part: str = "",
        show_id: int | None = None,
        limit: int = 50,
    ) -> list[TicketRecord]:
        stmt = select(*_TICKET_COLS)
        matches = []
        if code_part:
            matches.append(func.replace(TK.c.code, "-", "").like(f"%{_like(code_part)}%", "\\"))
        if name_part:
            pattern = f"%{_like(name_part.lower())}%"
            matches.append(func.lower(TK.c.customer_name).like(pattern, "\\"))
        if matches:
            stmt = stmt.where(or_(*matches))
        if show_id is not None:
            stmt = stmt.where(TK.c.show_id == show_id)
        rows = self._exec(stmt.order_by(TK.c.created_at.desc(), TK.c.id.desc()).limit(limit))
        return [_ticket(r) for r in rows]

    def pending_tickets(self, counter: str, now: datetime, limit: int = 50) -> list[TicketRecord]:
        rows = self._exec(
            select(*_TICKET_COLS)
            .where(
                TK.c.counter == counter,
                TK.c.status == "PENDING_PAYMENT",
                TK.c.hold_expires_at > now,
            )
            .order_by(TK.c.created_at, TK.c.id)
            .limit(limit)
        )
        return [_ticket(r) for r in rows]

    def ticket_seats(self, ticket_id: int) -> list[TicketSeatRecord]:
        rows = self._exec(
            select(
                TS.c.show_seat_id,
                TS.c.label,
                TS.c.seat_type,
                TS.c.price,
                TS.c.live,
                TS.c.ticket_type,  # issue 8 (admin-B)
            )
            .where(TS.c.ticket_id == ticket_id)
            .order_by(TS.c.show_seat_id)
        )
        return [TicketSeatRecord(r[0], r[1], r[2], r[3], bool(r[4]), r[5] or "ADULT") for r in rows]

    def set_ticket_amounts(
        self, ticket_id: int, *, discount: Decimal, total: Decimal, coupon_id: int | None
    ) -> None:
        self._exec(
            update(TK)
            .where(TK.c.id == ticket_id)
            .values(discount=discount, total=total, coupon_id=coupon_id)
        )

    def set_customer(self, ticket_id: int, name: str | None, phone: str | None) -> None:
        self._exec(
            update(TK).where(TK.c.id == ticket_id).values(customer_name=name, customer_phone=phone)
        )

    def add_payment(self, payment: NewPayment) -> int:
        return self.hot.add_payment(payment)

    def payments(self, ticket_id: int) -> list[PaymentRecord]:
        rows = self._exec(
            select(
                PM.c.id,
                PM.c.ticket_id,
                PM.c.kind,
                PM.c.mode,
                PM.c.status,
                PM.c.amount,
                PM.c.reference,
                PM.c.tendered,
                PM.c.change_due,
                PM.c.refund_of_id,
                PM.c.created_at,
                PM.c.approved_by_id,
            )
            .where(PM.c.ticket_id == ticket_id)
            .order_by(PM.c.id)
        )
        return [PaymentRecord(*r) for r in rows]

    def last_writer(self, show_id: int | None = None) -> str | None:
        return self.hot.last_writer()

    def coupon_by_code(self, code: str) -> CouponSpec | None:
        row = self._exec(select(*_COUPON_COLS).where(CP.c.code == code)).first()
        return None if row is None else _coupon(row)

    def coupon_by_id(self, coupon_id: int) -> CouponSpec | None:
        row = self._exec(select(*_COUPON_COLS).where(CP.c.id == coupon_id)).first()
        return None if row is None else _coupon(row)

    def coupon_uses(self, coupon_id: int, customer_key: str) -> int:
        return int(
            self._exec(
                select(func.count())
                .select_from(CR)
                .where(
                    CR.c.coupon_id == coupon_id,
                    CR.c.customer_key == customer_key,
                    CR.c.returned_at.is_(None),
                )
            ).scalar_one()
        )

    def redeem_coupon(
        self, coupon_id: int, ticket_id: int, customer_key: str, now: datetime
    ) -> bool:
        result = self._exec(
            update(CP)
            .where(
                CP.c.id == coupon_id,
                CP.c.active == true(),
                or_(CP.c.usage_limit.is_(None), CP.c.used_count < CP.c.usage_limit),
            )
            .values(used_count=CP.c.used_count + 1)
        )
        if result.rowcount != 1:
            return False
        self._exec(
            insert(CR).values(
                coupon_id=coupon_id, ticket_id=ticket_id, customer_key=customer_key, redeemed_at=now
            )
        )
        return True

    def return_coupon(self, ticket_id: int, now: datetime) -> bool:
        row = self._exec(
            update(CR)
            .where(CR.c.ticket_id == ticket_id, CR.c.returned_at.is_(None))
            .values(returned_at=now)
            .returning(CR.c.coupon_id)
        ).first()
        if row is None:
            return False
        self._exec(
            update(CP)
            .where(CP.c.id == row[0], CP.c.used_count > 0)
            .values(used_count=CP.c.used_count - 1)
        )
        return True


# --------------------------------------------------------------------------- queries


def _free_condition(now_param: Any) -> Any:
    return or_(
        SS.c.status == "AVAILABLE",
        and_(SS.c.status == "HELD", SS.c.hold_expires_at <= now_param),
    )


_SHOW_SUMMARY_COLS = (
    SH.c.id,
    MV.c.id,
    MV.c.title,
    MV.c.certificate,
    MV.c.rating,
    MV.c.genre,
    MV.c.runtime_min,
    SH.c.language,
    SH.c.format,
    CI.c.name,
    TH.c.id,
    TH.c.name,
    SC.c.id,
    SC.c.name,
    SH.c.starts_at,
    SH.c.ends_at,
)
_SHOW_JOIN = (
    SH.join(MV, MV.c.id == SH.c.movie_id)
    .join(SC, SC.c.id == SH.c.screen_id)
    .join(TH, TH.c.id == SC.c.theater_id)
    .join(CI, CI.c.id == TH.c.city_id)
)


def _show_summary_stmt(now: datetime) -> Any:
    total = (
        select(func.count())
        .select_from(SS)
        .where(SS.c.show_id == SH.c.id, SS.c.status != "BLOCKED")
        .scalar_subquery()
    )
    free = (
        select(func.count())
        .select_from(SS)
        .where(SS.c.show_id == SH.c.id, _free_condition(now))
        .scalar_subquery()
    )
    return select(*_SHOW_SUMMARY_COLS, total, free, TH.c.timezone).select_from(_SHOW_JOIN)


def _summary(r: Any) -> ShowSummary:
    return ShowSummary(*r)


class SqlQueryRepository(SqlRepo, QueryRepository):
    def find_shows(self, flt: ShowFilter, now: datetime) -> list[ShowSummary]:
        stmt = _show_summary_stmt(now)
        # Issue 8: cancelled shows and deactivated cinemas / cities are off the finder.
        stmt = stmt.where(SH.c.cancelled_at.is_(None), TH.c.active == true(), CI.c.active == true())
        if not flt.include_past:
            stmt = stmt.where(SH.c.ends_at > now)
        if not flt.include_scratch:
            stmt = stmt.where(SH.c.scratch == false())
        if flt.city_id is not None:
            stmt = stmt.where(TH.c.city_id == flt.city_id)
        if flt.theater_id is not None:
            stmt = stmt.where(TH.c.id == flt.theater_id)
        if flt.starts_from is not None:
            stmt = stmt.where(SH.c.starts_at >= flt.starts_from)
        if flt.starts_to is not None:
            stmt = stmt.where(SH.c.starts_at < flt.starts_to)
        if flt.movie_text.strip():
            stmt = stmt.where(func.lower(MV.c.title).contains(flt.movie_text.strip().lower()))
        if flt.language:
            stmt = stmt.where(SH.c.language == flt.language)
        if flt.genre:
            stmt = stmt.where(MV.c.genre == flt.genre)
        if flt.min_rating is not None:
            stmt = stmt.where(MV.c.rating >= flt.min_rating)
        stmt = stmt.order_by(SH.c.starts_at, TH.c.name, SC.c.name).limit(flt.limit)
        return [_summary(r) for r in self._exec(stmt)]

    def show_summary(self, show_id: int, now: datetime) -> ShowSummary | None:
        row = self._exec(_show_summary_stmt(now).where(SH.c.id == show_id)).first()
        return None if row is None else _summary(row)

    def seat_map_rows(self, show_id: int) -> list[SeatMapRow]:
        return self.hot.seat_map_rows(show_id)

    def seat_types(self) -> list[SeatTypeRecord]:
        rows = self._exec(
            select(STY.c.code, STY.c.name, STY.c.base_price, STY.c.rank, STY.c.active).order_by(
                STY.c.rank, STY.c.code
            )
        )
        return [SeatTypeRecord(r[0], r[1], r[2], r[3], bool(r[4])) for r in rows]

    def cities(self) -> list[NamedRef]:
        stmt = select(CI.c.id, CI.c.name).where(CI.c.active == true())  # issue 8: active only
        return [NamedRef(r[0], r[1]) for r in self._exec(stmt.order_by(CI.c.name))]

    def theaters(self) -> list[NamedRef]:
        rows = self._exec(  # issue 8: active cinemas of active cities only
            select(TH.c.id, TH.c.name, TH.c.city_id)
            .select_from(TH.join(CI, CI.c.id == TH.c.city_id))
            .where(TH.c.active == true(), CI.c.active == true())
            .order_by(TH.c.name)
        )
        return [NamedRef(r[0], r[1], r[2]) for r in rows]

    def languages(self) -> list[str]:
        rows = self._exec(select(SH.c.language).distinct().order_by(SH.c.language))
        return [r[0] for r in rows]

    def genres(self) -> list[str]:
        return [r[0] for r in self._exec(select(MV.c.genre).distinct().order_by(MV.c.genre))]

    def sold_count_by_show_seat(self, show_id: int) -> dict[int, int]:
        rows = self._exec(
            select(TS.c.show_seat_id, func.count())
            .select_from(TS.join(TK, TK.c.id == TS.c.ticket_id))
            .where(TK.c.show_id == show_id, TK.c.status == "CONFIRMED")
            .group_by(TS.c.show_seat_id)
        )
        return {r[0]: int(r[1]) for r in rows}


__all__ = [
    "SqlAuditRepository",
    "SqlBookingRepository",
    "SqlCatalogRepository",
    "SqlQueryRepository",
    "SqlRepo",
    "SqlSettingsRepository",
    "SqlStaffRepository",
    "translate_error",
]
