"""What every service call needs: the unit-of-work factory, a clock, the in-process seat locks,
and who is asking (the counter context)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation

from bms_desktop.domain.errors import PermissionDenied
from bms_desktop.domain.model import Role, Strategy
from bms_desktop.services.approvals import ApprovalRegistry
from bms_desktop.services.ports import UnitOfWork, UnitOfWorkFactory

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


# --------------------------------------------------------------------------- settings

SETTING_DEFAULTS: dict[str, str] = {
    "hold_minutes": "5",
    "cancel_cutoff_minutes": "60",
    "sales_close_offset_minutes": "0",
    "cleaning_gap_minutes": "20",
    "cancellation_fee": "0.00",
    "lockout_attempts": "5",
    "lockout_minutes": "5",
    "box_office_timezone": "Asia/Kolkata",
    "demo": "0",
    # The most cash one sale may be paid with: more than a drawer takes is a typing mistake.
    "cash_tendered_limit": "50000.00",
    # Who may change a counter's strategy and processing delay (the teaching aids): set in
    # app_meta; without it everyone in a demo box office and supervisors in a real cinema.
    "counter_setup_role": "",
    # issue 13: backups of an SQLite box office (start of day, then every N hours; keep N)
    "backup_every_hours": "6",
    "backup_keep": "14",
    # JSON {counter name: theater id}: where a counter's show finder starts (issue 8; edited in
    # the admin console, read by services/admin/settings.home_cinema)
    "counter_home_cinemas": "{}",
}


@dataclass(frozen=True)
class BoxOfficeSettings:
    hold_minutes: int = 5
    cancel_cutoff_minutes: int = 60
    sales_close_offset_minutes: int = 0
    cleaning_gap_minutes: int = 20
    cancellation_fee: str = "0.00"
    lockout_attempts: int = 5
    lockout_minutes: int = 5
    box_office_timezone: str = "Asia/Kolkata"
    demo: bool = False
    cash_tendered_limit: Decimal = Decimal("50000.00")
    counter_setup_role: Role = Role.SUPERVISOR
    backup_every_hours: int = 6
    backup_keep: int = 14

    @classmethod
    def from_mapping(cls, raw: dict[str, str]) -> BoxOfficeSettings:
        merged = {**SETTING_DEFAULTS, **raw}
        return cls(
            hold_minutes=int(merged["hold_minutes"]),
            cancel_cutoff_minutes=int(merged["cancel_cutoff_minutes"]),
            sales_close_offset_minutes=int(merged["sales_close_offset_minutes"]),
            cleaning_gap_minutes=int(merged["cleaning_gap_minutes"]),
            cancellation_fee=merged["cancellation_fee"],
            lockout_attempts=int(merged["lockout_attempts"]),
            lockout_minutes=int(merged["lockout_minutes"]),
            box_office_timezone=merged["box_office_timezone"],
            demo=merged["demo"] == "1",
            cash_tendered_limit=_decimal(merged["cash_tendered_limit"], Decimal("50000.00")),
            counter_setup_role=_role(
                merged["counter_setup_role"],
                Role.CLERK if merged["demo"] == "1" else Role.SUPERVISOR,
            ),
            backup_every_hours=int(merged["backup_every_hours"]),
            backup_keep=int(merged["backup_keep"]),
        )


def _decimal(text: str, default: Decimal) -> Decimal:
    try:
        value = Decimal(text.strip())
    except (InvalidOperation, AttributeError):
        return default
    return value if value.is_finite() and value > 0 else default


def _role(text: str, default: Role) -> Role:
    try:
        return Role(text.strip().upper())
    except ValueError:
        return default


def load_settings(uow: UnitOfWork) -> BoxOfficeSettings:
    return BoxOfficeSettings.from_mapping(uow.settings.all())


# --------------------------------------------------------------------------- thread locks


class SeatLockRegistry:
    """Per-seat ``threading.Lock``s shared by every counter window of this process.

    The thread-lock strategy takes the locks of the seats it wants in sorted order (no deadlock
    between windows). They protect nothing between processes: that is the lesson, and the database
    constraint is what then refuses a second claim.
    """

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._locks: dict[int, threading.Lock] = {}
        self._owners: dict[int, str] = {}

    def _lock(self, show_seat_id: int) -> threading.Lock:
        with self._guard:
            lock = self._locks.get(show_seat_id)
            if lock is None:
                lock = self._locks[show_seat_id] = threading.Lock()
            return lock

    def owner(self, show_seat_id: int) -> str | None:
        with self._guard:
            return self._owners.get(show_seat_id)

    @contextmanager
    def hold(
        self, show_seat_ids: Sequence[int], owner: str, timeout_s: float = 30.0
    ) -> Iterator[tuple[float, str | None]]:
        """Take the seats' locks in id order; yields (wait in ms, the counter waited for)."""
        taken: list[tuple[int, threading.Lock]] = []
        waited_for: str | None = None
        t0 = time.perf_counter()
        try:
            for sid in sorted(set(show_seat_ids)):
                lock = self._lock(sid)
                if not lock.acquire(blocking=False):
                    waited_for = waited_for or self.owner(sid)
                    if not lock.acquire(timeout=timeout_s):
                        from bms_desktop.domain.errors import LockTimeout

                        raise LockTimeout(
                            f"waited {timeout_s:.0f} s for the seat lock held by "
                            f"{waited_for or 'another window'}; nothing was changed"
                        )
                taken.append((sid, lock))
                with self._guard:
                    self._owners[sid] = owner
            yield (time.perf_counter() - t0) * 1000.0, waited_for
        finally:
            for sid, lock in reversed(taken):
                with self._guard:
                    if self._owners.get(sid) == owner:
                        del self._owners[sid]
                lock.release()


# --------------------------------------------------------------------------- context


@dataclass
class BoxOffice:
    """The services' dependencies, built once by the composition root."""

    uows: UnitOfWorkFactory
    clock: Clock = field(default=utc_now)
    locks: SeatLockRegistry = field(default_factory=SeatLockRegistry)
    sleep: Callable[[float], None] = field(default=time.sleep)
    fast_hashing: bool = False  # tests only: cheap Argon2 parameters
    approvals: ApprovalRegistry = field(default_factory=ApprovalRegistry)

    def now(self) -> datetime:
        return self.clock()

    def settings(self) -> BoxOfficeSettings:
        with self.uows() as uow:
            return load_settings(uow)


@dataclass(frozen=True)
class CounterContext:
    """Who is asking: a counter window, its signed-in clerk and its strategy."""

    counter: str
    staff_id: int | None
    username: str
    role: Role
    strategy: Strategy = Strategy.PESSIMISTIC
    delay_ms: int = 0  # teaching aid: a processing delay inside the transaction
    max_retries: int = 3  # optimistic strategy
    lock_timeout_ms: int = 5000

    def with_strategy(self, strategy: Strategy) -> CounterContext:
        return replace(self, strategy=strategy)

    def require(self, role: Role, what: str) -> None:
        if not self.role.at_least(role):
            raise PermissionDenied(
                f"{what} needs a {role.value.lower()}; {self.username} is a "
                f"{self.role.value.lower()}"
            )


SYSTEM = CounterContext(counter="system", staff_id=None, username="system", role=Role.ADMIN)
