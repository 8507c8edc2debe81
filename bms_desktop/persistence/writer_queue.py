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

import contextlib
import os
import threading
import time
from typing import ClassVar, Final

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: every waiter polls
    fcntl = None  # type: ignore[assignment]

QUEUE_SUFFIX: Final = "-writers"
# The longest a connection stays first in line through its own file (``OwnLine``): a transaction
# still running then (the teaching delay, a long admin write, a stuck thread) lets the next one in
# line poll the database beside it, and that one's busy timeout applies as before.
LINE_HOLD_MAX_S: Final = 0.1


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

    def open_own(self) -> OwnLine | None:
        """A connection's own file on the line (``OwnLine``), or None: no line here."""
        if not self.usable:
            return None
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
        except OSError:
            self.usable = False  # e.g. a read-only folder: poll like before
            return None
        return OwnLine(self.path, fd)

    @staticmethod
    def leave(fd: int) -> None:
        os.close(fd)  # closing the file drops the flock: the next in line becomes first


class OwnLine:
    """A connection's own file on the line, open for the connection's life.

    ``take`` waits in the kernel, in the calling thread, until this connection is first in line;
    ``leave`` (as its transaction ends) wakes the next. No helper thread and no timeout on the
    wait itself: nobody stays first for more than ``LINE_HOLD_MAX_S``, since a watchdog thread
    makes a connection leave the line when its turn has lasted that long, and the kernel drops
    the lock of a process that dies. A thread that is already first in line (a write transaction
    opened inside another) is never made to wait behind itself: ``take`` says False, and the
    caller polls the database as everyone did before the line.
    """

    __slots__ = ("_guard", "_holder", "_taken_at", "fd", "path")

    def __init__(self, path: str, fd: int) -> None:
        self.path = path
        self.fd = fd
        self._guard = threading.Lock()
        self._taken_at: float | None = None
        self._holder = 0

    def take(self) -> bool:
        assert fcntl is not None
        me = threading.get_ident()
        if _Watchdog.holds(self.path, me):
            return False
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX)  # waits in the kernel, the GIL released
        except OSError:
            return False
        with self._guard:
            self._taken_at = time.monotonic()
            self._holder = me
        _Watchdog.watch(self)
        return True

    @property
    def held(self) -> bool:
        """First in line now (taken, and neither left nor made to leave)."""
        with self._guard:
            return self._taken_at is not None

    def leave(self) -> None:
        self._leave(None)

    def leave_if_taken_before(self, moment: float) -> None:
        self._leave(moment)

    def _leave(self, taken_before: float | None) -> None:
        assert fcntl is not None
        with self._guard:
            taken_at = self._taken_at
            if taken_at is None or (taken_before is not None and taken_at > taken_before):
                return
            self._taken_at = None
            holder, self._holder = self._holder, 0
            # closed meanwhile: the kernel dropped the lock with the file
            with contextlib.suppress(OSError):
                fcntl.flock(self.fd, fcntl.LOCK_UN)
        _Watchdog.forget(self, holder)

    def close(self) -> None:
        self.leave()
        os.close(self.fd)


class _Watchdog:
    """One daemon thread per process, started with the first ``OwnLine.take``: ten times a
    second it makes any connection first in line for over ``LINE_HOLD_MAX_S`` leave the line."""

    _lock: ClassVar[threading.Lock] = threading.Lock()
    _watched: ClassVar[dict[OwnLine, int]] = {}
    _held: ClassVar[dict[tuple[str, int], int]] = {}
    _thread: ClassVar[threading.Thread | None] = None

    @classmethod
    def watch(cls, line: OwnLine) -> None:
        me = threading.get_ident()
        with cls._lock:
            cls._watched[line] = me
            key = (line.path, me)
            cls._held[key] = cls._held.get(key, 0) + 1
            if cls._thread is None:
                cls._thread = threading.Thread(target=cls._run, name="bms-line-watch", daemon=True)
                cls._thread.start()

    @classmethod
    def forget(cls, line: OwnLine, holder: int) -> None:
        with cls._lock:
            if cls._watched.pop(line, None) is None:
                return
            key = (line.path, holder)
            left = cls._held.get(key, 0) - 1
            if left > 0:
                cls._held[key] = left
            else:
                cls._held.pop(key, None)

    @classmethod
    def holds(cls, path: str, thread_ident: int) -> bool:
        with cls._lock:
            return (path, thread_ident) in cls._held

    @classmethod
    def _run(cls) -> None:
        while True:
            time.sleep(LINE_HOLD_MAX_S)
            limit = time.monotonic() - LINE_HOLD_MAX_S
            with cls._lock:
                lines = list(cls._watched)
            for line in lines:
                line.leave_if_taken_before(limit)


__all__ = ["LINE_HOLD_MAX_S", "QUEUE_SUFFIX", "OwnLine", "WriterQueue"]
