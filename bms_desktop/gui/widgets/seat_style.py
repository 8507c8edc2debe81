"""How a seat looks: one palette and one painting routine shared by the seat map and its legend.

Colours come from the Okabe-Ito palette, which stays distinguishable for the common forms of
colour blindness; every state also differs in *shape* (outline, solid fill with a check, a clock,
a hatch, a cross, a dotted outline) so that nothing depends on colour alone.

``paint_seat`` paints one seat into any rectangle with antialiasing. The legend calls it
directly; the seat map calls it once per state and cell size to render a *tile*, then paints every
seat of that state in one ``drawRects`` call with the tile as a texture brush (``SeatTiles``).
Both go through the same function, so the legend and the map cannot drift apart.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Final

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPainterPath, QPen, QPixmap

# The Okabe-Ito palette (Okabe & Ito, "Color Universal Design", 2002).
OKABE_ITO: Final[dict[str, str]] = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}

# Colours of the map surface and its furniture.
BACKGROUND: Final = QColor("#FBFBFA")
LABEL_COLOUR: Final = QColor("#6E737A")
SCREEN_COLOUR: Final = QColor("#A9AFB8")
TEXT_DARK: Final = QColor("#26292D")
TEXT_LIGHT: Final = QColor("#FFFFFF")

# State colours (fills are strong, tints are for the available seats of each type).
SELECTED_FILL: Final = QColor(OKABE_ITO["blue"])
SELECTED_BORDER: Final = QColor("#005A8C")
MINE_FILL: Final = QColor(OKABE_ITO["bluish_green"])
MINE_BORDER: Final = QColor("#007A59")
OTHER_FILL: Final = QColor("#FCEBDD")
OTHER_INK: Final = QColor(OKABE_ITO["vermillion"])
SOLD_FILL: Final = QColor("#767B82")
SOLD_BORDER: Final = QColor("#63686E")
SOLD_CROSS: Final = QColor("#E4E6E8")
BLOCKED_INK: Final = QColor("#A3A7AD")
NEUTRAL_TINT: Final = QColor("#FFFFFF")
NEUTRAL_BORDER: Final = QColor("#8C9198")
ACCESSIBLE_FILL: Final = QColor(OKABE_ITO["blue"])
COMPANION_FILL: Final = QColor(OKABE_ITO["black"])
FOCUS_COLOUR: Final = QColor("#111111")
LOST_COLOUR: Final = QColor(OKABE_ITO["vermillion"])
FLASH_COLOUR: Final = QColor(OKABE_ITO["orange"])
BAND_COLOUR: Final = QColor(OKABE_ITO["blue"])

# Seat types the product ships with get fixed colours; a type an admin adds later takes the next
# unused colour of TYPE_ORDER (wrapping round if there are more types than colours).
_KNOWN_TYPES: Final[dict[str, str]] = {
    "GOLD": "orange",
    "PLATINUM": "sky_blue",
    "DIAMOND": "reddish_purple",
}
TYPE_ORDER: Final[tuple[str, ...]] = (
    "sky_blue",
    "orange",
    "reddish_purple",
    "bluish_green",
    "yellow",
    "vermillion",
    "blue",
)


class SeatVisual(StrEnum):
    """What a seat looks like: the seat's status as this counter sees it."""

    AVAILABLE = "AVAILABLE"
    SELECTED = "SELECTED"
    HELD_MINE = "HELD_MINE"
    HELD_OTHER = "HELD_OTHER"
    SOLD = "SOLD"
    BLOCKED = "BLOCKED"


STATE_LABELS: Final[dict[SeatVisual, str]] = {
    SeatVisual.AVAILABLE: "Available",
    SeatVisual.SELECTED: "Selected",
    SeatVisual.HELD_MINE: "Held by me",
    SeatVisual.HELD_OTHER: "Held by another counter",
    SeatVisual.SOLD: "Sold",
    SeatVisual.BLOCKED: "Blocked",
}

# A visual key names one look: the visual and, for available seats, the seat type code.
VisualKey = tuple[SeatVisual, str]


