"""The basket's seat lines: one row per seat (seat and seat type, ticket type, price) and, under
them, the rules behind the seat prices. The clerk gives a seat a ticket type from the keyboard:
F6 (the window's action) puts the cursor on the first line; Up/Down (Shift to extend, Ctrl+A
for all) choose lines; 1-9 give them the type with that number (the cinema's order, listed under
the lines while they have the cursor), Space the next type; Enter goes on (hold, or the payment)
and Esc back to the map. A right click offers the types too.

The lines only say what the clerk asked for (``types_chosen``); the counter's controller prices
it (off the GUI thread) and the basket shows the new quote.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtGui import QFocusEvent, QFont, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QMenu,
    QSizePolicy,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from bms_desktop.domain.ticket_types import DEFAULT_TYPE
from bms_desktop.gui.widgets.basket_text import COLOUR_MUTED, money
from bms_desktop.services.admin.dto_ticket_types import TicketTypeChoice
from bms_desktop.services.dto import Quote

COL_SEAT, COL_TYPE, COL_PRICE = range(3)
HEADERS: Final = ("Seat", "Ticket", "Price")
SeatLabelRole = Qt.ItemDataRole.UserRole + 1
TicketTypeRole = Qt.ItemDataRole.UserRole + 2
VISIBLE_ROWS: Final = 5  # more lines scroll inside the list
_Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True, slots=True)
class BasketLine:
    """One seat of the basket as shown."""

    label: str
    seat_type: str  # "Gold"
    ticket_type: str  # the code, "ADULT"
    type_name: str  # "Adult"
    price: str  # "₹100.00", "…" while unknown
    explanation: str  # how the seat's price was made (the rules), "" when unknown


def type_name(code: str, choices: Sequence[TicketTypeChoice]) -> str:
    for choice in choices:
        if choice.code == code:
            return choice.name
    text = code.replace("_", " ").strip().lower()
    return text[:1].upper() + text[1:]


def hot_keys_text(choices: Sequence[TicketTypeChoice]) -> str:
    """``1 Adult · 2 Child · … · 5 Complimentary (supervisor)``."""
    parts = [
        f"{i} {c.name}" + (" (supervisor)" if c.needs_approval else "")
        for i, c in enumerate(choices[:9], start=1)
    ]
    return " · ".join(parts)


class BasketLinesModel(QAbstractTableModel):
    """The seats of the basket, one row each (read-only)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._lines: list[BasketLine] = []

    def set_lines(self, lines: Sequence[BasketLine]) -> None:
        """New lines; when the seats are the same (a new type or price), the rows stay (and
        so does the clerk's selection of them)."""
        new = list(lines)
        if [x.label for x in new] == [x.label for x in self._lines]:
            if new != self._lines:
                self._lines = new
                last = self.index(len(new) - 1, len(HEADERS) - 1)
                self.dataChanged.emit(self.index(0, 0), last)
            return
        self.beginResetModel()
        self._lines = new
        self.endResetModel()

    def lines(self) -> list[BasketLine]:
        return list(self._lines)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._lines)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._lines):
            return None
        line = self._lines[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == COL_SEAT:
                return f"{line.label} · {line.seat_type}" if line.seat_type else line.label
            if column == COL_TYPE:
                return line.type_name
            return line.price
        if role == Qt.ItemDataRole.ToolTipRole:
            how = f"\n{line.explanation}" if line.explanation else ""
            return (
                f"{line.label}: {line.seat_type} seat, {line.type_name} ticket, {line.price}{how}"
            )
        if role == Qt.ItemDataRole.TextAlignmentRole and column == COL_PRICE:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and column == COL_TYPE:
            if line.ticket_type != DEFAULT_TYPE:
                font = QFont()
                font.setBold(True)
                return font
            return None
        if role == SeatLabelRole:
            return line.label
        if role == TicketTypeRole:
            return line.ticket_type
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(HEADERS)
        ):
            return HEADERS[section]
        return None


