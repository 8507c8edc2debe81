"""Worker processes for the shift tests (spawned: module-level functions, picklable arguments).

A ``WorkerPool`` starts N processes once per test module; each task names a function of this
module and its keyword arguments; the processes wait at a barrier so that they start together,
each with its own engines and BoxOffice (as separate as counter PCs on one database).
"""

from __future__ import annotations

import random
import threading
import traceback
from typing import Any

from bms_desktop.domain.errors import DomainError, SeatsUnavailable
from bms_desktop.domain.model import Role
from bms_desktop.services import booking, cancellation, checkout, shifts
from bms_desktop.services.context import CounterContext
from bms_desktop.services.tender import Tender
from tests.support.race_workers import START_TIMEOUT_S, FixedClock


def _connect(url: str, clock_iso: str) -> tuple[Any, Any]:
    from bms_desktop.race import connect_clerk

    box, close = connect_clerk(url, pool_size=3)
    box.clock = FixedClock(clock_iso)
    box.fast_hashing = True
    return box, close


def _ctx(who: dict[str, Any], counter: str) -> CounterContext:
    return CounterContext(counter, who["staff_id"], who["username"], Role(who["role"]))


def open_shift_task(
    box: Any, *, who: dict[str, Any], counter: str, theater_id: int
) -> dict[str, Any]:
    try:
        view = shifts.open_shift(
            box, _ctx(who, counter), theater_id=theater_id, opening_float="100"
        )
    except DomainError as exc:
        return {
            "won": False,
            "error_type": type(exc).__name__,
            "which": getattr(exc, "which", None),
            "message": str(exc),
        }
    return {"won": True, "shift_id": view.shift_id}


def sell_task(
    box: Any,
    *,
    who: dict[str, Any],
    boss: dict[str, Any],
    counter: str,
    show_id: int,
    seat_ids: list[int],
    coupon: str,
    ops: int,
    seed: int,
) -> dict[str, Any]:
    """Sell for ``ops`` rounds during this clerk's open shift: cash, card, UPI, split, a coupon
    now and then; the supervisor refunds some of this counter's sales through its drawer; a
    drop now and then. Other processes want the same seats: refusals are part of the run."""
    rng = random.Random(seed)
    ctx = _ctx(who, counter)
    boss_here = _ctx(boss, counter)
    out = {"sales": 0, "refunds": 0, "conflicts": 0, "coupon_refused": 0, "drops": 0, "errors": []}
    mine: list[int] = []
    for _ in range(ops):
        try:
            wanted = rng.sample(seat_ids, rng.choice((1, 2, 3)))
            held = booking.hold_seats(box, ctx, show_id=show_id, show_seat_ids=wanted)
            if rng.random() < 0.2:
                try:
                    checkout.apply_coupon(box, ctx, ticket_id=held.ticket_id, code=coupon)
                except DomainError:
                    out["coupon_refused"] += 1
            total = _total(box, held.ticket_id)
            roll = rng.random()
            try:
                if roll < 0.35:
                    checkout.confirm_booking(
                        box,
                        ctx,
                        ticket_id=held.ticket_id,
                        mode="CASH",
                        tendered=total + rng.choice((0, 5, 20, 100)),
                    )
                elif roll < 0.55:
                    checkout.confirm_booking(box, ctx, ticket_id=held.ticket_id, mode="UPI")
                elif roll < 0.75:
                    checkout.confirm_booking(box, ctx, ticket_id=held.ticket_id, mode="CREDIT_CARD")
                else:
                    cash_part = (total / 3).quantize(total)  # a third in cash, to the paisa
                    checkout.confirm_booking(
                        box,
                        ctx,
                        ticket_id=held.ticket_id,
                        mode="UPI",
                        split=[
                            Tender("UPI", total - cash_part),
                            Tender("CASH", cash_part, tendered=cash_part + 10),
                        ],
                    )
            except DomainError:  # the coupon ran out under us: give the seats back
                checkout.release_hold(box, ctx, ticket_id=held.ticket_id)
                out["coupon_refused"] += 1
                continue
            out["sales"] += 1
            mine.append(held.ticket_id)
            if mine and rng.random() < 0.15:
                victim = mine.pop(rng.randrange(len(mine)))
                cancellation.cancel_booking(
                    box, boss_here, ticket_id=victim, fee=rng.choice((None, "10"))
                )
                out["refunds"] += 1
            if rng.random() < 0.08:
                current = shifts.current_shift(box, ctx)
                drawer = shifts.drawer_summary(box, ctx, shift_id=current.shift_id)
                if drawer.expected > 200:
                    shifts.record_cash_movement(box, ctx, kind="DROP", amount="100")
                    out["drops"] += 1
        except SeatsUnavailable:
            out["conflicts"] += 1
        except Exception as exc:
            out["errors"].append(f"{exc!r}\n{traceback.format_exc()}")
    return out


def _total(box: Any, ticket_id: int) -> Any:
    with box.uows() as uow:
        return uow.booking.ticket(ticket_id).total


TASKS = {"open_shift": open_shift_task, "sell": sell_task}


class WorkerPool:
    def __init__(self, context: Any, size: int) -> None:
        self.size = size
        self.barriers = {n: context.Barrier(n) for n in range(1, size + 1)}
        self.tasks = [context.Queue() for _ in range(size)]
        self.results = context.Queue()
        self.procs = []
        for i in range(size):
            # Each process serves tasks with a barrier of the task's size: the barrier object is
            # chosen per run below, so the processes get a dict of them.
            proc = context.Process(
                target=_dispatch,
                args=(self.tasks[i], self.results, self.barriers),
                name=f"shift-worker-{i + 1}",
                daemon=True,
            )
            proc.start()
            self.procs.append(proc)

    def run(
        self, url: str, clock_iso: str, name: str, kwargs_list: list[dict[str, Any]], timeout: float
    ) -> list[dict[str, Any]]:
        n = len(kwargs_list)
        self.barriers[n].reset()
        for i, kwargs in enumerate(kwargs_list):
            self.tasks[i].put((url, clock_iso, name, n, kwargs))
        return [self.results.get(timeout=timeout) for _ in kwargs_list]

    def alive(self) -> bool:
        return all(p.is_alive() for p in self.procs)

    def close(self) -> None:
        for q in self.tasks:
            q.put(None)
        for p in self.procs:
            p.join(timeout=30)
            if p.is_alive():
                p.kill()


def _dispatch(tasks: Any, results: Any, barriers: dict[int, Any]) -> None:
    while True:
        item = tasks.get()
        if item is None:
            return
        url, clock_iso, name, parties, kwargs = item
        barrier = barriers[parties]
        try:
            box, close = _connect(url, clock_iso)
        except Exception as exc:
            barrier.abort()
            results.put({"error": f"start: {exc!r}"})
            continue
        try:
            barrier.wait(timeout=START_TIMEOUT_S)
            results.put(TASKS[name](box, **kwargs))
        except threading.BrokenBarrierError:
            results.put({"error": "the start was aborted"})
        except Exception as exc:
            results.put({"error": f"{exc!r}\n{traceback.format_exc()}"})
        finally:
            close()
