"""Helpers for the admin console's tests: contexts per role, a snapshot of the whole database
(to prove that a refusal changed nothing), and the audit rows of an action."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select

from bms_desktop.domain.errors import PermissionDenied
from bms_desktop.domain.model import Role
from bms_desktop.persistence import tables
from bms_desktop.services.context import BoxOffice, CounterContext
from bms_desktop.services.ports import AuditRecord


def as_role(role: Role, counter: str = "Back office") -> CounterContext:
    return CounterContext(counter, None, f"{role.value.lower()}1", role)


ADMIN = as_role(Role.ADMIN)
SUPERVISOR = as_role(Role.SUPERVISOR)
CLERK = as_role(Role.CLERK)


def snapshot(box: BoxOffice) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in primary-key order."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    with box.uows() as uow:
        conn = uow.connection  # type: ignore[attr-defined]
        for name, table in tables.metadata.tables.items():
            order = list(table.primary_key.columns) or list(table.columns)
            out[name] = [tuple(r) for r in conn.execute(select(table).order_by(*order))]
    return out


def assert_refused_and_unchanged(
    box: BoxOffice, call: Callable[[], object], error: type[Exception] = Exception, match: str = ""
) -> Exception:
    """``call()`` raises ``error`` (matching ``match``) and the database is exactly as before."""
    before = snapshot(box)
    with pytest.raises(error, match=match or None) as info:  # type: ignore[call-overload]
        call()
    assert snapshot(box) == before
    return info.value  # type: ignore[no-any-return]


def assert_roles_refused(box: BoxOffice, call: Callable[[CounterContext], object]) -> None:
    """A clerk and a supervisor are refused (PermissionDenied) and nothing changes."""
    for ctx in (CLERK, SUPERVISOR):
        err = assert_refused_and_unchanged(box, lambda c=ctx: call(c), PermissionDenied)
        assert ctx.username in str(err)


def audit_rows(box: BoxOffice, action: str) -> list[AuditRecord]:
    with box.uows() as uow:
        rows = uow.audit.recent(limit=2000)
    return [r for r in reversed(rows) if r.action == action]


def tiny_png(width: int = 40, height: int = 60) -> bytes:
    """A real (grey) PNG image of this size, made without Qt."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    raw = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def tiny_jpeg_header(width: int, height: int) -> bytes:
    """The start of a JPEG file (SOI, an APP0 segment, a SOF0 frame header) of this size."""
    import struct

    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    sof = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    return b"\xff\xd8" + app0 + sof + b"\xff\xd9"
