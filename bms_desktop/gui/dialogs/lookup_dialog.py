"""Find a booking by ticket code (whole or a part of it), phone number or customer's name, in all
shows or the one open at the counter; see it; reprint it; cancel and refund it.

Cancelling needs a supervisor. A clerk's counter asks one to sign in here
(``SupervisorApprovalDialog``: the service checks the sign-in and issues a one-time approval);
the refund amount is shown before anything is done, and the cancellation service accepts only
an approval it issued (a clerk alone is refused even if this dialog were bypassed). A refund slip
with the approver is printed. Every refusal (too late, not confirmed, wrong role) is shown as a
message; nothing changes on a refusal.

The search box keeps the keyboard: Enter searches, Up and Down walk the results.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt, QUrl, Slot
from PySide6.QtGui import QColor, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from bms_desktop.domain import cinema_time, limits
from bms_desktop.domain.errors import DomainError
from bms_desktop.domain.model import Role, TicketStatus
from bms_desktop.gui import printing
from bms_desktop.gui.dialogs.approval_dialog import SupervisorApprovalDialog
from bms_desktop.gui.dialogs.common import (
    ConfirmDialog,
    DialogHeader,
    MessageLabel,
    run_in_background,
    separator,
    styled_button,
    styled_label,
)
from bms_desktop.gui.formatting import money, payment_mode, status_text
from bms_desktop.services import cancellation, queries
from bms_desktop.services.approvals import CANCEL_REFUND
from bms_desktop.services.cancellation import RefundResult
from bms_desktop.services.context import BoxOffice, CounterContext
from bms_desktop.services.dto import BookingView, ShowSummary

STATUS_COLOURS = {
    "CONFIRMED": ("#DDF1E5", "#165E38"),
    "CANCELLED": ("#FBE0DE", "#8F1E17"),
    "EXPIRED": ("#E9ECF0", "#3A4048"),
    "PENDING_PAYMENT": ("#FFF1D1", "#7A4F00"),
}
COLUMNS = ("Ticket", "Show", "Status")


class BookingLookupDialog(QDialog):
    """``ask()`` returns the cancellations made in it (``RefundResult``s: their shows and
    seats changed)."""

    def __init__(
        self,
        box: BoxOffice,
        ctx: CounterContext,
        *,
        print_folder: Path | None = None,
        show: ShowSummary | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._box = box
        self._ctx = ctx
        self._print_folder = print_folder
        self._show = show
        self._bookings: list[BookingView] = []
        self._refund: Decimal | None = None
        self.cancelled: list[RefundResult] = []
        self.last_printed: tuple[Path, ...] | None = None
        self.setObjectName("bookingLookupDialog")
        self.setWindowTitle(f"Find a booking – {ctx.counter}")
        self._build()
        self.load([])

    # ------------------------------------------------------------------ building

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        self.header = DialogHeader(
            "Find a booking",
            "By ticket code (all or part of it, e.g. 7K3Q), phone number or customer's name.",
            self,
        )
        outer.addWidget(self.header)

        body = QVBoxLayout()
        body.setContentsMargins(20, 14, 20, 12)
        body.setSpacing(10)
        outer.addLayout(body, 1)

        search_row = QHBoxLayout()
        search_row.setSpacing(8)
        self.search_edit = QLineEdit(self)
        self.search_edit.setObjectName("lookupSearchEdit")
        self.search_edit.setPlaceholderText("Ticket code, part of it, phone number or name")
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setMaxLength(limits.SEARCH_TEXT_MAX)
        self.search_edit.returnPressed.connect(self._on_search_edit_return_pressed)
        self.search_edit.installEventFilter(self)
        self.scope_combo = QComboBox(self)
        self.scope_combo.setObjectName("lookupScope")
        self.scope_combo.setAccessibleName("Search in")
        self.scope_combo.addItem("All shows", None)
        if self._show is not None:
            tz = self._show.timezone
            self.scope_combo.addItem(
                f"This show: {self._show.movie_title}, "
                f"{cinema_time.day_clock(self._show.starts_at, tz)}",
                self._show.show_id,
            )
        self.scope_combo.setVisible(self.scope_combo.count() > 1)
        self.scope_combo.currentIndexChanged.connect(self._on_scope_combo_current_index_changed)
        self.search_button = styled_button("Search", "primary", self)
        self.search_button.setObjectName("lookupSearchButton")
        self.search_button.clicked.connect(self._on_search_button_clicked)
        search_row.addWidget(self.search_edit, 1)
        search_row.addWidget(self.scope_combo)
        search_row.addWidget(self.search_button)
        body.addLayout(search_row)
        self.message = MessageLabel(self)
        body.addWidget(self.message)

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.setChildrenCollapsible(False)
        self.results = QTableWidget(0, len(COLUMNS), splitter)
        self.results.setObjectName("lookupResults")
        self.results.setHorizontalHeaderLabels(list(COLUMNS))
        self.results.verticalHeader().hide()
        self.results.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.results.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.results.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.results.setAlternatingRowColors(True)
        self.results.setShowGrid(False)
        self.results.setWordWrap(False)
        header = self.results.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.results.currentCellChanged.connect(self._on_results_current_cell_changed)
        self.results.setMinimumWidth(360)

        right = QWidget(splitter)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.setSpacing(10)
        self.details = QTextBrowser(right)
        self.details.setObjectName("lookupDetails")
        self.details.setOpenLinks(False)
        self.details.setMinimumWidth(400)
        self.details.setMinimumHeight(250)
        right_layout.addWidget(self.details, 1)

        self.cancel_box = QGroupBox("Cancel and refund", right)
        self.cancel_box.setObjectName("cancelBox")
        cancel_layout = QVBoxLayout(self.cancel_box)
        cancel_layout.setSpacing(8)
        self.fee_edit = QLineEdit(self.cancel_box)
        self.fee_edit.setObjectName("feeEdit")
        self.fee_edit.setMaxLength(12)
        self.fee_edit.setFixedWidth(90)
        self.fee_edit.textChanged.connect(self._on_fee_edit_text_changed)
        self.reason_edit = QLineEdit(self.cancel_box)
        self.reason_edit.setObjectName("reasonEdit")
        self.reason_edit.setMaxLength(80)
        self.reason_edit.setPlaceholderText("optional, e.g. customer cannot come")
        fields = QHBoxLayout()
        fields.setSpacing(8)
        fee_label = QLabel("&Fee", self.cancel_box)
        fee_label.setBuddy(self.fee_edit)
        reason_label = QLabel("&Reason", self.cancel_box)
        reason_label.setBuddy(self.reason_edit)
        fields.addWidget(fee_label)
        fields.addWidget(self.fee_edit)
        fields.addSpacing(10)
        fields.addWidget(reason_label)
        fields.addWidget(self.reason_edit, 1)
        cancel_layout.addLayout(fields)
        refund_row = QHBoxLayout()
        refund_row.setSpacing(8)
        refund_row.addWidget(styled_label("Refund", "muted", self.cancel_box))
        self.refund_label = styled_label("–", "total", self.cancel_box)
        self.refund_label.setObjectName("refundAmount")
        refund_row.addWidget(self.refund_label)
        self.refund_mode_label = styled_label("", "muted", self.cancel_box)
        refund_row.addWidget(self.refund_mode_label)
        refund_row.addStretch(1)
        self.cancel_button = styled_button("Cancel and refund…", "danger", self.cancel_box)
        self.cancel_button.setObjectName("cancelRefundButton")
        self.cancel_button.clicked.connect(self._on_cancel_button_clicked)
        refund_row.addWidget(self.cancel_button)
        cancel_layout.addLayout(refund_row)
        self.cancel_message = MessageLabel(self.cancel_box)
        cancel_layout.addWidget(self.cancel_message)
        right_layout.addWidget(self.cancel_box)
        splitter.addWidget(self.results)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 4)
        splitter.setStretchFactor(1, 5)
        splitter.setSizes([430, 530])
        body.addWidget(splitter, 1)

        outer.addWidget(separator(self))
        buttons = QHBoxLayout()
        buttons.setContentsMargins(20, 10, 20, 12)
        buttons.setSpacing(8)
        self.folder_label = styled_label("", "small", self)
        self.folder_label.setObjectName("printFolderLabel")
        self.folder_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        buttons.addWidget(self.folder_label, 1)
        self.reprint_button = styled_button("Reprint ticket and receipt", None, self)
        self.reprint_button.setObjectName("reprintButton")
        self.reprint_button.clicked.connect(self._on_reprint_button_clicked)
        self.close_button = styled_button("Close", None, self)
        self.close_button.clicked.connect(self.accept)
        buttons.addWidget(self.reprint_button)
        buttons.addWidget(self.close_button)
        outer.addLayout(buttons)
        self.resize(1000, 700)

    # ------------------------------------------------------------------ load

    def load(self, bookings: Sequence[BookingView]) -> None:
        """Show these bookings in the result list and the first one in detail."""
        self._bookings = list(bookings)
        self.results.blockSignals(True)
        self.results.setRowCount(len(self._bookings))
        for row, b in enumerate(self._bookings):
            self._fill_row(row, b)
        if self._bookings:
            self.results.setCurrentCell(0, 0)
        self.results.blockSignals(False)
        self._show_booking(self._bookings[0] if self._bookings else None)
        self.folder_label.setText(f"Prints to {self._folder_text()}")

    def _fill_row(self, row: int, b: BookingView) -> None:
        starts, tz = b.show.starts_at, b.show.timezone
        who = f" · {b.customer_name}" if b.customer_name else ""
        cells = (
            b.code,
            f"{cinema_time.day(starts, tz)} {cinema_time.clock(starts, tz)} · "
            f"{b.show.movie_title}{who}",
            status_text(b.status),
        )
        for col, text in enumerate(cells):
            item = QTableWidgetItem(text)
            item.setToolTip(
                f"{b.code}: {b.show.movie_title}, {cinema_time.full(starts, tz)}, "
                f"{', '.join(b.seat_labels)}, {money(b.total)}"
            )
            if col == 2:
                item.setForeground(QColor(STATUS_COLOURS.get(str(b.status), ("", "#3A4048"))[1]))
            self.results.setItem(row, col, item)

    def _folder_text(self) -> str:
        return str(self._print_folder) if self._print_folder else "the tickets folder in Documents"

    # ------------------------------------------------------------------ queries

    @property
    def current(self) -> BookingView | None:
        row = self.results.currentRow()
        if 0 <= row < len(self._bookings):
            return self._bookings[row]
        return None

    def scope_show_id(self) -> int | None:
        value = self.scope_combo.currentData()
        return value if isinstance(value, int) else None

    def search(self, text: str | None = None) -> list[BookingView]:
        """Find bookings by (part of a) code, phone or name, in the chosen shows, and show them;
        the list found (empty on a refusal). The keyboard stays in the search box."""
        if text is not None:
            self.search_edit.setText(text)
        query = self.search_edit.text().strip()
        show_id = self.scope_show_id()
        self.message.clear_message()
        try:
            found = queries.find_bookings(self._box, query, show_id=show_id)
        except DomainError as exc:
            self.message.show_error(exc.message)
            self.load([])
            return []
        self.load(found)
        where = " in this show" if show_id is not None else ""
        if not found:
            self.message.show_info(
                f"No booking matches “{query}”{where}. Type a ticket code or 3 or more of its "
                "letters, a phone number (6 digits or more) or part of the customer's name."
                if query
                else f"No bookings{where} yet."
            )
        elif len(found) > 1:
            what = f"for “{query}”" if query else where.strip()
            self.message.show_info(
                f"{len(found)} bookings {what}, newest first (Up and Down walk them)."
            )
        self.search_edit.setFocus()
        self.search_edit.selectAll()
        return found

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Up and Down in the search box walk the results without leaving it."""
        if (
            watched is self.search_edit
            and isinstance(event, QKeyEvent)
            and event.type() == QEvent.Type.KeyPress
        ):
            step = {Qt.Key.Key_Down: 1, Qt.Key.Key_Up: -1}.get(Qt.Key(event.key()), 0)
            if step and self.results.rowCount():
                row = max(0, min(self.results.rowCount() - 1, self.results.currentRow() + step))
                self.results.setCurrentCell(row, 0)
                return True
        return super().eventFilter(watched, event)

    def refresh_current(self) -> None:
        b = self.current
        if b is None:
            return
        fresh = queries.get_booking(self._box, b.ticket_id)
        row = self.results.currentRow()
        self._bookings[row] = fresh
        self._fill_row(row, fresh)
        self._show_booking(fresh)

    # ------------------------------------------------------------------ details

    def _show_booking(self, b: BookingView | None) -> None:
        self.cancel_message.clear_message()
        self.details.setHtml(_details_html(b) if b else _EMPTY_HTML)
        refunded = b is not None and any(p.kind == "REFUND" for p in b.payments)
        self.reprint_button.setText(
            "Print the refund slip again"
            if refunded and b is not None and b.status != TicketStatus.CONFIRMED
            else "Reprint ticket and receipt"
        )
        self.reprint_button.setEnabled(
            b is not None and (b.status == TicketStatus.CONFIRMED or refunded)
        )
        self.reprint_button.setToolTip(
            ""
            if b is None or b.status == TicketStatus.CONFIRMED or refunded
            else "Only a confirmed booking can be reprinted; this one is "
            f"{status_text(b.status).lower()}."
        )
        self.cancel_box.setEnabled(b is not None)
        self.fee_edit.blockSignals(True)
        self.fee_edit.clear()
        self.fee_edit.blockSignals(False)
        self.reason_edit.clear()
        if b is not None:
            default_fee = self._box.settings().cancellation_fee
            self.fee_edit.setPlaceholderText(default_fee)
        self.update_refund_preview()

    def update_refund_preview(self) -> Decimal | None:
        """The refund the current booking would get with the fee typed; shown with the reason
        when it cannot be cancelled. None when it cannot."""
        b = self.current
        self._refund = None
        self.cancel_message.clear_message()
        if b is None:
            self.refund_label.setText("–")
            self.refund_mode_label.clear()
            self.cancel_button.setEnabled(False)
            return None
        try:
            self._refund = cancellation.refund_preview(
                self._box, ticket_id=b.ticket_id, fee=self._fee()
            )
        except DomainError as exc:
            self.refund_label.setText("–")
            self.refund_mode_label.clear()
            self.cancel_button.setEnabled(False)
            if getattr(exc, "field", None) == "fee":
                self.cancel_message.show_error(exc.message)
            else:
                self.cancel_message.show_warning(exc.message)
            return None
        self.refund_label.setText(money(self._refund))
        self.refund_mode_label.setText(f"to {_paid_mode(b)}")
        self.cancel_button.setEnabled(True)
        if not self._ctx.role.at_least(Role.SUPERVISOR):
            self.cancel_button.setToolTip("A supervisor signs in to approve it.")
        return self._refund

    def _fee(self) -> str | None:
        text = self.fee_edit.text().strip()
        return text or None

    # ------------------------------------------------------------------ commands

    def reprint(self) -> tuple[Path, ...] | None:
        """A duplicate ticket and receipt (the originals stay), or for a refunded booking a copy
        of its refund slip."""
        b = self.current
        if b is None:
            return None
        refunded = any(p.kind == "REFUND" for p in b.payments)
        if b.status != TicketStatus.CONFIRMED and not refunded:
            self.message.show_error(
                f"only a confirmed booking can be reprinted; {b.code} is "
                f"{status_text(b.status).lower()}"
            )
            return None
        try:
            folder = self._print_folder or printing.default_print_folder()
            if b.status == TicketStatus.CONFIRMED:
                paths: tuple[Path, ...] = printing.print_ticket_and_receipt(b, folder, reprint=True)
            else:
                paths = (printing.print_refund_slip(b, folder),)
        except (OSError, ValueError) as exc:
            self.message.show_error(f"could not print {b.code}: {exc}")
            return None
        self.last_printed = paths
        self._say_printed(f"Printed <b>{html.escape(b.code)}</b> again", paths)
        return paths

    def _say_printed(self, what_html: str, paths: tuple[Path, ...]) -> None:
        e = html.escape
        url = QUrl.fromLocalFile(str(paths[0].parent)).toString()
        names = " and ".join(e(p.name) for p in paths)
        self.message.show_message(
            f'{what_html}: {names} in <a href="{url}">{e(str(paths[0].parent))}</a>.',
            "success",
            rich=True,
        )

    def cancel_and_refund(self) -> bool:
        """Cancel the current booking and refund it, approved by a supervisor; True when done."""
        b = self.current
        if b is None:
            return False
        refund = self.update_refund_preview()
        if refund is None:
            return False
        show = b.show
        when = cinema_time.full(show.starts_at, show.timezone)
        action = (
            f"Cancel {b.code}: {show.movie_title}, {when}, "
            f"seat{'s' if len(b.seat_labels) != 1 else ''} {', '.join(b.seat_labels)}; "
            f"refund {money(refund)} to {_paid_mode(b)}."
        )
        approval = None
        if self._ctx.role.at_least(Role.SUPERVISOR):
            if not ConfirmDialog.ask(
                self,
                title="Cancel and refund",
                text=action,
                informative="The seats go back on sale at once. This cannot be undone.",
                ok_text="Cancel and refund",
                danger=True,
            ):
                return False
        else:
            approval = SupervisorApprovalDialog.ask(
                self._box,
                ctx=self._ctx,
                action=CANCEL_REFUND,
                subject=b.ticket_id,
                action_text=action,
                amount=refund,
                amount_label="Refund",
                parent=self,
            )
            if approval is None:
                self.cancel_message.show_info(
                    "not cancelled: no supervisor approved it; nothing was changed"
                )
                return False
        box, ctx, fee, reason = self._box, self._ctx, self._fee(), self.reason_edit.text().strip()
        try:
            # A write: it may wait for another counter's lock, so off the GUI thread.
            result = run_in_background(
                self,
                f"Cancelling {b.code}…",
                lambda: cancellation.cancel_booking(
                    box, ctx, ticket_id=b.ticket_id, approval=approval, fee=fee, reason=reason
                ),
            )
        except DomainError as exc:
            self.refresh_current()
            self.cancel_message.show_error(f"{exc.message.rstrip('.')}. Nothing was changed.")
            return False
        self.cancelled.append(result)
        self.refresh_current()
        fee_text = f" after a fee of {money(result.fee)}" if result.fee else ""
        done = (
            f"Cancelled {result.ticket_code}: {money(result.refund)} refunded to "
            f"{payment_mode(result.mode.value)}{fee_text}, approved by {result.approved_by}. "
            "The seats are back on sale."
        )
        cancelled = self.current
        try:
            folder = self._print_folder or printing.default_print_folder()
            slip = printing.print_refund_slip(cancelled, folder) if cancelled else None
        except (OSError, ValueError) as exc:
            self.message.show_warning(f"{done} The refund slip could not be printed: {exc}")
            return True
        if slip is not None:
            self.last_printed = (slip,)
            self._say_printed(f"{html.escape(done)} Refund slip", (slip,))
        else:
            self.message.show_success(done)
        return True

    @property
    def changed_show_ids(self) -> set[int]:
        """The shows whose seats the cancellations made here gave back."""
        return {r.show_id for r in self.cancelled}

    # ------------------------------------------------------------------ slots

    @Slot()
    def _on_search_edit_return_pressed(self) -> None:
        self.search()

    @Slot()
    def _on_search_button_clicked(self) -> None:
        self.search()

    @Slot(int, int, int, int)
    def _on_results_current_cell_changed(
        self, row: int, _col: int, _prev_row: int, _prev_col: int
    ) -> None:
        if 0 <= row < len(self._bookings):
            self._show_booking(self._bookings[row])

    @Slot(int)
    def _on_scope_combo_current_index_changed(self, _index: int) -> None:
        if self.search_edit.text().strip() or self.scope_show_id() is not None:
            self.search()

    @Slot(str)
    def _on_fee_edit_text_changed(self, _text: str) -> None:
        self.update_refund_preview()

    @Slot()
    def _on_reprint_button_clicked(self) -> None:
        self.reprint()

    @Slot()
    def _on_cancel_button_clicked(self) -> None:
        self.cancel_and_refund()

    # ------------------------------------------------------------------ entry point

    @classmethod
    def ask(
        cls,
        box: BoxOffice,
        ctx: CounterContext,
        *,
        print_folder: Path | None = None,
        text: str = "",
        show: ShowSummary | None = None,
        parent: QWidget | None = None,
    ) -> list[RefundResult]:
        """Run the lookup; the cancellations made in it."""
        dialog = cls(box, ctx, print_folder=print_folder, show=show, parent=parent)
        try:
            if text:
                dialog.search(text)
            else:
                dialog.search_edit.setFocus()
            dialog.exec()
            return list(dialog.cancelled)
        finally:
            dialog.deleteLater()


