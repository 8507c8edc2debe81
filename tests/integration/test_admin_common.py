"""services/admin/common.py: the column limits match the schema; text, numbers and time zones
are checked with messages; the first-run checklist reads the data (both engines)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bms_desktop.domain.errors import ValidationError
from bms_desktop.domain.model import Role
from bms_desktop.persistence import tables
from bms_desktop.services.admin import common, setup
from bms_desktop.services.context import BoxOffice
from tests.gui.dialog_support import add_staff
from tests.support.builders import build_world


def test_column_limits_match_the_schema() -> None:
    for name, length in common.COLUMN_LIMITS.items():
        table, column = name.split(".")
        assert tables.metadata.tables[table].c[column].type.length == length, name


def test_text_is_trimmed_collapsed_and_checked_against_its_column() -> None:
    assert common.clean_text("  Big   Hall ", field="name", label="The name") == "Big Hall"
    with pytest.raises(ValidationError) as err:
        common.clean_text("x" * 81, field="name", label="The name", column="cities.name")
    assert err.value.field == "name"
    assert "81 characters" in err.value.message
    with pytest.raises(ValidationError, match="cannot be empty"):
        common.clean_text("   ", field="name", label="The name")
    with pytest.raises(ValidationError, match="control character"):
        common.clean_text("a\x00b", field="name", label="The name")
    assert common.clean_text(" a\n\n  b  c ", field="s", label="S", multiline=True) == "a\n\nb c"


def test_numbers_and_time_zones_are_refused_with_the_field_named() -> None:
    assert common.parse_decimal("7.5", field="rating", label="R", places=1) == Decimal("7.5")
    for bad in ("seven", "NaN", "7.55", "-1"):
        with pytest.raises(ValidationError) as err:
            common.parse_decimal(bad, field="rating", label="R", places=1, minimum=Decimal(0))
        assert err.value.field == "rating"
    assert common.parse_int("12", field="n", label="N", minimum=1) == 12
    with pytest.raises(ValidationError):
        common.parse_int("1.5", field="n", label="N")
    assert common.check_timezone("Asia/Kolkata") == "Asia/Kolkata"
    for bad in ("Mars/Olympus", "asia/kolkata", "", "../etc/passwd"):
        with pytest.raises(ValidationError) as err:
            common.check_timezone(bad)
        assert err.value.field == "timezone"


def test_the_first_run_checklist_ticks_off_as_the_data_appears(box: BoxOffice) -> None:
    progress = setup.setup_progress(box)
    assert [s.key for s in progress.steps] == ["cinema", "screen", "movie", "show", "clerk"]
    assert progress.done_count == 0
    build_world(box)
    progress = setup.setup_progress(box)
    assert [s.key for s in progress.steps if not s.done] == ["clerk"]
    add_staff(box, "asha", Role.CLERK, "asha-password")
    assert setup.setup_progress(box).done


def test_only_an_admin_may_add_the_standard_seat_types(box: BoxOffice) -> None:
    from tests.support.admin_support import ADMIN, assert_roles_refused

    assert_roles_refused(box, lambda c: setup.ensure_seat_types(box, c))
    assert setup.ensure_seat_types(box, ADMIN) == 3
    assert setup.ensure_seat_types(box, ADMIN) == 0  # only when there are none
