"""The Door window's flow, without widgets: scans off the GUI thread, in order; the shows at the
doors and their counts; the connection light; an admission whose commit broke off, looked up
until the database answers.

Signals:
    scan_started(str): a scan was sent (what was scanned, shortened).
    scan_done(object): a ``ScanResult`` (also the truthful answer to an uncertain scan).
    scan_failed(str, str, str): kind (CONNECTION_LOST, BUSY, UNCERTAIN, INVALID, REFUSED,
        ERROR), a message for the usher, what was scanned. Nobody was admitted.
    connection_changed(bool, str): the database answers again / does not answer (why).
    board_loaded(object): the shows at the doors (``tuple[DoorShowStatus, ...]``).
    setup_loaded(object): a ``DoorSetup`` (screens to filter on).
"""

from __future__ import annotations

import logging
import time
from typing import Final

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from bms_desktop.domain.errors import DomainError, ValidationError
from bms_desktop.gui.workers import TaskRunner
from bms_desktop.services import door, door_board
from bms_desktop.services.context import BoxOffice, CounterContext
from bms_desktop.services.door_views import DoorSetup, DoorShowStatus, PendingScan, ScanResult
from bms_desktop.services.ports import StorageBusy, StorageUnavailable

log = logging.getLogger(__name__)

PING_INTERVAL_MS: Final = 2000
RESOLVE_INTERVAL_MS: Final = 1000
BOARD_INTERVAL_MS: Final = 30_000


