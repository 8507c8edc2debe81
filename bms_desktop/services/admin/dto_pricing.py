"""DTOs of the pricing area (admin-B): seat types, pricing rules, the price matrix, re-pricing."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from bms_desktop.domain.pricing import PricingRuleSpec

# --------------------------------------------------------------------------- seat types


@dataclass(frozen=True, slots=True)
class SeatTypeRow:
    code: str
    name: str
    base_price: Decimal
    rank: int
    active: bool
    seat_count: int = 0  # seats of any screen layout that use it


@dataclass(frozen=True, slots=True)
class SeatTypeInput:
    code: str
    name: str
    base_price: Decimal | str
    rank: int | str = 0
    active: bool = True


# --------------------------------------------------------------------------- rules


@dataclass(frozen=True, slots=True)
class PricingRuleRow:
    rule_id: int
    name: str
    kind: str
    multiplier: Decimal | None
    base_price: Decimal | None
    seat_type: str | None
    days_mask: int
    start_time: time | None
    end_time: time | None
    theater_id: int | None
    theater_name: str
    movie_id: int | None
    movie_title: str
    priority: int
    active: bool
    summary: str = ""  # "x1.2 on Sat, Sun" / "base 250.00 for Galaxy, Dune"


@dataclass(frozen=True, slots=True)
class PricingRuleInput:
    """What the rule dialog sends. Numbers may be text as typed (checked by the service)."""

    name: str
    kind: str
    multiplier: Decimal | str | None = None
    base_price: Decimal | str | None = None
    seat_type: str | None = None
    days_mask: int = 0
    start_time: time | None = None
    end_time: time | None = None
    theater_id: int | None = None
    movie_id: int | None = None
    priority: int | str = 0
    active: bool = True


@dataclass(frozen=True, slots=True)
class Choice:
    """An id and its name for a combo box (a cinema, a movie)."""

    id: int
    name: str
    detail: str = ""  # a cinema's time zone, a movie's runtime...


@dataclass(frozen=True, slots=True)
class PricingData:
    """Everything the price matrix needs, read once; the matrix is then computed in memory
    (``pricing.compute_price_matrix``) as the dialog's fields change."""

    seat_types: tuple[SeatTypeRow, ...]
    rules: tuple[PricingRuleSpec, ...]
    cinemas: tuple[Choice, ...]
    movies: tuple[Choice, ...]


# --------------------------------------------------------------------------- price matrix


@dataclass(frozen=True, slots=True)
class TimeBand:
    """Shows starting in [start, end) are priced alike (end 00:00 = midnight)."""

    start: time
    end: time

    @property
    def label(self) -> str:
        if self.start == self.end:
            return "all day"
        return f"{self.start:%H:%M}–{self.end:%H:%M}"


@dataclass(frozen=True, slots=True)
class MatrixCell:
    price: Decimal
    explanation: str  # "base 100.00 x 1.5 Platinum x 1.2 Weekend = 180.00"


@dataclass(frozen=True, slots=True)
class PriceMatrix:
    """Prices of a cinema and movie by seat type x weekday x time of day.

    ``cells[(seat_type, weekday, band_index)]``; weekday 0 = Monday."""

    theater_id: int
    movie_id: int
    seat_types: tuple[tuple[str, str], ...]  # (code, name), cheapest rank first
    bands: tuple[TimeBand, ...]
    cells: Mapping[tuple[str, int, int], MatrixCell] = field(default_factory=dict)

    def cell(self, seat_type: str, weekday: int, band: int) -> MatrixCell:
        return self.cells[(seat_type, weekday, band)]

    @property
    def lowest(self) -> Decimal:
        return min((c.price for c in self.cells.values()), default=Decimal("0.00"))

    @property
    def highest(self) -> Decimal:
        return max((c.price for c in self.cells.values()), default=Decimal("0.00"))


# --------------------------------------------------------------------------- re-pricing


@dataclass(frozen=True, slots=True)
class RepriceGroup:
    """Unsold seats of one type of one future show whose price the rules now make different."""

    show_id: int
    movie_title: str
    theater_name: str
    screen_name: str
    starts_at: datetime
    timezone: str
    seat_type: str
    old_prices: tuple[Decimal, ...]
    new_price: Decimal
    seats: int

    @property
    def local_starts_at(self) -> datetime:
        return self.starts_at.astimezone(ZoneInfo(self.timezone))


@dataclass(frozen=True, slots=True)
class RepricePlan:
    """What "Re-price unsold seats" would change; ``fingerprint`` identifies the rules and base
    prices it was computed from (the action refuses to run if they changed since)."""

    groups: tuple[RepriceGroup, ...]
    fingerprint: str
    theater_id: int | None = None
    held_or_sold_kept: int = 0  # seats that are held or sold and keep their price

    @property
    def seats(self) -> int:
        return sum(g.seats for g in self.groups)

    @property
    def shows(self) -> int:
        return len({g.show_id for g in self.groups})

    def describe(self) -> str:
        if not self.groups:
            return "Every unsold seat of the future shows already has the price the rules give."
        return (
            f"{self.seats} unsold seat(s) of {self.shows} future show(s) get a new price. "
            f"Seats already sold or held ({self.held_or_sold_kept}) keep theirs."
        )


@dataclass(frozen=True, slots=True)
class RepriceResult:
    shows: int
    seats: int
    skipped: int = 0  # seats planned but held or sold meanwhile: left alone
    finished: bool = True  # False: stopped on request before the last batch
