"""The line in front of SQLite's write lock: writers take turns in the order they came.

SQLite has no queue for its write lock: every waiter polls ``BEGIN IMMEDIATE`` (``engine.py``).
With 8 processes selling one show on 2 cores (bench/bench_race.py) the polls took the CPU from
the counter that held the lock, and whoever polled at the right moment won: the others waited
through many turns (p99 of a sale 41-42 ms at 55-58 % of one counter's throughput).

So every write transaction on SQLite gets in line first, and stays first until it ends
(``OwnLine``, one per connection, on a file beside the database: ``<database>-writers``):

* a ticket: the next number from the file's first 8 bytes, read and written under a lock on
  those bytes (open-file-description byte-range locks, ``F_OFD_SETLKW``: per open file, so two
  connections of one process are two places in line);
* a place: a lock on byte ``SLOT_BASE + ticket % SLOTS``, taken before the ticket lock is let go,
  so that the one behind always finds it taken while this one waits or works;
* the wait: for the byte of the ticket two places ahead, asleep in the kernel (no CPU, the GIL
  released; the kernel wakes exactly that one waiter when that one leaves); then, second in
  line, for the byte of the ticket in front without sleeping: it tries again and again, giving
  the CPU away between tries (``sched_yield``), for at most ``SECOND_SPIN_S`` before it sleeps
  for it too. First come, first served, and the turn passes at once: the next one is already
  awake when the first leaves, and its own wake-up happened while the first worked. (With
  everyone asleep until first, each turn began with a wake-up of a process that then had to
  win a CPU: 8 processes on 2 cores left the line idle about 30 % of the time, 0.3 ms a turn.)

``LineConnection`` (``engine.py``) leaves the line as its DBAPI commit or rollback returns. The
line only orders the writers: SQLite's lock (BEGIN IMMEDIATE, with its busy timeout) still guards
the data, and a broken line only means two writers poll at once. So the wait in line needs no
timeout of its own: nobody is first for more than ``LINE_HOLD_MAX_S`` (a watchdog thread makes
them leave: the teaching delay, a long admin write, a stuck thread), the kernel drops the locks
of a process that dies, and a thread already first in line is never made to wait behind itself.
Measured (``bench/bench_race.py``, 8 processes, one 600-seat show): see docs/concurrency.md.

``WriterQueue.wait_first`` is the line of before, for connections without their own place (and
where open-file-description locks do not exist the writers poll, as before): an exclusive
``flock`` on the same file, waited for on a helper thread so the caller's deadline holds; only the
first in line polls, and it leaves the line once it has the lock. ``flock`` and byte-range locks
do not interact on Linux.
"""

from __future__ import annotations

import contextlib
import os
import random
import struct
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
# How long the second in line keeps trying for its turn (yielding the CPU between tries) before
# it sleeps in the kernel like everyone behind it (OwnLine._wait_as_second).
SECOND_SPIN_S: Final = 0.005


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
        self.database_path = database_path
        self.path = database_path + QUEUE_SUFFIX
        # Write transactions committed through this line: engine.py counts them and asks for a
        # checkpoint every CHECKPOINT_EVERY_COMMITS. The count starts anywhere, so that processes
        # started together (a race's clerks) do not all ask at the same commit: eight helper
        # threads opening their connections and copying the log at once, about 200 ms into a
        # race, made most of its slowest sales (bench/bench_race.py, docs/concurrency.md).
        self.commits = random.randrange(1 << 16)
        self.usable = fcntl is not None
        self.ordered = fcntl is not None and hasattr(fcntl, "F_OFD_SETLKW")

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
        """A connection's own place in line (``OwnLine``), or None: none here."""
        if not (self.usable and self.ordered):
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


TICKET_BYTES: Final = 8
SLOT_BASE: Final = 64
SLOTS: Final = 1024


def _range_lock(fd: int, command: int, kind: int, start: int, length: int) -> None:
    """An open-file-description lock on bytes of the line's file (struct flock, l_pid 0)."""
    assert fcntl is not None
    fcntl.fcntl(fd, command, struct.pack("hhqqi4x", kind, os.SEEK_SET, start, length, 0))


