"""A supervisor signs in on the clerk's terminal to approve one action (a cancellation and refund).

The sign-in goes to ``auth.grant_approval``: the service checks the password against the staff
table (audited, with the lockout), refuses a clerk's credentials and the clerk's own, and issues a
short-lived ``Approval`` for exactly this action; the service that performs the action accepts
only such an approval, once. A dialog bypassed or faked approves nothing.
"""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from bms_desktop.domain.errors import DomainError, PermissionDenied, ValidationError
from bms_desktop.gui.dialogs.common import (
    DialogHeader,
    MessageLabel,
    footer_buttons,
    run_in_background,
    separator,
    styled_label,
)
from bms_desktop.gui.formatting import money
from bms_desktop.services import auth
from bms_desktop.services.approvals import Approval
from bms_desktop.services.context import BoxOffice, CounterContext

DIALOG_WIDTH = 500
CARD_TEXT_WIDTH = DIALOG_WIDTH - 2 * 20 - 2 * 14 - 2


class SupervisorApprovalDialog(QDialog):
    """``ask()`` returns the ``Approval`` the service issued to the supervisor who signed in,
    for ``action`` on ``subject`` at ``ctx``'s counter, or None."""

    def __init__(
        self,
        box: BoxOffice,
        *,
        ctx: CounterContext,
        action: str,
        subject: object,
        action_text: str,
        amount: Decimal | None = None,
        amount_label: str = "Amount",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._box = box
        self._ctx = ctx
        self._counter = ctx.counter
        self._action = action
        self._subject = subject
        self.approval: Approval | None = None
        self.setObjectName("approvalDialog")
        self.setWindowTitle("Supervisor approval")
        self.setModal(True)
        self._build()
        self.load(action_text, amount, amount_label)

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        self.header = DialogHeader(
            "Supervisor approval",
            f"{self._counter} needs a supervisor to sign in here and approve this.",
            self,
        )
        outer.addWidget(self.header)

        body = QVBoxLayout()
        body.setContentsMargins(20, 16, 20, 16)
        body.setSpacing(12)
        outer.addLayout(body, 1)

        card = QFrame(self)
        card.setProperty("class", "card")
        card_layout = QVBoxLayout(card)
        card_layout.setContentsMargins(14, 12, 14, 12)
        card_layout.setSpacing(4)
        card_layout.addWidget(styled_label("To approve", "muted", card))
        self.action_label = styled_label("", "heading", card)
        self.action_label.setObjectName("approvalAction")
        self.action_label.setWordWrap(True)
        card_layout.addWidget(self.action_label)
        amount_row = QHBoxLayout()
        amount_row.setSpacing(8)
        self.amount_caption = styled_label("", "muted", card)
        self.amount_value = styled_label("", "total", card)
        self.amount_value.setObjectName("approvalAmount")
        amount_row.addWidget(self.amount_caption, 0, Qt.AlignmentFlag.AlignVCenter)
        amount_row.addWidget(self.amount_value, 0, Qt.AlignmentFlag.AlignVCenter)
        amount_row.addStretch(1)
        card_layout.addLayout(amount_row)
        body.addWidget(card)

        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        form.setHorizontalSpacing(12)
        form.setVerticalSpacing(10)
        self.username_edit = QLineEdit(self)
        self.username_edit.setObjectName("supervisorEdit")
        self.username_edit.setMaxLength(40)
        self.username_edit.setPlaceholderText("supervisor's staff name")
        self.password_edit = QLineEdit(self)
        self.password_edit.setObjectName("supervisorPasswordEdit")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow("&Supervisor", self.username_edit)
        form.addRow("&Password", self.password_edit)
        body.addLayout(form)
        self.message = MessageLabel(self)
        body.addWidget(self.message)
        body.addStretch(1)

        outer.addWidget(separator(self))
        buttons, self.cancel_button, self.approve_button = footer_buttons(
            self, "Approve", "approveButton", self._on_approve_button_clicked
        )
        outer.addLayout(buttons)
        self.setFixedWidth(DIALOG_WIDTH)

    # ------------------------------------------------------------------ load / save

    def load(self, action_text: str, amount: Decimal | None, amount_label: str) -> None:
        self.action_label.setText(action_text)
        self._fit_action_label()
        has_amount = amount is not None
        self.amount_caption.setVisible(has_amount)
        self.amount_value.setVisible(has_amount)
        if amount is not None:
            self.amount_caption.setText(amount_label)
            self.amount_value.setText(money(amount))
        self.username_edit.clear()
        self.password_edit.clear()
        self.message.clear_message()
        self.username_edit.setFocus()

    def save(self) -> Approval:
        username = self.username_edit.text().strip()
        password = self.password_edit.text()
        if not username:
            raise ValidationError("enter the supervisor's staff name", field="username")
        if not password:
            raise ValidationError("enter the supervisor's password", field="password")
        box, ctx, action, subject = self._box, self._ctx, self._action, self._subject
        return run_in_background(
            self,
            f"Checking {username}'s sign-in…",
            lambda: auth.grant_approval(
                box, ctx, username=username, password=password, action=action, subject=subject
            ),
        )

    def _fit_action_label(self) -> None:
        """A word-wrapped label in a dialog does not grow by itself: give it the height it
        needs at the width the card offers (with the style sheet's font, once polished)."""
        label = self.action_label
        width = label.width() if label.isVisible() else CARD_TEXT_WIDTH
        label.setMinimumHeight(label.heightForWidth(max(width, 100)))

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._fit_action_label()
        self.adjustSize()

    # ------------------------------------------------------------------ actions

    def approve(self) -> bool:
        """What the Approve button does; True when the dialog accepted."""
        try:
            self.approval = self.save()
        except DomainError as exc:
            self.message.show_error(exc.message)
            self.password_edit.clear()
            if getattr(exc, "field", None) == "username" or isinstance(exc, PermissionDenied):
                self.username_edit.selectAll()
                self.username_edit.setFocus()
            else:
                self.password_edit.setFocus()
            if self.isVisible():
                self.adjustSize()  # room for the message: a dialog does not grow by itself
            return False
        self.accept()
        return True

    @Slot()
    def _on_approve_button_clicked(self) -> None:
        self.approve()

    @classmethod
    def ask(
        cls,
        box: BoxOffice,
        *,
        ctx: CounterContext,
        action: str,
        subject: object,
        action_text: str,
        amount: Decimal | None = None,
        amount_label: str = "Amount",
        parent: QWidget | None = None,
    ) -> Approval | None:
        dialog = cls(
            box,
            ctx=ctx,
            action=action,
            subject=subject,
            action_text=action_text,
            amount=amount,
            amount_label=amount_label,
            parent=parent,
        )
        try:
            if dialog.exec() == QDialog.DialogCode.Accepted:
                return dialog.approval
            return None
        finally:
            dialog.deleteLater()
