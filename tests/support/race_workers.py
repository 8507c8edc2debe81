"""Robot clerks for the race tests: the same attempt in a thread of the test process or in a
process of its own (started with the ``spawn`` method, so the functions here live at module level
and take only picklable arguments).

An attempt's outcome is a plain dict (picklable, easy to assert on)::

    {"counter": "Counter 3", "won": True, "ticket_id": 12, "safety_net": 0, ...}
    {"counter": "Counter 4", "won": False, "failures": [("HELD", "Counter 3", "A1")],
     "message": "...", "safety_net": 0}
    {"counter": "Counter 5", "error": "RuntimeError('...')"}
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from bms_desktop.domain.errors import SeatsUnavailable
from bms_desktop.domain.model import PaymentMode, Strategy
from bms_desktop.services import booking, checkout
from bms_desktop.services.context import BoxOffice
from bms_desktop.services.dto import ConcurrencyReport
from tests.support.builders import clerk

START_TIMEOUT_S = 120.0  # spawned interpreters on a busy 2-core machine take a while to start


class FixedClock:
    """The test's fake time, frozen, for a process that cannot share the test's FakeClock."""

    def __init__(self, iso: str) -> None:
        self.now = datetime.fromisoformat(iso)

    def __call__(self) -> datetime:
        return self.now


def attempt(
    box: BoxOffice,
    *,
    counter: str,
    strategy: str,
    show_id: int,
    seat_ids: Sequence[int],
    seen_versions: dict[int, int] | None = None,
    confirm: bool = True,
    delay_ms: int = 0,
) -> dict[str, Any]:
    """Hold the seats (and pay for them at once when ``confirm``); report what happened."""
    ctx = clerk(counter, Strategy(strategy), delay_ms=delay_ms)
    try:
        held = booking.hold_seats(
            box, ctx, show_id=show_id, show_seat_ids=list(seat_ids), seen_versions=seen_versions
        )
        if confirm:
            checkout.confirm_booking(box, ctx, ticket_id=held.ticket_id, mode=PaymentMode.UPI)
    except SeatsUnavailable as exc:
        report = exc.report
        assert isinstance(report, ConcurrencyReport)
        return {
            "counter": counter,
            "won": False,
            "failures": [(f.reason.value, f.by_counter, f.label) for f in exc.failures],
            "message": str(exc),
            "safety_net": report.safety_net_catches,
        }
    except Exception as exc:  # reported to the test, which fails on it
        return {"counter": counter, "error": repr(exc), "trace": traceback.format_exc()}
    return {
        "counter": counter,
        "won": True,
        "ticket_id": held.ticket_id,
        "seat_ids": sorted(held.show_seat_ids),
        "safety_net": held.report.safety_net_catches,
    }


class _Wiring:
    def __init__(self, url: str, clock_iso: str) -> None:
        from bms_desktop.race import connect_clerk

        self.box, self.close = connect_clerk(url, pool_size=3)
        self.box.clock = FixedClock(clock_iso)
        self.box.fast_hashing = True


def _connect(url: str, clock_iso: str) -> _Wiring:
    return _Wiring(url, clock_iso)


def hold_then_hang_process(
    url: str, clock_iso: str, held: Any, results: Any, kwargs: dict[str, Any]
) -> None:
    """Hold seats, report the ticket, then hang (the test kills this process with SIGKILL)."""
    wiring = _connect(url, clock_iso)
    results.put(attempt(wiring.box, confirm=False, **kwargs))
    held.set()
    threading.Event().wait()  # forever: only SIGKILL ends this process


def hang_inside_transaction_process(
    url: str, clock_iso: str, inside: Any, kwargs: dict[str, Any]
) -> None:
    """Start a pessimistic hold and hang in its processing delay, inside the transaction (the
    SQLite write lock or PostgreSQL's row locks are held); the test kills this process."""
    wiring = _connect(url, clock_iso)

    def hang(_seconds: float) -> None:
        inside.set()
        threading.Event().wait()  # forever

    wiring.box.sleep = hang
    attempt(wiring.box, confirm=False, delay_ms=1, **kwargs)


# --------------------------------------------------------------------------- a pool of clerks

POOL_SIZE = 10
BARRIER_PARTIES = (2, 6, 10)  # the clerk counts the tests use; barriers are made up front


def pool_worker(index: int, tasks: Any, results: Any, barriers: dict[Any, Any]) -> None:
    """A clerk process that serves one task per test, until it gets None.

    Starting a Python process and importing SQLAlchemy costs about 0.6 s of CPU here; a pool of
    ten processes started once per test module spares that for every test. Each task still gets
    its own engines and its own ``BoxOffice`` (so its own thread locks): ten separate processes,
    as separate as ten counter PCs on one database file or server.
    """
    del index
    while True:
        item = tasks.get()
        if item is None:
            return
        url, clock_iso, parties, kwargs = item
        kwargs = dict(kwargs)
        meet = kwargs.pop("meet_in_delay", False)
        try:
            wiring = _connect(url, clock_iso)
        except Exception as exc:
            barriers[parties].abort()
            results.put({"counter": kwargs["counter"], "error": f"start: {exc!r}"})
            continue
        try:
            if meet:
                meeting = barriers[("meet", parties)]
                wiring.box.sleep = lambda _s, m=meeting: m.wait(timeout=START_TIMEOUT_S)
                kwargs["delay_ms"] = 1
            barriers[parties].wait(timeout=START_TIMEOUT_S)
            results.put(attempt(wiring.box, **kwargs))
        except threading.BrokenBarrierError:
            results.put({"counter": kwargs["counter"], "error": "the start was aborted"})
        except Exception as exc:
            results.put({"counter": kwargs["counter"], "error": repr(exc)})
        finally:
            wiring.close()


class ClerkPool:
    """Ten spawned clerk processes; ``run`` gives each of the first N one task, starts them
    together behind a barrier of N, and returns their outcomes."""

    def __init__(self, context: Any) -> None:
        self.barriers: dict[Any, Any] = {n: context.Barrier(n) for n in BARRIER_PARTIES}
        self.barriers.update({("meet", n): context.Barrier(n) for n in BARRIER_PARTIES})
        self.tasks = [context.Queue() for _ in range(POOL_SIZE)]
        self.results = context.Queue()
        self.procs = [
            context.Process(
                target=pool_worker,
                args=(i, self.tasks[i], self.results, self.barriers),
                name=f"clerk-{i + 1}",
                daemon=True,
            )
            for i in range(POOL_SIZE)
        ]
        for p in self.procs:
            p.start()

    def run(
        self, url: str, clock_iso: str, tasks: Sequence[dict[str, Any]], timeout: float
    ) -> list[dict[str, Any]]:
        parties = len(tasks)
        for key, barrier in self.barriers.items():
            if key in (parties, ("meet", parties)):
                barrier.reset()  # a barrier broken by an earlier failure starts whole again
        for i, kwargs in enumerate(tasks):
            self.tasks[i].put((url, clock_iso, parties, kwargs))
        return [self.results.get(timeout=timeout) for _ in tasks]

    def alive(self) -> bool:
        return all(p.is_alive() for p in self.procs)

    def close(self) -> None:
        for q in self.tasks:
            q.put(None)
        for p in self.procs:
            p.join(timeout=30)
            if p.is_alive():
                p.kill()
                p.join(timeout=10)
