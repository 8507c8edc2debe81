"""A report's table as a Qt item model: the rows, then the totals row (bold, always last)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

from bms_desktop.services.report_model import Cell, ReportTable, shown

RawValueRole = Qt.ItemDataRole.UserRole + 1
IsTotalRole = Qt.ItemDataRole.UserRole + 2

_Index = QModelIndex | QPersistentModelIndex


def _sort_key(value: Cell) -> tuple[int, Any]:
    if value is None or value == "":
        return (0, 0)
    if isinstance(value, bool):
        return (1, int(value))
    if isinstance(value, int | Decimal):
        return (1, value)
    if isinstance(value, datetime):
        return (2, value.timestamp())
    if isinstance(value, date):
        return (2, value.toordinal())
    return (3, str(value).casefold())


class ReportTableModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._table: ReportTable | None = None
        self._rows: list[tuple[Cell, ...]] = []
        self._bold = QFont()
        self._bold.setBold(True)

    def set_table(self, table: ReportTable | None) -> None:
        self.beginResetModel()
        self._table = table
        self._rows = [] if table is None else list(table.rows)
        self.endResetModel()

    def table(self) -> ReportTable | None:
        return self._table

    def _has_totals(self) -> bool:
        return self._table is not None and self._table.totals is not None

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() or self._table is None:
            return 0
        return len(self._rows) + (1 if self._has_totals() else 0)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() or self._table is None:
            return 0
        return len(self._table.columns)

    def _row(self, row: int) -> tuple[tuple[Cell, ...], bool]:
        assert self._table is not None
        if row < len(self._rows):
            return self._rows[row], False
        assert self._table.totals is not None
        return self._table.totals, True

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or self._table is None:
            return None
        if not (0 <= index.row() < self.rowCount() and 0 <= index.column() < self.columnCount()):
            return None
        values, total = self._row(index.row())
        column = self._table.columns[index.column()]
        value = values[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return shown(value, column.kind)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            horizontal = (
                Qt.AlignmentFlag.AlignRight if column.numeric else Qt.AlignmentFlag.AlignLeft
            )
            return int(horizontal | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and total:
            return self._bold
        if role == RawValueRole:
            return None if value is None else str(value)
        if role == IsTotalRole:
            return total
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if self._table is None:
            return None
        if orientation == Qt.Orientation.Horizontal:
            if not 0 <= section < len(self._table.columns):
                return None
            column = self._table.columns[section]
            if role == Qt.ItemDataRole.DisplayRole:
                return column.label
            if role == Qt.ItemDataRole.TextAlignmentRole:
                horizontal = (
                    Qt.AlignmentFlag.AlignRight if column.numeric else Qt.AlignmentFlag.AlignLeft
                )
                return int(horizontal | Qt.AlignmentFlag.AlignVCenter)
            return None
        if role == Qt.ItemDataRole.DisplayRole and 0 <= section < self.rowCount():
            return "" if section >= len(self._rows) else str(section + 1)
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort the rows; the totals row stays last."""
        if self._table is None or not 0 <= column < len(self._table.columns):
            return
        self.layoutAboutToBeChanged.emit()
        self._rows.sort(
            key=lambda r: _sort_key(r[column]), reverse=order == Qt.SortOrder.DescendingOrder
        )
        self.layoutChanged.emit()


__all__ = ["IsTotalRole", "RawValueRole", "ReportTableModel"]
