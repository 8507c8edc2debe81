"""Box-office settings: the current values with what each does, and a dialog to change them
(validated and audited by ``services/admin/settings.py``; only the fields changed in the dialog
are written, so two administrators do not undo each other)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QCompleter,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from bms_desktop.gui.admin.area_base import AdminAreaWidget
from bms_desktop.gui.admin.record_dialog import RecordDialog, combo_select_data
from bms_desktop.gui.admin.record_table import Column, RecordTableWidget
from bms_desktop.gui.workers import TaskRunner
from bms_desktop.services.admin import settings
from bms_desktop.services.admin.common import timezone_names
from bms_desktop.services.admin.dto_pricing import Choice
from bms_desktop.services.admin.dto_settings import HomeCinema, SettingsInput, SettingsView
from bms_desktop.services.context import BoxOffice, CounterContext

ROLE_CHOICES = (
    ("CLERK", "Every clerk"),
    ("SUPERVISOR", "Supervisors and administrators"),
    ("ADMIN", "Administrators only"),
)


@dataclass(frozen=True)
class SettingLine:
    name: str
    value: str
    meaning: str


def _role_text(role: str) -> str:
    return dict(ROLE_CHOICES).get(role, role.title())


def setting_lines(view: SettingsView) -> list[SettingLine]:
    offset = view.sales_close_offset_minutes
    close = (
        "at the start"
        if offset == 0
        else f"{abs(offset)} min {'after' if offset > 0 else 'before'} the start"
    )
    lines = [
        SettingLine("Hold time", f"{view.hold_minutes} min", "how long seats stay held unpaid"),
        SettingLine(
            "Cancellation cutoff",
            f"{view.cancel_cutoff_minutes} min",
            "refunds stop this long before the show",
        ),
        SettingLine("Cancellation fee", f"{view.cancellation_fee:,.2f}", "kept from each refund"),
        SettingLine("Counter sales close", close, "when counters stop selling a show"),
        SettingLine(
            "Cleaning gap",
            f"{view.cleaning_gap_minutes} min",
            "between two shows on a screen",
        ),
        SettingLine(
            "Most cash tendered",
            f"{view.cash_tendered_limit:,.2f}",
            "larger cash amounts are refused at the counter",
        ),
        SettingLine(
            "Strategy and delay",
            _role_text(view.counter_setup_role),
            "who may change a counter's concurrency strategy and processing delay",
        ),
        SettingLine(
            "Box office time zone",
            view.box_office_timezone,
            "coupons' validity and the audit log's dates",
        ),
    ]
    lines += [
        SettingLine(f"Home cinema of {h.counter}", h.theater_name, "where its show finder starts")
        for h in view.home_cinemas
    ]
    return lines


class SettingsDialog(RecordDialog):
    """``record``: the SettingsView shown; ``save()`` returns the saved SettingsView."""

    title = "Box-office settings"
    edit_title = "Box-office settings"
    subtitle = "Changes apply to new holds, sales and shows; nothing already done changes."

    def __init__(
        self,
        box: BoxOffice,
        ctx: CounterContext,
        record: SettingsView | None = None,
        parent: QWidget | None = None,
        *,
        cinemas: Sequence[Choice] = (),
    ) -> None:
        self._cinemas = list(cinemas)
        super().__init__(box, ctx, record, parent)

    def build_form(self, body: QWidget) -> None:
        form = self.make_form(body)

        def spin(low: int, high: int, suffix: str, name: str) -> QSpinBox:
            box = QSpinBox(body)
            box.setObjectName(name)
            box.setRange(low, high)
            box.setSuffix(suffix)
            return box

        self.hold_spin = spin(-9999, 9999, " min", "holdSpin")
        self.cutoff_spin = spin(-99999, 99999, " min", "cutoffSpin")
        self.fee_edit = QLineEdit(body)
        self.fee_edit.setObjectName("feeEdit")
        self.close_spin = spin(-9999, 9999, " min", "closeSpin")
        self.close_spin.setToolTip("Minutes from the show's start: negative = before the start")
        self.gap_spin = spin(-9999, 9999, " min", "gapSpin")
        self.ceiling_edit = QLineEdit(body)
        self.ceiling_edit.setObjectName("ceilingEdit")
        self.setup_combo = QComboBox(body)
        self.setup_combo.setObjectName("setupRoleCombo")
        for value, text in ROLE_CHOICES:
            self.setup_combo.addItem(text, value)
        self.timezone_combo = QComboBox(body)
        self.timezone_combo.setObjectName("timezoneCombo")
        self.timezone_combo.setEditable(True)
        names = timezone_names()
        self.timezone_combo.addItems(names)
        completer = QCompleter(names, self.timezone_combo)
        self.timezone_combo.setCompleter(completer)
        homes = QWidget(body)
        homes_layout = QVBoxLayout(homes)
        homes_layout.setContentsMargins(0, 0, 0, 0)
        self.homes_table = QTableWidget(0, 2, homes)
        self.homes_table.setObjectName("homesTable")
        self.homes_table.setHorizontalHeaderLabels(["Counter", "Cinema"])
        self.homes_table.verticalHeader().setVisible(False)
        self.homes_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.homes_table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.homes_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.homes_table.setFixedHeight(120)
        homes_layout.addWidget(self.homes_table)
        buttons = QHBoxLayout()
        self.add_home_button = QPushButton("Add counter", homes)
        self.add_home_button.setObjectName("addHome")
        self.add_home_button.clicked.connect(self._on_add_home_button_clicked)
        self.remove_home_button = QPushButton("Remove", homes)
        self.remove_home_button.setObjectName("removeHome")
        self.remove_home_button.clicked.connect(self._on_remove_home_button_clicked)
        buttons.addWidget(self.add_home_button)
        buttons.addWidget(self.remove_home_button)
        buttons.addStretch(1)
        homes_layout.addLayout(buttons)
        self.add_row(form, "Hold time", self.hold_spin, field="hold_minutes")
        self.add_row(form, "Cancellation cutoff", self.cutoff_spin, field="cancel_cutoff_minutes")
        self.add_row(form, "Cancellation fee (₹)", self.fee_edit, field="cancellation_fee")
        self.add_row(
            form, "Sales close (from start)", self.close_spin, field="sales_close_offset_minutes"
        )
        self.add_row(form, "Cleaning gap", self.gap_spin, field="cleaning_gap_minutes")
        self.add_row(form, "Most cash tendered (₹)", self.ceiling_edit, field="cash_tendered_limit")
        self.add_row(
            form, "May change strategy/delay", self.setup_combo, field="counter_setup_role"
        )
        self.add_row(form, "Time zone", self.timezone_combo, field="box_office_timezone")
        self.add_row(form, "Home cinemas", homes, field="home_cinemas", focus=self.homes_table)
        self.setMinimumWidth(600)

    def load(self, record: SettingsView | None) -> None:
        if record is None:
            return
        self.hold_spin.setValue(record.hold_minutes)
        self.cutoff_spin.setValue(record.cancel_cutoff_minutes)
        self.fee_edit.setText(f"{record.cancellation_fee:.2f}")
        self.close_spin.setValue(record.sales_close_offset_minutes)
        self.gap_spin.setValue(record.cleaning_gap_minutes)
        self.ceiling_edit.setText(f"{record.cash_tendered_limit:.2f}")
        combo_select_data(self.setup_combo, record.counter_setup_role)
        self.timezone_combo.setCurrentText(record.box_office_timezone)
        self.homes_table.setRowCount(0)
        for home in record.home_cinemas:
            self.add_home(home.counter, home.theater_id)
        self.hold_spin.setFocus()

    def add_home(self, counter: str = "", theater_id: int | None = None) -> int:
        row = self.homes_table.rowCount()
        self.homes_table.insertRow(row)
        self.homes_table.setItem(row, 0, QTableWidgetItem(counter))
        combo = QComboBox(self.homes_table)
        for cinema in self._cinemas:
            combo.addItem(cinema.name, cinema.id)
        if theater_id is not None:
            combo_select_data(combo, theater_id)
        self.homes_table.setCellWidget(row, 1, combo)
        return row

    def homes(self) -> tuple[HomeCinema, ...]:
        out = []
        for row in range(self.homes_table.rowCount()):
            item = self.homes_table.item(row, 0)
            combo = self.homes_table.cellWidget(row, 1)
            theater = combo.currentData() if isinstance(combo, QComboBox) else None
            out.append(HomeCinema(item.text() if item is not None else "", theater))  # type: ignore[arg-type]
        return tuple(out)

    def input(self) -> SettingsInput:
        return SettingsInput(
            hold_minutes=self.hold_spin.value(),
            cancel_cutoff_minutes=self.cutoff_spin.value(),
            cancellation_fee=self.fee_edit.text(),
            sales_close_offset_minutes=self.close_spin.value(),
            cleaning_gap_minutes=self.gap_spin.value(),
            cash_tendered_limit=self.ceiling_edit.text(),
            counter_setup_role=str(self.setup_combo.currentData()),
            box_office_timezone=self.timezone_combo.currentText().strip(),
            home_cinemas=self.homes(),
        )

    def save(self) -> SettingsView:
        data = self.input()
        box, ctx, loaded = self.box, self.ctx, self.record
        return self.run_service(
            "Saving the settings…",
            lambda: settings.update_settings(box, ctx, data, loaded=loaded),
        )

    @Slot()
    def _on_add_home_button_clicked(self) -> None:
        row = self.add_home(f"Counter {self.homes_table.rowCount() + 1}")
        item = self.homes_table.item(row, 0)
        if item is not None:
            self.homes_table.editItem(item)

    @Slot()
    def _on_remove_home_button_clicked(self) -> None:
        row = self.homes_table.currentRow()
        if row >= 0:
            self.homes_table.removeRow(row)


class SettingsArea(AdminAreaWidget):
    area_title = "Box-office settings"
    area_key = "settings"
    area_hint = "Rules every counter of this box office follows. Change them with Edit…"

    def __init__(
        self, box: BoxOffice, ctx: CounterContext, runner: TaskRunner, parent: QWidget | None = None
    ) -> None:
        super().__init__(box, ctx, runner, parent)
        self._view: SettingsView | None = None
        self._cinemas: list[Choice] = []
        self.edit_button = self.add_action(
            "Edit…", self.edit_settings, role="primary", object_name="editSettings"
        )
        self.table = RecordTableWidget(
            [
                Column("Setting", lambda s: s.name, width=240),
                Column("Value", lambda s: s.value, width=260),
                Column("What it does", lambda s: s.meaning, stretch=True),
            ],
            key=lambda s: s.name,
            empty_text="Loading…",
            parent=self,
        )
        self.table.setObjectName("settingsTable")
        self.table.record_activated.connect(lambda _line: self.edit_settings())
        self.page_layout.addWidget(self.table, 1)

    def refresh(self) -> None:
        super().refresh()
        box, ctx = self.box, self.ctx

        def work() -> tuple[SettingsView, list[Choice]]:
            from bms_desktop.services.admin import pricing

            return settings.get_settings(box, ctx), list(pricing.pricing_data(box, ctx).cinemas)

        self.load(work, self._on_loaded, label="Loading settings")

    def _on_loaded(self, result: tuple[SettingsView, list[Choice]]) -> None:
        self._view, self._cinemas = result
        self.table.set_records(setting_lines(self._view))

    def edit_settings(self) -> SettingsView | None:
        if self._view is None or self.read_only:
            return None
        view: SettingsView | None = SettingsDialog.ask(
            self.box, self.ctx, self._view, self, cinemas=self._cinemas
        )
        if view is not None:
            self.saved("settings saved")
        return view
