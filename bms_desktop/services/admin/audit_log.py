"""The audit log viewer: read-only (the trail stays append-only: triggers refuse UPDATE and
DELETE), filtered by staff, counter, kind, record and a date range in the box office's time zone,
newest first, a page at a time (keyset paging on the id, so a page costs the same deep in the
trail as at its top), and exported to CSV.

Administrators and supervisors may read it (supervisors approve refunds and overrides and answer
for them); nobody can change it from here.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import TextIO
from zoneinfo import ZoneInfo

from bms_desktop.domain.errors import ValidationError
from bms_desktop.domain.model import Role
from bms_desktop.services.admin.common import clean_text
from bms_desktop.services.admin.dto_audit import (
    AuditEntry,
    AuditFacets,
    AuditFilter,
    AuditPage,
    FieldChange,
)
from bms_desktop.services.context import BoxOffice, CounterContext, load_settings
from bms_desktop.services.ports import AuditRecord
from bms_desktop.services.ports_admin_b import AuditQuery

TEXT_MAX = 40  # audit_events.username / counter / action / entity / entity_id
PAGE_MAX = 1000
EXPORT_PAGE = 1000
_FIELDS = (
    ("username", "The staff name"),
    ("counter", "The counter"),
    ("action", "The kind"),
    ("entity", "The record type"),
    ("entity_id", "The record"),
)


def _require_reader(ctx: CounterContext) -> None:
    ctx.require(Role.SUPERVISOR, "Reading the audit log")


def readable(value: object) -> str:
    """A before/after value as a person reads it."""
    kind = type(value)
    if kind is str:
        return value if value else "(empty)"  # type: ignore[return-value]
    if value is None:
        return "none"
    if kind is bool:
        return "yes" if value else "no"
    if kind is dict or isinstance(value, Mapping):
        items = value.items()  # type: ignore[attr-defined]
        return ", ".join(f"{k}={readable(v)}" for k, v in items) or "(empty)"
    if kind is list or kind is tuple:
        return ", ".join(readable(v) for v in value) or "(empty)"  # type: ignore[attr-defined]
    return str(value)


def entry_of(event_id: int, record: AuditRecord) -> AuditEntry:
    details = dict(record.details)
    before = details.pop("before", None)
    after = details.pop("after", None)
    changes: list[FieldChange] = []
    if type(before) is dict or type(after) is dict:
        b = before if type(before) is dict else {}
        a = after if type(after) is dict else {}
        for key in [*a, *(k for k in b if k not in a)]:
            changes.append(
                FieldChange(
                    str(key),
                    readable(b[key]) if key in b else "",
                    readable(a[key]) if key in a else "",
                )
            )
    else:  # not a configuration change: keep whatever was there
        if before is not None:
            details["before"] = before
        if after is not None:
            details["after"] = after
    return AuditEntry(
        event_id=event_id,
        at=record.at,
        username=record.username,
        counter=record.counter,
        action=record.action,
        entity=record.entity,
        entity_id=record.entity_id,
        show_id=record.show_id,
        details=record.details,
        changes=tuple(changes),
        other=tuple((str(k), readable(v)) for k, v in details.items()),
    )


def _query(flt: AuditFilter, tz: str, *, before_id: int | None, limit: int) -> AuditQuery:
    if not isinstance(flt, AuditFilter):
        raise ValidationError("filter the audit log with an AuditFilter", field="filter")
    texts: dict[str, str] = {}
    for name, label in _FIELDS:
        texts[name] = clean_text(
            getattr(flt, name), field=name, label=label, max_len=TEXT_MAX, required=False
        )
    for name in ("date_from", "date_to"):
        value = getattr(flt, name)
        if value is not None and (not isinstance(value, date) or isinstance(value, datetime)):
            raise ValidationError("a date, or none", field=name)
        if value is not None and not 2000 <= value.year <= 2199:
            raise ValidationError("a date between the years 2000 and 2199", field=name)
    if flt.date_from and flt.date_to and flt.date_to < flt.date_from:
        raise ValidationError("'to' is before 'from'", field="date_to")
    if before_id is not None and (
        isinstance(before_id, bool) or not isinstance(before_id, int) or before_id < 1
    ):
        raise ValidationError("page from a known entry", field="before_id")
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= PAGE_MAX:
        raise ValidationError(f"a page holds 1 to {PAGE_MAX} entries", field="limit")
    zone = ZoneInfo(tz)

    def start_of(day: date) -> datetime:
        return datetime.combine(day, time(0, 0), zone).astimezone(UTC)

    return AuditQuery(
        **texts,
        at_from=start_of(flt.date_from) if flt.date_from else None,
        at_to=start_of(flt.date_to + timedelta(days=1)) if flt.date_to else None,
        before_id=min(before_id, 2**62) if before_id is not None else None,
        limit=limit,
    )


def audit_log(
    box: BoxOffice,
    ctx: CounterContext,
    flt: AuditFilter | None = None,
    *,
    before_id: int | None = None,
    limit: int = 200,
) -> AuditPage:
    """A page of matching entries, newest first; ``next_before_id`` fetches the next page."""
    _require_reader(ctx)
    with box.uows() as uow:
        tz = load_settings(uow).box_office_timezone
        query = _query(flt or AuditFilter(), tz, before_id=before_id, limit=limit)
        rows = uow.config.audit_page(query)
    entries = tuple(entry_of(i, r) for i, r in rows)
    more = len(entries) == query.limit
    return AuditPage(entries, tz, entries[-1].event_id if more and entries else None)


def audit_facets(box: BoxOffice, ctx: CounterContext) -> AuditFacets:
    """The kinds, staff names, counters and record types that occur (for the filter combos)."""
    _require_reader(ctx)
    with box.uows() as uow:
        return AuditFacets(
            actions=tuple(uow.config.audit_distinct("action")),
            usernames=tuple(uow.config.audit_distinct("username")),
            counters=tuple(uow.config.audit_distinct("counter")),
            entities=tuple(uow.config.audit_distinct("entity")),
        )


CSV_HEADER = (
    "id",
    "time",
    "time zone",
    "staff",
    "counter",
    "kind",
    "record type",
    "record",
    "show",
    "changes",
    "other details",
)


def _cell(value: object) -> str:
    """Text for a CSV cell; a leading = + - @ is neutralised so a spreadsheet never runs it."""
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


def export_audit_csv(
    box: BoxOffice,
    ctx: CounterContext,
    flt: AuditFilter | None,
    out: TextIO,
    *,
    max_rows: int = 1_000_000,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write every matching entry (newest first) as CSV to ``out``; returns how many."""
    _require_reader(ctx)
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    written = 0
    before_id: int | None = None
    while written < max_rows:
        page = audit_log(
            box, ctx, flt, before_id=before_id, limit=min(EXPORT_PAGE, max_rows - written)
        )
        for e in page.entries:
            local = e.local_at(page.timezone)
            writer.writerow(
                [
                    _cell(x)
                    for x in (
                        e.event_id,
                        local.strftime("%Y-%m-%d %H:%M:%S"),
                        page.timezone,
                        e.username,
                        e.counter,
                        e.action,
                        e.entity,
                        e.entity_id,
                        e.show_id if e.show_id is not None else "",
                        "; ".join(c.describe() for c in e.changes),
                        json.dumps(dict(e.other), ensure_ascii=False) if e.other else "",
                    )
                ]
            )
        written += len(page.entries)
        if progress is not None:
            progress(written)
        if page.next_before_id is None:
            break
        before_id = page.next_before_id
    return written


__all__ = ["audit_facets", "audit_log", "entry_of", "export_audit_csv", "readable"]
