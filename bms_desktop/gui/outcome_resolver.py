"""After a commit whose outcome is unknown: wait for the database, look it up, tell the window.

A window's controller hands an ``OutcomeUnknown`` (a hold, confirm, release or cancellation whose
connection was lost at commit) to ``resolve_when_back``. The resolver says at once what it is doing
("Checking whether the sale of BMS-… went through…"), waits for the ``ConnectionMonitor`` to see
the database again (or tries at once if it is there), then runs ``services.outcomes.resolve`` off
the GUI thread; if the database went away again meanwhile it waits for the next return. Never
repeats the operation itself.

Signals:
    checking(str): what is being looked up, for the basket / status bar.
    resolved(object): the ``OutcomeResolution`` (its ``message`` is the truth to show; its
        ``hold`` / ``confirmation`` / ``refund`` let the window carry on).
    failed(object): a refusal other than "unreachable" (shown like any service error).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal, Slot

from bms_desktop.gui.connection_monitor import ConnectionMonitor
from bms_desktop.gui.workers import TaskRunner
from bms_desktop.services import outcomes
from bms_desktop.services.context import BoxOffice, CounterContext
from bms_desktop.services.outcome_guard import OperationKind
from bms_desktop.services.ports import OutcomeUnknown, StorageUnavailable


def checking_text(unknown: OutcomeUnknown) -> str:
    kind = OperationKind(unknown.kind) if unknown.kind else None
    what = kind.what if kind is not None else "the last change"
    of = (
        f" of {unknown.ticket_code}"
        if unknown.ticket_code
        else f" of ticket #{unknown.ticket_id}"
        if unknown.ticket_id
        else ""
    )
    return f"Connection lost while saving: checking whether {what}{of} went through…"


class OutcomeResolver(QObject):
    checking = Signal(str)
    resolved = Signal(object)
    failed = Signal(object)

    def __init__(
        self,
        box: BoxOffice,
        context: Callable[[], CounterContext],
        monitor: ConnectionMonitor,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._box = box
        self._context = context
        self._monitor = monitor
        self._waiting: list[OutcomeUnknown] = []
        self._runner = TaskRunner(self, max_threads=1)
        monitor.connection_restored.connect(self._on_monitor_connection_restored)

    def pending(self) -> int:
        """Unknown outcomes not resolved yet."""
        return len(self._waiting) + (1 if self._runner.is_busy() else 0)

    def resolve_when_back(self, unknown: OutcomeUnknown) -> None:
        self.checking.emit(checking_text(unknown))
        self._monitor.report(unknown)
        if unknown.kind is None:  # nothing to look up: say so, do not guess
            self.failed.emit(unknown)
            return
        if self._monitor.is_lost():
            self._waiting.append(unknown)
        else:
            self._look_up(unknown)

    def _look_up(self, unknown: OutcomeUnknown) -> None:
        box, ctx = self._box, self._context()
        self._runner.submit(
            lambda: outcomes.resolve(box, ctx, unknown),
            on_done=self.resolved.emit,
            on_error=lambda exc: self._on_look_up_failed(unknown, exc),
            label=checking_text(unknown),
        )

    def _on_look_up_failed(self, unknown: OutcomeUnknown, exc: BaseException) -> None:
        if isinstance(exc, StorageUnavailable):  # away again: wait for the next return
            self._waiting.append(unknown)
            self._monitor.report(exc)  # (the monitor probes until it is back)
            return
        self.failed.emit(exc)

    @Slot(float)
    def _on_monitor_connection_restored(self, _seconds: float) -> None:
        waiting, self._waiting = self._waiting, []
        for unknown in waiting:
            self._look_up(unknown)


__all__ = ["OutcomeResolver", "checking_text"]
