"""Seat types, pricing rules and the price matrix (services/admin/pricing.py) on both engines."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from bms_desktop.domain.errors import NotFound, ValidationError
from bms_desktop.services import queries
from bms_desktop.services.admin import pricing
from bms_desktop.services.admin.dto_pricing import PricingRuleInput, SeatTypeInput
from bms_desktop.services.context import BoxOffice
from tests.support.admin_support import (
    ADMIN,
    assert_refused_and_unchanged,
    assert_roles_refused,
    audit_rows,
    snapshot,
)
from tests.support.builders import build_world

SAT = 5
WEEKEND = 0b110_0000


def readme_rules(box: BoxOffice) -> None:
    """The reference README's example: 100 x 1.5 (platinum) x 1.2 (weekend) x 1.3 (prime)."""
    for data in (
        PricingRuleInput("Platinum", "SEAT_TYPE", multiplier="1.5", seat_type="PLATINUM"),
        PricingRuleInput("Weekend", "DAY_OF_WEEK", multiplier="1.2", days_mask=WEEKEND),
        PricingRuleInput(
            "Prime time",
            "TIME_WINDOW",
            multiplier="1.3",
            start_time=dt.time(18, 0),
            end_time=dt.time(22, 0),
        ),
    ):
        pricing.create_pricing_rule(box, ADMIN, data)


def test_seat_types_are_created_and_edited_but_keep_their_code(box: BoxOffice) -> None:
    row = pricing.create_seat_type(box, ADMIN, SeatTypeInput("recliner", "Recliner", "350", 4))
    assert (row.code, row.base_price, row.rank, row.seat_count) == (
        "RECLINER",
        Decimal("350.00"),
        4,
        0,
    )
    edited = pricing.update_seat_type(
        box, ADMIN, "RECLINER", SeatTypeInput("RECLINER", "Recliner XL", "400.5", 4)
    )
    assert (edited.name, edited.base_price) == ("Recliner XL", Decimal("400.50"))
    (changed,) = audit_rows(box, "SEAT_TYPE_CHANGED")
    assert changed.details == {
        "before": {"name": "Recliner", "base_price": "350.00"},
        "after": {"name": "Recliner XL", "base_price": "400.50"},
    }
    assert_refused_and_unchanged(
        box,
        lambda: pricing.update_seat_type(
            box, ADMIN, "RECLINER", SeatTypeInput("SOFA", "Sofa", "1", 1)
        ),
        ValidationError,
        "cannot change",
    )
    assert_refused_and_unchanged(
        box,
        lambda: pricing.update_seat_type(box, ADMIN, "NOPE", SeatTypeInput("NOPE", "N", "1", 1)),
        NotFound,
    )


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (SeatTypeInput("R", "R", "1"), "code", "2-20"),
        (SeatTypeInput("RÉCLINER", "R", "1"), "code", "letters or digits"),
        (SeatTypeInput("SOFA", "S" * 41, "1"), "name", "at most 40"),
        (SeatTypeInput("SOFA", "Sofa", "-1"), "base_price", "below 0"),
        (SeatTypeInput("SOFA", "Sofa", "1e12"), "base_price", "above"),
        (SeatTypeInput("SOFA", "Sofa", "1", "x"), "rank", "whole number"),
        (SeatTypeInput("GOLD", "Gold again", "1"), "code", "already"),
    ],
)
def test_bad_seat_types_are_refused(
    box: BoxOffice, data: SeatTypeInput, field: str, message: str
) -> None:
    build_world(box)  # GOLD exists
    err = assert_refused_and_unchanged(
        box, lambda: pricing.create_seat_type(box, ADMIN, data), ValidationError, message
    )
    assert isinstance(err, ValidationError) and err.field == field


