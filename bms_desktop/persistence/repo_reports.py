"""SQL implementation of ``services.ports_reports.ReportRepository``: rows for the reports.

Long id lists are sent in chunks (SQLite limits the number of parameters of a statement).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import and_, false, func, select
from sqlalchemy.orm import aliased

from bms_desktop.persistence import tables as t
from bms_desktop.persistence.repo_base import SqlRepo
from bms_desktop.services.ports_reports import (
    CinemaRef,
    PaymentFact,
    ReportRepository,
    SeatLineFact,
    SeatSaleFact,
    ShowFact,
)

PM = t.Payment.__table__
TK = t.Ticket.__table__
TS = t.TicketSeat.__table__
SH = t.Show.__table__
SS = t.ShowSeat.__table__
SE = t.Seat.__table__
MV = t.Movie.__table__
SC = t.Screen.__table__
TH = t.Theater.__table__
CI = t.City.__table__
ST = t.Staff.__table__
CS = t.CounterSession.__table__
CP = t.Coupon.__table__

CHUNK = 500
T = TypeVar("T")

_CLERK = aliased(ST, name="clerk")
_APPROVER = aliased(ST, name="approver")

_FACT_COLS = (
    PM.c.id,
    PM.c.ticket_id,
    PM.c.kind,
    PM.c.mode,
    PM.c.amount,
    PM.c.created_at,
    PM.c.counter,
    PM.c.staff_id,
    func.coalesce(_CLERK.c.username, ""),
    PM.c.session_id,
    CS.c.business_date,
    func.coalesce(_APPROVER.c.username, ""),
    func.coalesce(PM.c.reference, ""),
    PM.c.refund_of_id,
    TK.c.code,
    TK.c.status,
    TK.c.seat_count,
    TK.c.subtotal,
    TK.c.discount,
    TK.c.total,
    func.coalesce(CP.c.code, ""),
    SH.c.id,
    SH.c.starts_at,
    MV.c.id,
    MV.c.title,
    SC.c.id,
    SC.c.name,
    TH.c.id,
    TH.c.name,
    TH.c.timezone,
)
_FACTS = (
    select(*_FACT_COLS)
    .select_from(
        PM.join(TK, TK.c.id == PM.c.ticket_id)
        .join(SH, SH.c.id == TK.c.show_id)
        .join(MV, MV.c.id == SH.c.movie_id)
        .join(SC, SC.c.id == SH.c.screen_id)
        .join(TH, TH.c.id == SC.c.theater_id)
        .outerjoin(_CLERK, _CLERK.c.id == PM.c.staff_id)
        .outerjoin(_APPROVER, _APPROVER.c.id == PM.c.approved_by_id)
        .outerjoin(CS, CS.c.id == PM.c.session_id)
        .outerjoin(CP, CP.c.id == TK.c.coupon_id)
    )
    .where(PM.c.status == "SUCCESS", SH.c.scratch == false())
    .order_by(PM.c.created_at, PM.c.id)
)


def _chunks(items: Sequence[T]) -> Iterator[list[T]]:
    ordered = list(dict.fromkeys(items))
    for i in range(0, len(ordered), CHUNK):
        yield ordered[i : i + CHUNK]


def _fact(r: Any) -> PaymentFact:
    return PaymentFact(*r)


class SqlReportRepository(SqlRepo, ReportRepository):
    def cinemas(self) -> list[CinemaRef]:
        stmt = (
            select(TH.c.id, TH.c.name, CI.c.name, TH.c.timezone)
            .select_from(TH.join(CI, CI.c.id == TH.c.city_id))
            .where(
                TH.c.id.in_(
                    select(SC.c.theater_id)
                    .select_from(SC.join(SH, SH.c.screen_id == SC.c.id))
                    .where(SH.c.scratch == false())
                )
            )
            .order_by(CI.c.name, TH.c.name)
        )
        return [CinemaRef(*r) for r in self._exec(stmt)]

    def payment_facts(
        self,
        *,
        since: datetime,
        until: datetime,
        theater_id: int | None = None,
        session_ids: Sequence[int] = (),
    ) -> list[PaymentFact]:
        window = and_(PM.c.created_at >= since, PM.c.created_at < until)
        if theater_id is not None:
            window = and_(window, TH.c.id == theater_id)
        facts: dict[int, PaymentFact] = {r[0]: _fact(r) for r in self._exec(_FACTS.where(window))}
        for chunk in _chunks(session_ids):
            for r in self._exec(_FACTS.where(PM.c.session_id.in_(chunk))):
                facts.setdefault(r[0], _fact(r))
        return sorted(facts.values(), key=lambda f: (f.created_at, f.payment_id))

    def payment_facts_of_tickets(self, ticket_ids: Sequence[int]) -> list[PaymentFact]:
        out: list[PaymentFact] = []
        for chunk in _chunks(ticket_ids):
            out.extend(_fact(r) for r in self._exec(_FACTS.where(PM.c.ticket_id.in_(chunk))))
        return sorted(out, key=lambda f: (f.created_at, f.payment_id))

    def seat_lines(self, ticket_ids: Sequence[int]) -> list[SeatLineFact]:
        out: list[SeatLineFact] = []
        for chunk in _chunks(ticket_ids):
            stmt = (
                select(
                    TS.c.ticket_id,
                    TS.c.show_seat_id,
                    SS.c.seat_id,
                    TS.c.label,
                    TS.c.seat_type,
                    TS.c.ticket_type,
                    TS.c.price,
                )
                .select_from(TS.join(SS, SS.c.id == TS.c.show_seat_id))
                .where(TS.c.ticket_id.in_(chunk))
                .order_by(TS.c.ticket_id, TS.c.id)
            )
            out.extend(SeatLineFact(*r) for r in self._exec(stmt))
        return out

    def show_facts(
        self,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        theater_id: int | None = None,
        show_ids: Sequence[int] = (),
    ) -> list[ShowFact]:
        capacity = (
            select(func.count())
            .where(SS.c.show_id == SH.c.id, SS.c.status != "BLOCKED")
            .scalar_subquery()
        )
        sold = (
            select(func.count())
            .where(SS.c.show_id == SH.c.id, SS.c.status == "SOLD")
            .scalar_subquery()
        )
        base = (
            select(
                SH.c.id,
                SH.c.starts_at,
                SH.c.created_at,
                SH.c.cancelled_at,
                MV.c.id,
                MV.c.title,
                SH.c.language,
                SH.c.format,
                SC.c.id,
                SC.c.name,
                TH.c.id,
                TH.c.name,
                TH.c.timezone,
                capacity,
                sold,
            )
            .select_from(
                SH.join(MV, MV.c.id == SH.c.movie_id)
                .join(SC, SC.c.id == SH.c.screen_id)
                .join(TH, TH.c.id == SC.c.theater_id)
            )
            .where(SH.c.scratch == false())
            .order_by(SH.c.starts_at, SH.c.id)
        )
        if show_ids:
            rows: list[Any] = []
            for chunk in _chunks(show_ids):
                rows.extend(self._exec(base.where(SH.c.id.in_(chunk))))
            rows.sort(key=lambda r: (r[1], r[0]))
        else:
            stmt = base
            if since is not None:
                stmt = stmt.where(SH.c.starts_at >= since)
            if until is not None:
                stmt = stmt.where(SH.c.starts_at < until)
            if theater_id is not None:
                stmt = stmt.where(TH.c.id == theater_id)
            rows = list(self._exec(stmt))
        return [ShowFact(*r) for r in rows]

    def confirmed_ticket_ids(self, show_ids: Sequence[int]) -> list[int]:
        out: list[int] = []
        for chunk in _chunks(show_ids):
            stmt = (
                select(TK.c.id)
                .where(TK.c.show_id.in_(chunk), TK.c.confirmed_at.is_not(None))
                .order_by(TK.c.id)
            )
            out.extend(int(r[0]) for r in self._exec(stmt))
        return out

    def seat_sales(self, show_ids: Sequence[int]) -> list[SeatSaleFact]:
        first = (
            select(TS.c.show_seat_id, func.min(TK.c.confirmed_at).label("first_sold"))
            .select_from(TS.join(TK, TK.c.id == TS.c.ticket_id))
            .where(TK.c.confirmed_at.is_not(None))
            .group_by(TS.c.show_seat_id)
            .subquery()
        )
        out: list[SeatSaleFact] = []
        for chunk in _chunks(show_ids):
            stmt = (
                select(
                    SS.c.show_id,
                    SS.c.id,
                    SS.c.seat_id,
                    SE.c.label,
                    SE.c.row_idx,
                    SE.c.col_idx,
                    SE.c.seat_type,
                    SS.c.status,
                    first.c.first_sold,
                )
                .select_from(
                    SS.join(SE, SE.c.id == SS.c.seat_id).outerjoin(
                        first, first.c.show_seat_id == SS.c.id
                    )
                )
                .where(SS.c.show_id.in_(chunk))
                .order_by(SS.c.show_id, SE.c.row_idx, SE.c.col_idx)
            )
            out.extend(self._sale(r) for r in self._exec(stmt))
        return out

    @staticmethod
    def _sale(r: Any) -> SeatSaleFact:
        first = r[8]
        if isinstance(first, str):  # MIN() over a UtcDateTime column, on SQLite: the raw text
            first = datetime.fromisoformat(first).replace(tzinfo=UTC)
        elif isinstance(first, datetime) and first.tzinfo is None:
            first = first.replace(tzinfo=UTC)
        return SeatSaleFact(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], first)


__all__ = ["SqlReportRepository"]
