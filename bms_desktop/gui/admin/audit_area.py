"""The audit log viewer: filter by staff, counter, kind, record and dates (the box office's local
dates), newest first, a page at a time ("Older entries"), the selected entry's before/after
values in full, and an export of every match to CSV. Read-only; supervisors may look too."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, Qt, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSplitter,
    QWidget,
)

from bms_desktop.domain.errors import DomainError
from bms_desktop.domain.model import Role
from bms_desktop.gui.admin.area_base import AdminAreaWidget
from bms_desktop.gui.admin.record_table import Column, RecordTableWidget
from bms_desktop.gui.dialogs.common import run_in_background, styled_button, styled_label
from bms_desktop.gui.workers import TaskRunner
from bms_desktop.services.admin import audit_log
from bms_desktop.services.admin.dto_audit import AuditEntry, AuditFacets, AuditFilter, AuditPage
from bms_desktop.services.context import BoxOffice, CounterContext

PAGE = 200


def _combo(parent: QWidget, name: str) -> QComboBox:
    combo = QComboBox(parent)
    combo.setObjectName(name)
    combo.setEditable(True)
    combo.setMinimumContentsLength(10)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    return combo


class _DateFilter(QWidget):
    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.check = QCheckBox(text, self)
        self.edit = QDateEdit(self)
        self.edit.setCalendarPopup(True)
        self.edit.setDisplayFormat("d MMM yyyy")
        self.edit.setMinimumWidth(118)
        self.edit.setDate(QDate.currentDate())
        self.edit.setEnabled(False)
        self.check.toggled.connect(self.edit.setEnabled)
        row.addWidget(self.check)
        row.addWidget(self.edit)

    def value(self) -> date | None:
        if not self.check.isChecked():
            return None
        d = self.edit.date()
        return date(d.year(), d.month(), d.day())

    def set_value(self, value: date | None) -> None:
        self.check.setChecked(value is not None)
        if value is not None:
            self.edit.setDate(QDate(value.year, value.month, value.day))


def describe_entry(entry: AuditEntry, timezone: str) -> str:
    """The full text of one entry for the details pane."""
    local = entry.local_at(timezone)
    lines = [
        f"{local:%a %d %b %Y %H:%M:%S} ({timezone})",
        f"{entry.action} by {entry.username or 'nobody'} at {entry.counter or 'no counter'}",
    ]
    if entry.entity:
        lines.append(f"Record: {entry.entity} {entry.entity_id}")
    if entry.show_id is not None:
        lines.append(f"Show: {entry.show_id}")
    if entry.changes:
        lines.append("")
        lines.append("Changed:")
        lines += [f"  {c.describe()}" for c in entry.changes]
    if entry.other:
        lines.append("")
        lines += [f"{k}: {v}" for k, v in entry.other]
    return "\n".join(lines)


class AuditLogArea(AdminAreaWidget):
    area_title = "Audit log"
    area_key = "audit"
    area_hint = (
        "Every sale, refund, sign-in and configuration change, newest first, with the values "
        "before and after. Nothing here can be changed."
    )
    minimum_role = Role.SUPERVISOR

    def __init__(
        self, box: BoxOffice, ctx: CounterContext, runner: TaskRunner, parent: QWidget | None = None
    ) -> None:
        super().__init__(box, ctx, runner, parent)
        self._timezone = "Asia/Kolkata"
        self._next: int | None = None
        self._filter = AuditFilter()
        self.export_button = self.add_action(
            "Export CSV…", self.export_csv, object_name="exportCsv", needs_admin=False
        )

        filters = QGridLayout()
        filters.setHorizontalSpacing(8)
        self.staff_combo = _combo(self, "staffFilter")
        self.counter_combo = _combo(self, "counterFilter")
        self.kind_combo = _combo(self, "kindFilter")
        self.entity_combo = _combo(self, "entityFilter")
        self.record_edit = QLineEdit(self)
        self.record_edit.setObjectName("recordFilter")
        self.record_edit.setPlaceholderText("record id")
        self.from_filter = _DateFilter("From", self)
        self.to_filter = _DateFilter("To", self)
        self.search_button = styled_button("Search", "primary", self)
        self.search_button.setObjectName("searchButton")
        self.search_button.clicked.connect(self._on_search_button_clicked)
        self.clear_button = styled_button("Clear", None, self)
        self.clear_button.clicked.connect(self._on_clear_button_clicked)
        for col, (text, widget) in enumerate(
            (
                ("Staff", self.staff_combo),
                ("Counter", self.counter_combo),
                ("Kind", self.kind_combo),
                ("Record", self.entity_combo),
            )
        ):
            filters.addWidget(QLabel(text, self), 0, col)
            filters.addWidget(widget, 1, col)
        filters.addWidget(QLabel("Record id", self), 0, 4)
        filters.addWidget(self.record_edit, 1, 4)
        filters.addWidget(self.from_filter, 1, 5)
        filters.addWidget(self.to_filter, 1, 6)
        filters.addWidget(self.search_button, 1, 7)
        filters.addWidget(self.clear_button, 1, 8)
        self.page_layout.addLayout(filters)

        splitter = QSplitter(self)
        splitter.setChildrenCollapsible(False)
        self.table = RecordTableWidget(
            [
                Column(
                    "When",
                    lambda e: f"{e.local_at(self._timezone):%d %b %y %H:%M:%S}",
                    sort_key=lambda e: e.event_id,
                    width=160,
                ),
                Column("Staff", lambda e: e.username, width=100),
                Column("Counter", lambda e: e.counter, width=110),
                Column("Kind", lambda e: e.action, width=170),
                Column("Record", lambda e: f"{e.entity} {e.entity_id}".strip(), width=130),
                Column("What changed", lambda e: e.summary, stretch=True),
            ],
            key=lambda e: e.event_id,
            empty_text="Nothing matches.",
            parent=splitter,
        )
        self.table.setObjectName("auditTable")
        self.table.view.sortByColumn(0, Qt.SortOrder.DescendingOrder)  # newest first
        self.table.selection_changed.connect(self._on_table_selection_changed)
        self.details = QPlainTextEdit(splitter)
        self.details.setObjectName("auditDetails")
        self.details.setReadOnly(True)
        self.details.setPlaceholderText("Choose an entry to see it in full.")
        splitter.addWidget(self.table)
        splitter.addWidget(self.details)
        splitter.setSizes([760, 280])
        self.page_layout.addWidget(splitter, 1)
        bottom = QHBoxLayout()
        self.count_label = styled_label("", "small", self)
        self.count_label.setObjectName("auditCount")
        bottom.addWidget(self.count_label, 1)
        self.more_button = styled_button("Older entries", None, self)
        self.more_button.setObjectName("olderButton")
        self.more_button.clicked.connect(self._on_more_button_clicked)
        self.more_button.setEnabled(False)
        bottom.addWidget(self.more_button)
        self.page_layout.addLayout(bottom)

    # ------------------------------------------------------------------ loading

    def current_filter(self) -> AuditFilter:
        return AuditFilter(
            username=self.staff_combo.currentText().strip(),
            counter=self.counter_combo.currentText().strip(),
            action=self.kind_combo.currentText().strip(),
            entity=self.entity_combo.currentText().strip(),
            entity_id=self.record_edit.text().strip(),
            date_from=self.from_filter.value(),
            date_to=self.to_filter.value(),
        )

    def refresh(self) -> None:
        super().refresh()
        box, ctx = self.box, self.ctx
        self.load(lambda: audit_log.audit_facets(box, ctx), self._on_facets, label="Audit log")
        self.search()

    def _on_facets(self, facets: AuditFacets) -> None:
        for combo, values in (
            (self.staff_combo, facets.usernames),
            (self.counter_combo, facets.counters),
            (self.kind_combo, facets.actions),
            (self.entity_combo, facets.entities),
        ):
            text = combo.currentText()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem("")
            combo.addItems(list(values))
            combo.setCurrentText(text)
            combo.blockSignals(False)

    def search(self) -> None:
        self._filter = self.current_filter()
        box, ctx, flt = self.box, self.ctx, self._filter
        self.message.clear_message()
        self.load(
            lambda: audit_log.audit_log(box, ctx, flt, limit=PAGE),
            lambda page: self._show(page, append=False),
            label="Searching the audit log",
        )

    def older(self) -> None:
        if self._next is None:
            return
        box, ctx, flt, before = self.box, self.ctx, self._filter, self._next
        self.load(
            lambda: audit_log.audit_log(box, ctx, flt, before_id=before, limit=PAGE),
            lambda page: self._show(page, append=True),
            label="Older audit entries",
        )

    def _show(self, page: AuditPage, *, append: bool) -> None:
        self._timezone = page.timezone
        records = [*self.table.records(), *page.entries] if append else list(page.entries)
        self.table.set_records(records)
        self._next = page.next_before_id
        self.more_button.setEnabled(self._next is not None)
        more = " (more: Older entries)" if self._next is not None else ""
        self.count_label.setText(
            f"{len(records)} entr{'y' if len(records) == 1 else 'ies'} shown, times in "
            f"{page.timezone}{more}"
        )

    def export_csv(self) -> int | None:
        path = self.ask_export_path()
        if path is None:
            return None
        box, ctx, flt = self.box, self.ctx, self.current_filter()

        def work() -> int:
            with path.open("w", newline="", encoding="utf-8") as out:
                return audit_log.export_audit_csv(box, ctx, flt, out)

        try:
            n = run_in_background(self, "Exporting the audit log…", work)
        except DomainError as exc:
            self.message.show_error(exc.message)
            return None
        except OSError as exc:
            self.message.show_error(f"could not write {path}: {exc.strerror or exc}")
            return None
        self.message.show_success(f"{n} entries written to {path}")
        return n

    def ask_export_path(self) -> Path | None:
        """Where to write the CSV (tests replace this)."""
        name, _ = QFileDialog.getSaveFileName(
            self, "Export the audit log", "audit-log.csv", "CSV files (*.csv)"
        )
        return Path(name) if name else None

    # ------------------------------------------------------------------ slots

    @Slot()
    def _on_search_button_clicked(self) -> None:
        self.search()

    @Slot()
    def _on_clear_button_clicked(self) -> None:
        for combo in (self.staff_combo, self.counter_combo, self.kind_combo, self.entity_combo):
            combo.setCurrentText("")
        self.record_edit.clear()
        self.from_filter.set_value(None)
        self.to_filter.set_value(None)
        self.search()

    @Slot()
    def _on_more_button_clicked(self) -> None:
        self.older()

    @Slot()
    def _on_table_selection_changed(self) -> None:
        entry = self.table.selected_record()
        self.details.setPlainText("" if entry is None else describe_entry(entry, self._timezone))
