"""Coupons: every field of DESIGN.md section 3 (percentage with an optional cap, or a fixed
amount; minimum order; validity window; active; total and per-customer limits), with the uses so
far and what remains. Create, edit, deactivate; admin only; audited with before/after.

The validity window is typed and shown in the box office's time zone (setting
``box_office_timezone``) and stored in UTC. Lowering the total limit below the uses so far is
refused with a message; the check is the UPDATE's own condition, so a use counted by a counter a
moment earlier is taken into account.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from bms_desktop.domain.coupons import CouponSpec, normalise_code, validate_coupon
from bms_desktop.domain.errors import NotFound, ValidationError
from bms_desktop.domain.model import CouponKind
from bms_desktop.services.admin.common import (
    audit_change,
    clean_text,
    parse_decimal,
    parse_int,
    require_admin,
    valid_id,
)
from bms_desktop.services.admin.dto_coupons import CouponInput, CouponRow
from bms_desktop.services.context import BoxOffice, CounterContext, load_settings
from bms_desktop.services.ports import NewCoupon, UnitOfWork

DESCRIPTION_MAX = 200  # coupons.description
MAX_AMOUNT = Decimal("10000000.00")
MAX_LIMIT = 10_000_000  # fits the INTEGER columns of both engines with room to spare
KINDS = tuple(k.value for k in CouponKind)
_EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
_LATEST = datetime(2200, 1, 1, tzinfo=UTC)


def _zone(uow: UnitOfWork) -> str:
    return load_settings(uow).box_office_timezone


def _with_zone(row: CouponRow, tz: str) -> CouponRow:
    values = asdict(row)
    values["timezone"] = tz
    return CouponRow(**values)


def list_coupons(box: BoxOffice, ctx: CounterContext) -> list[CouponRow]:
    require_admin(ctx, "Listing coupons")
    with box.uows() as uow:
        tz = _zone(uow)
        return [_with_zone(r, tz) for r in uow.config.coupon_rows()]


def _moment(value: object, field: str, label: str, tz: str) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, datetime):
        raise ValidationError(f"{label} must be a date and time", field=field)
    moment = value if value.tzinfo is not None else value.replace(tzinfo=ZoneInfo(tz))
    moment = moment.astimezone(UTC)
    if not _EARLIEST <= moment < _LATEST:
        raise ValidationError(f"{label} must be between the years 2000 and 2199", field=field)
    return moment.replace(microsecond=0)


def _limit(value: object, field: str, label: str) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return parse_int(value, field=field, label=label, minimum=1, maximum=MAX_LIMIT)


def _clean(data: CouponInput, tz: str) -> NewCoupon:
    code = normalise_code(clean_text(data.code, field="code", label="The code"))
    kind = clean_text(data.kind, field="kind", label="The kind").upper()
    if kind not in KINDS:
        raise ValidationError("a coupon takes a percentage or a fixed amount off", field="kind")
    places = 2
    value = parse_decimal(
        data.value,
        field="value",
        label="The percentage" if kind == "PERCENT" else "The amount off",
        places=places,
        minimum=Decimal("0.01"),
        maximum=Decimal(100) if kind == "PERCENT" else MAX_AMOUNT,
    )
    cap = data.max_discount
    max_discount = (
        None
        if cap is None or (isinstance(cap, str) and not cap.strip())
        else parse_decimal(
            cap,
            field="max_discount",
            label="The discount cap",
            minimum=Decimal("0.01"),
            maximum=MAX_AMOUNT,
        )
    )
    min_amount = parse_decimal(
        data.min_amount if data.min_amount not in (None, "") else "0",
        field="min_amount",
        label="The minimum order",
        minimum=Decimal(0),
        maximum=MAX_AMOUNT,
    )
    if not isinstance(data.active, bool):
        raise ValidationError("say whether the coupon is active", field="active")
    coupon = NewCoupon(
        code=code,
        kind=kind,
        value=value,
        description=clean_text(
            data.description,
            field="description",
            label="The description",
            max_len=DESCRIPTION_MAX,
            required=False,
        ),
        max_discount=max_discount,
        min_amount=min_amount,
        valid_from=_moment(data.valid_from, "valid_from", "'Valid from'", tz),
        valid_to=_moment(data.valid_to, "valid_to", "'Valid to'", tz),
        active=data.active,
        usage_limit=_limit(data.usage_limit, "usage_limit", "The total limit"),
        per_customer_limit=_limit(
            data.per_customer_limit, "per_customer_limit", "The per-customer limit"
        ),
    )
    validate_coupon(
        CouponSpec(
            coupon_id=0,
            code=coupon.code,
            kind=CouponKind(kind),
            value=coupon.value,
            max_discount=coupon.max_discount,
            min_amount=coupon.min_amount,
            valid_from=coupon.valid_from,
            valid_to=coupon.valid_to,
            active=coupon.active,
            usage_limit=coupon.usage_limit,
            per_customer_limit=coupon.per_customer_limit,
            used_count=0,
        )
    )
    if (
        coupon.usage_limit is not None
        and coupon.per_customer_limit is not None
        and coupon.per_customer_limit > coupon.usage_limit
    ):
        raise ValidationError(
            f"the per-customer limit ({coupon.per_customer_limit}) cannot be above the total "
            f"limit ({coupon.usage_limit})",
            field="per_customer_limit",
        )
    return coupon


def _values(row: CouponRow) -> dict[str, object]:
    values = asdict(row)
    for key in ("coupon_id", "used_count", "timezone"):
        values.pop(key)
    return values


def create_coupon(box: BoxOffice, ctx: CounterContext, data: CouponInput) -> CouponRow:
    require_admin(ctx, "Adding a coupon")
    now = box.now()
    with box.uows(write=True, label=ctx.counter) as uow:
        tz = _zone(uow)
        coupon = _clean(data, tz)
        if uow.config.coupon_id_by_code(coupon.code) is not None:
            raise ValidationError(f"there is already a coupon {coupon.code}", field="code")
        coupon_id = uow.config.add_coupon(coupon)
        row = uow.config.coupon_row(coupon_id)
        assert row is not None
        audit_change(
            uow,
            ctx,
            now,
            action="COUPON_ADDED",
            entity="coupon",
            entity_id=coupon.code,
            after=_values(row),
        )
        uow.commit()
    return _with_zone(row, tz)


def update_coupon(
    box: BoxOffice, ctx: CounterContext, coupon_id: int, data: CouponInput
) -> CouponRow:
    require_admin(ctx, "Changing a coupon")
    now = box.now()
    with box.uows(write=True, label=ctx.counter) as uow:
        tz = _zone(uow)
        coupon = _clean(data, tz)
        before = uow.config.coupon_row(coupon_id, lock=True) if valid_id(coupon_id) else None
        if before is None:
            raise NotFound(f"coupon {coupon_id} does not exist (any more)")
        other = uow.config.coupon_id_by_code(coupon.code)
        if other is not None and other != coupon_id:
            raise ValidationError(f"there is already a coupon {coupon.code}", field="code")
        if coupon.usage_limit is not None and coupon.usage_limit < before.used_count:
            raise _below_uses(coupon.usage_limit, before.used_count)
        if not uow.config.update_coupon(coupon_id, coupon):
            fresh = uow.config.coupon_row(coupon_id)
            used = fresh.used_count if fresh is not None else before.used_count
            raise _below_uses(coupon.usage_limit or 0, used)
        after = uow.config.coupon_row(coupon_id)
        assert after is not None
        if _values(before) != _values(after):
            action = "COUPON_CHANGED"
            if before.active != after.active:
                action = "COUPON_DEACTIVATED" if not after.active else "COUPON_REACTIVATED"
            audit_change(
                uow,
                ctx,
                now,
                action=action,
                entity="coupon",
                entity_id=after.code,
                before=_values(before),
                after=_values(after),
            )
            uow.commit()
    return _with_zone(after, tz)


def _below_uses(limit: int, used: int) -> ValidationError:
    return ValidationError(
        f"this coupon has been used {used} time(s) already; the total limit cannot be lower "
        f"than that (asked for {limit})",
        field="usage_limit",
    )


def _input_of(row: CouponRow) -> CouponInput:
    return CouponInput(
        code=row.code,
        kind=row.kind,
        value=row.value,
        description=row.description,
        max_discount=row.max_discount,
        min_amount=row.min_amount,
        valid_from=row.valid_from,
        valid_to=row.valid_to,
        active=row.active,
        usage_limit=row.usage_limit,
        per_customer_limit=row.per_customer_limit,
    )


def set_coupon_active(
    box: BoxOffice, ctx: CounterContext, coupon_id: int, active: bool
) -> CouponRow:
    require_admin(ctx, "Deactivating a coupon" if not active else "Reactivating a coupon")
    with box.uows() as uow:
        row = uow.config.coupon_row(coupon_id) if valid_id(coupon_id) else None
    if row is None:
        raise NotFound(f"coupon {coupon_id} does not exist (any more)")
    data = _input_of(row)
    return update_coupon(
        box, ctx, coupon_id, CouponInput(**{**asdict(data), "active": bool(active)})
    )


__all__ = ["create_coupon", "list_coupons", "set_coupon_active", "update_coupon"]
