"""Starting the GUI: the application object, the first run, sign-in, and the counter windows.

``launch()`` is what ``bms-desktop`` runs:

1. the QApplication, with its name, icon and style sheets (``theme``);
2. on an empty database, ``FirstRunDialog``: the demo box office or a new cinema's administrator;
3. the first counter: ``LoginDialog`` then a ``CounterWindow``; with ``--demo``, two counter
   windows side by side, signed in (through ``auth.login``, so audited) as the demo clerks asha
   (pessimistic, Counter 1) and ravi (optimistic, Counter 2), both on the same show
   (``demo.demo_show``: the next lived-in show on the biggest screen), ready to compete;
4. Window -> New counter window in any window: ``LoginDialog`` for the next free "Counter N", then
   another window sharing the change hub and the box office, with its own counter context;
5. the process ends when the last counter window has closed (after any hold it had was released),
   and the change hub stops.

``CounterManager`` holds steps 3 to 5 and is what the tests drive. ``smoke_windows()`` builds a
login dialog and a counter window offscreen for ``bms-desktop --smoke``.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any, Final, Protocol

from PySide6.QtCore import (
    QEvent,
    QMessageLogContext,
    QObject,
    QRect,
    Qt,
    QTimer,
    QtMsgType,
    Signal,
    Slot,
    qInstallMessageHandler,
)
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QWidget

from bms_desktop.domain.errors import DomainError
from bms_desktop.domain.model import Role, Strategy
from bms_desktop.gui.dialogs.first_run_dialog import FirstRunDialog
from bms_desktop.gui.dialogs.login_dialog import LoginDialog
from bms_desktop.gui.theme import apply_theme, ensure_application
from bms_desktop.gui.workers import TaskRunner
from bms_desktop.services import auth, counter_setup, demo
from bms_desktop.services.context import BoxOffice, CounterContext
from bms_desktop.services.door import check_door
from bms_desktop.services.dto import ShowSummary, StaffView
from bms_desktop.services.ports import ChangeFeed

log = logging.getLogger(__name__)

DEMO_COUNTERS: tuple[tuple[str, Strategy, str], ...] = (
    ("asha", Strategy.PESSIMISTIC, "Counter 1"),
    ("ravi", Strategy.OPTIMISTIC, "Counter 2"),
)


@dataclass(frozen=True)
class LaunchOptions:
    counter: str
    strategy: Strategy
    delay_ms: int
    user: str | None
    demo: bool
    db_label: str
    data_dir: str


class CounterWindowLike(Protocol):
    """What the manager needs of a counter window (``CounterWindow`` in production)."""

    new_counter_requested: Any  # Signal()
    closed: Any  # Signal(): the window has closed (after releasing its hold)

    def show(self) -> None: ...
    def close(self) -> bool: ...
    def open_show(self, show_id: int) -> None: ...


WindowFactory = Callable[[BoxOffice, CounterContext, Any, str], QWidget]
DoorFactory = Callable[[BoxOffice, CounterContext, Any], QWidget]


def counter_window_factory(box: BoxOffice, ctx: CounterContext, hub: Any, db_label: str) -> QWidget:
    """A counter window with what other features add to it (the Admin menu, Window -> Door…:
    ``counter_extras``)."""
    from bms_desktop.gui.windows.counter_extras import install_counter_extras
    from bms_desktop.gui.windows.counter_window import CounterWindow

    window = CounterWindow(box, ctx, hub, db_label=db_label)
    install_counter_extras(window, box, hub)
    return window


def door_window_factory(box: BoxOffice, ctx: CounterContext, hub: Any) -> QWidget:
    """The Door window an usher gets at the counter sign-in (issue 12)."""
    from bms_desktop.gui.door.door_window import DoorWindow

    return DoorWindow(box, ctx, hub)


# --------------------------------------------------------------------------- counter windows


class CounterManager(QObject):
    """The counter windows of this process: opens, names, places and counts them.

    Signals:
        counter_opened(str): a counter window is on screen (its counter name).
        demo_show_chosen(int): the demo's counters were told to open this show.
        all_closed(): the last counter window has closed.
    """

    counter_opened = Signal(str)
    demo_show_chosen = Signal(int)
    all_closed = Signal()

    def __init__(
        self,
        box: BoxOffice,
        options: LaunchOptions,
        hub: Any,
        *,
        window_factory: WindowFactory | None = None,
        door_factory: DoorFactory | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._box = box
        self._options = options
        self._hub = hub
        self._factory = window_factory or counter_window_factory
        self._door_factory = door_factory or door_window_factory
        self._windows: dict[str, QWidget] = {}  # open counters by name, in opening order
        self._closed: list[QWidget] = []  # kept alive until the process ends
        self._runner = TaskRunner(self, max_threads=1)

    # ------------------------------------------------------------------ queries

    def counter_names(self) -> list[str]:
        return list(self._windows)

    def windows(self) -> list[QWidget]:
        return list(self._windows.values())

    def is_busy(self) -> bool:
        """Still looking up something in the background (the demo's show)."""
        return self._runner.is_busy()

    def next_counter_name(self, word: str = "Counter") -> str:
        """The first "Counter N" (or "Door N") that no open window of this process uses."""
        taken = {name.casefold() for name in self._windows}
        n = 1
        while f"{word.casefold()} {n}" in taken:
            n += 1
        return f"{word} {n}"

    # ------------------------------------------------------------------ opening

    def start(self) -> bool:
        """The first window(s), as the options say; False when nobody signed in."""
        if self._options.demo:
            return bool(self.open_demo_counters())
        return (
            self.sign_in_and_open(self._options.counter, default_user=self._options.user)
            is not None
        )

    def context_for(
        self, staff: StaffView, counter: str, strategy: Strategy | None = None
    ) -> CounterContext:
        """The counter's context. A strategy or delay asked for on the command line is kept only
        when the box office lets this clerk's role change them (``counter_setup_role``)."""
        ctx = CounterContext(
            counter=counter,
            staff_id=staff.staff_id,
            username=staff.username,
            role=staff.role,
            strategy=strategy or self._options.strategy,
            delay_ms=self._options.delay_ms,
        )
        if (ctx.strategy is Strategy.PESSIMISTIC and not ctx.delay_ms) or (
            counter_setup.may_change_counter_setup(self._box, ctx)
        ):
            return ctx
        log.warning(
            "%s may not change the strategy or the delay at this box office: %s starts "
            "pessimistic without a delay",
            staff.username,
            counter,
        )
        return replace(ctx, strategy=Strategy.PESSIMISTIC, delay_ms=0)

    def open_window(
        self,
        staff: StaffView,
        counter: str,
        *,
        strategy: Strategy | None = None,
        geometry: QRect | None = None,
        bounds: QRect | None = None,
    ) -> QWidget:
        """A counter window for a signed-in staff member, shown (at ``geometry`` if given,
        kept inside ``bounds``). An usher gets a Door window named ``counter`` instead: a
        clerk's context is never an usher's."""
        if not staff.role.at_least(Role.CLERK):
            return self.open_door(staff, counter)
        ctx = self.context_for(staff, counter, strategy)
        window = self._factory(self._box, ctx, self._hub, self._options.db_label)
        self._windows[counter] = window
        window.new_counter_requested.connect(self._on_window_new_counter_requested)  # type: ignore[attr-defined]
        window.closed.connect(lambda name=counter: self._on_window_closed(name))  # type: ignore[attr-defined]
        if geometry is not None:
            _place(window, geometry, bounds or geometry)
        else:
            window.show()
        window.raise_()
        window.activateWindow()
        log.info("%s opened for %s (%s)", counter, staff.username, ctx.strategy.value)
        self.counter_opened.emit(counter)
        return window

    def open_door(self, staff: StaffView, door: str) -> QWidget:
        """A Door window admitting at ``door`` as ``staff`` (an usher signed in at the counter
        sign-in), counted with the counters: the program ends when the last window closes."""
        ctx = CounterContext(
            counter=check_door(door), staff_id=staff.staff_id, username=staff.username,
            role=staff.role,
        )  # fmt: skip
        window = self._door_factory(self._box, ctx, self._hub)
        self._windows[ctx.counter] = window
        window.closed.connect(lambda name=ctx.counter: self._on_window_closed(name))  # type: ignore[attr-defined]
        window.show()
        window.raise_()
        window.activateWindow()
        log.info("door window %s opened for %s (%s)", ctx.counter, staff.username, staff.role)
        self.counter_opened.emit(ctx.counter)
        return window

    def sign_in_and_open(
        self,
        counter: str | None = None,
        *,
        default_user: str | None = None,
        parent: QWidget | None = None,
    ) -> QWidget | None:
        """LoginDialog for a counter (the next free name by default), then its window (an
        usher's: a Door window, at the next free "Door N" unless another name was typed)."""
        offered = counter or self.next_counter_name()
        signed_in = LoginDialog.ask(
            self._box,
            counter=offered,
            default_user=default_user,
            taken_counters=self.counter_names(),
            parent=parent,
        )
        if signed_in is None:
            return None
        staff, name = signed_in
        if not staff.role.at_least(Role.CLERK) and name == offered:
            name = self.next_counter_name("Door")
        return self.open_window(staff, name, strategy=self.strategy_for_next_counter())

    def strategy_for_next_counter(self) -> Strategy:
        """The options' strategy; in the demo, the next of pessimistic, optimistic, thread lock,
        so that a third counter shows the third strategy (every window can switch)."""
        if not self._options.demo:
            return self._options.strategy
        order = list(Strategy)
        return order[len(self._windows) % len(order)]

    def open_demo_counters(self, area: QRect | None = None) -> list[QWidget]:
        """The demo's two counters side by side, signed in as the demo clerks. A clerk that
        cannot sign in (not a demo database, locked out) gets the login dialog instead."""
        passwords = {user: password for user, _role, password in demo.demo_passwords(self._box)}
        area = area or _available_area()
        rects = tile_rects(area, len(DEMO_COUNTERS))
        opened: list[QWidget] = []
        for (user, strategy, demo_counter), rect in zip(DEMO_COUNTERS, rects, strict=True):
            counter = demo_counter
            staff: StaffView | None = None
            password = passwords.get(user)
            if password is not None:
                try:
                    staff = auth.login(self._box, username=user, password=password, counter=counter)
                except DomainError as exc:
                    log.warning("demo sign-in of %s at %s refused: %s", user, counter, exc)
            if staff is None:
                signed_in = LoginDialog.ask(
                    self._box, counter=counter, default_user=user, taken_counters=self._windows
                )
                if signed_in is None:
                    continue
                staff, counter = signed_in
            opened.append(
                self.open_window(staff, counter, strategy=strategy, geometry=rect, bounds=area)
            )
        if opened:
            self.open_demo_show(opened)
        return opened

    def open_demo_show(self, windows: Sequence[QWidget]) -> None:
        """Find the demo's show (``demo.demo_show``) off the GUI thread, then open it in
        ``windows``: the learner starts on two live maps of the same show."""
        box = self._box
        targets = list(windows)
        self._runner.submit(
            lambda: demo.prepare_demo_counters(box),  # issue 11: the demo clerks' shifts too
            on_done=lambda show: self._open_demo_show_in(targets, show),
            on_error=lambda exc: log.warning("no show for the demo counters: %s", exc),
            label="Finding the demo's show",
        )

    def _open_demo_show_in(self, windows: Sequence[QWidget], show: ShowSummary | None) -> None:
        if show is None:
            log.info("no show on sale: the demo counters start on the show list")
            return
        open_now = [w for w in windows if any(w is open_ for open_ in self._windows.values())]
        for window in open_now:
            opener = getattr(window, "open_show", None)
            if callable(opener):
                opener(show.show_id)
        log.info(
            "demo counters open show %s (%s, %s)", show.show_id, show.movie_title, show.screen_name
        )
        self.demo_show_chosen.emit(show.show_id)

    # ------------------------------------------------------------------ slots

    @Slot()
    def _on_window_new_counter_requested(self) -> None:
        parent = self.sender()
        self.sign_in_and_open(parent=parent if isinstance(parent, QWidget) else None)

    def _on_window_closed(self, counter: str) -> None:
        window = self._windows.pop(counter, None)
        if window is not None:
            self._closed.append(window)
            log.info("%s closed", counter)
        if not self._windows:
            self.all_closed.emit()


# --------------------------------------------------------------------------- placement


def _available_area() -> QRect:
    screen = QGuiApplication.primaryScreen()
    if screen is None:
        return QRect(0, 0, 1366, 768)
    return screen.availableGeometry()


def tile_rects(area: QRect, count: int) -> list[QRect]:
    """``count`` equal columns of ``area``, left to right (frames included)."""
    width = area.width() // max(1, count)
    return [QRect(area.x() + i * width, area.y(), width, area.height()) for i in range(count)]


def _place(window: QWidget, frame_rect: QRect, bounds: QRect) -> None:
    """Show ``window`` with its frame (title bar and borders included) filling ``frame_rect``.

    A real window manager adds the frame only after the window is mapped, so the first guess
    puts the frame's corner (``move`` places a window's frame) where it belongs, and
    ``FrameFitter`` corrects the size once the frame is known. A window whose minimum size is
    larger than that is moved back inside ``bounds`` (the screen): overlapping its neighbour
    beats hanging off the screen, and a title bar is never above the screen's top."""
    window.resize(frame_rect.size())
    window.move(frame_rect.topLeft())
    window.show()
    fitter = FrameFitter(window, frame_rect, bounds)
    window.setProperty("frameFitter", fitter)  # lives with the window
    fitter.fit()


class FrameFitter(QObject):
    """Fits a window's frame into a rectangle once the window manager has framed it (checked
    for a second after showing; at once where the frame is known, as offscreen)."""

    ATTEMPTS: Final = 20
    INTERVAL_MS: Final = 50

    def __init__(self, window: QWidget, frame_rect: QRect, bounds: QRect) -> None:
        super().__init__(window)
        self._window = window
        self._rect = QRect(frame_rect)
        self._bounds = QRect(bounds)
        self._left = self.ATTEMPTS
        self._timer = QTimer(self)
        self._timer.setInterval(self.INTERVAL_MS)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._fitted_margins: tuple[int, int, int, int] | None = None

    def fit(self) -> None:
        window, rect, bounds = self._window, self._rect, self._bounds
        frame, inner = window.frameGeometry(), window.geometry()
        margins = (
            inner.x() - frame.x(),
            inner.y() - frame.y(),
            frame.right() - inner.right(),
            frame.bottom() - inner.bottom(),
        )
        left, top, right, bottom = margins
        if margins != self._fitted_margins:
            self._fitted_margins = margins
            window.resize(rect.width() - left - right, rect.height() - top - bottom)
            # The style sheet and the layouts settle the real minimum size only once shown.
            QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest.value)
            width = max(window.width(), window.minimumSizeHint().width()) + left + right
            height = max(window.height(), window.minimumSizeHint().height()) + top + bottom
            x = max(bounds.x(), min(rect.x(), bounds.x() + bounds.width() - width))
            y = max(bounds.y(), min(rect.y(), bounds.y() + bounds.height() - height))
            window.move(x, y)  # the frame's corner
        if any(margins) or self._left <= 0:
            self._timer.stop()
        elif not self._timer.isActive():
            self._timer.start()

    @Slot()
    def _on_timer_timeout(self) -> None:
        self._left -= 1
        self.fit()


