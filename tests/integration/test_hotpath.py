"""The hot path (``persistence/hotpath.py``) stores and reads exactly what SQLAlchemy's column
types would, and fails the way the SQLAlchemy path fails, on SQLite and PostgreSQL.

Other queries compare the stored values (on SQLite as text: ``hold_expires_at > ?``), so the
check is byte for byte: every value the hot path writes is compared with what the column type's
bind processor would hand the driver for the same Python value."""

from __future__ import annotations

import random
import threading
import time
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Table, select
from sqlalchemy.exc import IntegrityError, OperationalError

from bms_desktop.domain.rules import generate_ticket_code
from bms_desktop.persistence import tables as t
from bms_desktop.persistence.hotpath import (
    money_in,
    money_out,
    sqlite_time_in,
    sqlite_time_out,
)
from bms_desktop.persistence.repositories import _ticket
from bms_desktop.persistence.types import Money, UtcDateTime
from bms_desktop.services.ports import (
    AuditRecord,
    ClaimConflict,
    ClaimSpec,
    NewPayment,
    NewTicket,
    StorageBusy,
    StorageUnavailable,
)
from tests.support.builders import build_world

IST = timezone(timedelta(hours=5, minutes=30))
TK, SS, TS, PM, AU = (
    t.metadata.tables[n]
    for n in ("tickets", "show_seats", "ticket_seats", "payments", "audit_events")
)


def _bound(table: Table, column: str, value: Any, dialect: Any) -> Any:
    """What SQLAlchemy hands the driver for ``value`` in this column."""
    processor = table.c[column].type.dialect_impl(dialect).bind_processor(dialect)
    return value if processor is None else processor(value)


def _raw(conn: Any, table: Table, row_id: int, columns: list[str]) -> dict[str, Any]:
    """The stored values as the driver returns them, without any SQLAlchemy type processing."""
    mark = "?" if conn.dialect.name == "sqlite" else "%s"
    row = conn.exec_driver_sql(
        f"SELECT {', '.join(columns)} FROM {table.name} WHERE id = {mark}", (row_id,)
    ).one()
    return dict(zip(columns, row, strict=True))


def _sqlite_types(conn: Any, table: Table, row_id: int, columns: list[str]) -> dict[str, str]:
    row = conn.exec_driver_sql(
        f"SELECT {', '.join(f'typeof({c})' for c in columns)} FROM {table.name} WHERE id = ?",
        (row_id,),
    ).one()
    return dict(zip(columns, row, strict=True))


# --------------------------------------------------------------------------- conversions


@pytest.mark.parametrize("seed", range(3))
def test_sqlite_datetime_text_is_sqlalchemys_byte_for_byte(seed):
    from sqlalchemy.dialects import sqlite

    dialect = sqlite.dialect()
    processor = UtcDateTime().dialect_impl(dialect).bind_processor(dialect)
    assert processor is not None
    rng = random.Random(seed)
    values = [
        datetime(2030, 3, 4, 4, 30, tzinfo=UTC),  # no microseconds: still six digits
        datetime(2030, 3, 4, 10, 0, 0, 7, tzinfo=IST),  # another zone: converted to UTC
        datetime(999, 1, 1, 0, 0, tzinfo=UTC),  # a year below 1000: zero-padded
        datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
    ] + [
        datetime(2000, 1, 1, tzinfo=UTC) + timedelta(microseconds=rng.randrange(10**16))
        for _ in range(500)
    ]
    for value in values:
        stored = processor(value)
        assert sqlite_time_in(value) == stored
        back = sqlite_time_out(stored)
        assert back == value and back is not None and back.tzinfo is UTC


def test_a_naive_datetime_is_refused_like_the_column_type_refuses_it():
    with pytest.raises(ValueError, match="naive"):
        sqlite_time_in(datetime(2030, 1, 1))


