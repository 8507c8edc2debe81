"""The change feed tells a counter which shows another connection changed, on both engines."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from sqlalchemy import text

from bms_desktop.persistence.changefeed import PostgresChangeFeed, open_change_feed
from bms_desktop.services import booking
from bms_desktop.services.ports import ChangeFeed
from tests.support.builders import build_world, clerk


def poll_until(feed: ChangeFeed, done: Callable[[set[int] | None], bool], timeout: float = 10.0):
    """Poll like the GUI's timer does until ``done`` accepts what arrived (or time runs out)."""
    seen: set[int] = set()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        got = feed.poll()
        if got is None:
            if done(None):
                return None
            continue
        seen |= got
        if done(seen):
            return seen
        time.sleep(0.01)  # the GUI polls every 100 ms; this loop is the timer, not a sync point
    return seen


def test_a_hold_elsewhere_names_its_show(box, db_url):
    world = build_world(box)
    other = build_world(box)
    feed = open_change_feed(db_url)
    try:
        assert feed.poll() == set()
        booking.hold_seats(
            box, clerk("Counter 9"), show_id=world.show_id, show_seat_ids=world.seat_ids[:1]
        )
        seen = poll_until(feed, lambda s: s is not None and world.show_id in s)
        assert seen is not None and world.show_id in seen
        assert other.show_id not in seen
        assert poll_until(feed, bool, timeout=0.3) == set()  # nothing new since
    finally:
        feed.close()


def test_a_rolled_back_change_is_not_announced(box, db_url, wiring):
    world = build_world(box)
    feed = open_change_feed(db_url)
    try:
        with wiring.engines.write.connect() as conn:
            conn.begin()
            conn.execute(
                text(
                    "INSERT INTO audit_events (at, username, counter, action, entity, entity_id,"
                    " show_id, details) VALUES ('2030-01-01 00:00:00', 'u', 'c', 'X', 'e', '1',"
                    " :show, '{}')"
                ),
                {"show": world.show_id},
            )
            conn.rollback()
        booking.hold_seats(box, clerk(), show_id=world.show_id, show_seat_ids=world.seat_ids[:1])
        seen = poll_until(feed, lambda s: s is not None and world.show_id in s)
        assert seen == {world.show_id}
    finally:
        feed.close()


@pytest.mark.postgres
def test_postgres_feed_asks_for_a_full_reload_after_losing_its_connection(pg_url, box):
    from bms_desktop.app import connect

    wiring = connect(pg_url)
    feed = PostgresChangeFeed(pg_url, reconnect_delay_s=0.05)
    try:
        with wiring.engines.write.connect() as conn:
            conn.begin()
            killed = conn.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE query ILIKE 'LISTEN%' AND pid <> pg_backend_pid()"
                )
            ).all()
            conn.commit()
        assert killed, "the feed's LISTEN connection was not found"
        assert poll_until(feed, lambda s: s is None) is None  # reconnected: reload everything
    finally:
        feed.close()
        wiring.close()
