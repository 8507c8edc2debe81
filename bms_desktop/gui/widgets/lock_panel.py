"""What a counter window shows while nobody is signed in at it: after a clerk locked it (a break),
signed out, or to let the next clerk take over (a shift change, no restart).

The counter's held seats stay held meanwhile (they belong to the counter): whoever signs in finds
them in the basket. The sign-in goes through ``auth.login`` (audited, with the lockout).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from bms_desktop.domain import limits
from bms_desktop.domain.errors import DomainError, ValidationError
from bms_desktop.domain.model import Role
from bms_desktop.gui.dialogs.common import MessageLabel, run_in_background
from bms_desktop.services import auth
from bms_desktop.services.context import BoxOffice
from bms_desktop.services.dto import StaffView


class LockPanelWidget(QWidget):
    """Signals: signed_in(object): the StaffView of whoever signed in."""

    signed_in = Signal(object)

    def __init__(self, box: BoxOffice, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._box = box
        self._counter = ""
        self.setObjectName("lockPanel")
        card = QFrame(self)
        card.setObjectName("lockCard")
        card.setStyleSheet(
            "QFrame#lockCard { background: #FFFFFF; border: 1px solid #D5D9DF;"
            " border-radius: 8px; }"
        )
        card.setMaximumWidth(440)
        self.title_label = QLabel(card)
        title_font = QFont(self.font())
        title_font.setPointSizeF(title_font.pointSizeF() + 4)
        title_font.setBold(True)
        self.title_label.setFont(title_font)
        self.title_label.setWordWrap(True)
        self.note_label = QLabel(card)
        self.note_label.setWordWrap(True)
        self.note_label.setStyleSheet("color: #5F646B;")
        self.username_edit = QLineEdit(card)
        self.username_edit.setObjectName("lockUsernameEdit")
        self.username_edit.setMaxLength(limits.limit(limits.STAFF_NAME))
        self.username_edit.setPlaceholderText("your staff name")
        self.password_edit = QLineEdit(card)
        self.password_edit.setObjectName("lockPasswordEdit")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setPlaceholderText("password")
        self.sign_in_button = QPushButton("Sign in", card)
        self.sign_in_button.setObjectName("lockSignInButton")
        self.sign_in_button.setProperty("role", "primary")
        self.sign_in_button.setDefault(True)
        self.message = MessageLabel(card)
        form = QFormLayout()
        form.setHorizontalSpacing(12)
        form.setVerticalSpacing(10)
        form.addRow("&Staff name", self.username_edit)
        form.addRow("&Password", self.password_edit)
        inner = QVBoxLayout(card)
        inner.setContentsMargins(24, 20, 24, 20)
        inner.setSpacing(12)
        inner.addWidget(self.title_label)
        inner.addWidget(self.note_label)
        inner.addLayout(form)
        inner.addWidget(self.message)
        inner.addWidget(self.sign_in_button, 0, Qt.AlignmentFlag.AlignRight)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addWidget(card, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(2)
        self.username_edit.returnPressed.connect(self._on_username_edit_return_pressed)
        self.password_edit.returnPressed.connect(self._on_sign_in_button_clicked)
        self.sign_in_button.clicked.connect(self._on_sign_in_button_clicked)

    def lock(self, counter: str, username: str | None, *, held: str = "") -> None:
        """Show the panel for ``counter``: locked by ``username`` (who may unlock; anyone else
        may sign in instead), or with nobody signed in (None)."""
        self._counter = counter
        if username:
            self.title_label.setText(f"{counter} is locked")
            note = f"{username} locked it. Sign in to go on: {username}, or the next clerk."
        else:
            self.title_label.setText(f"Nobody is signed in at {counter}")
            note = "Sign in to sell at this counter."
        if held:
            note += f" {held} stay held for this counter and wait in the basket."
        self.note_label.setText(note)
        self.username_edit.setText(username or "")
        self.password_edit.clear()
        self.message.clear_message()
        (self.password_edit if username else self.username_edit).setFocus()

    def sign_in(self) -> StaffView | None:
        """What the Sign in button does: the staff member signed in, or None (and why)."""
        username = self.username_edit.text().strip()
        password = self.password_edit.text()
        try:
            if not username:
                raise ValidationError("enter your staff name", field="username")
            if not password:
                raise ValidationError("enter your password", field="password")
            box, counter = self._box, self._counter
            staff = run_in_background(
                self,
                f"Signing in {username} at {counter}…",
                lambda: auth.login(box, username=username, password=password, counter=counter),
            )
        except DomainError as exc:
            self.message.show_error(exc.message)
            self.password_edit.clear()
            target = self.username_edit if getattr(exc, "field", "") == "username" else None
            (target or self.password_edit).setFocus()
            return None
        self.password_edit.clear()
        if not staff.role.at_least(Role.CLERK):  # an usher admits at the door, never sells
            who = staff.username
            self.message.show_error(f"{who} is an usher and admits at a door (Window → Door…)")
            self.username_edit.selectAll()
            self.username_edit.setFocus()
            return None
        self.signed_in.emit(staff)
        return staff

    @Slot()
    def _on_username_edit_return_pressed(self) -> None:
        self.password_edit.setFocus()

    @Slot()
    def _on_sign_in_button_clicked(self) -> None:
        self.sign_in()


__all__ = ["LockPanelWidget"]
