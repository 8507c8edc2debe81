"""The painted seat map and its legend, driven the way a clerk drives them."""

from __future__ import annotations

import string
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QObject, QPoint, QRect, Qt
from PySide6.QtGui import QColor, QPaintEvent
from pytestqt.qtbot import QtBot

from bms_desktop.domain.model import MAX_SEATS_PER_BOOKING, SeatStatus
from bms_desktop.gui.widgets.seat_legend import SeatLegendWidget
from bms_desktop.gui.widgets.seat_map import SeatMapWidget
from bms_desktop.gui.widgets.seat_style import (
    PALETTE,
    SELECTED_FILL,
    SeatVisual,
)
from bms_desktop.services.dto import SeatMap, SeatTypeView, SeatView, ShowSummary

NOW = datetime(2025, 3, 14, 12, 0, tzinfo=UTC)
ME = "Counter 1"
TYPES = (
    SeatTypeView("GOLD", "Gold", Decimal("150.00"), Decimal("180.00"), 1),
    SeatTypeView("PLATINUM", "Platinum", Decimal("220.00"), Decimal("264.50"), 2),
)
SCREENSHOT = Path("/tmp/bms_seat_map_600.png")


def make_seat_map(
    rows: int = 5,
    seats_per_side: int = 4,
    *,
    sold: tuple[str, ...] = (),
    held: dict[str, str] | None = None,
    blocked: tuple[str, ...] = (),
    accessible: tuple[str, ...] = (),
    show_id: int = 7,
) -> SeatMap:
    """A small hall: ``rows`` rows (A, B, ...), two blocks of ``seats_per_side`` seats with an aisle
    column between them; Gold in the first two rows, Platinum behind. ``held`` maps a seat label
    to the counter holding it (for four more minutes)."""
    held = held or {}
    letters = string.ascii_uppercase
    seats: list[SeatView] = []
    sid = 0
    for row in range(rows):
        letter = letters[row % 26] * (1 + row // 26)
        number = 0
        for col in range(2 * seats_per_side + 1):
            if col == seats_per_side:
                continue  # the aisle
            sid += 1
            number += 1
            label = f"{letter}{number}"
            seat_type = TYPES[0] if row < 2 else TYPES[1]
            status = SeatStatus.AVAILABLE
            if label in sold:
                status = SeatStatus.SOLD
            elif label in held:
                status = SeatStatus.HELD
            elif label in blocked:
                status = SeatStatus.BLOCKED
            seats.append(
                SeatView(
                    show_seat_id=sid,
                    seat_id=1000 + sid,
                    label=label,
                    row_label=letter,
                    number=number,
                    col=col,
                    row=row,
                    seat_type=seat_type.code,
                    price=seat_type.min_price,
                    status=status,
                    version=1,
                    accessible=label in accessible,
                    held_by_counter=held.get(label),
                    held_by_ticket_id=500 + sid if label in held else None,
                    hold_expires_at=NOW + timedelta(minutes=4) if label in held else None,
                )
            )
    show = ShowSummary(
        show_id=show_id,
        movie_id=1,
        movie_title="Test Film",
        certificate="U",
        rating=Decimal("7.5"),
        genre="Drama",
        runtime_min=120,
        language="English",
        format="2D",
        city_name="Pune",
        theater_id=1,
        theater_name="Test Cinema",
        screen_id=1,
        screen_name="Screen 1",
        starts_at=NOW + timedelta(hours=3),
        ends_at=NOW + timedelta(hours=5),
        seats_total=len(seats),
        seats_available=sum(s.status is SeatStatus.AVAILABLE for s in seats),
    )
    return SeatMap(show, tuple(seats), TYPES, NOW, 2 * seats_per_side + 1, rows)


def ids_by_label(seat_map: SeatMap) -> dict[str, int]:
    return {s.label: s.show_seat_id for s in seat_map.seats}


@pytest.fixture
def seat_clock() -> list[datetime]:
    """A settable clock: tests move ``seat_clock[0]``."""
    return [NOW]


def make_widget(
    qtbot: QtBot, seat_map: SeatMap, seat_clock: list[datetime], size: tuple[int, int] = (640, 420)
) -> SeatMapWidget:
    widget = SeatMapWidget(clock=lambda: seat_clock[0])
    qtbot.addWidget(widget)
    widget.resize(*size)
    widget.set_seat_map(seat_map, my_counter=ME)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def centre(widget: SeatMapWidget, show_seat_id: int) -> QPoint:
    return widget.seat_rect(show_seat_id).center()


def test_clicking_an_available_seat_selects_it_and_emits(
    qtbot: QtBot, seat_clock: list[datetime]
) -> None:
    seat_map = make_seat_map()
    ids = ids_by_label(seat_map)
    widget = make_widget(qtbot, seat_map, seat_clock)

    with qtbot.waitSignal(widget.selection_changed) as blocker:
        qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=centre(widget, ids["C3"]))

    assert blocker.args == [[ids["C3"]]]
    assert widget.selected_ids() == (ids["C3"],)
    assert widget.visual_of(ids["C3"]) is SeatVisual.SELECTED
    with qtbot.waitSignal(widget.selection_changed) as blocker:
        qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=centre(widget, ids["C3"]))
    assert blocker.args == [[]]


