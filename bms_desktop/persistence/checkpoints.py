"""WAL checkpoints out of the writers' line: one helper thread per process.

SQLite copies its write-ahead log back into the database file (a checkpoint, with two fsyncs)
when a commit leaves the log over ``wal_autocheckpoint`` pages: inside that commit's call, after
the write lock is released but before ``commit()`` returns. The committing connection was then
still first in the writers' line (``writer_queue.py``), so every writer behind it waited for the
copy and the fsyncs too: 5-20 ms here, every 30-odd sales (a sale writes about 30 pages), which
made up most of the slowest sales with 8 processes selling one show (``bench/bench_race.py``).

So the engines' connections checkpoint in their commit only as a safety net, once the log holds
``SAFETY_AUTOCHECKPOINT_PAGES`` (then in line, which also lets the next writer start the log
again from its beginning), and after every ``CHECKPOINT_EVERY_COMMITS`` commits on one database
a process asks its helper thread for a PASSIVE checkpoint on the thread's own connection. A
passive checkpoint takes no lock a reader or writer waits for: it copies what no reader still
needs, while the others go on writing. A checkpoint already running elsewhere makes it give up
at once (busy); the next request tries again.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
import urllib.parse
from typing import ClassVar, Final

log = logging.getLogger(__name__)

CHECKPOINT_EVERY_COMMITS: Final = 32
SAFETY_AUTOCHECKPOINT_PAGES: Final = 10_000


class Checkpoints:
    """The process's checkpoint thread: ``request`` one for a database, it runs soon after."""

    _lock: ClassVar[threading.Lock] = threading.Lock()
    _using: ClassVar[threading.Lock] = threading.Lock()  # held while a connection is in use
    _wanted: ClassVar[set[str]] = set()
    _wake: ClassVar[threading.Event] = threading.Event()
    _thread: ClassVar[threading.Thread | None] = None
    _conns: ClassVar[dict[str, sqlite3.Connection]] = {}  # the thread's own
    done: ClassVar[dict[str, int]] = {}  # checkpoints run, per database (for tests and logs)

    @classmethod
    def request(cls, path: str) -> None:
        with cls._lock:
            cls._wanted.add(path)
            if cls._thread is None:
                cls._thread = threading.Thread(target=cls._run, name="bms-checkpoint", daemon=True)
                cls._thread.start()
        cls._wake.set()

    @classmethod
    def release(cls, path: str) -> None:
        """Close the thread's connection to this database (its engines were disposed): an open
        connection would make another process's restore see the database in use. Waits for a
        checkpoint of it that is running (a passive one: milliseconds)."""
        with cls._lock:
            cls._wanted.discard(path)
        with cls._using:
            conn = cls._conns.pop(path, None)
            if conn is not None:
                conn.close()

    @classmethod
    def _run(cls) -> None:
        while True:
            cls._wake.wait()
            cls._wake.clear()
            with cls._lock:
                paths, cls._wanted = cls._wanted, set()
            for path in paths:
                cls._checkpoint(path)

    @classmethod
    def _checkpoint(cls, path: str) -> None:
        with cls._using:
            cls._checkpoint_now(path)

    @classmethod
    def _checkpoint_now(cls, path: str) -> None:
        try:
            conn = cls._conns.get(path)
            if conn is None:
                # mode=rw: never create the file (the database may have been removed meanwhile)
                uri = "file:" + urllib.parse.quote(path) + "?mode=rw"
                conn = sqlite3.connect(uri, uri=True, timeout=0, check_same_thread=False)
                conn.isolation_level = None
                if len(cls._conns) > 16:  # a long test run opens many databases: keep a few
                    for old in list(cls._conns):
                        cls._conns.pop(old).close()
                cls._conns[path] = conn
            conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        except sqlite3.Error:  # gone, or busy: the next request tries again
            log.debug("checkpoint of %s did not run", path, exc_info=True)
            stale = cls._conns.pop(path, None)
            if stale is not None:
                stale.close()
            return
        with cls._lock:
            cls.done[path] = cls.done.get(path, 0) + 1


def _after_fork_in_child() -> None:
    """A forked child has no checkpoint thread (nor its connections): it starts its own."""
    Checkpoints._lock = threading.Lock()
    Checkpoints._using = threading.Lock()
    Checkpoints._wanted = set()
    Checkpoints._wake = threading.Event()
    Checkpoints._thread = None
    Checkpoints._conns = {}
    Checkpoints.done = {}


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)

__all__ = ["CHECKPOINT_EVERY_COMMITS", "SAFETY_AUTOCHECKPOINT_PAGES", "Checkpoints"]
