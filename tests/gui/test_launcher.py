"""Starting the GUI: the theme, the smoke test, the demo's two counters, new counter windows,
first run, and quitting when the last counter has closed."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from PySide6.QtCore import QFile, QPoint, QRect, QSize, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDoubleSpinBox,
    QLabel,
    QMainWindow,
    QSpinBox,
    QWidget,
)
from pytestqt.qtbot import QtBot

from bms_desktop.domain.model import Role, Strategy
from bms_desktop.gui import launcher, theme
from bms_desktop.gui.dialogs.first_run_dialog import FirstRunDialog
from bms_desktop.gui.dialogs.login_dialog import LoginDialog
from bms_desktop.gui.launcher import CounterManager, LaunchOptions, launch, smoke_windows
from bms_desktop.gui.windows.counter_window import CounterWindow
from bms_desktop.services import auth, catalog, demo
from bms_desktop.services.context import SYSTEM, BoxOffice, CounterContext
from bms_desktop.services.dto import StaffView
from tests.gui.counter_support import QuietFeed
from tests.gui.dialog_support import audit_actions, ctx_of, make_demo_like, sell
from tests.support.builders import SMALL_LAYOUT, World, build_world


class FakeCounterWindow(QMainWindow):
    """Stands in for CounterWindow where only the launcher's side is under test."""

    new_counter_requested = Signal()
    closed = Signal()

    def __init__(self, box: BoxOffice, ctx: CounterContext, hub: Any, db_label: str) -> None:
        super().__init__()
        self.ctx = ctx
        self.hub = hub
        self.db_label = db_label
        self.setCentralWidget(QLabel(f"{ctx.counter}: {ctx.username}", self))
        self.setMinimumSize(120, 80)
        self.shows_opened: list[int] = []

    def open_show(self, show_id: int) -> None:
        self.shows_opened.append(show_id)

    def closeEvent(self, event: QCloseEvent) -> None:
        super().closeEvent(event)
        self.closed.emit()


@pytest.fixture
def opened(qtbot: QtBot) -> list[QWidget]:
    return []


@pytest.fixture
def fake_factory(qtbot: QtBot, opened: list[QWidget]) -> launcher.WindowFactory:
    def make(box: BoxOffice, ctx: CounterContext, hub: Any, db_label: str) -> QWidget:
        window = FakeCounterWindow(box, ctx, hub, db_label)
        qtbot.addWidget(window)
        opened.append(window)
        return window

    return make


@pytest.fixture
def restore_app(qapp: QApplication) -> Iterator[QApplication]:
    """launch() styles the application and takes over quitting; undo that for the next tests."""
    sheet, quits = qapp.styleSheet(), qapp.quitOnLastWindowClosed()
    yield qapp
    qapp.setStyleSheet(sheet)
    qapp.setQuitOnLastWindowClosed(quits)


def options(**kw: Any) -> LaunchOptions:
    values: dict[str, Any] = {
        "counter": "Counter 1", "strategy": Strategy.PESSIMISTIC, "delay_ms": 0, "user": None,
        "demo": False, "db_label": "test.db", "data_dir": "/tmp/unused",
    }  # fmt: skip
    values.update(kw)
    return LaunchOptions(**values)


def signs_in_as(
    monkeypatch: pytest.MonkeyPatch, box: BoxOffice, *users: str
) -> list[dict[str, Any]]:
    """LoginDialog.ask answers with these staff members in turn (None when they run out)."""
    asked: list[dict[str, Any]] = []
    queue = list(users)

    def ask(cls: type, box_: BoxOffice, **kw: Any) -> tuple[StaffView, str] | None:
        asked.append(kw)
        if not queue:
            return None
        user = queue.pop(0)
        staff = auth.login(box, username=user, password=f"{user}-demo", counter=kw["counter"])
        return staff, kw["counter"]

    monkeypatch.setattr(LoginDialog, "ask", classmethod(ask))
    return asked


# --------------------------------------------------------------------------- theme


def test_the_style_sheets_load_in_numbered_order_and_parse_cleanly(qtbot: QtBot) -> None:
    sheet = theme.load_style_sheet()
    assert sheet.index("10-base.qss") < len(sheet)
    assert 'QPushButton[role="primary"]' in sheet
    assert "QFrame#conflictBanner" in sheet
    widget = QWidget()
    qtbot.addWidget(widget)
    widget.setStyleSheet(sheet)  # a parse error is a Qt warning, and Qt warnings fail tests
    label = QLabel("muted", widget)
    label.setProperty("class", "muted")
    widget.show()
    assert label.palette().color(label.foregroundRole()).name() == "#5f6670"
    assert not theme.app_icon().isNull()


