"""Re-pricing unsold seats of future shows (services/admin/repricing.py) on both engines: the
preview counts seats and shows, sold and held seats keep their price (also a seat held between
the preview and the action), rules changed since the preview stop it, progress is reported."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from bms_desktop.domain.errors import InvalidState, ValidationError
from bms_desktop.services import booking, queries
from bms_desktop.services.admin import pricing, repricing
from bms_desktop.services.admin.dto_pricing import PricingRuleInput, SeatTypeInput
from bms_desktop.services.context import BoxOffice
from tests.conftest import FakeClock
from tests.gui.dialog_support import sell
from tests.support.admin_support import (
    ADMIN,
    assert_refused_and_unchanged,
    assert_roles_refused,
    audit_rows,
)
from tests.support.builders import World, build_world, clerk


def prices(box: BoxOffice, world: World) -> dict[str, Decimal]:
    return {s.label: s.price for s in queries.get_seat_map(box, world.show_id).seats}


def gold_rule(box: BoxOffice, multiplier: str = "1.5") -> None:
    pricing.create_pricing_rule(
        box, ADMIN, PricingRuleInput("Gold", "SEAT_TYPE", multiplier, seat_type="GOLD")
    )


def test_the_preview_counts_unsold_seats_and_shows_and_changes_nothing(box: BoxOffice) -> None:
    world = build_world(box)
    other = build_world(box, starts_in=timedelta(days=2))
    sell(box, world, clerk(), ["A1", "A2"])
    booking.hold_seats(
        box, clerk("Counter 2"), show_id=world.show_id, show_seat_ids=[seat(box, world, "A3")]
    )
    gold_rule(box)
    plan = repricing.plan_reprice(box, ADMIN)
    gold_seats = sum(
        1 for s in queries.get_seat_map(box, world.show_id).seats if s.seat_type == "GOLD"
    )
    assert (plan.shows, plan.seats) == (2, (gold_seats - 3) + gold_seats)
    assert plan.held_or_sold_kept == 3
    assert {g.new_price for g in plan.groups} == {Decimal("150.00")}
    assert "keep theirs" in plan.describe()
    one = repricing.plan_reprice(box, ADMIN, theater_id=other.theater_id)
    assert (one.shows, one.seats) == (1, gold_seats)


def seat(box: BoxOffice, world: World, label: str) -> int:
    return next(
        s.show_seat_id for s in queries.get_seat_map(box, world.show_id).seats if s.label == label
    )


def test_unsold_seats_get_the_new_price_and_sold_or_held_ones_keep_theirs(box: BoxOffice) -> None:
    world = build_world(box)
    sell(box, world, clerk(), ["A1"])
    gold_rule(box)
    pricing.update_seat_type(box, ADMIN, "DIAMOND", SeatTypeInput("DIAMOND", "Diamond", "200", 1))
    plan = repricing.plan_reprice(box, ADMIN)
    # A counter holds A2 after the preview: the action must leave it alone.
    booking.hold_seats(
        box, clerk("Counter 2"), show_id=world.show_id, show_seat_ids=[seat(box, world, "A2")]
    )
    steps: list[tuple[int, int]] = []
    result = repricing.apply_reprice(box, ADMIN, plan, progress=lambda d, t: steps.append((d, t)))
    after = prices(box, world)
    assert after["A1"] == Decimal("100.00")  # sold
    assert after["A2"] == Decimal("100.00")  # held meanwhile
    assert after["A3"] == Decimal("150.00")
    assert after["F1"] == Decimal("200.00")  # diamond row: the new base price
    assert result.skipped == 1 and result.finished
    assert result.seats == plan.seats - 1
    assert steps == [(1, 1)]
    (row,) = audit_rows(box, "SHOW_REPRICED")
    assert row.show_id == world.show_id
    assert row.details["after"] == {"DIAMOND": "200.00", "GOLD": "150.00"}
    # Nothing left to do: a second preview is empty.
    assert repricing.plan_reprice(box, ADMIN).seats == 0


def test_rules_changed_since_the_preview_stop_the_action(box: BoxOffice) -> None:
    build_world(box)
    gold_rule(box)
    plan = repricing.plan_reprice(box, ADMIN)
    gold_rule(box, "1.1")
    assert_refused_and_unchanged(
        box, lambda: repricing.apply_reprice(box, ADMIN, plan), InvalidState, "Preview again"
    )


def test_shows_whose_sales_closed_are_not_repriced(box: BoxOffice, clock: FakeClock) -> None:
    world = build_world(box, starts_in=timedelta(hours=1))
    gold_rule(box)
    plan = repricing.plan_reprice(box, ADMIN)
    assert plan.shows == 1
    clock.advance(hours=2)
    assert repricing.plan_reprice(box, ADMIN).shows == 0
    result = repricing.apply_reprice(box, ADMIN, plan)
    assert result.seats == 0 and result.skipped == plan.seats
    assert prices(box, world)["A3"] == Decimal("100.00")


def test_batches_report_progress_and_a_stop_request_is_honoured(box: BoxOffice) -> None:
    for days in range(1, 6):
        build_world(box, starts_in=timedelta(days=days))
    gold_rule(box)
    plan = repricing.plan_reprice(box, ADMIN)
    steps: list[int] = []
    result = repricing.apply_reprice(
        box,
        ADMIN,
        plan,
        batch_shows=2,
        progress=lambda done, total: steps.append(done),
        should_stop=lambda: len(steps) >= 2,
    )
    assert steps == [2, 4] and not result.finished
    rest = repricing.apply_reprice(box, ADMIN, repricing.plan_reprice(box, ADMIN))
    assert rest.shows == 1 and rest.finished
    assert repricing.plan_reprice(box, ADMIN).seats == 0


@pytest.mark.parametrize("bad", ["plan", None, 3])
def test_the_action_needs_a_preview(box: BoxOffice, bad: object) -> None:
    assert_refused_and_unchanged(
        box,
        lambda: repricing.apply_reprice(box, ADMIN, bad),  # type: ignore[arg-type]
        ValidationError,
        "preview",
    )


def test_only_an_administrator_reprices(box: BoxOffice) -> None:
    build_world(box)
    gold_rule(box)
    plan = repricing.plan_reprice(box, ADMIN)
    assert_roles_refused(box, lambda ctx: repricing.plan_reprice(box, ctx))
    assert_roles_refused(box, lambda ctx: repricing.apply_reprice(box, ctx, plan))
