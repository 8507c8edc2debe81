"""Taking the money (a part of the ``SaleController``): the coupon, the payment, printing the
ticket and the receipt, releasing the seats, and a hold that runs out."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bms_desktop.domain.errors import (
    CouponRejected,
    InvalidState,
    ValidationError,
)
from bms_desktop.domain.model import PaymentMode, SeatStatus
from bms_desktop.gui.conflict_text import (
    ConflictMessage,
    Tone,
    describe_error,
    join_labels,
)
from bms_desktop.gui.controllers.controller_parts import _ControllerState, _ms
from bms_desktop.gui.controllers.sale_state import (
    BasketState,
    PaymentInput,
    parse_amount,
    sale_html,
    sentence,
)
from bms_desktop.gui.formatting import money
from bms_desktop.services import cancellation, checkout, queries, sale_common
from bms_desktop.services.dto import (
    BookingView,
    HoldResult,
    Quote,
)

log = logging.getLogger(__name__)
Printed = tuple[tuple[Path, ...], str | None]  # the PDF files, or why there are none


class PaymentMixin(_ControllerState):
    # ================================================================== coupon

    def apply_coupon(self, code: str, customer_phone: str = "") -> None:
        code = code.strip()
        if self._hold is None:
            self._coupon_wanted = code
            self.request_quote(code, customer_phone)
            return
        if self._action:
            return
        box, ctx, ticket_id = self._box, self._ctx, self._hold.ticket_id
        what = f"Applying {code.upper()[:20]}"
        t0 = time.perf_counter()
        self._start_action(what)
        self._runner.submit(
            lambda: self._with_waits(
                lambda: checkout.apply_coupon(
                    box, ctx, ticket_id=ticket_id, code=code, customer_phone=customer_phone or None
                )
            ),
            on_done=lambda answer: self._on_coupon_done(answer[0], answer[1], _ms(t0)),
            on_error=self._on_coupon_failed,
            label=what,
            activity=ctx.counter,
        )

    def _on_coupon_done(self, quote: Quote, waits: list[sale_common.WaitNote], took: float) -> None:
        self._end_action()
        self._log_waits(waits)
        self._sync_basket(quote=quote, coupon_message=quote.coupon_message or "", coupon_ok=True)
        self._log("COUPON", quote.coupon_message or "coupon applied", took)

    def _on_coupon_failed(self, exc: BaseException) -> None:
        self._end_action()
        if isinstance(exc, CouponRejected | ValidationError):
            self._sync_basket(coupon_message=str(exc), coupon_ok=False)
            self._log("COUPON", f"coupon refused: {exc}", 0.0)
        else:
            self._report_error("Applying the coupon", exc)

    def clear_coupon(self) -> None:
        self._coupon_wanted = ""
        if self._hold is None:
            self._sync_basket(coupon_message="", coupon_ok=None)
            self.request_quote()
            return
        quote = self._basket.quote
        if quote is None or not quote.coupon_code or self._action:
            self._sync_basket(coupon_message="", coupon_ok=None)
            return
        box, ctx, ticket_id = self._box, self._ctx, self._hold.ticket_id
        t0 = time.perf_counter()
        self._start_action("Removing the coupon")
        self._runner.submit(
            lambda: self._with_waits(lambda: checkout.remove_coupon(box, ctx, ticket_id=ticket_id)),
            on_done=lambda answer: self._on_coupon_removed(answer[0], answer[1], _ms(t0)),
            on_error=self._on_coupon_failed,
            label="Removing the coupon",
            activity=ctx.counter,
        )

    def _on_coupon_removed(
        self, quote: Quote, waits: list[sale_common.WaitNote], took: float
    ) -> None:
        self._end_action()
        self._log_waits(waits)
        self._sync_basket(quote=quote, coupon_message="Coupon removed", coupon_ok=True)
        self._log("COUPON", "coupon removed", took)

    # ================================================================== payment

    def pay(self, payment: PaymentInput) -> bool:
        """Take the payment for the held seats and print the ticket; False when it cannot be
        sent (nothing held, busy, a cash amount missing or short: said in the basket)."""
        if self._action:
            return False
        hold = self._hold
        if hold is None:
            self._post_status("Hold seats first (Enter or F5), then take payment.", 6000)
            return False
        mode = PaymentMode(payment.mode)
        total = self._basket.quote.total if self._basket.quote is not None else None
        if mode is PaymentMode.CASH and not payment.split:  # issue 11: a split is checked whole
            tendered = parse_amount(payment.tendered)
            if tendered is None:
                self._payment_error("Enter the cash tendered.", "tendered")
                return False
            if total is not None and tendered < total:
                self._payment_error(
                    f"{money(tendered)} is {money(total - tendered)} short of {money(total)}.",
                    "tendered",
                )
                return False
        self._payment_error("", "")
        box, ctx = self._box, self._ctx
        printer = self._printer()

        def pay_now() -> tuple[checkout.ConfirmResult, BookingView, Printed, list[Any], float]:
            t0 = time.perf_counter()
            with sale_common.recording_waits() as waits:
                confirmed = checkout.confirm_booking(
                    box,
                    ctx,
                    ticket_id=hold.ticket_id,
                    mode=mode,
                    reference=payment.reference or None,
                    tendered=payment.tendered if mode is PaymentMode.CASH else None,
                    customer_name=payment.customer_name or None,
                    customer_phone=payment.customer_phone or None,
                    split=payment.split or None,  # issue 11: split tender
                )
            took = _ms(t0)
            view = queries.get_booking(box, hold.ticket_id)
            # Printing a PDF takes 0.1-0.3 s: here, off the GUI thread (QPrinter allows it).
            return confirmed, view, printer(view, False), list(waits), took

        what = f"Taking payment for {hold.ticket_code}"
        self._start_action(what)
        self._runner.submit(
            pay_now,
            on_done=lambda answer: self._on_pay_done(*answer),
            on_error=self._on_pay_failed,
            label=what,
            activity=ctx.counter,
        )
        return True

    def _payment_error(self, text: str, field: str) -> None:
        self._sync_basket(payment_error=text, payment_error_field=field)

    def _on_pay_done(
        self,
        confirmed: checkout.ConfirmResult,
        view: BookingView,
        printed: Printed,
        waits: list[sale_common.WaitNote],
        took: float,
    ) -> None:
        self._end_action()
        hold = self._hold
        self._hold = None
        self._expiry_timer.stop()
        self._last_sale = view
        self._log_waits(waits)
        if hold is not None:
            self._expected.expect(hold.show_seat_ids, SeatStatus.SOLD)
        change = confirmed.change_due
        self._log(
            "SALE",
            f"sold {join_labels(view.seat_labels, limit=10)} as {view.code} for "
            f"{money(view.total)} ({confirmed.mode.label})"
            + (f", change {money(change)}" if change else ""),
            took,
            at=confirmed.confirmed_at,
        )
        files = self._after_print(view, printed, reprint=False)
        self._end_sale(last_sale=sale_html(view.code, view.total, change, files), can_print=True)
        if files:
            where = f"Ticket and receipt saved to {files[0].parent}."
            change_text = f"Change due: {money(change)}." if change else ""
            self._post(
                ConflictMessage(
                    f"Sold {view.code}: {join_labels(view.seat_labels)} · {money(view.total)}",
                    tuple(x for x in (change_text, where) if x),
                    Tone.SUCCESS,
                ),
                "sold",
                seat_ids=() if hold is None else hold.show_seat_ids,
            )
        self._post_status(
            f"Sold {view.code}: {join_labels(view.seat_labels)} for {money(view.total)}"
            + (f"; change due {money(change)}" if change else "")
            + ". Pick the next seats.",
            10_000,
        )
        if hold is not None:
            self._hub.announce([hold.show_id])
        self.refresh()
        self.map_focus_requested.emit()
        self.sale_completed.emit(view.code)
        self._offer_next_pending()

    def _on_pay_failed(self, exc: BaseException) -> None:
        self._end_action()
        if isinstance(exc, InvalidState) and self._hold is not None:
            # The hold ran out (or the ticket is gone): nothing was charged.
            self._log("EXPIRY", str(exc), 0.0)
            self._hold = None
            self._expiry_timer.stop()
            self._end_sale(expired=True)
            self._post(describe_error(exc, action="Payment not taken"), "error")
            self.refresh()
        elif isinstance(exc, CouponRejected):
            self._sync_basket(coupon_message=str(exc), coupon_ok=False)
            self._post(describe_error(exc, action="Payment not taken"), "error")
        elif isinstance(exc, ValidationError):
            self._payment_error(sentence(str(exc)), exc.field or "")
        else:
            self._report_error("Taking the payment", exc)

    def _printer(self) -> Callable[[BookingView, bool], Printed]:
        """A function that prints a booking's ticket and receipt and never raises (it runs on a
        worker thread): the files, or why there are none."""
        try:
            from bms_desktop.gui import printing

            folder = self.print_folder()
        except (ImportError, OSError) as exc:
            problem = str(exc)
            return lambda _view, _reprint: ((), problem)

        def print_now(view: BookingView, reprint: bool) -> Printed:
            try:
                files = printing.print_ticket_and_receipt(view, folder, reprint=reprint)
            except Exception as exc:
                log.exception("printing %s failed", view.code)
                return (), str(exc)
            return tuple(files), None

        return print_now

    def _after_print(
        self, view: BookingView, printed: Printed, *, reprint: bool
    ) -> tuple[Path, ...]:
        files, problem = printed
        if problem is not None or not files:
            self._log("ERROR", f"could not print {view.code}: {problem}", 0.0)
            self._post(
                ConflictMessage(
                    f"{view.code} is sold, but its ticket could not be printed"
                    if not reprint
                    else f"{view.code} could not be printed again",
                    (f"{problem}", "Try Print again, or reprint it from Bookings -> Find booking."),
                ),
                "error",
            )
            return ()
        self._last_files = files
        self._log(
            "PRINT", f"{'reprinted' if reprint else 'printed'} {view.code}: {files[0].parent}", 0.0
        )
        return files

    def reprint(self) -> None:
        view = self._last_sale
        if view is None:
            self._post_status("Nothing sold in this window yet.", 5000)
            return
        if self._action:
            return
        printer = self._printer()
        t0 = time.perf_counter()
        self._start_action(f"Printing {view.code}")
        self._runner.submit(
            lambda: printer(view, True),
            on_done=lambda printed: self._on_reprinted(view, printed, _ms(t0)),
            on_error=lambda exc: self._on_reprinted(view, ((), str(exc)), _ms(t0)),
            label=f"Printing {view.code}",
        )

    def _on_reprinted(self, view: BookingView, printed: Printed, _took: float) -> None:
        self._end_action()
        files = self._after_print(view, printed, reprint=True)
        if files:
            self._post_status(f"Printed {view.code} again: {files[0]}", 8000)

    # ================================================================== release and expiry

    def release(self) -> bool:
        if self._action or self._hold is None:
            return False
        self._release(self._hold)
        return True

    def _release(self, hold: HoldResult) -> None:
        box, ctx = self._box, self._ctx
        what = f"Releasing {join_labels(hold.seat_labels)}"
        t0 = time.perf_counter()
        self._start_action(what)
        self._runner.submit(
            lambda: self._with_waits(
                lambda: checkout.release_hold(box, ctx, ticket_id=hold.ticket_id)
            ),
            on_done=lambda answer: self._on_release_done(hold, bool(answer[0]), answer[1], _ms(t0)),
            on_error=self._on_release_failed,
            label=what,
            activity=ctx.counter,
        )

    def _on_release_done(
        self, hold: HoldResult, released: bool, waits: list[sale_common.WaitNote], took: float
    ) -> None:
        self._end_action()
        self._hold = None
        self._expiry_timer.stop()
        self._log_waits(waits)
        self._expected.expect(hold.show_seat_ids, SeatStatus.AVAILABLE)
        self._log(
            "RELEASE",
            f"released {join_labels(hold.seat_labels, limit=10)} ({hold.ticket_code})"
            if released
            else f"{hold.ticket_code} had nothing left to release",
            took,
        )
        self._end_sale()
        if self._message is not None and self._message.kind in ("busy", "success"):
            self._set_message(None)
        self._hub.announce([hold.show_id])
        self.refresh()
        if self._closing:
            self._maybe_finish()
        else:
            self.map_focus_requested.emit()
            self._offer_next_pending()

    def _on_release_failed(self, exc: BaseException) -> None:
        self._end_action()
        self._report_error("Releasing the seats", exc)
        if self._closing:
            self._hold = None
            self._maybe_finish()

    def _on_expiry_timer_timeout(self) -> None:
        hold = self._hold
        if hold is None:
            self._expiry_timer.stop()
            return
        if hold.expires_at > self._box.now() or self._action:
            return
        self._expiry_timer.stop()
        self._hold = None
        self._log(
            "EXPIRY",
            f"the hold on {join_labels(hold.seat_labels, limit=10)} ({hold.ticket_code}) ran "
            "out; the seats are free again",
            0.0,
        )
        self._end_sale(expired=True)
        self._expected.expect(hold.show_seat_ids, SeatStatus.AVAILABLE)
        box, ctx = self._box, self._ctx
        # Record the expiry now (the sweeper would do it later): other counters see the seats free.
        self._runner.submit(
            lambda: cancellation.expire_holds(box, ctx),
            on_done=lambda _n: self._after_expiry(hold),
            on_error=lambda _exc: self._after_expiry(hold),
            label="Recording the expiry",
        )

    def _after_expiry(self, hold: HoldResult) -> None:
        self._hub.announce([hold.show_id])
        self.refresh()
        self._offer_next_pending()

    def _end_sale(
        self, *, expired: bool = False, last_sale: str = "", can_print: bool = False
    ) -> None:
        """The sale in the basket is over (sold, released, ran out): an empty basket for the
        next customer (the last sale stays shown)."""
        self._coupon_wanted = ""
        self._basket = BasketState(
            show_text=self._basket.show_text,
            expired=expired,
            sale_html=last_sale or self._basket.sale_html,
            can_print=can_print or self._basket.can_print,
            generation=self._basket.generation + 1,
        )
        self.basket_changed.emit(self._basket)
        self._sync_basket()