def test_every_image_the_style_sheets_name_is_there(qtbot: QtBot) -> None:
    sheet = theme.load_style_sheet()
    names = re.findall(r"url\((styles:[^)]+)\)", sheet)
    assert "styles:arrows/chevron-down.svg" in names
    assert all(QFile.exists(name) for name in names), names


@pytest.mark.parametrize("kind", [QSpinBox, QDoubleSpinBox, QComboBox])
def test_spin_boxes_and_combo_boxes_draw_their_arrows(qtbot: QtBot, kind: type[QWidget]) -> None:
    holder = QWidget()
    qtbot.addWidget(holder)
    holder.setStyleSheet(theme.load_style_sheet())
    box = kind(holder)
    if isinstance(box, QComboBox):
        box.addItems(["Pessimistic lock", "Optimistic version check"])
    else:
        box.setValue(5)  # both arrows enabled (at the minimum the down arrow is greyed)
    box.resize(160, box.sizeHint().height())
    holder.resize(200, 60)
    holder.show()
    qtbot.waitExposed(holder)
    image = box.grab().toImage()
    # The arrows are dark strokes in the middle of the 20 px buttons on the right (an empty
    # button, what Qt draws when a style sheet gives it no arrow, is light there).
    dark = [
        (x, y)
        for x in range(image.width() - 15, image.width() - 6)
        for y in range(4, image.height() - 4)
        if image.pixelColor(x, y).lightness() < 140
    ]
    assert len(dark) >= 6
    if isinstance(box, QSpinBox | QDoubleSpinBox):
        middle = image.height() / 2
        assert any(y < middle for _x, y in dark) and any(y > middle for _x, y in dark)


# --------------------------------------------------------------------------- smoke


def test_smoke_windows_builds_a_login_dialog_and_a_counter_window_and_returns(
    qtbot: QtBot, box: BoxOffice
) -> None:
    build_world(box)
    before = set(QApplication.topLevelWidgets())
    built = smoke_windows(box, counter="Counter 9")
    assert "counter window" in built and "login dialog" in built
    assert "CounterWindow" in built
    assert "admin console (AdminWindow)" in built and "door window (DoorWindow)" in built
    left_open = [w for w in QApplication.topLevelWidgets() if w not in before and w.isVisible()]
    assert left_open == []


# --------------------------------------------------------------------------- demo counters


def test_demo_mode_signs_in_two_clerks_with_different_strategies_side_by_side(
    qtbot: QtBot, box: BoxOffice, fake_factory: Any, opened: list[QWidget]
) -> None:
    make_demo_like(box)
    manager = CounterManager(box, options(demo=True, delay_ms=250), QuietFeed(),
                             window_factory=fake_factory)  # fmt: skip
    area = QRect(0, 20, 1600, 900)
    windows = manager.open_demo_counters(area)
    assert windows == opened
    assert manager.counter_names() == ["Counter 1", "Counter 2"]
    ctxs = [w.ctx for w in opened]  # type: ignore[attr-defined]
    assert [(c.username, c.counter, c.strategy) for c in ctxs] == [
        ("asha", "Counter 1", Strategy.PESSIMISTIC),
        ("ravi", "Counter 2", Strategy.OPTIMISTIC),
    ]
    assert all(c.role == Role.CLERK and c.delay_ms == 250 and c.staff_id for c in ctxs)
    qtbot.waitUntil(lambda: not manager.is_busy())  # no show to open in this database
    assert [w.shows_opened for w in opened] == [[], []]  # type: ignore[attr-defined]
    assert opened[0].frameGeometry() == QRect(0, 20, 800, 900)
    assert opened[1].frameGeometry() == QRect(800, 20, 800, 900)
    assert all(w.isVisible() for w in opened)
    # Signed in through the service: audited like any sign-in.
    assert audit_actions(box, "LOGIN") == [("asha", "Counter 1"), ("ravi", "Counter 2")]


