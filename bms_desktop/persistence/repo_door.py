"""SQL implementation of ``services.ports_door.AdmissionRepository``.

The admission itself is one conditional UPDATE (``_ADMIT``): the same statement on SQLite and
PostgreSQL, decided by the number of rows it changed. On PostgreSQL two doors updating the same
ticket queue on its row lock; the second re-evaluates the WHERE clause on the row the first
committed (READ COMMITTED) and changes nothing. On SQLite the write transaction holds the database
lock (BEGIN IMMEDIATE) from its start.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    and_,
    bindparam,
    case,
    exists,
    func,
    insert,
    literal,
    or_,
    select,
    true,
    update,
)
from sqlalchemy.orm import aliased

from bms_desktop.persistence import tables as t
from bms_desktop.persistence.repo_base import SqlRepo
from bms_desktop.services.ports_door import (
    AdmissionRecord,
    AdmissionRepository,
    DoorScreenRecord,
    DoorShowRecord,
    DoorTicketRecord,
)

TK = t.metadata.tables["tickets"]
TS = t.metadata.tables["ticket_seats"]
SH = t.metadata.tables["shows"]
SC = t.metadata.tables["screens"]
TH = t.metadata.tables["theaters"]
MV = t.metadata.tables["movies"]
PM = t.metadata.tables["payments"]
AD = t.metadata.tables["admissions"]
ST = t.metadata.tables["staff"]
TT = t.metadata.tables["ticket_types"]
SS = t.metadata.tables["show_seats"]
SE = t.metadata.tables["seats"]

_UNDOER = aliased(ST, name="undoer")

# The decisive statement (issue 12): never "read, check in Python, then write".
_ADMIT = (
    update(TK)
    .where(
        TK.c.id == bindparam("tid"),
        TK.c.status == "CONFIRMED",
        TK.c.admitted_count + bindparam("n") <= TK.c.seat_count,
    )
    .values(admitted_count=TK.c.admitted_count + bindparam("n"))
)

_REFUNDED = exists().where(PM.c.ticket_id == TK.c.id, PM.c.kind == "REFUND")

_TICKET_FOR_DOOR = (
    select(
        TK.c.id,
        TK.c.code,
        TK.c.status,
        TK.c.seat_count,
        TK.c.admitted_count,
        _REFUNDED.label("refunded"),
        SH.c.id,
        SH.c.starts_at,
        SH.c.ends_at,
        SH.c.cancelled_at,
        MV.c.title,
        MV.c.certificate,
        SH.c.language,
        SH.c.format,
        SC.c.id,
        SC.c.name,
        TH.c.id,
        TH.c.name,
        TH.c.timezone,
    )
    .select_from(
        TK.join(SH, SH.c.id == TK.c.show_id)
        .join(MV, MV.c.id == SH.c.movie_id)
        .join(SC, SC.c.id == SH.c.screen_id)
        .join(TH, TH.c.id == SC.c.theater_id)
    )
    .where(TK.c.code == bindparam("code"))
)

_SEAT_LINES = (
    select(TS.c.label, TS.c.ticket_type)
    .select_from(TS.join(SS, SS.c.id == TS.c.show_seat_id).join(SE, SE.c.id == SS.c.seat_id))
    .where(TS.c.ticket_id == bindparam("tid"))
    .order_by(SE.c.row_idx, SE.c.col_idx, TS.c.id)
)

_ADMISSION_COLS = (
    AD.c.id,
    AD.c.ticket_id,
    AD.c.door,
    AD.c.staff_id,
    ST.c.username,
    AD.c.people,
    AD.c.at,
    AD.c.undone_at,
    _UNDOER.c.username,
    AD.c.undo_reason,
)
_ADMISSIONS_BASE = select(*_ADMISSION_COLS).select_from(
    AD.outerjoin(ST, ST.c.id == AD.c.staff_id).outerjoin(_UNDOER, _UNDOER.c.id == AD.c.undone_by_id)
)
_ADMISSIONS = _ADMISSIONS_BASE.where(AD.c.ticket_id == bindparam("tid")).order_by(AD.c.id)

_UNDO = (
    update(AD)
    .where(AD.c.id == bindparam("aid"), AD.c.undone_at.is_(None))
    .values(undone_at=bindparam("when"), undone_by_id=bindparam("by"), undo_reason=bindparam("why"))
    .returning(AD.c.ticket_id, AD.c.people)
)
_TAKE_BACK = (
    update(TK)
    .where(TK.c.id == bindparam("tid"), TK.c.admitted_count >= bindparam("n"))
    .values(admitted_count=TK.c.admitted_count - bindparam("n"))
)

_CONFIRMED_PEOPLE = func.coalesce(
    func.sum(case((TK.c.status == "CONFIRMED", TK.c.seat_count), else_=literal(0))), 0
)
_ADMITTED_PEOPLE = func.coalesce(
    func.sum(case((TK.c.status == "CONFIRMED", TK.c.admitted_count), else_=literal(0))), 0
)
_SHOW_COUNTS = select(_CONFIRMED_PEOPLE, _ADMITTED_PEOPLE).where(TK.c.show_id == bindparam("sid"))


def _admission(r: Any) -> AdmissionRecord:
    return AdmissionRecord(
        admission_id=r[0],
        ticket_id=r[1],
        door=r[2],
        staff_id=r[3],
        staff_username=r[4],
        people=r[5],
        at=r[6],
        undone_at=r[7],
        undone_by=r[8],
        undo_reason=r[9] or "",
    )


class SqlAdmissionRepository(SqlRepo, AdmissionRepository):
    def ticket_for_door(self, code: str) -> DoorTicketRecord | None:
        r = self._exec(_TICKET_FOR_DOOR, {"code": code}).first()
        if r is None:
            return None
        return DoorTicketRecord(
            ticket_id=r[0],
            code=r[1],
            status=r[2],
            seat_count=r[3],
            admitted_count=r[4],
            refunded=bool(r[5]),
            show_id=r[6],
            starts_at=r[7],
            ends_at=r[8],
            show_cancelled=r[9] is not None,
            movie_title=r[10],
            certificate=r[11],
            language=r[12],
            format=r[13],
            screen_id=r[14],
            screen_name=r[15],
            theater_id=r[16],
            theater_name=r[17],
            timezone=r[18],
        )

    def seat_lines(self, ticket_id: int) -> list[tuple[str, str]]:
        return [(r[0], r[1]) for r in self._exec(_SEAT_LINES, {"tid": ticket_id})]

    def ticket_type_names(self, theater_id: int) -> dict[str, str]:
        rows = self._exec(
            select(TT.c.code, TT.c.name, TT.c.theater_id).where(
                or_(TT.c.theater_id.is_(None), TT.c.theater_id == theater_id)
            )
        )
        names: dict[str, str] = {}
        for code, name, _theater in sorted(rows, key=lambda r: r[2] is not None):
            names[code] = name  # the cinema's own type (sorted last) replaces the global one
        return names

    def admit(self, ticket_id: int, people: int) -> bool:
        return int(self._exec(_ADMIT, {"tid": ticket_id, "n": people}).rowcount) == 1

    def add_admission(
        self, ticket_id: int, door: str, staff_id: int | None, people: int, at: datetime
    ) -> int:
        row = self._exec(
            insert(AD)
            .values(ticket_id=ticket_id, door=door, staff_id=staff_id, people=people, at=at)
            .returning(AD.c.id)
        ).first()
        assert row is not None
        return int(row[0])

    def admissions(self, ticket_id: int) -> list[AdmissionRecord]:
        return [_admission(r) for r in self._exec(_ADMISSIONS, {"tid": ticket_id})]

    def find_admission(
        self, ticket_id: int, door: str, staff_id: int | None, at: datetime
    ) -> AdmissionRecord | None:
        staff = AD.c.staff_id.is_(None) if staff_id is None else AD.c.staff_id == staff_id
        row = self._exec(
            _ADMISSIONS_BASE.where(
                AD.c.ticket_id == ticket_id, AD.c.door == door, AD.c.at == at, staff
            ).order_by(AD.c.id)
        ).first()
        return None if row is None else _admission(row)

    def undo_admission(
        self, admission_id: int, *, by_id: int | None, at: datetime, reason: str
    ) -> bool:
        row = self._exec(
            _UNDO, {"aid": admission_id, "when": at, "by": by_id, "why": reason}
        ).first()
        if row is None:
            return False
        ticket_id, people = int(row[0]), int(row[1])
        return int(self._exec(_TAKE_BACK, {"tid": ticket_id, "n": people}).rowcount) == 1

    def show_counts(self, show_id: int) -> tuple[int, int]:
        row = self._exec(_SHOW_COUNTS, {"sid": show_id}).first()
        return (0, 0) if row is None else (int(row[0]), int(row[1]))

    def shows_at_doors(
        self,
        *,
        starts_before: datetime,
        ends_after: datetime,
        theater_id: int | None = None,
        screen_id: int | None = None,
        limit: int = 60,
    ) -> list[DoorShowRecord]:
        counts = (
            select(
                TK.c.show_id.label("show_id"),
                _CONFIRMED_PEOPLE.label("sold"),
                _ADMITTED_PEOPLE.label("admitted"),
            )
            .group_by(TK.c.show_id)
            .subquery()
        )
        stmt = (
            select(
                SH.c.id,
                MV.c.title,
                MV.c.certificate,
                SH.c.language,
                SH.c.format,
                SC.c.id,
                SC.c.name,
                TH.c.id,
                TH.c.name,
                TH.c.timezone,
                SH.c.starts_at,
                SH.c.ends_at,
                func.coalesce(counts.c.sold, 0),
                func.coalesce(counts.c.admitted, 0),
            )
            .select_from(
                SH.join(MV, MV.c.id == SH.c.movie_id)
                .join(SC, SC.c.id == SH.c.screen_id)
                .join(TH, TH.c.id == SC.c.theater_id)
                .outerjoin(counts, counts.c.show_id == SH.c.id)
            )
            .where(
                SH.c.starts_at < starts_before,
                SH.c.ends_at > ends_after,
                SH.c.cancelled_at.is_(None),
                SH.c.scratch != true(),
            )
            .order_by(SH.c.starts_at, TH.c.name, SC.c.name, SH.c.id)
            .limit(limit)
        )
        if theater_id is not None:
            stmt = stmt.where(TH.c.id == theater_id)
        if screen_id is not None:
            stmt = stmt.where(SC.c.id == screen_id)
        return [
            DoorShowRecord(
                show_id=r[0],
                movie_title=r[1],
                certificate=r[2],
                language=r[3],
                format=r[4],
                screen_id=r[5],
                screen_name=r[6],
                theater_id=r[7],
                theater_name=r[8],
                timezone=r[9],
                starts_at=r[10],
                ends_at=r[11],
                sold_people=int(r[12]),
                admitted_people=int(r[13]),
            )
            for r in self._exec(stmt)
        ]

    def screens(self) -> list[DoorScreenRecord]:
        real_show = exists().where(SH.c.screen_id == SC.c.id, SH.c.scratch != true())
        rows = self._exec(
            select(SC.c.id, SC.c.name, TH.c.id, TH.c.name)
            .select_from(SC.join(TH, TH.c.id == SC.c.theater_id))
            .where(and_(SC.c.active == true(), TH.c.active == true(), real_show))
            .order_by(TH.c.name, SC.c.name, SC.c.id)
        )
        return [DoorScreenRecord(r[0], r[1], r[2], r[3]) for r in rows]

    def ping(self) -> None:
        self._exec(select(literal(1)))
