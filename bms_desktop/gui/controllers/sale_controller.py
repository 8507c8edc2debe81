"""The selling flow of one counter, without a widget: open a show, pick seats, hold, apply a
coupon, take the payment, print, release, let a hold run out, take up the holds a crashed or
closed counter left behind, and follow what other counters do to the open show.

``SaleController`` owns the state (the open show and its seats, the selection, the hold, the
basket, the message above the map, the event log) and every service call, each off the GUI
thread through its ``TaskRunner``. The counter window binds widgets to its signals and forwards
the clerk's intents to its methods; tests drive a whole sale through it without a window.

Signals (what a view shows):
    context_changed(object): the CounterContext (clerk, strategy, delay) changed.
    setup_allowed_changed(bool): whether this clerk may change the strategy and the delay.
    show_loading(int), show_loaded(object) SeatMap, show_changed(object) ShowSummary.
    seats_changed(list): SeatViews that changed (repaint and flash them).
    selection_changed(list): the selected show seat ids (the controller's word is final).
    basket_changed(object): a new BasketState.
    lost_changed(list): seats just lost to another counter (outlined).
    my_tickets_changed(object): the tickets this counter holds (their seats are "mine").
    message_changed(object): the CounterMessage above the map, or None.
    status_posted(str, int): a line for the status bar and how long (ms, 0: until the next).
    busy_changed(str): what the counter is doing or waiting for ("" when idle).
    payment_focus_requested(), map_focus_requested(): where the keyboard should go next.
    payment_due(): the seats are held and the clerk had already asked for the payment while
        they were being held (F9 typed ahead, ``pay_once_held``): take it now.
    sale_completed(str): a ticket code was sold (after its ticket was printed).
    pending_changed(list): holds of this counter on other shows (HoldResults).
    ticket_types_changed(list): the TicketTypeChoices the open show's cinema offers.
    finished(): after ``close()``, nothing is in flight and no seat is held any more.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any, Final

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from bms_desktop.domain import cinema_time
from bms_desktop.domain.errors import (
    DomainError,
    PermissionDenied,
    SeatsUnavailable,
    ValidationError,
)
from bms_desktop.domain.model import Role, SeatStatus, Strategy
from bms_desktop.gui.conflict_text import (
    ConflictMessage,
    describe_conflict,
    describe_error,
    describe_success,
    join_labels,
)
from bms_desktop.gui.controllers.sale_payment import PaymentMixin
from bms_desktop.gui.controllers.sale_pending import PendingHoldsMixin
from bms_desktop.gui.controllers.sale_state import (
    BasketState,
    CounterMessage,
    PaymentInput,
    sentence,
)
from bms_desktop.gui.controllers.sale_types import TicketTypesMixin
from bms_desktop.gui.controllers.seat_feed import (
    Expectations,
    seat_key,
)
from bms_desktop.gui.controllers.show_feed import ShowFeedMixin
from bms_desktop.gui.formatting import money
from bms_desktop.gui.hub import ChangeHub
from bms_desktop.gui.models.event_log_model import EventLogModel, LogEntry
from bms_desktop.gui.workers import ACTIVITY, TaskRunner
from bms_desktop.services import (
    auth,
    booking,
    cancellation,
    checkout,
    counter_setup,
    queries,
    sale_common,
)
from bms_desktop.services.admin.dto_ticket_types import TicketTypeChoice
from bms_desktop.services.context import BoxOffice, CounterContext
from bms_desktop.services.dto import (
    BookingView,
    ConcurrencyReport,
    HoldResult,
    Quote,
    SeatMap,
    SeatView,
    ShowSummary,
    StaffView,
)

log = logging.getLogger(__name__)

WAIT_SHOWN_AFTER_MS: Final = 150  # below this an action is just "working"
WAIT_TICK_MS: Final = 100
QUOTE_DEBOUNCE_MS: Final = 60
EXPIRY_TICK_MS: Final = 250


def _ms(t0: float) -> float:
    return (time.perf_counter() - t0) * 1000.0


class SaleController(ShowFeedMixin, PaymentMixin, PendingHoldsMixin, TicketTypesMixin, QObject):
    context_changed = Signal(object)
    setup_allowed_changed = Signal(bool)
    show_loading = Signal(int)
    show_loaded = Signal(object)
    show_changed = Signal(object)
    seats_changed = Signal(list)
    selection_changed = Signal(list)
    basket_changed = Signal(object)
    lost_changed = Signal(list)
    my_tickets_changed = Signal(object)
    message_changed = Signal(object)
    status_posted = Signal(str, int)
    busy_changed = Signal(str)
    payment_focus_requested = Signal()
    payment_due = Signal()
    map_focus_requested = Signal()
    sale_completed = Signal(str)
    pending_changed = Signal(list)
    ticket_types_changed = Signal(list)
    finished = Signal()

    def __init__(
        self,
        box: BoxOffice,
        ctx: CounterContext,
        hub: ChangeHub,
        *,
        print_folder: Path | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._box = box
        self._ctx = ctx
        self._hub = hub
        self._print_folder = print_folder
        self._runner = TaskRunner(self, max_threads=3)
        self.event_log = EventLogModel(self)
        self._show: ShowSummary | None = None
        self._seats: dict[int, SeatView] = {}
        self._map: SeatMap | None = None
        self._loading_show: int | None = None
        self._selection: tuple[int, ...] = ()
        self._hold: HoldResult | None = None
        self._basket = BasketState()
        self._my_tickets: set[int] = set()
        self._lost: set[int] = set()
        self._message: CounterMessage | None = None
        self._pending: list[HoldResult] = []
        self._expected = Expectations()
        self._last_sale: BookingView | None = None
        self._last_files: tuple[Path, ...] = ()
        self._action = ""  # the write action in flight ("Holding C7, C8"), "" when none
        self._holding = False  # that action is a hold
        self._pay_once_held = False  # F9 came while the hold was under way
        self._action_since = 0.0  # time.monotonic() when it started
        self._wait_text = ""
        self._refreshes_started = 0
        self._refresh_in_flight = False
        self._refresh_again = False
        self._quote_generation = 0
        self._setup_allowed = False
        self._coupon_wanted = ""  # a coupon typed before the hold: priced into the quotes
        self._type_choices: tuple[TicketTypeChoice, ...] = ()  # the open show's cinema's
        self._types_theater: int | None = None
        self._types_wanted: dict[int, str] = {}  # ticket types chosen before the hold
        self._pending_told: set[int] = set()  # holds of other shows the clerk was told about
        self._closing = False
        self._finished = False
        self._live = False
        self._wait_timer = QTimer(self)
        self._wait_timer.setInterval(WAIT_TICK_MS)
        self._wait_timer.timeout.connect(self._on_wait_timer_timeout)
        self._quote_timer = QTimer(self)
        self._quote_timer.setSingleShot(True)
        self._quote_timer.setInterval(QUOTE_DEBOUNCE_MS)
        self._quote_timer.timeout.connect(self._on_quote_timer_timeout)
        self._expiry_timer = QTimer(self)
        self._expiry_timer.setInterval(EXPIRY_TICK_MS)
        self._expiry_timer.timeout.connect(self._on_expiry_timer_timeout)
        self._runner.busy_changed.connect(self._on_runner_busy_changed)
        self.show_loaded.connect(self._on_self_show_loaded)
        self.set_live_updates(True)
        self._start()

    # ================================================================== reading

    def context(self) -> CounterContext:
        return self._ctx

    def may_change_setup(self) -> bool:
        return self._setup_allowed

    def current_show(self) -> ShowSummary | None:
        return self._show

    def seat_map(self) -> SeatMap | None:
        """The open show's map with the seats as they are known now."""
        if self._map is None:
            return None
        return replace(self._map, seats=tuple(self._seats[s.show_seat_id] for s in self._map.seats))

    def seat(self, show_seat_id: int) -> SeatView | None:
        return self._seats.get(show_seat_id)

    def current_hold(self) -> HoldResult | None:
        return self._hold

    def selected_ids(self) -> tuple[int, ...]:
        return self._selection

    def basket(self) -> BasketState:
        return self._basket

    def basket_labels(self) -> tuple[str, ...]:
        return self._basket.labels

    def lost_ids(self) -> frozenset[int]:
        return frozenset(self._lost)

    def message(self) -> CounterMessage | None:
        return self._message

    def pending_holds(self) -> list[HoldResult]:
        return list(self._pending)

    def last_sale(self) -> BookingView | None:
        return self._last_sale

    def last_printed_files(self) -> tuple[Path, ...]:
        return self._last_files

    def is_busy(self) -> bool:
        return self._runner.is_busy()

    def waiting_text(self) -> str:
        return self._wait_text

    def entries(self) -> tuple[LogEntry, ...]:
        return self.event_log.entries()

    def timezone(self) -> str:
        return self.event_log.timezone()

    def print_folder(self) -> Path:
        if self._print_folder is None:
            from bms_desktop.gui import printing

            self._print_folder = printing.default_print_folder()
        return self._print_folder

    # ================================================================== start and context

    def _start(self) -> None:
        box, ctx = self._box, self._ctx

        def look() -> tuple[str, bool, list[HoldResult]]:
            tz = box.settings().box_office_timezone
            allowed = counter_setup.may_change_counter_setup(box, ctx)
            return tz, allowed, queries.pending_holds(box, ctx.counter)

        self._runner.submit(look, on_done=self._on_started, label="Looking up this counter")

    def _on_started(self, answer: tuple[str, bool, list[HoldResult]]) -> None:
        tz, allowed, pending = answer
        if self._show is None:
            self.event_log.set_timezone(tz)
        self._set_setup_allowed(allowed)
        self._offer_pending(pending)

    def _set_setup_allowed(self, allowed: bool) -> None:
        self._setup_allowed = allowed
        self.setup_allowed_changed.emit(allowed)

    def set_strategy(self, strategy: Strategy) -> None:
        self._change_setup(strategy=strategy)

    def set_delay_ms(self, delay_ms: int) -> None:
        self._change_setup(delay_ms=max(0, min(counter_setup.MAX_DELAY_MS, int(delay_ms))))

    def _change_setup(self, **change: Any) -> None:
        """Strategy or delay, through the service (who may is the box office's setting;
        audited with the values before and after)."""
        box, ctx = self._box, self._ctx
        t0 = time.perf_counter()
        self._runner.submit(
            lambda: counter_setup.change_counter_setup(box, ctx, **change),
            on_done=lambda new: self._on_setup_changed(ctx, new, _ms(t0)),
            on_error=self._on_setup_refused,
            label="Changing the counter's setup",
            activity=ctx.counter,
        )

    def _on_setup_changed(self, old: CounterContext, new: CounterContext, took: float) -> None:
        # Keep the clerk in place (a sign-in may have happened meanwhile); take the setup.
        self._ctx = replace(self._ctx, strategy=new.strategy, delay_ms=new.delay_ms)
        if new.strategy is not old.strategy:
            self._log("STRATEGY", f"strategy switched to {new.strategy.label.lower()}", took)
        if new.delay_ms != old.delay_ms:
            self._log(
                "DELAY",
                f"processing delay inside the transaction set to {new.delay_ms} ms"
                if new.delay_ms
                else "processing delay switched off",
                took,
            )
        self.context_changed.emit(self._ctx)

    def _on_setup_refused(self, exc: BaseException) -> None:
        self.context_changed.emit(self._ctx)  # the view puts the old values back
        self._post_status(describe_error(exc).text.replace("\n", " "), 8000)

    def switch_clerk(self, staff: StaffView) -> None:
        """Another clerk signed in at this counter (a shift change): the held seats, the
        basket and the show stay; the title, the rights and the audit trail follow the clerk.
        PermissionDenied for an usher: ushers admit at the door and never sell."""
        if not staff.role.at_least(Role.CLERK):
            raise PermissionDenied(
                f"{staff.username} is an usher: ushers admit tickets at the door; a clerk "
                "signs in at a counter"
            )
        self._ctx = replace(
            self._ctx, staff_id=staff.staff_id, username=staff.username, role=staff.role
        )
        self._log("CLERK", f"{staff.username} signed in at {self._ctx.counter}", 0.0)
        self.context_changed.emit(self._ctx)
        box, ctx = self._box, self._ctx
        self._runner.submit(
            lambda: counter_setup.may_change_counter_setup(box, ctx),
            on_done=self._set_setup_allowed,
            label="Looking up the clerk's rights",
        )

    def sign_out(self, reason: str = "sign out") -> None:
        """The clerk leaves (audited); the window locks until someone signs in."""
        box, ctx = self._box, self._ctx
        self._log("CLERK", f"{ctx.username} left {ctx.counter} ({reason})", 0.0)
        self._runner.submit(
            lambda: auth.sign_out(box, ctx, reason=reason),
            on_error=lambda exc: log.warning("sign-out of %s not recorded: %s", ctx.username, exc),
            label="Signing out",
        )

    # ================================================================== hold

    def hold(self, customer_name: str = "", customer_phone: str = "", coupon: str = "") -> bool:
        """Hold the selected seats (and apply ``coupon`` to them); False when there is nothing
        to hold or an action is under way."""
        if self._action or self._show is None:
            return False
        if self._hold is not None:
            self._post_status(
                "These seats are already held: take the payment (F9) or release them (F8).", 6000
            )
            return False
        ids = list(self._selection)
        if not ids:
            self._post_status("Pick seats first: click them, or press a digit on the map.", 6000)
            return False
        labels = [self._seats[sid].label for sid in ids]
        seen = {sid: self._seats[sid].version for sid in ids}
        box, ctx, show_id = self._box, self._ctx, self._show.show_id
        self._set_message(None)
        if self._lost:
            self._lost.clear()
            self.lost_changed.emit([])

        set_types = self._types_after_hold(ids)  # chosen before the hold (issue 8)

        def hold() -> tuple[HoldResult, Quote | None, str | None, str]:
            result = booking.hold_seats(
                box,
                ctx,
                show_id=show_id,
                show_seat_ids=ids,
                seen_versions=seen,
                customer_name=customer_name or None,
                customer_phone=customer_phone or None,
            )
            quote: Quote | None = None
            refused: str | None = None
            not_typed = ""
            if set_types is not None:
                quote, not_typed = set_types(box, ctx, result.ticket_id)
            if coupon:
                try:
                    quote = checkout.apply_coupon(
                        box,
                        ctx,
                        ticket_id=result.ticket_id,
                        code=coupon,
                        customer_phone=customer_phone or None,
                    )
                except DomainError as exc:
                    refused = str(exc)
            return result, quote, refused, not_typed

        what = f"Holding {join_labels(labels)}"
        self._start_action(what)
        self._holding = True
        self._runner.submit(
            hold,
            on_done=lambda answer: self._on_hold_done(*answer),
            on_error=lambda exc: self._on_hold_failed(ids, labels, exc),
            label=what,
            activity=ctx.counter,
        )
        return True

    def pay_once_held(self) -> bool:
        """The clerk asked for the payment (F9) while the seats are still being held: take it as
        soon as they are (``payment_due``); False when no hold is under way."""
        if not self._holding:
            return False
        self._pay_once_held = True
        self._post_status("Taking the payment as soon as the seats are held…", 4000)
        return True

    def _on_hold_done(
        self, result: HoldResult, quote: Quote | None, refused: str | None, not_typed: str = ""
    ) -> None:
        self._end_action()
        self._holding, pay_now, self._pay_once_held = False, self._pay_once_held, False
        self._take(result)
        self.event_log.append(self._entries_of(result.report))
        if self._closing:
            self._release_for_close()
            return
        coupon_message, coupon_ok = "", None
        if refused:
            coupon_message, coupon_ok = refused, False
            self._log("COUPON", f"coupon refused: {refused}", 0.0)
        elif quote is not None and quote.coupon_code:
            coupon_message, coupon_ok = quote.coupon_message or "", True
            self._log("COUPON", quote.coupon_message or f"{quote.coupon_code} applied", 0.0)
        self._sync_basket(
            quote=quote or result.quote, coupon_message=coupon_message, coupon_ok=coupon_ok
        )
        if not_typed:
            self._log("TYPES", f"ticket types not set: {not_typed}", 0.0)
        success = describe_success(result.report, result.seat_labels, my_counter=self._ctx.counter)
        if success is not None:
            self._post(success, "success", seat_ids=result.show_seat_ids)
        self._hub.announce([result.show_id])
        self.payment_focus_requested.emit()
        self._post_status(
            f"Held {join_labels(result.seat_labels)} as {result.ticket_code}. "
            "Take the payment with F9.",
            8000,
        )
        if pay_now and (refused or not_typed):  # the total is not what the clerk saw: ask
            self._post_status(
                "The payment was not taken: the total changed while the seats were held "
                "(see the basket). Take it with F9.",
                8000,
            )
        elif pay_now:
            self.payment_due.emit()

    def _take(self, result: HoldResult, *, resumed: str = "") -> None:
        """``result`` becomes this counter's sale in progress: the basket, the map's "mine"."""
        self._hold = result
        self._my_tickets.add(result.ticket_id)
        self.my_tickets_changed.emit(frozenset(self._my_tickets))
        self._expected.expect(result.show_seat_ids, SeatStatus.HELD)
        self._selection = ()
        self.selection_changed.emit([])
        self._pending = [h for h in self._pending if h.ticket_id != result.ticket_id]
        self.pending_changed.emit(list(self._pending))
        held = [
            replace(
                seat,
                status=SeatStatus.HELD,
                held_by_counter=self._ctx.counter,
                held_by_ticket_id=result.ticket_id,
                hold_expires_at=result.expires_at,
                version=seat.version + (0 if resumed else 1),
            )
            for sid in result.show_seat_ids
            if (seat := self._seats.get(sid)) is not None
        ]
        if held and self._show is not None and self._show.show_id == result.show_id:
            self._apply_seats(held)
        self._basket = replace(self._basket, resumed=resumed, coupon_message="", coupon_ok=None)
        self._expiry_timer.start()

    def _on_hold_failed(self, ids: list[int], labels: list[str], exc: BaseException) -> None:
        self._end_action()
        self._holding = self._pay_once_held = False  # nothing held: nothing to pay for
        if isinstance(exc, SeatsUnavailable):
            report = exc.report if isinstance(exc.report, ConcurrencyReport) else None
            if report is not None:
                self.event_log.append(self._entries_of(report))
            by_label = {self._seats[sid].label: sid for sid in ids if sid in self._seats}
            lost_labels = [f.label for f in exc.failures]
            lost = [by_label[lbl] for lbl in lost_labels if lbl in by_label]
            kept = [lbl for lbl in labels if lbl not in set(lost_labels)]
            self._lost |= set(lost)
            self.lost_changed.emit(sorted(self._lost))
            self._selection = tuple(sid for sid in self._selection if sid not in set(lost))
            self.selection_changed.emit(list(self._selection))
            self._sync_basket()
            self._request_quote_soon()
            self._post(
                describe_conflict(exc.failures, report, kept=kept, my_counter=self._ctx.counter),
                "conflict",
                seat_ids=lost,
            )
            self._post_status(
                f"Could not hold {join_labels(lost_labels)}: see the message above the map.", 8000
            )
        else:
            self._report_error("Holding the seats", exc, field_errors=True)
        self.refresh()
        if self._closing:
            self._maybe_finish()

    # ================================================================== cancellations elsewhere

    def note_cancellations(self, results: Iterable[cancellation.RefundResult]) -> None:
        """Bookings this counter cancelled (in the lookup): logged as this counter's doing, and
        their seats are not reported as another counter's change."""
        shows: set[int] = set()
        for result in results:
            self._expected.expect(result.show_seat_ids, SeatStatus.AVAILABLE)
            shows.add(result.show_id)
            self._log(
                "CANCEL",
                f"cancelled {result.ticket_code} ({join_labels(result.seat_labels, limit=10)}): "
                f"{money(result.refund)} refunded to {result.mode.label}, approved by "
                f"{result.approved_by}",
                0.0,
            )
        if shows:
            self._hub.announce(shows)

    # ================================================================== messages and status

    def _post(
        self,
        message: ConflictMessage,
        kind: str,
        *,
        seat_ids: Iterable[int] = (),
        whole_counter: bool = False,
    ) -> None:
        """A message above the map about ``seat_ids`` of the open show (``whole_counter``: about
        the counter, whatever show is open)."""
        owner = None if whole_counter or self._show is None else self._show.show_id
        self._set_message(
            CounterMessage(
                message,
                kind,
                owner,
                frozenset(seat_ids),
                baseline=None,
                baseline_after=self._refreshes_started + 1,
            )
        )

    def _note_baseline(self, refresh_number: int) -> None:
        """How the message's seats stand in the first reading after it was posted: when one of
        them changes from that, the message is out of date and goes."""
        message = self._message
        if message is None or message.baseline is not None:
            return
        if refresh_number >= message.baseline_after:
            baseline = {
                sid: seat_key(self._seats[sid]) for sid in message.seat_ids if sid in self._seats
            }
            self._message = replace(message, baseline=baseline)

    def _set_message(self, message: CounterMessage | None) -> None:
        if message is None and self._message is None:
            return
        self._message = message
        self.message_changed.emit(message)

    def dismiss_message(self) -> None:
        self._set_message(None)

    def _post_status(self, text: str, timeout_ms: int = 0) -> None:
        self.status_posted.emit(text, timeout_ms)

    def _report_error(self, action: str, exc: BaseException, *, field_errors: bool = False) -> None:
        if (
            field_errors
            and isinstance(exc, ValidationError)
            and exc.field
            in (
                "customer_name",
                "customer_phone",
            )
        ):
            self._payment_error(sentence(str(exc)), exc.field or "")
            return
        message = describe_error(exc, action=action)
        self._post(message, "error")
        kind = "LOCK_TIMEOUT" if "lock" in message.headline.lower() else "ERROR"
        self._log(kind, f"{action.lower()}: {message.headline}", 0.0)

    def _log(self, kind: str, message: str, took: float, *, at: Any = None) -> None:
        self.event_log.add(at or self._box.now(), kind, message, took)

    def _log_waits(self, waits: Iterable[sale_common.WaitNote]) -> None:
        for wait in waits:
            self.event_log.add(
                wait.at,
                "LOCK_WAIT",
                f"waited {wait.ms:,.0f} ms for the database lock held by "
                f"{wait.holder or 'another counter'} before {wait.what}",
                wait.ms,
            )

    def _entries_of(self, report: ConcurrencyReport) -> list[LogEntry]:
        tz = self.event_log.timezone()
        return [LogEntry(e.at, e.kind, e.message, e.elapsed_ms, tz) for e in report.events]

    @staticmethod
    def _with_waits(call: Callable[[], Any]) -> tuple[Any, list[sale_common.WaitNote]]:
        with sale_common.recording_waits() as waits:
            result = call()
        return result, list(waits)

    # ================================================================== the basket

    def _sync_basket(self, **changes: Any) -> None:
        """A new BasketState: the seats from the hold when there is one, else the selection."""
        state = replace(self._basket, **changes)
        show = self._show
        if show is not None:
            tz = show.timezone
            state = replace(
                state,
                show_text=f"{show.movie_title} · {cinema_time.day(show.starts_at, tz)} "
                f"{cinema_time.clock(show.starts_at, tz)} · {show.screen_name.split(' · ')[0]}",
            )
        self._prune_wanted_types()
        quote = state.quote
        if self._hold is not None:
            labels = self._hold.seat_labels
            if quote is None or {line.label for line in quote.lines} != set(labels):
                quote = self._hold.quote
            state = replace(state, hold=self._hold, labels=labels, quote=quote, expired=False)
        else:
            labels = tuple(self._seats[sid].label for sid in self._selection if sid in self._seats)
            if quote is None or {line.label for line in quote.lines} != set(labels):
                quote = self._local_quote(self._selection) if labels else None
            state = replace(state, hold=None, labels=labels, quote=quote, resumed="")
            if labels:
                state = replace(state, expired=False)
            elif not self._coupon_wanted:
                state = replace(state, coupon_message="", coupon_ok=None)
        if state != self._basket:
            self._basket = state
            self.basket_changed.emit(state)

    # ================================================================== waiting

    def _start_action(self, label: str) -> None:
        self._action = label
        self._action_since = time.monotonic()
        self._wait_timer.start()
        self._show_wait_state()

    def _end_action(self) -> None:
        self._action = ""
        self._wait_timer.stop()
        self._show_wait_state()

    def _show_wait_state(self) -> None:
        text = ""
        if self._action:
            elapsed = self._runner.running_for_ms()
            text = f"{self._action}…"
            if elapsed >= WAIT_SHOWN_AFTER_MS:
                # Who started before this action can be holding the lock it waits for; who
                # started after waits for this one.
                others = [
                    a for a in ACTIVITY.others(self._ctx.counter) if a.since <= self._action_since
                ]
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
        if text != self._wait_text:
            self._wait_text = text
            self.busy_changed.emit(text)

    @Slot()
    def _on_wait_timer_timeout(self) -> None:
        self._show_wait_state()

    # ================================================================== closing

    def close(self) -> None:
        """The window is closing: release the seats held (the window asked the clerk first),
        then ``finished`` once nothing is in flight."""
        if self._finished:
            return
        self._closing = True
        if self._hold is not None and not self._action:
            self._release_for_close()
        else:
            self._maybe_finish()

    def _release_for_close(self) -> None:
        if self._hold is None:
            self._maybe_finish()
            return
        self._release(self._hold)

    def _maybe_finish(self) -> None:
        if not self._closing or self._finished:
            return
        if self._hold is not None and not self._action:
            self._release_for_close()
            return
        if self._runner.is_busy():
            return
        self._finished = True
        self._wait_timer.stop()
        self._quote_timer.stop()
        self._expiry_timer.stop()
        self.set_live_updates(False)
        self.finished.emit()

    def is_finished(self) -> bool:
        return self._finished

    @Slot(bool)
    def _on_runner_busy_changed(self, busy: bool) -> None:
        if not busy and self._closing:
            self._maybe_finish()

    # ================================================================== helpers

    def _is_free(self, seat: SeatView) -> bool:
        if seat.status is SeatStatus.AVAILABLE:
            return True
        return (
            seat.status is SeatStatus.HELD
            and seat.hold_expires_at is not None
            and seat.hold_expires_at <= self._box.now()
        )

    def _is_mine(self, seat: SeatView) -> bool:
        return seat.held_by_ticket_id in self._my_tickets


__all__ = ["BasketState", "PaymentInput", "SaleController"]
