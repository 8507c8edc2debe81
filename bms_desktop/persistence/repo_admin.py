"""SQL implementation of ``services.ports_admin.AdminRepository`` (admin-A's areas)."""

from __future__ import annotations

from sqlalchemy import exists, false, func, select, true

from bms_desktop.persistence import tables as t
from bms_desktop.persistence.repositories import SqlRepo
from bms_desktop.services.ports_admin import AdminRepository

CI = t.metadata.tables["cities"]
TH = t.metadata.tables["theaters"]
SC = t.metadata.tables["screens"]
SE = t.metadata.tables["seats"]
MV = t.metadata.tables["movies"]
SH = t.metadata.tables["shows"]
ST = t.metadata.tables["staff"]


class SqlAdminRepository(SqlRepo, AdminRepository):
    def setup_counts(self) -> dict[str, int]:
        def count(stmt: object) -> int:
            return int(self._exec(stmt).scalar_one())

        return {
            "cinema": count(
                select(func.count())
                .select_from(TH.join(CI, CI.c.id == TH.c.city_id))
                .where(TH.c.active == true(), CI.c.active == true())
            ),
            "screen": count(
                select(func.count())
                .select_from(SC.join(TH, TH.c.id == SC.c.theater_id))
                .where(
                    SC.c.active == true(),
                    TH.c.active == true(),
                    exists().where(SE.c.screen_id == SC.c.id),
                )
            ),
            "movie": count(select(func.count()).select_from(MV).where(MV.c.active == true())),
            "show": count(
                select(func.count())
                .select_from(SH)
                .where(SH.c.cancelled_at.is_(None), SH.c.scratch == false())
            ),
            "clerk": count(
                select(func.count())
                .select_from(ST)
                .where(ST.c.role == "CLERK", ST.c.active == true())
            ),
        }
