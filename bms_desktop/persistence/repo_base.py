"""The base of every SQL repository: one connection of a unit of work, the hot path on its DBAPI
cursor, and ``SqlRepo._exec``, through which every statement runs (driver errors translated, a
lost connection of a read unit of work recovered).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError, IntegrityError

from bms_desktop.persistence.errors import translate_error
from bms_desktop.persistence.hotpath import HotPath, is_plain_read


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
            hot.account(is_plain_read(stmt))
            return result
