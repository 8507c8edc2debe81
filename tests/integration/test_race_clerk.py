"""A robot clerk's view of its show, and when it stops looking.

A clerk whose view has gone stale (other counters sold most of the seats it believes free)
reloads every seat's state instead of glancing through its stale seats a dozen at a time; a clerk
told that every seat is sold stops before its next attempt; and the race tells its clerks so only
when their reported sales really are every seat that was for sale (``runner._Books.all_sold``).
"""

from __future__ import annotations

import threading
from typing import Any, cast

from bms_desktop.race import (
    AttemptRecord,
    ClerkSpec,
    RaceConfig,
    RaceMode,
    RaceStrategy,
    ensure_scratch_show,
    run_clerk,
    run_race,
)
from bms_desktop.race.clerk import load_free_seats
from bms_desktop.services import booking
from bms_desktop.services.context import BoxOffice
from bms_desktop.services.ports import UnitOfWorkFactory
from tests.support.builders import clerk


def _spec(number: int, show_id: int, duration_s: float = 120.0) -> ClerkSpec:
    return ClerkSpec(
        clerk=number, show_id=show_id, strategy=RaceStrategy.PESSIMISTIC, seats_per_booking=2,
        delay_ms=0, max_retries=3, duration_s=duration_s, seed=number,
    )  # fmt: skip


class _CountingReads:
    """The unit-of-work factory, counting the read units of work opened through it."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.reads = 0

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if not kwargs.get("write", False):
            self.reads += 1
        return self.inner(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def test_a_clerk_with_a_stale_view_reloads_it_instead_of_glancing_through_it(
    box: BoxOffice,
) -> None:
    show_id = ensure_scratch_show(box, seats=300)
    free, _held = load_free_seats(box, show_id)
    assert len(free) == 300
    # Robot 1 sells all but the last 4 seats.
    stop = threading.Event()
    sold = [0]

    def report(record: AttemptRecord) -> None:
        sold[0] += record.sold
        if sold[0] >= 296:
            stop.set()

    first = run_clerk(box, _spec(1, show_id), stop, dict(free), report=report)
    assert sold[0] == 296 and not first.sold_out
    # Robot 2 still believes all 300 free: its first glance finds almost nothing, so it reloads.
    reads = _CountingReads(box.uows)
    box.uows = cast(UnitOfWorkFactory, reads)
    try:
        second = run_clerk(box, _spec(2, show_id), threading.Event(), dict(free))
    finally:
        box.uows = reads.inner
    assert second.sold_out
    assert sum(r.sold for r in second.records) == 4
    # Before, it glanced at 12 stale seats at a time: some 25 reads before its first sale.
    assert reads.reads <= 8, reads.reads


def test_a_clerk_told_that_every_seat_is_sold_stops_before_its_next_attempt(
    box: BoxOffice,
) -> None:
    show_id = ensure_scratch_show(box, seats=20)
    told = threading.Event()
    told.set()
    outcome = run_clerk(box, _spec(1, show_id), threading.Event(), None, told_sold_out=told)
    assert outcome.sold_out and outcome.records == ()
    free, held = load_free_seats(box, show_id)
    assert len(free) == 20 and not held  # it tried nothing


def test_a_seat_held_outside_the_race_keeps_the_clerks_looking_until_the_time_limit(
    db_url: str, box: BoxOffice
) -> None:
    """The race's books count 20 seats for sale; a counter outside the race holds 2 of them (the
    fixed test clock never lets the hold run out). The robots sell the other 18 and must not be
    told the show is sold out: they watch the held seats until the time is up."""
    show_id = ensure_scratch_show(box, seats=20)
    free, _held = load_free_seats(box, show_id)
    booking.hold_seats(box, clerk("Counter 9"), show_id=show_id, show_seat_ids=sorted(free)[:2])
    result = run_race(
        RaceConfig(
            db_url=db_url, show_id=show_id, clerks=3,
            mode=RaceMode.THREADS, seats_per_booking=2, duration_s=1.0, seed=5,
        ),
        box=box,
    )  # fmt: skip
    assert result.sold_seats == 18
    assert result.timed_out and not result.sold_out
    assert result.integrity_ok and result.double_sales == 0
