"""SQL implementation of ``services.ports_shifts.ShiftRepository``."""

from __future__ import annotations

from bms_desktop.persistence.repositories import SqlRepo
from bms_desktop.services.ports_shifts import ShiftRepository


class SqlShiftRepository(SqlRepo, ShiftRepository):
    pass
