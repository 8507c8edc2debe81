"""The schema as the migrations build it, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, IntegrityError

from bms_desktop.persistence.migrate import head_revision, schema_status
from bms_desktop.persistence.tables import metadata
from tests.support.builders import build_world


def test_models_and_migrations_agree(wiring):
    with wiring.engines.read.connect() as conn:
        diffs = compare_metadata(
            MigrationContext.configure(conn, opts={"compare_type": True}), metadata
        )
    assert diffs == []
    assert schema_status(wiring.engines).current == head_revision()


def _insert_audit(conn) -> None:
    conn.execute(
        text(
            "INSERT INTO audit_events (at, username, counter, action, entity, entity_id, details)"
            " VALUES (:at, 'u', 'c', 'TEST', 'e', '1', '{}')"
        ),
        {"at": "2030-01-01 00:00:00"},
    )


@pytest.mark.parametrize(
    "statement", ["UPDATE audit_events SET action = 'X'", "DELETE FROM audit_events"]
)
def test_audit_rows_can_be_neither_updated_nor_deleted(wiring, statement):
    with wiring.engines.write.connect() as conn:
        conn.begin()
        _insert_audit(conn)
        conn.commit()
        conn.begin()
        with pytest.raises(DBAPIError, match="append-only"):
            conn.execute(text(statement))
        conn.rollback()
        conn.begin()
        assert conn.execute(text("SELECT count(*), min(action) FROM audit_events")).one() == (
            1,
            "TEST",
        )
        conn.rollback()


def test_a_show_seat_can_have_only_one_live_ticket_seat(box, wiring):
    world = build_world(box)
    seat = world.seat_ids[0]
    now = "2030-01-01 00:00:00"
    with wiring.engines.write.connect() as conn:
        conn.begin()
        ids = []
        for code in ("T-1", "T-2"):
            ids.append(
                conn.execute(
                    text(
                        "INSERT INTO tickets (code, show_id, status, counter, strategy, seat_count,"
                        " subtotal, discount, total, created_at) VALUES (:c, :s, 'CONFIRMED', 'x',"
                        " 'thread', 1, 100, 0, 100, :now) RETURNING id"
                    ),
                    {"c": code, "s": world.show_id, "now": now},
                ).scalar_one()
            )
        ins = text(
            "INSERT INTO ticket_seats (ticket_id, show_seat_id, label, seat_type, price, live)"
            " VALUES (:t, :ss, 'A1', 'GOLD', 100, :live)"
        )
        conn.execute(ins, {"t": ids[0], "ss": seat, "live": True})
        conn.execute(ins, {"t": ids[1], "ss": seat, "live": False})  # a dead claim is history
        with pytest.raises(IntegrityError):
            conn.execute(ins, {"t": ids[1], "ss": seat, "live": True})
        conn.rollback()


@pytest.mark.parametrize(
    ("statement", "constraint"),
    [
        ("UPDATE show_seats SET price = -1", "price"),
        ("UPDATE show_seats SET status = 'LOST'", "status"),
        ("UPDATE show_seats SET status = 'SOLD'", "owner"),
        ("UPDATE movies SET rating = 101", "rating"),
    ],
)
def test_database_checks_refuse_nonsense(box, wiring, statement, constraint):
    build_world(box)
    with wiring.engines.write.connect() as conn:
        conn.begin()
        with pytest.raises(IntegrityError) as err:
            conn.execute(text(statement))
        assert constraint in str(err.value).lower()
        conn.rollback()


def test_the_head_revision_constant_matches_the_migration_scripts():
    from bms_desktop.persistence.migrate import HEAD_REVISION, alembic_head_revision

    assert alembic_head_revision() == HEAD_REVISION
