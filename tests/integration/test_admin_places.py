"""Cities and cinemas (services/admin/places.py) on SQLite and PostgreSQL: create, rename,
time zone, receipt details, deactivate; refusals change nothing; only an admin may."""

from __future__ import annotations

import pytest

from bms_desktop.domain.errors import NotFound, ValidationError
from bms_desktop.services import queries
from bms_desktop.services.admin import places
from bms_desktop.services.admin.dto import CinemaInput, CityInput
from bms_desktop.services.context import BoxOffice
from tests.support.admin_support import (
    ADMIN,
    assert_refused_and_unchanged,
    assert_roles_refused,
    audit_rows,
)
from tests.support.builders import build_world

GSTIN = "27AAPFU0939F1ZV"


def cinema_input(city_id: int, **kw: object) -> CinemaInput:
    values: dict[str, object] = {
        "city_id": city_id,
        "name": "Galaxy",
        "address": "1 MG Road\nPune 411001",
        "timezone": "Asia/Kolkata",
        "gstin": GSTIN,
        "phone": "+91 20 1234 5678",
    }
    values.update(kw)
    return CinemaInput(**values)  # type: ignore[arg-type]


def test_a_city_is_created_renamed_and_deactivated_with_audit(box: BoxOffice) -> None:
    city = places.create_city(box, ADMIN, CityInput("  Pune ", "Maharashtra"))
    assert (city.name, city.state, city.active) == ("Pune", "Maharashtra", True)
    renamed = places.update_city(box, ADMIN, city.city_id, CityInput("Poona", "Maharashtra"))
    assert renamed.name == "Poona"
    places.set_city_active(box, ADMIN, city.city_id, False)
    assert [c.active for c in places.list_cities(box, ADMIN)] == [False]
    (added,) = audit_rows(box, "CITY_ADDED")
    assert added.details["after"] == {"name": "Pune", "state": "Maharashtra", "active": True}
    (changed,) = audit_rows(box, "CITY_CHANGED")
    assert changed.details == {"before": {"name": "Pune"}, "after": {"name": "Poona"}}
    (off,) = audit_rows(box, "CITY_DEACTIVATED")
    assert off.details == {"before": {"active": True}, "after": {"active": False}}
    assert off.username == ADMIN.username


def test_a_cinema_keeps_its_receipt_details_and_time_zone(box: BoxOffice) -> None:
    city = places.create_city(box, ADMIN, CityInput("Pune"))
    row = places.create_cinema(box, ADMIN, cinema_input(city.city_id, gstin="27aapfu0939f1zv"))
    assert (row.gstin, row.phone, row.address) == (
        GSTIN,
        "+91 20 1234 5678",
        "1 MG Road\nPune 411001",
    )
    moved = places.update_cinema(
        box, ADMIN, row.theater_id, cinema_input(city.city_id, timezone="Asia/Dubai")
    )
    assert moved.timezone == "Asia/Dubai"
    (changed,) = audit_rows(box, "CINEMA_CHANGED")
    assert changed.details == {
        "before": {"timezone": "Asia/Kolkata"},
        "after": {"timezone": "Asia/Dubai"},
    }


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "x" * 121, "at most 120"),
        ("name", "   ", "cannot be empty"),
        ("address", "y" * 241, "at most 240"),
        ("timezone", "Asia/Mumbai", "not a time zone"),
        ("timezone", "Asia/Kolkata" + "x" * 60, "at most 64"),
        ("gstin", "27AAPFU0939F1Z", "15 characters"),
        ("gstin", "27AAPFU0939F1ZW", "check character"),
        ("gstin", "00AAPFU0939F1ZV", "state code"),
        ("gstin", "27AAPF00939F1ZV", "2-digit state code"),
        ("phone", "call me", "phone number"),
        ("phone", "1" * 21, "at most 20"),
    ],
)
def test_a_bad_cinema_field_is_refused_by_name_and_nothing_changes(
    box: BoxOffice, field: str, value: str, message: str
) -> None:
    city = places.create_city(box, ADMIN, CityInput("Pune"))
    err = assert_refused_and_unchanged(
        box,
        lambda: places.create_cinema(box, ADMIN, cinema_input(city.city_id, **{field: value})),
        ValidationError,
        message,
    )
    assert isinstance(err, ValidationError) and err.field == field


