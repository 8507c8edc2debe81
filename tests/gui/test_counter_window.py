"""The counter window, driven as a clerk drives it: find a show, pick seats, hold, pay, print;
and as a learner watches it: two counters racing for one seat under each strategy."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from bms_desktop.domain.model import (
    CouponKind,
    PaymentMode,
    Role,
    SeatStatus,
    Strategy,
    TicketStatus,
)
from bms_desktop.gui.hub import ChangeHub
from bms_desktop.gui.widgets.seat_style import SeatVisual
from bms_desktop.gui.windows.counter_window import CounterWindow, window_title
from bms_desktop.services import booking, cancellation, catalog, queries
from bms_desktop.services.context import SYSTEM, BoxOffice, CounterContext, SeatLockRegistry
from bms_desktop.services.ports import NewCoupon
from tests.conftest import FakeClock
from tests.gui.counter_support import (
    Gate,
    QuietFeed,
    allow_counter_setup,
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
    allow_counter_setup(box)  # these counters teach: their clerks may switch strategies
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
    return make_window(qtbot, box, clerk("Counter 1"), hub, tmp_path / "tickets")


def seat_id(box: BoxOffice, world: World, label: str) -> int:
    smap = queries.get_seat_map(box, world.show_id)
    return next(s.show_seat_id for s in smap.seats if s.label == label)


def db_status(box: BoxOffice, world: World, label: str) -> SeatStatus:
    smap = queries.get_seat_map(box, world.show_id)
    return next(s.status for s in smap.seats if s.label == label)


def hold(qtbot: QtBot, win: CounterWindow, ids: list[int]) -> None:
    win.seat_map.set_selection(ids)
    win.basket.hold_button.click()
    qtbot.waitUntil(lambda: win.current_hold() is not None, timeout=10_000)
    wait_idle(qtbot, win)


def headline(win: CounterWindow) -> str:
    """The headline of the message above the map (whole: the banner may shorten it)."""
    message = win.banner.message()
    return "" if message is None else message.headline


def pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(str(path)).pages)


# --------------------------------------------------------------------------- selling


def set_strategy(qtbot: QtBot, win: CounterWindow, strategy: Strategy) -> None:
    win.set_strategy(strategy)
    qtbot.waitUntil(lambda: win.context().strategy is strategy, timeout=10_000)
    wait_idle(qtbot, win)


def test_the_title_names_the_counter_the_clerk_and_the_strategy(
    qtbot: QtBot, window: CounterWindow
) -> None:
    assert window.windowTitle() == ("BMS Box Office — Counter 1 — counter1 — Pessimistic lock")
    set_strategy(qtbot, window, Strategy.OPTIMISTIC)
    assert window.windowTitle() == window_title(window.context())
    assert window.windowTitle().endswith("Optimistic version check")
    assert window.strategy_combo.currentData() == Strategy.OPTIMISTIC.value
    window.strategy_combo.setCurrentIndex(2)
    qtbot.waitUntil(lambda: window.context().strategy is Strategy.THREAD, timeout=10_000)
    window.actions_.strategies[Strategy.OPTIMISTIC].trigger()
    qtbot.waitUntil(lambda: window.context().strategy is Strategy.OPTIMISTIC, timeout=10_000)
    assert window.actions_.strategies[Strategy.OPTIMISTIC].isChecked()
    assert "STRATEGY" in window.event_log.kinds()


def test_a_full_sale_from_show_search_to_a_pdf_ticket_holding_its_code(
    qtbot: QtBot, window: CounterWindow, box: BoxOffice, world: World, tmp_path: Path
) -> None:
    finder = window.finder
    finder.search_edit.setText("Test Mov")
    qtbot.waitUntil(lambda: not finder.is_loading() and finder.model.rowCount() == 1)
    with qtbot.waitSignal(window.show_opened, timeout=10_000) as opened:
        press(finder.search_edit, Qt.Key.Key_Return)
    assert opened.args == [world.show_id]
    wait_idle(qtbot, window)
    assert window.show_title.text() == "Test Movie"

    a1, a2 = seat_id(box, world, "A1"), seat_id(box, world, "A2")
    window.seat_map.set_selection([a1, a2])
    qtbot.waitUntil(lambda: window.basket.total() is not None)
    hold(qtbot, window, [a1, a2])
    assert window.current_hold() is not None
    assert set(window.current_hold().seat_labels) == {"A1", "A2"}  # type: ignore[union-attr]
    assert window.seat_map.visual_of(a1) is SeatVisual.HELD_MINE
    assert window.basket.countdown_text() == "5:00"

    basket = window.basket
    basket.set_payment_mode(PaymentMode.CASH)
    total = basket.total()
    assert total is not None
    type_text(basket.tendered_edit, str(int(total) + 100))
    assert basket.change_text() == "Change ₹100.00"
    basket.name_edit.setText("Ravi Kumar")
    with qtbot.waitSignal(window.sale_completed, timeout=10_000) as sold:
        basket.pay_button.click()
    code = sold.args[0]
    wait_idle(qtbot, window)

    ticket_pdf, receipt_pdf = window.last_printed_files()
    assert ticket_pdf.parent == tmp_path / "tickets"
    assert ticket_pdf.exists() and receipt_pdf.exists()
    assert code in pdf_text(ticket_pdf)
    assert code in pdf_text(receipt_pdf)
    view = window.last_sale()
    assert view is not None and view.status is TicketStatus.CONFIRMED
    assert view.customer_name == "Ravi Kumar"
    assert db_status(box, world, "A1") is SeatStatus.SOLD
    assert window.current_hold() is None
    assert basket.labels() == ()
    assert "Sold " + code in window.banner.text()
    assert "SALE" in window.event_log.kinds()
    qtbot.waitUntil(lambda: window.seat_map.visual_of(a1) is SeatVisual.SOLD)


def test_a_sale_can_be_made_from_the_keyboard_alone(
    qtbot: QtBot, window: CounterWindow, box: BoxOffice, world: World
) -> None:
    window.activateWindow()
    window.finder.focus_search()
    type_text(window.finder.search_edit, "test")
    with qtbot.waitSignal(window.show_opened, timeout=10_000):
        press(window.finder.search_edit, Qt.Key.Key_Return)
    wait_idle(qtbot, window)
    assert window.seat_map.hasFocus() or window.focusWidget() is window.seat_map
    press(window.seat_map, Qt.Key.Key_3)
    assert len(window.seat_map.selected_ids()) == 3
    press(window.seat_map, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.current_hold() is not None, timeout=10_000)
    wait_idle(qtbot, window)
    # The payment field has the focus; UPI is the default mode; Enter takes the payment.
    assert window.focusWidget() is window.basket.reference_edit
    with qtbot.waitSignal(window.sale_completed, timeout=10_000) as sold:
        press(window.basket.reference_edit, Qt.Key.Key_Return)
    view = queries.find_bookings(box, sold.args[0])[0]
    assert view.status is TicketStatus.CONFIRMED
    assert len(view.seat_labels) == 3
    assert view.payments[0].mode == PaymentMode.UPI


def test_f9_and_f5_work_from_anywhere_in_the_window(
    qtbot: QtBot, window: CounterWindow, box: BoxOffice, world: World
) -> None:
    open_show(qtbot, window, world.show_id)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.pick_best(2)
    press(window.finder.search_edit, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: window.current_hold() is not None, timeout=10_000)
    wait_idle(qtbot, window)
    with qtbot.waitSignal(window.sale_completed, timeout=10_000):
        press(window.seat_map, Qt.Key.Key_F9)


def test_a_digit_on_the_map_picks_that_many_best_seats_together(
    qtbot: QtBot, window: CounterWindow, world: World
) -> None:
    open_show(qtbot, window, world.show_id)
    press(window.seat_map, Qt.Key.Key_4)
    ids = window.seat_map.selected_ids()
    assert len(ids) == 4
    seats = [window.seat_map.seat(i) for i in ids]
    assert len({s.row for s in seats if s is not None}) == 1  # one row, together
    cols = sorted(s.col for s in seats if s is not None)
    assert cols == list(range(cols[0], cols[0] + 4))
    qtbot.waitUntil(lambda: len(window.basket.line_texts()) == 4)
    assert all(price.startswith("₹") for _seat, _rule, price in window.basket.line_texts())


def test_the_basket_shows_the_rule_behind_each_price(
    qtbot: QtBot, window: CounterWindow, box: BoxOffice, world: World
) -> None:
    open_show(qtbot, window, world.show_id)
    window.seat_map.set_selection([seat_id(box, world, "A1")])
    qtbot.waitUntil(lambda: "base" in window.basket.line_texts()[0][1])
    label, rule, price = window.basket.line_texts()[0]
    assert label == "A1"
    assert rule.startswith("Gold:")
    assert price == "₹100.00"


@pytest.fixture
def coupons(box: BoxOffice) -> None:
    catalog.add_coupon(box, SYSTEM, NewCoupon("TENOFF", CouponKind.PERCENT, Decimal("10")))
    catalog.add_coupon(
        box,
        SYSTEM,
        NewCoupon("BIG500", CouponKind.FIXED, Decimal("50"), min_amount=Decimal("500")),
    )


@pytest.mark.usefixtures("coupons")
def test_a_coupon_is_applied_to_the_held_seats_and_sold_with_them(
    qtbot: QtBot, window: CounterWindow, box: BoxOffice, world: World
) -> None:
    open_show(qtbot, window, world.show_id)
    hold(qtbot, window, [seat_id(box, world, "A1"), seat_id(box, world, "A2")])
    window.basket.coupon_edit.setText("tenoff")
    window.basket.coupon_button.click()
    qtbot.waitUntil(lambda: window.basket.total() == Decimal("180.00"), timeout=10_000)
    wait_idle(qtbot, window)
    assert window.basket.coupon_message_text() == "TENOFF: 20.00 off"
    assert window.basket.discount_value.text() == "−₹20.00"
    with qtbot.waitSignal(window.sale_completed, timeout=10_000) as sold:
        window.basket.pay_button.click()
    view = queries.find_bookings(box, sold.args[0])[0]
    assert view.coupon_code == "TENOFF"
    assert view.total == Decimal("180.00")


@pytest.mark.usefixtures("coupons")
def test_a_refused_coupon_says_why_before_and_after_the_hold(
    qtbot: QtBot, window: CounterWindow, box: BoxOffice, world: World
) -> None:
    open_show(qtbot, window, world.show_id)
    window.seat_map.set_selection([seat_id(box, world, "A1")])
    window.basket.coupon_edit.setText("BIG500")
    window.basket.coupon_button.click()
    qtbot.waitUntil(lambda: window.basket.coupon_message_text() != "", timeout=10_000)
    assert "500" in window.basket.coupon_message_text()
    assert window.basket.total() == Decimal("100.00")  # nothing taken off
    wait_idle(qtbot, window)
    hold(qtbot, window, [seat_id(box, world, "A1")])
    window.basket.coupon_edit.setText("NOSUCH")
    window.basket.coupon_button.click()
    qtbot.waitUntil(
        lambda: "there is no coupon NOSUCH" in window.basket.coupon_message_text(), timeout=10_000
    )
    assert window.basket.total() == Decimal("100.00")


def test_cash_change_is_worked_out_as_the_clerk_types(
    qtbot: QtBot, window: CounterWindow, box: BoxOffice, world: World
) -> None:
    open_show(qtbot, window, world.show_id)
    hold(qtbot, window, [seat_id(box, world, "A1"), seat_id(box, world, "D1")])
    basket = window.basket
    basket.set_payment_mode(PaymentMode.CASH)
    assert basket.total() == Decimal("200.00")
    type_text(basket.tendered_edit, "150")
    assert basket.change_text() == "Short ₹50.00"
    basket.pay_button.click()
    assert "short" in basket.payment_error.text()
    assert window.current_hold() is not None  # nothing was sent to the database
    basket.tendered_edit.clear()
    type_text(basket.tendered_edit, "500")
    assert basket.change_text() == "Change ₹300.00"
    with qtbot.waitSignal(window.sale_completed, timeout=10_000) as sold:
        press(basket.tendered_edit, Qt.Key.Key_Return)
    view = queries.find_bookings(box, sold.args[0])[0]
    assert view.payments[0].change_due == Decimal("300.00")
    assert "change ₹300.00" in basket.sale_label.text()


def test_release_gives_the_seats_back(
    qtbot: QtBot, window: CounterWindow, box: BoxOffice, world: World
) -> None:
    open_show(qtbot, window, world.show_id)
    a1 = seat_id(box, world, "A1")
    hold(qtbot, window, [a1])
    assert db_status(box, world, "A1") is SeatStatus.HELD
    window.basket.release_button.click()
    qtbot.waitUntil(lambda: window.current_hold() is None, timeout=10_000)
    wait_idle(qtbot, window)
    assert db_status(box, world, "A1") is SeatStatus.AVAILABLE
    assert window.seat_map.visual_of(a1) is SeatVisual.AVAILABLE
    assert window.basket.labels() == ()
    assert "RELEASE" in window.event_log.kinds()


def test_escape_releases_the_hold_when_nothing_else_wants_it(
    qtbot: QtBot, window: CounterWindow, box: BoxOffice, world: World
) -> None:
    open_show(qtbot, window, world.show_id)
    hold(qtbot, window, [seat_id(box, world, "A1")])
    window.banner.dismiss()
    window.seat_map.setFocus()  # keys go to the focus widget; after a hold it is the payment
    press(window.seat_map, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.current_hold() is None, timeout=10_000)
    wait_idle(qtbot, window)
    assert db_status(box, world, "A1") is SeatStatus.AVAILABLE


def test_a_hold_that_runs_out_frees_the_seats_on_the_map_and_in_the_basket(
    qtbot: QtBot, window: CounterWindow, box: BoxOffice, world: World, clock: FakeClock
) -> None:
    open_show(qtbot, window, world.show_id)
    a1 = seat_id(box, world, "A1")
    hold(qtbot, window, [a1])
    held = window.current_hold()
    assert held is not None
    clock.advance(minutes=4, seconds=30)
    window.basket.tick()
    assert window.basket.countdown_state() == "amber"
    clock.advance(seconds=20)
    window.basket.tick()
    assert window.basket.countdown_state() == "red"
    clock.advance(seconds=11)
    qtbot.waitUntil(lambda: window.basket.countdown_state() == "expired", timeout=5_000)
    qtbot.waitUntil(lambda: window.current_hold() is None)
    assert "free again" in window.basket.countdown_caption.text()
    qtbot.waitUntil(lambda: window.seat_map.visual_of(a1) is SeatVisual.AVAILABLE, timeout=5_000)
    wait_idle(qtbot, window)
    assert db_status(box, world, "A1") is SeatStatus.AVAILABLE
    assert queries.get_booking(box, held.ticket_id).status is TicketStatus.EXPIRED
    assert "EXPIRY" in window.event_log.kinds()
    assert not window.basket.pay_button.isEnabled()


def test_closing_the_window_releases_its_pending_hold(
    qtbot: QtBot, window: CounterWindow, box: BoxOffice, world: World
) -> None:
    open_show(qtbot, window, world.show_id)
    hold(qtbot, window, [seat_id(box, world, "A1")])
    with qtbot.waitSignal(window.closed, timeout=10_000):
        window.close()
    assert db_status(box, world, "A1") is SeatStatus.AVAILABLE
    assert window.isHidden()


# --------------------------------------------------------------------------- two counters


@pytest.fixture
def two_windows(
    qtbot: QtBot, box: BoxOffice, world: World, tmp_path: Path
) -> Iterator[tuple[CounterWindow, CounterWindow, ChangeHub]]:
    hub = ChangeHub(QuietFeed())
    w1 = make_window(qtbot, box, clerk("Counter 1", delay_ms=1), hub, tmp_path / "t1")
    w2 = make_window(qtbot, box, clerk("Counter 2"), hub, tmp_path / "t2")
    open_show(qtbot, w1, world.show_id)
    open_show(qtbot, w2, world.show_id)
    yield w1, w2, hub
    hub.stop()


def race_for_c7(
    qtbot: QtBot,
    box: BoxOffice,
    world: World,
    w1: CounterWindow,
    w2: CounterWindow,
) -> None:
    """Counter 1 starts its hold of C7 and stays inside the transaction (the gate); Counter 2
    asks for C7 meanwhile and must wait; then Counter 1 is let go."""
    c7 = seat_id(box, world, "C7")
    with gated(box) as gate:
        w1.seat_map.set_selection([c7])
        w1.basket.hold_button.click()
        qtbot.waitUntil(gate.entered.is_set, timeout=10_000)
        w2.seat_map.set_selection([c7])
        w2.basket.hold_button.click()
        # While it waits, Counter 2 says so, and for whom.
        qtbot.waitUntil(
            lambda: "waiting for the lock held by Counter 1" in w2.waiting_text(),
            timeout=10_000,
        )
        assert "waiting for the lock held by Counter 1" in w2.basket.busy_label.text()
        assert not w2.basket.pay_button.isEnabled()
        gate.open()
        qtbot.waitUntil(lambda: w1.current_hold() is not None, timeout=10_000)
        qtbot.waitUntil(lambda: not w2.banner.isHidden(), timeout=10_000)
    wait_idle(qtbot, w1)
    wait_idle(qtbot, w2)
    assert w2.current_hold() is None
    assert c7 in w2.seat_map.lost_ids()


def test_pessimistic_second_window_waits_for_the_first_windows_transaction(
    qtbot: QtBot,
    two_windows: tuple[CounterWindow, CounterWindow, ChangeHub],
    box: BoxOffice,
    world: World,
) -> None:
    w1, w2, _hub = two_windows
    race_for_c7(qtbot, box, world, w1, w2)
    said = headline(w2)
    assert said.startswith("Pessimistic: waited ")
    assert "ms for the lock held by Counter 1; C7 was taken by Counter 1 meanwhile" in said
    kinds = w2.event_log.kinds()
    assert "LOCK_WAIT" in kinds and "CONFLICT" in kinds
    qtbot.waitUntil(
        lambda: w2.seat_map.visual_of(seat_id(box, world, "C7")) is SeatVisual.HELD_OTHER
    )


def test_thread_lock_second_window_waits_for_the_seat_lock_of_the_first(
    qtbot: QtBot,
    two_windows: tuple[CounterWindow, CounterWindow, ChangeHub],
    box: BoxOffice,
    world: World,
) -> None:
    w1, w2, _hub = two_windows
    set_strategy(qtbot, w1, Strategy.THREAD)
    set_strategy(qtbot, w2, Strategy.THREAD)
    race_for_c7(qtbot, box, world, w1, w2)
    said = headline(w2)
    assert said.startswith("Thread lock: waited ")
    assert "for the seat lock held by Counter 1; C7 was taken by Counter 1 meanwhile" in said


def test_optimistic_second_window_finds_the_version_moved(
    qtbot: QtBot,
    two_windows: tuple[CounterWindow, CounterWindow, ChangeHub],
    box: BoxOffice,
    world: World,
) -> None:
    w1, w2, _hub = two_windows
    set_strategy(qtbot, w2, Strategy.OPTIMISTIC)
    c7 = seat_id(box, world, "C7")
    seen = w2.seat_map.seat(c7)
    assert seen is not None
    # Counter 2 looked at the map before Counter 1 held C7 and has not heard of it yet.
    w2.set_live_updates(False)
    hold(qtbot, w1, [c7])
    assert w2.seat_map.visual_of(c7) is SeatVisual.AVAILABLE
    w2.seat_map.set_selection([c7])
    w2.basket.hold_button.click()
    qtbot.waitUntil(lambda: not w2.banner.isHidden(), timeout=10_000)
    wait_idle(qtbot, w2)
    assert headline(w2) == (
        f"Optimistic: C7 changed since you loaded the map (version {seen.version} -> "
        f"{seen.version + 1}); not retried, the seat is taken"
    )
    assert "C7 is held by Counter 1." in w2.banner.text()
    assert c7 in w2.seat_map.lost_ids()
    qtbot.waitUntil(lambda: w2.seat_map.visual_of(c7) is SeatVisual.HELD_OTHER)


def test_optimistic_retry_wins_a_seat_that_changed_but_is_free_again(
    qtbot: QtBot,
    two_windows: tuple[CounterWindow, CounterWindow, ChangeHub],
    box: BoxOffice,
    world: World,
) -> None:
    w1, w2, _hub = two_windows
    set_strategy(qtbot, w2, Strategy.OPTIMISTIC)
    c7 = seat_id(box, world, "C7")
    w2.set_live_updates(False)
    hold(qtbot, w1, [c7])
    w1.basket.release_button.click()
    qtbot.waitUntil(lambda: w1.current_hold() is None, timeout=10_000)
    wait_idle(qtbot, w1)
    hold(qtbot, w2, [c7])
    assert "retry 1 of 3" in headline(w2)
    assert "RETRY" in w2.event_log.kinds()


def test_thread_lock_across_processes_is_caught_by_the_database_constraint(
    qtbot: QtBot, box: BoxOffice, world: World, tmp_path: Path
) -> None:
    # Two "processes": the same database, but each with its own in-process seat locks.
    other = BoxOffice(uows=box.uows, clock=box.clock, locks=SeatLockRegistry())
    hub = ChangeHub(QuietFeed())
    w1 = make_window(
        qtbot, box, clerk("Counter 1", Strategy.THREAD, delay_ms=1), hub, tmp_path / "t1"
    )
    w2 = make_window(qtbot, other, clerk("Counter 2", Strategy.THREAD), hub, tmp_path / "t2")
    open_show(qtbot, w1, world.show_id)
    open_show(qtbot, w2, world.show_id)
    c7 = seat_id(box, world, "C7")
    with gated(box) as gate:
        w1.seat_map.set_selection([c7])
        w1.basket.hold_button.click()
        qtbot.waitUntil(gate.entered.is_set, timeout=10_000)  # Counter 1 saw C7 free
        hold(qtbot, w2, [c7])  # Counter 2 was not covered by Counter 1's lock
        gate.open()
        qtbot.waitUntil(lambda: not w1.banner.isHidden(), timeout=10_000)
    wait_idle(qtbot, w1)
    assert w1.current_hold() is None
    assert headline(w1) == (
        "Thread lock: the other process was not covered by this lock; the database constraint "
        "refused the second sale"
    )
    assert "SAFETY_NET" in w1.event_log.kinds()
    assert db_status(box, world, "C7") is SeatStatus.HELD
    hub.stop()


def test_my_other_seats_stay_selected_when_one_is_lost(
    qtbot: QtBot,
    two_windows: tuple[CounterWindow, CounterWindow, ChangeHub],
    box: BoxOffice,
    world: World,
) -> None:
    w1, w2, _hub = two_windows
    c7, c8, c9 = (seat_id(box, world, label) for label in ("C7", "C8", "C9"))
    w2.set_live_updates(False)
    hold(qtbot, w1, [c7])
    w2.seat_map.set_selection([c7, c8, c9])
    w2.basket.hold_button.click()
    qtbot.waitUntil(lambda: not w2.banner.isHidden(), timeout=10_000)
    wait_idle(qtbot, w2)
    assert set(w2.seat_map.selected_ids()) == {c8, c9}
    assert "C8 and C9 are still free and still selected for you." in w2.banner.text()


def test_a_sale_in_one_window_reaches_the_other_windows_map_at_once(
    qtbot: QtBot,
    two_windows: tuple[CounterWindow, CounterWindow, ChangeHub],
    box: BoxOffice,
    world: World,
) -> None:
    w1, w2, _hub = two_windows
    a1 = seat_id(box, world, "A1")
    hold(qtbot, w1, [a1])
    qtbot.waitUntil(lambda: w2.seat_map.visual_of(a1) is SeatVisual.HELD_OTHER, timeout=5_000)
    with qtbot.waitSignal(w1.sale_completed, timeout=10_000):
        w1.basket.pay_button.click()
    qtbot.waitUntil(lambda: w2.seat_map.visual_of(a1) is SeatVisual.SOLD, timeout=5_000)
    assert any("Counter 1 sold A1" in e.message for e in w2.event_log.entries())


# --------------------------------------------------------------------------- other processes

CHILD_SALE = textwrap.dedent(
    """
    import sys
    from bms_desktop.app import connect
    from bms_desktop.domain.model import Role
    from bms_desktop.services import booking, checkout
    from bms_desktop.services.context import CounterContext

    url, show_seat_id = sys.argv[1], int(sys.argv[2])
    wiring = connect(url)
    ctx = CounterContext("Counter 9", None, "child", Role.CLERK)
    show_id = int(sys.argv[3])
    held = booking.hold_seats(wiring.box, ctx, show_id=show_id, show_seat_ids=[show_seat_id])
    checkout.confirm_booking(wiring.box, ctx, ticket_id=held.ticket_id, mode="UPI")
    print(held.ticket_code)
    """
)


def test_a_sale_made_by_another_process_appears_on_the_map(
    qtbot: QtBot, sqlite_url: str, tmp_path: Path
) -> None:
    from bms_desktop.app import connect
    from bms_desktop.persistence.changefeed import open_change_feed

    wiring = connect(sqlite_url)
    try:
        box = wiring.box
        world = build_world(box)
        hub = ChangeHub(open_change_feed(sqlite_url))
        win = make_window(
            qtbot, box, CounterContext("Counter 1", None, "asha", Role.CLERK), hub, tmp_path
        )
        open_show(qtbot, win, world.show_id)
        a5 = seat_id(box, world, "A5")
        assert win.seat_map.visual_of(a5) is SeatVisual.AVAILABLE
        env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
        child = subprocess.run(
            [sys.executable, "-c", CHILD_SALE, sqlite_url, str(a5), str(world.show_id)],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
            check=False,
        )
        assert child.returncode == 0, child.stderr
        qtbot.waitUntil(lambda: win.seat_map.visual_of(a5) is SeatVisual.SOLD, timeout=10_000)
        assert any("Counter 9 sold A5" in e.message for e in win.event_log.entries())
        qtbot.waitUntil(
            lambda: win.finder.model.shows()[0].seats_available == len(world.seat_ids) - 1,
            timeout=10_000,
        )
        hub.stop()
    finally:
        wiring.close()


# --------------------------------------------------------------------------- menus


def test_the_counter_logs_its_own_cancellation_as_its_own_not_another_counters(
    qtbot: QtBot,
    window: CounterWindow,
    box: BoxOffice,
    world: World,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from bms_desktop.gui.dialogs.lookup_dialog import BookingLookupDialog
    from bms_desktop.services import auth
    from bms_desktop.services.approvals import CANCEL_REFUND

    auth.add_staff(
        box, SYSTEM, username="sunita", full_name="Sunita", role=Role.SUPERVISOR,
        password="sunita-pass",
    )  # fmt: skip
    open_show(qtbot, window, world.show_id)
    a1 = seat_id(box, world, "A1")
    hold(qtbot, window, [a1])
    with qtbot.waitSignal(window.sale_completed, timeout=10_000) as sold:
        window.basket.pay_button.click()
    wait_idle(qtbot, window)
    code = sold.args[0]
    calls: list[dict[str, object]] = []

    def ask(_cls: object, /, box_: BoxOffice, ctx: CounterContext, **kw: object) -> list[object]:
        calls.append({"ctx": ctx, **kw})
        view = queries.find_bookings(box_, code)[0]
        approval = auth.grant_approval(
            box_, ctx, username="sunita", password="sunita-pass", action=CANCEL_REFUND,
            subject=view.ticket_id,
        )  # fmt: skip
        return [cancellation.cancel_booking(box_, ctx, ticket_id=view.ticket_id, approval=approval)]

    monkeypatch.setattr(BookingLookupDialog, "ask", classmethod(ask))
    window.actions_.find_booking.trigger()
    assert calls and calls[0]["print_folder"] == tmp_path / "tickets"
    assert calls[0]["parent"] is window
    assert calls[0]["show"] == window.current_show()  # "This show" is offered in the lookup
    qtbot.waitUntil(lambda: window.seat_map.visual_of(a1) is SeatVisual.AVAILABLE, timeout=5_000)
    wait_idle(qtbot, window)
    entries = window.event_log.entries()
    cancels = [e for e in entries if e.kind == "CANCEL"]
    assert len(cancels) == 1 and code in cancels[0].message and "sunita" in cancels[0].message
    assert not [e for e in entries if e.kind == "REMOTE"]  # not "Other counter"


def test_new_counter_window_is_asked_of_the_launcher(qtbot: QtBot, window: CounterWindow) -> None:
    with qtbot.waitSignal(window.new_counter_requested):
        window.actions_.new_counter.trigger()
    assert "F9" in window.shortcut_help_text()


def test_the_processing_delay_setting_changes_the_counters_context(
    qtbot: QtBot, window: CounterWindow
) -> None:
    with qtbot.waitSignal(window.context_changed, timeout=10_000) as changed:
        window.delay_combo.setCurrentIndex(window.delay_combo.findData(500))
    assert changed.args[0].delay_ms == 500
    assert window.context().delay_ms == 500
    assert "500 ms delay" in window.context_status.text()
    window.set_delay_ms(333)  # a value from the command line that is not one of the choices
    qtbot.waitUntil(lambda: window.delay_combo.currentText() == "333 ms", timeout=10_000)
    window.set_delay_ms(0)
    qtbot.waitUntil(lambda: window.delay_combo.currentText() == "off", timeout=10_000)


# --------------------------------------------------------------------------- narrow windows


def resize_to(qtbot: QtBot, win: CounterWindow, width: int, height: int) -> None:
    win.resize(width, height)
    qtbot.waitUntil(lambda: (win.width(), win.height()) == (width, height))


def test_the_status_bar_says_who_and_where_in_one_line_that_steps_aside_for_a_message(
    qtbot: QtBot, window: CounterWindow
) -> None:
    line = window.context_status.text()
    assert line == "counter1 · Counter 1 · Pessimistic · test.db"
    assert "Database: test.db" in window.context_status.toolTip()
    resize_to(qtbot, window, 683, 738)  # two counters side by side on a 1366 x 768 screen
    bar = window.statusBar()
    message = "These seats are already held: take the payment (F9) or release them (F8)."
    window.show_status(message, 60_000)
    assert bar.currentMessage() == message  # whole: the who-and-where line stepped aside
    assert window.context_status.isHidden()
    assert window.status_text() == message
    bar.clearMessage()
    assert not window.context_status.isHidden()
    window.show_status("Ready.", 60_000)  # a short message leaves the line where it is
    assert not window.context_status.isHidden()
    longer = "Printed BMS-7WED-96H7 again: " + "/very/long/folder" * 12 + "/ticket.pdf"
    window.show_status(longer, 60_000)
    assert bar.currentMessage().endswith("…")  # ends in an ellipsis, not cut mid-letter
    assert window.status_text() == longer == bar.toolTip()
    bar.clearMessage()
    assert bar.toolTip() == ""
    # The idle hint is short enough for the narrow bar, the whole hint is in its tooltip.
    assert window.wait_label.displayed_text() == "Ready · F1 lists the keys"
    assert "F9 takes payment" in window.wait_label.toolTip()


def test_a_narrow_window_shows_the_list_until_a_show_is_open_then_the_map(
    qtbot: QtBot, window: CounterWindow, world: World
) -> None:
    resize_to(qtbot, window, 683, 738)  # in one step, as a window manager snaps a window
    assert window.minimumWidth() <= 683  # two fit side by side on a 1366 screen
    qtbot.waitUntil(lambda: window.minimumSizeHint().width() <= 683)  # what they show fits
    assert window.finder.isVisible() and not window.map_panel.isVisible()
    assert window.finder.width() >= 300  # the list has the room the map does not need yet
    open_show(qtbot, window, world.show_id)
    assert window.map_panel.isVisible() and not window.finder.isVisible()
    assert window.shows_button.isVisible()
    qtbot.waitUntil(lambda: window.minimumSizeHint().width() <= 683)
    # The list brought back takes the map's place (no room for both), with a way back.
    window.shows_button.click()
    assert window.finder.isVisible() and not window.map_panel.isVisible()
    assert window.map_button.isVisible()
    assert window.finder.current_show_id() == world.show_id  # the open show is highlighted
    window.actions_.map.trigger()
    assert window.map_panel.isVisible() and not window.finder.isVisible()
    assert window.seat_map.hasFocus() or not window.isActiveWindow()
    # A window with the room shows the list beside the map.
    resize_to(qtbot, window, 1200, 738)
    window.show_finder()
    assert window.finder.isVisible() and window.map_panel.isVisible()
    assert not window.map_button.isVisible()
    # Opening a show folds the list away again in a compact window.
    open_show(qtbot, window, world.show_id)
    assert not window.finder.isVisible() and window.map_panel.isVisible()
    # A wide window always shows both.
    resize_to(qtbot, window, 1366, 738)
    assert window.finder.isVisible() and window.map_panel.isVisible()
    assert not window.shows_button.isVisible()


def test_the_menu_bar_corner_drops_its_captions_in_a_narrow_window(
    qtbot: QtBot, window: CounterWindow
) -> None:
    assert window.delay_combo.currentText() == "off"
    resize_to(qtbot, window, 683, 738)
    assert window.delay_combo.currentText() == "Delay off"  # named without its caption
    window.set_delay_ms(333)
    qtbot.waitUntil(lambda: window.delay_combo.currentText() == "Delay 333 ms", timeout=10_000)
    resize_to(qtbot, window, 1366, 738)
    assert window.delay_combo.currentText() == "333 ms"
    assert window.context().delay_ms == 333


def test_print_again_reprints_the_last_ticket(
    qtbot: QtBot, window: CounterWindow, box: BoxOffice, world: World
) -> None:
    open_show(qtbot, window, world.show_id)
    hold(qtbot, window, [seat_id(box, world, "B3")])
    with qtbot.waitSignal(window.sale_completed, timeout=10_000):
        window.basket.pay_button.click()
    wait_idle(qtbot, window)
    ticket_pdf, _receipt = window.last_printed_files()
    original = ticket_pdf.read_bytes()
    assert window.basket.print_button.isVisible()
    window.basket.print_button.click()
    wait_idle(qtbot, window)
    duplicate, _copy = window.last_printed_files()
    assert duplicate.name.endswith("-ticket-duplicate-2.pdf")
    assert "DUPLICATE" in pdf_text(duplicate)
    assert ticket_pdf.read_bytes() == original  # the original is kept as it was
    assert "reprinted" in window.event_log.entries()[-1].message


def test_a_printer_failure_leaves_the_sale_standing_and_says_how_to_reprint(
    qtbot: QtBot,
    window: CounterWindow,
    box: BoxOffice,
    world: World,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from bms_desktop.gui import printing

    def broken(*_args: object, **_kw: object) -> tuple[Path, Path]:
        raise OSError("the print folder is full")

    monkeypatch.setattr(printing, "print_ticket_and_receipt", broken)
    open_show(qtbot, window, world.show_id)
    hold(qtbot, window, [seat_id(box, world, "B4")])
    with qtbot.waitSignal(window.sale_completed, timeout=10_000) as sold:
        window.basket.pay_button.click()
    wait_idle(qtbot, window)
    assert queries.find_bookings(box, sold.args[0])[0].status is TicketStatus.CONFIRMED
    assert "could not be printed" in window.banner.text()
    assert "the print folder is full" in window.banner.text()
    assert window.last_printed_files() == ()


def test_escape_in_a_payment_field_does_not_give_the_seats_away(
    qtbot: QtBot, window: CounterWindow, box: BoxOffice, world: World
) -> None:
    open_show(qtbot, window, world.show_id)
    hold(qtbot, window, [seat_id(box, world, "B5")])
    window.banner.dismiss()
    window.basket.set_payment_mode(PaymentMode.CASH)
    window.basket.tendered_edit.setFocus()
    press(window.basket.tendered_edit, Qt.Key.Key_Escape)
    assert window.current_hold() is not None
    assert window.focusWidget() is window.seat_map
    press(window.seat_map, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.current_hold() is None, timeout=10_000)
    wait_idle(qtbot, window)


# --------------------------------------------------------------------------- F9 typed ahead
# A quick clerk presses Enter (hold) and F9 (take the payment) before the hold has come back from
# the database. The payment is taken as soon as the seats are held, and only then: never after a
# hold that failed, and not when the total changed on the way (a coupon refused). Before, that F9
# was dropped without a word. The hold waits inside its transaction at the gate (a processing
# delay of 1 ms turned into "wait until the test opens it"), so F9 surely comes while it is under
# way.


def settle(qtbot: QtBot, window: CounterWindow) -> None:
    """After a sale: the counter idle, and the show list it refreshes for the sale (debounced)
    reloaded: a search still running as the window closes dies with the process, which Qt
    reports ("Qt Concurrent has caught an exception")."""
    wait_idle(qtbot, window)
    finder = window.finder
    qtbot.waitUntil(
        lambda: not finder._refresh_timer.isActive() and not finder.is_loading(), timeout=10_000
    )


def slow_counter(qtbot: QtBot, window: CounterWindow, world: World) -> None:
    window.set_delay_ms(1)
    qtbot.waitUntil(lambda: window.context().delay_ms == 1, timeout=10_000)
    open_show(qtbot, window, world.show_id)


def enter_then_f9(qtbot: QtBot, window: CounterWindow, gate: Gate) -> None:
    """Enter holds the selected seats; F9 comes while the hold waits at the gate."""
    press(window.seat_map, Qt.Key.Key_Return)
    qtbot.waitUntil(gate.entered.is_set, timeout=10_000)
    assert window.current_hold() is None  # still being held
    press(window.seat_map, Qt.Key.Key_F9)


def test_f9_typed_while_the_seats_are_being_held_takes_the_payment_once_they_are(
    qtbot: QtBot, window: CounterWindow, box: BoxOffice, world: World
) -> None:
    slow_counter(qtbot, window, world)
    press(window.seat_map, Qt.Key.Key_2)
    assert len(window.seat_map.selected_ids()) == 2
    with gated(box) as gate:
        enter_then_f9(qtbot, window, gate)
        assert "as soon as the seats are held" in window.statusBar().currentMessage()
        with qtbot.waitSignal(window.sale_completed, timeout=10_000) as sold:
            gate.open()
    settle(qtbot, window)
    (view,) = queries.find_bookings(box, sold.args[0])
    assert view.status is TicketStatus.CONFIRMED and len(view.seat_labels) == 2
    assert window.current_hold() is None


def test_f9_typed_ahead_of_a_hold_that_fails_takes_no_payment(
    qtbot: QtBot, window: CounterWindow, box: BoxOffice, world: World
) -> None:
    slow_counter(qtbot, window, world)
    c7 = seat_id(box, world, "C7")
    window.seat_map.set_selection([c7])
    # Counter 2 holds C7 first; this window does not know yet (its change feed is quiet).
    booking.hold_seats(box, clerk("Counter 2"), show_id=world.show_id, show_seat_ids=[c7])
    with gated(box) as gate:
        enter_then_f9(qtbot, window, gate)
        gate.open()
        qtbot.waitUntil(lambda: not window.banner.isHidden(), timeout=10_000)  # the conflict
    wait_idle(qtbot, window)
    assert window.current_hold() is None and window.last_sale() is None
    assert db_status(box, world, "C7") is SeatStatus.HELD  # still Counter 2's


def test_f9_typed_ahead_takes_no_payment_when_the_coupon_was_refused(
    qtbot: QtBot, window: CounterWindow, box: BoxOffice, world: World
) -> None:
    """The clerk saw one total and the hold came back with another (the coupon was refused):
    the payment waits for the clerk's own F9."""
    slow_counter(qtbot, window, world)
    window.seat_map.set_selection([seat_id(box, world, "C7")])
    type_text(window.basket.coupon_edit, "NOSUCHCODE")
    with gated(box) as gate:
        enter_then_f9(qtbot, window, gate)
        gate.open()
        qtbot.waitUntil(lambda: window.current_hold() is not None, timeout=10_000)
    wait_idle(qtbot, window)
    assert "The payment was not taken" in window.statusBar().currentMessage()
    assert window.last_sale() is None
    assert db_status(box, world, "C7") is SeatStatus.HELD
    with qtbot.waitSignal(window.sale_completed, timeout=10_000):
        press(window.seat_map, Qt.Key.Key_F9)  # the clerk's own F9, after a look at the basket
    settle(qtbot, window)
    assert db_status(box, world, "C7") is SeatStatus.SOLD
