"""The Door window with pytest-qt: every outcome on the panel (colour kind, icon, word, the facts
an usher needs), partial admission, filters, the live counter, the last 20 scans, focus, sound,
a lost connection, an admission whose commit broke off, the supervisor's undo."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from bms_desktop.domain.model import Role
from bms_desktop.gui.door import open_door_window
from bms_desktop.gui.door.door_window import DoorWindow
from bms_desktop.gui.door.outcome_panel import STYLES
from bms_desktop.gui.door.scan_log_model import MAX_SCANS, ScanLogEntry, ScanLogModel
from bms_desktop.gui.door.sound import DoorSound
from bms_desktop.gui.door.undo_dialog import UndoAdmissionDialog
from bms_desktop.gui.hub import ChangeHub
from bms_desktop.services import cancellation, checkout, door
from bms_desktop.services.context import CounterContext
from bms_desktop.services.ports import StorageUnavailable
from tests.gui.counter_support import QuietFeed
from tests.support.door_support import PASSWORDS, door_world, doors_open, hold, sell, sql_write

TIMEOUT = 10_000


@pytest.fixture
def db_url(sqlite_url: str) -> str:
    """The window's flow is the same on both engines (the services are tested on both)."""
    return sqlite_url


@pytest.fixture
def dw(box: Any) -> Any:
    return door_world(box)


@pytest.fixture
def hub(qtbot: QtBot) -> Iterator[ChangeHub]:
    hub = ChangeHub(QuietFeed(), start=False)
    yield hub
    hub.stop()


def make_window(qtbot: QtBot, box: Any, ctx: CounterContext, hub: ChangeHub | None) -> DoorWindow:
    win = DoorWindow(box, ctx, hub, sound=DoorSound(enabled=False))
    qtbot.addWidget(win)
    win.resize(1366, 768)
    win.show()
    qtbot.waitExposed(win)
    qtbot.waitUntil(lambda: win.controller.setup is not None and not win.is_busy(), timeout=TIMEOUT)
    return win


@pytest.fixture
def window(qtbot: QtBot, box: Any, dw: Any, clock: Any, hub: ChangeHub) -> DoorWindow:
    return make_window(qtbot, box, dw.usher, hub)


def scan(qtbot: QtBot, win: DoorWindow, text: str) -> str:
    """Type like a keyboard-wedge scanner (the code, then Enter); the panel's kind."""
    win.code_edit.setFocus()
    win.code_edit.setText(text)
    with qtbot.waitSignal(win.outcome_shown, timeout=TIMEOUT):
        qtbot.keyClick(win.code_edit, Qt.Key.Key_Return)
    return win.panel.kind()


def panel_text(win: DoorWindow) -> str:
    p = win.panel
    labels = (p.word_label, p.people_label, p.show_label, p.types_label, p.message_label)
    return " | ".join(label.text() for label in labels if not label.isHidden())


def test_a_valid_ticket_shows_admit_with_people_seats_show_and_ticket_types(
    qtbot: QtBot, window: DoorWindow, box: Any, dw: Any, clock: Any
) -> None:
    code = sell(box, dw.world.show_id, list(dw.world.seat_ids[:2]))
    doors_open(box, dw.world, clock)

    assert scan(qtbot, window, code) == "ADMIT"

    text = panel_text(window)
    assert "ADMIT" in text and "2 people · Seats A1, A2" in text
    assert "Test Movie (U) · Screen 1" in text and "Test Cinema" in text
    assert "2 × Adult" in text
    assert window.panel.icon.icon() == "tick"
    assert window.code_edit.text() == "" and window.code_edit.hasFocus()
    assert list(window.sound.played) == ["admit"]
    assert window.last_scan_ms is not None and window.last_scan_ms >= 0
    row = window.model.entry(0)
    assert (row.code, row.kind, row.people) == (code, "ADMIT", "2")


def test_a_second_scan_shows_already_admitted_with_door_time_and_usher(
    qtbot: QtBot, window: DoorWindow, box: Any, dw: Any, clock: Any
) -> None:
    code = sell(box, dw.world.show_id, list(dw.world.seat_ids[:1]))
    doors_open(box, dw.world, clock)
    other_door = CounterContext("Door 2", dw.clerk.staff_id, "carl", Role.CLERK)
    first = door.admit(box, other_door, code=code, door="Door 2")

    assert scan(qtbot, window, code) == "ALREADY_ADMITTED"

    local = first.admissions[0].local_at
    assert window.panel.people_label.text() == f"Door 2 · {local:%H:%M} · carl"
    assert "1 of 1 in" in window.panel.types_label.text()
    assert window.panel.icon.icon() == "cross"
    assert STYLES["ALREADY_ADMITTED"].hatched and not STYLES["ADMIT"].hatched
    assert list(window.sound.played) == ["refuse"]


