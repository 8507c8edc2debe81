"""Sign in at a counter: staff name and password, checked (and audited) by ``auth.login``.

Five failures lock the name out on every terminal; the service says so and this dialog shows its
words. On a demo database a side panel lists the demo staff and their passwords; clicking one fills
the form, double-clicking signs in.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from bms_desktop.domain.errors import DomainError, ValidationError
from bms_desktop.gui.dialogs.common import (
    DialogHeader,
    MessageLabel,
    footer_buttons,
    run_in_background,
    separator,
    styled_label,
)
from bms_desktop.services import auth, demo
from bms_desktop.services.context import BoxOffice
from bms_desktop.services.dto import StaffView

COUNTER_MAX = 40  # the audit trail's counter column
ROLE_WORDS = {"CLERK": "clerk", "SUPERVISOR": "supervisor", "ADMIN": "admin"}


class LoginDialog(QDialog):
    """Staff name + password for one counter window; ``ask()`` returns the staff and the counter
    name, or None when the clerk gives up."""

    def __init__(
        self,
        box: BoxOffice,
        *,
        counter: str,
        default_user: str | None = None,
        taken_counters: Collection[str] = (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._box = box
        self._taken = {name.strip().casefold() for name in taken_counters}
        self.signed_in: tuple[StaffView, str] | None = None
        self.setObjectName("loginDialog")
        self.setModal(True)
        self._build()
        self.load(demo.demo_passwords(box), counter=counter, default_user=default_user)

    # ------------------------------------------------------------------ building

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        self.header = DialogHeader("Sign in", "", self)
        outer.addWidget(self.header)

        body = QHBoxLayout()
        body.setContentsMargins(20, 18, 20, 18)
        body.setSpacing(18)
        outer.addLayout(body, 1)

        form_side = QVBoxLayout()
        form_side.setSpacing(12)
        body.addLayout(form_side, 3)

        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        form.setHorizontalSpacing(12)
        form.setVerticalSpacing(10)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.counter_edit = QLineEdit(self)
        self.counter_edit.setObjectName("counterEdit")
        self.counter_edit.setMaxLength(COUNTER_MAX)
        self.counter_edit.setPlaceholderText("e.g. Counter 2")
        self.counter_edit.textChanged.connect(self._on_counter_edit_text_changed)
        self.username_edit = QLineEdit(self)
        self.username_edit.setObjectName("usernameEdit")
        self.username_edit.setMaxLength(40)
        self.username_edit.setPlaceholderText("your staff name")
        self.password_edit = QLineEdit(self)
        self.password_edit.setObjectName("passwordEdit")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setPlaceholderText("password")
        form.addRow("&Counter", self.counter_edit)
        form.addRow("&Staff name", self.username_edit)
        form.addRow("&Password", self.password_edit)
        for edit in (self.counter_edit, self.username_edit, self.password_edit):
            edit.setMinimumWidth(240)
        form_side.addLayout(form)

        self.message = MessageLabel(self)
        self.message.setMinimumWidth(300)
        form_side.addWidget(self.message)
        form_side.addStretch(1)

        self.demo_panel = QFrame(self)
        self.demo_panel.setObjectName("demoPanel")
        self.demo_panel.setProperty("class", "sidePanel")
        panel = QVBoxLayout(self.demo_panel)
        panel.setContentsMargins(14, 12, 14, 12)
        panel.setSpacing(8)
        panel.addWidget(styled_label("Demo staff", "heading", self.demo_panel))
        hint = styled_label(
            "This is the demo box office. Click a name to fill in the form; double-click to "
            "sign in straight away.",
            "muted",
            self.demo_panel,
        )
        hint.setWordWrap(True)
        panel.addWidget(hint)
        self.demo_table = QTableWidget(0, 3, self.demo_panel)
        self.demo_table.setObjectName("demoStaffTable")
        self.demo_table.setHorizontalHeaderLabels(["Staff name", "Role", "Password"])
        self.demo_table.verticalHeader().hide()
        self.demo_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.demo_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.demo_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.demo_table.setAlternatingRowColors(True)
        self.demo_table.setShowGrid(False)
        self.demo_table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.demo_table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.demo_table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        header = self.demo_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.demo_table.itemClicked.connect(self._on_demo_table_item_clicked)
        self.demo_table.itemDoubleClicked.connect(self._on_demo_table_item_double_clicked)
        panel.addWidget(self.demo_table)
        roles = styled_label(
            "Clerks sell and reprint. The supervisor also approves refunds; the admin also "
            "configures the box office. The usher gets a Door window to check tickets in.",
            "small",
            self.demo_panel,
        )
        roles.setWordWrap(True)
        panel.addWidget(roles)
        panel.addStretch(1)
        body.addWidget(self.demo_panel, 4)

        outer.addWidget(separator(self))
        buttons, self.cancel_button, self.sign_in_button = footer_buttons(
            self, "Sign in", "signInButton", self._on_sign_in_button_clicked
        )
        outer.addLayout(buttons)

        self.setTabOrder(self.counter_edit, self.username_edit)
        self.setTabOrder(self.username_edit, self.password_edit)
        self.setTabOrder(self.password_edit, self.sign_in_button)
        self.setTabOrder(self.sign_in_button, self.cancel_button)

    # ------------------------------------------------------------------ load / save

    def load(
        self,
        demo_staff: Sequence[tuple[str, str, str]],
        *,
        counter: str,
        default_user: str | None = None,
    ) -> None:
        """Demo staff (username, role, password; empty outside a demo database) and defaults."""
        self.counter_edit.setText(counter)
        self.username_edit.setText(default_user or "")
        self.password_edit.clear()
        self.message.clear_message()
        self.demo_table.setRowCount(len(demo_staff))
        for row, (username, role, password) in enumerate(demo_staff):
            for col, text in enumerate((username, ROLE_WORDS.get(role, role.lower()), password)):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, (username, password))
                self.demo_table.setItem(row, col, item)
        self.demo_panel.setVisible(bool(demo_staff))
        self.setMinimumWidth(0 if demo_staff else 460)
        if demo_staff:
            table = self.demo_table
            table.resizeColumnsToContents()
            rows_height = sum(table.rowHeight(r) for r in range(len(demo_staff)))
            cols_width = sum(table.columnWidth(c) for c in range(table.columnCount()))
            frame = 2 * table.frameWidth()
            table.setFixedHeight(rows_height + table.horizontalHeader().sizeHint().height() + frame)
            table.setMinimumWidth(cols_width + frame + 24)
        self._update_title()
        (self.password_edit if default_user else self.username_edit).setFocus()

    def save(self) -> tuple[StaffView, str]:
        """Check the form and sign in through the service (audited; lockout across terminals).
        Raises a DomainError whose message the dialog shows."""
        counter = " ".join(self.counter_edit.text().split())
        username = self.username_edit.text().strip()
        password = self.password_edit.text()
        if not counter:
            raise ValidationError("give this counter a name, e.g. Counter 2", field="counter")
        if counter.casefold() in self._taken:
            raise ValidationError(
                f"{counter} is already open in this program; choose another counter name",
                field="counter",
            )
        if not username:
            raise ValidationError("enter your staff name", field="username")
        if not password:
            raise ValidationError("enter your password", field="password")
        # Off the GUI thread: the check takes ~0.1 s, and its write may wait for the lock of a
        # counter that is inside a long transaction (the teaching delay).
        staff = run_in_background(
            self,
            f"Signing in {username} at {counter}…",
            lambda: auth.login(self._box, username=username, password=password, counter=counter),
        )
        return staff, counter

    # ------------------------------------------------------------------ actions

    def sign_in(self) -> bool:
        """What the Sign in button does; True when the dialog accepted."""
        try:
            self.signed_in = self.save()
        except DomainError as exc:
            self.message.show_error(exc.message)
            field = getattr(exc, "field", None)
            if field == "counter":
                self.counter_edit.setFocus()
            elif field == "username":
                self.username_edit.setFocus()
            else:
                self.password_edit.clear()
                self.password_edit.setFocus()
            return False
        self.accept()
        return True

    def fill(self, username: str, password: str = "") -> None:
        self.username_edit.setText(username)
        self.password_edit.setText(password)
        self.message.clear_message()
        self.sign_in_button.setFocus()

    def _update_title(self) -> None:
        counter = " ".join(self.counter_edit.text().split()) or "this counter"
        self.setWindowTitle(f"Sign in to {counter}")
        self.header.title.setText(f"Sign in to {counter}")
        self.header.set_subtitle("Each counter window has its own sign-in. Sign-ins are recorded.")

    @Slot()
    def _on_sign_in_button_clicked(self) -> None:
        self.sign_in()

    @Slot(str)
    def _on_counter_edit_text_changed(self, _text: str) -> None:
        self._update_title()

    @Slot(QTableWidgetItem)
    def _on_demo_table_item_clicked(self, item: QTableWidgetItem) -> None:
        username, password = item.data(Qt.ItemDataRole.UserRole)
        self.fill(username, password)

    @Slot(QTableWidgetItem)
    def _on_demo_table_item_double_clicked(self, item: QTableWidgetItem) -> None:
        username, password = item.data(Qt.ItemDataRole.UserRole)
        self.fill(username, password)
        self.sign_in()

    # ------------------------------------------------------------------ entry point

    @classmethod
    def ask(
        cls,
        box: BoxOffice,
        *,
        counter: str,
        default_user: str | None = None,
        taken_counters: Collection[str] = (),
        parent: QWidget | None = None,
    ) -> tuple[StaffView, str] | None:
        """Ask for a sign-in; the staff member and the counter name, or None if cancelled."""
        dialog = cls(
            box,
            counter=counter,
            default_user=default_user,
            taken_counters=taken_counters,
            parent=parent,
        )
        try:
            if dialog.exec() == QDialog.DialogCode.Accepted:
                return dialog.signed_in
            return None
        finally:
            dialog.deleteLater()
