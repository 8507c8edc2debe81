"""The hot path's reads go through the primary key on SQLite even without ANALYZE statistics
(a fresh database has none): the seats a clerk asks for, not every seat of the show."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bms_desktop.app import connect
from bms_desktop.persistence.hotpath import SQLITE_SQL
from bms_desktop.race.scratch import ensure_scratch_show


def test_reading_a_few_seats_of_a_show_uses_the_primary_key_without_statistics(
    tmp_path: Path,
) -> None:
    path = tmp_path / "plan.db"
    wiring = connect(f"sqlite:///{path}")
    try:
        show_id = ensure_scratch_show(wiring.box, seats=600)
    finally:
        wiring.close()
    db = sqlite3.connect(path)
    try:
        stats = db.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")
        assert stats.fetchall() == []
        ids = [r[0] for r in db.execute("SELECT id FROM show_seats LIMIT 12 OFFSET 300")]
        for lock in (False, True):
            plan = db.execute(
                "EXPLAIN QUERY PLAN " + SQLITE_SQL.seats(len(ids), lock), (show_id, *ids)
            ).fetchall()
            steps = [row[3] for row in plan]
            assert any("show_seats USING INTEGER PRIMARY KEY" in s for s in steps), steps
            assert not any("SCAN show_seats" in s for s in steps), steps
    finally:
        db.close()
