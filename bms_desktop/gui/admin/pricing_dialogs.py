"""Dialogs of the Pricing area: a seat type, a pricing rule (with a live price matrix preview of
the rule being edited), and re-pricing the unsold seats of future shows."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QObject, QTime, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from bms_desktop.domain.errors import DomainError
from bms_desktop.domain.pricing import WEEKDAY_NAMES
from bms_desktop.gui.admin.price_matrix import PriceMatrixWidget
from bms_desktop.gui.admin.record_dialog import RecordDialog, combo_select_data
from bms_desktop.gui.admin.record_table import RIGHT, Column, RecordTableWidget
from bms_desktop.gui.dialogs.common import (
    DialogHeader,
    MessageLabel,
    footer_buttons,
    separator,
    styled_label,
)
from bms_desktop.gui.workers import TaskRunner
from bms_desktop.services.admin import pricing, repricing
from bms_desktop.services.admin.dto_pricing import (
    PricingData,
    PricingRuleInput,
    PricingRuleRow,
    RepriceGroup,
    RepricePlan,
    RepriceResult,
    SeatTypeInput,
    SeatTypeRow,
)
from bms_desktop.services.context import BoxOffice, CounterContext

KIND_TEXTS = (
    ("SEAT_TYPE", "Seat type (multiplier)"),
    ("DAY_OF_WEEK", "Day of week (multiplier)"),
    ("TIME_WINDOW", "Time of day (multiplier)"),
    ("THEATER_MOVIE", "Cinema / movie (replaces the base price)"),
)


class SeatTypeDialog(RecordDialog):
    title = "New seat type"
    edit_title = "Edit seat type"
    subtitle = (
        "Prices start from the seat type's base price. Seats already priced keep their price "
        "until you re-price the unsold seats."
    )

    def build_form(self, body: QWidget) -> None:
        form = self.make_form(body)
        self.code_edit = QLineEdit(body)
        self.code_edit.setObjectName("codeEdit")
        self.code_edit.setPlaceholderText("e.g. RECLINER")
        self.name_edit = QLineEdit(body)
        self.name_edit.setObjectName("nameEdit")
        self.price_edit = QLineEdit(body)
        self.price_edit.setObjectName("basePriceEdit")
        self.price_edit.setPlaceholderText("e.g. 250.00")
        self.rank_spin = QSpinBox(body)
        self.rank_spin.setRange(-1000, 1000)
        self.active_check = QCheckBox("Offered in the layout editor", body)
        self.add_row(form, "Code", self.code_edit, field="code")
        self.add_row(form, "Name", self.name_edit, field="name")
        self.add_row(form, "Base price (₹)", self.price_edit, field="base_price")
        self.add_row(form, "Order", self.rank_spin, field="rank")
        self.add_row(form, "Active", self.active_check, field="active")
        self.setMinimumWidth(480)

    def load(self, record: SeatTypeRow | None) -> None:
        self.code_edit.setText("" if record is None else record.code)
        self.code_edit.setReadOnly(record is not None)
        self.name_edit.setText("" if record is None else record.name)
        self.price_edit.setText("" if record is None else f"{record.base_price:.2f}")
        self.rank_spin.setValue(0 if record is None else record.rank)
        self.active_check.setChecked(True if record is None else record.active)
        (self.name_edit if record is not None else self.code_edit).setFocus()

    def save(self) -> SeatTypeRow:
        data = SeatTypeInput(
            code=self.code_edit.text(),
            name=self.name_edit.text(),
            base_price=self.price_edit.text(),
            rank=self.rank_spin.value(),
            active=self.active_check.isChecked(),
        )
        box, ctx, record = self.box, self.ctx, self.record
        if record is None:
            return self.run_service(
                "Adding the seat type…", lambda: pricing.create_seat_type(box, ctx, data)
            )
        return self.run_service(
            "Saving the seat type…", lambda: pricing.update_seat_type(box, ctx, record.code, data)
        )


class PricingRuleDialog(RecordDialog):
    """A rule's fields on the left; on the right the price matrix with this rule in place,
    recomputed on every change (cells it changes are underlined)."""

    title = "New pricing rule"
    edit_title = "Edit pricing rule"
    subtitle = (
        "Rules multiply the base price (seat type, day, time of day) or replace it (cinema / "
        "movie). Seats already priced keep their price until you re-price unsold seats."
    )

    def __init__(
        self,
        box: BoxOffice,
        ctx: CounterContext,
        record: PricingRuleRow | None = None,
        parent: QWidget | None = None,
        *,
        data: PricingData,
        theater_id: int | None = None,
        movie_id: int | None = None,
    ) -> None:
        self._data = data
        self._scope = (theater_id, movie_id)
        super().__init__(box, ctx, record, parent)

    def build_form(self, body: QWidget) -> None:
        outer = QHBoxLayout(body)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        left = QWidget(body)
        left.setObjectName("ruleForm")
        outer.addWidget(left, 0)
        form = self.make_form(left)
        self.name_edit = QLineEdit(left)
        self.name_edit.setObjectName("nameEdit")
        self.name_edit.setPlaceholderText("e.g. Weekend")
        self.kind_combo = QComboBox(left)
        self.kind_combo.setObjectName("kindCombo")
        for value, text in KIND_TEXTS:
            self.kind_combo.addItem(text, value)
        self.multiplier_edit = QLineEdit(left)
        self.multiplier_edit.setObjectName("multiplierEdit")
        self.multiplier_edit.setPlaceholderText("e.g. 1.2")
        self.base_price_edit = QLineEdit(left)
        self.base_price_edit.setObjectName("basePriceEdit")
        self.base_price_edit.setPlaceholderText("e.g. 250.00")
        self.seat_type_combo = QComboBox(left)
        self.seat_type_combo.setObjectName("seatTypeCombo")
        self.seat_type_combo.addItem("Any seat type", None)
        for st in self._data.seat_types:
            self.seat_type_combo.addItem(f"{st.name} ({st.code})", st.code)
        days = QWidget(left)
        days_grid = QGridLayout(days)
        days_grid.setContentsMargins(0, 0, 0, 0)
        days_grid.setHorizontalSpacing(10)
        days_grid.setVerticalSpacing(2)
        self.day_checks: list[QCheckBox] = []
        for i, name in enumerate(WEEKDAY_NAMES):
            check = QCheckBox(name, days)
            check.toggled.connect(self._on_field_changed)
            days_grid.addWidget(check, i // 4, i % 4)  # Mon-Thu, then Fri-Sun
            self.day_checks.append(check)
        self.days_widget = days
        times = QWidget(left)
        times_row = QHBoxLayout(times)
        times_row.setContentsMargins(0, 0, 0, 0)
        self.start_edit = QTimeEdit(times)
        self.start_edit.setObjectName("startEdit")
        self.start_edit.setDisplayFormat("HH:mm")
        self.end_edit = QTimeEdit(times)
        self.end_edit.setObjectName("endEdit")
        self.end_edit.setDisplayFormat("HH:mm")
        times_row.addWidget(self.start_edit)
        times_row.addWidget(QLabel("to", times))
        times_row.addWidget(self.end_edit)
        times_row.addStretch(1)
        self.times_widget = times
        self.cinema_combo = QComboBox(left)
        self.cinema_combo.setObjectName("cinemaCombo")
        self.cinema_combo.addItem("Every cinema", None)
        for c in self._data.cinemas:
            self.cinema_combo.addItem(c.name, c.id)
        self.movie_combo = QComboBox(left)
        self.movie_combo.setObjectName("movieCombo")
        self.movie_combo.addItem("Every movie", None)
        for m in self._data.movies:
            self.movie_combo.addItem(m.name, m.id)
        for combo in (self.cinema_combo, self.movie_combo, self.seat_type_combo):
            combo.setMinimumContentsLength(18)
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
        self.priority_spin = QSpinBox(left)
        self.priority_spin.setRange(-1000, 1000)
        self.priority_spin.setToolTip("When two cinema/movie rules match, the higher one wins")
        self.active_check = QCheckBox("Applies when shows are priced", left)
        self.add_row(form, "Name", self.name_edit, field="name")
        self.add_row(form, "Kind", self.kind_combo, field="kind")
        self.add_row(form, "Multiplier", self.multiplier_edit, field="multiplier")
        self.add_row(form, "Base price (₹)", self.base_price_edit, field="base_price")
        self.add_row(form, "Seat type", self.seat_type_combo, field="seat_type")
        self.add_row(form, "Days", days, field="days_mask")
        self.add_row(form, "Shows starting", times, field="start_time", aliases=("end_time",))
        self.add_row(form, "Cinema", self.cinema_combo, field="theater_id")
        self.add_row(form, "Movie", self.movie_combo, field="movie_id")
        self.add_row(form, "Priority", self.priority_spin, field="priority")
        self.add_row(form, "Active", self.active_check, field="active")
        self.form = form
        left.setFixedWidth(400)

        right = QWidget(body)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(8, 16, 20, 8)
        right_layout.setSpacing(6)
        right_layout.addWidget(styled_label("Preview: prices with this rule", "heading", right))
        self.preview_note = styled_label("", "muted", right)
        self.preview_note.setObjectName("previewNote")
        self.preview_note.setWordWrap(True)
        right_layout.addWidget(self.preview_note)
        self.preview = PriceMatrixWidget(right, compact=True)
        self.preview.setMinimumWidth(640)
        right_layout.addWidget(self.preview, 1)
        outer.addWidget(right, 1)

        for edit in (self.name_edit, self.multiplier_edit, self.base_price_edit):
            edit.textChanged.connect(self._on_field_changed)
        for combo in (self.kind_combo, self.seat_type_combo, self.cinema_combo, self.movie_combo):
            combo.currentIndexChanged.connect(self._on_field_changed)
        for edit_t in (self.start_edit, self.end_edit):
            edit_t.timeChanged.connect(self._on_field_changed)
        self.priority_spin.valueChanged.connect(self._on_field_changed)
        self.active_check.toggled.connect(self._on_field_changed)
        self.kind_combo.currentIndexChanged.connect(self._sync_kind)
        self.setMinimumSize(1100, 560)
        self.resize(1240, 600)

    def load(self, record: PricingRuleRow | None) -> None:
        self._loading = True
        try:
            self.name_edit.setText("" if record is None else record.name)
            combo_select_data(self.kind_combo, "DAY_OF_WEEK" if record is None else record.kind)
            mult = None if record is None else record.multiplier
            self.multiplier_edit.setText("" if mult is None else format(mult.normalize(), "f"))
            base = None if record is None else record.base_price
            self.base_price_edit.setText("" if base is None else f"{base:.2f}")
            combo_select_data(self.seat_type_combo, None if record is None else record.seat_type)
            mask = 0 if record is None else record.days_mask
            for i, check in enumerate(self.day_checks):
                check.setChecked(bool(mask & (1 << i)))
            start = (
                dt.time(18, 0) if record is None or record.start_time is None else record.start_time
            )
            end = dt.time(22, 0) if record is None or record.end_time is None else record.end_time
            self.start_edit.setTime(QTime(start.hour, start.minute))
            self.end_edit.setTime(QTime(end.hour, end.minute))
            combo_select_data(self.cinema_combo, None if record is None else record.theater_id)
            combo_select_data(self.movie_combo, None if record is None else record.movie_id)
            self.priority_spin.setValue(0 if record is None else record.priority)
            self.active_check.setChecked(True if record is None else record.active)
        finally:
            self._loading = False
        self.preview.set_data(self._data)
        tid = self._scope[0] if record is None or record.theater_id is None else record.theater_id
        mid = self._scope[1] if record is None or record.movie_id is None else record.movie_id
        self.preview.select(tid, mid)
        self._sync_kind()
        self.name_edit.setFocus()

    def input(self) -> PricingRuleInput:
        mask = sum(1 << i for i, check in enumerate(self.day_checks) if check.isChecked())
        start, end = self.start_edit.time(), self.end_edit.time()
        return PricingRuleInput(
            name=self.name_edit.text(),
            kind=str(self.kind_combo.currentData()),
            multiplier=self.multiplier_edit.text(),
            base_price=self.base_price_edit.text(),
            seat_type=self.seat_type_combo.currentData(),
            days_mask=mask,
            start_time=dt.time(start.hour(), start.minute()),
            end_time=dt.time(end.hour(), end.minute()),
            theater_id=self.cinema_combo.currentData(),
            movie_id=self.movie_combo.currentData(),
            priority=self.priority_spin.value(),
            active=self.active_check.isChecked(),
        )

    def save(self) -> PricingRuleRow:
        data = self.input()
        box, ctx, record = self.box, self.ctx, self.record
        if record is None:
            return self.run_service(
                "Adding the rule…", lambda: pricing.create_pricing_rule(box, ctx, data)
            )
        return self.run_service(
            "Saving the rule…", lambda: pricing.update_pricing_rule(box, ctx, record.rule_id, data)
        )

    # ------------------------------------------------------------------ live preview

    @Slot()
    def _sync_kind(self) -> None:
        kind = self.kind_combo.currentData()
        multiplier = kind != "THEATER_MOVIE"
        shown = {
            self.multiplier_edit: multiplier,
            self.base_price_edit: not multiplier,
            self.days_widget: kind == "DAY_OF_WEEK",
            self.times_widget: kind == "TIME_WINDOW",
        }
        for widget, visible in shown.items():
            self.form.setRowVisible(widget, visible)
        self._refresh_preview()

    @Slot()
    def _on_field_changed(self) -> None:
        if not getattr(self, "_loading", False):
            self._refresh_preview()

    def _refresh_preview(self) -> None:
        rule_id = self.record.rule_id if self.record is not None else None
        try:
            draft = pricing.draft_rule(self._data, self.input(), rule_id)
        except DomainError as exc:
            self.preview_note.setText(f"Shown without this rule for now: {exc.message}")
            self.preview.set_rules(None)
            return
        self.preview_note.setText("Saving changes no seat already priced.")
        self.preview.set_rules(pricing.rules_with(self._data.rules, draft))

    @classmethod
    def ask_rule(
        cls,
        box: BoxOffice,
        ctx: CounterContext,
        record: PricingRuleRow | None,
        parent: QWidget | None,
        *,
        data: PricingData,
        theater_id: int | None = None,
        movie_id: int | None = None,
    ) -> PricingRuleRow | None:
        result: PricingRuleRow | None = cls.ask(
            box, ctx, record, parent, data=data, theater_id=theater_id, movie_id=movie_id
        )
        return result


# --------------------------------------------------------------------------- re-pricing


class _ProgressRelay(QObject):
    progressed = Signal(int, int)


def _group_when(group: RepriceGroup) -> str:
    local = group.local_starts_at
    return f"{local:%a} {local.day} {local:%b} {local:%H:%M}"


class RepriceDialog(QDialog):
    """Preview what re-pricing changes, then do it off the GUI thread with progress (and a way
    to stop after the current batch). ``ask()`` returns the RepriceResult or None."""

    def __init__(
        self,
        box: BoxOffice,
        ctx: CounterContext,
        runner: TaskRunner,
        parent: QWidget | None = None,
        *,
        cinemas: Sequence[tuple[int, str]] = (),
    ) -> None:
        super().__init__(parent)
        self.box, self.ctx, self.runner = box, ctx, runner
        self.plan: RepricePlan | None = None
        self.result_value: RepriceResult | None = None
        self._stop = threading.Event()  # read by the worker: never capture the dialog there
        self._running = False
        self.setObjectName("repriceDialog")
        self.setWindowTitle("Re-price unsold seats")
        self.setModal(True)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        outer.addWidget(
            DialogHeader(
                "Re-price unsold seats",
                "Gives the unsold seats of future shows the prices the rules give now. Seats "
                "sold or held keep the price the customer was quoted.",
                self,
            )
        )
        body = QVBoxLayout()
        body.setContentsMargins(20, 12, 20, 8)
        body.setSpacing(8)
        row = QHBoxLayout()
        row.addWidget(QLabel("Shows of", self))
        self.scope_combo = QComboBox(self)
        self.scope_combo.setObjectName("scopeCombo")
        self.scope_combo.addItem("every cinema", None)
        for theater_id, name in cinemas:
            self.scope_combo.addItem(name, theater_id)
        row.addWidget(self.scope_combo, 1)
        body.addLayout(row)
        self.summary = styled_label("Working out what would change…", None, self)
        self.summary.setObjectName("repriceSummary")
        self.summary.setWordWrap(True)
        body.addWidget(self.summary)
        self.table = RecordTableWidget(
            [
                Column("Show", lambda g: g.movie_title, stretch=True),
                Column("Cinema", lambda g: f"{g.theater_name} · {g.screen_name}"),
                Column("Starts", _group_when, sort_key=lambda g: g.starts_at),
                Column("Seat type", lambda g: g.seat_type),
                Column("Now", lambda g: ", ".join(f"{p:,.2f}" for p in g.old_prices), align=RIGHT),
                Column("New", lambda g: f"{g.new_price:,.2f}", align=RIGHT),
                Column("Seats", lambda g: g.seats, align=RIGHT),
            ],
            key=lambda g: (g.show_id, g.seat_type),
            empty_text="Nothing to re-price.",
            parent=self,
        )
        self.table.setObjectName("repriceTable")
        body.addWidget(self.table, 1)
        self.progress = QProgressBar(self)
        self.progress.setObjectName("repriceProgress")
        self.progress.setFormat("%v of %m shows")
        self.progress.hide()
        body.addWidget(self.progress)
        self.message = MessageLabel(self)
        body.addWidget(self.message)
        outer.addLayout(body, 1)
        outer.addWidget(separator(self))
        buttons, self.cancel_button, self.run_button = footer_buttons(
            self, "Re-price", "runButton", self._on_run_button_clicked
        )
        self.stop_button = QPushButton("Stop after this batch", self)
        self.stop_button.setObjectName("stopButton")
        self.stop_button.clicked.connect(self._on_stop_button_clicked)
        self.stop_button.hide()
        buttons.insertWidget(1, self.stop_button)
        outer.addLayout(buttons)
        self.run_button.setEnabled(False)
        self._relay = _ProgressRelay(self)
        self._relay.progressed.connect(self._on_relay_progressed)
        self.scope_combo.currentIndexChanged.connect(self.preview)
        self.resize(900, 560)
        self.preview()

    # ------------------------------------------------------------------ preview

    @Slot()
    def preview(self) -> None:
        self.run_button.setEnabled(False)
        self.summary.setText("Working out what would change…")
        box, ctx = self.box, self.ctx
        theater_id: Any = self.scope_combo.currentData()
        self.runner.submit(
            lambda: repricing.plan_reprice(box, ctx, theater_id=theater_id),
            on_done=self._on_planned,
            on_error=self._on_failed,
            label="Working out the new prices",
        )

    def _on_planned(self, plan: RepricePlan) -> None:
        self.plan = plan
        self.summary.setText(plan.describe())
        self.table.set_records(list(plan.groups))
        self.run_button.setText(f"Re-price {plan.seats} seat(s)" if plan.seats else "Re-price")
        self.run_button.setEnabled(plan.seats > 0)

    def _on_failed(self, exc: BaseException) -> None:
        self._running = False
        self.stop_button.hide()
        self.cancel_button.setEnabled(True)
        self.scope_combo.setEnabled(True)
        if isinstance(exc, DomainError):
            self.message.show_error(exc.message)
        else:
            self.message.show_error(
                "something went wrong while talking to the database; the details are in the log"
            )

    # ------------------------------------------------------------------ running

    def start(self) -> bool:
        """Start re-pricing the previewed seats (what the button does). False: nothing to do."""
        plan = self.plan
        if plan is None or not plan.seats or self._running:
            return False
        self._running = True
        self._stop.clear()
        self.message.clear_message()
        self.run_button.setEnabled(False)
        self.cancel_button.setEnabled(False)
        self.scope_combo.setEnabled(False)
        self.stop_button.show()
        self.progress.setRange(0, plan.shows)
        self.progress.setValue(0)
        self.progress.show()
        # The work must not hold the dialog: if it dropped the last reference, the dialog would
        # be deleted on the worker thread.
        box, ctx, emit, stop = self.box, self.ctx, self._relay.progressed.emit, self._stop
        self.runner.submit(
            lambda: repricing.apply_reprice(box, ctx, plan, progress=emit, should_stop=stop.is_set),
            on_done=self._on_applied,
            on_error=self._on_failed,
            label="Re-pricing unsold seats",
            activity=ctx.counter,
        )
        return True

    def _on_applied(self, result: RepriceResult) -> None:
        self._running = False
        self.result_value = result
        self.stop_button.hide()
        self.cancel_button.setEnabled(True)
        self.cancel_button.setText("Close")
        skipped = (
            f" {result.skipped} seat(s) were sold or held meanwhile and kept their price."
            if result.skipped
            else ""
        )
        stopped = "" if result.finished else " Stopped on request: run it again to finish."
        self.message.show_success(
            f"{result.seats} seat(s) of {result.shows} show(s) re-priced.{skipped}{stopped}"
        )

    @Slot()
    def _on_run_button_clicked(self) -> None:
        self.start()

    @Slot()
    def _on_stop_button_clicked(self) -> None:
        self._stop.set()
        self.stop_button.setEnabled(False)
        self.stop_button.setText("Stopping…")

    @Slot(int, int)
    def _on_relay_progressed(self, done: int, total: int) -> None:
        self.progress.setRange(0, total)
        self.progress.setValue(done)

    def reject(self) -> None:
        if self._running:
            return  # the work finishes its batch first; Stop is the way out
        super().reject()

    def is_running(self) -> bool:
        return self._running

    @classmethod
    def ask(
        cls,
        box: BoxOffice,
        ctx: CounterContext,
        runner: TaskRunner,
        parent: QWidget | None = None,
        *,
        cinemas: Sequence[tuple[int, str]] = (),
    ) -> RepriceResult | None:
        dialog = cls(box, ctx, runner, parent, cinemas=cinemas)
        try:
            dialog.exec()
            return dialog.result_value
        finally:
            dialog.deleteLater()


__all__ = ["PricingRuleDialog", "RepriceDialog", "SeatTypeDialog"]