@pytest.mark.parametrize("seed", range(3))
def test_money_is_stored_and_read_as_scaled_does(seed):
    rng = random.Random(seed)
    values = [Decimal("0"), Decimal("0.005"), Decimal("2.675"), Decimal("234"), Decimal("1e3")] + [
        Decimal(rng.randrange(10**9)) / Decimal(10 ** rng.randrange(0, 5)) for _ in range(500)
    ]
    for value in values:
        stored = Money.process_bind_param(value, None)  # type: ignore[arg-type]
        assert money_in(value) == stored
        expected = Money.process_result_value(stored, None)  # type: ignore[arg-type]
        got = money_out(stored)  # type: ignore[arg-type]
        assert got == expected
        assert str(got) == str(expected)  # the same exponent: two places


# --------------------------------------------------------------------------- stored values


def _new_ticket(world: Any, now: datetime, **kw: Any) -> NewTicket:
    fields: dict[str, Any] = {
        "code": generate_ticket_code(),
        "show_id": world.show_id,
        "counter": "Counter 1",
        "staff_id": None,
        "strategy": "pessimistic",
        "seat_count": 2,
        "subtotal": Decimal("234.50"),
        "discount": Decimal("0.005"),  # rounds half-up to 1 paisa
        "total": Decimal("234.495"),
        "hold_expires_at": now + timedelta(minutes=5, microseconds=123),
        "created_at": now,
        "customer_name": "Asha",
        "customer_phone": "9845012345",
    }
    fields.update(kw)
    return NewTicket(**fields)


def test_every_value_written_by_the_hot_path_is_what_sqlalchemy_would_store(box, wiring):
    world = build_world(box)
    now = datetime(2030, 3, 4, 4, 30, tzinfo=UTC)  # microsecond 0: the tricky case on SQLite
    a, b = world.seat_ids[:2]
    with box.uows(write=True) as uow:
        conn = uow.connection
        dialect = conn.dialect
        new = _new_ticket(world, now)
        tid = uow.booking.create_ticket(new)
        expires = new.hold_expires_at
        assert uow.booking.mark_held(tid, "Counter 1", expires, now, {a: 1, b: None}) == {a, b}
        seats = uow.booking.seats(world.show_id, (a, b), lock=True)
        for sid in (a, b):
            held = _raw(conn, SS, sid, ["status", "version", "ticket_id", "counter",
                                        "hold_expires_at"])  # fmt: skip
            assert held == {
                "status": "HELD",
                "version": 2,
                "ticket_id": tid,
                "counter": "Counter 1",
                "hold_expires_at": _bound(SS, "hold_expires_at", expires, dialect),
            }
        uow.booking.claim(
            tid, [ClaimSpec(s.show_seat_id, s.label, s.seat_type, s.price) for s in seats]
        )
        details = {"seats": ["A1", "A2"], "z": Decimal("1.5")}
        uow.audit.add(AuditRecord(at=now, action="HOLD", counter="Counter 1", entity="ticket",
                                  entity_id=str(tid), show_id=world.show_id,
                                  details=details))  # fmt: skip
        confirmed_at = now + timedelta(seconds=1)
        assert uow.booking.confirm(tid, confirmed_at)
        pay = uow.booking.add_payment(
            NewPayment(ticket_id=tid, kind="PAYMENT", mode="CASH", status="SUCCESS",
                       amount=Decimal("234.49"), created_at=confirmed_at.astimezone(IST),
                       counter="Counter 1", staff_id=None, reference="r-1",
                       tendered=Decimal("500"), change_due=Decimal("265.51"))
        )  # fmt: skip

        ticket_cols = [
            "subtotal", "discount", "total", "hold_expires_at", "created_at", "confirmed_at",
            "cancelled_at", "status", "code", "customer_phone",
        ]  # fmt: skip
        raw = _raw(conn, TK, tid, ticket_cols)
        expected = {
            "subtotal": _bound(TK, "subtotal", new.subtotal, dialect),
            "discount": _bound(TK, "discount", new.discount, dialect),
            "total": _bound(TK, "total", new.total, dialect),
            "hold_expires_at": _bound(TK, "hold_expires_at", expires, dialect),
            "created_at": _bound(TK, "created_at", now, dialect),
            "confirmed_at": _bound(TK, "confirmed_at", confirmed_at, dialect),
            "cancelled_at": None,
            "status": "CONFIRMED",
            "code": new.code,
            "customer_phone": "9845012345",
        }
        assert raw == expected
        assert raw["discount"] == 1 and raw["total"] == 23450

        for sid in (a, b):
            seat = _raw(conn, SS, sid, ["status", "version", "ticket_id", "counter",
                                        "hold_expires_at", "price"])  # fmt: skip
            assert seat["status"] == "SOLD" and seat["hold_expires_at"] is None
            assert (seat["version"], seat["ticket_id"], seat["counter"]) == (3, tid, "Counter 1")

        claim_ids = [
            r[0]
            for r in conn.execute(select(TS.c.id).where(TS.c.ticket_id == tid).order_by(TS.c.id))
        ]
        for claim_id, s in zip(claim_ids, seats, strict=True):
            claim = _raw(
                conn, TS, claim_id, ["show_seat_id", "label", "seat_type", "price", "live"]
            )
            assert claim == {
                "show_seat_id": s.show_seat_id,
                "label": s.label,
                "seat_type": s.seat_type,
                "price": _bound(TS, "price", s.price, dialect),
                "live": _bound(TS, "live", True, dialect),
            }

        pay_cols = ["amount", "tendered", "change_due", "created_at", "mode", "kind", "reference"]
        assert _raw(conn, PM, pay, pay_cols) == {
            "amount": _bound(PM, "amount", Decimal("234.49"), dialect),
            "tendered": _bound(PM, "tendered", Decimal("500"), dialect),
            "change_due": _bound(PM, "change_due", Decimal("265.51"), dialect),
            "created_at": _bound(PM, "created_at", confirmed_at, dialect),
            "mode": "CASH",
            "kind": "PAYMENT",
            "reference": "r-1",
        }

        audit_id = conn.execute(select(AU.c.id).order_by(AU.c.id.desc()).limit(1)).scalar_one()
        assert _raw(conn, AU, audit_id, ["at", "details", "show_id", "entity_id"]) == {
            "at": _bound(AU, "at", now, dialect),
            "details": '{"seats": ["A1", "A2"], "z": "1.5"}',
            "show_id": world.show_id,
            "entity_id": str(tid),
        }

        if dialect.name == "sqlite":
            assert set(_sqlite_types(conn, TK, tid, ticket_cols[:5]).values()) == {
                "integer",
                "text",
            }
            assert _sqlite_types(conn, TK, tid, ["total", "created_at"]) == {
                "total": "integer",
                "created_at": "text",
            }
            assert _sqlite_types(conn, TS, claim_ids[0], ["price", "live"]) == {
                "price": "integer",
                "live": "integer",
            }


