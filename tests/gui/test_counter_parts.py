"""The parts of the counter window on their own: change hub, task runner, item models, basket,
show finder, banner and event log."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from PySide6.QtCore import QCoreApplication, QObject, Qt, QThread
from pytestqt.qtbot import QtBot

from bms_desktop.domain.errors import InvalidState
from bms_desktop.domain.model import PaymentMode, Strategy
from bms_desktop.gui.conflict_text import ConflictMessage, Tone
from bms_desktop.gui.hub import ChangeHub
from bms_desktop.gui.models.event_log_model import EventLogModel, LogEntry
from bms_desktop.gui.models.show_list_model import (
    COL_MOVIE,
    COL_SEATS,
    COL_TIME,
    SeatsLeftRole,
    ShowIdRole,
    ShowListModel,
    seats_left_text,
    time_text,
)
from bms_desktop.gui.widgets.basket import BasketWidget, format_countdown, money, parse_amount
from bms_desktop.gui.widgets.conflict_banner import ConflictBannerWidget
from bms_desktop.gui.widgets.event_log import EventLogWidget
from bms_desktop.gui.widgets.show_finder import ShowFinderWidget, split_title
from bms_desktop.gui.workers import ACTIVITY, TaskRunner
from bms_desktop.services.context import BoxOffice
from bms_desktop.services.dto import (
    ConcurrencyEvent,
    ConcurrencyReport,
    HoldResult,
    PriceLine,
    Quote,
    ShowSummary,
)
from tests.conftest import FakeClock
from tests.gui.counter_support import QuietFeed, press, type_text
from tests.support.builders import build_world, clerk

NOW = datetime(2030, 3, 4, 4, 30, tzinfo=UTC)


def summary(show_id: int, *, left: int = 100, total: int = 120, hours: int = 2) -> ShowSummary:
    return ShowSummary(
        show_id=show_id,
        movie_id=1,
        movie_title=f"Movie {show_id}",
        certificate="UA",
        rating=Decimal("7.5"),
        genre="Drama",
        runtime_min=120,
        language="Hindi",
        format="2D",
        city_name="Mumbai",
        theater_id=1,
        theater_name="Galaxy",
        screen_id=1,
        screen_name="Screen 2 · Grand hall",
        starts_at=NOW + timedelta(hours=hours),
        ends_at=NOW + timedelta(hours=hours + 2),
        seats_total=total,
        seats_available=left,
    )


# --------------------------------------------------------------------------- change hub


def test_the_hub_emits_what_the_feed_reports_and_asks_for_a_reload_when_it_lost_track(
    qtbot: QtBot,
) -> None:
    feed = QuietFeed()
    feed.answers = [{5, 3}, set(), None]
    hub = ChangeHub(feed, start=False)
    with qtbot.waitSignal(hub.shows_changed) as changed:
        hub.poll_now()
    assert changed.args == [[3, 5]]
    with qtbot.assertNotEmitted(hub.shows_changed), qtbot.assertNotEmitted(hub.reload_requested):
        hub.poll_now()
    with qtbot.waitSignal(hub.reload_requested):
        hub.poll_now()
    hub.stop()
    assert feed.closed


def test_the_hub_polls_on_its_own_and_stops_when_told(qtbot: QtBot) -> None:
    feed = QuietFeed()
    feed.answers = [set(), set(), {9}]
    hub = ChangeHub(feed, interval_ms=10)
    assert hub.is_running()
    with qtbot.waitSignal(hub.shows_changed, timeout=2_000) as changed:
        pass
    assert changed.args == [[9]]
    hub.stop()
    assert not hub.is_running()
    polls = feed.polls
    hub.poll_now()  # after stop: the feed is closed and not asked again
    assert feed.polls == polls


def test_announce_tells_the_windows_of_this_process_at_once(qtbot: QtBot) -> None:
    hub = ChangeHub(QuietFeed(), start=False)
    with qtbot.waitSignal(hub.shows_changed) as changed:
        hub.announce([4, 4, 2])
    assert changed.args == [[2, 4]]
    with qtbot.assertNotEmitted(hub.shows_changed):
        hub.announce([])
    hub.stop()


def test_a_failing_feed_does_not_stop_the_hub_but_asks_for_a_reload(
    qtbot: QtBot, caplog: pytest.LogCaptureFixture
) -> None:
    class BrokenFeed(QuietFeed):
        def poll(self) -> set[int] | None:
            raise OSError("disk went away")

    hub = ChangeHub(BrokenFeed(), start=False)
    with qtbot.waitSignal(hub.reload_requested):
        assert hub.poll_now() is None
    assert "change feed failed" in caplog.text
    hub.stop()


def test_the_sqlite_feed_tells_the_hub_which_show_another_connection_changed(
    qtbot: QtBot, sqlite_url: str, clock: FakeClock
) -> None:
    from bms_desktop.app import connect
    from bms_desktop.persistence.changefeed import open_change_feed
    from bms_desktop.services import booking

    wiring = connect(sqlite_url)
    try:
        wiring.box.clock = clock
        world = build_world(wiring.box)
        hub = ChangeHub(open_change_feed(sqlite_url), interval_ms=20)
        hub.poll_now()  # swallow what building the world wrote
        with qtbot.waitSignal(hub.shows_changed, timeout=5_000) as changed:
            booking.hold_seats(
                wiring.box, clerk(), show_id=world.show_id, show_seat_ids=[world.seat_ids[0]]
            )
        assert changed.args == [[world.show_id]]
        hub.stop()
    finally:
        wiring.close()


# --------------------------------------------------------------------------- task runner


def test_a_task_runs_off_the_gui_thread_and_answers_on_it(qtbot: QtBot) -> None:
    runner = TaskRunner()
    seen: dict[str, object] = {}

    def work() -> int:
        seen["worker"] = QThread.currentThread()
        return 42

    def done(value: int) -> None:
        seen["value"] = value
        seen["callback"] = QThread.currentThread()

    with qtbot.waitSignal(runner.busy_changed) as went_busy:
        runner.submit(work, on_done=done, label="Answering")
    assert went_busy.args == [True]
    with qtbot.waitSignal(runner.task_finished, timeout=5_000) as finished:
        pass
    assert finished.args[1] == "Answering"
    assert seen["value"] == 42
    app = QCoreApplication.instance()
    assert app is not None
    assert seen["callback"] is app.thread()
    assert seen["worker"] is not app.thread()
    assert not runner.is_busy()
    runner.shutdown()


def test_a_domain_error_comes_back_to_the_error_callback(qtbot: QtBot) -> None:
    runner = TaskRunner()
    errors: list[BaseException] = []

    def fail() -> None:
        raise InvalidState("the hold has run out")

    runner.submit(fail, on_done=lambda _v: errors.append(AssertionError()), on_error=errors.append)
    qtbot.waitUntil(lambda: not runner.is_busy(), timeout=5_000)
    assert len(errors) == 1 and isinstance(errors[0], InvalidState)
    runner.shutdown()


def test_work_in_flight_is_on_the_activity_board_with_its_counter(qtbot: QtBot) -> None:
    runner = TaskRunner()
    inside, release = threading.Event(), threading.Event()

    def work() -> None:
        inside.set()
        release.wait(10)

    runner.submit(work, label="Holding C7", activity="Counter 2")
    qtbot.waitUntil(inside.is_set, timeout=5_000)
    others = ACTIVITY.others("Counter 1")
    assert [(a.who, a.what) for a in others] == [("Counter 2", "holding C7")]
    assert ACTIVITY.others("Counter 2") == []
    assert runner.labels() == ["Holding C7"]
    release.set()
    qtbot.waitUntil(lambda: not runner.is_busy(), timeout=5_000)
    assert ACTIVITY.others("Counter 1") == []
    runner.shutdown()


def test_a_runner_deleted_while_its_task_runs_drops_the_answer_safely(qtbot: QtBot) -> None:
    parent = QObject()
    runner = TaskRunner(parent)
    started, release = threading.Event(), threading.Event()
    answers: list[object] = []
    probe = TaskRunner()

    def work() -> str:
        started.set()
        release.wait(10)
        return "late"

    runner.submit(work, on_done=answers.append)
    qtbot.waitUntil(started.is_set, timeout=5_000)
    release.set()
    del runner
    parent.deleteLater()
    with qtbot.waitSignal(parent.destroyed, timeout=5_000):
        pass
    # Another runner's round trip proves the relay has delivered everything queued before it.
    with qtbot.waitSignal(probe.task_finished, timeout=5_000):
        probe.submit(lambda: None)
    assert answers == []
    probe.shutdown()


def test_a_shut_down_runner_refuses_new_work(qtbot: QtBot) -> None:
    runner = TaskRunner()
    assert runner.shutdown(1000)
    with pytest.raises(RuntimeError):
        runner.submit(lambda: None)


# --------------------------------------------------------------------------- item models


def test_the_show_list_model_passes_the_model_tester(qtmodeltester: object) -> None:
    model = ShowListModel()
    model.set_shows([summary(1), summary(2, left=0), summary(3, left=5)])
    qtmodeltester.check(model)  # type: ignore[attr-defined]
    assert model.rowCount() == 3
    index = model.index(1, 5)
    assert model.data(index) == "Sold out"
    assert model.data(model.index(2, 0), ShowIdRole) == 3
    assert model.data(model.index(2, 0), SeatsLeftRole) == 5
    assert model.data(model.index(0, 4)) == "Galaxy · Screen 2"


def test_new_seat_counts_update_the_rows_in_place(qtbot: QtBot) -> None:
    model = ShowListModel()
    model.set_shows([summary(1), summary(2)])
    with (
        qtbot.assertNotEmitted(model.modelReset),
        qtbot.waitSignal(model.dataChanged) as changed,
    ):
        model.set_shows([summary(1), summary(2, left=99)])
    assert changed.args[0].row() == 1
    assert model.data(model.index(1, 5)) == "99 / 120"
    with qtbot.waitSignal(model.modelReset):
        model.set_shows([summary(3)])
    assert model.update_show(summary(3, left=1)) is True
    assert model.update_show(summary(7)) is False


def test_show_times_are_given_in_the_cinemas_zone_and_as_today_or_tomorrow() -> None:
    show = summary(1, hours=2)  # 06:30 UTC = 12:00 in Kolkata
    assert time_text(show) == "Mon 4 Mar 12:00"
    assert time_text(show, today=show.local_starts_at.date()) == "Today 12:00"
    tomorrow = replace(show, starts_at=show.starts_at + timedelta(days=1))
    assert time_text(tomorrow, today=show.local_starts_at.date()) == "Tomorrow 12:00"
    assert seats_left_text(summary(1, left=1200, total=1500)) == "1,200 / 1,500"


def test_the_event_log_model_passes_the_model_tester_and_keeps_the_newest(
    qtmodeltester: object,
) -> None:
    model = EventLogModel(max_entries=3)
    model.append(LogEntry(NOW, "HOLD", f"held A{i}") for i in range(2))
    qtmodeltester.check(model)  # type: ignore[attr-defined]
    model.append([LogEntry(NOW, "SALE", "sold A1"), LogEntry(NOW, "LOCK_WAIT", "waited", 420.4)])
    assert [e.message for e in model.entries()] == ["held A1", "sold A1", "waited"]
    assert model.data(model.index(2, 3)) == "420"
    assert model.data(model.index(2, 1)) == "Lock wait"
    qtmodeltester.check(model)  # type: ignore[attr-defined]


def test_the_event_log_lists_a_reports_events_with_milliseconds(qtbot: QtBot) -> None:
    log = EventLogWidget(clock=lambda: NOW, counter="Counter 2")
    qtbot.addWidget(log)
    report = ConcurrencyReport(
        strategy=Strategy.PESSIMISTIC,
        events=(
            ConcurrencyEvent(NOW, "LOCK_WAIT", "waited 420 ms for Counter 1", 420.0),
            ConcurrencyEvent(NOW, "CONFLICT", "C7 is held by Counter 1"),
        ),
    )
    with qtbot.waitSignal(log.entry_added) as added:
        assert log.add_report(report) == 2
    assert added.args == ["CONFLICT"]
    assert log.kinds() == ["LOCK_WAIT", "CONFLICT"]
    assert log.entries()[0].time_text.endswith(".000")
    assert log.count_label.text() == "2 events"
    assert "Counter 2" in log.title_label.text()
    log.clear()
    assert log.kinds() == []


def test_what_happened_is_the_column_that_stretches_and_a_narrow_log_goes_compact(
    qtbot: QtBot, qtmodeltester: object
) -> None:
    log = EventLogWidget(clock=lambda: NOW, counter="Counter 1")
    qtbot.addWidget(log)
    log.add("LOCK_WAIT", "waited 420 ms for the lock held by Counter 2", elapsed_ms=420.0)
    log.resize(900, 200)
    log.show()
    qtbot.waitExposed(log)
    view, model = log.view, log.model
    widths = [view.columnWidth(c) for c in range(4)]
    assert not log.is_compact() and not view.isColumnHidden(1)
    assert widths[2] > max(widths[0], widths[1], widths[3])  # "What happened" takes the rest
    assert widths[2] >= view.viewport().width() - sum(widths) + widths[2] - 2
    time_wide = widths[0]
    assert model.data(model.index(0, 0)).endswith(".000")
    tooltip = model.data(model.index(0, 2), Qt.ItemDataRole.ToolTipRole)
    assert "Lock wait" in tooltip and "took 420 ms" in tooltip
    assert "waited 420 ms for the lock held by Counter 2" in tooltip
    # Two counters side by side on a small screen: no squeezed "What happened" column.
    for width in (460, 320, 250):
        log.resize(width, 200)
        qtbot.waitUntil(lambda w=width: log.width() == w)  # type: ignore[misc]
        assert log.is_compact() and view.isColumnHidden(1)
        message = view.columnWidth(2)
        assert message >= view.viewport().width() - view.columnWidth(0) - view.columnWidth(3) - 2
        assert message > view.columnWidth(0) and message > view.columnWidth(3)
        assert view.columnWidth(0) < time_wide
        assert view.horizontalScrollBar().isHidden() or view.horizontalScrollBar().maximum() == 0
    assert (
        model.data(model.index(0, 2)) == "Lock wait: waited 420 ms for the lock held by Counter 2"
    )
    assert len(model.data(model.index(0, 0))) == len("10:00:00")
    qtmodeltester.check(model)  # type: ignore[attr-defined]
    log.resize(900, 200)
    qtbot.waitUntil(lambda: not log.is_compact())
    assert not view.isColumnHidden(1)
    assert model.data(model.index(0, 2)) == "waited 420 ms for the lock held by Counter 2"


# --------------------------------------------------------------------------- basket


def quote(*prices: str, discount: str = "0.00", code: str | None = None) -> Quote:
    lines = tuple(
        PriceLine(f"A{i + 1}", "GOLD", Decimal(p), f"base {p} = {p}") for i, p in enumerate(prices)
    )
    subtotal = sum((line.price for line in lines), Decimal("0.00"))
    return Quote(lines, subtotal, Decimal(discount), subtotal - Decimal(discount), code)


def held(q: Quote, expires: datetime) -> HoldResult:
    return HoldResult(
        ticket_id=7,
        ticket_code="BMS-7KQ4-XH2P",
        show_id=1,
        seat_labels=tuple(line.label for line in q.lines),
        show_seat_ids=tuple(range(1, len(q.lines) + 1)),
        expires_at=expires,
        quote=q,
        report=ConcurrencyReport(strategy=Strategy.PESSIMISTIC),
    )


def test_money_countdowns_and_amounts_read_as_a_clerk_expects() -> None:
    assert money(Decimal("1234.5")) == "₹1,234.50"
    assert money(Decimal("-46.8")) == "−₹46.80"
    assert format_countdown(245) == "4:05"
    assert format_countdown(-3) == "0:00"
    assert parse_amount("1,000") == Decimal("1000.00")
    assert parse_amount("abc") is None
    assert parse_amount("-5") is None


def test_the_basket_countdown_turns_amber_then_red_then_says_the_hold_ran_out(
    qtbot: QtBot,
) -> None:
    clock = FakeClock(NOW)
    basket = BasketWidget(clock=clock)
    qtbot.addWidget(basket)
    basket.set_hold(held(quote("150.00", "150.00"), NOW + timedelta(minutes=5)))
    assert basket.countdown_text() == "5:00"
    assert basket.countdown_state() == "normal"
    assert basket.pay_button.isEnabled() and basket.release_button.isEnabled()
    assert not basket.hold_button.isEnabled()
    clock.advance(minutes=4, seconds=5)
    basket.tick()
    assert (basket.countdown_text(), basket.countdown_state()) == ("0:55", "amber")
    clock.advance(seconds=40)
    basket.tick()
    assert (basket.countdown_text(), basket.countdown_state()) == ("0:15", "red")
    clock.advance(seconds=15)
    with qtbot.waitSignal(basket.hold_expired):
        basket.tick()
    with qtbot.assertNotEmitted(basket.hold_expired):
        basket.tick()  # once only
    basket.set_expired()
    assert basket.countdown_state() == "expired"
    assert "free again" in basket.countdown_caption.text()
    assert not basket.pay_button.isEnabled()


def test_the_basket_shows_change_or_shortfall_live_for_cash(qtbot: QtBot) -> None:
    basket = BasketWidget(clock=lambda: NOW)
    qtbot.addWidget(basket)
    basket.set_hold(held(quote("180.00", "234.00"), NOW + timedelta(minutes=5)))
    assert basket.total_value.text() == "₹414.00"
    basket.set_payment_mode(PaymentMode.CASH)
    assert basket.reference_edit.isHidden() and not basket.tendered_edit.isHidden()
    type_text(basket.tendered_edit, "400")
    assert basket.change_text() == "Short ₹14.00"
    type_text(basket.tendered_edit, "0")
    assert basket.change_text() == "Change ₹3,586.00"
    with qtbot.waitSignal(basket.pay_requested):
        press(basket.tendered_edit, Qt.Key.Key_Return)
    basket.set_payment_mode(PaymentMode.UPI)
    assert basket.change_text() == ""
    assert basket.reference_edit.placeholderText().startswith("UPI")
    assert basket.payment().mode is PaymentMode.UPI


def test_the_basket_offers_hold_only_for_picked_seats_and_lists_their_prices(
    qtbot: QtBot,
) -> None:
    basket = BasketWidget(clock=lambda: NOW)
    qtbot.addWidget(basket)
    assert not basket.hold_button.isEnabled()
    assert not basket.empty_label.isHidden()
    basket.set_selection(["A1", "A2"], quote("100.00", "120.00", discount="22.00", code="TENOFF"))
    assert basket.hold_button.isEnabled()
    assert basket.line_texts() == [
        ("A1", "Gold: base 100.00 = 100.00", "₹100.00"),
        ("A2", "Gold: base 120.00 = 120.00", "₹120.00"),
    ]
    assert basket.discount_caption.text() == "Discount (TENOFF)"
    assert basket.total_value.text() == "₹198.00"
    with qtbot.waitSignal(basket.hold_requested):
        basket.hold_button.click()
    basket.set_busy("Holding A1 and A2: waiting for the lock held by Counter 2… 0.4 s")
    assert not basket.hold_button.isEnabled()
    assert "Counter 2" in basket.busy_label.text()
    basket.set_busy("")
    basket.set_coupon_result("there is no coupon NOPE", accepted=False)
    assert basket.coupon_message_text() == "there is no coupon NOPE"
    with qtbot.waitSignal(basket.coupon_submitted) as submitted:
        basket.coupon_edit.setText("nope")
        press(basket.coupon_edit, Qt.Key.Key_Return)
    assert submitted.args == ["nope"]


# --------------------------------------------------------------------------- banner


def test_the_banner_shows_a_message_and_goes_away_when_dismissed_or_after_a_while(
    qtbot: QtBot,
) -> None:
    banner = ConflictBannerWidget(auto_hide_ms=30)
    qtbot.addWidget(banner)
    assert banner.text() == ""
    banner.show_message(ConflictMessage("Pessimistic: waited 420 ms", ("Nothing changed.",)))
    assert banner.text() == "Pessimistic: waited 420 ms\nNothing changed."
    assert banner.auto_hide_pending()
    with qtbot.waitSignal(banner.dismissed, timeout=2_000):
        pass
    assert banner.isHidden()
    banner.show_message(ConflictMessage("Sold", (), Tone.SUCCESS), auto_hide=False)
    assert not banner.auto_hide_pending()
    with qtbot.waitSignal(banner.dismissed):
        banner.close_button.click()
    assert banner.text() == ""


# --------------------------------------------------------------------------- show finder


@pytest.fixture
def finder(qtbot: QtBot, box: BoxOffice) -> ShowFinderWidget:
    build_world(box)
    widget = ShowFinderWidget(box)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitUntil(lambda: not widget.is_loading(), timeout=10_000)
    return widget


def test_the_finder_lists_upcoming_shows_and_filters_by_text(
    qtbot: QtBot, finder: ShowFinderWidget, qtmodeltester: object
) -> None:
    assert finder.model.rowCount() == 1
    assert finder.status_label.text() == "1 show"
    qtmodeltester.check(finder.model)  # type: ignore[attr-defined]
    finder.search_edit.setText("no such movie")
    qtbot.waitUntil(lambda: not finder.is_loading() and finder.model.rowCount() == 0)
    assert finder.status_label.text() == "No shows match"
    finder.search_edit.setText("test")
    qtbot.waitUntil(lambda: not finder.is_loading() and finder.model.rowCount() == 1)
    assert finder.date_combo.itemText(1) == "Today"
    assert finder.city_combo.count() == 2  # all cities + the test city


def test_a_long_movie_title_breaks_between_words_onto_the_second_line() -> None:
    def advance(text: str) -> int:
        return 10 * len(text)

    assert split_title("Little Tiger", 150, advance) == ("Little Tiger", "")
    assert split_title("Pirates of the Konkan", 150, advance) == ("Pirates of the", "Konkan")
    assert split_title("Pirates of the Konkan", 100, advance) == ("Pirates of", "the Konkan")
    assert split_title("Supercalifragilistic Nights", 100, advance) == (
        "Supercalifragilistic Nights",  # no break fits: the painter elides the line
        "",
    )


def test_the_movie_column_gets_most_of_a_narrow_show_list(
    qtbot: QtBot, finder: ShowFinderWidget
) -> None:
    finder.resize(300, 500)
    qtbot.waitUntil(lambda: finder.width() == 300)
    table = finder.table
    # (The exact split depends on the application font an earlier test of the session set.)
    movie, time_, seats = (table.columnWidth(c) for c in (COL_MOVIE, COL_TIME, COL_SEATS))
    assert movie >= table.viewport().width() * 0.45 and movie > max(time_, seats) * 1.5
    assert time_ + seats <= 160
    assert finder.model.headerData(COL_SEATS, Qt.Orientation.Horizontal) == "Left"


def test_the_finder_is_usable_from_the_keyboard(qtbot: QtBot, finder: ShowFinderWidget) -> None:
    show_id = finder.model.show_ids()[0]
    finder.focus_search()
    press(finder.search_edit, Qt.Key.Key_Down)
    assert finder.current_show_id() == show_id
    with qtbot.waitSignal(finder.show_chosen) as chosen:
        press(finder.table, Qt.Key.Key_Return)
    assert chosen.args == [show_id]
    press(finder.table, Qt.Key.Key_Up)  # on the first row: back to the search box
    type_text(finder.table, "x")  # typing in the list types into the search box
    assert finder.search_edit.text().endswith("x")


def test_enter_in_the_search_box_opens_the_first_show_once_the_answer_is_in(
    qtbot: QtBot, finder: ShowFinderWidget
) -> None:
    with qtbot.waitSignal(finder.show_chosen, timeout=10_000) as chosen:
        type_text(finder.search_edit, "Test")
        press(finder.search_edit, Qt.Key.Key_Return)  # before the debounced query ran
    assert chosen.args == [finder.model.show_ids()[0]]
