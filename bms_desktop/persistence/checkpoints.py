"""WAL checkpoints out of the writers' line: one helper thread per process.

SQLite copies its write-ahead log back into the database file (a checkpoint, with two fsyncs)
when a commit leaves the log over ``wal_autocheckpoint`` pages: inside that commit's call, after
the write lock is released but before ``commit()`` returns. The committing connection was then
still first in the writers' line (``writer_queue.py``), so every writer behind it waited for the
copy and the fsyncs too: 5-20 ms here, every 30-odd sales (a sale writes about 30 pages), which
made up most of the slowest sales with 8 processes selling one show (``bench/bench_race.py``).

So the engines' connections checkpoint in their commit only as a safety net, once the log holds
``SAFETY_AUTOCHECKPOINT_PAGES`` (then in line, which also lets the next writer start the log
again from its beginning). After each commit, out of line, the committing process looks at how
many frames of the log are not yet copied (``WalIndex``: two numbers of the wal-index header in
``<database>-shm``, mxFrame and nBackfill, read without a lock; the layout is SQLite's documented
wal-index format), and from ``CHECKPOINT_AFTER_FRAMES`` on asks its helper thread for a PASSIVE
checkpoint on the thread's own connection. Where the header cannot be read, it asks every
``CHECKPOINT_EVERY_COMMITS`` commits instead. A passive checkpoint takes no lock a reader or
writer waits for: it copies what no reader still needs, while the others go on writing. A
checkpoint already running elsewhere makes it give up at once (busy); the next request tries
again. (Counting each process's own commits alone let 8 racing processes, 75 commits each,
leave all of it to the safety net: a 40 MB copy in line, p99 of a sale 45-53 ms.)
"""

from __future__ import annotations

import logging
import mmap
import os
import sqlite3
import sys
import threading
import urllib.parse
from typing import ClassVar, Final

log = logging.getLogger(__name__)

CHECKPOINT_AFTER_FRAMES: Final = 1_000
CHECKPOINT_EVERY_COMMITS: Final = 32
SAFETY_AUTOCHECKPOINT_PAGES: Final = 10_000
_HEADER_BYTES: Final = 136  # two copies of WalIndexHdr (48 bytes each), then WalCkptInfo
_MX_FRAME: Final = 16  # u32 mxFrame in the first WalIndexHdr, native byte order
_N_BACKFILL: Final = 96  # u32 nBackfill, first field of WalCkptInfo


class WalIndex:
    """The frames of a database's log not yet copied back (mxFrame - nBackfill), read from the
    wal-index header in ``<database>-shm`` (mapped read-only; None where it cannot be)."""

    def __init__(self, database_path: str) -> None:
        self._path = database_path + "-shm"
        self._map: mmap.mmap | None = None

    def pending(self) -> int | None:
        if self._map is None:
            try:
                with open(self._path, "rb") as f:
                    self._map = mmap.mmap(f.fileno(), _HEADER_BYTES, access=mmap.ACCESS_READ)
            except (OSError, ValueError):  # not there (yet), still too short, no mmap here
                return None
        head = self._map[:_HEADER_BYTES]
        mx_frame = int.from_bytes(head[_MX_FRAME : _MX_FRAME + 4], sys.byteorder)
        backfilled = int.from_bytes(head[_N_BACKFILL : _N_BACKFILL + 4], sys.byteorder)
        return max(0, mx_frame - backfilled)

    def close(self) -> None:
        if self._map is not None:
            self._map.close()
            self._map = None


class Checkpoints:
    """The process's checkpoint thread: ``request`` one for a database, it runs soon after."""

    _lock: ClassVar[threading.Lock] = threading.Lock()
    _wanted: ClassVar[set[str]] = set()
    _wake: ClassVar[threading.Event] = threading.Event()
    _thread: ClassVar[threading.Thread | None] = None
    _conns: ClassVar[dict[str, sqlite3.Connection]] = {}  # the thread's own
    done: ClassVar[dict[str, int]] = {}  # checkpoints run, per database (for tests and logs)

    @classmethod
    def after_commit(cls, path: str, wal: WalIndex, commits: int) -> None:
        """A write transaction on ``path`` committed (``commits`` so far through this engine):
        ask for a checkpoint when enough of the log waits to be copied back."""
        pending = wal.pending()
        due = (
            pending >= CHECKPOINT_AFTER_FRAMES
            if pending is not None
            else commits % CHECKPOINT_EVERY_COMMITS == 0
        )
        if due:
            cls.request(path)

    @classmethod
    def request(cls, path: str) -> None:
        with cls._lock:
            cls._wanted.add(path)
            if cls._thread is None:
                cls._thread = threading.Thread(target=cls._run, name="bms-checkpoint", daemon=True)
                cls._thread.start()
        cls._wake.set()

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
    Checkpoints._wanted = set()
    Checkpoints._wake = threading.Event()
    Checkpoints._thread = None
    Checkpoints._conns = {}
    Checkpoints.done = {}


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)

__all__ = [
    "CHECKPOINT_AFTER_FRAMES",
    "CHECKPOINT_EVERY_COMMITS",
    "SAFETY_AUTOCHECKPOINT_PAGES",
    "Checkpoints",
    "WalIndex",
]
