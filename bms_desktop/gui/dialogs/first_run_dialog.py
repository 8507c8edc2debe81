"""First run on an empty database: open the demo box office, or set up a new cinema by creating
its administrator.

Two terminals may do this at the same moment. The services make sure that only one demo is built
and only one first administrator is created; the loser gets a refusal that this dialog shows, and
then simply continues to the sign-in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QCommandLinkButton,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from bms_desktop.domain.errors import DomainError, InvalidState, ValidationError
from bms_desktop.gui.dialogs.common import (
    DialogHeader,
    MessageLabel,
    run_in_background,
    separator,
    styled_button,
    styled_label,
)
from bms_desktop.services import auth, demo
from bms_desktop.services.context import BoxOffice
from bms_desktop.services.dto import StaffView

CHOICE_PAGE, SETUP_PAGE = 0, 1


@dataclass(frozen=True)
class FirstRunOutcome:
    """A box office was set up: the demo (``admin`` None) or a new cinema with its admin."""

    admin: StaffView | None = None


class FirstRunDialog(QDialog):
    """``ask()`` returns True to continue to the sign-in, False to quit.

    The administrator created here (if any) is kept for the launcher, which takes it with
    ``take_created_admin()`` and opens the admin console with the first-run checklist for them
    (issue 8) before the counter sign-in.
    """

    _last_created_admin: StaffView | None = None

    def __init__(
        self,
        box: BoxOffice,
        *,
        seed_demo: Callable[[], object],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._box = box
        self._seed_demo = seed_demo
        self.created_admin: StaffView | None = None
        self.setObjectName("firstRunDialog")
        self.setWindowTitle("Welcome")
        self.setModal(True)
        self._build()
        self.load()

    # ------------------------------------------------------------------ building

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        self.header = DialogHeader(
            "Welcome to BMS Box Office",
            "This database is empty. How would you like to start?",
            self,
        )
        outer.addWidget(self.header)
        self.pages = QStackedWidget(self)
        outer.addWidget(self.pages, 1)

        # -- page 0: the choice
        choice = QWidget(self.pages)
        layout = QVBoxLayout(choice)
        layout.setContentsMargins(20, 18, 20, 18)
        layout.setSpacing(10)
        self.demo_button = QCommandLinkButton(
            "Open the demo box office",
            "Three cities, six cinemas, two weeks of shows, coupons and demo staff with their "
            "passwords. Best for trying things out and for teaching.",
            choice,
        )
        self.demo_button.setObjectName("demoChoice")
        self.demo_button.clicked.connect(self._on_demo_button_clicked)
        self.setup_button = QCommandLinkButton(
            "Set up a new cinema",
            "Create the administrator account with a password you choose. Cinemas, screens, "
            "movies, shows and staff are added afterwards.",
            choice,
        )
        self.setup_button.setObjectName("setupChoice")
        self.setup_button.clicked.connect(self._on_setup_button_clicked)
        layout.addWidget(self.demo_button)
        layout.addWidget(self.setup_button)
        self.choice_message = MessageLabel(choice)
        layout.addWidget(self.choice_message)
        layout.addStretch(1)
        self.pages.addWidget(choice)

        # -- page 1: the first administrator
        setup = QWidget(self.pages)
        layout = QVBoxLayout(setup)
        layout.setContentsMargins(20, 18, 20, 18)
        layout.setSpacing(12)
        intro = styled_label(
            "The administrator configures the box office and adds the other staff. There is no "
            "default password: choose one of at least 8 characters and keep it safe.",
            "muted",
            setup,
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        form.setHorizontalSpacing(12)
        form.setVerticalSpacing(10)
        self.username_edit = QLineEdit(setup)
        self.username_edit.setMaxLength(40)
        self.full_name_edit = QLineEdit(setup)
        self.full_name_edit.setMaxLength(120)
        self.full_name_edit.setPlaceholderText("e.g. Anita Rao")
        self.password_edit = QLineEdit(setup)
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setPlaceholderText("at least 8 characters")
        self.repeat_edit = QLineEdit(setup)
        self.repeat_edit.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow("&Staff name", self.username_edit)
        form.addRow("&Full name", self.full_name_edit)
        form.addRow("&Password", self.password_edit)
        form.addRow("&Repeat password", self.repeat_edit)
        layout.addLayout(form)
        self.setup_message = MessageLabel(setup)
        layout.addWidget(self.setup_message)
        layout.addStretch(1)
        self.pages.addWidget(setup)

        outer.addWidget(separator(self))
        buttons = QHBoxLayout()
        buttons.setContentsMargins(20, 12, 20, 14)
        buttons.setSpacing(8)
        self.back_button = styled_button("Back", None, self)
        self.back_button.clicked.connect(self._on_back_button_clicked)
        self.quit_button = styled_button("Quit", None, self)
        self.quit_button.clicked.connect(self.reject)
        self.create_button = styled_button("Create administrator", "primary", self)
        self.create_button.setObjectName("createAdminButton")
        self.create_button.setDefault(True)
        self.create_button.clicked.connect(self._on_create_button_clicked)
        self.continue_button = styled_button("Continue to sign in", "primary", self)
        self.continue_button.setObjectName("continueButton")
        self.continue_button.clicked.connect(self.accept)
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        buttons.addWidget(self.quit_button)
        buttons.addWidget(self.create_button)
        buttons.addWidget(self.continue_button)
        outer.addLayout(buttons)
        self.setMinimumSize(560, 420)

    # ------------------------------------------------------------------ load / save

    def load(self) -> None:
        self.username_edit.setText("admin")
        self.full_name_edit.clear()
        self.password_edit.clear()
        self.repeat_edit.clear()
        self.show_page(CHOICE_PAGE)

    def save(self) -> StaffView:
        """Create the first administrator (the service refuses a second one, atomically)."""
        password = self.password_edit.text()
        if password != self.repeat_edit.text():
            raise ValidationError("the two passwords differ; type the same password twice")
        full_name = self.full_name_edit.text().strip()
        if not full_name:
            raise ValidationError("enter the administrator's full name", field="full_name")
        return run_in_background(
            self,
            "Creating the administrator…",
            lambda: auth.create_first_admin(
                self._box,
                username=self.username_edit.text(),
                full_name=full_name,
                password=password,
            ),
        )

    # ------------------------------------------------------------------ actions

    def show_page(self, page: int) -> None:
        self.pages.setCurrentIndex(page)
        on_setup = page == SETUP_PAGE
        self.back_button.setVisible(on_setup)
        self.create_button.setVisible(on_setup)
        self.continue_button.setVisible(False)
        if on_setup:
            self.header.set_subtitle("Set up a new cinema: create its administrator.")
            self.username_edit.setFocus()
        else:
            self.header.set_subtitle("This database is empty. How would you like to start?")
            self.demo_button.setFocus()

    def open_demo(self) -> bool:
        """Build the demo box office (in a worker thread, with a busy indicator); True when the
        dialog accepted."""
        try:
            run_in_background(
                self,
                "Building the demo box office: cinemas, screens, two weeks of shows…\n"
                "This takes a few seconds.",
                self._seed_demo,
                show_after_ms=0,
            )
        except DomainError as exc:
            if not demo.is_empty(self._box):
                # Another terminal set this database up meanwhile: use what it built.
                self._someone_else_was_first(
                    self.choice_message,
                    "another terminal set up this box office meanwhile; sign in with its staff "
                    "accounts",
                )
                return False
            self.choice_message.show_error(exc.message)
            return False
        self.accept()
        return True

    def create_admin(self) -> bool:
        """Create the administrator from the form; True when the dialog accepted."""
        try:
            self.created_admin = self.save()
        except InvalidState as exc:
            self._someone_else_was_first(self.setup_message, exc.message)
            return False
        except DomainError as exc:
            self.setup_message.show_error(exc.message)
            field = getattr(exc, "field", None)
            target = {
                "username": self.username_edit,
                "full_name": self.full_name_edit,
            }.get(field or "", self.password_edit)
            target.setFocus()
            return False
        FirstRunDialog._last_created_admin = self.created_admin
        self.accept()
        return True

    @classmethod
    def take_created_admin(cls) -> StaffView | None:
        """The administrator the last first-run dialog created (once; then None)."""
        created, FirstRunDialog._last_created_admin = FirstRunDialog._last_created_admin, None
        return created

    def _someone_else_was_first(self, where: MessageLabel, message: str) -> None:
        where.show_warning(f"{message.rstrip('.')}. Nothing was changed here.")
        for widget in (
            self.username_edit,
            self.full_name_edit,
            self.password_edit,
            self.repeat_edit,
            self.demo_button,
            self.setup_button,
        ):
            widget.setEnabled(False)
        self.back_button.setVisible(False)
        self.create_button.setVisible(False)
        self.continue_button.setVisible(True)
        self.continue_button.setDefault(True)
        self.continue_button.setFocus()

    @Slot()
    def _on_demo_button_clicked(self) -> None:
        self.open_demo()

    @Slot()
    def _on_setup_button_clicked(self) -> None:
        self.choice_message.clear_message()
        self.show_page(SETUP_PAGE)

    @Slot()
    def _on_back_button_clicked(self) -> None:
        self.setup_message.clear_message()
        self.show_page(CHOICE_PAGE)

    @Slot()
    def _on_create_button_clicked(self) -> None:
        self.create_admin()

    # ------------------------------------------------------------------ entry point

    @classmethod
    def ask(
        cls,
        box: BoxOffice,
        *,
        seed_demo: Callable[[], object],
        parent: QWidget | None = None,
    ) -> FirstRunOutcome | None:
        """None when the clerk gave up; else how the box office was set up (with the
        administrator just created, whom the sign-in then offers)."""
        FirstRunDialog._last_created_admin = None
        dialog = cls(box, seed_demo=seed_demo, parent=parent)
        try:
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return None
            return FirstRunOutcome(dialog.created_admin)
        finally:
            dialog.deleteLater()
