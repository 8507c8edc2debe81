"""The outcome resolver waits for the database, then tells the truth about a lost commit."""

from __future__ import annotations

import threading

import pytest

from bms_desktop.app import connect
from bms_desktop.domain.model import PaymentMode
from bms_desktop.gui.connection_monitor import ConnectionMonitor
from bms_desktop.gui.outcome_resolver import OutcomeResolver, checking_text
from bms_desktop.services import booking, checkout
from bms_desktop.services.health import ConnectionHealth
from bms_desktop.services.outcome_guard import OperationKind
from bms_desktop.services.ports import OutcomeUnknown, StorageUnavailable
from tests.support.builders import build_world, clerk

CLERK = clerk("Counter 1")


class Switch:
    def __init__(self) -> None:
        self.up = False

    def __call__(self) -> None:
        if not self.up:
            raise StorageUnavailable("unreachable")


def _unknown(kind: OperationKind, **key: object) -> OutcomeUnknown:
    return OutcomeUnknown("lost", kind=kind, **key)  # type: ignore[arg-type]


def test_an_unknown_hold_is_looked_up_once_the_database_is_back(qtbot, box):
    world = build_world(box)
    held = booking.hold_seats(box, CLERK, show_id=world.show_id, show_seat_ids=world.seat_ids[:2])
    health, switch = ConnectionHealth(), Switch()
    monitor = ConnectionMonitor(health, switch, tick_ms=20, probe_first_ms=10, probe_max_ms=20)
    resolver = OutcomeResolver(box, lambda: CLERK, monitor)
    said: list[str] = []
    resolver.checking.connect(said.append)
    unknown = _unknown(OperationKind.HOLD, ticket_code=held.ticket_code)

    resolver.resolve_when_back(unknown)  # the loss is news to the monitor: it waits

    assert monitor.is_lost() and resolver.pending() == 1
    expected = f"checking whether the hold of {held.ticket_code} went through…"
    assert said == [f"Connection lost while saving: {expected}"]
    with qtbot.waitSignal(resolver.resolved, timeout=10_000) as got:
        switch.up = True
    truth = got.args[0]
    assert truth.went_through and truth.hold.ticket_id == held.ticket_id
    assert resolver.pending() == 0
    monitor.stop()


def test_an_unknown_sale_is_looked_up_after_one_probe_when_the_database_answers(qtbot, box):
    world = build_world(box)
    held = booking.hold_seats(box, CLERK, show_id=world.show_id, show_seat_ids=world.seat_ids[:1])
    monitor = ConnectionMonitor(ConnectionHealth(), box.uows.probe, probe_first_ms=10)
    resolver = OutcomeResolver(box, lambda: CLERK, monitor)
    with qtbot.waitSignal(resolver.resolved, timeout=10_000) as got:
        # (the lost commit rolled back: the sale was not made)
        resolver.resolve_when_back(_unknown(OperationKind.CONFIRM, ticket_id=held.ticket_id))
    assert monitor.probes == 1 and not monitor.is_lost()
    assert not got.args[0].went_through and "Nothing was charged" in got.args[0].message
    monitor.stop()


def test_an_outcome_with_nothing_to_look_up_is_not_guessed(qtbot, box):
    monitor = ConnectionMonitor(ConnectionHealth(), box.uows.probe)
    resolver = OutcomeResolver(box, lambda: CLERK, monitor)
    with qtbot.waitSignal(resolver.failed, timeout=5000):
        resolver.resolve_when_back(OutcomeUnknown("lost"))
    assert checking_text(OutcomeUnknown("lost")).endswith("whether the last change went through…")
    monitor.stop()


@pytest.mark.postgres
def test_a_sale_cut_off_by_a_postgresql_restart_is_resolved_when_it_is_back(
    qtbot, own_pg_cluster, clock
):
    """The server is stopped (pg_ctl stop -m fast) right after the sale's COMMIT went through:
    the counter cannot know; the resolver waits for the restart and finds the sale."""
    url = own_pg_cluster.create_database("resolver_restart")
    wiring = connect(url)
    box = wiring.box
    box.clock = clock
    monitor = ConnectionMonitor(box.uows.health, box.uows.probe, tick_ms=100, probe_first_ms=50)
    resolver = OutcomeResolver(box, lambda: CLERK, monitor)
    try:
        world = build_world(box)
        held = booking.hold_seats(
            box, CLERK, show_id=world.show_id, show_seat_ids=world.seat_ids[:2]
        )

        def stop_after_commit(stage: str, uow) -> None:
            if stage == "after_commit":
                box.uows.fault_hook = None
                own_pg_cluster.stop_server("fast")
                uow.connection.exec_driver_sql("SELECT 1")  # the dead connection's real error

        box.uows.fault_hook = stop_after_commit
        caught: list[BaseException] = []

        def confirm() -> None:
            try:
                checkout.confirm_booking(box, CLERK, ticket_id=held.ticket_id, mode=PaymentMode.UPI)
            except BaseException as exc:
                caught.append(exc)

        worker = threading.Thread(target=confirm)
        worker.start()
        qtbot.waitUntil(lambda: bool(caught), timeout=30_000)
        unknown = caught[0]
        assert isinstance(unknown, OutcomeUnknown) and unknown.kind == OperationKind.CONFIRM
        resolver.resolve_when_back(unknown)
        qtbot.waitUntil(monitor.is_lost, timeout=10_000)
        with qtbot.waitSignal(resolver.resolved, timeout=60_000) as got:
            own_pg_cluster.start_server()
        truth = got.args[0]
        assert truth.went_through and truth.confirmation.ticket_code == held.ticket_code
        assert f"The sale of {held.ticket_code} did go through" in truth.message
    finally:
        monitor.stop()
        wiring.close()
        if not own_pg_cluster.accepting:
            own_pg_cluster.start_server()
        own_pg_cluster.drop_database("resolver_restart")
