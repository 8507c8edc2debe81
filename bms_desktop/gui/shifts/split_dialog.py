"""Split tender: one sale paid in parts (cash and card, UPI and cash...). The parts must add up
to the total exactly; the cash part may be paid with more (the change is shown). ``ask()``
returns the tenders for ``checkout.confirm_booking(split=...)``, which checks them again."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QDialog,
    QGridLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from bms_desktop.domain import cash
from bms_desktop.domain.errors import DomainError, ValidationError
from bms_desktop.domain.model import PaymentMode
from bms_desktop.gui.dialogs.common import (
    DialogHeader,
    MessageLabel,
    footer_buttons,
    separator,
    styled_label,
)
from bms_desktop.gui.formatting import money
from bms_desktop.gui.theme import set_style_property
from bms_desktop.services.tender import Tender

MODES = (PaymentMode.CASH, PaymentMode.CREDIT_CARD, PaymentMode.UPI, PaymentMode.NETBANKING)


def _amount(text: str) -> Decimal | None:
    text = text.strip()
    if not text:
        return None
    try:
        return cash.money(text, "an amount")
    except DomainError:
        return None


class SplitTenderDialog(QDialog):
    def __init__(self, total: Decimal, *, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.total = total
        self.tenders: tuple[Tender, ...] = ()
        self.amount_edits: dict[PaymentMode, QLineEdit] = {}
        self.extra_edits: dict[PaymentMode, QLineEdit] = {}
        self.setObjectName("splitTenderDialog")
        self.setWindowTitle("Split payment")
        self.setModal(True)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        outer.addWidget(DialogHeader("Split payment", f"Total to pay: {money(total)}", self))
        body = QVBoxLayout()
        body.setContentsMargins(20, 14, 20, 12)
        body.setSpacing(10)
        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(6)
        grid.addWidget(styled_label("Paid by", "muted", self), 0, 0)
        grid.addWidget(styled_label("Amount ₹", "muted", self), 0, 1)
        grid.addWidget(styled_label("Cash handed over / reference", "muted", self), 0, 2)
        for row, mode in enumerate(MODES, 1):
            amount = QLineEdit(self)
            amount.setObjectName(f"split_{mode.value}")
            amount.setMaxLength(12)
            amount.textChanged.connect(self._on_edit_text_changed)
            extra = QLineEdit(self)
            extra.setObjectName(f"split_{mode.value}_extra")
            extra.setMaxLength(12 if mode is PaymentMode.CASH else 80)
            extra.setPlaceholderText("e.g. 500" if mode is PaymentMode.CASH else "optional")
            extra.textChanged.connect(self._on_edit_text_changed)
            label = QLabel(f"&{mode.label}", self)
            label.setBuddy(amount)
            grid.addWidget(label, row, 0)
            grid.addWidget(amount, row, 1)
            grid.addWidget(extra, row, 2)
            self.amount_edits[mode] = amount
            self.extra_edits[mode] = extra
        body.addLayout(grid)
        self.remaining_label = styled_label("", "pill", self)
        self.remaining_label.setObjectName("splitRemaining")
        self.change_label = styled_label("", "muted", self)
        body.addWidget(self.remaining_label, 0, Qt.AlignmentFlag.AlignLeft)
        body.addWidget(self.change_label)
        self.message = MessageLabel(self)
        body.addWidget(self.message)
        outer.addLayout(body, 1)
        outer.addWidget(separator(self))
        buttons, self.cancel_button, self.pay_button = footer_buttons(
            self, "Take payment", "splitPayButton", self._on_pay_button_clicked
        )
        outer.addLayout(buttons)
        self.setFixedWidth(520)
        self._refresh()
        self.amount_edits[PaymentMode.CASH].setFocus()

    def paid(self) -> Decimal:
        return sum(
            (a for a in (_amount(e.text()) for e in self.amount_edits.values()) if a is not None),
            Decimal("0.00"),
        )

    def remaining(self) -> Decimal:
        return self.total - self.paid()

    def save(self) -> tuple[Tender, ...]:
        parts = []
        for mode in MODES:
            text = self.amount_edits[mode].text().strip()
            if not text:
                continue
            amount = cash.money(text, f"the {mode.label} amount", field="split", positive=True)
            extra = self.extra_edits[mode].text().strip()
            if mode is PaymentMode.CASH:
                parts.append(Tender(mode, amount, tendered=extra or None))
            else:
                parts.append(Tender(mode, amount, reference=extra or None))
        left = self.remaining()
        if left != 0:
            raise ValidationError(
                f"the parts must add up to {money(self.total)}: "
                + (f"{money(left)} still to pay" if left > 0 else f"{money(-left)} too much"),
                field="split",
            )
        if len(parts) < 2:
            raise ValidationError("a split payment has at least two parts", field="split")
        return tuple(parts)

    def _refresh(self) -> None:
        left = self.remaining()
        if left == 0:
            self.remaining_label.setText("adds up")
        elif left > 0:
            self.remaining_label.setText(f"{money(left)} still to pay")
        else:
            self.remaining_label.setText(f"{money(-left)} too much")
        set_style_property(self.remaining_label, "tone", "ok" if left == 0 else "warn")
        cash_part = _amount(self.amount_edits[PaymentMode.CASH].text())
        given = _amount(self.extra_edits[PaymentMode.CASH].text())
        if cash_part is not None and given is not None and given >= cash_part:
            self.change_label.setText(f"Change to give: {money(given - cash_part)}")
        else:
            self.change_label.setText("")

    def take_payment(self) -> bool:
        try:
            self.tenders = self.save()
        except DomainError as exc:
            self.message.show_error(exc.message)
            return False
        self.accept()
        return True

    @Slot()
    def _on_edit_text_changed(self) -> None:
        self._refresh()

    @Slot()
    def _on_pay_button_clicked(self) -> None:
        self.take_payment()

    @classmethod
    def ask(cls, total: Decimal, *, parent: QWidget | None = None) -> tuple[Tender, ...] | None:
        dialog = cls(total, parent=parent)
        try:
            return dialog.tenders if dialog.exec() == QDialog.DialogCode.Accepted else None
        finally:
            dialog.deleteLater()