def test_demo_windows_wider_than_half_the_screen_overlap_but_stay_on_it(
    qtbot: QtBot, box: BoxOffice, opened: list[QWidget]
) -> None:
    def wide(box_: BoxOffice, ctx: CounterContext, hub: Any, db_label: str) -> QWidget:
        window = FakeCounterWindow(box_, ctx, hub, db_label)
        window.setMinimumWidth(800)
        qtbot.addWidget(window)
        opened.append(window)
        return window

    make_demo_like(box)
    manager = CounterManager(box, options(demo=True), QuietFeed(), window_factory=wide)
    manager.open_demo_counters(QRect(0, 0, 1366, 768))
    qtbot.waitUntil(lambda: not manager.is_busy())
    assert opened[0].frameGeometry().left() == 0
    assert opened[1].frameGeometry().right() == 1365  # not hanging off the screen
    assert opened[1].frameGeometry().width() >= 800


def test_a_demo_clerk_who_cannot_sign_in_gets_the_login_dialog_instead(
    qtbot: QtBot,
    box: BoxOffice,
    fake_factory: Any,
    opened: list[QWidget],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    make_demo_like(box)
    for _ in range(5):  # somebody locked ravi out
        with pytest.raises(auth.AuthenticationFailed):
            auth.login(box, username="ravi", password="nope", counter="Counter 9")
    asked = signs_in_as(monkeypatch, box, "supervisor")
    manager = CounterManager(box, options(demo=True), QuietFeed(), window_factory=fake_factory)
    manager.open_demo_counters(QRect(0, 0, 1000, 700))
    qtbot.waitUntil(lambda: not manager.is_busy())
    assert [kw["counter"] for kw in asked] == ["Counter 2"]
    assert asked[0]["default_user"] == "ravi"
    assert [(w.ctx.username, w.ctx.counter) for w in opened] == [  # type: ignore[attr-defined]
        ("asha", "Counter 1"),
        ("supervisor", "Counter 2"),
    ]


def test_launch_in_demo_mode_opens_two_real_counter_windows_and_runs_the_event_loop(
    qtbot: QtBot,
    box: BoxOffice,
    restore_app: QApplication,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    world = build_world(box)
    make_demo_like(box)
    feeds: list[QuietFeed] = []
    windows: list[CounterWindow] = []

    def run_loop(self: QApplication) -> int:
        windows.extend(
            w
            for w in QApplication.topLevelWidgets()
            if isinstance(w, CounterWindow) and w.isVisible()
        )
        for w in windows:
            qtbot.addWidget(w)
        # Both demo counters land on the same live seat map, ready to compete.
        qtbot.waitUntil(
            lambda: all(w.current_show() is not None and not w.is_busy() for w in windows),
            timeout=10_000,
        )
        return 7

    monkeypatch.setattr(QApplication, "exec", run_loop)
    monkeypatch.setattr(FirstRunDialog, "ask", classmethod(lambda *a, **k: pytest.fail("asked")))
    code = launch(
        box,
        options(demo=True),
        feed_factory=lambda: feeds.append(QuietFeed()) or feeds[-1],
        seed_demo=lambda: pytest.fail("seeded"),
    )
    assert code == 7
    assert len(windows) == 2
    assert sorted((w.context().counter, w.context().username) for w in windows) == [
        ("Counter 1", "asha"),
        ("Counter 2", "ravi"),
    ]
    assert {w.context().strategy for w in windows} == {Strategy.PESSIMISTIC, Strategy.OPTIMISTIC}
    assert [w.current_show().show_id for w in windows] == [world.show_id] * 2  # type: ignore[union-attr]
    assert all(w.finder.current_show_id() == world.show_id for w in windows)
    screen = QGuiApplication.primaryScreen().availableGeometry()
    left = min(windows, key=lambda w: w.frameGeometry().x())
    assert left.frameGeometry().x() == screen.x()
    assert len(feeds) == 1
    assert feeds[0].closed  # the hub was stopped and closed its feed
    assert restore_app.quitOnLastWindowClosed() is False
    assert "QPushButton" in restore_app.styleSheet()
    for w in windows:
        w.close()


# --------------------------------------------------------------------------- more counters


def test_a_new_counter_request_signs_in_the_next_free_counter_number(
    qtbot: QtBot,
    box: BoxOffice,
    fake_factory: Any,
    opened: list[QWidget],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    make_demo_like(box)
    asked = signs_in_as(monkeypatch, box, "asha", "ravi", "supervisor")
    manager = CounterManager(box, options(user="asha"), QuietFeed(), window_factory=fake_factory)
    assert manager.start()
    assert asked[0]["counter"] == "Counter 1"
    assert asked[0]["default_user"] == "asha"
    opened[0].new_counter_requested.emit()  # type: ignore[attr-defined]
    assert asked[1]["counter"] == "Counter 2"
    assert asked[1]["taken_counters"] == ["Counter 1"]
    opened[1].new_counter_requested.emit()  # type: ignore[attr-defined]
    assert asked[2]["counter"] == "Counter 3"
    assert manager.counter_names() == ["Counter 1", "Counter 2", "Counter 3"]
    third = opened[2].ctx  # type: ignore[attr-defined]
    assert (third.username, third.role, third.counter) == ("supervisor", Role.SUPERVISOR,
                                                           "Counter 3")  # fmt: skip
    assert opened[0].hub is opened[2].hub  # type: ignore[attr-defined]  # one hub per process
    assert [w.ctx.strategy for w in opened] == [Strategy.PESSIMISTIC] * 3  # type: ignore[attr-defined]
    # Counter 1 closes: its number is free again.
    opened[0].close()
    assert manager.counter_names() == ["Counter 2", "Counter 3"]
    assert manager.next_counter_name() == "Counter 1"
    # A cancelled sign-in opens nothing.
    opened[1].new_counter_requested.emit()  # type: ignore[attr-defined]
    assert len(opened) == 3


def test_no_sign_in_means_no_window_and_launch_returns_at_once(
    qtbot: QtBot,
    box: BoxOffice,
    fake_factory: Any,
    opened: list[QWidget],
    restore_app: QApplication,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    make_demo_like(box)
    signs_in_as(monkeypatch, box)  # the clerk cancels
    monkeypatch.setattr(QApplication, "exec", lambda self: pytest.fail("event loop started"))
    feed = QuietFeed()
    code = launch(box, options(), feed_factory=lambda: feed, seed_demo=lambda: None,
                  window_factory=fake_factory)  # fmt: skip
    assert code == 0
    assert opened == []
    assert feed.closed


def test_a_third_demo_counter_gets_the_third_strategy(
    qtbot: QtBot,
    box: BoxOffice,
    fake_factory: Any,
    opened: list[QWidget],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    make_demo_like(box)
    manager = CounterManager(box, options(demo=True), QuietFeed(), window_factory=fake_factory)
    manager.open_demo_counters(QRect(0, 0, 1000, 700))
    qtbot.waitUntil(lambda: not manager.is_busy())
    signs_in_as(monkeypatch, box, "supervisor")
    opened[1].new_counter_requested.emit()  # type: ignore[attr-defined]
    assert [(w.ctx.counter, w.ctx.strategy) for w in opened] == [  # type: ignore[attr-defined]
        ("Counter 1", Strategy.PESSIMISTIC),
        ("Counter 2", Strategy.OPTIMISTIC),
        ("Counter 3", Strategy.THREAD),
    ]


def test_both_demo_counters_are_told_to_open_the_demo_show(
    qtbot: QtBot, box: BoxOffice, fake_factory: Any, opened: list[QWidget]
) -> None:
    world = build_world(box)
    make_demo_like(box)
    manager = CounterManager(box, options(demo=True), QuietFeed(), window_factory=fake_factory)
    with qtbot.waitSignal(manager.demo_show_chosen, timeout=10_000) as chosen:
        manager.open_demo_counters(QRect(0, 0, 1600, 900))
    assert chosen.args == [world.show_id]
    assert [w.shows_opened for w in opened] == [[world.show_id]] * 2  # type: ignore[attr-defined]


def test_a_demo_counter_closed_before_the_show_is_found_is_left_alone(
    qtbot: QtBot, box: BoxOffice, fake_factory: Any, opened: list[QWidget]
) -> None:
    world = build_world(box)
    make_demo_like(box)
    manager = CounterManager(box, options(demo=True), QuietFeed(), window_factory=fake_factory)
    with qtbot.waitSignal(manager.demo_show_chosen, timeout=10_000):
        manager.open_demo_counters(QRect(0, 0, 1600, 900))
        opened[0].close()
    assert [w.shows_opened for w in opened] == [[], [world.show_id]]  # type: ignore[attr-defined]


def _another_show(box: BoxOffice, world: World, starts_in: timedelta) -> int:
    return catalog.schedule_show(
        box,
        SYSTEM,
        movie_id=world.movie_id,
        screen_id=world.screen_id,
        starts_at=box.now() + starts_in,
        language="Hindi",
    )


def test_the_demo_show_is_the_next_show_on_sale_on_the_biggest_screen_with_seats_sold(
    box: BoxOffice,
) -> None:
    assert demo.demo_show(box) is None  # nothing on sale
    small = build_world(box, starts_in=timedelta(hours=1))
    big_layout = "\n".join([SMALL_LAYOUT] * 3)
    big = build_world(box, layout=big_layout, starts_in=timedelta(hours=5))
    later = _another_show(box, big, timedelta(hours=9))
    # No seats sold anywhere: the first show of the biggest screen.
    chosen = demo.demo_show(box)
    assert chosen is not None and chosen.show_id == big.show_id
    # A later show of the big screen that has sold seats is the livelier start.
    staff = make_demo_like(box)
    sell(box, replace(big, show_id=later), ctx_of(staff["asha"]), ["A1", "A2"])
    chosen = demo.demo_show(box)
    assert chosen is not None and chosen.show_id == later
    assert chosen.seats_available == chosen.seats_total - 2
    # A show whose sales are about to close is passed over while another is on sale for longer;
    # one whose sales have closed (it started) is never chosen.
    soon = _another_show(box, big, timedelta(hours=2))
    sell(box, replace(big, show_id=soon), ctx_of(staff["ravi"], "Counter 2"), ["B1"])
    box.clock.advance(hours=1, minutes=50)  # type: ignore[attr-defined]  # 10 min to go
    chosen = demo.demo_show(box)
    assert chosen is not None and chosen.show_id == later
    box.clock.advance(hours=7, minutes=5)  # type: ignore[attr-defined]  # only ``later``, 5 min to go
    chosen = demo.demo_show(box)
    assert chosen is not None and chosen.show_id == later
    box.clock.advance(minutes=6)  # type: ignore[attr-defined]  # ``later`` has started
    assert demo.demo_show(box) is None
    assert small.show_id  # the small screen's show never competed: it is smaller


def test_the_last_counter_to_close_ends_the_program(
    qtbot: QtBot, box: BoxOffice, fake_factory: Any, opened: list[QWidget]
) -> None:
    make_demo_like(box)
    manager = CounterManager(box, options(demo=True), QuietFeed(), window_factory=fake_factory)
    manager.open_demo_counters(QRect(0, 0, 1000, 700))
    qtbot.waitUntil(lambda: not manager.is_busy())
    emitted: list[bool] = []
    manager.all_closed.connect(lambda: emitted.append(True))
    opened[1].close()
    assert emitted == []
    with qtbot.waitSignal(manager.all_closed, timeout=1000):
        opened[0].close()
    assert emitted == [True]


# --------------------------------------------------------------------------- first run


def test_an_empty_database_asks_first_run_and_quitting_there_ends_the_program(
    qtbot: QtBot,
    box: BoxOffice,
    restore_app: QApplication,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[Any] = []
    monkeypatch.setattr(
        FirstRunDialog, "ask", classmethod(lambda cls, b, **kw: seen.append(kw) or False)
    )
    monkeypatch.setattr(LoginDialog, "ask", classmethod(lambda *a, **k: pytest.fail("login")))
    seed = object()
    code = launch(box, options(), feed_factory=QuietFeed, seed_demo=seed)  # type: ignore[arg-type]
    assert code == 0
    assert seen == [{"seed_demo": seed}]


def test_after_first_run_the_first_counter_signs_in(
    qtbot: QtBot,
    box: BoxOffice,
    fake_factory: Any,
    opened: list[QWidget],
    restore_app: QApplication,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def first_run(cls: type, box_: BoxOffice, **kw: Any) -> bool:
        make_demo_like(box)  # as if the demo had been chosen
        return True

    monkeypatch.setattr(FirstRunDialog, "ask", classmethod(first_run))
    asked = signs_in_as(monkeypatch, box, "asha")
    monkeypatch.setattr(QApplication, "exec", lambda self: 0)
    assert launch(box, options(counter="Front desk"), feed_factory=QuietFeed,
                  seed_demo=lambda: None, window_factory=fake_factory) == 0  # fmt: skip
    assert [kw["counter"] for kw in asked] == ["Front desk"]
    assert [w.ctx.counter for w in opened] == ["Front desk"]  # type: ignore[attr-defined]


def test_tile_rects_split_the_screen_into_equal_columns() -> None:
    assert launcher.tile_rects(QRect(10, 0, 1366, 728), 2) == [
        QRect(10, 0, 683, 728),
        QRect(693, 0, 683, 728),
    ]


class FramedWindow(FakeCounterWindow):
    """Behaves as under a real window manager: the frame (a 20 px title bar, thin borders)
    arrives a moment after the window is shown, keeping the frame where it was asked to be and
    putting the client area below the title bar; ``move`` then places the frame."""

    LEFT, TOP, RIGHT, BOTTOM = 1, 20, 1, 5

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.framed = False

    def move(self, *args: Any) -> None:  # type: ignore[override]
        at = QPoint(*args) if len(args) == 2 else QPoint(args[0])
        if self.framed:
            at += QPoint(self.LEFT, self.TOP)
        self.setGeometry(QRect(at, self.size()))  # the client area, exactly

    def frameGeometry(self) -> QRect:  # type: ignore[override]
        inner = self.geometry()
        if not self.framed:
            return QRect(inner)
        return inner.adjusted(-self.LEFT, -self.TOP, self.RIGHT, self.BOTTOM)

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        QTimer.singleShot(30, self._frame)

    def _frame(self) -> None:
        if not self.framed:
            self.framed = True
            at = self.geometry().topLeft() + QPoint(self.LEFT, self.TOP)
            self.setGeometry(QRect(at, self.size()))


def test_demo_windows_keep_their_title_bars_on_the_screen_under_a_window_manager(
    qtbot: QtBot, box: BoxOffice, opened: list[QWidget]
) -> None:
    """Defect 15: under a real window manager the demo put the frames at y = -20."""

    def framed(box_: BoxOffice, ctx: CounterContext, hub: Any, db_label: str) -> QWidget:
        window = FramedWindow(box_, ctx, hub, db_label)
        qtbot.addWidget(window)
        opened.append(window)
        return window

    make_demo_like(box)
    manager = CounterManager(box, options(demo=True), QuietFeed(), window_factory=framed)
    area = QRect(0, 0, 1366, 768)
    manager.open_demo_counters(area)
    qtbot.waitUntil(lambda: all(w.framed for w in opened))  # type: ignore[attr-defined]
    qtbot.waitUntil(
        lambda: [w.frameGeometry().size() for w in opened] == [QSize(683, 768)] * 2,
        timeout=5_000,
    )
    for window in opened:
        frame = window.frameGeometry()
        assert frame.top() == 0  # the title bar is on the screen
        assert area.contains(frame)
    assert opened[1].frameGeometry().left() == 683


def test_after_setting_up_a_new_cinema_the_sign_in_offers_the_administrator_just_created(
    qtbot: QtBot,
    box: BoxOffice,
    fake_factory: Any,
    restore_app: QApplication,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Defect 19: the sign-in did not offer the name just created at the first run."""
    from bms_desktop.gui.dialogs.first_run_dialog import FirstRunOutcome

    def first_run(cls: type, box_: BoxOffice, **kw: Any) -> FirstRunOutcome:
        admin = auth.create_first_admin(
            box_, username="anita", full_name="Anita Rao", password="anita-secret"
        )
        return FirstRunOutcome(admin)

    monkeypatch.setattr(FirstRunDialog, "ask", classmethod(first_run))
    asked: list[dict[str, Any]] = []
    monkeypatch.setattr(
        LoginDialog, "ask", classmethod(lambda cls, b, **kw: asked.append(kw) or None)
    )
    monkeypatch.setattr(QApplication, "exec", lambda self: 0)
    from bms_desktop.gui.admin import launch as admin_launch

    consoles: list[str] = []  # the console with the checklist comes first (issue 8)
    monkeypatch.setattr(
        admin_launch,
        "run_first_run_console",
        lambda box_, counter, staff=None, **kw: consoles.append(staff.username),
    )
    launch(box, options(), feed_factory=QuietFeed, seed_demo=lambda: None,
           window_factory=fake_factory)  # fmt: skip
    assert consoles == ["anita"]
    assert [kw["default_user"] for kw in asked] == ["anita"]
