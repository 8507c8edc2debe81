"""The one way a service writes a row of the audit trail (``audit_events``): every text cut to
its column's length, so that no row can be refused by PostgreSQL (or stored longer than the
schema says by SQLite) because a name, a door or an id ran long.

A counter's own actions go through ``sale_common.record_audit``, which fills in the clerk and
the counter from a ``CounterContext``; rows written for someone else (a sign-in, an approval, a
door) call ``add_audit_event`` directly. On the sale's hot path: a slice of a text no longer than
its column is the text itself, so a row costs no more than building the record.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Final

from bms_desktop.domain.limits import limit
from bms_desktop.services.ports import AuditRecord, UnitOfWork

_ACTION_MAX: Final = limit("audit_events.action")
_USERNAME_MAX: Final = limit("audit_events.username")
_COUNTER_MAX: Final = limit("audit_events.counter")
_ENTITY_MAX: Final = limit("audit_events.entity")
_ENTITY_ID_MAX: Final = limit("audit_events.entity_id")


def add_audit_event(
    uow: UnitOfWork,
    *,
    at: datetime,
    action: str,
    username: str,
    staff_id: int | None,
    counter: str,
    entity: str,
    entity_id: object,
    show_id: int | None = None,
    details: Mapping[str, object],
) -> None:
    """Add one audit row to ``uow`` (stored when it commits). ``entity_id`` is stored as
    ``str(entity_id)``; ``show_id`` is set when the change touches a show (the change feed)."""
    uow.audit.add(
        AuditRecord(
            at=at,
            action=action[:_ACTION_MAX],
            username=username[:_USERNAME_MAX],
            staff_id=staff_id,
            counter=counter[:_COUNTER_MAX],
            entity=entity[:_ENTITY_MAX],
            entity_id=str(entity_id)[:_ENTITY_ID_MAX],
            show_id=show_id,
            details=details,
        )
    )


__all__ = ["add_audit_event"]