def test_partial_admission_of_a_group_ticket_then_the_rest(
    qtbot: QtBot, window: DoorWindow, box: Any, dw: Any, clock: Any
) -> None:
    code = sell(box, dw.world.show_id, list(dw.world.seat_ids[:4]))
    doors_open(box, dw.world, clock)
    window.people_spin.setValue(2)

    assert scan(qtbot, window, code) == "ADMIT"
    assert "2 of 4 people" in window.panel.people_label.text()
    assert "2 still to come" in window.panel.message_label.text()
    assert window.people_spin.value() == 0 and window.people_spin.text() == "All"

    assert scan(qtbot, window, code) == "ADMIT"
    assert "2 of 4 people" in window.panel.people_label.text()
    assert "last 2 people" in window.panel.message_label.text()
    assert [e.people for e in window.model.entries()] == ["2 of 4", "2 of 4"]


def test_more_people_now_than_the_ticket_is_for_says_too_many(
    qtbot: QtBot, window: DoorWindow, box: Any, dw: Any, clock: Any
) -> None:
    code = sell(box, dw.world.show_id, list(dw.world.seat_ids[:2]))
    doors_open(box, dw.world, clock)
    window.people_spin.setValue(5)

    assert scan(qtbot, window, code) == "TOO_MANY"
    assert window.panel.people_label.text() == "A ticket for 2"
    assert window.people_spin.value() == 0  # back to All for the next scan
    assert scan(qtbot, window, code) == "ADMIT"


def test_a_door_kept_to_another_screen_says_wrong_show_and_where_to_go(
    qtbot: QtBot, window: DoorWindow, box: Any, dw: Any, clock: Any
) -> None:
    code = sell(box, dw.world.show_id, list(dw.world.seat_ids[:1]))
    doors_open(box, dw.world, clock)
    window.controller.set_filter(screen_id=dw.world.screen_id + 50)

    assert scan(qtbot, window, code) == "WRONG_SHOW"
    starts = window.last_result.show.local_starts_at
    assert window.panel.people_label.text() == f"Go to Screen 1 · {starts:%H:%M}"
    assert window.panel.icon.icon() == "arrow"


def test_the_screen_filter_comes_from_the_combo_and_focus_goes_back_to_the_code(
    qtbot: QtBot, window: DoorWindow, box: Any, dw: Any, clock: Any
) -> None:
    combo = window.screen_combo
    index = combo.findData(f"screen:{dw.world.screen_id}")
    assert index > 0 and "Test Cinema · Screen 1" in combo.itemText(index)
    combo.setFocus()
    combo.setCurrentIndex(index)
    combo.activated.emit(index)
    assert window.controller.screen_id == dw.world.screen_id
    qtbot.waitUntil(window.code_edit.hasFocus, timeout=TIMEOUT)


@pytest.mark.parametrize(
    ("minutes_before", "kind", "icon", "headline"),
    [(45, "NOT_YET", "clock", "Doors open at"), (-200, "SHOW_ENDED", "ended", "Ended at")],
)
def test_too_early_and_too_late_show_the_time(
    qtbot: QtBot, window: DoorWindow, box: Any, dw: Any, clock: Any,
    minutes_before: int, kind: str, icon: str, headline: str,
) -> None:  # fmt: skip
    code = sell(box, dw.world.show_id, list(dw.world.seat_ids[:1]))
    doors_open(box, dw.world, clock, before_start=minutes_before)

    assert scan(qtbot, window, code) == kind
    assert window.panel.people_label.text().startswith(headline)
    assert window.panel.icon.icon() == icon


def test_cancelled_refunded_and_unpaid_tickets_are_refused(
    qtbot: QtBot, window: DoorWindow, box: Any, dw: Any, clock: Any, db_url: str
) -> None:
    refunded = sell(box, dw.world.show_id, list(dw.world.seat_ids[:1]))
    tid = window_ticket_id(box, refunded)
    cancellation.cancel_booking(box, dw.supervisor, ticket_id=tid)
    released_id, released = hold(box, dw.world.show_id, list(dw.world.seat_ids[1:2]))
    checkout.release_hold(box, dw.clerk, ticket_id=released_id)
    _pending, unpaid = hold(box, dw.world.show_id, list(dw.world.seat_ids[2:3]))
    doors_open(box, dw.world, clock)

    assert scan(qtbot, window, refunded) == "REFUNDED"
    assert window.panel.icon.icon() == "ban"
    assert scan(qtbot, window, released) == "CANCELLED"
    assert scan(qtbot, window, unpaid) == "NOT_PAID"
    assert window.panel.people_label.text() == "Send the guest to the counter"
    assert [e.kind for e in window.model.entries()] == ["NOT_PAID", "CANCELLED", "REFUNDED"]