# --------------------------------------------------------------------------- details as HTML

_EMPTY_HTML = (
    "<p style='color:#5F6670; margin:12px'>Search for a booking to see it here: its show, "
    "seats, prices and payments.</p>"
)


def _paid_mode(b: BookingView) -> str:
    paid = [p for p in b.payments if p.kind == "PAYMENT" and p.status == "SUCCESS"]
    return payment_mode(paid[-1].mode) if paid else "the original payment"


MUTED = "color:#5F6670;"
CELL = "padding:2px 10px 2px 0;"


def _row(*cells: str, styles: Sequence[str] = ()) -> str:
    """A table row; the last cell is right-aligned when there are three (amounts)."""
    out = []
    for i, cell in enumerate(cells):
        style = styles[i] if i < len(styles) else CELL
        align = " align='right'" if len(cells) == 3 and i == 2 else ""
        out.append(f"<td{align} style='{style}'>{cell}</td>")
    return f"<tr>{''.join(out)}</tr>"


def _details_html(b: BookingView) -> str:
    e = html.escape
    show = b.show
    tz = show.timezone
    bg, fg = STATUS_COLOURS.get(str(b.status), ("#E9ECF0", "#3A4048"))
    facts_rows = [
        ("Ticket", f"<b style='font-family:monospace'>{e(b.code)}</b>"),
        ("Show", e(cinema_time.full(show.starts_at, tz, label=True))),
        ("Cinema", e(f"{show.theater_name}, {show.city_name} · {show.screen_name}")),
        ("Seats", f"<b>{e(', '.join(b.seat_labels))}</b>"),
    ]
    if b.customer_name or b.customer_phone:
        customer = " ".join(x for x in (b.customer_name, b.customer_phone) if x)
        facts_rows.append(("Customer", e(customer)))
    sold = f"{b.counter}" + (f", {b.clerk}" if b.clerk else "")
    sold += f" · {cinema_time.stamp(b.confirmed_at or b.created_at, tz)}"
    facts_rows.append(("Sold", e(sold)))
    if b.cancelled_at:
        facts_rows.append(("Cancelled", e(cinema_time.stamp(b.cancelled_at, tz))))
    facts = "".join(
        _row(k, v, styles=(MUTED + "padding:2px 14px 2px 0;", "padding:2px 0;"))
        for k, v in facts_rows
    )
    prices = "".join(
        _row(e(line.label), e(line.explanation), e(money(line.price)), styles=(CELL, CELL + MUTED))
        for line in b.lines
    )
    prices += _row("", "Subtotal", e(money(b.subtotal)))
    if b.discount:
        prices += _row("", f"Coupon {e(b.coupon_code or '')}", f"−{e(money(b.discount))}")
    prices += _row("", "<b>Total</b>", f"<b>{e(money(b.total))}</b>")
    payments = ""
    for p in b.payments:
        what = "Refund" if p.kind == "REFUND" else "Payment"
        extra = [cinema_time.stamp(p.created_at, tz)]
        if p.approved_by:
            extra.append(f"approved by {p.approved_by}")
        if p.tendered is not None:
            extra.append(f"tendered {money(p.tendered)}")
        if p.change_due is not None:
            extra.append(f"change {money(p.change_due)}")
        if p.reference:
            extra.append(p.reference)
        failed = "" if p.status == "SUCCESS" else f" <i>({e(p.status.lower())})</i>"
        sign = "−" if p.kind == "REFUND" else ""
        payments += _row(
            f"{what} · {e(payment_mode(p.mode))}{failed}",
            e(" · ".join(extra)),
            f"{sign}{e(money(p.amount))}",
            styles=(CELL, CELL + MUTED),
        )
    if not payments:
        payments = _row("No payment yet.", styles=(MUTED,))
    subtitle = " · ".join(x for x in (show.certificate, show.language, show.format) if x)
    pill = f"background-color:{bg}; color:{fg}; font-weight:600;"
    heading = "margin:12px 0 4px 0; font-weight:600;"
    return (
        "<table width='100%' cellspacing='0' cellpadding='0'><tr>"
        f"<td><span style='font-size:14pt; font-weight:600'>{e(show.movie_title)}</span>"
        f"<span style='{MUTED}'>&nbsp; {e(subtitle)}</span></td>"
        f"<td align='right'><span style='{pill}'>&nbsp;{e(status_text(b.status))}&nbsp;</span>"
        "</td></tr></table>"
        f"<table cellspacing='0' style='margin-top:8px'>{facts}</table>"
        f"<p style='{heading}'>Prices</p>"
        f"<table width='100%' cellspacing='0'>{prices}</table>"
        f"<p style='{heading}'>Payments</p>"
        f"<table width='100%' cellspacing='0'>{payments}</table>"
    )
