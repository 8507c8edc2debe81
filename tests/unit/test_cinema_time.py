"""Times a person reads: in the cinema's time zone, labelled where they could be misread; and
no module of the counter formats a clock time by itself."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bms_desktop.domain import cinema_time

ROOT = Path(__file__).resolve().parents[2] / "bms_desktop"
SHOW = datetime(2030, 3, 4, 7, 30, tzinfo=UTC)  # 13:00 in Kolkata

# What a person reads from the counter: its windows, widgets, dialogs, tickets, and the
# services and rules whose messages they show. (The admin console formats the cinema-local
# datetimes its DTOs carry, ``local_starts_at`` and the like, and the race lab only durations.)
COUNTER_MODULES = [
    "domain/rules.py",
    "domain/coupons.py",
    "services/booking.py",
    "services/checkout.py",
    "services/cancellation.py",
    "services/sale_common.py",
    "services/queries.py",
    "services/auth.py",
    *(
        str(p.relative_to(ROOT))
        for p in (ROOT / "gui").rglob("*.py")
        if not str(p.relative_to(ROOT)).startswith(("gui/admin", "gui/race_lab"))
    ),
]
# A clock format or a conversion to the computer's own zone, outside the formatter.
OWN_FORMATTING = re.compile(r"%H|%M:%S|\.astimezone\(\)|\.strftime\(")


def test_the_cinema_time_of_a_utc_moment_is_shown_and_labelled_where_it_matters() -> None:
    tz = "Asia/Kolkata"
    assert cinema_time.clock(SHOW, tz) == "13:00"
    assert cinema_time.clock(SHOW, tz, label=True) == "13:00 IST"
    assert cinema_time.clock_ms(SHOW, tz) == "13:00:00.000"
    assert cinema_time.full(SHOW, tz) == "Mon 4 Mar 2030, 13:00"
    assert cinema_time.stamp(SHOW, tz, label=True) == "4 Mar 2030 13:00 IST"
    assert cinema_time.message_time(SHOW, tz, SHOW) == "13:00 IST"
    assert cinema_time.message_time(SHOW, tz) == "Mon 4 Mar, 13:00 IST"
    assert cinema_time.clock(SHOW, "Europe/Berlin", label=True) == "08:30 CET"
    assert cinema_time.clock(SHOW, "Not/AZone", label=True) == "07:30 UTC"  # never a crash


@pytest.mark.parametrize("module", sorted(set(COUNTER_MODULES)))
def test_no_counter_module_formats_a_clock_time_itself(module: str) -> None:
    """The class of defect 1 (UTC shown as local time): every time goes through
    ``domain/cinema_time``."""
    source = (ROOT / module).read_text(encoding="utf-8")
    found = [line.strip() for line in source.splitlines() if OWN_FORMATTING.search(line)]
    if module == "domain/rules.py":  # schedule checks, without a cinema: dates in full, UTC
        found = [line for line in found if "%Y-%m-%d" not in line]
    if module == "domain/coupons.py":  # admin validation of a coupon's dates (labelled UTC)
        found = [line for line in found if "%Y-%m-%d %H:%M %Z" not in line]
    assert found == []