def test_clicking_a_sold_or_held_seat_does_not_select_it(
    qtbot: QtBot, seat_clock: list[datetime]
) -> None:
    seat_map = make_seat_map(sold=("A1",), held={"A2": "Counter 2"}, blocked=("A3",))
    ids = ids_by_label(seat_map)
    widget = make_widget(qtbot, seat_map, seat_clock)

    with qtbot.assertNotEmitted(widget.selection_changed):
        for label in ("A1", "A2", "A3"):
            with qtbot.waitSignal(widget.selection_refused) as refused:
                qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=centre(widget, ids[label]))
            assert label in refused.args[0]

    assert widget.selected_ids() == ()
    assert widget.visual_of(ids["A1"]) is SeatVisual.SOLD
    assert widget.visual_of(ids["A2"]) is SeatVisual.HELD_OTHER
    assert widget.visual_of(ids["A3"]) is SeatVisual.BLOCKED


def test_clicking_the_aisle_or_the_margin_selects_nothing(
    qtbot: QtBot, seat_clock: list[datetime]
) -> None:
    seat_map = make_seat_map()
    ids = ids_by_label(seat_map)
    widget = make_widget(qtbot, seat_map, seat_clock)
    a4, a5 = widget.cell_rect(ids["A4"]), widget.cell_rect(ids["A5"])
    aisle = QPoint((a4.right() + a5.left()) // 2, a4.center().y())

    assert widget.seat_at(aisle) is None
    assert widget.seat_at(QPoint(2, 2)) is None
    with qtbot.assertNotEmitted(widget.selection_changed):
        qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=aisle)


def test_dragging_selects_the_available_seats_of_a_rectangle_only(
    qtbot: QtBot, seat_clock: list[datetime]
) -> None:
    seat_map = make_seat_map(sold=("B2",), held={"A3": "Counter 2"})
    ids = ids_by_label(seat_map)
    widget = make_widget(qtbot, seat_map, seat_clock)
    start, end = centre(widget, ids["A1"]), centre(widget, ids["C3"])

    with qtbot.waitSignal(widget.selection_changed) as blocker:
        qtbot.mousePress(widget, Qt.MouseButton.LeftButton, pos=start)
        qtbot.mouseMove(widget, QPoint(start.x() + 20, start.y() + 20))
        qtbot.mouseMove(widget, end)
        qtbot.mouseRelease(widget, Qt.MouseButton.LeftButton, pos=end)

    expected = [ids[x] for x in ("A1", "A2", "B1", "B3", "C1", "C2", "C3")]
    assert blocker.args == [expected]
    assert widget.selected_ids() == tuple(expected)


def test_a_drag_over_more_seats_than_the_limit_is_refused(
    qtbot: QtBot, seat_clock: list[datetime]
) -> None:
    seat_map = make_seat_map()
    ids = ids_by_label(seat_map)
    widget = make_widget(qtbot, seat_map, seat_clock)
    start, end = centre(widget, ids["A1"]), centre(widget, ids["C4"])  # 12 seats

    with (
        qtbot.waitSignal(widget.selection_refused),
        qtbot.assertNotEmitted(widget.selection_changed),
    ):
        qtbot.mousePress(widget, Qt.MouseButton.LeftButton, pos=start)
        qtbot.mouseMove(widget, end)
        qtbot.mouseRelease(widget, Qt.MouseButton.LeftButton, pos=end)
    assert widget.selected_ids() == ()


