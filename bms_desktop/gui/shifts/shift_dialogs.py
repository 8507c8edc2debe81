"""Opening a shift (the float) and moving cash (a drop to the safe, a top-up of change).

Both dialogs follow the project's pattern: ``load()`` fills the widgets, ``save()`` calls the
service (off the GUI thread) and returns its result, ``ask()`` is what callers use and tests
replace. The service decides everything; a refusal is shown in the dialog and changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from bms_desktop.domain.errors import DomainError
from bms_desktop.gui.dialogs.common import (
    DialogHeader,
    MessageLabel,
    footer_buttons,
    run_in_background,
    separator,
    styled_label,
)
from bms_desktop.gui.formatting import money
from bms_desktop.services import shifts
from bms_desktop.services.context import BoxOffice, CounterContext
from bms_desktop.services.shifts import (
    CinemaChoice,
    MovementResult,
    ShiftView,
    SupervisorSignOff,
)

DIALOG_WIDTH = 460


def _body(dialog: QDialog, title: str, subtitle: str) -> tuple[QVBoxLayout, QVBoxLayout]:
    outer = QVBoxLayout(dialog)
    outer.setContentsMargins(0, 0, 0, 0)
    outer.setSpacing(0)
    outer.addWidget(DialogHeader(title, subtitle, dialog))
    body = QVBoxLayout()
    body.setContentsMargins(20, 16, 20, 16)
    body.setSpacing(12)
    outer.addLayout(body, 1)
    return outer, body


def _form() -> QFormLayout:
    form = QFormLayout()
    form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    form.setHorizontalSpacing(12)
    form.setVerticalSpacing(10)
    return form


class OpenShiftDialog(QDialog):
    """The clerk opens their shift at this counter: the cinema and the opening float.
    ``ask()`` returns the new shift, or None."""

    def __init__(
        self,
        box: BoxOffice,
        ctx: CounterContext,
        cinemas: Sequence[CinemaChoice],
        *,
        theater_id: int | None = None,
        reason: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._box = box
        self._ctx = ctx
        self.shift: ShiftView | None = None
        self.setObjectName("openShiftDialog")
        self.setWindowTitle("Open a shift")
        self.setModal(True)
        outer, body = _body(
            self,
            "Open a shift",
            f"{ctx.username} at {ctx.counter}: count the float into the drawer.",
        )
        self.reason_label = styled_label(reason, "muted", self)
        self.reason_label.setWordWrap(True)
        self.reason_label.setVisible(bool(reason))
        body.addWidget(self.reason_label)
        form = _form()
        self.cinema_combo = QComboBox(self)
        self.cinema_combo.setObjectName("shiftCinemaCombo")
        self.float_edit = QLineEdit(self)
        self.float_edit.setObjectName("openingFloatEdit")
        self.float_edit.setPlaceholderText("e.g. 2000")
        self.float_edit.setMaxLength(14)
        self.notes_edit = QLineEdit(self)
        self.notes_edit.setObjectName("shiftNotesEdit")
        self.notes_edit.setMaxLength(shifts.NOTES_MAX)
        self.notes_edit.setPlaceholderText("optional")
        form.addRow("&Cinema", self.cinema_combo)
        form.addRow("Opening &float ₹", self.float_edit)
        form.addRow("&Note", self.notes_edit)
        body.addLayout(form)
        self.message = MessageLabel(self)
        body.addWidget(self.message)
        body.addStretch(1)
        outer.addWidget(separator(self))
        buttons, self.cancel_button, self.open_button = footer_buttons(
            self, "Open shift", "openShiftButton", self._on_open_button_clicked
        )
        outer.addLayout(buttons)
        self.setFixedWidth(DIALOG_WIDTH)
        self.load(cinemas, theater_id)

    def load(self, cinemas: Sequence[CinemaChoice], theater_id: int | None) -> None:
        self.cinema_combo.clear()
        for c in cinemas:
            self.cinema_combo.addItem(c.label, c.theater_id)
        if theater_id is not None:
            index = self.cinema_combo.findData(theater_id)
            if index >= 0:
                self.cinema_combo.setCurrentIndex(index)
        self.float_edit.setFocus()

    def save(self) -> ShiftView:
        theater_id = self.cinema_combo.currentData()
        if theater_id is None:
            from bms_desktop.domain.errors import ValidationError

            raise ValidationError("choose the cinema of this counter", field="cinema")
        amount, note = self.float_edit.text(), self.notes_edit.text()
        box, ctx = self._box, self._ctx
        return run_in_background(
            self,
            "Opening the shift…",
            lambda: shifts.open_shift(
                box, ctx, theater_id=int(theater_id), opening_float=amount, notes=note
            ),
        )

    def open_shift(self) -> bool:
        try:
            self.shift = self.save()
        except DomainError as exc:
            self.message.show_error(exc.message)
            self.float_edit.setFocus()
            return False
        self.accept()
        return True

    @Slot()
    def _on_open_button_clicked(self) -> None:
        self.open_shift()

    @classmethod
    def ask(
        cls,
        box: BoxOffice,
        ctx: CounterContext,
        cinemas: Sequence[CinemaChoice],
        *,
        theater_id: int | None = None,
        reason: str = "",
        parent: QWidget | None = None,
    ) -> ShiftView | None:
        dialog = cls(box, ctx, cinemas, theater_id=theater_id, reason=reason, parent=parent)
        try:
            return dialog.shift if dialog.exec() == QDialog.DialogCode.Accepted else None
        finally:
            dialog.deleteLater()


class CashMovementDialog(QDialog):
    """A drop (cash from the drawer to the safe) or a top-up (change into the drawer), with an
    optional supervisor witness who signs in here. ``ask()`` returns the movement, or None."""

    def __init__(
        self,
        box: BoxOffice,
        ctx: CounterContext,
        *,
        kind: str,
        expected: Decimal,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._box = box
        self._ctx = ctx
        self.kind = kind
        self.result_: MovementResult | None = None
        drop = kind == shifts.DROP
        title = "Cash drop to the safe" if drop else "Top up the drawer"
        self.setObjectName("cashMovementDialog")
        self.setWindowTitle(title)
        self.setModal(True)
        outer, body = _body(
            self, title, f"{ctx.counter} · the drawer should hold {money(expected)}"
        )
        form = _form()
        self.amount_edit = QLineEdit(self)
        self.amount_edit.setObjectName("movementAmountEdit")
        self.amount_edit.setMaxLength(14)
        self.reason_edit = QLineEdit(self)
        self.reason_edit.setObjectName("movementReasonEdit")
        self.reason_edit.setMaxLength(shifts.REASON_MAX)
        self.reason_edit.setText("to the safe" if drop else "change for the drawer")
        self.witness_edit = QLineEdit(self)
        self.witness_edit.setObjectName("witnessEdit")
        self.witness_edit.setMaxLength(40)
        self.witness_edit.setPlaceholderText("supervisor's staff name (optional)")
        self.witness_password = QLineEdit(self)
        self.witness_password.setObjectName("witnessPasswordEdit")
        self.witness_password.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow("&Amount ₹", self.amount_edit)
        form.addRow("&Reason", self.reason_edit)
        form.addRow("&Witness", self.witness_edit)
        form.addRow("Pass&word", self.witness_password)
        body.addLayout(form)
        self.message = MessageLabel(self)
        body.addWidget(self.message)
        body.addStretch(1)
        outer.addWidget(separator(self))
        buttons, self.cancel_button, self.save_button = footer_buttons(
            self, "Record drop" if drop else "Record top-up", "movementButton",
            self._on_save_button_clicked,
        )  # fmt: skip
        outer.addLayout(buttons)
        self.setFixedWidth(DIALOG_WIDTH)
        self.amount_edit.setFocus()

    def save(self) -> MovementResult:
        witness = self.witness_edit.text().strip()
        sign_off = SupervisorSignOff(witness, self.witness_password.text()) if witness else None
        box, ctx, kind = self._box, self._ctx, self.kind
        amount, reason = self.amount_edit.text(), self.reason_edit.text()
        return run_in_background(
            self,
            "Recording…",
            lambda: shifts.record_cash_movement(
                box, ctx, kind=kind, amount=amount, reason=reason, sign_off=sign_off
            ),
        )

    def record(self) -> bool:
        try:
            self.result_ = self.save()
        except DomainError as exc:
            self.message.show_error(exc.message)
            self.witness_password.clear()
            return False
        self.accept()
        return True

    @Slot()
    def _on_save_button_clicked(self) -> None:
        self.record()

    @classmethod
    def ask(
        cls,
        box: BoxOffice,
        ctx: CounterContext,
        *,
        kind: str,
        expected: Decimal,
        parent: QWidget | None = None,
    ) -> MovementResult | None:
        dialog = cls(box, ctx, kind=kind, expected=expected, parent=parent)
        try:
            return dialog.result_ if dialog.exec() == QDialog.DialogCode.Accepted else None
        finally:
            dialog.deleteLater()
