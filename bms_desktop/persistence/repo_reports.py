"""SQL implementation of ``services.ports_reports.ReportRepository``."""

from __future__ import annotations

from bms_desktop.persistence.repositories import SqlRepo
from bms_desktop.services.ports_reports import ReportRepository


class SqlReportRepository(SqlRepo, ReportRepository):
    pass
