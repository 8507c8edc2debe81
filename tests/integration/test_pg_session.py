"""PostgreSQL sessions of the pool (persistence/engine.py): the lock timeout every session starts
with, and the ping of a connection that was idle long enough for the server to have gone."""

from __future__ import annotations

import psycopg
import pytest

from bms_desktop.persistence import engine as engine_module
from bms_desktop.persistence.engine import SESSION_LOCK_TIMEOUT_MS
from bms_desktop.services.health import health_of
from tests.support.pgcluster import libpq_url

pytestmark = pytest.mark.postgres


def _backend_pid(uow: object) -> int:
    return int(uow.connection.exec_driver_sql("SELECT pg_backend_pid()").scalar_one())  # type: ignore[attr-defined]


def test_every_session_starts_with_the_usual_lock_timeout_and_a_unit_of_work_keeps_it(pg_url):
    from bms_desktop.app import connect

    wiring = connect(pg_url, pool_size=2)
    try:
        expected = f"{SESSION_LOCK_TIMEOUT_MS // 1000}s"
        with wiring.box.uows() as uow:
            assert uow.connection.exec_driver_sql("SHOW lock_timeout").scalar_one() == expected
        with wiring.box.uows(write=True) as uow:  # the usual timeout: no SET LOCAL needed
            assert uow.connection.exec_driver_sql("SHOW lock_timeout").scalar_one() == expected
        with wiring.box.uows(write=True, lock_timeout_ms=150) as uow:  # its own, this once
            assert uow.connection.exec_driver_sql("SHOW lock_timeout").scalar_one() == "150ms"
        with wiring.box.uows(write=True) as uow:  # and the next one has the usual again
            assert uow.connection.exec_driver_sql("SHOW lock_timeout").scalar_one() == expected
    finally:
        wiring.close()


def test_a_connection_idle_long_enough_is_pinged_and_replaced_when_the_server_dropped_it(
    pg_url, monkeypatch
):
    """The server ended the pooled connection while it was idle (a restart, an idle timeout):
    the next unit of work gets a new one from the pool and never sees the dead one."""
    from bms_desktop.app import connect

    wiring = connect(pg_url, pool_size=1)
    try:
        with wiring.box.uows() as uow:
            dead = _backend_pid(uow)
        with psycopg.connect(libpq_url(pg_url), autocommit=True) as killer:  # outside the pool
            killer.execute("SELECT pg_terminate_backend(%s)", (dead,))
        monkeypatch.setattr(engine_module, "PING_IF_IDLE_S", -1.0)  # every checkout: "idle"
        told: list[bool] = []
        unsubscribe = health_of(wiring.box.uows).subscribe(lambda ok, _s: told.append(ok))
        with wiring.box.uows(write=True) as uow:
            assert _backend_pid(uow) != dead
            uow.settings.put("after.ping", "1")
            uow.commit()
        unsubscribe()
        assert told == []  # nobody was told of a lost connection
    finally:
        wiring.close()
