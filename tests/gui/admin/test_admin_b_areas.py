"""Ticket types, coupons, staff, settings and audit log: each dialog creates, edits, shows a
refused field's message beside it (keeping what was typed), and changes nothing on cancel; the
areas load; the audit log filters, pages and exports."""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from bms_desktop.domain.model import Role
from bms_desktop.gui.admin.audit_area import AuditLogArea, describe_entry
from bms_desktop.gui.admin.coupons_area import CouponDialog, CouponsArea
from bms_desktop.gui.admin.record_dialog import combo_select_data
from bms_desktop.gui.admin.settings_area import SettingsArea, SettingsDialog
from bms_desktop.gui.admin.staff_area import StaffArea
from bms_desktop.gui.admin.staff_dialogs import (
    ChangePasswordDialog,
    ResetPasswordDialog,
    StaffDialog,
)
from bms_desktop.gui.admin.ticket_types_area import TicketTypeDialog, TicketTypesArea
from bms_desktop.gui.workers import TaskRunner
from bms_desktop.services import auth
from bms_desktop.services.admin import coupons, settings, staff, ticket_types
from bms_desktop.services.admin.dto_coupons import CouponInput
from bms_desktop.services.admin.dto_pricing import Choice
from bms_desktop.services.context import BoxOffice
from tests.gui.dialog_support import add_staff
from tests.support.admin_support import ADMIN, SUPERVISOR, snapshot

# --------------------------------------------------------------------------- ticket types


def test_ticket_type_dialog_creates_edits_refuses_and_cancels(qtbot: QtBot, box: BoxOffice) -> None:
    dialog = TicketTypeDialog(box, ADMIN, cinemas=[])
    qtbot.addWidget(dialog)
    dialog.code_edit.setText("kid")
    dialog.name_edit.setText("Kid")
    dialog.multiplier_edit.setText("11")
    before = snapshot(box)
    assert not dialog.submit()
    assert "above 10" in dialog.field_error("multiplier")
    assert dialog.multiplier_edit.text() == "11"
    assert snapshot(box) == before
    dialog.multiplier_edit.setText("0.6")
    assert dialog.submit()
    row = dialog.result_value
    assert (row.code, row.price_text) == ("KID", "x 0.6")
    edit = TicketTypeDialog(box, ADMIN, row, cinemas=[])
    qtbot.addWidget(edit)
    combo_select_data(edit.kind_combo, "FIXED")
    assert edit.amount_edit.isVisibleTo(edit) and not edit.multiplier_edit.isVisibleTo(edit)
    edit.amount_edit.setText("50")
    assert edit.submit()
    assert edit.result_value.price_text == "fixed 50.00"
    before = snapshot(box)
    cancel = TicketTypeDialog(box, ADMIN, edit.result_value, cinemas=[])
    qtbot.addWidget(cancel)
    cancel.name_edit.setText("Changed")
    cancel.reject()
    assert snapshot(box) == before


def test_ticket_types_area_lists_the_seeded_types(qtbot: QtBot, box: BoxOffice) -> None:
    area = TicketTypesArea(box, ADMIN, TaskRunner())
    qtbot.addWidget(area)
    area.refresh()
    qtbot.waitUntil(lambda: not area.is_loading())
    assert [t.code for t in area.table.records()][:2] == ["ADULT", "CHILD"]


# --------------------------------------------------------------------------- coupons


def test_coupon_dialog_creates_edits_refuses_and_cancels(qtbot: QtBot, box: BoxOffice) -> None:
    dialog = CouponDialog(box, ADMIN, now=datetime(2030, 3, 4, 10, 0))
    qtbot.addWidget(dialog)
    dialog.code_edit.setText("save10")
    dialog.value_edit.setText("10")
    dialog.cap_edit.setText("50")
    dialog.limit_edit.setText("5")
    dialog.from_field.check.setChecked(True)
    dialog.to_field.check.setChecked(True)  # same moment: an empty window
    before = snapshot(box)
    assert not dialog.submit()
    assert "must be after" in dialog.field_error("valid_to")
    assert snapshot(box) == before
    dialog.to_field.check.setChecked(False)
    assert dialog.submit()
    row = dialog.result_value
    assert (row.code, row.usage_limit, row.remaining) == ("SAVE10", 5, 5)
    local = row.local(row.valid_from)
    assert local is not None and (local.hour, local.minute) == (10, 0)  # box office time
    edit = CouponDialog(box, ADMIN, row)
    qtbot.addWidget(edit)
    assert edit.uses_label.text() == "0 time(s); 5 left"
    edit.limit_edit.setText("")
    assert edit.submit()
    assert edit.result_value.usage_limit is None
    before = snapshot(box)
    cancel = CouponDialog(box, ADMIN, edit.result_value)
    qtbot.addWidget(cancel)
    cancel.value_edit.setText("99")
    cancel.cancel_button.click()
    assert snapshot(box) == before


