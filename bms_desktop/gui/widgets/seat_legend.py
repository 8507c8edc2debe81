"""The seat map's legend: each seat type with its prices, and each seat state.

Painted with the very routines the map uses for its seats (``seat_style.paint_seat`` and the
marker painters), so the legend always matches the map. Items flow onto as many lines as the
width needs: the seat types (with their price range) first, the states on a line of their own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Final

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QFontMetrics, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from bms_desktop.gui.widgets.seat_style import (
    PALETTE,
    STATE_LABELS,
    SeatVisual,
    format_price,
    paint_accessible_marker,
    paint_companion_marker,
    paint_seat,
)
from bms_desktop.services.dto import SeatMap, SeatTypeView

SWATCH: Final = 16
SWATCH_GAP: Final = 6
ITEM_GAP: Final = 18
LINE_GAP: Final = 6
MARGIN: Final = 4

SwatchPainter = Callable[[QPainter, QRectF], None]


@dataclass(frozen=True, slots=True)
class LegendEntry:
    text: str
    paint: SwatchPainter
    group: int  # entries of a new group start a new line


def _seat_swatch(visual: SeatVisual, type_code: str | None = None) -> SwatchPainter:
    def paint(painter: QPainter, rect: QRectF) -> None:
        paint_seat(painter, rect, visual, type_code)

    return paint


def _accessible_swatch(painter: QPainter, rect: QRectF) -> None:
    paint_seat(painter, rect, SeatVisual.AVAILABLE)
    paint_accessible_marker(painter, rect)


def _companion_swatch(painter: QPainter, rect: QRectF) -> None:
    paint_seat(painter, rect, SeatVisual.AVAILABLE)
    paint_companion_marker(painter, rect)


def price_range(seat_type: SeatTypeView) -> str:
    low, high = format_price(seat_type.min_price), format_price(seat_type.max_price)
    return low if low == high else f"{low}–{high}"


_STATE_ENTRIES: Final[tuple[tuple[str, SwatchPainter], ...]] = (
    (STATE_LABELS[SeatVisual.AVAILABLE], _seat_swatch(SeatVisual.AVAILABLE)),
    (STATE_LABELS[SeatVisual.SELECTED], _seat_swatch(SeatVisual.SELECTED)),
    (STATE_LABELS[SeatVisual.HELD_MINE], _seat_swatch(SeatVisual.HELD_MINE)),
    (STATE_LABELS[SeatVisual.HELD_OTHER], _seat_swatch(SeatVisual.HELD_OTHER)),
    (STATE_LABELS[SeatVisual.SOLD], _seat_swatch(SeatVisual.SOLD)),
    (STATE_LABELS[SeatVisual.BLOCKED], _seat_swatch(SeatVisual.BLOCKED)),
    ("Accessible", _accessible_swatch),
    ("Companion", _companion_swatch),
)


class SeatLegendWidget(QWidget):
    """Seat types with price ranges, then the states, each with the map's own swatch."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._entries: list[LegendEntry] = []
        sp = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        sp.setHeightForWidth(True)
        self.setSizePolicy(sp)
        self.setAccessibleName("Seat legend")
        self.set_seat_types(())

    def set_seat_map(self, seat_map: SeatMap) -> None:
        self.set_seat_types(seat_map.seat_types)

    def set_seat_types(self, seat_types: Iterable[SeatTypeView]) -> None:
        ranked = sorted(seat_types, key=lambda t: (t.rank, t.code))
        PALETTE.register([t.code for t in ranked])
        entries = [
            LegendEntry(f"{t.name} {price_range(t)}", _seat_swatch(SeatVisual.AVAILABLE, t.code), 0)
            for t in ranked
        ]
        entries += [LegendEntry(text, paint, 1) for text, paint in _STATE_ENTRIES]
        self._entries = entries
        self.setAccessibleDescription("; ".join(e.text for e in entries))
        self.updateGeometry()
        self.update()

    def entry_texts(self) -> list[str]:
        return [e.text for e in self._entries]

    # ------------------------------------------------------------------ layout

    def _item_width(self, fm: QFontMetrics, entry: LegendEntry) -> int:
        return SWATCH + SWATCH_GAP + fm.horizontalAdvance(entry.text)

    def _line_height(self, fm: QFontMetrics) -> int:
        return max(SWATCH, fm.height())

    def _place(self, width: int) -> list[tuple[int, int, LegendEntry]]:
        """(x, y) of each entry when the widget is ``width`` wide."""
        fm = self.fontMetrics()
        line_h = self._line_height(fm)
        x = y = MARGIN
        group = self._entries[0].group if self._entries else 0
        placed: list[tuple[int, int, LegendEntry]] = []
        for entry in self._entries:
            w = self._item_width(fm, entry)
            new_group = entry.group != group
            if x > MARGIN and (new_group or x + w > width - MARGIN):
                x = MARGIN
                y += line_h + LINE_GAP
            group = entry.group
            placed.append((x, y, entry))
            x += w + ITEM_GAP
        return placed

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        placed = self._place(width)
        if not placed:
            return 2 * MARGIN
        return placed[-1][1] + self._line_height(self.fontMetrics()) + MARGIN

    def sizeHint(self) -> QSize:
        fm = self.fontMetrics()
        groups: dict[int, int] = {}
        for entry in self._entries:
            groups[entry.group] = (
                groups.get(entry.group, 0) + self._item_width(fm, entry) + ITEM_GAP
            )
        width = max(groups.values(), default=200) + 2 * MARGIN
        width = min(width, 900)
        return QSize(width, self.heightForWidth(width))

    def minimumSizeHint(self) -> QSize:
        fm = self.fontMetrics()
        widest = max((self._item_width(fm, e) for e in self._entries), default=80)
        return QSize(widest + 2 * MARGIN, self._line_height(fm) + 2 * MARGIN)

    # ------------------------------------------------------------------ painting

    def paintEvent(self, event: QPaintEvent) -> None:
        fm = self.fontMetrics()
        line_h = self._line_height(fm)
        painter = QPainter(self)
        try:
            painter.setFont(self.font())
            text_pen = self.palette().windowText().color()
            for x, y, entry in self._place(self.width()):
                swatch = QRectF(x, y + (line_h - SWATCH) / 2, SWATCH, SWATCH)
                entry.paint(painter, swatch)
                painter.setPen(text_pen)
                text_rect = QRectF(
                    x + SWATCH + SWATCH_GAP, y, fm.horizontalAdvance(entry.text) + 2, line_h
                )
                painter.drawText(
                    text_rect,
                    Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                    entry.text,
                )
        finally:
            painter.end()
