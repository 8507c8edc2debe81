"""The last 20 scans at this door, newest first: time, code, outcome, people."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from bms_desktop.domain import cinema_time
from bms_desktop.gui.door.outcome_panel import style_for

MAX_SCANS: Final = 20
OutcomeKindRole: Final = Qt.ItemDataRole.UserRole + 1

COL_TIME: Final = 0
COL_CODE: Final = 1
COL_OUTCOME: Final = 2
COL_PEOPLE: Final = 3
HEADERS: Final = ("Time", "Code", "Outcome", "People")

Index = QModelIndex | QPersistentModelIndex


SHORT_WORDS: Final = {
    "ALREADY_ADMITTED": "ALREADY IN",
    "SHOW_ENDED": "ENDED",
    "WRONG_SHOW": "WRONG",
    "UNKNOWN_CODE": "UNKNOWN",
    "CONNECTION_LOST": "OFFLINE",
    "BUSY": "BUSY",
    "UNCERTAIN": "CHECKING",
    "TOO_MANY": "TOO MANY",
    "REFUSED": "REFUSED",
}


def short_word(kind: str, word: str) -> str:
    """The outcome in the narrow list (the panel says it in full)."""
    return SHORT_WORDS.get(kind, word)


@dataclass(frozen=True, slots=True)
class ScanLogEntry:
    at: datetime  # when (aware)
    timezone: str | None  # the cinema's, shown by cinema_time (None: UTC)
    code: str
    kind: str  # a ScanOutcome value, or CONNECTION_LOST / BUSY / UNCERTAIN / UNDONE
    word: str
    people: str  # "2", "2 of 4", "" for refusals without a ticket
    detail: str  # the message, for the tooltip


class ScanLogModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[ScanLogEntry] = []

    def add(self, entry: ScanLogEntry) -> None:
        """Newest first; the oldest beyond ``MAX_SCANS`` goes."""
        self.beginInsertRows(QModelIndex(), 0, 0)
        self._rows.insert(0, entry)
        self.endInsertRows()
        if len(self._rows) > MAX_SCANS:
            self.beginRemoveRows(QModelIndex(), MAX_SCANS, len(self._rows) - 1)
            del self._rows[MAX_SCANS:]
            self.endRemoveRows()

    def entry(self, row: int) -> ScanLogEntry:
        return self._rows[row]

    def entries(self) -> list[ScanLogEntry]:
        return list(self._rows)

    # ------------------------------------------------------------------ Qt

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(HEADERS)
        ):
            return HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        entry = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            word = short_word(entry.kind, entry.word)
            return (
                cinema_time.clock(entry.at, entry.timezone, seconds=True),
                entry.code,
                word,
                entry.people,
            )[col]
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{entry.word}: {entry.detail}" if entry.detail else entry.word
        if role == OutcomeKindRole:
            return entry.kind
        if role == Qt.ItemDataRole.ForegroundRole and col == COL_OUTCOME:
            style = style_for(entry.kind)
            if entry.kind in ("READY", "CHECKING", "UNDONE"):
                return None  # light panels: the list's own text colour
            return QColor(style.background)  # the panel's colour, as text on the list's white
        if role == Qt.ItemDataRole.TextAlignmentRole and col == COL_PEOPLE:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


__all__ = ["MAX_SCANS", "OutcomeKindRole", "ScanLogEntry", "ScanLogModel", "short_word"]
