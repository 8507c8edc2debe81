"""Ticket types: Adult, Child, Senior, Student, Complimentary and any an administrator adds; a
multiplier of the seat's price or a fixed amount, for every cinema or one, maybe needing a
supervisor's approval at the counter."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QSpinBox, QWidget

from bms_desktop.domain.errors import DomainError
from bms_desktop.gui.admin.area_base import AdminAreaWidget
from bms_desktop.gui.admin.record_dialog import RecordDialog, combo_select_data
from bms_desktop.gui.admin.record_table import RIGHT, Column, RecordTableWidget
from bms_desktop.gui.dialogs.common import run_in_background
from bms_desktop.gui.workers import TaskRunner
from bms_desktop.services.admin import ticket_types
from bms_desktop.services.admin.dto_pricing import Choice
from bms_desktop.services.admin.dto_ticket_types import TicketTypeInput, TicketTypeRow
from bms_desktop.services.context import BoxOffice, CounterContext


class TicketTypeDialog(RecordDialog):
    title = "New ticket type"
    edit_title = "Edit ticket type"
    subtitle = (
        "What a seat costs for a kind of customer. A cinema's own type replaces the one for "
        "every cinema with the same code there."
    )

    def __init__(
        self,
        box: BoxOffice,
        ctx: CounterContext,
        record: TicketTypeRow | None = None,
        parent: QWidget | None = None,
        *,
        cinemas: Sequence[Choice] = (),
    ) -> None:
        self._cinemas = list(cinemas)
        super().__init__(box, ctx, record, parent)

    def build_form(self, body: QWidget) -> None:
        form = self.make_form(body)
        self.code_edit = QLineEdit(body)
        self.code_edit.setObjectName("codeEdit")
        self.code_edit.setPlaceholderText("e.g. CHILD")
        self.name_edit = QLineEdit(body)
        self.name_edit.setObjectName("nameEdit")
        self.kind_combo = QComboBox(body)
        self.kind_combo.setObjectName("kindCombo")
        self.kind_combo.addItem("A multiple of the seat's price", "MULTIPLIER")
        self.kind_combo.addItem("A fixed amount", "FIXED")
        self.multiplier_edit = QLineEdit(body)
        self.multiplier_edit.setObjectName("multiplierEdit")
        self.multiplier_edit.setPlaceholderText("e.g. 0.75")
        self.amount_edit = QLineEdit(body)
        self.amount_edit.setObjectName("amountEdit")
        self.amount_edit.setPlaceholderText("e.g. 0.00")
        self.cinema_combo = QComboBox(body)
        self.cinema_combo.setObjectName("cinemaCombo")
        self.cinema_combo.addItem("All cinemas", None)
        for c in self._cinemas:
            self.cinema_combo.addItem(c.name, c.id)
        self.approval_check = QCheckBox("A supervisor approves it at the counter", body)
        self.approval_check.setObjectName("approvalCheck")
        self.active_check = QCheckBox("Offered at the counter", body)
        self.rank_spin = QSpinBox(body)
        self.rank_spin.setRange(-1000, 1000)
        self.rank_spin.setToolTip("The order of the types in the basket (its hot keys follow it)")
        self.add_row(form, "Code", self.code_edit, field="code")
        self.add_row(form, "Name", self.name_edit, field="name")
        self.add_row(form, "Price", self.kind_combo, field="kind")
        self.add_row(form, "Multiplier", self.multiplier_edit, field="multiplier")
        self.add_row(form, "Amount (₹)", self.amount_edit, field="amount")
        self.add_row(form, "Cinema", self.cinema_combo, field="theater_id")
        self.add_row(form, "Approval", self.approval_check, field="needs_approval")
        self.add_row(form, "Active", self.active_check, field="active")
        self.add_row(form, "Order", self.rank_spin, field="rank")
        self.form = form
        self.kind_combo.currentIndexChanged.connect(self._sync_kind)
        self.setMinimumWidth(520)

    def load(self, record: TicketTypeRow | None) -> None:
        self.code_edit.setText("" if record is None else record.code)
        self.name_edit.setText("" if record is None else record.name)
        combo_select_data(self.kind_combo, "MULTIPLIER" if record is None else record.kind)
        mult = None if record is None else record.multiplier
        self.multiplier_edit.setText("" if mult is None else format(mult.normalize(), "f"))
        amount = None if record is None else record.amount
        self.amount_edit.setText("" if amount is None else f"{amount:.2f}")
        combo_select_data(self.cinema_combo, None if record is None else record.theater_id)
        self.approval_check.setChecked(False if record is None else record.needs_approval)
        self.active_check.setChecked(True if record is None else record.active)
        self.rank_spin.setValue(10 if record is None else record.rank)
        self._sync_kind()
        self.code_edit.setFocus()

    @Slot()
    def _sync_kind(self) -> None:
        fixed = self.kind_combo.currentData() == "FIXED"
        self.form.setRowVisible(self.multiplier_edit, not fixed)
        self.form.setRowVisible(self.amount_edit, fixed)

    def input(self) -> TicketTypeInput:
        fixed = self.kind_combo.currentData() == "FIXED"
        return TicketTypeInput(
            code=self.code_edit.text(),
            name=self.name_edit.text(),
            kind=str(self.kind_combo.currentData()),
            multiplier=None if fixed else self.multiplier_edit.text(),
            amount=self.amount_edit.text() if fixed else None,
            theater_id=self.cinema_combo.currentData(),
            needs_approval=self.approval_check.isChecked(),
            active=self.active_check.isChecked(),
            rank=self.rank_spin.value(),
        )

    def save(self) -> TicketTypeRow:
        data = self.input()
        box, ctx, record = self.box, self.ctx, self.record
        if record is None:
            return self.run_service(
                "Adding the ticket type…", lambda: ticket_types.create_ticket_type(box, ctx, data)
            )
        return self.run_service(
            "Saving the ticket type…",
            lambda: ticket_types.update_ticket_type(box, ctx, record.type_id, data),
        )


class TicketTypesArea(AdminAreaWidget):
    area_title = "Ticket types"
    area_key = "ticket_types"
    area_hint = (
        "The clerk picks a type per seat in the basket. Adult is the seat's own price; the "
        "others multiply it or replace it. Bookings already made keep their prices."
    )

    def __init__(
        self, box: BoxOffice, ctx: CounterContext, runner: TaskRunner, parent: QWidget | None = None
    ) -> None:
        super().__init__(box, ctx, runner, parent)
        self._cinemas: list[Choice] = []
        self.new_button = self.add_action(
            "New ticket type…", self.new_type, role="primary", object_name="newTicketType"
        )
        self.edit_button = self.add_action("Edit…", self._on_edit_button_clicked)
        self.toggle_button = self.add_action("Deactivate", self._on_toggle_button_clicked)
        self.table = RecordTableWidget(
            [
                Column("Code", lambda t: t.code, width=140),
                Column("Name", lambda t: t.name, width=180),
                Column("Price", lambda t: t.price_text, align=RIGHT, width=110),
                Column("Cinema", lambda t: t.theater_name, stretch=True),
                Column("Approval", lambda t: "Supervisor" if t.needs_approval else "", width=90),
                Column("Order", lambda t: t.rank, align=RIGHT, width=60),
                Column("Status", lambda t: "Active" if t.active else "Inactive", width=80),
            ],
            key=lambda t: t.type_id,
            empty_text="No ticket types: New ticket type…",
            parent=self,
        )
        self.table.setObjectName("ticketTypesTable")
        self.table.record_activated.connect(self._on_table_record_activated)
        self.table.selection_changed.connect(self._update_buttons)
        self.page_layout.addWidget(self.table, 1)
        self._update_buttons()

    def refresh(self) -> None:
        super().refresh()
        box, ctx = self.box, self.ctx

        def work() -> tuple[list[TicketTypeRow], list[Choice]]:
            from bms_desktop.services.admin import pricing

            return ticket_types.list_ticket_types(box, ctx), list(
                pricing.pricing_data(box, ctx).cinemas
            )

        self.load(work, self._on_loaded, label="Loading ticket types")

    def _on_loaded(self, result: tuple[list[TicketTypeRow], list[Choice]]) -> None:
        rows, cinemas = result
        self._cinemas = cinemas
        self.table.set_records(rows)
        self._update_buttons()

    def new_type(self) -> TicketTypeRow | None:
        row: TicketTypeRow | None = TicketTypeDialog.ask(
            self.box, self.ctx, None, self, cinemas=self._cinemas
        )
        if row is not None:
            self.saved(f"ticket type {row.code} added")
        return row

    def edit_type(self, record: TicketTypeRow) -> TicketTypeRow | None:
        row: TicketTypeRow | None = TicketTypeDialog.ask(
            self.box, self.ctx, record, self, cinemas=self._cinemas
        )
        if row is not None:
            self.saved(f"ticket type {row.code} saved")
        return row

    def toggle_type(self, record: TicketTypeRow) -> TicketTypeRow | None:
        box, ctx = self.box, self.ctx
        try:
            row: TicketTypeRow = run_in_background(
                self,
                "Saving…",
                lambda: ticket_types.set_ticket_type_active(
                    box, ctx, record.type_id, not record.active
                ),
            )
        except DomainError as exc:
            self.message.show_error(exc.message)
            return None
        self.saved(f"ticket type {row.code} {'reactivated' if row.active else 'deactivated'}")
        return row

    @Slot()
    def _update_buttons(self) -> None:
        record = self.table.selected_record()
        self.edit_button.setEnabled(record is not None)
        self.toggle_button.setEnabled(record is not None)
        self.toggle_button.setText(
            "Reactivate" if record is not None and not record.active else "Deactivate"
        )

    @Slot(object)
    def _on_table_record_activated(self, record: TicketTypeRow) -> None:
        if not self.read_only:
            self.edit_type(record)

    def _on_edit_button_clicked(self) -> None:
        record = self.table.selected_record()
        if record is not None:
            self.edit_type(record)

    def _on_toggle_button_clicked(self) -> None:
        record = self.table.selected_record()
        if record is not None:
            self.toggle_type(record)
