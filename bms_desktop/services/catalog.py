"""Configuration: cities, cinemas, screens (from a text seat layout), movies, shows (priced from
the rules when scheduled), pricing rules, coupons. Admin only; validated; audited."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bms_desktop.domain import rules
from bms_desktop.domain.coupons import CouponSpec, normalise_code, validate_coupon
from bms_desktop.domain.errors import NotFound, ValidationError
from bms_desktop.domain.layouts import DEFAULT_CODES, parse_layout
from bms_desktop.domain.model import CouponKind, PricingRuleKind, Role
from bms_desktop.domain.pricing import PricingRuleSpec, price_seat, validate_rule
from bms_desktop.services.context import BoxOffice, CounterContext, load_settings
from bms_desktop.services.ports import (
    NewCoupon,
    NewMovie,
    NewPricingRule,
    NewSeat,
    SeatTypeRecord,
    UnitOfWork,
)
from bms_desktop.services.sale_common import record_audit


def _audit(
    uow: UnitOfWork,
    ctx: CounterContext,
    now: datetime,
    action: str,
    entity: str,
    entity_id: object,
    show_id: int | None = None,
    **details: object,
) -> None:
    record_audit(
        uow, ctx, now, action, entity=entity, entity_id=entity_id, show_id=show_id, more=details
    )


def _text(value: str, what: str, max_len: int) -> str:
    cleaned = " ".join(value.split())
    if not cleaned:
        raise ValidationError(f"{what} cannot be empty", field=what)
    if len(cleaned) > max_len:
        raise ValidationError(f"{what} is longer than {max_len} characters", field=what)
    return cleaned


def add_seat_type(
    box: BoxOffice, ctx: CounterContext, *, code: str, name: str, base_price: Decimal, rank: int
) -> str:
    ctx.require(Role.ADMIN, "Adding a seat type")
    code = code.strip().upper()
    if not code.isalnum() or not 2 <= len(code) <= 20:
        raise ValidationError("a seat type code is 2-20 letters or digits", field="code")
    if base_price < 0:
        raise ValidationError("a base price cannot be negative", field="base_price")
    with box.uows(write=True, label=ctx.counter) as uow:
        uow.catalog.add_seat_type(SeatTypeRecord(code, _text(name, "name", 40), base_price, rank))
        _audit(
            uow, ctx, box.now(), "SEAT_TYPE_ADDED", "seat_type", code, base_price=str(base_price)
        )
        uow.commit()
    return code


def add_city(box: BoxOffice, ctx: CounterContext, *, name: str, state: str = "") -> int:
    ctx.require(Role.ADMIN, "Adding a city")
    with box.uows(write=True, label=ctx.counter) as uow:
        city_id = uow.catalog.add_city(_text(name, "name", 80), state.strip())
        _audit(uow, ctx, box.now(), "CITY_ADDED", "city", city_id, name=name)
        uow.commit()
    return city_id


def add_theater(
    box: BoxOffice,
    ctx: CounterContext,
    *,
    city_id: int,
    name: str,
    address: str = "",
    timezone: str = "Asia/Kolkata",
) -> int:
    ctx.require(Role.ADMIN, "Adding a cinema")
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError(f"unknown time zone {timezone}", field="timezone") from exc
    with box.uows(write=True, label=ctx.counter) as uow:
        theater_id = uow.catalog.add_theater(
            city_id, _text(name, "name", 120), address.strip(), timezone
        )
        _audit(uow, ctx, box.now(), "CINEMA_ADDED", "theater", theater_id, name=name)
        uow.commit()
    return theater_id


def add_screen(
    box: BoxOffice,
    ctx: CounterContext,
    *,
    theater_id: int,
    name: str,
    layout_text: str,
    codes: Mapping[str, str] = DEFAULT_CODES,
) -> int:
    """A screen and its seats from a text layout (see ``domain.layouts``)."""
    ctx.require(Role.ADMIN, "Adding a screen")
    specs = parse_layout(layout_text, codes)
    with box.uows(write=True, label=ctx.counter) as uow:
        known = {t.code for t in uow.queries.seat_types()}
        unknown = sorted({s.seat_type for s in specs} - known)
        if unknown:
            raise ValidationError(f"unknown seat type(s) {', '.join(unknown)}; add them first")
        screen_id = uow.catalog.add_screen(theater_id, _text(name, "name", 80), layout_text)
        uow.catalog.add_seats(
            screen_id,
            [
                NewSeat(
                    row_label=s.row_label,
                    number=s.number,
                    label=s.label,
                    row=s.row,
                    col=s.col,
                    seat_type=s.seat_type,
                    accessible=s.accessible,
                    companion=s.companion,
                    blocked=s.blocked,
                )
                for s in specs
            ],
        )
        _audit(uow, ctx, box.now(), "SCREEN_ADDED", "screen", screen_id, seats=len(specs))
        uow.commit()
    return screen_id


CERTIFICATES = ("U", "UA", "A", "S")


def add_movie(
    box: BoxOffice,
    ctx: CounterContext,
    *,
    title: str,
    languages: str,
    genre: str,
    rating: Decimal,
    certificate: str,
    runtime_min: int,
    synopsis: str = "",
) -> int:
    ctx.require(Role.ADMIN, "Adding a movie")
    if not Decimal(0) <= rating <= Decimal(10):
        raise ValidationError("a rating is between 0 and 10", field="rating")
    if not 1 <= runtime_min <= 600:
        raise ValidationError("a runtime is 1 to 600 minutes", field="runtime_min")
    cert = certificate.strip().upper()
    if cert not in CERTIFICATES:
        raise ValidationError(
            f"a certificate is one of {', '.join(CERTIFICATES)}", field="certificate"
        )
    langs = ",".join(x.strip() for x in languages.split(",") if x.strip())
    if not langs:
        raise ValidationError("give at least one language", field="languages")
    with box.uows(write=True, label=ctx.counter) as uow:
        movie_id = uow.catalog.add_movie(
            NewMovie(
                title=_text(title, "title", 200),
                languages=langs,
                genre=_text(genre, "genre", 80),
                rating=rating,
                certificate=cert,
                runtime_min=runtime_min,
                synopsis=synopsis.strip(),
            )
        )
        _audit(uow, ctx, box.now(), "MOVIE_ADDED", "movie", movie_id, title=title)
        uow.commit()
    return movie_id


def add_pricing_rule(box: BoxOffice, ctx: CounterContext, rule: NewPricingRule) -> int:
    ctx.require(Role.ADMIN, "Adding a pricing rule")
    validate_rule(
        PricingRuleSpec(
            rule_id=0,
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
    )
    with box.uows(write=True, label=ctx.counter) as uow:
        rule_id = uow.catalog.add_pricing_rule(rule)
        _audit(uow, ctx, box.now(), "PRICING_RULE_ADDED", "pricing_rule", rule_id, name=rule.name)
        uow.commit()
    return rule_id


def add_coupon(box: BoxOffice, ctx: CounterContext, coupon: NewCoupon) -> int:
    ctx.require(Role.ADMIN, "Adding a coupon")
    code = normalise_code(coupon.code)
    validate_coupon(
        CouponSpec(
            coupon_id=0,
            code=code,
            kind=CouponKind(coupon.kind),
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
    with box.uows(write=True, label=ctx.counter) as uow:
        if uow.booking.coupon_by_code(code) is not None:
            raise ValidationError(f"there is already a coupon {code}", field="code")
        coupon_id = uow.catalog.add_coupon(
            NewCoupon(**{**coupon.__dict__, "code": code})
            if not hasattr(coupon, "__slots__")
            else _with_code(coupon, code)
        )
        _audit(uow, ctx, box.now(), "COUPON_ADDED", "coupon", coupon_id, code=code)
        uow.commit()
    return coupon_id


def _with_code(coupon: NewCoupon, code: str) -> NewCoupon:
    from dataclasses import replace

    return replace(coupon, code=code)


def schedule_show(
    box: BoxOffice,
    ctx: CounterContext,
    *,
    movie_id: int,
    screen_id: int,
    starts_at: datetime,
    language: str,
    format: str = "2D",
    scratch: bool = False,
    check_past: bool = True,
) -> int:
    """Schedule a show: no overlap on the screen (runtime + cleaning gap), not in the past;
    every show seat gets its price from the pricing rules now, so the map shows real prices."""
    ctx.require(Role.ADMIN, "Scheduling a show")
    now = box.now()
    with box.uows(write=True, label=ctx.counter) as uow:
        cfg = load_settings(uow)
        runtime = uow.catalog.movie_runtime(movie_id)
        if runtime is None:
            raise NotFound(f"movie {movie_id} does not exist")
        theater = uow.catalog.screen_theater(screen_id)
        if theater is None:
            raise NotFound(f"screen {screen_id} does not exist")
        theater_id, tz = theater
        ends_at = rules.check_show_slot(
            start=starts_at,
            runtime_min=runtime,
            cleaning_gap_min=cfg.cleaning_gap_minutes,
            existing=uow.catalog.screen_shows(screen_id),
            now=now if check_past else starts_at,
            tz=tz,
        )
        base = {t.code: t.base_price for t in uow.queries.seat_types()}
        specs = uow.catalog.pricing_rules()
        local_start = starts_at.astimezone(ZoneInfo(tz))
        price_by_type: dict[str, Decimal] = {}
        seat_prices = []
        for seat_id, seat_type, blocked in uow.catalog.screen_seats(screen_id):
            price = price_by_type.get(seat_type)
            if price is None:
                price = price_seat(
                    seat_type=seat_type,
                    base_prices=base,
                    rules=specs,
                    theater_id=theater_id,
                    movie_id=movie_id,
                    local_start=local_start,
                ).price
                price_by_type[seat_type] = price
            seat_prices.append((seat_id, price, blocked))
        if not seat_prices:
            raise ValidationError("this screen has no seats; draw its layout first")
        show_id = uow.catalog.add_show(
            movie_id=movie_id,
            screen_id=screen_id,
            starts_at=starts_at,
            ends_at=ends_at,
            language=_text(language, "language", 40),
            format=format,
            created_at=now,
            seat_prices=seat_prices,
            scratch=scratch,
        )
        _audit(
            uow,
            ctx,
            now,
            "SHOW_SCHEDULED",
            "show",
            show_id,
            show_id=show_id,
            movie_id=movie_id,
            screen_id=screen_id,
            starts_at=starts_at.isoformat(),
        )
        uow.commit()
    return show_id
