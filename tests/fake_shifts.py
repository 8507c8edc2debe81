"""The in-memory fake's shift repository (issue 11): a box office where no counter has an open
shift. The shift area is tested on real databases (tests/integration/test_shifts.py); the fake
only has to answer the sale's question "is there an open shift at this counter?" with no."""

from __future__ import annotations

from typing import Any, NoReturn

from bms_desktop.services.ports_shifts import ShiftRecord, ShiftRepository


def _not_in_fake(*_args: Any, **_kwargs: Any) -> NoReturn:
    raise NotImplementedError("shifts are tested on real databases (db_url), not the fake")


class NoShiftsRepository(ShiftRepository):
    def open_shift_of_counter(self, counter: str, *, lock: Any = None) -> ShiftRecord | None:
        return None

    def cinema_of_show(self, show_id: int) -> Any:
        return None  # receipts in the fake carry no cinema header

    def shift_for_sale(self, counter: str, show_id: int) -> tuple[ShiftRecord, int | None] | None:
        return None

    def open_shift_of_staff(self, staff_id: int) -> ShiftRecord | None:
        return None

    cinema = open_shift = shift = shifts = _not_in_fake
    add_movement = movements = sums = close = _not_in_fake
