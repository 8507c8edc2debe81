"""The hold sweeper: every so often, expire the holds whose time ran out (DESIGN.md section 3).

Every read path already treats a run-out hold as free, and the next hold on those seats expires
it in its own transaction. The sweeper is for what no read path sees: a ticket whose hold ran
out and that nobody touches again (a terminal closed mid-sale, a process killed between the
thread strategy's commits): its seats go back on sale and the ticket becomes EXPIRED.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from bms_desktop.gui.workers import TaskRunner
from bms_desktop.services import cancellation
from bms_desktop.services.context import BoxOffice

log = logging.getLogger(__name__)
DEFAULT_INTERVAL_MS = 30_000


class HoldSweeper(QObject):
    """Runs ``cancellation.expire_holds`` off the GUI thread on a timer, one sweep at a time.

    Signals:
        swept(int): a sweep finished; how many tickets it expired.
    """

    swept = Signal(int)

    def __init__(
        self,
        box: BoxOffice,
        *,
        interval_ms: int = DEFAULT_INTERVAL_MS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._box = box
        self._runner = TaskRunner(self, max_threads=1)
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._on_timer_timeout)

    def start(self) -> None:
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()
        self._runner.shutdown()

    def sweep_now(self) -> None:
        if self._runner.is_busy():
            return
        self._runner.submit(
            lambda: cancellation.expire_holds(self._box),
            on_done=self._on_sweep_done,
            on_error=self._on_sweep_failed,
            label="expiring run-out holds",
        )

    @Slot()
    def _on_timer_timeout(self) -> None:
        self.sweep_now()

    def _on_sweep_done(self, expired: object) -> None:
        count = int(expired) if isinstance(expired, int) else 0
        if count:
            log.info("the sweeper expired %d run-out hold(s)", count)
        self.swept.emit(count)

    def _on_sweep_failed(self, error: BaseException) -> None:
        # A busy database or a lost connection: the next sweep tries again.
        log.warning("hold sweep failed: %s", error)
        self.swept.emit(0)
