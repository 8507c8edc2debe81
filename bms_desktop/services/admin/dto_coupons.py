"""DTOs of the coupons area (admin-B)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo


@dataclass(frozen=True, slots=True)
class CouponRow:
    coupon_id: int
    code: str
    description: str
    kind: str  # PERCENT | FIXED
    value: Decimal
    max_discount: Decimal | None
    min_amount: Decimal
    valid_from: datetime | None  # UTC
    valid_to: datetime | None  # UTC, exclusive
    active: bool
    usage_limit: int | None
    per_customer_limit: int | None
    used_count: int
    timezone: str = "Asia/Kolkata"  # the box office's: the window is shown and typed in it

    @property
    def remaining(self) -> int | None:
        """Uses left in total (None: unlimited)."""
        if self.usage_limit is None:
            return None
        return max(0, self.usage_limit - self.used_count)

    def local(self, moment: datetime | None) -> datetime | None:
        return None if moment is None else moment.astimezone(ZoneInfo(self.timezone))

    @property
    def discount_text(self) -> str:
        cap = f" (at most {self.max_discount:.2f})" if self.max_discount is not None else ""
        if self.kind == "PERCENT":
            return f"{format(self.value.normalize(), 'f')} %{cap}"
        return f"{self.value:.2f} off{cap}"


@dataclass(frozen=True, slots=True)
class CouponInput:
    """The coupon dialog's fields. ``valid_from``/``valid_to`` without a time zone are read in
    the box office's time zone; numbers may be text as typed."""

    code: str
    kind: str
    value: Decimal | str
    description: str = ""
    max_discount: Decimal | str | None = None
    min_amount: Decimal | str = "0"
    valid_from: datetime | None = None
    valid_to: datetime | None = None
    active: bool = True
    usage_limit: int | str | None = None
    per_customer_limit: int | str | None = None
