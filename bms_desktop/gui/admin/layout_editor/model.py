"""The layout being edited: a grid of cells, each a seat or a gap, plus per-row names and
numbering. Plain Python with one Qt signal, so the canvas can repaint only what changed.

Rows are labelled A, B, C... from the screen back, skipping rows without seats, unless a row was
given its own name; seats are numbered 1, 2, 3... from the left, skipping gaps, unless the row
starts at another number or counts from the right. Generating, painting and renaming all go
through ``apply()`` / ``set_row()`` / ``set_state()`` so that every edit can be undone.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from PySide6.QtCore import QObject, Signal

from bms_desktop.domain.errors import ValidationError
from bms_desktop.domain.layouts import (
    MAX_LAYOUT_SEATS,
    MAX_ROW_WIDTH,
    parse_layout,
    render_layout,
    row_label,
)
from bms_desktop.services.admin.dto import LayoutSeat

Pos = tuple[int, int]  # (row, col)
MAX_ROWS = 200


@dataclass(frozen=True, slots=True)
class Cell:
    seat_type: str
    accessible: bool = False
    companion: bool = False
    blocked: bool = False


@dataclass(frozen=True, slots=True)
class RowSetting:
    """A row's own name and numbering (None / 1 / left-to-right: the defaults)."""

    label: str | None = None
    first: int = 1
    right_to_left: bool = False
    numbers: tuple[int, ...] | None = None  # as loaded, while the row keeps its seat count

    @property
    def is_default(self) -> bool:
        return (
            self.label is None and self.first == 1 and not self.right_to_left and not self.numbers
        )


@dataclass(frozen=True)
class LayoutState:
    """Everything an undo step restores."""

    rows: int
    cols: int
    cells: Mapping[Pos, Cell] = field(default_factory=dict)
    row_settings: Mapping[int, RowSetting] = field(default_factory=dict)


@dataclass(frozen=True)
class GenerateSpec:
    """Rows x seats with aisles: ``blocks`` are the seats of each block of a row, left to right
    (``(6, 14, 6)``: two aisles); ``aisle_width`` empty columns between blocks; a cross aisle
    (an empty row) after each row number in ``cross_aisles_after`` (1-based)."""

    rows: int
    blocks: tuple[int, ...]
    seat_type: str
    aisle_width: int = 1
    cross_aisles_after: tuple[int, ...] = ()


def parse_blocks(text: str) -> tuple[int, ...]:
    """``"6, 14, 6"`` -> (6, 14, 6); ``"20"`` -> (20,). ValidationError on anything else."""
    parts = [p for p in text.replace("+", ",").replace("|", ",").split(",") if p.strip()]
    try:
        blocks = tuple(int(p) for p in parts)
    except ValueError as exc:
        raise ValidationError(
            "seats per row: numbers of seats per block, e.g. 6, 14, 6", field="blocks"
        ) from exc
    if not blocks or any(b < 1 for b in blocks):
        raise ValidationError("every block needs at least one seat", field="blocks")
    return blocks


def parse_row_numbers(text: str) -> tuple[int, ...]:
    parts = [p for p in text.replace(" ", ",").split(",") if p.strip()]
    try:
        return tuple(sorted({int(p) for p in parts}))
    except ValueError as exc:
        raise ValidationError("cross aisles: row numbers, e.g. 8 or 5, 12", field="aisles") from exc


def generate(spec: GenerateSpec) -> LayoutState:
    if not 1 <= spec.rows <= MAX_ROWS:
        raise ValidationError(f"rows: 1 to {MAX_ROWS}", field="rows")
    width = sum(spec.blocks) + spec.aisle_width * (len(spec.blocks) - 1)
    if width > MAX_ROW_WIDTH:
        raise ValidationError(
            f"a row would be {width} columns wide; at most {MAX_ROW_WIDTH}", field="blocks"
        )
    if spec.rows * sum(spec.blocks) > MAX_LAYOUT_SEATS:
        raise ValidationError(f"at most {MAX_LAYOUT_SEATS:,} seats", field="rows")
    cells: dict[Pos, Cell] = {}
    grid_row = 0
    for r in range(spec.rows):
        col = 0
        for i, block in enumerate(spec.blocks):
            if i:
                col += spec.aisle_width
            for _ in range(block):
                cells[(grid_row, col)] = Cell(spec.seat_type)
                col += 1
        grid_row += 1
        if r + 1 in spec.cross_aisles_after and r + 1 < spec.rows:
            grid_row += 1
    return LayoutState(rows=grid_row, cols=width, cells=cells)


