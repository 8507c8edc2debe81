"""The base of every page of the admin console.

An area is one page of ``AdminWindow`` (Cities & cinemas, Screens, Movies...): a title, a row of
action buttons, a message line and, usually, a ``RecordTableWidget``. It loads its data from the
services off the GUI thread (``refresh()`` -> ``self.load(...)``), opens a ``RecordDialog`` per
record, and emits ``data_changed`` after every successful save so that the first-run checklist
and the other areas know to look again.

Subclasses set ``area_title``, ``area_key`` (a stable name the checklist and ``AdminWindow.
show_area`` use) and ``minimum_role`` (ADMIN unless the issue lets a supervisor look), build
their widgets in ``__init__`` after ``super().__init__``, and implement ``refresh()``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, ClassVar

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from bms_desktop.domain.errors import DomainError
from bms_desktop.domain.model import Role
from bms_desktop.gui.dialogs.common import MessageLabel, styled_button, styled_label
from bms_desktop.gui.workers import TaskRunner
from bms_desktop.services.context import BoxOffice, CounterContext

log = logging.getLogger(__name__)


class AdminAreaWidget(QWidget):
    """One page of the admin console. See the module docstring.

    Signals:
        data_changed(): something was saved (the checklist and other areas reload).
        loading_changed(bool): a background load started or ended.
    """

    area_title: ClassVar[str] = "Area"
    area_key: ClassVar[str] = "area"
    area_hint: ClassVar[str] = ""  # one line under the title
    minimum_role: ClassVar[Role] = Role.ADMIN

    data_changed = Signal()
    loading_changed = Signal(bool)

    def __init__(
        self,
        box: BoxOffice,
        ctx: CounterContext,
        runner: TaskRunner,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.box = box
        self.ctx = ctx
        self.runner = runner
        self.stale = True  # needs a refresh the next time it is shown
        self._loads = 0
        self.setObjectName(f"{self.area_key}Area")

        self.page_layout = QVBoxLayout(self)
        self.page_layout.setContentsMargins(16, 12, 16, 12)
        self.page_layout.setSpacing(8)
        title_row = QHBoxLayout()
        title_row.setSpacing(10)
        self.title_label = styled_label(self.area_title, "title", self)
        title_row.addWidget(self.title_label)
        title_row.addStretch(1)
        self.toolbar = QHBoxLayout()
        self.toolbar.setSpacing(6)
        title_row.addLayout(self.toolbar)
        self.page_layout.addLayout(title_row)
        if self.area_hint:
            hint = styled_label(self.area_hint, "muted", self)
            hint.setWordWrap(True)
            self.page_layout.addWidget(hint)
        self.message = MessageLabel(self)
        self.page_layout.addWidget(self.message)

    # ------------------------------------------------------------------ for subclasses

    @property
    def read_only(self) -> bool:
        """A supervisor may look at some areas; only an administrator changes anything."""
        return not self.ctx.role.at_least(Role.ADMIN)

    def add_action(
        self,
        text: str,
        slot: Callable[[], object],
        *,
        role: str | None = None,
        object_name: str = "",
        needs_admin: bool = True,
        tooltip: str = "",
    ) -> QPushButton:
        """A button in the area's toolbar (hidden for a supervisor when it changes data)."""
        button = styled_button(text, role, self)
        if object_name:
            button.setObjectName(object_name)
        if tooltip:
            button.setToolTip(tooltip)
        button.clicked.connect(lambda _checked=False: slot())
        button.setVisible(not (needs_admin and self.read_only))
        self.toolbar.addWidget(button)
        return button

    def refresh(self) -> None:
        """Reload what the page shows from the services (off the GUI thread)."""
        self.stale = False

    def load(
        self,
        work: Callable[[], Any],
        on_done: Callable[[Any], None],
        *,
        label: str = "",
        on_error: Callable[[BaseException], None] | None = None,
    ) -> int:
        """Run ``work`` (a service read) on the runner; ``on_done`` gets its result on the GUI
        thread. A refusal or failure goes to the message line unless ``on_error`` is given."""
        self._loads += 1
        if self._loads == 1:
            self.loading_changed.emit(True)

        def done(result: Any) -> None:
            self._load_finished()
            on_done(result)

        def failed(exc: BaseException) -> None:
            self._load_finished()
            if on_error is not None:
                on_error(exc)
            else:
                self.show_failure(exc)

        return self.runner.submit(
            work, on_done=done, on_error=failed, label=label or f"Loading {self.area_title}"
        )

    def is_loading(self) -> bool:
        return self._loads > 0

    def show_failure(self, exc: BaseException) -> None:
        """A domain error's own message; anything else as a short apology (it is logged)."""
        if isinstance(exc, DomainError):
            self.message.show_error(exc.message)
        else:
            log.error("admin area %s: %r", self.area_key, exc)
            self.message.show_error(
                "something went wrong while talking to the database; the details are in the log"
            )

    def saved(self, text: str = "") -> None:
        """After a successful save: say so, tell the console, reload."""
        if text:
            self.message.show_success(text)
        self.data_changed.emit()
        self.refresh()

    def _load_finished(self) -> None:
        self._loads = max(0, self._loads - 1)
        if self._loads == 0:
            self.loading_changed.emit(False)

    @Slot()
    def mark_stale(self) -> None:
        self.stale = True
