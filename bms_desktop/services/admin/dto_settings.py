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
    cash_tendered_ceiling: Decimal
    strategy_change_role: str  # the least role that may change a counter's strategy
    delay_change_role: str  # ... and its processing delay
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
    cash_tendered_ceiling: Decimal | str
    strategy_change_role: str
    delay_change_role: str
    box_office_timezone: str
    home_cinemas: tuple[HomeCinema, ...] = field(default=())