def format_price(price: Decimal) -> str:
    """``₹180`` for whole rupees, ``₹187.50`` otherwise."""
    if price == price.to_integral_value():
        return f"₹{int(price):,}"
    return f"₹{price:,.2f}"


def _mix(colour: QColor, other: QColor, amount: float) -> QColor:
    """``colour`` moved ``amount`` (0..1) of the way towards ``other``."""
    return QColor.fromRgbF(
        colour.redF() + (other.redF() - colour.redF()) * amount,
        colour.greenF() + (other.greenF() - colour.greenF()) * amount,
        colour.blueF() + (other.blueF() - colour.blueF()) * amount,
    )


@dataclass(frozen=True, slots=True)
class TypeColours:
    """The colours of one seat type: a light tint to fill, a stronger one to outline."""

    name: str  # the Okabe-Ito colour name
    strong: QColor
    tint: QColor
    border: QColor


def _type_colours(colour_name: str) -> TypeColours:
    strong = QColor(OKABE_ITO[colour_name])
    white = QColor("#FFFFFF")
    black = QColor("#000000")
    # Yellow and sky blue are light: darken their outline so it stands off a white background.
    darken = 0.35 if colour_name in {"yellow", "sky_blue", "orange"} else 0.1
    return TypeColours(
        name=colour_name,
        strong=strong,
        tint=_mix(strong, white, 0.8),
        border=_mix(strong, black, darken),
    )


class SeatPalette:
    """A stable colour for each seat type code, shared by every map and legend of the process."""

    def __init__(self) -> None:
        self._by_code: dict[str, TypeColours] = {}
        self._used: list[str] = []

    def type_colours(self, code: str) -> TypeColours:
        found = self._by_code.get(code)
        if found is not None:
            return found
        name = _KNOWN_TYPES.get(code.upper())
        if name is None:
            free = [c for c in TYPE_ORDER if c not in self._used and c not in _KNOWN_TYPES.values()]
            if not free:
                free = [c for c in TYPE_ORDER if c not in self._used] or list(TYPE_ORDER)
            name = free[0] if free else TYPE_ORDER[len(self._by_code) % len(TYPE_ORDER)]
        colours = _type_colours(name)
        self._by_code[code] = colours
        self._used.append(name)
        return colours

    def register(self, codes: list[str]) -> None:
        """Give colours to ``codes`` in this order (the legend's order) if they have none yet."""
        for code in codes:
            self.type_colours(code)


PALETTE: Final = SeatPalette()


def _seat_square(rect: QRectF) -> QRectF:
    side = min(rect.width(), rect.height())
    return QRectF(
        rect.x() + (rect.width() - side) / 2, rect.y() + (rect.height() - side) / 2, side, side
    )


def seat_radius(side: float) -> float:
    """Corner radius of a seat of ``side`` pixels."""
    return 0.0 if side < 7 else min(side * 0.22, 7.0)


def _border_width(side: float) -> float:
    return 1.0 if side < 24 else 1.5