def test_arrow_keys_move_the_cursor_across_the_aisle_and_space_selects(
    qtbot: QtBot, seat_clock: list[datetime]
) -> None:
    seat_map = make_seat_map(rows=4)
    ids = ids_by_label(seat_map)
    widget = make_widget(qtbot, seat_map, seat_clock)
    widget.setFocus()
    widget.set_focused_seat(ids["A4"])

    qtbot.keyClick(widget, Qt.Key.Key_Right)  # over the aisle
    assert widget.focused_seat_id() == ids["A5"]
    qtbot.keyClick(widget, Qt.Key.Key_Down)
    assert widget.focused_seat_id() == ids["B5"]
    qtbot.keyClick(widget, Qt.Key.Key_Left)
    qtbot.keyClick(widget, Qt.Key.Key_Left)
    assert widget.focused_seat_id() == ids["B3"]
    with qtbot.waitSignal(widget.selection_changed) as blocker:
        qtbot.keyClick(widget, Qt.Key.Key_Space)
    assert blocker.args == [[ids["B3"]]]
    qtbot.keyClick(widget, Qt.Key.Key_Up)
    qtbot.keyClick(widget, Qt.Key.Key_Up)  # already in the front row: stays
    assert widget.focused_seat_id() == ids["A3"]
    qtbot.keyClick(widget, Qt.Key.Key_Space)
    assert widget.selected_ids() == (ids["A3"], ids["B3"])
    with qtbot.waitSignal(widget.selection_changed) as blocker:
        qtbot.keyClick(widget, Qt.Key.Key_Escape)
    assert blocker.args == [[]]


def test_up_and_down_go_to_the_nearest_seat_of_the_next_row_that_has_seats(
    qtbot: QtBot, seat_clock: list[datetime]
) -> None:
    front = make_seat_map(rows=3)
    # Drop row B entirely and keep only the two outermost seats of row C.
    seats = tuple(s for s in front.seats if s.row_label == "A" or s.label in {"C1", "C8"})
    seat_map = replace(front, seats=seats)
    ids = ids_by_label(seat_map)
    widget = make_widget(qtbot, seat_map, seat_clock)
    widget.setFocus()
    widget.set_focused_seat(ids["A6"])

    qtbot.keyClick(widget, Qt.Key.Key_Down)
    assert widget.focused_seat_id() == ids["C8"]
    qtbot.keyClick(widget, Qt.Key.Key_Up)
    assert widget.focused_seat_id() == ids["A8"]


def test_a_digit_asks_for_that_many_best_seats_and_enter_activates(
    qtbot: QtBot, seat_clock: list[datetime]
) -> None:
    widget = make_widget(qtbot, make_seat_map(), seat_clock)
    widget.setFocus()

    with qtbot.waitSignal(widget.best_requested) as blocker:
        qtbot.keyClick(widget, Qt.Key.Key_3)
    assert blocker.args == [3]
    with qtbot.waitSignal(widget.activated):
        qtbot.keyClick(widget, Qt.Key.Key_Return)


def test_an_eleventh_seat_is_refused_with_a_message(
    qtbot: QtBot, seat_clock: list[datetime]
) -> None:
    seat_map = make_seat_map()
    ids = ids_by_label(seat_map)
    widget = make_widget(qtbot, seat_map, seat_clock)
    first_ten = [ids[f"{r}{n}"] for r in "AB" for n in range(1, 6)]
    widget.set_selection(first_ten)
    assert len(widget.selected_ids()) == MAX_SEATS_PER_BOOKING

    with (
        qtbot.waitSignal(widget.selection_refused) as refused,
        qtbot.assertNotEmitted(widget.selection_changed),
    ):
        qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=centre(widget, ids["C1"]))

    assert str(MAX_SEATS_PER_BOOKING) in refused.args[0]
    assert widget.selected_ids() == tuple(sorted(first_ten))
    with qtbot.waitSignal(widget.selection_refused):
        widget.set_selection([*first_ten, ids["C1"]])


def test_a_selected_seat_sold_elsewhere_leaves_the_selection_and_flashes(
    qtbot: QtBot, seat_clock: list[datetime]
) -> None:
    seat_map = make_seat_map()
    ids = ids_by_label(seat_map)
    widget = make_widget(qtbot, seat_map, seat_clock)
    widget.set_selection([ids["B2"], ids["B3"]])
    b2 = widget.seat(ids["B2"])
    assert b2 is not None
    sold = replace(b2, status=SeatStatus.SOLD, version=2)

    with (
        qtbot.waitSignal(widget.selection_changed) as changed,
        qtbot.waitSignal(widget.selected_seats_taken) as taken,
    ):
        widget.update_seats([sold])

    assert changed.args == [[ids["B3"]]]
    assert taken.args == [[ids["B2"]]]
    assert widget.visual_of(ids["B2"]) is SeatVisual.SOLD
    assert ids["B2"] in widget.flashing_ids()
    qtbot.waitUntil(lambda: not widget.flashing_ids(), timeout=3000)


