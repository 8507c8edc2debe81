"""The price matrix: what a seat costs at one cinema for one movie, by seat type, weekday and
the time of day a show starts (in the cinema's time zone).

``PriceMatrixModel`` shows a ``services.admin.dto_pricing.PriceMatrix`` (computed by the domain
pricing code, never here): one row per seat type and time band, one column per weekday; a cell's
tooltip says how its price was made; cells are tinted from the cheapest to the dearest; with a
``baseline`` (the stored rules) the cells a draft rule changes are bold and say what they were.

``PriceMatrixWidget`` adds the cinema and movie choosers and recomputes in memory
(``pricing.compute_price_matrix``) when they or the rules change: no database work on the GUI
thread, so the rule dialog's preview follows every keystroke.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from bms_desktop.domain.pricing import WEEKDAY_NAMES, PricingRuleSpec
from bms_desktop.gui.dialogs.common import styled_label
from bms_desktop.services.admin import pricing
from bms_desktop.services.admin.dto_pricing import PriceMatrix, PricingData

AnyIndex = QModelIndex | QPersistentModelIndex
FIXED_COLUMNS = 2  # seat type, start time
LOW = QColor("#EEF6F0")  # cheapest cells
HIGH = QColor("#F9D9C4")  # dearest cells
CellPriceRole = Qt.ItemDataRole.UserRole + 1


def _blend(t: float) -> QColor:
    t = max(0.0, min(1.0, t))
    return QColor(
        round(LOW.red() + (HIGH.red() - LOW.red()) * t),
        round(LOW.green() + (HIGH.green() - LOW.green()) * t),
        round(LOW.blue() + (HIGH.blue() - LOW.blue()) * t),
    )


class PriceMatrixModel(QAbstractTableModel):
    """Rows: seat type x time band; columns: seat type, start time, Mon..Sun."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._matrix: PriceMatrix | None = None
        self._baseline: PriceMatrix | None = None
        self._rows: list[tuple[str, str, int]] = []  # (seat type code, its name, band index)

    def set_matrix(self, matrix: PriceMatrix | None, baseline: PriceMatrix | None = None) -> None:
        self.beginResetModel()
        self._matrix = matrix
        self._baseline = baseline
        self._rows = []
        if matrix is not None:
            for code, name in matrix.seat_types:
                for band in range(len(matrix.bands)):
                    self._rows.append((code, name, band))
        self.endResetModel()

    def matrix(self) -> PriceMatrix | None:
        return self._matrix

    def changed_cells(self) -> int:
        """How many cells differ from the baseline."""
        if self._matrix is None or self._baseline is None:
            return 0
        return sum(
            1
            for key, cell in self._matrix.cells.items()
            if key in self._baseline.cells and self._baseline.cells[key].price != cell.price
        )

    # ------------------------------------------------------------------ Qt model

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else FIXED_COLUMNS + 7

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            if section == 0:
                return "Seat type"
            if section == 1:
                return "Show starts"
            if FIXED_COLUMNS <= section < FIXED_COLUMNS + 7:
                return WEEKDAY_NAMES[section - FIXED_COLUMNS]
        if role == Qt.ItemDataRole.TextAlignmentRole and section >= FIXED_COLUMNS:
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        matrix = self._matrix
        if not index.isValid() or matrix is None or not 0 <= index.row() < len(self._rows):
            return None
        code, name, band = self._rows[index.row()]
        column = index.column()
        if column == 0:
            if role == Qt.ItemDataRole.DisplayRole:
                return name if band == 0 else ""
            if role == Qt.ItemDataRole.ToolTipRole:
                return f"{name} ({code})"
            if role == Qt.ItemDataRole.FontRole and band == 0:
                font = QFont()
                font.setBold(True)
                return font
            return None
        if column == 1:
            if role == Qt.ItemDataRole.DisplayRole:
                return matrix.bands[band].label
            return None
        if not FIXED_COLUMNS <= column < FIXED_COLUMNS + 7:
            return None
        weekday = column - FIXED_COLUMNS
        cell = matrix.cells.get((code, weekday, band))
        if cell is None:
            return None
        before = None
        if self._baseline is not None:
            old = self._baseline.cells.get((code, weekday, band))
            if old is not None and old.price != cell.price:
                before = old.price
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{cell.price:,.2f}"
        if role == CellPriceRole:
            return str(cell.price)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            when = f"{name}, {WEEKDAY_NAMES[weekday]} {matrix.bands[band].label}"
            was = f"\nBefore this change: {before:,.2f}" if before is not None else ""
            return f"{when}\n{cell.explanation}{was}"
        if role == Qt.ItemDataRole.BackgroundRole:
            low, high = matrix.lowest, matrix.highest
            span = high - low
            t = float((cell.price - low) / span) if span > 0 else 0.0
            return _blend(t)
        if role == Qt.ItemDataRole.ForegroundRole:
            return QColor("#17202A")
        if role == Qt.ItemDataRole.FontRole and before is not None:
            font = QFont()
            font.setBold(True)
            font.setUnderline(True)
            return font
        return None


