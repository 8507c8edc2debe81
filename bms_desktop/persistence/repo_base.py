"""The base of every SQL repository: one connection of a unit of work, the hot path on its DBAPI
cursor, and ``SqlRepo._exec``, through which every statement runs (driver errors translated, a
lost connection of a read unit of work recovered).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError, IntegrityError

from bms_desktop.persistence.errors import translate_error
from bms_desktop.persistence.hotpath import HotPath, is_plain_read


class SeatLike(Protocol):
    """A seat to insert: ``NewSeat`` (catalog) and ``LayoutSeat`` (the layout editor) both are."""

    @property
    def row_label(self) -> str: ...
    @property
    def number(self) -> int: ...
    @property
    def label(self) -> str: ...
    @property
    def row(self) -> int: ...
    @property
    def col(self) -> int: ...
    @property
    def seat_type(self) -> str: ...
    @property
    def accessible(self) -> bool: ...
    @property
    def companion(self) -> bool: ...
    @property
    def blocked(self) -> bool: ...


def seat_rows(screen_id: int, seats: Sequence[SeatLike], **extra: object) -> list[dict[str, Any]]:
    """The ``seats`` table rows of a screen's seats (one executemany), with ``extra`` columns."""
    return [
        {
            "screen_id": screen_id,
            "row_label": s.row_label,
            "number": s.number,
            "label": s.label,
            "row_idx": s.row,
            "col_idx": s.col,
            "seat_type": s.seat_type,
            "accessible": s.accessible,
            "companion": s.companion,
            "blocked": s.blocked,
            **extra,
        }
        for s in seats
    ]


class SqlRepo:
    def __init__(self, conn: Connection, dialect: str, hot: HotPath | None = None) -> None:
        self.conn = conn
        self.dialect = dialect
        # The hot statements of a sale, on the DBAPI cursor of this same connection (hotpath.py).
        self.hot = hot if hot is not None else HotPath(conn, dialect)

    def _exec(self, stmt: Any, params: Any = None) -> Any:
        """Run a statement; driver errors become StorageErrors (an IntegrityError stays one: the
        caller may catch it where a constraint decides an outcome; the unit of work translates
        it if nobody does). A read unit of work that lost its connection reconnects and runs
        the statement again (``HotPath.recover``)."""
        hot = self.hot
        plain_read = is_plain_read(stmt)
        hot.check_may_run(plain_read)
        while True:
            hot.ensure_transaction()  # autobegin, with the unit of work's lock timeout
            try:
                result = (
                    self.conn.execute(stmt, params)
                    if params is not None
                    else self.conn.execute(stmt)
                )
            except IntegrityError:
                raise
            except DBAPIError as exc:
                if not hot.recover(exc):
                    raise translate_error(exc) from exc
                continue
            hot.account(plain_read)
            return result
