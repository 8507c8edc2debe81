"""Small worlds for tests: a cinema with one screen, one movie and one show, built through the
services (so every rule applies)."""

from __future__ import annotations

import contextlib
import itertools
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from bms_desktop.domain.errors import DomainError
from bms_desktop.domain.model import DEFAULT_SEAT_TYPES, Role, Strategy
from bms_desktop.services import catalog
from bms_desktop.services.context import SYSTEM, BoxOffice, CounterContext

_CITY_NUMBERS = itertools.count(1)
SMALL_LAYOUT = "\n".join(["GGGGGG.GGGGGG"] * 3 + ["PPPPPP.PPPPPP"] * 2 + ["DDDD..DDDD"])


@dataclass(frozen=True)
class World:
    show_id: int
    screen_id: int
    movie_id: int
    theater_id: int
    seat_ids: tuple[int, ...]  # show seat ids in map order


def build_world(
    box: BoxOffice, *, layout: str = SMALL_LAYOUT, starts_in: timedelta = timedelta(days=1)
) -> World:
    ctx = SYSTEM
    for code, name, price in DEFAULT_SEAT_TYPES:
        with contextlib.suppress(DomainError, Exception):  # already there (second world)
            catalog.add_seat_type(box, ctx, code=code, name=name, base_price=Decimal(price), rank=1)
    city = catalog.add_city(box, ctx, name=f"Testpur {next(_CITY_NUMBERS)}")
    theater = catalog.add_theater(box, ctx, city_id=city, name="Test Cinema")
    screen = catalog.add_screen(box, ctx, theater_id=theater, name="Screen 1", layout_text=layout)
    movie = catalog.add_movie(
        box,
        ctx,
        title="Test Movie",
        languages="Hindi",
        genre="Drama",
        rating=Decimal("7.5"),
        certificate="U",
        runtime_min=120,
    )
    show = catalog.schedule_show(
        box,
        ctx,
        movie_id=movie,
        screen_id=screen,
        starts_at=box.now() + starts_in,
        language="Hindi",
    )
    from bms_desktop.services.queries import get_seat_map

    seats = tuple(s.show_seat_id for s in get_seat_map(box, show).seats)
    return World(show, screen, movie, theater, seats)


def clerk(
    counter: str = "Counter 1",
    strategy: Strategy = Strategy.PESSIMISTIC,
    role: Role = Role.CLERK,
    **kw: object,
) -> CounterContext:
    return CounterContext(counter, None, counter.lower().replace(" ", ""), role, strategy, **kw)  # type: ignore[arg-type]