def window_ticket_id(box: Any, code: str) -> int:
    with box.uows() as uow:
        ticket = uow.booking.ticket_by_code(code)
        assert ticket is not None
        return ticket.ticket_id


@pytest.mark.parametrize(
    "junk", ["x" * 5000, "DROP TABLE tickets;--", "BMS-\x00\x1b[31m", "🎟️ ÄÖÜ", "BMS-ZZZZ-ZZZZ"]
)
def test_garbage_shows_unknown_code_and_changes_nothing(
    qtbot: QtBot, window: DoorWindow, box: Any, dw: Any, clock: Any, junk: str
) -> None:
    code = sell(box, dw.world.show_id, list(dw.world.seat_ids[:1]))
    doors_open(box, dw.world, clock)

    assert scan(qtbot, window, junk) == "UNKNOWN_CODE"
    assert window.panel.icon.icon() == "question"
    shown = window.model.entry(0).code
    assert len(shown) <= 60 and shown.isprintable()
    assert scan(qtbot, window, code) == "ADMIT"  # nothing was admitted by the garbage


def test_the_live_counter_follows_admissions_at_other_doors_through_the_hub(
    qtbot: QtBot, window: DoorWindow, box: Any, dw: Any, clock: Any, hub: ChangeHub
) -> None:
    first = sell(box, dw.world.show_id, list(dw.world.seat_ids[:2]))
    second = sell(box, dw.world.show_id, list(dw.world.seat_ids[2:5]))
    doors_open(box, dw.world, clock)
    window.controller.refresh_board()
    qtbot.waitUntil(lambda: window.live.count_label.text() == "0 / 5", timeout=TIMEOUT)

    assert scan(qtbot, window, first) == "ADMIT"
    assert window.live.count_label.text() == "2 / 5"  # our own admission: at once

    other = CounterContext("Door 2", dw.usher.staff_id, "usha", Role.USHER)
    door.admit(box, other, code=second, door="Door 2")
    hub.announce([dw.world.show_id])  # what the change feed says when another door commits
    qtbot.waitUntil(lambda: window.live.count_label.text() == "5 / 5", timeout=TIMEOUT)
    assert "Test Movie · Screen 1" in window.live.show_label.text()


def test_the_scan_list_keeps_the_last_twenty_newest_first(qtmodeltester: Any) -> None:
    from datetime import datetime

    model = ScanLogModel()
    at = datetime(2030, 3, 4, 10, 0)
    for i in range(MAX_SCANS + 5):
        model.add(
            ScanLogEntry(
                at, "Asia/Kolkata", f"BMS-{i:04d}", "ADMIT", "ADMIT", "1", "Admit 1 person."
            )
        )
    qtmodeltester.check(model)
    assert model.rowCount() == MAX_SCANS
    assert model.entry(0).code == f"BMS-{MAX_SCANS + 4:04d}"
    assert model.data(model.index(0, 2)) == "ADMIT"


def test_a_scanner_typing_into_people_now_goes_to_the_code_field(
    qtbot: QtBot, window: DoorWindow
) -> None:
    window.people_spin.setFocus()
    qtbot.keyClicks(window.people_spin, "3")
    assert window.people_spin.value() == 3
    qtbot.keyClicks(window.people_spin, "BMS")
    assert window.code_edit.text() == "BMS" and window.code_edit.hasFocus()


class _Unreachable:
    """A unit-of-work factory whose database has gone away."""

    def __init__(self, inner: Any) -> None:
        self.inner, self.dialect, self.down = inner, inner.dialect, True

    def __call__(self, **kw: Any) -> Any:
        if self.down:
            raise StorageUnavailable("The database cannot be reached; nothing was changed.")
        return self.inner(**kw)


def test_a_lost_connection_is_shown_at_once_and_nothing_is_admitted(
    qtbot: QtBot, window: DoorWindow, box: Any, dw: Any, clock: Any
) -> None:
    code = sell(box, dw.world.show_id, list(dw.world.seat_ids[:1]))
    doors_open(box, dw.world, clock)
    real = box.uows
    box.uows = _Unreachable(real)

    assert scan(qtbot, window, code) == "CONNECTION_LOST"
    assert "NOT ADMITTED" in panel_text(window) and "NOT recorded" in panel_text(window)
    assert not window.connection_banner.isHidden()
    assert window.connection_pill.text() == "● Offline"
    assert list(window.sound.played) == ["lost"]

    box.uows.down = False
    window.controller.set_intervals(ping_ms=20)
    qtbot.waitUntil(window.connection_banner.isHidden, timeout=TIMEOUT)
    assert scan(qtbot, window, code) == "ADMIT"


