"""What other features add to a counter window: the Admin menu and Window -> Door… (issues 8
and 12); later the race lab, shifts and reports add theirs the same way.

``install_counter_extras(window, box, hub)`` runs every installer in ``COUNTER_EXTRAS`` on a new
counter window (the launcher's ``counter_window_factory`` calls it). An installer is a function
``(window, box, hub) -> object``: it adds its actions with ``window.add_window_action(menu,
action)`` (off while the counter is locked), follows the signed-in clerk through
``window.context_changed`` (Switch clerk may bring another role) and ``window.lock_changed``,
and returns the object that keeps its state (kept on the window). A feature adds itself with
``register_counter_extra(installer)``.

- **Admin -> Admin console…**: for an administrator; a supervisor sees what the console shows a
  supervisor (the audit log); a clerk has no Admin menu. The console opens for the signed-in
  staff member's own context (no second sign-in; the services check the role again), and
  closes when that person leaves the counter (lock, switch clerk, sign out).
- **Window -> Door…**: asks which door (``DoorNameDialog``, "Door 1" first), then a Door window
  admitting as the signed-in staff member; it too closes when they leave the counter.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QObject, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget

from bms_desktop.domain.errors import DomainError
from bms_desktop.domain.model import Role
from bms_desktop.gui.dialogs.door_name_dialog import DoorNameDialog
from bms_desktop.services.context import BoxOffice, CounterContext

if TYPE_CHECKING:
    from bms_desktop.gui.windows.counter_window import CounterWindow

log = logging.getLogger(__name__)

CounterExtra = Callable[["CounterWindow", BoxOffice, object], object]


class _FollowsClerk(QObject):
    """An extra whose windows belong to the staff member signed in at the counter."""

    def __init__(self, window: CounterWindow) -> None:
        super().__init__(window)
        self.window = window
        self._staff_id = window.context().staff_id
        self._opened: dict[str, QWidget] = {}  # by name (a door's), in opening order
        window.context_changed.connect(self._on_window_context_changed)
        window.lock_changed.connect(self._on_window_lock_changed)
        window.closed.connect(self.close_windows)

    def opened(self) -> dict[str, QWidget]:
        """The windows this extra opened that are still open, by name."""
        self._opened = {
            name: w for name, w in self._opened.items() if shiboken6.isValid(w) and w.isVisible()
        }
        return dict(self._opened)

    def _keep(self, name: str, widget: QWidget) -> None:
        self._opened[name] = widget

    @Slot()
    def close_windows(self) -> None:
        for widget in self.opened().values():
            widget.close()

    def sync(self, ctx: CounterContext) -> None:
        """Show what this clerk's role may use."""

    @Slot(object)
    def _on_window_context_changed(self, ctx: CounterContext) -> None:
        if ctx.staff_id != self._staff_id:  # another person at the counter: not their windows
            self._staff_id = ctx.staff_id
            self.close_windows()
        self.sync(ctx)

    @Slot(bool)
    def _on_window_lock_changed(self, locked: bool) -> None:
        if locked:
            self.close_windows()


class AdminMenuExtra(_FollowsClerk):
    """Admin -> Admin console…"""

    def __init__(self, window: CounterWindow, box: BoxOffice) -> None:
        super().__init__(window)
        self._box = box
        self.action = QAction("Admin &console…", self)
        self.action.setObjectName("adminConsoleAction")
        window.add_window_action("&Admin", self.action)
        self.menu = window.actions_.menus["Admin"]
        self.action.triggered.connect(self._on_action_triggered)
        self.sync(window.context())

    def sync(self, ctx: CounterContext) -> None:
        allowed = ctx.role.at_least(Role.SUPERVISOR)
        self.menu.menuAction().setVisible(allowed)
        self.action.setVisible(allowed)
        self.action.setText(
            "Admin &console…" if ctx.role.at_least(Role.ADMIN) else "Admin &console (audit log)…"
        )

    def open(self) -> QWidget | None:
        """The console for the signed-in staff member (None: locked, or not allowed: said in
        the status bar). An open console is raised instead of opening a second."""
        window = self.window
        ctx = window.context()
        if window.is_locked() or not ctx.role.at_least(Role.SUPERVISOR):
            window.show_status("The admin console is for supervisors and administrators.", 6000)
            return None
        for console in self.opened().values():
            console.raise_()
            console.activateWindow()
            return console
        from bms_desktop.gui.admin.admin_window import open_admin_window

        try:
            console = open_admin_window(self._box, ctx, None, window)
        except DomainError as exc:
            window.show_status(exc.message, 8000)
            return None
        self._keep("console", console)
        log.info("admin console opened for %s at %s", ctx.username, ctx.counter)
        return console

    @Slot()
    def _on_action_triggered(self) -> None:
        self.open()


class DoorMenuExtra(_FollowsClerk):
    """Window -> Door…"""

    def __init__(self, window: CounterWindow, box: BoxOffice, hub: object) -> None:
        super().__init__(window)
        self._box = box
        self._hub = hub
        self.action = QAction("&Door… (check tickets in)", self)
        self.action.setObjectName("doorAction")
        actions = window.actions_
        items = actions.menus["Window"].actions()  # after "New counter window"
        after_new = items[items.index(actions.new_counter) + 1 :]
        window.add_window_action("&Window", self.action, before=next(iter(after_new), None))
        self.action.triggered.connect(self._on_action_triggered)

    def next_door(self) -> str:
        """ "Door 1", or the first "Door N" no Door window of this counter has open."""
        taken = {name.casefold() for name in self.opened()}
        n = 1
        while f"door {n}" in taken:
            n += 1
        return f"Door {n}"

    def open(self, door: str | None = None) -> QWidget | None:
        """A Door window admitting at ``door`` (asked when None) as the signed-in staff
        member; None when cancelled or refused (said in the status bar)."""
        window = self.window
        if window.is_locked():
            return None
        name = door if door is not None else DoorNameDialog.ask(window, default=self.next_door())
        if name is None:
            return None
        from bms_desktop.gui.door.launch import open_door_window

        try:
            door_window = open_door_window(
                self._box, window.context(), self._hub, door=name, parent=window
            )
        except DomainError as exc:
            window.show_status(exc.message, 8000)
            return None
        self._keep(door_window.ctx.counter, door_window)
        return door_window

    @Slot()
    def _on_action_triggered(self) -> None:
        self.open()


def _admin_menu(window: CounterWindow, box: BoxOffice, _hub: object) -> object:
    return AdminMenuExtra(window, box)


def _door_menu(window: CounterWindow, box: BoxOffice, hub: object) -> object:
    return DoorMenuExtra(window, box, hub)


COUNTER_EXTRAS: list[CounterExtra] = [_door_menu, _admin_menu]


def register_counter_extra(installer: CounterExtra) -> None:
    """Add a feature's menu entries to every counter window opened from now on."""
    if installer not in COUNTER_EXTRAS:
        COUNTER_EXTRAS.append(installer)


def install_counter_extras(window: CounterWindow, box: BoxOffice, hub: object) -> list[object]:
    """Run every installer on ``window``; what they return is kept on the window
    (``window.extras``). A failing installer is logged and skipped: the counter still sells."""
    extras: list[object] = []
    for installer in COUNTER_EXTRAS:
        try:
            extras.append(installer(window, box, hub))
        except Exception:
            log.exception("a counter window extra failed to install: %r", installer)
    window.extras = extras
    return extras


__all__ = [
    "COUNTER_EXTRAS",
    "AdminMenuExtra",
    "CounterExtra",
    "DoorMenuExtra",
    "install_counter_extras",
    "register_counter_extra",
]
