"""Configuration (bms_desktop.services.catalog) on the fake unit of work: shows that do not
overlap and are not in the past, prices written from the rules, admin only, everything audited."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from bms_desktop.domain.errors import NotFound, PermissionDenied, ValidationError
from bms_desktop.domain.model import CouponKind, PricingRuleKind, Role
from bms_desktop.domain.pricing import WEEKEND_MASK
from bms_desktop.services import catalog, queries
from bms_desktop.services.context import BoxOffice, CounterContext
from bms_desktop.services.ports import NewCoupon, NewPricingRule
from tests.conftest import FakeClock
from tests.fakes import FakeUnitOfWorkFactory, configure, fake_box, fake_of

IST = ZoneInfo("Asia/Kolkata")
ADMIN = CounterContext("Office", 1, "asha", Role.ADMIN)
LAYOUT = "GGGG\nPPPP\nDDxD"
SATURDAY_7PM = datetime(2030, 3, 9, 19, 0, tzinfo=IST)  # the clock starts Monday 2030-03-04


@dataclass(frozen=True)
class Venue:
    theater_id: int
    screen_id: int
    movie_id: int


@pytest.fixture
def box(clock: FakeClock) -> BoxOffice:
    return fake_box(clock)


@pytest.fixture
def fake(box: BoxOffice) -> FakeUnitOfWorkFactory:
    return fake_of(box)


@pytest.fixture
def venue(box: BoxOffice) -> Venue:
    for code, name in (("GOLD", "Gold"), ("PLATINUM", "Platinum"), ("DIAMOND", "Diamond")):
        catalog.add_seat_type(box, ADMIN, code=code, name=name, base_price=Decimal(100), rank=1)
    city = catalog.add_city(box, ADMIN, name="Bengaluru", state="KA")
    theater = catalog.add_theater(box, ADMIN, city_id=city, name="Orion")
    screen = catalog.add_screen(box, ADMIN, theater_id=theater, name="Audi 1", layout_text=LAYOUT)
    movie = catalog.add_movie(
        box,
        ADMIN,
        title="Kantara",
        languages="Kannada, Hindi",
        genre="Drama",
        rating=Decimal("8.4"),
        certificate="ua",
        runtime_min=120,
    )
    return Venue(theater, screen, movie)


def _schedule(box: BoxOffice, venue: Venue, starts_at: datetime) -> int:
    return catalog.schedule_show(
        box,
        ADMIN,
        movie_id=venue.movie_id,
        screen_id=venue.screen_id,
        starts_at=starts_at.astimezone(UTC),
        language="Kannada",
    )


def _prices(box: BoxOffice, show_id: int) -> dict[str, set[Decimal]]:
    prices: dict[str, set[Decimal]] = {}
    for s in queries.get_seat_map(box, show_id).seats:
        prices.setdefault(s.seat_type, set()).add(s.price)
    return prices


def _readme_rules(box: BoxOffice) -> None:
    for rule in (
        NewPricingRule("Platinum", PricingRuleKind.SEAT_TYPE, Decimal("1.5"), seat_type="PLATINUM"),
        NewPricingRule(
            "Weekend", PricingRuleKind.DAY_OF_WEEK, Decimal("1.2"), days_mask=WEEKEND_MASK
        ),
        NewPricingRule(
            "Prime time",
            PricingRuleKind.TIME_WINDOW,
            Decimal("1.3"),
            start_time=time(18),
            end_time=time(22),
        ),
    ):
        catalog.add_pricing_rule(box, ADMIN, rule)


# --------------------------------------------------------------------------- pricing


def test_a_weekend_prime_time_platinum_seat_costs_234(box, fake, venue):
    _readme_rules(box)
    show = _schedule(box, venue, SATURDAY_7PM)
    assert _prices(box, show) == {
        "GOLD": {Decimal("156.00")},
        "PLATINUM": {Decimal("234.00")},
        "DIAMOND": {Decimal("156.00")},
    }
    platinum = [s for s in queries.get_seat_map(box, show).seats if s.seat_type == "PLATINUM"]
    quote = queries.quote_seats(box, show, [platinum[0].show_seat_id])
    [line] = quote.lines
    assert line.explanation == "base 100.00 x 1.5 Platinum x 1.2 Weekend x 1.3 Prime time = 234.00"
    assert quote.total == Decimal("234.00")


def test_the_rules_follow_the_cinemas_local_day_and_time(box, venue):
    _readme_rules(box)
    weekday_noon = _schedule(box, venue, datetime(2030, 3, 5, 12, 0, tzinfo=IST))
    # Saturday 19:00 in Kolkata is 13:30 UTC: the local wall clock decides, not UTC.
    saturday = _schedule(box, venue, datetime(2030, 3, 9, 13, 30, tzinfo=UTC))
    assert _prices(box, weekday_noon)["PLATINUM"] == {Decimal("150.00")}
    assert _prices(box, saturday)["PLATINUM"] == {Decimal("234.00")}


def test_a_time_window_may_wrap_past_midnight(box, venue):
    catalog.add_pricing_rule(
        box,
        ADMIN,
        NewPricingRule(
            "Late night",
            PricingRuleKind.TIME_WINDOW,
            Decimal("0.8"),
            start_time=time(22),
            end_time=time(2),
        ),
    )
    after_midnight = _schedule(box, venue, datetime(2030, 3, 6, 0, 30, tzinfo=IST))
    afternoon = _schedule(box, venue, datetime(2030, 3, 6, 15, 0, tzinfo=IST))
    assert _prices(box, after_midnight)["GOLD"] == {Decimal("80.00")}
    assert _prices(box, afternoon)["GOLD"] == {Decimal("100.00")}


def test_a_theater_and_movie_rule_replaces_the_base_price(box, venue):
    _readme_rules(box)
    catalog.add_pricing_rule(
        box,
        ADMIN,
        NewPricingRule(
            "Premiere",
            PricingRuleKind.THEATER_MOVIE,
            base_price=Decimal(150),
            theater_id=venue.theater_id,
            movie_id=venue.movie_id,
        ),
    )
    show = _schedule(box, venue, datetime(2030, 3, 5, 12, 0, tzinfo=IST))
    assert _prices(box, show)["PLATINUM"] == {Decimal("225.00")}
    assert _prices(box, show)["GOLD"] == {Decimal("150.00")}


def test_prices_stay_as_scheduled_when_the_rules_change_later(box, venue):
    show = _schedule(box, venue, SATURDAY_7PM)
    _readme_rules(box)
    seat = next(s for s in queries.get_seat_map(box, show).seats if s.seat_type == "PLATINUM")
    [line] = queries.quote_seats(box, show, [seat.show_seat_id]).lines
    assert line.price == Decimal("100.00")
    assert line.explanation == "100.00 as priced when the show was scheduled"


def test_blocked_seats_are_scheduled_out_of_sale(box, venue):
    show = _schedule(box, venue, SATURDAY_7PM)
    seats = queries.get_seat_map(box, show).seats
    assert [s.label for s in seats if s.status == "BLOCKED"] == ["C3"]
    summary = queries.get_seat_map(box, show).show
    assert (summary.seats_total, summary.seats_available) == (11, 11)


# --------------------------------------------------------------------------- show slots


def test_shows_on_one_screen_may_not_overlap_with_the_cleaning_gap(box, fake, venue):
    first = datetime(2030, 3, 5, 12, 0, tzinfo=IST)  # 12:00-14:00, cleaning until 14:20
    _schedule(box, venue, first)
    shows = len(fake.tables.shows)
    for clash in (first + timedelta(minutes=139), first - timedelta(minutes=139)):
        with pytest.raises(ValidationError, match="overlaps show"):
            _schedule(box, venue, clash)
    assert len(fake.tables.shows) == shows
    _schedule(box, venue, first + timedelta(minutes=140))
    _schedule(box, venue, first - timedelta(minutes=140))
    assert len(fake.tables.shows) == shows + 2


def test_the_cleaning_gap_is_a_setting(box, venue):
    configure(box, cleaning_gap_minutes=0)
    first = datetime(2030, 3, 5, 12, 0, tzinfo=IST)
    _schedule(box, venue, first)
    _schedule(box, venue, first + timedelta(minutes=120))
    with pytest.raises(ValidationError, match="overlaps"):
        _schedule(box, venue, first + timedelta(minutes=119))


def test_another_screen_is_free_at_the_same_time(box, venue):
    other = catalog.add_screen(
        box, ADMIN, theater_id=venue.theater_id, name="Audi 2", layout_text="GG"
    )
    _schedule(box, venue, SATURDAY_7PM)
    catalog.schedule_show(
        box,
        ADMIN,
        movie_id=venue.movie_id,
        screen_id=other,
        starts_at=SATURDAY_7PM,
        language="Hindi",
    )


def test_a_show_cannot_start_in_the_past(box, clock, fake, venue):
    with pytest.raises(ValidationError, match="in the past"):
        _schedule(box, venue, clock.now - timedelta(minutes=1))
    assert fake.tables.shows == {}
    _schedule(box, venue, clock.now)  # starting right now is allowed


def test_an_unknown_movie_or_screen_is_not_found(box, venue):
    with pytest.raises(NotFound, match="movie 99"):
        catalog.schedule_show(
            box,
            ADMIN,
            movie_id=99,
            screen_id=venue.screen_id,
            starts_at=SATURDAY_7PM,
            language="Hindi",
        )
    with pytest.raises(NotFound, match="screen 99"):
        catalog.schedule_show(
            box,
            ADMIN,
            movie_id=venue.movie_id,
            screen_id=99,
            starts_at=SATURDAY_7PM,
            language="Hindi",
        )


# --------------------------------------------------------------------------- validation


def test_a_screen_with_an_unknown_seat_type_is_refused_whole(box, fake, venue):
    with pytest.raises(ValidationError, match="unknown seat type"):
        catalog.add_screen(
            box,
            ADMIN,
            theater_id=venue.theater_id,
            name="Audi 3",
            layout_text="GGQQ",
            codes={"G": "GOLD", "Q": "QUEEN"},
        )
    assert [s.name for s in fake.tables.screens.values()] == ["Audi 1"]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"rating": Decimal("10.5")}, "rating is between 0 and 10"),
        ({"runtime_min": 0}, "runtime is 1 to 600"),
        ({"certificate": "R"}, "certificate is one of"),
        ({"languages": " , "}, "at least one language"),
        ({"title": "   "}, "title cannot be empty"),
    ],
)
def test_a_movie_is_validated(box, fake, changes, message):
    fields = {
        "title": "Kantara",
        "languages": "Kannada",
        "genre": "Drama",
        "rating": Decimal("8"),
        "certificate": "UA",
        "runtime_min": 120,
    } | changes
    with pytest.raises(ValidationError, match=message):
        catalog.add_movie(box, ADMIN, **fields)
    assert fake.tables.movies == {}


def test_cinema_seat_type_and_coupon_definitions_are_validated(box, fake, venue):
    with pytest.raises(ValidationError, match="unknown time zone"):
        catalog.add_theater(box, ADMIN, city_id=1, name="Nowhere", timezone="Mars/Olympus")
    with pytest.raises(ValidationError, match="2-20 letters or digits"):
        catalog.add_seat_type(box, ADMIN, code="V I P", name="VIP", base_price=Decimal(1), rank=1)
    with pytest.raises(ValidationError, match="cannot be negative"):
        catalog.add_seat_type(box, ADMIN, code="VIP", name="VIP", base_price=Decimal(-1), rank=1)
    catalog.add_coupon(
        box, ADMIN, NewCoupon(code=" save10 ", kind=CouponKind.PERCENT, value=Decimal(10))
    )
    assert [c.code for c in fake.tables.coupons.values()] == ["SAVE10"]
    with pytest.raises(ValidationError, match="already a coupon SAVE10"):
        catalog.add_coupon(
            box, ADMIN, NewCoupon(code="SAVE10", kind=CouponKind.FIXED, value=Decimal(5))
        )
    with pytest.raises(ValidationError, match="percentage must be above 0 and at most 100"):
        catalog.add_coupon(
            box, ADMIN, NewCoupon(code="HALF", kind=CouponKind.PERCENT, value=Decimal(150))
        )
    with pytest.raises(ValidationError, match="needs a multiplier"):
        catalog.add_pricing_rule(
            box, ADMIN, NewPricingRule("x", PricingRuleKind.SEAT_TYPE, seat_type="GOLD")
        )
    assert len(fake.tables.coupons) == 1 and fake.tables.pricing_rules == {}


# --------------------------------------------------------------------------- roles, audit


_CHANGES: dict[str, Callable[[BoxOffice, CounterContext, Venue], object]] = {
    "seat type": lambda b, c, v: catalog.add_seat_type(
        b, c, code="VIP", name="VIP", base_price=Decimal(300), rank=4
    ),
    "city": lambda b, c, v: catalog.add_city(b, c, name="Mysuru"),
    "cinema": lambda b, c, v: catalog.add_theater(b, c, city_id=1, name="Mall"),
    "screen": lambda b, c, v: catalog.add_screen(
        b, c, theater_id=v.theater_id, name="Audi 9", layout_text="GG"
    ),
    "movie": lambda b, c, v: catalog.add_movie(
        b,
        c,
        title="X",
        languages="Hindi",
        genre="Drama",
        rating=Decimal(5),
        certificate="U",
        runtime_min=90,
    ),
    "pricing rule": lambda b, c, v: catalog.add_pricing_rule(
        b, c, NewPricingRule("Gold", PricingRuleKind.SEAT_TYPE, Decimal("1.1"), seat_type="GOLD")
    ),
    "coupon": lambda b, c, v: catalog.add_coupon(
        b, c, NewCoupon(code="FLAT50", kind=CouponKind.FIXED, value=Decimal(50))
    ),
    "show": lambda b, c, v: catalog.schedule_show(
        b, c, movie_id=v.movie_id, screen_id=v.screen_id, starts_at=SATURDAY_7PM, language="Hindi"
    ),
}


@pytest.mark.parametrize("what", list(_CHANGES))
@pytest.mark.parametrize("role", [Role.CLERK, Role.SUPERVISOR])
def test_only_an_admin_changes_the_configuration(box, fake, venue, what, role):
    before = fake.db.generation
    with pytest.raises(PermissionDenied, match="needs a admin"):
        _CHANGES[what](box, CounterContext("Counter 1", 5, "ravi", role), venue)
    assert fake.db.generation == before


def test_every_configuration_change_is_audited_with_who_and_where(box, fake, venue):
    for change in _CHANGES.values():
        change(box, ADMIN, venue)
    rows = fake.audit_rows()
    assert [r.action for r in rows] == [
        *["SEAT_TYPE_ADDED"] * 3,
        "CITY_ADDED",
        "CINEMA_ADDED",
        "SCREEN_ADDED",
        "MOVIE_ADDED",  # the venue
        "SEAT_TYPE_ADDED",
        "CITY_ADDED",
        "CINEMA_ADDED",
        "SCREEN_ADDED",
        "MOVIE_ADDED",
        "PRICING_RULE_ADDED",
        "COUPON_ADDED",
        "SHOW_SCHEDULED",
    ]
    assert {(r.username, r.staff_id, r.counter) for r in rows} == {("asha", 1, "Office")}
    show = rows[-1]
    assert (show.entity, show.show_id, show.data["movie_id"]) == (
        "show",
        int(show.entity_id),
        venue.movie_id,
    )
