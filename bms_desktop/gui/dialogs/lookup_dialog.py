"""Find a booking by ticket code or phone number; see it; reprint it; cancel and refund it.

Cancelling needs a supervisor. A clerk's counter asks one to sign in here
(``SupervisorApprovalDialog``); the refund amount is shown before anything is done, and the
service checks the approver's role again (a clerk alone is refused even if this dialog were
bypassed). Every refusal (too late, not confirmed, wrong role) is shown as a message; nothing
changes on a refusal.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import Qt, QUrl, Slot
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
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
from bms_desktop.gui.formatting import local, money, payment_mode, show_time, stamp, status_text
from bms_desktop.services import booking as booking_service
from bms_desktop.services import queries
from bms_desktop.services.context import BoxOffice, CounterContext
from bms_desktop.services.dto import BookingView

STATUS_COLOURS = {
    "CONFIRMED": ("#DDF1E5", "#165E38"),
    "CANCELLED": ("#FBE0DE", "#8F1E17"),
    "EXPIRED": ("#E9ECF0", "#3A4048"),
    "PENDING_PAYMENT": ("#FFF1D1", "#7A4F00"),
}
COLUMNS = ("Ticket", "Show", "Status")


class BookingLookupDialog(QDialog):
    """``ask()`` returns the ids of the shows whose seats it changed (by cancelling)."""

    def __init__(
        self,
        box: BoxOffice,
        ctx: CounterContext,
        *,
        print_folder: Path | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._box = box
        self._ctx = ctx
        self._print_folder = print_folder
        self._bookings: list[BookingView] = []
        self._refund: Decimal | None = None
        self.changed_show_ids: set[int] = set()
        self.last_printed: tuple[Path, Path] | None = None
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
            "By ticket code (e.g. BMS-7K3Q-X9PD) or the customer's phone number.",
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
        self.search_edit.setPlaceholderText("Ticket code or phone number")
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setMaxLength(40)
        self.search_edit.returnPressed.connect(self._on_search_edit_return_pressed)
        self.search_button = styled_button("Search", "primary", self)
        self.search_button.setObjectName("lookupSearchButton")
        self.search_button.clicked.connect(self._on_search_button_clicked)
        search_row.addWidget(self.search_edit, 1)
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
        starts = b.show.local_starts_at
        cells = (
            b.code,
            f"{starts:%a} {starts.day} {starts:%b} {starts:%H:%M} · {b.show.movie_title}",
            status_text(b.status),
        )
        for col, text in enumerate(cells):
            item = QTableWidgetItem(text)
            item.setToolTip(
                f"{b.code}: {b.show.movie_title}, {show_time(starts)}, "
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

    def search(self, text: str | None = None) -> list[BookingView]:
        """Find bookings by code or phone and show them; the list found (empty on a refusal)."""
        if text is not None:
            self.search_edit.setText(text)
        query = self.search_edit.text().strip()
        self.message.clear_message()
        try:
            found = queries.find_bookings(self._box, query)
        except DomainError as exc:
            self.message.show_error(exc.message)
            self.load([])
            return []
        self.load(found)
        if not found:
            self.message.show_info(
                f"No booking matches “{query}”. A ticket code looks like BMS-7K3Q-X9PD; a phone "
                "number needs at least 6 digits."
            )
        elif len(found) > 1:
            self.message.show_info(f"{len(found)} bookings for {query}, newest first.")
        self.results.setFocus()
        return found

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
        self.reprint_button.setEnabled(b is not None and b.status == TicketStatus.CONFIRMED)
        self.reprint_button.setToolTip(
            ""
            if b is None or b.status == TicketStatus.CONFIRMED
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
            self._refund = booking_service.refund_preview(
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

    def reprint(self) -> tuple[Path, Path] | None:
        b = self.current
        if b is None:
            return None
        if b.status != TicketStatus.CONFIRMED:
            self.message.show_error(
                f"only a confirmed booking can be reprinted; {b.code} is "
                f"{status_text(b.status).lower()}"
            )
            return None
        try:
            folder = self._print_folder or printing.default_print_folder()
            paths = printing.print_ticket_and_receipt(b, folder, reprint=True)
        except OSError as exc:
            self.message.show_error(f"could not print {b.code}: {exc}")
            return None
        self.last_printed = paths
        url = QUrl.fromLocalFile(str(paths[0].parent)).toString()
        e = html.escape
        self.message.show_message(
            f"Reprinted <b>{e(b.code)}</b>: {e(paths[0].name)} and {e(paths[1].name)} in "
            f'<a href="{url}">{e(str(paths[0].parent))}</a>.',
            "success",
            rich=True,
        )
        return paths

    def cancel_and_refund(self) -> bool:
        """Cancel the current booking and refund it, approved by a supervisor; True when done."""
        b = self.current
        if b is None:
            return False
        refund = self.update_refund_preview()
        if refund is None:
            return False
        show = b.show
        action = (
            f"Cancel {b.code}: {show.movie_title}, {show_time(show.local_starts_at)}, "
            f"seat{'s' if len(b.seat_labels) != 1 else ''} {', '.join(b.seat_labels)}; "
            f"refund {money(refund)} to {_paid_mode(b)}."
        )
        approver: CounterContext | None = None
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
            approver = SupervisorApprovalDialog.ask(
                self._box,
                counter=self._ctx.counter,
                action_text=action,
                amount=refund,
                amount_label="Refund",
                parent=self,
            )
            if approver is None:
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
                lambda: booking_service.cancel_booking(
                    box, ctx, ticket_id=b.ticket_id, approver=approver, fee=fee, reason=reason
                ),
            )
        except DomainError as exc:
            self.refresh_current()
            self.cancel_message.show_error(f"{exc.message.rstrip('.')}. Nothing was changed.")
            return False
        self.changed_show_ids.add(show.show_id)
        self.refresh_current()
        fee_text = f" after a fee of {money(result.fee)}" if result.fee else ""
        self.message.show_success(
            f"Cancelled {result.ticket_code}: {money(result.refund)} refunded to "
            f"{payment_mode(result.mode.value)}{fee_text}, approved by {result.approved_by}. "
            "The seats are back on sale."
        )
        return True

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
        parent: QWidget | None = None,
    ) -> set[int]:
        """Run the lookup; the ids of the shows whose seats it changed."""
        dialog = cls(box, ctx, print_folder=print_folder, parent=parent)
        try:
            if text:
                dialog.search(text)
            else:
                dialog.search_edit.setFocus()
            dialog.exec()
            return set(dialog.changed_show_ids)
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
        ("Show", e(show_time(show.local_starts_at))),
        ("Cinema", e(f"{show.theater_name}, {show.city_name} · {show.screen_name}")),
        ("Seats", f"<b>{e(', '.join(b.seat_labels))}</b>"),
    ]
    if b.customer_name or b.customer_phone:
        customer = " ".join(x for x in (b.customer_name, b.customer_phone) if x)
        facts_rows.append(("Customer", e(customer)))
    sold = f"{b.counter}" + (f", {b.clerk}" if b.clerk else "")
    sold += f" · {stamp(local(b.confirmed_at or b.created_at, tz))}"
    facts_rows.append(("Sold", e(sold)))
    if b.cancelled_at:
        facts_rows.append(("Cancelled", e(stamp(local(b.cancelled_at, tz)))))
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
        extra = [stamp(local(p.created_at, tz))]
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
