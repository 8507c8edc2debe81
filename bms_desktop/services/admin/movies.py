"""Movies: title, languages, genre, rating, certificate, runtime, description, release date and
an optional poster image. Admin only (except ``movie_poster``, which the show finder reads);
validated against the columns; audited with before/after.

A poster must be a real PNG or JPEG image (its header is read, not its file name), at most
``POSTER_MAX_BYTES``, between 32 and 4000 pixels a side.
"""

from __future__ import annotations

import struct
from dataclasses import asdict
from datetime import date

from bms_desktop.domain.errors import NotFound, ValidationError
from bms_desktop.services.admin.common import (
    SYNOPSIS_MAX,
    audit_change,
    clean_text,
    limit,
    optional_flag,
    parse_decimal,
    parse_int,
    require_admin,
    require_id,
)
from bms_desktop.services.admin.dto import MovieInput, MovieRow
from bms_desktop.services.context import BoxOffice, CounterContext

CERTIFICATES = ("U", "UA", "UA 7+", "UA 13+", "UA 16+", "A", "S")
POSTER_MAX_BYTES = 2 * 1024 * 1024
POSTER_MIN_SIDE, POSTER_MAX_SIDE = 32, 4000
LANGUAGE_MAX = 40  # a show's language (shows.language) is one of these

_PNG = b"\x89PNG\r\n\x1a\n"
_JPEG_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


def image_size(data: bytes) -> tuple[str, int, int]:
    """("PNG" | "JPEG", width, height) read from the image's header; ValidationError when the
    bytes are not a PNG or JPEG image."""
    bad = ValidationError("the poster is not a PNG or JPEG image", field="poster")
    if data.startswith(_PNG):
        if len(data) < 33 or data[12:16] != b"IHDR":
            raise bad
        width, height = struct.unpack(">II", data[16:24])
        return "PNG", width, height
    if data.startswith(b"\xff\xd8"):
        i = 2
        while i + 4 <= len(data):
            if data[i] != 0xFF:
                raise bad
            marker = data[i + 1]
            if marker == 0xFF:  # fill byte
                i += 1
                continue
            if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
                i += 2
                continue
            (length,) = struct.unpack(">H", data[i + 2 : i + 4])
            if length < 2:
                raise bad
            if marker in _JPEG_SOF:
                if i + 9 > len(data):
                    raise bad
                height, width = struct.unpack(">HH", data[i + 5 : i + 9])
                return "JPEG", width, height
            if marker == 0xDA:  # start of scan before any frame header
                raise bad
            i += 2 + length
        raise bad
    raise bad


def check_poster(data: object) -> bytes:
    if not isinstance(data, bytes | bytearray):
        raise ValidationError("the poster must be image data", field="poster")
    blob = bytes(data)
    if not blob:
        raise ValidationError("the poster file is empty", field="poster")
    if len(blob) > POSTER_MAX_BYTES:
        raise ValidationError(
            f"the poster is {len(blob) / 1024 / 1024:.1f} MB; at most "
            f"{POSTER_MAX_BYTES // 1024 // 1024} MB fit",
            field="poster",
        )
    kind, width, height = image_size(blob)
    if not (
        POSTER_MIN_SIDE <= width <= POSTER_MAX_SIDE and POSTER_MIN_SIDE <= height <= POSTER_MAX_SIDE
    ):
        raise ValidationError(
            f"the poster is {width} x {height} pixels; each side must be {POSTER_MIN_SIDE} to "
            f"{POSTER_MAX_SIDE}",
            field="poster",
        )
    del kind
    return blob


def _languages(value: object) -> str:
    text = clean_text(value, field="languages", label="The languages", column="movies.languages")
    names: list[str] = []
    for part in text.split(","):
        name = " ".join(part.split())
        if not name:
            continue
        if len(name) > LANGUAGE_MAX:
            raise ValidationError(
                f"a language name is at most {LANGUAGE_MAX} characters: {name[:20]}…",
                field="languages",
            )
        if name.casefold() not in {n.casefold() for n in names}:
            names.append(name[:1].upper() + name[1:])
    if not names:
        raise ValidationError("give at least one language", field="languages")
    joined = ",".join(names)
    if len(joined) > limit("movies.languages"):
        raise ValidationError(
            f"the languages take {len(joined)} characters; at most {limit('movies.languages')}",
            field="languages",
        )
    return joined


def clean_movie(data: MovieInput) -> MovieInput:
    certificate = " ".join(str(data.certificate or "").upper().split())
    if certificate not in CERTIFICATES:
        raise ValidationError(
            f"a certificate is one of {', '.join(CERTIFICATES)}", field="certificate"
        )
    release = data.release_date
    if release is not None and not isinstance(release, date):
        raise ValidationError("the release date is not a date", field="release_date")
    if release is not None and not date(1888, 1, 1) <= release <= date(2200, 1, 1):
        raise ValidationError("the release date is out of range", field="release_date")
    return MovieInput(
        title=clean_text(data.title, field="title", label="The title", column="movies.title"),
        languages=_languages(data.languages),
        genre=clean_text(data.genre, field="genre", label="The genre", column="movies.genre"),
        rating=parse_decimal(
            data.rating,
            field="rating",
            label="The rating",
            places=1,
            minimum=parse_decimal(0, field="rating", label="", places=1),
            maximum=parse_decimal(10, field="rating", label="", places=1),
        ),
        certificate=certificate,
        runtime_min=parse_int(
            data.runtime_min, field="runtime_min", label="The runtime", minimum=1, maximum=600
        ),
        synopsis=clean_text(
            data.synopsis,
            field="synopsis",
            label="The description",
            max_len=SYNOPSIS_MAX,
            required=False,
            multiline=True,
        ),
        release_date=release,
    )