def test_coupons_area_shows_uses_and_what_remains(qtbot: QtBot, box: BoxOffice) -> None:
    coupons.create_coupon(box, ADMIN, CouponInput("FLAT50", "FIXED", "50", usage_limit="3"))
    area = CouponsArea(box, ADMIN, TaskRunner())
    qtbot.addWidget(area)
    area.refresh()
    qtbot.waitUntil(lambda: not area.is_loading())
    model = area.table.model
    assert [model.data(model.index(0, c)) for c in (0, 5, 6)] == ["FLAT50", "0", "3"]


# --------------------------------------------------------------------------- staff


def test_staff_dialog_creates_edits_refuses_and_cancels(qtbot: QtBot, box: BoxOffice) -> None:
    dialog = StaffDialog(box, ADMIN)
    qtbot.addWidget(dialog)
    dialog.username_edit.setText("asha")
    dialog.full_name_edit.setText("Asha Patil")
    dialog.password_edit.setText("first-pass-1")
    dialog.confirm_edit.setText("first-pass-2")
    assert not dialog.submit()
    assert "not the same" in dialog.field_error("confirm")
    dialog.confirm_edit.setText("first-pass-1")
    dialog.username_edit.setText("A")
    before = snapshot(box)
    assert not dialog.submit()
    assert "2-40 characters" in dialog.field_error("username")
    assert snapshot(box) == before
    dialog.username_edit.setText("asha")
    assert dialog.submit()
    row = dialog.result_value
    assert (row.username, row.role, row.must_change_password) == ("asha", "CLERK", True)
    edit = StaffDialog(box, ADMIN, row)
    qtbot.addWidget(edit)
    assert edit.username_edit.isReadOnly() and not edit.password_edit.isVisibleTo(edit)
    combo_select_data(edit.role_combo, "SUPERVISOR")
    assert edit.submit()
    assert edit.result_value.role == "SUPERVISOR"
    before = snapshot(box)
    cancel = StaffDialog(box, ADMIN, edit.result_value)
    qtbot.addWidget(cancel)
    cancel.active_check.setChecked(False)
    cancel.reject()
    assert snapshot(box) == before


def test_reset_then_change_password_dialogs(qtbot: QtBot, box: BoxOffice) -> None:
    view = add_staff(box, "ravi", Role.CLERK, "ravi-pass-1")
    row = next(r for r in staff.list_staff(box, ADMIN) if r.staff_id == view.staff_id)
    reset = ResetPasswordDialog(box, ADMIN, row)
    qtbot.addWidget(reset)
    reset.password_edit.setText("short")
    reset.confirm_edit.setText("short")
    assert not reset.submit()
    assert "at least 8" in reset.field_error("password")
    reset.password_edit.setText("temporary-1")
    reset.confirm_edit.setText("temporary-1")
    assert reset.submit()
    signed_in = auth.login(box, username="ravi", password="temporary-1", counter="C1")
    assert signed_in.must_change_password
    change = ChangePasswordDialog(box, ADMIN, signed_in, current="temporary-1")
    qtbot.addWidget(change)
    assert not change.current_edit.isVisibleTo(change)
    change.new_edit.setText("temporary-1")
    change.confirm_edit.setText("temporary-1")
    assert not change.submit()
    assert "different" in change.field_error("new_password")
    change.new_edit.setText("ravi-own-pass")
    change.confirm_edit.setText("ravi-own-pass")
    assert change.submit()
    assert not change.result_value.must_change_password
    assert not auth.login(
        box, username="ravi", password="ravi-own-pass", counter="C1"
    ).must_change_password


