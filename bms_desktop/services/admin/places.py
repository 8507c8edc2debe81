"""Cities and cinemas: create, rename, time zone, receipt details (address, GSTIN, phone),
deactivate. Admin only; every field checked against its column; audited with before/after.

A deactivated cinema (or every cinema of a deactivated city) disappears from the counters' show
finder; its shows and tickets stay, and a ticket can still be found by its code.
"""

from __future__ import annotations

import re
from dataclasses import asdict

from bms_desktop.domain.errors import NotFound, ValidationError
from bms_desktop.services.admin.common import (
    audit_change,
    check_timezone,
    clean_text,
    optional_flag,
    require_admin,
    require_id,
)
from bms_desktop.services.admin.dto import CinemaInput, CinemaRow, CityInput, CityRow
from bms_desktop.services.context import BoxOffice, CounterContext

GSTIN_CHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_GSTIN_SHAPE = re.compile(r"^[0-9]{2}[A-Z]{5}[0-9]{4}[A-Z][1-9A-Z]Z[0-9A-Z]$")
# GST state codes: 01-38 for states and union territories, 97 other territory, 99 centre.
_GST_STATES = {f"{n:02d}" for n in range(1, 39)} | {"97", "99"}
_PHONE = re.compile(r"^\+?[0-9 ()\-]+$")


def gstin_check_char(first14: str) -> str:
    """The 15th character of a GSTIN: a weighted base-36 checksum of the first 14."""
    total = 0
    for i, ch in enumerate(first14):
        product = GSTIN_CHARS.index(ch) * (2 if i % 2 else 1)
        total += product // 36 + product % 36
    return GSTIN_CHARS[(36 - total % 36) % 36]


def check_gstin(value: object) -> str:
    """'' (none) or a well-formed Indian GSTIN: state code, PAN, entity number, 'Z', checksum."""
    text = clean_text(value, field="gstin", label="The GSTIN", required=False).upper()
    text = text.replace(" ", "")
    if not text:
        return ""
    if len(text) != 15:
        raise ValidationError(f"a GSTIN has 15 characters; this one has {len(text)}", field="gstin")
    if not _GSTIN_SHAPE.match(text):
        raise ValidationError(
            "a GSTIN is a 2-digit state code, a 10-character PAN (5 letters, 4 digits, a "
            "letter), an entity number, Z and a check character, e.g. 27AAPFU0939F1ZV",
            field="gstin",
        )
    if text[:2] not in _GST_STATES:
        raise ValidationError(f"{text[:2]} is not a GST state code", field="gstin")
    expected = gstin_check_char(text[:14])
    if text[14] != expected:
        raise ValidationError(
            f"the GSTIN's check character is wrong (expected {expected}); check for a typo",
            field="gstin",
        )
    return text


def check_phone(value: object) -> str:
    text = clean_text(
        value, field="phone", label="The phone number", column="theaters.phone", required=False
    )
    if not text:
        return ""
    digits = sum(ch.isdigit() for ch in text)
    if not _PHONE.match(text) or not 6 <= digits <= 15:
        raise ValidationError(
            "a phone number is 6-15 digits, optionally with +, spaces, dashes or brackets",
            field="phone",
        )
    return text


# --------------------------------------------------------------------------- cities


def _city_input(data: CityInput) -> CityInput:
    return CityInput(
        name=clean_text(data.name, field="name", label="The city's name", column="cities.name"),
        state=clean_text(
            data.state, field="state", label="The state", column="cities.state", required=False
        ),
    )


def list_cities(box: BoxOffice, ctx: CounterContext) -> list[CityRow]:
    require_admin(ctx, "Listing cities")
    with box.uows() as uow:
        return uow.admin.cities()


def create_city(box: BoxOffice, ctx: CounterContext, data: CityInput) -> CityRow:
    require_admin(ctx, "Adding a city")
    clean = _city_input(data)
    now = box.now()
    with box.uows(write=True, label=ctx.counter) as uow:
        if uow.admin.city_named(clean.name) is not None:
            raise ValidationError(f"there is already a city called {clean.name}", field="name")
        city_id = uow.admin.add_city(clean.name, clean.state)
        row = uow.admin.city(city_id)
        assert row is not None
        audit_change(
            uow,
            ctx,
            now,
            action="CITY_ADDED",
            entity="city",
            entity_id=city_id,
            after={"name": row.name, "state": row.state, "active": row.active},
        )
        uow.commit()
    return row


def _city_values(row: CityRow) -> dict[str, object]:
    return {"name": row.name, "state": row.state, "active": row.active}


def update_city(
    box: BoxOffice,
    ctx: CounterContext,
    city_id: int,
    data: CityInput,
    *,
    active: bool | None = None,
) -> CityRow:
    """Rename a city, change its state, or (``active``) deactivate / reactivate it."""
    require_admin(ctx, "Changing a city")
    city_id = require_id(city_id, "city")
    active = optional_flag(active)
    clean = _city_input(data)
    now = box.now()
    with box.uows(write=True, label=ctx.counter) as uow:
        before = uow.admin.city(city_id, lock=True)
        if before is None:
            raise NotFound(f"city {city_id} does not exist (any more)")
        other = uow.admin.city_named(clean.name)
        if other is not None and other != city_id:
            raise ValidationError(f"there is already a city called {clean.name}", field="name")
        is_active = before.active if active is None else active
        uow.admin.update_city(city_id, name=clean.name, state=clean.state, active=is_active)
        after = uow.admin.city(city_id)
        assert after is not None
        if _city_values(before) != _city_values(after):
            action = "CITY_CHANGED"
            if before.active != after.active:
                action = "CITY_DEACTIVATED" if not after.active else "CITY_REACTIVATED"
            audit_change(
                uow,
                ctx,
                now,
                action=action,
                entity="city",
                entity_id=city_id,
                before=_city_values(before),
                after=_city_values(after),
            )
            uow.commit()
    return after


