"""The seat map: one custom-painted widget for 50 to 10,000 seats.

Everything here is arithmetic on a regular grid of square cells (``SeatView.col``/``row`` in seat
units; row 0 is nearest the screen):

- hit-testing turns a point into (col, row) by division and looks the seat up in a dict;
- painting walks only the rows that intersect the exposed region; each row keeps its seats grouped
  by look (``VisualKey``), and each look is one ``drawRects`` call with a pre-rendered tile as a
  texture brush (``seat_style.SeatTiles``), so 10,000 seats cost a handful of C++ calls;
- a change to one seat regroups that row only and repaints that seat's rectangle.

Interaction: a click toggles an available seat, a drag selects the available seats of a rectangle
(replacing the selection; with Ctrl or Shift adding to it), arrows move a focus cursor, Space
toggles the focused seat, Enter activates, digits 1-9 ask for that many best seats, Escape clears.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Final, cast

from PySide6.QtCore import (
    QElapsedTimer,
    QEvent,
    QPoint,
    QPointF,
    QRect,
    QSize,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import (
    QFocusEvent,
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
    QPixmap,
    QRegion,
    QResizeEvent,
    QStaticText,
)
from PySide6.QtWidgets import QApplication, QToolTip, QWidget

from bms_desktop.domain.model import MAX_SEATS_PER_BOOKING, SeatStatus
from bms_desktop.gui.widgets.seat_map_paint import (
    FLASH_MS,
    MIN_CELL_PX,
    PAD,
    PREFERRED_CELL_PX,
    RowPaint,
    SeatLayout,
    SeatMapPainting,
)
from bms_desktop.gui.widgets.seat_style import (
    PALETTE,
    SeatTiles,
    SeatVisual,
    VisualKey,
)
from bms_desktop.services.dto import SeatMap, SeatTypeView, SeatView

FLASH_FRAME_MS: Final = 33
FLASH_MAX_SEATS: Final = 200  # a bigger batch is a bulk refresh: repaint, but do not flash it
REGION_MAX_RECTS: Final = 64  # past this many changed seats, one full update is cheaper
COUNTDOWN_MS: Final = 1000
RING_PAD: Final = 3  # rings (focus, lost, flash) reach this far outside a seat's cell

_SELECTABLE: Final = frozenset({SeatVisual.AVAILABLE, SeatVisual.SELECTED})


class SeatMapWidget(SeatMapPainting, QWidget):
    """A show's seats, painted; selection by mouse and keyboard.

    Signals:
        selection_changed(list): the selected show_seat_ids, in row/column order.
        best_requested(int): a digit key 1-9 asked for that many best seats.
        activated(): Enter was pressed (book the selection).
        selection_refused(str): a message for the status bar: the 10-seat limit was hit, or the
            seat clicked cannot be selected.
        seat_hovered(int): the show_seat_id under the mouse, -1 when it leaves the seats.
        selected_seats_taken(list): selected seats that someone else just held, sold or blocked
            (they have left the selection; ``selection_changed`` follows too).
        zoom_changed(int): the seats' cell size changed (a zoom, or the fit of a new size).
        cursor_moved(QRect): the keyboard cursor moved to the seat in this rectangle.
    """

    selection_changed = Signal(list)
    best_requested = Signal(int)
    activated = Signal()
    selection_refused = Signal(str)
    seat_hovered = Signal(int)
    selected_seats_taken = Signal(list)
    zoom_changed = Signal(int)
    cursor_moved = Signal(QRect)

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        super().__init__(parent)
        self._clock: Callable[[], datetime] = clock or (lambda: datetime.now(UTC))
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent, True)
        self.setAccessibleName("Seat map")

        self._map: SeatMap | None = None
        self._my_counter = ""
        self._my_tickets: frozenset[int] = frozenset()
        self._seats: dict[int, SeatView] = {}
        self._types: dict[str, SeatTypeView] = {}
        self._cols = 0
        self._rows = 0
        self._grid: dict[int, int] = {}  # row * cols + col -> show_seat_id
        self._row_ids: dict[int, list[int]] = {}  # row -> ids sorted by column
        self._row_cols: dict[int, list[int]] = {}  # row -> sorted columns (for bisect)
        self._seat_rows: list[int] = []  # rows that have seats, ascending
        self._row_label_text: dict[int, str] = {}
        self._visual: dict[int, VisualKey] = {}
        self._selected: set[int] = set()
        self._held_timed: set[int] = set()  # held seats with an expiry (countdown, expiry)
        self._lost: set[int] = set()
        self._flash: dict[int, int] = {}  # id -> start (ms of self._elapsed)
        self._cursor: int | None = None
        self._hover: int | None = None
        self._press_pos: QPoint | None = None
        self._press_seat: int | None = None
        self._band: QRect | None = None
        self._zoom_cell: int | None = None  # None: fit the space
        self._min_cell = MIN_CELL_PX

        self._layout: SeatLayout | None = None
        self._cell_rects: dict[int, QRect] = {}
        self._seat_rects: dict[int, QRect] = {}
        self._row_cache: dict[int, RowPaint] = {}
        self._row_labels: dict[int, QStaticText] = {}
        self._number_texts: dict[int, QStaticText] = {}
        self._tiles: SeatTiles | None = None
        self._tiles_key: tuple[int, int, int, float, bool] | None = None
        self._screen_pixmap: QPixmap | None = None

        self._elapsed = QElapsedTimer()
        self._elapsed.start()
        self._flash_timer = QTimer(self)
        self._flash_timer.setInterval(FLASH_FRAME_MS)
        self._flash_timer.timeout.connect(self._on_flash_timer_timeout)
        self._countdown_timer = QTimer(self)
        self._countdown_timer.setInterval(COUNTDOWN_MS)
        self._countdown_timer.timeout.connect(self._on_countdown_timer_timeout)

    # ------------------------------------------------------------------ loading and updates

    def set_seat_map(
        self,
        seat_map: SeatMap,
        *,
        my_counter: str,
        my_ticket_ids: frozenset[int] = frozenset(),
    ) -> None:
        """Show ``seat_map``. Reloading the same show keeps the selection (of seats still free),
        the focus cursor and the lost-seat outlines; another show starts afresh."""
        same_show = self._map is not None and self._map.show.show_id == seat_map.show.show_id
        self._map = seat_map
        self._my_counter = my_counter
        self._my_tickets = frozenset(my_ticket_ids)
        self._seats = {s.show_seat_id: s for s in seat_map.seats}
        ranked = sorted(seat_map.seat_types, key=lambda t: (t.rank, t.code))
        self._types = {t.code: t for t in ranked}
        PALETTE.register([t.code for t in ranked])
        PALETTE.register(sorted({s.seat_type for s in seat_map.seats} - set(self._types)))
        self._flash.clear()
        self._flash_timer.stop()
        if not same_show:
            self._lost.clear()
            self._cursor = None
        self._hover = None
        self._build_grid()
        previous = set(self._selected)
        self._selected.clear()
        now = self._clock()
        self._held_timed = {
            sid
            for sid, s in self._seats.items()
            if s.status is SeatStatus.HELD and s.hold_expires_at is not None
        }
        for sid in previous if same_show else ():
            if sid in self._seats and self._is_free(self._seats[sid], now):
                self._selected.add(sid)
        self._lost &= self._seats.keys()
        if self._cursor is not None and self._cursor not in self._seats:
            self._cursor = None
        self._visual = {sid: self._visual_key(s, now) for sid, s in self._seats.items()}
        self._sync_countdown_timer()
        self._invalidate_layout()
        self._update_minimum_size()
        self.updateGeometry()
        self.update()
        if self._selected != previous:
            self._emit_selection()

    def update_seats(self, seats: Iterable[SeatView]) -> None:
        """Apply changed seats (from the change feed or after an action of this counter).

        Repaints and briefly flashes only the seats whose status or holder changed. A selected seat
        that is no longer free leaves the selection."""
        batch = list(seats)
        now = self._clock()
        flash = len(batch) <= FLASH_MAX_SEATS
        started = self._elapsed.elapsed()
        dirty_rows: set[int] = set()
        changed: list[int] = []
        taken: list[int] = []
        left_selection = False
        relayout = False
        for new in batch:
            old = self._seats.get(new.show_seat_id)
            if old is None or old == new:
                continue
            sid = new.show_seat_id
            self._seats[sid] = new
            if (old.col, old.row) != (new.col, new.row):
                relayout = True
            if new.status is SeatStatus.HELD and new.hold_expires_at is not None:
                self._held_timed.add(sid)
            else:
                self._held_timed.discard(sid)
            if sid in self._selected and not self._is_free(new, now):
                self._selected.discard(sid)
                left_selection = True
                if not self._is_mine(new):
                    taken.append(sid)
            key = self._visual_key(new, now)
            if key != self._visual.get(sid):
                self._visual[sid] = key
                dirty_rows.add(new.row)
                dirty_rows.add(old.row)
            if flash and (old.status, old.held_by_counter, old.held_by_ticket_id) != (
                new.status,
                new.held_by_counter,
                new.held_by_ticket_id,
            ):
                self._flash[sid] = started
            changed.append(sid)
        if relayout:
            self._build_grid()
            self._invalidate_layout()
            self.update()
        else:
            for row in dirty_rows:
                self._row_cache.pop(row, None)
            self._update_seat_rects(changed)
        if self._flash and not self._flash_timer.isActive():
            self._flash_timer.start()
        self._sync_countdown_timer()
        if left_selection:
            self._emit_selection()
        if taken:
            self.selected_seats_taken.emit(self._ordered(taken))

    def mark_lost(self, show_seat_ids: Iterable[int]) -> None:
        """Outline seats this counter just lost in a race (until ``clear_lost`` or another show)."""
        ids = {sid for sid in show_seat_ids if sid in self._seats}
        self._lost |= ids
        dropped = ids & self._selected
        if dropped:
            self._set_selected(self._selected - dropped)
        for sid in ids:
            self.update(self.seat_update_rect(sid))

    def clear_lost(self) -> None:
        for sid in self._lost:
            self.update(self.seat_update_rect(sid))
        self._lost.clear()

    def set_my_tickets(self, ticket_ids: Iterable[int]) -> None:
        """The tickets this counter holds: their seats show as held by me."""
        self._my_tickets = frozenset(ticket_ids)
        now = self._clock()
        for sid, seat in self._seats.items():
            if seat.status is SeatStatus.HELD:
                self._restyle(sid, now)

    # ------------------------------------------------------------------ queries

    def seat_map(self) -> SeatMap | None:
        return self._map

    def seat(self, show_seat_id: int) -> SeatView | None:
        return self._seats.get(show_seat_id)

    def visual_of(self, show_seat_id: int) -> SeatVisual:
        return self._visual[show_seat_id][0]

    def lost_ids(self) -> frozenset[int]:
        return frozenset(self._lost)

    def flashing_ids(self) -> frozenset[int]:
        return frozenset(self._flash)

    def focused_seat_id(self) -> int | None:
        return self._cursor

    def set_focused_seat(self, show_seat_id: int | None) -> None:
        if show_seat_id is not None and show_seat_id not in self._seats:
            return
        self._move_cursor_to(show_seat_id)

    # ------------------------------------------------------------------ selection

    def selected_ids(self) -> tuple[int, ...]:
        """Selected show_seat_ids in row, then column order."""
        return tuple(self._ordered(self._selected))

    def set_selection(self, show_seat_ids: Iterable[int]) -> None:
        """Select exactly these seats (those not free are dropped). More than the booking limit
        is refused whole, with ``selection_refused``."""
        now = self._clock()
        wanted = {
            sid
            for sid in show_seat_ids
            if sid in self._seats and self._is_free(self._seats[sid], now)
        }
        if len(wanted) > MAX_SEATS_PER_BOOKING:
            self.selection_refused.emit(self._limit_message(len(wanted)))
            return
        self._set_selected(wanted)

    def clear_selection(self) -> None:
        self._set_selected(set())

    def toggle_seat(self, show_seat_id: int) -> bool:
        """Toggle one seat as a click would; returns whether the selection changed."""
        if show_seat_id in self._selected:
            self._set_selected(self._selected - {show_seat_id})
            return True
        seat = self._seats.get(show_seat_id)
        if seat is None:
            return False
        now = self._clock()
        if not self._is_free(seat, now):
            self.selection_refused.emit(f"{seat.label} is {self._status_words(seat, now)}.")
            return False
        if len(self._selected) >= MAX_SEATS_PER_BOOKING:
            self.selection_refused.emit(self._limit_message(len(self._selected) + 1))
            return False
        self._set_selected(self._selected | {show_seat_id})
        return True

    def _set_selected(self, wanted: set[int]) -> None:
        if wanted == self._selected:
            return
        changed = wanted ^ self._selected
        self._selected = set(wanted)
        now = self._clock()
        for sid in changed:
            self._restyle(sid, now)
        self._emit_selection()

    def _emit_selection(self) -> None:
        self.selection_changed.emit(list(self.selected_ids()))

    def _ordered(self, ids: Iterable[int]) -> list[int]:
        seats = self._seats
        return sorted(ids, key=lambda sid: (seats[sid].row, seats[sid].col, sid))

    @staticmethod
    def _limit_message(wanted: int) -> str:
        return (
            f"At most {MAX_SEATS_PER_BOOKING} seats per booking "
            f"({wanted} asked for); deselect a seat first."
        )

    # ------------------------------------------------------------------ seat state

    def _is_mine(self, seat: SeatView) -> bool:
        return (
            seat.held_by_ticket_id is not None and seat.held_by_ticket_id in self._my_tickets
        ) or (bool(self._my_counter) and seat.held_by_counter == self._my_counter)

    @staticmethod
    def _effective_status(seat: SeatView, now: datetime) -> SeatStatus:
        if (
            seat.status is SeatStatus.HELD
            and seat.hold_expires_at is not None
            and seat.hold_expires_at <= now
        ):
            return SeatStatus.AVAILABLE  # an expired hold is free on every read path
        return seat.status

    def _is_free(self, seat: SeatView, now: datetime) -> bool:
        return self._effective_status(seat, now) is SeatStatus.AVAILABLE

    def _visual_key(self, seat: SeatView, now: datetime) -> VisualKey:
        status = self._effective_status(seat, now)
        if status is SeatStatus.AVAILABLE:
            if seat.show_seat_id in self._selected:
                return (SeatVisual.SELECTED, "")
            return (SeatVisual.AVAILABLE, seat.seat_type)
        if status is SeatStatus.HELD:
            return (SeatVisual.HELD_MINE if self._is_mine(seat) else SeatVisual.HELD_OTHER, "")
        if status is SeatStatus.SOLD:
            return (SeatVisual.SOLD, "")
        return (SeatVisual.BLOCKED, "")

    def _restyle(self, sid: int, now: datetime) -> None:
        seat = self._seats[sid]
        key = self._visual_key(seat, now)
        if key != self._visual.get(sid):
            self._visual[sid] = key
            self._row_cache.pop(seat.row, None)
            self.update(self.seat_update_rect(sid))

    def _sync_countdown_timer(self) -> None:
        if self._held_timed and not self._countdown_timer.isActive():
            self._countdown_timer.start()
        elif not self._held_timed:
            self._countdown_timer.stop()

    # ------------------------------------------------------------------ grid and layout

    def _build_grid(self) -> None:
        seats = self._seats.values()
        self._cols = max([self._map.cols if self._map else 0, *(s.col + 1 for s in seats)])
        self._rows = max([self._map.rows if self._map else 0, *(s.row + 1 for s in seats)])
        cols = max(1, self._cols)
        by_row: dict[int, list[SeatView]] = {}
        self._grid = {}
        for s in seats:
            by_row.setdefault(s.row, []).append(s)
            self._grid[s.row * cols + s.col] = s.show_seat_id
        self._row_ids = {}
        self._row_cols = {}
        for row, members in by_row.items():
            members.sort(key=lambda s: s.col)
            self._row_ids[row] = [s.show_seat_id for s in members]
            self._row_cols[row] = [s.col for s in members]
        self._seat_rows = sorted(self._row_ids)
        labels: dict[int, str] = {}
        for row, members in by_row.items():
            labels[row] = members[0].row_label
        self._row_label_text = labels

    def _invalidate_layout(self) -> None:
        self._layout = None
        self._row_cache.clear()
        self._screen_pixmap = None

    def _ensure_layout(self) -> SeatLayout:
        lay = self._layout
        if lay is None or lay.width != self.width() or lay.height != self.height():
            lay = self._layout = self._compute_layout()
            self._row_cache.clear()
            self._screen_pixmap = None
            self._place_seats(lay)
        return lay

    def seat_rect(self, show_seat_id: int) -> QRect:
        """The seat's square in widget coordinates (empty for an unknown seat)."""
        self._ensure_layout()
        r = self._seat_rects.get(show_seat_id)
        return QRect(r) if r is not None else QRect()

    def cell_rect(self, show_seat_id: int) -> QRect:
        self._ensure_layout()
        r = self._cell_rects.get(show_seat_id)
        return QRect(r) if r is not None else QRect()

    def seat_update_rect(self, show_seat_id: int) -> QRect:
        """What to repaint when one seat changes: its cell plus the rings drawn around it."""
        r = self.cell_rect(show_seat_id)
        return r.adjusted(-RING_PAD, -RING_PAD, RING_PAD, RING_PAD) if r.isValid() else r

    def seat_at(self, pos: QPoint | QPointF) -> int | None:
        """The show_seat_id whose cell holds ``pos``, by arithmetic and one dict lookup."""
        if not self._seats:
            return None
        lay = self._ensure_layout()
        dx = int(pos.x()) - lay.x0
        dy = int(pos.y()) - lay.y0
        if dx < 0 or dy < 0:
            return None
        col, row = dx // lay.cell, dy // lay.cell
        if col >= self._cols or row >= self._rows:
            return None
        return self._grid.get(row * max(1, self._cols) + col)

    def seats_in_rect(self, rect: QRect) -> list[int]:
        """Seats whose cells meet ``rect`` (arithmetic on the grid, then a bisect per row)."""
        if not self._seats:
            return []
        lay = self._ensure_layout()
        r = rect.normalized()
        c0 = max(0, (r.left() - lay.x0) // lay.cell)
        c1 = min(self._cols - 1, (r.right() - lay.x0) // lay.cell)
        r0 = max(0, (r.top() - lay.y0) // lay.cell)
        r1 = min(self._rows - 1, (r.bottom() - lay.y0) // lay.cell)
        found: list[int] = []
        if c0 > c1 or r0 > r1:
            return found
        lo = bisect.bisect_left(self._seat_rows, r0)
        hi = bisect.bisect_right(self._seat_rows, r1)
        for row in self._seat_rows[lo:hi]:
            cols = self._row_cols[row]
            a = bisect.bisect_left(cols, c0)
            b = bisect.bisect_right(cols, c1)
            found.extend(self._row_ids[row][a:b])
        return found

    def sizeHint(self) -> QSize:
        if not self._seats:
            return QSize(640, 420)
        w = self._cols * PREFERRED_CELL_PX + 2 * (PAD + 40)
        h = self._rows * PREFERRED_CELL_PX + 2 * PAD + 44
        return QSize(max(360, min(w, 1400)), max(260, min(h, 900)))

    def minimumSizeHint(self) -> QSize:
        return QSize(160, 120)

    # ------------------------------------------------------------------ timers

    def _update_seat_rects(self, ids: list[int]) -> None:
        """Schedule a repaint of these seats only (or of everything, if that is cheaper)."""
        if len(ids) > REGION_MAX_RECTS:
            self.update()
        elif len(ids) == 1:
            self.update(self.seat_update_rect(ids[0]))
        elif ids:
            region = QRegion()
            for sid in ids:
                region += self.seat_update_rect(sid)
            self.update(region)

    @Slot()
    def _on_flash_timer_timeout(self) -> None:
        now_ms = self._elapsed.elapsed()
        self._update_seat_rects(list(self._flash))
        for sid, start in list(self._flash.items()):
            if now_ms - start >= FLASH_MS:
                del self._flash[sid]
        if not self._flash:
            self._flash_timer.stop()

    @Slot()
    def _on_countdown_timer_timeout(self) -> None:
        now = self._clock()
        lay = self._layout
        zoomed = lay is not None and lay.show_numbers
        for sid in list(self._held_timed):
            seat = self._seats[sid]
            if seat.status is not SeatStatus.HELD or seat.hold_expires_at is None:
                self._held_timed.discard(sid)
            elif seat.hold_expires_at <= now:
                self._held_timed.discard(sid)
                self._flash[sid] = self._elapsed.elapsed()
                self._restyle(sid, now)
            elif zoomed and self._visual[sid][0] is SeatVisual.HELD_MINE:
                self.update(self.seat_update_rect(sid))
        if self._flash and not self._flash_timer.isActive():
            self._flash_timer.start()
        self._sync_countdown_timer()

    # ------------------------------------------------------------------ events

    def resizeEvent(self, event: QResizeEvent) -> None:
        before = self._layout.cell if self._layout is not None else 0
        self._invalidate_layout()
        super().resizeEvent(event)
        if self._seats and self._ensure_layout().cell != before:
            self.zoom_changed.emit(self._ensure_layout().cell)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            help_event = cast(QHelpEvent, event)
            sid = self.seat_at(help_event.pos())
            if sid is None:
                QToolTip.hideText()
                event.ignore()
            else:
                QToolTip.showText(
                    help_event.globalPos(), self.tooltip_text(sid), self, self.cell_rect(sid)
                )
            return True
        return super().event(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            super().mousePressEvent(event)
            return
        pos = event.position().toPoint()
        self._press_pos = pos
        self._press_seat = self.seat_at(pos)
        event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        pos = event.position().toPoint()
        self._set_hover(self.seat_at(pos))
        if self._press_pos is None:
            return
        moved = (pos - self._press_pos).manhattanLength()
        if self._band is None and moved < QApplication.startDragDistance():
            return
        old = self._band
        self._band = QRect(self._press_pos, pos).normalized()
        dirty = QRegion(self._band.adjusted(-1, -1, 1, 1))
        if old is not None:
            dirty += old.adjusted(-1, -1, 1, 1)
        self.update(dirty)
        event.accept()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton or self._press_pos is None:
            super().mouseReleaseEvent(event)
            return
        pos = event.position().toPoint()
        band = self._band
        press_pos = self._press_pos
        press_seat = self._press_seat
        self._press_pos = None
        self._press_seat = None
        self._band = None
        if band is not None:
            self.update(band.adjusted(-1, -1, 1, 1))
            adding = bool(
                event.modifiers()
                & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
            )
            self._select_band(QRect(press_pos, pos).normalized(), adding=adding)
        else:
            sid = self.seat_at(pos)
            if sid is not None and sid == press_seat:
                self._move_cursor_to(sid)
                self.toggle_seat(sid)
        event.accept()

    def _select_band(self, band: QRect, *, adding: bool) -> None:
        now = self._clock()
        hits = [sid for sid in self.seats_in_rect(band) if self._is_free(self._seats[sid], now)]
        if not hits:
            return
        wanted = (self._selected | set(hits)) if adding else set(hits)
        if len(wanted) > MAX_SEATS_PER_BOOKING:
            self.selection_refused.emit(self._limit_message(len(wanted)))
            return
        self._set_selected(wanted)

    def leaveEvent(self, event: QEvent) -> None:
        self._set_hover(None)
        super().leaveEvent(event)

    def _set_hover(self, sid: int | None) -> None:
        if sid == self._hover:
            return
        for old in (self._hover, sid):
            if old is not None:
                self.update(self.seat_update_rect(old))
        self._hover = sid
        if sid is not None and self._visual.get(sid, (None, ""))[0] in _SELECTABLE:
            self.setCursor(Qt.CursorShape.PointingHandCursor)
        else:
            self.unsetCursor()
        self.seat_hovered.emit(-1 if sid is None else sid)

    def focusInEvent(self, event: QFocusEvent) -> None:
        if self._cursor is None:
            self._cursor = self._home_seat()
        if self._cursor is not None:
            self.update(self.seat_update_rect(self._cursor))
        super().focusInEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        if self._cursor is not None:
            self.update(self.seat_update_rect(self._cursor))
        super().focusOutEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        plain = mods in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.ShiftModifier)
        moves = {
            Qt.Key.Key_Left: (-1, 0),
            Qt.Key.Key_Right: (1, 0),
            Qt.Key.Key_Up: (0, -1),
            Qt.Key.Key_Down: (0, 1),
        }
        if key in moves and plain:
            dx, dy = moves[Qt.Key(key)]
            self._move_cursor(dx, dy)
        elif key in (Qt.Key.Key_Home, Qt.Key.Key_End) and plain:
            self._move_cursor_to_row_end(first=key == Qt.Key.Key_Home)
        elif key == Qt.Key.Key_Space and plain:
            if self._cursor is None:
                self._move_cursor_to(self._home_seat())
            else:
                self.toggle_seat(self._cursor)
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.activated.emit()
        elif Qt.Key.Key_1 <= key <= Qt.Key.Key_9 and plain:
            self.best_requested.emit(key - Qt.Key.Key_0)
        elif key == Qt.Key.Key_Escape and (self._band is not None or self._selected):
            if self._band is not None:
                self.update(self._band.adjusted(-1, -1, 1, 1))
                self._band = None
                self._press_pos = None
            else:
                self.clear_selection()
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    # ------------------------------------------------------------------ focus cursor

    def _home_seat(self) -> int | None:
        """Where the cursor starts: the seat nearest the middle of the middle row."""
        if not self._seat_rows:
            return None
        row = self._seat_rows[len(self._seat_rows) // 2]
        return self._nearest_in_row(row, self._cols / 2)

    def _nearest_in_row(self, row: int, col: float) -> int | None:
        cols = self._row_cols.get(row)
        if not cols:
            return None
        i = bisect.bisect_left(cols, col)
        candidates = [j for j in (i - 1, i) if 0 <= j < len(cols)]
        best = min(candidates, key=lambda j: (abs(cols[j] - col), cols[j]))
        return self._row_ids[row][best]

    def _move_cursor(self, dx: int, dy: int) -> None:
        if self._cursor is None:
            self._move_cursor_to(self._home_seat())
            return
        seat = self._seats[self._cursor]
        target: int | None = None
        if dx:
            cols = self._row_cols[seat.row]
            i = bisect.bisect_left(cols, seat.col) + dx
            if 0 <= i < len(cols):
                target = self._row_ids[seat.row][i]
        else:
            i = bisect.bisect_left(self._seat_rows, seat.row) + dy
            if 0 <= i < len(self._seat_rows):
                target = self._nearest_in_row(self._seat_rows[i], seat.col)
        if target is not None:
            self._move_cursor_to(target)

    def _move_cursor_to_row_end(self, *, first: bool) -> None:
        if self._cursor is None:
            self._move_cursor_to(self._home_seat())
            return
        ids = self._row_ids[self._seats[self._cursor].row]
        self._move_cursor_to(ids[0] if first else ids[-1])

    def _move_cursor_to(self, sid: int | None) -> None:
        if sid == self._cursor:
            return
        for old in (self._cursor, sid):
            if old is not None:
                self.update(self.seat_update_rect(old))
        self._cursor = sid
        if sid is not None:
            self.cursor_moved.emit(self.seat_update_rect(sid))
