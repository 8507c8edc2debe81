"""The table every admin area shows: a filter box over a sortable table of frozen DTOs.

    table = RecordTableWidget([
        Column("Name", lambda c: c.name),
        Column("Cinemas", lambda c: c.cinema_count, align=RIGHT),
    ], key=lambda c: c.city_id)
    table.set_records(cities)
    table.record_activated.connect(self._on_table_record_activated)   # double-click / Enter

``RecordTableModel`` holds the DTOs and the column specs; ``RecordFilterProxyModel`` keeps the
rows in which every word of the filter text appears in some column, and sorts on each column's
``sort_key``. Reloading keeps the selection (by ``key``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
CENTER = Qt.AlignmentFlag.AlignCenter

SortKeyRole = Qt.ItemDataRole.UserRole + 1
RecordRole = Qt.ItemDataRole.UserRole + 2
FilterTextRole = Qt.ItemDataRole.UserRole + 3

AnyIndex = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Column:
    """One column: its title, how to get the shown value from a record, its alignment, and the
    value it sorts by (the shown value when None). ``tooltip`` gives a per-cell tooltip."""

    title: str
    getter: Callable[[Any], object]
    align: Qt.AlignmentFlag = LEFT
    sort_key: Callable[[Any], object] | None = None
    tooltip: Callable[[Any], str] | None = None
    width: int | None = None  # initial width in pixels (None: fit the contents)
    stretch: bool = False


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return str(value)


class _Sortable:
    """Wraps a sort key so that values of mixed types (None among numbers) still compare."""

    __slots__ = ("value",)

    def __init__(self, value: object) -> None:
        self.value = value

    def _key(self) -> tuple[int, Any]:
        v = self.value
        if v is None:
            return (0, 0)
        if isinstance(v, str):
            return (2, v.casefold())
        return (1, v)

    def __lt__(self, other: _Sortable) -> bool:
        a, b = self._key(), other._key()
        if a[0] != b[0]:
            return a[0] < b[0]
        try:
            return bool(a[1] < b[1])
        except TypeError:
            return str(a[1]) < str(b[1])


class RecordTableModel(QAbstractTableModel):
    """Rows of frozen DTOs, columns from ``Column`` specs. Read-only."""

    def __init__(self, columns: Sequence[Column], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._columns = list(columns)
        self._records: list[Any] = []

    # ------------------------------------------------------------------ data in

    def set_records(self, records: Sequence[Any]) -> None:
        self.beginResetModel()
        self._records = list(records)
        self.endResetModel()

    def records(self) -> list[Any]:
        return list(self._records)

    def record(self, row: int) -> Any:
        return self._records[row]

    def columns(self) -> list[Column]:
        return list(self._columns)

    # ------------------------------------------------------------------ Qt model

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._records)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._records):
            return None
        if not 0 <= index.column() < len(self._columns):
            return None
        record = self._records[index.row()]
        column = self._columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return _text(column.getter(record))
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(column.align.value)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column.tooltip is not None:
                return column.tooltip(record)
            return None
        if role == SortKeyRole:
            key = column.sort_key(record) if column.sort_key else column.getter(record)
            return _Sortable(key)
        if role == FilterTextRole:
            return _text(column.getter(record)).casefold()
        if role == RecordRole:
            return record
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self._columns):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._columns[section].title
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(self._columns[section].align.value)
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemNeverHasChildren
        )


class RecordFilterProxyModel(QSortFilterProxyModel):
    """Keeps a row when every word of the filter text appears in one of its columns; sorts by
    each column's sort key."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._words: tuple[str, ...] = ()
        self.setSortRole(SortKeyRole)
        self.setDynamicSortFilter(True)

    def set_filter_text(self, text: str) -> None:
        words = tuple(text.casefold().split())
        if words != self._words:
            if hasattr(self, "beginFilterChange"):  # Qt 6.10+: invalidateFilter is deprecated
                self.beginFilterChange()
                self._words = words
                self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
            else:  # pragma: no cover - PySide6 6.11.3 on Python 3.11
                self._words = words
                self.invalidateFilter()

    def filterAcceptsRow(self, source_row: int, source_parent: AnyIndex) -> bool:
        if not self._words:
            return True
        model = self.sourceModel()
        texts = [
            str(model.data(model.index(source_row, c, source_parent), FilterTextRole) or "")
            for c in range(model.columnCount(source_parent))
        ]
        return all(any(word in t for t in texts) for word in self._words)

    def lessThan(self, left: AnyIndex, right: AnyIndex) -> bool:
        a = left.data(SortKeyRole)
        b = right.data(SortKeyRole)
        if isinstance(a, _Sortable) and isinstance(b, _Sortable):
            return a < b
        return super().lessThan(left, right)


class _TableView(QTableView):
    """Enter on a row means "open it", like a double-click."""

    activated_by_key = Signal(QModelIndex)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.activated_by_key.emit(self.currentIndex())
            event.accept()
            return
        super().keyPressEvent(event)


