"""Running a race: robot clerks as threads of this process or as processes of their own.

Threads share one ``BoxOffice`` (so the thread-lock strategy's locks are shared); processes are
started with ``spawn`` and each builds its own wiring from the URL (the thread locks then protect
nothing between them and the database constraint is the safety net). All clerks start together,
after connecting and warming up.

The race keeps its books from what the clerks report *as each attempt ends*: a thread puts it on
a queue, a process sends it down its own pipe (one pipe per clerk: a clerk killed in the middle of
a message breaks only its own pipe, never another clerk's or the parent's). A clerk that dies
has reported everything up to its last attempt; a sale it committed but could not report is read
back from the database afterwards (``integrity.sales_by_counter``) and counted as recovered.

Nothing here takes a lock a dying process could leave taken: the stop flag is one shared byte,
read without a lock, and the start signal travels down each clerk's pipe.

``events(kind, payload)`` (optional) is called on the thread that runs the race, in order:
``show`` (the seat map), ``started``, ``attempt`` (one per attempt, as it ends), ``clerk_done``,
``progress`` (seats sold so far, by the database) and, from ``run_race``, ``result``.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import multiprocessing.connection as mpc
import queue
import random
import threading
import time
from collections.abc import Callable
from typing import Any

from bms_desktop.domain.model import SeatStatus
from bms_desktop.persistence.integrity import check_integrity
from bms_desktop.race.clerk import ClerkSpec, connect_clerk, error_kind, run_clerk, warm_up
from bms_desktop.race.model import (
    AttemptRecord,
    ClerkOutcome,
    Flag,
    RaceConfig,
    RaceMode,
    RaceResult,
)
from bms_desktop.race.scratch import check_race_show, ensure_scratch_show, seat_map_json
from bms_desktop.race.summary import explain, summarise
from bms_desktop.services import queries
from bms_desktop.services.context import BoxOffice

START_TIMEOUT_S = 120.0  # time for every clerk to start, connect and warm up
WATCH_EVERY_S = 0.25
GRACE_S = 30.0  # after the time limit, before clerks that do not stop are terminated

Events = Callable[[str, dict[str, Any]], None]
Progress = Callable[[int, int], None]  # (seats sold so far, seats for sale)


class SharedFlag:
    """A stop flag shared with spawned processes: one byte of shared memory, no lock (a process
    killed while reading it cannot leave anything taken)."""

    def __init__(self, ctx: Any) -> None:
        self._value = ctx.RawValue("b", 0)

    def set(self) -> None:
        self._value.value = 1

    def is_set(self) -> bool:
        return bool(self._value.value)

    def wait(self, timeout: float | None = None) -> bool:
        end = time.perf_counter() + (timeout if timeout is not None else 1e9)
        while not self.is_set():
            left = end - time.perf_counter()
            if left <= 0:
                return False
            time.sleep(min(left, 0.005))
        return True


# --------------------------------------------------------------------------- clerk entry points


def _process_clerk(
    db_url: str, spec: ClerkSpec, conn: Any, stop: SharedFlag, sold_out: SharedFlag
) -> None:  # pragma: no cover - runs in a spawned process (covered by the race tests)
    """Entry point of one clerk process (module level: the spawn start method imports it)."""
    close: Callable[[], None] | None = None
    try:
        box, close = connect_clerk(db_url)
        free = warm_up(box, spec)  # connect and warm up before the start
        conn.send(("ready", None))
        if not conn.poll(START_TIMEOUT_S):
            return
        kind, origin = conn.recv()
        if kind != "go":
            return
    except BaseException as exc:  # reported to the parent as this clerk's failure
        _send_quietly(conn, ("fatal", error_kind(exc, "start")))
        if close is not None:
            close()
        return
    try:
        spec = _with_origin(spec, origin)
        try:
            outcome = run_clerk(
                box, spec, stop, free, report=lambda r: conn.send(("attempt", r)),
                told_sold_out=sold_out,
            )  # fmt: skip
        except BaseException as exc:  # reported, never swallowed
            outcome = ClerkOutcome(spec.clerk, spec.counter, fatal=error_kind(exc, "clerk"))
        _send_quietly(conn, ("done", outcome))
    finally:
        close()


def _send_quietly(conn: Any, message: object) -> None:
    with contextlib.suppress(OSError, ValueError):  # the parent is gone: nobody to tell
        conn.send(message)


def _with_origin(spec: ClerkSpec, origin: float) -> ClerkSpec:
    from dataclasses import replace

    return replace(spec, origin=origin)


# --------------------------------------------------------------------------- the parent's books


class _Books:
    """What the parent knows of each clerk: its attempts as they arrived, and how it ended; and
    whether the seats they reported sold are every seat that was for sale (``all_sold``)."""

    def __init__(self, specs: list[ClerkSpec], events: Events | None, for_sale: int) -> None:
        self.specs = {s.clerk: s for s in specs}
        self.records: dict[int, list[AttemptRecord]] = {s.clerk: [] for s in specs}
        self.ended: dict[int, ClerkOutcome] = {}
        self.events = events
        self.for_sale = for_sale
        self.sold = 0

    @property
    def all_sold(self) -> bool:
        """Every seat for sale at the start is reported sold: the clerks may stop looking (a seat
        held by a counter outside the race, or a sale a dying clerk never reported, keeps this
        False, and the clerks then find the show sold out on their own)."""
        return self.sold >= self.for_sale

    def attempt(self, record: AttemptRecord) -> None:
        self.records[record.clerk].append(record)
        self.sold += record.sold
        if self.events is not None:
            self.events("attempt", record.as_dict())

    def end(self, outcome: ClerkOutcome) -> None:
        if outcome.clerk in self.ended:
            return
        for r in outcome.records:  # threads mode: the outcome may carry them
            self.attempt(r)
        self.ended[outcome.clerk] = outcome
        if self.events is not None:
            self.events(
                "clerk_done",
                {"clerk": outcome.clerk, "sold_out": outcome.sold_out, "fatal": outcome.fatal},
            )

    def die(self, clerk: int, why: str) -> None:
        self.end(ClerkOutcome(clerk, self.specs[clerk].counter, fatal=why))

    def outcomes(self) -> list[ClerkOutcome]:
        out = []
        for clerk, spec in self.specs.items():
            ended = self.ended.get(clerk) or ClerkOutcome(
                clerk, spec.counter, fatal="clerk: ended silently"
            )
            out.append(
                ClerkOutcome(
                    clerk=clerk, counter=ended.counter, records=tuple(self.records[clerk]),
                    elapsed_s=ended.elapsed_s, cpu_s=ended.cpu_s, sold_out=ended.sold_out,
                    fatal=ended.fatal,
                )
            )  # fmt: skip
        return out


def _sold_now(box: BoxOffice, show_id: int) -> tuple[int, int]:
    smap = queries.get_seat_map(box, show_id)
    sold = sum(1 for s in smap.seats if s.status == SeatStatus.SOLD)
    return sold, sum(1 for s in smap.seats if s.status != SeatStatus.BLOCKED)


class _Watch:
    """The parent's duty while clerks run: progress, stopping, and the hard time limit."""

    def __init__(
        self,
        box: BoxOffice,
        show_id: int,
        progress: Progress | None,
        events: Events | None,
        cancel: Flag | None,
        stop: Callable[[], None],
        deadline: float,
    ) -> None:
        self.box, self.show_id, self.progress, self.events = box, show_id, progress, events
        self.cancel, self.stop, self.deadline = cancel, stop, deadline
        self.next = 0.0
        self.stopped = False  # by ``cancel``, before the clerks finished

    def __call__(self, force: bool = False) -> None:
        now = time.perf_counter()
        if self.cancel is not None and self.cancel.is_set() and not self.stopped:
            self.stopped = True
            self.stop()
        if now > self.deadline:
            self.stop()
        if not force and now < self.next:
            return
        self.next = now + WATCH_EVERY_S
        if self.progress is None and self.events is None:
            return
        try:
            sold, total = _sold_now(self.box, self.show_id)
        except Exception:  # a progress read is a courtesy; the database may be restarting
            return
        if self.progress is not None:
            self.progress(sold, total)
        if self.events is not None:
            self.events("progress", {"sold": sold, "total": total})


