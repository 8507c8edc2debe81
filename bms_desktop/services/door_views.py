"""What the door check-in services hand to the Door window and the command line (frozen DTOs).

Times are aware UTC datetimes; each DTO carries the cinema's time zone, and ``local_*`` gives the
time a person reads. ``ScanResult.to_json()`` is what ``bms-desktop checkin --json`` prints.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from zoneinfo import ZoneInfo


class ScanOutcome(StrEnum):
    ADMIT = "ADMIT"
    ALREADY_ADMITTED = "ALREADY_ADMITTED"
    WRONG_SHOW = "WRONG_SHOW"
    NOT_YET = "NOT_YET"
    SHOW_ENDED = "SHOW_ENDED"
    CANCELLED = "CANCELLED"
    REFUNDED = "REFUNDED"
    NOT_PAID = "NOT_PAID"  # a hold that was never paid for (or ran out)
    TOO_MANY = "TOO_MANY"  # "People now" is more than the ticket is for
    UNKNOWN_CODE = "UNKNOWN_CODE"
    CONNECTION_LOST = "CONNECTION_LOST"  # nothing was admitted: the database did not answer

    @property
    def word(self) -> str:
        """The word on the door's outcome panel."""
        return {
            "ADMIT": "ADMIT",
            "ALREADY_ADMITTED": "ALREADY ADMITTED",
            "WRONG_SHOW": "WRONG SHOW",
            "NOT_YET": "NOT YET",
            "SHOW_ENDED": "SHOW ENDED",
            "CANCELLED": "CANCELLED",
            "REFUNDED": "REFUNDED",
            "NOT_PAID": "NOT PAID",
            "TOO_MANY": "TOO MANY PEOPLE",
            "UNKNOWN_CODE": "UNKNOWN CODE",
            "CONNECTION_LOST": "NOT ADMITTED",
        }[self.value]

    @property
    def admits(self) -> bool:
        return self is ScanOutcome.ADMIT


def _local(at: datetime, timezone: str) -> datetime:
    return at.astimezone(ZoneInfo(timezone))


def _iso(at: datetime | None, timezone: str) -> str | None:
    return None if at is None else _local(at, timezone).isoformat(timespec="seconds")


@dataclass(frozen=True, slots=True)
class DoorShow:
    show_id: int
    movie_title: str
    certificate: str
    language: str
    format: str
    screen_id: int
    screen_name: str
    theater_id: int
    theater_name: str
    timezone: str
    starts_at: datetime
    ends_at: datetime
    doors_open_at: datetime
    doors_close_at: datetime

    @property
    def local_starts_at(self) -> datetime:
        return _local(self.starts_at, self.timezone)

    @property
    def local_ends_at(self) -> datetime:
        return _local(self.ends_at, self.timezone)

    @property
    def local_doors_open_at(self) -> datetime:
        return _local(self.doors_open_at, self.timezone)

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.show_id,
            "movie": self.movie_title,
            "certificate": self.certificate,
            "language": self.language,
            "format": self.format,
            "screen": self.screen_name,
            "cinema": self.theater_name,
            "timezone": self.timezone,
            "starts_at": _iso(self.starts_at, self.timezone),
            "ends_at": _iso(self.ends_at, self.timezone),
            "doors_open_at": _iso(self.doors_open_at, self.timezone),
            "doors_close_at": _iso(self.doors_close_at, self.timezone),
        }


@dataclass(frozen=True, slots=True)
class DoorShowStatus:
    """A show at the doors now (or soon), with people admitted and people on sold tickets."""

    show: DoorShow
    sold_people: int
    admitted_people: int
    doors_open: bool


@dataclass(frozen=True, slots=True)
class DoorScreen:
    screen_id: int
    screen_name: str
    theater_id: int
    theater_name: str


@dataclass(frozen=True, slots=True)
class DoorSetup:
    """What the Door window needs once: the screens to filter on and the door rules."""

    screens: tuple[DoorScreen, ...]
    opens_minutes: int  # doors open this long before a show starts
    closes_after_end_minutes: int  # admission until this long after it ends (0: at the end)


