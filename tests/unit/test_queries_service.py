"""Read-only use cases (bms_desktop.services.queries) on the fake unit of work: finding shows,
seat maps where expired holds read as free, quotes, bookings, best available seats."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from bms_desktop.domain.errors import NotFound, ValidationError
from bms_desktop.domain.model import CouponKind, PaymentMode, Role, SeatStatus, TicketStatus
from bms_desktop.services import booking, catalog, checkout, queries
from bms_desktop.services.context import BoxOffice, CounterContext
from bms_desktop.services.dto import ShowSummary
from bms_desktop.services.ports import NewCoupon
from tests.conftest import FakeClock
from tests.fakes import FakeUnitOfWorkFactory, fake_box, fake_of
from tests.support.builders import World, build_world, clerk

IST = ZoneInfo("Asia/Kolkata")
ADMIN = CounterContext("Office", 1, "asha", Role.ADMIN)
MONDAY = date(2030, 3, 4)  # the clock starts Monday 2030-03-04 10:00 in Kolkata


@pytest.fixture
def box(clock: FakeClock) -> BoxOffice:
    return fake_box(clock)


@pytest.fixture
def fake(box: BoxOffice) -> FakeUnitOfWorkFactory:
    return fake_of(box)


@pytest.fixture
def world(box: BoxOffice) -> World:
    return build_world(box)


# --------------------------------------------------------------------------- a listings world


@dataclass(frozen=True)
class Listings:
    bengaluru: int
    mumbai: int
    orion: int
    shows: dict[str, int]  # name -> show id


@pytest.fixture
def listings(box: BoxOffice) -> Listings:
    for code in ("GOLD", "PLATINUM"):
        catalog.add_seat_type(
            box, ADMIN, code=code, name=code.title(), base_price=Decimal(100), rank=1
        )
    blr = catalog.add_city(box, ADMIN, name="Bengaluru")
    bom = catalog.add_city(box, ADMIN, name="Mumbai")
    orion = catalog.add_theater(box, ADMIN, city_id=blr, name="Orion")
    pvr = catalog.add_theater(box, ADMIN, city_id=blr, name="PVR Forum")
    regal = catalog.add_theater(box, ADMIN, city_id=bom, name="Regal")
    screens = {
        name: catalog.add_screen(box, ADMIN, theater_id=th, name="Audi 1", layout_text="GGGG\nPPPP")
        for name, th in (("orion", orion), ("pvr", pvr), ("regal", regal))
    }
    screens["pvr2"] = catalog.add_screen(
        box, ADMIN, theater_id=pvr, name="Audi 2", layout_text="GG"
    )

    def movie(title: str, language: str, genre: str, rating: str) -> int:
        return catalog.add_movie(
            box,
            ADMIN,
            title=title,
            languages=language,
            genre=genre,
            rating=Decimal(rating),
            certificate="UA",
            runtime_min=120,
        )

    kantara = movie("Kantara", "Kannada", "Drama", "8.4")
    pathaan = movie("Pathaan", "Hindi", "Action", "6.5")
    dune = movie("Dune: Part Two", "English", "Sci-Fi", "8.7")

    def show(
        movie_id: int,
        screen: str,
        local: datetime,
        language: str,
        *,
        check_past: bool = True,
        scratch: bool = False,
    ) -> int:
        return catalog.schedule_show(
            box,
            ADMIN,
            movie_id=movie_id,
            screen_id=screens[screen],
            starts_at=local.astimezone(UTC),
            language=language,
            check_past=check_past,
            scratch=scratch,
        )

    at = lambda d, h, m=0: datetime(d.year, d.month, d.day, h, m, tzinfo=IST)  # noqa: E731
    tuesday = MONDAY + timedelta(days=1)
    shows = {
        "kantara mon 19:00": show(kantara, "orion", at(MONDAY, 19), "Kannada"),
        "dune mon 14:00": show(dune, "pvr", at(MONDAY, 14), "English"),
        "pathaan tue 01:00": show(pathaan, "regal", at(tuesday, 1), "Hindi"),
        "pathaan tue 12:00": show(pathaan, "orion", at(tuesday, 12), "Hindi"),
        "running since 09:00": show(dune, "pvr2", at(MONDAY, 9), "English", check_past=False),
        "ended at 08:00": show(kantara, "pvr2", at(MONDAY, 6), "Kannada", check_past=False),
        "scratch mon 22:00": show(pathaan, "pvr", at(MONDAY, 22), "Hindi", scratch=True),
    }
    return Listings(blr, bom, orion, shows)


def _names(listings: Listings, found: list[ShowSummary]) -> list[str]:
    by_id = {v: k for k, v in listings.shows.items()}
    return [by_id[s.show_id] for s in found]


def test_find_shows_lists_upcoming_and_running_shows_soonest_first(box, listings):
    assert _names(listings, queries.find_shows(box)) == [
        "running since 09:00",
        "dune mon 14:00",
        "kantara mon 19:00",
        "pathaan tue 01:00",
        "pathaan tue 12:00",
    ]
    with_scratch = _names(listings, queries.find_shows(box, include_scratch=True))
    assert "scratch mon 22:00" in with_scratch and "ended at 08:00" not in with_scratch


def test_find_shows_filters_by_city_and_cinema(box, listings):
    assert _names(listings, queries.find_shows(box, city_id=listings.mumbai)) == [
        "pathaan tue 01:00"
    ]
    assert _names(listings, queries.find_shows(box, theater_id=listings.orion)) == [
        "kantara mon 19:00",
        "pathaan tue 12:00",
    ]


def test_find_shows_by_local_date_of_the_box_office(box, listings):
    # 01:00 on Tuesday in Kolkata is still Monday in UTC: the local date decides.
    monday = _names(listings, queries.find_shows(box, on_date=MONDAY))
    tuesday = _names(listings, queries.find_shows(box, on_date=MONDAY + timedelta(days=1)))
    assert monday == ["running since 09:00", "dune mon 14:00", "kantara mon 19:00"]
    assert tuesday == ["pathaan tue 01:00", "pathaan tue 12:00"]
    assert len(queries.find_shows(box, on_date=MONDAY, days=2)) == 5


def test_find_shows_by_movie_text_language_genre_and_rating(box, listings):
    assert _names(listings, queries.find_shows(box, movie_text=" KANT ")) == ["kantara mon 19:00"]
    assert _names(listings, queries.find_shows(box, language="Hindi")) == [
        "pathaan tue 01:00",
        "pathaan tue 12:00",
    ]
    assert _names(listings, queries.find_shows(box, genre="Sci-Fi")) == [
        "running since 09:00",
        "dune mon 14:00",
    ]
    assert _names(listings, queries.find_shows(box, min_rating="8.5")) == [
        "running since 09:00",
        "dune mon 14:00",
    ]
    assert queries.find_shows(box, movie_text="kant", language="Hindi") == []


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"min_rating": "ten"}, "is not a rating"),
        ({"min_rating": 11}, "between 0 and 10"),
        ({"days": 0}, "at least one day"),
    ],
)
def test_find_shows_refuses_bad_filters(box, listings, kwargs, message):
    with pytest.raises(ValidationError, match=message):
        queries.find_shows(box, **kwargs)


def test_filter_choices_list_what_exists(box, listings):
    choices = queries.filter_choices(box)
    assert [c.name for c in choices.cities] == ["Bengaluru", "Mumbai"]
    assert [t.name for t in choices.theaters] == ["Orion", "PVR Forum", "Regal"]
    assert choices.languages == ("English", "Hindi", "Kannada")
    assert choices.genres == ("Action", "Drama", "Sci-Fi")
    assert choices.timezone == "Asia/Kolkata"


# --------------------------------------------------------------------------- seat availability


def test_seats_available_counts_an_expired_hold_as_free(box, clock, world):
    total = queries.get_seat_map(box, world.show_id).show.seats_total
    booking.hold_seats(box, clerk(), show_id=world.show_id, show_seat_ids=world.seat_ids[:3])
    [summary] = queries.find_shows(box)
    assert summary.seats_available == total - 3
    clock.advance(minutes=5)  # the hold ran out; no sweeper has run
    [summary] = queries.find_shows(box)
    assert summary.seats_available == total


def test_the_seat_map_reads_an_expired_hold_as_available(box, clock, fake, world):
    held = booking.hold_seats(box, clerk(), show_id=world.show_id, show_seat_ids=world.seat_ids[:1])
    seat = queries.get_seat_map(box, world.show_id).by_id()[world.seat_ids[0]]
    assert (seat.status, seat.held_by_counter, seat.hold_expires_at) == (
        SeatStatus.HELD,
        "Counter 1",
        held.expires_at,
    )
    clock.advance(minutes=5)
    seat = queries.get_seat_map(box, world.show_id).by_id()[world.seat_ids[0]]
    assert (seat.status, seat.held_by_counter, seat.hold_expires_at) == (
        SeatStatus.AVAILABLE,
        None,
        None,
    )
    assert fake.tables.show_seats[world.seat_ids[0]].status == "HELD"  # reading changed nothing
    assert queries.get_booking(box, held.ticket_id).status == TicketStatus.EXPIRED


def test_the_seat_map_of_an_unknown_show_is_not_found(box, world):
    with pytest.raises(NotFound):
        queries.get_seat_map(box, 999)


# --------------------------------------------------------------------------- best available


def test_best_available_picks_adjacent_free_seats_in_one_row(box, world):
    smap = queries.get_seat_map(box, world.show_id)
    picked = queries.best_available_seats(box, world.show_id, 4)
    seats = smap.by_id()
    rows = {seats[i].row for i in picked}
    cols = sorted(seats[i].col for i in picked)
    assert len(picked) == 4 and len(rows) == 1
    assert cols == list(range(cols[0], cols[0] + 4))
    booking.hold_seats(box, clerk(), show_id=world.show_id, show_seat_ids=list(picked))
    again = queries.best_available_seats(box, world.show_id, 4)
    assert not set(again) & set(picked)


def test_best_available_counts_expired_holds_as_free_and_filters_by_type(box, clock, world):
    first = queries.best_available_seats(box, world.show_id, 2, seat_type="DIAMOND")
    seats = queries.get_seat_map(box, world.show_id).by_id()
    assert {seats[i].seat_type for i in first} == {"DIAMOND"}
    booking.hold_seats(box, clerk(), show_id=world.show_id, show_seat_ids=list(first))
    assert queries.best_available_seats(box, world.show_id, 2, seat_type="DIAMOND") != first
    clock.advance(minutes=5)
    assert queries.best_available_seats(box, world.show_id, 2, seat_type="DIAMOND") == first


def test_best_available_returns_nothing_when_no_block_fits(box):
    world = build_world(box, layout="GG.GG")
    assert queries.best_available_seats(box, world.show_id, 3) == ()


# --------------------------------------------------------------------------- quotes


def _coupon(box: BoxOffice, code: str, kind: CouponKind, value: str, **kw: object) -> None:
    catalog.add_coupon(box, ADMIN, NewCoupon(code=code, kind=kind, value=Decimal(value), **kw))  # type: ignore[arg-type]


def test_a_quote_explains_each_price_and_applies_a_coupon(box, world):
    _coupon(box, "SAVE10", CouponKind.PERCENT, "10", max_discount=Decimal("15"))
    quote = queries.quote_seats(box, world.show_id, world.seat_ids[:2], coupon_code="save10")
    assert [(line.label, line.price, line.explanation) for line in quote.lines] == [
        ("A1", Decimal("100.00"), "base 100.00 = 100.00"),
        ("A2", Decimal("100.00"), "base 100.00 = 100.00"),
    ]
    assert (quote.subtotal, quote.discount, quote.total) == (
        Decimal("200.00"),
        Decimal("15.00"),
        Decimal("185.00"),
    )
    assert (quote.coupon_code, quote.coupon_message) == ("SAVE10", "SAVE10: 15.00 off")


def test_a_quote_reports_a_refused_coupon_without_raising(box, clock, world):
    _coupon(box, "BIGSPEND", CouponKind.FIXED, "50", min_amount=Decimal("500"))
    _coupon(box, "OLD", CouponKind.FIXED, "50", valid_to=clock.now - timedelta(days=1))
    for code, reason in (
        ("bigspend", "needs an order of at least 500.00"),
        ("OLD", "expired"),
        ("NOPE", "there is no coupon NOPE"),
    ):
        quote = queries.quote_seats(box, world.show_id, world.seat_ids[:1], coupon_code=code)
        assert reason in (quote.coupon_message or "")
        assert (quote.coupon_code, quote.discount, quote.total) == (
            None,
            Decimal("0.00"),
            Decimal("100.00"),
        )


def test_a_quote_knows_a_customer_already_used_a_per_customer_coupon(box, world):
    _coupon(box, "FIRST", CouponKind.PERCENT, "50", per_customer_limit=1)
    held = booking.hold_seats(box, clerk(), show_id=world.show_id, show_seat_ids=world.seat_ids[:1])
    checkout.apply_coupon(
        box, clerk(), ticket_id=held.ticket_id, code="FIRST", customer_phone="9845012345"
    )
    checkout.confirm_booking(box, clerk(), ticket_id=held.ticket_id, mode=PaymentMode.UPI)
    ids = world.seat_ids[1:2]
    same = queries.quote_seats(
        box, world.show_id, ids, coupon_code="FIRST", customer_phone="9845012345"
    )
    other = queries.quote_seats(
        box, world.show_id, ids, coupon_code="FIRST", customer_phone="9000000001"
    )
    assert "already used coupon FIRST once" in (same.coupon_message or "")
    assert other.total == Decimal("50.00")


def test_a_quote_for_an_unknown_show_is_not_found(box, world):
    with pytest.raises(NotFound):
        queries.quote_seats(box, 999, world.seat_ids[:1])


# --------------------------------------------------------------------------- bookings


def _booked(box: BoxOffice, world: World, ids, phone: str | None = None) -> int:
    held = booking.hold_seats(
        box,
        clerk(),
        show_id=world.show_id,
        show_seat_ids=list(ids),
        customer_name="Asha",
        customer_phone=phone,
    )
    checkout.confirm_booking(box, clerk(), ticket_id=held.ticket_id, mode=PaymentMode.UPI)
    return held.ticket_id


def test_find_a_booking_by_its_code_in_any_case_with_or_without_dashes(box, fake, world):
    ticket_id = _booked(box, world, world.seat_ids[:2])
    code = fake.tables.tickets[ticket_id].code  # e.g. BMS-7KQ4-XH2P
    for typed in (code, code.lower(), code.replace("-", ""), code[4:].replace("-", " ").lower()):
        [found] = queries.find_bookings(box, typed)
        assert (found.ticket_id, found.code) == (ticket_id, code)
    assert found.status == TicketStatus.CONFIRMED
    assert found.seat_labels == ("A1", "A2")
    assert [p.amount for p in found.payments] == [Decimal("200.00")]


def test_find_bookings_by_phone_lists_the_newest_first(box, clock, world):
    older = _booked(box, world, world.seat_ids[:1], phone="9845012345")
    clock.advance(minutes=1)
    newer = _booked(box, world, world.seat_ids[1:2], phone="9845012345")
    _booked(box, world, world.seat_ids[2:3], phone="9000000001")
    assert [b.ticket_id for b in queries.find_bookings(box, "9845012345")] == [newer, older]
    assert [b.ticket_id for b in queries.find_bookings(box, "+91 98450 12345")] == [newer, older]
    assert queries.find_bookings(box, "98450") == []  # too short to be a phone number


def test_find_bookings_refuses_empty_text_and_finds_nothing_for_an_unknown_code(box, world):
    with pytest.raises(ValidationError):
        queries.find_bookings(box, "   ")
    assert queries.find_bookings(box, "BMS-AAAA-AAAA") == []


def test_find_bookings_by_phone_whatever_spaces_or_dashes_were_typed(box, world):
    ticket_id = _booked(box, world, world.seat_ids[:1], phone=" 98450 12345 ")
    for typed in ("98450 12345", "9845012345", "98450-12345"):
        assert [b.ticket_id for b in queries.find_bookings(box, typed)] == [ticket_id]
