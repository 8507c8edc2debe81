"""Sign-in, first run, supervisor approval and booking lookup, driven through their own methods."""

from __future__ import annotations

import threading
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QProgressDialog, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from bms_desktop.domain.errors import PermissionDenied
from bms_desktop.domain.model import Role, TicketStatus
from bms_desktop.gui.dialogs import common
from bms_desktop.gui.dialogs.approval_dialog import SupervisorApprovalDialog
from bms_desktop.gui.dialogs.first_run_dialog import SETUP_PAGE, FirstRunDialog
from bms_desktop.gui.dialogs.login_dialog import LoginDialog
from bms_desktop.gui.dialogs.lookup_dialog import BookingLookupDialog
from bms_desktop.services import auth, cancellation, demo, queries
from bms_desktop.services.approvals import CANCEL_REFUND, Approval
from bms_desktop.services.context import BoxOffice, CounterContext
from bms_desktop.services.dto import StaffView
from bms_desktop.services.ports import StorageUnavailable
from tests.conftest import FakeClock
from tests.gui.dialog_support import (
    add_staff,
    audit_actions,
    ctx_of,
    make_demo_like,
    refund_total,
    sell,
)
from tests.support.builders import World, build_world

# --------------------------------------------------------------------------- fixtures


@pytest.fixture
def staff(box: BoxOffice) -> dict[str, StaffView]:
    return make_demo_like(box)


@pytest.fixture
def world(box: BoxOffice) -> World:
    return build_world(box)


def login_dialog(qtbot: QtBot, box: BoxOffice, **kw: Any) -> LoginDialog:
    dialog = LoginDialog(box, counter=kw.pop("counter", "Counter 1"), **kw)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


# --------------------------------------------------------------------------- sign-in


def test_signing_in_returns_the_staff_member_and_the_counter_and_is_audited(
    qtbot: QtBot, box: BoxOffice, staff: dict[str, StaffView]
) -> None:
    dialog = login_dialog(qtbot, box)
    dialog.counter_edit.setText("  Counter   7 ")
    dialog.fill("asha", "asha-demo")
    assert dialog.sign_in()
    assert dialog.result() == QDialog.DialogCode.Accepted
    signed_in = dialog.signed_in
    assert signed_in is not None
    assert signed_in[0].username == "asha"
    assert signed_in[0].role == Role.CLERK
    assert signed_in[1] == "Counter 7"
    assert ("asha", "Counter 7") in audit_actions(box, "LOGIN")


def test_a_wrong_password_is_refused_with_the_attempts_left_and_the_dialog_stays_open(
    qtbot: QtBot, box: BoxOffice, staff: dict[str, StaffView]
) -> None:
    dialog = login_dialog(qtbot, box)
    dialog.fill("asha", "not-her-password")
    assert not dialog.sign_in()
    assert dialog.isVisible()
    assert dialog.signed_in is None
    assert dialog.message.isVisible()
    assert dialog.message.kind == "error"
    assert "wrong password" in dialog.message.text()
    assert "4 attempts left" in dialog.message.text()
    assert dialog.password_edit.text() == ""  # typed again, not re-sent
    assert ("asha", "Counter 1") in audit_actions(box, "LOGIN_FAILED")


def test_empty_fields_and_a_counter_already_open_are_refused_before_asking_the_database(
    qtbot: QtBot, box: BoxOffice, staff: dict[str, StaffView]
) -> None:
    dialog = login_dialog(qtbot, box, taken_counters=["Counter 1"])
    dialog.fill("asha", "asha-demo")
    assert not dialog.sign_in()
    assert "Counter 1 is already open" in dialog.message.text()
    dialog.counter_edit.setText("Counter 2")
    dialog.fill("", "asha-demo")
    assert not dialog.sign_in()
    assert dialog.message.text() == "Enter your staff name."
    dialog.fill("asha", "")
    assert not dialog.sign_in()
    assert dialog.message.text() == "Enter your password."
    assert audit_actions(box, "LOGIN_FAILED") == []
    assert audit_actions(box, "LOGIN") == []


