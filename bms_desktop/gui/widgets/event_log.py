"""A counter's event log: every lock wait, conflict, retry, safety-net catch, expiry, hold and sale,
with the time (to the millisecond, in the cinema's time zone) and how long it took.

Entries come from the services' ``ConcurrencyReport.events`` and from the counter's
``SaleController`` (what it saw other counters do, what the clerk did), into an
``EventLogModel`` (``gui/models/event_log_model.py``) that the controller owns;
``EventLogWidget`` shows it newest-at-the-bottom and follows new rows.

"What happened" is the column that stretches. When the log is too narrow for all four columns
(two counters side by side on a small screen), it goes compact: the time loses its milliseconds
and the kind of event moves in front of the message (its colour stays); the tooltip of a row
always has everything.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Final

from PySide6.QtCore import QModelIndex, Qt, Signal, Slot
from PySide6.QtGui import QFont, QFontMetrics, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from bms_desktop.gui.models.event_log_model import (
    COL_KIND,
    COL_MESSAGE,
    COL_MS,
    COL_TIME,
    KIND_LABELS,
    EventLogModel,
    LogEntry,
)
from bms_desktop.gui.widgets.elided_label import ElidedLabel
from bms_desktop.services.dto import ConcurrencyEvent, ConcurrencyReport

MIN_MESSAGE_PX: Final = 220  # narrower than this with all columns: the log goes compact
CELL_PAD_PX: Final = 24  # the style sheet's item padding, the style's text margins, some air


class EventLogWidget(QWidget):
    """The log panel of one counter window.

    Signals:
        entry_added(str): the kind of the newest entry (``CONFLICT``, ``SALE``...).
    """

    entry_added = Signal(str)

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        clock: Callable[[], datetime] | None = None,
        counter: str = "",
        model: EventLogModel | None = None,
    ) -> None:
        super().__init__(parent)
        self._clock: Callable[[], datetime] = clock or (lambda: datetime.now(UTC))
        self.model = model if model is not None else EventLogModel(self)
        self._follow = True
        self.model.rowsAboutToBeInserted.connect(self._on_model_rows_about_to_be_inserted)
        self.model.rowsInserted.connect(self._on_model_rows_inserted)
        self.model.modelReset.connect(self._on_model_model_reset)
        self.view = QTableView(self)
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setShowGrid(False)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        self.view.verticalHeader().hide()
        self.view.setAccessibleName("Event log")
        self.view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.view.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = self.view.horizontalHeader()
        for col in (COL_TIME, COL_KIND, COL_MS):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(COL_MESSAGE, QHeaderView.ResizeMode.Stretch)
        header.setHighlightSections(False)
        header.setMinimumSectionSize(24)
        fm = self.fontMetrics()
        bold = QFont(self.font())
        bold.setBold(True)
        fm_bold = QFontMetrics(bold)
        header_bold = QFont(header.font())
        header_bold.setBold(True)  # the style sheet sets section titles in bold
        header_fm = QFontMetrics(header_bold)
        pad = CELL_PAD_PX
        self._time_widths = (
            max(fm.horizontalAdvance("00:00:00.000"), header_fm.horizontalAdvance("Time (+0530)"))
            + pad,  # full
            fm.horizontalAdvance("00:00:00") + pad,  # compact
        )
        self._kind_width = max(fm_bold.horizontalAdvance(k) for k in KIND_LABELS.values()) + pad
        self._ms_width = (
            max(fm.horizontalAdvance("10,000"), header_fm.horizontalAdvance("ms")) + pad
        )
        self.view.setColumnWidth(COL_TIME, self._time_widths[0])
        self.view.setColumnWidth(COL_KIND, self._kind_width)
        self.view.setColumnWidth(COL_MS, self._ms_width)
        fm_height = fm.height()
        self.view.verticalHeader().setDefaultSectionSize(fm_height + 8)

        self.title_label = ElidedLabel("", self)
        self.title_label.setObjectName("panelSubtitle")
        self.count_label = QLabel(self)
        self.count_label.setStyleSheet("color: #5F646B;")
        self.clear_button = QPushButton("Clear", self)
        self.clear_button.setAccessibleName("Clear the event log")
        self.clear_button.clicked.connect(self._on_clear_button_clicked)

        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.title_label, 1)
        top.addWidget(self.count_label)
        top.addWidget(self.clear_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        self.set_counter(counter)
        self._update_count()

    # ------------------------------------------------------------------ public

    def set_counter(self, counter: str) -> None:
        self.title_label.setText(
            f"What {counter} did and saw" if counter else "What this counter did and saw"
        )

    def add(
        self, kind: str, message: str, *, elapsed_ms: float = 0.0, at: datetime | None = None
    ) -> LogEntry:
        return self.model.add(at or self._clock(), kind, message, elapsed_ms)

    def add_events(self, events: Iterable[ConcurrencyEvent]) -> int:
        return self.model.append(LogEntry(e.at, e.kind, e.message, e.elapsed_ms) for e in events)

    def add_report(self, report: ConcurrencyReport) -> int:
        return self.add_events(report.events)

    def entries(self) -> tuple[LogEntry, ...]:
        return self.model.entries()

    def kinds(self) -> list[str]:
        return [e.kind for e in self.model.entries()]

    def clear(self) -> None:
        self.model.clear()

    def is_compact(self) -> bool:
        """Too narrow for all four columns: the kind column is hidden (see the module doc)."""
        return self.model.is_compact()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_columns()

    # ------------------------------------------------------------------ internals

    def _fit_columns(self) -> None:
        """Fixed, compact time, kind and ms columns; "What happened" takes the rest. Decided on
        the widget's width (not the viewport's, which a scroll bar changes) so it never flips."""
        room = self.width() - self.view.verticalScrollBar().sizeHint().width() - 4
        full = self._time_widths[0] + self._kind_width + self._ms_width
        compact = room - full < MIN_MESSAGE_PX
        self.model.set_compact(compact)
        self.view.setColumnHidden(COL_KIND, compact)
        self.view.setColumnWidth(COL_TIME, self._time_widths[1 if compact else 0])

    @Slot(QModelIndex, int, int)
    def _on_model_rows_about_to_be_inserted(self, _parent: QModelIndex, _a: int, _b: int) -> None:
        bar = self.view.verticalScrollBar()
        self._follow = bar.value() >= bar.maximum() - 2

    @Slot(QModelIndex, int, int)
    def _on_model_rows_inserted(self, _parent: QModelIndex, _first: int, _last: int) -> None:
        if self._follow:
            self.view.scrollToBottom()
        self._update_count()
        self.entry_added.emit(self.model.entries()[-1].kind)

    @Slot()
    def _on_model_model_reset(self) -> None:
        self._update_count()

    def _update_count(self) -> None:
        n = self.model.rowCount()
        self.count_label.setText(f"{n} event{'s' if n != 1 else ''}")
        self.clear_button.setEnabled(n > 0)

    @Slot()
    def _on_clear_button_clicked(self) -> None:
        self.clear()


__all__ = ["EventLogModel", "EventLogWidget", "LogEntry"]
