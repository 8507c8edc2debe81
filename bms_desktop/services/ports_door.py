"""Storage port of an area:

Door check-in (issue 12): admitting people on a ticket, exactly once, and undoing it.

The SQLAlchemy implementation is ``bms_desktop.persistence.repo_door``; a unit of work exposes it
as ``uow.door``. Services of this area are tested on real SQLite and PostgreSQL databases (the
``db_url`` fixture), so the in-memory fake unit of work does not implement it.

The one step that decides a scan is ``admit``: a conditional increment of
``tickets.admitted_count`` whose WHERE clause re-checks the status and the seats left; the number
of rows it changed decides, whichever door scanned first. ``add_admission`` records the door,
the usher and the time in the same transaction, so the loser of a race reads who won.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class DoorTicketRecord:
    """A ticket as the door sees it: its state and its show, in one read."""

    ticket_id: int
    code: str
    status: str
    seat_count: int
    admitted_count: int
    refunded: bool  # a refund payment exists
    show_id: int
    starts_at: datetime
    ends_at: datetime
    show_cancelled: bool
    movie_title: str
    certificate: str
    language: str
    format: str
    screen_id: int
    screen_name: str
    theater_id: int
    theater_name: str
    timezone: str


@dataclass(frozen=True, slots=True)
class AdmissionRecord:
    admission_id: int
    ticket_id: int
    door: str
    staff_id: int | None
    staff_username: str | None
    people: int
    at: datetime
    undone_at: datetime | None
    undone_by: str | None
    undo_reason: str


@dataclass(frozen=True, slots=True)
class DoorShowRecord:
    """A show with its doors' counts: people on confirmed tickets, people let in."""

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
    sold_people: int
    admitted_people: int


@dataclass(frozen=True, slots=True)
class DoorScreenRecord:
    screen_id: int
    screen_name: str
    theater_id: int
    theater_name: str


class AdmissionRepository(abc.ABC):
    """See the module docstring."""

    @abc.abstractmethod
    def ticket_for_door(self, code: str) -> DoorTicketRecord | None:
        """The ticket with this (canonical) code and its show; None if there is none."""

    @abc.abstractmethod
    def seat_lines(self, ticket_id: int) -> list[tuple[str, str]]:
        """(seat label, ticket type code) of the ticket's seats, in seat order."""

    @abc.abstractmethod
    def ticket_type_names(self, theater_id: int) -> dict[str, str]:
        """Ticket type code -> name for this cinema (its own types replace the global ones)."""

    @abc.abstractmethod
    def admit(self, ticket_id: int, people: int) -> bool:
        """THE atomic step: ``admitted_count + people`` if the ticket is CONFIRMED and that many
        seats are still not admitted. False (nothing changed) otherwise."""

    @abc.abstractmethod
    def add_admission(
        self, ticket_id: int, door: str, staff_id: int | None, people: int, at: datetime
    ) -> int: ...

    @abc.abstractmethod
    def admissions(self, ticket_id: int) -> list[AdmissionRecord]:
        """Every admission of the ticket, oldest first (undone ones included)."""

    @abc.abstractmethod
    def find_admission(
        self, ticket_id: int, door: str, staff_id: int | None, at: datetime
    ) -> AdmissionRecord | None:
        """The admission a scan made (after a commit whose outcome was unknown)."""

    @abc.abstractmethod
    def undo_admission(
        self, admission_id: int, *, by_id: int | None, at: datetime, reason: str
    ) -> bool:
        """Atomically: the admission not yet undone -> undone, and its people taken off the
        ticket's ``admitted_count``. False (nothing changed) if it was undone already."""

    @abc.abstractmethod
    def show_counts(self, show_id: int) -> tuple[int, int]:
        """(people on confirmed tickets, people admitted) of a show."""

    @abc.abstractmethod
    def shows_at_doors(
        self,
        *,
        starts_before: datetime,
        ends_after: datetime,
        theater_id: int | None = None,
        screen_id: int | None = None,
        limit: int = 60,
    ) -> list[DoorShowRecord]:
        """Shows (not cancelled, not race-lab scratch) starting before ``starts_before`` and
        ending after ``ends_after``, by start time, with their counts."""

    @abc.abstractmethod
    def screens(self) -> list[DoorScreenRecord]:
        """Active screens of active cinemas, by cinema and screen name (race lab excluded)."""

    @abc.abstractmethod
    def ping(self) -> None:
        """One trivial statement: raises StorageUnavailable when the database is gone."""
