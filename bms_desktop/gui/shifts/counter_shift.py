"""The shift inside a counter window (issue 11): one call wires it all.

    self.shifts = attach_shift(window)     # in CounterWindow.__init__, after its actions

- a Shift menu (through ``CounterActions.add_window_action``): open a shift, cash drop, top-up,
  print the X report, count and close; Split payment… (Ctrl+F9); Reports… (Ctrl+Shift+R);
- the shift as a pill in the status bar (clerk, since when, what the drawer should hold);
- the drawer reloaded after a sale, a refund, a change of clerk.

The window asks ``shifts.ensure_shift(window)`` before it takes a payment: a clerk without an
open shift is offered the float dialog instead of the service's refusal.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence

from bms_desktop.domain.errors import DomainError
from bms_desktop.domain.model import PaymentMode
from bms_desktop.gui.controllers.sale_state import PaymentInput
from bms_desktop.gui.shifts.shift_controller import ShiftController, ShiftStatusLabel
from bms_desktop.gui.shifts.split_dialog import SplitTenderDialog

log = logging.getLogger(__name__)
SHIFT_MENU = "S&hift"


class CounterShift(QObject):
    """The counter's shift actions (kept by the window as ``window.shifts``)."""

    def __init__(self, window: Any, box: Any) -> None:
        super().__init__(window)
        self._window = window
        self._box = box
        self.controller = ShiftController(
            box, window.controller.context(), print_folder=window.print_folder(), parent=self
        )
        c = self.controller
        self.actions: dict[str, QAction] = {}

        def add(name: str, text: str, slot: Any, shortcut: str = "") -> QAction:
            action = QAction(text, window)
            action.setObjectName(name)
            if shortcut:
                action.setShortcut(QKeySequence(shortcut))
            action.triggered.connect(slot)
            window.actions_.add_window_action(SHIFT_MENU, action)
            self.actions[name] = action
            return action

        add("openShiftAction", "&Open shift…", lambda: c.open_shift(window))
        add("splitPaymentAction", "&Split payment…", self.split_payment, "Ctrl+F9")
        add("cashDropAction", "Cash &drop to the safe…", lambda: c.cash_movement(window, "DROP"))
        add("topUpAction", "&Top up the drawer…", lambda: c.cash_movement(window, "TOPUP"))
        add("xReportAction", "Print &X report", lambda: c.print_x_report(window))
        add("closeShiftAction", "&Count and close shift…", lambda: c.close_shift(window))
        add("reportsAction", "&Reports…", self.open_reports, "Ctrl+Shift+R")
        self.status = ShiftStatusLabel(c, window)
        window.statusBar().addPermanentWidget(self.status)
        c.message.connect(lambda text, _kind: window.show_status(text, 10_000))
        c.shift_changed.connect(self._sync)
        c.drawer_changed.connect(self._sync)
        window.controller.sale_completed.connect(lambda _code: c.refresh())
        window.context_changed.connect(self._on_context_changed)
        self._sync()
        c.refresh()

    def ensure_shift(self, parent: Any = None) -> bool:
        """Before taking money (the F9 path and the split payment)."""
        c = self.controller
        if c.loaded and c.can_sell() and c.resumed_here():
            return True
        return c.ensure_shift(parent or self._window)

    def refresh(self) -> None:
        self.controller.refresh()

    def split_payment(self) -> None:
        window = self._window
        quote = window.basket.quote()
        if window.controller.current_hold() is None or quote is None:
            window.show_status("Hold seats first (Enter or F5), then take a split payment.", 6000)
            return
        if not self.ensure_shift(window):
            return
        tenders = SplitTenderDialog.ask(quote.total, parent=window)
        if not tenders:
            return
        pay = window.basket.payment()
        window.controller.pay(
            PaymentInput(
                mode=PaymentMode(tenders[0].mode),
                reference="",
                customer_name=pay.customer_name,
                customer_phone=pay.customer_phone,
                split=tenders,
            )
        )

    def open_reports(self) -> None:
        from bms_desktop.gui.reports.reports_window import open_reports_window

        try:
            open_reports_window(self._box, self.controller.ctx, parent=self._window)
        except DomainError as exc:
            self._window.show_status(str(exc), 8000)

    def _on_context_changed(self, ctx: Any) -> None:
        now = self.controller.ctx
        if (ctx.staff_id, ctx.counter) != (now.staff_id, now.counter):
            self.controller.set_context(ctx)

    def _sync(self, _value: object = None) -> None:
        c = self.controller
        has = c.shift() is not None
        mine = c.can_sell()
        staffed = c.ctx.staff_id is not None
        self.actions["openShiftAction"].setEnabled(staffed and not has)
        for name in ("cashDropAction", "topUpAction"):
            self.actions[name].setEnabled(mine)
        self.actions["xReportAction"].setEnabled(has)
        self.actions["closeShiftAction"].setEnabled(has)


def attach_shift(window: Any, box: Any) -> CounterShift:
    """Wire the shift into a counter window; see the module docstring."""
    shift = CounterShift(window, box)
    shift.setObjectName("counterShift")
    return shift


__all__ = ["SHIFT_MENU", "CounterShift", "attach_shift"]
