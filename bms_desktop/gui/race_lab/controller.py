"""The lab's flow, without widgets: start a race child, fold its events once per frame, stop it.

Frames: a 33 ms timer drains the child's event queue (``process.RaceProcess``), folds the events
into ``LabState`` and emits ``frame`` once with what changed, so the window repaints once per
frame whatever the number of clerks. The time each frame's work took is kept
(``frame_times_ms``) for bench/bench_race_lab.py.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from bms_desktop.gui.race_lab.events import LabState, race_command
from bms_desktop.gui.race_lab.process import RaceProcess

FRAME_MS = 33
STRATEGIES = ("pessimistic", "optimistic", "thread", "naive")


@dataclass(frozen=True)
class LabSettings:
    db_url: str
    strategy: str  # one of STRATEGIES, or "compare"
    clerks: int = 8
    mode: str = "processes"
    seats: int = 600
    seats_per_booking: int = 2
    delay_ms: int = 0
    duration_s: float = 120.0  # "until sold out" is a generous limit
    seed: int | None = None
    throwaway_copy: bool = False

    @property
    def compare(self) -> bool:
        return self.strategy == "compare"

    def command(self) -> list[str]:
        return race_command(
            db_url=self.db_url,
            strategy="pessimistic" if self.compare else self.strategy,
            clerks=self.clerks,
            mode=self.mode,
            seats=self.seats,
            seats_per_booking=self.seats_per_booking,
            delay_ms=self.delay_ms,
            duration_s=self.duration_s,
            compare=list(STRATEGIES) if self.compare else None,
            seed=self.seed,
            throwaway_copy=self.throwaway_copy,
        )


@dataclass(frozen=True)
class Frame:
    """What one frame brought: new runs, new attempts, results, the end."""

    new_run: bool
    attempts: int
    results: int
    progress: bool


class RaceLabController(QObject):
    """Signals: ``started()``, ``frame(Frame)``, ``finished(bool ok, str message)``."""

    started = Signal()
    frame = Signal(object)
    finished = Signal(bool, str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.state = LabState()
        self.settings: LabSettings | None = None
        self.process = RaceProcess(self)
        self.process.finished_run.connect(self._on_process_finished_run)
        self.process.failed.connect(self._on_process_failed)
        self._timer = QTimer(self)
        self._timer.setInterval(FRAME_MS)
        self._timer.timeout.connect(self._on_timer_timeout)
        self.frame_times_ms: list[float] = []
        self.frame_cpu_ms: list[float] = []  # the same frames, as CPU time of the GUI thread
        self.stopping = False
        self._failure = ""

    @property
    def running(self) -> bool:
        return self.process.running

    def start(self, settings: LabSettings) -> None:
        if self.running:
            return
        self.settings = settings
        self.state = LabState()
        self.stopping = False
        self._failure = ""
        self.frame_times_ms.clear()
        self.frame_cpu_ms.clear()
        self.process.start(settings.command())
        self._timer.start()
        self.started.emit()

    def stop(self) -> None:
        if self.running:
            self.stopping = True
            self.process.stop()

    def shutdown(self) -> None:
        """The window closes: stop the race (kill it when it does not answer quickly)."""
        if self.running:
            self.process.stop()
            self.process.kill()
        self._timer.stop()

    def pump(self) -> Frame | None:
        """Fold what the child said since the last frame; None when nothing came."""
        events = self.process.drain()
        if not events:
            return None
        runs_before = len(self.state.runs)
        attempts = results = 0
        progress = False
        for e in events:
            kind = self.state.apply(e)
            attempts += kind == "attempt"
            results += kind in ("result", "final")
            progress = progress or kind == "progress"
        return Frame(len(self.state.runs) != runs_before, attempts, results, progress)

    @Slot()
    def _on_timer_timeout(self) -> None:
        t0, c0 = time.perf_counter(), time.thread_time()
        got = self.pump()
        if got is not None:
            self.frame.emit(got)
            self.frame_times_ms.append((time.perf_counter() - t0) * 1000.0)
            self.frame_cpu_ms.append((time.thread_time() - c0) * 1000.0)

    @Slot(int)
    def _on_process_finished_run(self, code: int) -> None:
        self._timer.stop()
        got = self.pump()
        if got is not None:
            self.frame.emit(got)
        if self.state.refused:
            message = self.state.refused
        elif self.state.final is None:
            message = (
                self._failure
                or self.process.last_error_line()
                or ("The race ended without a result.")
            )
        else:
            message = ""
        ok = self.state.final is not None and code in (0, 1)
        self.finished.emit(ok, message)

    @Slot(str)
    def _on_process_failed(self, message: str) -> None:
        self._failure = message
        if not self.running:
            self._timer.stop()
            self.finished.emit(False, message)