def paint_seat(
    painter: QPainter,
    rect: QRectF,
    visual: SeatVisual,
    type_code: str | None = None,
    *,
    glyph: bool = True,
    palette: SeatPalette | None = None,
) -> None:
    """Paint one seat of ``visual`` into the square centred in ``rect``.

    ``type_code`` colours an available seat (``None`` gives a neutral outline, for legends).
    ``glyph=False`` leaves the check off a selected seat and the clock off a seat held by me: a
    zoomed-in map writes the seat number and my countdown there instead.
    """
    pal = palette or PALETTE
    sq = _seat_square(rect)
    side = sq.width()
    bw = _border_width(side)
    body = sq.adjusted(bw / 2, bw / 2, -bw / 2, -bw / 2)
    radius = seat_radius(side)
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    if visual is SeatVisual.AVAILABLE:
        if type_code is None:
            tint, border = NEUTRAL_TINT, NEUTRAL_BORDER
        else:
            colours = pal.type_colours(type_code)
            tint, border = colours.tint, colours.border
        painter.setPen(QPen(border, bw))
        painter.setBrush(tint)
        painter.drawRoundedRect(body, radius, radius)
    elif visual is SeatVisual.SELECTED:
        painter.setPen(QPen(SELECTED_BORDER, bw))
        painter.setBrush(SELECTED_FILL)
        painter.drawRoundedRect(body, radius, radius)
        if glyph:
            _paint_check(painter, sq)
    elif visual is SeatVisual.HELD_MINE:
        painter.setPen(QPen(MINE_BORDER, bw))
        painter.setBrush(MINE_FILL)
        painter.drawRoundedRect(body, radius, radius)
        if glyph and side >= 12:
            # The "pattern" of my own hold: a second, inner outline around the clock.
            inset = max(2.0, side * 0.13)
            inner = sq.adjusted(inset, inset, -inset, -inset)
            ring = QColor(TEXT_LIGHT)
            ring.setAlphaF(0.55)
            painter.setPen(QPen(ring, max(1.0, side * 0.05)))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(inner, radius * 0.6, radius * 0.6)
        if glyph:
            paint_clock(painter, sq)
    elif visual is SeatVisual.HELD_OTHER:
        path = QPainterPath()
        path.addRoundedRect(body, radius, radius)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(OTHER_FILL)
        painter.drawPath(path)
        painter.save()
        painter.setClipPath(path, Qt.ClipOperation.IntersectClip)
        step = max(3.0, side / 4.5)
        painter.setPen(QPen(OTHER_INK, max(1.0, side * 0.075)))
        x = sq.left() - sq.height()
        while x < sq.right() + step:
            painter.drawLine(QPointF(x, sq.bottom()), QPointF(x + sq.height(), sq.top()))
            x += step
        painter.restore()
        painter.setPen(QPen(OTHER_INK, bw))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(path)
    elif visual is SeatVisual.SOLD:
        painter.setPen(QPen(SOLD_BORDER, bw))
        painter.setBrush(SOLD_FILL)
        painter.drawRoundedRect(body, radius, radius)
        inset = side * 0.3
        pen = QPen(SOLD_CROSS, max(1.0, side * 0.085))
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        painter.setPen(pen)
        painter.drawLine(
            QPointF(sq.left() + inset, sq.top() + inset),
            QPointF(sq.right() - inset, sq.bottom() - inset),
        )
        painter.drawLine(
            QPointF(sq.right() - inset, sq.top() + inset),
            QPointF(sq.left() + inset, sq.bottom() - inset),
        )
    else:  # BLOCKED: no fill, a dotted outline and a short bar ("no entry")
        pen = QPen(BLOCKED_INK, 1.0)
        if side >= 8:
            pen.setStyle(Qt.PenStyle.CustomDashLine)
            pen.setDashPattern([1.5, 1.5])
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(sq.adjusted(0.5, 0.5, -0.5, -0.5), radius, radius)
        if side >= 8:
            bar = QPen(BLOCKED_INK, max(1.0, side * 0.08))
            bar.setCapStyle(Qt.PenCapStyle.RoundCap)
            painter.setPen(bar)
            c = sq.center()
            half = side * 0.2
            painter.drawLine(QPointF(c.x() - half, c.y()), QPointF(c.x() + half, c.y()))
    painter.restore()


def _paint_check(painter: QPainter, sq: QRectF) -> None:
    side = sq.width()
    pen = QPen(TEXT_LIGHT, max(1.2, side * 0.11))
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    path = QPainterPath(QPointF(sq.left() + side * 0.28, sq.top() + side * 0.52))
    path.lineTo(QPointF(sq.left() + side * 0.44, sq.top() + side * 0.68))
    path.lineTo(QPointF(sq.left() + side * 0.73, sq.top() + side * 0.34))
    painter.drawPath(path)


def paint_clock(painter: QPainter, sq: QRectF) -> None:
    """A small white clock face: the glyph of a seat held by me."""
    side = sq.width()
    if side < 7:
        return
    c = sq.center()
    r = side * 0.24
    pen = QPen(TEXT_LIGHT, max(1.0, side * 0.07))
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawEllipse(c, r, r)
    painter.drawLine(c, QPointF(c.x(), c.y() - r * 0.65))
    painter.drawLine(c, QPointF(c.x() + r * 0.5, c.y()))
    painter.restore()