def test_the_hot_path_reads_what_sqlalchemy_reads(box, wiring):
    world = build_world(box)
    now = box.now()
    with box.uows(write=True) as uow:
        new = _new_ticket(world, now, hold_expires_at=now + timedelta(minutes=5, microseconds=7))
        tid = uow.booking.create_ticket(new)
        uow.booking.mark_held(
            tid, "Counter 1", new.hold_expires_at, now, dict.fromkeys(world.seat_ids[:3])
        )
        uow.commit()
    with box.uows() as uow:
        conn = uow.connection
        ticket_cols = [TK.c[name] for name in (
            "id", "code", "show_id", "status", "counter", "staff_id", "strategy", "customer_name",
            "customer_phone", "seat_count", "subtotal", "discount", "total", "coupon_id",
            "hold_expires_at", "created_at", "confirmed_at", "cancelled_at")]  # fmt: skip
        expected_ticket = _ticket(conn.execute(select(*ticket_cols).where(TK.c.id == tid)).one())
        assert uow.booking.ticket(tid) == expected_ticket
        assert expected_ticket.hold_expires_at == new.hold_expires_at
        assert uow.booking.ticket(10**9) is None

        seats = uow.booking.seats(world.show_id, world.seat_ids[:4], lock=False)
        rows = conn.execute(
            select(SS.c.id, SS.c.price, SS.c.status, SS.c.version, SS.c.ticket_id,
                   SS.c.hold_expires_at)
            .where(SS.c.id.in_(world.seat_ids[:4])).order_by(SS.c.id)
        ).all()  # fmt: skip
        assert [
            (s.show_seat_id, s.price, s.status, s.version, s.ticket_id, s.hold_expires_at)
            for s in seats
        ] == [tuple(r) for r in rows]
        assert [s.hold_expires_at for s in seats[:3]] == [new.hold_expires_at] * 3
        assert uow.booking.seats(world.show_id, [], lock=False) == []

        se = t.metadata.tables["seats"]
        expected_map = conn.execute(
            select(SS.c.id, SS.c.seat_id, se.c.label, se.c.row_label, se.c.number, se.c.col_idx,
                   se.c.row_idx, se.c.seat_type, SS.c.price, SS.c.status, SS.c.version,
                   se.c.accessible, se.c.companion, SS.c.ticket_id, SS.c.counter,
                   SS.c.hold_expires_at)
            .select_from(SS.join(se, se.c.id == SS.c.seat_id))
            .where(SS.c.show_id == world.show_id)
            .order_by(se.c.row_idx, se.c.col_idx)
        ).all()  # fmt: skip
        got_map = uow.queries.seat_map_rows(world.show_id)
        assert [tuple(getattr(r, f) for f in r.__slots__) for r in got_map] == [
            tuple(r) for r in expected_map
        ]
        assert len(got_map) == len(world.seat_ids) and got_map[0].accessible is False
        assert sum(r.hold_expires_at == new.hold_expires_at for r in got_map) == 3

        states = uow.booking.seat_states(world.show_id)
        expected_states = conn.execute(
            select(SS.c.id, SS.c.status, SS.c.version, SS.c.hold_expires_at)
            .where(SS.c.show_id == world.show_id).order_by(SS.c.id)
        ).all()  # fmt: skip
        assert [tuple(getattr(r, f) for f in r.__slots__) for r in states] == [
            tuple(r) for r in expected_states
        ]
        assert [s.status for s in states].count("HELD") == 3
        assert uow.booking.seat_states(10**9) == []

        info = uow.booking.show_info(world.show_id)
        assert info is not None and info.show_id == world.show_id
        starts = conn.execute(
            select(t.metadata.tables["shows"].c.starts_at).where(
                t.metadata.tables["shows"].c.id == world.show_id
            )
        ).scalar_one()
        assert info.starts_at == starts and info.starts_at.tzinfo is UTC
        assert uow.booking.show_info(10**9) is None


