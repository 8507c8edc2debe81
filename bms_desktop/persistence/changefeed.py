"""Change feeds: how a counter learns, within a few hundred milliseconds, that another counter
changed a show. The audit trail is the source: every change of a show writes an audit row with
its show id, in the same transaction as the change.

* SQLite: ``PRAGMA data_version`` on a dedicated connection changes when another connection
  commits (one poll costs microseconds); only then are the new audit rows read.
* PostgreSQL: ``LISTEN bms_changes`` on a dedicated connection in a worker thread; the audit
  trigger NOTIFYs with the show id, delivered at commit. After a reconnect the feed answers
  ``None`` once: the counter reloads everything, since notices may have been missed. The
  listener reconnects on its own after a server restart or a network drop, however long, and
  tells the process's ``ConnectionHealth`` (the GUI's connection monitor listens).
"""

from __future__ import annotations

import logging
import queue
import sqlite3
import threading
from typing import Any

from bms_desktop.persistence.engine import parse_db_url, sqlite_path
from bms_desktop.services.health import ConnectionHealth
from bms_desktop.services.ports import ChangeFeed

log = logging.getLogger(__name__)
CHANNEL = "bms_changes"


class SqliteChangeFeed(ChangeFeed):
    def __init__(self, raw_url: str) -> None:
        path = sqlite_path(parse_db_url(raw_url))
        self._conn: sqlite3.Connection | None = sqlite3.connect(
            str(path), check_same_thread=False, isolation_level=None, timeout=0.2
        )
        self._lock = threading.Lock()
        self._failing = False
        self._version = self._data_version()
        row = self._conn.execute("SELECT coalesce(max(id), 0) FROM audit_events").fetchone()
        self._last_id = int(row[0])

    def _data_version(self) -> int:
        assert self._conn is not None
        return int(self._conn.execute("PRAGMA data_version").fetchone()[0])

    def poll(self) -> set[int] | None:
        with self._lock:
            if self._conn is None:
                return set()
            try:
                version = self._data_version()
                if version == self._version:
                    return set()
                self._version = version
                rows = self._conn.execute(
                    "SELECT id, show_id FROM audit_events WHERE id > ? ORDER BY id",
                    (self._last_id,),
                ).fetchall()
            except sqlite3.OperationalError:  # busy for longer than 200 ms: try next poll
                return set()
            except sqlite3.Error as exc:  # damaged, closed...: the windows reload once, and
                if self._failing:  # meet the error themselves, in plain words
                    return set()
                self._failing = True
                log.info("the change feed could not read the database (%s)", exc)
                return None
            self._failing = False
            if rows:
                self._last_id = int(rows[-1][0])
            return {int(r[1]) for r in rows if r[1] is not None}

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None


class PostgresChangeFeed(ChangeFeed):
    """``reconnect_delay_s``: the pause between two attempts to reconnect (a restarted server is
    found again within about that much of its return). ``health`` hears of the loss (within
    half a second, even on an idle terminal: the listener waits for notices 0.5 s at a time) and
    of the return."""

    def __init__(
        self,
        raw_url: str,
        *,
        reconnect_delay_s: float = 0.25,
        health: ConnectionHealth | None = None,
    ) -> None:
        url = parse_db_url(raw_url).set(drivername="postgresql")
        self._conninfo = url.render_as_string(hide_password=False)
        self._queue: queue.SimpleQueue[int | None] = queue.SimpleQueue()
        self._stop = threading.Event()
        self._ready = threading.Event()
        self._delay = reconnect_delay_s
        self._health = health
        self._conn: Any = None
        self.connected = False
        self.reconnects = 0
        self._thread = threading.Thread(target=self._run, name="bms-change-feed", daemon=True)
        self._thread.start()
        self._ready.wait(timeout=5.0)

    def _run(self) -> None:
        import psycopg  # here, not at module level: SQLite terminals never pay for it

        first = True
        while not self._stop.is_set():
            try:
                with psycopg.connect(self._conninfo, autocommit=True, connect_timeout=5) as conn:
                    self._conn = conn
                    conn.execute(f"LISTEN {CHANNEL}")
                    self.connected = True
                    if not first:
                        self.reconnects += 1
                        self._queue.put(None)  # we may have missed notices: reload everything
                    if self._health is not None and self._health.lost_since is not None:
                        self._health.restored()
                    first = False
                    self._ready.set()
                    while not self._stop.is_set():
                        for note in conn.notifies(timeout=0.5):
                            try:
                                self._queue.put(int(note.payload))
                            except ValueError:
                                self._queue.put(None)
            except psycopg.Error as exc:
                if self._stop.is_set():
                    break
                if self.connected or first:
                    log.info("change feed lost its connection (%s); reconnecting", exc)
                self.connected = False
                if self._health is not None:
                    self._health.lost()
                self._ready.set()
                self._stop.wait(self._delay)
            finally:
                self._conn = None

    def poll(self) -> set[int] | None:
        changed: set[int] = set()
        reload_all = False
        while True:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                break
            if item is None:
                reload_all = True
            else:
                changed.add(item)
        return None if reload_all else changed

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2.0)


def open_change_feed(raw_url: str, *, health: ConnectionHealth | None = None) -> ChangeFeed:
    """``health``: the PostgreSQL listener reports a lost / restored connection to it (the
    SQLite feed reads a local file: nothing to lose)."""
    if parse_db_url(raw_url).get_backend_name() == "sqlite":
        return SqliteChangeFeed(raw_url)
    return PostgresChangeFeed(raw_url, health=health)
