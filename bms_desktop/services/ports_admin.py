"""Storage port of an area:

Admin console (issue 8): editing and listing cities, cinemas, screens and layouts, movies,
shows, ticket types, staff, settings, the audit log.

The SQLAlchemy implementation is ``bms_desktop.persistence.repo_admin``; a unit of work exposes it
as ``uow.admin``. Services of this area are tested on real SQLite and PostgreSQL databases (the
``db_url`` fixture), so the in-memory fake unit of work does not implement it.
"""

from __future__ import annotations

import abc


class AdminRepository(abc.ABC):  # noqa: B024 - methods are added with the services that need them
    """See the module docstring."""
