"""Staff accounts: create, change name and role, reset a password, unlock a locked-out name,
deactivate. The services refuse demoting or deactivating yourself or the last administrator."""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QWidget

from bms_desktop.domain.errors import DomainError
from bms_desktop.gui.admin.area_base import AdminAreaWidget
from bms_desktop.gui.admin.record_table import Column, RecordTableWidget
from bms_desktop.gui.admin.staff_dialogs import ResetPasswordDialog, StaffDialog
from bms_desktop.gui.dialogs.common import ConfirmDialog, run_in_background
from bms_desktop.gui.workers import TaskRunner
from bms_desktop.services.admin import staff
from bms_desktop.services.admin.dto_staff import StaffRow
from bms_desktop.services.context import BoxOffice, CounterContext


class StaffArea(AdminAreaWidget):
    area_title = "Staff"
    area_key = "staff"
    area_hint = (
        "Ushers admit at the door; clerks sell; supervisors also refund and approve; "
        "administrators also configure. Nobody demotes or deactivates themselves or the last "
        "administrator."
    )

    def __init__(
        self, box: BoxOffice, ctx: CounterContext, runner: TaskRunner, parent: QWidget | None = None
    ) -> None:
        super().__init__(box, ctx, runner, parent)
        self.new_button = self.add_action(
            "New account…", self.new_staff, role="primary", object_name="newStaff"
        )
        self.edit_button = self.add_action("Edit…", self._on_edit_button_clicked)
        self.reset_button = self.add_action("Reset password…", self._on_reset_button_clicked)
        self.unlock_button = self.add_action("Unlock", self._on_unlock_button_clicked)
        self.toggle_button = self.add_action("Deactivate", self._on_toggle_button_clicked)
        self.table = RecordTableWidget(
            [
                Column("Staff name", lambda s: s.username, width=140),
                Column("Full name", lambda s: s.full_name, stretch=True),
                Column("Role", lambda s: s.role.title(), width=110),
                Column("Status", self._status, width=190),
                Column(
                    "Since",
                    lambda s: f"{s.created_at:%d %b %Y}",
                    sort_key=lambda s: s.created_at,
                    width=110,
                ),
            ],
            key=lambda s: s.staff_id,
            empty_text="No staff yet: New account…",
            parent=self,
        )
        self.table.setObjectName("staffTable")
        self.table.record_activated.connect(self._on_table_record_activated)
        self.table.selection_changed.connect(self._update_buttons)
        self.page_layout.addWidget(self.table, 1)
        self._update_buttons()

    def _status(self, row: StaffRow) -> str:
        parts = ["Active" if row.active else "Inactive"]
        if row.locked(self.box.now()):
            parts.append("locked out")
        elif row.failed_logins:
            parts.append(f"{row.failed_logins} failed sign-in(s)")
        if row.must_change_password:
            parts.append("new password due")
        return ", ".join(parts)

    def refresh(self) -> None:
        super().refresh()
        box, ctx = self.box, self.ctx
        self.load(lambda: staff.list_staff(box, ctx), self._on_loaded, label="Loading staff")

    def _on_loaded(self, rows: list[StaffRow]) -> None:
        self.table.set_records(rows)
        self._update_buttons()

    # ------------------------------------------------------------------ actions

    def new_staff(self) -> StaffRow | None:
        row: StaffRow | None = StaffDialog.ask(self.box, self.ctx, None, self)
        if row is not None:
            self.saved(f"{row.username} added; they choose a new password at first sign-in")
        return row

    def edit_staff(self, record: StaffRow) -> StaffRow | None:
        row: StaffRow | None = StaffDialog.ask(self.box, self.ctx, record, self)
        if row is not None:
            self.saved(f"{row.username} saved")
        return row

    def reset_password(self, record: StaffRow) -> StaffRow | None:
        row: StaffRow | None = ResetPasswordDialog.ask(self.box, self.ctx, record, self)
        if row is not None:
            self.saved(f"{row.username}'s password reset: they choose a new one at next sign-in")
        return row

    def unlock(self, record: StaffRow) -> StaffRow | None:
        box, ctx = self.box, self.ctx
        try:
            row: StaffRow = run_in_background(
                self, "Unlocking…", lambda: staff.unlock_staff(box, ctx, record.staff_id)
            )
        except DomainError as exc:
            self.message.show_error(exc.message)
            return None
        self.saved(f"{row.username} unlocked")
        return row

    def toggle(self, record: StaffRow) -> StaffRow | None:
        activate = not record.active
        if not activate and not ConfirmDialog.ask(
            self,
            title=f"Deactivate {record.username}",
            text=f"Deactivate {record.username}? They can no longer sign in.",
            informative="Their sales and audit entries stay.",
            ok_text="Deactivate",
            danger=True,
        ):
            return None
        box, ctx = self.box, self.ctx
        try:
            row: StaffRow = run_in_background(
                self,
                "Saving…",
                lambda: staff.set_staff_active(box, ctx, record.staff_id, activate),
            )
        except DomainError as exc:
            self.message.show_error(exc.message)
            return None
        self.saved(f"{row.username} {'reactivated' if row.active else 'deactivated'}")
        return row

    @Slot()
    def _update_buttons(self) -> None:
        record = self.table.selected_record()
        for button in (self.edit_button, self.reset_button, self.toggle_button):
            button.setEnabled(record is not None)
        locked = record is not None and (record.failed_logins > 0 or record.locked_until)
        self.unlock_button.setEnabled(bool(locked))
        self.toggle_button.setText(
            "Reactivate" if record is not None and not record.active else "Deactivate"
        )

    @Slot(object)
    def _on_table_record_activated(self, record: StaffRow) -> None:
        if not self.read_only:
            self.edit_staff(record)

    def _selected(self) -> StaffRow | None:
        record: StaffRow | None = self.table.selected_record()
        return record

    def _on_edit_button_clicked(self) -> None:
        if (record := self._selected()) is not None:
            self.edit_staff(record)

    def _on_reset_button_clicked(self) -> None:
        if (record := self._selected()) is not None:
            self.reset_password(record)

    def _on_unlock_button_clicked(self) -> None:
        if (record := self._selected()) is not None:
            self.unlock(record)

    def _on_toggle_button_clicked(self) -> None:
        if (record := self._selected()) is not None:
            self.toggle(record)
