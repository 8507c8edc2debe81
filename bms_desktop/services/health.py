"""Is the database answering? One ``ConnectionHealth`` per unit-of-work factory (per process and
database), told by every unit of work that cannot connect or loses its connection, and by the
change feed's listener; read by the GUI's connection monitor (``gui/connection_monitor.py``) to
say "Database unreachable, reconnecting... 4 s" and to carry on when it is back.

Thread-safe: units of work run on worker threads. Listeners are called on the reporting thread,
outside the lock; a GUI listener must hop to its own thread (a Qt signal does).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

# (up, seconds): up=False when the database was just found unreachable (seconds: 0); up=True when
# it answered again (seconds: how long it was away).
HealthListener = Callable[[bool, float], None]


class ConnectionHealth:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._lost_since: float | None = None
        self._listeners: list[HealthListener] = []

    @property
    def lost_since(self) -> float | None:
        """``clock()`` when the database stopped answering; None while it answers."""
        return self._lost_since

    def seconds_lost(self) -> float:
        since = self._lost_since
        return 0.0 if since is None else max(0.0, self._clock() - since)

    def lost(self) -> None:
        """A connection could not be made, or was lost."""
        with self._lock:
            if self._lost_since is not None:
                return
            self._lost_since = self._clock()
            listeners = list(self._listeners)
        for listener in listeners:
            listener(False, 0.0)

    def restored(self) -> None:
        """A connection was made (or a statement answered) after a loss."""
        with self._lock:
            since = self._lost_since
            if since is None:
                return
            self._lost_since = None
            down = max(0.0, self._clock() - since)
            listeners = list(self._listeners)
        for listener in listeners:
            listener(True, down)

    def subscribe(self, listener: HealthListener) -> Callable[[], None]:
        """Call ``listener`` on every change; returns the function that unsubscribes it."""
        with self._lock:
            self._listeners.append(listener)

        def unsubscribe() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return unsubscribe


def health_of(uows: object) -> ConnectionHealth:
    """The factory's ConnectionHealth (the SQL one has it), or a new one (fakes)."""
    found = getattr(uows, "health", None)
    return found if isinstance(found, ConnectionHealth) else ConnectionHealth()


__all__ = ["ConnectionHealth", "HealthListener", "health_of"]
