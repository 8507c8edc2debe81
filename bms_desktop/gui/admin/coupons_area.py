"""Coupons: every field (percentage with an optional cap or a fixed amount, minimum order,
validity window in the box office's time zone, active, total and per-customer limits), with
the uses so far and what remains."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QDateTime, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QHBoxLayout,
    QLineEdit,
    QWidget,
)

from bms_desktop.domain.errors import DomainError
from bms_desktop.gui.admin.area_base import AdminAreaWidget
from bms_desktop.gui.admin.record_dialog import RecordDialog, combo_select_data
from bms_desktop.gui.admin.record_table import RIGHT, Column, RecordTableWidget
from bms_desktop.gui.dialogs.common import run_in_background
from bms_desktop.gui.workers import TaskRunner
from bms_desktop.services.admin import coupons
from bms_desktop.services.admin.dto_coupons import CouponInput, CouponRow
from bms_desktop.services.context import BoxOffice, CounterContext

DATE_FORMAT = "ddd d MMM yyyy HH:mm"


def _limit_text(value: int | None) -> str:
    return "no limit" if value is None else str(value)


def _when(row: CouponRow, moment: datetime | None, empty: str) -> str:
    local = row.local(moment)
    return empty if local is None else f"{local:%d %b %Y %H:%M}"


class _MomentField(QWidget):
    """A date and time (in the box office's zone) that may be left open."""

    def __init__(self, open_text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.check = QCheckBox(self)
        self.check.setToolTip(f"Unticked: {open_text}")
        self.edit = QDateTimeEdit(self)
        self.edit.setDisplayFormat(DATE_FORMAT)
        self.edit.setCalendarPopup(True)
        row.addWidget(self.check)
        row.addWidget(self.edit, 1)
        self.check.toggled.connect(self.edit.setEnabled)
        self.check.setChecked(False)
        self.edit.setEnabled(False)

    def set_value(self, moment: datetime | None, fallback: datetime) -> None:
        shown = moment or fallback
        self.edit.setDateTime(
            QDateTime(shown.year, shown.month, shown.day, shown.hour, shown.minute, 0)
        )
        self.check.setChecked(moment is not None)

    def value(self) -> datetime | None:
        if not self.check.isChecked():
            return None
        qdt = self.edit.dateTime()
        d, t = qdt.date(), qdt.time()
        return datetime(d.year(), d.month(), d.day(), t.hour(), t.minute())  # box office time


class CouponDialog(RecordDialog):
    title = "New coupon"
    edit_title = "Edit coupon"
    subtitle = "A use is counted when a booking is paid and given back when it is cancelled."

    def __init__(
        self,
        box: BoxOffice,
        ctx: CounterContext,
        record: CouponRow | None = None,
        parent: QWidget | None = None,
        *,
        timezone: str = "Asia/Kolkata",
        now: datetime | None = None,
    ) -> None:
        self._timezone = record.timezone if record is not None else timezone
        self._now = now
        super().__init__(box, ctx, record, parent)

    def build_form(self, body: QWidget) -> None:
        form = self.make_form(body)
        self.code_edit = QLineEdit(body)
        self.code_edit.setObjectName("codeEdit")
        self.code_edit.setPlaceholderText("e.g. SAVE10")
        self.description_edit = QLineEdit(body)
        self.description_edit.setObjectName("descriptionEdit")
        self.kind_combo = QComboBox(body)
        self.kind_combo.setObjectName("kindCombo")
        self.kind_combo.addItem("A percentage off", "PERCENT")
        self.kind_combo.addItem("A fixed amount off", "FIXED")
        self.value_edit = QLineEdit(body)
        self.value_edit.setObjectName("valueEdit")
        self.cap_edit = QLineEdit(body)
        self.cap_edit.setObjectName("capEdit")
        self.cap_edit.setPlaceholderText("empty: no cap")
        self.min_edit = QLineEdit(body)
        self.min_edit.setObjectName("minAmountEdit")
        self.min_edit.setPlaceholderText("0.00")
        self.from_field = _MomentField("valid from now on", body)
        self.from_field.setObjectName("validFrom")
        self.to_field = _MomentField("no end", body)
        self.to_field.setObjectName("validTo")
        self.limit_edit = QLineEdit(body)
        self.limit_edit.setObjectName("usageLimitEdit")
        self.limit_edit.setPlaceholderText("empty: no limit")
        self.per_customer_edit = QLineEdit(body)
        self.per_customer_edit.setObjectName("perCustomerEdit")
        self.per_customer_edit.setPlaceholderText("empty: no limit")
        self.active_check = QCheckBox("Clerks can apply it", body)
        self.uses_label = QLineEdit(body)
        self.uses_label.setObjectName("usesLabel")
        self.uses_label.setReadOnly(True)
        self.uses_label.setFrame(False)
        zone = self._timezone
        self.add_row(form, "Code", self.code_edit, field="code")
        self.add_row(form, "Description", self.description_edit, field="description")
        self.add_row(form, "Discount", self.kind_combo, field="kind")
        self.add_row(form, "Value", self.value_edit, field="value")
        self.add_row(form, "At most (₹)", self.cap_edit, field="max_discount")
        self.add_row(form, "Minimum order (₹)", self.min_edit, field="min_amount")
        self.add_row(
            form,
            f"Valid from ({zone})",
            self.from_field,
            field="valid_from",
            focus=self.from_field.edit,
        )
        self.add_row(
            form, f"Valid until ({zone})", self.to_field, field="valid_to", focus=self.to_field.edit
        )
        self.add_row(form, "Uses in total", self.limit_edit, field="usage_limit")
        self.add_row(form, "Uses per customer", self.per_customer_edit, field="per_customer_limit")
        self.add_row(form, "Active", self.active_check, field="active")
        self.add_row(form, "Used so far", self.uses_label)
        self.kind_combo.currentIndexChanged.connect(self._sync_kind)
        self.setMinimumWidth(600)

    def load(self, record: CouponRow | None) -> None:
        now = self._now or datetime.now()
        self.code_edit.setText("" if record is None else record.code)
        self.description_edit.setText("" if record is None else record.description)
        combo_select_data(self.kind_combo, "PERCENT" if record is None else record.kind)
        self.value_edit.setText("" if record is None else format(record.value.normalize(), "f"))
        cap = None if record is None else record.max_discount
        self.cap_edit.setText("" if cap is None else f"{cap:.2f}")
        self.min_edit.setText("" if record is None else f"{record.min_amount:.2f}")
        start = None if record is None else record.local(record.valid_from)
        end = None if record is None else record.local(record.valid_to)
        self.from_field.set_value(start.replace(tzinfo=None) if start else None, now)
        self.to_field.set_value(end.replace(tzinfo=None) if end else None, now)
        self.limit_edit.setText(
            "" if record is None or record.usage_limit is None else str(record.usage_limit)
        )
        per = None if record is None else record.per_customer_limit
        self.per_customer_edit.setText("" if per is None else str(per))
        self.active_check.setChecked(True if record is None else record.active)
        if record is None:
            self.uses_label.setText("not used yet")
        else:
            left = "no limit" if record.remaining is None else f"{record.remaining} left"
            self.uses_label.setText(f"{record.used_count} time(s); {left}")
        self._sync_kind()
        self.code_edit.setFocus()

    @Slot()
    def _sync_kind(self) -> None:
        percent = self.kind_combo.currentData() == "PERCENT"
        self.value_edit.setPlaceholderText("e.g. 10 (percent)" if percent else "e.g. 50.00")

    def input(self) -> CouponInput:
        return CouponInput(
            code=self.code_edit.text(),
            kind=str(self.kind_combo.currentData()),
            value=self.value_edit.text(),
            description=self.description_edit.text(),
            max_discount=self.cap_edit.text(),
            min_amount=self.min_edit.text(),
            valid_from=self.from_field.value(),
            valid_to=self.to_field.value(),
            active=self.active_check.isChecked(),
            usage_limit=self.limit_edit.text(),
            per_customer_limit=self.per_customer_edit.text(),
        )

    def save(self) -> CouponRow:
        data = self.input()
        box, ctx, record = self.box, self.ctx, self.record
        if record is None:
            return self.run_service(
                "Adding the coupon…", lambda: coupons.create_coupon(box, ctx, data)
            )
        return self.run_service(
            "Saving the coupon…", lambda: coupons.update_coupon(box, ctx, record.coupon_id, data)
        )


class CouponsArea(AdminAreaWidget):
    area_title = "Coupons"
    area_key = "coupons"
    area_hint = (
        "Uses are counted when a booking is paid, given back when it is cancelled. Times are "
        "the box office's local time."
    )

    def __init__(
        self, box: BoxOffice, ctx: CounterContext, runner: TaskRunner, parent: QWidget | None = None
    ) -> None:
        super().__init__(box, ctx, runner, parent)
        self._timezone = "Asia/Kolkata"
        self.new_button = self.add_action(
            "New coupon…", self.new_coupon, role="primary", object_name="newCoupon"
        )
        self.edit_button = self.add_action("Edit…", self._on_edit_button_clicked)
        self.toggle_button = self.add_action("Deactivate", self._on_toggle_button_clicked)
        self.table = RecordTableWidget(
            [
                Column("Code", lambda c: c.code, width=110),
                Column("Discount", lambda c: c.discount_text, width=175),
                Column(
                    "Minimum",
                    lambda c: f"{c.min_amount:,.2f}",
                    align=RIGHT,
                    sort_key=lambda c: c.min_amount,
                    width=80,
                ),
                Column(
                    "From",
                    lambda c: _when(c, c.valid_from, "—"),
                    width=150,
                    sort_key=lambda c: c.valid_from,
                ),
                Column(
                    "Until",
                    lambda c: _when(c, c.valid_to, "no end"),
                    width=150,
                    sort_key=lambda c: c.valid_to,
                ),
                Column("Used", lambda c: c.used_count, align=RIGHT, width=55),
                Column(
                    "Left",
                    lambda c: "∞" if c.remaining is None else c.remaining,
                    align=RIGHT,
                    width=55,
                    sort_key=lambda c: c.remaining if c.remaining is not None else 10**12,
                    tooltip=lambda c: f"limit {_limit_text(c.usage_limit)} in total",
                ),
                Column("Per customer", lambda c: _limit_text(c.per_customer_limit), width=110),
                Column("Status", lambda c: "Active" if c.active else "Inactive", width=70),
                Column("Description", lambda c: c.description, stretch=True),
            ],
            key=lambda c: c.coupon_id,
            empty_text="No coupons yet: New coupon…",
            parent=self,
        )
        self.table.setObjectName("couponsTable")
        self.table.record_activated.connect(self._on_table_record_activated)
        self.table.selection_changed.connect(self._update_buttons)
        self.page_layout.addWidget(self.table, 1)
        self._update_buttons()

    def refresh(self) -> None:
        super().refresh()
        box, ctx = self.box, self.ctx
        self.load(
            lambda: (coupons.list_coupons(box, ctx), box.settings().box_office_timezone),
            self._on_loaded,
            label="Loading coupons",
        )

    def _on_loaded(self, result: tuple[list[CouponRow], str]) -> None:
        rows, self._timezone = result
        self.table.set_records(rows)
        self._update_buttons()

    def new_coupon(self) -> CouponRow | None:
        row: CouponRow | None = CouponDialog.ask(
            self.box, self.ctx, None, self, timezone=self._timezone
        )
        if row is not None:
            self.saved(f"coupon {row.code} added")
        return row

    def edit_coupon(self, record: CouponRow) -> CouponRow | None:
        row: CouponRow | None = CouponDialog.ask(self.box, self.ctx, record, self)
        if row is not None:
            self.saved(f"coupon {row.code} saved")
        return row

    def toggle_coupon(self, record: CouponRow) -> CouponRow | None:
        box, ctx = self.box, self.ctx
        try:
            row: CouponRow = run_in_background(
                self,
                "Saving…",
                lambda: coupons.set_coupon_active(box, ctx, record.coupon_id, not record.active),
            )
        except DomainError as exc:
            self.message.show_error(exc.message)
            return None
        self.saved(f"coupon {row.code} {'reactivated' if row.active else 'deactivated'}")
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
    def _on_table_record_activated(self, record: CouponRow) -> None:
        if not self.read_only:
            self.edit_coupon(record)

    def _on_edit_button_clicked(self) -> None:
        record = self.table.selected_record()
        if record is not None:
            self.edit_coupon(record)

    def _on_toggle_button_clicked(self) -> None:
        record = self.table.selected_record()
        if record is not None:
            self.toggle_coupon(record)
