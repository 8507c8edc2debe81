"""The counter window's menus and keyboard actions, and the place where other features add theirs
(``CounterActions.add_window_action``: an "Admin" menu, a "Shift" menu...).
"""

from __future__ import annotations

from typing import Final

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu

from bms_desktop.domain.model import PaymentMode, Strategy

MENU_ORDER: Final = ("&Window", "&Counter", "&Bookings", "&Help")

SHORTCUTS: Final[tuple[tuple[str, str], ...]] = (
    ("Ctrl+L  or  F3", "Search shows (type, then Down to the list, Enter opens)"),
    ("F4", "Go to the seat map"),
    ("Arrows, Space", "Move on the map, pick or drop a seat"),
    ("1 … 9", "On the map: pick that many best seats (together, or the best split)"),
    ("Ctrl+wheel, Ctrl+= / Ctrl+-", "Zoom the seat map in and out"),
    ("Ctrl+0", "Fit the seat map to the window"),
    ("Enter  or  F5", "Hold the picked seats"),
    ("F6", "Ticket types: the cursor to the basket's seat lines (Up/Down, Shift, Ctrl+A)"),
    ("1 … 9, Space", "In the seat lines: that ticket type (Adult, Child…), or the next one"),
    ("F9", "Take payment and print the ticket"),
    ("Alt+U / C / N / S", "Pay by UPI / card / netbanking / cash (the cursor goes to its field)"),
    ("F8  or  Esc", "Release the held seats"),
    ("F7", "Seats this counter still holds on another show"),
    ("Ctrl+P", "Print the last ticket again"),
    ("Ctrl+F", "Find a booking (reprint, cancel, refund)"),
    ("Ctrl+R", "Reload the seat map"),
    ("Ctrl+Shift+L", "Lock the counter (a break); Counter menu: switch clerk, sign out"),
    ("Ctrl+Shift+N", "New counter window"),
    ("F1", "This list"),
)


class CounterActions(QObject):
    """Every QAction of one counter window, its menus, and a registry for more."""

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self._window = window
        self.menus: dict[str, QMenu] = {}
        self._extra_selling: list[QAction] = []  # added by other features; off while locked
        bar = window.menuBar()
        for title in MENU_ORDER:
            self.menus[title.replace("&", "")] = bar.addMenu(title)

        self.new_counter = self._action("&New counter window", "Ctrl+Shift+N")
        self.close = self._action("&Close window", "Ctrl+W")
        self._add("Window", self.new_counter, None, self.close)

        counter = self.menus["Counter"]
        strategy_menu = counter.addMenu("&Strategy")
        self.strategy_group = QActionGroup(self)
        self.strategy_group.setExclusive(True)
        self.strategies: dict[Strategy, QAction] = {}
        for strategy in Strategy:
            action = QAction(strategy.label, self)
            action.setCheckable(True)
            action.setData(strategy.value)
            self.strategy_group.addAction(action)
            strategy_menu.addAction(action)
            self.strategies[strategy] = action
        self.strategy_menu = strategy_menu
        self.delay = QAction("Processing &delay inside the transaction…", self)
        self.search = self._action("&Search shows", "Ctrl+L", "F3")
        self.map = self._action("Go to the seat &map", "F4")
        self.reload = self._action("&Reload the seat map", "Ctrl+R")
        self.zoom_in = self._action("Zoom &in", "Ctrl+=", "Ctrl++")
        self.zoom_out = self._action("Zoom &out", "Ctrl+-")
        self.zoom_fit = self._action("&Fit the map to the window", "Ctrl+0")
        self.hold = self._action("&Hold the picked seats", "F5")
        self.pay = self._action("Take &payment", "F9")
        self.ticket_types = self._action("Choose &ticket types…", "F6")
        self.release = self._action("&Release the held seats", "F8")
        self.print_again = self._action("Print the last ticket &again", "Ctrl+P")
        self.pending = self._action("Seats &held by this counter…", "F7")
        self.lock = self._action("&Lock the counter", "Ctrl+Shift+L")
        self.switch_clerk = self._action("S&witch clerk…")
        self.sign_out = self._action("Sign &out")
        self._add("Counter", self.delay, None, self.search, self.map, self.reload)
        self._add("Counter", self.zoom_in, self.zoom_out, self.zoom_fit, None)
        self._add("Counter", self.hold, self.ticket_types, self.pay, self.release)
        self._add("Counter", self.print_again, self.pending)
        self._add("Counter", None, self.lock, self.switch_clerk, self.sign_out)

        self.pay_modes: dict[PaymentMode, QAction] = {
            PaymentMode.UPI: self._action("Pay by UPI", "Alt+U"),
            PaymentMode.CREDIT_CARD: self._action("Pay by card", "Alt+C"),
            PaymentMode.NETBANKING: self._action("Pay by netbanking", "Alt+N"),
            PaymentMode.CASH: self._action("Pay by cash", "Alt+S"),
        }

        self.find_booking = self._action("&Find booking…", "Ctrl+F")
        self._add("Bookings", self.find_booking)
        self.shortcuts = self._action("&Keyboard shortcuts", "F1")
        self.about = QAction("&About BMS Box Office", self)
        self._add("Help", self.shortcuts, self.about)

    def _action(self, text: str, *keys: str) -> QAction:
        action = QAction(text, self)
        if keys:
            action.setShortcuts([QKeySequence(k) for k in keys])
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            self._window.addAction(action)
        return action

    def _add(self, menu: str, *actions: QAction | None) -> None:
        for action in actions:
            if action is None:
                self.menus[menu].addSeparator()
            else:
                self.menus[menu].addAction(action)

    def add_window_action(
        self,
        menu_name: str,
        action: QAction,
        *,
        while_locked: bool = False,
        before: QAction | None = None,
    ) -> QAction:
        """Add ``action`` to the menu called ``menu_name`` (created before Help if new, e.g.
        "Admin"; at its end, or ``before`` one of its actions); its shortcut works anywhere in
        the window. For features outside the counter (administration, the door, shifts). It
        acts for the signed-in clerk, so it is off while the counter is locked, unless
        ``while_locked``."""
        if not while_locked:
            self._extra_selling.append(action)
        name = menu_name.replace("&", "")
        menu = self.menus.get(name)
        if menu is None:
            bar = self._window.menuBar()
            menu = QMenu(menu_name, bar)
            bar.insertMenu(self.menus["Help"].menuAction(), menu)
            self.menus[name] = menu
        if before is not None:
            menu.insertAction(before, action)
        else:
            menu.addAction(action)
        if not action.shortcut().isEmpty():
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            self._window.addAction(action)
        return action

    def selling(self) -> tuple[QAction, ...]:
        """The actions that act for the signed-in clerk (off while the counter is locked)."""
        return (
            self.hold,
            self.ticket_types,
            self.pay,
            self.release,
            self.print_again,
            self.pending,
            self.find_booking,
            self.search,
            self.map,
            self.reload,
            self.lock,
            self.switch_clerk,
            self.sign_out,
            self.delay,
            *self.strategies.values(),
            *self.pay_modes.values(),
            *self._extra_selling,
        )


def shortcut_help_text() -> str:
    return "\n".join(f"{keys}: {what}" for keys, what in SHORTCUTS)


__all__ = ["SHORTCUTS", "CounterActions", "shortcut_help_text"]
