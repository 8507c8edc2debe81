"""Storage port of an area:

Admin console (issue 8): editing and listing cities, cinemas, screens and layouts, movies,
shows, ticket types, staff, settings, the audit log.

The SQLAlchemy implementation is ``bms_desktop.persistence.repo_admin``; a unit of work exposes it
as ``uow.admin``. Services of this area are tested on real SQLite and PostgreSQL databases (the
``db_url`` fixture), so the in-memory fake unit of work does not implement it.

admin-B's methods live in ``ports_admin_b.py`` (``uow.config``) so the two never collide.
"""

from __future__ import annotations

import abc
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

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


@dataclass(frozen=True, slots=True)
class FutureShowSeats:
    """A future show of a screen and what its seats carry (for a layout change)."""

    show_id: int
    movie_id: int
    movie_title: str
    starts_at: datetime
    sold: int
    held: int  # live holds
    has_tickets: bool  # any ticket ever (its seats cannot be rebuilt)
    layout_version: int  # of the seats the show uses


@dataclass(frozen=True, slots=True)
class ShowSeatState:
    show_seat_id: int
    label: str
    status: str
    hold_expires_at: datetime | None
    block_reason: str | None


@dataclass(frozen=True, slots=True)
class ShowListFilter:
    theater_id: int | None = None
    screen_id: int | None = None
    movie_id: int | None = None
    starts_from: datetime | None = None
    starts_to: datetime | None = None
    include_cancelled: bool = True
    limit: int = 2000


@dataclass(frozen=True, slots=True)
class LiveTicket:
    ticket_id: int
    code: str
    status: str  # CONFIRMED or PENDING_PAYMENT
    seat_count: int
    total: Decimal


