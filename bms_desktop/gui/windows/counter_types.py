"""Ticket types in the counter window (issue 8): binds the basket's seat lines to the controller.

F6 (Counter -> Choose ticket types) puts the cursor on the basket's seat lines; a digit or Space
there asks for a type (``BasketWidget.ticket_types_requested``). A type that needs a supervisor
(Complimentary) on held seats first gets an approval: a supervisor signs in on this terminal
(``SupervisorApprovalDialog`` -> ``auth.grant_approval``, the same service-issued, one-time
approval as a cancellation), and the controller passes it to ``set_ticket_types``, which checks
and uses it up. Without an approval nothing changes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Slot

from bms_desktop.gui.conflict_text import join_labels
from bms_desktop.gui.dialogs.approval_dialog import SupervisorApprovalDialog
from bms_desktop.services.admin import ticket_types
from bms_desktop.services.context import BoxOffice

if TYPE_CHECKING:
    from bms_desktop.gui.windows.counter_window import CounterWindow


class TicketTypesBinder(QObject):
    """The counter window's ticket-type flow (a child of the window)."""

    def __init__(self, window: CounterWindow, box: BoxOffice) -> None:
        super().__init__(window)
        self._window = window
        self._box = box
        controller, basket = window.controller, window.basket
        controller.ticket_types_changed.connect(basket.set_type_choices)
        basket.ticket_types_requested.connect(self._on_basket_ticket_types_requested)
        basket.map_requested.connect(window.go_to_map)
        window.actions_.ticket_types.triggered.connect(self._on_ticket_types_triggered)

    def choose(self, types: Mapping[str, str]) -> bool:
        """Give the basket's seats ({label: code}) these types, asking a supervisor first where
        a type needs one; False when nothing was sent."""
        window = self._window
        controller = window.controller
        approval: object | None = None
        needing = controller.types_needing_approval(types)
        hold = controller.current_hold()
        if needing and hold is not None:
            names = " and ".join(c.name for c in needing)
            codes = {c.code for c in needing}
            labels = [label for label, code in types.items() if code.upper() in codes]
            approval = SupervisorApprovalDialog.ask(
                self._box,
                ctx=controller.context(),
                action=ticket_types.APPROVAL_ACTION,
                subject=hold.ticket_id,
                action_text=f"{names} ticket for {join_labels(labels)} ({hold.ticket_code})",
                parent=window,
            )
            if approval is None:
                window.show_status("Ticket types not changed: no supervisor approved them.", 6000)
                return False
        return controller.set_ticket_types(types, approval)

    @Slot(object)
    def _on_basket_ticket_types_requested(self, types: Mapping[str, str]) -> None:
        self.choose(types)

    @Slot()
    def _on_ticket_types_triggered(self) -> None:
        window = self._window
        window.side_tabs.setCurrentWidget(window.basket_scroll)
        if not window.basket.focus_ticket_types():
            window.show_status("Pick seats first, then choose their ticket types (F6).", 6000)


__all__ = ["TicketTypesBinder"]
