"""Long work with a progress bar, off the GUI thread (a two-week schedule on 12 screens).

``run_with_progress(parent, label, work)`` runs ``work(report)`` on a worker thread while the GUI
keeps painting; ``report(done, total)`` moves the bar (through a queued signal), and raises
``Stopped`` once the person pressed Stop, so the work can roll back and end. The result (or the
exception) comes back on the GUI thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import QEventLoop, QObject, Qt, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from bms_desktop.domain.errors import DomainError

T = TypeVar("T")
Report = Callable[[int, int], None]


class Stopped(DomainError):
    """The person pressed Stop; the work rolled back."""


class _Relay(QObject):
    progressed = Signal(int, int)
    finished = Signal()


def run_with_progress(
    parent: QWidget | None,
    label: str,
    work: Callable[[Report], T],
    *,
    stop_message: str = "stopped; nothing was changed",
) -> T:
    relay = _Relay()
    stop = threading.Event()
    outcome: dict[str, object] = {}
    dialog = QProgressDialog(label, "Stop", 0, 0, parent)
    dialog.setObjectName("progressDialog")
    dialog.setWindowTitle("Working…")
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(300)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    dialog.setMinimumWidth(420)
    dialog.canceled.connect(stop.set)

    def on_progress(done: int, total: int) -> None:
        if dialog.maximum() != total:
            dialog.setMaximum(max(1, total))
        dialog.setValue(done)
        dialog.setLabelText(f"{label}\n{done:,} of {total:,}")

    relay.progressed.connect(on_progress, Qt.ConnectionType.QueuedConnection)
    loop = QEventLoop()
    relay.finished.connect(loop.quit, Qt.ConnectionType.QueuedConnection)

    def report(done: int, total: int) -> None:
        if stop.is_set():
            raise Stopped(stop_message)
        relay.progressed.emit(done, total)

    def run() -> None:
        try:
            outcome["value"] = work(report)
        except BaseException as exc:  # handed to the GUI thread
            outcome["error"] = exc
        finally:
            relay.finished.emit()

    worker = threading.Thread(target=run, name="bms-progress", daemon=True)
    worker.start()
    loop.exec()
    worker.join()
    dialog.close()
    dialog.deleteLater()
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["value"]  # type: ignore[return-value]


__all__ = ["Report", "Stopped", "run_with_progress"]
