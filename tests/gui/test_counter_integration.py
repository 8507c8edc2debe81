"""The new features wired into the counter window (issues 8, 9, 12 integration): ticket types per
seat in the basket (keyboard first, approved by a supervisor where a type needs it, on the quote,
the ticket and the receipt), the poster in the show finder, a counter's home cinema, the Admin
menu and Window -> Door…, ushers at the counter sign-in, and one set of settings keys between
the admin console and the counter."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import fields, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QDialog, QMessageBox
from pytestqt.qtbot import QtBot

from bms_desktop.domain.errors import PermissionDenied
from bms_desktop.domain.model import PaymentMode, Role, Strategy
from bms_desktop.gui.admin.admin_window import AdminWindow
from bms_desktop.gui.admin.record_dialog import combo_select_data
from bms_desktop.gui.admin.settings_area import SettingsArea, SettingsDialog
from bms_desktop.gui.dialogs.approval_dialog import SupervisorApprovalDialog
from bms_desktop.gui.dialogs.door_name_dialog import DoorNameDialog
from bms_desktop.gui.dialogs.login_dialog import LoginDialog
from bms_desktop.gui.door.door_window import DoorWindow
from bms_desktop.gui.hub import ChangeHub
from bms_desktop.gui.launcher import CounterManager, LaunchOptions, counter_window_factory
from bms_desktop.gui.models.show_list_model import COL_MOVIE
from bms_desktop.gui.widgets.basket_lines import BasketLine, BasketLinesModel
from bms_desktop.gui.windows.counter_extras import AdminMenuExtra, DoorMenuExtra
from bms_desktop.gui.windows.counter_window import CounterWindow
from bms_desktop.services import auth, queries, shifts
from bms_desktop.services.admin import settings, ticket_types
from bms_desktop.services.admin.dto_settings import HomeCinema, SettingsInput
from bms_desktop.services.context import SYSTEM, BoxOffice, CounterContext
from bms_desktop.services.dto import StaffView
from tests.gui.counter_support import (
    QuietFeed,
    allow_counter_setup,
    make_window,
    open_show,
    press,
    type_text,
    wait_idle,
)
from tests.support.builders import World, build_world, clerk

pytestmark = pytest.mark.timeout(120)


@pytest.fixture
def world(box: BoxOffice) -> World:
    return build_world(box)


@pytest.fixture
def hub(qtbot: QtBot) -> Iterator[ChangeHub]:
    hub = ChangeHub(QuietFeed())
    yield hub
    hub.stop()


def staff(box: BoxOffice, name: str, role: Role) -> StaffView:
    return auth.add_staff(
        box, SYSTEM, username=name, full_name=name.title(), role=role, password=f"{name}-pass-1"
    )


def ctx_of(person: StaffView, counter: str = "Counter 1") -> CounterContext:
    return CounterContext(counter, person.staff_id, person.username, person.role)


def seat(box: BoxOffice, world: World, label: str) -> int:
    smap = queries.get_seat_map(box, world.show_id)
    return next(s.show_seat_id for s in smap.seats if s.label == label)


def hold(qtbot: QtBot, win: CounterWindow, ids: list[int]) -> None:
    win.seat_map.set_selection(ids)
    win.basket.hold_button.click()
    qtbot.waitUntil(lambda: win.current_hold() is not None, timeout=10_000)
    wait_idle(qtbot, win)


def wait_types(qtbot: QtBot, win: CounterWindow) -> None:
    qtbot.waitUntil(lambda: len(win.controller.ticket_type_choices()) >= 5, timeout=10_000)


def pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    text = "\n".join(page.extract_text() or "" for page in PdfReader(str(path)).pages)
    return " ".join(text.split())  # the extractor's tabs and line breaks as single spaces


def factory_window(
    qtbot: QtBot, box: BoxOffice, ctx: CounterContext, hub: ChangeHub
) -> CounterWindow:
    """A counter window as the launcher builds it (with the other features' menus)."""
    win = counter_window_factory(box, ctx, hub, "test.db")
    assert isinstance(win, CounterWindow)
    qtbot.addWidget(win)
    win.resize(1366, 768)
    win.show()
    qtbot.waitExposed(win)
    qtbot.waitUntil(lambda: not win.finder.is_loading(), timeout=10_000)
    return win


def extra(win: CounterWindow, kind: type[Any]) -> Any:
    return next(e for e in win.extras if isinstance(e, kind))


# --------------------------------------------------------------------------- ticket types


def test_f6_then_a_digit_gives_a_held_seat_a_child_ticket_and_the_ticket_and_receipt_say_so(
    qtbot: QtBot, box: BoxOffice, world: World, hub: ChangeHub, tmp_path: Path
) -> None:
    win = make_window(qtbot, box, clerk("Counter 1"), hub, tmp_path / "tickets")
    open_show(qtbot, win, world.show_id)
    wait_types(qtbot, win)
    hold(qtbot, win, [seat(box, world, "A1"), seat(box, world, "A2")])
    assert win.basket.total() == Decimal("200.00")
    win.actions_.ticket_types.trigger()  # F6
    view = win.basket.lines.view
    assert view.hasFocus()
    assert "2 Child" in win.basket.lines.keys_label.text()  # the hot keys, while it has focus
    press(view, Qt.Key.Key_Down)  # the second seat
    press(view, Qt.Key.Key_2)  # Child, the second type
    qtbot.waitUntil(lambda: win.basket.total() == Decimal("175.00"), timeout=10_000)
    wait_idle(qtbot, win)
    assert win.basket.ticket_type_texts() == [("A1", "Adult"), ("A2", "Child")]
    assert "TYPES" in win.event_log.kinds()
    held = win.current_hold()
    assert held is not None
    with box.uows() as uow:
        typed = {s.label: s.ticket_type for s in uow.booking.ticket_seats(held.ticket_id)}
    assert typed == {"A1": "ADULT", "A2": "CHILD"}
    press(view, Qt.Key.Key_Return)  # Enter goes on: to the payment
    assert win.basket.reference_edit.hasFocus()
    with qtbot.waitSignal(win.sale_completed, timeout=15_000):
        win.basket.pay_button.click()
    ticket, receipt = sorted(win.last_printed_files(), key=lambda p: "receipt" in p.name)
    assert "A1 Adult" in pdf_text(ticket) and "A2 Child" in pdf_text(ticket)
    assert "Gold · Child" in pdf_text(receipt)
    assert "75.00" in pdf_text(receipt)


def test_types_chosen_before_the_hold_price_the_quote_and_are_sold_with_the_seats(
    qtbot: QtBot, box: BoxOffice, world: World, hub: ChangeHub, tmp_path: Path
) -> None:
    win = make_window(qtbot, box, clerk("Counter 1"), hub, tmp_path / "tickets")
    open_show(qtbot, win, world.show_id)
    wait_types(qtbot, win)
    win.seat_map.set_selection([seat(box, world, "B1"), seat(box, world, "B2")])
    qtbot.waitUntil(lambda: win.basket.total() == Decimal("200.00"), timeout=10_000)
    with qtbot.waitSignal(win.basket.ticket_types_requested):
        assert win.basket.focus_ticket_types()
        press(win.basket.lines.view, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        press(win.basket.lines.view, Qt.Key.Key_3)  # Senior, for both
    qtbot.waitUntil(lambda: win.basket.total() == Decimal("160.00"), timeout=10_000)
    assert win.basket.ticket_type_texts() == [("B1", "Senior"), ("B2", "Senior")]
    press(win.basket.lines.view, Qt.Key.Key_Return)  # Enter holds, as on the map
    qtbot.waitUntil(lambda: win.current_hold() is not None, timeout=10_000)
    wait_idle(qtbot, win)
    assert win.basket.total() == Decimal("160.00")
    with box.uows() as uow:
        ticket = uow.booking.ticket(win.current_hold().ticket_id)  # type: ignore[union-attr]
        typed = {s.ticket_type for s in uow.booking.ticket_seats(ticket.ticket_id)}  # type: ignore[union-attr]
    assert typed == {"SENIOR"} and ticket is not None and ticket.total == Decimal("160.00")


def test_complimentary_is_set_with_a_supervisor_approval_the_service_issued_and_not_without(
    qtbot: QtBot,
    box: BoxOffice,
    world: World,
    hub: ChangeHub,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    asha = staff(box, "asha", Role.CLERK)
    staff(box, "suresh", Role.SUPERVISOR)
    win = make_window(qtbot, box, ctx_of(asha), hub, tmp_path / "tickets")
    open_show(qtbot, win, world.show_id)
    wait_types(qtbot, win)

    # Before the hold there is no ticket to approve it for: said, and nothing changes.
    win.seat_map.set_selection([seat(box, world, "C1")])
    qtbot.waitUntil(lambda: win.basket.total() == Decimal("100.00"), timeout=10_000)
    monkeypatch.setattr(
        SupervisorApprovalDialog, "ask", classmethod(lambda *a, **k: pytest.fail("asked"))
    )
    assert not win.ticket_types.choose({"C1": "COMPLIMENTARY"})
    assert "hold the seats first" in win.status_text()

    hold(qtbot, win, [seat(box, world, "C1")])
    asked: list[dict[str, Any]] = []

    def nobody(cls: type, box_: BoxOffice, **kw: Any) -> None:
        asked.append(kw)

    monkeypatch.setattr(SupervisorApprovalDialog, "ask", classmethod(nobody))
    win.basket.focus_ticket_types()
    press(win.basket.lines.view, Qt.Key.Key_5)  # Complimentary
    assert asked and asked[0]["action"] == ticket_types.APPROVAL_ACTION
    assert asked[0]["subject"] == win.current_hold().ticket_id  # type: ignore[union-attr]
    assert "Complimentary" in asked[0]["action_text"]
    wait_idle(qtbot, win)
    assert win.basket.total() == Decimal("100.00")
    assert "no supervisor approved" in win.status_text()

    def suresh_approves(cls: type, box_: BoxOffice, **kw: Any) -> object:
        return auth.grant_approval(
            box_, kw["ctx"], username="suresh", password="suresh-pass-1",
            action=kw["action"], subject=kw["subject"],
        )  # fmt: skip

    monkeypatch.setattr(SupervisorApprovalDialog, "ask", classmethod(suresh_approves))
    press(win.basket.lines.view, Qt.Key.Key_5)
    qtbot.waitUntil(lambda: win.basket.total() == Decimal("0.00"), timeout=10_000)
    assert win.basket.ticket_type_texts() == [("C1", "Complimentary")]
    with box.uows() as uow:
        audit = [r for r in uow.audit.recent(limit=50) if r.action == "TICKET_TYPES_SET"]
    assert audit and audit[0].details["approved_by"] == "suresh"


def test_f1_lists_the_ticket_type_hot_keys_of_the_open_shows_cinema(
    qtbot: QtBot, box: BoxOffice, world: World, hub: ChangeHub, tmp_path: Path
) -> None:
    win = make_window(qtbot, box, clerk("Counter 1"), hub, tmp_path / "tickets")
    open_show(qtbot, win, world.show_id)
    wait_types(qtbot, win)
    win.actions_.shortcuts.trigger()
    shortcuts = win.findChild(QMessageBox, "shortcutsBox")
    assert shortcuts is not None
    text = shortcuts.text()
    shortcuts.close()
    assert "F6" in text
    assert "1 Adult · 2 Child · 3 Senior · 4 Student · 5 Complimentary (supervisor)" in text


def test_the_basket_lines_model_passes_the_model_tester(qtbot: QtBot, qtmodeltester: Any) -> None:
    model = BasketLinesModel()
    model.set_lines(
        [
            BasketLine("A1", "Gold", "ADULT", "Adult", "₹100.00", "base 100.00 = 100.00"),
            BasketLine("A2", "Gold", "CHILD", "Child", "₹75.00", "base 100.00 = 100.00"),
        ]
    )
    qtmodeltester.check(model)
    model.set_lines([BasketLine("A1", "Gold", "SENIOR", "Senior", "₹80.00", "")])
    qtmodeltester.check(model)


# --------------------------------------------------------------------------- poster, home cinema


def png(width: int = 120, height: int = 180) -> bytes:
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor("#8A2BE2"))
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


def test_the_finder_shows_a_movies_poster_loaded_in_the_background_and_remembers_none(
    qtbot: QtBot, box: BoxOffice, world: World, hub: ChangeHub, tmp_path: Path
) -> None:
    win = make_window(qtbot, box, clerk("Counter 1"), hub, tmp_path / "tickets")
    posters = win.finder.posters
    qtbot.waitUntil(lambda: posters.known(world.movie_id), timeout=10_000)
    assert not posters.has_poster(world.movie_id)  # no poster: the rows are drawn as before
    assert not win.finder._delegate.poster_room
    assert not posters.request([world.movie_id])  # known: not asked again

    with box.uows(write=True) as uow:
        uow.admin.set_poster(world.movie_id, png())
        uow.commit()
    other = make_window(qtbot, box, clerk("Counter 2"), hub, tmp_path / "2")
    qtbot.waitUntil(lambda: other.finder.posters.has_poster(world.movie_id), timeout=10_000)
    qtbot.waitUntil(lambda: other.finder._delegate.poster_room, timeout=10_000)
    thumb = other.finder.posters.pixmap(world.movie_id, 40)
    assert thumb is not None and thumb.height() == 40
    image = other.finder.table.viewport().grab().toImage()
    x0 = other.finder.table.columnViewportPosition(COL_MOVIE)
    purple = [
        (x, y)
        for x in range(x0, x0 + 50)
        for y in range(0, min(image.height(), 60))
        if image.pixelColor(x, y).name() == "#8a2be2"
    ]
    assert purple  # the poster is drawn in the list's first row
    open_show(qtbot, other, world.show_id)
    qtbot.waitUntil(other.poster_label.isVisible, timeout=10_000)
    assert other.poster_label.movie_id() == world.movie_id


def test_a_counter_s_show_finder_starts_at_its_home_cinema(
    qtbot: QtBot, box: BoxOffice, world: World, hub: ChangeHub, tmp_path: Path
) -> None:
    second = build_world(box)
    admin = CounterContext("Back office", None, "admin1", Role.ADMIN)
    view = settings.get_settings(box, admin)
    values = {f.name: getattr(view, f.name) for f in fields(view)}
    values["home_cinemas"] = (HomeCinema("Counter 2", second.theater_id),)
    settings.update_settings(box, admin, SettingsInput(**values))
    home = make_window(qtbot, box, clerk("Counter 2"), hub, tmp_path / "2")
    assert home.finder.cinema_combo.currentData() == second.theater_id
    assert {s.theater_id for s in home.finder.model.shows()} == {second.theater_id}
    elsewhere = make_window(qtbot, box, clerk("Counter 1"), hub, tmp_path / "1")
    assert elsewhere.finder.cinema_combo.currentData() is None  # All cinemas
    assert {s.theater_id for s in elsewhere.finder.model.shows()} == {
        world.theater_id,
        second.theater_id,
    }


# --------------------------------------------------------------------------- menus


def test_the_admin_menu_follows_the_clerk_and_opens_the_console_without_a_second_sign_in(
    qtbot: QtBot,
    box: BoxOffice,
    world: World,
    hub: ChangeHub,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(LoginDialog, "ask", classmethod(lambda *a, **k: pytest.fail("sign-in")))
    asha, anita = staff(box, "asha", Role.CLERK), staff(box, "anita", Role.ADMIN)
    suresh = staff(box, "suresh", Role.SUPERVISOR)
    win = factory_window(qtbot, box, ctx_of(asha), hub)
    admin_menu = extra(win, AdminMenuExtra)
    assert not admin_menu.menu.menuAction().isVisible()  # a clerk has no Admin menu
    assert admin_menu.open() is None

    win.controller.switch_clerk(anita)
    qtbot.waitUntil(lambda: admin_menu.menu.menuAction().isVisible(), timeout=5_000)
    console = admin_menu.open()
    assert isinstance(console, AdminWindow)
    qtbot.addWidget(console)
    assert (console.ctx.username, console.ctx.counter) == ("anita", "Counter 1")
    assert "staff" in console.area_keys() and "settings" in console.area_keys()
    assert admin_menu.open() is console  # raised, not a second one

    win.controller.switch_clerk(suresh)  # another person: the console closes
    qtbot.waitUntil(lambda: not console.isVisible(), timeout=5_000)
    assert admin_menu.action.isVisible() and "audit log" in admin_menu.action.text()
    supervisor_console = admin_menu.open()
    assert isinstance(supervisor_console, AdminWindow)
    qtbot.addWidget(supervisor_console)
    assert supervisor_console.area_keys() == ["audit"]

    win.lock()  # a break: nobody acts for the supervisor meanwhile
    qtbot.waitUntil(lambda: not supervisor_console.isVisible(), timeout=5_000)
    assert not admin_menu.action.isEnabled()
    assert admin_menu.open() is None


def test_window_door_opens_a_door_window_at_the_door_named_for_the_signed_in_clerk(
    qtbot: QtBot,
    box: BoxOffice,
    world: World,
    hub: ChangeHub,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    asha = staff(box, "asha", Role.CLERK)
    win = factory_window(qtbot, box, ctx_of(asha), hub)
    door_menu = extra(win, DoorMenuExtra)
    actions = win.actions_.menus["Window"].actions()
    assert actions.index(door_menu.action) < actions.index(win.actions_.close)

    monkeypatch.setattr(DoorNameDialog, "ask", classmethod(lambda *a, **k: None))
    assert door_menu.open() is None  # cancelled: no window

    defaults: list[str] = []

    def gate_a(cls: type, parent: Any = None, *, default: str) -> str:
        defaults.append(default)
        return "Gate A"

    monkeypatch.setattr(DoorNameDialog, "ask", classmethod(gate_a))
    door_menu.action.trigger()
    (door,) = door_menu.opened().values()
    assert isinstance(door, DoorWindow)
    qtbot.addWidget(door)
    assert defaults == ["Door 1"]
    assert (door.ctx.counter, door.ctx.username) == ("Gate A", "asha")
    win.close()  # the counter closes: its door window goes with it
    qtbot.waitUntil(lambda: not door.isVisible(), timeout=5_000)


def test_the_door_name_dialog_refuses_an_empty_name_and_keeps_what_was_typed(
    qtbot: QtBot,
) -> None:
    dialog = DoorNameDialog("Door 1")
    qtbot.addWidget(dialog)
    dialog.name_edit.setText("   ")
    assert not dialog.submit()
    assert "door a name" in dialog.message.text()
    dialog.name_edit.setText("  Gate   B ")
    assert dialog.submit() and dialog.door == "Gate B"
    assert dialog.result() == QDialog.DialogCode.Accepted


# --------------------------------------------------------------------------- ushers


def test_an_usher_signing_in_at_the_counter_sign_in_gets_a_door_window(
    qtbot: QtBot, box: BoxOffice, world: World, hub: ChangeHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    usha = staff(box, "usha", Role.USHER)

    def sign_in(cls: type, box_: BoxOffice, **kw: Any) -> tuple[StaffView, str]:
        return usha, kw["counter"]

    monkeypatch.setattr(LoginDialog, "ask", classmethod(sign_in))
    options = LaunchOptions("Counter 1", Strategy.PESSIMISTIC, 0, None, False, "test.db", "/tmp")
    manager = CounterManager(box, options, hub)
    window = manager.sign_in_and_open()
    assert isinstance(window, DoorWindow)
    qtbot.addWidget(window)
    assert (window.ctx.counter, window.ctx.username, window.ctx.role) == (
        "Door 1",
        "usha",
        Role.USHER,
    )
    assert manager.counter_names() == ["Door 1"]
    with qtbot.waitSignal(manager.all_closed, timeout=5_000):
        window.close()


def test_a_counter_window_never_runs_with_an_ushers_context(
    qtbot: QtBot, box: BoxOffice, world: World, hub: ChangeHub, tmp_path: Path
) -> None:
    usha, asha = staff(box, "usha", Role.USHER), staff(box, "asha", Role.CLERK)
    with pytest.raises(PermissionDenied, match="needs a clerk"):
        CounterWindow(box, ctx_of(usha), hub)
    win = make_window(qtbot, box, ctx_of(asha), hub, tmp_path)
    with pytest.raises(PermissionDenied, match="usher"):
        win.controller.switch_clerk(usha)
    win.lock()
    win.lock_panel.username_edit.setText("usha")
    win.lock_panel.password_edit.setText("usha-pass-1")
    assert win.lock_panel.sign_in() is None
    assert "usher" in win.lock_panel.message.text()
    assert win.is_locked() and win.context().username == "asha"


# --------------------------------------------------------------------------- settings


def save_in_admin_settings_area(
    qtbot: QtBot, box: BoxOffice, monkeypatch: pytest.MonkeyPatch, **fields: str
) -> None:
    """An administrator's console: Box-office settings -> Edit…, these fields, Save."""
    anita = staff(box, f"anita{len(fields)}{fields.get('role', '')}", Role.ADMIN)
    console = AdminWindow(box, ctx_of(anita, "Back office"))
    qtbot.addWidget(console)
    area = console.show_area("settings")
    assert isinstance(area, SettingsArea)
    qtbot.waitUntil(lambda: area._view is not None, timeout=10_000)

    def fill_and_save(dialog: SettingsDialog) -> int:
        if "ceiling" in fields:
            dialog.ceiling_edit.setText(fields["ceiling"])
        if "role" in fields:
            assert combo_select_data(dialog.setup_combo, fields["role"])
        return int(QDialog.DialogCode.Accepted if dialog.submit() else QDialog.DialogCode.Rejected)

    monkeypatch.setattr(SettingsDialog, "exec", fill_and_save)
    assert area.edit_settings() is not None
    console.close()


def test_what_the_admin_settings_area_saves_is_what_the_counter_enforces(
    qtbot: QtBot,
    box: BoxOffice,
    world: World,
    hub: ChangeHub,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ravi = staff(box, "ravi", Role.CLERK)
    allow_counter_setup(box, "CLERK")
    save_in_admin_settings_area(qtbot, box, monkeypatch, ceiling="500", role="SUPERVISOR")
    win = make_window(qtbot, box, ctx_of(ravi), hub, tmp_path / "tickets")
    open_show(qtbot, win, world.show_id)
    wait_idle(qtbot, win)
    assert not win.strategy_combo.isEnabled()  # clerks may not, now
    win.set_strategy(Strategy.OPTIMISTIC)
    wait_idle(qtbot, win)
    assert win.context().strategy is Strategy.PESSIMISTIC
    assert "needs a supervisor" in win.status_text()

    shifts.open_shift(box, ctx_of(ravi), theater_id=world.theater_id, opening_float="1000")
    hold(qtbot, win, [seat(box, world, "A1")])
    win.basket.choose_payment_mode(PaymentMode.CASH)
    type_text(win.basket.tendered_edit, "600")
    win.basket.pay_button.click()
    qtbot.waitUntil(lambda: not win.basket.payment_error.isHidden(), timeout=10_000)
    assert "at most ₹500.00" in win.basket.payment_error.toolTip()
    assert win.current_hold() is not None  # nothing was taken

    save_in_admin_settings_area(qtbot, box, monkeypatch, role="CLERK")
    with box.uows() as uow:
        stored = uow.settings.all()
    assert (stored["cash_tendered_limit"], stored["counter_setup_role"]) == ("500.00", "CLERK")
    assert not {"cash_tendered_ceiling", "strategy_change_role", "delay_change_role"} & set(stored)
    again = make_window(qtbot, box, replace(ctx_of(ravi), counter="Counter 2"), hub, tmp_path)
    qtbot.waitUntil(again.strategy_combo.isEnabled, timeout=10_000)
    again.set_strategy(Strategy.OPTIMISTIC)
    qtbot.waitUntil(lambda: again.context().strategy is Strategy.OPTIMISTIC, timeout=10_000)
