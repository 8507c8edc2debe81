"""The counter's event log as a table model: every lock wait, conflict, retry, safety-net catch,
expiry, hold, sale, release, cancellation and what other counters did, each row with the moment it
happened (in the cinema's time zone, to the millisecond) and its own duration.

The ``SaleController`` owns one (it is where the rows come from); ``EventLogWidget`` shows it.
Checked with qtmodeltester.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Final

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont

from bms_desktop.domain import cinema_time

MAX_ENTRIES: Final = 5000

EventKindRole: Final = Qt.ItemDataRole.UserRole + 1
EventAtRole: Final = Qt.ItemDataRole.UserRole + 2
ElapsedMsRole: Final = Qt.ItemDataRole.UserRole + 3

COL_TIME: Final = 0
COL_KIND: Final = 1
COL_MESSAGE: Final = 2
COL_MS: Final = 3
HEADERS: Final = ("Time", "Event", "What happened", "ms")
EVENT_LOG_TIP: Final = "Each row: when it happened (the cinema's time) and how long it took, in ms"

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
    "CANCEL": "Cancellation",
    "RESUME": "Resumed",
    "CLERK": "Clerk",
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
    "CANCEL": _WAIT,
    "REMOTE": _QUIET,
    "STRATEGY": _QUIET,
    "INFO": _QUIET,
}

Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True, slots=True)
class LogEntry:
    """One row: when it happened (aware UTC), what, and how long it took (ms; 0 for an
    instant)."""

    at: datetime
    kind: str
    message: str
    elapsed_ms: float = 0.0
    tz: str = cinema_time.DEFAULT_ZONE  # the cinema's: the zone the time is shown in

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind.replace("_", " ").capitalize())

    @property
    def time_text(self) -> str:
        return cinema_time.clock_ms(self.at, self.tz)

    @property
    def short_time_text(self) -> str:
        return cinema_time.clock(self.at, self.tz, seconds=True)

    @property
    def tooltip(self) -> str:
        zone = cinema_time.zone_label(self.tz, self.at)
        return (
            f"{self.time_text} {zone} · {self.kind_label} · took {self.elapsed_text} ms\n"
            f"{self.message}"
        )

    @property
    def elapsed_text(self) -> str:
        if self.elapsed_ms >= 10:
            return f"{self.elapsed_ms:,.0f}"
        return f"{self.elapsed_ms:.1f}"


class EventLogModel(QAbstractTableModel):
    """Log entries, oldest first, capped at ``MAX_ENTRIES`` (the oldest go first)."""

    def __init__(
        self,
        parent: Any = None,
        *,
        max_entries: int = MAX_ENTRIES,
        tz: str = cinema_time.DEFAULT_ZONE,
    ) -> None:
        super().__init__(parent)
        self._entries: list[LogEntry] = []
        self._max = max_entries
        self._compact = False
        self._tz = tz
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
                if section == COL_TIME:
                    return f"Time ({cinema_time.zone_label(self._tz)})"
                return HEADERS[section]
            if role == Qt.ItemDataRole.ToolTipRole:
                return EVENT_LOG_TIP
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

    def timezone(self) -> str:
        return self._tz

    def set_timezone(self, tz: str) -> None:
        """Show times in ``tz`` (the cinema of the open show) from now on."""
        if tz == self._tz:
            return
        self._tz = tz
        self._entries = [LogEntry(e.at, e.kind, e.message, e.elapsed_ms, tz) for e in self._entries]
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, COL_TIME, COL_TIME)
        if self._entries:
            self.dataChanged.emit(
                self.index(0, 0),
                self.index(len(self._entries) - 1, len(HEADERS) - 1),
                [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole],
            )

    def add(self, at: datetime, kind: str, message: str, elapsed_ms: float = 0.0) -> LogEntry:
        """A new row, shown in this model's time zone."""
        entry = LogEntry(at, kind, message, round(elapsed_ms, 2), self._tz)
        self.append([entry])
        return entry

    def append(self, entries: Iterable[LogEntry]) -> int:
        new = [e if e.tz == self._tz else replace(e, tz=self._tz) for e in entries]
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


__all__ = [
    "COL_KIND",
    "COL_MESSAGE",
    "COL_MS",
    "COL_TIME",
    "KIND_LABELS",
    "EventLogModel",
    "LogEntry",
]