# --------------------------------------------------------------------------- errors


def test_a_constraint_other_than_the_claim_index_raises_sqlalchemys_integrity_error(box):
    world = build_world(box)
    now = box.now()
    with box.uows(write=True) as uow, pytest.raises(IntegrityError, match="seat_count"):
        uow.booking.create_ticket(_new_ticket(world, now, seat_count=11))


def test_a_second_live_claim_is_a_claim_conflict_and_the_transaction_can_roll_back(box):
    world = build_world(box)
    now = box.now()
    seat = world.seat_ids[0]
    with box.uows(write=True) as uow:
        tid = uow.booking.create_ticket(_new_ticket(world, now, seat_count=1))
        uow.booking.claim(tid, [ClaimSpec(seat, "A1", "GOLD", Decimal("100"))])
        uow.commit()
    with box.uows(write=True) as uow:
        other = uow.booking.create_ticket(_new_ticket(world, now, seat_count=2))
        with pytest.raises(ClaimConflict) as err:
            uow.booking.claim(
                other,
                [
                    ClaimSpec(world.seat_ids[1], "A2", "GOLD", Decimal("100")),
                    ClaimSpec(seat, "A1", "GOLD", Decimal("100")),
                ],
            )
        assert err.value.show_seat_ids == (world.seat_ids[1], seat)
        assert isinstance(err.value.__cause__, IntegrityError)
        uow.rollback()
    with box.uows() as uow:
        assert uow.booking.live_claim_owners(world.seat_ids[:2]) == {seat: "Counter 1"}


