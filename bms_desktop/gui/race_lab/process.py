"""The race runs in a child process: ``bms-desktop race --stream`` (the same engine as the CLI).

Why a child process: the lab's window then does no database work at all, on any thread; a race
of 32 clerk threads cannot take the GUI's interpreter lock; the counter window that opened the
lab is never slowed down; and the figures on screen are, line for line, what the CLI prints.

Events arrive as lines on the child's standard output. ``readyRead`` only moves them into a
queue (a ``deque``); the window drains the queue on its frame timer, so a burst of hundreds of
attempts costs one repaint, not hundreds. Stop writes ``stop`` to the child's standard input: the
clerks finish their attempt, the database is checked, the result comes as usual. A child that
does not answer is killed after a grace period; the database is consistent either way (every step
of a sale is one transaction; a hold left behind expires).
"""

from __future__ import annotations

import json
import logging
from collections import deque
from typing import Any

from PySide6.QtCore import QObject, QProcess, QTimer, Signal, Slot

log = logging.getLogger(__name__)

STOP_GRACE_MS = 20_000


class RaceProcess(QObject):
    """One ``race --stream`` child. Signals: ``finished_run(int exit_code)``,
    ``failed(str message)`` (it could not start, or crashed)."""

    finished_run = Signal(int)
    failed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.queue: deque[dict[str, Any]] = deque()
        self._buffer = b""
        self._stderr = b""
        self._proc: QProcess | None = None
        self._kill_timer = QTimer(self)
        self._kill_timer.setSingleShot(True)
        self._kill_timer.timeout.connect(self._on_kill_timer_timeout)

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.state() != QProcess.ProcessState.NotRunning

    def start(self, command: list[str]) -> None:
        assert not self.running, "one race at a time"
        self.queue.clear()
        self._buffer = self._stderr = b""
        proc = QProcess(self)
        proc.setProgram(command[0])
        proc.setArguments(command[1:])
        proc.readyReadStandardOutput.connect(self._on_proc_ready_read_standard_output)
        proc.readyReadStandardError.connect(self._on_proc_ready_read_standard_error)
        proc.finished.connect(self._on_proc_finished)
        proc.errorOccurred.connect(self._on_proc_error_occurred)
        self._proc = proc
        proc.start()

    def stop(self) -> None:
        """Ask the race to stop (the clerks finish their attempt; the result still comes)."""
        if self._proc is not None and self.running:
            self._proc.write(b"stop\n")
            self._kill_timer.start(STOP_GRACE_MS)

    def kill(self) -> None:
        if self._proc is not None and self.running:
            self._proc.kill()
            self._proc.waitForFinished(5000)

    def drain(self, limit: int = 100_000) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        while self.queue and len(out) < limit:
            out.append(self.queue.popleft())
        return out

    def _feed(self, data: bytes) -> None:
        self._buffer += data
        *lines, self._buffer = self._buffer.split(b"\n")
        for raw in lines:
            line = raw.strip()
            if not line:
                continue
            try:
                event = json.loads(line)
            except ValueError:
                log.warning("race lab: a line that is not an event: %r", line[:200])
                continue
            if isinstance(event, dict):
                self.queue.append(event)

    @Slot()
    def _on_proc_ready_read_standard_output(self) -> None:
        assert self._proc is not None
        self._feed(bytes(self._proc.readAllStandardOutput().data()))

    @Slot()
    def _on_proc_ready_read_standard_error(self) -> None:
        assert self._proc is not None
        self._stderr = (self._stderr + bytes(self._proc.readAllStandardError().data()))[-8000:]

    @Slot(int, QProcess.ExitStatus)
    def _on_proc_finished(self, code: int, status: QProcess.ExitStatus) -> None:
        self._kill_timer.stop()
        assert self._proc is not None
        self._feed(bytes(self._proc.readAllStandardOutput().data()) + b"\n")
        if self._stderr.strip():
            log.info("race lab child stderr: %s", self._stderr.decode(errors="replace")[-2000:])
        if status == QProcess.ExitStatus.CrashExit:
            self.failed.emit(
                "The race stopped unexpectedly; the database is checked on the next run."
            )
        self.finished_run.emit(code)

    @Slot(QProcess.ProcessError)
    def _on_proc_error_occurred(self, error: QProcess.ProcessError) -> None:
        if error == QProcess.ProcessError.FailedToStart:
            self.failed.emit("The race could not be started (the program was not found).")

    @Slot()
    def _on_kill_timer_timeout(self) -> None:
        self.kill()

    def last_error_line(self) -> str:
        """The child's last line on stderr (a refusal: one readable line, exit code 2)."""
        lines = [ln for ln in self._stderr.decode(errors="replace").splitlines() if ln.strip()]
        return lines[-1] if lines else ""
