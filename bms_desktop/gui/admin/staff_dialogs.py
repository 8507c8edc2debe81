"""Dialogs for staff accounts: a new account or an edit (name, role, active), a password
reset by an administrator, and ``ChangePasswordDialog`` for the person themselves (the sign-in
opens it when ``StaffView.must_change_password`` is set: the lead wires it into the login
dialog)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QWidget

from bms_desktop.domain.errors import ValidationError
from bms_desktop.domain.model import Role
from bms_desktop.gui.admin.record_dialog import RecordDialog, combo_select_data
from bms_desktop.services.admin import staff
from bms_desktop.services.admin.dto_staff import NewStaffInput, StaffEditInput, StaffRow
from bms_desktop.services.context import BoxOffice, CounterContext
from bms_desktop.services.dto import StaffView

ROLE_TEXTS = (
    (Role.USHER.value, "Usher: admits tickets at the door"),
    (Role.CLERK.value, "Clerk: sells and reprints"),
    (Role.SUPERVISOR.value, "Supervisor: also refunds and approves"),
    (Role.ADMIN.value, "Administrator: also configures"),
)


def _password_edit(parent: QWidget, name: str) -> QLineEdit:
    edit = QLineEdit(parent)
    edit.setObjectName(name)
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit


def _same(first: QLineEdit, second: QLineEdit, field: str) -> str:
    if first.text() != second.text():
        raise ValidationError("the two passwords are not the same", field=field)
    return first.text()


class StaffDialog(RecordDialog):
    title = "New staff account"
    edit_title = "Edit staff account"
    subtitle = "A new account must choose its own password at its first sign-in."

    def build_form(self, body: QWidget) -> None:
        form = self.make_form(body)
        self.username_edit = QLineEdit(body)
        self.username_edit.setObjectName("usernameEdit")
        self.username_edit.setPlaceholderText("e.g. asha (lower case)")
        self.full_name_edit = QLineEdit(body)
        self.full_name_edit.setObjectName("fullNameEdit")
        self.role_combo = QComboBox(body)
        self.role_combo.setObjectName("roleCombo")
        for value, text in ROLE_TEXTS:
            self.role_combo.addItem(text, value)
        self.password_edit = _password_edit(body, "passwordEdit")
        self.confirm_edit = _password_edit(body, "confirmEdit")
        self.must_change_check = QCheckBox("Must choose a new password at first sign-in", body)
        self.active_check = QCheckBox("Can sign in", body)
        self.add_row(form, "Staff name", self.username_edit, field="username")
        self.add_row(form, "Full name", self.full_name_edit, field="full_name")
        self.add_row(form, "Role", self.role_combo, field="role")
        self.add_row(form, "Password", self.password_edit, field="password")
        self.add_row(form, "Again", self.confirm_edit, field="confirm")
        self.add_row(form, "", self.must_change_check)
        self.add_row(form, "Active", self.active_check, field="active")
        self.form = form
        self.setMinimumWidth(520)

    def load(self, record: StaffRow | None) -> None:
        new = record is None
        self.username_edit.setText("" if record is None else record.username)
        self.username_edit.setReadOnly(not new)
        self.full_name_edit.setText("" if record is None else record.full_name)
        combo_select_data(self.role_combo, Role.CLERK.value if record is None else record.role)
        self.must_change_check.setChecked(True)
        self.active_check.setChecked(True if record is None else record.active)
        for widget in (self.password_edit, self.confirm_edit, self.must_change_check):
            self.form.setRowVisible(widget, new)
        self.form.setRowVisible(self.active_check, not new)
        (self.username_edit if new else self.full_name_edit).setFocus()

    def save(self) -> StaffRow:
        box, ctx, record = self.box, self.ctx, self.record
        role = str(self.role_combo.currentData())
        if record is None:
            password = _same(self.password_edit, self.confirm_edit, "confirm")
            new = NewStaffInput(
                username=self.username_edit.text(),
                full_name=self.full_name_edit.text(),
                role=role,
                password=password,
                must_change_password=self.must_change_check.isChecked(),
            )
            return self.run_service(
                "Adding the account…", lambda: staff.create_staff(box, ctx, new)
            )
        edit = StaffEditInput(self.full_name_edit.text(), role, self.active_check.isChecked())
        return self.run_service(
            "Saving the account…", lambda: staff.update_staff(box, ctx, record.staff_id, edit)
        )


class ResetPasswordDialog(RecordDialog):
    """An administrator gives an account a temporary password (``record``: the StaffRow)."""

    title = "Reset password"
    edit_title = "Reset password"
    subtitle = (
        "Tell the person this temporary password; they must choose their own at the next "
        "sign-in. A locked-out name is unlocked too."
    )
    primary_text = "Reset"

    def build_form(self, body: QWidget) -> None:
        form = self.make_form(body)
        self.who = QLineEdit(body)
        self.who.setReadOnly(True)
        self.who.setFrame(False)
        self.password_edit = _password_edit(body, "passwordEdit")
        self.confirm_edit = _password_edit(body, "confirmEdit")
        self.add_row(form, "Account", self.who)
        self.add_row(form, "Temporary password", self.password_edit, field="password")
        self.add_row(form, "Again", self.confirm_edit, field="confirm")
        self.setMinimumWidth(480)

    def load(self, record: StaffRow | None) -> None:
        if record is not None:
            self.who.setText(f"{record.username} ({record.full_name or record.role.lower()})")
        self.password_edit.setFocus()

    def save(self) -> StaffRow:
        record: StaffRow = self.record
        password = _same(self.password_edit, self.confirm_edit, "confirm")
        box, ctx = self.box, self.ctx
        return self.run_service(
            "Resetting the password…",
            lambda: staff.reset_password(box, ctx, record.staff_id, password),
        )


class ChangePasswordDialog(RecordDialog):
    """The person sets their own password (after a reset, or whenever they like).

    ``ChangePasswordDialog.ask(box, SYSTEM_or_any_ctx, staff_view, parent, current=...)``
    returns the StaffView with ``must_change_password`` cleared, or None when cancelled. The
    current password may be passed in (the one just typed at sign-in) so the person types only
    the new one twice."""

    title = "Choose a new password"
    edit_title = "Choose a new password"
    subtitle = "Your password was reset by an administrator: choose one only you know."
    primary_text = "Change password"

    def __init__(
        self,
        box: BoxOffice,
        ctx: CounterContext,
        record: StaffView | None = None,
        parent: QWidget | None = None,
        *,
        current: str = "",
    ) -> None:
        self._current = current
        super().__init__(box, ctx, record, parent)

    def build_form(self, body: QWidget) -> None:
        form = self.make_form(body)
        self.username_edit = QLineEdit(body)
        self.username_edit.setObjectName("usernameEdit")
        self.current_edit = _password_edit(body, "currentEdit")
        self.new_edit = _password_edit(body, "newEdit")
        self.confirm_edit = _password_edit(body, "confirmEdit")
        self.add_row(form, "Staff name", self.username_edit, field="username")
        self.add_row(form, "Current password", self.current_edit, field="current")
        self.add_row(form, "New password", self.new_edit, field="new_password")
        self.add_row(form, "Again", self.confirm_edit, field="confirm")
        self.form = form
        self.setMinimumWidth(480)

    def load(self, record: Any) -> None:
        if isinstance(record, StaffView):
            self.username_edit.setText(record.username)
            self.username_edit.setReadOnly(True)
        self.current_edit.setText(self._current)
        self.form.setRowVisible(self.current_edit, not self._current)
        (self.new_edit if self._current or record is not None else self.username_edit).setFocus()

    def save(self) -> StaffView:
        new = _same(self.new_edit, self.confirm_edit, "confirm")
        username, current = self.username_edit.text(), self.current_edit.text()
        box = self.box
        return self.run_service(
            "Changing the password…",
            lambda: staff.change_password(box, username, current, new),
        )


__all__ = ["ChangePasswordDialog", "ResetPasswordDialog", "StaffDialog"]