def test_a_seat_change_repaints_only_that_seat(qtbot: QtBot, seat_clock: list[datetime]) -> None:
    seat_map = make_seat_map(rows=8)
    ids = ids_by_label(seat_map)
    widget = make_widget(qtbot, seat_map, seat_clock)
    painted: list[QRect] = []

    class Spy(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                assert isinstance(event, QPaintEvent)
                painted.append(event.rect())
            return False

    spy = Spy(widget)
    widget.installEventFilter(spy)
    widget.update()
    qtbot.waitUntil(lambda: bool(painted))  # the first, full paint
    painted.clear()
    seat = widget.seat(ids["D3"])
    assert seat is not None
    widget.update_seats([replace(seat, status=SeatStatus.SOLD, version=2)])

    qtbot.waitUntil(lambda: bool(painted))
    allowed = widget.seat_update_rect(ids["D3"])
    assert all(allowed.contains(r) for r in painted), (painted, allowed)
    widget.removeEventFilter(spy)


def test_my_own_holds_look_different_from_another_counters(
    qtbot: QtBot, seat_clock: list[datetime]
) -> None:
    seat_map = make_seat_map(held={"A1": ME, "A2": "Counter 2"})
    ids = ids_by_label(seat_map)
    widget = make_widget(qtbot, seat_map, seat_clock)
    assert widget.visual_of(ids["A1"]) is SeatVisual.HELD_MINE
    assert widget.visual_of(ids["A2"]) is SeatVisual.HELD_OTHER

    a2 = widget.seat(ids["A2"])
    assert a2 is not None and a2.held_by_ticket_id is not None
    widget.set_my_tickets({a2.held_by_ticket_id})
    assert widget.visual_of(ids["A2"]) is SeatVisual.HELD_MINE


def test_a_hold_that_runs_out_reads_as_available(qtbot: QtBot, seat_clock: list[datetime]) -> None:
    seat_map = make_seat_map(held={"A2": "Counter 2"})
    ids = ids_by_label(seat_map)
    widget = make_widget(qtbot, seat_map, seat_clock)
    assert widget.visual_of(ids["A2"]) is SeatVisual.HELD_OTHER

    seat_clock[0] = NOW + timedelta(minutes=5)
    qtbot.waitUntil(lambda: widget.visual_of(ids["A2"]) is SeatVisual.AVAILABLE, timeout=3000)
    widget.set_selection([ids["A2"]])
    assert widget.selected_ids() == (ids["A2"],)


def test_tooltip_names_the_counter_and_the_time_left(
    qtbot: QtBot, seat_clock: list[datetime]
) -> None:
    seat_map = make_seat_map(held={"A2": "Counter 2"}, sold=("A1",), accessible=("A3",))
    ids = ids_by_label(seat_map)
    widget = make_widget(qtbot, seat_map, seat_clock)

    text = widget.tooltip_text(ids["A2"])
    assert "A2" in text
    assert "Gold" in text
    assert "₹150" in text
    assert "Held by Counter 2" in text
    assert "4:00 left" in text
    assert "Sold" in widget.tooltip_text(ids["A1"])
    assert "Wheelchair" in widget.tooltip_text(ids["A3"])
    assert "Available" in widget.tooltip_text(ids["A3"])


def test_lost_seats_are_outlined_and_leave_the_selection(
    qtbot: QtBot, seat_clock: list[datetime]
) -> None:
    seat_map = make_seat_map()
    ids = ids_by_label(seat_map)
    widget = make_widget(qtbot, seat_map, seat_clock)
    widget.set_selection([ids["C1"], ids["C2"]])
    before = widget.grab().toImage()
    edge = widget.seat_rect(ids["C1"]).topLeft() + QPoint(
        widget.seat_rect(ids["C1"]).width() // 2, -1
    )

    with qtbot.waitSignal(widget.selection_changed) as blocker:
        widget.mark_lost([ids["C1"]])

    assert blocker.args == [[ids["C2"]]]
    assert widget.lost_ids() == {ids["C1"]}
    after = widget.grab().toImage()
    assert after.pixelColor(edge) != before.pixelColor(edge)
    widget.clear_lost()
    assert widget.lost_ids() == frozenset()


def test_reloading_the_same_show_keeps_the_selection_of_free_seats(
    qtbot: QtBot, seat_clock: list[datetime]
) -> None:
    seat_map = make_seat_map()
    ids = ids_by_label(seat_map)
    widget = make_widget(qtbot, seat_map, seat_clock)
    widget.set_selection([ids["A1"], ids["A2"]])

    with qtbot.waitSignal(widget.selection_changed) as blocker:
        widget.set_seat_map(make_seat_map(sold=("A1",)), my_counter=ME)
    assert blocker.args == [[ids["A2"]]]
    with qtbot.waitSignal(widget.selection_changed) as blocker:
        widget.set_seat_map(make_seat_map(show_id=8), my_counter=ME)
    assert blocker.args == [[]]


def test_painting_ten_thousand_seats(qtbot: QtBot, seat_clock: list[datetime]) -> None:
    seat_map = make_seat_map(rows=100, seats_per_side=50, sold=("A1", "VVVV100"))
    assert len(seat_map.seats) == 10_000
    ids = ids_by_label(seat_map)
    widget = SeatMapWidget(clock=lambda: seat_clock[0])
    qtbot.addWidget(widget)
    widget.resize(1400, 1000)
    widget.set_seat_map(seat_map, my_counter=ME)

    image = widget.grab().toImage()

    assert image.size() == widget.size() * widget.devicePixelRatio()
    assert widget.seat_rect(ids["A1"]).width() >= 4
    sold = image.pixelColor(centre(widget, ids["A1"]))
    free = image.pixelColor(centre(widget, ids["A2"]))
    far_sold = image.pixelColor(centre(widget, ids["VVVV100"]))
    assert sold != free
    assert far_sold == sold


def test_screenshot_of_a_600_seat_map(qtbot: QtBot, seat_clock: list[datetime]) -> None:
    seat_map = make_seat_map(
        rows=20,
        seats_per_side=15,
        sold=(*(f"{r}{n}" for r in "GHIJKL" for n in range(11, 21)), "A1", "B2", "T30"),
        held={"E14": "Counter 2", "E15": "Counter 2", "P3": "Counter 3", "J8": ME, "J9": ME},
        blocked=("A15", "A16"),
        accessible=("T1", "T2"),
    )
    assert len(seat_map.seats) == 600
    ids = ids_by_label(seat_map)
    widget = make_widget(qtbot, seat_map, seat_clock, size=(1000, 650))
    widget.set_selection([ids["M14"], ids["M15"], ids["M16"]])

    image = widget.grab().toImage()
    assert image.save(str(SCREENSHOT))

    assert SCREENSHOT.stat().st_size > 10_000
    selected = image.pixelColor(widget.seat_rect(ids["M14"]).topLeft() + QPoint(3, 3))
    assert selected.rgb() == SELECTED_FILL.rgb()
    rect = widget.seat_rect(ids["A5"])
    assert widget.rect().contains(rect)
    assert rect.top() > 30  # room for the screen above row A


def test_the_legend_lists_types_with_prices_and_every_state(qtbot: QtBot) -> None:
    legend = SeatLegendWidget()
    qtbot.addWidget(legend)
    legend.set_seat_map(make_seat_map())
    legend.resize(legend.sizeHint())

    texts = legend.entry_texts()
    assert texts[:2] == ["Gold ₹150–₹180", "Platinum ₹220–₹264.50"]
    for state in (
        "Available",
        "Selected",
        "Held by me",
        "Held by another counter",
        "Sold",
        "Blocked",
        "Accessible",
    ):
        assert state in texts
    assert legend.heightForWidth(200) > legend.heightForWidth(2000)
    image = legend.grab().toImage()
    image.save("/tmp/bms_seat_legend.png")
    gold = PALETTE.type_colours("GOLD").tint.rgb()
    hits = sum(
        image.pixelColor(x, y).rgb() == gold
        for x in range(0, min(40, image.width()))
        for y in range(image.height())
    )
    assert hits > 0


def test_unknown_seat_types_get_their_own_colour() -> None:
    known = {PALETTE.type_colours(code).name for code in ("GOLD", "PLATINUM", "DIAMOND")}
    new = PALETTE.type_colours("RECLINER_TEST")
    assert new.name not in known
    assert PALETTE.type_colours("RECLINER_TEST") is new
    assert QColor(new.tint).lightness() > QColor(new.strong).lightness()
