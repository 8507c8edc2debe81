"""Domain errors: every one carries a message a clerk can read."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class DomainError(Exception):
    """Base class: a refusal with a message meant for the person at the counter."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class ValidationError(DomainError):
    """Bad input; nothing was changed."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class NotFound(DomainError):
    pass


class PermissionDenied(DomainError):
    pass


class AuthenticationFailed(DomainError):
    pass


class AccountLocked(AuthenticationFailed):
    def __init__(self, message: str, seconds_left: int) -> None:
        super().__init__(message)
        self.seconds_left = seconds_left


class InvalidState(DomainError):
    """Not in a state that allows this (confirm twice, cancel an expired ticket...)."""


class SalesClosed(DomainError):
    pass


class CouponRejected(DomainError):
    pass


class LockTimeout(DomainError):
    """The database lock could not be had in time; nothing was changed."""


class FailureReason(StrEnum):
    HELD = "HELD"  # temporary: another counter holds it, try again shortly
    SOLD = "SOLD"  # permanent
    BLOCKED = "BLOCKED"  # permanent: an admin took the seat out of sale
    CHANGED = "CHANGED"  # optimistic: the version moved and retries were exhausted
    CONSTRAINT = "CONSTRAINT"  # the database safety net refused the claim
    UNKNOWN = "UNKNOWN"  # not a seat of this show

    @property
    def temporary(self) -> bool:
        return self in (FailureReason.HELD, FailureReason.CHANGED)


@dataclass(frozen=True)
class SeatFailure:
    label: str
    reason: FailureReason
    by_counter: str | None = None
    version_seen: int | None = None
    version_found: int | None = None

    def describe(self) -> str:
        who = f" by {self.by_counter}" if self.by_counter else ""
        match self.reason:
            case FailureReason.HELD:
                return f"{self.label} is held{who}; try again shortly"
            case FailureReason.SOLD:
                return f"{self.label} is already sold{who}"
            case FailureReason.BLOCKED:
                return f"{self.label} is not for sale"
            case FailureReason.CHANGED:
                return (
                    f"{self.label} changed since the map was loaded "
                    f"(version {self.version_seen} -> {self.version_found})"
                )
            case FailureReason.CONSTRAINT:
                return f"{self.label} was caught by the database constraint (already claimed{who})"
            case _:
                return f"{self.label} is not a seat of this show"


class SeatsUnavailable(DomainError):
    """All-or-nothing hold failed: lists every seat that could not be had and why."""

    def __init__(self, failures: list[SeatFailure], report: object | None = None) -> None:
        self.failures = tuple(failures)
        self.report = report  # a services.dto.ConcurrencyReport, attached by the services
        super().__init__("Seats not available: " + "; ".join(f.describe() for f in failures))

    @property
    def temporary(self) -> bool:
        return all(f.reason.temporary for f in self.failures)
