"""The counter window: what a clerk sells in all day, and where a learner watches counters fight.

Left, the show finder; in the centre, the show's header, the message place, the seat map (it
zooms and scrolls) with its legend, and the counter's event log; right, the basket. The status
bar says which database, counter, clerk and strategy, and what the window is waiting for.

The window lays out and binds. The selling flow (the show, the selection, the hold, the basket,
the payment, printing, the message above the map, what other counters do) lives in its
``SaleController``; the window forwards the clerk's intents to it and shows what its signals say.
Features outside the counter add their menus with ``add_window_action``.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Final

from PySide6.QtCore import QSignalBlocker, Qt, Signal, Slot
from PySide6.QtGui import QAction, QCloseEvent, QFont, QKeyEvent, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from bms_desktop.domain.model import Role, Strategy
from bms_desktop.gui.conflict_text import STRATEGY_NAMES, join_labels
from bms_desktop.gui.controllers.sale_controller import SaleController
from bms_desktop.gui.controllers.sale_state import BasketState, CounterMessage, PaymentInput
from bms_desktop.gui.hub import ChangeHub
from bms_desktop.gui.widgets.basket import BasketWidget
from bms_desktop.gui.widgets.basket_lines import hot_keys_text
from bms_desktop.gui.widgets.conflict_banner import ConflictBannerWidget
from bms_desktop.gui.widgets.elided_label import ElidedLabel
from bms_desktop.gui.widgets.event_log import EventLogWidget
from bms_desktop.gui.widgets.lock_panel import LockPanelWidget
from bms_desktop.gui.widgets.seat_legend import SeatLegendWidget
from bms_desktop.gui.widgets.seat_map_view import SeatMapView
from bms_desktop.gui.widgets.show_finder import ShowFinderWidget
from bms_desktop.gui.widgets.show_poster import PosterLabel
from bms_desktop.gui.windows import counter_dialogs
from bms_desktop.gui.windows.counter_actions import SHORTCUTS, CounterActions, shortcut_help_text
from bms_desktop.gui.windows.counter_panels import (
    FINDER_MIN_WIDTH,
    CounterPanelsMixin,
    delay_text,
    short_db_label,
    show_details_text,
)
from bms_desktop.gui.windows.counter_types import TicketTypesBinder
from bms_desktop.services.context import BoxOffice, CounterContext
from bms_desktop.services.dto import BookingView, HoldResult, SeatMap, ShowSummary, StaffView

log = logging.getLogger(__name__)

APP_TITLE: Final = "BMS Box Office"
DELAY_CHOICES_MS: Final = (0, 100, 250, 500, 1000, 2000, 5000)
IDLE_TEXT: Final = (
    "Ready · click or drag to pick seats, 1-9 picks the best seats, Enter holds, "
    "F9 takes payment, F1 lists the keys"
)
IDLE_SHORT_TEXT: Final = "Ready · F1 lists the keys"
MAP_HINT: Final = (
    "Click or drag to pick seats; 1-9 on the map picks the best seats. Enter holds, F9 takes "
    "the payment, Alt+S cash. Ctrl+wheel or Ctrl+= / Ctrl+- zooms, Ctrl+0 fits."
)


def window_title(ctx: CounterContext) -> str:
    return f"{APP_TITLE} — {ctx.counter} — {ctx.username} — {ctx.strategy.label}"


def _muted(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setProperty("class", "muted")
    label.setStyleSheet("color: #5F646B;")
    return label


class CounterWindow(CounterPanelsMixin, QMainWindow):
    """One counter. Signals:

    new_counter_requested(): Window -> New counter window (the launcher opens one).
    context_changed(object): the counter context changed (clerk, strategy, processing delay).
    show_opened(int): a show's map is on screen.
    sale_completed(str): a ticket code was sold (after its ticket was printed).
    lock_changed(bool): the counter locked (True: nobody may act for the clerk) or unlocked.
    closed(): the window has closed (after releasing its pending hold).
    """

    new_counter_requested = Signal()
    context_changed = Signal(object)
    show_opened = Signal(int)
    sale_completed = Signal(str)
    lock_changed = Signal(bool)
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
        ctx.require(Role.CLERK, "Selling at a counter")  # an usher gets the Door window instead
        super().__init__(parent)
        self._box = box
        self._db_label = db_label or f"{getattr(box.uows, 'dialect', 'database')}"
        self.controller = SaleController(box, ctx, hub, print_folder=print_folder, parent=self)
        self._closing = False
        self._closed = False
        self._sized = False
        self._finder_pinned = False
        self._loading = False
        self._panels: tuple[bool, bool] | None = None
        self._log_in_tab: bool | None = None
        self._unseen_events = 0
        self._build_ui()
        self.actions_ = CounterActions(self)
        self._bind()
        self.ticket_types = TicketTypesBinder(self, box)
        self.extras: list[object] = []  # other features' menus (counter_extras.py)
        self._apply_context(ctx)
        from bms_desktop.gui.shifts.counter_shift import attach_shift  # issue 11

        self.shifts = attach_shift(self, box)  # issue 11: Shift menu, status, drawer
        self.resize(1366, 768)

    # ================================================================== building

    def _build_ui(self) -> None:
        self.finder = ShowFinderWidget(self._box, self, counter=self.controller.context().counter)
        self.finder.setMinimumWidth(FINDER_MIN_WIDTH)
        self.show_title = ElidedLabel("", self)
        title_font = QFont(self.font())
        title_font.setPointSizeF(title_font.pointSizeF() + 4)
        title_font.setBold(True)
        self.show_title.setFont(title_font)
        self.show_title.setProperty("class", "title")
        self.show_details = ElidedLabel("", self)
        self.show_details.setStyleSheet("color: #5F646B;")
        self.seats_left_label = QLabel(self)
        self.seats_left_label.setAlignment(
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        )
        bold = QFont(self.font())
        bold.setBold(True)
        self.seats_left_label.setFont(bold)
        self.shows_button = QToolButton(self)
        self.shows_button.setText("☰  Shows")
        self.shows_button.setToolTip("Show the list of shows (Ctrl+L)")
        self.shows_button.setAccessibleName("Show the list of shows")
        self.shows_button.hide()
        self.map_button = QToolButton(self)
        self.map_button.setText("Back to the map  F4")
        self.map_button.setToolTip("Back to the seat map of the open show (F4)")
        self.map_button.hide()
        self.finder.add_title_widget(self.map_button)
        title_row = QHBoxLayout()
        title_row.setContentsMargins(0, 0, 0, 0)
        title_row.setSpacing(10)
        title_row.addWidget(self.shows_button, 0, Qt.AlignmentFlag.AlignVCenter)
        title_row.addWidget(self.show_title, 1)
        title_row.addWidget(self.seats_left_label, 0, Qt.AlignmentFlag.AlignVCenter)
        lines = QVBoxLayout()
        lines.setSpacing(1)
        lines.addLayout(title_row)
        lines.addWidget(self.show_details)
        self.poster_label = PosterLabel(self.finder.posters, 42, self)  # issue 8: when it has one
        header = QHBoxLayout()
        header.setContentsMargins(0, 0, 0, 0)
        header.addWidget(self.poster_label, 0, Qt.AlignmentFlag.AlignVCenter)
        header.addLayout(lines, 1)

        # The message place keeps its height whether or not there is a message: a message
        # coming or going never moves the seats under the pointer.
        self.banner = ConflictBannerWidget(self, reserve=True, idle_text=MAP_HINT)
        self.map_view = SeatMapView(self, clock=self._box.now)
        self.seat_map = self.map_view.map
        self.legend = SeatLegendWidget(self)
        map_frame = QFrame(self)
        map_frame.setObjectName("seatMapFrame")
        map_frame.setStyleSheet(
            "QFrame#seatMapFrame { background: #FBFBFA; border: 1px solid #D5D9DF;"
            " border-radius: 6px; }"
        )
        map_layout = QVBoxLayout(map_frame)
        map_layout.setContentsMargins(4, 4, 4, 4)
        map_layout.setSpacing(2)
        map_layout.addWidget(self.map_view, 1)
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

        self.map_panel = QWidget(self)
        panel = QVBoxLayout(self.map_panel)
        panel.setContentsMargins(0, 0, 0, 0)
        panel.setSpacing(6)
        panel.addLayout(header)
        panel.addWidget(self.banner)
        panel.addWidget(self.centre_stack, 1)

        self.event_log = EventLogWidget(self, clock=self._box.now, model=self.controller.event_log)
        self.event_log.setMinimumHeight(110)
        self.centre_split = QSplitter(Qt.Orientation.Vertical, self)
        self.centre_split.setChildrenCollapsible(False)
        self.centre_split.addWidget(self.map_panel)
        self.centre_split.setStretchFactor(0, 4)

        self.basket = BasketWidget(self, clock=self._box.now)
        basket_scroll = QScrollArea(self)
        basket_scroll.setWidgetResizable(True)
        basket_scroll.setFrameShape(QFrame.Shape.NoFrame)
        basket_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        holder = QWidget(basket_scroll)
        holder_layout = QVBoxLayout(holder)
        holder_layout.setContentsMargins(0, 0, 6, 0)
        holder_layout.addWidget(self.basket)
        basket_scroll.setWidget(holder)
        basket_scroll.setMinimumWidth(262)
        self.basket_scroll = basket_scroll
        self.side_tabs = QTabWidget(self)
        self.side_tabs.setDocumentMode(True)
        self.side_tabs.setTabBarAutoHide(True)
        self.side_tabs.addTab(basket_scroll, "Basket")

        self.main_split = QSplitter(Qt.Orientation.Horizontal, self)
        self.main_split.setChildrenCollapsible(False)
        self.main_split.setHandleWidth(7)
        self.centre_split.setHandleWidth(7)
        self.main_split.addWidget(self.finder)
        self.main_split.addWidget(self.centre_split)
        self.main_split.addWidget(self.side_tabs)
        self.main_split.setStretchFactor(1, 1)

        self.lock_panel = LockPanelWidget(self._box, self)
        content = QWidget(self)
        content_layout = QVBoxLayout(content)
        content_layout.setContentsMargins(8, 6, 8, 4)
        self._central_margins = 16
        content_layout.addWidget(self.main_split)
        self.pages = QStackedWidget(self)
        self.pages.addWidget(content)
        self.pages.addWidget(self.lock_panel)
        self.setCentralWidget(self.pages)

        self.strategy_combo = QComboBox(self)
        self.strategy_combo.setAccessibleName("Strategy")
        for strategy in Strategy:
            self.strategy_combo.addItem(strategy.label, strategy.value)
        self.strategy_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.delay_combo = QComboBox(self)
        for ms in DELAY_CHOICES_MS:
            self.delay_combo.addItem(delay_text(ms), ms)
        self.delay_combo.setAccessibleName("Processing delay inside the transaction")
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

        self.wait_label = ElidedLabel("", self)
        self.wait_label.setObjectName("waitState")
        self.context_status = QLabel(self)
        self.context_status.setObjectName("contextStatus")
        bar = self.statusBar()
        bar.setSizeGripEnabled(False)
        bar.addWidget(self.wait_label, 1)
        bar.addPermanentWidget(self.context_status)
        self._show_wait_state("")

    def _bind(self) -> None:
        c, a = self.controller, self.actions_
        # the controller's news -> the widgets
        c.context_changed.connect(self._on_controller_context_changed)
        c.setup_allowed_changed.connect(self._on_controller_setup_allowed_changed)
        c.show_loading.connect(self._on_controller_show_loading)
        c.show_loaded.connect(self._on_controller_show_loaded)
        c.show_changed.connect(self._on_controller_show_changed)
        c.seats_changed.connect(self.seat_map.update_seats)
        c.selection_changed.connect(self._on_controller_selection_changed)
        c.basket_changed.connect(self._on_controller_basket_changed)
        c.lost_changed.connect(self._on_controller_lost_changed)
        c.my_tickets_changed.connect(self.seat_map.set_my_tickets)
        c.message_changed.connect(self._on_controller_message_changed)
        c.status_posted.connect(self.show_status)
        c.busy_changed.connect(self._show_wait_state)
        c.payment_focus_requested.connect(self.basket.focus_payment)
        c.payment_due.connect(self._on_basket_pay_requested)
        c.map_focus_requested.connect(self._on_controller_map_focus_requested)
        c.sale_completed.connect(self._on_controller_sale_completed)
        c.pending_changed.connect(self._on_controller_pending_changed)
        c.finished.connect(self._on_controller_finished)
        # the clerk's intents -> the controller
        self.finder.show_chosen.connect(self.open_show)
        self.seat_map.selection_changed.connect(c.select)
        self.seat_map.best_requested.connect(c.pick_best)
        self.seat_map.activated.connect(self._on_seat_map_activated)
        self.seat_map.selection_refused.connect(self._on_seat_map_selection_refused)
        self.basket.hold_requested.connect(self._on_basket_hold_requested)
        self.basket.pay_requested.connect(self._on_basket_pay_requested)
        self.basket.release_requested.connect(c.release)
        self.basket.print_requested.connect(c.reprint)
        self.basket.coupon_submitted.connect(self._on_basket_coupon_submitted)
        self.basket.coupon_cleared.connect(c.clear_coupon)
        self.banner.dismissed.connect(c.dismiss_message)
        self.lock_panel.signed_in.connect(self._on_lock_panel_signed_in)
        self.event_log.entry_added.connect(self._on_event_log_entry_added)
        self.side_tabs.currentChanged.connect(self._on_side_tabs_current_changed)
        self.shows_button.clicked.connect(self.show_finder)
        self.map_button.clicked.connect(self.go_to_map)
        self.statusBar().messageChanged.connect(self._on_status_bar_message_changed)
        self.strategy_combo.currentIndexChanged.connect(self._on_strategy_combo_index_changed)
        self.delay_combo.currentIndexChanged.connect(self._on_delay_combo_index_changed)
        a.strategy_group.triggered.connect(self._on_strategy_group_triggered)
        a.new_counter.triggered.connect(self.new_counter_requested)
        a.close.triggered.connect(self.close)
        a.delay.triggered.connect(self._on_delay_action_triggered)
        a.search.triggered.connect(self.show_finder)
        a.map.triggered.connect(self.go_to_map)
        a.reload.triggered.connect(self.refresh_seat_map)
        a.zoom_in.triggered.connect(self.map_view.zoom_in)
        a.zoom_out.triggered.connect(self.map_view.zoom_out)
        a.zoom_fit.triggered.connect(self.map_view.zoom_to_fit)
        a.hold.triggered.connect(self._on_basket_hold_requested)
        a.pay.triggered.connect(self._on_basket_pay_requested)
        a.release.triggered.connect(c.release)
        a.print_again.triggered.connect(c.reprint)
        a.pending.triggered.connect(c.resume_pending)
        a.lock.triggered.connect(self.lock)
        a.switch_clerk.triggered.connect(self._on_switch_clerk_triggered)
        a.sign_out.triggered.connect(self.sign_out)
        for mode, action in a.pay_modes.items():
            action.triggered.connect(
                lambda _checked=False, m=mode: self.basket.choose_payment_mode(m)
            )
        a.find_booking.triggered.connect(self._on_find_booking_triggered)
        a.shortcuts.triggered.connect(self._on_shortcuts_triggered)
        a.about.triggered.connect(self._on_about_triggered)

    # ================================================================== public

    def context(self) -> CounterContext:
        return self.controller.context()

    def add_window_action(self, menu_name: str, action: QAction, **where: Any) -> QAction:
        """A feature outside the counter adds its action to a menu of this window ("Admin");
        see ``CounterActions.add_window_action`` (``before=``, ``while_locked=``)."""
        return self.actions_.add_window_action(menu_name, action, **where)

    def set_strategy(self, strategy: Strategy) -> None:
        self.controller.set_strategy(strategy)

    def set_delay_ms(self, delay_ms: int) -> None:
        self.controller.set_delay_ms(delay_ms)

    def open_show(self, show_id: int) -> None:
        self.controller.open_show(show_id)

    def current_show(self) -> ShowSummary | None:
        return self.controller.current_show()

    def current_hold(self) -> HoldResult | None:
        return self.controller.current_hold()

    def last_sale(self) -> BookingView | None:
        return self.controller.last_sale()

    def last_printed_files(self) -> tuple[Path, ...]:
        return self.controller.last_printed_files()

    def is_busy(self) -> bool:
        """Any database work in flight (a hold, a refresh, a quote)."""
        return self.controller.is_busy()

    def waiting_text(self) -> str:
        return self.controller.waiting_text()

    def refresh_seat_map(self) -> None:
        self.controller.refresh()
        self.finder.refresh_shows(None)

    def set_live_updates(self, enabled: bool) -> None:
        self.controller.set_live_updates(enabled)

    def pick_best(self, count: int) -> tuple[int, ...]:
        return self.controller.pick_best(count)

    def print_folder(self) -> Path:
        return self.controller.print_folder()

    def shortcut_help_text(self) -> str:
        return shortcut_help_text()

    def is_locked(self) -> bool:
        return self.pages.currentWidget() is self.lock_panel

    def show_status(self, text: str, timeout_ms: int = 0) -> None:
        """A message in the status bar for ``timeout_ms`` (0: until the next one). The "who and
        where" line steps aside while a message needs its room; a message longer than the whole
        bar ends in "…" (the bar's tooltip has all of it)."""
        bar = self.statusBar()
        fm = bar.fontMetrics()
        room = bar.width() - 24
        permanent = self.context_status.sizeHint().width() + 12
        self.context_status.setVisible(not text or fm.horizontalAdvance(text) <= room - permanent)
        shown = fm.elidedText(text, Qt.TextElideMode.ElideRight, max(room, 40))
        bar.setToolTip(text if shown != text else "")
        bar.showMessage(shown, timeout_ms)

    def status_text(self) -> str:
        """The status bar's message as it was given (empty when there is none)."""
        if not self.statusBar().currentMessage():
            return ""
        return self.statusBar().toolTip() or self.statusBar().currentMessage()

    # ================================================================== clerk

    def lock(self) -> None:
        """A break: the counter waits behind the sign-in panel; held seats stay held."""
        self._leave("lock", keep_name=True)

    def sign_out(self) -> None:
        self._leave("sign out", keep_name=False)

    def _leave(self, reason: str, *, keep_name: bool) -> None:
        ctx = self.controller.context()
        self.controller.sign_out(reason)
        hold = self.controller.current_hold()
        held = f"{join_labels(hold.seat_labels)} ({hold.ticket_code})" if hold else ""
        self.lock_panel.lock(ctx.counter, ctx.username if keep_name else None, held=held)
        self.pages.setCurrentWidget(self.lock_panel)
        for action in self.actions_.selling():
            action.setEnabled(False)
        self.strategy_combo.setEnabled(False)
        self.delay_combo.setEnabled(False)
        self.setWindowTitle(f"{APP_TITLE} — {ctx.counter} — locked")
        self.context_status.setText(f"{ctx.counter} · locked · {short_db_label(self._db_label)}")
        self.lock_changed.emit(True)

    @Slot(object)
    def _on_lock_panel_signed_in(self, staff: StaffView) -> None:
        if staff.staff_id != self.controller.context().staff_id:
            self.controller.switch_clerk(staff)
        self.pages.setCurrentIndex(0)
        for action in self.actions_.selling():
            action.setEnabled(True)
        self._apply_context(self.controller.context())
        self.lock_changed.emit(False)
        self.go_to_map()

    @Slot()
    def _on_switch_clerk_triggered(self) -> None:
        self._leave("switch clerk", keep_name=False)

    # ================================================================== context

    def _apply_context(self, ctx: CounterContext) -> None:
        self.setWindowTitle(window_title(ctx))
        with QSignalBlocker(self.strategy_combo):
            self.strategy_combo.setCurrentIndex(self.strategy_combo.findData(ctx.strategy.value))
        with QSignalBlocker(self.delay_combo):
            index = self.delay_combo.findData(ctx.delay_ms)
            if index < 0:  # a value from the command line that is not one of the choices
                choices = [self.delay_combo.itemData(i) for i in range(self.delay_combo.count())]
                index = sum(1 for ms in choices if ms < ctx.delay_ms)
                self.delay_combo.insertItem(
                    index, self._delay_item_text(ctx.delay_ms), ctx.delay_ms
                )
            self.delay_combo.setCurrentIndex(index)
        self.actions_.strategies[ctx.strategy].setChecked(True)
        delay = f" · {delay_text(ctx.delay_ms)} delay" if ctx.delay_ms else ""
        self.context_status.setText(
            f"{ctx.username} · {ctx.counter} · {STRATEGY_NAMES[ctx.strategy]}{delay} · "
            f"{short_db_label(self._db_label)}"
        )
        self.context_status.setToolTip(
            f"Clerk: {ctx.username} ({ctx.role.value.lower()})\nCounter: {ctx.counter}\n"
            f"Strategy: {ctx.strategy.label}; processing delay inside the transaction: "
            f"{delay_text(ctx.delay_ms)}\nDatabase: {self._db_label}"
        )
        self.event_log.set_counter(ctx.counter)

    @Slot(object)
    def _on_controller_context_changed(self, ctx: CounterContext) -> None:
        self._apply_context(ctx)
        self.context_changed.emit(ctx)

    @Slot(bool)
    def _on_controller_setup_allowed_changed(self, allowed: bool) -> None:
        why = "" if allowed else " (a supervisor changes this at this box office)"
        for widget in (self.strategy_combo, self.delay_combo):
            widget.setEnabled(allowed and not self.is_locked())
        self.actions_.strategy_menu.setEnabled(allowed)
        self.actions_.delay.setEnabled(allowed)
        self.strategy_combo.setToolTip(
            "How this counter claims seats: pessimistic (take the lock first), optimistic "
            "(check versions, retry) or thread lock (only this program's windows)" + why
        )
        self.delay_combo.setToolTip(
            "Teaching aid: this counter pauses this long inside its hold transaction, so that "
            "another counter's lock wait becomes visible" + why
        )

    @Slot(int)
    def _on_strategy_combo_index_changed(self, index: int) -> None:
        value = self.strategy_combo.itemData(index)
        if value:
            self.controller.set_strategy(Strategy(value))

    @Slot(QAction)
    def _on_strategy_group_triggered(self, action: QAction) -> None:
        self.controller.set_strategy(Strategy(action.data()))

    @Slot(int)
    def _on_delay_combo_index_changed(self, index: int) -> None:
        value = self.delay_combo.itemData(index)
        if isinstance(value, int):
            self.controller.set_delay_ms(value)

    @Slot()
    def _on_delay_action_triggered(self) -> None:
        self.delay_combo.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.delay_combo.showPopup()

    # ================================================================== show and map

    @Slot(int)
    def _on_controller_show_loading(self, show_id: int) -> None:
        self._loading = True
        current = self.controller.current_show()
        if current is None or current.show_id != show_id:
            self.centre_stack.setCurrentWidget(self.loading_label)

    @Slot(object)
    def _on_controller_show_loaded(self, seat_map: SeatMap) -> None:
        self._loading = False
        ctx = self.controller.context()
        self.seat_map.set_seat_map(seat_map, my_counter=ctx.counter)
        self.legend.set_seat_map(seat_map)
        self.centre_stack.setCurrentIndex(1)
        self.finder.set_current_show(seat_map.show.show_id)
        self._finder_pinned = False
        self._sync_finder_visibility()
        self.show_opened.emit(seat_map.show.show_id)

    @Slot(object)
    def _on_controller_show_changed(self, show: ShowSummary) -> None:
        self._loading = False
        if self.centre_stack.currentWidget() is self.loading_label:
            self.centre_stack.setCurrentIndex(1 if self.seat_map.seat_map() else 0)
        self.show_title.setText(show.movie_title)
        self.show_details.setText(show_details_text(show))
        self.poster_label.show_movie(show.movie_id)
        self.seats_left_label.setText(
            "Sold out"
            if show.seats_available <= 0
            else f"{show.seats_available:,} of {show.seats_total:,} left"
        )
        self.finder.model.update_show(show)

    @Slot(list)
    def _on_controller_selection_changed(self, ids: list[int]) -> None:
        if list(self.seat_map.selected_ids()) != ids:
            with QSignalBlocker(self.seat_map):
                self.seat_map.set_selection(ids)

    @Slot(list)
    def _on_controller_lost_changed(self, ids: list[int]) -> None:
        self.seat_map.clear_lost()
        self.seat_map.mark_lost(ids)

    @Slot(object)
    def _on_controller_message_changed(self, message: CounterMessage | None) -> None:
        if message is None:
            self.banner.dismiss()
        else:
            self.banner.show_message(message.message)

    @Slot()
    def _on_controller_map_focus_requested(self) -> None:
        if not self.is_locked():
            self.seat_map.setFocus(Qt.FocusReason.OtherFocusReason)

    @Slot()
    def _on_seat_map_activated(self) -> None:
        if self.controller.current_hold() is None:
            self._on_basket_hold_requested()
        else:
            self.basket.focus_payment()

    @Slot(str)
    def _on_seat_map_selection_refused(self, message: str) -> None:
        self.show_status(message, 6000)

    # ================================================================== basket

    @Slot(object)
    def _on_controller_basket_changed(self, state: BasketState) -> None:
        self.basket.set_state(state)

    @Slot()
    def _on_basket_hold_requested(self) -> None:
        pay = self.basket.payment()
        self.controller.hold(pay.customer_name, pay.customer_phone, self.basket.coupon_code())

    @Slot()
    def _on_basket_pay_requested(self) -> None:
        if self.controller.current_hold() is None and self.controller.pay_once_held():
            return  # F9 typed ahead of the hold: payment_due brings it back once held
        if self.controller.current_hold() is not None and not self.shifts.ensure_shift(self):
            return  # issue 11: selling needs an open shift (offered, or said why not)
        pay = self.basket.payment()
        self.controller.pay(
            PaymentInput(
                mode=pay.mode,
                tendered=pay.tendered,
                reference=pay.reference,
                customer_name=pay.customer_name,
                customer_phone=pay.customer_phone,
            )
        )

    @Slot(str)
    def _on_basket_coupon_submitted(self, code: str) -> None:
        self.controller.apply_coupon(code, self.basket.payment().customer_phone)

    @Slot(str)
    def _on_controller_sale_completed(self, code: str) -> None:
        self.finder.refresh_shows(None)
        self.sale_completed.emit(code)

    @Slot(list)
    def _on_controller_pending_changed(self, pending: list[HoldResult]) -> None:
        n = len(pending)
        self.actions_.pending.setText(
            f"Seats &held by this counter ({n})…" if n else "Seats &held by this counter…"
        )

    # ================================================================== status

    @Slot(str)
    def _show_wait_state(self, text: str) -> None:
        self.basket.set_busy(text)
        if text:
            self.wait_label.setStyleSheet("color: #8A5A00; font-weight: 600;")
            self.wait_label.set_short_text("")
            self.wait_label.setText(text)
        else:
            self.wait_label.setStyleSheet("")
            self.wait_label.set_short_text(IDLE_SHORT_TEXT)
            self.wait_label.setText(IDLE_TEXT)

    @Slot(str)
    def _on_status_bar_message_changed(self, message: str) -> None:
        if not message:  # the message timed out or was cleared: the permanent line comes back
            self.context_status.show()
            self.statusBar().setToolTip("")

    @Slot(str)
    def _on_event_log_entry_added(self, _kind: str) -> None:
        if self.side_tabs.indexOf(self.event_log) >= 0:
            self._unseen_events += 1
            self._update_log_tab()

    @Slot(int)
    def _on_side_tabs_current_changed(self, _index: int) -> None:
        self._update_log_tab()

    # ================================================================== dialogs

    @Slot()
    def _on_find_booking_triggered(self) -> None:
        cancelled = counter_dialogs.find_booking(self, self._box, self.controller)
        if cancelled:
            self.controller.note_cancellations(cancelled)
            self.shifts.refresh()  # issue 11: a refund moved the drawer

    @Slot()
    def _on_about_triggered(self) -> None:
        counter_dialogs.about(self, self._db_label, self.controller.context())

    @Slot()
    def _on_shortcuts_triggered(self) -> None:
        counter_dialogs.shortcuts(self, hot_keys_text(self.controller.ticket_type_choices()))

    # ================================================================== Qt

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

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and not self.is_locked():
            if isinstance(self.focusWidget(), QLineEdit | QComboBox):
                # Esc in a field never gives seats away: it leaves the field for the map; a
                # second Esc there releases.
                self.go_to_map()
                event.accept()
                return
            if self.banner.is_showing():
                self.banner.dismiss()
                event.accept()
                return
            if self.controller.current_hold() is not None:
                self.controller.release()
                event.accept()
                return
        super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._closed:
            event.accept()
            return
        hold = self.controller.current_hold()
        if hold is not None and not self._closing and not counter_dialogs.confirm_close(self, hold):
            event.ignore()  # the clerk keeps the window and the seats
            return
        if hold is not None or self.controller.is_busy():
            # Do not block the GUI: hide now, release the seats in the background, then close.
            event.ignore()
            if not self._closing:
                self._closing = True
                self.hide()
                self.controller.close()
            return
        self._finish_close()
        event.accept()

    @Slot()
    def _on_controller_finished(self) -> None:
        if self._closing and not self._closed:
            self._finish_close()
            self.close()  # not from inside closeEvent: the work finished in a callback

    def _finish_close(self) -> None:
        if self._closed:
            return
        self._closed = True
        if not self.controller.is_finished():
            self.controller.close()
        self.controller.set_live_updates(False)
        self.closed.emit()


__all__ = ["SHORTCUTS", "CounterWindow", "window_title"]
