"""Box-office settings (services/admin/settings.py) on both engines: read, validated update with
an audit row of before/after, a concurrent edit of another field survives, home cinemas."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from bms_desktop.domain.errors import ValidationError
from bms_desktop.services.admin import settings
from bms_desktop.services.admin.dto_settings import HomeCinema, SettingsInput, SettingsView
from bms_desktop.services.context import BoxOffice
from tests.support.admin_support import (
    ADMIN,
    assert_refused_and_unchanged,
    assert_roles_refused,
    audit_rows,
)
from tests.support.builders import build_world


def input_of(view: SettingsView, **changes: object) -> SettingsInput:
    values = {
        "hold_minutes": view.hold_minutes,
        "cancel_cutoff_minutes": view.cancel_cutoff_minutes,
        "cancellation_fee": view.cancellation_fee,
        "sales_close_offset_minutes": view.sales_close_offset_minutes,
        "cleaning_gap_minutes": view.cleaning_gap_minutes,
        "cash_tendered_limit": view.cash_tendered_limit,
        "counter_setup_role": view.counter_setup_role,
        "box_office_timezone": view.box_office_timezone,
        "home_cinemas": view.home_cinemas,
    }
    values.update(changes)
    return SettingsInput(**values)  # type: ignore[arg-type]


def test_the_defaults_are_read_and_a_change_is_saved_and_audited(box: BoxOffice) -> None:
    view = settings.get_settings(box, ADMIN)
    assert (view.hold_minutes, view.cancel_cutoff_minutes, view.cleaning_gap_minutes) == (5, 60, 20)
    assert view.cash_tendered_limit == Decimal("50000.00")  # the counter's default (issue 9)
    assert view.counter_setup_role == "SUPERVISOR"  # not a demo box office
    saved = settings.update_settings(
        box, ADMIN, input_of(view, hold_minutes="7", cancellation_fee="25.5")
    )
    assert (saved.hold_minutes, saved.cancellation_fee) == (7, Decimal("25.50"))
    assert box.settings().hold_minutes == 7  # what the booking services read
    assert box.settings().cancellation_fee == "25.50"
    (row,) = audit_rows(box, "SETTINGS_CHANGED")
    assert row.details["before"] == {"hold_minutes": 5, "cancellation_fee": "0.00"}
    assert row.details["after"] == {"hold_minutes": 7, "cancellation_fee": "25.50"}


def test_saving_unchanged_settings_writes_nothing(box: BoxOffice) -> None:
    view = settings.get_settings(box, ADMIN)
    settings.update_settings(box, ADMIN, input_of(view))
    assert audit_rows(box, "SETTINGS_CHANGED") == []


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("hold_minutes", "0", "below 1"),
        ("hold_minutes", "61", "above 60"),
        ("hold_minutes", "five", "not a whole number"),
        ("cancel_cutoff_minutes", -1, "below 0"),
        ("cancellation_fee", "1.234", "decimal places"),
        ("cancellation_fee", "-1", "below 0"),
        ("sales_close_offset_minutes", 181, "above 180"),
        ("cleaning_gap_minutes", 241, "above 240"),
        ("cash_tendered_limit", "99999999999999", "above"),
        ("cash_tendered_limit", "0", "below 1"),
        ("counter_setup_role", "usher", "one of clerk"),
        ("counter_setup_role", "", "cannot be empty"),
        ("box_office_timezone", "Mars/Base", "not a time zone"),
    ],
)
def test_bad_values_are_refused_beside_their_field_and_change_nothing(
    box: BoxOffice, field: str, value: object, message: str
) -> None:
    view = settings.get_settings(box, ADMIN)
    err = assert_refused_and_unchanged(
        box,
        lambda: settings.update_settings(box, ADMIN, input_of(view, **{field: value})),
        ValidationError,
        message,
    )
    assert isinstance(err, ValidationError) and err.field == field


def test_each_counter_gets_a_home_cinema_that_must_exist(box: BoxOffice) -> None:
    world = build_world(box)
    view = settings.get_settings(box, ADMIN)
    homes = (HomeCinema("Counter 1", world.theater_id), HomeCinema(" Counter 2 ", world.theater_id))
    saved = settings.update_settings(box, ADMIN, input_of(view, home_cinemas=homes))
    assert [(h.counter, h.theater_id, h.theater_name) for h in saved.home_cinemas] == [
        ("Counter 1", world.theater_id, "Test Cinema"),
        ("Counter 2", world.theater_id, "Test Cinema"),
    ]
    assert settings.home_cinema(box, "Counter 2") == world.theater_id
    assert settings.home_cinema(box, "Counter 9") is None
    for bad, message in (
        ((HomeCinema("Counter 1", 999_999),), "existing cinema"),
        ((HomeCinema("X" * 41, world.theater_id),), "at most 40"),
        ((HomeCinema("A", world.theater_id), HomeCinema("a", world.theater_id)), "twice"),
    ):
        err = assert_refused_and_unchanged(
            box,
            lambda bad=bad: settings.update_settings(box, ADMIN, input_of(saved, home_cinemas=bad)),
            ValidationError,
            message,
        )
        assert isinstance(err, ValidationError) and err.field == "home_cinemas"


def test_a_concurrent_edit_of_another_field_survives_a_save(box: BoxOffice) -> None:
    loaded = settings.get_settings(box, ADMIN)
    settings.update_settings(box, ADMIN, input_of(loaded, cleaning_gap_minutes=30))
    # The first administrator still shows the old cleaning gap and changes only the hold time.
    saved = settings.update_settings(box, ADMIN, input_of(loaded, hold_minutes=9), loaded=loaded)
    assert (saved.hold_minutes, saved.cleaning_gap_minutes) == (9, 30)


def test_only_an_administrator_reads_or_changes_settings(box: BoxOffice) -> None:
    view = settings.get_settings(box, ADMIN)
    assert_roles_refused(box, lambda ctx: settings.get_settings(box, ctx))
    assert_roles_refused(
        box, lambda ctx: settings.update_settings(box, ctx, input_of(view, hold_minutes=9))
    )
    assert replace(view) == settings.get_settings(box, ADMIN)


def test_a_demo_box_office_lets_every_clerk_change_the_teaching_aids(box: BoxOffice) -> None:
    with box.uows(write=True) as uow:
        uow.settings.put("demo", "1")
        uow.commit()
    assert settings.get_settings(box, ADMIN).counter_setup_role == "CLERK"
