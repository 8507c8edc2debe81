"""A robot clerk's view of its show, when it stops looking, and how it gets ready.

A clerk whose view has gone stale (other counters sold most of the seats it believes free)
reloads every seat's state instead of glancing through its stale seats a dozen at a time; a clerk
told that every seat is sold stops before its next attempt; and the race tells its clerks so only
when their reported sales really are every seat that was for sale (``runner._Books.all_sold``).
Before the start a clerk opens its write connection (``warm_up``), and the processes' writers'
lines ask for checkpoints at different commits, so a race's first sales and its 32nd commit do
not all pay for connecting at the same moment.
"""

from __future__ import annotations

import multiprocessing as mp
import threading
from pathlib import Path
from typing import Any, cast

import pytest

from bms_desktop.app import connect
from bms_desktop.persistence.checkpoints import CHECKPOINT_EVERY_COMMITS
from bms_desktop.persistence.writer_queue import WriterQueue
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
from bms_desktop.race.clerk import _attempt, connect_clerk, load_free_seats, robot_context, warm_up
from bms_desktop.race.runner import SharedFlag
from bms_desktop.services import booking
from bms_desktop.services.context import BoxOffice
from bms_desktop.services.ports import UnitOfWorkFactory
from tests.support.builders import clerk

SPAWN = mp.get_context("spawn")


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


def test_a_warmed_up_clerk_has_its_place_in_the_writers_line_before_its_first_sale(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``warm_up`` reads the free seats and begins and rolls back an empty write transaction:
    nothing is written, and the clerk's first sale does not pay for opening its connection's
    place in SQLite's writers' line (its file, and the line's watchdog thread)."""
    wiring = connect(sqlite_url, pool_size=2)
    show_id = ensure_scratch_show(wiring.box, seats=20)
    wiring.close()
    opened: list[str] = []
    real_open_own = WriterQueue.open_own

    def open_own(queue: WriterQueue) -> Any:
        opened.append(queue.path)
        return real_open_own(queue)

    monkeypatch.setattr(WriterQueue, "open_own", open_own)
    clerk_box, close = connect_clerk(sqlite_url)
    try:
        spec = _spec(1, show_id)
        free = warm_up(clerk_box, spec)
        assert len(free) == 20
        assert load_free_seats(clerk_box, show_id) == (free, False)  # nothing written
        assert len(opened) == 1  # the write connection's place in line
        pick = sorted(free)[:2]
        record = _attempt(
            clerk_box, robot_context(spec), spec, pick, {s: free[s] for s in pick}, 0.0, 0.0,
            SharedFlag(SPAWN),
        )  # fmt: skip
        assert record.sold == 2
        assert len(opened) == 1  # the hold and the payment took their turns in the same place
    finally:
        close()


def test_processes_ask_for_checkpoints_at_different_commits(tmp_path: Path) -> None:
    """Each process's line starts counting its commits anywhere: eight clerks started together
    do not all ask for a checkpoint at their 32nd commit."""
    path = str(tmp_path / "x.db")
    phases = {WriterQueue(path).commits % CHECKPOINT_EVERY_COMMITS for _ in range(8)}
    assert len(phases) > 1