class AdminRepository(abc.ABC):
    """See the module docstring."""

    # ---------------------------------------------------------------- first run
    @abc.abstractmethod
    def setup_counts(self) -> dict[str, int]:
        """Counts behind the first-run checklist: active cinemas (of active cities), active
        screens with seats, active movies, shows not cancelled, active clerks; keyed cinema,
        screen, movie, show, clerk."""

    # ---------------------------------------------------------------- cities
    @abc.abstractmethod
    def cities(self) -> list[CityRow]:
        """Every city (active or not) with its number of cinemas, by name."""

    @abc.abstractmethod
    def city(self, city_id: int, *, lock: bool = False) -> CityRow | None: ...

    @abc.abstractmethod
    def city_named(self, name: str) -> int | None:
        """The id of the city with this name, compared without regard to case."""

    @abc.abstractmethod
    def add_city(self, name: str, state: str) -> int:
        """ValidationError(field="name") when the unique constraint refuses the name."""

    @abc.abstractmethod
    def update_city(self, city_id: int, *, name: str, state: str, active: bool) -> None: ...

    # ---------------------------------------------------------------- cinemas
    @abc.abstractmethod
    def cinemas(self) -> list[CinemaRow]:
        """Every cinema with its city and number of screens, by city then name."""

    @abc.abstractmethod
    def cinema(self, theater_id: int, *, lock: bool = False) -> CinemaRow | None: ...

    @abc.abstractmethod
    def cinema_named(self, city_id: int, name: str) -> int | None:
        """The id of the cinema with this name in this city (case-insensitive)."""

    @abc.abstractmethod
    def add_cinema(self, cinema: CinemaInput) -> int:
        """ValidationError(field="name") when the unique constraint refuses the name."""

    @abc.abstractmethod
    def update_cinema(self, theater_id: int, cinema: CinemaInput, *, active: bool) -> None: ...

    @abc.abstractmethod
    def future_show_count(
        self, now: datetime, *, theater_id: int | None = None, city_id: int | None = None
    ) -> tuple[int, int]:
        """(future shows not cancelled, tickets confirmed for them) of a cinema or a city."""

    # ---------------------------------------------------------------- screens
    @abc.abstractmethod
    def screens(self, now: datetime) -> list[ScreenRow]: ...

    @abc.abstractmethod
    def screen(self, screen_id: int, now: datetime, *, lock: bool = False) -> ScreenRow | None: ...

    @abc.abstractmethod
    def screen_named(self, theater_id: int, name: str) -> int | None: ...

    @abc.abstractmethod
    def add_screen(self, theater_id: int, name: str, layout_text: str) -> int:
        """ValidationError(field="name") when the cinema already has a screen of that name."""

    @abc.abstractmethod
    def update_screen(self, screen_id: int, *, name: str, active: bool) -> None: ...

    @abc.abstractmethod
    def layout_seats(self, screen_id: int, layout_version: int) -> list[LayoutSeat]: ...

    @abc.abstractmethod
    def add_layout_seats(
        self, screen_id: int, layout_version: int, seats: Sequence[LayoutSeat]
    ) -> None: ...

    @abc.abstractmethod
    def set_layout_version(
        self, screen_id: int, *, expected: int, new: int, layout_text: str
    ) -> bool:
        """Atomically move the screen to a new layout version if it is still at ``expected``."""

    @abc.abstractmethod
    def future_shows_of_screen(self, screen_id: int, now: datetime) -> list[FutureShowSeats]:
        """Shows of the screen not started and not cancelled, with what their seats carry."""

    @abc.abstractmethod
    def replace_show_seats(
        self, show_id: int, seat_prices: Sequence[tuple[int, Decimal, bool]]
    ) -> bool:
        """Swap a show's seats for new ones (seat_id, price, blocked), if none of its seats
        was ever on a ticket: one conditional DELETE (the seats are locked first on
        PostgreSQL); False (nothing changed) otherwise."""

    # ---------------------------------------------------------------- per-show seats
    @abc.abstractmethod
    def show_seat_states(
        self, show_id: int, show_seat_ids: Sequence[int]
    ) -> list[ShowSeatState]: ...

    @abc.abstractmethod
    def block_show_seats(
        self, show_id: int, show_seat_ids: Sequence[int], reason: str
    ) -> list[int]:
        """ONE conditional UPDATE: AVAILABLE -> BLOCKED (version + 1) with the reason; the ids
        that changed."""

    @abc.abstractmethod
    def unblock_show_seats(self, show_id: int, show_seat_ids: Sequence[int]) -> list[int]:
        """ONE conditional UPDATE: BLOCKED -> AVAILABLE (version + 1); the ids that changed."""

    @abc.abstractmethod
    def block_reasons(self, show_id: int) -> dict[int, str]:
        """Reasons of the blocked seats of a show that have one."""

    # ---------------------------------------------------------------- movies
    @abc.abstractmethod
    def movies(self, now: datetime) -> list[MovieRow]: ...

    @abc.abstractmethod
    def movie(self, movie_id: int, now: datetime, *, lock: bool = False) -> MovieRow | None: ...

    @abc.abstractmethod
    def add_movie(self, movie: MovieInput) -> int: ...

    @abc.abstractmethod
    def update_movie(self, movie_id: int, movie: MovieInput, *, active: bool) -> None: ...

    @abc.abstractmethod
    def set_poster(self, movie_id: int, poster: bytes | None) -> None: ...

    @abc.abstractmethod
    def poster(self, movie_id: int) -> bytes | None: ...

    # ---------------------------------------------------------------- shows
    @abc.abstractmethod
    def shows(self, flt: ShowListFilter, now: datetime) -> list[ShowRow]: ...

    @abc.abstractmethod
    def show(self, show_id: int, now: datetime) -> ShowRow | None: ...

    @abc.abstractmethod
    def screen_shows_between(
        self, screen_id: int, starts_from: datetime, starts_to: datetime
    ) -> list[tuple[int, str, datetime, datetime]]:
        """(show id, movie title, start, end) of the screen's shows not cancelled that start in
        [from, to), by start."""

    @abc.abstractmethod
    def lock_screen(self, screen_id: int) -> None:
        """Serialise schedule changes of one screen (PostgreSQL: the screen row FOR UPDATE)."""

    @abc.abstractmethod
    def cancel_show(self, show_id: int, now: datetime, reason: str) -> bool:
        """Atomically mark the show cancelled if it was not; False if it already was."""

    @abc.abstractmethod
    def live_tickets(self, show_id: int) -> list[LiveTicket]:
        """Tickets of the show that are CONFIRMED or PENDING_PAYMENT."""