class RecordTableWidget(QWidget):
    """Filter box + sortable table of records.

    Signals:
        record_activated(object): a record was double-clicked or Enter was pressed on it.
        selection_changed(): the selected records changed.
    """

    record_activated = Signal(object)
    selection_changed = Signal()

    def __init__(
        self,
        columns: Sequence[Column],
        *,
        key: Callable[[Any], object],
        empty_text: str = "Nothing here yet.",
        multi_select: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._key = key
        self.model = RecordTableModel(columns, self)
        self.proxy = RecordFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        self.filter_edit = QLineEdit(self)
        self.filter_edit.setObjectName("recordFilter")
        self.filter_edit.setPlaceholderText("Filter…  (every word must match)")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self._on_filter_edit_text_changed)
        layout.addWidget(self.filter_edit)

        self.view = _TableView(self)
        self.view.setObjectName("recordTable")
        self.view.setModel(self.proxy)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(
            QAbstractItemView.SelectionMode.ExtendedSelection
            if multi_select
            else QAbstractItemView.SelectionMode.SingleSelection
        )
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        self.view.verticalHeader().setVisible(False)
        self.view.verticalHeader().setDefaultSectionSize(26)
        header = self.view.horizontalHeader()
        header.setHighlightSections(False)
        header.setStretchLastSection(True)
        for i, column in enumerate(columns):
            if column.stretch:
                header.setSectionResizeMode(i, QHeaderView.ResizeMode.Stretch)
            elif column.width is not None:
                header.resizeSection(i, column.width)
        self.view.doubleClicked.connect(self._on_view_double_clicked)
        self.view.activated_by_key.connect(self._on_view_double_clicked)
        self.view.selectionModel().selectionChanged.connect(self._on_selection_changed)
        layout.addWidget(self.view, 1)

        self.empty_label = QLabel(empty_text, self)
        self.empty_label.setProperty("class", "muted")
        self.empty_label.setWordWrap(True)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.empty_label)
        self._sized = False
        self._update_empty()

    # ------------------------------------------------------------------ records

    def set_records(self, records: Sequence[Any]) -> None:
        """Show these records; the selection (by key) and the filter are kept."""
        keys = {self._key(r) for r in self.selected_records()}
        current = self.current_record()
        current_key = None if current is None else self._key(current)
        self.model.set_records(records)
        if not self._sized:
            self._fit_columns()
        if keys or current_key is not None:
            self._select_keys(keys or {current_key}, current_key)
        self._update_empty()
        self.selection_changed.emit()

    def records(self) -> list[Any]:
        return self.model.records()

    def visible_records(self) -> list[Any]:
        """The records the filter lets through, in the order shown."""
        return [self.proxy.index(r, 0).data(RecordRole) for r in range(self.proxy.rowCount())]

    def selected_records(self) -> list[Any]:
        rows = sorted({i.row() for i in self.view.selectionModel().selectedRows()})
        return [self.proxy.index(r, 0).data(RecordRole) for r in rows]

    def selected_record(self) -> Any | None:
        selected = self.selected_records()
        return selected[0] if selected else None

    def current_record(self) -> Any | None:
        index = self.view.currentIndex()
        return index.data(RecordRole) if index.isValid() else None

    def select_key(self, key: object) -> bool:
        """Select (and scroll to) the record with this key; False if it is not shown."""
        return self._select_keys({key}, key)

    def set_filter_text(self, text: str) -> None:
        self.filter_edit.setText(text)

    # ------------------------------------------------------------------ internals

    def _select_keys(self, keys: set[object], current: object) -> bool:
        selection = self.view.selectionModel()
        selection.clearSelection()
        found = False
        for row in range(self.proxy.rowCount()):
            index = self.proxy.index(row, 0)
            k = self._key(index.data(RecordRole))
            if k in keys:
                flags = (
                    QItemSelectionModel.SelectionFlag.Select
                    | QItemSelectionModel.SelectionFlag.Rows
                )
                if k == current:
                    flags |= QItemSelectionModel.SelectionFlag.Current
                    self.view.scrollTo(index)
                selection.select(index, flags)
                if k == current:
                    selection.setCurrentIndex(index, QItemSelectionModel.SelectionFlag.NoUpdate)
                found = True
        return found

    def _fit_columns(self) -> None:
        if self.model.rowCount() == 0:
            return
        self._sized = True
        header = self.view.horizontalHeader()
        for i, column in enumerate(self.model.columns()):
            if column.width is None and not column.stretch:
                self.view.resizeColumnToContents(i)
                header.resizeSection(i, min(360, max(60, header.sectionSize(i) + 16)))

    def _update_empty(self) -> None:
        empty = self.model.rowCount() == 0
        self.empty_label.setVisible(empty)

    @Slot(str)
    def _on_filter_edit_text_changed(self, text: str) -> None:
        self.proxy.set_filter_text(text)
        self.selection_changed.emit()

    @Slot(QModelIndex)
    def _on_view_double_clicked(self, index: QModelIndex) -> None:
        record = index.data(RecordRole)
        if record is not None:
            self.record_activated.emit(record)

    @Slot()
    def _on_selection_changed(self) -> None:
        self.selection_changed.emit()


__all__ = [
    "CENTER",
    "LEFT",
    "RIGHT",
    "Column",
    "RecordFilterProxyModel",
    "RecordRole",
    "RecordTableModel",
    "RecordTableWidget",
    "SortKeyRole",
]