def test_five_failures_lock_the_name_out_here_and_on_another_terminal(
    qtbot: QtBot, box: BoxOffice, staff: dict[str, StaffView]
) -> None:
    dialog = login_dialog(qtbot, box)
    for _ in range(4):
        dialog.fill("ravi", "guess")
        assert not dialog.sign_in()
    assert "1 attempt left" in dialog.message.text()
    dialog.fill("ravi", "guess")
    assert not dialog.sign_in()
    assert "locked" in dialog.message.text()
    assert "5 failed sign-ins" in dialog.message.text()
    # Even the right password is refused now, on another terminal's dialog too.
    other = login_dialog(qtbot, box, counter="Counter 2")
    other.fill("ravi", "ravi-demo")
    assert not other.sign_in()
    assert other.signed_in is None
    assert "ravi is locked" in other.message.text().lower()
    assert "try again in" in other.message.text()
    # Someone else can still sign in at that terminal.
    other.fill("asha", "asha-demo")
    assert other.sign_in()


def test_the_demo_staff_panel_shows_only_on_a_demo_database(qtbot: QtBot, box: BoxOffice) -> None:
    add_staff(box, "asha", Role.CLERK, "asha-secret-1")
    plain = login_dialog(qtbot, box)
    assert plain.demo_panel.isHidden()
    assert plain.demo_table.rowCount() == 0

    make_demo_like_rest(box)
    shown = login_dialog(qtbot, box)
    assert not shown.demo_panel.isHidden()
    rows = {
        (shown.demo_table.item(r, 0).text(), shown.demo_table.item(r, 2).text())
        for r in range(shown.demo_table.rowCount())
    }
    assert ("supervisor", "supervisor-demo") in rows
    assert ("ravi", "ravi-demo") in rows


def make_demo_like_rest(box: BoxOffice) -> None:
    """Mark the database as a demo one, with the demo password list (asha exists already)."""
    import json

    with box.uows(write=True) as uow:
        uow.settings.put("demo", "1")
        uow.settings.put(
            "demo_passwords",
            json.dumps([["supervisor", "SUPERVISOR", "supervisor-demo"],
                        ["ravi", "CLERK", "ravi-demo"]]),
        )  # fmt: skip
        uow.commit()


