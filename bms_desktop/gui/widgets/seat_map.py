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
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Final, cast

from PySide6.QtCore import (
    QElapsedTimer,
    QEvent,
    QPoint,
    QPointF,
    QRect,
    QRectF,
    QSize,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import (
    QColor,
    QFocusEvent,
    QFont,
    QFontMetrics,
    QHelpEvent,
    QKeyEvent,
    QLinearGradient,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QPixmap,
    QRegion,
    QResizeEvent,
    QStaticText,
    QTransform,
)
from PySide6.QtWidgets import QApplication, QToolTip, QWidget

from bms_desktop.domain.model import MAX_SEATS_PER_BOOKING, SeatStatus
from bms_desktop.gui.widgets.seat_style import (
    BACKGROUND,
    BAND_COLOUR,
    FLASH_COLOUR,
    FOCUS_COLOUR,
    LABEL_COLOUR,
    LOST_COLOUR,
    PALETTE,
    SCREEN_COLOUR,
    STATE_LABELS,
    TEXT_DARK,
    TEXT_LIGHT,
    SeatTiles,
    SeatVisual,
    VisualKey,
    format_price,
    paint_clock,
    seat_radius,
)
from bms_desktop.services.dto import SeatMap, SeatTypeView, SeatView

FLASH_MS: Final = 600
FLASH_FRAME_MS: Final = 33
FLASH_MAX_SEATS: Final = 200  # a bigger batch is a bulk refresh: repaint, but do not flash it
REGION_MAX_RECTS: Final = 64  # past this many changed seats, one full update is cheaper
COUNTDOWN_MS: Final = 1000
NUMBER_MIN_SEAT_PX: Final = 22  # seats at least this big show their number (or my countdown)
MAX_CELL_PX: Final = 42  # a 50-seat hall should not turn into balloons
MIN_CELL_PX: Final = 2
PREFERRED_CELL_PX: Final = 26
PAD: Final = 10
RING_PAD: Final = 3  # rings (focus, lost, flash) reach this far outside a seat's cell

_SELECTABLE: Final = frozenset({SeatVisual.AVAILABLE, SeatVisual.SELECTED})


def _pixel_font(px: int, *, bold: bool = False, spacing: float = 0.0) -> QFont:
    font = QFont()
    font.setPixelSize(px)
    font.setBold(bold)
    if spacing:
        font.setLetterSpacing(QFont.SpacingType.AbsoluteSpacing, spacing)
    return font


def format_time_left(seconds: float) -> str:
    """``4:05`` for a hold with 245 s to go; never negative."""
    secs = max(0, int(seconds + 0.999))
    return f"{secs // 60}:{secs % 60:02d}"


@dataclass(slots=True)
class _Layout:
    width: int
    height: int
    cell: int
    seat: int
    offset: int  # where a seat starts inside its cell
    x0: int
    y0: int
    label_font: QFont
    label_gap: int
    screen_rect: QRect
    show_numbers: bool
    number_font: QFont
    countdown_font: QFont


@dataclass(slots=True)
class _RowPaint:
    """One row's seats grouped for painting; rebuilt when a seat of the row changes its look."""

    groups: dict[VisualKey, list[QRect]] = field(default_factory=dict)
    accessible: list[QRect] = field(default_factory=list)
    companion: list[QRect] = field(default_factory=list)
    dark_texts: list[tuple[QPointF, QStaticText]] = field(default_factory=list)
    light_texts: list[tuple[QPointF, QStaticText]] = field(default_factory=list)
    mine: list[int] = field(default_factory=list)


class SeatMapWidget(QWidget):
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
    """

    selection_changed = Signal(list)
    best_requested = Signal(int)
    activated = Signal()
    selection_refused = Signal(str)
    seat_hovered = Signal(int)
    selected_seats_taken = Signal(list)

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

        self._layout: _Layout | None = None
        self._cell_rects: dict[int, QRect] = {}
        self._seat_rects: dict[int, QRect] = {}
        self._row_cache: dict[int, _RowPaint] = {}
        self._row_labels: dict[int, QStaticText] = {}
        self._number_texts: dict[int, QStaticText] = {}
        self._tiles: SeatTiles | None = None
        self._tiles_key: tuple[int, int, int, float, bool] | None = None
        self._screen_pixmap: QPixmap | None = None
        self._owner_colours: dict[str, QColor] = {}  # race lab: held/sold seats by owner
        self._owner_rows: dict[int, tuple[_RowPaint, dict[str, list[QRect]]]] = {}

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
        self.updateGeometry()
        self.update()
        if self._selected != previous:
            self._emit_selection()

    def update_seats(self, seats: Iterable[SeatView], *, flash: bool = True) -> None:
        """Apply changed seats (from the change feed or after an action of this counter).

        Repaints and briefly flashes only the seats whose status or holder changed. A selected seat
        that is no longer free leaves the selection."""
        batch = list(seats)
        now = self._clock()
        flash = flash and len(batch) <= FLASH_MAX_SEATS  # the race lab paints without flashes
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

    def set_owner_colours(self, colours: dict[str, QColor]) -> None:
        """Race lab: paint held and sold seats in the colour of the counter that holds them
        (``held_by_counter``); counters without a colour keep the usual look. Empty: off."""
        self._owner_colours = dict(colours)
        self.update()

    def owner_colour(self, show_seat_id: int) -> QColor | None:
        seat = self._seats.get(show_seat_id)
        if seat is None or seat.status not in (SeatStatus.HELD, SeatStatus.SOLD):
            return None
        return self._owner_colours.get(seat.held_by_counter or "")

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

    # ------------------------------------------------------------------ text

    def _type_name(self, code: str) -> str:
        t = self._types.get(code)
        return t.name if t is not None else code.title()

    def _status_words(self, seat: SeatView, now: datetime) -> str:
        status = self._effective_status(seat, now)
        if status is SeatStatus.HELD:
            who = seat.held_by_counter or "another counter"
            if self._is_mine(seat):
                return f"held by you ({who})"
            return f"held by {who}"
        return {
            SeatStatus.AVAILABLE: "available",
            SeatStatus.SOLD: "sold",
            SeatStatus.BLOCKED: "blocked",
        }[status]

    def tooltip_text(self, show_seat_id: int) -> str:
        """Label, type, price, status; for a held seat the counter and the time left."""
        seat = self._seats.get(show_seat_id)
        if seat is None:
            return ""
        now = self._clock()
        lines = [f"{seat.label} · {self._type_name(seat.seat_type)}", format_price(seat.price)]
        visual = self._visual_key(seat, now)[0]
        status = self._effective_status(seat, now)
        if status is SeatStatus.HELD:
            who = seat.held_by_counter or "another counter"
            holder = f"Held by you ({who})" if visual is SeatVisual.HELD_MINE else f"Held by {who}"
            if seat.hold_expires_at is not None:
                left = (seat.hold_expires_at - now).total_seconds()
                until = seat.hold_expires_at.astimezone().strftime("%H:%M:%S")
                lines.append(f"{holder} until {until} ({format_time_left(left)} left)")
            else:
                lines.append(holder)
        else:
            lines.append(STATE_LABELS[visual])
        extras = []
        if seat.accessible:
            extras.append("Wheelchair accessible")
        if seat.companion:
            extras.append("Companion seat")
        if extras:
            lines.append(", ".join(extras))
        if show_seat_id in self._lost:
            lines.append("Lost to another counter just now")
        return "\n".join(lines)

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

    def _ensure_layout(self) -> _Layout:
        lay = self._layout
        if lay is None or lay.width != self.width() or lay.height != self.height():
            lay = self._layout = self._compute_layout()
            self._row_cache.clear()
            self._screen_pixmap = None
            self._place_seats(lay)
        return lay

    def _compute_layout(self) -> _Layout:
        w, h = max(1, self.width()), max(1, self.height())
        cols, rows = max(1, self._cols), max(1, self._rows)
        labels = list(self._row_label_text.values()) or ["M"]
        screen_h = int(min(52, max(26, h * 0.075)))
        font_px = 12
        cell = MIN_CELL_PX
        label_gap = 0
        font = _pixel_font(font_px)
        for _ in range(2):
            font = _pixel_font(font_px, bold=True)
            fm = QFontMetrics(font)
            label_gap = max(fm.horizontalAdvance(t) for t in labels) + 12
            avail_w = w - 2 * (label_gap + PAD)
            avail_h = h - screen_h - 2 * PAD
            cell = max(MIN_CELL_PX, min(MAX_CELL_PX, avail_w // cols, avail_h // rows))
            font_px = max(8, min(13, round(cell * 0.5)))
        gap = 1 if cell < 7 else max(2, round(cell * 0.2))
        seat = max(1, cell - gap)
        offset = gap // 2
        grid_w, grid_h = cols * cell, rows * cell
        x0 = (w - grid_w) // 2
        avail_h = h - screen_h - 2 * PAD
        y0 = PAD + screen_h + max(0, (avail_h - grid_h) // 2)
        screen_w = max(grid_w, min(w - 2 * PAD, 160))
        screen_rect = QRect((w - screen_w) // 2, y0 - screen_h, screen_w, screen_h)
        number_px = max(9, min(13, round(seat * 0.42)))
        countdown_px = max(8, min(12, round(seat * 0.34)))
        return _Layout(
            width=self.width(),
            height=self.height(),
            cell=cell,
            seat=seat,
            offset=offset,
            x0=x0,
            y0=y0,
            label_font=font,
            label_gap=label_gap,
            screen_rect=screen_rect,
            show_numbers=seat >= NUMBER_MIN_SEAT_PX,
            number_font=_pixel_font(number_px),
            countdown_font=_pixel_font(countdown_px, bold=True),
        )

    def _place_seats(self, lay: _Layout) -> None:
        cell, off, size = lay.cell, lay.offset, lay.seat
        self._cell_rects = {}
        self._seat_rects = {}
        for sid, s in self._seats.items():
            x = lay.x0 + s.col * cell
            y = lay.y0 + s.row * cell
            self._cell_rects[sid] = QRect(x, y, cell, cell)
            self._seat_rects[sid] = QRect(x + off, y + off, size, size)
        self._row_labels = {}
        for row, text in self._row_label_text.items():
            st = QStaticText(text)
            st.setTextFormat(Qt.TextFormat.PlainText)
            st.prepare(QTransform(), lay.label_font)
            self._row_labels[row] = st
        self._number_texts = {}

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

    # ------------------------------------------------------------------ painting

    def _tiles_for(self, lay: _Layout) -> SeatTiles:
        dpr = self.devicePixelRatioF()
        key = (lay.cell, lay.offset, lay.seat, dpr, not lay.show_numbers)
        if self._tiles is None or self._tiles_key != key:
            self._tiles = SeatTiles(
                lay.cell, lay.offset, lay.seat, dpr, glyphs=not lay.show_numbers
            )
            self._tiles_key = key
        return self._tiles

    def _number_text(self, number: int, lay: _Layout) -> QStaticText:
        st = self._number_texts.get(number)
        if st is None:
            st = QStaticText(str(number))
            st.setTextFormat(Qt.TextFormat.PlainText)
            st.setPerformanceHint(QStaticText.PerformanceHint.AggressiveCaching)
            st.prepare(QTransform(), lay.number_font)
            self._number_texts[number] = st
        return st

    def _row_paint(self, row: int, lay: _Layout) -> _RowPaint:
        rp = self._row_cache.get(row)
        if rp is not None:
            return rp
        rp = _RowPaint()
        groups = rp.groups
        cell_rects, visual, seats = self._cell_rects, self._visual, self._seats
        numbers = lay.show_numbers
        for sid in self._row_ids.get(row, ()):
            cr = cell_rects[sid]
            key = visual[sid]
            bucket = groups.get(key)
            if bucket is None:
                groups[key] = [cr]
            else:
                bucket.append(cr)
            seat = seats[sid]
            if seat.accessible:
                rp.accessible.append(cr)
            if seat.companion:
                rp.companion.append(cr)
            v = key[0]
            if v is SeatVisual.HELD_MINE:
                rp.mine.append(sid)
            elif numbers and v in _SELECTABLE:
                st = self._number_text(seat.number, lay)
                size = st.size()
                sr = self._seat_rects[sid]
                pos = QPointF(
                    sr.x() + (sr.width() - size.width()) / 2,
                    sr.y() + (sr.height() - size.height()) / 2,
                )
                (rp.light_texts if v is SeatVisual.SELECTED else rp.dark_texts).append((pos, st))
        self._row_cache[row] = rp
        return rp

    def _rows_in(self, region: QRegion, lay: _Layout) -> list[int]:
        cell, y0 = lay.cell, lay.y0
        spans = [
            (max(0, (r.top() - y0) // cell), min(self._rows - 1, (r.bottom() - y0) // cell))
            for r in cast(Iterable[QRect], region)
        ]
        if len(spans) == 1:
            lo, hi = spans[0]
            a = bisect.bisect_left(self._seat_rows, lo)
            b = bisect.bisect_right(self._seat_rows, hi)
            return self._seat_rows[a:b]
        wanted: set[int] = set()
        for lo, hi in spans:
            a = bisect.bisect_left(self._seat_rows, lo)
            b = bisect.bisect_right(self._seat_rows, hi)
            wanted.update(self._seat_rows[a:b])
        return sorted(wanted)

    def paintEvent(self, event: QPaintEvent) -> None:
        lay = self._ensure_layout()
        painter = QPainter(self)
        try:
            self._paint(painter, event.rect(), event.region(), lay)
        finally:
            painter.end()

    def _paint(self, painter: QPainter, bounds: QRect, region: QRegion, lay: _Layout) -> None:
        painter.fillRect(bounds, BACKGROUND)
        if not self._seats:
            painter.setPen(LABEL_COLOUR)
            painter.setFont(_pixel_font(14))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "No show loaded")
            return
        if bounds.intersects(lay.screen_rect):
            painter.drawPixmap(lay.screen_rect.topLeft(), self._screen_for(lay))
        rows = self._rows_in(region, lay)
        if not rows:
            self._paint_overlays(painter, bounds, lay)
            return
        groups: dict[VisualKey, list[QRect]] = {}
        accessible: list[QRect] = []
        companion: list[QRect] = []
        dark: list[tuple[QPointF, QStaticText]] = []
        light: list[tuple[QPointF, QStaticText]] = []
        mine: list[int] = []
        for row in rows:
            rp = self._row_paint(row, lay)
            for key, rects in rp.groups.items():
                bucket = groups.get(key)
                if bucket is None:
                    groups[key] = list(rects)
                else:
                    bucket.extend(rects)
            if rp.accessible:
                accessible.extend(rp.accessible)
            if rp.companion:
                companion.extend(rp.companion)
            if rp.dark_texts:
                dark.extend(rp.dark_texts)
            if rp.light_texts:
                light.extend(rp.light_texts)
            if rp.mine:
                mine.extend(rp.mine)

        tiles = self._tiles_for(lay)
        # save/restore: after a texture brush with a device pixel ratio other than 1, Qt 6.12
        # draws QStaticText at unscaled positions unless the painter state is restored.
        painter.save()
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrushOrigin(lay.x0, lay.y0)
        for key, rects in groups.items():
            painter.setBrush(tiles.brush(key))
            painter.drawRects(rects)
        if lay.seat >= 8:
            if accessible:
                painter.setBrush(tiles.accessible_brush)
                painter.drawRects(accessible)
            if companion:
                painter.setBrush(tiles.companion_brush)
                painter.drawRects(companion)
        painter.restore()
        if self._owner_colours:
            self._paint_owners(painter, rows)
        if lay.show_numbers:
            painter.setFont(lay.number_font)
            if dark:
                painter.setPen(TEXT_DARK)
                for pos, st in dark:
                    painter.drawStaticText(pos, st)
            if light:
                painter.setPen(TEXT_LIGHT)
                for pos, st in light:
                    painter.drawStaticText(pos, st)
            if mine:
                self._paint_countdowns(painter, mine, lay)
        self._paint_row_labels(painter, rows, lay)
        self._paint_overlays(painter, bounds, lay)

    def _paint_owners(self, painter: QPainter, rows: list[int]) -> None:
        # Per row, cached with the row's own paint cache (a changed row gets a new _RowPaint).
        by_colour: dict[str, list[QRect]] = {}
        colours, seats, rects = self._owner_colours, self._seats, self._seat_rects
        for row in rows:
            rp = self._row_cache.get(row)
            cached = self._owner_rows.get(row)
            if cached is None or rp is None or cached[0] is not rp:
                owned: dict[str, list[QRect]] = {}
                for sid in self._row_ids.get(row, ()):
                    seat = seats[sid]
                    owner = seat.held_by_counter
                    if owner is not None and seat.status in (SeatStatus.HELD, SeatStatus.SOLD):
                        owned.setdefault(owner, []).append(rects[sid])
                if rp is not None:
                    self._owner_rows[row] = (rp, owned)
            else:
                owned = cached[1]
            for owner, found in owned.items():
                if owner in colours:
                    by_colour.setdefault(owner, []).extend(found)
        painter.save()
        painter.setPen(Qt.PenStyle.NoPen)
        for owner, owned_rects in by_colour.items():
            painter.setBrush(colours[owner])
            painter.drawRects(owned_rects)
        painter.restore()

    def _paint_countdowns(self, painter: QPainter, ids: list[int], lay: _Layout) -> None:
        now = self._clock()
        painter.setFont(lay.countdown_font)
        painter.setPen(TEXT_LIGHT)
        fm = QFontMetrics(lay.countdown_font)
        for sid in ids:
            seat = self._seats[sid]
            rect = self._seat_rects[sid]
            if seat.hold_expires_at is None:
                paint_clock(painter, QRectF(rect))
                continue
            secs = (seat.hold_expires_at - now).total_seconds()
            text = format_time_left(secs)
            if fm.horizontalAdvance(text) > rect.width() - 2:
                whole = max(0, int(secs + 0.999))
                text = f"{whole // 60}m" if whole >= 60 else f"{whole}s"
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)

    def _paint_row_labels(self, painter: QPainter, rows: list[int], lay: _Layout) -> None:
        painter.setFont(lay.label_font)
        painter.setPen(LABEL_COLOUR)
        left_edge = lay.x0 - 8
        right_edge = lay.x0 + self._cols * lay.cell + 8
        for row in rows:
            st = self._row_labels.get(row)
            if st is None:
                continue
            size = st.size()
            y = lay.y0 + row * lay.cell + (lay.cell - size.height()) / 2
            painter.drawStaticText(QPointF(left_edge - size.width(), y), st)
            painter.drawStaticText(QPointF(right_edge, y), st)

    def _screen_for(self, lay: _Layout) -> QPixmap:
        """The screen arc and its caption, rendered once per layout (antialiased paths are slow)."""
        dpr = self.devicePixelRatioF()
        pixmap = self._screen_pixmap
        if pixmap is None or pixmap.devicePixelRatio() != dpr:
            size = lay.screen_rect.size()
            pixmap = QPixmap(max(1, round(size.width() * dpr)), max(1, round(size.height() * dpr)))
            pixmap.setDevicePixelRatio(dpr)
            pixmap.fill(BACKGROUND)
            painter = QPainter(pixmap)
            self._paint_screen(painter, QRectF(0, 0, size.width(), size.height()))
            painter.end()
            self._screen_pixmap = pixmap
        return pixmap

    @staticmethod
    def _paint_screen(painter: QPainter, r: QRectF) -> None:
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        inset = r.width() * 0.06
        top = r.top() + r.height() * 0.18
        ends = r.top() + r.height() * 0.42
        path = QPainterPath(QPointF(r.left() + inset, ends))
        path.quadTo(
            QPointF(r.center().x(), top - r.height() * 0.2), QPointF(r.right() - inset, ends)
        )
        gradient = QLinearGradient(r.left() + inset, 0, r.right() - inset, 0)
        faint = QColor(SCREEN_COLOUR)
        faint.setAlphaF(0.25)
        gradient.setColorAt(0.0, faint)
        gradient.setColorAt(0.5, SCREEN_COLOUR)
        gradient.setColorAt(1.0, faint)
        pen = QPen(gradient, 4.0 if r.height() >= 36 else 3.0)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(path)
        painter.setPen(LABEL_COLOUR)
        painter.setFont(_pixel_font(10 if r.height() >= 34 else 9, spacing=3.0))
        text_rect = QRectF(r.left(), ends + 2, r.width(), r.bottom() - ends - 2)
        painter.drawText(
            text_rect, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, "SCREEN"
        )
        painter.restore()

    def _paint_overlays(self, painter: QPainter, bounds: QRect, lay: _Layout) -> None:
        radius = seat_radius(lay.seat) + 2
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        if self._flash:
            now_ms = self._elapsed.elapsed()
            for sid, start in self._flash.items():
                rect = self._seat_rects.get(sid)
                if rect is None or not rect.adjusted(-3, -3, 3, 3).intersects(bounds):
                    continue
                left = 1.0 - min(1.0, (now_ms - start) / FLASH_MS)
                if left <= 0:
                    continue
                glow = QColor(FLASH_COLOUR)
                glow.setAlphaF(0.35 * left)
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(glow)
                painter.drawRoundedRect(QRectF(rect), radius - 2, radius - 2)
                ring = QColor(FLASH_COLOUR)
                ring.setAlphaF(left)
                painter.setPen(QPen(ring, 2.5))
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawRoundedRect(QRectF(rect).adjusted(-1.5, -1.5, 1.5, 1.5), radius, radius)
        if self._lost:
            painter.setPen(QPen(LOST_COLOUR, 2.0))
            for sid in self._lost:
                rect = self._seat_rects.get(sid)
                if rect is not None and rect.adjusted(-3, -3, 3, 3).intersects(bounds):
                    painter.drawRoundedRect(
                        QRectF(rect).adjusted(-1.5, -1.5, 1.5, 1.5), radius, radius
                    )
        hover = self._hover
        if hover is not None and hover != self._cursor and hover in self._seat_rects:
            rect = self._seat_rects[hover]
            if rect.adjusted(-3, -3, 3, 3).intersects(bounds):
                ink = QColor(FOCUS_COLOUR)
                ink.setAlphaF(0.45)
                painter.setPen(QPen(ink, 1.5))
                painter.drawRoundedRect(QRectF(rect).adjusted(-1, -1, 1, 1), radius, radius)
        cursor = self._cursor
        if cursor is not None and self.hasFocus() and cursor in self._seat_rects:
            rect = self._seat_rects[cursor]
            if rect.adjusted(-3, -3, 3, 3).intersects(bounds):
                around = QRectF(rect).adjusted(-1.5, -1.5, 1.5, 1.5)
                painter.setPen(QPen(TEXT_LIGHT, 3.5))
                painter.drawRoundedRect(around, radius, radius)
                painter.setPen(QPen(FOCUS_COLOUR, 2.0))
                painter.drawRoundedRect(around, radius, radius)
        if self._band is not None and self._band.intersects(bounds):
            fill = QColor(BAND_COLOUR)
            fill.setAlphaF(0.12)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
            painter.setPen(QPen(BAND_COLOUR, 1.0))
            painter.setBrush(fill)
            painter.drawRect(self._band.adjusted(0, 0, -1, -1))
        painter.restore()

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
        self._invalidate_layout()
        super().resizeEvent(event)

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
