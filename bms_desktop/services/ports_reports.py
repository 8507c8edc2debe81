"""Storage port of an area:

Reports (issue 11): read-only aggregates over tickets, seats and payments.

The SQLAlchemy implementation is ``bms_desktop.persistence.repo_reports``; a unit of work exposes it
as ``uow.reports``. Services of this area are tested on real SQLite and PostgreSQL databases (the
``db_url`` fixture), so the in-memory fake unit of work does not implement it.
"""

from __future__ import annotations

import abc


class ReportRepository(abc.ABC):  # noqa: B024 - methods are added with the services that need them
    """See the module docstring."""
