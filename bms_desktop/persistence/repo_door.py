"""SQL implementation of ``services.ports_door.AdmissionRepository``."""

from __future__ import annotations

from bms_desktop.persistence.repositories import SqlRepo
from bms_desktop.services.ports_door import AdmissionRepository


class SqlAdmissionRepository(SqlRepo, AdmissionRepository):
    pass
