"""Frozen DTOs of the admin console (admin-A's areas): rows for the tables, inputs for the
dialogs, results of the long actions. admin-B keeps its own in ``dto_<area>.py`` modules.

Datetimes are timezone-aware UTC; each row that shows a time carries the cinema's time zone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

# --------------------------------------------------------------------------- cities, cinemas


@dataclass(frozen=True, slots=True)
class CityRow:
    city_id: int
    name: str
    state: str
    active: bool
    cinema_count: int = 0


@dataclass(frozen=True, slots=True)
class CityInput:
    name: str
    state: str = ""


@dataclass(frozen=True, slots=True)
class CinemaRow:
    theater_id: int
    city_id: int
    city_name: str
    name: str
    address: str
    timezone: str
    gstin: str
    phone: str
    active: bool
    screen_count: int = 0


@dataclass(frozen=True, slots=True)
class CinemaInput:
    city_id: int
    name: str
    address: str = ""
    timezone: str = "Asia/Kolkata"
    gstin: str = ""
    phone: str = ""


# --------------------------------------------------------------------------- screens, layouts


@dataclass(frozen=True, slots=True)
class ScreenRow:
    screen_id: int
    theater_id: int
    theater_name: str
    city_name: str
    name: str
    active: bool
    layout_version: int
    seat_count: int
    future_shows: int
    timezone: str = "Asia/Kolkata"


@dataclass(frozen=True, slots=True)
class LayoutSeat:
    """One seat of a screen layout as the editor and the services exchange it."""

    row_label: str
    number: int
    row: int  # grid row, 0 = nearest the screen
    col: int  # grid column
    seat_type: str
    accessible: bool = False
    companion: bool = False
    blocked: bool = False

    @property
    def label(self) -> str:
        return f"{self.row_label}{self.number}"


@dataclass(frozen=True, slots=True)
class SeatTypeChoice:
    code: str
    name: str
    base_price: Decimal
    rank: int
    active: bool = True


@dataclass(frozen=True, slots=True)
class ScreenLayout:
    screen_id: int | None  # None: a screen not saved yet
    theater_id: int
    name: str
    layout_version: int
    seats: tuple[LayoutSeat, ...]
    seat_types: tuple[SeatTypeChoice, ...]
    timezone: str = "Asia/Kolkata"


@dataclass(frozen=True, slots=True)
class ShowRef:
    """A show named in a message: which, when (in the cinema's zone) and how much is sold."""

    show_id: int
    movie_title: str
    starts_at: datetime
    timezone: str
    sold: int = 0
    held: int = 0

    @property
    def local_start(self) -> datetime:
        return self.starts_at.astimezone(ZoneInfo(self.timezone))

    def describe(self) -> str:
        when = self.local_start.strftime("%a %d %b %Y %H:%M")
        parts = []
        if self.sold:
            parts.append(f"{self.sold} sold")
        if self.held:
            parts.append(f"{self.held} held")
        extra = f" ({', '.join(parts)})" if parts else ""
        return f"{self.movie_title}, {when} {self.local_start.tzname()}{extra}"


@dataclass(frozen=True, slots=True)
class LayoutImpact:
    """What saving a new layout would do to the screen's future shows."""

    with_sales: tuple[ShowRef, ...]  # keep the old seats (or make the save refuse)
    without_sales: tuple[ShowRef, ...]  # rebuilt on the new layout and re-priced
    with_history: tuple[ShowRef, ...] = ()  # no live sales, but past bookings: keep old seats


@dataclass(frozen=True, slots=True)
class LayoutSaveResult:
    screen_id: int
    layout_version: int
    seat_count: int
    rebuilt: tuple[ShowRef, ...] = ()
    kept: tuple[ShowRef, ...] = ()


# --------------------------------------------------------------------------- per-show seats


@dataclass(frozen=True, slots=True)
class BlockResult:
    show_id: int
    labels: tuple[str, ...]
    blocked: bool  # True: blocked; False: unblocked


# --------------------------------------------------------------------------- movies


@dataclass(frozen=True, slots=True)
class MovieRow:
    movie_id: int
    title: str
    languages: str
    genre: str
    rating: Decimal
    certificate: str
    runtime_min: int
    release_date: date | None
    synopsis: str
    active: bool
    has_poster: bool
    future_shows: int = 0


@dataclass(frozen=True, slots=True)
class MovieInput:
    title: str
    languages: str
    genre: str
    rating: Decimal | str
    certificate: str
    runtime_min: int | str
    synopsis: str = ""
    release_date: date | None = None


# --------------------------------------------------------------------------- shows


@dataclass(frozen=True, slots=True)
class ShowRow:
    show_id: int
    movie_id: int
    movie_title: str
    runtime_min: int
    theater_id: int
    theater_name: str
    screen_id: int
    screen_name: str
    starts_at: datetime
    ends_at: datetime
    timezone: str
    language: str
    format: str
    seats_total: int
    seats_sold: int
    seats_held: int
    seats_blocked: int
    cancelled_at: datetime | None = None
    cancel_reason: str = ""

    @property
    def local_starts_at(self) -> datetime:
        return self.starts_at.astimezone(ZoneInfo(self.timezone))

    @property
    def local_ends_at(self) -> datetime:
        return self.ends_at.astimezone(ZoneInfo(self.timezone))


@dataclass(frozen=True, slots=True)
class ScheduleRequest:
    """One show (one screen, one date, one time) or a schedule: every chosen weekday from
    ``first_day`` to ``last_day`` (cinema-local dates) at each of ``times`` on each screen."""

    movie_id: int
    screen_ids: tuple[int, ...]
    first_day: date
    last_day: date
    times: tuple[time, ...]
    language: str
    format: str = "2D"
    weekdays: frozenset[int] = frozenset(range(7))  # 0 = Monday


@dataclass(frozen=True, slots=True)
class PlannedShow:
    screen_id: int
    screen_name: str
    theater_name: str
    starts_at: datetime
    ends_at: datetime
    timezone: str
    clash: str = ""  # why this one cannot be scheduled ("" when it can)

    @property
    def local_starts_at(self) -> datetime:
        return self.starts_at.astimezone(ZoneInfo(self.timezone))

    @property
    def local_ends_at(self) -> datetime:
        return self.ends_at.astimezone(ZoneInfo(self.timezone))


@dataclass(frozen=True, slots=True)
class SchedulePreview:
    movie_title: str
    runtime_min: int
    cleaning_gap_min: int
    shows: tuple[PlannedShow, ...]

    @property
    def clashes(self) -> tuple[PlannedShow, ...]:
        return tuple(s for s in self.shows if s.clash)

    @property
    def ok(self) -> bool:
        return bool(self.shows) and not self.clashes


@dataclass(frozen=True, slots=True)
class ScheduleResult:
    show_ids: tuple[int, ...]
    seat_count: int


@dataclass(frozen=True, slots=True)
class CancelPreview:
    show: ShowRow
    tickets: int
    seats: int
    refund_total: Decimal
    pending_holds: int
    refusal: str = ""  # why it cannot be cancelled ("" when it can)


@dataclass(frozen=True, slots=True)
class CancelResult:
    show_id: int
    refunded_tickets: int
    refund_total: Decimal
    released_holds: int
    failures: tuple[str, ...] = ()  # tickets that could not be refunded, and why


# --------------------------------------------------------------------------- first run


@dataclass(frozen=True, slots=True)
class SetupStep:
    key: str  # "cinema", "screen", "movie", "show", "clerk"
    title: str
    done: bool
    area: str  # the console area that does it


@dataclass(frozen=True, slots=True)
class SetupProgress:
    steps: tuple[SetupStep, ...] = field(default=())

    @property
    def done(self) -> bool:
        return all(s.done for s in self.steps)

    @property
    def done_count(self) -> int:
        return sum(1 for s in self.steps if s.done)
