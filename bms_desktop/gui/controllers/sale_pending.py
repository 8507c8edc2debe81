"""The holds a counter left behind (a part of the ``SaleController``): after a crash, a restart or
the demo's seeded holds, the one on the open show comes back into the basket and the others are
listed (Counter -> Seats held by this counter, F7)."""

from __future__ import annotations

from collections.abc import Sequence

from bms_desktop.gui.conflict_text import ConflictMessage, Tone, join_labels
from bms_desktop.gui.controllers.controller_parts import _ControllerState
from bms_desktop.services.dto import HoldResult


class PendingHoldsMixin(_ControllerState):
    # ================================================================== holds left behind

    def _offer_pending(self, pending: Sequence[HoldResult]) -> None:
        """The holds this counter had before (a crash, a restart, the demo's seeded holds):
        the one on the open show goes back in the basket; the others are listed."""
        known = {self._hold.ticket_id} if self._hold is not None else set()
        self._pending = [h for h in pending if h.ticket_id not in known]
        for held in self._pending:
            self._my_tickets.add(held.ticket_id)
        self.my_tickets_changed.emit(frozenset(self._my_tickets))
        self.pending_changed.emit(list(self._pending))
        self._offer_next_pending()

    def _offer_next_pending(self, *, announce: bool = False) -> None:
        """Take up this counter's next hold on the open show; when there is none, say (once,
        or when ``announce``) which holds of other shows are waiting."""
        if self._hold is not None or self._action:
            return
        if not self._pending:
            if self._message is not None and self._message.kind == "pending":
                self._set_message(None)
            return
        here = [
            h for h in self._pending if self._show is not None and h.show_id == self._show.show_id
        ]
        if here:
            held = here[0]
            if self._message is not None and self._message.kind == "pending":
                self._set_message(None)
            self._take(
                held,
                resumed=f"Held by {self._ctx.counter} before this window opened: take the "
                "payment or release the seats (F8).",
            )
            self._log(
                "RESUME",
                f"took up {held.ticket_code} ({join_labels(held.seat_labels)}), held by "
                f"{self._ctx.counter} before: pay for it or release it",
                0.0,
            )
            self._sync_basket(quote=held.quote)
            self._post_status(
                f"{held.ticket_code} ({join_labels(held.seat_labels)}) was still held by "
                f"{self._ctx.counter}: it is back in the basket.",
                10_000,
            )
            return
        news = {h.ticket_id for h in self._pending} - self._pending_told
        if not news and not announce:
            return  # said already: not again over the next sale's message
        self._pending_told |= news
        first = self._pending[0]
        others = len(self._pending) - 1
        self._post(
            ConflictMessage(
                f"{self._ctx.counter} still holds {join_labels(first.seat_labels)} "
                f"({first.ticket_code}) of another show",
                (
                    "Counter → Seats held by this counter (F7) opens that show with the seats "
                    "in the basket, to take the payment or release them."
                    + (
                        f" {others} more hold{'s' if others != 1 else ''} after that."
                        if others
                        else ""
                    ),
                ),
                Tone.INFO,
            ),
            "pending",
            whole_counter=True,
        )

    def resume_pending(self) -> bool:
        """Open the show of the first hold this counter left behind (it comes into the
        basket); False when there is none."""
        if not self._pending:
            self._post_status("This counter holds no other seats.", 5000)
            return False
        if self._show is not None and any(h.show_id == self._show.show_id for h in self._pending):
            self._offer_next_pending(announce=True)
            return True
        if self._hold is not None:
            self.open_show(self._pending[0].show_id)  # refused with a message
            return False
        self._set_message(None)
        return self.open_show(self._pending[0].show_id)
