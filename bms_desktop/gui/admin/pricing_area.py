"""Pricing: seat types and their base prices, the pricing rules, and the price matrix of a
chosen cinema and movie; re-pricing the unsold seats of future shows is its own explicit
action (it says how many seats and shows it changes first)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import QHBoxLayout, QSplitter, QVBoxLayout, QWidget

from bms_desktop.domain.errors import DomainError
from bms_desktop.gui.admin.area_base import AdminAreaWidget
from bms_desktop.gui.admin.price_matrix import PriceMatrixWidget
from bms_desktop.gui.admin.pricing_dialogs import PricingRuleDialog, RepriceDialog, SeatTypeDialog
from bms_desktop.gui.admin.record_table import RIGHT, Column, RecordTableWidget
from bms_desktop.gui.dialogs.common import run_in_background, styled_button, styled_label
from bms_desktop.gui.workers import TaskRunner
from bms_desktop.services.admin import pricing
from bms_desktop.services.admin.dto_pricing import (
    PricingData,
    PricingRuleRow,
    RepriceResult,
    SeatTypeRow,
)
from bms_desktop.services.context import BoxOffice, CounterContext

KIND_NAMES = {
    "SEAT_TYPE": "Seat type",
    "DAY_OF_WEEK": "Day of week",
    "TIME_WINDOW": "Time of day",
    "THEATER_MOVIE": "Cinema / movie",
}


def _status(active: bool) -> str:
    return "Active" if active else "Inactive"


class PricingArea(AdminAreaWidget):
    area_title = "Pricing"
    area_key = "pricing"
    area_hint = (
        "A seat's price starts from its seat type's base price; rules multiply it (seat type, "
        "day, time of day) or replace it for a cinema or movie. Shows keep the prices they were "
        "given until you re-price their unsold seats."
    )

    def __init__(
        self, box: BoxOffice, ctx: CounterContext, runner: TaskRunner, parent: QWidget | None = None
    ) -> None:
        super().__init__(box, ctx, runner, parent)
        self._data: PricingData | None = None
        self.new_type_button = self.add_action(
            "New seat type…", self.new_seat_type, object_name="newSeatType"
        )
        self.new_rule_button = self.add_action(
            "New rule…", self.new_rule, role="primary", object_name="newRule"
        )
        self.reprice_button = self.add_action(
            "Re-price unsold seats…",
            self.reprice,
            object_name="repriceButton",
            tooltip="Give the unsold seats of future shows the prices the rules give now",
        )

        vertical = QSplitter(Qt.Orientation.Vertical, self)
        vertical.setChildrenCollapsible(False)
        top = QSplitter(Qt.Orientation.Horizontal, vertical)
        top.setChildrenCollapsible(False)

        left = QWidget(top)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 6, 0)
        head = QHBoxLayout()
        head.addWidget(styled_label("Seat types", "heading", left))
        head.addStretch(1)
        self.edit_type_button = styled_button("Edit…", None, left)
        self.edit_type_button.clicked.connect(self._on_edit_type_button_clicked)
        self.edit_type_button.setVisible(not self.read_only)
        head.addWidget(self.edit_type_button)
        left_layout.addLayout(head)
        self.types_table = RecordTableWidget(
            [
                Column("Code", lambda t: t.code, width=96),
                Column("Name", lambda t: t.name, stretch=True),
                Column(
                    "Base price",
                    lambda t: f"{t.base_price:,.2f}",
                    align=RIGHT,
                    sort_key=lambda t: t.base_price,
                    width=92,
                ),
                Column(
                    "Seats",
                    lambda t: t.seat_count,
                    align=RIGHT,
                    width=56,
                    tooltip=lambda t: f"{t.seat_count} seats of screen layouts use it",
                ),
                Column("Status", lambda t: _status(t.active), width=70),
            ],
            key=lambda t: t.code,
            empty_text="No seat types yet: New seat type…",
            parent=left,
        )
        self.types_table.setObjectName("seatTypesTable")
        self.types_table.record_activated.connect(self._on_types_table_record_activated)
        self.types_table.selection_changed.connect(self._update_buttons)
        left_layout.addWidget(self.types_table, 1)

        right = QWidget(top)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(6, 0, 0, 0)
        head = QHBoxLayout()
        head.addWidget(styled_label("Rules", "heading", right))
        head.addStretch(1)
        self.edit_rule_button = styled_button("Edit…", None, right)
        self.edit_rule_button.clicked.connect(self._on_edit_rule_button_clicked)
        self.toggle_rule_button = styled_button("Deactivate", None, right)
        self.toggle_rule_button.clicked.connect(self._on_toggle_rule_button_clicked)
        for b in (self.edit_rule_button, self.toggle_rule_button):
            b.setVisible(not self.read_only)
            head.addWidget(b)
        right_layout.addLayout(head)
        self.rules_table = RecordTableWidget(
            [
                Column("Name", lambda r: r.name, width=150),
                Column("Kind", lambda r: KIND_NAMES.get(r.kind, r.kind), width=100),
                Column(
                    "What it does", lambda r: r.summary, stretch=True, tooltip=lambda r: r.summary
                ),
                Column("Status", lambda r: _status(r.active), width=70),
            ],
            key=lambda r: r.rule_id,
            empty_text="No rules: every seat costs its seat type's base price. New rule…",
            parent=right,
        )
        self.rules_table.setObjectName("rulesTable")
        self.rules_table.record_activated.connect(self._on_rules_table_record_activated)
        self.rules_table.selection_changed.connect(self._update_buttons)
        right_layout.addWidget(self.rules_table, 1)
        top.addWidget(left)
        top.addWidget(right)
        top.setSizes([430, 600])

        self.matrix = PriceMatrixWidget(vertical)
        vertical.addWidget(top)
        vertical.addWidget(self.matrix)
        vertical.setSizes([200, 380])
        self.page_layout.addWidget(vertical, 1)
        self._update_buttons()

    # ------------------------------------------------------------------ loading

    def refresh(self) -> None:
        super().refresh()
        self._data = None  # the dialogs read it again if they open before the reload ends
        box, ctx = self.box, self.ctx
        self.load(
            lambda: (
                pricing.list_seat_types(box, ctx),
                pricing.list_pricing_rules(box, ctx),
                pricing.pricing_data(box, ctx),
            ),
            self._on_loaded,
            label="Loading prices",
        )

    def _on_loaded(
        self, result: tuple[list[SeatTypeRow], list[PricingRuleRow], PricingData]
    ) -> None:
        types, rules, data = result
        self._data = data
        self.types_table.set_records(types)
        self.rules_table.set_records(rules)
        self.matrix.set_data(data)
        self._update_buttons()

    # ------------------------------------------------------------------ actions

    def new_seat_type(self) -> SeatTypeRow | None:
        row: SeatTypeRow | None = SeatTypeDialog.ask(self.box, self.ctx, None, self)
        if row is not None:
            self.saved(f"seat type {row.code} added")
        return row

    def edit_seat_type(self, seat_type: SeatTypeRow) -> SeatTypeRow | None:
        row: SeatTypeRow | None = SeatTypeDialog.ask(self.box, self.ctx, seat_type, self)
        if row is not None:
            self.saved(
                f"seat type {row.code} saved; re-price unsold seats to apply a new base price"
            )
        return row

    def _pricing_data(self) -> PricingData | None:
        if self._data is None:
            try:
                box, ctx = self.box, self.ctx
                self._data = run_in_background(
                    self, "Loading prices…", lambda: pricing.pricing_data(box, ctx)
                )
            except DomainError as exc:
                self.message.show_error(exc.message)
                return None
        return self._data

    def new_rule(self) -> PricingRuleRow | None:
        data = self._pricing_data()
        if data is None:
            return None
        row = PricingRuleDialog.ask_rule(
            self.box,
            self.ctx,
            None,
            self,
            data=data,
            theater_id=self.matrix.theater_id(),
            movie_id=self.matrix.movie_id(),
        )
        if row is not None:
            self.saved(f"rule {row.name} added; future shows keep their prices until re-priced")
        return row

    def edit_rule(self, rule: PricingRuleRow) -> PricingRuleRow | None:
        data = self._pricing_data()
        if data is None:
            return None
        row = PricingRuleDialog.ask_rule(
            self.box,
            self.ctx,
            rule,
            self,
            data=data,
            theater_id=self.matrix.theater_id(),
            movie_id=self.matrix.movie_id(),
        )
        if row is not None:
            self.saved(f"rule {row.name} saved; future shows keep their prices until re-priced")
        return row

    def toggle_rule(self, rule: PricingRuleRow) -> PricingRuleRow | None:
        box, ctx = self.box, self.ctx
        try:
            row: PricingRuleRow = run_in_background(
                self,
                "Saving…",
                lambda: pricing.set_pricing_rule_active(box, ctx, rule.rule_id, not rule.active),
            )
        except DomainError as exc:
            self.message.show_error(exc.message)
            return None
        self.saved(f"rule {row.name} {'reactivated' if row.active else 'deactivated'}")
        return row

    def reprice(self) -> RepriceResult | None:
        cinemas = [(c.id, c.name) for c in (self._data.cinemas if self._data else ())]
        result = RepriceDialog.ask(self.box, self.ctx, self.runner, self, cinemas=cinemas)
        if result is not None and result.seats:
            self.saved(f"{result.seats} unsold seat(s) of {result.shows} show(s) re-priced")
        return result

    @Slot()
    def _update_buttons(self) -> None:
        seat_type = self.types_table.selected_record()
        rule = self.rules_table.selected_record()
        self.edit_type_button.setEnabled(seat_type is not None)
        self.edit_rule_button.setEnabled(rule is not None)
        self.toggle_rule_button.setEnabled(rule is not None)
        self.toggle_rule_button.setText(
            "Reactivate" if rule is not None and not rule.active else "Deactivate"
        )

    @Slot(object)
    def _on_types_table_record_activated(self, seat_type: SeatTypeRow) -> None:
        if not self.read_only:
            self.edit_seat_type(seat_type)

    @Slot(object)
    def _on_rules_table_record_activated(self, rule: PricingRuleRow) -> None:
        if not self.read_only:
            self.edit_rule(rule)

    @Slot()
    def _on_edit_type_button_clicked(self) -> None:
        seat_type = self.types_table.selected_record()
        if seat_type is not None:
            self.edit_seat_type(seat_type)

    @Slot()
    def _on_edit_rule_button_clicked(self) -> None:
        rule = self.rules_table.selected_record()
        if rule is not None:
            self.edit_rule(rule)

    @Slot()
    def _on_toggle_rule_button_clicked(self) -> None:
        rule = self.rules_table.selected_record()
        if rule is not None:
            self.toggle_rule(rule)
