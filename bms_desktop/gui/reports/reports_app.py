"""`bms-desktop reports`: the Reports window on its own, after a supervisor's sign-in."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox

from bms_desktop.domain.model import Role
from bms_desktop.gui.dialogs.login_dialog import LoginDialog
from bms_desktop.gui.theme import apply_theme, ensure_application
from bms_desktop.services.context import BoxOffice, CounterContext

REPORTS_COUNTER = "Reports"


def launch_reports(box: BoxOffice, *, user: str | None = None) -> int:
    """Sign in (a supervisor or an admin), then the Reports window until it closes."""
    app, _created = ensure_application()
    apply_theme(app)
    while True:
        signed = LoginDialog.ask(box, counter=REPORTS_COUNTER, default_user=user)
        if signed is None:
            return 0
        staff, counter = signed
        if staff.role.at_least(Role.SUPERVISOR):
            break
        QMessageBox.warning(
            None,
            "Reports",
            f"{staff.username} is a {staff.role.value.lower()}: reports are for supervisors "
            "and administrators.",
        )
    from bms_desktop.gui.reports.reports_window import ReportsWindow

    ctx = CounterContext(counter, staff.staff_id, staff.username, staff.role)
    window = ReportsWindow(box, ctx, run_now=True)
    window.show()
    return app.exec()


def smoke_reports_window(box: BoxOffice) -> str:
    """``--smoke``: build the Reports window (and so import its charts) offscreen, then close
    it; what was built, for the smoke line. Catches a frozen build that lacks a module the
    charts import."""
    from bms_desktop.gui.reports.reports_window import ReportsWindow

    ctx = CounterContext("smoke", None, "smoke", Role.SUPERVISOR)
    window = ReportsWindow(box, ctx)
    try:
        window.chart.set_table(None)
        return "reports window"
    finally:
        window.close()
        window.deleteLater()
