"""Is the database reachable? One ``ConnectionMonitor`` per process, shared by its windows.

It listens to the process's ``ConnectionHealth`` (``services/health.py``), which every unit of work
that cannot connect or loses its connection tells, and so does the PostgreSQL change feed's
listener (within half a second, even on an idle terminal). While the database is away it ticks
once a second (``still_lost``, ``status_changed`` with "Database unreachable — reconnecting… 4 s"
for the status bar and the basket) and probes it off the GUI thread (one cheap read, without
waiting: ``UnitOfWorkFactory.probe``), every 0.5 s at first, then every 2 s; as soon as a probe or
any unit of work gets through, ``connection_restored`` says how long it was away, and the windows
carry on (reload what they show, resolve an unknown outcome: ``services/outcomes``).

Signals (emitted on the GUI thread):
    connection_lost(): the database stopped answering.
    still_lost(int): whole seconds since it stopped answering, once a second.
    connection_restored(float): it answers again; seconds it was away.
    status_changed(str): the text to show ("" when all is well).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal, Slot
from shiboken6 import isValid

from bms_desktop.gui.workers import TaskRunner
from bms_desktop.services.health import ConnectionHealth
from bms_desktop.services.ports import OutcomeUnknown, StorageUnavailable

log = logging.getLogger(__name__)

TICK_MS = 1000
PROBE_FIRST_MS = 500
PROBE_MAX_MS = 2000


def unreachable_text(seconds: int) -> str:
    return f"Database unreachable — reconnecting… {max(0, seconds)} s"


def restored_text(seconds: float) -> str:
    return f"Database connection restored after {max(1, round(seconds))} s"


class ConnectionMonitor(QObject):
    connection_lost = Signal()
    still_lost = Signal(int)
    connection_restored = Signal(float)
    status_changed = Signal(str)
    _health_changed = Signal(bool, float)  # from whichever thread told the health

    def __init__(
        self,
        health: ConnectionHealth,
        probe: Callable[[], None],
        parent: QObject | None = None,
        *,
        tick_ms: int = TICK_MS,
        probe_first_ms: int = PROBE_FIRST_MS,
        probe_max_ms: int = PROBE_MAX_MS,
    ) -> None:
        super().__init__(parent)
        self._health = health
        self._probe = probe
        self._probe_first_ms = probe_first_ms
        self._probe_max_ms = probe_max_ms
        self._probe_pause_ms = probe_first_ms
        self._probing = False
        self._lost = False
        self.probes = 0
        self._tick = QTimer(self)
        self._tick.setInterval(tick_ms)
        self._tick.timeout.connect(self._on_tick_timeout)
        self._probe_timer = QTimer(self)
        self._probe_timer.setSingleShot(True)
        self._probe_timer.timeout.connect(self._on_probe_timer_timeout)
        self._runner = TaskRunner(self, max_threads=1)
        self._health_changed.connect(self._on_self_health_changed)
        self._unsubscribe: Callable[[], None] | None = health.subscribe(self._on_health_anywhere)
        if health.lost_since is not None:
            self._enter_lost()

    # ------------------------------------------------------------------ public

    def is_lost(self) -> bool:
        return self._lost

    def seconds_lost(self) -> int:
        return int(self._health.seconds_lost()) if self._lost else 0

    def status_text(self) -> str:
        return unreachable_text(self.seconds_lost()) if self._lost else ""

    def report(self, exc: BaseException) -> None:
        """A window's service call failed: a lost database is news (usually already told by
        the unit of work; a fake factory does not)."""
        if isinstance(exc, StorageUnavailable | OutcomeUnknown):
            self._health.lost()

    def probe_now(self) -> None:
        """Probe at once (off the GUI thread), unless a probe is in flight."""
        if self._probing:
            return
        self._probing = True
        self.probes += 1
        self._runner.submit(
            self._probe,
            on_done=self._on_probe_done,
            on_error=self._on_probe_failed,
            label="Checking the database connection",
        )

    def stop(self) -> None:
        """Stop listening and ticking (idempotent); a probe in flight is let go."""
        unsubscribe, self._unsubscribe = self._unsubscribe, None
        if unsubscribe is not None:
            unsubscribe()
        self._tick.stop()
        self._probe_timer.stop()

    # ------------------------------------------------------------------ state

    def _on_health_anywhere(self, up: bool, seconds: float) -> None:
        if isValid(self):  # a worker thread may tell after the window closed
            self._health_changed.emit(up, seconds)

    @Slot(bool, float)
    def _on_self_health_changed(self, up: bool, seconds: float) -> None:
        if up:
            self._leave_lost(seconds)
        else:
            self._enter_lost()

    def _enter_lost(self) -> None:
        if self._lost or self._unsubscribe is None:
            return
        self._lost = True
        self._probe_pause_ms = self._probe_first_ms
        self._tick.start()
        self._probe_timer.start(self._probe_pause_ms)
        log.info("database unreachable: reconnecting")
        self.connection_lost.emit()
        self.status_changed.emit(self.status_text())

    def _leave_lost(self, seconds: float) -> None:
        if not self._lost:
            return
        self._lost = False
        self._tick.stop()
        self._probe_timer.stop()
        log.info("database connection restored after %.1f s", seconds)
        self.connection_restored.emit(seconds)
        self.status_changed.emit("")

    # ------------------------------------------------------------------ slots

    @Slot()
    def _on_tick_timeout(self) -> None:
        if self._lost:
            self.still_lost.emit(self.seconds_lost())
            self.status_changed.emit(self.status_text())

    @Slot()
    def _on_probe_timer_timeout(self) -> None:
        if self._lost:
            self.probe_now()

    def _on_probe_done(self, _result: object) -> None:
        self._probing = False
        self._health.restored()  # (the SQL factory's probe has told it already)

    def _on_probe_failed(self, exc: BaseException) -> None:
        self._probing = False
        if not isinstance(exc, StorageUnavailable):
            log.info("the database probe failed: %r", exc)
        if self._lost:
            self._probe_pause_ms = min(self._probe_pause_ms * 2, self._probe_max_ms)
            self._probe_timer.start(self._probe_pause_ms)


__all__ = ["ConnectionMonitor", "restored_text", "unreachable_text"]