def test_duplicate_names_are_refused_case_insensitively(box: BoxOffice) -> None:
    pune = places.create_city(box, ADMIN, CityInput("Pune"))
    other = places.create_city(box, ADMIN, CityInput("Mumbai"))
    assert_refused_and_unchanged(
        box, lambda: places.create_city(box, ADMIN, CityInput("PUNE")), ValidationError, "already"
    )
    assert_refused_and_unchanged(
        box,
        lambda: places.update_city(box, ADMIN, other.city_id, CityInput("pune")),
        ValidationError,
        "already",
    )
    places.create_cinema(box, ADMIN, cinema_input(pune.city_id))
    assert_refused_and_unchanged(
        box,
        lambda: places.create_cinema(box, ADMIN, cinema_input(pune.city_id, name="galaxy")),
        ValidationError,
        "already has a cinema",
    )
    # the same name in another city is fine
    places.create_cinema(box, ADMIN, cinema_input(other.city_id))
    assert_refused_and_unchanged(
        box,
        lambda: places.update_city(box, ADMIN, 999, CityInput("Nowhere")),
        NotFound,
    )


def test_a_deactivated_cinema_leaves_the_show_finder(box: BoxOffice) -> None:
    world = build_world(box)
    assert [s.show_id for s in queries.find_shows(box)] == [world.show_id]
    assert places.deactivation_impact(box, ADMIN, theater_id=world.theater_id) == (1, 0)
    places.set_cinema_active(box, ADMIN, world.theater_id, False)
    assert queries.find_shows(box) == []
    assert world.theater_id not in {t.id for t in queries.filter_choices(box).theaters}
    places.set_cinema_active(box, ADMIN, world.theater_id, True)
    assert [s.show_id for s in queries.find_shows(box)] == [world.show_id]
    city_id = places.list_cinemas(box, ADMIN)[0].city_id
    places.set_city_active(box, ADMIN, city_id, False)
    assert queries.find_shows(box) == []
    assert city_id not in {c.id for c in queries.filter_choices(box).cities}


def test_only_an_admin_may_touch_cities_and_cinemas(box: BoxOffice) -> None:
    city = places.create_city(box, ADMIN, CityInput("Pune"))
    cinema = places.create_cinema(box, ADMIN, cinema_input(city.city_id))
    assert_roles_refused(box, lambda c: places.list_cities(box, c))
    assert_roles_refused(box, lambda c: places.list_cinemas(box, c))
    assert_roles_refused(box, lambda c: places.create_city(box, c, CityInput("Goa")))
    assert_roles_refused(box, lambda c: places.update_city(box, c, city.city_id, CityInput("X")))
    assert_roles_refused(box, lambda c: places.set_city_active(box, c, city.city_id, False))
    assert_roles_refused(
        box, lambda c: places.create_cinema(box, c, cinema_input(city.city_id, name="B"))
    )
    assert_roles_refused(
        box, lambda c: places.update_cinema(box, c, cinema.theater_id, cinema_input(city.city_id))
    )
    assert_roles_refused(box, lambda c: places.set_cinema_active(box, c, cinema.theater_id, False))
    assert_roles_refused(box, lambda c: places.deactivation_impact(box, c, city_id=city.city_id))


def test_gstin_checksum_matches_known_registrations() -> None:
    assert places.gstin_check_char("27AAPFU0939F1Z") == "V"
    assert places.check_gstin(" 27aapfu0939f1zv ") == GSTIN
    assert places.check_gstin("") == ""
