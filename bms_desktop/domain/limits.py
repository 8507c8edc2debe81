"""How long each text the box office stores may be: the schema's column lengths, stated once for
the services (which may not import the persistence layer) and checked against
``persistence/tables.py`` by ``tests/unit/test_text_limits.py``.

Every text a person types reaches the database through ``check_text``: a name too long is refused
with a plain sentence, never truncated silently (SQLite) nor refused by the driver with SQL in the
message (PostgreSQL).
"""

from __future__ import annotations

from typing import Final

from bms_desktop.domain.errors import ValidationError

TEXT_LIMITS: Final[dict[str, int]] = {
    "app_meta.key": 64,
    "audit_events.username": 40,
    "audit_events.counter": 40,
    "audit_events.action": 40,
    "audit_events.entity": 40,
    "audit_events.entity_id": 40,
    "cities.name": 80,
    "cities.state": 80,
    "coupons.code": 20,
    "coupons.description": 200,
    "coupons.kind": 10,
    "movies.title": 200,
    "movies.languages": 200,
    "movies.genre": 80,
    "movies.certificate": 8,
    "seat_types.code": 20,
    "seat_types.name": 40,
    "staff.username": 40,
    "staff.full_name": 120,
    "staff.role": 12,
    "staff.password_hash": 200,
    "counter_sessions.counter": 40,
    "theaters.name": 120,
    "theaters.address": 240,
    "theaters.timezone": 64,
    "pricing_rules.name": 80,
    "pricing_rules.kind": 16,
    "pricing_rules.seat_type": 20,
    "screens.name": 80,
    "seats.row_label": 4,
    "seats.label": 10,
    "seats.seat_type": 20,
    "shows.language": 40,
    "shows.format": 20,
    "tickets.code": 20,
    "tickets.status": 16,
    "tickets.counter": 40,
    "tickets.strategy": 12,
    "tickets.customer_name": 120,
    "tickets.customer_phone": 20,
    "coupon_redemptions.customer_key": 40,
    "payments.kind": 8,
    "payments.mode": 12,
    "payments.status": 8,
    "payments.reference": 80,
    "payments.counter": 40,
    "show_seats.status": 10,
    "show_seats.counter": 40,
    "ticket_seats.label": 10,
    "ticket_seats.seat_type": 20,
    # schema 0002
    "theaters.gstin": 15,
    "theaters.phone": 20,
    "shows.cancel_reason": 200,
    "show_seats.block_reason": 120,
    "ticket_seats.ticket_type": 20,
    "admissions.door": 40,
    "admissions.undo_reason": 200,
    "cash_movements.kind": 8,
    "cash_movements.reason": 200,
    "ticket_types.code": 20,
    "ticket_types.name": 40,
    "ticket_types.kind": 10,
}

# The texts a counter clerk types, and the column each one ends up in.
CUSTOMER_NAME: Final = "tickets.customer_name"
CUSTOMER_PHONE: Final = "tickets.customer_phone"
PAYMENT_REFERENCE: Final = "payments.reference"
COUNTER_NAME: Final = "tickets.counter"
STAFF_NAME: Final = "staff.username"
FULL_NAME: Final = "staff.full_name"
COUPON_CODE: Final = "coupons.code"
SEARCH_TEXT_MAX: Final = 120  # a booking search: a name, a phone number or a (partial) code


def limit(column: str) -> int:
    return TEXT_LIMITS[column]


def check_text(
    value: str | None,
    column: str,
    *,
    what: str,
    field: str | None = None,
    required: bool = False,
) -> str | None:
    """``value`` stripped (None when empty), or ValidationError when it is longer than the
    column ``column`` holds (or empty while ``required``)."""
    text = (value or "").strip()
    if not text:
        if required:
            raise ValidationError(
                f"enter {what}", field=field or column.rsplit(".", maxsplit=1)[-1]
            )
        return None
    return check_length(
        text, TEXT_LIMITS[column], what=what, field=field or column.rsplit(".", maxsplit=1)[-1]
    )


def check_length(text: str, maximum: int, *, what: str, field: str | None = None) -> str:
    if len(text) > maximum:
        raise ValidationError(
            f"{what[:1].upper()}{what[1:]} can be at most {maximum} characters; this one has "
            f"{len(text):,}",
            field=field,
        )
    return text


__all__ = [
    "COUNTER_NAME",
    "COUPON_CODE",
    "CUSTOMER_NAME",
    "CUSTOMER_PHONE",
    "FULL_NAME",
    "PAYMENT_REFERENCE",
    "SEARCH_TEXT_MAX",
    "STAFF_NAME",
    "TEXT_LIMITS",
    "check_length",
    "check_text",
    "limit",
]
