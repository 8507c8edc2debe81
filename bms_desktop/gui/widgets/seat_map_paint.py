"""Painting the seat map (a mixin of ``SeatMapWidget``, split out to keep the widget's module
small): each visible row's seats grouped by look, one ``drawRects`` per look with a pre-rendered
tile as a texture brush, numbers and my countdowns when the seats are big enough, row letters,
the screen, and the rings (flash, lost, hover, focus, rubber band).
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Final, cast

from PySide6.QtCore import QElapsedTimer, QPoint, QPointF, QRect, QRectF, QSize, Qt, SignalInstance
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QLinearGradient,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QPixmap,
    QRegion,
    QStaticText,
    QTransform,
)

from bms_desktop.domain import cinema_time
from bms_desktop.domain.model import SeatStatus
from bms_desktop.gui.widgets.seat_style import (
    BACKGROUND,
    BAND_COLOUR,
    FLASH_COLOUR,
    FOCUS_COLOUR,
    LABEL_COLOUR,
    LOST_COLOUR,
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

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    _Base = QWidget
else:
    _Base = object

FLASH_MS: Final = 600
NUMBER_MIN_SEAT_PX: Final = 22  # seats at least this big show their number (or my countdown)
MAX_CELL_PX: Final = 42  # a 50-seat hall should not turn into balloons
MIN_CELL_PX: Final = 2
PREFERRED_CELL_PX: Final = 26
MIN_READABLE_CELL_PX: Final = 12  # a seat of 10 px with its state glyph, row letters of 9 px
MAX_ZOOM_CELL_PX: Final = 56
ZOOM_STEPS: Final = (10, 12, 14, 16, 19, 22, 26, 30, 36, 42, 48, 56)
SCREEN_MIN_PX: Final = 26
PAD: Final = 6
_SELECTABLE: Final = frozenset({SeatVisual.AVAILABLE, SeatVisual.SELECTED})


def pixel_font(px: int, *, bold: bool = False, spacing: float = 0.0) -> QFont:
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
class SeatLayout:
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
    right_labels: bool = True  # row letters on both sides (on the left only when tight)


@dataclass(slots=True)
class RowPaint:
    """One row's seats grouped for painting; rebuilt when a seat of the row changes its look."""

    groups: dict[VisualKey, list[QRect]] = field(default_factory=dict)
    accessible: list[QRect] = field(default_factory=list)
    companion: list[QRect] = field(default_factory=list)
    dark_texts: list[tuple[QPointF, QStaticText]] = field(default_factory=list)
    light_texts: list[tuple[QPointF, QStaticText]] = field(default_factory=list)
    mine: list[int] = field(default_factory=list)


