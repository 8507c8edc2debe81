"""The connection monitor: a lost database is said at once, counted in seconds, probed off the GUI
thread, and its return announced (issue 13). Also the damaged-database dialog."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from PySide6.QtCore import QThread
from PySide6.QtWidgets import QDialog

from bms_desktop.app import connect
from bms_desktop.gui.connection_monitor import ConnectionMonitor, restored_text, unreachable_text
from bms_desktop.gui.dialogs.restore_backup_dialog import RestoreBackupDialog
from bms_desktop.persistence.reconnect import ReconnectPolicy
from bms_desktop.services import queries
from bms_desktop.services.health import ConnectionHealth
from bms_desktop.services.ports import StorageError, StorageUnavailable
from tests.support.builders import build_world


class FakeClock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


class SwitchableProbe:
    """Fails (unreachable) until ``up``; records the threads it ran on."""

    def __init__(self) -> None:
        self.up = False
        self.threads: list[object] = []

    def __call__(self) -> None:
        self.threads.append(QThread.currentThread())
        if not self.up:
            raise StorageUnavailable("unreachable")


def test_a_loss_told_from_a_worker_thread_is_shown_counted_and_its_return_announced(qtbot):
    clock = FakeClock()
    health = ConnectionHealth(clock=clock)
    probe = SwitchableProbe()
    monitor = ConnectionMonitor(health, probe, tick_ms=20, probe_first_ms=10, probe_max_ms=40)
    texts: list[str] = []
    monitor.status_changed.connect(texts.append)

    with qtbot.waitSignal(monitor.connection_lost, timeout=5000):
        threading.Thread(target=health.lost).start()  # a unit of work on a worker thread
    assert monitor.is_lost() and texts[-1] == "Database unreachable — reconnecting… 0 s"

    clock.t += 4
    with qtbot.waitSignal(monitor.still_lost, timeout=5000, check_params_cb=lambda s: s == 4):
        pass
    assert texts[-1] == unreachable_text(4)
    qtbot.waitUntil(lambda: monitor.probes >= 2, timeout=5000)  # it keeps probing
    assert QThread.currentThread() not in probe.threads  # never on the GUI thread

    clock.t += 2
    probe.up = True
    with qtbot.waitSignal(monitor.connection_restored, timeout=5000) as restored:
        pass
    assert restored.args == [6.0]
    assert not monitor.is_lost() and texts[-1] == "" and health.lost_since is None
    assert restored_text(6.0) == "Database connection restored after 6 s"
    monitor.stop()


def test_a_monitor_made_while_the_database_is_away_starts_lost(qtbot):
    health = ConnectionHealth()
    health.lost()
    probe = SwitchableProbe()
    monitor = ConnectionMonitor(health, probe, tick_ms=20, probe_first_ms=10)
    assert monitor.is_lost() and monitor.status_text().startswith("Database unreachable")
    probe.up = True
    qtbot.waitUntil(lambda: not monitor.is_lost(), timeout=5000)
    monitor.stop()


def test_a_stopped_monitor_ignores_the_health(qtbot):
    health = ConnectionHealth()
    monitor = ConnectionMonitor(health, SwitchableProbe())
    monitor.stop()
    health.lost()  # on this (the GUI) thread a subscribed monitor would hear it at once
    assert not monitor.is_lost()


@pytest.mark.postgres
def test_the_monitor_follows_a_real_postgresql_restart(qtbot, own_pg_cluster, clock):
    url = own_pg_cluster.create_database("monitor_restart")
    wiring = connect(url)
    box = wiring.box
    box.clock = clock
    monitor = ConnectionMonitor(box.uows.health, box.uows.probe, tick_ms=100, probe_first_ms=50)
    try:
        world = build_world(box)
        own_pg_cluster.stop_server("fast")
        box.uows.reconnect = ReconnectPolicy(window_s=0.1)
        failed: list[BaseException] = []

        def read() -> None:
            try:
                queries.get_seat_map(box, world.show_id)
            except StorageError as exc:
                failed.append(exc)

        with qtbot.waitSignal(monitor.connection_lost, timeout=10_000):
            threading.Thread(target=read).start()
        qtbot.waitUntil(lambda: bool(failed), timeout=10_000)
        assert isinstance(failed[0], StorageUnavailable)
        assert monitor.status_text().startswith("Database unreachable — reconnecting…")
        with qtbot.waitSignal(monitor.connection_restored, timeout=30_000):
            own_pg_cluster.start_server()
        assert queries.get_seat_map(box, world.show_id).seats  # and work goes on
    finally:
        monitor.stop()
        wiring.close()
        if not own_pg_cluster.accepting:
            own_pg_cluster.start_server()
        own_pg_cluster.drop_database("monitor_restart")


def test_the_damaged_database_dialog_fits_and_restores_only_when_asked(qtbot):
    dialog = RestoreBackupDialog(
        "/data/boxoffice.db",
        "/data/backups/boxoffice-20300304-043000Z.db",
        datetime(2030, 3, 4, 4, 30, tzinfo=UTC),
    )
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    hint = dialog.sizeHint()
    assert hint.width() <= 1366 and hint.height() <= 768
    assert "boxoffice-20300304-043000Z.db" in dialog.details.text()
    assert "are not in it" in dialog.details.text()
    assert dialog.restore_button.isDefault()
    dialog.cancel_button.click()
    assert dialog.result() == QDialog.DialogCode.Rejected
    dialog.restore_button.click()
    assert dialog.result() == QDialog.DialogCode.Accepted
