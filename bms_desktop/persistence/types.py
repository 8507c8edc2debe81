"""Column types that behave the same on SQLite and PostgreSQL.

* ``UtcDateTime``: timezone-aware UTC in Python, naive UTC in the database (SQLite has no
  time zones).
* ``Scaled``: an exact Decimal stored as a scaled integer (money in paise, multipliers in
  thousandths). SQLite has no exact decimal type; integers are exact on both engines, compare fast
  and keep CHECK constraints simple.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import BigInteger, DateTime, Dialect
from sqlalchemy.types import TypeDecorator


class UtcDateTime(TypeDecorator[datetime]):
    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; use an aware UTC datetime")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, str):  # raw SQL results on SQLite
            value = datetime.fromisoformat(value)
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC)


class Scaled(TypeDecorator[Decimal]):
    """Decimal with ``places`` digits after the point, stored as an integer."""

    impl = BigInteger
    cache_ok = True

    def __init__(self, places: int = 2) -> None:
        super().__init__()
        self.places = places
        self._factor = Decimal(10) ** places
        self._quantum = Decimal(1).scaleb(-places)

    def process_bind_param(self, value: Any, dialect: Dialect) -> int | None:
        if value is None:
            return None
        dec = value if isinstance(value, Decimal) else Decimal(str(value))
        return int((dec * self._factor).quantize(Decimal(1), rounding=ROUND_HALF_UP))

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return (Decimal(int(value)) / self._factor).quantize(self._quantum)


def to_scaled(value: Decimal, places: int = 2) -> int:
    """The integer a ``Scaled(places)`` column stores for ``value`` (for raw SQL)."""
    return int((value * (Decimal(10) ** places)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


Money = Scaled(2)
