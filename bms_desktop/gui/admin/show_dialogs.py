"""Per-show dialogs of the Shows area: cancelling a show (what it refunds, before it acts) and
the show's seats (block free seats with a reason, unblock blocked ones), on the clerks' map."""

from __future__ import annotations

import re
from collections.abc import Sequence

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from bms_desktop.domain.errors import DomainError, ValidationError
from bms_desktop.gui.admin.record_dialog import RecordDialog
from bms_desktop.gui.dialogs.common import (
    DialogHeader,
    MessageLabel,
    run_in_background,
    separator,
    styled_button,
    styled_label,
)
from bms_desktop.gui.widgets.seat_map import SeatMapWidget
from bms_desktop.services.admin import seat_blocks, shows
from bms_desktop.services.admin.dto import CancelPreview, CancelResult, ShowRow
from bms_desktop.services.admin.seat_blocks import ShowSeatsView
from bms_desktop.services.context import BoxOffice, CounterContext
from bms_desktop.services.dto import SeatView


def show_title(show: ShowRow) -> str:
    start = show.local_starts_at
    return (
        f"{show.movie_title} · {show.theater_name}, {show.screen_name} · "
        f"{start:%a %d %b %Y %H:%M} {start.tzname()}"
    )


class CancelShowDialog(RecordDialog):
    """Says how many tickets and how much money a cancellation refunds, then does it."""

    title = "Cancel a show"
    edit_title = "Cancel a show"
    primary_text = "Cancel show and refund"

    def build_form(self, body: QWidget) -> None:
        self.form = self.make_form(body)
        self.show_label = styled_label("", "heading", body)
        self.show_label.setWordWrap(True)
        self.form.addRow(self.show_label)
        self.effect_label = styled_label("", None, body)
        self.effect_label.setObjectName("cancelEffect")
        self.effect_label.setWordWrap(True)
        self.form.addRow(self.effect_label)
        self.reason_edit = QLineEdit(body)
        self.reason_edit.setObjectName("reasonEdit")
        self.reason_edit.setPlaceholderText("e.g. projector broken (printed on the refunds)")
        self.add_row(self.form, "&Reason", self.reason_edit, field="reason")
        self.save_button.setProperty("role", "danger")
        self.cancel_button.setText("Keep the show")
        self.setMinimumWidth(600)
        self.preview: CancelPreview | None = None

    def load(self, record: ShowRow) -> None:
        self.show_label.setText(show_title(record))
        box, ctx = self.box, self.ctx
        try:
            self.preview = run_in_background(
                self,
                "Counting the tickets…",
                lambda: shows.cancel_preview(box, ctx, record.show_id),
            )
        except DomainError as exc:
            self.message.show_error(exc.message)
            self.save_button.setEnabled(False)
            return
        p = self.preview
        if p.refusal:
            self.effect_label.setText("")
            self.message.show_error(p.refusal)
            self.save_button.setEnabled(False)
            self.reason_edit.setEnabled(False)
            return
        parts = [
            "The show goes off sale at every counter at once."
            if p.show.cancelled_at is None
            else "The show is already off sale; its remaining tickets are refunded now."
        ]
        if p.tickets:
            parts.append(
                f"{p.tickets} ticket(s) for {p.seats} seat(s) are cancelled and refunded, "
                f"{p.refund_total:,.2f} in total, through the counters' refund path (each to "
                "its original payment mode)."
            )
        else:
            parts.append("No ticket has been sold: nothing to refund.")
        if p.pending_holds:
            parts.append(f"{p.pending_holds} unpaid hold(s) at counters are released.")
        self.effect_label.setText(" ".join(parts))
        self.reason_edit.setFocus()

    def save(self) -> CancelResult:
        box, ctx, show = self.box, self.ctx, self.record
        reason = self.reason_edit.text()
        return self.run_service(
            "Cancelling the show and refunding its tickets…",
            lambda: shows.cancel_show(box, ctx, show.show_id, reason=reason),
        )


