"""The open show on a counter (a part of the ``SaleController``): loading a show, re-reading it when
the change hub says it changed, logging what other counters did, keeping the selection honest
(a seat someone else took leaves it, and says so), and pricing the selection."""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from decimal import Decimal

from bms_desktop.domain.model import SeatStatus
from bms_desktop.gui.conflict_text import (
    ConflictMessage,
    Tone,
    describe_error,
    join_labels,
)
from bms_desktop.gui.controllers.controller_parts import _ControllerState, _ms
from bms_desktop.gui.controllers.seat_feed import (
    changed_ids,
    remote_changes,
    seat_key,
)
from bms_desktop.services import queries
from bms_desktop.services.dto import (
    HoldResult,
    PriceLine,
    Quote,
    SeatMap,
    SeatView,
)


class ShowFeedMixin(_ControllerState):
    # ================================================================== shows

    def open_show(self, show_id: int) -> bool:
        """Load a show's map (off the GUI thread); False (and a message) while a sale of another
        show is under way."""
        if self._hold is not None and self._hold.show_id != show_id:
            self._post(
                ConflictMessage(
                    f"Finish the sale of {join_labels(self._hold.seat_labels)} first",
                    ("Take the payment (F9) or release the seats (F8), then open another show.",),
                    Tone.INFO,
                ),
                "busy",
                seat_ids=self._hold.show_seat_ids,
            )
            return False
        self._loading_show = show_id
        self.show_loading.emit(show_id)
        box, counter = self._box, self._ctx.counter
        self._refreshes_started += 1
        number = self._refreshes_started
        self._runner.submit(
            lambda: (queries.get_seat_map(box, show_id), queries.pending_holds(box, counter)),
            on_done=lambda answer: self._on_show_loaded(number, *answer),
            on_error=lambda exc: self._on_show_load_failed(show_id, exc),
            label="Loading the seat map",
        )
        return True

    def _on_show_loaded(self, number: int, seat_map: SeatMap, pending: list[HoldResult]) -> None:
        if self._loading_show != seat_map.show.show_id:
            return  # another show was asked for meanwhile
        self._loading_show = None
        same = self._show is not None and self._show.show_id == seat_map.show.show_id
        if not same and self._message is not None and self._message.show_id is not None:
            self._set_message(None)  # a message belongs to its show
        self._show = seat_map.show
        self._map = seat_map
        self._seats = seat_map.by_id()
        self.event_log.set_timezone(seat_map.show.timezone)
        if not same:
            self._lost.clear()
            self.lost_changed.emit([])
            if self._hold is None:
                self._selection = ()
                self.selection_changed.emit([])
        self.show_loaded.emit(seat_map)
        self.show_changed.emit(seat_map.show)
        self._note_baseline(number)
        self._offer_pending(pending)
        self._sync_basket()
        self.map_focus_requested.emit()

    def _on_show_load_failed(self, show_id: int, exc: BaseException) -> None:
        if self._loading_show == show_id:
            self._loading_show = None
        self._report_error("Opening the show", exc)
        if self._show is not None:
            self.show_changed.emit(self._show)

    def refresh(self) -> None:
        """Re-read the open show and apply what changed."""
        if self._show is None:
            return
        if self._refresh_in_flight:
            self._refresh_again = True
            return
        self._refresh_in_flight = True
        self._refresh_again = False
        self._refreshes_started += 1
        number = self._refreshes_started
        show_id, box = self._show.show_id, self._box
        t0 = time.perf_counter()
        self._runner.submit(
            lambda: queries.get_seat_map(box, show_id),
            on_done=lambda seat_map: self._on_refresh_done(number, seat_map, _ms(t0)),
            on_error=self._on_refresh_failed,
            label="Refreshing the seat map",
        )

    def _on_refresh_done(self, number: int, seat_map: SeatMap, took: float) -> None:
        self._refresh_in_flight = False
        if self._show is None or seat_map.show.show_id != self._show.show_id:
            self._refresh_again = False
            return
        if self._loading_show is None:
            for change in remote_changes(
                self._seats,
                seat_map.seats,
                my_counter=self._ctx.counter,
                my_tickets=self._my_tickets,
                expected=self._expected,
            ):
                self._log("REMOTE", change.message, took)
            self._apply_seats(seat_map.seats)
            self._map = seat_map
            self._show = seat_map.show
            self.show_changed.emit(seat_map.show)
            self._note_baseline(number)
        if self._refresh_again:
            self.refresh()

    def _on_refresh_failed(self, exc: BaseException) -> None:
        self._refresh_in_flight = False
        self._log("ERROR", f"could not refresh the seat map: {describe_error(exc).headline}", 0.0)
        if self._refresh_again:
            self.refresh()

    def _apply_seats(self, seats: Sequence[SeatView]) -> None:
        """New readings of some seats: the map repaints them; a selected seat someone else
        took leaves the selection (and says so); a message about a seat that changed goes."""
        changed = changed_ids(self._seats, seats)
        updated = [s for s in seats if self._seats.get(s.show_seat_id) != s]
        for seat in updated:
            self._seats[seat.show_seat_id] = seat
        if updated:
            self.seats_changed.emit(updated)
        taken = [sid for sid in self._selection if not self._is_free(self._seats[sid])]
        if taken:
            self._selection = tuple(sid for sid in self._selection if sid not in taken)
            self.selection_changed.emit(list(self._selection))
            self._sync_basket()
            self._request_quote_soon()
            others = [self._seats[sid] for sid in taken if not self._is_mine(self._seats[sid])]
            if others:
                self._say_taken(others)
        message = self._message
        if message is not None and message.baseline is not None:
            moved = {
                sid
                for sid in message.seat_ids & changed
                if message.baseline.get(sid) != seat_key(self._seats[sid])
            }
            if moved:
                self._set_message(None)

    def _say_taken(self, seats: Sequence[SeatView]) -> None:
        who = seats[0].held_by_counter or "another counter"
        labels = [s.label for s in seats]
        verb = "sold" if seats[0].status is SeatStatus.SOLD else "taken"
        self._post(
            ConflictMessage(
                f"{join_labels(labels)} {'was' if len(labels) == 1 else 'were'} just {verb} by "
                f"{who} and left your selection",
                ("Pick other seats; the map shows what is still free.",),
                Tone.INFO,
            ),
            "taken",
            seat_ids=[s.show_seat_id for s in seats],
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

    def _on_hub_shows_changed(self, show_ids: list[int]) -> None:
        if self._show is not None and self._show.show_id in show_ids:
            self.refresh()

    def _on_hub_reload_requested(self) -> None:
        self.refresh()

    # ================================================================== selection and quotes

    def select(self, show_seat_ids: Iterable[int]) -> tuple[int, ...]:
        """The clerk's pick on the map. While seats are held for payment nothing else can be
        picked (the basket is those seats): the pick is refused with a message, so that the
        selection never holds a seat that the sale would leave out."""
        wanted = tuple(
            sid
            for sid in dict.fromkeys(show_seat_ids)
            if sid in self._seats and self._is_free(self._seats[sid])
        )
        if self._hold is not None:
            if wanted:
                self._refuse_pick()
            self.selection_changed.emit([])
            return ()
        ordered = tuple(
            sorted(wanted, key=lambda sid: (self._seats[sid].row, self._seats[sid].col))
        )
        if ordered == self._selection:
            return ordered
        self._selection = ordered
        self.selection_changed.emit(list(ordered))
        message = self._message
        if (
            ordered
            and message is not None
            and (message.kind in ("sold", "success", "error") or message.seat_ids & set(ordered))
        ):
            self._set_message(None)  # the clerk moved on to the next sale
        self._sync_basket()
        self._request_quote_soon()
        return ordered

    def _refuse_pick(self) -> None:
        assert self._hold is not None
        labels = self._hold.seat_labels
        self._post_status(
            f"{join_labels(labels)} {'is' if len(labels) == 1 else 'are'} held for payment: "
            "take the payment (F9) or release the seats (F8) before picking others.",
            8000,
        )

    def pick_best(self, count: int) -> tuple[int, ...]:
        """The ``count`` best free seats together, else the best split over a few rows."""
        smap = self.seat_map()
        if self._hold is not None:
            self._refuse_pick()
            return ()
        if smap is None:
            return ()
        best = queries.best_seats(self._box, smap.show.show_id, count, seat_map=smap)
        if best is None:
            self._post_status(f"Fewer than {count} seats are free.", 6000)
            return ()
        chosen = self.select(best.show_seat_ids)
        if not best.together:
            parts = ", ".join(
                f"{size} in {row}" for row, size in zip(best.rows, best.sizes, strict=True)
            )
            self._post_status(
                f"No {count} seats are free together; the best split: {parts}. Enter holds them.",
                10_000,
            )
        return chosen

    def _request_quote_soon(self) -> None:
        if self._selection and self._hold is None:
            self._quote_timer.start()
        else:
            self._quote_timer.stop()
            self._quote_generation += 1

    def _on_quote_timer_timeout(self) -> None:
        self.request_quote()

    def request_quote(self, coupon: str = "", customer_phone: str = "") -> None:
        """Price the selection with the rules (and a coupon) off the GUI thread."""
        if self._show is None or self._hold is not None or not self._selection:
            return
        self._quote_generation += 1
        generation = self._quote_generation
        ids = list(self._selection)
        box, show_id = self._box, self._show.show_id
        code = coupon or self._coupon_wanted or None
        phone = customer_phone or None
        types = self._wanted_types(ids)  # ticket types chosen before the hold (issue 8)
        self._runner.submit(
            lambda: queries.quote_seats(
                box, show_id, ids, coupon_code=code, customer_phone=phone, ticket_types=types
            ),
            on_done=lambda quote: self._on_quote_done(generation, ids, quote),
            on_error=lambda exc: self._on_quote_failed(generation, exc),
            label="Pricing the seats",
        )

    def _on_quote_done(self, generation: int, ids: list[int], quote: Quote) -> None:
        if generation != self._quote_generation or self._hold is not None:
            return
        if list(self._selection) != ids:
            return
        coupon_message, coupon_ok = self._basket.coupon_message, self._basket.coupon_ok
        if quote.coupon_message:
            coupon_message, coupon_ok = quote.coupon_message, quote.coupon_code is not None
        self._sync_basket(
            quote=quote,
            coupon_message=coupon_message,
            coupon_ok=coupon_ok,
        )

    def _on_quote_failed(self, generation: int, exc: BaseException) -> None:
        if generation == self._quote_generation:
            self._post_status(f"Could not price the seats: {describe_error(exc).headline}", 8000)

    def _local_quote(self, ids: Sequence[int]) -> Quote:
        """Prices from the map, shown at once; the service's quote (with the rules) follows."""
        lines = tuple(
            PriceLine(s.label, s.seat_type, s.price, "")
            for s in (self._seats.get(sid) for sid in ids)
            if s is not None
        )
        lines = self._typed_lines(lines, ids)
        subtotal = sum((line.price for line in lines), Decimal("0.00"))
        return Quote(lines, subtotal, Decimal("0.00"), subtotal)
