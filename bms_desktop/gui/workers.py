"""Running service calls off the GUI thread.

A service call may wait: a hold under the pessimistic strategy waits for the database write lock,
a teaching delay sleeps inside the transaction, a confirm waits for another counter's commit. The
GUI thread must never wait like that, so every such call goes through a ``TaskRunner``:

    runner.submit(lambda: booking.hold_seats(box, ctx, ...),
                  on_done=self._on_hold_done, on_error=self._on_hold_failed,
                  label="Holding C7, C8", activity=ctx.counter)

``fn`` runs on a thread of the runner's own ``QThreadPool``; its result (or the exception it
raised, domain error or bug) comes back to ``on_done`` / ``on_error`` on the GUI thread, through a
queued signal.

Lifetimes, which are the whole difficulty with QRunnable in Python:

* the pool runs a plain Python callable (``QThreadPool.start(callable)``): Qt owns the wrapper,
  so nothing has to keep a QRunnable alive or worry about who deletes it;
* results travel through one process-wide relay ``QObject`` that lives on the GUI thread and is
  never deleted, so a worker never emits on an object that a closing window has just destroyed;
* the relay finds the runner by key; a runner that has been destroyed simply gets nothing.

``ACTIVITY`` is a process-wide board of the write work in flight ("Counter 1: holding C7"), so a
window that waits can say for whom it probably waits while it waits; after the fact the service's
``ConcurrencyReport.lock_holder`` says it precisely.
"""

from __future__ import annotations

import itertools
import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QThread, QThreadPool, Signal, Slot
from shiboken6 import isValid

from bms_desktop.domain.errors import DomainError

log = logging.getLogger(__name__)

DoneCallback = Callable[[Any], None]
ErrorCallback = Callable[[BaseException], None]


# --------------------------------------------------------------------------- activity board


@dataclass(frozen=True, slots=True)
class Activity:
    """One piece of write work in flight somewhere in this process."""

    key: int
    who: str  # the counter
    what: str  # "holding C7, C8"
    since: float  # time.monotonic()


