"""Shows found by the show finder, as a table: time, movie, certificate, language and format,
cinema and screen, seats left. Times are in the cinema's time zone
(``ShowSummary.local_starts_at``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, Final

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont

from bms_desktop.domain import cinema_time
from bms_desktop.services.dto import ShowSummary

ShowIdRole: Final = Qt.ItemDataRole.UserRole + 1
ShowSummaryRole: Final = Qt.ItemDataRole.UserRole + 2
SeatsLeftRole: Final = Qt.ItemDataRole.UserRole + 3
StartsAtRole: Final = Qt.ItemDataRole.UserRole + 4

COL_TIME: Final = 0
COL_MOVIE: Final = 1
COL_CERT: Final = 2
COL_LANGUAGE: Final = 3
COL_SCREEN: Final = 4
COL_SEATS: Final = 5
HEADERS: Final = ("Time", "Movie", "Cert", "Language", "Cinema · screen", "Left")

FEW_SEATS_SHARE: Final = 0.1  # fewer than 10 % left: shown in the warning colour
FEW_COLOUR: Final = QColor("#A34700")
NONE_COLOUR: Final = QColor("#8A8F96")

Index = QModelIndex | QPersistentModelIndex


def seats_left_text(summary: ShowSummary) -> str:
    if summary.seats_available <= 0:
        return "Sold out"
    return f"{summary.seats_available:,} / {summary.seats_total:,}"


def time_text(summary: ShowSummary, today: date | None = None) -> str:
    """``Today 16:30``, ``Tomorrow 09:30`` or ``Fri 27 Nov 13:00`` (cinema's time zone)."""
    local, tz = summary.local_starts_at, summary.timezone
    clock = cinema_time.clock(summary.starts_at, tz)
    if today is not None:
        if local.date() == today:
            return f"Today {clock}"
        if (local.date() - today).days == 1:
            return f"Tomorrow {clock}"
    return f"{cinema_time.day(summary.starts_at, tz)} {clock}"


class ShowListModel(QAbstractTableModel):
    """Rows of ``ShowSummary``; ``set_shows`` keeps rows in place when only the counts changed."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._shows: list[ShowSummary] = []
        self._row_of: dict[int, int] = {}
        self._today: date | None = None
        self._bold = QFont()
        self._bold.setBold(True)

    # ------------------------------------------------------------------ Qt API

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._shows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(HEADERS):
            if role == Qt.ItemDataRole.DisplayRole:
                return HEADERS[section]
            if role == Qt.ItemDataRole.TextAlignmentRole and section == COL_SEATS:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if role == Qt.ItemDataRole.ToolTipRole and section == COL_SEATS:
                return "Seats left, of all the seats of the show"
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._shows):
            return None
        show = self._shows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(show, col)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(show)
        if role == Qt.ItemDataRole.TextAlignmentRole and col == COL_SEATS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and col == COL_SEATS:
            if show.seats_available <= 0:
                return NONE_COLOUR
            if show.seats_available < show.seats_total * FEW_SEATS_SHARE:
                return FEW_COLOUR
            return None
        if role == Qt.ItemDataRole.FontRole and col == COL_MOVIE:
            return self._bold
        if role == ShowIdRole:
            return show.show_id
        if role == ShowSummaryRole:
            return show
        if role == SeatsLeftRole:
            return show.seats_available
        if role == StartsAtRole:
            return show.starts_at
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

    def set_today(self, today: date | None) -> None:
        """The cinema's local date, for "Today" / "Tomorrow" in the time column."""
        if today != self._today:
            self._today = today
            if self._shows:
                self.dataChanged.emit(
                    self.index(0, COL_TIME), self.index(len(self._shows) - 1, COL_TIME)
                )

    def set_shows(self, shows: Sequence[ShowSummary]) -> None:
        """Replace the rows. When the same shows come back in the same order (a refresh of the
        seat counts) the rows stay and only changed cells are signalled: selection and scroll
        position survive."""
        new = list(shows)
        if [s.show_id for s in new] == [s.show_id for s in self._shows]:
            for row, (old, fresh) in enumerate(zip(self._shows, new, strict=True)):
                if old != fresh:
                    self._shows[row] = fresh
                    self.dataChanged.emit(self.index(row, 0), self.index(row, len(HEADERS) - 1))
            return
        self.beginResetModel()
        self._shows = new
        self._row_of = {s.show_id: i for i, s in enumerate(new)}
        self.endResetModel()

    def update_show(self, summary: ShowSummary) -> bool:
        """Replace one show's row (e.g. new seat counts); False if it is not listed."""
        row = self._row_of.get(summary.show_id)
        if row is None:
            return False
        if self._shows[row] != summary:
            self._shows[row] = summary
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(HEADERS) - 1))
        return True

    def show_at(self, row: int) -> ShowSummary | None:
        return self._shows[row] if 0 <= row < len(self._shows) else None

    def row_of(self, show_id: int) -> int | None:
        return self._row_of.get(show_id)

    def show_ids(self) -> list[int]:
        return [s.show_id for s in self._shows]

    def shows(self) -> tuple[ShowSummary, ...]:
        return tuple(self._shows)

    # ------------------------------------------------------------------ text

    def _display(self, show: ShowSummary, col: int) -> str:
        match col:
            case 0:
                return time_text(show, self._today)
            case 1:
                return show.movie_title
            case 2:
                return show.certificate
            case 3:
                return f"{show.language} · {show.format}" if show.format else show.language
            case 4:
                return f"{show.theater_name} · {_short_screen(show.screen_name)}"
            case 5:
                return seats_left_text(show)
        return ""

    @staticmethod
    def _tooltip(show: ShowSummary) -> str:
        tz = show.timezone
        return (
            f"{show.movie_title} ({show.certificate}) · {show.genre} · rated {show.rating}\n"
            f"{show.language} {show.format} · {show.runtime_min} min\n"
            f"{cinema_time.long_day(show.starts_at, tz)}, "
            f"{cinema_time.span(show.starts_at, show.ends_at, tz)} "
            f"{cinema_time.zone_label(tz, show.starts_at)} ({tz})\n"
            f"{show.theater_name}, {show.city_name} · {show.screen_name}\n"
            f"{seats_left_text(show)} seats left"
        )


def _short_screen(name: str) -> str:
    """``Screen 2 · Grand hall`` -> ``Screen 2`` (the full name is in the tooltip)."""
    return name.split(" · ", 1)[0]


__all__ = [
    "COL_SEATS",
    "HEADERS",
    "SeatsLeftRole",
    "ShowIdRole",
    "ShowListModel",
    "ShowSummaryRole",
    "StartsAtRole",
    "seats_left_text",
    "time_text",
]
