"""Re-pricing the unsold seats of future shows after the rules or base prices changed: an
explicit action that first says what it would change (``plan_reprice``), then does it
(``apply_reprice``).

- Only seats that are AVAILABLE (or BLOCKED by an administrator) are touched: ONE conditional
  UPDATE per price group (show x seat type) whose WHERE re-checks the status, so a seat a counter
  holds or sells meanwhile keeps the price it was quoted.
- Only shows whose counter sales are still open, not cancelled, not race-lab scratch shows.
- The work runs in batches of shows, each its own short transaction (counters keep selling in
  between; on SQLite a single long transaction would stop every counter for its duration), with
  progress reported after each batch. Each batch first checks that the rules and base prices are
  still the ones the plan was made from; if not it stops and says how far it got. Running the
  action again finishes the job (a seat that already has its price is not touched twice).
- Every re-priced show gets an audit row with its show id, so the counters' maps reload.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from bms_desktop.domain.errors import InvalidState, ValidationError
from bms_desktop.domain.pricing import PricingRuleSpec, price_seat
from bms_desktop.services.admin.common import audit_change, require_admin, valid_id
from bms_desktop.services.admin.dto_pricing import RepriceGroup, RepricePlan, RepriceResult
from bms_desktop.services.context import BoxOffice, CounterContext, load_settings
from bms_desktop.services.ports import SeatTypeRecord, UnitOfWork
from bms_desktop.services.ports_admin_b import PriceGroupRecord

BATCH_SHOWS = 25
Progress = Callable[[int, int], None]  # (shows done, shows in the plan)


def _fingerprint(rules: Sequence[PricingRuleSpec], seat_types: Sequence[SeatTypeRecord]) -> str:
    text = repr(
        (
            sorted((repr(r) for r in rules)),
            sorted((t.code, str(t.base_price)) for t in seat_types),
        )
    )
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass
class _Pricing:
    rules: list[PricingRuleSpec]
    base: dict[str, Decimal]
    fingerprint: str
    starts_after: datetime


def _pricing(uow: UnitOfWork, now: datetime) -> _Pricing:
    rules = uow.catalog.pricing_rules()
    seat_types = uow.queries.seat_types()
    offset = load_settings(uow).sales_close_offset_minutes
    return _Pricing(
        rules=rules,
        base={t.code: t.base_price for t in seat_types},
        fingerprint=_fingerprint(rules, seat_types),
        starts_after=now - timedelta(minutes=offset),  # sales still open
    )


def _groups(
    records: Sequence[PriceGroupRecord], pricing: _Pricing
) -> tuple[list[RepriceGroup], int]:
    price_cache: dict[tuple[int, str], Decimal] = {}
    merged: dict[tuple[int, str], RepriceGroup] = {}
    kept = 0
    for r in records:
        if not r.unsold:
            kept += r.seats
            continue
        key = (r.show_id, r.seat_type)
        new = price_cache.get(key)
        if new is None:
            new = price_seat(
                seat_type=r.seat_type,
                base_prices=pricing.base,
                rules=pricing.rules,
                theater_id=r.theater_id,
                movie_id=r.movie_id,
                local_start=r.starts_at.astimezone(ZoneInfo(r.timezone)),
            ).price
            price_cache[key] = new
        if new == r.price:
            continue
        group = merged.get(key)
        if group is None:
            merged[key] = RepriceGroup(
                show_id=r.show_id,
                movie_title=r.movie_title,
                theater_name=r.theater_name,
                screen_name=r.screen_name,
                starts_at=r.starts_at,
                timezone=r.timezone,
                seat_type=r.seat_type,
                old_prices=(r.price,),
                new_price=new,
                seats=r.seats,
            )
        else:
            merged[key] = replace(
                group,
                old_prices=tuple(sorted({*group.old_prices, r.price})),
                seats=group.seats + r.seats,
            )
    return list(merged.values()), kept


def plan_reprice(
    box: BoxOffice, ctx: CounterContext, *, theater_id: int | None = None
) -> RepricePlan:
    """What re-pricing would change: the unsold seats of future shows (of one cinema, or all)
    whose price differs from what the rules give now. Changes nothing."""
    require_admin(ctx, "Re-pricing unsold seats")
    if theater_id is not None and not valid_id(theater_id):
        raise ValidationError("choose a cinema, or all cinemas", field="theater_id")
    now = box.now()
    with box.uows() as uow:
        pricing = _pricing(uow, now)
        records = uow.config.future_price_groups(pricing.starts_after, theater_id=theater_id)
    groups, kept = _groups(records, pricing)
    return RepricePlan(
        groups=tuple(groups),
        fingerprint=pricing.fingerprint,
        theater_id=theater_id,
        held_or_sold_kept=kept,
    )


def apply_reprice(
    box: BoxOffice,
    ctx: CounterContext,
    plan: RepricePlan,
    *,
    progress: Progress | None = None,
    should_stop: Callable[[], bool] | None = None,
    batch_shows: int = BATCH_SHOWS,
) -> RepriceResult:
    """Give the plan's seats their new prices, batch by batch (see the module docstring).
    Refused (nothing changed) if the rules changed since the plan was made."""
    require_admin(ctx, "Re-pricing unsold seats")
    if not isinstance(plan, RepricePlan):
        raise ValidationError("preview the re-pricing first", field="plan")
    by_show: dict[int, list[RepriceGroup]] = {}
    for group in plan.groups:
        by_show.setdefault(group.show_id, []).append(group)
    shows = list(by_show)
    total = len(shows)
    done_shows = changed_seats = skipped = 0
    step = max(1, min(int(batch_shows), 500))
    finished = True
    for start in range(0, total, step):
        if should_stop is not None and should_stop():
            finished = False
            break
        batch = shows[start : start + step]
        now = box.now()
        with box.uows(write=True, label=ctx.counter) as uow:
            pricing = _pricing(uow, now)
            if pricing.fingerprint != plan.fingerprint:
                where = f" after {done_shows} of {total} shows" if done_shows else ""
                raise InvalidState(
                    "the pricing rules or base prices changed since the preview; nothing more "
                    f"was re-priced{where}. Preview again."
                )
            for show_id in batch:
                groups = by_show[show_id]
                if groups[0].starts_at <= pricing.starts_after:
                    skipped += sum(g.seats for g in groups)  # sales closed meanwhile
                    continue
                before: dict[str, object] = {}
                after: dict[str, object] = {}
                seats = 0
                for group in groups:
                    n = uow.config.reprice_unsold(show_id, group.seat_type, group.new_price)
                    skipped += max(0, group.seats - n)
                    if n:
                        seats += n
                        before[group.seat_type] = ", ".join(f"{p:.2f}" for p in group.old_prices)
                        after[group.seat_type] = f"{group.new_price:.2f}"
                if seats:
                    changed_seats += seats
                    audit_change(
                        uow,
                        ctx,
                        now,
                        action="SHOW_REPRICED",
                        entity="show",
                        entity_id=show_id,
                        show_id=show_id,
                        before=before,
                        after=after,
                        seats=seats,
                    )
            uow.commit()
        done_shows += len(batch)
        if progress is not None:
            progress(done_shows, total)
    return RepriceResult(shows=done_shows, seats=changed_seats, skipped=skipped, finished=finished)


__all__ = ["apply_reprice", "plan_reprice"]
