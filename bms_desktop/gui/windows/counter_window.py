"""The counter window: what a clerk sells in all day, and where a learner watches counters fight.

Left, the show finder; in the centre, the show's header, the conflict banner, the painted seat map
with its legend, and the counter's event log; right, the basket. The status bar says which database,
counter, clerk and strategy, and what the window is waiting for. In a compact window (two counters
side by side on one screen) the show list and the map take turns beside the basket, and the event
log moves into a tab beside the basket when the window is short.

Every service call that touches the database runs through a ``TaskRunner`` (a worker thread): a
hold may wait for another counter's lock, and the GUI thread never waits on the database. While an
action waits, the basket and the status bar say so ("Waiting for the lock held by Counter 2..."),
and, after the fact, the service's ``ConcurrencyReport`` says exactly how long and for whom.

Live updates: the process-wide ``ChangeHub`` says which shows other counters changed; the open show
is re-read off the GUI thread and ``SeatMapWidget.update_seats`` repaints and flashes only the seats
that changed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

from PySide6.QtCore import QSignalBlocker, Qt, QTimer, Signal, Slot
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QCloseEvent,
    QFont,
    QKeyEvent,
    QKeySequence,
    QResizeEvent,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from bms_desktop.domain.errors import (
    CouponRejected,
    DomainError,
    InvalidState,
    SeatsUnavailable,
    ValidationError,
)
from bms_desktop.domain.model import PaymentMode, SeatStatus, Strategy
from bms_desktop.gui.conflict_text import (
    STRATEGY_NAMES,
    ConflictMessage,
    Tone,
    describe_error,
    describe_success,
    join_labels,
)
from bms_desktop.gui.hub import ChangeHub
from bms_desktop.gui.widgets.basket import BasketWidget, money, parse_amount, sale_html
from bms_desktop.gui.widgets.conflict_banner import ConflictBannerWidget
from bms_desktop.gui.widgets.elided_label import ElidedLabel
from bms_desktop.gui.widgets.event_log import EventLogWidget
from bms_desktop.gui.widgets.seat_legend import SeatLegendWidget
from bms_desktop.gui.widgets.seat_map import SeatMapWidget
from bms_desktop.gui.widgets.show_finder import ShowFinderWidget
from bms_desktop.gui.workers import ACTIVITY, TaskRunner
from bms_desktop.services import booking, queries
from bms_desktop.services.context import BoxOffice, CounterContext
from bms_desktop.services.dto import (
    BookingView,
    HoldResult,
    Quote,
    SeatMap,
    SeatView,
    ShowSummary,
)

log = logging.getLogger(__name__)

_Printed = tuple[tuple[Path, ...], str | None]  # the PDF files, or why there are none

APP_TITLE: Final = "BMS Box Office"
WAIT_SHOWN_AFTER_MS: Final = 150  # below this an action is just "working"
WAIT_TICK_MS: Final = 100
QUOTE_DEBOUNCE_MS: Final = 60
MAX_DELAY_MS: Final = 10_000
DELAY_CHOICES_MS: Final = (0, 100, 250, 500, 1000, 2000, 5000)
COMPACT_WIDTH: Final = 1280  # narrower: the show list folds away while a show is open
TALL_HEIGHT: Final = 900  # taller: the event log sits under the map, else in a tab
FINDER_MIN_WIDTH: Final = 260
MAP_USABLE_WIDTH: Final = 420  # narrower, the show list takes the map's place, not a share
IDLE_TEXT: Final = (
    "Ready · click or drag to pick seats, 1-9 picks the best seats together, Enter holds, "
    "F9 takes payment, F1 lists the keys"
)
IDLE_SHORT_TEXT: Final = "Ready · F1 lists the keys"

SHORTCUTS: Final[tuple[tuple[str, str], ...]] = (
    ("Ctrl+L  or  F3", "Search shows (type, then Down to the list, Enter opens)"),
    ("F4", "Go to the seat map"),
    ("Arrows, Space", "Move on the map, pick or drop a seat"),
    ("1 … 9", "On the map: pick that many best seats together"),
    ("Enter  or  F5", "Hold the picked seats"),
    ("F9", "Take payment and print the ticket"),
    ("Alt+U / C / N / S", "Pay by UPI / card / netbanking / cash"),
    ("F8  or  Esc", "Release the held seats"),
    ("Ctrl+P", "Print the last ticket again"),
    ("Ctrl+F", "Find a booking (reprint, cancel, refund)"),
    ("Ctrl+R", "Reload the seat map"),
    ("Ctrl+Shift+N", "New counter window"),
    ("F1", "This list"),
)


def window_title(ctx: CounterContext) -> str:
    return f"{APP_TITLE} — {ctx.counter} — {ctx.username} — {ctx.strategy.label}"


def short_db_label(label: str) -> str:
    """``/home/asha/.local/share/bms-desktop/boxoffice.db`` -> ``boxoffice.db``;
    ``db.example.com:5432/boxoffice`` -> ``boxoffice`` (the whole label goes in a tooltip)."""
    name = label.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]
    return name or label


def _delay_text(ms: int) -> str:
    if ms <= 0:
        return "off"
    return f"{ms / 1000:g} s" if ms >= 1000 and ms % 1000 == 0 else f"{ms} ms"


def _min_width(widget: QWidget) -> int:
    """The width a layout grants ``widget`` at least."""
    return max(widget.minimumWidth(), widget.minimumSizeHint().width())


def _muted(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setProperty("class", "muted")
    label.setStyleSheet("color: #5F646B;")
    return label


class CounterWindow(QMainWindow):
    """One counter. Signals:

    new_counter_requested(): Window -> New counter window (the launcher opens one).
    context_changed(object): the counter context changed (strategy, processing delay).
    show_opened(int): a show's map is on screen.
    sale_completed(str): a ticket code was sold (after its ticket was printed).
    closed(): the window has closed (after releasing its pending hold).
    """

    new_counter_requested = Signal()
    context_changed = Signal(object)
    show_opened = Signal(int)
    sale_completed = Signal(str)
    closed = Signal()

    def __init__(
        self,
        box: BoxOffice,
        ctx: CounterContext,
        hub: ChangeHub,
        *,
        print_folder: Path | None = None,
        db_label: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._box = box
        self._ctx = ctx
        self._hub = hub
        self._print_folder = print_folder
        self._db_label = db_label or f"{getattr(box.uows, 'dialect', 'database')}"
        self._runner = TaskRunner(self, max_threads=3)

        self._show: ShowSummary | None = None
        self._map: SeatMap | None = None
        self._loading_show: int | None = None
        self._hold: HoldResult | None = None
        self._my_tickets: set[int] = set()
        self._action = ""  # the write action in flight ("Holding C7, C8"), "" when none
        self._action_elapsed_ms = 0.0
        self._refresh_in_flight = False
        self._refresh_again = False
        self._quote_generation = 0
        self._last_sale: BookingView | None = None
        self._last_files: tuple[Path, ...] = ()
        self._closing = False
        self._closed = False
        self._wait_text = ""
        self._sized = False
        self._finder_pinned = False
        self._panels: tuple[bool, bool] | None = None  # (show list shown, map shown)

        self._build_ui()
        self._build_actions()
        self._connect()
        self._apply_context()
        self.resize(1366, 768)

    # ------------------------------------------------------------------ building

    def _build_ui(self) -> None:
        self.finder = ShowFinderWidget(self._box, self)
        self.finder.setMinimumWidth(FINDER_MIN_WIDTH)

        # centre: header, banner, map + legend, event log
        self.show_title = ElidedLabel("", self)
        title_font = QFont(self.font())
        title_font.setPointSizeF(title_font.pointSizeF() + 4)
        title_font.setBold(True)
        self.show_title.setFont(title_font)
        self.show_title.setProperty("class", "title")
        self.show_details = _muted("", self)
        self.show_details.setWordWrap(True)
        self.seats_left_label = QLabel(self)
        self.seats_left_label.setAlignment(
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        )
        left_font = QFont(self.font())
        left_font.setBold(True)
        self.seats_left_label.setFont(left_font)
        self.shows_button = QToolButton(self)
        self.shows_button.setText("☰  Shows")
        self.shows_button.setToolTip("Show the list of shows (Ctrl+L)")
        self.shows_button.setAccessibleName("Show the list of shows")
        self.shows_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.shows_button.hide()
        self.map_button = QToolButton(self)
        self.map_button.setText("Back to the map  F4")
        self.map_button.setToolTip("Back to the seat map of the open show (F4)")
        self.map_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.map_button.hide()
        self.finder.add_title_widget(self.map_button)
        # [☰ Shows] Title (elided when narrow)
        # details, word-wrapped ...................... 324 of 572 seats left
        title_row = QHBoxLayout()
        title_row.setContentsMargins(0, 0, 0, 0)
        title_row.setSpacing(10)
        title_row.addWidget(self.shows_button, 0, Qt.AlignmentFlag.AlignVCenter)
        title_row.addWidget(self.show_title, 1)
        details_row = QHBoxLayout()
        details_row.setContentsMargins(0, 0, 0, 0)
        details_row.setSpacing(10)
        details_row.addWidget(self.show_details, 1)
        details_row.addWidget(self.seats_left_label, 0, Qt.AlignmentFlag.AlignBottom)
        header = QVBoxLayout()
        header.setContentsMargins(0, 0, 0, 0)
        header.setSpacing(2)
        header.addLayout(title_row)
        header.addLayout(details_row)

        self.banner = ConflictBannerWidget(self)
        self.seat_map = SeatMapWidget(self, clock=self._box.now)
        self.legend = SeatLegendWidget(self)

        map_frame = QFrame(self)
        map_frame.setObjectName("seatMapFrame")
        map_frame.setStyleSheet(
            "QFrame#seatMapFrame { background: #FBFBFA; border: 1px solid #D5D9DF;"
            " border-radius: 6px; }"
        )
        map_layout = QVBoxLayout(map_frame)
        map_layout.setContentsMargins(6, 6, 6, 6)
        map_layout.setSpacing(4)
        map_layout.addWidget(self.seat_map, 1)
        map_layout.addWidget(self.legend)

        self.placeholder = QLabel(
            "Choose a show on the left.\n\nCtrl+L searches; Down and Enter open a show.", self
        )
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setWordWrap(True)
        self.placeholder.setStyleSheet("color: #5F646B; font-size: 12pt;")
        self.loading_label = QLabel("Loading the seat map…", self)
        self.loading_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.loading_label.setStyleSheet("color: #5F646B; font-size: 12pt;")
        self.centre_stack = QStackedWidget(self)
        self.centre_stack.addWidget(self.placeholder)
        self.centre_stack.addWidget(map_frame)
        self.centre_stack.addWidget(self.loading_label)

        map_panel = QWidget(self)
        self.map_panel = map_panel
        map_panel_layout = QVBoxLayout(map_panel)
        map_panel_layout.setContentsMargins(0, 0, 0, 0)
        map_panel_layout.setSpacing(8)
        map_panel_layout.addLayout(header)
        map_panel_layout.addWidget(self.banner)
        map_panel_layout.addWidget(self.centre_stack, 1)

        self.event_log = EventLogWidget(self, clock=self._box.now, counter=self._ctx.counter)
        self.event_log.setMinimumHeight(110)
        self.centre_split = QSplitter(Qt.Orientation.Vertical, self)
        self.centre_split.setChildrenCollapsible(False)
        self.centre_split.addWidget(map_panel)
        self.centre_split.setStretchFactor(0, 4)

        # right: the basket (scrolls when the window is short)
        self.basket = BasketWidget(self, clock=self._box.now)
        basket_scroll = QScrollArea(self)
        basket_scroll.setWidgetResizable(True)
        basket_scroll.setFrameShape(QFrame.Shape.NoFrame)
        basket_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        basket_holder = QWidget(basket_scroll)
        holder_layout = QVBoxLayout(basket_holder)
        holder_layout.setContentsMargins(0, 0, 6, 0)
        holder_layout.addWidget(self.basket)
        basket_scroll.setWidget(basket_holder)
        basket_scroll.setMinimumWidth(300)
        self.basket_scroll = basket_scroll
        # The event log sits under the map in a tall window and in a tab beside the basket in a
        # short one (see _adapt_layout).
        self.side_tabs = QTabWidget(self)
        self.side_tabs.setDocumentMode(True)
        self.side_tabs.setTabBarAutoHide(True)
        self.side_tabs.addTab(basket_scroll, "Basket")
        self._log_in_tab: bool | None = None
        self._unseen_events = 0

        self.main_split = QSplitter(Qt.Orientation.Horizontal, self)
        self.main_split.setChildrenCollapsible(False)
        self.main_split.setHandleWidth(9)
        self.centre_split.setHandleWidth(9)
        self.main_split.addWidget(self.finder)
        self.main_split.addWidget(self.centre_split)
        self.main_split.addWidget(self.side_tabs)
        self.main_split.setStretchFactor(0, 0)
        self.main_split.setStretchFactor(1, 1)
        self.main_split.setStretchFactor(2, 0)

        central = QWidget(self)
        central_layout = QVBoxLayout(central)
        central_layout.setContentsMargins(10, 8, 10, 6)
        self._central_margins = 20
        central_layout.addWidget(self.main_split)
        self.setCentralWidget(central)

        # the teaching aids: strategy and processing delay
        self.strategy_combo = QComboBox(self)
        self.strategy_combo.setAccessibleName("Strategy")
        for strategy in Strategy:
            self.strategy_combo.addItem(strategy.label, strategy.value)
        self.strategy_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.strategy_combo.setToolTip(
            "How this counter claims seats: pessimistic (take the lock first), optimistic "
            "(check versions, retry) or thread lock (only this program's windows)"
        )
        self.delay_combo = QComboBox(self)
        for ms in DELAY_CHOICES_MS:
            self.delay_combo.addItem(_delay_text(ms), ms)
        self.delay_combo.setAccessibleName("Processing delay inside the transaction")
        self.delay_combo.setToolTip(
            "Teaching aid: this counter pauses this long inside its hold transaction, so that "
            "another counter's lock wait becomes visible"
        )
        # The teaching aids sit in the menu bar's corner: always visible, no extra row.
        corner = QWidget(self)
        corner_layout = QHBoxLayout(corner)
        corner_layout.setContentsMargins(0, 2, 8, 2)
        corner_layout.setSpacing(6)
        strategy_caption = _muted("Strategy", corner)
        strategy_caption.setBuddy(self.strategy_combo)
        delay_caption = _muted("Delay in transaction", corner)
        delay_caption.setBuddy(self.delay_combo)
        self._corner_captions = (strategy_caption, delay_caption)
        self._corner = corner
        corner_layout.addWidget(strategy_caption)
        corner_layout.addWidget(self.strategy_combo)
        corner_layout.addSpacing(10)
        corner_layout.addWidget(delay_caption)
        corner_layout.addWidget(self.delay_combo)
        self.menuBar().setCornerWidget(corner, Qt.Corner.TopRightCorner)

        # status bar: what the window does (or a hint), then one short line of who and where;
        # a message that needs the room hides that line while it shows (see show_status)
        self.wait_label = ElidedLabel("", self)
        self.wait_label.setObjectName("waitState")
        self.context_status = QLabel(self)
        self.context_status.setObjectName("contextStatus")
        bar = self.statusBar()
        bar.setSizeGripEnabled(False)
        bar.addWidget(self.wait_label, 1)
        bar.addPermanentWidget(self.context_status)

        self._wait_timer = QTimer(self)
        self._wait_timer.setInterval(WAIT_TICK_MS)
        self._quote_timer = QTimer(self)
        self._quote_timer.setSingleShot(True)
        self._quote_timer.setInterval(QUOTE_DEBOUNCE_MS)

    def _build_actions(self) -> None:
        menu = self.menuBar()
        window_menu = menu.addMenu("&Window")
        self.new_counter_action = QAction("&New counter window", self)
        self.new_counter_action.setShortcut(QKeySequence("Ctrl+Shift+N"))
        self.close_action = QAction("&Close window", self)
        self.close_action.setShortcut(QKeySequence("Ctrl+W"))
        window_menu.addAction(self.new_counter_action)
        window_menu.addSeparator()
        window_menu.addAction(self.close_action)

        counter_menu = menu.addMenu("&Counter")
        strategy_menu = counter_menu.addMenu("&Strategy")
        self.strategy_group = QActionGroup(self)
        self.strategy_group.setExclusive(True)
        self.strategy_actions: dict[Strategy, QAction] = {}
        for strategy in Strategy:
            action = QAction(strategy.label, self)
            action.setCheckable(True)
            action.setData(strategy.value)
            self.strategy_group.addAction(action)
            strategy_menu.addAction(action)
            self.strategy_actions[strategy] = action
        self.delay_action = QAction("Processing &delay inside the transaction…", self)
        counter_menu.addAction(self.delay_action)
        counter_menu.addSeparator()
        self.search_action = QAction("&Search shows", self)
        self.search_action.setShortcuts([QKeySequence("Ctrl+L"), QKeySequence("F3")])
        self.map_action = QAction("Go to the seat &map", self)
        self.map_action.setShortcut(QKeySequence("F4"))
        self.reload_action = QAction("&Reload the seat map", self)
        self.reload_action.setShortcut(QKeySequence("Ctrl+R"))
        for action in (self.search_action, self.map_action, self.reload_action):
            counter_menu.addAction(action)
        counter_menu.addSeparator()
        self.hold_action = QAction("&Hold the picked seats", self)
        self.hold_action.setShortcut(QKeySequence("F5"))
        self.pay_action = QAction("Take &payment", self)
        self.pay_action.setShortcut(QKeySequence("F9"))
        self.release_action = QAction("&Release the held seats", self)
        self.release_action.setShortcut(QKeySequence("F8"))
        self.print_action = QAction("Print the last ticket &again", self)
        self.print_action.setShortcut(QKeySequence("Ctrl+P"))
        for action in (self.hold_action, self.pay_action, self.release_action, self.print_action):
            counter_menu.addAction(action)

        bookings_menu = menu.addMenu("&Bookings")
        self.find_booking_action = QAction("&Find booking…", self)
        self.find_booking_action.setShortcut(QKeySequence("Ctrl+F"))
        bookings_menu.addAction(self.find_booking_action)

        help_menu = menu.addMenu("&Help")
        self.shortcuts_action = QAction("&Keyboard shortcuts", self)
        self.shortcuts_action.setShortcut(QKeySequence("F1"))
        help_menu.addAction(self.shortcuts_action)
        self.about_action = QAction("&About BMS Box Office", self)
        help_menu.addAction(self.about_action)

        for action in (
            self.new_counter_action,
            self.close_action,
            self.search_action,
            self.map_action,
            self.reload_action,
            self.hold_action,
            self.pay_action,
            self.release_action,
            self.print_action,
            self.find_booking_action,
            self.shortcuts_action,
        ):
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            self.addAction(action)

    def _connect(self) -> None:
        self.finder.show_chosen.connect(self._on_finder_show_chosen)
        self.shows_button.clicked.connect(self._on_shows_button_clicked)
        self.map_button.clicked.connect(self._on_map_button_clicked)
        self.event_log.entry_added.connect(self._on_event_log_entry_added)
        self.side_tabs.currentChanged.connect(self._on_side_tabs_current_changed)
        self.seat_map.selection_changed.connect(self._on_seat_map_selection_changed)
        self.seat_map.best_requested.connect(self._on_seat_map_best_requested)
        self.seat_map.activated.connect(self._on_seat_map_activated)
        self.seat_map.selection_refused.connect(self._on_seat_map_selection_refused)
        self.seat_map.selected_seats_taken.connect(self._on_seat_map_selected_seats_taken)
        self.basket.hold_requested.connect(self._on_basket_hold_requested)
        self.basket.pay_requested.connect(self._on_basket_pay_requested)
        self.basket.release_requested.connect(self._on_basket_release_requested)
        self.basket.print_requested.connect(self._on_basket_print_requested)
        self.basket.coupon_submitted.connect(self._on_basket_coupon_submitted)
        self.basket.coupon_cleared.connect(self._on_basket_coupon_cleared)
        self.basket.hold_expired.connect(self._on_basket_hold_expired)
        self._live = False
        self.set_live_updates(True)
        self._runner.busy_changed.connect(self._on_runner_busy_changed)
        self._wait_timer.timeout.connect(self._on_wait_timer_timeout)
        self.statusBar().messageChanged.connect(self._on_status_bar_message_changed)
        self._quote_timer.timeout.connect(self._on_quote_timer_timeout)
        self.strategy_combo.currentIndexChanged.connect(
            self._on_strategy_combo_current_index_changed
        )
        self.strategy_group.triggered.connect(self._on_strategy_group_triggered)
        self.delay_combo.currentIndexChanged.connect(self._on_delay_combo_current_index_changed)
        self.new_counter_action.triggered.connect(self.new_counter_requested)
        self.close_action.triggered.connect(self.close)
        self.delay_action.triggered.connect(self._on_delay_action_triggered)
        self.search_action.triggered.connect(self._on_search_action_triggered)
        self.map_action.triggered.connect(self._on_map_action_triggered)
        self.reload_action.triggered.connect(self._on_reload_action_triggered)
        self.hold_action.triggered.connect(self._on_basket_hold_requested)
        self.pay_action.triggered.connect(self._on_basket_pay_requested)
        self.release_action.triggered.connect(self._on_basket_release_requested)
        self.print_action.triggered.connect(self._on_basket_print_requested)
        self.find_booking_action.triggered.connect(self._on_find_booking_action_triggered)
        self.shortcuts_action.triggered.connect(self._on_shortcuts_action_triggered)
        self.about_action.triggered.connect(self._on_about_action_triggered)

    # ------------------------------------------------------------------ public

    def context(self) -> CounterContext:
        return self._ctx

    def set_strategy(self, strategy: Strategy) -> None:
        if strategy is self._ctx.strategy:
            return
        self._ctx = self._ctx.with_strategy(strategy)
        self._apply_context()
        self.event_log.add("STRATEGY", f"strategy switched to {strategy.label.lower()}")
        self.context_changed.emit(self._ctx)

    def set_delay_ms(self, delay_ms: int) -> None:
        delay_ms = max(0, min(MAX_DELAY_MS, int(delay_ms)))
        if delay_ms == self._ctx.delay_ms:
            return
        self._ctx = replace(self._ctx, delay_ms=delay_ms)
        self._apply_context()
        self.event_log.add(
            "DELAY",
            f"processing delay inside the transaction set to {delay_ms} ms"
            if delay_ms
            else "processing delay switched off",
        )
        self.context_changed.emit(self._ctx)

    def open_show(self, show_id: int) -> None:
        """Load a show's seat map (off the GUI thread) and show it."""
        if self._hold is not None and self._hold.show_id != show_id:
            self.banner.show_message(
                ConflictMessage(
                    f"Finish the sale of {join_labels(self._hold.seat_labels)} first",
                    ("Take the payment (F9) or release the seats (F8), then open another show.",),
                    Tone.INFO,
                )
            )
            return
        self._loading_show = show_id
        if self._show is None or self._show.show_id != show_id:
            self.centre_stack.setCurrentWidget(self.loading_label)
        box = self._box
        self._runner.submit(
            lambda: queries.get_seat_map(box, show_id),
            on_done=self._on_show_loaded,
            on_error=lambda exc: self._on_show_load_failed(show_id, exc),
            label="Loading the seat map",
        )

    def current_show(self) -> ShowSummary | None:
        return self._show

    def current_hold(self) -> HoldResult | None:
        return self._hold

    def last_sale(self) -> BookingView | None:
        return self._last_sale

    def last_printed_files(self) -> tuple[Path, ...]:
        return self._last_files

    def is_busy(self) -> bool:
        """Any database work in flight (a hold, a refresh, a quote)."""
        return self._runner.is_busy()

    def waiting_text(self) -> str:
        return self._wait_text

    def refresh_seat_map(self) -> None:
        """Re-read the open show and apply what changed (flashing the changed seats)."""
        if self._show is None:
            return
        if self._refresh_in_flight:
            self._refresh_again = True
            return
        self._refresh_in_flight = True
        self._refresh_again = False
        show_id = self._show.show_id
        box = self._box
        self._runner.submit(
            lambda: queries.get_seat_map(box, show_id),
            on_done=self._on_refresh_done,
            on_error=self._on_refresh_failed,
            label="Refreshing the seat map",
        )

    def set_live_updates(self, enabled: bool) -> None:
        """Follow the change hub (the default) or not (a frozen map: a teaching aid, and how a
        test makes a counter act on what it saw a moment ago)."""
        if enabled == self._live:
            return
        self._live = enabled
        if enabled:
            self._hub.shows_changed.connect(self._on_hub_shows_changed)
            self._hub.reload_requested.connect(self._on_hub_reload_requested)
        else:
            self._hub.shows_changed.disconnect(self._on_hub_shows_changed)
            self._hub.reload_requested.disconnect(self._on_hub_reload_requested)

    def live_updates(self) -> bool:
        return self._live

    def pick_best(self, count: int) -> tuple[int, ...]:
        """Select the ``count`` best free seats together (as the digit keys do)."""
        if self._map is None or self._hold is not None:
            return ()
        best = queries.best_available_seats(
            self._box, self._map.show.show_id, count, seat_map=self._current_map()
        )
        if not best:
            self.show_status(f"No {count} seats together are free.", 6000)
            return ()
        self.seat_map.set_selection(best)
        return best

    def show_status(self, text: str, timeout_ms: int = 0) -> None:
        """A message in the status bar for ``timeout_ms`` (0: until the next one). It never
        disappears under the permanent "who and where" line: that line steps aside while a
        message needs its room, and a message longer than the whole bar ends in "…" (the bar's
        tooltip has all of it)."""
        bar = self.statusBar()
        fm = bar.fontMetrics()
        room = bar.width() - 24
        permanent = self.context_status.sizeHint().width() + 12
        need = fm.horizontalAdvance(text)
        self.context_status.setVisible(not text or need <= room - permanent)
        shown = fm.elidedText(text, Qt.TextElideMode.ElideRight, max(room, 40))
        bar.setToolTip(text if shown != text else "")
        bar.showMessage(shown, timeout_ms)

    def status_text(self) -> str:
        """The status bar's message as it was given (empty when there is none)."""
        if not self.statusBar().currentMessage():
            return ""
        return self.statusBar().toolTip() or self.statusBar().currentMessage()

    def print_folder(self) -> Path:
        if self._print_folder is None:
            from bms_desktop.gui import printing

            self._print_folder = printing.default_print_folder()
        return self._print_folder

    def shortcut_help_text(self) -> str:
        return "\n".join(f"{keys}: {what}" for keys, what in SHORTCUTS)

    # ------------------------------------------------------------------ context

    def _apply_context(self) -> None:
        ctx = self._ctx
        self.setWindowTitle(window_title(ctx))
        with QSignalBlocker(self.strategy_combo):
            self.strategy_combo.setCurrentIndex(self.strategy_combo.findData(ctx.strategy.value))
        with QSignalBlocker(self.delay_combo):
            index = self.delay_combo.findData(ctx.delay_ms)
            if index < 0:  # a value from the command line that is not one of the choices
                choices = [self.delay_combo.itemData(i) for i in range(self.delay_combo.count())]
                index = sum(1 for ms in choices if ms < ctx.delay_ms)
                text = self._delay_item_text(ctx.delay_ms)
                self.delay_combo.insertItem(index, text, ctx.delay_ms)
            self.delay_combo.setCurrentIndex(index)
        self.strategy_actions[ctx.strategy].setChecked(True)
        delay = f" · {_delay_text(ctx.delay_ms)} delay" if ctx.delay_ms else ""
        self.context_status.setText(
            f"{ctx.username} · {ctx.counter} · {STRATEGY_NAMES[ctx.strategy]}{delay} · "
            f"{short_db_label(self._db_label)}"
        )
        self.context_status.setToolTip(
            f"Clerk: {ctx.username} ({ctx.role.value.lower()})\n"
            f"Counter: {ctx.counter}\n"
            f"Strategy: {ctx.strategy.label}; processing delay inside the transaction: "
            f"{_delay_text(ctx.delay_ms)}\n"
            f"Database: {self._db_label}"
        )
        self.event_log.set_counter(ctx.counter)
        self._show_wait_state()

    # ------------------------------------------------------------------ show loading

    def _on_show_loaded(self, seat_map: SeatMap) -> None:
        if self._loading_show != seat_map.show.show_id:
            return  # another show was asked for meanwhile
        self._loading_show = None
        same = self._show is not None and self._show.show_id == seat_map.show.show_id
        self._show = seat_map.show
        self._map = seat_map
        self.seat_map.set_seat_map(
            seat_map, my_counter=self._ctx.counter, my_ticket_ids=frozenset(self._my_tickets)
        )
        self.legend.set_seat_map(seat_map)
        self._show_header(seat_map.show)
        self.centre_stack.setCurrentIndex(1)
        if not same and self._hold is None:
            self.basket.clear()
            self.seat_map.clear_lost()
        self.basket.set_show_text(self._basket_show_text(seat_map.show))
        self.finder.model.update_show(seat_map.show)
        self.finder.set_current_show(seat_map.show.show_id)
        self._finder_pinned = False
        self._sync_finder_visibility()
        self.seat_map.setFocus(Qt.FocusReason.OtherFocusReason)
        self.show_opened.emit(seat_map.show.show_id)

    def _on_show_load_failed(self, show_id: int, exc: BaseException) -> None:
        if self._loading_show == show_id:
            self._loading_show = None
        self.centre_stack.setCurrentIndex(1 if self._show is not None else 0)
        self._report_error("Opening the show", exc)

    def _show_header(self, show: ShowSummary) -> None:
        local = show.local_starts_at
        ends = show.local_ends_at
        self.show_title.setText(show.movie_title)
        self.show_details.setText(
            f"{show.certificate} · {show.language} {show.format} · {local:%a %d %b}, "
            f"{local:%H:%M}–{ends:%H:%M} · {show.theater_name}, {show.city_name} · "
            f"{show.screen_name}"
        )
        self._show_seats_left(show)

    def _show_seats_left(self, show: ShowSummary) -> None:
        if show.seats_available <= 0:
            self.seats_left_label.setText("Sold out")
        else:
            self.seats_left_label.setText(
                f"{show.seats_available:,} of {show.seats_total:,} seats left"
            )

    @staticmethod
    def _basket_show_text(show: ShowSummary) -> str:
        local = show.local_starts_at
        return f"{show.movie_title} · {local:%a %d %b %H:%M} · {show.screen_name.split(' · ')[0]}"

    def _current_map(self) -> SeatMap | None:
        """The loaded map with the seats as the widget knows them now."""
        if self._map is None:
            return None
        seats = tuple(self.seat_map.seat(s.show_seat_id) or s for s in self._map.seats)
        return replace(self._map, seats=seats)

    # ------------------------------------------------------------------ live refresh

    def _on_refresh_done(self, seat_map: SeatMap) -> None:
        self._refresh_in_flight = False
        if self._show is None or seat_map.show.show_id != self._show.show_id:
            self._refresh_again = False
            return
        if self._loading_show is None:
            self._log_remote_changes(seat_map.seats)
            self._map = seat_map
            self._show = seat_map.show
            self.seat_map.update_seats(seat_map.seats)
            self._show_seats_left(seat_map.show)
            self.finder.model.update_show(seat_map.show)
        if self._refresh_again:
            self.refresh_seat_map()

    def _on_refresh_failed(self, exc: BaseException) -> None:
        self._refresh_in_flight = False
        self.event_log.add("ERROR", f"could not refresh the seat map: {exc}")
        if self._refresh_again:
            self.refresh_seat_map()

    def _log_remote_changes(self, seats: Sequence[SeatView]) -> None:
        """Say in the log what other counters did to this show since the last look."""
        groups: dict[tuple[str, str], list[str]] = {}
        for new in seats:
            old = self.seat_map.seat(new.show_seat_id)
            if old is None or (old.status, old.held_by_ticket_id) == (
                new.status,
                new.held_by_ticket_id,
            ):
                continue
            who = new.held_by_counter or old.held_by_counter or "another counter"
            if who == self._ctx.counter and (
                new.held_by_ticket_id in self._my_tickets
                or old.held_by_ticket_id in self._my_tickets
            ):
                continue
            if new.status is SeatStatus.SOLD:
                key = (who, "sold")
            elif new.status is SeatStatus.HELD:
                key = (who, "is holding")
            elif new.status is SeatStatus.AVAILABLE:
                key = ("", "free again")
            else:
                key = ("", "blocked")
            groups.setdefault(key, []).append(new.label)
        for (who, what), labels in groups.items():
            seats_text = join_labels(labels, limit=8)
            if who:
                message = f"{who} {what} {seats_text}"
            else:
                message = f"{seats_text} {'is' if len(labels) == 1 else 'are'} {what}"
            self.event_log.add("REMOTE", message)

    @Slot(list)
    def _on_hub_shows_changed(self, show_ids: list[int]) -> None:
        if self._show is not None and self._show.show_id in show_ids:
            self.refresh_seat_map()
        self.finder.refresh_shows(show_ids)

    @Slot()
    def _on_hub_reload_requested(self) -> None:
        self.refresh_seat_map()
        self.finder.refresh_shows(None)

    # ------------------------------------------------------------------ selection and quotes

    @Slot(int)
    def _on_finder_show_chosen(self, show_id: int) -> None:
        self.open_show(show_id)

    @Slot(list)
    def _on_seat_map_selection_changed(self, ids: list[int]) -> None:
        if self._hold is not None:
            return
        labels = [self._label(sid) for sid in ids]
        self.basket.set_selection(labels, self._local_quote(ids) if ids else None)
        if ids:
            self._quote_timer.start()
        else:
            self._quote_timer.stop()
            self._quote_generation += 1

    def _local_quote(self, ids: Sequence[int]) -> Quote:
        """Prices from the map, shown at once; the service's quote (with the rules) follows."""
        from bms_desktop.services.dto import PriceLine

        lines = []
        for sid in ids:
            seat = self.seat_map.seat(sid)
            if seat is not None:
                lines.append(PriceLine(seat.label, seat.seat_type, seat.price, ""))
        subtotal = sum((line.price for line in lines), Decimal("0.00"))
        return Quote(tuple(lines), subtotal, Decimal("0.00"), subtotal)

    @Slot()
    def _on_quote_timer_timeout(self) -> None:
        self._request_quote()

    def _request_quote(self, coupon: str | None = None) -> None:
        if self._show is None or self._hold is not None:
            return
        ids = list(self.seat_map.selected_ids())
        if not ids:
            return
        self._quote_generation += 1
        generation = self._quote_generation
        box, show_id = self._box, self._show.show_id
        code = coupon if coupon is not None else self.basket.coupon_code() or None
        phone = self.basket.payment().customer_phone or None
        self._runner.submit(
            lambda: queries.quote_seats(box, show_id, ids, coupon_code=code, customer_phone=phone),
            on_done=lambda quote: self._on_quote_done(generation, ids, quote),
            on_error=lambda exc: self._on_quote_failed(generation, exc),
            label="Pricing the seats",
        )

    def _on_quote_done(self, generation: int, ids: list[int], quote: Quote) -> None:
        if generation != self._quote_generation or self._hold is not None:
            return
        if list(self.seat_map.selected_ids()) != ids:
            return
        self.basket.set_selection([self._label(sid) for sid in ids], quote)
        if quote.coupon_message:
            self.basket.set_coupon_result(
                quote.coupon_message, accepted=quote.coupon_code is not None
            )
            if quote.coupon_code is not None:
                self.basket.set_quote(quote)

    def _on_quote_failed(self, generation: int, exc: BaseException) -> None:
        if generation == self._quote_generation:
            self.show_status(f"Could not price the seats: {exc}", 8000)

    @Slot(int)
    def _on_seat_map_best_requested(self, count: int) -> None:
        self.pick_best(count)

    @Slot()
    def _on_seat_map_activated(self) -> None:
        if self._hold is None:
            self._on_basket_hold_requested()
        else:
            self._focus_payment()

    @Slot(str)
    def _on_seat_map_selection_refused(self, message: str) -> None:
        self.show_status(message, 6000)

    @Slot(list)
    def _on_seat_map_selected_seats_taken(self, ids: list[int]) -> None:
        seats = [s for s in (self.seat_map.seat(sid) for sid in ids) if s is not None]
        if not seats:
            return
        who = seats[0].held_by_counter or "another counter"
        labels = [s.label for s in seats]
        verb = "sold" if seats[0].status is SeatStatus.SOLD else "taken"
        self.banner.show_message(
            ConflictMessage(
                f"{join_labels(labels)} {'was' if len(labels) == 1 else 'were'} just {verb} by "
                f"{who} and left your selection",
                ("Pick other seats; the map shows what is still free.",),
                Tone.INFO,
            )
        )

    def _label(self, sid: int) -> str:
        seat = self.seat_map.seat(sid)
        return seat.label if seat is not None else f"#{sid}"

    # ------------------------------------------------------------------ hold

    @Slot()
    def _on_basket_hold_requested(self) -> None:
        if self._action or self._show is None:
            return
        if self._hold is not None:
            self.show_status(
                "These seats are already held: take the payment (F9) or release them (F8).", 6000
            )
            return
        ids = list(self.seat_map.selected_ids())
        if not ids:
            self.show_status("Pick seats first: click them, or press a digit on the map.", 6000)
            return
        labels = [self._label(sid) for sid in ids]
        seen = {sid: seat.version for sid in ids if (seat := self.seat_map.seat(sid)) is not None}
        box, ctx, show_id = self._box, self._ctx, self._show.show_id
        pay = self.basket.payment()
        coupon = self.basket.coupon_code()
        self.banner.dismiss()
        self.seat_map.clear_lost()

        def hold() -> tuple[HoldResult, Quote | None, str | None]:
            result = booking.hold_seats(
                box,
                ctx,
                show_id=show_id,
                show_seat_ids=ids,
                seen_versions=seen,
                customer_name=pay.customer_name or None,
                customer_phone=pay.customer_phone or None,
            )
            quote: Quote | None = None
            refused: str | None = None
            if coupon:
                try:
                    quote = booking.apply_coupon(
                        box,
                        ctx,
                        ticket_id=result.ticket_id,
                        code=coupon,
                        customer_phone=pay.customer_phone or None,
                    )
                except DomainError as exc:
                    refused = str(exc)
            return result, quote, refused

        self._start_action(f"Holding {join_labels(labels)}")
        self._runner.submit(
            hold,
            on_done=lambda answer: self._on_hold_done(labels, *answer),
            on_error=lambda exc: self._on_hold_failed(ids, labels, exc),
            label=f"Holding {join_labels(labels)}",
            activity=ctx.counter,
        )

    def _on_hold_done(
        self, labels: list[str], result: HoldResult, quote: Quote | None, refused: str | None
    ) -> None:
        self._end_action()
        self._hold = result
        self._my_tickets.add(result.ticket_id)
        self.event_log.add_report(result.report)
        if self._closing:
            self._release_for_close()
            return
        self.seat_map.set_my_tickets(self._my_tickets)
        self.seat_map.clear_selection()
        self.seat_map.update_seats(self._as_held(result))
        self.basket.set_hold(result, quote)
        if refused:
            self.basket.set_coupon_result(refused, accepted=False)
            self.event_log.add("COUPON", f"coupon refused: {refused}")
        elif quote is not None and quote.coupon_code:
            self.event_log.add("COUPON", quote.coupon_message or f"{quote.coupon_code} applied")
        success = describe_success(result.report, result.seat_labels, my_counter=self._ctx.counter)
        if success is not None:
            self.banner.show_message(success)
        self._hub.announce([result.show_id])
        self._focus_payment()
        self.show_status(
            f"Held {join_labels(result.seat_labels)} as {result.ticket_code}. "
            "Take the payment with F9.",
            8000,
        )

    def _as_held(self, result: HoldResult) -> list[SeatView]:
        out = []
        for sid in result.show_seat_ids:
            seat = self.seat_map.seat(sid)
            if seat is not None:
                out.append(
                    replace(
                        seat,
                        status=SeatStatus.HELD,
                        held_by_counter=self._ctx.counter,
                        held_by_ticket_id=result.ticket_id,
                        hold_expires_at=result.expires_at,
                        version=seat.version + 1,
                    )
                )
        return out

    def _on_hold_failed(self, ids: list[int], labels: list[str], exc: BaseException) -> None:
        self._end_action()
        if isinstance(exc, SeatsUnavailable):
            report = exc.report
            if report is not None:
                self.event_log.add_report(report)  # type: ignore[arg-type]
            by_label = {self._label(sid): sid for sid in ids}
            lost_labels = [f.label for f in exc.failures]
            lost = [by_label[lbl] for lbl in lost_labels if lbl in by_label]
            kept = [lbl for lbl in labels if lbl not in set(lost_labels)]
            self.seat_map.mark_lost(lost)
            self.banner.show_conflict(
                exc.failures,
                report,  # type: ignore[arg-type]
                kept=kept,
                my_counter=self._ctx.counter,
            )
            self.show_status(
                f"Could not hold {join_labels(lost_labels)}: see the message above the map.", 8000
            )
            self.refresh_seat_map()
        else:
            self._report_error("Holding the seats", exc)
            self.refresh_seat_map()
        if self._closing:
            self._maybe_finish_close()

    # ------------------------------------------------------------------ coupon

    @Slot(str)
    def _on_basket_coupon_submitted(self, code: str) -> None:
        if self._hold is None:
            self._request_quote(code)
            return
        if self._action:
            return
        box, ctx, ticket_id = self._box, self._ctx, self._hold.ticket_id
        phone = self.basket.payment().customer_phone or None
        self._start_action(f"Applying {code.upper()}")
        self._runner.submit(
            lambda: booking.apply_coupon(
                box, ctx, ticket_id=ticket_id, code=code, customer_phone=phone
            ),
            on_done=self._on_coupon_done,
            on_error=self._on_coupon_failed,
            label=f"Applying {code.upper()}",
            activity=ctx.counter,
        )

    def _on_coupon_done(self, quote: Quote) -> None:
        self._end_action()
        self.basket.set_quote(quote)
        self.event_log.add("COUPON", quote.coupon_message or "coupon applied")

    def _on_coupon_failed(self, exc: BaseException) -> None:
        self._end_action()
        if isinstance(exc, CouponRejected | ValidationError):
            self.basket.set_coupon_result(str(exc), accepted=False)
            self.event_log.add("COUPON", f"coupon refused: {exc}")
        else:
            self._report_error("Applying the coupon", exc)

    @Slot()
    def _on_basket_coupon_cleared(self) -> None:
        if self._hold is None:
            self._request_quote("")
            return
        quote = self.basket.quote()
        if quote is None or not quote.coupon_code or self._action:
            return
        box, ctx, ticket_id = self._box, self._ctx, self._hold.ticket_id
        self._start_action("Removing the coupon")
        self._runner.submit(
            lambda: booking.remove_coupon(box, ctx, ticket_id=ticket_id),
            on_done=self._on_coupon_removed,
            on_error=self._on_coupon_failed,
            label="Removing the coupon",
            activity=ctx.counter,
        )

    def _on_coupon_removed(self, quote: Quote) -> None:
        self._end_action()
        self.basket.set_quote(quote)
        self.basket.set_coupon_result("Coupon removed", accepted=True)

    # ------------------------------------------------------------------ payment

    @Slot()
    def _on_basket_pay_requested(self) -> None:
        if self._action:
            return
        if self._hold is None:
            self.show_status("Hold seats first (Enter or F5), then take payment.", 6000)
            return
        pay = self.basket.payment()
        total = self.basket.total()
        if pay.mode is PaymentMode.CASH:
            tendered = parse_amount(pay.tendered)
            if tendered is None:
                self.basket.set_payment_error("Enter the cash tendered.")
                self.basket.tendered_edit.setFocus()
                return
            if total is not None and tendered < total:
                self.basket.set_payment_error(
                    f"{money(tendered)} is {money(total - tendered)} short of {money(total)}."
                )
                self.basket.tendered_edit.setFocus()
                return
        self.basket.set_payment_error("")
        box, ctx, hold = self._box, self._ctx, self._hold
        printer = self._printer()

        def pay_now() -> tuple[booking.ConfirmResult, BookingView, _Printed]:
            confirmed = booking.confirm_booking(
                box,
                ctx,
                ticket_id=hold.ticket_id,
                mode=pay.mode,
                reference=pay.reference or None,
                tendered=pay.tendered if pay.mode is PaymentMode.CASH else None,
                customer_name=pay.customer_name or None,
                customer_phone=pay.customer_phone or None,
            )
            view = queries.get_booking(box, hold.ticket_id)
            # Printing a PDF takes 0.1-0.3 s: here, off the GUI thread (QPrinter allows it).
            return confirmed, view, printer(view, False)

        self._start_action(f"Taking payment for {hold.ticket_code}")
        self._runner.submit(
            pay_now,
            on_done=lambda answer: self._on_pay_done(*answer),
            on_error=self._on_pay_failed,
            label=f"Taking payment for {hold.ticket_code}",
            activity=ctx.counter,
        )

    def _printer(self) -> Callable[[BookingView, bool], _Printed]:
        """A function that prints a booking's ticket and receipt and never raises (it can run on a
        worker thread): the files, or why there are none."""
        try:
            from bms_desktop.gui import printing

            folder = self.print_folder()
        except (ImportError, OSError) as exc:
            problem = str(exc)

            def cannot(_view: BookingView, _reprint: bool) -> _Printed:
                return (), problem

            return cannot

        def print_now(view: BookingView, reprint: bool) -> _Printed:
            try:
                files = printing.print_ticket_and_receipt(view, folder, reprint=reprint)
            except Exception as exc:
                log.exception("printing %s failed", view.code)
                return (), str(exc)
            return tuple(files), None

        return print_now

    def _on_pay_done(
        self, confirmed: booking.ConfirmResult, view: BookingView, printed: _Printed
    ) -> None:
        self._end_action()
        hold = self._hold
        self._hold = None
        self._last_sale = view
        change = confirmed.change_due
        self.event_log.add(
            "SALE",
            f"sold {join_labels(view.seat_labels, limit=10)} as {view.code} for "
            f"{money(view.total)} ({confirmed.mode.label})"
            + (f", change {money(change)}" if change else ""),
        )
        files = self._after_print(view, printed, reprint=False)
        self.basket.clear()
        self.basket.show_sale(sale_html(view.code, view.total, change, files), can_print=True)
        if files:
            where = f"Ticket and receipt saved to {files[0].parent}."
            change_text = f"Change due: {money(change)}." if change else ""
            self.banner.show_message(
                ConflictMessage(
                    f"Sold {view.code}: {join_labels(view.seat_labels)} · {money(view.total)}",
                    tuple(x for x in (change_text, where) if x),
                    Tone.SUCCESS,
                )
            )
        if hold is not None:
            self._hub.announce([hold.show_id])
        self.refresh_seat_map()
        self.finder.refresh_shows(None)
        self.seat_map.setFocus(Qt.FocusReason.OtherFocusReason)
        self.sale_completed.emit(view.code)

    def _on_pay_failed(self, exc: BaseException) -> None:
        self._end_action()
        if isinstance(exc, InvalidState) and self._hold is not None:
            # The hold ran out (or the ticket is gone): nothing was charged.
            self.event_log.add("EXPIRY", str(exc))
            self._hold = None
            self.basket.set_expired()
            self.banner.show_message(describe_error(exc, action="Payment not taken"))
            self.refresh_seat_map()
        elif isinstance(exc, CouponRejected):
            self.basket.set_coupon_result(str(exc), accepted=False)
            self.banner.show_message(describe_error(exc, action="Payment not taken"))
        elif isinstance(exc, ValidationError):
            self.basket.set_payment_error(str(exc))
        else:
            self._report_error("Taking the payment", exc)

    def _after_print(
        self, view: BookingView, printed: _Printed, *, reprint: bool
    ) -> tuple[Path, ...]:
        files, problem = printed
        if problem is not None or not files:
            self.event_log.add("ERROR", f"could not print {view.code}: {problem}")
            self.banner.show_message(
                ConflictMessage(
                    f"{view.code} is sold, but its ticket could not be printed"
                    if not reprint
                    else f"{view.code} could not be printed again",
                    (f"{problem}", "Try Print again, or reprint it from Bookings -> Find booking."),
                )
            )
            return ()
        self._last_files = files
        self.event_log.add(
            "PRINT", f"{'reprinted' if reprint else 'printed'} {view.code}: {files[0].parent}"
        )
        return files

    @Slot()
    def _on_basket_print_requested(self) -> None:
        view = self._last_sale
        if view is None:
            self.show_status("Nothing sold in this window yet.", 5000)
            return
        if self._action:
            return
        printer = self._printer()
        self._start_action(f"Printing {view.code}")
        self._runner.submit(
            lambda: printer(view, True),
            on_done=lambda printed: self._on_reprinted(view, printed),
            on_error=lambda exc: self._on_reprinted(view, ((), str(exc))),
            label=f"Printing {view.code}",
        )

    def _on_reprinted(self, view: BookingView, printed: _Printed) -> None:
        self._end_action()
        files = self._after_print(view, printed, reprint=True)
        if files:
            self.show_status(f"Printed {view.code} again: {files[0]}", 8000)

    # ------------------------------------------------------------------ release and expiry

    @Slot()
    def _on_basket_release_requested(self) -> None:
        if self._action or self._hold is None:
            return
        hold = self._hold
        box, ctx = self._box, self._ctx
        self._start_action(f"Releasing {join_labels(hold.seat_labels)}")
        self._runner.submit(
            lambda: booking.release_hold(box, ctx, ticket_id=hold.ticket_id),
            on_done=lambda released: self._on_release_done(hold, bool(released)),
            on_error=self._on_release_failed,
            label=f"Releasing {join_labels(hold.seat_labels)}",
            activity=ctx.counter,
        )

    def _on_release_done(self, hold: HoldResult, released: bool) -> None:
        self._end_action()
        self._hold = None
        self.basket.clear()
        self.event_log.add(
            "RELEASE",
            f"released {join_labels(hold.seat_labels, limit=10)} ({hold.ticket_code})"
            if released
            else f"{hold.ticket_code} had nothing left to release",
        )
        self._hub.announce([hold.show_id])
        self.refresh_seat_map()
        if self._closing:
            self._maybe_finish_close()
        else:
            self.seat_map.setFocus(Qt.FocusReason.OtherFocusReason)

    def _on_release_failed(self, exc: BaseException) -> None:
        self._end_action()
        self._report_error("Releasing the seats", exc)
        if self._closing:
            self._hold = None
            self._maybe_finish_close()

    @Slot()
    def _on_basket_hold_expired(self) -> None:
        hold = self._hold
        if hold is None:
            return
        self._hold = None
        self.basket.set_expired()
        self.event_log.add(
            "EXPIRY",
            f"the hold on {join_labels(hold.seat_labels, limit=10)} ({hold.ticket_code}) ran "
            "out; the seats are free again",
        )
        box, ctx = self._box, self._ctx
        # Record the expiry now (the sweeper would do it later): other counters see the seats free.
        self._runner.submit(
            lambda: booking.expire_holds(box, ctx),
            on_done=lambda _n: self._after_expiry(hold),
            on_error=lambda _exc: self._after_expiry(hold),
            label="Recording the expiry",
        )

    def _after_expiry(self, hold: HoldResult) -> None:
        self._hub.announce([hold.show_id])
        self.refresh_seat_map()

    # ------------------------------------------------------------------ waiting state

    def _start_action(self, label: str) -> None:
        self._action = label
        self._action_elapsed_ms = 0.0
        self._wait_timer.start()
        self._show_wait_state()

    def _end_action(self) -> None:
        self._action = ""
        self._wait_timer.stop()
        self._show_wait_state()

    def _show_wait_state(self) -> None:
        if not self._action:
            text = IDLE_TEXT
            self.basket.set_busy("")
            self.wait_label.setStyleSheet("")
        else:
            elapsed = self._runner.running_for_ms()
            text = f"{self._action}…"
            if elapsed >= WAIT_SHOWN_AFTER_MS:
                others = ACTIVITY.others(self._ctx.counter)
                seconds = f"{elapsed / 1000:.1f} s"
                if others:
                    first = others[0]
                    text = (
                        f"{self._action}: waiting for the lock held by {first.who} "
                        f"({first.what})… {seconds}"
                    )
                elif self._ctx.delay_ms:
                    text = (
                        f"{self._action}: working inside the transaction (processing delay "
                        f"{self._ctx.delay_ms} ms)… {seconds}"
                    )
                else:
                    text = f"{self._action}: waiting for the database lock… {seconds}"
            self.basket.set_busy(text)
            self.wait_label.setStyleSheet("color: #8A5A00; font-weight: 600;")
        self._wait_text = text if self._action else ""
        self.wait_label.set_short_text("" if self._action else IDLE_SHORT_TEXT)
        self.wait_label.setText(text)

    @Slot(str)
    def _on_status_bar_message_changed(self, message: str) -> None:
        if not message:  # the message timed out or was cleared: the permanent line comes back
            self.context_status.show()
            self.statusBar().setToolTip("")

    @Slot()
    def _on_wait_timer_timeout(self) -> None:
        self._show_wait_state()

    @Slot(bool)
    def _on_runner_busy_changed(self, busy: bool) -> None:
        if not busy and self._closing:
            self._maybe_finish_close()

    def _focus_payment(self) -> None:
        if self.basket.payment_mode() is PaymentMode.CASH:
            self.basket.tendered_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.basket.reference_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def _report_error(self, action: str, exc: BaseException) -> None:
        message = describe_error(exc, action=action)
        self.banner.show_message(message)
        kind = "LOCK_TIMEOUT" if "lock" in message.headline.lower() else "ERROR"
        self.event_log.add(kind, f"{action.lower()}: {exc}")

    # ------------------------------------------------------------------ menus

    @Slot(int)
    def _on_strategy_combo_current_index_changed(self, index: int) -> None:
        value = self.strategy_combo.itemData(index)
        if value:
            self.set_strategy(Strategy(value))

    @Slot(QAction)
    def _on_strategy_group_triggered(self, action: QAction) -> None:
        self.set_strategy(Strategy(action.data()))

    @Slot(int)
    def _on_delay_combo_current_index_changed(self, index: int) -> None:
        value = self.delay_combo.itemData(index)
        if isinstance(value, int):
            self.set_delay_ms(value)

    @Slot()
    def _on_delay_action_triggered(self) -> None:
        self.delay_combo.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.delay_combo.showPopup()

    @Slot()
    def _on_search_action_triggered(self) -> None:
        self.show_finder()

    @Slot()
    def _on_map_action_triggered(self) -> None:
        self.go_to_map()

    @Slot()
    def _on_reload_action_triggered(self) -> None:
        self.refresh_seat_map()
        self.finder.refresh_shows(None)

    @Slot()
    def _on_find_booking_action_triggered(self) -> None:
        try:
            from bms_desktop.gui.dialogs.lookup_dialog import BookingLookupDialog
        except ImportError as exc:
            self._report_error("Finding a booking", exc)
            return
        changed: Any = BookingLookupDialog.ask(
            self._box, self._ctx, print_folder=self.print_folder(), parent=self
        )
        ids: list[int] = []
        if isinstance(changed, Iterable) and not isinstance(changed, str | bytes):
            ids = [int(i) for i in changed if isinstance(i, int)]
        if ids:
            self._hub.announce(ids)

    @Slot()
    def _on_about_action_triggered(self) -> None:
        from bms_desktop.gui.dialogs.about_dialog import AboutDialog, AboutInfo
        from bms_desktop.paths import default_data_dir

        AboutDialog.ask(
            AboutInfo(
                database=self._db_label,
                data_dir=str(default_data_dir()),
                counter=f"{self._ctx.counter} · {self._ctx.username} · {self._ctx.strategy.label}",
            ),
            parent=self,
        )

    @Slot()
    def _on_shortcuts_action_triggered(self) -> None:
        box = QMessageBox(self)
        box.setWindowTitle("Keyboard shortcuts")
        box.setIcon(QMessageBox.Icon.NoIcon)
        rows = "".join(
            f"<tr><td valign='top' style='padding:3px 18px 3px 0; white-space:pre'><b>{keys}</b>"
            f"</td><td valign='top' style='padding:3px 0'>{what}</td></tr>"
            for keys, what in SHORTCUTS
        )
        box.setText(f"<table cellspacing='0'>{rows}</table>")
        # Wide enough that no description wraps (a message box is narrow by default).
        width = max(self.fontMetrics().horizontalAdvance(k + "    " + w) for k, w in SHORTCUTS)
        box.setStyleSheet(f"QMessageBox QLabel#qt_msgbox_label {{ min-width: {width + 40}px; }}")
        box.setStandardButtons(QMessageBox.StandardButton.Close)
        box.setModal(False)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.show()

    # ------------------------------------------------------------------ keys and closing

    def setVisible(self, visible: bool) -> None:
        if visible and not self.isVisible():
            # Panels as the size asks before Qt settles the window's minimum size: a narrow
            # window must not first grow to fit panels that it is about to fold away.
            self._adapt_layout()
        super().setVisible(visible)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._sized:
            self._sized = True
            self._adapt_layout()
            self.fit_panels()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._sized:
            self._adapt_layout()

    def is_compact_width(self) -> bool:
        """Narrow (e.g. two counters side by side on one screen): the show list and the map
        take turns (see ``_panel_state``)."""
        return self.width() < COMPACT_WIDTH

    def compact_minimum_width(self) -> int:
        """The narrowest a counter window gets: the basket beside the map or the show list."""
        centre = _min_width(self.map_panel)
        if not self._log_in_tab:
            centre = max(centre, _min_width(self.event_log))
        return (
            self._central_margins
            + self.main_split.handleWidth()
            + _min_width(self.side_tabs)
            + max(centre, _min_width(self.finder))
        )

    def _adapt_layout(self) -> None:
        tall = self.height() >= TALL_HEIGHT
        log_in_tab = not tall
        if log_in_tab != self._log_in_tab:
            self._log_in_tab = log_in_tab
            if log_in_tab:
                self.side_tabs.addTab(self.event_log, "Event log")
            else:
                index = self.side_tabs.indexOf(self.event_log)
                if index >= 0:
                    self.side_tabs.removeTab(index)
                self.centre_split.addWidget(self.event_log)
                self.centre_split.setStretchFactor(1, 1)
                self.event_log.show()
                height = max(self.centre_split.height(), self.height() - 120)
                log_height = max(140, min(260, int(height * 0.22)))
                self.centre_split.setSizes([height - log_height, log_height])
            self._update_log_tab()
            self._panels = None  # the centre's content changed: fit the panels again
        self._fit_corner()
        self._sync_finder_visibility()
        # Explicit, so that a wide window can be made narrow in one step (a window manager
        # snapping it to half the screen): the compact layout that then applies fits.
        self.setMinimumWidth(self.compact_minimum_width())

    def _panel_state(self) -> tuple[bool, bool]:
        """(show list shown, map shown). A wide window shows both. A compact one shows the
        list until a show is open, then the map; the list brought back (☰ Shows, Ctrl+L)
        sits beside the map when the window has the room for both, else in its place."""
        if not self.is_compact_width():
            return True, True
        if self._show is None and self._loading_show is None:
            return True, False
        if not self._finder_pinned:
            return False, True
        need = (
            self._central_margins
            + _min_width(self.finder)
            + max(_min_width(self.map_panel), MAP_USABLE_WIDTH)
            + _min_width(self.side_tabs)
            + 2 * self.main_split.handleWidth()
        )
        return True, self.width() >= need

    def _sync_finder_visibility(self) -> None:
        finder_on, map_on = self._panel_state()
        self.finder.setVisible(finder_on)
        self.map_panel.setVisible(map_on)
        # Where the list takes the map's place it takes the whole centre column (the event log
        # under the map too), so a compact window never needs more than its minimum width.
        self.centre_split.setVisible(
            map_on or (not self.is_compact_width() and not self._log_in_tab)
        )
        self.shows_button.setVisible(not finder_on)
        self.map_button.setVisible(not map_on and self._show is not None)
        if (finder_on, map_on) != self._panels and self._sized:
            self._panels = (finder_on, map_on)
            self.fit_panels()

    def show_finder(self) -> None:
        """Bring the show list back (it folds away in a narrow window while a show is open)."""
        self._finder_pinned = True
        self._sync_finder_visibility()
        self.finder.focus_search()

    def go_to_map(self) -> None:
        """Focus the seat map; in a narrow window where the show list took the map's place,
        the map comes back first."""
        if self._show is not None and not self.map_panel.isVisibleTo(self):
            self._finder_pinned = False
            self._sync_finder_visibility()
        self.seat_map.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def fit_panels(self) -> None:
        """Give the finder and the basket their share of the width; the map takes the rest."""
        width = max(self.main_split.width(), self.width() - 20)
        finder_on, map_on = self._panel_state()
        if self.is_compact_width():
            basket = max(300, min(340, int(width * 0.34)))
            if not finder_on:
                finder = 0
            elif not map_on:
                finder = width - basket  # the list in the centre column's place
            else:
                finder = max(260, min(320, int(width * 0.3)))
        else:
            finder = max(300, min(400, int(width * 0.26)))
            basket = max(320, min(420, int(width * 0.25)))
        self.main_split.setSizes([finder, max(0, width - finder - basket), basket])

    def _fit_corner(self) -> None:
        """The strategy and delay captions in the menu bar's corner go when the window is too
        narrow for them and the menus (the combo boxes keep their tooltips)."""
        bar = self.menuBar()
        menus = sum(bar.actionGeometry(a).width() for a in bar.actions())
        captions = sum(c.sizeHint().width() + 6 for c in self._corner_captions)
        shown = not self._corner_captions[0].isHidden()
        corner = self._corner.sizeHint().width() - (captions if shown else 0)
        fits = menus + corner + captions + 24 <= self.width()
        if fits == shown:
            return
        for caption in self._corner_captions:
            caption.setVisible(fits)
        for i in range(self.delay_combo.count()):  # "off" alone would say nothing
            self.delay_combo.setItemText(i, self._delay_item_text(self.delay_combo.itemData(i)))

    def _delay_item_text(self, ms: int) -> str:
        """A choice of the delay combo box: with its caption beside it or, without, named."""
        if self._corner_captions[1].isHidden():
            return f"Delay {_delay_text(ms)}"
        return _delay_text(ms)

    def _update_log_tab(self) -> None:
        index = self.side_tabs.indexOf(self.event_log)
        if index < 0:
            return
        if self.side_tabs.currentIndex() == index:
            self._unseen_events = 0
        text = f"Event log ({self._unseen_events} new)" if self._unseen_events else "Event log"
        self.side_tabs.setTabText(index, text)

    @Slot(str)
    def _on_event_log_entry_added(self, _kind: str) -> None:
        if self.side_tabs.indexOf(self.event_log) >= 0:
            self._unseen_events += 1
            self._update_log_tab()

    @Slot(int)
    def _on_side_tabs_current_changed(self, _index: int) -> None:
        self._update_log_tab()

    @Slot()
    def _on_shows_button_clicked(self) -> None:
        self.show_finder()

    @Slot()
    def _on_map_button_clicked(self) -> None:
        self.go_to_map()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            if isinstance(self.focusWidget(), QLineEdit | QComboBox):
                # Esc in a field never gives seats away: it leaves the field for the map; a
                # second Esc there releases.
                self.go_to_map()
                event.accept()
                return
            if not self.banner.isHidden():
                self.banner.dismiss()
                event.accept()
                return
            if self._hold is not None:
                self._on_basket_release_requested()
                event.accept()
                return
        super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._closed:
            event.accept()
            return
        if self._hold is not None or self._runner.is_busy():
            # Do not block the GUI: hide now, release the hold in the background, then close.
            event.ignore()
            if not self._closing:
                self._closing = True
                self.hide()
                if self._hold is not None and not self._action:
                    self._release_for_close()
                else:
                    self._maybe_finish_close()
            return
        self._finish_close()
        event.accept()

    def _release_for_close(self) -> None:
        hold = self._hold
        if hold is None:
            self._maybe_finish_close()
            return
        box, ctx = self._box, self._ctx
        self._start_action(f"Releasing {join_labels(hold.seat_labels)}")
        self._runner.submit(
            lambda: booking.release_hold(box, ctx, ticket_id=hold.ticket_id),
            on_done=lambda released: self._on_release_done(hold, bool(released)),
            on_error=self._on_release_failed,
            label=f"Releasing {join_labels(hold.seat_labels)}",
            activity=ctx.counter,
        )

    def _maybe_finish_close(self) -> None:
        if not self._closing or self._closed:
            return
        if self._hold is not None and not self._action:
            self._release_for_close()
            return
        if self._runner.is_busy():
            return
        self._finish_close()
        self.close()  # not from inside closeEvent: the work finished in a callback

    def _finish_close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._wait_timer.stop()
        self._quote_timer.stop()
        self.set_live_updates(False)
        self.closed.emit()


__all__ = ["SHORTCUTS", "CounterWindow", "window_title"]
