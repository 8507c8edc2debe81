"""A counter's event log: every lock wait, conflict, retry, safety-net catch, expiry, hold and sale,
with the time (to the millisecond) and how long it took.

Entries come from the services' ``ConcurrencyReport.events`` and from the window itself (what it
saw other counters do, what the clerk did). ``EventLogModel`` is a plain table model (checked with
qtmodeltester); ``EventLogWidget`` shows it newest-at-the-bottom and follows new rows.

"What happened" is the column that stretches. When the log is too narrow for all four columns
(two counters side by side on a small screen), it goes compact: the time loses its milliseconds
and the kind of event moves in front of the message (its colour stays); the tooltip of a row
always has everything.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal, Slot
from PySide6.QtGui import QColor, QFont, QFontMetrics, QResizeEvent
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

from bms_desktop.gui.widgets.elided_label import ElidedLabel
from bms_desktop.services.dto import ConcurrencyEvent, ConcurrencyReport

MAX_ENTRIES: Final = 5000
MIN_MESSAGE_PX: Final = 220  # narrower than this with all columns: the log goes compact
CELL_PAD_PX: Final = 24  # the style sheet's item padding, the style's text margins, some air

EventKindRole: Final = Qt.ItemDataRole.UserRole + 1
EventAtRole: Final = Qt.ItemDataRole.UserRole + 2
ElapsedMsRole: Final = Qt.ItemDataRole.UserRole + 3

COL_TIME: Final = 0
COL_KIND: Final = 1
COL_MESSAGE: Final = 2
COL_MS: Final = 3
HEADERS: Final = ("Time", "Event", "What happened", "ms")

KIND_LABELS: Final[dict[str, str]] = {
    "LOCK_WAIT": "Lock wait",
    "LOCK_TIMEOUT": "Lock timeout",
    "CONFLICT": "Conflict",
    "RETRY": "Retry",
    "SAFETY_NET": "Safety net",
    "EXPIRY": "Expiry",
    "HOLD": "Hold",
    "SALE": "Sale",
    "RELEASE": "Release",
    "DELAY": "Delay",
    "COUPON": "Coupon",
    "PAYMENT": "Payment",
    "PRINT": "Print",
    "STRATEGY": "Strategy",
    "REMOTE": "Other counter",
    "ERROR": "Error",
    "INFO": "Info",
}

_ALERT = QColor("#B23A00")  # vermillion, darkened for text on white
_WAIT = QColor("#8A5A00")
_GOOD = QColor("#00694D")
_QUIET = QColor("#5F646B")
KIND_COLOURS: Final[dict[str, QColor]] = {
    "CONFLICT": _ALERT,
    "SAFETY_NET": _ALERT,
    "LOCK_TIMEOUT": _ALERT,
    "ERROR": _ALERT,
    "LOCK_WAIT": _WAIT,
    "RETRY": _WAIT,
    "EXPIRY": _WAIT,
    "DELAY": _QUIET,
    "HOLD": _GOOD,
    "SALE": _GOOD,
    "REMOTE": _QUIET,
    "STRATEGY": _QUIET,
    "INFO": _QUIET,
}

Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True, slots=True)
class LogEntry:
    at: datetime
    kind: str
    message: str
    elapsed_ms: float = 0.0

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind.replace("_", " ").capitalize())

    @property
    def time_text(self) -> str:
        local = self.at.astimezone() if self.at.tzinfo is not None else self.at
        return f"{local:%H:%M:%S}.{local.microsecond // 1000:03d}"

    @property
    def short_time_text(self) -> str:
        local = self.at.astimezone() if self.at.tzinfo is not None else self.at
        return f"{local:%H:%M:%S}"

    @property
    def tooltip(self) -> str:
        took = f" · took {self.elapsed_text} ms" if self.elapsed_ms else ""
        return f"{self.time_text} · {self.kind_label}{took}\n{self.message}"

    @property
    def elapsed_text(self) -> str:
        if not self.elapsed_ms:
            return ""
        return f"{self.elapsed_ms:,.0f}" if self.elapsed_ms >= 10 else f"{self.elapsed_ms:.1f}"


class EventLogModel(QAbstractTableModel):
    """Log entries, oldest first, capped at ``MAX_ENTRIES`` (the oldest go first)."""

    def __init__(self, parent: Any = None, *, max_entries: int = MAX_ENTRIES) -> None:
        super().__init__(parent)
        self._entries: list[LogEntry] = []
        self._max = max_entries
        self._compact = False
        self._bold = QFont()
        self._bold.setBold(True)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._entries)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(HEADERS):
            if role == Qt.ItemDataRole.DisplayRole:
                return HEADERS[section]
            if role == Qt.ItemDataRole.TextAlignmentRole and section == COL_MS:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._entries):
            return None
        entry = self._entries[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if self._compact:
                return (
                    entry.short_time_text,
                    entry.kind_label,
                    f"{entry.kind_label}: {entry.message}",
                    entry.elapsed_text,
                )[col]
            return (entry.time_text, entry.kind_label, entry.message, entry.elapsed_text)[col]
        if role == Qt.ItemDataRole.ToolTipRole:
            return entry.tooltip
        if role == Qt.ItemDataRole.ForegroundRole and col in (COL_KIND, COL_MESSAGE):
            return KIND_COLOURS.get(entry.kind)
        if role == Qt.ItemDataRole.FontRole and col == COL_KIND:
            return self._bold
        if role == Qt.ItemDataRole.TextAlignmentRole and col == COL_MS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == EventKindRole:
            return entry.kind
        if role == EventAtRole:
            return entry.at
        if role == ElapsedMsRole:
            return entry.elapsed_ms
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemNeverHasChildren
        )

    # ------------------------------------------------------------------ ours

    def set_compact(self, compact: bool) -> None:
        """Compact: the time without milliseconds, the kind in front of the message (for a view
        that hides the kind column)."""
        if compact == self._compact:
            return
        self._compact = compact
        if self._entries:
            self.dataChanged.emit(
                self.index(0, 0),
                self.index(len(self._entries) - 1, len(HEADERS) - 1),
                [Qt.ItemDataRole.DisplayRole],
            )

    def is_compact(self) -> bool:
        return self._compact

    def append(self, entries: Iterable[LogEntry]) -> int:
        new = list(entries)
        if not new:
            return 0
        overflow = len(self._entries) + len(new) - self._max
        if overflow > 0:
            drop = min(overflow, len(self._entries))
            if drop:
                self.beginRemoveRows(QModelIndex(), 0, drop - 1)
                del self._entries[:drop]
                self.endRemoveRows()
            new = new[-self._max :]
        first = len(self._entries)
        self.beginInsertRows(QModelIndex(), first, first + len(new) - 1)
        self._entries.extend(new)
        self.endInsertRows()
        return len(new)

    def clear(self) -> None:
        if not self._entries:
            return
        self.beginResetModel()
        self._entries.clear()
        self.endResetModel()

    def entries(self) -> tuple[LogEntry, ...]:
        return tuple(self._entries)


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
    ) -> None:
        super().__init__(parent)
        self._clock: Callable[[], datetime] = clock or (lambda: datetime.now(UTC))
        self.model = EventLogModel(self)
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
            fm.horizontalAdvance("00:00:00.000") + pad,  # full
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
        entry = LogEntry(at or self._clock(), kind, message, round(elapsed_ms, 2))
        self._append([entry])
        return entry

    def add_events(self, events: Iterable[ConcurrencyEvent]) -> int:
        return self._append(LogEntry(e.at, e.kind, e.message, e.elapsed_ms) for e in events)

    def add_report(self, report: ConcurrencyReport) -> int:
        return self.add_events(report.events)

    def entries(self) -> tuple[LogEntry, ...]:
        return self.model.entries()

    def kinds(self) -> list[str]:
        return [e.kind for e in self.model.entries()]

    def clear(self) -> None:
        self.model.clear()
        self._update_count()

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

    def _append(self, entries: Iterable[LogEntry]) -> int:
        bar = self.view.verticalScrollBar()
        follow = bar.value() >= bar.maximum() - 2
        added = self.model.append(entries)
        if added:
            if follow:
                self.view.scrollToBottom()
            self._update_count()
            self.entry_added.emit(self.model.entries()[-1].kind)
        return added

    def _update_count(self) -> None:
        n = self.model.rowCount()
        self.count_label.setText(f"{n} event{'s' if n != 1 else ''}")
        self.clear_button.setEnabled(n > 0)

    @Slot()
    def _on_clear_button_clicked(self) -> None:
        self.clear()


__all__ = ["EventLogModel", "EventLogWidget", "LogEntry"]
