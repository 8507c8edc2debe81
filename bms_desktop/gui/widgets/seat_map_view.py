"""The seat map in a scrolling view that zooms: Ctrl+wheel (around the pointer), Ctrl+plus and
Ctrl+minus, Ctrl+0 to fit. Fitting never makes a seat smaller than ``MIN_READABLE_CELL_PX``: a
hall too big for the space at that size scrolls instead of turning into dots, and the keyboard
cursor is always scrolled into view.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QPoint, QPointF, QRect, Qt, Signal, Slot
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QFrame, QScrollArea, QWidget

from bms_desktop.gui.widgets.seat_map import SeatMapWidget
from bms_desktop.gui.widgets.seat_map_paint import MIN_READABLE_CELL_PX
from bms_desktop.gui.widgets.seat_style import BACKGROUND


class SeatMapView(QScrollArea):
    """Signals: zoom_changed(int): the cell size of the seats, in px."""

    zoom_changed = Signal(int)

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        clock: Callable[[], datetime] | None = None,
        min_cell: int = MIN_READABLE_CELL_PX,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("seatMapView")
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setWidgetResizable(True)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.viewport().setAutoFillBackground(True)
        palette = self.viewport().palette()
        palette.setColor(self.viewport().backgroundRole(), BACKGROUND)
        self.viewport().setPalette(palette)
        self.map = SeatMapWidget(self, clock=clock)
        self.map.set_min_cell(min_cell)
        self.setWidget(self.map)
        self.map.cursor_moved.connect(self._on_map_cursor_moved)
        self.map.zoom_changed.connect(self.zoom_changed)

    # ------------------------------------------------------------------ zoom

    def zoom_in(self, anchor: object = None) -> None:
        """Bigger seats, around ``anchor`` (a viewport point; the middle by default)."""
        self._zoom(self.map.zoom_in, anchor if isinstance(anchor, QPoint) else None)

    def zoom_out(self, anchor: object = None) -> None:
        self._zoom(self.map.zoom_out, anchor if isinstance(anchor, QPoint) else None)

    def zoom_to_fit(self) -> None:
        self._zoom(self.map.zoom_to_fit, None)

    def cell_size(self) -> int:
        return self.map.cell_size()

    def needs_scrolling(self) -> bool:
        return self.map.minimumWidth() > self.viewport().width() or (
            self.map.minimumHeight() > self.viewport().height()
        )

    def _zoom(self, change: Callable[[], None], anchor: QPoint | None) -> None:
        """Change the zoom, keeping the seat under ``anchor`` (viewport coordinates; the middle
        of the view by default) where it was."""
        viewport = self.viewport()
        at = anchor if anchor is not None else viewport.rect().center()
        in_map = self.map.mapFrom(viewport, at)
        grid = self.map.grid_point(in_map)
        change()
        # Let the scroll area give the map its new size now, then scroll the anchor back.
        size = self.map.minimumSize().expandedTo(viewport.size())
        self.map.resize(size)
        target = self.map.widget_point(grid)
        self.horizontalScrollBar().setValue(round(target.x() - at.x()))
        self.verticalScrollBar().setValue(round(target.y() - at.y()))

    # ------------------------------------------------------------------ events

    def wheelEvent(self, event: QWheelEvent) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            steps = event.angleDelta().y()
            anchor = event.position().toPoint()
            if steps > 0:
                self.zoom_in(anchor)
            elif steps < 0:
                self.zoom_out(anchor)
            event.accept()
            return
        super().wheelEvent(event)

    @Slot(QRect)
    def _on_map_cursor_moved(self, rect: QRect) -> None:
        centre = QPointF(rect.center())
        self.ensureVisible(round(centre.x()), round(centre.y()), rect.width(), rect.height())


__all__ = ["SeatMapView"]
