"""Seat types (code, name, base price) and pricing rules (SEAT_TYPE, DAY_OF_WEEK, TIME_WINDOW
which may wrap past midnight, THEATER_MOVIE), and the price matrix preview.

Admin only; every field checked (lengths, ranges and decimals that both engines store); audited
with before/after values. Changing a rule or a base price changes no seat already priced: the
shows keep the prices written when they were scheduled until an administrator re-prices their
unsold seats on purpose (``services/admin/repricing.py``).

The matrix is computed by ``domain.pricing.price_seat``, the same code that prices a show: the
dialog reads the rules once (``pricing_data``) and recomputes in memory as the fields change
(``compute_price_matrix`` with the rule being edited as a draft).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import asdict, replace
from decimal import Decimal

from bms_desktop.domain.errors import NotFound, ValidationError
from bms_desktop.domain.model import PricingRuleKind
from bms_desktop.domain.pricing import (
    ALL_DAYS_MASK,
    PricingRuleSpec,
    describe_days,
    format_multiplier,
    price_seat,
    validate_rule,
)
from bms_desktop.services.admin.common import (
    audit_change,
    clean_text,
    parse_decimal,
    parse_int,
    require_admin,
    valid_id,
)
from bms_desktop.services.admin.dto_pricing import (
    Choice,
    MatrixCell,
    PriceMatrix,
    PricingData,
    PricingRuleInput,
    PricingRuleRow,
    SeatTypeInput,
    SeatTypeRow,
    TimeBand,
)
from bms_desktop.services.context import BoxOffice, CounterContext
from bms_desktop.services.ports import NewPricingRule, UnitOfWork

RULE_NAME_MAX = 80  # pricing_rules.name
SEAT_TYPE_NAME_MAX = 40  # seat_types.name
SEAT_TYPE_CODE_MAX = 20  # seat_types.code
MAX_PRICE = Decimal("1000000.00")
PRIORITY_LIMIT = 1000
RANK_LIMIT = 1_000_000
KINDS = tuple(k.value for k in PricingRuleKind)
_REFERENCE_MONDAY = dt.date(2024, 1, 1)  # any Monday: the matrix needs a weekday and a time

# --------------------------------------------------------------------------- seat types


def list_seat_types(box: BoxOffice, ctx: CounterContext) -> list[SeatTypeRow]:
    require_admin(ctx, "Listing seat types")
    with box.uows() as uow:
        return uow.config.seat_type_rows()


def _seat_type_code(value: object) -> str:
    code = clean_text(value, field="code", label="The code").upper()
    if not code.isascii() or not code.isalnum() or not 2 <= len(code) <= SEAT_TYPE_CODE_MAX:
        raise ValidationError(
            f"a seat type code is 2-{SEAT_TYPE_CODE_MAX} letters or digits (e.g. RECLINER)",
            field="code",
        )
    return code


def _seat_type(data: SeatTypeInput) -> SeatTypeRow:
    if not isinstance(data.active, bool):
        raise ValidationError("say whether the seat type is active", field="active")
    return SeatTypeRow(
        code=_seat_type_code(data.code),
        name=clean_text(data.name, field="name", label="The name", max_len=SEAT_TYPE_NAME_MAX),
        base_price=parse_decimal(
            data.base_price,
            field="base_price",
            label="The base price",
            minimum=Decimal(0),
            maximum=MAX_PRICE,
        ),
        rank=parse_int(
            data.rank, field="rank", label="The order", minimum=-RANK_LIMIT, maximum=RANK_LIMIT
        ),
        active=data.active,
    )


def _seat_type_values(row: SeatTypeRow) -> dict[str, object]:
    return {"name": row.name, "base_price": row.base_price, "rank": row.rank, "active": row.active}


def create_seat_type(box: BoxOffice, ctx: CounterContext, data: SeatTypeInput) -> SeatTypeRow:
    require_admin(ctx, "Adding a seat type")
    clean = _seat_type(data)
    now = box.now()
    with box.uows(write=True, label=ctx.counter) as uow:
        if uow.config.seat_type_row(clean.code) is not None:
            raise ValidationError(f"there is already a seat type {clean.code}", field="code")
        uow.config.add_seat_type(clean)
        row = uow.config.seat_type_row(clean.code)
        assert row is not None
        audit_change(
            uow,
            ctx,
            now,
            action="SEAT_TYPE_ADDED",
            entity="seat_type",
            entity_id=clean.code,
            after=_seat_type_values(row),
        )
        uow.commit()
    return row


def update_seat_type(
    box: BoxOffice, ctx: CounterContext, code: str, data: SeatTypeInput
) -> SeatTypeRow:
    """Rename, re-price (future shows keep their prices until re-priced), reorder, deactivate."""
    require_admin(ctx, "Changing a seat type")
    clean = _seat_type(data)
    now = box.now()
    with box.uows(write=True, label=ctx.counter) as uow:
        key = code.strip().upper() if isinstance(code, str) else ""
        before = uow.config.seat_type_row(key, lock=True) if key else None
        if before is None:
            raise NotFound(f"seat type {code!r} does not exist")
        if clean.code != before.code:
            raise ValidationError(
                "a seat type's code cannot change (seats and rules use it); add a new type",
                field="code",
            )
        uow.config.update_seat_type(
            before.code,
            name=clean.name,
            base_price=clean.base_price,
            rank=clean.rank,
            active=clean.active,
        )
        after = uow.config.seat_type_row(before.code)
        assert after is not None
        if _seat_type_values(before) != _seat_type_values(after):
            action = "SEAT_TYPE_CHANGED"
            if before.active != after.active:
                action = "SEAT_TYPE_" + ("REACTIVATED" if after.active else "DEACTIVATED")
            audit_change(
                uow,
                ctx,
                now,
                action=action,
                entity="seat_type",
                entity_id=before.code,
                before=_seat_type_values(before),
                after=_seat_type_values(after),
            )
            uow.commit()
    return after


# --------------------------------------------------------------------------- rules


def describe_rule(row: PricingRuleRow) -> str:
    """ "x1.2 on Sat, Sun · Galaxy" — what a rule does, in one line."""
    kind = PricingRuleKind(row.kind)
    multiplier = format_multiplier(row.multiplier) if row.multiplier is not None else "?"
    match kind:
        case PricingRuleKind.SEAT_TYPE:
            text = f"x{multiplier} for {row.seat_type or '?'} seats"
        case PricingRuleKind.DAY_OF_WEEK:
            text = f"x{multiplier} on {describe_days(row.days_mask)}"
        case PricingRuleKind.TIME_WINDOW:
            start = f"{row.start_time:%H:%M}" if row.start_time else "?"
            end = f"{row.end_time:%H:%M}" if row.end_time else "?"
            text = f"x{multiplier} for shows starting {start}–{end}"
        case _:
            text = f"base {row.base_price:.2f}" if row.base_price is not None else "base ?"
    scope = []
    if row.seat_type and kind is not PricingRuleKind.SEAT_TYPE:
        scope.append(f"{row.seat_type} seats only")
    scope += [n for n in (row.theater_name, row.movie_title) if n]
    return " · ".join([text, *scope])


def list_pricing_rules(box: BoxOffice, ctx: CounterContext) -> list[PricingRuleRow]:
    require_admin(ctx, "Listing pricing rules")
    with box.uows() as uow:
        return [replace(r, summary=describe_rule(r)) for r in uow.config.rule_rows()]


def _time(value: object, field: str, label: str) -> dt.time | None:
    if value is None:
        return None
    if not isinstance(value, dt.time):
        raise ValidationError(f"{label} must be a time of day", field=field)
    return value.replace(second=0, microsecond=0, tzinfo=None)


def _id_in(value: object, known: Sequence[Choice], field: str, what: str) -> int | None:
    if value is None:
        return None
    if not valid_id(value) or value not in {c.id for c in known}:
        raise ValidationError(f"choose an existing {what}, or any", field=field)
    assert isinstance(value, int)
    return value


def clean_rule(
    data: PricingRuleInput,
    *,
    seat_types: Sequence[str],
    cinemas: Sequence[Choice],
    movies: Sequence[Choice],
) -> NewPricingRule:
    """The rule as stored: fields that do not apply to its kind are cleared; everything checked
    (raises ValidationError naming the field)."""
    name = clean_text(data.name, field="name", label="The name", max_len=RULE_NAME_MAX)
    kind_text = clean_text(data.kind, field="kind", label="The kind").upper()
    if kind_text not in KINDS:
        raise ValidationError(
            "a rule is a seat type, day of week, time window or cinema/movie rule", field="kind"
        )
    kind = PricingRuleKind(kind_text)
    seat_type = None
    if data.seat_type not in (None, ""):
        seat_type = clean_text(data.seat_type, field="seat_type", label="The seat type").upper()
        if seat_type not in seat_types:
            raise ValidationError(f"there is no seat type {seat_type[:20]}", field="seat_type")
    multiplier = base_price = None
    if kind is PricingRuleKind.THEATER_MOVIE:
        base_price = parse_decimal(
            data.base_price,
            field="base_price",
            label="The base price",
            minimum=Decimal(0),
            maximum=MAX_PRICE,
        )
    else:
        multiplier = parse_decimal(
            data.multiplier,
            field="multiplier",
            label="The multiplier",
            places=3,
            minimum=Decimal("0.001"),
            maximum=Decimal(10),
        )
    days_mask = 0
    if kind is PricingRuleKind.DAY_OF_WEEK:
        days_mask = parse_int(
            data.days_mask, field="days_mask", label="The days", minimum=0, maximum=ALL_DAYS_MASK
        )
    start = end = None
    if kind is PricingRuleKind.TIME_WINDOW:
        start = _time(data.start_time, "start_time", "The start")
        end = _time(data.end_time, "end_time", "The end")
    if not isinstance(data.active, bool):
        raise ValidationError("say whether the rule is active", field="active")
    rule = NewPricingRule(
        name=name,
        kind=kind.value,
        multiplier=multiplier,
        base_price=base_price,
        seat_type=seat_type,
        days_mask=days_mask,
        start_time=start,
        end_time=end,
        theater_id=_id_in(data.theater_id, cinemas, "theater_id", "cinema"),
        movie_id=_id_in(data.movie_id, movies, "movie_id", "movie"),
        priority=parse_int(
            data.priority,
            field="priority",
            label="The priority",
            minimum=-PRIORITY_LIMIT,
            maximum=PRIORITY_LIMIT,
        ),
        active=data.active,
    )
    validate_rule(spec_of(rule, 0))
    return rule


def spec_of(rule: NewPricingRule, rule_id: int) -> PricingRuleSpec:
    return PricingRuleSpec(
        rule_id=rule_id,
        name=rule.name,
        kind=PricingRuleKind(rule.kind),
        multiplier=rule.multiplier,
        base_price=rule.base_price,
        seat_type=rule.seat_type,
        days_mask=rule.days_mask,
        start_time=rule.start_time,
        end_time=rule.end_time,
        theater_id=rule.theater_id,
        movie_id=rule.movie_id,
        active=rule.active,
        priority=rule.priority,
    )


def _clean_in(uow: UnitOfWork, data: PricingRuleInput) -> NewPricingRule:
    return clean_rule(
        data,
        seat_types=[t.code for t in uow.config.seat_type_rows()],
        cinemas=uow.config.cinema_choices(),
        movies=uow.config.movie_choices(),
    )


def _rule_values(row: PricingRuleRow) -> dict[str, object]:
    values = asdict(row)
    for key in ("rule_id", "summary", "theater_id", "movie_id"):
        values.pop(key)
    values["cinema"] = values.pop("theater_name")
    values["movie"] = values.pop("movie_title")
    return values


def create_pricing_rule(
    box: BoxOffice, ctx: CounterContext, data: PricingRuleInput
) -> PricingRuleRow:
    """A new rule. Seats already priced keep their prices (re-price them on purpose)."""
    require_admin(ctx, "Adding a pricing rule")
    now = box.now()
    with box.uows(write=True, label=ctx.counter) as uow:
        rule = _clean_in(uow, data)
        rule_id = uow.config.add_rule(rule)
        row = uow.config.rule_row(rule_id)
        assert row is not None
        audit_change(
            uow,
            ctx,
            now,
            action="PRICING_RULE_ADDED",
            entity="pricing_rule",
            entity_id=rule_id,
            after=_rule_values(row),
        )
        uow.commit()
    return replace(row, summary=describe_rule(row))


def update_pricing_rule(
    box: BoxOffice, ctx: CounterContext, rule_id: int, data: PricingRuleInput
) -> PricingRuleRow:
    require_admin(ctx, "Changing a pricing rule")
    now = box.now()
    with box.uows(write=True, label=ctx.counter) as uow:
        before = uow.config.rule_row(rule_id, lock=True) if valid_id(rule_id) else None
        if before is None:
            raise NotFound(f"pricing rule {rule_id} does not exist (any more)")
        rule = _clean_in(uow, data)
        uow.config.update_rule(rule_id, rule)
        after = uow.config.rule_row(rule_id)
        assert after is not None
        if _rule_values(before) != _rule_values(after):
            action = "PRICING_RULE_CHANGED"
            if before.active != after.active:
                action = "PRICING_RULE_" + ("REACTIVATED" if after.active else "DEACTIVATED")
            audit_change(
                uow,
                ctx,
                now,
                action=action,
                entity="pricing_rule",
                entity_id=rule_id,
                before=_rule_values(before),
                after=_rule_values(after),
            )
            uow.commit()
    return replace(after, summary=describe_rule(after))


def input_of(row: PricingRuleRow, **changes: object) -> PricingRuleInput:
    """The dialog input that reproduces a stored rule (with ``changes`` applied)."""
    values: dict[str, object] = {
        "name": row.name,
        "kind": row.kind,
        "multiplier": row.multiplier,
        "base_price": row.base_price,
        "seat_type": row.seat_type,
        "days_mask": row.days_mask,
        "start_time": row.start_time,
        "end_time": row.end_time,
        "theater_id": row.theater_id,
        "movie_id": row.movie_id,
        "priority": row.priority,
        "active": row.active,
    }
    values.update(changes)
    return PricingRuleInput(**values)  # type: ignore[arg-type]


def set_pricing_rule_active(
    box: BoxOffice, ctx: CounterContext, rule_id: int, active: bool
) -> PricingRuleRow:
    require_admin(ctx, "Deactivating a pricing rule" if not active else "Reactivating one")
    with box.uows() as uow:
        row = uow.config.rule_row(rule_id) if valid_id(rule_id) else None
    if row is None:
        raise NotFound(f"pricing rule {rule_id} does not exist (any more)")
    return update_pricing_rule(box, ctx, rule_id, input_of(row, active=bool(active)))


# --------------------------------------------------------------------------- the price matrix


def pricing_data(box: BoxOffice, ctx: CounterContext) -> PricingData:
    """Seat types, rules, cinemas and movies: what the matrix preview computes from."""
    require_admin(ctx, "Looking at prices")
    with box.uows() as uow:
        return PricingData(
            seat_types=tuple(uow.config.seat_type_rows()),
            rules=tuple(uow.catalog.pricing_rules()),
            cinemas=tuple(uow.config.cinema_choices()),
            movies=tuple(uow.config.movie_choices()),
        )


def draft_rule(
    data: PricingData, draft: PricingRuleInput, rule_id: int | None = None
) -> PricingRuleSpec:
    """The rule being edited, checked like a save would check it (ValidationError if not)."""
    rule = clean_rule(
        draft,
        seat_types=[t.code for t in data.seat_types],
        cinemas=data.cinemas,
        movies=data.movies,
    )
    return spec_of(rule, rule_id if rule_id is not None else 0)


def rules_with(
    rules: Sequence[PricingRuleSpec], draft: PricingRuleSpec | None
) -> list[PricingRuleSpec]:
    """The stored rules with the draft in place of the rule it edits (or added)."""
    if draft is None:
        return list(rules)
    if draft.rule_id:
        return [draft if r.rule_id == draft.rule_id else r for r in rules]
    return [*rules, replace(draft, rule_id=max((r.rule_id for r in rules), default=0) + 1)]


def time_bands(
    rules: Sequence[PricingRuleSpec], theater_id: int, movie_id: int
) -> tuple[TimeBand, ...]:
    """Bands of start times priced alike: split at midnight and at every boundary of an active
    time-window rule that applies to this cinema and movie."""
    cuts = {dt.time(0, 0)}
    for r in rules:
        if (
            r.active
            and r.kind is PricingRuleKind.TIME_WINDOW
            and r.theater_id in (None, theater_id)
            and r.movie_id in (None, movie_id)
        ):
            cuts.update(t for t in (r.start_time, r.end_time) if t is not None)
    ordered = sorted(cuts)
    if len(ordered) == 1:
        return (TimeBand(dt.time(0, 0), dt.time(0, 0)),)
    return tuple(
        TimeBand(start, ordered[(i + 1) % len(ordered)]) for i, start in enumerate(ordered)
    )


def compute_price_matrix(
    data: PricingData,
    *,
    theater_id: int | None,
    movie_id: int | None,
    rules: Sequence[PricingRuleSpec] | None = None,
    include_inactive_types: bool = False,
) -> PriceMatrix:
    """Seat type x weekday x time band, each cell priced by ``domain.pricing.price_seat``.
    ``rules`` defaults to the stored ones (pass ``rules_with(...)`` for a draft)."""
    specs = list(data.rules if rules is None else rules)
    tid, mid = theater_id or 0, movie_id or 0
    base = {t.code: t.base_price for t in data.seat_types}
    types = [t for t in data.seat_types if t.active or include_inactive_types]
    bands = time_bands(specs, tid, mid)
    cells: dict[tuple[str, int, int], MatrixCell] = {}
    for seat_type in types:
        for weekday in range(7):
            day = _REFERENCE_MONDAY + dt.timedelta(days=weekday)
            for index, band in enumerate(bands):
                breakdown = price_seat(
                    seat_type=seat_type.code,
                    base_prices=base,
                    rules=specs,
                    theater_id=tid,
                    movie_id=mid,
                    local_start=dt.datetime.combine(day, band.start),
                )
                cells[(seat_type.code, weekday, index)] = MatrixCell(
                    breakdown.price, breakdown.explanation
                )
    return PriceMatrix(
        theater_id=tid,
        movie_id=mid,
        seat_types=tuple((t.code, t.name) for t in types),
        bands=bands,
        cells=cells,
    )


def price_matrix(
    box: BoxOffice, ctx: CounterContext, *, theater_id: int | None, movie_id: int | None
) -> PriceMatrix:
    """The matrix of the stored rules for one cinema and movie."""
    return compute_price_matrix(pricing_data(box, ctx), theater_id=theater_id, movie_id=movie_id)


__all__ = [
    "clean_rule",
    "compute_price_matrix",
    "create_pricing_rule",
    "create_seat_type",
    "describe_rule",
    "draft_rule",
    "input_of",
    "list_pricing_rules",
    "list_seat_types",
    "price_matrix",
    "pricing_data",
    "rules_with",
    "set_pricing_rule_active",
    "time_bands",
    "update_pricing_rule",
    "update_seat_type",
]