# --------------------------------------------------------------------------- threads and processes


def _run_threads(
    specs: list[ClerkSpec], box: BoxOffice, books: _Books, watch_for: Callable[..., _Watch]
) -> float:
    stop = threading.Event()
    sold_out = threading.Event()
    ready = threading.Barrier(len(specs) + 1)
    origin: list[float] = []
    inbox: queue.Queue[AttemptRecord | ClerkOutcome] = queue.Queue()

    def clerk(spec: ClerkSpec) -> None:
        try:
            free = warm_up(box, spec)
            ready.wait(timeout=START_TIMEOUT_S)
        except threading.BrokenBarrierError:
            inbox.put(ClerkOutcome(spec.clerk, spec.counter, fatal="start: the race was aborted"))
            return
        except BaseException as exc:  # reported as this clerk's failure
            ready.abort()
            inbox.put(ClerkOutcome(spec.clerk, spec.counter, fatal=error_kind(exc, "start")))
            return
        try:
            inbox.put(
                run_clerk(
                    box, _with_origin(spec, origin[0]), stop, free, report=inbox.put,
                    told_sold_out=sold_out,
                )
            )  # fmt: skip
        except BaseException as exc:  # reported, never swallowed
            inbox.put(ClerkOutcome(spec.clerk, spec.counter, fatal=error_kind(exc, "clerk")))

    threads = [
        threading.Thread(target=clerk, args=(s,), name=s.counter, daemon=True) for s in specs
    ]
    for t in threads:
        t.start()
    origin.append(time.perf_counter())
    try:
        ready.wait(timeout=START_TIMEOUT_S)
    except threading.BrokenBarrierError:
        stop.set()
    origin[0] = time.perf_counter()
    watch = watch_for(stop.set, origin[0])
    while len(books.ended) < len(specs):
        try:
            item = inbox.get(timeout=0.05)
        except queue.Empty:
            watch()
            if time.perf_counter() > watch.deadline + GRACE_S:
                for s in specs:
                    books.die(s.clerk, "clerk: did not stop")
            continue
        if isinstance(item, AttemptRecord):
            books.attempt(item)
            if books.all_sold:
                sold_out.set()
        else:
            books.end(item)
        watch()
    wall = time.perf_counter() - origin[0]
    for t in threads:
        t.join(timeout=5.0)
    return wall


