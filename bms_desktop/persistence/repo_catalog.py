"""The catalog's SQL: seat types, cities, cinemas, screens and their seats, movies, pricing rules,
coupons and shows as the seed, the demo and the catalog services add them; the counts a status
line shows. (The admin console's edits are in ``repo_admin`` and ``repo_admin_b``.)
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    func,
    insert,
    select,
)

from bms_desktop.domain.model import PricingRuleKind
from bms_desktop.domain.pricing import PricingRuleSpec
from bms_desktop.persistence import tables as t
from bms_desktop.persistence.repo_base import SqlRepo, seat_rows
from bms_desktop.services.ports import (
    CatalogRepository,
    NewCoupon,
    NewMovie,
    NewPricingRule,
    NewSeat,
    SeatTypeRecord,
)

SS = t.metadata.tables["show_seats"]
SE = t.metadata.tables["seats"]
SH = t.metadata.tables["shows"]
MV = t.metadata.tables["movies"]
SC = t.metadata.tables["screens"]
TH = t.metadata.tables["theaters"]
CI = t.metadata.tables["cities"]
CP = t.metadata.tables["coupons"]
ST = t.metadata.tables["staff"]
STY = t.metadata.tables["seat_types"]
PR = t.metadata.tables["pricing_rules"]


class SqlCatalogRepository(SqlRepo, CatalogRepository):
    def add_seat_type(self, record: SeatTypeRecord) -> None:
        self._exec(
            insert(STY).values(
                code=record.code,
                name=record.name,
                base_price=record.base_price,
                rank=record.rank,
                active=record.active,
            )
        )

    def add_city(self, name: str, state: str = "") -> int:
        return int(
            self._exec(insert(CI).values(name=name, state=state).returning(CI.c.id)).scalar_one()
        )

    def add_theater(
        self, city_id: int, name: str, address: str = "", timezone: str = "Asia/Kolkata"
    ) -> int:
        stmt = (
            insert(TH)
            .values(city_id=city_id, name=name, address=address, timezone=timezone, active=True)
            .returning(TH.c.id)
        )
        return int(self._exec(stmt).scalar_one())

    def add_screen(self, theater_id: int, name: str, layout_text: str) -> int:
        stmt = (
            insert(SC)
            .values(theater_id=theater_id, name=name, layout_text=layout_text, active=True)
            .returning(SC.c.id)
        )
        return int(self._exec(stmt).scalar_one())

    def add_seats(self, screen_id: int, seats: Sequence[NewSeat]) -> None:
        if not seats:
            return
        self._exec(insert(SE), seat_rows(screen_id, seats))

    def add_movie(self, movie: NewMovie) -> int:
        stmt = (
            insert(MV)
            .values(
                title=movie.title,
                languages=movie.languages,
                genre=movie.genre,
                rating=movie.rating,
                certificate=movie.certificate,
                runtime_min=movie.runtime_min,
                release_date=movie.release_date,
                synopsis=movie.synopsis,
                active=True,
            )
            .returning(MV.c.id)
        )
        return int(self._exec(stmt).scalar_one())

    def add_pricing_rule(self, rule: NewPricingRule) -> int:
        stmt = (
            insert(PR)
            .values(
                name=rule.name,
                kind=rule.kind,
                multiplier=rule.multiplier,
                base_price=rule.base_price,
                seat_type=rule.seat_type,
                days_mask=rule.days_mask,
                start_time=rule.start_time,
                end_time=rule.end_time,
                theater_id=rule.theater_id,
                movie_id=rule.movie_id,
                priority=rule.priority,
                active=rule.active,
            )
            .returning(PR.c.id)
        )
        return int(self._exec(stmt).scalar_one())

    def pricing_rules(self) -> list[PricingRuleSpec]:
        rows = self._exec(select(PR).order_by(PR.c.id))
        return [
            PricingRuleSpec(
                rule_id=r.id,
                name=r.name,
                kind=PricingRuleKind(r.kind),
                multiplier=r.multiplier,
                base_price=r.base_price,
                seat_type=r.seat_type,
                days_mask=r.days_mask,
                start_time=r.start_time,
                end_time=r.end_time,
                theater_id=r.theater_id,
                movie_id=r.movie_id,
                active=bool(r.active),
                priority=r.priority,
            )
            for r in rows
        ]

    def add_coupon(self, coupon: NewCoupon) -> int:
        stmt = (
            insert(CP)
            .values(
                code=coupon.code,
                description=coupon.description,
                kind=coupon.kind,
                value=coupon.value,
                max_discount=coupon.max_discount,
                min_amount=coupon.min_amount,
                valid_from=coupon.valid_from,
                valid_to=coupon.valid_to,
                active=coupon.active,
                usage_limit=coupon.usage_limit,
                per_customer_limit=coupon.per_customer_limit,
                used_count=0,
            )
            .returning(CP.c.id)
        )
        return int(self._exec(stmt).scalar_one())

    def screen_shows(self, screen_id: int) -> list[tuple[int, datetime, datetime]]:
        rows = self._exec(
            select(SH.c.id, SH.c.starts_at, SH.c.ends_at)
            .where(SH.c.screen_id == screen_id, SH.c.cancelled_at.is_(None))  # issue 8
            .order_by(SH.c.starts_at)
        )
        return [(r[0], r[1], r[2]) for r in rows]

    def screen_theater(self, screen_id: int) -> tuple[int, str] | None:
        row = self._exec(
            select(TH.c.id, TH.c.timezone)
            .select_from(SC.join(TH, TH.c.id == SC.c.theater_id))
            .where(SC.c.id == screen_id)
        ).first()
        return None if row is None else (row[0], row[1])

    def movie_runtime(self, movie_id: int) -> int | None:
        row = self._exec(select(MV.c.runtime_min).where(MV.c.id == movie_id)).first()
        return None if row is None else int(row[0])

    def screen_seats(self, screen_id: int) -> list[tuple[int, str, bool]]:
        rows = self._exec(
            select(SE.c.id, SE.c.seat_type, SE.c.blocked)
            .select_from(SE.join(SC, SC.c.id == SE.c.screen_id))
            # issue 8: the seats of the screen's current layout only
            .where(SE.c.screen_id == screen_id, SE.c.layout_version == SC.c.layout_version)
            .order_by(SE.c.id)
        )
        return [(r[0], r[1], bool(r[2])) for r in rows]

    def add_show(
        self,
        *,
        movie_id: int,
        screen_id: int,
        starts_at: datetime,
        ends_at: datetime,
        language: str,
        format: str,
        created_at: datetime,
        seat_prices: Sequence[tuple[int, Decimal, bool]],
        scratch: bool = False,
    ) -> int:
        show_id = int(
            self._exec(
                insert(SH)
                .values(
                    movie_id=movie_id,
                    screen_id=screen_id,
                    starts_at=starts_at,
                    ends_at=ends_at,
                    language=language,
                    format=format,
                    created_at=created_at,
                    scratch=scratch,
                )
                .returning(SH.c.id)
            ).scalar_one()
        )
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
        return show_id

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for name, table in (
            ("cities", CI),
            ("cinemas", TH),
            ("screens", SC),
            ("seats", SE),
            ("movies", MV),
            ("shows", SH),
            ("show seats", SS),
            ("pricing rules", PR),
            ("coupons", CP),
            ("staff", ST),
        ):
            out[name] = int(self._exec(select(func.count()).select_from(table)).scalar_one())
        return out


__all__ = ["SqlCatalogRepository"]
