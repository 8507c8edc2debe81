"""Helpers every admin service uses: the role check, text checked against its column, money and
number parsing with field-level errors, and audit rows with before/after values.

Column limits are written down here (services do not import the persistence layer);
``tests/integration/test_admin_common.py`` checks them against ``persistence/tables.py`` so the
two cannot drift apart.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, is_dataclass
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import Any, Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from bms_desktop.domain.errors import NotFound, ValidationError
from bms_desktop.domain.model import Role
from bms_desktop.services.context import CounterContext
from bms_desktop.services.ports import UnitOfWork
from bms_desktop.services.sale_common import record_audit

# Length of every String column an admin dialog writes (persistence/tables.py).
COLUMN_LIMITS: Final[Mapping[str, int]] = {
    "cities.name": 80,
    "cities.state": 80,
    "theaters.name": 120,
    "theaters.address": 240,
    "theaters.timezone": 64,
    "theaters.gstin": 15,
    "theaters.phone": 20,
    "screens.name": 80,
    "seats.row_label": 4,
    "seats.label": 10,
    "seat_types.code": 20,
    "seat_types.name": 40,
    "movies.title": 200,
    "movies.languages": 200,
    "movies.genre": 80,
    "movies.certificate": 8,
    "shows.language": 40,
    "shows.format": 20,
    "shows.cancel_reason": 200,
    "show_seats.block_reason": 120,
}

# Text columns without a length in the schema still get a sane cap.
SYNOPSIS_MAX: Final = 4000

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def require_admin(ctx: CounterContext, what: str) -> None:
    """PermissionDenied unless the caller is an administrator."""
    ctx.require(Role.ADMIN, what)


def limit(column: str) -> int:
    return COLUMN_LIMITS[column]


def clean_text(
    value: object,
    *,
    field: str,
    label: str,
    column: str | None = None,
    max_len: int | None = None,
    required: bool = True,
    multiline: bool = False,
) -> str:
    """Text as stored: surrounding space trimmed, inner runs of space collapsed (one line) or
    kept (multi-line), control characters refused, length checked against the column."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationError(f"{label} must be text", field=field)
    if multiline:
        lines = [" ".join(line.split()) for line in value.replace("\r\n", "\n").split("\n")]
        text = "\n".join(lines).strip("\n ")
        if _CONTROL.search(text.replace("\n", "").replace("\t", " ")):
            raise ValidationError(f"{label} contains a control character", field=field)
    else:
        if _CONTROL.search(value.replace("\t", " ")):
            raise ValidationError(f"{label} contains a control character", field=field)
        text = " ".join(value.split())
    if required and not text:
        raise ValidationError(f"{label} cannot be empty", field=field)
    cap = max_len if max_len is not None else (limit(column) if column else None)
    if cap is not None and len(text) > cap:
        raise ValidationError(
            f"{label} is {len(text)} characters long; at most {cap} fit", field=field
        )
    return text


def parse_decimal(
    value: object,
    *,
    field: str,
    label: str,
    places: int = 2,
    minimum: Decimal | None = None,
    maximum: Decimal | None = None,
) -> Decimal:
    """A Decimal from a number or text, with at most ``places`` decimals, within bounds."""
    if isinstance(value, bool) or value is None:
        raise ValidationError(f"{label} must be a number", field=field)
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError(f"{label}: '{value}' is not a number", field=field) from exc
    if not number.is_finite():
        raise ValidationError(f"{label} must be a finite number", field=field)
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > places:
        raise ValidationError(f"{label} has more than {places} decimal places", field=field)
    if minimum is not None and number < minimum:
        raise ValidationError(f"{label} cannot be below {minimum}", field=field)
    if maximum is not None and number > maximum:
        raise ValidationError(f"{label} cannot be above {maximum}", field=field)
    return number.quantize(Decimal(1).scaleb(-places))


def parse_int(
    value: object, *, field: str, label: str, minimum: int | None = None, maximum: int | None = None
) -> int:
    if isinstance(value, bool) or value is None:
        raise ValidationError(f"{label} must be a whole number", field=field)
    if isinstance(value, int):
        number = value
    else:
        try:
            number = int(str(value).strip())
        except ValueError as exc:
            raise ValidationError(f"{label}: '{value}' is not a whole number", field=field) from exc
    if minimum is not None and number < minimum:
        raise ValidationError(f"{label} cannot be below {minimum}", field=field)
    if maximum is not None and number > maximum:
        raise ValidationError(f"{label} cannot be above {maximum}", field=field)
    return number


