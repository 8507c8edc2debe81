"""Property-based tests of admin-A's services (places, screens, seat blocks, movies, shows):
thousands of random inputs; every refusal is a domain error with a message and leaves the
database exactly as it was; nothing else is ever raised.

SQLite runs ``SQLITE_EXAMPLES`` examples per service, PostgreSQL ``PG_EXAMPLES`` (its refusals
come from the same checks; what differs is the driver, which must never leak an error). In all,
5 x (400 + 50) = 2,250 inputs per run on top of admin-B's harness (10,500 + 1,050 over 23
services, tests/property): 13,800 random inputs at the admin services in every run.
"""

from __future__ import annotations

import string
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bms_desktop.domain.errors import DomainError
from bms_desktop.services.admin import movies, places, screens, seat_blocks, shows
from bms_desktop.services.admin.dto import (
    CinemaInput,
    CityInput,
    LayoutSeat,
    MovieInput,
    ScheduleRequest,
)
from bms_desktop.services.context import BoxOffice
from tests.support.admin_support import ADMIN, snapshot, tiny_png
from tests.support.builders import World, build_world

SQLITE_EXAMPLES = 400
PG_EXAMPLES = 50

WEIRD = st.one_of(
    st.text(max_size=30),
    st.text(alphabet=string.printable, min_size=0, max_size=300),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=50),
    st.sampled_from(
        [
            "",
            " ",
            "\x00",
            "A" * 81,
            "A" * 121,
            "Asia/Kolkata",
            "Europe/London",
            "27AAPFU0939F1ZV",
            "Pune",
            "Screen 1",
            "Hindi",
            "Hindi,English",
            "U",
            "UA",
        ]
    ),
)
IDS = st.one_of(st.integers(min_value=-5, max_value=50), st.just(2**63), st.just(-(2**63)))
NUMBERS = st.one_of(
    st.decimals(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.text(max_size=8),
    st.none(),
    st.booleans(),
)


def budget(request: pytest.FixtureRequest) -> int:
    return PG_EXAMPLES if "postgresql" in request.node.name else SQLITE_EXAMPLES


def refusal_changes_nothing(box: BoxOffice, call: Callable[[], object]) -> None:
    before = snapshot(box)
    try:
        call()
    except DomainError as exc:
        assert exc.message.strip(), f"{type(exc).__name__} without a message"
        assert snapshot(box) == before, f"{type(exc).__name__} left changes: {exc.message}"


def run(request: pytest.FixtureRequest, strategy: Any, body: Callable[[Any], None]) -> None:
    @settings(
        max_examples=budget(request),
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        database=None,
    )
    @given(strategy)
    def check(value: Any) -> None:
        body(value)

    check()


@pytest.fixture
def world(box: BoxOffice) -> World:
    return build_world(box)


def test_places_refuse_cleanly(
    request: pytest.FixtureRequest, box: BoxOffice, world: World
) -> None:
    city_ids = st.one_of(IDS, st.just(1))
    strategy = st.one_of(
        st.builds(lambda n, s: ("city", CityInput(n, s)), WEIRD, WEIRD),
        st.builds(
            lambda c, n, a, tz, g, p: ("cinema", CinemaInput(c, n, a, tz, g, p)),
            city_ids,
            WEIRD,
            WEIRD,
            WEIRD,
            WEIRD,
            WEIRD,
        ),
        st.builds(lambda i, n, s: ("edit_city", i, CityInput(n, s)), city_ids, WEIRD, WEIRD),
        st.builds(
            lambda i, c, n, tz: ("edit_cinema", i, CinemaInput(c, n, "", tz, "", "")),
            IDS,
            city_ids,
            WEIRD,
            WEIRD,
        ),
    )

    def body(case: Any) -> None:
        kind = case[0]
        if kind == "city":
            refusal_changes_nothing(box, lambda: places.create_city(box, ADMIN, case[1]))
        elif kind == "cinema":
            refusal_changes_nothing(box, lambda: places.create_cinema(box, ADMIN, case[1]))
        elif kind == "edit_city":
            refusal_changes_nothing(box, lambda: places.update_city(box, ADMIN, case[1], case[2]))
        else:
            refusal_changes_nothing(box, lambda: places.update_cinema(box, ADMIN, case[1], case[2]))

    run(request, strategy, body)


SEAT = st.builds(
    LayoutSeat,
    row_label=st.one_of(st.sampled_from(["A", "B", "AA", "ZZZZ"]), st.text(max_size=6)),
    number=st.integers(min_value=-3, max_value=12000),
    row=st.integers(min_value=-2, max_value=205),
    col=st.integers(min_value=-2, max_value=205),
    seat_type=st.sampled_from(["GOLD", "PLATINUM", "DIAMOND", "gold", "BALCONY", ""]),
    accessible=st.booleans(),
    companion=st.booleans(),
    blocked=st.booleans(),
)


def test_screens_and_layouts_refuse_cleanly(
    request: pytest.FixtureRequest, box: BoxOffice, world: World
) -> None:
    strategy = st.one_of(
        st.tuples(
            st.just("new"),
            st.one_of(IDS, st.just(world.theater_id)),
            WEIRD,
            st.lists(SEAT, max_size=30),
        ),
        st.tuples(
            st.just("layout"),
            st.one_of(IDS, st.just(world.screen_id)),
            st.lists(SEAT, max_size=30),
            st.booleans(),
        ),
        st.tuples(st.just("rename"), st.one_of(IDS, st.just(world.screen_id)), WEIRD),
    )

    def body(case: Any) -> None:
        if case[0] == "new":
            refusal_changes_nothing(
                box,
                lambda: screens.create_screen(
                    box, ADMIN, theater_id=case[1], name=case[2], seats=case[3]
                ),
            )
        elif case[0] == "layout":
            refusal_changes_nothing(
                box,
                lambda: screens.save_layout(box, ADMIN, case[1], case[2], apply_to_unsold=case[3]),
            )
        else:
            refusal_changes_nothing(
                box, lambda: screens.update_screen(box, ADMIN, case[1], name=case[2])
            )

    run(request, strategy, body)


def test_seat_blocks_refuse_cleanly(
    request: pytest.FixtureRequest, box: BoxOffice, world: World
) -> None:
    seat_ids = st.lists(st.one_of(st.sampled_from(world.seat_ids), IDS), max_size=12)
    strategy = st.tuples(
        st.sampled_from(["block", "unblock"]),
        st.one_of(IDS, st.just(world.show_id)),
        seat_ids,
        WEIRD,
    )

    def body(case: Any) -> None:
        kind, show_id, ids, reason = case
        if kind == "block":
            refusal_changes_nothing(
                box, lambda: seat_blocks.block_seats(box, ADMIN, show_id, ids, reason)
            )
        else:
            refusal_changes_nothing(
                box, lambda: seat_blocks.unblock_seats(box, ADMIN, show_id, ids)
            )

    run(request, strategy, body)


POSTERS = st.one_of(
    st.none(),
    st.binary(max_size=200),
    st.just(tiny_png()),
    st.builds(lambda b: b"\x89PNG\r\n\x1a\n" + b, st.binary(max_size=60)),
    st.builds(lambda b: b"\xff\xd8" + b, st.binary(max_size=60)),
)


def test_movies_refuse_cleanly(
    request: pytest.FixtureRequest, box: BoxOffice, world: World
) -> None:
    movie = st.builds(
        MovieInput,
        title=WEIRD,
        languages=WEIRD,
        genre=WEIRD,
        rating=NUMBERS,
        certificate=st.one_of(WEIRD, st.sampled_from(movies.CERTIFICATES)),
        runtime_min=NUMBERS,
        synopsis=WEIRD,
        release_date=st.one_of(st.none(), st.dates()),
    )
    strategy = st.tuples(st.one_of(st.none(), IDS, st.just(world.movie_id)), movie, POSTERS)

    def body(case: Any) -> None:
        movie_id, data, poster = case
        if movie_id is None:
            refusal_changes_nothing(
                box, lambda: movies.create_movie(box, ADMIN, data, poster=poster)
            )
        else:
            refusal_changes_nothing(
                box, lambda: movies.update_movie(box, ADMIN, movie_id, data, poster=poster)
            )

    run(request, strategy, body)


def test_shows_refuse_cleanly(request: pytest.FixtureRequest, box: BoxOffice, world: World) -> None:
    req = st.builds(
        ScheduleRequest,
        movie_id=st.one_of(IDS, st.just(world.movie_id)),
        screen_ids=st.lists(st.one_of(IDS, st.just(world.screen_id)), max_size=3).map(tuple),
        first_day=st.dates(min_value=date(2030, 2, 20), max_value=date(2030, 4, 30)),
        last_day=st.dates(min_value=date(2030, 2, 20), max_value=date(2030, 6, 30)),
        times=st.lists(st.times(), max_size=14).map(tuple),
        language=st.one_of(WEIRD, st.just("Hindi")),
        format=st.one_of(WEIRD, st.just("2D")),
        weekdays=st.frozensets(st.integers(min_value=-1, max_value=8), max_size=8),
    )
    strategy = st.one_of(
        st.tuples(st.just("plan"), req),
        st.tuples(st.just("create"), req),
        st.tuples(st.just("cancel"), st.one_of(IDS, st.just(world.show_id)), WEIRD),
    )

    def body(case: Any) -> None:
        if case[0] == "plan":
            refusal_changes_nothing(box, lambda: shows.preview_schedule(box, ADMIN, case[1]))
        elif case[0] == "create":
            refusal_changes_nothing(box, lambda: shows.create_schedule(box, ADMIN, case[1]))
        else:
            refusal_changes_nothing(
                box, lambda: shows.cancel_show(box, ADMIN, case[1], reason=case[2])
            )

    run(request, strategy, body)
