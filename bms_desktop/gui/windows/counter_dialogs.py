"""The dialogs a counter window opens: find a booking, keyboard shortcuts, about, and the question
before closing a counter that holds seats."""

from __future__ import annotations

from html import escape
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from bms_desktop.gui.conflict_text import join_labels
from bms_desktop.gui.controllers.sale_controller import SaleController
from bms_desktop.gui.windows.counter_actions import SHORTCUTS
from bms_desktop.services.cancellation import RefundResult
from bms_desktop.services.context import BoxOffice, CounterContext
from bms_desktop.services.dto import HoldResult


def find_booking(parent: QWidget, box: BoxOffice, controller: SaleController) -> list[RefundResult]:
    """The booking lookup (the open show offered as "This show"); the cancellations made."""
    from bms_desktop.gui.dialogs.lookup_dialog import BookingLookupDialog

    cancelled: Any = BookingLookupDialog.ask(
        box,
        controller.context(),
        print_folder=controller.print_folder(),
        show=controller.current_show(),
        parent=parent,
    )
    return list(cancelled or [])


def about(parent: QWidget, db_label: str, ctx: CounterContext) -> None:
    from bms_desktop.gui.dialogs.about_dialog import AboutDialog, AboutInfo
    from bms_desktop.paths import default_data_dir

    AboutDialog.ask(
        AboutInfo(
            database=db_label,
            data_dir=str(default_data_dir()),
            counter=f"{ctx.counter} · {ctx.username} · {ctx.strategy.label}",
        ),
        parent=parent,
    )


def shortcuts(parent: QWidget, ticket_types: str = "") -> QMessageBox:
    """The keys (F1); ``ticket_types``: the open show's cinema's types by hot key."""
    box = QMessageBox(parent)
    box.setObjectName("shortcutsBox")
    box.setWindowTitle("Keyboard shortcuts")
    box.setIcon(QMessageBox.Icon.NoIcon)
    rows = ""
    for keys, what in SHORTCUTS:
        extra = ""
        if ticket_types and keys.startswith("1 … 9,"):
            extra = f"<br><i>{escape(ticket_types)}</i>"
        rows += (
            f"<tr><td valign='top' style='padding:3px 18px 3px 0; white-space:pre'><b>{keys}</b>"
            f"</td><td valign='top' style='padding:3px 0'>{what}{extra}</td></tr>"
        )
    box.setText(f"<table cellspacing='0'>{rows}</table>")
    box.setStandardButtons(QMessageBox.StandardButton.Close)
    box.setModal(False)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.show()
    return box


def confirm_close(parent: QWidget, hold: HoldResult) -> bool:
    """Seats are held: ask before closing (the clerk may have pressed Ctrl+W by mistake)."""
    from bms_desktop.gui.dialogs.common import ConfirmDialog

    seats = join_labels(hold.seat_labels)
    return bool(
        ConfirmDialog.ask(
            parent,
            title="Close this counter?",
            text=f"{seats} {'is' if len(hold.seat_labels) == 1 else 'are'} held for payment "
            f"as {hold.ticket_code}.",
            informative="Closing releases them: they go back on sale. Take the payment "
            "first (F9) to sell them.",
            ok_text="Release and close",
            danger=True,
        )
    )


__all__ = ["about", "confirm_close", "find_booking", "shortcuts"]