class ActivityBoard:
    """Which counters of this process are inside a write transaction right now (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._active: dict[int, Activity] = {}
        self._keys = itertools.count(1)

    @contextmanager
    def working(self, who: str, what: str) -> Iterator[None]:
        key = next(self._keys)
        with self._lock:
            self._active[key] = Activity(key, who, what, time.monotonic())
        try:
            yield
        finally:
            with self._lock:
                self._active.pop(key, None)

    def others(self, who: str) -> list[Activity]:
        """Work of other counters, oldest first (the oldest is the likeliest lock holder)."""
        with self._lock:
            return sorted((a for a in self._active.values() if a.who != who), key=lambda a: a.since)

    def all(self) -> list[Activity]:
        with self._lock:
            return sorted(self._active.values(), key=lambda a: a.since)


ACTIVITY = ActivityBoard()


# --------------------------------------------------------------------------- relay


class _Relay(QObject):
    """Carries results from pool threads to the GUI thread. One per process, never deleted."""

    delivered = Signal(int, int, bool, object)  # runner key, task id, ok, result or exception

    def __init__(self) -> None:
        super().__init__()
        # Strong references: a runner whose Python wrapper is dropped while its C++ object lives
        # on (it has a parent) must still get its answers; ``destroyed`` removes it.
        self._runners: dict[int, TaskRunner] = {}
        self.delivered.connect(self._on_self_delivered)

    def register(self, key: int, runner: TaskRunner) -> None:
        self._runners[key] = runner

    def unregister(self, key: int) -> None:
        self._runners.pop(key, None)

    @Slot(int, int, bool, object)
    def _on_self_delivered(self, runner_key: int, task_id: int, ok: bool, payload: object) -> None:
        runner = self._runners.get(runner_key)
        if runner is None or not isValid(runner):
            self._runners.pop(runner_key, None)
            if not ok and not isinstance(payload, DomainError):
                log.error("a background task of a closed window failed: %r", payload)
            return
        runner._deliver(task_id, ok, payload)


_RELAY: _Relay | None = None
_RUNNER_KEYS = itertools.count(1)


def _relay() -> _Relay:
    global _RELAY  # noqa: PLW0603 - one relay per process, created on the GUI thread
    if _RELAY is None:
        app = QCoreApplication.instance()
        if app is None or QThread.currentThread() is not app.thread():
            raise RuntimeError("create TaskRunners on the GUI thread, after the QApplication")
        _RELAY = _Relay()
    return _RELAY


# --------------------------------------------------------------------------- runner


@dataclass(slots=True)
class _Pending:
    task_id: int
    label: str
    submitted: float
    on_done: DoneCallback | None
    on_error: ErrorCallback | None


class TaskRunner(QObject):
    """Runs callables on a small pool of its own; results come back on the GUI thread.

    Signals:
        busy_changed(bool): the runner went from idle to busy or back.
        task_finished(int, str): a task (id, label) finished, after its callback ran.
    """

    busy_changed = Signal(bool)
    task_finished = Signal(int, str)

    def __init__(self, parent: QObject | None = None, *, max_threads: int = 2) -> None:
        super().__init__(parent)
        self._key = next(_RUNNER_KEYS)
        self._relay = _relay()
        self._relay.register(self._key, self)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(max_threads)
        self._pool.setExpiryTimeout(30_000)
        self._ids = itertools.count(1)
        self._pending: dict[int, _Pending] = {}
        self._closed = False
        self.destroyed.connect(_forget(self._relay, self._key))

    # ------------------------------------------------------------------ submitting

    def submit(
        self,
        fn: Callable[[], Any],
        *,
        on_done: DoneCallback | None = None,
        on_error: ErrorCallback | None = None,
        label: str = "",
        activity: str | None = None,
    ) -> int:
        """Run ``fn()`` on a pool thread; returns the task id.

        ``activity``: the counter doing write work; while ``fn`` runs it is on ``ACTIVITY`` with
        ``label`` as what it does, so other windows can say whom they wait for."""
        if self._closed:
            raise RuntimeError("this TaskRunner has been shut down")
        task_id = next(self._ids)
        was_busy = bool(self._pending)
        self._pending[task_id] = _Pending(task_id, label, time.monotonic(), on_done, on_error)
        relay, key = self._relay, self._key
        what = label[:1].lower() + label[1:]

        def work() -> None:
            ok = True
            try:
                if activity is not None:
                    with ACTIVITY.working(activity, what):
                        result = fn()
                else:
                    result = fn()
            except BaseException as exc:  # handed to the GUI thread, never lost
                if not isinstance(exc, DomainError):
                    log.exception("background task %r failed", label)
                ok, result = False, exc
            try:
                relay.delivered.emit(key, task_id, ok, result)
            except RuntimeError:  # the application is shutting down: nobody to tell
                log.debug("dropped the answer of %r: the relay is gone", label)

        self._pool.start(work)
        if not was_busy:
            self.busy_changed.emit(True)
        return task_id

    def _deliver(self, task_id: int, ok: bool, payload: object) -> None:
        pending = self._pending.pop(task_id, None)
        if pending is None:
            return
        try:
            if ok:
                if pending.on_done is not None:
                    pending.on_done(payload)
            else:
                assert isinstance(payload, BaseException)
                if pending.on_error is not None:
                    pending.on_error(payload)
                elif not isinstance(payload, DomainError):
                    log.error("background task %r failed: %r", pending.label, payload)
        finally:
            if isValid(self):
                self.task_finished.emit(task_id, pending.label)
                if not self._pending:
                    self.busy_changed.emit(False)

    # ------------------------------------------------------------------ state

    def is_busy(self) -> bool:
        return bool(self._pending)

    def labels(self) -> list[str]:
        """What is in flight, oldest first."""
        return [p.label for p in sorted(self._pending.values(), key=lambda p: p.task_id)]

    def running_for_ms(self) -> float:
        """How long the oldest task in flight has been running (0 when idle)."""
        if not self._pending:
            return 0.0
        oldest = min(p.submitted for p in self._pending.values())
        return (time.monotonic() - oldest) * 1000.0

    def shutdown(self, timeout_ms: int = 10_000) -> bool:
        """No more tasks; wait (blocking) for those in flight. Their callbacks are dropped.
        For application exit only: a window closes without blocking (see CounterWindow)."""
        self._closed = True
        for pending in self._pending.values():
            pending.on_done = None
            pending.on_error = None
        return bool(self._pool.waitForDone(timeout_ms))


def _forget(relay: _Relay, key: int) -> Callable[..., None]:
    def forget(*_args: object) -> None:
        relay.unregister(key)

    return forget


__all__ = ["ACTIVITY", "Activity", "ActivityBoard", "TaskRunner"]
