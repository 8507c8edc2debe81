"""WAL checkpoints run out of the writers' line, on the process's helper thread
(bms_desktop/persistence/checkpoints.py)."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from bms_desktop.app import connect
from bms_desktop.persistence.checkpoints import (
    CHECKPOINT_EVERY_COMMITS,
    SAFETY_AUTOCHECKPOINT_PAGES,
    Checkpoints,
)
from bms_desktop.persistence.engine import parse_db_url, sqlite_path
from bms_desktop.persistence.writer_queue import WriterQueue


def _until(condition: Any, timeout_s: float = 5.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.005)


def test_a_commit_checkpoints_itself_only_as_a_safety_net(sqlite_url):
    wiring = connect(sqlite_url, pool_size=2)
    try:
        with wiring.box.uows(write=True) as uow:
            dbapi = uow.connection.connection.dbapi_connection
            pages = dbapi.execute("PRAGMA wal_autocheckpoint").fetchone()[0]
        assert pages == SAFETY_AUTOCHECKPOINT_PAGES
    finally:
        wiring.close()


def test_every_so_many_commits_a_checkpoint_runs_on_the_helper_thread_out_of_line(
    sqlite_url, monkeypatch
):
    """The commit that asks for a checkpoint returns at once and leaves the line free: the
    checkpoint runs on the helper thread, while another writer is first in line."""
    path = str(sqlite_path(parse_db_url(sqlite_url)).resolve())
    asked = threading.Event()
    go_on = threading.Event()
    real = Checkpoints._checkpoint.__func__  # type: ignore[attr-defined]

    def held_back(cls: type[Checkpoints], where: str) -> None:
        if where == path:
            asked.set()
            go_on.wait(5.0)
        real(cls, where)

    monkeypatch.setattr(Checkpoints, "_checkpoint", classmethod(held_back))
    wiring = connect(sqlite_url, pool_size=2)
    other = WriterQueue(path).open_own()
    assert other is not None
    try:
        before = Checkpoints.done.get(path, 0)
        for i in range(CHECKPOINT_EVERY_COMMITS):
            with wiring.box.uows(write=True) as uow:
                uow.settings.put("checkpoint.test", str(i))
                uow.commit()
        assert asked.wait(5.0)  # asked for, and held back on the helper thread
        assert other.take()  # the line is free meanwhile: another writer is first
        go_on.set()
        _until(lambda: Checkpoints.done.get(path, 0) > before)  # it ran with the line taken
        other.leave()
        with wiring.box.uows() as uow:
            assert uow.settings.get("checkpoint.test") == str(CHECKPOINT_EVERY_COMMITS - 1)
    finally:
        go_on.set()
        other.close()
        wiring.close()


def _open_elsewhere(path: str) -> bool:
    """Whether another process sees the database open (what a restore checks)."""
    code = (
        "import sys; from pathlib import Path; "
        "from bms_desktop.persistence.backup import sqlite_has_connections; "
        "print(sqlite_has_connections(Path(sys.argv[1])))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, path], check=True, capture_output=True, text=True,
        cwd=Path(__file__).resolve().parents[2],
    )  # fmt: skip
    return done.stdout.strip() == "True"


def test_closing_the_engines_closes_the_checkpoint_threads_connection_too(sqlite_url):
    """The helper thread keeps a connection per database for its checkpoints. It used to outlive
    the engines, so that another process's restore found the database "open in another
    program" after the counter had closed it (seen in CI once commit counts began at random)."""
    path = str(sqlite_path(parse_db_url(sqlite_url)).resolve())
    wiring = connect(sqlite_url, pool_size=2)
    before = Checkpoints.done.get(path, 0)
    with wiring.box.uows(write=True) as uow:
        uow.settings.put("checkpoint.test", "1")
        uow.commit()
    Checkpoints.request(path)
    _until(lambda: Checkpoints.done.get(path, 0) > before)  # the thread has its connection
    assert _open_elsewhere(path)
    wiring.close()
    assert not _open_elsewhere(path)