class _CommitBreaks:
    """The next write unit of work commits, then loses its connection (outcome unknown)."""

    def __init__(self, inner: Any) -> None:
        self.inner, self.dialect, self.armed = inner, inner.dialect, True

    def __call__(self, **kw: Any) -> Any:
        uow = self.inner(**kw)
        if kw.get("write") and self.armed:
            self.armed = False
            real_commit = uow.commit

            def commit() -> None:
                real_commit()
                raise StorageUnavailable("The database cannot be reached; nothing was changed.")

            uow.commit = commit
        return uow


def test_an_admission_whose_commit_broke_waits_then_shows_the_truth(
    qtbot: QtBot, window: DoorWindow, box: Any, dw: Any, clock: Any
) -> None:
    code = sell(box, dw.world.show_id, list(dw.world.seat_ids[:2]))
    doors_open(box, dw.world, clock)
    real = box.uows
    box.uows = _CommitBreaks(real)
    window.controller.set_intervals(resolve_ms=3_600_000)  # the test says when to look

    assert scan(qtbot, window, code) == "UNCERTAIN"
    assert "Do not admit yet" in panel_text(window)
    assert not window.pending_banner.isHidden()
    assert window.controller.pending is not None

    with qtbot.waitSignal(window.outcome_shown, timeout=TIMEOUT):
        window.controller.set_intervals(resolve_ms=10)
    assert window.panel.kind() == "ADMIT"
    assert "recorded before the connection broke" in window.panel.message_label.text()
    assert window.pending_banner.isHidden()
    box.uows = real
    assert scan(qtbot, window, code) == "ALREADY_ADMITTED"


def test_a_supervisor_undoes_an_admission_from_the_door(
    qtbot: QtBot, window: DoorWindow, box: Any, dw: Any, clock: Any, monkeypatch: Any
) -> None:
    code = sell(box, dw.world.show_id, list(dw.world.seat_ids[:1]))
    doors_open(box, dw.world, clock)
    assert scan(qtbot, window, code) == "ADMIT"

    dialog = UndoAdmissionDialog(box, dw.usher, code=code, parent=window)
    qtbot.addWidget(dialog)
    assert dialog.code_edit.text() == code
    dialog.supervisor_edit.setText("carl")
    dialog.password_edit.setText(PASSWORDS["carl"])
    dialog.reason_edit.setText("wrong ticket")
    assert not dialog.undo()
    assert "a supervisor or an administrator" in dialog.message.text()
    dialog.supervisor_edit.setText("suma")
    dialog.password_edit.setText(PASSWORDS["suma"])
    assert dialog.undo()
    assert dialog.result_ is not None and dialog.result_.approved_by == "suma"

    asked: list[str] = []

    def fake_ask(cls: Any, box_: Any, ctx: Any, *, code: str = "", parent: Any = None) -> Any:
        asked.append(code)
        return dialog.result_

    monkeypatch.setattr(UndoAdmissionDialog, "ask", classmethod(fake_ask))
    window.undo_button.click()
    assert asked == [code]
    assert window.model.entry(0).kind == "UNDONE"
    assert window.panel.kind() == "UNDONE" and "taken back" in window.panel.message_label.text()
    assert scan(qtbot, window, code) == "ADMIT"  # it can be admitted again


def test_open_door_window_from_a_counter_uses_the_clerk_at_the_given_door(
    qtbot: QtBot, box: Any, dw: Any, hub: ChangeHub
) -> None:
    win = open_door_window(box, dw.clerk, hub, door="  Side   door ")
    qtbot.addWidget(win)
    assert win.ctx.counter == "Side door" and win.ctx.username == "carl"
    assert win.title_label.text() == "Side door"
    qtbot.waitUntil(lambda: not win.is_busy(), timeout=TIMEOUT)
    win.close()


def test_a_show_cancelled_after_the_sale_is_refused_at_the_door(
    qtbot: QtBot, window: DoorWindow, box: Any, dw: Any, clock: Any, db_url: str
) -> None:
    code = sell(box, dw.world.show_id, list(dw.world.seat_ids[:1]))
    doors_open(box, dw.world, clock)
    sql_write(db_url, "UPDATE shows SET cancelled_at = created_at")
    assert scan(qtbot, window, code) == "CANCELLED"
    assert "was cancelled" in window.panel.message_label.text()
