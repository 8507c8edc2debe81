"""Backups of the embedded database (issue 13): online, checked, rotated, scheduled; restored only
when nobody has the database open; a damaged database at start is offered its newest good backup;
PostgreSQL's documented pg_dump / pg_restore commands work."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bms_desktop import app
from bms_desktop.config import resolve
from bms_desktop.persistence import backup
from bms_desktop.persistence.integrity import check_integrity
from bms_desktop.services import booking, queries
from tests.integration.test_cli import run_cli
from tests.support.builders import build_world, clerk
from tests.support.pgcluster import find_bindir, libpq_url

BIG = "\n".join(["G" * 30] * 20)  # 600 seats


def _db(tmp_path: Path) -> tuple[str, Path]:
    path = tmp_path / "data" / "boxoffice.db"
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}", path


def _world(url: str, clock, layout: str = BIG):
    wiring = app.connect(url)
    wiring.box.clock = clock
    try:
        return build_world(wiring.box, layout=layout)
    finally:
        wiring.close()


def _sold(path: Path) -> int:
    with closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)) as conn:
        return int(
            conn.execute("SELECT count(*) FROM show_seats WHERE status = 'SOLD'").fetchone()[0]
        )


def _damage(path: Path) -> None:
    """Scribble over the schema (page 1 after the file header): the file is malformed."""
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    with path.open("r+b") as fh:
        fh.seek(100)
        fh.write(b"\x5a" * 3000)


# --------------------------------------------------------------------------- taking backups


def test_backups_are_checked_copies_and_only_the_newest_are_kept(tmp_path, clock):
    url, path = _db(tmp_path)
    _world(url, clock, layout="GGGG")
    start = datetime(2030, 3, 4, 4, 30, tzinfo=UTC)
    taken = [backup.take_backup(path, keep=3, now=start + timedelta(hours=h)) for h in range(5)]
    kept = backup.list_backups(path)
    assert [b.path for b in kept] == [t.path for t in reversed(taken[-3:])]
    assert all(backup.verify(b.path) == "0002" for b in kept)
    assert all(not Path(str(b.path) + "-wal").exists() for b in kept)  # self-contained files
    assert kept[0].path.parent == path.parent / "backups"


def test_the_scheduler_backs_up_at_the_start_of_the_day_and_every_n_hours(tmp_path, clock):
    url, path = _db(tmp_path)
    _world(url, clock, layout="GGGG")
    now = {"t": datetime(2030, 3, 4, 4, 30, tzinfo=UTC)}  # 10:00 in Kolkata
    make = lambda: backup.BackupScheduler(  # noqa: E731
        path, every_hours=6, keep=10, timezone="Asia/Kolkata", clock=lambda: now["t"]
    )
    first, second = make(), make()  # two counters of one computer
    assert first.run_once() is not None  # none yet
    assert second.run_once() is None  # the other counter's is recent enough
    now["t"] += timedelta(hours=5)
    assert first.run_once() is None and second.run_once() is None
    now["t"] += timedelta(hours=1)  # 6 hours: due
    assert second.run_once() is not None
    now["t"] = datetime(2030, 3, 4, 18, 45, tzinfo=UTC)  # 00:15 the next day in Kolkata
    assert first.run_once() is not None  # start of a new day
    assert len(backup.list_backups(path)) == 3 and first.failures == 0


def test_db_backup_command_writes_a_checked_backup_and_a_postgres_url_is_pointed_to_pg_dump(
    tmp_path, clock
):
    url, path = _db(tmp_path)
    _world(url, clock, layout="GGGG")
    done = run_cli("db", "backup", "--db", url, data_dir=tmp_path)
    assert done.returncode == 0, done.stderr
    (made,) = backup.list_backups(path)
    assert str(made.path) in done.stdout and "checked: ok" in done.stdout
    target = tmp_path / "elsewhere.db"
    done = run_cli("db", "backup", "--db", url, "--to", str(target), data_dir=tmp_path)
    assert done.returncode == 0 and backup.verify(target) == "0002"
    refused = run_cli("db", "backup", "--db", "postgresql://u@127.0.0.1:1/x", data_dir=tmp_path)
    assert refused.returncode == 2 and "pg_dump" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1


# --------------------------------------------------------------------------- restore


def _start_seller(url: str, show_id: int, stop: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    seller = subprocess.Popen(
        [sys.executable, "-m", "tests.support.seller", url, str(show_id), str(stop), "0.01"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert seller.stdout is not None
    for _ in range(5):  # selling has begun
        line = seller.stdout.readline()
        assert line.startswith("sold"), (line, seller.stderr.read() if seller.stderr else "")
    return seller


def test_backup_and_restore_round_trip_while_another_process_sells(tmp_path, clock):
    url, path = _db(tmp_path)
    world = _world(url, clock)
    stop = tmp_path / "stop"
    seller = _start_seller(url, world.show_id, stop)
    try:
        done = run_cli("db", "backup", "--db", url, data_dir=tmp_path)  # online, while it sells
        assert done.returncode == 0, done.stderr
        (made,) = backup.list_backups(path)
        report = check_integrity(f"sqlite:///{made.path}")
        assert report.ok, report.problems()  # a consistent snapshot, taken mid-sale
        in_backup = report.sold_seats
        assert in_backup >= 5

        refused = run_cli("db", "restore", "--db", url, str(made.path), data_dir=tmp_path)
        assert refused.returncode == 2
        assert "open in another bms-desktop" in refused.stderr
        assert len(refused.stderr.strip().splitlines()) == 1
    finally:
        stop.touch()
        out, err = seller.communicate(timeout=60)
    assert seller.returncode == 0, err
    sold_in_all = int(out.strip().splitlines()[-1].split()[1])
    assert sold_in_all > in_backup  # it went on selling after the backup
    before = _sold(path)

    done = run_cli("db", "restore", "--db", url, str(made.path), data_dir=tmp_path)
    assert done.returncode == 0, done.stderr
    assert f"Restored {path}" in done.stdout
    assert _sold(path) == in_backup
    aside = next(path.parent.glob("boxoffice.db.replaced-*[0-9]Z"))
    assert str(aside) in done.stdout and _sold(aside) == before  # nothing lost: kept aside
    assert check_integrity(url).ok
    wiring = app.connect(url)  # and the counter sells again on the restored database
    try:
        wiring.box.clock = clock
        seats = queries.get_seat_map(wiring.box, world.show_id).seats
        assert sum(s.status == "SOLD" for s in seats) == in_backup
        free = [s.show_seat_id for s in seats if s.status == "AVAILABLE"][:1]
        if free:  # (the seller may have sold out before the backup)
            held = booking.hold_seats(
                wiring.box, clerk(), show_id=world.show_id, show_seat_ids=free
            )
            assert held.seat_labels
    finally:
        wiring.close()


def test_restore_is_refused_while_any_program_has_the_database_open(tmp_path, clock):
    """Not a bms-desktop (no instance lock): SQLite's own lock in -shm gives it away."""
    url, path = _db(tmp_path)
    _world(url, clock, layout="GGGG")
    made = backup.take_backup(path)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); "
            "c.execute('SELECT count(*) FROM tickets').fetchall(); print('open', flush=True); "
            "sys.stdin.read()",
            str(path),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        with pytest.raises(backup.DatabaseInUse, match="SQLite reports a connection"):
            backup.restore(path, made.path)
        assert path.exists() and not list(path.parent.glob("*.replaced-*"))
    finally:
        holder.communicate("", timeout=30)
    assert backup.restore(path, made.path).kept_aside is not None


