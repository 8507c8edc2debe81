"""The line in front of SQLite's write lock: only the first counter in line polls for it.

SQLite has no queue for its write lock: every waiter polls ``BEGIN IMMEDIATE`` (``engine.py``).
With 8 processes selling one show on 2 cores (bench/bench_race.py) a write transaction waited
through about 7 polls on average, each a failed statement, an exception and a wake-up, and those
wake-ups took the CPU from the counter that held the lock: its transaction, 0.25 ms alone, took
0.6 ms at the median and 2.5 ms at p90 inside the lock.

So a counter that finds the write lock taken gets in line first: an exclusive ``flock`` on a file
beside the database (``<database>-writers``, created on the first wait and left empty), waited for
in the kernel, without CPU. Whoever holds that file lock is first in line, and only it polls the
database, often (0.1 ms); once it has the write lock it leaves the line at once, so that the next
one polls while it works. Nothing else changes: the database lock is still the only lock that
guards data (BEGIN IMMEDIATE, as before); the line only decides who polls. The file lock is never
held during a transaction, so it cannot deadlock with it, and the kernel drops it when a process
dies.

A place in line is waited for on a helper thread, so that the wait keeps the caller's deadline (a
blocking ``flock`` cannot time out): if it runs out, the caller gives up (the usual "database is
locked"), and the helper leaves the line as soon as its turn comes. Where ``fcntl`` does not exist
(Windows) or the file cannot be opened, every waiter polls, as before.
"""

from __future__ import annotations

import os
import threading
from typing import Final

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: every waiter polls
    fcntl = None  # type: ignore[assignment]

QUEUE_SUFFIX: Final = "-writers"


class _Place:
    """A place in line being waited for on a helper thread (the wait may be given up)."""

    __slots__ = ("_done", "_fd", "_guard", "_state")

    def __init__(self, fd: int) -> None:
        self._fd = fd
        self._guard = threading.Lock()
        self._done = threading.Event()
        self._state = "waiting"  # -> "first" | "failed" (helper); "waiting" -> "abandoned" (caller)

    def wait_in_kernel(self) -> None:
        assert fcntl is not None
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX)
            ok = True
        except OSError:
            ok = False
        with self._guard:
            if ok and self._state == "waiting":
                self._state = "first"
            else:  # failed, or the caller gave up meanwhile: leave the line at once
                self._state = "failed" if self._state == "waiting" else self._state
                os.close(self._fd)
        self._done.set()

    def first(self, timeout_s: float) -> int | None:
        self._done.wait(max(0.0, timeout_s))
        with self._guard:
            if self._state == "first":
                return self._fd
            if self._state == "waiting":
                self._state = "abandoned"  # the helper closes the file when its turn comes
            return None


class WriterQueue:
    """The line of one database file (see the module docstring)."""

    def __init__(self, database_path: str) -> None:
        self.path = database_path + QUEUE_SUFFIX
        self.usable = fcntl is not None

    def wait_first(self, timeout_s: float) -> int | None:
        """Get in line and wait to be first, at most ``timeout_s``. Returns the file descriptor
        that holds the place (``leave`` it as soon as the write lock is yours), or None: timed
        out, or no line here (then poll as everyone did before)."""
        if not self.usable or timeout_s <= 0:
            return None
        assert fcntl is not None
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
        except OSError:
            self.usable = False  # e.g. a read-only folder: poll like before
            return None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return fd  # nobody in line: first at once, no thread
        except BlockingIOError:
            pass
        except OSError:
            os.close(fd)
            return None
        place = _Place(fd)
        threading.Thread(target=place.wait_in_kernel, name="bms-writer-queue", daemon=True).start()
        return place.first(timeout_s)

    @staticmethod
    def leave(fd: int) -> None:
        os.close(fd)  # closing the file drops the flock: the next in line becomes first


__all__ = ["QUEUE_SUFFIX", "WriterQueue"]