def check_timezone(value: object, *, field: str = "timezone") -> str:
    """An IANA time zone name (``Asia/Kolkata``), as the tz database spells it."""
    name = clean_text(value, field=field, label="The time zone", column="theaters.timezone")
    if name not in _zone_names():
        # ZoneInfo accepts a few aliases and files that are not zones; the list is the truth.
        raise ValidationError(
            f"'{name}' is not a time zone; use a name like Asia/Kolkata or Europe/London",
            field=field,
        )
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:  # pragma: no cover - listed but unreadable
        raise ValidationError(f"the time zone {name} cannot be read", field=field) from exc
    return name


_ZONES: set[str] | None = None


def _zone_names() -> set[str]:
    global _ZONES  # noqa: PLW0603 - computed once per process
    if _ZONES is None:
        _ZONES = set(available_timezones())
    return _ZONES


def timezone_names() -> list[str]:
    """Every IANA time zone name, sorted (for a combo box)."""
    return sorted(_zone_names())


def jsonable(value: object) -> object:
    """A value as it is written into an audit row's JSON details."""
    if value is None or isinstance(value, bool | int | str | float):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    if is_dataclass(value) and not isinstance(value, type):
        return {k: jsonable(v) for k, v in asdict(value).items()}
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    return str(value)


def changed_fields(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    """Keys whose values differ (in the order of ``after``)."""
    keys = list(after) + [k for k in before if k not in after]
    return [k for k in keys if jsonable(before.get(k)) != jsonable(after.get(k))]


def audit_change(
    uow: UnitOfWork,
    ctx: CounterContext,
    now: datetime,
    *,
    action: str,
    entity: str,
    entity_id: object,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    show_id: int | None = None,
    **extra: object,
) -> None:
    """One audit row for a configuration change: who, where, and the values before and after.
    Only the fields that changed are written for an edit (both sides); a creation has only
    ``after``, a removal only ``before``."""
    details: dict[str, object] = {}
    if before is not None and after is not None:
        keys = changed_fields(before, after)
        details["before"] = {k: jsonable(before.get(k)) for k in keys}
        details["after"] = {k: jsonable(after.get(k)) for k in keys}
    elif after is not None:
        details["after"] = {k: jsonable(v) for k, v in after.items()}
    elif before is not None:
        details["before"] = {k: jsonable(v) for k, v in before.items()}
    for key, value in extra.items():
        details[key] = jsonable(value)
    record_audit(
        uow, ctx, now, action, entity=entity, entity_id=entity_id, show_id=show_id, more=details
    )


MAX_ROW_ID: Final = 2**31 - 1  # ids are INTEGER columns: 32 bits on PostgreSQL


def valid_id(value: object) -> bool:
    """A row id the database can look up: a positive int that fits an INTEGER column on both
    engines (not a bool, not a Decimal, not text). (admin-B)"""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ROW_ID


def require_id(value: object, what: str, *, field: str | None = None) -> int:
    """A row id as the databases store it; otherwise NotFound (or ValidationError when the id
    came from a field of a form: ``field``). (admin-A)"""
    if valid_id(value):
        assert isinstance(value, int)
        return value
    if field is not None:
        raise ValidationError(f"choose the {what}", field=field)
    raise NotFound(f"there is no such {what}")


def optional_flag(value: object, *, field: str = "active") -> bool | None:
    """None (leave as it is) or a real bool; anything else is refused. (admin-A)"""
    if value is None or isinstance(value, bool):
        return value
    raise ValidationError("choose yes or no", field=field)


def one_of(value: object, choices: tuple[str, ...], *, field: str, label: str) -> str:
    text = clean_text(value, field=field, label=label).upper()
    if text not in choices:
        raise ValidationError(f"{label} is one of {', '.join(choices)}", field=field)
    return text


__all__ = [
    "COLUMN_LIMITS",
    "SYNOPSIS_MAX",
    "audit_change",
    "changed_fields",
    "check_timezone",
    "clean_text",
    "jsonable",
    "limit",
    "one_of",
    "optional_flag",
    "parse_decimal",
    "parse_int",
    "require_admin",
    "require_id",
    "timezone_names",
    "valid_id",
]
