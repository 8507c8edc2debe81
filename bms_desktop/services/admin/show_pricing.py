"""Prices written onto a show's seats, from the pricing rules: the one place where the admin
services (a new schedule, a layout change that rebuilds a show's seats) turn rules into
show-seat prices, exactly as ``catalog.schedule_show`` does for the demo."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from bms_desktop.domain.pricing import PricingRuleSpec, price_seat
from bms_desktop.services.ports import UnitOfWork


class ShowPricer:
    """Prices per seat type for shows, with the rules and base prices read once."""

    def __init__(self, uow: UnitOfWork) -> None:
        self.base = {t.code: t.base_price for t in uow.queries.seat_types()}
        self.rules: Sequence[PricingRuleSpec] = uow.catalog.pricing_rules()

    def prices(
        self,
        *,
        theater_id: int,
        movie_id: int,
        starts_at: datetime,
        timezone: str,
        seat_types: Sequence[str],
    ) -> dict[str, Decimal]:
        local_start = starts_at.astimezone(ZoneInfo(timezone))
        return {
            code: price_seat(
                seat_type=code,
                base_prices=self.base,
                rules=self.rules,
                theater_id=theater_id,
                movie_id=movie_id,
                local_start=local_start,
            ).price
            for code in sorted(set(seat_types))
        }

    def seat_prices(
        self,
        seats: Sequence[tuple[int, str, bool]],
        *,
        theater_id: int,
        movie_id: int,
        starts_at: datetime,
        timezone: str,
    ) -> list[tuple[int, Decimal, bool]]:
        """(seat_id, price, blocked) for ``seats`` given as (seat_id, seat type, blocked)."""
        by_type = self.prices(
            theater_id=theater_id,
            movie_id=movie_id,
            starts_at=starts_at,
            timezone=timezone,
            seat_types=[s[1] for s in seats],
        )
        return [(seat_id, by_type[code], blocked) for seat_id, code, blocked in seats]
