"""Run-time settings from the command line and the environment (no Qt, no SQLAlchemy)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from bms_desktop.domain.model import Strategy
from bms_desktop.paths import default_data_dir, default_db_url


@dataclass(frozen=True)
class RunConfig:
    data_dir: Path
    db_url: str
    counter: str = "Counter 1"
    strategy: Strategy = Strategy.PESSIMISTIC
    delay_ms: int = 0
    user: str | None = None
    demo: bool = False

    @property
    def is_default_db(self) -> bool:
        return self.db_url == default_db_url(self.data_dir)


def resolve(
    *,
    db: str | None,
    data_dir: str | None,
    counter: str | None = None,
    strategy: str | None = None,
    delay_ms: int = 0,
    user: str | None = None,
    demo: bool = False,
) -> RunConfig:
    folder = Path(data_dir).expanduser() if data_dir else default_data_dir()
    url = db or os.environ.get("BMS_DB_URL") or default_db_url(folder)
    return RunConfig(
        data_dir=folder,
        db_url=url,
        counter=(counter or os.environ.get("BMS_COUNTER") or "Counter 1").strip() or "Counter 1",
        strategy=Strategy(strategy or os.environ.get("BMS_STRATEGY") or "pessimistic"),
        delay_ms=delay_ms,
        user=user,
        demo=demo,
    )
