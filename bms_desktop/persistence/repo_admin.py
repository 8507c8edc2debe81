"""SQL implementation of ``services.ports_admin.AdminRepository``."""

from __future__ import annotations

from bms_desktop.persistence.repositories import SqlRepo
from bms_desktop.services.ports_admin import AdminRepository


class SqlAdminRepository(SqlRepo, AdminRepository):
    pass
