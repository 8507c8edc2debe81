"""The change hub: one per process, shared by every window of it.

It owns the change feed (``services.ports.ChangeFeed``) and polls it on the GUI thread with a
timer. A poll never blocks: on SQLite it is one ``PRAGMA data_version`` (microseconds) and only when
that moved a read of the new audit rows; on PostgreSQL it drains a queue that a listener thread
fills. Windows of this process also ``announce()`` their own changes, so that a sale in one window
reaches the other windows at once, without waiting for the next poll.

Signals:
    shows_changed(list): show ids that some counter changed (sorted, no duplicates).
    reload_requested(): the feed lost track (e.g. after a reconnect): reload everything shown.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Final

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot

from bms_desktop.services.ports import ChangeFeed

log = logging.getLogger(__name__)

POLL_INTERVAL_MS: Final = 100


class ChangeHub(QObject):
    shows_changed = Signal(list)
    reload_requested = Signal()

    def __init__(
        self,
        feed: ChangeFeed,
        parent: QObject | None = None,
        *,
        interval_ms: int = POLL_INTERVAL_MS,
        start: bool = True,
    ) -> None:
        super().__init__(parent)
        self._feed: ChangeFeed | None = feed
        self._polls = 0
        self._errors = 0
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        # Coarse timers may be late by 5 %: fine for 100 ms, and they let the CPU sleep longer.
        self._timer.setTimerType(Qt.TimerType.CoarseTimer)
        self._timer.timeout.connect(self._on_timer_timeout)
        if start:
            self._timer.start()

    # ------------------------------------------------------------------ public

    def announce(self, show_ids: Iterable[int]) -> None:
        """A window of this process changed these shows: tell every window now."""
        ids = sorted({int(i) for i in show_ids})
        if ids:
            self.shows_changed.emit(ids)

    def poll_now(self) -> set[int] | None:
        """Poll the feed once, emit what it says and return it (tests, benchmarks)."""
        if self._feed is None:
            return set()
        self._polls += 1
        try:
            changed = self._feed.poll()
        except Exception:
            # A feed must not raise, but if it does the hub keeps going and asks for a reload.
            self._errors += 1
            log.exception("the change feed failed; asking the windows to reload")
            changed = None
        if changed is None:
            self.reload_requested.emit()
        elif changed:
            self.shows_changed.emit(sorted(changed))
        return changed

    def start(self) -> None:
        if self._feed is not None and not self._timer.isActive():
            self._timer.start()

    def stop(self) -> None:
        """Stop polling and close the feed (idempotent)."""
        self._timer.stop()
        feed, self._feed = self._feed, None
        if feed is not None:
            feed.close()

    def is_running(self) -> bool:
        return self._timer.isActive()

    def interval_ms(self) -> int:
        return self._timer.interval()

    def poll_count(self) -> int:
        return self._polls

    # ------------------------------------------------------------------ slots

    @Slot()
    def _on_timer_timeout(self) -> None:
        self.poll_now()


__all__ = ["POLL_INTERVAL_MS", "ChangeHub"]
