"""Storage port of an area:

Shifts and the cash drawer (issue 11): counter sessions, cash movements, the payments of a shift.

The SQLAlchemy implementation is ``bms_desktop.persistence.repo_shifts``; a unit of work exposes it
as ``uow.shifts``. Services of this area are tested on real SQLite and PostgreSQL databases (the
``db_url`` fixture), so the in-memory fake unit of work does not implement it.
"""

from __future__ import annotations

import abc


class ShiftRepository(abc.ABC):  # noqa: B024 - methods are added with the services that need them
    """See the module docstring."""
