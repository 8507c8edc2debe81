"""What changed on a show's map since the last look, and who did it (no Qt).

A counter re-reads the open show when the change hub says another counter (or this one) changed
it. ``remote_changes`` groups the seats whose status or holder moved by who did what, leaving out
what this counter did itself: its own tickets, and the changes it expects from its own actions
(``Expectations``: a cancellation it made frees seats of a ticket another window of this counter
sold, and it is not "another counter" that freed them).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from bms_desktop.domain.model import SeatStatus
from bms_desktop.gui.conflict_text import join_labels
from bms_desktop.services.dto import SeatView

SeatKey = tuple[SeatStatus, int | None]  # status, owning ticket


def seat_key(seat: SeatView) -> SeatKey:
    return seat.status, seat.held_by_ticket_id


class Expectations:
    """Seat states this counter's own actions will show on the next read: seen, they are this
    counter's doing, not news from another counter."""

    def __init__(self) -> None:
        self._expected: dict[int, SeatStatus] = {}

    def expect(self, show_seat_ids: Iterable[int], status: SeatStatus) -> None:
        for sid in show_seat_ids:
            self._expected[sid] = status

    def consume(self, seat: SeatView) -> bool:
        """True when ``seat`` shows what this counter expected of it (then forgotten)."""
        status = self._expected.get(seat.show_seat_id)
        if status is None or status is not seat.status:
            return False
        del self._expected[seat.show_seat_id]
        return True

    def clear(self) -> None:
        self._expected.clear()


@dataclass(frozen=True, slots=True)
class RemoteChange:
    who: str  # "" when nobody can be named (a seat freed, blocked)
    what: str  # "sold", "is holding", "free again", "blocked"
    labels: tuple[str, ...]

    @property
    def message(self) -> str:
        seats = join_labels(self.labels, limit=8)
        if self.who:
            return f"{self.who} {self.what} {seats}"
        return f"{seats} {'is' if len(self.labels) == 1 else 'are'} {self.what}"


def remote_changes(
    old: Mapping[int, SeatView],
    new: Sequence[SeatView],
    *,
    my_counter: str,
    my_tickets: frozenset[int] | set[int],
    expected: Expectations,
) -> list[RemoteChange]:
    """What other counters did to the show between the ``old`` and the ``new`` reading."""
    groups: dict[tuple[str, str], list[str]] = {}
    for seat in new:
        before = old.get(seat.show_seat_id)
        if before is None or seat_key(before) == seat_key(seat):
            continue
        if expected.consume(seat):
            continue
        who = seat.held_by_counter or before.held_by_counter or "another counter"
        if who == my_counter and (
            seat.held_by_ticket_id in my_tickets or before.held_by_ticket_id in my_tickets
        ):
            continue
        if seat.status is SeatStatus.SOLD:
            key = (who, "sold")
        elif seat.status is SeatStatus.HELD:
            key = (who, "is holding")
        elif seat.status is SeatStatus.AVAILABLE:
            key = ("", "free again")
        else:
            key = ("", "blocked")
        groups.setdefault(key, []).append(seat.label)
    return [RemoteChange(who, what, tuple(labels)) for (who, what), labels in groups.items()]


def changed_ids(old: Mapping[int, SeatView], new: Sequence[SeatView]) -> set[int]:
    """Seats whose status or owner moved between two readings."""
    return {
        s.show_seat_id
        for s in new
        if (before := old.get(s.show_seat_id)) is not None and seat_key(before) != seat_key(s)
    }


__all__ = ["Expectations", "RemoteChange", "changed_ids", "remote_changes", "seat_key"]
