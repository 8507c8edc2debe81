"""The grid you draw a seat layout on.

Every cell is a seat (painted like the clerks' map paints an available seat of its type, with the
wheelchair and companion markers; a blocked seat with the map's dotted "not for sale" look) or a
gap (a faint dot). Press and drag the left button to paint the tool over a rectangle of cells
(a click paints one); drag with the right button to erase (make gaps). Ctrl + wheel zooms.

Seat images are rendered once per look and cell size (a tile) and then blitted, so a 400-seat
screen repaints in a few milliseconds; an edit repaints only the cells it changed.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QPoint, QPointF, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QPixmap,
    QStaticText,
    QTransform,
    QWheelEvent,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from bms_desktop.gui.admin.layout_editor.model import Cell, LayoutModel, Pos, positions_in
from bms_desktop.gui.widgets.seat_style import (
    BACKGROUND,
    BAND_COLOUR,
    LABEL_COLOUR,
    PALETTE,
    SCREEN_COLOUR,
    SeatVisual,
    paint_accessible_marker,
    paint_companion_marker,
    paint_seat,
)

LEFT = 46
TOP = 46
RIGHT = 46
BOTTOM = 18
MIN_CELL, MAX_CELL, DEFAULT_CELL = 12, 40, 24
NUMBERS_FROM = 20  # cell size from which seat numbers are written on the seats


class LayoutCanvas(QWidget):
    """Signals:
    stroke_finished(list, bool): the cells of a finished drag (row, col) and whether it erased.
    hovered(str): a description of the cell under the mouse ("" when none).
    row_clicked(int): a row label was clicked (grid row).
    """

    stroke_finished = Signal(list, bool)
    hovered = Signal(str)
    row_clicked = Signal(int)

    def __init__(self, model: LayoutModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.cell = DEFAULT_CELL
        self._tiles: dict[tuple[str, bool, bool, bool, int, float], QPixmap] = {}
        self._press: Pos | None = None
        self._current: Pos | None = None
        self._erasing = False
        self._hover: Pos | None = None
        self.selected_row: int | None = None
        self._numbers: dict[tuple[int, int], QStaticText] = {}
        self._font = QFont()
        self._font_cell = -1
        self._seat_rows: tuple[int, ...] = ()
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent, True)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.setAccessibleName("Seat layout editor grid")
        model.cells_changed.connect(self._on_model_cells_changed)
        model.layout_reset.connect(self._on_model_layout_reset)

    # ------------------------------------------------------------------ geometry

    def sizeHint(self) -> QSize:
        return QSize(
            LEFT + self.model.cols * self.cell + RIGHT, TOP + self.model.rows * self.cell + BOTTOM
        )

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()

    def cell_rect(self, pos: Pos) -> QRect:
        return QRect(LEFT + pos[1] * self.cell, TOP + pos[0] * self.cell, self.cell, self.cell)

    def cell_at(self, point: QPoint) -> Pos | None:
        x, y = point.x() - LEFT, point.y() - TOP
        if x < 0 or y < 0:
            return None
        row, col = y // self.cell, x // self.cell
        if row >= self.model.rows or col >= self.model.cols:
            return None
        return (row, col)

    def _clamped(self, point: QPoint) -> Pos:
        row = min(max(0, (point.y() - TOP) // self.cell), max(0, self.model.rows - 1))
        col = min(max(0, (point.x() - LEFT) // self.cell), max(0, self.model.cols - 1))
        return (row, col)

    def set_cell_size(self, px: int) -> None:
        px = max(MIN_CELL, min(MAX_CELL, px))
        if px != self.cell:
            self.cell = px
            self.updateGeometry()
            self.adjustSize()
            self.update()

    def band(self) -> list[Pos]:
        """The cells of the drag in progress."""
        if self._press is None or self._current is None:
            return []
        return list(positions_in(*self._press, *self._current))

    # ------------------------------------------------------------------ painting

    def _tile(self, cell: Cell) -> QPixmap:
        dpr = self.devicePixelRatioF()
        key = (cell.seat_type, cell.accessible, cell.companion, cell.blocked, self.cell, dpr)
        tile = self._tiles.get(key)
        if tile is None:
            size = self.cell
            tile = QPixmap(round(size * dpr), round(size * dpr))
            tile.setDevicePixelRatio(dpr)
            tile.fill(Qt.GlobalColor.transparent)
            painter = QPainter(tile)
            gap = max(2, round(size * 0.14))
            rect = QRectF(gap / 2, gap / 2, size - gap, size - gap)
            visual = SeatVisual.BLOCKED if cell.blocked else SeatVisual.AVAILABLE
            paint_seat(painter, rect, visual, cell.seat_type)
            if cell.blocked:  # keep the type visible: a thin bar of its colour under the seat
                colours = PALETTE.type_colours(cell.seat_type)
                painter.fillRect(
                    QRectF(rect.left() + 2, rect.bottom() - 2, rect.width() - 4, 2), colours.border
                )
            if cell.accessible:
                paint_accessible_marker(painter, rect)
            if cell.companion:
                paint_companion_marker(painter, rect)
            painter.end()
            self._tiles[key] = tile
        return tile

    def _number(self, number: int) -> QStaticText:
        key = (number, self.cell)
        text = self._numbers.get(key)
        if text is None:
            text = QStaticText(str(number))
            text.setTextFormat(Qt.TextFormat.PlainText)
            text.prepare(QTransform(), self._number_font())
            self._numbers[key] = text
        return text

    def _number_font(self) -> QFont:
        if self._font_cell != self.cell:
            font = QFont(self.font())
            font.setPixelSize(max(8, round(self.cell * 0.38)))
            self._font = font
            self._font_cell = self.cell
        return self._font

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        clip = event.rect()
        painter.fillRect(clip, BACKGROUND)
        model = self.model
        cell = self.cell
        grid = QRect(LEFT, TOP, model.cols * cell, model.rows * cell)
        if clip.top() < TOP:
            self._paint_screen(painter, grid)
        r0 = max(0, (clip.top() - TOP) // cell)
        r1 = min(model.rows - 1, (clip.bottom() - TOP) // cell)
        c0 = max(0, (clip.left() - LEFT) // cell)
        c1 = min(model.cols - 1, (clip.right() - LEFT) // cell)
        labels = model.row_labels()
        cells = model.cells
        show_numbers = cell >= NUMBERS_FROM
        painter.setFont(self._number_font())
        painter.setPen(QColor("#3A4048"))
        half = cell / 2
        dots: list[QRect] = []
        for row in range(r0, r1 + 1):
            numbers = model.numbers(row) if show_numbers and row in labels else {}
            y = TOP + row * cell
            if row == self.selected_row:
                painter.fillRect(QRect(LEFT, y, model.cols * cell, cell), QColor("#EAF2FB"))
            for col in range(c0, c1 + 1):
                x = LEFT + col * cell
                seat = cells.get((row, col))
                if seat is None:
                    dots.append(QRect(x + cell // 2, y + cell // 2, 2, 2))
                    continue
                painter.drawPixmap(x, y, self._tile(seat))
                if numbers and not seat.accessible and not seat.companion:
                    text = self._number(numbers[col])
                    size = text.size()
                    painter.drawStaticText(
                        QPointF(x + half - size.width() / 2, y + half - size.height() / 2), text
                    )
        if dots:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor("#C9CDD2"))
            painter.drawRects(dots)
        self._paint_row_labels(painter, r0, r1, labels)
        self._paint_band(painter)
        if self._hover is not None and self._press is None:
            painter.setPen(QPen(QColor("#111111"), 1, Qt.PenStyle.DotLine))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(self.cell_rect(self._hover).adjusted(0, 0, -1, -1))
        painter.end()

    def _paint_screen(self, painter: QPainter, grid: QRect) -> None:
        width = max(grid.width(), 120)
        rect = QRect(grid.center().x() - width // 2, 10, width, 18)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(SCREEN_COLOUR)
        painter.drawRoundedRect(rect, 6, 6)
        font = QFont(self.font())
        font.setPixelSize(11)
        font.setBold(True)
        font.setLetterSpacing(QFont.SpacingType.AbsoluteSpacing, 3)
        painter.setFont(font)
        painter.setPen(QColor("#FFFFFF"))
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, "SCREEN")
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)

    def _paint_row_labels(
        self, painter: QPainter, r0: int, r1: int, labels: dict[int, str]
    ) -> None:
        font = QFont(self.font())
        font.setPixelSize(max(9, min(13, round(self.cell * 0.5))))
        font.setBold(True)
        painter.setFont(font)
        right = LEFT + self.model.cols * self.cell
        for row in range(r0, r1 + 1):
            text = labels.get(row)
            if text is None:
                continue
            y = TOP + row * self.cell
            painter.setPen(QColor("#1A4F9C") if row == self.selected_row else LABEL_COLOUR)
            painter.drawText(
                QRect(2, y, LEFT - 8, self.cell),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                text,
            )
            painter.drawText(
                QRect(right + 6, y, RIGHT - 8, self.cell),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                text,
            )

    def _band_rect(self) -> QRect | None:
        if self._press is None or self._current is None:
            return None
        a, b = self.cell_rect(self._press), self.cell_rect(self._current)
        return a.united(b)

    def _paint_band(self, painter: QPainter) -> None:
        rect = self._band_rect()
        if rect is None:
            return
        colour = QColor("#D55E00") if self._erasing else QColor(BAND_COLOUR)
        fill = QColor(colour)
        fill.setAlpha(40)
        painter.fillRect(rect, fill)
        painter.setPen(QPen(colour, 2))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(rect.adjusted(1, 1, -1, -1))

    def _update_cells(self, cells: Iterable[Pos]) -> None:
        region = QRect()
        for pos in cells:
            region = region.united(self.cell_rect(pos))
        if not region.isNull():
            self.update(region.adjusted(-2, -2, 2, 2))

    # ------------------------------------------------------------------ mouse

    def mousePressEvent(self, event: QMouseEvent) -> None:
        point = event.position().toPoint()
        if point.x() < LEFT and event.button() == Qt.MouseButton.LeftButton:
            pos = self.cell_at(QPoint(LEFT, point.y()))
            if pos is not None and pos[0] in self.model.row_labels():
                self.row_clicked.emit(pos[0])
            return
        pos = self.cell_at(point)
        if pos is None or event.button() not in (
            Qt.MouseButton.LeftButton,
            Qt.MouseButton.RightButton,
        ):
            super().mousePressEvent(event)
            return
        self._erasing = event.button() == Qt.MouseButton.RightButton
        self._press = self._current = pos
        self._update_cells([pos])

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        point = event.position().toPoint()
        if self._press is not None:
            old = self._band_rect()
            self._current = self._clamped(point)
            new = self._band_rect()
            if old is not None and new is not None and old != new:
                self.update(old.united(new).adjusted(-2, -2, 2, 2))
            return
        pos = self.cell_at(point)
        if pos != self._hover:
            previous, self._hover = self._hover, pos
            self._update_cells([p for p in (previous, pos) if p is not None])
            self.hovered.emit(self.describe(pos) if pos is not None else "")

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._press is None:
            super().mouseReleaseEvent(event)
            return
        cells = self.band()
        rect = self._band_rect()
        erasing = self._erasing
        self._press = self._current = None
        if rect is not None:
            self.update(rect.adjusted(-2, -2, 2, 2))
        if cells:
            self.stroke_finished.emit(cells, erasing)

    def leaveEvent(self, event: object) -> None:
        if self._hover is not None:
            previous, self._hover = self._hover, None
            self._update_cells([previous])
            self.hovered.emit("")

    def wheelEvent(self, event: QWheelEvent) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            step = 2 if event.angleDelta().y() > 0 else -2
            self.set_cell_size(self.cell + step)
            event.accept()
            return
        super().wheelEvent(event)

    def describe(self, pos: Pos) -> str:
        seat = self.model.cell(pos)
        where = f"row {pos[0] + 1}, column {pos[1] + 1}"
        if seat is None:
            return f"Gap ({where})"
        flags = [
            word
            for word, on in (
                ("wheelchair space", seat.accessible),
                ("companion seat", seat.companion),
                ("blocked", seat.blocked),
            )
            if on
        ]
        extra = f", {', '.join(flags)}" if flags else ""
        return f"{self.model.label_of(pos)}: {seat.seat_type.title()}{extra} ({where})"

    # ------------------------------------------------------------------ model

    def _on_model_cells_changed(self, cells: list[Pos]) -> None:
        # The seat numbers of the touched rows may move; when a row gains its first seat or
        # loses its last, the labels of the rows behind it move too: then repaint everything.
        seat_rows = tuple(self.model.seat_rows())
        if seat_rows != self._seat_rows:
            self._seat_rows = seat_rows
            self.update()
        else:
            for row in sorted({r for r, _c in cells}):
                self.update(QRect(0, TOP + row * self.cell, self.width(), self.cell))
        if self._hover is not None:
            self.hovered.emit(self.describe(self._hover))

    def _on_model_layout_reset(self) -> None:
        self._seat_rows = tuple(self.model.seat_rows())
        self.updateGeometry()
        self.adjustSize()
        self.update()


__all__ = ["LayoutCanvas"]
