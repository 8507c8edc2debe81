"""The cash drawer: Indian notes and coins, counting a drawer, what it should hold, business days.

Pure Python. Money is ``Decimal`` with two places (paise); nothing here reads a clock.

What a drawer should hold is computed from rows, never kept as a running total::

    expected = opening float + cash taken - cash refunded - drops + top-ups

"cash taken" is the cash a sale *kept*: a sale of 420.00 paid with a 500 note stores 420.00 (the
500 tendered and the 80.00 change are recorded beside it), so the change handed back is already
out of the sum.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bms_desktop.domain.errors import ValidationError

PAISA = Decimal("0.01")
ZERO = Decimal("0.00")
MAX_DRAWER = Decimal("10000000.00")  # one crore: more is a typing mistake, not a drawer


@dataclass(frozen=True, slots=True)
class Denomination:
    key: str  # stored in the count's JSON: "N500" (note), "C10" (coin)
    value: Decimal
    coin: bool

    @property
    def label(self) -> str:
        return f"₹{self.value:,.0f} {'coin' if self.coin else 'note'}"


# Indian currency in circulation (the ₹2000 note was withdrawn from circulation in 2023; it stays
# legal tender, and a drawer that holds one is counted with "other" or as a total).
DENOMINATIONS: tuple[Denomination, ...] = (
    Denomination("N500", Decimal("500"), coin=False),
    Denomination("N200", Decimal("200"), coin=False),
    Denomination("N100", Decimal("100"), coin=False),
    Denomination("N50", Decimal("50"), coin=False),
    Denomination("N20", Decimal("20"), coin=False),
    Denomination("N10", Decimal("10"), coin=False),
    Denomination("C20", Decimal("20"), coin=True),
    Denomination("C10", Decimal("10"), coin=True),
    Denomination("C5", Decimal("5"), coin=True),
    Denomination("C2", Decimal("2"), coin=True),
    Denomination("C1", Decimal("1"), coin=True),
)
BY_KEY: dict[str, Denomination] = {d.key: d for d in DENOMINATIONS}
MAX_PIECES = 100_000


def money(value: object, what: str, *, field: str | None = None, positive: bool = False) -> Decimal:
    """An amount a person typed: '1,250.5' -> Decimal('1250.50'). ValidationError, naming
    ``what``, for text that is not an amount, a negative amount (or zero when ``positive``), more
    than two decimals or more than a drawer can hold."""
    text = str(value).strip().replace(",", "").replace("₹", "") if value is not None else ""
    if not text:
        raise ValidationError(f"enter {what}", field=field)
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ValidationError(f"{what} '{value}' is not an amount", field=field) from None
    if not amount.is_finite():
        raise ValidationError(f"{what} '{value}' is not an amount", field=field)
    if amount != amount.quantize(PAISA):
        raise ValidationError(f"{what} has more than two decimals (paise)", field=field)
    if amount < 0 or (positive and amount == 0):
        raise ValidationError(
            f"{what} must be more than zero" if positive else f"{what} cannot be negative",
            field=field,
        )
    if amount > MAX_DRAWER:
        raise ValidationError(f"{what} {amount:,.2f} is more than a drawer holds", field=field)
    return amount.quantize(PAISA)


@dataclass(frozen=True, slots=True)
class CashCount:
    """A counted drawer: pieces per denomination plus ``other`` (what fits no denomination), or
    only a total (``pieces`` empty, ``by_denomination`` False)."""

    total: Decimal
    pieces: tuple[tuple[str, int], ...] = ()
    other: Decimal = ZERO
    by_denomination: bool = False

    def to_json(self) -> str:
        if not self.by_denomination:
            return json.dumps({"mode": "total", "total": str(self.total)})
        return json.dumps(
            {
                "mode": "denominations",
                "pieces": {k: n for k, n in self.pieces if n},
                "other": str(self.other),
                "total": str(self.total),
            },
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, text: str) -> CashCount | None:
        if not text:
            return None
        try:
            raw = json.loads(text)
            total = Decimal(str(raw["total"]))
            if raw.get("mode") != "denominations":
                return cls(total=total)
            pieces = tuple((d.key, int(raw.get("pieces", {}).get(d.key, 0))) for d in DENOMINATIONS)
            return cls(total, pieces, Decimal(str(raw.get("other", "0"))), True)
        except (ValueError, KeyError, TypeError, InvalidOperation):
            return None


def count_by_denomination(pieces: Mapping[str, int], other: Decimal = ZERO) -> CashCount:
    """The drawer counted note by note: ValidationError for an unknown denomination or a count
    that is negative or absurd."""
    for key, n in pieces.items():
        if key not in BY_KEY:
            raise ValidationError(f"unknown denomination {key}", field="count")
        if not isinstance(n, int) or n < 0:
            raise ValidationError(f"the count of {BY_KEY[key].label}s cannot be {n}", field=key)
        if n > MAX_PIECES:
            raise ValidationError(f"{n:,} {BY_KEY[key].label}s is not a drawer", field=key)
    if other < 0:
        raise ValidationError("other cash cannot be negative", field="other")
    total = sum((BY_KEY[k].value * n for k, n in pieces.items()), ZERO) + other
    return CashCount(
        total=total.quantize(PAISA),
        pieces=tuple((d.key, int(pieces.get(d.key, 0))) for d in DENOMINATIONS),
        other=other.quantize(PAISA),
        by_denomination=True,
    )


def count_as_total(total: Decimal) -> CashCount:
    if total < 0:
        raise ValidationError("the counted cash cannot be negative", field="counted")
    return CashCount(total=total.quantize(PAISA))


@dataclass(frozen=True, slots=True)
class DrawerTotals:
    """Sums over one shift's rows (each a Decimal with two places)."""

    opening_float: Decimal
    cash_taken: Decimal  # cash PAYMENT rows (the cash kept: tendered - change)
    cash_refunded: Decimal  # cash REFUND rows
    drops: Decimal
    topups: Decimal

    @property
    def expected(self) -> Decimal:
        return (
            self.opening_float + self.cash_taken - self.cash_refunded - self.drops + self.topups
        ).quantize(PAISA)


