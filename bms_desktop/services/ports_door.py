"""Storage port of an area:

Door check-in (issue 12): admitting people on a ticket, exactly once, and undoing it.

The SQLAlchemy implementation is ``bms_desktop.persistence.repo_door``; a unit of work exposes it
as ``uow.door``. Services of this area are tested on real SQLite and PostgreSQL databases (the
``db_url`` fixture), so the in-memory fake unit of work does not implement it.
"""

from __future__ import annotations

import abc


class AdmissionRepository(abc.ABC):  # noqa: B024 - methods are added with the services that need them
    """See the module docstring."""
