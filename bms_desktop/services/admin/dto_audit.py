"""DTOs of the audit log viewer (admin-B)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo


@dataclass(frozen=True, slots=True)
class AuditFilter:
    """Empty text = any. Dates are the box office's local dates, both inclusive."""

    username: str = ""
    counter: str = ""
    action: str = ""
    entity: str = ""
    entity_id: str = ""
    date_from: date | None = None
    date_to: date | None = None


@dataclass(frozen=True, slots=True)
class FieldChange:
    field: str
    before: str  # "" when the field did not exist before (a creation)
    after: str  # "" when it is gone (a removal)

    def describe(self) -> str:
        if not self.before:
            return f"{self.field}: {self.after}"
        if not self.after:
            return f"{self.field}: {self.before} (removed)"
        return f"{self.field}: {self.before} → {self.after}"


@dataclass(frozen=True, slots=True)
class AuditEntry:
    event_id: int
    at: datetime  # UTC
    username: str
    counter: str
    action: str
    entity: str
    entity_id: str
    show_id: int | None
    details: Mapping[str, object]
    changes: tuple[FieldChange, ...] = ()
    other: tuple[tuple[str, str], ...] = ()  # details that are not before/after values

    def local_at(self, timezone: str) -> datetime:
        return self.at.astimezone(ZoneInfo(timezone))

    @property
    def summary(self) -> str:
        """One line: the changed fields, then the other details."""
        parts = [c.describe() for c in self.changes]
        parts += [f"{k}: {v}" for k, v in self.other]
        return "; ".join(parts)


@dataclass(frozen=True, slots=True)
class AuditPage:
    entries: tuple[AuditEntry, ...]
    timezone: str
    next_before_id: int | None = None  # pass as ``before_id`` for the next (older) page


@dataclass(frozen=True, slots=True)
class AuditFacets:
    """Values the filter combos offer."""

    actions: tuple[str, ...] = field(default=())
    usernames: tuple[str, ...] = field(default=())
    counters: tuple[str, ...] = field(default=())
    entities: tuple[str, ...] = field(default=())