def test_staff_area_marks_a_new_password_due(qtbot: QtBot, box: BoxOffice) -> None:
    add_staff(box, "root", Role.ADMIN, "root-pass-1")
    from bms_desktop.services.admin.dto_staff import NewStaffInput

    staff.create_staff(box, ADMIN, NewStaffInput("asha", "Asha", "CLERK", "first-pass-1"))
    area = StaffArea(box, ADMIN, TaskRunner())
    qtbot.addWidget(area)
    area.refresh()
    qtbot.waitUntil(lambda: not area.is_loading())
    statuses = {r.username: area._status(r) for r in area.table.records()}
    assert statuses == {"asha": "Active, new password due", "root": "Active"}


# --------------------------------------------------------------------------- settings


def test_settings_dialog_saves_refuses_and_cancels(qtbot: QtBot, box: BoxOffice) -> None:
    view = settings.get_settings(box, ADMIN)
    dialog = SettingsDialog(box, ADMIN, view, cinemas=[Choice(1, "Nowhere")])
    qtbot.addWidget(dialog)
    dialog.hold_spin.setValue(0)
    before = snapshot(box)
    assert not dialog.submit()
    assert "below 1" in dialog.field_error("hold_minutes")
    assert snapshot(box) == before
    dialog.hold_spin.setValue(8)
    dialog.ceiling_edit.setText("5000")
    combo_select_data(dialog.setup_combo, "CLERK")
    assert dialog.submit()
    saved = dialog.result_value
    assert (saved.hold_minutes, str(saved.cash_tendered_limit), saved.counter_setup_role) == (
        8,
        "5000.00",
        "CLERK",
    )
    before = snapshot(box)
    cancel = SettingsDialog(box, ADMIN, saved)
    qtbot.addWidget(cancel)
    cancel.gap_spin.setValue(45)
    cancel.reject()
    assert snapshot(box) == before


def test_settings_dialog_names_a_home_cinema_that_does_not_exist(
    qtbot: QtBot, box: BoxOffice
) -> None:
    dialog = SettingsDialog(
        box, ADMIN, settings.get_settings(box, ADMIN), cinemas=[Choice(999, "Ghost")]
    )
    qtbot.addWidget(dialog)
    dialog.add_home_button.click()
    assert dialog.homes_table.rowCount() == 1
    assert not dialog.submit()
    assert "existing cinema" in dialog.field_error("home_cinemas")


def test_settings_area_lists_the_values(qtbot: QtBot, box: BoxOffice) -> None:
    area = SettingsArea(box, ADMIN, TaskRunner())
    qtbot.addWidget(area)
    area.refresh()
    qtbot.waitUntil(lambda: not area.is_loading())
    values = {line.name: line.value for line in area.table.records()}
    assert values["Hold time"] == "5 min"
    assert values["Strategy and delay"] == "Supervisors and administrators"


# --------------------------------------------------------------------------- audit log


def test_audit_area_filters_pages_and_exports(
    qtbot: QtBot, box: BoxOffice, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for i in range(205):
        coupons.create_coupon(box, ADMIN, CouponInput(f"CODE{i:03d}", "PERCENT", "5"))
    ticket_types.create_ticket_type(
        box, ADMIN, ticket_types.TicketTypeInput("KID", "Kid", "MULTIPLIER", "0.5")
    )
    area = AuditLogArea(box, SUPERVISOR, TaskRunner())  # a supervisor may read it
    qtbot.addWidget(area)
    area.refresh()
    qtbot.waitUntil(lambda: not area.is_loading())
    assert len(area.table.records()) == 200 and area.more_button.isEnabled()
    area.more_button.click()
    qtbot.waitUntil(lambda: not area.is_loading())
    assert len(area.table.records()) == 206 and not area.more_button.isEnabled()
    area.kind_combo.setCurrentText("TICKET_TYPE_ADDED")
    area.search_button.click()
    qtbot.waitUntil(lambda: not area.is_loading())
    (entry,) = area.table.records()
    area.table.select_key(entry.event_id)
    assert "code: KID" in area.details.toPlainText()
    assert "TICKET_TYPE_ADDED by admin1" in describe_entry(entry, "Asia/Kolkata")
    target = tmp_path / "audit.csv"
    monkeypatch.setattr(area, "ask_export_path", lambda: target)
    assert area.export_csv() == 1
    rows = list(csv.reader(target.open(encoding="utf-8")))
    assert rows[1][5] == "TICKET_TYPE_ADDED"
