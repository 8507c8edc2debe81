"""Upgrading a database that holds a box office's data, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from bms_desktop.persistence.engine import create_engines
from bms_desktop.persistence.migrate import downgrade, schema_status, upgrade

T0 = "2030-01-01 10:00:00"

ROWS_0001 = [
    "INSERT INTO seat_types (code, name, base_price, rank, active) "
    "VALUES ('GOLD', 'Gold', 10000, 0, true)",
    "INSERT INTO cities (id, name, state) VALUES (1, 'Pune', 'MH')",
    "INSERT INTO theaters (id, city_id, name, address, timezone, active) "
    "VALUES (1, 1, 'Aurora', 'FC Road', 'Asia/Kolkata', true)",
    "INSERT INTO screens (id, theater_id, name, layout_text, active) "
    "VALUES (1, 1, 'S1', 'A: gg', true)",
    "INSERT INTO seats (id, screen_id, row_label, number, label, row_idx, col_idx, seat_type, "
    "accessible, companion, blocked) VALUES "
    "(1, 1, 'A', 1, 'A1', 0, 0, 'GOLD', false, false, false), "
    "(2, 1, 'A', 2, 'A2', 0, 1, 'GOLD', false, false, false)",
    "INSERT INTO movies (id, title, languages, genre, rating, certificate, runtime_min, synopsis, "
    "active) VALUES (1, 'Film', 'Hindi', 'Drama', 80, 'U', 120, '', true)",
    f"INSERT INTO shows (id, movie_id, screen_id, starts_at, ends_at, language, format, scratch, "
    f"created_at) VALUES (1, 1, 1, '{T0}', '2030-01-01 12:00:00', 'Hindi', '2D', false, '{T0}')",
    f"INSERT INTO staff (id, username, full_name, role, password_hash, active, failed_logins, "
    f"created_at) VALUES (1, 'asha', 'Asha', 'CLERK', 'x', true, 0, '{T0}')",
    f"INSERT INTO tickets (id, code, show_id, status, counter, staff_id, strategy, seat_count, "
    f"subtotal, discount, total, created_at, confirmed_at) VALUES (1, 'BMS-1', 1, 'CONFIRMED', "
    f"'Counter 1', 1, 'pessimistic', 1, 10000, 0, 10000, '{T0}', '{T0}')",
    "INSERT INTO show_seats (id, show_id, seat_id, status, price, version, ticket_id) VALUES "
    "(1, 1, 1, 'SOLD', 10000, 2, 1)",
    "INSERT INTO show_seats (id, show_id, seat_id, status, price, version) VALUES "
    "(2, 1, 2, 'AVAILABLE', 10000, 1)",
    "INSERT INTO ticket_seats (id, ticket_id, show_seat_id, label, seat_type, price, live) "
    "VALUES (1, 1, 1, 'A1', 'GOLD', 10000, true)",
    f"INSERT INTO payments (id, ticket_id, kind, mode, status, amount, counter, created_at) "
    f"VALUES (1, 1, 'PAYMENT', 'CASH', 'SUCCESS', 10000, 'Counter 1', '{T0}')",
]


@pytest.fixture
def engines(db_url):
    engines = create_engines(db_url)
    yield engines
    engines.dispose()


def _run(engines, *statements: str) -> None:
    with engines.write.connect() as conn:
        for statement in statements:
            conn.execute(text(statement))
        conn.commit()


def _one(engines, query: str):
    with engines.read.connect() as conn:
        return conn.execute(text(query)).one()


def test_upgrading_a_0001_database_keeps_its_sales(engines):
    upgrade(engines, "0001")
    _run(engines, *ROWS_0001)

    upgrade(engines)

    assert schema_status(engines).up_to_date
    assert _one(engines, "SELECT status, admitted_count FROM tickets WHERE id = 1") == (
        "CONFIRMED",
        0,
    )
    assert _one(engines, "SELECT count(*), min(layout_version) FROM seats") == (2, 1)
    assert _one(engines, "SELECT ticket_type FROM ticket_seats WHERE id = 1") == ("ADULT",)
    assert _one(engines, "SELECT count(*) FROM ticket_types WHERE theater_id IS NULL") == (5,)
    assert _one(engines, "SELECT gstin, phone FROM theaters") == ("", "")
    assert _one(engines, "SELECT must_change_password FROM staff") == (False,)
    assert _one(engines, "SELECT active FROM cities") == (True,)


def test_the_upgraded_schema_enforces_the_new_rules(engines):
    upgrade(engines, "0001")
    _run(engines, *ROWS_0001)
    upgrade(engines)

    _run(
        engines,
        f"INSERT INTO staff (id, username, full_name, role, password_hash, active, "
        f"failed_logins, created_at) VALUES (2, 'usha', 'Usha', 'USHER', 'x', true, 0, '{T0}')",
    )
    open_shift = (
        "INSERT INTO counter_sessions (id, counter, staff_id, opened_at, opening_float, notes) "
        f"VALUES ({{staff}}, 'Counter 1', {{staff}}, '{T0}', 0, '')"
    )
    _run(engines, open_shift.format(staff=1))
    with pytest.raises(IntegrityError):  # a second open shift at the same counter
        _run(engines, open_shift.format(staff=2))
    with pytest.raises(IntegrityError):  # more people admitted than the ticket has seats
        _run(engines, "UPDATE tickets SET admitted_count = 2 WHERE id = 1")
    with pytest.raises(IntegrityError):  # a second seat A1 in the same layout version
        _run(
            engines,
            "INSERT INTO seats (id, screen_id, row_label, number, label, row_idx, col_idx, "
            "seat_type, accessible, companion, blocked, layout_version) VALUES "
            "(3, 1, 'A', 1, 'A1', 0, 5, 'GOLD', false, false, false, 1)",
        )
    # ...but a new layout version may reuse the label and the position
    _run(
        engines,
        "INSERT INTO seats (id, screen_id, row_label, number, label, row_idx, col_idx, "
        "seat_type, accessible, companion, blocked, layout_version) VALUES "
        "(4, 1, 'A', 1, 'A1', 0, 0, 'GOLD', false, false, false, 2)",
    )


def test_downgrade_and_upgrade_again_round_trip(engines):
    upgrade(engines, "0001")
    _run(engines, *ROWS_0001)
    upgrade(engines)
    downgrade(engines, "0001")
    assert schema_status(engines).current == "0001"
    assert _one(engines, "SELECT count(*) FROM show_seats") == (2,)
    upgrade(engines)
    assert schema_status(engines).up_to_date
    assert _one(engines, "SELECT count(*) FROM ticket_seats WHERE live") == (1,)
    if engines.dialect == "sqlite":
        with engines.read.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
