"""Box-office rules: show slots, sales and cancellation windows, refunds, change, ticket codes.

Pure Python. ``now`` is always an argument; every datetime must be timezone-aware (a naive one is a
programming error and raises ValueError rather than a clerk-facing domain error).

Boundaries, decided once here:

- A show may start exactly at ``now`` (not in the past).
- Shows on one screen occupy ``[start, end + cleaning gap)``; two shows clash when those intervals
  intersect, so a show may start exactly when the previous show's cleaning gap ends.
- Counter sales are open while ``now < start + close_offset``: closed from the moment itself.
- Cancellation is possible while ``now < start - cutoff``: refused from the deadline itself.
- A hold is live while ``now < expires_at``; a hold with no expiry is no hold.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import secrets
from collections.abc import Sequence
from decimal import Decimal

from bms_desktop.domain import cinema_time
from bms_desktop.domain.errors import InvalidState, SalesClosed, ValidationError
from bms_desktop.domain.model import MAX_SEATS_PER_BOOKING
from bms_desktop.domain.pricing import format_money, round_money

# No 0/O and no 1/I: a code read aloud or typed from a crumpled ticket cannot be misread.
TICKET_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
TICKET_CODE_PREFIX = "BMS"
_TICKET_CODE_BODY = re.compile(f"[{TICKET_CODE_ALPHABET}]{{8}}")


def _require_aware(name: str, moment: dt.datetime) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got {moment!r}")


def _when(moment: dt.datetime, tz: str | None = None) -> str:
    if tz is None:  # no cinema given (callers before time zones were passed): as it was
        return f"{moment:%Y-%m-%d} {cinema_time.clock(moment, 'UTC')}"
    return cinema_time.full(moment, tz, label=True)


def _cleaning(minutes: int) -> str:
    return f" plus {minutes} min cleaning" if minutes else ""


def check_show_slot(
    *,
    start: dt.datetime,
    runtime_min: int,
    cleaning_gap_min: int,
    existing: Sequence[tuple[int, dt.datetime, dt.datetime]],
    now: dt.datetime,
    tz: str | None = None,
) -> dt.datetime:
    """End time (``start + runtime``) of a new show on a screen, or ValidationError.

    ``existing`` holds ``(show_id, start, end)`` of the other shows on the same screen (leave out
    the show being edited). Every show is followed by ``cleaning_gap_min`` minutes of cleaning.
    """
    _require_aware("start", start)
    _require_aware("now", now)
    if runtime_min <= 0:
        raise ValidationError(
            f"The runtime must be at least 1 minute, not {runtime_min}.", field="runtime"
        )
    if cleaning_gap_min < 0:
        raise ValidationError(
            f"The cleaning gap cannot be negative ({cleaning_gap_min} min).", field="cleaning_gap"
        )
    if start < now:
        raise ValidationError(
            f"The show would start at {_when(start, tz)}, which is in the past.", field="start"
        )
    end = start + dt.timedelta(minutes=runtime_min)
    gap = dt.timedelta(minutes=cleaning_gap_min)
    clashes = sorted(
        (
            (other_start, show_id, other_end)
            for show_id, other_start, other_end in existing
            if start < other_end + gap and other_start < end + gap
        ),
        key=lambda c: (c[0], c[1]),
    )
    if clashes:
        other_start, show_id, other_end = clashes[0]
        more = f" (and {len(clashes) - 1} more)" if len(clashes) > 1 else ""
        raise ValidationError(
            f"{_when(start, tz)}-{cinema_time.clock(end, tz or 'UTC')}"
            f"{_cleaning(cleaning_gap_min)} overlaps show #{show_id} ({_when(other_start, tz)}-"
            f"{cinema_time.clock(other_end, tz or 'UTC')}{_cleaning(cleaning_gap_min)}){more}.",
            field="start",
        )
    return end


def sales_close_at(show_start: dt.datetime, close_offset_min: int) -> dt.datetime:
    """When counter sales close: ``close_offset_min`` after the start (negative = before)."""
    return show_start + dt.timedelta(minutes=close_offset_min)


def describe_offset(close_offset_min: int) -> str:
    """ "at the start", "15 min before the start", "10 min after the start"."""
    if close_offset_min == 0:
        return "at the start"
    side = "after" if close_offset_min > 0 else "before"
    return f"{abs(close_offset_min)} min {side} the start"


def sales_open(*, show_start: dt.datetime, now: dt.datetime, close_offset_min: int = 0) -> bool:
    """True while counter sales for a show starting at ``show_start`` are still open."""
    _require_aware("show_start", show_start)
    _require_aware("now", now)
    return now < sales_close_at(show_start, close_offset_min)


def ensure_sales_open(
    *,
    show_start: dt.datetime,
    now: dt.datetime,
    close_offset_min: int = 0,
    tz: str | None = None,
) -> None:
    """SalesClosed, with the closing time in the cinema's zone ``tz`` (labelled), when counter
    sales for the show have closed."""
    if not sales_open(show_start=show_start, now=now, close_offset_min=close_offset_min):
        closed = sales_close_at(show_start, close_offset_min)
        raise SalesClosed(
            f"Counter sales for this show closed at {cinema_time.message_time(closed, tz, now)} "
            f"({describe_offset(close_offset_min)} of the show at "
            f"{cinema_time.clock(show_start, tz, label=True)})."
        )


def cancellation_deadline(show_start: dt.datetime, cutoff_min: int) -> dt.datetime:
    """The last moment (exclusive) a booking for the show can be cancelled."""
    if cutoff_min < 0:
        raise ValidationError(
            f"The cancellation cutoff cannot be negative ({cutoff_min} min).", field="cutoff"
        )
    return show_start - dt.timedelta(minutes=cutoff_min)


def ensure_cancellable(
    *, show_start: dt.datetime, now: dt.datetime, cutoff_min: int, tz: str | None = None
) -> None:
    """InvalidState, naming the deadline in the cinema's zone ``tz`` (labelled), when it is too
    late to cancel."""
    _require_aware("show_start", show_start)
    _require_aware("now", now)
    deadline = cancellation_deadline(show_start, cutoff_min)
    if now >= deadline:
        raise InvalidState(
            f"Too late to cancel: cancellations closed at "
            f"{cinema_time.message_time(deadline, tz, now)} ({cutoff_min} min before the show "
            f"at {cinema_time.clock(show_start, tz, label=True)})."
        )


def compute_refund(*, total: Decimal, fee: Decimal) -> Decimal:
    """What goes back to the customer: ``total - fee``, rounded half-up."""
    if total < 0:
        raise ValidationError(f"The total cannot be negative ({total}).", field="total")
    if fee < 0:
        raise ValidationError(f"The fee cannot be negative ({fee}).", field="fee")
    if fee > total:
        raise ValidationError(
            f"The fee {format_money(fee)} is more than the total {format_money(total)}.",
            field="fee",
        )
    return round_money(total - fee)


def validate_seat_ids(ids: Sequence[int]) -> tuple[int, ...]:
    """The seat ids of one request, sorted; 1..MAX_SEATS_PER_BOOKING ids, no duplicates."""
    if not ids:
        raise ValidationError("Pick at least one seat.", field="seats")
    if len(ids) > MAX_SEATS_PER_BOOKING:
        raise ValidationError(
            f"At most {MAX_SEATS_PER_BOOKING} seats per booking; {len(ids)} were picked.",
            field="seats",
        )
    seen: set[int] = set()
    duplicates: list[int] = []
    for seat_id in ids:
        if seat_id in seen and seat_id not in duplicates:
            duplicates.append(seat_id)
        seen.add(seat_id)
    if duplicates:
        listed = ", ".join(str(d) for d in sorted(duplicates))
        raise ValidationError(f"Seat id picked twice: {listed}.", field="seats")
    return tuple(sorted(ids))


def hold_is_live(expires_at: dt.datetime | None, now: dt.datetime) -> bool:
    """True while a hold expiring at ``expires_at`` still stands."""
    if expires_at is None:
        return False
    _require_aware("expires_at", expires_at)
    _require_aware("now", now)
    return now < expires_at


def compute_change(*, total: Decimal, tendered: Decimal) -> Decimal:
    """Cash change to hand back; ValidationError when the customer has not paid enough."""
    if total < 0:
        raise ValidationError(f"The total cannot be negative ({total}).", field="total")
    if tendered < total:
        raise ValidationError(
            f"Tendered {format_money(tendered)} is {format_money(total - tendered)} short of "
            f"{format_money(total)}.",
            field="tendered",
        )
    return round_money(tendered - total)


def generate_ticket_code(rand: random.Random | None = None) -> str:
    """A fresh ticket code like ``BMS-7KQ4-XH2P`` (8 characters, about 40 bits).

    Uses ``secrets`` unless a seeded ``random.Random`` is given (tests, demo data).
    """
    if rand is None:
        body = "".join(secrets.choice(TICKET_CODE_ALPHABET) for _ in range(8))
    else:
        body = "".join(rand.choice(TICKET_CODE_ALPHABET) for _ in range(8))
    return f"{TICKET_CODE_PREFIX}-{body[:4]}-{body[4:]}"


def normalise_ticket_code(text: str) -> str | None:
    """The canonical ``BMS-XXXX-XXXX`` form of what a clerk typed, or None if it cannot be one.

    Accepts lower case, spaces, missing dashes and a missing prefix. The alphabet has no
    ``0``/``O``/``1``/``I``, so text containing one of them is not a code.
    """
    compact = re.sub(r"[\s-]", "", text).upper()
    if compact.startswith(TICKET_CODE_PREFIX) and len(compact) == len(TICKET_CODE_PREFIX) + 8:
        compact = compact[len(TICKET_CODE_PREFIX) :]
    if not _TICKET_CODE_BODY.fullmatch(compact):
        return None
    return f"{TICKET_CODE_PREFIX}-{compact[:4]}-{compact[4:]}"
