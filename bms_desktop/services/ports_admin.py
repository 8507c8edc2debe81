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
from datetime import datetime

from bms_desktop.services.admin.dto import CinemaInput, CinemaRow, CityRow


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
