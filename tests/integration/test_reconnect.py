"""Reconnecting after a PostgreSQL restart (issue 13): the change feed's listener comes back on its
own and asks for a full reload; the process's ConnectionHealth hears of the loss and the return.
(The unit-of-work side is in test_storage_errors.py; the GUI side in
tests/gui/test_connection_monitor.py.)"""

from __future__ import annotations

import time

import pytest

from bms_desktop.app import connect
from bms_desktop.persistence.changefeed import PostgresChangeFeed
from bms_desktop.services import booking
from bms_desktop.services.health import ConnectionHealth
from tests.support.builders import build_world, clerk


def wait_for(condition, what: str, timeout: float = 30.0) -> None:
    """Wait for a condition another thread brings about (a deadline, not a sleep to sync on)."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.01)


@pytest.mark.postgres
def test_the_change_feed_reconnects_after_a_restart_and_asks_for_a_reload(own_pg_cluster, clock):
    url = own_pg_cluster.create_database("feed_restart")
    wiring = connect(url)
    wiring.box.clock = clock
    health = ConnectionHealth()
    changes: list[tuple[bool, float]] = []
    health.subscribe(lambda up, s: changes.append((up, s)))
    feed = PostgresChangeFeed(url, reconnect_delay_s=0.05, health=health)
    try:
        world = build_world(wiring.box)
        assert feed.connected
        own_pg_cluster.stop_server("fast")
        wait_for(lambda: health.lost_since is not None, "the feed to notice the loss")
        assert not feed.connected
        own_pg_cluster.start_server()
        wait_for(lambda: health.lost_since is None, "the feed to reconnect")
        assert feed.reconnects == 1
        got: list[set[int] | None] = []
        wait_for(lambda: got.append(feed.poll()) or None in got, "the reload request")
        # Notices flow again: another counter's hold names its show.
        booking.hold_seats(
            wiring.box, clerk("Counter 2"), show_id=world.show_id,
            show_seat_ids=world.seat_ids[:1],
        )  # fmt: skip
        seen: set[int] = set()
        wait_for(lambda: seen.update(feed.poll() or set()) or world.show_id in seen, "a notice")
        assert [up for up, _s in changes] == [False, True]
    finally:
        feed.close()
        wiring.close()
        if not own_pg_cluster.accepting:
            own_pg_cluster.start_server()
        own_pg_cluster.drop_database("feed_restart")