def difference(counted: Decimal, expected: Decimal) -> Decimal:
    """Counted minus expected: positive = over, negative = short."""
    return (counted - expected).quantize(PAISA)


def describe_difference(diff: Decimal) -> str:
    if diff == 0:
        return "the drawer balances"
    return f"₹{abs(diff):,.2f} {'over' if diff > 0 else 'short'}"


def allocate(amount: Decimal, weights: Sequence[Decimal]) -> list[Decimal]:
    """Share ``amount`` (two places) over ``weights`` in proportion, to the paisa, so that the
    shares add up to exactly ``amount`` (largest remainder; ties to the earlier weight)."""
    if not weights:
        return []
    total_weight = sum(weights, Decimal(0))
    cents = int((amount / PAISA).to_integral_value(rounding=ROUND_HALF_UP))
    if total_weight == 0:
        raw = [Decimal(cents) / len(weights)] * len(weights)
    else:
        raw = [Decimal(cents) * w / total_weight for w in weights]
    floors = [int(r) for r in raw]  # weights are >= 0: int() floors
    rest = cents - sum(floors)
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i] - floors[i]), i))
    for i in order[:rest]:
        floors[i] += 1
    return [(Decimal(c) * PAISA).quantize(PAISA) for c in floors]


# --------------------------------------------------------------------------- business days

DEFAULT_DAY_START = dt.time(6, 0)


def parse_day_start(text: str | None) -> dt.time:
    """The box-office setting ``business_day_start`` ('HH:MM'); a bad value means 06:00."""
    try:
        return dt.time.fromisoformat((text or "").strip()) if text else DEFAULT_DAY_START
    except ValueError:
        return DEFAULT_DAY_START


def zone(tz: str) -> ZoneInfo:
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def business_date(moment: dt.datetime, tz: str, day_start: dt.time = DEFAULT_DAY_START) -> dt.date:
    """The cinema's business day of ``moment``: its local date, where the hours before
    ``day_start`` (06:00) still belong to the day before (a late show's sales stay on its day)."""
    if moment.tzinfo is None:
        raise ValueError("business_date needs an aware datetime")
    local = moment.astimezone(zone(tz))
    day = local.date()
    if local.time() < day_start:
        day -= dt.timedelta(days=1)
    return day


def business_day_bounds(
    day: dt.date, tz: str, day_start: dt.time = DEFAULT_DAY_START
) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of a business day as aware UTC datetimes."""
    z = zone(tz)
    start = dt.datetime.combine(day, day_start, z)
    end = dt.datetime.combine(day + dt.timedelta(days=1), day_start, z)
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC)
