"""The values a sale passes around (no Qt): what the clerk typed for the payment, what the basket
shows, and the message above the map with what it is about.

``BasketState`` is the whole basket in one frozen value: the ``SaleController`` makes a new one
whenever anything in it changes and the basket widget draws it. Because the seats it lists come
from the hold when there is one and from the selection otherwise, the selection and the basket
cannot disagree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from html import escape
from pathlib import Path

from bms_desktop.domain.model import PaymentMode, SeatStatus
from bms_desktop.domain.pricing import round_money
from bms_desktop.gui.conflict_text import ConflictMessage
from bms_desktop.gui.formatting import money
from bms_desktop.services.dto import HoldResult, Quote
from bms_desktop.services.tender import Tender  # issue 11

COLOUR_MUTED = "#5F646B"


@dataclass(frozen=True, slots=True)
class PaymentInput:
    """What the clerk entered for the payment. ``tenders`` is left for split payments (cash and
    card for one sale): the controller's payment step takes this one value."""

    mode: PaymentMode
    tendered: str = ""
    reference: str = ""
    customer_name: str = ""
    customer_phone: str = ""
    split: tuple[Tender, ...] = ()  # issue 11: the parts of a split payment (mode: the first's)


@dataclass(frozen=True, slots=True)
class BasketState:
    """Everything the basket shows. ``generation`` grows when a sale is over (sold, released,
    ran out): the widget then empties what the clerk typed for the last customer."""

    show_text: str = ""
    labels: tuple[str, ...] = ()
    quote: Quote | None = None
    hold: HoldResult | None = None
    expired: bool = False
    resumed: str = ""  # a hold taken up again: why it is here ("held before a restart")
    coupon_message: str = ""
    coupon_ok: bool | None = None
    payment_error: str = ""
    payment_error_field: str = ""  # tendered, reference, customer_name, customer_phone
    sale_html: str = ""
    can_print: bool = False
    generation: int = 0

    @property
    def holding(self) -> bool:
        return self.hold is not None


@dataclass(frozen=True, slots=True)
class CounterMessage:
    """The message above the map, and what it is about: it belongs to one show (None: to the
    counter) and to some seats, and goes when the show changes, when one of those seats changes
    (``baseline``: how they stood once the message was posted) or when the clerk moves on."""

    message: ConflictMessage
    kind: str  # conflict, taken, sold, busy, info, error, success, pending
    show_id: int | None
    seat_ids: frozenset[int] = frozenset()
    baseline: dict[int, tuple[SeatStatus, int | None]] | None = field(default=None, compare=False)
    baseline_after: int = 0  # the first refresh (by number) whose result is the baseline


def parse_amount(text: str) -> Decimal | None:
    cleaned = text.strip().replace(",", "").replace("₹", "")
    if not cleaned:
        return None
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    if not value.is_finite() or value < 0:
        return None
    return round_money(value)


def sale_html(code: str, total: Decimal, change: Decimal | None, files: Sequence[Path]) -> str:
    """The "last sale" line: code, amount, change, where the PDFs went (links)."""
    parts = [f"<b>Sold {escape(code)}</b> · {money(total)}"]
    if change is not None and change > 0:
        parts.append(f"change {money(change)}")
    text = " · ".join(parts)
    if files:
        folder = files[0].parent
        links = ", ".join(f'<a href="{f.as_uri()}">{escape(f.name)}</a>' for f in files)
        text += (
            f'<br><span style="color:{COLOUR_MUTED}">Saved to '
            f'<a href="{folder.as_uri()}">{escape(str(folder))}</a>: {links}</span>'
        )
    return text


def breakable(text: str, every: int = 16) -> str:
    """``text`` with a zero-width space inside every run of ``every`` characters without a space,
    so that a word-wrapped label can break a long code or number instead of growing wider."""
    out: list[str] = []
    run = 0
    for ch in text:
        out.append(ch)
        run = 0 if ch.isspace() else run + 1
        if run >= every:
            out.append("\u200b")
            run = 0
    return "".join(out)


def sentence(text: str) -> str:
    """A message as a sentence: capital first letter, closing full stop."""
    text = text.strip()
    if not text:
        return text
    return text[0].upper() + text[1:] + ("" if text[-1] in ".!?" else ".")


__all__ = [
    "BasketState",
    "CounterMessage",
    "PaymentInput",
    "breakable",
    "parse_amount",
    "sale_html",
    "sentence",
]