@pytest.mark.postgres
def test_postgresql_lock_timeout_on_a_locked_seat_is_storage_busy(pg_url, clock):
    from bms_desktop.app import connect

    wiring = connect(pg_url)
    box = wiring.box
    box.clock = clock
    try:
        world = build_world(box)
        ids = world.seat_ids[:2]
        with box.uows(write=True) as holder:
            holder.booking.seats(world.show_id, ids, lock=True)
            with (
                box.uows(write=True, lock_timeout_ms=150) as waiter,
                pytest.raises(StorageBusy),
            ):
                waiter.booking.seats(world.show_id, ids, lock=True)
        # both connections went back to the pool in a usable state
        with box.uows(write=True) as uow:
            assert len(uow.booking.seats(world.show_id, ids, lock=True)) == 2
    finally:
        wiring.close()


@pytest.mark.postgres
def test_postgresql_lock_timeout_holds_in_every_transaction_of_a_unit_of_work(pg_url, clock):
    """Used again after commit, a write unit of work begins a new transaction with its lock
    timeout again (SET LOCAL lasts one transaction)."""
    from bms_desktop.app import connect

    wiring = connect(pg_url)
    box = wiring.box
    box.clock = clock
    try:
        world = build_world(box)
        ids = world.seat_ids[:2]
        with box.uows(write=True) as holder:
            holder.booking.seats(world.show_id, ids, lock=True)
            with box.uows(write=True, lock_timeout_ms=150) as waiter:
                waiter.settings.put("first", "1")
                waiter.commit()
                started = time.monotonic()
                with pytest.raises(StorageBusy):  # hot path, in the second transaction
                    waiter.booking.seats(world.show_id, ids, lock=True)
                assert time.monotonic() - started < 3.0
                waiter.rollback()
                waiter.settings.get("first")  # SQLAlchemy path: begins the third transaction
                started = time.monotonic()
                with pytest.raises(OperationalError, match="lock timeout"):
                    waiter.connection.exec_driver_sql(
                        f"SELECT 1 FROM show_seats WHERE id = {int(ids[0])} FOR UPDATE"
                    )
                assert time.monotonic() - started < 3.0
                waiter.rollback()
        with box.uows() as uow:
            assert uow.settings.get("first") == "1"
    finally:
        wiring.close()


@pytest.mark.postgres
def test_postgresql_lost_connection_repeats_a_read_and_refuses_after_a_write(pg_url, clock):
    """A read unit of work whose connection is killed begins again on a new connection and
    repeats the read (nothing but plain reads ran: nobody can tell); one that already wrote gets
    StorageUnavailable (its transaction died with the connection: nothing was saved)."""
    from bms_desktop.app import connect

    wiring = connect(pg_url, pool_size=1)
    box = wiring.box
    box.clock = clock

    def kill(uow: object) -> None:
        pid = uow.connection.exec_driver_sql("SELECT pg_backend_pid()").scalar_one()  # type: ignore[attr-defined]
        with wiring.engines.read.connect() as killer:
            killer.exec_driver_sql(f"SELECT pg_terminate_backend({int(pid)})")
            killer.commit()

    try:
        world = build_world(box)
        with box.uows() as uow:
            kill(uow)
            assert len(uow.booking.seats(world.show_id, world.seat_ids[:1], lock=False)) == 1
        with box.uows(write=True) as uow:
            uow.settings.put("written", "1")
            kill(uow)
            with pytest.raises(StorageUnavailable):
                uow.booking.seats(world.show_id, world.seat_ids[:1], lock=False)
        with box.uows() as uow:  # the pool gave a fresh connection; the write was not saved
            assert len(uow.booking.seats(world.show_id, world.seat_ids[:1], lock=False)) == 1
            assert uow.settings.get("written") is None
    finally:
        wiring.close()


def test_units_of_work_in_threads_each_use_their_own_cursor(box):
    world = build_world(box)
    errors: list[BaseException] = []

    def read() -> None:
        try:
            for _ in range(30):
                with box.uows() as uow:
                    assert (
                        len(uow.booking.seats(world.show_id, world.seat_ids[:5], lock=False)) == 5
                    )
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=read) for _ in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert errors == []
