"""SQL implementation of ``services.ports_admin.AdminRepository`` (admin-A's areas)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import (
    Select,
    and_,
    case,
    delete,
    exists,
    false,
    func,
    insert,
    select,
    true,
    update,
)
from sqlalchemy.exc import IntegrityError

from bms_desktop.domain.errors import ValidationError
from bms_desktop.persistence import tables as t
from bms_desktop.persistence.repo_base import SqlRepo, seat_rows
from bms_desktop.services.admin.dto import (
    CinemaInput,
    CinemaRow,
    CityRow,
    LayoutSeat,
    MovieInput,
    MovieRow,
    ScreenRow,
    ShowRow,
)
from bms_desktop.services.ports_admin import (
    AdminRepository,
    FutureShowSeats,
    LiveTicket,
    ShowListFilter,
    ShowSeatState,
)

CI = t.metadata.tables["cities"]
TH = t.metadata.tables["theaters"]
SC = t.metadata.tables["screens"]
SE = t.metadata.tables["seats"]
MV = t.metadata.tables["movies"]
SH = t.metadata.tables["shows"]
ST = t.metadata.tables["staff"]
SS = t.metadata.tables["show_seats"]
TK = t.metadata.tables["tickets"]
TS = t.metadata.tables["ticket_seats"]


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

    # ---------------------------------------------------------------- screens

    def _screen_stmt(self, now: datetime) -> Select[Any]:
        seats = (
            select(func.count())
            .select_from(SE)
            .where(SE.c.screen_id == SC.c.id, SE.c.layout_version == SC.c.layout_version)
            .scalar_subquery()
        )
        future = (
            select(func.count())
            .select_from(SH)
            .where(
                SH.c.screen_id == SC.c.id,
                SH.c.starts_at > now,
                SH.c.cancelled_at.is_(None),
                SH.c.scratch == false(),
            )
            .scalar_subquery()
        )
        return select(
            SC.c.id,
            SC.c.theater_id,
            TH.c.name,
            CI.c.name,
            SC.c.name,
            SC.c.active,
            SC.c.layout_version,
            seats,
            future,
            TH.c.timezone,
        ).select_from(SC.join(TH, TH.c.id == SC.c.theater_id).join(CI, CI.c.id == TH.c.city_id))

    @staticmethod
    def _screen(r: Any) -> ScreenRow:
        return ScreenRow(
            screen_id=r[0],
            theater_id=r[1],
            theater_name=r[2],
            city_name=r[3],
            name=r[4],
            active=bool(r[5]),
            layout_version=int(r[6]),
            seat_count=int(r[7]),
            future_shows=int(r[8]),
            timezone=r[9],
        )

    def screens(self, now: datetime) -> list[ScreenRow]:
        stmt = self._screen_stmt(now).order_by(func.lower(TH.c.name), func.lower(SC.c.name))
        return [self._screen(r) for r in self._exec(stmt)]

    def screen(self, screen_id: int, now: datetime, *, lock: bool = False) -> ScreenRow | None:
        if lock:
            self.lock_screen(screen_id)
        row = self._exec(self._screen_stmt(now).where(SC.c.id == screen_id)).first()
        return None if row is None else self._screen(row)

    def lock_screen(self, screen_id: int) -> None:
        if self.dialect == "postgresql":
            self._exec(select(SC.c.id).where(SC.c.id == screen_id).with_for_update())

    def screen_named(self, theater_id: int, name: str) -> int | None:
        row = self._exec(
            select(SC.c.id).where(
                SC.c.theater_id == theater_id, func.lower(SC.c.name) == name.lower()
            )
        ).first()
        return None if row is None else int(row[0])

    def add_screen(self, theater_id: int, name: str, layout_text: str) -> int:
        try:
            return int(
                self._exec(
                    insert(SC)
                    .values(
                        theater_id=theater_id,
                        name=name,
                        layout_text=layout_text,
                        active=True,
                        layout_version=1,
                    )
                    .returning(SC.c.id)
                ).scalar_one()
            )
        except IntegrityError as exc:
            raise ValidationError(
                f"that cinema already has a screen called {name}", field="name"
            ) from exc

    def update_screen(self, screen_id: int, *, name: str, active: bool) -> None:
        try:
            self._exec(update(SC).where(SC.c.id == screen_id).values(name=name, active=active))
        except IntegrityError as exc:
            raise ValidationError(
                f"that cinema already has a screen called {name}", field="name"
            ) from exc

    def layout_seats(self, screen_id: int, layout_version: int) -> list[LayoutSeat]:
        rows = self._exec(
            select(
                SE.c.row_label,
                SE.c.number,
                SE.c.row_idx,
                SE.c.col_idx,
                SE.c.seat_type,
                SE.c.accessible,
                SE.c.companion,
                SE.c.blocked,
            )
            .where(SE.c.screen_id == screen_id, SE.c.layout_version == layout_version)
            .order_by(SE.c.row_idx, SE.c.col_idx)
        )
        return [
            LayoutSeat(
                r[0], int(r[1]), int(r[2]), int(r[3]), r[4], bool(r[5]), bool(r[6]), bool(r[7])
            )
            for r in rows
        ]

    def add_layout_seats(
        self, screen_id: int, layout_version: int, seats: Sequence[LayoutSeat]
    ) -> None:
        if not seats:
            return
        self._exec(insert(SE), seat_rows(screen_id, seats, layout_version=layout_version))

    def set_layout_version(
        self, screen_id: int, *, expected: int, new: int, layout_text: str
    ) -> bool:
        result = self._exec(
            update(SC)
            .where(SC.c.id == screen_id, SC.c.layout_version == expected)
            .values(layout_version=new, layout_text=layout_text)
        )
        return bool(result.rowcount == 1)

    def future_shows_of_screen(self, screen_id: int, now: datetime) -> list[FutureShowSeats]:
        sold = func.sum(case((SS.c.status == "SOLD", 1), else_=0))
        held = func.sum(case((and_(SS.c.status == "HELD", SS.c.hold_expires_at > now), 1), else_=0))
        version = func.max(SE.c.layout_version)
        tickets = exists().where(TK.c.show_id == SH.c.id)
        stmt = (
            select(SH.c.id, SH.c.movie_id, MV.c.title, SH.c.starts_at, sold, held, version, tickets)
            .select_from(
                SH.join(MV, MV.c.id == SH.c.movie_id)
                .outerjoin(SS, SS.c.show_id == SH.c.id)
                .outerjoin(SE, SE.c.id == SS.c.seat_id)
            )
            .where(
                SH.c.screen_id == screen_id,
                SH.c.starts_at > now,
                SH.c.cancelled_at.is_(None),
            )
            .group_by(SH.c.id, SH.c.movie_id, MV.c.title, SH.c.starts_at)
            .order_by(SH.c.starts_at)
        )
        return [
            FutureShowSeats(
                show_id=r[0],
                movie_id=r[1],
                movie_title=r[2],
                starts_at=r[3],
                sold=int(r[4] or 0),
                held=int(r[5] or 0),
                has_tickets=bool(r[7]),
                layout_version=int(r[6] or 0),
            )
            for r in self._exec(stmt)
        ]

    def replace_show_seats(
        self, show_id: int, seat_prices: Sequence[tuple[int, Decimal, bool]]
    ) -> bool:
        if self.dialect == "postgresql":  # a counter's hold locks these rows too: wait for it
            self._exec(select(SS.c.id).where(SS.c.show_id == show_id).with_for_update())
        total = int(
            self._exec(
                select(func.count()).select_from(SS).where(SS.c.show_id == show_id)
            ).scalar_one()
        )
        on_ticket = exists().where(TS.c.show_seat_id == SS.c.id)
        removed = self._exec(
            delete(SS).where(
                SS.c.show_id == show_id,
                SS.c.status.in_(("AVAILABLE", "BLOCKED")),
                ~on_ticket,
                ~exists().where(TK.c.show_id == show_id),
            )
        ).rowcount
        if removed != total:
            return False
        if seat_prices:
            self._exec(
                insert(SS),
                [
                    {
                        "show_id": show_id,
                        "seat_id": seat_id,
                        "status": "BLOCKED" if blocked else "AVAILABLE",
                        "price": price,
                        "version": 1,
                    }
                    for seat_id, price, blocked in seat_prices
                ],
            )
        return True

    # ---------------------------------------------------------------- per-show seats

    def show_seat_states(self, show_id: int, show_seat_ids: Sequence[int]) -> list[ShowSeatState]:
        rows = self._exec(
            select(SS.c.id, SE.c.label, SS.c.status, SS.c.hold_expires_at, SS.c.block_reason)
            .select_from(SS.join(SE, SE.c.id == SS.c.seat_id))
            .where(SS.c.show_id == show_id, SS.c.id.in_(list(show_seat_ids)))
            .order_by(SE.c.row_idx, SE.c.col_idx)
        )
        return [ShowSeatState(int(r[0]), r[1], r[2], r[3], r[4]) for r in rows]

    def block_show_seats(
        self, show_id: int, show_seat_ids: Sequence[int], reason: str
    ) -> list[int]:
        rows = self._exec(
            update(SS)
            .where(
                SS.c.show_id == show_id,
                SS.c.id.in_(list(show_seat_ids)),
                SS.c.status == "AVAILABLE",
            )
            .values(status="BLOCKED", block_reason=reason, version=SS.c.version + 1)
            .returning(SS.c.id)
        ).fetchall()
        return sorted(int(r[0]) for r in rows)

    def unblock_show_seats(self, show_id: int, show_seat_ids: Sequence[int]) -> list[int]:
        rows = self._exec(
            update(SS)
            .where(
                SS.c.show_id == show_id,
                SS.c.id.in_(list(show_seat_ids)),
                SS.c.status == "BLOCKED",
            )
            .values(status="AVAILABLE", block_reason=None, version=SS.c.version + 1)
            .returning(SS.c.id)
        ).fetchall()
        return sorted(int(r[0]) for r in rows)

    def block_reasons(self, show_id: int) -> dict[int, str]:
        rows = self._exec(
            select(SS.c.id, SS.c.block_reason).where(
                SS.c.show_id == show_id,
                SS.c.status == "BLOCKED",
                SS.c.block_reason.is_not(None),
            )
        )
        return {int(r[0]): str(r[1]) for r in rows}

    # ---------------------------------------------------------------- movies

    def _movie_stmt(self, now: datetime) -> Select[Any]:
        future = (
            select(func.count())
            .select_from(SH)
            .where(
                SH.c.movie_id == MV.c.id,
                SH.c.starts_at > now,
                SH.c.cancelled_at.is_(None),
                SH.c.scratch == false(),
            )
            .scalar_subquery()
        )
        return select(
            MV.c.id,
            MV.c.title,
            MV.c.languages,
            MV.c.genre,
            MV.c.rating,
            MV.c.certificate,
            MV.c.runtime_min,
            MV.c.release_date,
            MV.c.synopsis,
            MV.c.active,
            MV.c.poster.is_not(None),
            future,
        )

    @staticmethod
    def _movie(r: Any) -> MovieRow:
        return MovieRow(
            movie_id=r[0],
            title=r[1],
            languages=r[2],
            genre=r[3],
            rating=r[4],
            certificate=r[5],
            runtime_min=int(r[6]),
            release_date=r[7],
            synopsis=r[8] or "",
            active=bool(r[9]),
            has_poster=bool(r[10]),
            future_shows=int(r[11]),
        )

    def movies(self, now: datetime) -> list[MovieRow]:
        stmt = self._movie_stmt(now).order_by(func.lower(MV.c.title), MV.c.id)
        return [self._movie(r) for r in self._exec(stmt)]

    def movie(self, movie_id: int, now: datetime, *, lock: bool = False) -> MovieRow | None:
        if lock:
            self._exec(_locked(select(MV.c.id).where(MV.c.id == movie_id), lock, self.dialect))
        row = self._exec(self._movie_stmt(now).where(MV.c.id == movie_id)).first()
        return None if row is None else self._movie(row)

    @staticmethod
    def _movie_values(movie: MovieInput) -> dict[str, object]:
        return {
            "title": movie.title,
            "languages": movie.languages,
            "genre": movie.genre,
            "rating": movie.rating,
            "certificate": movie.certificate,
            "runtime_min": movie.runtime_min,
            "release_date": movie.release_date,
            "synopsis": movie.synopsis,
        }

    def add_movie(self, movie: MovieInput) -> int:
        stmt = insert(MV).values(**self._movie_values(movie), active=True).returning(MV.c.id)
        return int(self._exec(stmt).scalar_one())

    def update_movie(self, movie_id: int, movie: MovieInput, *, active: bool) -> None:
        self._exec(
            update(MV).where(MV.c.id == movie_id).values(**self._movie_values(movie), active=active)
        )

    def set_poster(self, movie_id: int, poster: bytes | None) -> None:
        self._exec(update(MV).where(MV.c.id == movie_id).values(poster=poster))

    def poster(self, movie_id: int) -> bytes | None:
        row = self._exec(select(MV.c.poster).where(MV.c.id == movie_id)).first()
        return None if row is None or row[0] is None else bytes(row[0])

    # ---------------------------------------------------------------- shows

    def _show_stmt(self, now: datetime) -> Select[Any]:
        counts = (
            select(
                SS.c.show_id.label("show_id"),
                func.count().label("total"),
                func.sum(case((SS.c.status == "SOLD", 1), else_=0)).label("sold"),
                func.sum(
                    case((and_(SS.c.status == "HELD", SS.c.hold_expires_at > now), 1), else_=0)
                ).label("held"),
                func.sum(case((SS.c.status == "BLOCKED", 1), else_=0)).label("blocked"),
            )
            .group_by(SS.c.show_id)
            .subquery()
        )
        return select(
            SH.c.id,
            SH.c.movie_id,
            MV.c.title,
            MV.c.runtime_min,
            TH.c.id,
            TH.c.name,
            SC.c.id,
            SC.c.name,
            SH.c.starts_at,
            SH.c.ends_at,
            TH.c.timezone,
            SH.c.language,
            SH.c.format,
            counts.c.total,
            counts.c.sold,
            counts.c.held,
            counts.c.blocked,
            SH.c.cancelled_at,
            SH.c.cancel_reason,
        ).select_from(
            SH.join(MV, MV.c.id == SH.c.movie_id)
            .join(SC, SC.c.id == SH.c.screen_id)
            .join(TH, TH.c.id == SC.c.theater_id)
            .outerjoin(counts, counts.c.show_id == SH.c.id)
        )

    @staticmethod
    def _show(r: Any) -> ShowRow:
        return ShowRow(
            show_id=r[0],
            movie_id=r[1],
            movie_title=r[2],
            runtime_min=int(r[3]),
            theater_id=r[4],
            theater_name=r[5],
            screen_id=r[6],
            screen_name=r[7],
            starts_at=r[8],
            ends_at=r[9],
            timezone=r[10],
            language=r[11],
            format=r[12],
            seats_total=int(r[13] or 0),
            seats_sold=int(r[14] or 0),
            seats_held=int(r[15] or 0),
            seats_blocked=int(r[16] or 0),
            cancelled_at=r[17],
            cancel_reason=r[18] or "",
        )

    def shows(self, flt: ShowListFilter, now: datetime) -> list[ShowRow]:
        stmt = self._show_stmt(now).where(SH.c.scratch == false())
        if flt.theater_id is not None:
            stmt = stmt.where(TH.c.id == flt.theater_id)
        if flt.screen_id is not None:
            stmt = stmt.where(SC.c.id == flt.screen_id)
        if flt.movie_id is not None:
            stmt = stmt.where(SH.c.movie_id == flt.movie_id)
        if flt.starts_from is not None:
            stmt = stmt.where(SH.c.starts_at >= flt.starts_from)
        if flt.starts_to is not None:
            stmt = stmt.where(SH.c.starts_at < flt.starts_to)
        if not flt.include_cancelled:
            stmt = stmt.where(SH.c.cancelled_at.is_(None))
        stmt = stmt.order_by(SH.c.starts_at, TH.c.name, SC.c.name).limit(flt.limit)
        return [self._show(r) for r in self._exec(stmt)]

    def show(self, show_id: int, now: datetime) -> ShowRow | None:
        row = self._exec(self._show_stmt(now).where(SH.c.id == show_id)).first()
        return None if row is None else self._show(row)

    def screen_shows_between(
        self, screen_id: int, starts_from: datetime, starts_to: datetime
    ) -> list[tuple[int, str, datetime, datetime]]:
        rows = self._exec(
            select(SH.c.id, MV.c.title, SH.c.starts_at, SH.c.ends_at)
            .select_from(SH.join(MV, MV.c.id == SH.c.movie_id))
            .where(
                SH.c.screen_id == screen_id,
                SH.c.cancelled_at.is_(None),
                SH.c.starts_at >= starts_from,
                SH.c.starts_at < starts_to,
            )
            .order_by(SH.c.starts_at)
        )
        return [(int(r[0]), r[1], r[2], r[3]) for r in rows]

    def cancel_show(self, show_id: int, now: datetime, reason: str) -> bool:
        result = self._exec(
            update(SH)
            .where(SH.c.id == show_id, SH.c.cancelled_at.is_(None))
            .values(cancelled_at=now, cancel_reason=reason)
        )
        return bool(result.rowcount == 1)

    def live_tickets(self, show_id: int) -> list[LiveTicket]:
        rows = self._exec(
            select(TK.c.id, TK.c.code, TK.c.status, TK.c.seat_count, TK.c.total)
            .where(TK.c.show_id == show_id, TK.c.status.in_(("CONFIRMED", "PENDING_PAYMENT")))
            .order_by(TK.c.id)
        )
        return [LiveTicket(int(r[0]), r[1], r[2], int(r[3]), cast(Decimal, r[4])) for r in rows]