def _run_processes(
    db_url: str, specs: list[ClerkSpec], books: _Books, watch_for: Callable[..., _Watch]
) -> float:
    spawn = mp.get_context("spawn")
    stop = SharedFlag(spawn)
    sold_out = SharedFlag(spawn)
    pipes: dict[int, Any] = {}
    procs: dict[int, Any] = {}
    ends: dict[int, Any] = {}
    for s in specs:
        mine, theirs = spawn.Pipe(duplex=True)
        pipes[s.clerk], ends[s.clerk] = mine, theirs
        procs[s.clerk] = spawn.Process(
            target=_process_clerk, args=(db_url, s, theirs, stop, sold_out),
            name=f"bms-race-{s.counter}",
            daemon=True,
        )  # fmt: skip
    for clerk, p in procs.items():
        p.start()
        ends[clerk].close()  # the child has its own copy: its death must reach us as EOF
    by_conn = {id(c): clerk for clerk, c in pipes.items()}

    def receive(conn: Any) -> tuple[str, Any] | None:
        clerk = by_conn[id(conn)]
        try:
            message: tuple[str, Any] = conn.recv()
        except (EOFError, OSError, ValueError, TypeError):  # dead, or cut off mid-message
            procs[clerk].join(timeout=1.0)
            books.die(clerk, f"clerk: process died (exit code {procs[clerk].exitcode})")
            return None
        return message

    # 1. everybody connects and warms up
    waiting = set(pipes)
    start_by = time.perf_counter() + START_TIMEOUT_S
    while waiting and time.perf_counter() < start_by:
        live = [pipes[c] for c in waiting]
        for conn in mpc.wait(live, timeout=0.25):
            clerk = by_conn[id(conn)]
            message = receive(conn)
            waiting.discard(clerk)
            if message is not None and message[0] == "fatal":
                books.die(clerk, message[1])
    for clerk in waiting:
        books.die(clerk, "start: the clerk did not start in time")
    # 2. one start for all
    origin = time.perf_counter()
    for clerk, conn in pipes.items():
        if clerk not in books.ended:
            try:
                conn.send(("go", origin))
            except OSError:
                books.die(clerk, "start: the clerk went away before the start")
    watch = watch_for(stop.set, origin)
    # 3. the books, as the attempts end
    while len(books.ended) < len(specs):
        live = [pipes[c] for c in pipes if c not in books.ended]
        for conn in mpc.wait(live, timeout=0.05):
            clerk = by_conn[id(conn)]
            message = receive(conn)
            if message is None:
                continue
            kind, payload = message
            if kind == "attempt":
                books.attempt(payload)
                if books.all_sold:
                    sold_out.set()
            elif kind == "done":
                books.end(payload)
            elif kind == "fatal":
                books.die(clerk, payload)
        watch()
        if time.perf_counter() > watch.deadline + GRACE_S:
            for clerk, p in procs.items():
                if clerk not in books.ended:
                    p.terminate()
                    books.die(clerk, "clerk: did not stop; terminated")
    wall = time.perf_counter() - origin
    for p in procs.values():
        p.join(timeout=30.0)
        if p.is_alive():
            p.terminate()
            p.join(timeout=5.0)
    for conn in pipes.values():
        conn.close()
    return wall