class BasketLinesView(QTableView):
    """The lines, with the keys of the module docstring.

    Signals: types_chosen(object) {seat label: code}; go_on_requested() (Enter);
    leave_requested() (Esc); focus_changed(bool).
    """

    types_chosen = Signal(object)
    go_on_requested = Signal()
    leave_requested = Signal()
    focus_changed = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.choices: tuple[TicketTypeChoice, ...] = ()
        self.setObjectName("basketLines")
        self.setAccessibleName("Seats in the basket and their ticket types")
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setTabKeyNavigation(False)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.verticalHeader().hide()
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._on_self_custom_context_menu_requested)

    def chosen_labels(self) -> list[str]:
        """The labels of the selected lines (the current one when none is selected)."""
        model = self.model()
        rows = sorted({i.row() for i in self.selectionModel().selectedRows()})
        if not rows and self.currentIndex().isValid():
            rows = [self.currentIndex().row()]
        return [str(model.index(r, COL_SEAT).data(SeatLabelRole)) for r in rows]

    def choose(self, number: int) -> bool:
        """Give the chosen lines the type numbered ``number`` (1-based); False if none."""
        labels = self.chosen_labels()
        if not labels or not 1 <= number <= len(self.choices):
            return False
        code = self.choices[number - 1].code
        self.types_chosen.emit(dict.fromkeys(labels, code))
        return True

    def cycle(self) -> bool:
        """The next type (after the current line's) for the chosen lines."""
        labels = self.chosen_labels()
        if not labels or not self.choices:
            return False
        index = self.currentIndex()
        current = index.siblingAtColumn(COL_SEAT).data(TicketTypeRole) if index.isValid() else None
        codes = [c.code for c in self.choices]
        at = codes.index(current) if current in codes else -1
        self.types_chosen.emit(dict.fromkeys(labels, codes[(at + 1) % len(codes)]))
        return True

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        plain = not event.modifiers() & (
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
        )
        if plain and Qt.Key.Key_1 <= key <= Qt.Key.Key_9:
            self.choose(key - Qt.Key.Key_0)
            event.accept()
            return
        if plain and key == Qt.Key.Key_Space:
            self.cycle()
            event.accept()
            return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.go_on_requested.emit()
            event.accept()
            return
        if key == Qt.Key.Key_Escape:
            self.leave_requested.emit()
            event.accept()
            return
        super().keyPressEvent(event)

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        if not self.currentIndex().isValid() and self.model() and self.model().rowCount() > 0:
            self.selectionModel().setCurrentIndex(
                self.model().index(0, COL_SEAT),
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
        self.focus_changed.emit(True)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.focus_changed.emit(False)

    @Slot(QPoint)
    def _on_self_custom_context_menu_requested(self, pos: QPoint) -> None:
        if not self.choices or not self.indexAt(pos).isValid():
            return
        menu = QMenu(self)
        for number, choice in enumerate(self.choices[:9], start=1):
            text = f"&{number}  {choice.name}" + (" (supervisor)" if choice.needs_approval else "")
            action = menu.addAction(text)
            action.setData(number)
        picked = menu.exec(self.viewport().mapToGlobal(pos))
        if picked is not None:
            self.choose(int(picked.data()))
        menu.deleteLater()


class BasketLinesWidget(QWidget):
    """The lines' list, the hot keys while it has the cursor, and the rules behind the prices."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._explanations: dict[str, str] = {}  # seat label -> the rules behind its price
        self._rows: list[tuple[str, str, str]] = []
        self.model = BasketLinesModel(self)
        self.view = BasketLinesView(self)
        self.view.setModel(self.model)
        header = self.view.horizontalHeader()
        header.setHighlightSections(False)
        header.hide()  # the lines speak for themselves; the room goes to the payment
        header.setSectionResizeMode(COL_SEAT, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(COL_TYPE, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_PRICE, QHeaderView.ResizeMode.ResizeToContents)
        self.view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 4)
        self.keys_label = QLabel(self)
        self.keys_label.setObjectName("ticketTypeKeys")
        self.keys_label.setWordWrap(True)
        self.rules_label = QLabel(self)
        self.rules_label.setObjectName("basketRules")
        self.rules_label.setWordWrap(True)
        for label in (self.keys_label, self.rules_label):
            label.setStyleSheet(f"color: {COLOUR_MUTED}; font-size: small;")
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            label.setMinimumWidth(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(3)
        layout.addWidget(self.view)
        layout.addWidget(self.keys_label)
        layout.addWidget(self.rules_label)
        self.view.focus_changed.connect(self._on_view_focus_changed)
        self._sync_keys()

    def remember(self, quote: Quote) -> None:
        """Keep the rules behind each seat's price. A hold's own quote says only "Platinum
        234.00": the explanation seen before the hold stays. The seat's price only: its ticket
        type ("; Child x0.75 ...") is in its own column."""
        for line in quote.lines:
            how = line.explanation.split("; ")[0].replace(" x ", " × ")
            simple = how.lower().startswith(line.seat_type.lower())
            if not simple or line.label not in self._explanations:
                self._explanations[line.label] = how

    def show_quote(self, labels: Sequence[str], quote: Quote | None) -> None:
        """One line per seat of ``labels``, priced by ``quote`` ("…" where it has none yet)."""
        by_label = {line.label: line for line in quote.lines} if quote is not None else {}
        self._rows = []
        shown: list[BasketLine] = []
        for label in labels:
            line = by_label.get(label)
            price = money(line.price) if line is not None else "…"
            how = self._explanations.get(label, "") or (line.explanation if line else "")
            seat_type = line.seat_type.title() if line is not None else ""
            code = line.ticket_type if line is not None else DEFAULT_TYPE
            name = type_name(code, self.view.choices)
            kind = seat_type if code == DEFAULT_TYPE else f"{seat_type}, {name}"
            self._rows.append((label, f"{kind}: {how}" if seat_type and how else how, price))
            shown.append(BasketLine(label, seat_type, code, name, price, how))
        self.set_lines(shown)

    def rows(self) -> list[tuple[str, str, str]]:
        """One (seat, "Type: how it was priced", price) per seat, in basket order."""
        return list(self._rows)

    def set_choices(self, choices: Sequence[TicketTypeChoice]) -> None:
        self.view.choices = tuple(choices)
        self._sync_keys()

    def set_lines(self, lines: Sequence[BasketLine]) -> None:
        self.model.set_lines(lines)
        rows = max(1, min(len(lines), VISIBLE_ROWS))
        view = self.view
        view.setFixedHeight(
            rows * view.verticalHeader().defaultSectionSize() + 2 * view.frameWidth()
        )
        groups: dict[str, list[str]] = {}
        for line in lines:
            # The rules behind a price ("base 150.00 × 1.5 ..."); a bare "Platinum 351.00" (a
            # hold's own quote) says nothing the line does not.
            if line.explanation and not line.explanation.startswith(line.seat_type or "\0"):
                groups.setdefault(line.explanation, []).append(line.label)
        texts = [  # how each price was made, without the result the lines show
            (how if len(groups) == 1 else f"{', '.join(labels)}: {how}").split(" = ")[0]
            for how, labels in groups.items()
        ]
        self.rules_label.setText("\n".join(texts))
        self.rules_label.setVisible(bool(texts))

    def _sync_keys(self) -> None:
        choices = self.view.choices
        if self.view.hasFocus() and choices:
            text = f"{hot_keys_text(choices)} · Space: next · Esc: map"
        elif len(choices) > 1:
            text = "F6: ticket types (Child, Senior…)"
        else:
            text = ""
        self.keys_label.setText(text)
        self.keys_label.setVisible(bool(text))

    @Slot(bool)
    def _on_view_focus_changed(self, _focused: bool) -> None:
        self._sync_keys()


__all__ = [
    "BasketLine",
    "BasketLinesModel",
    "BasketLinesView",
    "BasketLinesWidget",
    "hot_keys_text",
    "type_name",
]
