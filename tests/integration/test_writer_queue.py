"""The line in front of SQLite's write lock (``persistence/writer_queue.py``): only the first in
line polls; a place can be waited for with a deadline; giving up never leaves the line blocked."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from bms_desktop.persistence import engine as engine_module
from bms_desktop.persistence import writer_queue
from bms_desktop.persistence.writer_queue import LINE_HOLD_MAX_S, OwnLine, WriterQueue
from bms_desktop.services.ports import StorageBusy

fcntl = pytest.importorskip("fcntl")


def _free(queue: WriterQueue) -> bool:
    """Nobody holds a place: an exclusive non-blocking lock on the file succeeds at once."""
    fd = queue.wait_first(0.001)
    if fd is None:
        return False
    WriterQueue.leave(fd)
    return True


def _until(condition, timeout_s: float = 5.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.005)


def test_the_first_in_line_gets_its_place_at_once_and_the_next_waits_for_it(tmp_path):
    queue = WriterQueue(str(tmp_path / "box.db"))
    first = queue.wait_first(1.0)
    assert first is not None
    assert (tmp_path / "box.db-writers").exists()
    got: list[int | None] = []
    waiter = threading.Thread(target=lambda: got.append(queue.wait_first(5.0)))
    waiter.start()
    time.sleep(0.05)
    assert got == []  # still waiting, in the kernel
    WriterQueue.leave(first)
    waiter.join(5.0)
    assert got and got[0] is not None
    assert not _free(queue)
    WriterQueue.leave(got[0])
    assert _free(queue)


def test_a_wait_that_runs_out_gives_nothing_and_leaves_the_line_once_its_turn_comes(tmp_path):
    queue = WriterQueue(str(tmp_path / "box.db"))
    first = queue.wait_first(1.0)
    assert first is not None
    t0 = time.monotonic()
    assert queue.wait_first(0.1) is None
    assert queue.wait_first(0.1) is None
    assert 0.15 <= time.monotonic() - t0 < 2.0
    WriterQueue.leave(first)
    # the two abandoned helpers take their turn and leave at once: the line is free again
    _until(lambda: _free(queue))
    _until(lambda: not any(t.name == "bms-writer-queue" for t in threading.enumerate()))


def test_without_a_usable_file_there_is_no_line_and_waiters_poll(tmp_path):
    queue = WriterQueue(str(tmp_path / "missing-folder" / "box.db"))
    assert queue.wait_first(0.5) is None
    assert queue.usable is False


def test_write_units_of_work_waiting_behind_a_long_transaction_give_up_at_the_deadline(
    sqlite_url, monkeypatch
):
    """Two counters wait for a third that holds the write lock too long: the first in line
    polls, the second waits in line; both get StorageBusy at the deadline, nobody is left in
    line, and the next write begins at once."""
    from bms_desktop.app import connect

    monkeypatch.setattr(engine_module, "BUSY_TIMEOUT_MS", 300)
    wiring = connect(sqlite_url, pool_size=4)
    box = wiring.box
    try:
        holder = box.uows(write=True, label="holder")
        outcomes: list[object] = []

        def wait() -> None:
            try:
                with box.uows(write=True, label="waiter") as uow:
                    outcomes.append(uow.lock_wait_ms)
            except StorageBusy as exc:
                outcomes.append(exc)

        waiters = [threading.Thread(target=wait) for _ in range(2)]
        t0 = time.monotonic()
        for w in waiters:
            w.start()
        for w in waiters:
            w.join(10.0)
        assert len(outcomes) == 2 and all(isinstance(o, StorageBusy) for o in outcomes)
        assert 0.25 <= time.monotonic() - t0 < 3.0
        holder.commit()
        holder.close()
        queue = WriterQueue(str(Path(sqlite_url.removeprefix("sqlite:///")).resolve()))
        _until(lambda: _free(queue))
        with box.uows(write=True) as uow:
            assert uow.lock_wait_ms < 250
    finally:
        wiring.close()


def test_write_units_of_work_queued_behind_each_other_all_get_the_lock(sqlite_url):
    from bms_desktop.app import connect

    wiring = connect(sqlite_url, pool_size=8)
    box = wiring.box
    try:
        with box.uows(write=True) as uow:
            uow.settings.put("counter", "0")
            uow.commit()
        errors: list[BaseException] = []

        def bump() -> None:
            try:
                for _ in range(25):
                    with box.uows(write=True) as uow:
                        value = int(uow.settings.get("counter") or "0")
                        time.sleep(0.0005)  # inside the lock: the others queue
                        uow.settings.put("counter", str(value + 1))
                        uow.commit()
            except BaseException as exc:  # reported below
                errors.append(exc)

        threads = [threading.Thread(target=bump) for _ in range(6)]
        for th in threads:
            th.start()
        for th in threads:
            th.join(60.0)
        assert errors == []
        with box.uows() as uow:
            assert uow.settings.get("counter") == str(6 * 25)  # no lost update
    finally:
        wiring.close()


# --- A connection's own place in line (OwnLine), held for its whole write transaction ---------


def _own(tmp_path: Path) -> tuple[WriterQueue, OwnLine, OwnLine]:
    queue = WriterQueue(str(tmp_path / "box.db"))
    a, b = queue.open_own(), queue.open_own()
    assert a is not None and b is not None
    return queue, a, b


def test_the_next_in_line_is_woken_as_the_first_leaves(tmp_path):
    queue, a, b = _own(tmp_path)
    try:
        assert a.take() and a.held
        got = threading.Event()
        waiter = threading.Thread(target=lambda: b.take() and got.set())
        waiter.start()
        assert not got.wait(0.03)  # waits in the kernel while the first works (< LINE_HOLD_MAX_S)
        a.leave()
        assert got.wait(5.0) and b.held and not a.held
        b.leave()
        waiter.join(5.0)
        assert _free(queue)
    finally:
        a.close()
        b.close()


def test_nobody_stays_first_longer_than_the_limit(tmp_path):
    """A transaction that runs long (the teaching delay, a stuck thread) is made to leave the
    line by the watchdog, so the next one polls the database beside it instead of waiting."""
    _queue, a, b = _own(tmp_path)
    try:
        assert a.take()
        got = threading.Event()
        t0 = time.monotonic()
        waiter = threading.Thread(target=lambda: b.take() and got.set())
        waiter.start()
        assert got.wait(5.0)
        assert time.monotonic() - t0 >= LINE_HOLD_MAX_S / 2 and not a.held and b.held
        a.leave()  # leaving after the watchdog made it leave changes nothing
        assert b.held
        b.leave()
        waiter.join(5.0)
    finally:
        a.close()
        b.close()


def test_a_thread_first_in_line_never_waits_behind_itself(tmp_path):
    """A write transaction opened inside another by the same thread gets no place (it would wait
    for itself): it polls the database as before the line, and gets its busy timeout."""
    _queue, a, b = _own(tmp_path)
    try:
        assert a.take()
        t0 = time.monotonic()
        assert b.take() is False and not b.held
        assert time.monotonic() - t0 < LINE_HOLD_MAX_S
        a.leave()
        assert b.take()
        b.leave()
    finally:
        a.close()
        b.close()


def test_a_write_unit_of_work_is_first_in_line_until_it_commits(sqlite_url):
    from bms_desktop.app import connect

    wiring = connect(sqlite_url, pool_size=4)
    box = wiring.box
    try:
        with box.uows(write=True) as uow:
            dbapi = uow.connection.connection.dbapi_connection
            assert isinstance(dbapi, engine_module.LineConnection)
            assert dbapi.own_line is not None and dbapi.own_line.held
            uow.settings.put("line", "1")
            uow.commit()
            assert not dbapi.own_line.held
        with box.uows(write=False) as uow:  # a read transaction never gets in line
            dbapi = uow.connection.connection.dbapi_connection
            assert dbapi.own_line is None or not dbapi.own_line.held
            assert uow.settings.get("line") == "1"
    finally:
        wiring.close()


def test_writers_take_their_turns_in_the_order_they_came(tmp_path):
    """First come, first served: five connections queue behind a sixth and get the line in the
    order they drew their tickets, whatever order the kernel would wake them in."""
    queue = WriterQueue(str(tmp_path / "box.db"))
    lines = [queue.open_own() for _ in range(6)]
    assert all(line is not None for line in lines)
    head, *rest = [line for line in lines if line is not None]
    order: list[int] = []

    def ticket() -> int:
        return int.from_bytes(Path(queue.path).read_bytes().ljust(8, b"\0")[:8], "little")

    def wait_turn(i: int, line: OwnLine) -> None:
        assert line.take()
        order.append(i)
        line.leave()

    try:
        assert head.take()
        threads = []
        for i, line in enumerate(rest):
            before = ticket()
            th = threading.Thread(target=wait_turn, args=(i, line))
            th.start()
            threads.append(th)
            _until(lambda before=before: ticket() > before)  # it has its ticket and waits
        assert order == []
        head.leave()
        for th in threads:
            th.join(5.0)
        assert order == [0, 1, 2, 3, 4]
    finally:
        for line in lines:
            if line is not None:
                line.close()


def _thread_state(native_id: int) -> str:
    """The kernel's scheduling state of one of this process's threads: R running, S asleep."""
    stat = Path(f"/proc/self/task/{native_id}/stat").read_text()
    return stat.rsplit(")", 1)[1].split()[0]


def test_the_second_in_line_tries_for_a_while_then_sleeps_like_the_rest(tmp_path, monkeypatch):
    """The second in line keeps trying for its turn (so it passes without a wake-up) only for
    ``SECOND_SPIN_S``; behind a long turn it sleeps in the kernel like the third, and both still
    come in the order they drew their tickets."""
    queue = WriterQueue(str(tmp_path / "box.db"))
    lines = [queue.open_own() for _ in range(3)]
    assert all(line is not None for line in lines)
    head, second, third = [line for line in lines if line is not None]
    order: list[str] = []
    ids: dict[str, int] = {}

    def wait_turn(name: str, line: OwnLine) -> None:
        ids[name] = threading.get_native_id()
        assert line.take()
        order.append(name)
        line.leave()

    try:
        with monkeypatch.context() as m:  # a first turn as long as the test needs: no watchdog
            m.setattr(writer_queue._Watchdog, "watch", classmethod(lambda cls, line: None))
            assert head.take()
        threads = []
        for name, line in (("second", second), ("third", third)):
            th = threading.Thread(target=wait_turn, args=(name, line))
            th.start()
            threads.append(th)
            _until(lambda name=name: name in ids)
        # Both asleep in the kernel while the first's turn goes on (well past SECOND_SPIN_S).
        _until(lambda: all(_thread_state(i) == "S" for i in ids.values()))
        assert order == [] and head.held
        head.leave()
        for th in threads:
            th.join(5.0)
        assert order == ["second", "third"]
        assert _free(queue)
    finally:
        for line in lines:
            if line is not None:
                line.close()


# The child only takes file locks and exits: the warning about forking a threaded process is the
# very situation under test.
@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")
def test_a_forked_child_gets_a_watchdog_of_its_own(tmp_path):
    """The parent's watchdog thread does not exist in a forked child: a line the child holds for
    too long is still made to leave, by the child's own watchdog."""
    queue, a, b = _own(tmp_path)
    try:
        assert a.take()  # the parent's watchdog thread is running now
        a.leave()
        pid = os.fork()
        if pid == 0:  # the child: hold a fresh place for too long, never leave it
            code = 1
            try:
                child_line = queue.open_own()
                if child_line is not None and child_line.take():
                    deadline = time.monotonic() + 5.0
                    while child_line.held and time.monotonic() < deadline:
                        time.sleep(0.01)
                    code = 0 if not child_line.held else 2
            finally:
                os._exit(code)
        _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0
        assert b.take()  # and the line is free for the parent afterwards
        b.leave()
    finally:
        a.close()
        b.close()
