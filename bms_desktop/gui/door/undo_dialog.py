"""A supervisor undoes an admission at the door: the ticket's code, the supervisor's name and
password, and why. The service checks the password against the staff table (lockout and audit
included) and refuses anyone below a supervisor; this dialog only collects and shows."""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QDialog, QFormLayout, QLineEdit, QVBoxLayout, QWidget

from bms_desktop.domain.errors import DomainError
from bms_desktop.gui.dialogs.common import (
    DialogHeader,
    MessageLabel,
    footer_buttons,
    run_in_background,
)
from bms_desktop.services import door
from bms_desktop.services.context import BoxOffice, CounterContext
from bms_desktop.services.door_views import UndoResult


class UndoAdmissionDialog(QDialog):
    """``ask()`` returns the ``UndoResult``, or None when nothing was undone."""

    def __init__(
        self, box: BoxOffice, ctx: CounterContext, *, code: str = "", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._box = box
        self._ctx = ctx
        self.result_: UndoResult | None = None
        self.setObjectName("undoAdmissionDialog")
        self.setWindowTitle("Undo an admission")
        self.setModal(True)
        self.setMinimumWidth(480)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        outer.addWidget(
            DialogHeader(
                "Undo an admission",
                "A supervisor takes back the latest admission of a ticket, e.g. a wrong scan. "
                "It is recorded with your name and the reason.",
                self,
            )
        )
        form = QFormLayout()
        form.setContentsMargins(20, 16, 20, 8)
        form.setVerticalSpacing(10)
        self.code_edit = QLineEdit(self)
        self.code_edit.setObjectName("undoCodeEdit")
        self.code_edit.setMaxLength(64)
        self.code_edit.setPlaceholderText("BMS-XXXX-XXXX")
        self.supervisor_edit = QLineEdit(self)
        self.supervisor_edit.setObjectName("undoSupervisorEdit")
        self.supervisor_edit.setMaxLength(40)
        self.password_edit = QLineEdit(self)
        self.password_edit.setObjectName("undoPasswordEdit")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.reason_edit = QLineEdit(self)
        self.reason_edit.setObjectName("undoReasonEdit")
        self.reason_edit.setMaxLength(door.REASON_MAX)
        self.reason_edit.setPlaceholderText("e.g. scanned the wrong ticket")
        form.addRow("Ticket &code", self.code_edit)
        form.addRow("&Supervisor", self.supervisor_edit)
        form.addRow("&Password", self.password_edit)
        form.addRow("&Reason", self.reason_edit)
        outer.addLayout(form)
        self.message = MessageLabel(self)
        wrap = QVBoxLayout()
        wrap.setContentsMargins(20, 0, 20, 0)
        wrap.addWidget(self.message)
        outer.addLayout(wrap)
        buttons, self.cancel_button, self.undo_button = footer_buttons(
            self, "Undo admission", "undoButton", self._on_undo_button_clicked
        )
        self.undo_button.setProperty("role", "danger")
        outer.addLayout(buttons)
        self.load(code)

    def load(self, code: str) -> None:
        self.code_edit.setText(code)
        (self.supervisor_edit if code else self.code_edit).setFocus()

    def save(self) -> UndoResult:
        code, who = self.code_edit.text(), self.supervisor_edit.text()
        password, reason = self.password_edit.text(), self.reason_edit.text()
        box, ctx = self._box, self._ctx
        return run_in_background(
            self,
            "Checking the supervisor's password…",
            lambda: door.undo_admission(
                box, ctx, code=code, supervisor=who, password=password, reason=reason
            ),
        )

    def undo(self) -> bool:
        try:
            self.result_ = self.save()
        except DomainError as exc:
            self.message.show_error(exc.message)
            self.password_edit.clear()
            field = getattr(exc, "field", None)
            target = {
                "code": self.code_edit,
                "reason": self.reason_edit,
                "supervisor": self.supervisor_edit,
            }.get(field or "", self.password_edit)
            target.setFocus()
            return False
        self.accept()
        return True

    @Slot()
    def _on_undo_button_clicked(self) -> None:
        self.undo()

    @classmethod
    def ask(
        cls, box: BoxOffice, ctx: CounterContext, *, code: str = "", parent: QWidget | None = None
    ) -> UndoResult | None:
        dialog = cls(box, ctx, code=code, parent=parent)
        try:
            if dialog.exec() == QDialog.DialogCode.Accepted:
                return dialog.result_
            return None
        finally:
            dialog.deleteLater()


__all__ = ["UndoAdmissionDialog"]
