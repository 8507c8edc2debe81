"""Movies (services/admin/movies.py) on SQLite and PostgreSQL: every field checked against its
column, posters checked as images, audited, admin only."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from bms_desktop.domain.errors import NotFound, ValidationError
from bms_desktop.services.admin import movies
from bms_desktop.services.admin.dto import MovieInput
from bms_desktop.services.context import BoxOffice
from tests.support.admin_support import (
    ADMIN,
    assert_refused_and_unchanged,
    assert_roles_refused,
    audit_rows,
    tiny_jpeg_header,
    tiny_png,
)

MOVIE = MovieInput(
    title="The Long Monsoon",
    languages="hindi, English, Hindi",
    genre="Drama",
    rating="7.8",
    certificate="ua 13+",
    runtime_min="142",
    synopsis="Two sisters\nand a river.",
    release_date=date(2030, 3, 1),
)


def test_a_movie_is_created_with_a_poster_and_changed_with_audit(box: BoxOffice) -> None:
    png = tiny_png()
    row = movies.create_movie(box, ADMIN, MOVIE, poster=png)
    assert (row.title, row.languages, row.rating, row.certificate, row.runtime_min) == (
        "The Long Monsoon",
        "Hindi,English",
        Decimal("7.8"),
        "UA 13+",
        142,
    )
    assert row.has_poster and movies.movie_poster(box, row.movie_id) == png
    (added,) = audit_rows(box, "MOVIE_ADDED")
    assert added.details["after"]["poster_bytes"] == len(png)
    changed = movies.update_movie(
        box, ADMIN, row.movie_id, replace(MOVIE, rating="8"), remove_poster=True
    )
    assert changed.rating == Decimal("8.0") and not changed.has_poster
    assert movies.movie_poster(box, row.movie_id) is None
    (edit,) = audit_rows(box, "MOVIE_CHANGED")
    assert edit.details["before"] == {"rating": "7.8", "has_poster": True, "poster_bytes": len(png)}
    assert edit.details["after"] == {"rating": "8.0", "has_poster": False, "poster_bytes": 0}
    retired = movies.set_movie_active(box, ADMIN, row.movie_id, False)
    assert not retired.active
    assert audit_rows(box, "MOVIE_RETIRED")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "T" * 201, "at most 200"),
        ("title", "  ", "cannot be empty"),
        ("languages", ", ,", "at least one language"),
        ("languages", "L" * 41, "at most 40"),
        ("languages", ",".join(f"Language{i:02d}" for i in range(20)), "at most 200"),
        ("genre", "G" * 81, "at most 80"),
        ("rating", "10.5", "above 10"),
        ("rating", "7.25", "decimal places"),
        ("rating", "great", "not a number"),
        ("certificate", "PG-13", "certificate is one of"),
        ("runtime_min", 0, "below 1"),
        ("runtime_min", 601, "above 600"),
        ("synopsis", "s" * 4001, "at most 4000"),
    ],
)
def test_a_bad_movie_field_is_refused_by_name(
    box: BoxOffice, field: str, value: object, message: str
) -> None:
    err = assert_refused_and_unchanged(
        box,
        lambda: movies.create_movie(box, ADMIN, replace(MOVIE, **{field: value})),
        ValidationError,
        message,
    )
    assert isinstance(err, ValidationError) and err.field == field


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"GIF89a" + b"\x00" * 100, "not a PNG or JPEG"),
        (b"", "empty"),
        (tiny_png(10, 10), "10 x 10 pixels"),
        (tiny_png()[:20], "not a PNG or JPEG"),
        (b"\xff\xd8\xff\xda" + b"\x00" * 40, "not a PNG or JPEG"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * (movies.POSTER_MAX_BYTES), "at most 2 MB"),
    ],
)
def test_a_poster_that_is_not_a_fitting_image_is_refused(
    box: BoxOffice, data: bytes, message: str
) -> None:
    row = movies.create_movie(box, ADMIN, MOVIE)
    err = assert_refused_and_unchanged(
        box,
        lambda: movies.update_movie(box, ADMIN, row.movie_id, MOVIE, poster=data),
        ValidationError,
        message,
    )
    assert isinstance(err, ValidationError) and err.field == "poster"


def test_jpeg_sizes_are_read_from_the_frame_header() -> None:
    assert movies.image_size(tiny_jpeg_header(300, 450)) == ("JPEG", 300, 450)
    assert movies.check_poster(tiny_jpeg_header(300, 450))


def test_only_an_admin_may_change_movies(box: BoxOffice) -> None:
    row = movies.create_movie(box, ADMIN, MOVIE)
    assert_roles_refused(box, lambda c: movies.list_movies(box, c))
    assert_roles_refused(box, lambda c: movies.create_movie(box, c, MOVIE))
    assert_roles_refused(box, lambda c: movies.update_movie(box, c, row.movie_id, MOVIE))
    assert_roles_refused(box, lambda c: movies.set_movie_active(box, c, row.movie_id, False))
    assert_refused_and_unchanged(box, lambda: movies.update_movie(box, ADMIN, 999, MOVIE), NotFound)
