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


class AdminRepository(abc.ABC):
    """See the module docstring."""

    # ---------------------------------------------------------------- first run
    @abc.abstractmethod
    def setup_counts(self) -> dict[str, int]:
        """Counts behind the first-run checklist: active cinemas (of active cities), active
        screens with seats, active movies, shows not cancelled, active clerks; keyed cinema,
        screen, movie, show, clerk."""