class LayoutModel(QObject):
    """Signals:
    cells_changed(list): these (row, col) positions changed.
    layout_reset(): size, rows or everything changed: repaint all.
    """

    cells_changed = Signal(list)
    layout_reset = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows = 10
        self.cols = 20
        self.cells: dict[Pos, Cell] = {}
        self.row_settings: dict[int, RowSetting] = {}
        self._labels: dict[int, str] | None = None
        self._row_index: dict[int, list[int]] | None = None
        self._numbers: dict[int, dict[int, int]] = {}

    def _invalidate(self) -> None:
        self._labels = None
        self._row_index = None
        self._numbers = {}

    # ------------------------------------------------------------------ state

    def state(self) -> LayoutState:
        return LayoutState(self.rows, self.cols, dict(self.cells), dict(self.row_settings))

    def set_state(self, state: LayoutState) -> None:
        self.rows, self.cols = state.rows, state.cols
        self.cells = dict(state.cells)
        self.row_settings = {r: s for r, s in state.row_settings.items() if not s.is_default}
        self._invalidate()
        self.layout_reset.emit()

    def apply(self, changes: Mapping[Pos, Cell | None]) -> None:
        """Set cells (None: make it a gap)."""
        touched_rows = set()
        for pos, cell in changes.items():
            if cell is None:
                self.cells.pop(pos, None)
            else:
                self.cells[pos] = cell
            touched_rows.add(pos[0])
        self._invalidate()
        for row in touched_rows:  # a row whose seat count changed drops its loaded numbers
            setting = self.row_settings.get(row)
            if (
                setting is not None
                and setting.numbers is not None
                and len(setting.numbers) != len(self.row_cols(row))
            ):
                self._put_setting(row, replace(setting, numbers=None))
        self.cells_changed.emit(list(changes))

    def set_row(self, row: int, setting: RowSetting) -> None:
        self._put_setting(row, setting)
        self._invalidate()
        self.layout_reset.emit()

    def _put_setting(self, row: int, setting: RowSetting) -> None:
        if setting.is_default:
            self.row_settings.pop(row, None)
        else:
            self.row_settings[row] = setting

    # ------------------------------------------------------------------ queries

    def cell(self, pos: Pos) -> Cell | None:
        return self.cells.get(pos)

    def seat_count(self) -> int:
        return len(self.cells)

    def _index(self) -> dict[int, list[int]]:
        if self._row_index is None:
            index: dict[int, list[int]] = {}
            for r, c in self.cells:
                index.setdefault(r, []).append(c)
            for cols in index.values():
                cols.sort()
            self._row_index = index
        return self._row_index

    def row_cols(self, row: int) -> list[int]:
        return list(self._index().get(row, ()))

    def seat_rows(self) -> list[int]:
        return sorted(self._index())

    def row_labels(self) -> dict[int, str]:
        """Grid row -> its label, for rows with seats."""
        if self._labels is None:
            labels: dict[int, str] = {}
            for index, row in enumerate(self.seat_rows()):
                setting = self.row_settings.get(row)
                labels[row] = setting.label if setting and setting.label else row_label(index)
            self._labels = labels
        return self._labels

    def numbers(self, row: int) -> dict[int, int]:
        """Column -> seat number for a row."""
        cached = self._numbers.get(row)
        if cached is None:
            cached = self._numbers[row] = self._compute_numbers(row)
        return cached

    def _compute_numbers(self, row: int) -> dict[int, int]:
        cols = self.row_cols(row)
        setting = self.row_settings.get(row, RowSetting())
        if setting.numbers is not None and len(setting.numbers) == len(cols):
            return dict(zip(cols, setting.numbers, strict=True))
        ordered = list(reversed(cols)) if setting.right_to_left else cols
        return {c: setting.first + i for i, c in enumerate(ordered)}

    def label_of(self, pos: Pos) -> str:
        if pos not in self.cells:
            return ""
        return f"{self.row_labels()[pos[0]]}{self.numbers(pos[0])[pos[1]]}"

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for cell in self.cells.values():
            out[cell.seat_type] = out.get(cell.seat_type, 0) + 1
        return out

    def flag_count(self, flag: str) -> int:
        return sum(1 for c in self.cells.values() if getattr(c, flag))

    # ------------------------------------------------------------------ seats in / out

    def to_seats(self) -> list[LayoutSeat]:
        labels = self.row_labels()
        out: list[LayoutSeat] = []
        for row in self.seat_rows():
            numbers = self.numbers(row)
            for col in self.row_cols(row):
                cell = self.cells[(row, col)]
                out.append(
                    LayoutSeat(
                        row_label=labels[row],
                        number=numbers[col],
                        row=row,
                        col=col,
                        seat_type=cell.seat_type,
                        accessible=cell.accessible,
                        companion=cell.companion,
                        blocked=cell.blocked,
                    )
                )
        return out

    @staticmethod
    def state_from_seats(
        seats: Sequence[LayoutSeat], *, min_rows: int = 0, min_cols: int = 0
    ) -> LayoutState:
        cells: dict[Pos, Cell] = {}
        by_row: dict[int, list[LayoutSeat]] = {}
        for s in seats:
            cells[(s.row, s.col)] = Cell(s.seat_type, s.accessible, s.companion, s.blocked)
            by_row.setdefault(s.row, []).append(s)
        settings: dict[int, RowSetting] = {}
        for index, row in enumerate(sorted(by_row)):
            row_seats = sorted(by_row[row], key=lambda s: s.col)
            label = row_seats[0].row_label
            numbers = tuple(s.number for s in row_seats)
            n = len(numbers)
            own_label = None if label == row_label(index) else label
            if numbers == tuple(range(numbers[0], numbers[0] + n)):
                setting = RowSetting(own_label, numbers[0], False)
            elif numbers == tuple(range(numbers[-1] + n - 1, numbers[-1] - 1, -1)):
                setting = RowSetting(own_label, numbers[-1], True)
            else:
                setting = RowSetting(own_label, 1, False, numbers)
            if not setting.is_default:
                settings[row] = setting
        rows = max((s.row for s in seats), default=-1) + 1
        cols = max((s.col for s in seats), default=-1) + 1
        return LayoutState(max(rows, min_rows), max(cols, min_cols), cells, settings)

    # ------------------------------------------------------------------ text format

    def to_text(self, codes: Mapping[str, str]) -> str:
        """The layout in the text format of ``domain.layouts`` (labels are not part of it)."""
        from bms_desktop.domain.layouts import SeatSpec

        specs = [
            SeatSpec(
                s.row_label,
                s.number,
                s.label,
                s.row,
                s.col,
                s.seat_type,
                s.accessible,
                s.companion,
                s.blocked,
            )
            for s in self.to_seats()
        ]
        return render_layout(specs, codes)

    @staticmethod
    def state_from_text(text: str, codes: Mapping[str, str]) -> LayoutState:
        specs = parse_layout(text, codes)
        seats = [
            LayoutSeat(
                s.row_label,
                s.number,
                s.row,
                s.col,
                s.seat_type,
                s.accessible,
                s.companion,
                s.blocked,
            )
            for s in specs
        ]
        return LayoutModel.state_from_seats(seats)


def positions_in(r0: int, c0: int, r1: int, c1: int) -> Iterable[Pos]:
    for r in range(min(r0, r1), max(r0, r1) + 1):
        for c in range(min(c0, c1), max(c0, c1) + 1):
            yield (r, c)