def marker_radius(side: float) -> float:
    return max(2.5, min(side * 0.24, 7.0))


def paint_accessible_marker(painter: QPainter, rect: QRectF) -> None:
    """The wheelchair marker: a blue disc with a white wheel, in the seat's lower right corner."""
    sq = _seat_square(rect)
    side = sq.width()
    r = marker_radius(side)
    c = QPointF(sq.right() - r * 0.55, sq.bottom() - r * 0.55)
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setPen(QPen(TEXT_LIGHT, 1.0))
    painter.setBrush(ACCESSIBLE_FILL)
    painter.drawEllipse(c, r, r)
    if r >= 3.5:
        painter.setPen(QPen(TEXT_LIGHT, max(0.8, r * 0.22)))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawEllipse(c, r * 0.45, r * 0.45)
    painter.restore()


def paint_companion_marker(painter: QPainter, rect: QRectF) -> None:
    """The companion marker: a small black diamond in the seat's upper right corner."""
    sq = _seat_square(rect)
    side = sq.width()
    r = marker_radius(side)
    c = QPointF(sq.right() - r * 0.55, sq.top() + r * 0.55)
    path = QPainterPath(QPointF(c.x(), c.y() - r))
    path.lineTo(QPointF(c.x() + r, c.y()))
    path.lineTo(QPointF(c.x(), c.y() + r))
    path.lineTo(QPointF(c.x() - r, c.y()))
    path.closeSubpath()
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setPen(QPen(TEXT_LIGHT, 1.0))
    painter.setBrush(COMPANION_FILL)
    painter.drawPath(path)
    painter.restore()


def text_colour(visual: SeatVisual) -> QColor:
    """The colour of a seat number or countdown written on a seat of ``visual``."""
    return TEXT_LIGHT if visual in {SeatVisual.SELECTED, SeatVisual.HELD_MINE} else TEXT_DARK


class SeatTiles:
    """Pre-rendered tiles, one grid cell each, used as texture brushes by the seat map.

    A tile holds the background and one seat at its place inside the cell, so painting all the
    seats of one look is one ``drawRects`` over their cells with the brush origin at the grid
    origin. Marker tiles are transparent and are painted over the seats.
    """

    def __init__(
        self,
        cell: int,
        seat_offset: int,
        seat_size: int,
        device_pixel_ratio: float = 1.0,
        *,
        glyphs: bool = True,
        palette: SeatPalette | None = None,
    ) -> None:
        self.cell = cell
        self.seat_offset = seat_offset
        self.seat_size = seat_size
        self.device_pixel_ratio = device_pixel_ratio
        self.glyphs = glyphs
        self._palette = palette or PALETTE
        self._brushes: dict[VisualKey, QBrush] = {}
        self.accessible_brush = self._marker_brush(paint_accessible_marker)
        self.companion_brush = self._marker_brush(paint_companion_marker)

    def _new_tile(self, opaque: bool) -> tuple[QPixmap, QPainter]:
        px = max(1, math.ceil(self.cell * self.device_pixel_ratio - 1e-6))
        tile = QPixmap(px, px)
        tile.setDevicePixelRatio(px / self.cell)
        tile.fill(BACKGROUND if opaque else QColor(Qt.GlobalColor.transparent))
        return tile, QPainter(tile)

    def _seat_rect(self) -> QRectF:
        return QRectF(self.seat_offset, self.seat_offset, self.seat_size, self.seat_size)

    def _marker_brush(self, paint: Callable[[QPainter, QRectF], None]) -> QBrush:
        tile, painter = self._new_tile(opaque=False)
        paint(painter, self._seat_rect())
        painter.end()
        return QBrush(tile)

    def brush(self, key: VisualKey) -> QBrush:
        found = self._brushes.get(key)
        if found is None:
            visual, type_code = key
            tile, painter = self._new_tile(opaque=True)
            paint_seat(
                painter,
                self._seat_rect(),
                visual,
                type_code or None,
                glyph=self.glyphs,
                palette=self._palette,
            )
            painter.end()
            found = self._brushes[key] = QBrush(tile)
        return found
