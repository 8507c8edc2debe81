"""Coupons: validation of the definition and evaluation against one order (DESIGN.md section 3).

Pure Python. The services enforce the usage limits under concurrency (the count is claimed in
the same transaction that confirms the booking); this module decides whether a coupon applies and
how much it takes off, with a message that tells the clerk exactly why when it does not.

Decisions:

- The validity window is half-open: a coupon is valid from ``valid_from`` (inclusive) until
  ``valid_to`` (exclusive). Either end may be ``None`` (open).
- Checks run in this order, and the first failure is reported: inactive, not yet valid, expired,
  total usage limit, per-customer limit, minimum amount.
- PERCENT: ``subtotal * value / 100``, capped at ``max_discount`` when set. FIXED: ``value``, also
  capped at ``max_discount`` when set. The discount is rounded half-up once, never exceeds the
  subtotal and is never negative.
- Codes are compared in their normalised form (stripped, upper case); the services store that form.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

from bms_desktop.domain import cinema_time
from bms_desktop.domain.errors import CouponRejected, ValidationError
from bms_desktop.domain.model import CouponKind
from bms_desktop.domain.pricing import format_money, round_money

CODE_PATTERN = re.compile(r"[A-Z0-9_-]{3,20}")
MAX_PERCENT = Decimal(100)


@dataclass(frozen=True)
class CouponSpec:
    coupon_id: int
    code: str
    kind: CouponKind
    value: Decimal  # PERCENT: 10 = 10 %; FIXED: an amount
    max_discount: Decimal | None  # cap on the discount; None = no cap
    min_amount: Decimal  # the subtotal must be at least this
    valid_from: dt.datetime | None
    valid_to: dt.datetime | None  # exclusive
    active: bool
    usage_limit: int | None  # total uses over all customers; None = unlimited
    per_customer_limit: int | None  # None = unlimited
    used_count: int


def normalise_code(code: str) -> str:
    """The form codes are stored and compared in: ``" save10 "`` -> ``"SAVE10"``."""
    return code.strip().upper()


def _when(moment: dt.datetime, tz: str | None = None) -> str:
    if tz is None:
        return moment.strftime("%Y-%m-%d %H:%M %Z").strip()
    return cinema_time.full(moment, tz, label=True)


def validate_coupon(spec: CouponSpec) -> None:
    """Refuse a coupon definition that makes no sense; the message says what to fix."""
    code = normalise_code(spec.code)
    if not code:
        raise ValidationError("A coupon needs a code.", field="code")
    if not CODE_PATTERN.fullmatch(code):
        raise ValidationError(
            f"Coupon code {code!r} must be 3 to 20 characters of A-Z, 0-9, '-' and '_'.",
            field="code",
        )
    if spec.kind is CouponKind.PERCENT:
        if not Decimal(0) < spec.value <= MAX_PERCENT:
            raise ValidationError(
                f"Coupon {code}: a percentage must be above 0 and at most 100, not {spec.value}.",
                field="value",
            )
    elif spec.value <= 0:
        raise ValidationError(
            f"Coupon {code}: a fixed discount must be above 0, not {spec.value}.", field="value"
        )
    if spec.min_amount < 0:
        raise ValidationError(
            f"Coupon {code}: the minimum amount cannot be negative ({spec.min_amount}).",
            field="min_amount",
        )
    if spec.max_discount is not None and spec.max_discount <= 0:
        raise ValidationError(
            f"Coupon {code}: the discount cap must be above 0 ({spec.max_discount}); "
            "leave it empty for no cap.",
            field="max_discount",
        )
    if (
        spec.valid_from is not None
        and spec.valid_to is not None
        and spec.valid_to <= spec.valid_from
    ):
        raise ValidationError(
            f"Coupon {code}: 'valid to' ({_when(spec.valid_to)}) must be after "
            f"'valid from' ({_when(spec.valid_from)}).",
            field="valid_to",
        )
    if spec.usage_limit is not None and spec.usage_limit < 1:
        raise ValidationError(
            f"Coupon {code}: the usage limit must be at least 1 ({spec.usage_limit}); "
            "leave it empty for no limit.",
            field="usage_limit",
        )
    if spec.per_customer_limit is not None and spec.per_customer_limit < 1:
        raise ValidationError(
            f"Coupon {code}: the per-customer limit must be at least 1 "
            f"({spec.per_customer_limit}); leave it empty for no limit.",
            field="per_customer_limit",
        )
    if spec.used_count < 0:
        raise ValidationError(
            f"Coupon {code}: the use count cannot be negative ({spec.used_count}).",
            field="used_count",
        )


def evaluate_coupon(
    coupon: CouponSpec,
    *,
    subtotal: Decimal,
    now: dt.datetime,
    customer_uses: int,
    tz: str | None = None,
) -> Decimal:
    """The discount ``coupon`` gives on ``subtotal`` at ``now``, or CouponRejected saying why.

    ``customer_uses`` is how many times this customer has already used the coupon; ``tz`` the
    cinema's time zone, in which a refusal names the coupon's dates.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    if subtotal < 0:
        raise ValidationError(f"The subtotal cannot be negative ({subtotal}).", field="subtotal")
    code = normalise_code(coupon.code)
    if not coupon.active:
        raise CouponRejected(f"Coupon {code} is not active.")
    if coupon.valid_from is not None and now < coupon.valid_from:
        raise CouponRejected(
            f"Coupon {code} is not valid yet: it starts {_when(coupon.valid_from, tz)}."
        )
    if coupon.valid_to is not None and now >= coupon.valid_to:
        raise CouponRejected(f"Coupon {code} expired on {_when(coupon.valid_to, tz)}.")
    if coupon.usage_limit is not None and coupon.used_count >= coupon.usage_limit:
        raise CouponRejected(
            f"Coupon {code} has reached its usage limit ({coupon.usage_limit} uses in total)."
        )
    if coupon.per_customer_limit is not None and customer_uses >= coupon.per_customer_limit:
        times = "once" if customer_uses == 1 else f"{customer_uses} times"
        raise CouponRejected(
            f"This customer already used coupon {code} {times} "
            f"(limit {coupon.per_customer_limit} per customer)."
        )
    if subtotal < coupon.min_amount:
        raise CouponRejected(
            f"Coupon {code} needs an order of at least {format_money(coupon.min_amount)}; "
            f"this one is {format_money(subtotal)}."
        )

    if coupon.kind is CouponKind.PERCENT:
        discount = subtotal * coupon.value / MAX_PERCENT
    else:
        discount = coupon.value
    if coupon.max_discount is not None:
        discount = min(discount, coupon.max_discount)
    discount = round_money(discount)
    return max(Decimal("0.00"), min(discount, round_money(subtotal)))
