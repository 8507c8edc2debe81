"""Seat prices from pricing rules (DESIGN.md section 3, "Pricing").

Pure Python: no clock, no database. The services call :func:`price_seat` once per seat when a show
is scheduled (or re-priced) and write the result onto the ShowSeat, so the map shows real prices.

How a price is made:

1. The base is the seat type's base price (``base_prices[seat_type]``).
2. An active THEATER_MOVIE rule that matches REPLACES the base. Its ``theater_id`` and
   ``movie_id`` are scopes (``None`` = any, at least one is set); it may also carry a
   ``seat_type`` scope. The most specific matching rule wins: theater and movie both set beats one
   set; then a rule scoped to the seat type beats one that is not; then the higher ``priority``;
   then the lower ``rule_id``.
3. The base is multiplied by every active matching multiplier rule (SEAT_TYPE, DAY_OF_WEEK,
   TIME_WINDOW). Any multiplier rule may carry optional ``theater_id`` / ``movie_id`` scopes, and
   DAY_OF_WEEK / TIME_WINDOW rules an optional ``seat_type`` scope (``None`` = everywhere).
4. The product is exact (no intermediate rounding) and rounded once, half-up, to 2 places.

``local_start`` is the show's start in the cinema's local time: its weekday and wall-clock time are
what the day and time rules look at.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext

from bms_desktop.domain.errors import ValidationError
from bms_desktop.domain.model import PricingRuleKind

CENT = Decimal("0.01")
MAX_MULTIPLIER = Decimal(10)
ALL_DAYS_MASK = 0b111_1111
WEEKEND_MASK = 0b110_0000  # Saturday and Sunday
WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

MULTIPLIER_KINDS = frozenset(
    {PricingRuleKind.SEAT_TYPE, PricingRuleKind.DAY_OF_WEEK, PricingRuleKind.TIME_WINDOW}
)
# Order in which factors are listed in a breakdown: seat, then day, then time (the README's order).
_KIND_ORDER = {
    PricingRuleKind.SEAT_TYPE: 0,
    PricingRuleKind.DAY_OF_WEEK: 1,
    PricingRuleKind.TIME_WINDOW: 2,
    PricingRuleKind.THEATER_MOVIE: 3,
}


def round_money(x: Decimal) -> Decimal:
    """Round an amount half-up to 2 decimal places (0.125 -> 0.13, -0.125 -> -0.13)."""
    return x.quantize(CENT, rounding=ROUND_HALF_UP)


def format_money(x: Decimal) -> str:
    """``round_money`` as text with exactly two decimals: ``Decimal("5")`` -> ``"5.00"``."""
    return f"{round_money(x):.2f}"


def format_multiplier(m: Decimal) -> str:
    """A multiplier without trailing zeros or exponent: 1.50 -> "1.5", 2.00 -> "2"."""
    text = format(m.normalize(), "f")
    return text


def days_mask_of(*weekdays: int) -> int:
    """Mask for the given ``datetime.weekday()`` numbers (0 = Monday ... 6 = Sunday)."""
    mask = 0
    for day in weekdays:
        if not 0 <= day <= 6:
            raise ValidationError(f"weekday must be 0 (Monday) to 6 (Sunday), not {day}")
        mask |= 1 << day
    return mask


def describe_days(mask: int) -> str:
    """Human text for a days mask: "Sat, Sun", "every day", "no days"."""
    if mask & ALL_DAYS_MASK == ALL_DAYS_MASK:
        return "every day"
    names = [WEEKDAY_NAMES[i] for i in range(7) if mask & (1 << i)]
    return ", ".join(names) if names else "no days"


@dataclass(frozen=True)
class PricingRuleSpec:
    """One pricing rule as the domain sees it (the services build it from the pricing_rules row)."""

    rule_id: int
    name: str
    kind: PricingRuleKind
    multiplier: Decimal | None
    base_price: Decimal | None
    seat_type: str | None
    days_mask: int  # bit 0 = Monday ... bit 6 = Sunday; 0 = no days
    start_time: dt.time | None
    end_time: dt.time | None
    theater_id: int | None
    movie_id: int | None
    active: bool = True
    priority: int = 0


@dataclass(frozen=True)
class PriceBreakdown:
    """A price and how it was made, for the price matrix preview and the seat tooltip."""

    price: Decimal
    base: Decimal
    base_source: str  # "seat type PLATINUM" or "rule 'Premiere night' (#7)"
    factors: tuple[tuple[str, Decimal], ...]  # (rule name, multiplier), in the order applied
    explanation: str  # "base 100.00 x 1.5 Platinum x 1.2 Weekend x 1.3 Prime time = 234.00"


def validate_rule(spec: PricingRuleSpec) -> None:
    """Refuse a rule that makes no sense; the message says what to fix."""
    if not spec.name.strip():
        raise ValidationError("A pricing rule needs a name.", field="name")
    if not 0 <= spec.days_mask <= ALL_DAYS_MASK:
        raise ValidationError(
            f"Rule '{spec.name}': days mask must be between 0 and {ALL_DAYS_MASK}, "
            f"not {spec.days_mask}.",
            field="days_mask",
        )
    if spec.base_price is not None and spec.base_price < 0:
        raise ValidationError(
            f"Rule '{spec.name}': base price cannot be negative ({spec.base_price}).",
            field="base_price",
        )
    if spec.kind in MULTIPLIER_KINDS:
        if spec.multiplier is None:
            raise ValidationError(f"Rule '{spec.name}' needs a multiplier.", field="multiplier")
        if not Decimal(0) < spec.multiplier <= MAX_MULTIPLIER:
            raise ValidationError(
                f"Rule '{spec.name}': multiplier must be above 0 and at most {MAX_MULTIPLIER}, "
                f"not {spec.multiplier}.",
                field="multiplier",
            )
    match spec.kind:
        case PricingRuleKind.SEAT_TYPE:
            if not (spec.seat_type or "").strip():
                raise ValidationError(
                    f"Rule '{spec.name}': a seat-type rule needs a seat type.", field="seat_type"
                )
        case PricingRuleKind.DAY_OF_WEEK:
            if spec.days_mask == 0:
                raise ValidationError(
                    f"Rule '{spec.name}': pick at least one day of the week.", field="days_mask"
                )
        case PricingRuleKind.TIME_WINDOW:
            if spec.start_time is None or spec.end_time is None:
                raise ValidationError(
                    f"Rule '{spec.name}': a time-window rule needs a start and an end time.",
                    field="start_time" if spec.start_time is None else "end_time",
                )
            if spec.start_time == spec.end_time:
                raise ValidationError(
                    f"Rule '{spec.name}': start and end time are both "
                    f"{spec.start_time:%H:%M}; the window would be empty.",
                    field="end_time",
                )
        case PricingRuleKind.THEATER_MOVIE:
            if spec.base_price is None:
                raise ValidationError(
                    f"Rule '{spec.name}': a theater/movie rule needs a base price.",
                    field="base_price",
                )
            if spec.theater_id is None and spec.movie_id is None:
                raise ValidationError(
                    f"Rule '{spec.name}': a theater/movie rule needs a theater, a movie or both.",
                    field="theater_id",
                )


def time_in_window(t: dt.time, start: dt.time, end: dt.time) -> bool:
    """``start <= t < end``; when ``start > end`` the window wraps past midnight."""
    if start <= end:
        return start <= t < end
    return t >= start or t < end


def _in_scope(rule: PricingRuleSpec, theater_id: int, movie_id: int) -> bool:
    return (rule.theater_id is None or rule.theater_id == theater_id) and (
        rule.movie_id is None or rule.movie_id == movie_id
    )


def _multiplier_matches(
    rule: PricingRuleSpec, seat_type: str, weekday: int, start_time: dt.time
) -> bool:
    if rule.seat_type is not None and rule.seat_type != seat_type:
        return False  # the seat type is the point of SEAT_TYPE and an optional scope elsewhere
    match rule.kind:
        case PricingRuleKind.SEAT_TYPE:
            return rule.seat_type == seat_type
        case PricingRuleKind.DAY_OF_WEEK:
            return bool(rule.days_mask & (1 << weekday))
        case PricingRuleKind.TIME_WINDOW:
            if rule.start_time is None or rule.end_time is None:
                return False  # validate_rule refuses these; never match half a window
            return time_in_window(start_time, rule.start_time, rule.end_time)
        case _:
            return False


def _base_rule_key(rule: PricingRuleSpec) -> tuple[int, int, int, int]:
    specificity = (rule.theater_id is not None) + (rule.movie_id is not None)
    return (-specificity, -(rule.seat_type is not None), -rule.priority, rule.rule_id)


def price_seat(
    *,
    seat_type: str,
    base_prices: Mapping[str, Decimal],
    rules: Sequence[PricingRuleSpec],
    theater_id: int,
    movie_id: int,
    local_start: dt.datetime,
) -> PriceBreakdown:
    """Price one seat of one show; see the module docstring for the rules."""
    try:
        base = base_prices[seat_type]
    except KeyError:
        known = ", ".join(sorted(base_prices)) or "none"
        raise ValidationError(
            f"Unknown seat type {seat_type!r} (known: {known}).", field="seat_type"
        ) from None
    base_source = f"seat type {seat_type}"

    weekday = local_start.weekday()
    start_time = local_start.time()
    base_rules: list[PricingRuleSpec] = []
    factor_rules: list[PricingRuleSpec] = []
    for rule in rules:
        if not rule.active or not _in_scope(rule, theater_id, movie_id):
            continue
        if rule.kind is PricingRuleKind.THEATER_MOVIE:
            if (
                (rule.theater_id is not None or rule.movie_id is not None)
                and rule.base_price is not None
                and (rule.seat_type is None or rule.seat_type == seat_type)
            ):
                base_rules.append(rule)
        elif _multiplier_matches(rule, seat_type, weekday, start_time):
            if rule.multiplier is None:
                raise ValidationError(f"Pricing rule '{rule.name}' has no multiplier.")
            factor_rules.append(rule)

    if base_rules:
        winner = min(base_rules, key=_base_rule_key)
        assert winner.base_price is not None  # filtered above
        base = winner.base_price
        base_source = f"rule '{winner.name}' (#{winner.rule_id})"

    factor_rules.sort(key=lambda r: (_KIND_ORDER[r.kind], -r.priority, r.rule_id))
    factors = tuple((r.name, r.multiplier) for r in factor_rules if r.multiplier is not None)

    with localcontext() as ctx:
        ctx.prec = 60  # plenty for an exact product of a handful of 2-4 digit factors
        exact = base
        for _, multiplier in factors:
            exact *= multiplier
        price = round_money(exact)

    steps = "".join(f" x {format_multiplier(m)} {name}" for name, m in factors)
    explanation = f"base {format_money(base)}{steps} = {format_money(price)}"
    return PriceBreakdown(
        price=price,
        base=base,
        base_source=base_source,
        factors=factors,
        explanation=explanation,
    )