def test_a_restore_checks_the_backup_first(tmp_path, clock):
    url, path = _db(tmp_path)
    _world(url, clock, layout="GGGG")
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"SQLite format 3\x00" + b"\x00" * 5000)
    done = run_cli("db", "restore", "--db", url, str(bad), data_dir=tmp_path)
    assert done.returncode == 2 and "not a readable bms-desktop database" in done.stderr
    assert not list(path.parent.glob("*.replaced-*"))


# --------------------------------------------------------------------------- damaged at start


def test_a_damaged_database_at_start_names_its_newest_good_backup(tmp_path, clock):
    url, path = _db(tmp_path)
    _world(url, clock, layout="GGGG")
    good = backup.take_backup(path, now=datetime(2030, 3, 4, 4, 0, tzinfo=UTC))
    newer = backup.take_backup(path, now=datetime(2030, 3, 4, 5, 0, tzinfo=UTC))
    _damage(newer.path)  # the newest backup is no good either: the older one is offered
    _damage(path)

    done = run_cli("db", "status", "--db", url, data_dir=tmp_path)

    assert done.returncode == 2
    (line,) = done.stderr.strip().splitlines()
    assert "damaged" in line and str(good.path) in line and str(newer.path) not in line
    command = line.split("`")[1]
    assert command == f"bms-desktop db restore --db {url} {good.path}"
    restored = run_cli(*command.split()[1:], data_dir=tmp_path)
    assert restored.returncode == 0, restored.stderr
    assert run_cli("db", "status", "--db", url, data_dir=tmp_path).returncode == 0


