"""F9 typed ahead of the hold: a quick clerk presses Enter (hold) and F9 (take the payment) before
the hold has come back from the database. The payment is taken as soon as the seats are held,
and only then: never after a hold that failed, and not when the total changed on the way (a
coupon refused). Before, that F9 was dropped without a word.

The hold is kept inside its transaction by the counter's processing delay, turned into a gate
the test opens (``counter_support.gated``), so F9 surely comes while the hold is under way.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from bms_desktop.domain.model import SeatStatus, TicketStatus
from bms_desktop.gui.hub import ChangeHub
from bms_desktop.gui.windows.counter_window import CounterWindow
from bms_desktop.services import booking, queries
from bms_desktop.services.context import BoxOffice
from tests.gui.counter_support import (
    Gate,
    QuietFeed,
    gated,
    make_window,
    open_show,
    press,
    type_text,
    wait_idle,
)
from tests.support.builders import World, build_world, clerk

pytestmark = pytest.mark.timeout(120)


@pytest.fixture
def world(box: BoxOffice) -> World:
    return build_world(box)


@pytest.fixture
def hub(qtbot: QtBot) -> Iterator[ChangeHub]:
    hub = ChangeHub(QuietFeed())
    yield hub
    hub.stop()


@pytest.fixture
def window(
    qtbot: QtBot, box: BoxOffice, world: World, hub: ChangeHub, tmp_path: Path
) -> CounterWindow:
    # A processing delay of 1 ms: the hold calls box.sleep inside its transaction (the gate).
    win = make_window(qtbot, box, clerk("Counter 1", delay_ms=1), hub, tmp_path / "tickets")
    open_show(qtbot, win, world.show_id)
    return win


def labels_of(box: BoxOffice, world: World) -> dict[str, int]:
    return {s.label: s.show_seat_id for s in queries.get_seat_map(box, world.show_id).seats}


def status_of(box: BoxOffice, world: World, label: str) -> SeatStatus:
    seats = queries.get_seat_map(box, world.show_id).seats
    return next(s.status for s in seats if s.label == label)


def enter_then_f9(qtbot: QtBot, window: CounterWindow, gate: Gate) -> None:
    """Enter holds the selected seats; F9 comes while the hold waits at the gate."""
    press(window.seat_map, Qt.Key.Key_Return)
    qtbot.waitUntil(gate.entered.is_set, timeout=10_000)
    assert window.current_hold() is None  # still being held
    press(window.seat_map, Qt.Key.Key_F9)


def test_f9_typed_while_the_seats_are_being_held_takes_the_payment_once_they_are(
    qtbot: QtBot, window: CounterWindow, box: BoxOffice, world: World
) -> None:
    press(window.seat_map, Qt.Key.Key_2)
    assert len(window.seat_map.selected_ids()) == 2
    with gated(box) as gate:
        enter_then_f9(qtbot, window, gate)
        assert "as soon as the seats are held" in window.statusBar().currentMessage()
        with qtbot.waitSignal(window.sale_completed, timeout=10_000) as sold:
            gate.open()
    wait_idle(qtbot, window)
    (view,) = queries.find_bookings(box, sold.args[0])
    assert view.status is TicketStatus.CONFIRMED and len(view.seat_labels) == 2
    assert window.current_hold() is None


def test_f9_typed_ahead_of_a_hold_that_fails_takes_no_payment(
    qtbot: QtBot, window: CounterWindow, box: BoxOffice, world: World
) -> None:
    by_label = labels_of(box, world)
    window.seat_map.set_selection([by_label["C7"]])
    # Counter 2 holds C7 first; this window does not know yet (its change feed is quiet).
    booking.hold_seats(
        box, clerk("Counter 2"), show_id=world.show_id, show_seat_ids=[by_label["C7"]]
    )
    with gated(box) as gate:
        enter_then_f9(qtbot, window, gate)
        gate.open()
        qtbot.waitUntil(lambda: not window.banner.isHidden(), timeout=10_000)  # the conflict
    wait_idle(qtbot, window)
    assert window.current_hold() is None and window.last_sale() is None
    assert status_of(box, world, "C7") is SeatStatus.HELD  # still Counter 2's


def test_f9_typed_ahead_takes_no_payment_when_the_coupon_was_refused(
    qtbot: QtBot, window: CounterWindow, box: BoxOffice, world: World
) -> None:
    """The clerk saw one total and the hold came back with another (the coupon was refused):
    the payment waits for the clerk's own F9."""
    window.seat_map.set_selection([labels_of(box, world)["C7"]])
    type_text(window.basket.coupon_edit, "NOSUCHCODE")
    with gated(box) as gate:
        enter_then_f9(qtbot, window, gate)
        gate.open()
        qtbot.waitUntil(lambda: window.current_hold() is not None, timeout=10_000)
    wait_idle(qtbot, window)
    assert "The payment was not taken" in window.statusBar().currentMessage()
    assert window.last_sale() is None
    assert status_of(box, world, "C7") is SeatStatus.HELD
    with qtbot.waitSignal(window.sale_completed, timeout=10_000):
        press(window.seat_map, Qt.Key.Key_F9)  # the clerk's own F9, after a look at the basket
    assert status_of(box, world, "C7") is SeatStatus.SOLD
