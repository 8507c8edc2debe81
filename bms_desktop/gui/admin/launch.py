"""Starting the admin console on its own: ``bms-desktop admin``, and the first run.

``launch_admin``: the application object, the first-run dialog on an empty database, a sign-in
that must be an administrator (or a supervisor, who sees the read-only parts), then the console
until it closes.

``run_first_run_console``: called by the launcher right after the first-run dialog; when that
dialog created the first administrator, the console opens for them with the getting-started
checklist, and the launcher continues to the counter sign-in once it is closed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QEventLoop, Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from bms_desktop.domain.errors import DomainError
from bms_desktop.domain.model import Role
from bms_desktop.gui.admin.admin_window import AdminWindow
from bms_desktop.gui.dialogs.first_run_dialog import FirstRunDialog
from bms_desktop.gui.dialogs.login_dialog import LoginDialog
from bms_desktop.gui.theme import apply_theme, ensure_application
from bms_desktop.services import demo
from bms_desktop.services.admin import setup
from bms_desktop.services.context import BoxOffice, CounterContext
from bms_desktop.services.dto import StaffView

log = logging.getLogger(__name__)

ADMIN_COUNTER = "Admin console"


def context_for(staff: StaffView, counter: str) -> CounterContext:
    return CounterContext(
        counter=counter, staff_id=staff.staff_id, username=staff.username, role=staff.role
    )


def run_console(window: AdminWindow) -> None:
    """Show the console and wait (in a local event loop) until it is closed."""
    loop = QEventLoop()
    window.closed.connect(loop.quit, Qt.ConnectionType.QueuedConnection)
    window.show_fitted()
    window.raise_()
    window.activateWindow()
    loop.exec()


def run_first_run_console(
    box: BoxOffice,
    counter: str,
    staff: StaffView | None = None,
    *,
    window_factory: Callable[[BoxOffice, CounterContext], AdminWindow] | None = None,
) -> AdminWindow | None:
    """If the first-run dialog just created the first administrator (``staff``, or the one the
    dialog remembers): the console with the checklist, until it is closed (then the launcher
    goes on to the counter sign-in)."""
    staff = FirstRunDialog.take_created_admin() if staff is None else staff
    if staff is None:
        return None
    ctx = context_for(staff, counter)
    try:  # the seat types the product ships with, so that the first layout can be drawn
        setup.ensure_seat_types(box, ctx)
    except DomainError as exc:
        log.warning("could not add the standard seat types: %s", exc)
    factory = window_factory or (lambda b, c: AdminWindow(b, c, show_checklist=True))
    window = factory(box, ctx)
    window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
    log.info("first run: %s sets up the box office in the admin console", staff.username)
    run_console(window)
    return window


def sign_in_admin(
    box: BoxOffice, *, counter: str, user: str | None, parent: QWidget | None = None
) -> tuple[StaffView, str] | None:
    """Sign-in until an administrator or supervisor signs in: the staff member and the counter
    name typed (None: cancelled)."""
    default_user = user
    while True:
        signed_in = LoginDialog.ask(box, counter=counter, default_user=default_user, parent=parent)
        if signed_in is None:
            return None
        staff, _counter = signed_in
        if staff.role.at_least(Role.SUPERVISOR):
            return signed_in
        QMessageBox.information(
            parent,
            "Admin console",
            f"{staff.username} is a {staff.role.value.lower()}. The admin console needs an "
            "administrator (a supervisor may look at parts of it). Sign in with such an account.",
        )
        default_user = None


def launch_admin(
    box: BoxOffice,
    *,
    counter: str = ADMIN_COUNTER,
    user: str | None = None,
    db_label: str = "",
    seed_demo: Callable[[], object] = lambda: None,
) -> int:
    """``bms-desktop admin``: sign in as an administrator, then the console; the exit code."""
    app, _created = ensure_application()
    apply_theme(app)
    staff: StaffView | None = None
    if demo.is_empty(box):
        if not FirstRunDialog.ask(box, seed_demo=seed_demo):
            return 0
        staff = FirstRunDialog.take_created_admin()
    if staff is None:
        signed_in = sign_in_admin(box, counter=counter, user=user)
        if signed_in is None:
            return 0
        staff, counter = signed_in
    window = AdminWindow(box, context_for(staff, counter), show_checklist=None, db_label=db_label)
    run_console(window)
    window.deleteLater()
    return 0


__all__ = ["launch_admin", "run_first_run_console", "sign_in_admin"]
