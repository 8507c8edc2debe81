"""Which door a Door window admits at (Window -> Door… in a counter window): a name such as
"Door 1" or "Gate A", recorded with every scan. Checked by ``services.door.check_door``."""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QDialog, QFormLayout, QLineEdit, QVBoxLayout, QWidget

from bms_desktop.domain.errors import DomainError
from bms_desktop.gui.dialogs.common import DialogHeader, MessageLabel, footer_buttons, separator
from bms_desktop.services.door import DOOR_MAX, check_door


class DoorNameDialog(QDialog):
    """``ask()`` returns the door's name as it will be recorded, or None (cancelled)."""

    def __init__(self, default: str = "Door 1", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("doorNameDialog")
        self.setWindowTitle("Open a Door window")
        self.setModal(True)
        self.door: str | None = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        outer.addWidget(
            DialogHeader(
                "Open a Door window",
                "Scan tickets at a door: every admission records the door and who admitted it.",
                self,
            )
        )
        body = QVBoxLayout()
        body.setContentsMargins(20, 16, 20, 16)
        body.setSpacing(10)
        form = QFormLayout()
        self.name_edit = QLineEdit(self)
        self.name_edit.setObjectName("doorNameEdit")
        self.name_edit.setMaxLength(DOOR_MAX)
        self.name_edit.setPlaceholderText("e.g. Door 1, Gate A")
        form.addRow("&Door", self.name_edit)
        body.addLayout(form)
        self.message = MessageLabel(self)
        body.addWidget(self.message)
        outer.addLayout(body, 1)
        outer.addWidget(separator(self))
        buttons, self.cancel_button, self.open_button = footer_buttons(
            self, "Open", "openDoorButton", self._on_open_button_clicked
        )
        outer.addLayout(buttons)
        self.setFixedWidth(460)
        self.load(default)

    def load(self, default: str) -> None:
        self.name_edit.setText(default)
        self.name_edit.selectAll()
        self.name_edit.setFocus()
        self.message.clear_message()

    def save(self) -> str:
        return check_door(self.name_edit.text())

    def submit(self) -> bool:
        """What Open does; True when the dialog accepted."""
        try:
            self.door = self.save()
        except DomainError as exc:
            self.message.show_error(exc.message)
            self.name_edit.setFocus()
            return False
        self.accept()
        return True

    @Slot()
    def _on_open_button_clicked(self) -> None:
        self.submit()

    @classmethod
    def ask(cls, parent: QWidget | None = None, *, default: str = "Door 1") -> str | None:
        dialog = cls(default, parent)
        try:
            if dialog.exec() == QDialog.DialogCode.Accepted:
                return dialog.door
            return None
        finally:
            dialog.deleteLater()


__all__ = ["DoorNameDialog"]
