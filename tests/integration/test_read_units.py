"""Read units of work (``box.uows()``, ``write=False``) only read, on both engines; on PostgreSQL
they run without a transaction of their own (``engine.Engines.reads``: BEGIN and ROLLBACK cost
two round trips for nothing under READ COMMITTED). The naive strategy's deferred write
transaction (``write=True, deferred=True``) stays one transaction."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bms_desktop.services.ports import ClaimSpec, ReadOnlyUnitOfWork
from tests.support.builders import build_world


def test_a_read_unit_of_work_refuses_to_write_before_anything_runs(box, clock):
    world = build_world(box)
    seat = world.seat_ids[0]  # a show seat id
    with box.uows() as uow:
        with pytest.raises(ReadOnlyUnitOfWork):
            uow.settings.put("read.unit", "1")  # the SQLAlchemy path
        with pytest.raises(ReadOnlyUnitOfWork):  # the hot path
            uow.booking.claim(1, [ClaimSpec(seat, "A1", "REGULAR", Decimal("100.00"))])
        with pytest.raises(ReadOnlyUnitOfWork):  # a row lock is not a plain read either
            uow.booking.seats(world.show_id, [seat], lock=True)
        assert uow.settings.get("read.unit") is None  # and it still reads
    with box.uows() as uow:
        assert uow.settings.get("read.unit") is None
        assert uow.booking.live_claim_owners([seat]) == {}


@pytest.mark.postgres
def test_on_postgresql_a_read_unit_of_work_runs_outside_a_transaction(pg_url):
    from psycopg.pq import TransactionStatus

    from bms_desktop.app import connect

    wiring = connect(pg_url, pool_size=1)
    try:
        with wiring.box.uows() as uow:
            uow.settings.get("anything")
            uow.booking.seat_states(1)
            driver = uow.connection.connection.driver_connection
            assert driver.info.transaction_status == TransactionStatus.IDLE  # no BEGIN was sent
        with wiring.box.uows(write=True) as uow:  # the same pooled connection, in a transaction
            uow.settings.get("anything")
            driver = uow.connection.connection.driver_connection
            assert driver.info.transaction_status == TransactionStatus.INTRANS
        with wiring.box.uows(write=True, deferred=True) as uow:
            uow.settings.put("deferred.one", "1")
            driver = uow.connection.connection.driver_connection
            assert driver.info.transaction_status == TransactionStatus.INTRANS
            uow.rollback()  # one transaction: the rollback takes the write back
        with wiring.box.uows() as uow:
            assert uow.settings.get("deferred.one") is None
    finally:
        wiring.close()
