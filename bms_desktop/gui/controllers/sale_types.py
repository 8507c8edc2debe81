"""Ticket types per seat (a part of the ``SaleController``; issue 8).

Every seat is sold as Adult until the clerk picks another type for it in the basket (Child,
Senior, Student, Complimentary and any type an administrator adds; ``ticket_type_choices`` says
which a cinema offers, in their order: the basket's hot keys 1-9 follow it).

- Before the hold, the choice prices the selection at once (the map's prices times the type),
  then through ``queries.quote_seats(..., ticket_types=...)`` off the GUI thread, with the
  coupon; the hold then sets the types on the new booking in the same background step.
- While seats are held, ``ticket_types.set_ticket_types`` re-prices the pending booking (its
  subtotal, coupon and total together) off the GUI thread, like a coupon.
- A type that needs a supervisor (Complimentary) is set on held seats only, with an approval
  the window asked for (``SupervisorApprovalDialog``: ``auth.grant_approval`` issues it for this
  ticket, once); the service refuses it without one.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import Slot

from bms_desktop.domain.errors import DomainError, InvalidState, PermissionDenied
from bms_desktop.domain.ticket_types import (
    DEFAULT_TYPE,
    TicketTypeSpec,
    normalise_type_code,
    price_for_type,
)
from bms_desktop.gui.conflict_text import describe_error, join_labels
from bms_desktop.gui.controllers.controller_parts import _ControllerState, _ms
from bms_desktop.gui.formatting import money
from bms_desktop.services import sale_common
from bms_desktop.services.admin import ticket_types
from bms_desktop.services.admin.dto_ticket_types import TicketTypeChoice
from bms_desktop.services.context import BoxOffice, CounterContext
from bms_desktop.services.dto import PriceLine, Quote, SeatMap

if TYPE_CHECKING:
    from PySide6.QtCore import SignalInstance

log = logging.getLogger(__name__)

TypesAfterHold = Callable[[BoxOffice, CounterContext, int], tuple[Quote | None, str]]


def _spec(choice: TicketTypeChoice) -> TicketTypeSpec:
    return TicketTypeSpec(
        type_id=0,
        code=choice.code,
        name=choice.name,
        kind=choice.kind,
        multiplier=choice.multiplier,
        amount=choice.amount,
        theater_id=None,
        needs_approval=choice.needs_approval,
    )


def types_text(types: Mapping[str, str], names: Mapping[str, str]) -> str:
    """``A1 Child, A2 and A3 Senior``: seats grouped by the type they were given."""
    groups: dict[str, list[str]] = {}
    for label, code in types.items():
        groups.setdefault(names.get(code, code.title()), []).append(label)
    return ", ".join(f"{join_labels(labels)} {name}" for name, labels in groups.items())


class TicketTypesMixin(_ControllerState):
    _type_choices: tuple[TicketTypeChoice, ...]
    _types_theater: int | None
    _types_wanted: dict[int, str]  # before the hold: {show seat id: code other than Adult}
    ticket_types_changed: SignalInstance

    # ================================================================== reading

    def ticket_type_choices(self) -> tuple[TicketTypeChoice, ...]:
        """The types the open show's cinema offers, in hot-key order (empty until loaded)."""
        return self._type_choices

    def ticket_types(self) -> dict[str, str]:
        """{seat label: type code} of the seats in the basket (Adult unless chosen)."""
        quote = self._basket.quote
        known = {line.label: line.ticket_type for line in quote.lines} if quote else {}
        return {label: known.get(label, DEFAULT_TYPE) for label in self._basket.labels}

    def types_needing_approval(self, types: Mapping[str, str]) -> list[TicketTypeChoice]:
        """The types in ``types`` ({seat label: code}) that need a supervisor's approval and
        would change a seat's type."""
        current = self.ticket_types()
        by_code = {c.code: c for c in self._type_choices}
        needing: dict[str, TicketTypeChoice] = {}
        for label, code in types.items():
            choice = by_code.get(normalise_type_code(code))
            if choice is not None and choice.needs_approval and current.get(label) != choice.code:
                needing[choice.code] = choice
        return list(needing.values())

    # ================================================================== loading

    @Slot(object)
    def _on_self_show_loaded(self, seat_map: SeatMap) -> None:
        self._load_ticket_types(seat_map.show.theater_id)

    def _load_ticket_types(self, theater_id: int) -> None:
        """The cinema's types, off the GUI thread (again at each show opened: an administrator
        may have changed them)."""
        box = self._box
        self._runner.submit(
            lambda: ticket_types.ticket_type_choices(box, theater_id),
            on_done=lambda choices: self._on_ticket_types_loaded(theater_id, choices),
            on_error=lambda exc: log.warning("ticket types not loaded: %s", exc),
            label="Loading the ticket types",
        )

    def _on_ticket_types_loaded(self, theater_id: int, choices: Sequence[TicketTypeChoice]) -> None:
        if self._show is None or self._show.theater_id != theater_id:
            return  # another cinema's show was opened meanwhile
        self._types_theater = theater_id
        if tuple(choices) != self._type_choices:
            self._type_choices = tuple(choices)
            self.ticket_types_changed.emit(list(self._type_choices))

    # ================================================================== choosing

    def set_ticket_types(self, types: Mapping[str, str], approval: object | None = None) -> bool:
        """Give seats of the basket ({seat label: code}) a ticket type. False (and a line in
        the status bar) when nothing could be sent."""
        by_code = {c.code: c for c in self._type_choices}
        wanted = {label: normalise_type_code(code) for label, code in types.items()}
        unknown = sorted({code for code in wanted.values() if code not in by_code})
        if unknown:
            self._post_status(f"There is no ticket type {unknown[0]} at this cinema.", 6000)
            return False
        if self._hold is None:
            return self._choose_before_hold(wanted, by_code)
        if self._action:
            return False
        hold = self._hold
        ids = dict(zip(hold.seat_labels, hold.show_seat_ids, strict=True))
        current = self.ticket_types()
        changes = {
            ids[label]: code
            for label, code in wanted.items()
            if label in ids and current.get(label) != code
        }
        if not changes:
            return False
        box, ctx, ticket_id = self._box, self._ctx, hold.ticket_id
        named = {lbl: code for lbl, code in wanted.items() if lbl in ids}
        what = f"Pricing {types_text(named, {c: by_code[c].name for c in by_code})}"
        t0 = time.perf_counter()
        self._start_action(what)
        self._runner.submit(
            lambda: self._with_waits(
                lambda: ticket_types.set_ticket_types(
                    box, ctx, ticket_id=ticket_id, types=changes, approval=approval
                )
            ),
            on_done=lambda answer: self._on_types_set(named, answer[0], answer[1], _ms(t0)),
            on_error=self._on_types_refused,
            label=what,
            activity=ctx.counter,
        )
        return True

    def _choose_before_hold(
        self, wanted: Mapping[str, str], by_code: Mapping[str, TicketTypeChoice]
    ) -> bool:
        ids = {self._seats[sid].label: sid for sid in self._selection if sid in self._seats}
        wanted = {label: code for label, code in wanted.items() if label in ids}
        if not wanted:
            self._post_status("Pick seats first, then choose their ticket types.", 6000)
            return False
        needing = sorted({by_code[c].name for c in wanted.values() if by_code[c].needs_approval})
        if needing:
            self._post_status(
                f"{needing[0]} needs a supervisor's approval: hold the seats first (Enter), "
                "then choose it.",
                8000,
            )
            return False
        for label, code in wanted.items():
            if code == DEFAULT_TYPE:
                self._types_wanted.pop(ids[label], None)
            else:
                self._types_wanted[ids[label]] = code
        self._sync_basket(quote=self._local_quote(self._selection))
        self.request_quote()
        return True

    def _on_types_set(
        self, named: Mapping[str, str], quote: Quote, waits: list[sale_common.WaitNote], took: float
    ) -> None:
        self._end_action()
        self._log_waits(waits)
        changes: dict[str, object] = {"quote": quote}
        if quote.coupon_message:
            changes.update(coupon_message=quote.coupon_message, coupon_ok=bool(quote.coupon_code))
        self._sync_basket(**changes)
        names = {c.code: c.name for c in self._type_choices}
        self._log("TYPES", f"ticket types: {types_text(named, names)}", took)
        self._post_status(f"Ticket types set: the total is now {money(quote.total)}.", 6000)

    def _on_types_refused(self, exc: BaseException) -> None:
        self._end_action()
        if isinstance(exc, PermissionDenied | InvalidState):
            self._post(describe_error(exc, action="Ticket types not changed"), "error")
        else:
            self._report_error("Setting the ticket types", exc)
        if isinstance(exc, DomainError):
            self._log("TYPES", f"ticket types not changed: {exc}", 0.0)

    # ================================================================== quotes and the hold

    def _wanted_types(self, ids: Sequence[int]) -> dict[int, str]:
        return {sid: self._types_wanted[sid] for sid in ids if sid in self._types_wanted}

    def _typed_lines(self, lines: Sequence[PriceLine], ids: Sequence[int]) -> tuple[PriceLine, ...]:
        """The map's prices for the types chosen before the hold (the service's quote, with
        the coupon, follows)."""
        by_code = {c.code: c for c in self._type_choices}
        wanted = self._wanted_types(ids)
        by_label = {
            self._seats[sid].label: code for sid, code in wanted.items() if sid in self._seats
        }
        out = []
        for line in lines:
            choice = by_code.get(by_label.get(line.label, DEFAULT_TYPE))
            if choice is None or choice.code == DEFAULT_TYPE:
                out.append(line)
                continue
            price = price_for_type(line.price, _spec(choice))
            out.append(PriceLine(line.label, line.seat_type, price, "", choice.code))
        return tuple(out)

    def _prune_wanted_types(self) -> None:
        """Types chosen before the hold belong to the seats still picked."""
        if self._types_wanted and self._hold is None:
            keep = set(self._selection)
            self._types_wanted = {s: c for s, c in self._types_wanted.items() if s in keep}

    def _types_after_hold(self, ids: Sequence[int]) -> TypesAfterHold | None:
        """What the hold's background step does after holding ``ids``: set the types chosen
        before (none needs an approval): (the new quote, or None; why not, or "")."""
        types = self._wanted_types(ids)
        if not types:
            return None

        def set_types(
            box: BoxOffice, ctx: CounterContext, ticket_id: int
        ) -> tuple[Quote | None, str]:
            try:
                quote = ticket_types.set_ticket_types(box, ctx, ticket_id=ticket_id, types=types)
            except DomainError as exc:
                return None, str(exc)
            return quote, ""

        return set_types


__all__ = ["TicketTypesMixin", "TypesAfterHold", "types_text"]
