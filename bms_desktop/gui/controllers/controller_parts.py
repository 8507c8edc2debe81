"""What the parts of the ``SaleController`` share: their common state, declared once for the type
checker (the parts are mixins of the one controller object)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QTimer

from bms_desktop.gui.conflict_text import (
    ConflictMessage,
)
from bms_desktop.gui.controllers.sale_state import (
    BasketState,
    CounterMessage,
)
from bms_desktop.gui.controllers.seat_feed import (
    Expectations,
)
from bms_desktop.gui.hub import ChangeHub
from bms_desktop.gui.models.event_log_model import EventLogModel
from bms_desktop.gui.workers import TaskRunner
from bms_desktop.services import sale_common
from bms_desktop.services.context import BoxOffice, CounterContext
from bms_desktop.services.dto import (
    BookingView,
    HoldResult,
    PriceLine,
    Quote,
    SeatMap,
    SeatView,
    ShowSummary,
)

if TYPE_CHECKING:
    from PySide6.QtCore import QObject, SignalInstance

    _Base = QObject
else:
    _Base = object


def _ms(t0: float) -> float:
    return (time.perf_counter() - t0) * 1000.0


class _ControllerState(_Base):
    """What the parts of the SaleController share (declared for the type checker)."""

    _box: BoxOffice
    _ctx: CounterContext
    _hub: ChangeHub
    _runner: TaskRunner
    event_log: EventLogModel
    _show: ShowSummary | None
    _seats: dict[int, SeatView]
    _map: SeatMap | None
    _loading_show: int | None
    _selection: tuple[int, ...]
    _hold: HoldResult | None
    _basket: BasketState
    _my_tickets: set[int]
    _pending: list[HoldResult]
    _pending_told: set[int]
    _lost: set[int]
    _message: CounterMessage | None
    _expected: Expectations
    _last_sale: BookingView | None
    _last_files: tuple[Path, ...]
    _action: str
    _refreshes_started: int
    _refresh_in_flight: bool
    _refresh_again: bool
    _quote_generation: int
    _coupon_wanted: str
    _closing: bool
    _live: bool
    _quote_timer: QTimer
    _expiry_timer: QTimer
    show_loading: SignalInstance
    show_loaded: SignalInstance
    show_changed: SignalInstance
    seats_changed: SignalInstance
    selection_changed: SignalInstance
    basket_changed: SignalInstance
    lost_changed: SignalInstance
    map_focus_requested: SignalInstance
    sale_completed: SignalInstance
    my_tickets_changed: SignalInstance
    pending_changed: SignalInstance
    ticket_types_changed: SignalInstance

    def _post(
        self,
        message: ConflictMessage,
        kind: str,
        *,
        seat_ids: Iterable[int] = (),
        whole_counter: bool = False,
    ) -> None: ...
    def _set_message(self, message: CounterMessage | None) -> None: ...
    def _note_baseline(self, refresh_number: int) -> None: ...
    def _post_status(self, text: str, timeout_ms: int = 0) -> None: ...
    def _report_error(
        self, action: str, exc: BaseException, *, field_errors: bool = False
    ) -> None: ...
    def _log(self, kind: str, message: str, took: float, *, at: Any = None) -> None: ...
    def _log_waits(self, waits: Iterable[sale_common.WaitNote]) -> None: ...
    def _sync_basket(self, **changes: Any) -> None: ...
    def _offer_pending(self, pending: Sequence[HoldResult]) -> None: ...
    def _offer_next_pending(self) -> None: ...
    def _start_action(self, label: str) -> None: ...
    def _end_action(self) -> None: ...
    def _maybe_finish(self) -> None: ...
    def _take(self, result: HoldResult, *, resumed: str = "") -> None: ...
    def open_show(self, show_id: int) -> bool:
        raise NotImplementedError

    def _is_free(self, seat: SeatView) -> bool:
        raise NotImplementedError

    def _is_mine(self, seat: SeatView) -> bool:
        raise NotImplementedError

    def print_folder(self) -> Path:
        raise NotImplementedError

    def _with_waits(self, call: Callable[[], Any]) -> tuple[Any, list[sale_common.WaitNote]]:
        raise NotImplementedError

    def seat_map(self) -> SeatMap | None:
        raise NotImplementedError

    def _local_quote(self, ids: Sequence[int]) -> Quote:
        raise NotImplementedError

    def _wanted_types(self, ids: Sequence[int]) -> dict[int, str]:
        raise NotImplementedError

    def _typed_lines(self, lines: Sequence[PriceLine], ids: Sequence[int]) -> tuple[PriceLine, ...]:
        raise NotImplementedError

    def refresh(self) -> None: ...
    def request_quote(self, coupon: str = "", customer_phone: str = "") -> None: ...