_TOKEN = re.compile(r"^([A-Za-z0-9]*[A-Za-z])(\d+)(?:-(?:\1)?(\d+))?$", re.IGNORECASE)


def parse_seat_labels(text: str, seats: Sequence[SeatView]) -> list[int]:
    """``"A1-A5, C7 D2"`` -> the show seat ids; ValidationError naming what is not a seat."""
    by_label = {s.label.upper(): s.show_seat_id for s in seats}
    ids: list[int] = []
    unknown: list[str] = []
    for token in [t for t in re.split(r"[,\s;]+", text.strip()) if t]:
        m = _TOKEN.match(token.upper())
        if m is None:
            unknown.append(token)
            continue
        row, first = m.group(1), int(m.group(2))
        last = int(m.group(3)) if m.group(3) else first
        for number in range(min(first, last), max(first, last) + 1):
            sid = by_label.get(f"{row}{number}")
            if sid is None:
                unknown.append(f"{row}{number}")
            elif sid not in ids:
                ids.append(sid)
    if unknown:
        raise ValidationError(f"not seats of this show: {', '.join(unknown[:8])}", field="seats")
    return ids


class ShowSeatsDialog(QDialog):
    """The show's map as the clerks see it; block free seats with a reason, unblock blocked
    ones. Every change reaches the counters' maps through the change feed."""

    COUNTER = "Admin console"

    def __init__(
        self, box: BoxOffice, ctx: CounterContext, show: ShowRow, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.box, self.ctx, self.show_row = box, ctx, show
        self.view: ShowSeatsView | None = None
        self.changed = False
        self.setObjectName("showSeatsDialog")
        self.setWindowTitle("Seats of a show")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        outer.addWidget(
            DialogHeader(
                show_title(show),
                "Click free seats (or type labels, e.g. A1-A6, K12) and block them with a "
                "reason: house seats, a broken seat. Sold and held seats cannot be blocked.",
                self,
            )
        )
        body = QHBoxLayout()
        body.setContentsMargins(12, 10, 12, 6)
        body.setSpacing(10)
        self.map_widget = SeatMapWidget(self)
        self.map_widget.setMinimumSize(640, 380)
        self.map_widget.selection_changed.connect(self._on_map_selection_changed)
        self.map_widget.selection_refused.connect(self._on_map_selection_refused)
        body.addWidget(self.map_widget, 1)
        side = QVBoxLayout()
        side.setSpacing(6)
        side.addWidget(styled_label("Block", "heading", self))
        self.seats_edit = QLineEdit(self)
        self.seats_edit.setObjectName("seatsEdit")
        self.seats_edit.setPlaceholderText("seats, e.g. A1-A6, K12")
        self.reason_edit = QLineEdit(self)
        self.reason_edit.setObjectName("blockReasonEdit")
        self.reason_edit.setPlaceholderText("reason, e.g. house seats")
        self.reason_edit.setMaxLength(120)
        self.block_button = styled_button("Block these seats", "primary", self)
        self.block_button.setObjectName("blockButton")
        self.block_button.clicked.connect(self._on_block_button_clicked)
        for w in (self.seats_edit, self.reason_edit, self.block_button):
            side.addWidget(w)
        side.addSpacing(10)
        side.addWidget(styled_label("Blocked seats", "heading", self))
        self.blocked_list = QListWidget(self)
        self.blocked_list.setObjectName("blockedList")
        self.blocked_list.setSelectionMode(QListWidget.SelectionMode.ExtendedSelection)
        side.addWidget(self.blocked_list, 1)
        self.unblock_button = styled_button("Unblock selected", None, self)
        self.unblock_button.setObjectName("unblockButton")
        self.unblock_button.clicked.connect(self._on_unblock_button_clicked)
        side.addWidget(self.unblock_button)
        panel = QWidget(self)
        panel.setLayout(side)
        panel.setFixedWidth(260)
        body.addWidget(panel)
        outer.addLayout(body, 1)
        self.message = MessageLabel(self)
        msg = QVBoxLayout()
        msg.setContentsMargins(12, 0, 12, 6)
        msg.addWidget(self.message)
        outer.addLayout(msg)
        outer.addWidget(separator(self))
        footer = QHBoxLayout()
        footer.setContentsMargins(12, 10, 12, 12)
        footer.addStretch(1)
        close = styled_button("Close", None, self)
        close.clicked.connect(self.accept)
        footer.addWidget(close)
        outer.addLayout(footer)
        self.resize(1100, 640)
        self.reload()

    def reload(self) -> None:
        box, ctx, show_id = self.box, self.ctx, self.show_row.show_id
        try:
            self.view = run_in_background(
                self, "Loading the seats…", lambda: seat_blocks.show_seats(box, ctx, show_id)
            )
        except DomainError as exc:
            self.message.show_error(exc.message)
            return
        self.map_widget.set_seat_map(self.view.seat_map, my_counter=self.COUNTER)
        self.blocked_list.clear()
        for seat in self.view.seat_map.seats:
            if seat.status.value == "BLOCKED":
                reason = self.view.block_reasons.get(seat.show_seat_id, "in the screen's layout")
                item = QListWidgetItem(f"{seat.label} — {reason}")
                item.setData(Qt.ItemDataRole.UserRole, seat.show_seat_id)
                self.blocked_list.addItem(item)

    def block(self, seat_ids: Sequence[int], reason: str) -> bool:
        box, ctx, show_id = self.box, self.ctx, self.show_row.show_id
        try:
            result = run_in_background(
                self,
                "Blocking…",
                lambda: seat_blocks.block_seats(box, ctx, show_id, seat_ids, reason),
            )
        except DomainError as exc:
            self.message.show_error(exc.message)
            return False
        self.changed = True
        self.message.show_success(f"blocked {', '.join(result.labels)}: {reason.strip()}")
        self.seats_edit.clear()
        self.reload()
        return True

    def unblock(self, seat_ids: Sequence[int]) -> bool:
        box, ctx, show_id = self.box, self.ctx, self.show_row.show_id
        try:
            result = run_in_background(
                self, "Unblocking…", lambda: seat_blocks.unblock_seats(box, ctx, show_id, seat_ids)
            )
        except DomainError as exc:
            self.message.show_error(exc.message)
            return False
        self.changed = True
        self.message.show_success(f"back on sale: {', '.join(result.labels)}")
        self.reload()
        return True

    @Slot(list)
    def _on_map_selection_changed(self, ids: list[int]) -> None:
        if self.view is None:
            return
        seats = self.view.seat_map.by_id()
        self.seats_edit.setText(", ".join(seats[i].label for i in ids if i in seats))

    @Slot(str)
    def _on_map_selection_refused(self, text: str) -> None:
        self.message.show_warning(text.replace("per booking", "at a time on the map; type more"))

    @Slot()
    def _on_block_button_clicked(self) -> None:
        if self.view is None:
            return
        try:
            ids = parse_seat_labels(self.seats_edit.text(), self.view.seat_map.seats)
        except ValidationError as exc:
            self.message.show_error(exc.message)
            return
        if not ids:
            self.message.show_error("pick the seats to block on the map, or type them")
            return
        self.block(ids, self.reason_edit.text())

    @Slot()
    def _on_unblock_button_clicked(self) -> None:
        ids = [i.data(Qt.ItemDataRole.UserRole) for i in self.blocked_list.selectedItems()]
        if not ids:
            self.message.show_error("select blocked seats in the list first")
            return
        self.unblock(ids)

    @classmethod
    def ask(
        cls, box: BoxOffice, ctx: CounterContext, show: ShowRow, parent: QWidget | None = None
    ) -> bool:
        """Open the dialog; True if any seat was blocked or unblocked."""
        dialog = cls(box, ctx, show, parent)
        try:
            dialog.exec()
            return dialog.changed
        finally:
            dialog.deleteLater()


__all__ = ["CancelShowDialog", "ShowSeatsDialog", "parse_seat_labels", "show_title"]
