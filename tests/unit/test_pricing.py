"""Pricing rules: base prices, multipliers, replacement by theater/movie rules, rounding."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest

from bms_desktop.domain.errors import ValidationError
from bms_desktop.domain.model import PricingRuleKind
from bms_desktop.domain.pricing import (
    WEEKEND_MASK,
    PricingRuleSpec,
    days_mask_of,
    describe_days,
    format_multiplier,
    price_seat,
    round_money,
    time_in_window,
    validate_rule,
)

IST = dt.timezone(dt.timedelta(hours=5, minutes=30))
SATURDAY_7PM = dt.datetime(2024, 6, 1, 19, 0, tzinfo=IST)  # 2024-06-01 is a Saturday
WEDNESDAY_7PM = dt.datetime(2024, 6, 5, 19, 0, tzinfo=IST)
BASE_PRICES = {"GOLD": Decimal("100.00"), "PLATINUM": Decimal("100.00"), "DIAMOND": Decimal("150")}


def rule(rule_id: int, kind: PricingRuleKind, **kw: Any) -> PricingRuleSpec:
    fields: dict[str, Any] = {
        "rule_id": rule_id,
        "name": f"rule {rule_id}",
        "kind": kind,
        "multiplier": None,
        "base_price": None,
        "seat_type": None,
        "days_mask": 0,
        "start_time": None,
        "end_time": None,
        "theater_id": None,
        "movie_id": None,
    }
    fields.update(kw)
    return PricingRuleSpec(**fields)


PLATINUM = rule(
    1, PricingRuleKind.SEAT_TYPE, name="Platinum", multiplier=Decimal("1.5"), seat_type="PLATINUM"
)
WEEKEND = rule(
    2,
    PricingRuleKind.DAY_OF_WEEK,
    name="Weekend",
    multiplier=Decimal("1.2"),
    days_mask=WEEKEND_MASK,
)
PRIME_TIME = rule(
    3,
    PricingRuleKind.TIME_WINDOW,
    name="Prime time",
    multiplier=Decimal("1.3"),
    start_time=dt.time(18, 0),
    end_time=dt.time(22, 0),
)
README_RULES = (PRIME_TIME, WEEKEND, PLATINUM)  # deliberately not in application order


def price(seat_type: str = "PLATINUM", rules: Any = README_RULES, **kw: Any) -> Any:
    args: dict[str, Any] = {
        "seat_type": seat_type,
        "base_prices": BASE_PRICES,
        "rules": rules,
        "theater_id": 1,
        "movie_id": 10,
        "local_start": SATURDAY_7PM,
    }
    args.update(kw)
    return price_seat(**args)


# ------------------------------------------------------------------------------------ rounding


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        ("0.125", "0.13"),
        ("0.124", "0.12"),
        ("2.675", "2.68"),  # a float would give 2.67
        ("-0.125", "-0.13"),
        ("234", "234.00"),
        ("0.005", "0.01"),
    ],
)
def test_round_money_rounds_half_up_to_two_places(amount: str, expected: str) -> None:
    result = round_money(Decimal(amount))
    assert result == Decimal(expected)
    assert str(result) == expected


def test_format_multiplier_drops_trailing_zeros_without_exponent() -> None:
    assert format_multiplier(Decimal("1.50")) == "1.5"
    assert format_multiplier(Decimal("2.00")) == "2"
    assert format_multiplier(Decimal("10")) == "10"
    assert format_multiplier(Decimal("0.75")) == "0.75"


# ------------------------------------------------------------------------ the README example


def test_readme_example_platinum_weekend_prime_time_costs_234() -> None:
    breakdown = price()
    assert breakdown.price == Decimal("234.00")
    assert breakdown.base == Decimal("100.00")
    assert breakdown.base_source == "seat type PLATINUM"
    assert breakdown.factors == (
        ("Platinum", Decimal("1.5")),
        ("Weekend", Decimal("1.2")),
        ("Prime time", Decimal("1.3")),
    )
    assert breakdown.explanation == (
        "base 100.00 x 1.5 Platinum x 1.2 Weekend x 1.3 Prime time = 234.00"
    )


def test_weekday_show_skips_the_weekend_multiplier() -> None:
    breakdown = price(local_start=WEDNESDAY_7PM)
    assert breakdown.price == Decimal("195.00")
    assert [name for name, _ in breakdown.factors] == ["Platinum", "Prime time"]


def test_seat_type_multiplier_applies_only_to_its_seat_type() -> None:
    breakdown = price("GOLD")
    assert breakdown.price == Decimal("156.00")  # 100 x 1.2 x 1.3
    assert "Platinum" not in breakdown.explanation


def test_no_rules_gives_the_base_price_rounded() -> None:
    breakdown = price("DIAMOND", rules=())
    assert breakdown.price == Decimal("150.00")
    assert breakdown.factors == ()
    assert breakdown.explanation == "base 150.00 = 150.00"


def test_unknown_seat_type_is_a_validation_error() -> None:
    with pytest.raises(ValidationError, match="RECLINER"):
        price("RECLINER")


def test_inactive_rules_are_ignored() -> None:
    rules = (replace(PLATINUM, active=False), WEEKEND, PRIME_TIME)
    assert price(rules=rules).price == Decimal("156.00")


def test_product_is_rounded_once_at_the_end_not_per_step() -> None:
    # 0.05 x 1.5 x 1.5 = 0.1125 -> 0.11; rounding after each step would give 0.08 -> 0.12.
    a = rule(1, PricingRuleKind.SEAT_TYPE, multiplier=Decimal("1.5"), seat_type="GOLD")
    b = rule(2, PricingRuleKind.DAY_OF_WEEK, multiplier=Decimal("1.5"), days_mask=WEEKEND_MASK)
    breakdown = price("GOLD", rules=(a, b), base_prices={"GOLD": Decimal("0.05")})
    assert breakdown.price == Decimal("0.11")


def test_product_rounds_half_up() -> None:
    # 0.25 x 0.5 = 0.125 exactly -> 0.13 (banker's rounding would give 0.12).
    half = rule(1, PricingRuleKind.SEAT_TYPE, multiplier=Decimal("0.5"), seat_type="GOLD")
    breakdown = price("GOLD", rules=(half,), base_prices={"GOLD": Decimal("0.25")})
    assert breakdown.price == Decimal("0.13")


# ------------------------------------------------------------------------------ time windows


@pytest.mark.parametrize(
    ("hour", "minute", "inside"),
    [
        (1, 0, True),
        (23, 30, True),
        (23, 0, True),  # start is inclusive
        (0, 0, True),
        (1, 59, True),
        (2, 0, False),  # end is exclusive
        (12, 0, False),
        (22, 59, False),
    ],
)
def test_time_window_wrapping_past_midnight(hour: int, minute: int, inside: bool) -> None:
    late = rule(
        1,
        PricingRuleKind.TIME_WINDOW,
        name="Late night",
        multiplier=Decimal("0.8"),
        start_time=dt.time(23, 0),
        end_time=dt.time(2, 0),
    )
    start = dt.datetime(2024, 6, 5, hour, minute, tzinfo=IST)
    breakdown = price("GOLD", rules=(late,), local_start=start)
    assert breakdown.price == (Decimal("80.00") if inside else Decimal("100.00"))


def test_time_window_without_wrap_is_start_inclusive_end_exclusive() -> None:
    start, end = dt.time(18, 0), dt.time(22, 0)
    assert time_in_window(dt.time(18, 0), start, end)
    assert time_in_window(dt.time(21, 59, 59), start, end)
    assert not time_in_window(dt.time(22, 0), start, end)
    assert not time_in_window(dt.time(17, 59), start, end)


# ------------------------------------------------------------------------------ day of week


def test_days_mask_bit_zero_is_monday_and_bit_six_is_sunday() -> None:
    assert days_mask_of(0) == 0b1
    assert days_mask_of(6) == 0b100_0000
    assert days_mask_of(5, 6) == WEEKEND_MASK
    assert describe_days(WEEKEND_MASK) == "Sat, Sun"
    assert describe_days(0b111_1111) == "every day"
    assert describe_days(0) == "no days"
    with pytest.raises(ValidationError):
        days_mask_of(7)


@pytest.mark.parametrize(
    ("day", "matches"),
    # June 2024: the 3rd is a Monday, the 4th and 11th Tuesdays, the 9th a Sunday.
    [(4, True), (11, True), (3, False), (5, False), (9, False)],
)
def test_day_of_week_rule_matches_only_the_days_in_its_mask(day: int, matches: bool) -> None:
    tuesday = rule(
        1, PricingRuleKind.DAY_OF_WEEK, name="Tuesday", multiplier=Decimal("0.5"), days_mask=0b10
    )
    start = dt.datetime(2024, 6, day, 12, 0, tzinfo=IST)
    breakdown = price("GOLD", rules=(tuesday,), local_start=start)
    assert breakdown.price == (Decimal("50.00") if matches else Decimal("100.00"))


# -------------------------------------------------------------------- base price replacement


def base_rule(rule_id: int, amount: str, **kw: Any) -> PricingRuleSpec:
    kw.setdefault("name", f"base {amount}")
    return rule(rule_id, PricingRuleKind.THEATER_MOVIE, base_price=Decimal(amount), **kw)


def test_theater_movie_rule_replaces_the_base_then_multipliers_apply() -> None:
    premiere = base_rule(7, "200", theater_id=1, movie_id=10, name="Premiere")
    breakdown = price(rules=(*README_RULES, premiere))
    assert breakdown.base == Decimal("200")
    assert breakdown.base_source == "rule 'Premiere' (#7)"
    assert breakdown.price == Decimal("468.00")
    assert breakdown.explanation.startswith("base 200.00 x 1.5 Platinum")


def test_rule_with_both_theater_and_movie_beats_one_with_only_one() -> None:
    rules = (
        base_rule(1, "150", theater_id=1, priority=100),
        base_rule(2, "180", movie_id=10, priority=100),
        base_rule(3, "200", theater_id=1, movie_id=10),
    )
    assert price("GOLD", rules=rules).price == Decimal("200.00")


def test_among_equally_specific_base_rules_higher_priority_wins() -> None:
    rules = (base_rule(1, "150", theater_id=1), base_rule(2, "180", movie_id=10, priority=5))
    assert price("GOLD", rules=rules).price == Decimal("180.00")


def test_among_equal_base_rules_lower_rule_id_wins() -> None:
    rules = (base_rule(9, "180", movie_id=10), base_rule(4, "150", theater_id=1))
    assert price("GOLD", rules=rules).price == Decimal("150.00")


def test_base_rule_for_another_theater_or_movie_does_not_apply() -> None:
    rules = (base_rule(1, "999", theater_id=2), base_rule(2, "888", theater_id=1, movie_id=11))
    breakdown = price("GOLD", rules=rules)
    assert breakdown.price == Decimal("100.00")
    assert breakdown.base_source == "seat type GOLD"


def test_base_rule_without_theater_or_movie_is_never_applied() -> None:
    assert price("GOLD", rules=(base_rule(1, "999"),)).price == Decimal("100.00")


def test_base_rule_scoped_to_a_seat_type_applies_only_to_that_type() -> None:
    rules = (
        base_rule(1, "120", theater_id=1),
        base_rule(2, "300", theater_id=1, seat_type="DIAMOND"),
    )
    assert price("DIAMOND", rules=rules).price == Decimal("300.00")
    assert price("GOLD", rules=rules).price == Decimal("120.00")


def test_multiplier_rule_scoped_to_another_theater_does_not_apply() -> None:
    scoped = replace(PLATINUM, theater_id=2)
    assert price(rules=(scoped,)).price == Decimal("100.00")
    assert price(rules=(scoped,), theater_id=2).price == Decimal("150.00")


def test_multiplier_rule_scoped_to_a_movie_applies_only_to_that_movie() -> None:
    scoped = replace(WEEKEND, movie_id=11)
    assert price("GOLD", rules=(scoped,)).price == Decimal("100.00")
    assert price("GOLD", rules=(scoped,), movie_id=11).price == Decimal("120.00")


# --------------------------------------------------------------------------------- validation


def test_valid_rules_pass_validation() -> None:
    for spec in (*README_RULES, base_rule(1, "0", movie_id=3)):
        validate_rule(spec)
    validate_rule(replace(PLATINUM, multiplier=Decimal("10")))


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (replace(PLATINUM, multiplier=Decimal("0")), "above 0"),
        (replace(PLATINUM, multiplier=Decimal("-1.2")), "above 0"),
        (replace(PLATINUM, multiplier=Decimal("10.01")), "at most 10"),
        (replace(WEEKEND, multiplier=None), "needs a multiplier"),
        (replace(PLATINUM, seat_type=None), "needs a seat type"),
        (replace(PLATINUM, seat_type="  "), "needs a seat type"),
        (replace(WEEKEND, days_mask=0), "at least one day"),
        (replace(WEEKEND, days_mask=128), "days mask"),
        (replace(PRIME_TIME, end_time=None), "start and an end"),
        (replace(PRIME_TIME, start_time=None), "start and an end"),
        (replace(PRIME_TIME, end_time=dt.time(18, 0)), "empty"),
        (base_rule(1, "200", theater_id=None, movie_id=None), "theater, a movie or both"),
        (replace(base_rule(1, "200", theater_id=1), base_price=None), "needs a base price"),
        (base_rule(1, "-1", theater_id=1), "negative"),
        (replace(PLATINUM, name=" "), "needs a name"),
    ],
)
def test_nonsense_rules_are_refused_with_a_clear_message(
    spec: PricingRuleSpec, message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        validate_rule(spec)


def test_validation_error_names_the_field_to_fix() -> None:
    with pytest.raises(ValidationError) as caught:
        validate_rule(replace(PLATINUM, multiplier=Decimal("0")))
    assert caught.value.field == "multiplier"


def test_matching_multiplier_rule_without_a_multiplier_is_refused_when_pricing() -> None:
    broken = replace(PLATINUM, multiplier=None)
    with pytest.raises(ValidationError, match="Platinum"):
        price(rules=(broken,))
