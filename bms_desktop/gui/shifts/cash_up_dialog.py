"""Counting and closing a shift: the drawer counted note by note (or as a total), what it
should hold beside it, the difference highlighted, and a supervisor's sign-off.

The expected cash shown is the drawer summary the dialog was opened with; the service sums it
again from the rows when it closes the shift (nothing can be sold into it meanwhile) and that
figure is the one stored and returned.
"""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from bms_desktop.domain import cash, cinema_time
from bms_desktop.domain.errors import DomainError, ValidationError
from bms_desktop.gui.dialogs.common import (
    DialogHeader,
    MessageLabel,
    footer_buttons,
    run_in_background,
    separator,
    styled_label,
)
from bms_desktop.gui.formatting import money
from bms_desktop.gui.theme import set_style_property
from bms_desktop.services import shifts
from bms_desktop.services.context import BoxOffice, CounterContext
from bms_desktop.services.shifts import CloseResult, DrawerSummary, SupervisorSignOff

DIALOG_WIDTH = 920


def difference_tone(diff: Decimal | None) -> str:
    """The pill's tone: balanced ok, a few rupees out warn, more bad."""
    if diff is None:
        return "neutral"
    if diff == 0:
        return "ok"
    return "warn" if abs(diff) <= Decimal("50") else "bad"


