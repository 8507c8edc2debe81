"""The seat heat map: the seat-map widget, read-only, each seat painted by how early it sold.

A subclass of ``SeatMapWidget`` that paints over the seats it has drawn (``seat_rect`` gives
each seat's square): red for the first seats sold, through orange and yellow, to a pale blue for
the last; seats never sold stay grey. Clicks and keys select nothing.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import replace
from decimal import Decimal

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QKeyEvent, QMouseEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import QWidget

from bms_desktop.domain.model import SeatStatus
from bms_desktop.gui.widgets.seat_map import SeatMapWidget
from bms_desktop.services.dto import SeatMap

UNSOLD = QColor("#D5D9DF")
# heat 0 (sold last) -> 1 (sold first)
STOPS = (
    (0.0, QColor("#9CC3E6")),
    (0.35, QColor("#F7E27A")),
    (0.7, QColor("#F39B38")),
    (1.0, QColor("#C9302C")),
)


def heat_colour(heat: float | Decimal | None) -> QColor:
    if heat is None:
        return QColor(UNSOLD)
    h = min(1.0, max(0.0, float(heat)))
    for (a, ca), (b, cb) in itertools.pairwise(STOPS):
        if h <= b:
            t = 0.0 if b == a else (h - a) / (b - a)
            return QColor(
                round(ca.red() + (cb.red() - ca.red()) * t),
                round(ca.green() + (cb.green() - ca.green()) * t),
                round(ca.blue() + (cb.blue() - ca.blue()) * t),
            )
    return QColor(STOPS[-1][1])


class HeatMapWidget(SeatMapWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("heatMap")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setAccessibleName("Seat heat map")
        self._heat: dict[int, Decimal] = {}
        self._colours: dict[int, QColor] = {}

    def set_heat(self, seat_map: SeatMap, heat: Mapping[int, Decimal]) -> None:
        """Show ``seat_map``'s seats coloured by ``heat`` (show_seat_id -> 0..1)."""
        plain = replace(
            seat_map,
            seats=tuple(
                replace(s, status=SeatStatus.AVAILABLE, held_by_counter=None,
                        held_by_ticket_id=None, hold_expires_at=None, accessible=False,
                        companion=False)
                for s in seat_map.seats
            ),
        )  # fmt: skip
        self._heat = dict(heat)
        self._colours = {s.show_seat_id: heat_colour(self._heat.get(s.show_seat_id))
                         for s in seat_map.seats}  # fmt: skip
        self.set_seat_map(plain, my_counter="")
        self.update()

    def heat_of(self, show_seat_id: int) -> Decimal | None:
        return self._heat.get(show_seat_id)

    def colour_of(self, show_seat_id: int) -> QColor:
        return QColor(self._colours.get(show_seat_id, UNSOLD))

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self._colours:
            return
        painter = QPainter(self)
        try:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            exposed: QRect = event.rect()
            for sid, colour in self._colours.items():
                r = self.seat_rect(sid)
                if r.isValid() and r.intersects(exposed):
                    painter.setBrush(colour)
                    radius = max(1.0, r.width() / 5)
                    painter.drawRoundedRect(r, radius, radius)
        finally:
            painter.end()

    def tooltip_text(self, show_seat_id: int) -> str:
        seat = self.seat(show_seat_id)
        if seat is None:
            return ""
        heat = self._heat.get(show_seat_id)
        if heat is None:
            return f"{seat.label} · not sold"
        return f"{seat.label} · heat {heat:.2f} (1.00 = sold first)"

    # read-only: nothing to select
    def mousePressEvent(self, event: QMouseEvent) -> None:
        event.ignore()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        event.ignore()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        event.ignore()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        event.ignore()


__all__ = ["HeatMapWidget", "heat_colour"]