class DoorController(QObject):
    scan_started = Signal(str)
    scan_done = Signal(object)
    scan_failed = Signal(str, str, str)
    connection_changed = Signal(bool, str)
    board_loaded = Signal(object)
    setup_loaded = Signal(object)

    def __init__(
        self,
        box: BoxOffice,
        ctx: CounterContext,
        hub: QObject | None = None,
        parent: QObject | None = None,
        *,
        ping_interval_ms: int = PING_INTERVAL_MS,
        resolve_interval_ms: int = RESOLVE_INTERVAL_MS,
        board_interval_ms: int = BOARD_INTERVAL_MS,
    ) -> None:
        super().__init__(parent)
        self.box = box
        self.ctx = ctx
        self.door = ctx.counter
        self.theater_id: int | None = None
        self.screen_id: int | None = None
        self.show_id: int | None = None
        self.setup: DoorSetup | None = None
        self.board: tuple[DoorShowStatus, ...] = ()
        self.connected = True
        self.pending: PendingScan | None = None
        self.scan_started_at: float | None = None  # perf_counter of the scan in flight
        self._scans = TaskRunner(self, max_threads=1)  # in the order they were scanned
        self._reads = TaskRunner(self, max_threads=1)
        self._scans_in_flight = 0
        self._resolving = False
        self._board_again = False
        self._board_loading = False
        self._hub = hub
        if hub is not None:
            hub.shows_changed.connect(self._on_hub_shows_changed)  # type: ignore[attr-defined]
            hub.reload_requested.connect(self._on_hub_reload_requested)  # type: ignore[attr-defined]
        self._ping = QTimer(self)
        self._ping.setInterval(ping_interval_ms)
        self._ping.timeout.connect(self._on_ping_timeout)
        self._resolve = QTimer(self)
        self._resolve.setInterval(resolve_interval_ms)
        self._resolve.timeout.connect(self._on_resolve_timeout)
        self._board_timer = QTimer(self)
        self._board_timer.setInterval(board_interval_ms)
        self._board_timer.timeout.connect(self._on_board_timer_timeout)

    # ------------------------------------------------------------------ life

    def set_intervals(self, *, ping_ms: int | None = None, resolve_ms: int | None = None) -> None:
        """How often the connection is checked and an uncertain admission looked up."""
        if ping_ms is not None:
            self._ping.setInterval(ping_ms)
        if resolve_ms is not None:
            self._resolve.setInterval(resolve_ms)

    def start(self) -> None:
        self.load_setup()
        self.refresh_board()
        self._ping.start()
        self._board_timer.start()

    def stop(self) -> None:
        for timer in (self._ping, self._resolve, self._board_timer):
            timer.stop()
        if self._hub is not None:
            try:
                self._hub.shows_changed.disconnect(self._on_hub_shows_changed)  # type: ignore[attr-defined]
                self._hub.reload_requested.disconnect(self._on_hub_reload_requested)  # type: ignore[attr-defined]
            except (RuntimeError, TypeError):  # already gone
                pass
            self._hub = None

    def is_busy(self) -> bool:
        return self._scans.is_busy() or self._reads.is_busy()

    def is_scanning(self) -> bool:
        return self._scans_in_flight > 0

    # ------------------------------------------------------------------ scanning

    def scan(self, text: str, people: int | None = None) -> None:
        """Send a scan (what the scanner typed) off the GUI thread; the answer comes back as
        ``scan_done`` or ``scan_failed``."""
        box, ctx = self.box, self.ctx
        show_id, screen_id, theater_id = self.show_id, self.screen_id, self.theater_id
        shown = door.canonical_code(text) or door.sanitise_scanned(text)
        self.scan_started_at = time.perf_counter()
        self._scans_in_flight += 1
        self.scan_started.emit(shown)
        self._scans.submit(
            lambda: door.admit(
                box,
                ctx,
                code=text,
                door=ctx.counter,
                people=people,
                show_id=show_id,
                screen_id=screen_id,
                theater_id=theater_id,
            ),
            on_done=self._on_scan_done,
            on_error=lambda exc: self._on_scan_error(exc, shown),
            label=f"Scanning {shown}",
        )

    def _on_scan_done(self, result: ScanResult) -> None:
        self._scans_in_flight -= 1
        self._set_connected(True, "")
        self.scan_done.emit(result)
        if result.admitted and result.show is not None:
            self._apply_counts(result)

    def _on_scan_error(self, exc: BaseException, shown: str) -> None:
        self._scans_in_flight -= 1
        if isinstance(exc, door.AdmissionUncertain):
            self.pending = exc.pending
            self._set_connected(False, exc.message)
            if not self._resolve.isActive():
                self._resolve.start()
            self.scan_failed.emit("UNCERTAIN", exc.message, shown)
        elif isinstance(exc, StorageUnavailable):
            self._set_connected(False, exc.message)
            self.scan_failed.emit(
                "CONNECTION_LOST",
                "The database cannot be reached: this scan was NOT recorded. Do not admit; "
                "scan again when the connection is back.",
                shown,
            )
        elif isinstance(exc, StorageBusy):
            self.scan_failed.emit(
                "BUSY",
                "The database was busy and did not answer in time: this scan was NOT recorded. "
                "Scan again.",
                shown,
            )
        elif isinstance(exc, ValidationError):
            self.scan_failed.emit("INVALID", exc.message, shown)
        elif isinstance(exc, DomainError):
            self.scan_failed.emit("REFUSED", exc.message, shown)
        else:
            self.scan_failed.emit(
                "ERROR",
                "An unexpected error stopped this scan; the guest was NOT admitted. The details "
                "are in the log.",
                shown,
            )

    # ------------------------------------------------------------------ uncertain commits

    @Slot()
    def _on_resolve_timeout(self) -> None:
        pending = self.pending
        if pending is None:
            self._resolve.stop()
            return
        if self._resolving:
            return
        self._resolving = True
        box, ctx = self.box, self.ctx
        self._scans.submit(
            lambda: door.resolve_scan(box, ctx, pending),
            on_done=self._on_resolve_done,
            on_error=self._on_resolve_error,
            label=f"Checking {pending.code}",
        )

    def _on_resolve_done(self, result: ScanResult) -> None:
        self._resolving = False
        self.pending = None
        self._resolve.stop()
        self._set_connected(True, "")
        self.scan_done.emit(result)
        self.refresh_board()

    def _on_resolve_error(self, exc: BaseException) -> None:
        self._resolving = False
        if not isinstance(exc, (StorageUnavailable, StorageBusy)):
            log.warning("looking up an uncertain admission failed: %r", exc)

    # ------------------------------------------------------------------ filter and board

    def set_filter(
        self,
        *,
        theater_id: int | None = None,
        screen_id: int | None = None,
        show_id: int | None = None,
    ) -> None:
        changed = (theater_id, screen_id) != (self.theater_id, self.screen_id)
        self.theater_id, self.screen_id, self.show_id = theater_id, screen_id, show_id
        if changed:
            self.refresh_board()

    def load_setup(self) -> None:
        box = self.box
        self._reads.submit(
            lambda: door_board.door_setup(box),
            on_done=self._on_setup_done,
            on_error=self._on_read_error,
            label="Loading the screens",
        )

    def _on_setup_done(self, setup: DoorSetup) -> None:
        self.setup = setup
        self.setup_loaded.emit(setup)

    def refresh_board(self) -> None:
        """Reload the shows at the doors (coalesced: one load in flight, one more after it)."""
        if self._board_loading:
            self._board_again = True
            return
        self._board_loading = True
        box, theater_id, screen_id = self.box, self.theater_id, self.screen_id
        self._reads.submit(
            lambda: door_board.shows_at_doors(box, theater_id=theater_id, screen_id=screen_id),
            on_done=self._on_board_done,
            on_error=self._on_board_error,
            label="Loading the shows at the doors",
        )

    def _on_board_done(self, board: tuple[DoorShowStatus, ...]) -> None:
        self._board_loading = False
        self.board = board
        self._set_connected(True, "")
        self.board_loaded.emit(board)
        if self._board_again:
            self._board_again = False
            self.refresh_board()

    def _on_board_error(self, exc: BaseException) -> None:
        self._board_loading = False
        self._on_read_error(exc)

    def _on_read_error(self, exc: BaseException) -> None:
        if isinstance(exc, StorageUnavailable):
            self._set_connected(False, exc.message)
        elif not isinstance(exc, DomainError):
            log.warning("a Door window read failed: %r", exc)

    def _apply_counts(self, result: ScanResult) -> None:
        """Our own admission's counts at once, without waiting for the change feed."""
        assert result.show is not None
        if result.show_sold is None or result.show_admitted is None:
            return
        updated = tuple(
            DoorShowStatus(s.show, result.show_sold, result.show_admitted, s.doors_open)
            if s.show.show_id == result.show.show_id
            else s
            for s in self.board
        )
        if updated != self.board:
            self.board = updated
            self.board_loaded.emit(updated)

    # ------------------------------------------------------------------ connection

    def _set_connected(self, ok: bool, message: str) -> None:
        if ok == self.connected:
            return
        self.connected = ok
        self.connection_changed.emit(ok, message)
        if ok:
            self.refresh_board()

    @Slot()
    def _on_ping_timeout(self) -> None:
        if self._reads.is_busy() or self._scans.is_busy():
            return
        box = self.box
        self._reads.submit(
            lambda: door_board.ping(box),
            on_done=lambda _none: self._set_connected(True, ""),
            on_error=self._on_read_error,
            label="Checking the database",
        )

    # ------------------------------------------------------------------ change feed

    @Slot(list)
    def _on_hub_shows_changed(self, show_ids: list[int]) -> None:
        shown = {s.show.show_id for s in self.board}
        if shown.intersection(show_ids):
            self.refresh_board()

    @Slot()
    def _on_hub_reload_requested(self) -> None:
        self.refresh_board()

    @Slot()
    def _on_board_timer_timeout(self) -> None:
        self.refresh_board()


__all__ = ["DoorController"]