class PriceMatrixWidget(QWidget):
    """Cinema and movie choosers over the matrix table.

    Signals:
        scope_changed(): the cinema or the movie changed (the matrix was recomputed).
    """

    scope_changed = Signal()

    def __init__(self, parent: QWidget | None = None, *, compact: bool = False) -> None:
        super().__init__(parent)
        self.setObjectName("priceMatrix")
        self._data: PricingData | None = None
        self._rules: list[PricingRuleSpec] | None = None  # None: the stored rules
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        row = QHBoxLayout()
        row.setSpacing(6)
        if not compact:
            row.addWidget(styled_label("Price matrix", "heading", self))
            row.addSpacing(12)
        row.addWidget(QLabel("Cinema", self))
        self.cinema_combo = QComboBox(self)
        self.cinema_combo.setObjectName("matrixCinema")
        self.cinema_combo.setMinimumContentsLength(14)
        row.addWidget(self.cinema_combo, 1)
        row.addWidget(QLabel("Movie", self))
        self.movie_combo = QComboBox(self)
        self.movie_combo.setObjectName("matrixMovie")
        self.movie_combo.setMinimumContentsLength(14)
        row.addWidget(self.movie_combo, 1)
        layout.addLayout(row)
        self.caption = styled_label("", "small", self)
        self.caption.setWordWrap(True)
        layout.addWidget(self.caption)
        self.model = PriceMatrixModel(self)
        self.view = QTableView(self)
        self.view.setObjectName("matrixView")
        self.view.setModel(self.model)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.verticalHeader().setVisible(False)
        self.view.verticalHeader().setDefaultSectionSize(24)
        self.view.setShowGrid(True)
        self.view.setWordWrap(False)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        for column in range(FIXED_COLUMNS, FIXED_COLUMNS + 7):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.view, 1)
        self.cinema_combo.currentIndexChanged.connect(self._on_scope_combo_changed)
        self.movie_combo.currentIndexChanged.connect(self._on_scope_combo_changed)

    # ------------------------------------------------------------------ data in

    def set_data(self, data: PricingData) -> None:
        """New rules/seat types/cinemas/movies; keeps the chosen cinema and movie if they still
        exist."""
        self._data = data
        cinema, movie = self.theater_id(), self.movie_id()
        for combo, choices, current, none_text in (
            (self.cinema_combo, data.cinemas, cinema, "No cinema yet"),
            (self.movie_combo, data.movies, movie, "No movie yet"),
        ):
            combo.blockSignals(True)
            combo.clear()
            if not choices:
                combo.addItem(none_text, None)
            for choice in choices:
                combo.addItem(choice.name, choice.id)
            index = combo.findData(current) if current is not None else -1
            combo.setCurrentIndex(max(0, index))
            combo.blockSignals(False)
        self.recompute()

    def set_rules(self, rules: Sequence[PricingRuleSpec] | None) -> None:
        """Preview with these rules (a draft in place) instead of the stored ones."""
        self._rules = None if rules is None else list(rules)
        self.recompute()

    def select(self, theater_id: int | None, movie_id: int | None) -> None:
        for combo, value in ((self.cinema_combo, theater_id), (self.movie_combo, movie_id)):
            index = combo.findData(value)
            if index >= 0:
                combo.setCurrentIndex(index)

    def theater_id(self) -> int | None:
        value = self.cinema_combo.currentData()
        return int(value) if value is not None else None

    def movie_id(self) -> int | None:
        value = self.movie_combo.currentData()
        return int(value) if value is not None else None

    def matrix(self) -> PriceMatrix | None:
        return self.model.matrix()

    def recompute(self) -> None:
        data = self._data
        if data is None:
            self.model.set_matrix(None)
            return
        tid, mid = self.theater_id(), self.movie_id()
        baseline = pricing.compute_price_matrix(data, theater_id=tid, movie_id=mid)
        if self._rules is None:
            self.model.set_matrix(baseline)
        else:
            draft = pricing.compute_price_matrix(
                data, theater_id=tid, movie_id=mid, rules=self._rules
            )
            self.model.set_matrix(draft, baseline)
        self._update_caption()

    def _update_caption(self) -> None:
        matrix = self.model.matrix()
        if matrix is None or not matrix.seat_types:
            self.caption.setText("Add a seat type to see prices.")
            return
        tz = self.cinema_combo.currentData()
        zone = ""
        if self._data is not None and tz is not None:
            zone = next((c.detail for c in self._data.cinemas if c.id == tz), "")
        where = f"show start times in {zone}" if zone else "show start times"
        text = (
            f"{matrix.lowest:,.2f} to {matrix.highest:,.2f} by seat type, weekday and {where}. "
            "Point at a price to see how it is made."
        )
        changed = self.model.changed_cells()
        if self._rules is not None:
            text += (
                f" This change alters {changed} price(s) (underlined)."
                if changed
                else " This change alters no price here."
            )
        self.caption.setText(text)

    @Slot()
    def _on_scope_combo_changed(self) -> None:
        self.recompute()
        self.scope_changed.emit()


def cell_price(model: PriceMatrixModel, row: int, weekday: int) -> Decimal:
    """The price shown in a cell (for tests)."""
    value = model.data(model.index(row, FIXED_COLUMNS + weekday), CellPriceRole)
    return Decimal(str(value))


__all__ = ["PriceMatrixModel", "PriceMatrixWidget", "cell_price"]