# --------------------------------------------------------------------------- entry points


def launch(
    box: BoxOffice,
    options: LaunchOptions,
    *,
    feed_factory: Callable[[], ChangeFeed],
    seed_demo: Callable[[], object],
    window_factory: WindowFactory | None = None,
) -> int:
    """Run the GUI until the last counter window closes; the exit code."""
    app, _created = ensure_application()
    apply_theme(app)
    if demo.is_empty(box):
        outcome = FirstRunDialog.ask(box, seed_demo=seed_demo)
        if not outcome:
            return 0
        admin = getattr(outcome, "admin", None)
        if admin is not None:
            # Issue 8: a new cinema's first administrator sets it up in the admin console first.
            from bms_desktop.gui.admin.launch import run_first_run_console

            run_first_run_console(box, options.counter, admin)
            if options.user is None:
                # The sign-in offers the administrator just created.
                options = replace(options, user=admin.username)
    from bms_desktop.gui.hub import ChangeHub

    hub = ChangeHub(feed_factory())
    manager = CounterManager(box, options, hub, window_factory=window_factory)
    # Quit when the last counter has *closed* (a window with a hold hides, releases the seats in
    # the background, then closes), not when the last window is merely hidden.
    app.setQuitOnLastWindowClosed(False)
    manager.all_closed.connect(app.quit, Qt.ConnectionType.QueuedConnection)
    from bms_desktop.gui.sweeper import HoldSweeper

    sweeper = HoldSweeper(box)
    try:
        if not manager.start():
            return 0
        sweeper.start()
        return app.exec()
    finally:
        manager.all_closed.disconnect(app.quit)
        sweeper.stop()
        hub.stop()


