"""The first-run checklist: a short list of what a new cinema still needs, ticking itself off.

It asks ``services.admin.setup.setup_progress`` (off the GUI thread) whenever an area says it
saved something (``AdminWindow`` calls ``refresh()``), so it reflects the data, not the clicks:
a clerk added by another administrator on another terminal ticks it off too.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import QFrame, QPushButton, QVBoxLayout, QWidget

from bms_desktop.domain.errors import DomainError
from bms_desktop.gui.dialogs.common import styled_label
from bms_desktop.gui.theme import set_style_property
from bms_desktop.gui.workers import TaskRunner
from bms_desktop.services.admin import setup
from bms_desktop.services.admin.dto import SetupProgress
from bms_desktop.services.context import BoxOffice

DONE_MARK = "\u2714"  # ✔
TODO_MARK = "\u25cb"  # ○


class SetupChecklistWidget(QFrame):
    """Signals:
    area_requested(str): a step was clicked: open this console area.
    progress_changed(object): a new ``SetupProgress`` arrived.
    """

    area_requested = Signal(str)
    progress_changed = Signal(object)

    def __init__(self, box: BoxOffice, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._box = box
        self._runner = runner
        self.progress: SetupProgress | None = None
        self._pending = False
        self._again = False
        self.setObjectName("setupChecklist")
        self.setProperty("class", "card")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.setSpacing(4)
        self.heading = styled_label("Getting started", "heading", self)
        layout.addWidget(self.heading)
        self.summary = styled_label("", "small", self)
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self._buttons: dict[str, QPushButton] = {}
        for key, title, area in setup.STEPS:
            button = QPushButton(f"{TODO_MARK}  {title}", self)
            button.setObjectName(f"step_{key}")
            button.setProperty("class", "checkStep")
            button.setCursor(Qt.CursorShape.PointingHandCursor)
            button.setAutoDefault(False)
            button.clicked.connect(lambda _c=False, a=area: self.area_requested.emit(a))
            layout.addWidget(button)
            self._buttons[key] = button

    # ------------------------------------------------------------------ data

    def refresh(self) -> None:
        """Ask the service again (one question at a time; a refresh asked meanwhile runs after)."""
        if self._pending:
            self._again = True
            return
        self._pending = True
        box = self._box
        self._runner.submit(
            lambda: setup.setup_progress(box),
            on_done=self._on_progress_loaded,
            on_error=self._on_progress_failed,
            label="Checking the first-run steps",
        )

    def is_loading(self) -> bool:
        return self._pending

    def step_done(self, key: str) -> bool:
        if self.progress is None:
            return False
        return any(s.key == key and s.done for s in self.progress.steps)

    def set_progress(self, progress: SetupProgress) -> None:
        self.progress = progress
        for step in progress.steps:
            button = self._buttons.get(step.key)
            if button is None:
                continue
            button.setText(f"{DONE_MARK if step.done else TODO_MARK}  {step.title}")
            set_style_property(button, "done", step.done)
            button.setToolTip("Done" if step.done else "Not yet: click to go there")
            font = button.font()
            font.setStrikeOut(step.done)
            button.setFont(font)
        total = len(progress.steps)
        if progress.done:
            self.summary.setText("All set: clerks can sign in at a counter and sell tickets.")
        else:
            self.summary.setText(f"{progress.done_count} of {total} done. Click a step to do it.")
        self.progress_changed.emit(progress)

    # ------------------------------------------------------------------ slots

    def _finish(self) -> None:
        self._pending = False
        if self._again:
            self._again = False
            self.refresh()

    def _on_progress_loaded(self, progress: SetupProgress) -> None:
        self.set_progress(progress)
        self._finish()

    def _on_progress_failed(self, exc: BaseException) -> None:
        message = exc.message if isinstance(exc, DomainError) else "could not read the progress"
        self.summary.setText(message)
        self._finish()

    @Slot()
    def _on_area_data_changed(self) -> None:
        self.refresh()
