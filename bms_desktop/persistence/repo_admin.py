"""SQL implementation of ``services.ports_admin.AdminRepository`` (admin-A's areas)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Select, exists, false, func, insert, select, true, update
from sqlalchemy.exc import IntegrityError

from bms_desktop.domain.errors import ValidationError
from bms_desktop.persistence import tables as t
from bms_desktop.persistence.repositories import SqlRepo
from bms_desktop.services.admin.dto import CinemaInput, CinemaRow, CityRow
from bms_desktop.services.ports_admin import AdminRepository

CI = t.metadata.tables["cities"]
TH = t.metadata.tables["theaters"]
SC = t.metadata.tables["screens"]
SE = t.metadata.tables["seats"]
MV = t.metadata.tables["movies"]
SH = t.metadata.tables["shows"]
ST = t.metadata.tables["staff"]
SS = t.metadata.tables["show_seats"]
TK = t.metadata.tables["tickets"]


def _locked(stmt: Select[Any], lock: bool, dialect: str) -> Select[Any]:
    """FOR UPDATE on PostgreSQL (SQLite's write transaction already holds the database lock)."""
    return stmt.with_for_update() if lock and dialect == "postgresql" else stmt


_CINEMA_COLS = (
    TH.c.id,
    TH.c.city_id,
    CI.c.name,
    TH.c.name,
    TH.c.address,
    TH.c.timezone,
    TH.c.gstin,
    TH.c.phone,
    TH.c.active,
)


class SqlAdminRepository(SqlRepo, AdminRepository):
    def setup_counts(self) -> dict[str, int]:
        def count(stmt: object) -> int:
            return int(self._exec(stmt).scalar_one())

        return {
            "cinema": count(
                select(func.count())
                .select_from(TH.join(CI, CI.c.id == TH.c.city_id))
                .where(TH.c.active == true(), CI.c.active == true())
            ),
            "screen": count(
                select(func.count())
                .select_from(SC.join(TH, TH.c.id == SC.c.theater_id))
                .where(
                    SC.c.active == true(),
                    TH.c.active == true(),
                    exists().where(SE.c.screen_id == SC.c.id),
                )
            ),
            "movie": count(select(func.count()).select_from(MV).where(MV.c.active == true())),
            "show": count(
                select(func.count())
                .select_from(SH)
                .where(SH.c.cancelled_at.is_(None), SH.c.scratch == false())
            ),
            "clerk": count(
                select(func.count())
                .select_from(ST)
                .where(ST.c.role == "CLERK", ST.c.active == true())
            ),
        }

    # ---------------------------------------------------------------- cities

    def _city_stmt(self) -> Select[Any]:
        cinemas = (
            select(func.count()).select_from(TH).where(TH.c.city_id == CI.c.id).scalar_subquery()
        )
        return select(CI.c.id, CI.c.name, CI.c.state, CI.c.active, cinemas)

    @staticmethod
    def _city(r: Any) -> CityRow:
        return CityRow(r[0], r[1], r[2] or "", bool(r[3]), int(r[4]))

    def cities(self) -> list[CityRow]:
        rows = self._exec(self._city_stmt().order_by(func.lower(CI.c.name)))
        return [self._city(r) for r in rows]

    def city(self, city_id: int, *, lock: bool = False) -> CityRow | None:
        if lock:
            self._exec(_locked(select(CI.c.id).where(CI.c.id == city_id), lock, self.dialect))
        row = self._exec(self._city_stmt().where(CI.c.id == city_id)).first()
        return None if row is None else self._city(row)

    def city_named(self, name: str) -> int | None:
        row = self._exec(select(CI.c.id).where(func.lower(CI.c.name) == name.lower())).first()
        return None if row is None else int(row[0])

    def add_city(self, name: str, state: str) -> int:
        try:
            return int(
                self._exec(
                    insert(CI).values(name=name, state=state, active=True).returning(CI.c.id)
                ).scalar_one()
            )
        except IntegrityError as exc:
            raise ValidationError(f"there is already a city called {name}", field="name") from exc

    def update_city(self, city_id: int, *, name: str, state: str, active: bool) -> None:
        try:
            self._exec(
                update(CI).where(CI.c.id == city_id).values(name=name, state=state, active=active)
            )
        except IntegrityError as exc:
            raise ValidationError(f"there is already a city called {name}", field="name") from exc

    # ---------------------------------------------------------------- cinemas

    def _cinema_stmt(self) -> Select[Any]:
        screens = (
            select(func.count()).select_from(SC).where(SC.c.theater_id == TH.c.id).scalar_subquery()
        )
        return select(*_CINEMA_COLS, screens).select_from(TH.join(CI, CI.c.id == TH.c.city_id))

    @staticmethod
    def _cinema(r: Any) -> CinemaRow:
        return CinemaRow(
            theater_id=r[0],
            city_id=r[1],
            city_name=r[2],
            name=r[3],
            address=r[4] or "",
            timezone=r[5],
            gstin=r[6] or "",
            phone=r[7] or "",
            active=bool(r[8]),
            screen_count=int(r[9]),
        )

    def cinemas(self) -> list[CinemaRow]:
        rows = self._exec(
            self._cinema_stmt().order_by(func.lower(CI.c.name), func.lower(TH.c.name))
        )
        return [self._cinema(r) for r in rows]

    def cinema(self, theater_id: int, *, lock: bool = False) -> CinemaRow | None:
        if lock:
            self._exec(_locked(select(TH.c.id).where(TH.c.id == theater_id), lock, self.dialect))
        row = self._exec(self._cinema_stmt().where(TH.c.id == theater_id)).first()
        return None if row is None else self._cinema(row)

    def cinema_named(self, city_id: int, name: str) -> int | None:
        row = self._exec(
            select(TH.c.id).where(TH.c.city_id == city_id, func.lower(TH.c.name) == name.lower())
        ).first()
        return None if row is None else int(row[0])

    def _cinema_values(self, cinema: CinemaInput) -> dict[str, object]:
        return {
            "city_id": cinema.city_id,
            "name": cinema.name,
            "address": cinema.address,
            "timezone": cinema.timezone,
            "gstin": cinema.gstin,
            "phone": cinema.phone,
        }

    def add_cinema(self, cinema: CinemaInput) -> int:
        try:
            return int(
                self._exec(
                    insert(TH).values(**self._cinema_values(cinema), active=True).returning(TH.c.id)
                ).scalar_one()
            )
        except IntegrityError as exc:
            raise ValidationError(
                f"that city already has a cinema called {cinema.name}", field="name"
            ) from exc

    def update_cinema(self, theater_id: int, cinema: CinemaInput, *, active: bool) -> None:
        try:
            self._exec(
                update(TH)
                .where(TH.c.id == theater_id)
                .values(**self._cinema_values(cinema), active=active)
            )
        except IntegrityError as exc:
            raise ValidationError(
                f"that city already has a cinema called {cinema.name}", field="name"
            ) from exc

    def future_show_count(
        self, now: datetime, *, theater_id: int | None = None, city_id: int | None = None
    ) -> tuple[int, int]:
        shows = (
            select(SH.c.id)
            .select_from(
                SH.join(SC, SC.c.id == SH.c.screen_id).join(TH, TH.c.id == SC.c.theater_id)
            )
            .where(SH.c.starts_at > now, SH.c.cancelled_at.is_(None), SH.c.scratch == false())
        )
        if theater_id is not None:
            shows = shows.where(TH.c.id == theater_id)
        if city_id is not None:
            shows = shows.where(TH.c.city_id == city_id)
        ids = shows.subquery()
        n_shows = int(self._exec(select(func.count()).select_from(ids)).scalar_one())
        n_tickets = int(
            self._exec(
                select(func.count())
                .select_from(TK)
                .where(TK.c.show_id.in_(select(ids.c.id)), TK.c.status == "CONFIRMED")
            ).scalar_one()
        )
        return n_shows, n_tickets