def test_rules_of_every_kind_are_created_edited_and_deactivated(box: BoxOffice) -> None:
    world = build_world(box)
    readme_rules(box)
    premiere = pricing.create_pricing_rule(
        box,
        ADMIN,
        PricingRuleInput(
            "Premiere",
            "THEATER_MOVIE",
            base_price="250",
            theater_id=world.theater_id,
            movie_id=world.movie_id,
            multiplier="9",  # ignored: not a multiplier rule
        ),
    )
    assert (premiere.multiplier, premiere.base_price) == (None, Decimal("250.00"))
    summaries = [r.summary for r in pricing.list_pricing_rules(box, ADMIN)]
    assert summaries == [
        "x1.5 for PLATINUM seats",
        "x1.2 on Sat, Sun",
        "x1.3 for shows starting 18:00–22:00",
        "base 250.00 · Test Cinema · Test Movie",
    ]
    weekend = pricing.list_pricing_rules(box, ADMIN)[1]
    pricing.update_pricing_rule(
        box, ADMIN, weekend.rule_id, pricing.input_of(weekend, multiplier="1.25")
    )
    (changed,) = audit_rows(box, "PRICING_RULE_CHANGED")
    assert changed.details == {"before": {"multiplier": "1.200"}, "after": {"multiplier": "1.250"}}
    pricing.set_pricing_rule_active(box, ADMIN, weekend.rule_id, False)
    assert len(audit_rows(box, "PRICING_RULE_DEACTIVATED")) == 1


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (PricingRuleInput("R" * 81, "SEAT_TYPE", "1.5", seat_type="GOLD"), "name", "at most 80"),
        (PricingRuleInput("", "SEAT_TYPE", "1.5", seat_type="GOLD"), "name", "cannot be empty"),
        (PricingRuleInput("X", "HAPPY_HOUR", "1.5"), "kind", "seat type, day of week"),
        (PricingRuleInput("X", "SEAT_TYPE", "0", seat_type="GOLD"), "multiplier", "below 0.001"),
        (PricingRuleInput("X", "SEAT_TYPE", "10.5", seat_type="GOLD"), "multiplier", "above 10"),
        (PricingRuleInput("X", "SEAT_TYPE", "1.2345", seat_type="GOLD"), "multiplier", "decimal"),
        (PricingRuleInput("X", "SEAT_TYPE", "1.5"), "seat_type", "needs a seat type"),
        (PricingRuleInput("X", "SEAT_TYPE", "1.5", seat_type="VIP"), "seat_type", "no seat type"),
        (PricingRuleInput("X", "DAY_OF_WEEK", "1.5"), "days_mask", "at least one day"),
        (PricingRuleInput("X", "DAY_OF_WEEK", "1.5", days_mask=200), "days_mask", "above 127"),
        (PricingRuleInput("X", "TIME_WINDOW", "1.5"), "start_time", "start and an end"),
        (
            PricingRuleInput("X", "TIME_WINDOW", "1.5", start_time=dt.time(9), end_time=dt.time(9)),
            "end_time",
            "empty",
        ),
        (PricingRuleInput("X", "THEATER_MOVIE", base_price="100"), "theater_id", "theater, a"),
        (PricingRuleInput("X", "THEATER_MOVIE", base_price="-1"), "base_price", "below 0"),
        (PricingRuleInput("X", "THEATER_MOVIE", base_price="1", movie_id=999), "movie_id", "movie"),
        (
            PricingRuleInput("X", "SEAT_TYPE", "1.5", seat_type="GOLD", priority=5000),
            "priority",
            "above",
        ),
    ],
)
def test_bad_rules_are_refused_beside_their_field(
    box: BoxOffice, data: PricingRuleInput, field: str, message: str
) -> None:
    build_world(box)
    err = assert_refused_and_unchanged(
        box, lambda: pricing.create_pricing_rule(box, ADMIN, data), ValidationError, message
    )
    assert isinstance(err, ValidationError) and err.field == field


