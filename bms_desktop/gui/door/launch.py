"""Opening the Door window: from a counter (``open_door_window``, for the Window menu) or as the
program of a door PC (``launch_door``, what ``bms-desktop door`` runs: sign in, then scan)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from bms_desktop.domain.model import Role
from bms_desktop.gui.door.door_window import DoorWindow
from bms_desktop.services.context import BoxOffice, CounterContext
from bms_desktop.services.door import check_door
from bms_desktop.services.ports import ChangeFeed

log = logging.getLogger(__name__)


def open_door_window(
    box: BoxOffice,
    ctx: CounterContext,
    hub: object | None = None,
    *,
    door: str = "Door 1",
    parent: QWidget | None = None,
) -> DoorWindow:
    """A Door window for the staff member signed in at ``ctx`` (a counter's clerk), admitting
    at ``door`` (recorded as the door of every scan), sharing the counter's change hub. Shown;
    closing it leaves the counter open. Raises PermissionDenied below an usher."""
    ctx.require(Role.USHER, "Admitting tickets at the door")
    door_ctx = replace(ctx, counter=check_door(door))
    window = DoorWindow(box, door_ctx, hub, parent=parent)
    if parent is not None:
        window.setWindowFlag(Qt.WindowType.Window, True)
    window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
    window.show()
    window.raise_()
    window.activateWindow()
    log.info("door window %s opened for %s", door_ctx.counter, ctx.username)
    return window


def launch_door(
    box: BoxOffice,
    *,
    door: str,
    user: str | None,
    feed_factory: Callable[[], ChangeFeed],
) -> int:
    """Sign in at ``door`` (an usher or above: every role admits), then the Door window until
    it closes. The exit code."""
    from bms_desktop.gui.dialogs.login_dialog import LoginDialog
    from bms_desktop.gui.hub import ChangeHub
    from bms_desktop.gui.theme import apply_theme, ensure_application

    app, _created = ensure_application()
    apply_theme(app)
    signed_in = LoginDialog.ask(box, counter=door, default_user=user)
    if signed_in is None:
        return 0
    staff, door_name = signed_in
    ctx = CounterContext(
        counter=check_door(door_name), staff_id=staff.staff_id, username=staff.username,
        role=staff.role,
    )  # fmt: skip
    hub = ChangeHub(feed_factory())
    window = DoorWindow(box, ctx, hub)
    window.closed.connect(app.quit, Qt.ConnectionType.QueuedConnection)
    try:
        window.show()
        return int(app.exec())
    finally:
        hub.stop()


__all__ = ["launch_door", "open_door_window"]
