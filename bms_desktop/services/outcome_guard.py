"""Every selling write knows its key before it writes, and a lost commit names it.

The unit of work that sees a commit lost on its way raises ``OutcomeUnknown`` without knowing what
it was committing. The booking services are wrapped with ``keyed(kind)``, which fills in the
operation and the key to look it up by (``services/outcomes.py`` resolves it):

=========  ===========================================  =========================================
kind       service                                      key (known before the write)
=========  ===========================================  =========================================
HOLD       ``hold_seats``                               the ticket code: made here if the caller
                                                        gave none, so the caller may make it
                                                        itself and keep it (an idempotency key:
                                                        tickets.code is unique, so a hold sent
                                                        twice with one code cannot hold twice)
CONFIRM    ``confirm_booking``                          the ticket id
RELEASE    ``release_hold``, ``record_failed_payment``  the ticket id
CANCEL     ``cancel_booking`` (cancel and refund)       the ticket id
=========  ===========================================  =========================================

Confirming and refunding twice are impossible whatever happens here: each is one conditional
step in the database (PENDING_PAYMENT -> CONFIRMED, CONFIRMED -> CANCELLED).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from enum import StrEnum
from typing import Any, ParamSpec, TypeVar, cast

from bms_desktop.domain import rules
from bms_desktop.domain.errors import ValidationError
from bms_desktop.services.ports import OutcomeUnknown

P = ParamSpec("P")
R = TypeVar("R")


class OperationKind(StrEnum):
    HOLD = "HOLD"
    CONFIRM = "CONFIRM"
    RELEASE = "RELEASE"
    CANCEL = "CANCEL"  # a confirmed booking cancelled and refunded

    @property
    def what(self) -> str:
        return {
            OperationKind.HOLD: "the hold",
            OperationKind.CONFIRM: "the sale",
            OperationKind.RELEASE: "the release of the seats",
            OperationKind.CANCEL: "the cancellation and refund",
        }[self]


def unknown_message(kind: OperationKind, ticket_code: str | None, ticket_id: int | None) -> str:
    of = f" of {ticket_code}" if ticket_code else f" of ticket #{ticket_id}" if ticket_id else ""
    return (
        f"The connection to the database was lost while {kind.what}{of} was being saved, so it "
        "is not known yet whether it went through. Nothing will be repeated or charged twice; "
        "it is looked up as soon as the database is back."
    )


def checked_ticket_code(code: str | None) -> str:
    """The caller's ticket code (checked), or a new one."""
    if code is None or code == "":
        return rules.generate_ticket_code()
    normal = rules.normalise_ticket_code(code)
    if normal != code:
        raise ValidationError(f"'{code}' is not a ticket code", field="ticket_code")
    return code


def keyed(kind: OperationKind) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Wrap a booking service (keyword arguments after ``box, ctx``): a lost commit becomes
    ``OutcomeUnknown(kind, ticket_id / ticket_code)``."""

    def decorate(fn: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(fn)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            named = cast(dict[str, Any], kwargs)
            if kind is OperationKind.HOLD:
                named["ticket_code"] = checked_ticket_code(named.get("ticket_code"))
            try:
                return fn(*args, **kwargs)
            except OutcomeUnknown as exc:
                if exc.kind is not None:
                    raise
                code, tid = named.get("ticket_code"), named.get("ticket_id")
                raise OutcomeUnknown(
                    unknown_message(kind, code, tid), kind=kind, ticket_id=tid, ticket_code=code
                ) from exc

        return wrapper

    return decorate


__all__ = ["OperationKind", "checked_ticket_code", "keyed", "unknown_message"]