def set_city_active(box: BoxOffice, ctx: CounterContext, city_id: int, active: bool) -> CityRow:
    require_admin(ctx, "Deactivating a city" if not active else "Reactivating a city")
    city_id = require_id(city_id, "city")
    with box.uows() as uow:
        row = uow.admin.city(city_id)
    if row is None:
        raise NotFound(f"city {city_id} does not exist (any more)")
    return update_city(box, ctx, city_id, CityInput(row.name, row.state), active=active)


# --------------------------------------------------------------------------- cinemas


def _cinema_input(data: CinemaInput) -> CinemaInput:
    return CinemaInput(
        city_id=require_id(data.city_id, "cinema's city", field="city_id"),
        name=clean_text(data.name, field="name", label="The cinema's name", column="theaters.name"),
        address=clean_text(
            data.address,
            field="address",
            label="The address",
            column="theaters.address",
            required=False,
            multiline=True,
        ),
        timezone=check_timezone(data.timezone),
        gstin=check_gstin(data.gstin),
        phone=check_phone(data.phone),
    )


def _cinema_values(row: CinemaRow) -> dict[str, object]:
    values = asdict(row)
    values.pop("theater_id")
    values.pop("screen_count")
    values.pop("city_name")
    return values


def list_cinemas(box: BoxOffice, ctx: CounterContext) -> list[CinemaRow]:
    require_admin(ctx, "Listing cinemas")
    with box.uows() as uow:
        return uow.admin.cinemas()


def create_cinema(box: BoxOffice, ctx: CounterContext, data: CinemaInput) -> CinemaRow:
    require_admin(ctx, "Adding a cinema")
    clean = _cinema_input(data)
    now = box.now()
    with box.uows(write=True, label=ctx.counter) as uow:
        city = uow.admin.city(clean.city_id, lock=True)
        if city is None:
            raise ValidationError("that city does not exist (any more)", field="city_id")
        if uow.admin.cinema_named(clean.city_id, clean.name) is not None:
            raise ValidationError(
                f"{city.name} already has a cinema called {clean.name}", field="name"
            )
        theater_id = uow.admin.add_cinema(clean)
        row = uow.admin.cinema(theater_id)
        assert row is not None
        audit_change(
            uow,
            ctx,
            now,
            action="CINEMA_ADDED",
            entity="theater",
            entity_id=theater_id,
            after=_cinema_values(row),
        )
        uow.commit()
    return row


def update_cinema(
    box: BoxOffice,
    ctx: CounterContext,
    theater_id: int,
    data: CinemaInput,
    *,
    active: bool | None = None,
) -> CinemaRow:
    """Rename, move to another city, time zone, receipt details; ``active`` deactivates."""
    require_admin(ctx, "Changing a cinema")
    theater_id = require_id(theater_id, "cinema")
    active = optional_flag(active)
    clean = _cinema_input(data)
    now = box.now()
    with box.uows(write=True, label=ctx.counter) as uow:
        before = uow.admin.cinema(theater_id, lock=True)
        if before is None:
            raise NotFound(f"cinema {theater_id} does not exist (any more)")
        city = uow.admin.city(clean.city_id)
        if city is None:
            raise ValidationError("that city does not exist (any more)", field="city_id")
        other = uow.admin.cinema_named(clean.city_id, clean.name)
        if other is not None and other != theater_id:
            raise ValidationError(
                f"{city.name} already has a cinema called {clean.name}", field="name"
            )
        is_active = before.active if active is None else active
        uow.admin.update_cinema(theater_id, clean, active=is_active)
        after = uow.admin.cinema(theater_id)
        assert after is not None
        if _cinema_values(before) != _cinema_values(after):
            action = "CINEMA_CHANGED"
            if before.active != after.active:
                action = "CINEMA_DEACTIVATED" if not after.active else "CINEMA_REACTIVATED"
            audit_change(
                uow,
                ctx,
                now,
                action=action,
                entity="theater",
                entity_id=theater_id,
                before=_cinema_values(before),
                after=_cinema_values(after),
            )
            uow.commit()
    return after


def set_cinema_active(
    box: BoxOffice, ctx: CounterContext, theater_id: int, active: bool
) -> CinemaRow:
    require_admin(ctx, "Deactivating a cinema" if not active else "Reactivating a cinema")
    theater_id = require_id(theater_id, "cinema")
    with box.uows() as uow:
        row = uow.admin.cinema(theater_id)
    if row is None:
        raise NotFound(f"cinema {theater_id} does not exist (any more)")
    return update_cinema(
        box,
        ctx,
        theater_id,
        CinemaInput(row.city_id, row.name, row.address, row.timezone, row.gstin, row.phone),
        active=active,
    )


def deactivation_impact(
    box: BoxOffice,
    ctx: CounterContext,
    *,
    theater_id: int | None = None,
    city_id: int | None = None,
) -> tuple[int, int]:
    """(future shows, tickets sold for them) that would leave the counters' show finder."""
    require_admin(ctx, "Checking a deactivation")
    if theater_id is not None:
        theater_id = require_id(theater_id, "cinema")
    if city_id is not None:
        city_id = require_id(city_id, "city")
    now = box.now()
    with box.uows() as uow:
        return uow.admin.future_show_count(now, theater_id=theater_id, city_id=city_id)


__all__ = [
    "check_gstin",
    "check_phone",
    "create_cinema",
    "create_city",
    "deactivation_impact",
    "gstin_check_char",
    "list_cinemas",
    "list_cities",
    "set_cinema_active",
    "set_city_active",
    "update_cinema",
    "update_city",
]