class CashUpDialog(QDialog):
    """``ask()`` returns the CloseResult, or None when the shift stays open."""

    def __init__(
        self,
        box: BoxOffice,
        ctx: CounterContext,
        summary: DrawerSummary,
        *,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._box = box
        self._ctx = ctx
        self._summary = summary
        self.result_: CloseResult | None = None
        self.spins: dict[str, QSpinBox] = {}
        self.line_amounts: dict[str, QLabel] = {}
        self.setObjectName("cashUpDialog")
        self.setWindowTitle("Count and close the shift")
        self.setModal(True)
        self._build()
        self.load(summary)

    # ------------------------------------------------------------------ layout

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        self.header = DialogHeader("Count and close the shift", "", self)
        outer.addWidget(self.header)
        body = QHBoxLayout()
        body.setContentsMargins(20, 14, 20, 10)
        body.setSpacing(16)
        outer.addLayout(body, 1)

        # left: what the drawer should hold, and the verdict
        left = QFrame(self)
        left.setProperty("class", "card")
        lay = QVBoxLayout(left)
        lay.setContentsMargins(14, 12, 14, 12)
        lay.setSpacing(6)
        lay.addWidget(styled_label("The drawer should hold", "heading", left))
        self.expected_form = QFormLayout()
        self.expected_form.setHorizontalSpacing(10)
        self.expected_form.setVerticalSpacing(4)
        lay.addLayout(self.expected_form)
        lay.addSpacing(6)
        lay.addWidget(separator(left))
        verdict = QGridLayout()
        verdict.setVerticalSpacing(6)
        self.expected_value = styled_label("", "money", left)
        self.expected_value.setObjectName("expectedValue")
        self.counted_value = styled_label("", "money", left)
        self.counted_value.setObjectName("countedValue")
        self.difference_value = styled_label("", "pill", left)
        self.difference_value.setObjectName("differenceValue")
        verdict.addWidget(styled_label("Expected", "muted", left), 0, 0)
        verdict.addWidget(self.expected_value, 0, 1, Qt.AlignmentFlag.AlignRight)
        verdict.addWidget(styled_label("Counted", "muted", left), 1, 0)
        verdict.addWidget(self.counted_value, 1, 1, Qt.AlignmentFlag.AlignRight)
        verdict.addWidget(styled_label("Difference", "muted", left), 2, 0)
        verdict.addWidget(self.difference_value, 2, 1, Qt.AlignmentFlag.AlignRight)
        lay.addLayout(verdict)
        lay.addStretch(1)
        left.setFixedWidth(300)
        body.addWidget(left)

        # right: the count
        right = QVBoxLayout()
        right.setSpacing(8)
        modes = QHBoxLayout()
        self.by_denomination = QRadioButton("Count &notes and coins", self)
        self.by_denomination.setObjectName("countByDenomination")
        self.as_total = QRadioButton("Enter the &total", self)
        self.as_total.setObjectName("countAsTotal")
        group = QButtonGroup(self)
        group.addButton(self.by_denomination)
        group.addButton(self.as_total)
        self.by_denomination.setChecked(True)
        self.by_denomination.toggled.connect(self._on_mode_toggled)
        modes.addWidget(self.by_denomination)
        modes.addWidget(self.as_total)
        modes.addStretch(1)
        right.addLayout(modes)
        self.grid_frame = QFrame(self)
        grid = QGridLayout(self.grid_frame)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(4)
        notes = [d for d in cash.DENOMINATIONS if not d.coin]
        coins = [d for d in cash.DENOMINATIONS if d.coin]
        grid.setColumnMinimumWidth(3, 18)  # between the notes and the coins
        for col, (caption, items) in enumerate((("Notes", notes), ("Coins", coins))):
            base = col * 4
            grid.addWidget(styled_label(caption, "heading", self.grid_frame), 0, base, 1, 3)
            for row, d in enumerate(items, 1):
                spin = QSpinBox(self.grid_frame)
                spin.setObjectName(f"count_{d.key}")
                spin.setRange(0, cash.MAX_PIECES)
                spin.setAccelerated(True)
                spin.setFixedWidth(84)
                spin.valueChanged.connect(self._on_count_changed)
                amount = styled_label("", "muted", self.grid_frame)
                amount.setMinimumWidth(92)
                amount.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                grid.addWidget(QLabel(f"₹{d.value:,.0f} ×", self.grid_frame), row, base)
                grid.addWidget(spin, row, base + 1)
                grid.addWidget(amount, row, base + 2)
                self.spins[d.key] = spin
                self.line_amounts[d.key] = amount
        self.other_edit = QLineEdit(self.grid_frame)
        self.other_edit.setObjectName("otherCashEdit")
        self.other_edit.setPlaceholderText("0.00")
        self.other_edit.setMaxLength(12)
        self.other_edit.setToolTip("₹2000 notes, paise: what fits no denomination above")
        self.other_edit.textChanged.connect(self._on_count_changed)
        grid.addWidget(QLabel("Other ₹", self.grid_frame), len(coins) + 1, 4)
        grid.addWidget(self.other_edit, len(coins) + 1, 5, 1, 2)
        right.addWidget(self.grid_frame)
        total_row = QHBoxLayout()
        self.total_edit = QLineEdit(self)
        self.total_edit.setObjectName("countedTotalEdit")
        self.total_edit.setPlaceholderText("the whole drawer, e.g. 4230.50")
        self.total_edit.setMaxLength(14)
        self.total_edit.textChanged.connect(self._on_count_changed)
        total_row.addWidget(QLabel("Counted ₹", self))
        total_row.addWidget(self.total_edit, 1)
        self.total_frame = QWidget(self)
        self.total_frame.setLayout(total_row)
        right.addWidget(self.total_frame)
        right.addWidget(separator(self))
        sign = QFormLayout()
        sign.setHorizontalSpacing(10)
        sign.setVerticalSpacing(6)
        self.supervisor_edit = QLineEdit(self)
        self.supervisor_edit.setObjectName("signOffSupervisorEdit")
        self.supervisor_edit.setMaxLength(40)
        self.supervisor_edit.setPlaceholderText("supervisor's staff name (not the clerk)")
        self.password_edit = QLineEdit(self)
        self.password_edit.setObjectName("signOffPasswordEdit")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.notes_edit = QLineEdit(self)
        self.notes_edit.setObjectName("cashUpNotesEdit")
        self.notes_edit.setMaxLength(shifts.NOTES_MAX)
        self.notes_edit.setPlaceholderText("explain a difference (optional)")
        sign.addRow("&Supervisor", self.supervisor_edit)
        sign.addRow("&Password", self.password_edit)
        sign.addRow("N&ote", self.notes_edit)
        right.addLayout(sign)
        right.addStretch(1)
        body.addLayout(right, 1)

        self.message = MessageLabel(self)
        msg = QVBoxLayout()
        msg.setContentsMargins(20, 0, 20, 8)
        msg.addWidget(self.message)
        outer.addLayout(msg)
        outer.addWidget(separator(self))
        buttons, self.cancel_button, self.close_button = footer_buttons(
            self, "Close shift", "closeShiftButton", self._on_close_button_clicked
        )
        outer.addLayout(buttons)
        self.setFixedWidth(DIALOG_WIDTH)

    # ------------------------------------------------------------------ load / save

    def load(self, summary: DrawerSummary) -> None:
        self._summary = summary
        s, t = summary.shift, summary.totals
        opened = cinema_time.stamp(s.opened_at, s.timezone, label=True)
        day = "" if s.business_date is None else f", business day {s.business_date:%d %b}"
        self.header.set_subtitle(
            f"Shift #{s.shift_id} · {s.counter} · {s.clerk} · since {opened}{day}"
        )
        while self.expected_form.rowCount():
            self.expected_form.removeRow(0)
        for caption, amount in (
            ("Opening float", t.opening_float),
            ("Cash sales (kept)", t.cash_taken),
            ("Cash refunds", -t.cash_refunded),
            ("Drops to the safe", -t.drops),
            ("Top-ups", t.topups),
        ):
            value = QLabel(money(amount), self)
            value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.expected_form.addRow(styled_label(caption, "muted", self), value)
        self.expected_value.setText(money(summary.expected))
        for spin in self.spins.values():
            spin.setValue(0)
        self.other_edit.clear()
        self.total_edit.clear()
        self._sync_mode()
        self._refresh()

    def count(self) -> cash.CashCount:
        """What was counted, as the domain's CashCount; ValidationError for a bad amount."""
        if self.as_total.isChecked():
            return cash.count_as_total(
                cash.money(self.total_edit.text(), "the counted cash", field="counted")
            )
        other_text = self.other_edit.text().strip()
        other = cash.money(other_text, "other cash", field="other") if other_text else cash.ZERO
        return cash.count_by_denomination({k: s.value() for k, s in self.spins.items()}, other)

    def save(self) -> CloseResult:
        count = self.count()
        name = self.supervisor_edit.text().strip()
        if not name:
            raise ValidationError("a supervisor signs the cash-up off: enter their staff name",
                                  field="supervisor")  # fmt: skip
        sign_off = SupervisorSignOff(name, self.password_edit.text())
        box, ctx, shift_id = self._box, self._ctx, self._summary.shift.shift_id
        notes = self.notes_edit.text()
        return run_in_background(
            self,
            "Closing the shift…",
            lambda: shifts.close_shift(
                box, ctx, shift_id=shift_id, count=count, sign_off=sign_off, notes=notes
            ),
        )

    # ------------------------------------------------------------------ behaviour

    def counted_total(self) -> Decimal | None:
        try:
            return self.count().total
        except DomainError:
            return None

    def difference(self) -> Decimal | None:
        counted = self.counted_total()
        return None if counted is None else cash.difference(counted, self._summary.expected)

    def _refresh(self) -> None:
        for d in cash.DENOMINATIONS:
            n = self.spins[d.key].value()
            self.line_amounts[d.key].setText(money(d.value * n) if n else "")
        counted = self.counted_total()
        self.counted_value.setText("—" if counted is None else money(counted))
        diff = self.difference()
        if diff is None:
            self.difference_value.setText("—")
        elif diff == 0:
            self.difference_value.setText("balances")
        else:
            sign = "+" if diff > 0 else "−"
            self.difference_value.setText(
                f"{sign}₹{abs(diff):,.2f} {'over' if diff > 0 else 'short'}"
            )
        set_style_property(self.difference_value, "tone", difference_tone(diff))

    def _sync_mode(self) -> None:
        by_notes = self.by_denomination.isChecked()
        self.grid_frame.setVisible(by_notes)
        self.total_frame.setVisible(not by_notes)

    def close_shift(self) -> bool:
        try:
            self.result_ = self.save()
        except DomainError as exc:
            self.message.show_error(exc.message)
            self.password_edit.clear()
            return False
        self.accept()
        return True

    @Slot()
    def _on_count_changed(self) -> None:
        self._refresh()

    @Slot(bool)
    def _on_mode_toggled(self, _checked: bool) -> None:
        self._sync_mode()
        self._refresh()

    @Slot()
    def _on_close_button_clicked(self) -> None:
        self.close_shift()

    @classmethod
    def ask(
        cls,
        box: BoxOffice,
        ctx: CounterContext,
        summary: DrawerSummary,
        *,
        parent: QWidget | None = None,
    ) -> CloseResult | None:
        dialog = cls(box, ctx, summary, parent=parent)
        try:
            return dialog.result_ if dialog.exec() == QDialog.DialogCode.Accepted else None
        finally:
            dialog.deleteLater()
