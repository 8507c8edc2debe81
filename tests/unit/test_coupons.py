"""Coupons: discount amounts, caps, minimums, validity, usage limits and definition checks."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

import pytest

from bms_desktop.domain.coupons import (
    CouponSpec,
    evaluate_coupon,
    normalise_code,
    validate_coupon,
)
from bms_desktop.domain.errors import CouponRejected, ValidationError
from bms_desktop.domain.model import CouponKind

UTC = dt.UTC
NOW = dt.datetime(2024, 6, 1, 12, 0, tzinfo=UTC)

SAVE10 = CouponSpec(
    coupon_id=1,
    code="SAVE10",
    kind=CouponKind.PERCENT,
    value=Decimal("10"),
    max_discount=None,
    min_amount=Decimal("0"),
    valid_from=None,
    valid_to=None,
    active=True,
    usage_limit=None,
    per_customer_limit=None,
    used_count=0,
)
FLAT100 = replace(SAVE10, coupon_id=2, code="FLAT100", kind=CouponKind.FIXED, value=Decimal(100))


def discount(coupon: CouponSpec, subtotal: str, *, customer_uses: int = 0) -> Decimal:
    return evaluate_coupon(coupon, subtotal=Decimal(subtotal), now=NOW, customer_uses=customer_uses)


# ---------------------------------------------------------------------------------- amounts


def test_percent_coupon_takes_that_percentage_off() -> None:
    assert discount(SAVE10, "500") == Decimal("50.00")


def test_percent_coupon_is_capped_at_max_discount() -> None:
    coupon = replace(SAVE10, value=Decimal(20), max_discount=Decimal(150))
    assert discount(coupon, "1000") == Decimal("150.00")
    assert discount(coupon, "500") == Decimal("100.00")  # under the cap


def test_percent_discount_rounds_half_up() -> None:
    assert discount(SAVE10, "1.25") == Decimal("0.13")  # 0.125
    assert discount(SAVE10, "1.24") == Decimal("0.12")  # 0.124


def test_fixed_coupon_takes_its_amount_off() -> None:
    assert discount(FLAT100, "450") == Decimal("100.00")


def test_fixed_coupon_never_takes_more_than_the_subtotal() -> None:
    assert discount(FLAT100, "60") == Decimal("60.00")


def test_full_percentage_discount_equals_the_subtotal() -> None:
    assert discount(replace(SAVE10, value=Decimal(100)), "333.33") == Decimal("333.33")


def test_discount_on_a_zero_subtotal_is_zero_not_negative() -> None:
    assert discount(FLAT100, "0") == Decimal("0.00")
    assert discount(SAVE10, "0") == Decimal("0.00")


def test_negative_subtotal_is_a_validation_error() -> None:
    with pytest.raises(ValidationError):
        discount(SAVE10, "-1")


def test_naive_now_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        evaluate_coupon(SAVE10, subtotal=Decimal(1), now=dt.datetime(2024, 6, 1), customer_uses=0)


# -------------------------------------------------------------------------------- rejections


def test_inactive_coupon_is_rejected() -> None:
    with pytest.raises(CouponRejected, match="SAVE10 is not active"):
        discount(replace(SAVE10, active=False), "500")


def test_coupon_before_its_start_is_rejected_with_the_start_date() -> None:
    coupon = replace(SAVE10, valid_from=dt.datetime(2024, 6, 2, 9, 0, tzinfo=UTC))
    with pytest.raises(CouponRejected, match=r"not valid yet.*2024-06-02 09:00"):
        discount(coupon, "500")


def test_coupon_is_valid_from_its_start_inclusive() -> None:
    assert discount(replace(SAVE10, valid_from=NOW), "500") == Decimal("50.00")


def test_expired_coupon_is_rejected_with_the_expiry_date() -> None:
    coupon = replace(SAVE10, valid_to=dt.datetime(2024, 5, 31, 23, 59, tzinfo=UTC))
    with pytest.raises(CouponRejected, match=r"expired on 2024-05-31 23:59"):
        discount(coupon, "500")


def test_coupon_is_expired_at_its_valid_to_moment() -> None:
    with pytest.raises(CouponRejected, match="expired"):
        discount(replace(SAVE10, valid_to=NOW), "500")
    later = replace(SAVE10, valid_to=NOW + dt.timedelta(seconds=1))
    assert discount(later, "500") == Decimal("50.00")


def test_subtotal_below_minimum_is_rejected_naming_both_amounts() -> None:
    coupon = replace(SAVE10, min_amount=Decimal(500))
    with pytest.raises(CouponRejected, match=r"at least 500\.00; this one is 499\.99"):
        discount(coupon, "499.99")


def test_subtotal_equal_to_minimum_is_accepted() -> None:
    assert discount(replace(SAVE10, min_amount=Decimal(500)), "500") == Decimal("50.00")


def test_total_usage_limit_reached_is_rejected() -> None:
    coupon = replace(SAVE10, usage_limit=100, used_count=100)
    with pytest.raises(CouponRejected, match=r"usage limit \(100 uses in total\)"):
        discount(coupon, "500")


def test_last_use_under_the_total_limit_is_accepted() -> None:
    assert discount(replace(SAVE10, usage_limit=100, used_count=99), "500") == Decimal("50.00")


def test_customer_over_the_per_customer_limit_is_told_how_many_times() -> None:
    coupon = replace(SAVE10, per_customer_limit=2)
    with pytest.raises(CouponRejected, match=r"already used coupon SAVE10 2 times"):
        discount(coupon, "500", customer_uses=2)
    with pytest.raises(CouponRejected, match=r"already used coupon SAVE10 once"):
        discount(replace(SAVE10, per_customer_limit=1), "500", customer_uses=1)


def test_customer_under_the_per_customer_limit_is_accepted() -> None:
    coupon = replace(SAVE10, per_customer_limit=2)
    assert discount(coupon, "500", customer_uses=1) == Decimal("50.00")


def test_inactive_is_reported_before_other_problems() -> None:
    coupon = replace(
        SAVE10, active=False, valid_to=NOW - dt.timedelta(days=1), min_amount=Decimal(1000)
    )
    with pytest.raises(CouponRejected, match="not active"):
        discount(coupon, "500")


# ---------------------------------------------------------------------------- definition checks


def test_normalise_code_strips_and_upper_cases() -> None:
    assert normalise_code("  save10 \n") == "SAVE10"
    assert normalise_code("diwali-24_x") == "DIWALI-24_X"


def test_valid_coupons_pass_validation() -> None:
    validate_coupon(SAVE10)
    validate_coupon(FLAT100)
    validate_coupon(replace(SAVE10, value=Decimal(100), code="abc"))  # lower case is normalised
    validate_coupon(replace(SAVE10, code="A" * 20, usage_limit=1, per_customer_limit=1))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"value": Decimal(0)}, "percentage must be above 0"),
        ({"value": Decimal("100.01")}, "at most 100"),
        ({"value": Decimal(-5)}, "percentage"),
        ({"kind": CouponKind.FIXED, "value": Decimal(0)}, "fixed discount must be above 0"),
        ({"min_amount": Decimal(-1)}, "minimum amount cannot be negative"),
        ({"max_discount": Decimal(-1)}, "cap must be above 0"),
        (
            {
                "valid_from": dt.datetime(2024, 6, 2, tzinfo=UTC),
                "valid_to": dt.datetime(2024, 6, 1, tzinfo=UTC),
            },
            "must be after",
        ),
        ({"usage_limit": 0}, "usage limit must be at least 1"),
        ({"per_customer_limit": 0}, "per-customer limit must be at least 1"),
        ({"code": ""}, "needs a code"),
        ({"code": "   "}, "needs a code"),
        ({"code": "AB"}, "3 to 20"),
        ({"code": "A" * 21}, "3 to 20"),
        ({"code": "SAVE 10"}, "3 to 20"),
        ({"code": "SAVE10!"}, "3 to 20"),
        ({"code": "ÉTÉ10"}, "3 to 20"),
        ({"used_count": -1}, "use count"),
    ],
)
def test_nonsense_coupons_are_refused(changes: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        validate_coupon(replace(SAVE10, **changes))  # type: ignore[arg-type]