class OwnLine:
    """A connection's own place in line, on the line's file kept open for the connection's life.

    ``take`` draws a ticket and waits in the kernel, in the calling thread, until the ticket in
    front has left (see the module docstring); ``leave`` (as its transaction ends) wakes the
    next. No helper thread and no timeout on the wait itself: nobody stays first for more than
    ``LINE_HOLD_MAX_S``, since a watchdog thread makes a connection leave the line when its turn
    has lasted that long, and the kernel drops the locks of a process that dies. A thread that
    is already first in line (a write transaction opened inside another) is never made to wait
    behind itself: ``take`` says False, and the caller polls the database as before the line.
    """

    __slots__ = ("_guard", "_holder", "_slot", "_taken_at", "fd", "path")

    def __init__(self, path: str, fd: int) -> None:
        self.path = path
        self.fd = fd
        self._guard = threading.Lock()
        self._taken_at: float | None = None
        self._holder = 0
        self._slot = 0

    def take(self) -> bool:
        assert fcntl is not None
        me = threading.get_ident()
        if _Watchdog.holds(self.path, me):
            return False
        try:
            _range_lock(self.fd, fcntl.F_OFD_SETLKW, fcntl.F_WRLCK, 0, TICKET_BYTES)
            try:
                raw = os.pread(self.fd, TICKET_BYTES, 0)
                ticket = int.from_bytes(raw.ljust(TICKET_BYTES, b"\0"), "little")
                os.pwrite(self.fd, ((ticket + 1) % 2**62).to_bytes(TICKET_BYTES, "little"), 0)
                mine = SLOT_BASE + ticket % SLOTS
                _range_lock(self.fd, fcntl.F_OFD_SETLK, fcntl.F_WRLCK, mine, 1)
            finally:
                _range_lock(self.fd, fcntl.F_OFD_SETLK, fcntl.F_UNLCK, 0, TICKET_BYTES)
            # Asleep in the kernel until second in line (the ticket two ahead has left), then
            # after the place in front without sleeping, so the turn passes without a wake-up.
            two_ahead = SLOT_BASE + (ticket - 2) % SLOTS
            _range_lock(self.fd, fcntl.F_OFD_SETLKW, fcntl.F_RDLCK, two_ahead, 1)
            _range_lock(self.fd, fcntl.F_OFD_SETLK, fcntl.F_UNLCK, two_ahead, 1)
            ahead = SLOT_BASE + (ticket - 1) % SLOTS
            self._wait_as_second(ahead)
            _range_lock(self.fd, fcntl.F_OFD_SETLK, fcntl.F_UNLCK, ahead, 1)
        except OSError:
            return False
        with self._guard:
            self._slot = mine
            self._taken_at = time.monotonic()
            self._holder = me
        _Watchdog.watch(self)
        return True

    def _wait_as_second(self, ahead: int) -> None:
        """Second in line: try for the place in front again and again, giving the CPU away
        between tries, for at most ``SECOND_SPIN_S``; then sleep in the kernel for it."""
        assert fcntl is not None
        until = time.monotonic() + SECOND_SPIN_S
        while True:
            try:
                _range_lock(self.fd, fcntl.F_OFD_SETLK, fcntl.F_RDLCK, ahead, 1)
                return
            except (BlockingIOError, PermissionError):  # EAGAIN/EACCES: the first is still in
                if time.monotonic() > until:
                    break
                os.sched_yield()
        _range_lock(self.fd, fcntl.F_OFD_SETLKW, fcntl.F_RDLCK, ahead, 1)

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
                _range_lock(self.fd, fcntl.F_OFD_SETLK, fcntl.F_UNLCK, self._slot, 1)
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


def _after_fork_in_child() -> None:
    """A forked child has none of its parent's threads: a watchdog of its own, when it needs one
    (the lines it inherited are the parent's, and so are their places)."""
    _Watchdog._lock = threading.Lock()
    _Watchdog._watched = {}
    _Watchdog._held = {}
    _Watchdog._thread = None


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


__all__ = ["LINE_HOLD_MAX_S", "QUEUE_SUFFIX", "SECOND_SPIN_S", "OwnLine", "WriterQueue"]