def test_the_windowed_app_offers_the_backup_and_goes_on_with_it(tmp_path, clock, monkeypatch):
    from bms_desktop.gui.dialogs import restore_backup_dialog

    url, path = _db(tmp_path)
    _world(url, clock, layout="GGGG")
    good = backup.take_backup(path)
    _damage(path)
    asked: list[tuple[str, str]] = []
    answer = {"restore": False}

    def ask(db_path: str, backup_path: str, taken_at: datetime) -> bool:
        asked.append((db_path, backup_path))
        return answer["restore"]

    monkeypatch.setattr(restore_backup_dialog.RestoreBackupDialog, "ask", staticmethod(ask))
    cfg = resolve(db=url, data_dir=str(tmp_path))
    with pytest.raises(app.DamagedDatabaseError):
        app._connect_or_offer_backup(cfg, windowed=True)  # declined: nothing changes
    assert not list(path.parent.glob("*.replaced-*"))
    answer["restore"] = True
    wiring = app._connect_or_offer_backup(cfg, windowed=True)
    try:
        assert asked == [(str(path), str(good.path))] * 2
        with wiring.box.uows() as uow:
            assert uow.queries.cities()
    finally:
        wiring.close()


# --------------------------------------------------------------------------- PostgreSQL


@pytest.mark.postgres
def test_the_readme_pg_dump_and_pg_restore_commands_round_trip(pg_cluster, pg_url, clock):
    """The commands of README.md's 'Backups' section, with this server's address."""
    bindir = find_bindir()
    pg_dump = shutil.which("pg_dump") or (str(bindir / "pg_dump") if bindir else None)
    pg_restore = shutil.which("pg_restore") or (str(bindir / "pg_restore") if bindir else None)
    if not pg_dump or not pg_restore:
        pytest.skip("pg_dump / pg_restore not installed")
    wiring = app.connect(pg_url)
    wiring.box.clock = clock
    try:
        world = build_world(wiring.box)
        held = booking.hold_seats(
            wiring.box, clerk(), show_id=world.show_id, show_seat_ids=world.seat_ids[:2]
        )
    finally:
        wiring.close()
    source, target = libpq_url(pg_url), libpq_url(pg_cluster.create_database("bms_restored"))
    dump = Path(tempfile_dir()) / "boxoffice.dump"
    try:
        subprocess.run(
            [pg_dump, "--format=custom", f"--file={dump}", f"--dbname={source}"], check=True
        )
        subprocess.run(
            [pg_restore, "--clean", "--if-exists", "--no-owner", f"--dbname={target}", str(dump)],
            check=True,
        )
        restored = app.connect(target.replace("postgresql://", "postgresql+psycopg://", 1))
        try:
            with restored.box.uows() as uow:
                assert uow.booking.ticket_by_code(held.ticket_code) is not None
            assert check_integrity(target).ok
        finally:
            restored.close()
    finally:
        dump.unlink(missing_ok=True)
        pg_cluster.drop_database("bms_restored")


def tempfile_dir() -> str:
    import tempfile

    return tempfile.gettempdir()