class SeatMapPainting(_Base):
    """The painting half of ``SeatMapWidget`` (its state is the widget's)."""

    _seats: dict[int, SeatView]
    _rows: int
    _cols: int
    _row_ids: dict[int, list[int]]
    _seat_rows: list[int]
    _visual: dict[int, VisualKey]
    _cell_rects: dict[int, QRect]
    _seat_rects: dict[int, QRect]
    _row_cache: dict[int, RowPaint]
    _row_labels: dict[int, QStaticText]
    _number_texts: dict[int, QStaticText]
    _tiles: SeatTiles | None
    _tiles_key: tuple[int, int, int, float, bool] | None
    _screen_pixmap: QPixmap | None
    _flash: dict[int, int]
    _lost: set[int]
    _hover: int | None
    _cursor: int | None
    _band: QRect | None
    _elapsed: QElapsedTimer
    _clock: Callable[[], datetime]

    _layout: SeatLayout | None
    _row_label_text: dict[int, str]
    _zoom_cell: int | None
    _min_cell: int
    zoom_changed: SignalInstance

    _map: SeatMap | None
    _types: dict[str, SeatTypeView]

    def _ensure_layout(self) -> SeatLayout:
        raise NotImplementedError

    def _is_mine(self, seat: SeatView) -> bool:
        raise NotImplementedError

    def _effective_status(self, seat: SeatView, now: datetime) -> SeatStatus:
        raise NotImplementedError

    def _visual_key(self, seat: SeatView, now: datetime) -> VisualKey:
        raise NotImplementedError

    def _invalidate_layout(self) -> None:
        raise NotImplementedError

    # ------------------------------------------------------------------ painting

    def _tiles_for(self, lay: SeatLayout) -> SeatTiles:
        dpr = self.devicePixelRatioF()
        key = (lay.cell, lay.offset, lay.seat, dpr, not lay.show_numbers)
        if self._tiles is None or self._tiles_key != key:
            self._tiles = SeatTiles(
                lay.cell, lay.offset, lay.seat, dpr, glyphs=not lay.show_numbers
            )
            self._tiles_key = key
        return self._tiles

    def _number_text(self, number: int, lay: SeatLayout) -> QStaticText:
        st = self._number_texts.get(number)
        if st is None:
            st = QStaticText(str(number))
            st.setTextFormat(Qt.TextFormat.PlainText)
            st.setPerformanceHint(QStaticText.PerformanceHint.AggressiveCaching)
            st.prepare(QTransform(), lay.number_font)
            self._number_texts[number] = st
        return st

    def _row_paint(self, row: int, lay: SeatLayout) -> RowPaint:
        rp = self._row_cache.get(row)
        if rp is not None:
            return rp
        rp = RowPaint()
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

    def _rows_in(self, region: QRegion, lay: SeatLayout) -> list[int]:
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

    def _paint(self, painter: QPainter, bounds: QRect, region: QRegion, lay: SeatLayout) -> None:
        painter.fillRect(bounds, BACKGROUND)
        if not self._seats:
            painter.setPen(LABEL_COLOUR)
            painter.setFont(pixel_font(14))
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

    def _paint_countdowns(self, painter: QPainter, ids: list[int], lay: SeatLayout) -> None:
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

    def _paint_row_labels(self, painter: QPainter, rows: list[int], lay: SeatLayout) -> None:
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
            if lay.right_labels:
                painter.drawStaticText(QPointF(right_edge, y), st)

    def _screen_for(self, lay: SeatLayout) -> QPixmap:
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
        painter.setFont(pixel_font(10 if r.height() >= 34 else 9, spacing=3.0))
        text_rect = QRectF(r.left(), ends + 2, r.width(), r.bottom() - ends - 2)
        painter.drawText(
            text_rect, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, "SCREEN"
        )
        painter.restore()

    def _paint_overlays(self, painter: QPainter, bounds: QRect, lay: SeatLayout) -> None:
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

    # ------------------------------------------------------------------ layout and zoom

    def _label_metrics(self, cell: int) -> tuple[QFont, int]:
        """The row letters' font for seats of ``cell`` px, and the room they take on each side."""
        labels = list(self._row_label_text.values()) or ["M"]
        font = pixel_font(max(9, min(13, round(cell * 0.55))), bold=True)
        fm = QFontMetrics(font)
        return font, max(fm.horizontalAdvance(t) for t in labels) + 10

    def size_for_cell(self, cell: int, *, both_sides: bool = False) -> QSize:
        """The room the whole map needs with seats of ``cell`` px: the row letters (on the left,
        or on both sides) and the screen in."""
        _font, label_gap = self._label_metrics(cell)
        cols, rows = max(1, self._cols), max(1, self._rows)
        sides = label_gap * (2 if both_sides else 1) + 2 * PAD
        return QSize(cols * cell + sides, rows * cell + SCREEN_MIN_PX + 2 * PAD)

    def _fit_cell(self, w: int, h: int, screen_h: int, *, both_sides: bool = True) -> int:
        """The biggest seats with which the whole map fits ``w`` x ``h``."""
        cols, rows = max(1, self._cols), max(1, self._rows)
        cell = MAX_CELL_PX
        for _ in range(3):  # the row letters' width depends on the seat size: settle it
            _font, label_gap = self._label_metrics(cell)
            avail_w = w - label_gap * (2 if both_sides else 1) - 2 * PAD
            avail_h = h - screen_h - 2 * PAD
            cell = max(MIN_CELL_PX, min(MAX_CELL_PX, avail_w // cols, avail_h // rows))
        return cell

    def _compute_layout(self) -> SeatLayout:
        w, h = max(1, self.width()), max(1, self.height())
        cols, rows = max(1, self._cols), max(1, self._rows)
        screen_h = int(min(52, max(SCREEN_MIN_PX, h * 0.075)))
        if self._zoom_cell is not None:
            cell = self._zoom_cell
        else:
            cell = self._fit_cell(w, h, screen_h)
            if cell < self._min_cell:  # tight: row letters on the left only, for bigger seats
                cell = self._fit_cell(w, h, screen_h, both_sides=False)
            cell = max(self._min_cell, cell)
        font, label_gap = self._label_metrics(cell)
        right_labels = w >= self.size_for_cell(cell, both_sides=True).width()
        gap = 1 if cell < 7 else max(2, round(cell * 0.18))
        seat = max(1, cell - gap)
        offset = gap // 2
        grid_w, grid_h = cols * cell, rows * cell
        x0 = max(
            label_gap + PAD, (w - grid_w) // 2 if right_labels else (w - grid_w + label_gap) // 2
        )
        avail_h = h - screen_h - 2 * PAD
        y0 = PAD + screen_h + max(0, (avail_h - grid_h) // 2)
        screen_w = max(grid_w, min(w - 2 * PAD, 160))
        screen_rect = QRect(x0 + (grid_w - screen_w) // 2, y0 - screen_h, screen_w, screen_h)
        number_px = max(9, min(13, round(seat * 0.42)))
        countdown_px = max(8, min(12, round(seat * 0.34)))
        return SeatLayout(
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
            number_font=pixel_font(number_px),
            countdown_font=pixel_font(countdown_px, bold=True),
            right_labels=right_labels,
        )

    # ------------------------------------------------------------------ zoom

    def cell_size(self) -> int:
        """The size of a seat's cell now, in px."""
        return self._ensure_layout().cell if self._seats else 0

    def is_fit(self) -> bool:
        """Fitting the space (the default) rather than a zoom the clerk chose."""
        return self._zoom_cell is None

    def set_min_cell(self, px: int) -> None:
        """Seats never smaller than this when fitting: below it the map needs scrolling (in a
        ``SeatMapView``). The default, 2 px, fits any map into any space."""
        self._min_cell = max(MIN_CELL_PX, int(px))
        self._update_minimum_size()

    def set_zoom(self, cell: int | None) -> None:
        """Seats of ``cell`` px (clamped to what is readable and sensible), or None to fit the
        space again."""
        if cell is not None:
            cell = max(self._min_cell, min(MAX_ZOOM_CELL_PX, int(cell)))
        if cell == self._zoom_cell:
            return
        self._zoom_cell = cell
        self._update_minimum_size()
        self._invalidate_layout()
        self.update()
        self.zoom_changed.emit(self.cell_size())

    def zoom_in(self) -> None:
        current = self.cell_size()
        self.set_zoom(next((c for c in ZOOM_STEPS if c > current), MAX_ZOOM_CELL_PX))

    def zoom_out(self) -> None:
        current = self.cell_size()
        smaller = [c for c in ZOOM_STEPS if c < current and c >= self._min_cell]
        self.set_zoom(smaller[-1] if smaller else self._min_cell)

    def zoom_to_fit(self) -> None:
        self.set_zoom(None)

    def grid_point(self, pos: QPoint | QPointF) -> QPointF:
        """``pos`` in seat units of the grid (for keeping a point under the pointer on zoom)."""
        lay = self._ensure_layout()
        return QPointF((pos.x() - lay.x0) / lay.cell, (pos.y() - lay.y0) / lay.cell)

    def widget_point(self, grid: QPointF) -> QPointF:
        lay = self._ensure_layout()
        return QPointF(lay.x0 + grid.x() * lay.cell, lay.y0 + grid.y() * lay.cell)

    def _update_minimum_size(self) -> None:
        if self._zoom_cell is None and self._min_cell <= MIN_CELL_PX:
            self.setMinimumSize(0, 0)
            return
        self.setMinimumSize(self.size_for_cell(self._zoom_cell or self._min_cell))

    def _place_seats(self, lay: SeatLayout) -> None:
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
                tz = self._map.show.timezone if self._map is not None else None
                until = cinema_time.clock(seat.hold_expires_at, tz, seconds=True)
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
