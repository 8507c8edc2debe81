"""DTOs of the box-office settings area (admin-B)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class HomeCinema:
    counter: str
    theater_id: int
    theater_name: str = ""


@dataclass(frozen=True, slots=True)
class SettingsView:
    hold_minutes: int
    cancel_cutoff_minutes: int
    cancellation_fee: Decimal
    sales_close_offset_minutes: int
    cleaning_gap_minutes: int
    cash_tendered_limit: Decimal  # the most cash one sale may be paid with
    counter_setup_role: str  # the least role that may change a counter's strategy and delay
    box_office_timezone: str
    home_cinemas: tuple[HomeCinema, ...] = ()


@dataclass(frozen=True, slots=True)
class SettingsInput:
    """The settings form. Numbers may be text as typed."""

    hold_minutes: int | str
    cancel_cutoff_minutes: int | str
    cancellation_fee: Decimal | str
    sales_close_offset_minutes: int | str
    cleaning_gap_minutes: int | str
    cash_tendered_limit: Decimal | str
    counter_setup_role: str
    box_office_timezone: str
    home_cinemas: tuple[HomeCinema, ...] = field(default=())
