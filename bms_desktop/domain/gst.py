"""GST included in cinema ticket prices (India).

A ticket price already contains GST. The rate depends on the price of one admission: 12 % for a
ticket up to ₹100, 18 % above (the rates and the threshold are box-office settings:
``gst_rate_low``, ``gst_rate_high``, ``gst_threshold``). Within a state the tax is shown as
CGST and SGST, half each.

Tax is worked out per seat (the seat's share of what the customer paid) and rounded to the
paisa there, so every report adds up exactly whichever way it is grouped: a show's tax is the sum
of its seats' tax, a day's tax the sum of its shows'.

    tax = amount x rate / (100 + rate)       taxable value = amount - tax
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

PAISA = Decimal("0.01")

SETTING_LOW = "gst_rate_low"
SETTING_HIGH = "gst_rate_high"
SETTING_THRESHOLD = "gst_threshold"
DEFAULTS = {SETTING_LOW: "12", SETTING_HIGH: "18", SETTING_THRESHOLD: "100.00"}


@dataclass(frozen=True, slots=True)
class GstRates:
    low: Decimal = Decimal("12")  # percent, for an admission priced at or below the threshold
    high: Decimal = Decimal("18")  # percent, above it
    threshold: Decimal = Decimal("100.00")

    @classmethod
    def from_settings(cls, raw: Mapping[str, str]) -> GstRates:
        def pick(key: str) -> Decimal:
            try:
                value = Decimal(str(raw.get(key) or DEFAULTS[key]).strip())
            except InvalidOperation:
                value = Decimal(DEFAULTS[key])
            return value if value.is_finite() and value >= 0 else Decimal(DEFAULTS[key])

        return cls(pick(SETTING_LOW), pick(SETTING_HIGH), pick(SETTING_THRESHOLD))

    def rate_for(self, admission_price: Decimal) -> Decimal:
        return self.low if admission_price <= self.threshold else self.high


def tax_included(amount: Decimal, rate: Decimal) -> Decimal:
    """The GST inside ``amount`` at ``rate`` percent, to the paisa (half up; negative amounts
    -- refunds -- are rounded symmetrically)."""
    if rate == 0 or amount == 0:
        return Decimal("0.00")
    raw = amount * rate / (Decimal(100) + rate)
    return raw.quantize(PAISA, rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class TaxLine:
    rate: Decimal  # percent
    gross: Decimal  # amount including tax
    tax: Decimal

    @property
    def taxable(self) -> Decimal:
        return self.gross - self.tax

    @property
    def cgst(self) -> Decimal:
        return (self.tax / 2).quantize(PAISA, rounding=ROUND_HALF_UP)

    @property
    def sgst(self) -> Decimal:
        return self.tax - self.cgst

    def describe(self) -> str:
        return (
            f"GST {format_rate(self.rate)} included in ₹{self.gross:,.2f}: ₹{self.tax:,.2f} "
            f"(CGST ₹{self.cgst:,.2f} + SGST ₹{self.sgst:,.2f})"
        )


def format_rate(rate: Decimal) -> str:
    return f"{rate.normalize():f} %"


def tax_lines(items: Iterable[tuple[Decimal, Decimal]]) -> tuple[TaxLine, ...]:
    """Per-seat ``(amount, rate)`` items summed into one line per rate (each seat's tax rounded
    on its own, then added), lowest rate first."""
    gross: dict[Decimal, Decimal] = {}
    tax: dict[Decimal, Decimal] = {}
    for amount, rate in items:
        gross[rate] = gross.get(rate, Decimal("0.00")) + amount
        tax[rate] = tax.get(rate, Decimal("0.00")) + tax_included(amount, rate)
    return tuple(TaxLine(r, gross[r], tax[r]) for r in sorted(gross))