# --------------------------------------------------------------------------- the race


def run_race(
    cfg: RaceConfig,
    *,
    box: BoxOffice | None = None,
    progress: Progress | None = None,
    cancel: Flag | None = None,
    events: Events | None = None,
) -> RaceResult:
    """Run one race and check the database afterwards. ``box`` (threads mode): use these
    services instead of connecting to ``cfg.db_url`` (tests pass a box with their own clock).
    ``cancel``: set it to stop the clerks early (each finishes its attempt; the database is
    checked as usual)."""
    from bms_desktop.app import connect

    cfg.validate()
    own = None
    if box is None:
        pool = cfg.clerks + 4 if cfg.mode == RaceMode.THREADS else 4
        own = connect(cfg.db_url, pool_size=pool)
        box = own.box
    try:
        if cfg.show_id is None:
            show_id = ensure_scratch_show(box, seats=cfg.seats)
            before: dict[str, tuple[int, int]] = {}
        else:
            check_race_show(box, cfg.show_id)
            show_id = cfg.show_id
            before = check_integrity(cfg.db_url, show_id=show_id).sales_by_counter
        sold_before, seats_total = _sold_now(box, show_id)
        if events is not None:
            events("show", seat_map_json(box, show_id))
        base_seed = cfg.seed if cfg.seed is not None else random.randrange(1 << 30)
        specs = [
            ClerkSpec(
                clerk=i,
                show_id=show_id,
                strategy=cfg.race_strategy,
                seats_per_booking=cfg.seats_per_booking,
                delay_ms=cfg.delay_ms,
                max_retries=cfg.max_retries,
                duration_s=cfg.duration_s,
                seed=base_seed + i,
            )
            for i in range(1, cfg.clerks + 1)
        ]
        books = _Books(specs, events, seats_total - sold_before)
        watches: list[_Watch] = []

        def watch_for(stop: Callable[[], None], origin: float) -> _Watch:
            if events is not None:
                events("started", {"show_id": show_id, "clerks": cfg.clerks})
            w = _Watch(box, show_id, progress, events, cancel, stop, origin + cfg.duration_s + 5)
            watches.append(w)
            return w

        if cfg.mode == RaceMode.THREADS:
            wall = _run_threads(specs, box, books, watch_for)
        else:
            wall = _run_processes(cfg.db_url, specs, books, watch_for)
        if watches:
            watches[0](force=True)
        dialect = box.uows.dialect
    finally:
        if own is not None:
            own.close()
    integrity = check_integrity(cfg.db_url, show_id=show_id)
    result = summarise(
        cfg, dialect, show_id, seats_total, sold_before, books.outcomes(), wall, integrity,
        before=before, stopped=bool(watches and watches[0].stopped),
    )  # fmt: skip
    if events is not None:
        events("result", {**result.to_json(), "explanation": explain(result)})
    return result
