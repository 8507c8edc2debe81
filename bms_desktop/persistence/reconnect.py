"""How long, and how often, a unit of work tries again to reach a database that went away.

A PostgreSQL restart (``pg_ctl restart -m fast``) takes a second or two; a network drop may take a
minute. A unit of work that cannot connect, or that loses its connection before it wrote anything
(``HotPath.may_retry``), waits and tries again: pauses doubling from ``first_pause_s`` up to
``max_pause_s`` (jittered, so that eight counters do not knock in step), for at most
``window_s``; then it gives up with ``StorageUnavailable`` and the caller (a counter window with
its connection monitor, a robot clerk) decides whether to try the whole action again. The pause
cap bounds how late a unit of work notices that the database is back: the target is a sale
within 1 s of the database's return (``bench/bench_reconnect.py``).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from bms_desktop.services.health import ConnectionHealth
from bms_desktop.services.ports import StorageUnavailable

T = TypeVar("T")


@dataclass(frozen=True)
class ReconnectPolicy:
    window_s: float = 5.0
    first_pause_s: float = 0.02
    max_pause_s: float = 0.25
    sleep: Callable[[float], None] = field(default=time.sleep, compare=False)

    def run(self, attempt: Callable[[], T], health: ConnectionHealth | None = None) -> T:
        """``attempt()`` until it does not raise StorageUnavailable, or the window is over (then
        its last StorageUnavailable). ``health`` hears of the loss and of the return."""
        try:
            result = attempt()  # the common case: no clock read, no loop
        except StorageUnavailable:
            if health is not None:
                health.lost()
            if self.window_s <= 0:
                raise
        else:
            if health is not None and health.lost_since is not None:
                health.restored()
            return result
        deadline = time.monotonic() + self.window_s
        pause = self.first_pause_s
        while True:
            left = deadline - time.monotonic()
            self.sleep(max(0.0, min(random.uniform(pause / 2, pause), left)))
            pause = min(pause * 2, self.max_pause_s)
            try:
                result = attempt()
            except StorageUnavailable:
                if time.monotonic() >= deadline:
                    raise
                continue
            if health is not None:
                health.restored()
            return result


NO_RETRY = ReconnectPolicy(window_s=0.0)

__all__ = ["NO_RETRY", "ReconnectPolicy"]