def test_the_matrix_gives_the_readme_example_and_splits_the_day_at_the_windows(
    box: BoxOffice,
) -> None:
    world = build_world(box)
    readme_rules(box)
    matrix = pricing.price_matrix(box, ADMIN, theater_id=world.theater_id, movie_id=world.movie_id)
    assert [b.label for b in matrix.bands] == ["00:00–18:00", "18:00–22:00", "22:00–00:00"]
    saturday_prime = matrix.cell("PLATINUM", SAT, 1)
    assert saturday_prime.price == Decimal("234.00")
    assert saturday_prime.explanation == (
        "base 100.00 x 1.5 Platinum x 1.2 Weekend x 1.3 Prime time = 234.00"
    )
    assert matrix.cell("GOLD", 0, 0).price == Decimal("100.00")
    assert (matrix.lowest, matrix.highest) == (Decimal("100.00"), Decimal("234.00"))


def test_a_draft_rule_is_previewed_without_saving_and_may_wrap_midnight(box: BoxOffice) -> None:
    world = build_world(box)
    readme_rules(box)
    data = pricing.pricing_data(box, ADMIN)
    before = snapshot(box)
    late = PricingRuleInput(
        "Late night", "TIME_WINDOW", "0.8", start_time=dt.time(23, 0), end_time=dt.time(2, 0)
    )
    draft = pricing.draft_rule(data, late)
    matrix = pricing.compute_price_matrix(
        data,
        theater_id=world.theater_id,
        movie_id=world.movie_id,
        rules=pricing.rules_with(data.rules, draft),
    )
    labels = [b.label for b in matrix.bands]
    assert labels == ["00:00–02:00", "02:00–18:00", "18:00–22:00", "22:00–23:00", "23:00–00:00"]
    assert matrix.cell("GOLD", 0, 0).price == Decimal("80.00")  # 00:00-02:00, wrapped window
    assert matrix.cell("GOLD", 0, 1).price == Decimal("100.00")
    assert matrix.cell("GOLD", 0, 4).price == Decimal("80.00")
    assert snapshot(box) == before
    # Editing a stored rule previews the edit in its place.
    stored = data.rules[0]
    edit = pricing.draft_rule(
        data,
        PricingRuleInput("Platinum", "SEAT_TYPE", multiplier="2", seat_type="PLATINUM"),
        stored.rule_id,
    )
    edited = pricing.compute_price_matrix(
        data, theater_id=None, movie_id=None, rules=pricing.rules_with(data.rules, edit)
    )
    assert edited.cell("PLATINUM", 0, 0).price == Decimal("200.00")
    with pytest.raises(ValidationError):
        pricing.draft_rule(data, PricingRuleInput("Bad", "SEAT_TYPE", multiplier="0"))


def test_changing_rules_leaves_the_seats_already_priced_alone(box: BoxOffice) -> None:
    world = build_world(box)
    prices = {s.label: s.price for s in queries.get_seat_map(box, world.show_id).seats}
    readme_rules(box)
    pricing.update_seat_type(box, ADMIN, "GOLD", SeatTypeInput("GOLD", "Gold", "150", 1))
    assert {s.label: s.price for s in queries.get_seat_map(box, world.show_id).seats} == prices


def test_only_an_administrator_prices(box: BoxOffice) -> None:
    world = build_world(box)
    rule = pricing.create_pricing_rule(
        box, ADMIN, PricingRuleInput("P", "SEAT_TYPE", "1.5", seat_type="PLATINUM")
    )
    st = SeatTypeInput("SOFA", "Sofa", "1")
    for call in (
        lambda ctx: pricing.list_seat_types(box, ctx),
        lambda ctx: pricing.create_seat_type(box, ctx, st),
        lambda ctx: pricing.update_seat_type(box, ctx, "GOLD", SeatTypeInput("GOLD", "G", "1")),
        lambda ctx: pricing.list_pricing_rules(box, ctx),
        lambda ctx: pricing.create_pricing_rule(box, ctx, pricing.input_of(rule)),
        lambda ctx: pricing.update_pricing_rule(box, ctx, rule.rule_id, pricing.input_of(rule)),
        lambda ctx: pricing.set_pricing_rule_active(box, ctx, rule.rule_id, False),
        lambda ctx: pricing.pricing_data(box, ctx),
        lambda ctx: pricing.price_matrix(
            box, ctx, theater_id=world.theater_id, movie_id=world.movie_id
        ),
    ):
        assert_roles_refused(box, call)
