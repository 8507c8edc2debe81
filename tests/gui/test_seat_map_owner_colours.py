"""The seat map's race-lab hook: held and sold seats in the colour of the counter that has them."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QPoint
from PySide6.QtGui import QColor
from pytestqt.qtbot import QtBot

from bms_desktop.domain.model import SeatStatus
from bms_desktop.gui.widgets.seat_map import SeatMapWidget
from tests.gui.test_seat_map import make_seat_map


def test_owner_colours_paint_held_and_sold_seats_by_their_counter(qtbot: QtBot) -> None:
    smap = make_seat_map(held={"A1": "Robot 1"})
    widget = SeatMapWidget()
    qtbot.addWidget(widget)
    widget.resize(500, 360)
    widget.set_seat_map(smap, my_counter="")
    a1, a2, a3 = (s for s in smap.seats if s.label in ("A1", "A2", "A3"))
    # The race lab paints its robots' changes without the flash (which would tint the pixels).
    sold = replace(a2, status=SeatStatus.SOLD, held_by_counter="Robot 2")
    widget.update_seats([sold], flash=False)
    assert not widget.flashing_ids()
    assert widget.owner_colour(a1.show_seat_id) is None  # no colours yet: the usual look
    red, blue = QColor("#ff0000"), QColor("#0000ff")
    widget.set_owner_colours({"Robot 1": red, "Robot 2": blue})
    assert widget.owner_colour(a1.show_seat_id) == red
    assert widget.owner_colour(a2.show_seat_id) == blue
    assert widget.owner_colour(a3.show_seat_id) is None  # free seats keep their type colour

    def inside(show_seat_id: int) -> QPoint:  # off the centre, where a seat number may sit
        r = widget.seat_rect(show_seat_id)
        return QPoint(r.x() + 5, r.center().y())

    image = widget.grab().toImage()
    assert image.pixelColor(inside(a1.show_seat_id)) == red
    assert image.pixelColor(inside(a2.show_seat_id)) == blue
    assert image.pixelColor(inside(a3.show_seat_id)) not in (red, blue)


def test_updates_can_be_painted_without_the_flash(qtbot: QtBot) -> None:
    smap = make_seat_map()
    widget = SeatMapWidget()
    qtbot.addWidget(widget)
    widget.set_seat_map(smap, my_counter="")
    a1, a2 = smap.seats[0], smap.seats[1]
    widget.update_seats([replace(a1, status=SeatStatus.SOLD, held_by_counter="Robot 1")])
    assert a1.show_seat_id in widget.flashing_ids()
    widget.update_seats(
        [replace(a2, status=SeatStatus.SOLD, held_by_counter="Robot 2")], flash=False
    )
    assert a2.show_seat_id not in widget.flashing_ids()
    assert widget.seat(a2.show_seat_id).status is SeatStatus.SOLD  # type: ignore[union-attr]
