"""Fixtures for the shift and report GUI tests: an SQLite box office with a cinema, a show, a
clerk and a supervisor (GUI tests run on SQLite; the services are tested on both engines)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from bms_desktop.domain.model import Role
from tests.support.builders import build_world
from tests.support.shift_support import person


@pytest.fixture
def sbox(sqlite_url: str, clock: Any) -> Iterator[Any]:
    from bms_desktop.app import connect

    wiring = connect(sqlite_url)
    wiring.box.clock = clock
    wiring.box.fast_hashing = True
    yield wiring.box
    wiring.close()


@pytest.fixture
def sworld(sbox: Any) -> Any:
    world = build_world(sbox)
    with sbox.uows(write=True) as uow:
        from sqlalchemy import text

        uow.connection.execute(
            text(
                "UPDATE theaters SET address = 'MG Road', gstin = '27AAAPL1234C1ZV', "
                "phone = '+91 22 5555 0101' WHERE id = :t"
            ),
            {"t": world.theater_id},
        )
        uow.commit()
    return world


@pytest.fixture
def people(sbox: Any) -> dict[str, Any]:
    return {"asha": person(sbox, "asha"), "suresh": person(sbox, "suresh", Role.SUPERVISOR)}