class _NullFeed(ChangeFeed):
    """A change feed that never reports anything (the smoke test has no other counters)."""

    def poll(self) -> set[int] | None:
        return set()

    def close(self) -> None:
        return None


def smoke_windows(box: BoxOffice, counter: str = "Counter 1") -> str:
    """Build a login dialog, a counter window (for a synthetic clerk), the admin console and a
    Door window (for a synthetic administrator and usher), let Qt process their events once,
    wait for the work they started, close them. Offscreen under ``--smoke``; never blocks
    longer than that work."""
    app, created = ensure_application()
    if created:
        apply_theme(app)
    from bms_desktop.gui.admin.admin_window import AdminWindow
    from bms_desktop.gui.hub import ChangeHub

    previous = qInstallMessageHandler(_quiet_offscreen_noise)
    hub = ChangeHub(_NullFeed(), start=False)
    login = LoginDialog(box, counter=counter)
    ctx = CounterContext(counter=counter, staff_id=None, username="smoke", role=Role.CLERK)
    window = counter_window_factory(box, ctx, hub, "smoke test")
    admin = AdminWindow(box, replace(ctx, role=Role.ADMIN), show_checklist=False)
    door = door_window_factory(box, replace(ctx, counter="Door 1", role=Role.USHER), hub)
    windows: tuple[QWidget, ...] = (login, window, admin, door)
    try:
        for widget in windows:
            widget.show()
        app.processEvents()
        built = (
            f"counter window ({type(window).__name__}), login dialog, admin console "
            f"({type(admin).__name__}) and door window ({type(door).__name__})"
        )
    finally:
        for widget in reversed(windows):
            widget.close()
        # What the windows started (the console's first page, the door's board) ends before
        # the database closes.
        for runner in (*door.findChildren(TaskRunner), *admin.findChildren(TaskRunner)):
            runner.shutdown(10_000)
        hub.stop()
        for widget in windows:
            widget.deleteLater()
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        qInstallMessageHandler(previous)
    return built


def _quiet_offscreen_noise(mode: QtMsgType, context: QMessageLogContext, message: str) -> None:
    """The offscreen platform says that it "does not support propagateSizeHints" for every
    window; everything else goes to stderr as usual."""
    if "does not support propagateSizeHints" in message:
        return
    print(message, file=sys.stderr)


__all__ = [
    "DEMO_COUNTERS",
    "CounterManager",
    "LaunchOptions",
    "counter_window_factory",
    "launch",
    "smoke_windows",
    "tile_rects",
]
