"""Every time a person reads, in the cinema's time zone: one formatter for messages, banners, the
event log, tickets and receipts.

Datetimes are stored and passed around as aware UTC; only here do they become clock times. A
time that could be read in another zone (a message, a receipt, a terminal whose own clock runs in
another zone) carries the zone's abbreviation: "13:00 IST".

Pure Python (``zoneinfo``); no module that shows a time to a person formats one itself
(``tests/unit/test_cinema_time.py`` checks the modules of the counter).
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_ZONE = "Asia/Kolkata"


@cache
def zone(name: str | None) -> dt.tzinfo:
    """The zone called ``name`` (UTC when it is empty or unknown: never a crash on display)."""
    if not name:
        return dt.UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return dt.UTC


def to_cinema(at: dt.datetime, tz: str | None) -> dt.datetime:
    """``at`` (aware) in the cinema's zone. A naive datetime is taken as UTC."""
    if at.tzinfo is None:
        at = at.replace(tzinfo=dt.UTC)
    return at.astimezone(zone(tz))


def zone_label(tz: str | None, at: dt.datetime | None = None) -> str:
    """``IST``, ``CET``/``CEST`` (at that moment), or the UTC offset when the zone has no
    abbreviation (``+0530``)."""
    moment = to_cinema(at or dt.datetime.now(dt.UTC), tz)
    name = moment.tzname() or ""
    if not name or name[0] in "+-":
        return moment.strftime("UTC%z") if name else "UTC"
    return name


def _label(local: dt.datetime, label: bool) -> str:
    if not label:
        return ""
    name = local.tzname() or "UTC"
    return f" {local.strftime('UTC%z') if name[0] in '+-' else name}"


def clock(at: dt.datetime, tz: str | None, *, seconds: bool = False, label: bool = False) -> str:
    """``13:00`` (``13:00:05`` with seconds; ``13:00 IST`` labelled)."""
    local = to_cinema(at, tz)
    text = f"{local:%H:%M:%S}" if seconds else f"{local:%H:%M}"
    return text + _label(local, label)


def clock_ms(at: dt.datetime, tz: str | None) -> str:
    """``13:00:05.123`` (the event log)."""
    local = to_cinema(at, tz)
    return f"{local:%H:%M:%S}.{local.microsecond // 1000:03d}"


def day(at: dt.datetime, tz: str | None) -> str:
    """``Mon 4 Mar``."""
    local = to_cinema(at, tz)
    return f"{local:%a} {local.day} {local:%b}"


def long_day(at: dt.datetime, tz: str | None) -> str:
    """``Mon 4 Mar 2030``."""
    local = to_cinema(at, tz)
    return f"{local:%a} {local.day} {local:%b %Y}"


def day_clock(at: dt.datetime, tz: str | None, *, label: bool = False) -> str:
    """``Mon 4 Mar, 13:00`` (labelled: ``Mon 4 Mar, 13:00 IST``)."""
    return f"{day(at, tz)}, {clock(at, tz, label=label)}"


def full(at: dt.datetime, tz: str | None, *, label: bool = False) -> str:
    """``Mon 4 Mar 2030, 13:00``: a show's start on a ticket, in a lookup."""
    return f"{long_day(at, tz)}, {clock(at, tz, label=label)}"


def stamp(at: dt.datetime, tz: str | None, *, label: bool = False) -> str:
    """``4 Mar 2030 13:00``: when something was printed, paid, cancelled."""
    local = to_cinema(at, tz)
    return f"{local.day} {local:%b %Y} {clock(at, tz, label=label)}"


def message_time(at: dt.datetime, tz: str | None, now: dt.datetime | None = None) -> str:
    """A time inside a sentence a clerk reads: always labelled, with the day when it is not
    the day of ``now`` (``12:00 IST``; ``Tue 5 Mar, 12:00 IST``)."""
    if now is not None and to_cinema(now, tz).date() == to_cinema(at, tz).date():
        return clock(at, tz, label=True)
    return day_clock(at, tz, label=True)


def span(start: dt.datetime, end: dt.datetime, tz: str | None) -> str:
    """``13:00–15:28``."""
    return f"{clock(start, tz)}–{clock(end, tz)}"


def differs_from_this_computer(tz: str | None, at: dt.datetime | None = None) -> bool:
    """Would a clock time in ``tz`` read differently on this computer's own clock? Then a
    screen that shows times without a zone labels them."""
    moment = at or dt.datetime.now(dt.UTC)
    return to_cinema(moment, tz).utcoffset() != moment.astimezone().utcoffset()


def on_this_computer(at: dt.datetime) -> str:
    """``4 Mar 2030, 13:00 (this computer's clock)``: for the rare time no cinema's zone can be
    known, e.g. when a damaged database offers its backup."""
    local = at.astimezone()
    return f"{local.day} {local:%b %Y, %H:%M} (this computer's clock)"


__all__ = [
    "DEFAULT_ZONE",
    "clock",
    "clock_ms",
    "day",
    "day_clock",
    "differs_from_this_computer",
    "full",
    "long_day",
    "message_time",
    "on_this_computer",
    "span",
    "stamp",
    "to_cinema",
    "zone",
    "zone_label",
]