def _values(row: MovieRow) -> dict[str, object]:
    values = asdict(row)
    for key in ("movie_id", "future_shows"):
        values.pop(key)
    return values


def list_movies(box: BoxOffice, ctx: CounterContext) -> list[MovieRow]:
    require_admin(ctx, "Listing movies")
    now = box.now()
    with box.uows() as uow:
        return uow.admin.movies(now)


def create_movie(
    box: BoxOffice, ctx: CounterContext, data: MovieInput, *, poster: bytes | None = None
) -> MovieRow:
    require_admin(ctx, "Adding a movie")
    clean = clean_movie(data)
    image = None if poster is None else check_poster(poster)
    now = box.now()
    with box.uows(write=True, label=ctx.counter) as uow:
        movie_id = uow.admin.add_movie(clean)
        if image is not None:
            uow.admin.set_poster(movie_id, image)
        row = uow.admin.movie(movie_id, now)
        assert row is not None
        audit_change(
            uow,
            ctx,
            now,
            action="MOVIE_ADDED",
            entity="movie",
            entity_id=movie_id,
            after={**_values(row), "poster_bytes": len(image) if image else 0},
        )
        uow.commit()
    return row


def update_movie(
    box: BoxOffice,
    ctx: CounterContext,
    movie_id: int,
    data: MovieInput,
    *,
    poster: bytes | None = None,
    remove_poster: bool = False,
    active: bool | None = None,
) -> MovieRow:
    """Change a movie; ``poster`` replaces its poster, ``remove_poster`` removes it; ``active``
    retires it (it stays on its shows, but no new show can be scheduled with it)."""
    require_admin(ctx, "Changing a movie")
    movie_id = require_id(movie_id, "movie")
    active = optional_flag(active)
    if not isinstance(remove_poster, bool):
        raise ValidationError("choose whether to remove the poster", field="poster")
    clean = clean_movie(data)
    image = None if poster is None else check_poster(poster)
    now = box.now()
    with box.uows(write=True, label=ctx.counter) as uow:
        before = uow.admin.movie(movie_id, now, lock=True)
        if before is None:
            raise NotFound(f"movie {movie_id} does not exist (any more)")
        old_poster = uow.admin.poster(movie_id)
        uow.admin.update_movie(movie_id, clean, active=before.active if active is None else active)
        if image is not None:
            uow.admin.set_poster(movie_id, image)
        elif remove_poster:
            uow.admin.set_poster(movie_id, None)
        after = uow.admin.movie(movie_id, now)
        assert after is not None
        new_poster = image if image is not None else (None if remove_poster else old_poster)
        old = {**_values(before), "poster_bytes": len(old_poster or b"")}
        new = {**_values(after), "poster_bytes": len(new_poster or b"")}
        if old != new or (image is not None and image != old_poster):
            action = "MOVIE_CHANGED"
            if before.active != after.active:
                action = "MOVIE_RETIRED" if not after.active else "MOVIE_RESTORED"
            audit_change(
                uow,
                ctx,
                now,
                action=action,
                entity="movie",
                entity_id=movie_id,
                before=old,
                after=new,
            )
            uow.commit()
    return after


def set_movie_active(box: BoxOffice, ctx: CounterContext, movie_id: int, active: bool) -> MovieRow:
    require_admin(ctx, "Retiring a movie" if not active else "Restoring a movie")
    movie_id = require_id(movie_id, "movie")
    now = box.now()
    with box.uows() as uow:
        row = uow.admin.movie(movie_id, now)
    if row is None:
        raise NotFound(f"movie {movie_id} does not exist (any more)")
    data = MovieInput(
        row.title,
        row.languages,
        row.genre,
        row.rating,
        row.certificate,
        row.runtime_min,
        row.synopsis,
        row.release_date,
    )
    return update_movie(box, ctx, movie_id, data, active=active)


def movie_poster(box: BoxOffice, movie_id: int) -> bytes | None:
    """The movie's poster (PNG or JPEG bytes), or None. Anyone may look (the show finder)."""
    movie_id = require_id(movie_id, "movie")
    with box.uows() as uow:
        return uow.admin.poster(movie_id)


__all__ = [
    "CERTIFICATES",
    "POSTER_MAX_BYTES",
    "check_poster",
    "clean_movie",
    "create_movie",
    "image_size",
    "list_movies",
    "movie_poster",
    "set_movie_active",
    "update_movie",
]