def test_clicking_a_demo_staff_row_fills_the_form_and_double_click_signs_in(
    qtbot: QtBot, box: BoxOffice, staff: dict[str, StaffView]
) -> None:
    dialog = login_dialog(qtbot, box)
    row = next(
        r
        for r in range(dialog.demo_table.rowCount())
        if dialog.demo_table.item(r, 0).text() == "ravi"
    )
    rect = dialog.demo_table.visualItemRect(dialog.demo_table.item(row, 1))
    qtbot.mouseClick(dialog.demo_table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert dialog.username_edit.text() == "ravi"
    assert dialog.password_edit.text() == "ravi-demo"
    assert dialog.isVisible()
    qtbot.mouseDClick(dialog.demo_table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert dialog.signed_in is not None
    assert dialog.signed_in[0].username == "ravi"


def test_the_staff_name_given_on_the_command_line_is_prefilled(
    qtbot: QtBot, box: BoxOffice, staff: dict[str, StaffView]
) -> None:
    dialog = login_dialog(qtbot, box, counter="Counter 3", default_user="meera")
    assert dialog.username_edit.text() == "meera"
    assert dialog.counter_edit.text() == "Counter 3"
    assert dialog.windowTitle() == "Sign in to Counter 3"
    dialog.counter_edit.setText("Box 9")
    assert dialog.windowTitle() == "Sign in to Box 9"


def test_ask_returns_the_sign_in_or_none(
    qtbot: QtBot, box: BoxOffice, staff: dict[str, StaffView], monkeypatch: pytest.MonkeyPatch
) -> None:
    def exec_signing_in(self: LoginDialog) -> int:
        qtbot.addWidget(self)
        self.fill("supervisor", "supervisor-demo")
        self.sign_in()
        return self.result()

    monkeypatch.setattr(LoginDialog, "exec", exec_signing_in)
    result = LoginDialog.ask(box, counter="Counter 2")
    assert result is not None
    assert (result[0].username, result[1]) == ("supervisor", "Counter 2")

    def exec_cancelling(self: LoginDialog) -> int:
        qtbot.addWidget(self)
        self.reject()
        return self.result()

    monkeypatch.setattr(LoginDialog, "exec", exec_cancelling)
    assert LoginDialog.ask(box, counter="Counter 2") is None


# --------------------------------------------------------------------------- first run


def first_run(qtbot: QtBot, box: BoxOffice, seed: Any = None) -> FirstRunDialog:
    dialog = FirstRunDialog(box, seed_demo=seed or (lambda: None))
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_first_run_demo_choice_builds_the_demo_off_the_gui_thread_then_continues(
    qtbot: QtBot, box: BoxOffice
) -> None:
    threads: list[threading.Thread] = []

    def seed() -> None:
        threads.append(threading.current_thread())
        make_demo_like(box)

    dialog = first_run(qtbot, box, seed)
    assert demo.is_empty(box)
    assert dialog.open_demo()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert len(threads) == 1
    assert threads[0] is not threading.main_thread()
    assert demo.is_demo(box)
    assert not demo.is_empty(box)


def test_first_run_demo_failure_is_shown_and_the_dialog_stays(qtbot: QtBot, box: BoxOffice) -> None:
    def seed() -> None:
        raise StorageUnavailable("the database went away; check the network and try again")

    dialog = first_run(qtbot, box, seed)
    assert not dialog.open_demo()
    assert dialog.isVisible()
    assert dialog.choice_message.kind == "error"
    assert "database went away" in dialog.choice_message.text()
    assert dialog.continue_button.isHidden()


def test_first_run_demo_built_meanwhile_by_another_terminal_goes_on_to_sign_in(
    qtbot: QtBot, box: BoxOffice
) -> None:
    def seed() -> None:
        make_demo_like(box)  # the other terminal was first ...
        demo.seed_demo(box)  # ... so this one is refused

    dialog = first_run(qtbot, box, seed)
    assert not dialog.open_demo()
    assert dialog.choice_message.kind == "warning"
    assert "Another terminal set up this box office" in dialog.choice_message.text()
    assert not dialog.demo_button.isEnabled()
    dialog.continue_button.click()
    assert dialog.result() == QDialog.DialogCode.Accepted


def test_first_run_setup_creates_the_first_administrator(qtbot: QtBot, box: BoxOffice) -> None:
    dialog = first_run(qtbot, box)
    dialog.setup_button.click()
    assert dialog.pages.currentIndex() == SETUP_PAGE
    dialog.username_edit.setText("anita")
    dialog.full_name_edit.setText("Anita Rao")
    dialog.password_edit.setText("a-long-secret")
    dialog.repeat_edit.setText("a-long-secret")
    assert dialog.create_admin()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.created_admin is not None
    assert dialog.created_admin.role == Role.ADMIN
    assert not auth.needs_first_admin(box)
    assert (
        auth.login(box, username="anita", password="a-long-secret", counter="t").role == Role.ADMIN
    )
    assert audit_actions(box, "FIRST_ADMIN") == [("anita", "setup")]


def test_first_run_setup_refuses_bad_input_and_changes_nothing(
    qtbot: QtBot, box: BoxOffice
) -> None:
    dialog = first_run(qtbot, box)
    dialog.show_page(SETUP_PAGE)
    dialog.full_name_edit.setText("Anita Rao")
    dialog.password_edit.setText("a-long-secret")
    dialog.repeat_edit.setText("a-long-secreT")
    assert not dialog.create_admin()
    assert "passwords differ" in dialog.setup_message.text()
    dialog.repeat_edit.setText("a-long-secret")
    dialog.username_edit.setText("9 bad name")
    assert not dialog.create_admin()
    assert "staff name" in dialog.setup_message.text()
    dialog.username_edit.setText("anita")
    dialog.password_edit.setText("short")
    dialog.repeat_edit.setText("short")
    assert not dialog.create_admin()
    assert "at least 8 characters" in dialog.setup_message.text()
    assert dialog.isVisible()
    assert auth.needs_first_admin(box)


def test_a_second_terminal_setting_up_at_the_same_time_is_refused_and_goes_on_to_sign_in(
    qtbot: QtBot, box: BoxOffice
) -> None:
    first, second = first_run(qtbot, box), first_run(qtbot, box)
    for dialog, name in ((first, "anita"), (second, "bharat")):
        dialog.show_page(SETUP_PAGE)
        dialog.username_edit.setText(name)
        dialog.full_name_edit.setText(name.title())
        dialog.password_edit.setText("a-long-secret")
        dialog.repeat_edit.setText("a-long-secret")
    assert first.create_admin()
    assert not second.create_admin()
    assert second.setup_message.kind == "warning"
    assert "already has an administrator" in second.setup_message.text()
    assert not second.continue_button.isHidden()
    assert second.create_button.isHidden()
    second.continue_button.click()
    assert second.result() == QDialog.DialogCode.Accepted  # on to the sign-in
    with box.uows() as uow:
        assert uow.staff.count_admins() == 1
        assert uow.staff.by_username("bharat") is None


# --------------------------------------------------------------------------- supervisor approval


def approval(
    qtbot: QtBot, box: BoxOffice, amount: Decimal | None = None, *, asking: StaffView | None = None
) -> SupervisorApprovalDialog:
    ctx = (
        ctx_of(asking)
        if asking is not None
        else CounterContext("Counter 1", None, "desk", Role.CLERK)
    )
    dialog = SupervisorApprovalDialog(
        box, ctx=ctx, action=CANCEL_REFUND, subject=42, action_text="Cancel BMS-TEST-CODE",
        amount=amount, amount_label="Refund",
    )  # fmt: skip
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_a_supervisor_approves_on_the_clerks_terminal_and_the_sign_in_is_audited(
    qtbot: QtBot, box: BoxOffice, staff: dict[str, StaffView]
) -> None:
    dialog = approval(qtbot, box, Decimal("468.00"))
    assert dialog.action_label.text() == "Cancel BMS-TEST-CODE"
    assert dialog.amount_value.text() == "₹468.00"
    assert dialog.amount_caption.text() == "Refund"
    dialog.username_edit.setText("supervisor")
    dialog.password_edit.setText("supervisor-demo")
    assert dialog.approve()
    given = dialog.approval
    assert given is not None
    assert (given.approver, given.counter, given.action, given.subject) == (
        "supervisor", "Counter 1", CANCEL_REFUND, "42",
    )  # fmt: skip
    assert given.approver_id == staff["supervisor"].staff_id
    assert ("supervisor", "Counter 1") in audit_actions(box, "APPROVAL_SIGN_IN")
    assert ("supervisor", "Counter 1") in audit_actions(box, "APPROVAL_GRANTED")


def test_a_clerks_credentials_do_not_approve(
    qtbot: QtBot, box: BoxOffice, staff: dict[str, StaffView]
) -> None:
    dialog = approval(qtbot, box)
    assert dialog.amount_value.isHidden()
    dialog.username_edit.setText("ravi")
    dialog.password_edit.setText("ravi-demo")
    assert not dialog.approve()
    assert dialog.approval is None
    assert "ravi, a clerk" in dialog.message.text()
    assert "supervisor or an administrator must approve" in dialog.message.text()
    dialog.username_edit.setText("supervisor")
    dialog.password_edit.setText("wrong")
    assert not dialog.approve()
    assert "wrong password" in dialog.message.text()
    dialog.password_edit.setText("supervisor-demo")
    assert dialog.approve()


# --------------------------------------------------------------------------- booking lookup


@pytest.fixture
def sold(box: BoxOffice, world: World, staff: dict[str, StaffView]) -> Any:
    clerk = ctx_of(staff["asha"])
    return sell(box, world, clerk, ["A1", "A2"], mode="CASH", tendered="500",
                phone="98450 12345", name="Priya Shah")  # fmt: skip


def lookup(qtbot: QtBot, box: BoxOffice, ctx: CounterContext, folder: Path) -> BookingLookupDialog:
    dialog = BookingLookupDialog(box, ctx, print_folder=folder)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_a_booking_is_found_by_its_code_typed_loosely_and_by_the_phone_number(
    qtbot: QtBot, box: BoxOffice, staff: dict[str, StaffView], sold: Any, tmp_path: Path
) -> None:
    dialog = lookup(qtbot, box, ctx_of(staff["asha"]), tmp_path)
    loose = sold.code.lower().replace("-", " ")
    found = dialog.search(loose)
    assert [b.code for b in found] == [sold.code]
    assert dialog.results.rowCount() == 1
    assert dialog.results.item(0, 0).text() == sold.code
    assert dialog.current is not None and dialog.current.code == sold.code
    details = dialog.details.toPlainText()
    assert "A1, A2" in details
    assert "Test Movie" in details
    assert "Priya Shah" in details
    assert "tendered ₹500.00" in details
    assert "Confirmed" in details

    found = dialog.search("98450-12345")
    assert [b.code for b in found] == [sold.code]


def test_find_booking_keeps_the_keyboard_and_finds_by_part_of_a_code_a_name_or_the_show(
    qtbot: QtBot, box: BoxOffice, world: World, staff: dict[str, StaffView], sold: Any,
    tmp_path: Path,
) -> None:  # fmt: skip
    # issue 11: Counter 1's drawer is asha's shift; ravi sells at his own counter
    other = sell(box, world, ctx_of(staff["ravi"], "Counter 2"), ["B1"], name="Rahul Verma")
    show = queries.get_seat_map(box, world.show_id).show
    dialog = BookingLookupDialog(box, ctx_of(staff["asha"]), print_folder=tmp_path, show=show)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    dialog.search_edit.setFocus()
    qtbot.waitUntil(dialog.search_edit.hasFocus)
    # Part of the code, typed loosely (the middle four letters and two more, no dash).
    middle = sold.code.split("-")[1] + sold.code.split("-")[2][:2]
    qtbot.keyClicks(dialog.search_edit, middle.lower())
    qtbot.keyClick(dialog.search_edit, Qt.Key.Key_Return)
    assert dialog.results.rowCount() == 1
    assert dialog.current is not None and dialog.current.code == sold.code
    assert dialog.search_edit.hasFocus()  # the next search can be typed at once
    assert dialog.search_edit.selectedText() == middle.lower()
    # Part of the customer's name, any case.
    assert [b.code for b in dialog.search("priya")] == [sold.code]
    assert [b.code for b in dialog.search("VERMA")] == [other.code]
    # Every booking of the show open at the counter, newest first; Down walks them.
    dialog.search_edit.clear()
    dialog.scope_combo.setCurrentIndex(1)
    codes = [dialog.results.item(row, 0).text() for row in range(dialog.results.rowCount())]
    assert codes == [other.code, sold.code]
    qtbot.keyClick(dialog.search_edit, Qt.Key.Key_Down)
    assert dialog.current is not None and dialog.current.code == sold.code
    assert dialog.search_edit.hasFocus()


def test_an_unknown_code_and_empty_input_get_a_message(
    qtbot: QtBot, box: BoxOffice, staff: dict[str, StaffView], sold: Any, tmp_path: Path
) -> None:
    dialog = lookup(qtbot, box, ctx_of(staff["asha"]), tmp_path)
    assert dialog.search("BMS-ZZZZ-ZZZZ") == []
    assert dialog.message.kind == "info"
    assert "No booking matches" in dialog.message.text()
    assert dialog.results.rowCount() == 0
    assert not dialog.cancel_button.isEnabled()
    assert not dialog.reprint_button.isEnabled()
    assert dialog.search("   ") == []
    assert dialog.message.kind == "error"
    assert "ticket code, a phone number or a customer's name" in dialog.message.text()


def test_a_reprint_keeps_the_original_pdfs_and_adds_a_numbered_duplicate(
    qtbot: QtBot, box: BoxOffice, staff: dict[str, StaffView], sold: Any, tmp_path: Path
) -> None:
    from pypdf import PdfReader

    from bms_desktop.gui import printing

    folder = tmp_path / "tickets"
    original_ticket, original_receipt = printing.print_ticket_and_receipt(sold, folder)
    before = (original_ticket.read_bytes(), original_receipt.read_bytes())
    dialog = lookup(qtbot, box, ctx_of(staff["asha"]), folder)
    dialog.search(sold.code)
    dialog.reprint_button.click()
    assert dialog.last_printed is not None
    ticket, receipt = dialog.last_printed
    assert ticket == folder / f"{sold.code}-ticket-duplicate-2.pdf"
    assert receipt == folder / f"{sold.code}-receipt-duplicate-2.pdf"
    text = PdfReader(ticket).pages[0].extract_text()
    assert sold.code in text
    assert "DUPLICATE" in text
    assert dialog.message.kind == "success"
    assert (original_ticket.read_bytes(), original_receipt.read_bytes()) == before
    assert "DUPLICATE" not in PdfReader(original_ticket).pages[0].extract_text()
    dialog.reprint_button.click()
    assert dialog.last_printed == (
        folder / f"{sold.code}-ticket-duplicate-3.pdf",
        folder / f"{sold.code}-receipt-duplicate-3.pdf",
    )


def test_a_cancellation_prints_a_refund_slip_naming_the_approver(
    qtbot: QtBot,
    box: BoxOffice,
    staff: dict[str, StaffView],
    sold: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from pypdf import PdfReader

    clerk = ctx_of(staff["asha"])

    def approve(cls: type, b: BoxOffice, **kw: Any) -> Approval:
        return auth.grant_approval(
            b, kw["ctx"], username="supervisor", password="supervisor-demo",
            action=kw["action"], subject=kw["subject"],
        )  # fmt: skip

    monkeypatch.setattr(SupervisorApprovalDialog, "ask", classmethod(approve))
    dialog = lookup(qtbot, box, clerk, tmp_path)
    dialog.search(sold.code)
    dialog.fee_edit.setText("20")
    assert dialog.cancel_and_refund()
    assert dialog.last_printed == (tmp_path / f"{sold.code}-refund.pdf",)
    text = " ".join(PdfReader(tmp_path / f"{sold.code}-refund.pdf").pages[0].extract_text().split())
    assert "REFUND SLIP" in text
    assert "Approved by" in text and "supervisor" in text
    assert "180.00" in text and "Cancellation fee" in text
    assert "Refund slip" in dialog.message.text()
    assert dialog.reprint_button.text() == "Print the refund slip again"
    dialog.reprint_button.click()
    assert dialog.last_printed == (tmp_path / f"{sold.code}-refund-copy-2.pdf",)
    assert [r.ticket_code for r in dialog.cancelled] == [sold.code]


def test_a_clerk_cancels_with_a_supervisors_approval_after_seeing_the_refund(
    qtbot: QtBot,
    box: BoxOffice,
    world: World,
    staff: dict[str, StaffView],
    sold: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    asked: list[dict[str, Any]] = []

    def approve(cls: type, box_: BoxOffice, **kw: Any) -> Approval:
        asked.append(kw)
        return auth.grant_approval(
            box_, kw["ctx"], username="supervisor", password="supervisor-demo",
            action=kw["action"], subject=kw["subject"],
        )  # fmt: skip

    monkeypatch.setattr(SupervisorApprovalDialog, "ask", classmethod(approve))
    dialog = lookup(qtbot, box, ctx_of(staff["asha"]), tmp_path)
    dialog.search(sold.code)
    dialog.fee_edit.setText("20")
    assert dialog.refund_label.text() == "₹180.00"
    assert dialog.refund_mode_label.text() == "to Cash"
    assert dialog.cancel_button.isEnabled()
    dialog.reason_edit.setText("customer cannot come")
    dialog.cancel_button.click()

    assert len(asked) == 1
    assert asked[0]["amount"] == Decimal("180.00")
    assert asked[0]["ctx"].counter == "Counter 1"
    assert asked[0]["subject"] == sold.ticket_id
    assert sold.code in asked[0]["action_text"]
    after = queries.get_booking(box, sold.ticket_id)
    assert after.status == TicketStatus.CANCELLED
    assert refund_total(after) == Decimal("180.00")
    assert dialog.changed_show_ids == {world.show_id}
    assert dialog.message.kind == "success"
    assert "approved by supervisor" in dialog.message.text()
    assert dialog.results.item(0, 2).text() == "Cancelled"
    assert not dialog.cancel_button.isEnabled()  # a cancelled booking cannot be cancelled again
    assert "Only a confirmed booking can be cancelled" in dialog.cancel_message.text()
    assert dialog.reprint_button.text() == "Print the refund slip again"


def test_no_approval_means_no_cancellation(
    qtbot: QtBot,
    box: BoxOffice,
    staff: dict[str, StaffView],
    sold: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(SupervisorApprovalDialog, "ask", classmethod(lambda cls, b, **kw: None))
    dialog = lookup(qtbot, box, ctx_of(staff["asha"]), tmp_path)
    dialog.search(sold.code)
    assert not dialog.cancel_and_refund()
    assert "no supervisor approved" in dialog.cancel_message.text()
    assert queries.get_booking(box, sold.ticket_id).status == TicketStatus.CONFIRMED
    assert dialog.changed_show_ids == set()


def test_a_clerk_alone_is_refused_by_the_service_even_if_the_approval_were_bypassed(
    qtbot: QtBot,
    box: BoxOffice,
    staff: dict[str, StaffView],
    sold: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clerk = ctx_of(staff["asha"])
    # A dialog that "approved" with an approval it made up itself: the service still refuses.
    forged = Approval(
        "made-up", CANCEL_REFUND, str(sold.ticket_id), clerk.counter, clerk.staff_id,
        staff["supervisor"].staff_id, "supervisor", box.now() + timedelta(minutes=1),
    )  # fmt: skip
    monkeypatch.setattr(SupervisorApprovalDialog, "ask", classmethod(lambda cls, b, **kw: forged))
    dialog = lookup(qtbot, box, clerk, tmp_path)
    dialog.search(sold.code)
    assert not dialog.cancel_and_refund()
    assert dialog.cancel_message.kind == "error"
    assert "not given by a supervisor" in dialog.cancel_message.text()
    assert "Nothing was changed" in dialog.cancel_message.text()
    assert queries.get_booking(box, sold.ticket_id).status == TicketStatus.CONFIRMED
    with pytest.raises(PermissionDenied):
        cancellation.cancel_booking(box, clerk, ticket_id=sold.ticket_id)
    assert queries.get_booking(box, sold.ticket_id).status == TicketStatus.CONFIRMED


def test_a_supervisor_confirms_and_cancels_without_another_sign_in(
    qtbot: QtBot,
    box: BoxOffice,
    staff: dict[str, StaffView],
    sold: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(
        SupervisorApprovalDialog, "ask", classmethod(lambda cls, b, **kw: pytest.fail("asked"))
    )
    questions: list[str] = []

    def confirm(cls: type, parent: Any, **kw: Any) -> bool:
        questions.append(kw["text"])
        return len(questions) > 1  # "Go back" the first time, "Cancel and refund" the second

    monkeypatch.setattr(common.ConfirmDialog, "ask", classmethod(confirm))
    dialog = lookup(qtbot, box, ctx_of(staff["supervisor"]), tmp_path)
    dialog.search(sold.code)
    assert not dialog.cancel_and_refund()
    assert queries.get_booking(box, sold.ticket_id).status == TicketStatus.CONFIRMED
    assert dialog.cancel_and_refund()
    assert "refund ₹200.00 to Cash" in questions[0]
    assert queries.get_booking(box, sold.ticket_id).status == TicketStatus.CANCELLED


def test_too_late_to_cancel_is_shown_with_the_deadline_and_nothing_changes(
    qtbot: QtBot,
    box: BoxOffice,
    clock: FakeClock,
    staff: dict[str, StaffView],
    sold: Any,
    tmp_path: Path,
) -> None:
    clock.advance(hours=23, minutes=30)  # the show starts in 30 minutes; the cutoff is 60
    dialog = lookup(qtbot, box, ctx_of(staff["supervisor"]), tmp_path)
    dialog.search(sold.code)
    assert not dialog.cancel_button.isEnabled()
    assert dialog.cancel_message.kind == "warning"
    assert "Too late to cancel" in dialog.cancel_message.text()
    assert not dialog.cancel_and_refund()
    assert queries.get_booking(box, sold.ticket_id).status == TicketStatus.CONFIRMED


def test_a_fee_above_the_total_is_refused_as_it_is_typed(
    qtbot: QtBot, box: BoxOffice, staff: dict[str, StaffView], sold: Any, tmp_path: Path
) -> None:
    dialog = lookup(qtbot, box, ctx_of(staff["supervisor"]), tmp_path)
    dialog.search(sold.code)
    dialog.fee_edit.setText("500")
    assert not dialog.cancel_button.isEnabled()
    assert dialog.cancel_message.kind == "error"
    assert "more than the total" in dialog.cancel_message.text()
    dialog.fee_edit.setText("abc")
    assert "not an amount" in dialog.cancel_message.text()
    dialog.fee_edit.setText("")
    assert dialog.cancel_button.isEnabled()
    assert dialog.refund_label.text() == "₹200.00"


def test_ask_returns_the_cancellations_it_made(
    qtbot: QtBot,
    box: BoxOffice,
    world: World,
    staff: dict[str, StaffView],
    sold: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(common.ConfirmDialog, "ask", classmethod(lambda cls, p, **kw: True))

    def exec_cancelling(self: BookingLookupDialog) -> int:
        qtbot.addWidget(self)
        assert self.current is not None and self.current.code == sold.code
        self.cancel_and_refund()
        self.accept()
        return self.result()

    monkeypatch.setattr(BookingLookupDialog, "exec", exec_cancelling)
    changed = BookingLookupDialog.ask(
        box, ctx_of(staff["supervisor"]), print_folder=tmp_path, text=sold.code
    )
    assert [(r.show_id, r.ticket_code) for r in changed] == [(world.show_id, sold.code)]


# --------------------------------------------------------------------------- waiting


def test_waiting_work_runs_off_the_gui_thread_and_its_window_takes_no_input_meanwhile(
    qtbot: QtBot,
) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    button = QPushButton("Sign in", window)
    clicks: list[bool] = []
    button.clicked.connect(lambda: clicks.append(True))
    window.show()
    release = threading.Event()
    seen: list[bool] = []

    def while_waiting() -> None:  # runs on the GUI thread while the work still waits
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        seen.append(
            any(
                isinstance(w, QProgressDialog) and w.isVisible()
                for w in QApplication.topLevelWidgets()
            )
        )
        release.set()

    def work() -> str:
        assert release.wait(timeout=10)
        return threading.current_thread().name

    QTimer.singleShot(0, while_waiting)
    assert common.run_in_background(window, "Waiting for the lock", work, show_after_ms=0) == (
        "bms-background"
    )
    assert seen == [True]  # the GUI kept running and showed that it waits
    assert clicks == []  # the click during the wait was swallowed
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert clicks == [True]  # and input works again afterwards