@dataclass(frozen=True, slots=True)
class AdmissionView:
    """One admission on a ticket: who let how many people in, at which door, when."""

    admission_id: int
    door: str
    by: str
    people: int
    at: datetime
    timezone: str

    @property
    def local_at(self) -> datetime:
        return _local(self.at, self.timezone)

    def to_json(self) -> dict[str, object]:
        return {
            "door": self.door,
            "by": self.by,
            "people": self.people,
            "at": _iso(self.at, self.timezone),
        }


@dataclass(frozen=True, slots=True)
class ScanResult:
    """The outcome of one scan at a door, with everything the usher needs to act on it."""

    outcome: ScanOutcome
    message: str  # what to do, in a sentence or two
    scanned: str  # what was scanned: printable, at most ~50 characters
    code: str | None  # the canonical ticket code, when the text could be one
    door: str
    usher: str
    at: datetime
    timezone: str
    ticket_id: int | None = None
    show: DoorShow | None = None
    seats: tuple[str, ...] = ()
    ticket_types: tuple[tuple[str, int], ...] = ()  # (type name, seats of that type)
    people_now: int = 0  # admitted by this scan
    admitted_total: int = 0  # people admitted on this ticket so far (after this scan)
    seat_count: int = 0
    admissions: tuple[AdmissionView, ...] = ()  # the ticket's admissions (not undone)
    show_sold: int | None = None  # people on confirmed tickets of the show
    show_admitted: int | None = None  # people admitted to the show
    admission_id: int | None = None
    resolved_after_reconnect: bool = False

    @property
    def admitted(self) -> bool:
        return self.outcome.admits

    @property
    def people_left(self) -> int:
        return max(0, self.seat_count - self.admitted_total)

    @property
    def local_at(self) -> datetime:
        return _local(self.at, self.timezone)

    def ticket_types_text(self) -> str:
        """``2 × Adult, 1 × Child``."""
        return ", ".join(f"{count} × {name}" for name, count in self.ticket_types)

    def to_json(self) -> dict[str, object]:
        ticket: dict[str, object] | None = None
        if self.ticket_id is not None:
            ticket = {
                "code": self.code,
                "seat_count": self.seat_count,
                "seats": list(self.seats),
                "ticket_types": [{"type": n, "count": c} for n, c in self.ticket_types],
                "people_now": self.people_now,
                "admitted_total": self.admitted_total,
                "people_left": self.people_left,
            }
        counts = (
            None
            if self.show_sold is None
            else {"admitted": self.show_admitted, "sold": self.show_sold}
        )
        return {
            "outcome": self.outcome.value,
            "admitted": self.admitted,
            "title": self.outcome.word,
            "message": self.message,
            "scanned": self.scanned,
            "door": self.door,
            "usher": self.usher,
            "at": _iso(self.at, self.timezone),
            "ticket": ticket,
            "show": None if self.show is None else self.show.to_json(),
            "admissions": [a.to_json() for a in self.admissions],
            "show_counts": counts,
            "resolved_after_reconnect": self.resolved_after_reconnect,
        }


@dataclass(frozen=True, slots=True)
class PendingScan:
    """An admission whose commit broke off: enough to look it up once the database answers."""

    code: str
    ticket_id: int
    door: str
    staff_id: int | None
    usher: str
    at: datetime
    people: int
    timezone: str


@dataclass(frozen=True, slots=True)
class UndoResult:
    code: str
    door: str  # where the admission that was undone happened
    people: int
    admitted_total: int  # people still admitted on the ticket
    approved_by: str
    at: datetime
    timezone: str


__all__ = [
    "AdmissionView",
    "DoorScreen",
    "DoorSetup",
    "DoorShow",
    "DoorShowStatus",
    "PendingScan",
    "ScanOutcome",
    "ScanResult",
    "UndoResult",
]
