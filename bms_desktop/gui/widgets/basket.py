"""The basket: the seats being sold, what each costs and why, coupon, customer, payment, the hold's
countdown and the actions (Hold F5, Take payment F9, Release F8, Print).

A view with intents: it draws the ``BasketState`` the counter's ``SaleController`` gives it and
emits what the clerk asks for. Money is shown with two decimals; the cash change is worked out
live as the clerk types the amount tendered. Nothing in it grows wider than its column: messages
wrap (a long code breaks anywhere) and every field has the length its column in the database
allows. Choosing a payment mode (Alt+U/C/N/S, or a click) puts the cursor in that mode's field.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from decimal import Decimal

from PySide6.QtCore import QRegularExpression, QSize, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QFont, QKeySequence, QRegularExpressionValidator, QResizeEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from bms_desktop.domain import limits
from bms_desktop.domain.model import PaymentMode
from bms_desktop.gui.controllers.sale_state import (
    BasketState,
    PaymentInput,
    breakable,
    parse_amount,
    sale_html,
)
from bms_desktop.gui.widgets.basket_lines import BasketLinesWidget
from bms_desktop.gui.widgets.basket_parts import hline, section_label
from bms_desktop.gui.widgets.basket_text import (
    AMBER_BELOW_S,
    COLOUR_AMBER,
    COLOUR_BAD,
    COLOUR_GOOD,
    COLOUR_MUTED,
    COLOUR_NORMAL,
    COLOUR_RED,
    MODE_BUTTONS,
    RED_BELOW_S,
    REFERENCE_HINTS,
    TICK_MS,
    format_countdown,
    money,
)
from bms_desktop.services.admin.dto_ticket_types import TicketTypeChoice
from bms_desktop.services.dto import HoldResult, Quote


class BasketWidget(QWidget):
    """Signals (intents for the window):
    hold_requested(), pay_requested(), release_requested(), print_requested(),
    coupon_submitted(str), coupon_cleared(), hold_expired() (the countdown reached zero),
    ticket_types_requested(object) ({seat label: ticket type code}), map_requested() (Esc in
    the seat lines).
    """

    hold_requested = Signal()
    pay_requested = Signal()
    release_requested = Signal()
    print_requested = Signal()
    coupon_submitted = Signal(str)
    coupon_cleared = Signal()
    hold_expired = Signal()
    ticket_types_requested = Signal(object)
    map_requested = Signal()

    def __init__(
        self, parent: QWidget | None = None, *, clock: Callable[[], datetime] | None = None
    ) -> None:
        super().__init__(parent)
        self._clock: Callable[[], datetime] = clock or (lambda: datetime.now(UTC))
        self._labels: tuple[str, ...] = ()
        self._quote: Quote | None = None
        self._hold: HoldResult | None = None
        self._busy = ""
        self._expired = False
        self._expired_emitted = False
        self._can_print = False
        self._coupon_ok: bool | None = None
        self._generation = 0

        # --- seats
        self.title_label = QLabel("Basket", self)
        title_font = QFont(self.font())
        title_font.setPointSizeF(title_font.pointSizeF() + 2)
        title_font.setBold(True)
        self.title_label.setFont(title_font)
        self.show_label = QLabel(self)
        self.show_label.setWordWrap(True)
        self.show_label.setStyleSheet(f"color: {COLOUR_MUTED};")
        self.empty_label = QLabel(
            "No seats yet. Click seats on the map, or press a digit 1-9 on the map for that many "
            "best seats together.",
            self,
        )
        self.empty_label.setWordWrap(True)
        self.empty_label.setStyleSheet(f"color: {COLOUR_MUTED};")
        self.resumed_label = QLabel(self)
        self.resumed_label.setObjectName("basketResumed")
        self.resumed_label.setWordWrap(True)
        self.resumed_label.setStyleSheet(
            "QLabel#basketResumed { background: #EEF4FA; color: #123A57; border-radius: 4px;"
            " padding: 4px 6px; }"
        )
        self.resumed_label.hide()
        # One line per seat: "M13 · Platinum  Child  ₹175.50" (F6 and a digit change the ticket
        # type), over the rules behind the prices ("base 150.00 × 1.5 Platinum seats × 1.3 …").
        self.lines = BasketLinesWidget(self)

        # --- totals
        self.subtotal_value = QLabel(self)
        self.discount_caption = QLabel("Discount", self)
        self.discount_value = QLabel(self)
        self.total_value = QLabel(self)
        total_font = QFont(self.font())
        total_font.setPointSizeF(total_font.pointSizeF() + 5)
        total_font.setBold(True)
        self.total_value.setFont(total_font)
        total_caption = QLabel("Total", self)
        caption_font = QFont(self.font())
        caption_font.setBold(True)
        caption_font.setPointSizeF(caption_font.pointSizeF() + 1)
        total_caption.setFont(caption_font)
        for label in (self.subtotal_value, self.discount_value, self.total_value):
            label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        totals = QGridLayout()
        totals.setContentsMargins(0, 0, 0, 0)
        totals.setVerticalSpacing(2)
        totals.addWidget(QLabel("Subtotal", self), 0, 0)
        totals.addWidget(self.subtotal_value, 0, 1)
        totals.addWidget(self.discount_caption, 1, 0)
        totals.addWidget(self.discount_value, 1, 1)
        totals.addWidget(total_caption, 2, 0)
        totals.addWidget(self.total_value, 2, 1)

        # --- coupon
        self.coupon_edit = QLineEdit(self)
        self.coupon_edit.setPlaceholderText("Coupon code")
        self.coupon_edit.setAccessibleName("Coupon code")
        self.coupon_edit.setClearButtonEnabled(True)
        self.coupon_edit.setMaxLength(limits.limit(limits.COUPON_CODE))
        self.coupon_button = QPushButton("Apply", self)
        self.coupon_button.setAccessibleName("Apply the coupon")
        self.coupon_message = QLabel(self)
        self.coupon_message.setWordWrap(True)
        self.coupon_message.hide()
        coupon_row = QHBoxLayout()
        coupon_row.setSpacing(6)
        coupon_row.addWidget(self.coupon_edit, 1)
        coupon_row.addWidget(self.coupon_button)

        # --- customer
        self.name_edit = QLineEdit(self)
        self.name_edit.setPlaceholderText("Name")
        self.name_edit.setAccessibleName("Customer name")
        self.name_edit.setMaxLength(limits.limit(limits.CUSTOMER_NAME))
        self.phone_edit = QLineEdit(self)
        self.phone_edit.setPlaceholderText("Phone")
        self.phone_edit.setAccessibleName("Customer phone")
        self.phone_edit.setValidator(
            QRegularExpressionValidator(QRegularExpression(r"\+?[0-9 \-]{0,20}"), self)
        )
        customer_row = QHBoxLayout()
        customer_row.setSpacing(6)
        customer_row.addWidget(self.name_edit, 3)
        customer_row.addWidget(self.phone_edit, 2)

        # --- payment
        self.mode_group = QButtonGroup(self)
        self.mode_group.setExclusive(True)
        self.mode_buttons: dict[PaymentMode, QPushButton] = {}
        self._modes_grid = modes_row = QGridLayout()
        modes_row.setHorizontalSpacing(4)
        modes_row.setVerticalSpacing(4)
        self._mode_columns = 0
        for i, (mode, text) in enumerate(MODE_BUTTONS):
            button = QPushButton(text, self)
            # The letter stays underlined, but the window's own Alt+letter actions choose the mode
            # (a button's mnemonic would take the keyboard focus and the digits typed next).
            button.setShortcut(QKeySequence())
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            button.setToolTip(f"Pay by {mode.label} (Alt+{text[text.index('&') + 1]})")
            button.setCheckable(True)
            button.setObjectName("paymentMode")
            button.setAccessibleName(f"Pay by {mode.label}")
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            self.mode_group.addButton(button, i)
            self.mode_buttons[mode] = button
        self.mode_buttons[PaymentMode.UPI].setChecked(True)
        self.tendered_edit = QLineEdit(self)
        self.tendered_edit.setPlaceholderText("Cash tendered")
        self.tendered_edit.setAccessibleName("Cash tendered")
        self.tendered_edit.setValidator(
            QRegularExpressionValidator(QRegularExpression(r"[0-9,]{0,9}(\.[0-9]{0,2})?"), self)
        )
        self.change_label = QLabel(self)
        self.change_label.setMinimumWidth(self.fontMetrics().horizontalAdvance("Short ₹10,000.00"))
        self.change_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        change_font = QFont(self.font())
        change_font.setBold(True)
        self.change_label.setFont(change_font)
        self.reference_edit = QLineEdit(self)
        self.reference_edit.setAccessibleName("Payment reference")
        self.reference_edit.setMaxLength(limits.limit(limits.PAYMENT_REFERENCE))
        self.payment_error = QLabel(self)
        self.payment_error.setWordWrap(True)
        self.payment_error.setStyleSheet(f"color: {COLOUR_BAD};")
        self.payment_error.hide()
        cash_row = QHBoxLayout()
        cash_row.setSpacing(8)
        cash_row.addWidget(self.tendered_edit, 1)
        cash_row.addWidget(self.change_label)
        self._cash_row = QWidget(self)
        self._cash_row.setLayout(cash_row)
        cash_row.setContentsMargins(0, 0, 0, 0)

        # --- hold countdown
        self.countdown_caption = QLabel("Hold", self)
        self.countdown_value = QLabel(self)
        countdown_font = QFont(self.font())
        countdown_font.setPointSizeF(countdown_font.pointSizeF() + 4)
        countdown_font.setBold(True)
        countdown_font.setStyleHint(QFont.StyleHint.Monospace)
        self.countdown_value.setFont(countdown_font)
        self.countdown_value.setAlignment(
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        )
        self._countdown_frame = QFrame(self)
        self._countdown_frame.setObjectName("holdCountdown")
        countdown_row = QHBoxLayout(self._countdown_frame)
        countdown_row.setContentsMargins(10, 6, 10, 6)
        countdown_row.addWidget(self.countdown_caption, 1)
        countdown_row.addWidget(self.countdown_value)
        self._countdown_frame.hide()

        # --- busy
        self.busy_label = QLabel(self)
        self.busy_label.setWordWrap(True)
        self.busy_label.setStyleSheet(f"color: {COLOUR_AMBER}; font-weight: 600;")
        self.busy_bar = QProgressBar(self)
        self.busy_bar.setRange(0, 0)
        self.busy_bar.setTextVisible(False)
        self.busy_bar.setFixedHeight(4)
        self.busy_label.hide()
        self.busy_bar.hide()

        # --- actions
        self.hold_button = QPushButton("Hold seats   F5", self)
        self.release_button = QPushButton("Release   F8", self)
        self.pay_button = QPushButton("Take payment   F9", self)
        self.pay_button.setObjectName("primaryAction")
        self.pay_button.setProperty("role", "primary")  # the theme's vocabulary (10-base.qss)
        self.pay_button.setProperty("size", "large")
        self.print_button = QPushButton("Print again", self)
        pay_font = QFont(self.font())
        pay_font.setBold(True)
        pay_font.setPointSizeF(pay_font.pointSizeF() + 1)
        self.pay_button.setFont(pay_font)
        self.pay_button.setMinimumHeight(self.fontMetrics().height() * 2 + 8)
        self.hold_button.setMinimumHeight(self.fontMetrics().height() + 16)
        self.release_button.setMinimumHeight(self.fontMetrics().height() + 16)
        self.hold_button.setToolTip(
            "Hold the selected seats for this counter (F5 or Enter on the map)"
        )
        self.release_button.setToolTip("Give the held seats back (F8)")
        self.pay_button.setToolTip("Take the payment and sell the held seats (F9)")
        self.print_button.setToolTip("Print the last ticket and receipt again")
        for button in (self.hold_button, self.release_button, self.pay_button, self.print_button):
            button.setAutoDefault(False)
        buttons = QGridLayout()
        buttons.setHorizontalSpacing(6)
        buttons.setVerticalSpacing(6)
        buttons.addWidget(self.hold_button, 0, 0)
        buttons.addWidget(self.release_button, 0, 1)
        buttons.addWidget(self.pay_button, 1, 0, 1, 2)

        # --- last sale
        self.sale_label = QLabel(self)
        self.sale_label.setWordWrap(True)
        self.sale_label.setTextFormat(Qt.TextFormat.RichText)
        self.sale_label.setOpenExternalLinks(True)
        self.sale_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.sale_label.hide()
        sale_row = QHBoxLayout()
        sale_row.addWidget(self.sale_label, 1)
        sale_row.addWidget(self.print_button, 0, Qt.AlignmentFlag.AlignTop)
        self.print_button.hide()

        layout = QVBoxLayout(self)
        # The basket's own minimum (``minimumSizeHint``) counts the payment modes in two rows:
        # a narrow column gets them that way instead of clipping the basket.
        layout.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        layout.addWidget(self.title_label)
        layout.addWidget(self.show_label)
        layout.addWidget(self.resumed_label)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.lines)
        layout.addLayout(totals)
        layout.addWidget(hline(self))
        layout.addWidget(section_label("Coupon", self))
        layout.addLayout(coupon_row)
        layout.addWidget(self.coupon_message)
        layout.addWidget(
            section_label("Customer <span style='font-weight: normal'>(optional)</span>", self)
        )
        layout.addLayout(customer_row)
        layout.addWidget(section_label("Payment", self))
        layout.addLayout(modes_row)
        self._arrange_modes(len(MODE_BUTTONS))
        layout.addWidget(self._cash_row)
        layout.addWidget(self.reference_edit)
        layout.addWidget(self.payment_error)
        layout.addWidget(hline(self))
        layout.addWidget(self._countdown_frame)
        layout.addWidget(self.busy_label)
        layout.addWidget(self.busy_bar)
        layout.addLayout(buttons)
        layout.addLayout(sale_row)
        layout.addStretch(1)

        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._on_timer_timeout)

        self.hold_button.clicked.connect(self.hold_requested)
        self.release_button.clicked.connect(self.release_requested)
        self.pay_button.clicked.connect(self.pay_requested)
        self.print_button.clicked.connect(self.print_requested)
        self.lines.view.types_chosen.connect(self.ticket_types_requested)
        self.lines.view.go_on_requested.connect(self._on_lines_go_on_requested)
        self.lines.view.leave_requested.connect(self.map_requested)
        self.coupon_button.clicked.connect(self._on_coupon_button_clicked)
        self.coupon_edit.returnPressed.connect(self._on_coupon_button_clicked)
        self.coupon_edit.textChanged.connect(self._on_coupon_edit_text_changed)
        self.tendered_edit.textChanged.connect(self._on_tendered_edit_text_changed)
        self.tendered_edit.returnPressed.connect(self._on_payment_return_pressed)
        self.reference_edit.returnPressed.connect(self._on_payment_return_pressed)
        self.mode_group.idToggled.connect(self._on_mode_group_id_toggled)
        self.mode_group.idClicked.connect(self._on_mode_group_id_clicked)
        # Messages wrap inside the column; they never widen it (a long code breaks anywhere).
        for label in (
            self.show_label,
            self.resumed_label,
            self.empty_label,
            self.coupon_message,
            self.payment_error,
            self.busy_label,
            self.sale_label,
        ):
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            label.setMinimumWidth(1)
        self._sync()

    # ------------------------------------------------------------------ feeding

    def _arrange_modes(self, columns: int) -> None:
        """The payment modes in one row, or two rows of two in a narrow basket."""
        if columns == self._mode_columns:
            return
        self._mode_columns = columns
        for button in self.mode_buttons.values():
            self._modes_grid.removeWidget(button)
        for i, button in enumerate(self.mode_buttons.values()):
            self._modes_grid.addWidget(button, i // columns, i % columns)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        one_row = sum(b.sizeHint().width() for b in self.mode_buttons.values())
        one_row += 4 * (len(self.mode_buttons) - 1)
        self._arrange_modes(len(MODE_BUTTONS) if one_row <= self.width() else 2)

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        two_by_two = max(b.sizeHint().width() for b in self.mode_buttons.values()) * 2 + 4
        return QSize(min(hint.width(), max(two_by_two, 200)), hint.height())

    def set_state(self, state: BasketState) -> None:
        """Draw the controller's basket. A new ``generation`` means the last sale is over: the
        fields typed for that customer are emptied."""
        if state.generation != self._generation:
            self._generation = state.generation
            self._clear_inputs()
        self.set_show_text(state.show_text)
        self._hold = state.hold
        self._labels = state.labels
        self._expired = state.expired
        if state.hold is None:
            self._expired_emitted = False
        if state.quote is not None:
            self.lines.remember(state.quote)
        self._quote = state.quote if state.labels else None
        if state.hold is not None:
            self._timer.start()
        else:
            self._timer.stop()
        self._set_coupon_message(state.coupon_message, state.coupon_ok)
        self.set_payment_error(state.payment_error)
        self.resumed_label.setText(breakable(state.resumed))
        self.resumed_label.setVisible(bool(state.resumed))
        self.sale_label.setText(state.sale_html)
        self.sale_label.setVisible(bool(state.sale_html))
        self._can_print = state.can_print
        self.print_button.setVisible(state.can_print)
        self._sync()
        if state.payment_error_field:
            self.focus_field(state.payment_error_field)

    def focus_field(self, field: str) -> None:
        """Put the cursor in the field a message is about."""
        edit = {
            "tendered": self.tendered_edit,
            "reference": self.reference_edit,
            "customer_name": self.name_edit,
            "customer_phone": self.phone_edit,
        }.get(field)
        if edit is not None and edit.isVisibleTo(self):
            edit.setFocus(Qt.FocusReason.OtherFocusReason)
            edit.selectAll()

    def choose_payment_mode(self, mode: PaymentMode) -> None:
        """The clerk chose how the customer pays: that mode, and the cursor in its field (the
        cash tendered, or the reference), so that what is typed next lands there."""
        self.set_payment_mode(mode)
        self.focus_payment()

    def focus_payment(self) -> None:
        edit = (
            self.tendered_edit if self.payment_mode() is PaymentMode.CASH else self.reference_edit
        )
        edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        edit.selectAll()

    def set_type_choices(self, choices: Sequence[TicketTypeChoice]) -> None:
        """The ticket types the open show's cinema offers (their order gives the hot keys)."""
        self.lines.set_choices(choices)
        self.lines.show_quote(self._labels, self._quote)

    def focus_ticket_types(self) -> bool:
        """The cursor to the seat lines (F6), to give seats a ticket type; False when the
        basket has no seats."""
        if not self._labels:
            return False
        self.lines.view.setFocus(Qt.FocusReason.ShortcutFocusReason)
        return True

    def ticket_type_texts(self) -> list[tuple[str, str]]:
        """(seat, ticket type name) per line, in basket order."""
        return [(line.label, line.type_name) for line in self.lines.model.lines()]

    def set_show_text(self, text: str) -> None:
        self.show_label.setText(text)
        self.show_label.setVisible(bool(text))

    def set_selection(self, labels: Sequence[str], quote: Quote | None = None) -> None:
        """The seats picked on the map (no hold yet) and, when known, their prices."""
        if self._hold is not None:
            return
        self._labels = tuple(labels)
        if quote is not None:
            self.lines.remember(quote)
        self._quote = quote if labels else None
        if not labels:
            self._set_coupon_message("", None)
        self._expired = False
        self._sync()

    def set_quote(self, quote: Quote) -> None:
        """New prices (a coupon applied or removed, a hold made)."""
        self.lines.remember(quote)
        self._quote = quote
        if quote.coupon_message:
            self._set_coupon_message(quote.coupon_message, quote.coupon_code is not None)
        self._sync()

    def set_hold(self, hold: HoldResult | None, quote: Quote | None = None) -> None:
        """The seats are held (start the countdown) or no longer held (``None``)."""
        self._hold = hold
        self._expired = False
        self._expired_emitted = False
        if hold is not None:
            self._labels = hold.seat_labels
            self.set_quote(quote or hold.quote)
            self._timer.start()
        else:
            self._timer.stop()
        self._sync()

    def set_expired(self) -> None:
        """The hold ran out: nothing can be paid; the seats are free again."""
        self._hold = None
        self._expired = True
        self._timer.stop()
        self._labels = ()
        self._quote = None
        self._sync()

    def set_busy(self, text: str) -> None:
        """Show that something is in progress (``""``: idle). Actions wait meanwhile."""
        self._busy = text
        self.busy_label.setText(text)
        self.busy_label.setVisible(bool(text))
        self.busy_bar.setVisible(bool(text))
        self._sync()

    def set_coupon_result(self, message: str, *, accepted: bool) -> None:
        self._set_coupon_message(message, accepted)

    def set_payment_error(self, text: str) -> None:
        self.payment_error.setText(breakable(text))
        self.payment_error.setToolTip(text)
        self.payment_error.setVisible(bool(text))

    def show_sale(self, text_html: str, *, can_print: bool) -> None:
        """What was sold last, where its ticket went, and whether it can be printed again."""
        self.sale_label.setText(text_html)
        self.sale_label.setVisible(bool(text_html))
        self._can_print = can_print
        self.print_button.setVisible(can_print)
        self._sync()

    def clear(self) -> None:
        """Empty the basket after a sale or a release (the last sale stays shown)."""
        self._hold = None
        self._labels = ()
        self._quote = None
        self._expired = False
        self._timer.stop()
        self._clear_inputs()
        self._set_coupon_message("", None)
        self.set_payment_error("")
        self._sync()

    def _clear_inputs(self) -> None:
        for edit in (
            self.coupon_edit,
            self.name_edit,
            self.phone_edit,
            self.tendered_edit,
            self.reference_edit,
        ):
            edit.blockSignals(True)
            edit.clear()
            edit.blockSignals(False)
        self._coupon_ok = None

    # ------------------------------------------------------------------ reading

    def hold(self) -> HoldResult | None:
        return self._hold

    def quote(self) -> Quote | None:
        return self._quote

    def labels(self) -> tuple[str, ...]:
        return self._labels

    def coupon_code(self) -> str:
        return self.coupon_edit.text().strip()

    def payment_mode(self) -> PaymentMode:
        for mode, button in self.mode_buttons.items():
            if button.isChecked():
                return mode
        return PaymentMode.UPI

    def set_payment_mode(self, mode: PaymentMode) -> None:
        self.mode_buttons[mode].setChecked(True)

    def payment(self) -> PaymentInput:
        return PaymentInput(
            mode=self.payment_mode(),
            tendered=self.tendered_edit.text().strip(),
            reference=self.reference_edit.text().strip(),
            customer_name=self.name_edit.text().strip(),
            customer_phone=self.phone_edit.text().strip(),
        )

    def total(self) -> Decimal | None:
        return None if self._quote is None else self._quote.total

    def change_text(self) -> str:
        return self.change_label.text()

    def seconds_left(self) -> float | None:
        if self._hold is None:
            return None
        return (self._hold.expires_at - self._clock()).total_seconds()

    def countdown_text(self) -> str:
        return self.countdown_value.text() if not self._countdown_frame.isHidden() else ""

    def countdown_state(self) -> str:
        """``""`` (no hold), ``normal``, ``amber``, ``red`` or ``expired``."""
        if self._expired:
            return "expired"
        left = self.seconds_left()
        if left is None:
            return ""
        if left <= 0:
            return "expired"
        if left < RED_BELOW_S:
            return "red"
        if left < AMBER_BELOW_S:
            return "amber"
        return "normal"

    def line_texts(self) -> list[tuple[str, str, str]]:
        """One (seat, "Type: how it was priced", price) per seat, in basket order."""
        return self.lines.rows()

    def is_busy(self) -> bool:
        return bool(self._busy)

    # ------------------------------------------------------------------ countdown

    def tick(self) -> None:
        """Update the countdown now (the timer does it four times a second)."""
        self._sync_countdown()

    def _sync_countdown(self) -> None:
        state = self.countdown_state()
        frame = self._countdown_frame
        if state == "":
            frame.hide()
            return
        frame.show()
        if state == "expired":
            self.countdown_caption.setText("Hold ran out: the seats are free again")
            self.countdown_value.setText("0:00")
            colour, background = COLOUR_RED, "#FDECEA"
            if self._hold is not None and not self._expired_emitted:
                self._expired_emitted = True
                self._timer.stop()
                self.hold_expired.emit()
        else:
            left = self.seconds_left() or 0.0
            assert self._hold is not None
            self.countdown_caption.setText(f"Held for you: {self._hold.ticket_code}")
            self.countdown_value.setText(format_countdown(left))
            colour, background = {
                "normal": (COLOUR_NORMAL, "#EAF6F1"),
                "amber": (COLOUR_AMBER, "#FFF3DC"),
                "red": (COLOUR_RED, "#FDECEA"),
            }[state]
        frame.setStyleSheet(
            f"QFrame#holdCountdown {{ background: {background}; border-radius: 4px; }}"
            f" QFrame#holdCountdown QLabel {{ color: {colour}; background: transparent; }}"
        )

    # ------------------------------------------------------------------ internals

    def _set_coupon_message(self, text: str, ok: bool | None) -> None:
        self._coupon_ok = ok
        self.coupon_message.setText(breakable(text))
        self.coupon_message.setToolTip(text)
        self.coupon_message.setVisible(bool(text))
        colour = COLOUR_GOOD if ok else COLOUR_BAD if ok is False else COLOUR_MUTED
        self.coupon_message.setStyleSheet(f"color: {colour};")

    def coupon_message_text(self) -> str:
        return self.coupon_message.toolTip() if not self.coupon_message.isHidden() else ""

    def _sync(self) -> None:
        quote = self._quote
        has_seats = bool(self._labels)
        self.empty_label.setVisible(not has_seats and not self._expired)
        if self._expired:
            self.empty_label.setVisible(False)
        self.lines.setVisible(has_seats)
        self.lines.show_quote(self._labels, quote)
        if quote is not None and has_seats:
            self.subtotal_value.setText(money(quote.subtotal))
            self.discount_value.setText(money(-quote.discount) if quote.discount else "—")
            self.discount_caption.setText(
                f"Discount ({quote.coupon_code})" if quote.coupon_code else "Discount"
            )
            self.total_value.setText(money(quote.total))
        else:
            for value in (self.subtotal_value, self.discount_value, self.total_value):
                value.setText("—")
            self.discount_caption.setText("Discount")
        holding = self._hold is not None
        busy = bool(self._busy)
        self.hold_button.setEnabled(has_seats and not holding and not busy)
        self.release_button.setEnabled(holding and not busy)
        self.pay_button.setEnabled(holding and not busy)
        self.coupon_button.setEnabled((has_seats or holding) and not busy)
        self.print_button.setEnabled(self._can_print and not busy)
        title = "Basket"
        if holding:
            title = f"Basket · {len(self._labels)} held"
        elif has_seats:
            title = f"Basket · {len(self._labels)} selected"
        self.title_label.setText(title)
        self._sync_payment()
        self._sync_countdown()

    def _sync_payment(self) -> None:
        mode = self.payment_mode()
        cash = mode is PaymentMode.CASH
        self._cash_row.setVisible(cash)
        self.reference_edit.setVisible(not cash)
        if not cash:
            self.reference_edit.setPlaceholderText(REFERENCE_HINTS.get(mode, "Reference"))
        total = self.total()
        tendered = parse_amount(self.tendered_edit.text())
        if not cash or total is None or tendered is None:
            self.change_label.setText("")
            return
        if tendered >= total:
            self.change_label.setText(f"Change {money(tendered - total)}")
            self.change_label.setStyleSheet(f"color: {COLOUR_GOOD};")
        else:
            self.change_label.setText(f"Short {money(total - tendered)}")
            self.change_label.setStyleSheet(f"color: {COLOUR_BAD};")

    # ------------------------------------------------------------------ slots

    @Slot()
    def _on_coupon_button_clicked(self) -> None:
        code = self.coupon_code()
        if code:
            self.coupon_submitted.emit(code)
        else:
            self.coupon_cleared.emit()

    @Slot(str)
    def _on_coupon_edit_text_changed(self, text: str) -> None:
        if not text.strip() and self._coupon_ok is not None:
            self._set_coupon_message("", None)
            self.coupon_cleared.emit()

    @Slot(str)
    def _on_tendered_edit_text_changed(self, _text: str) -> None:
        self.set_payment_error("")
        self._sync_payment()

    @Slot()
    def _on_payment_return_pressed(self) -> None:
        if self.pay_button.isEnabled():
            self.pay_requested.emit()

    @Slot(int)
    def _on_mode_group_id_clicked(self, _id: int) -> None:
        self.focus_payment()

    @Slot(int, bool)
    def _on_mode_group_id_toggled(self, _id: int, checked: bool) -> None:
        if checked:
            self.set_payment_error("")
            self._sync_payment()

    @Slot()
    def _on_lines_go_on_requested(self) -> None:
        if self._hold is None:
            if self.hold_button.isEnabled():
                self.hold_requested.emit()
        else:
            self.focus_payment()

    @Slot()
    def _on_timer_timeout(self) -> None:
        self._sync_countdown()


__all__ = [
    "BasketState",
    "BasketWidget",
    "PaymentInput",
    "format_countdown",
    "money",
    "parse_amount",
    "sale_html",
]
