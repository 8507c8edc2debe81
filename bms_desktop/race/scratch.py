"""The race's scratch show: its own city, cinema, movie and screen, made through the services.

Real shows are never touched: a race sells a new scratch show (``Show.scratch``), or, with
``--show ID``, a scratch show or any show of a demo database.
"""

from __future__ import annotations

import time
from datetime import timedelta
from decimal import Decimal
from typing import Any

from bms_desktop.domain.errors import DomainError, NotFound, ValidationError
from bms_desktop.domain.model import DEFAULT_SEAT_TYPES
from bms_desktop.race.model import DEFAULT_SEATS
from bms_desktop.services import catalog, queries
from bms_desktop.services.context import SYSTEM, BoxOffice

SEATS_PER_ROW = 24
RACE_CITY = "Race Lab"
RACE_CINEMA = "Race Lab Cinema"
RACE_MOVIE = "Race Lab Reel"
RACE_MOVIE_MINUTES = 30
KEY_MOVIE = "race_lab.movie"
KEY_SCREEN = "race_lab.screen.{seats}"


def _layout(seats: int) -> str:
    """A plain hall of ``seats`` seats: rows of 24 with a centre aisle; gold at the front,
    platinum in the middle, diamond at the back."""
    rows: list[str] = []
    left = seats
    n_rows = -(-seats // SEATS_PER_ROW)
    for r in range(n_rows):
        width = min(SEATS_PER_ROW, left)
        left -= width
        code = "G" if r < n_rows * 0.4 else ("P" if r < n_rows * 0.8 else "D")
        half = SEATS_PER_ROW // 2
        row = code * min(width, half)
        if width > half:
            row += "." + code * (width - half)
        rows.append(row)
    return "\n".join(rows)


def _setting(box: BoxOffice, key: str) -> int | None:
    with box.uows() as uow:
        value = uow.settings.get(key)
    return int(value) if value and value.isdigit() else None


def _remember(box: BoxOffice, key: str, value: int) -> None:
    with box.uows(write=True, label="race") as uow:
        uow.settings.put(key, str(value))
        uow.commit()


def ensure_scratch_show(box: BoxOffice, *, seats: int = DEFAULT_SEATS) -> int:
    """A new scratch show (``Show.scratch``) on the race lab's own city, cinema and screen of
    ``seats`` seats, all made through the services and created when missing (also in an empty
    database). Real shows are never touched."""
    ctx = SYSTEM
    with box.uows() as uow:
        known_types = {t.code for t in uow.queries.seat_types()}
    for rank, (code, name, price) in enumerate(DEFAULT_SEAT_TYPES, start=1):
        if code not in known_types:
            catalog.add_seat_type(
                box, ctx, code=code, name=name, base_price=Decimal(price), rank=rank
            )
    choices = queries.filter_choices(box)
    city_id = next((c.id for c in choices.cities if c.name == RACE_CITY), None)
    if city_id is None:
        city_id = catalog.add_city(box, ctx, name=RACE_CITY, state="scratch")
    theater_id = next(
        (t.id for t in choices.theaters if t.name == RACE_CINEMA and t.parent_id == city_id), None
    )
    if theater_id is None:
        theater_id = catalog.add_theater(
            box, ctx, city_id=city_id, name=RACE_CINEMA, timezone=choices.timezone
        )
    movie_id = _setting(box, KEY_MOVIE)
    if movie_id is None:
        movie_id = catalog.add_movie(
            box, ctx, title=RACE_MOVIE, languages="English", genre="Race lab",
            rating=Decimal("0"), certificate="U", runtime_min=RACE_MOVIE_MINUTES,
            synopsis="Robot clerks race for these seats.",
        )  # fmt: skip
        _remember(box, KEY_MOVIE, movie_id)
    key = KEY_SCREEN.format(seats=seats)
    screen_id = _setting(box, key)
    if screen_id is None:
        name = f"Race lab · {seats} seats"
        try:
            screen_id = catalog.add_screen(
                box, ctx, theater_id=theater_id, name=name, layout_text=_layout(seats)
            )
        except DomainError:
            raise
        except Exception:  # the name exists but was not remembered: a new one
            screen_id = catalog.add_screen(
                box, ctx, theater_id=theater_id, name=f"{name} ({time.time_ns()})",
                layout_text=_layout(seats),
            )  # fmt: skip
        _remember(box, key, screen_id)
    cfg = box.settings()
    now = box.now()
    starts = now + timedelta(days=1)
    with box.uows() as uow:
        existing = uow.catalog.screen_shows(screen_id)
    if existing:
        last_end = max(end for _sid, _start, end in existing)
        starts = max(starts, last_end + timedelta(minutes=cfg.cleaning_gap_minutes + 5))
    starts = starts.replace(second=0, microsecond=0) + timedelta(minutes=1)
    return catalog.schedule_show(
        box, ctx, movie_id=movie_id, screen_id=screen_id, starts_at=starts,
        language="English", scratch=True,
    )  # fmt: skip


def check_race_show(box: BoxOffice, show_id: int) -> None:
    """A race sells real seats: only scratch shows, or any show of a demo database."""
    with box.uows() as uow:
        info = uow.booking.show_info(show_id)
    if info is None:
        raise NotFound(f"show {show_id} does not exist; use --show auto for a scratch show")
    if not info.scratch and not box.settings().demo:
        raise ValidationError(
            f"show {show_id} is a real show and this is not a demo database: robots would sell "
            "its seats. Use --show auto (a scratch show) instead"
        )


def seat_map_json(box: BoxOffice, show_id: int) -> dict[str, Any]:
    """The show's seats as the lab paints them (plain values: it travels as one JSON line;
    ``gui/race_lab/events.py`` turns it back into a ``SeatMap``)."""
    smap = queries.get_seat_map(box, show_id)
    show = smap.show
    return {
        "show_id": show_id,
        "movie_title": show.movie_title,
        "screen_name": show.screen_name,
        "theater_name": show.theater_name,
        "starts_at": show.starts_at.isoformat(),
        "timezone": show.timezone,
        "cols": smap.cols,
        "rows": smap.rows,
        "seat_types": [
            [t.code, t.name, str(t.min_price), str(t.max_price), t.rank] for t in smap.seat_types
        ],
        "seats": [
            [s.show_seat_id, s.seat_id, s.label, s.row_label, s.number, s.col, s.row,
             s.seat_type, str(s.price), s.status.value, s.version, s.held_by_counter]
            for s in smap.seats
        ],
    }  # fmt: skip
