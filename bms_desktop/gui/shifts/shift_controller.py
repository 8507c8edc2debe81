"""The shift at a counter, for the counter window: what it shows and what its Shift menu does.

``ShiftController`` is widget-free: it keeps the counter's shift and drawer (loaded off the GUI
thread through a ``TaskRunner``) and runs the flows -- open a shift, a drop or top-up (with its
slip), the X report (a PDF), count and close (with the cash-up slip) -- asking through the
dialogs' ``ask()`` with the parent window it is handed.

Integration with a counter window (issue 11):

    shifts = ShiftController(box, ctx, print_folder=folder, parent=window)
    menu = install_shift_menu(window.menuBar(), shifts, window)   # the Shift menu
    status = ShiftStatusLabel(shifts, window); window.statusBar().addPermanentWidget(status)
    ...
    if not shifts.ensure_shift(window):   # before taking a payment: offers to open one
        return
    shifts.refresh()                      # after a sale or a refund: the drawer moved

The sale services refuse a clerk without an open shift in any case (``services.tender``); the
window asks first so that the clerk is offered the float dialog instead of an error.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QMenu, QMenuBar, QWidget

from bms_desktop.domain import cinema_time
from bms_desktop.domain.errors import DomainError
from bms_desktop.gui.dialogs.common import ConfirmDialog, run_in_background
from bms_desktop.gui.formatting import money
from bms_desktop.gui.shifts.cash_up_dialog import CashUpDialog
from bms_desktop.gui.shifts.shift_dialogs import CashMovementDialog, OpenShiftDialog
from bms_desktop.gui.theme import set_style_property
from bms_desktop.gui.workers import TaskRunner
from bms_desktop.services import shifts
from bms_desktop.services.context import BoxOffice, CounterContext
from bms_desktop.services.shifts import CloseResult, DrawerSummary, MovementResult, ShiftView

log = logging.getLogger(__name__)


def shift_status_text(shift: ShiftView | None, drawer: DrawerSummary | None = None) -> str:
    """One short line for a counter's status bar."""
    if shift is None:
        return "No open shift"
    since = cinema_time.clock(shift.opened_at, shift.timezone)
    text = f"Shift #{shift.shift_id} · {shift.username} since {since}"
    if shift.stale:
        return f"{text} · from an earlier day: close it"
    if drawer is not None and drawer.shift.shift_id == shift.shift_id:
        text += f" · drawer {money(drawer.expected)}"
    return text


def shift_tone(shift: ShiftView | None, ctx: CounterContext) -> str:
    if shift is None:
        return "warn"
    if shift.stale or shift.staff_id != ctx.staff_id:
        return "bad"
    return "ok"


class ShiftController(QObject):
    """Signals:
    shift_changed(object): the counter's open shift (ShiftView) or None.
    drawer_changed(object): its DrawerSummary (None without a shift).
    message(str, str): text and kind ("info", "success", "warning", "error") for the window.
    printed(str): the path of a PDF just printed (slip, X report).
    """

    shift_changed = Signal(object)
    drawer_changed = Signal(object)
    message = Signal(str, str)
    printed = Signal(str)

    def __init__(
        self,
        box: BoxOffice,
        ctx: CounterContext,
        *,
        print_folder: Path,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._box = box
        self._ctx = ctx
        self._folder = Path(print_folder)
        self._runner = TaskRunner(self, max_threads=1)
        self._shift: ShiftView | None = None
        self._drawer: DrawerSummary | None = None
        self._resumed: int | None = None
        self.loaded = False

    # ------------------------------------------------------------------ state

    @property
    def ctx(self) -> CounterContext:
        return self._ctx

    def set_context(self, ctx: CounterContext) -> None:
        """Another clerk signed in at this counter."""
        self._ctx = ctx
        self._resumed = None
        self.refresh()

    def shift(self) -> ShiftView | None:
        return self._shift

    def drawer(self) -> DrawerSummary | None:
        return self._drawer

    def can_sell(self) -> bool:
        s = self._shift
        return s is not None and not s.stale and s.staff_id == self._ctx.staff_id

    def resumed_here(self) -> bool:
        """This window has opened or resumed the open shift (no need to ask again)."""
        return self._shift is not None and self._resumed == self._shift.shift_id

    def status_text(self) -> str:
        return shift_status_text(self._shift, self._drawer)

    def is_busy(self) -> bool:
        return self._runner.is_busy()

    def _load(self) -> tuple[ShiftView | None, DrawerSummary | None]:
        current = shifts.current_shift(self._box, self._ctx)
        drawer = None
        if current is not None and current.staff_id == self._ctx.staff_id:
            drawer = shifts.drawer_summary(self._box, self._ctx, shift_id=current.shift_id)
        return current, drawer

    def refresh(self) -> None:
        """Reload the shift and the drawer off the GUI thread."""
        if self._ctx.staff_id is None:  # an unattended counter has no drawer
            self._apply((None, None))
            return
        self._runner.submit(
            self._load,
            on_done=self._apply,
            on_error=lambda exc: log.warning("shift not loaded: %s", exc),
            label="Loading the shift",
        )

    def _apply(self, loaded: tuple[ShiftView | None, DrawerSummary | None]) -> None:
        self._shift, self._drawer = loaded
        self.loaded = True
        self.shift_changed.emit(self._shift)
        self.drawer_changed.emit(self._drawer)

    def _load_now(self, parent: QWidget | None) -> None:
        self._apply(run_in_background(parent, "Loading the shift…", self._load))

    # ------------------------------------------------------------------ flows

    def ensure_shift(self, parent: QWidget | None) -> bool:
        """Before taking money: True when this clerk may sell here now. Resumes this clerk's
        shift of today (after a restart), offers to open one when there is none, offers to count
        and close this clerk's shift from an earlier day; refuses with a message when the open
        shift is someone else's."""
        if self._ctx.staff_id is None:
            return True
        try:
            self._load_now(parent)
            current = self._shift
            if current is not None and current.staff_id != self._ctx.staff_id:
                self.message.emit(
                    f"{current.counter}'s open shift is {current.username}'s: it must be counted "
                    "and closed (Shift ▸ Count and close) before you sell here",
                    "warning",
                )
                return False
            if current is not None and current.stale:
                if not ConfirmDialog.ask(
                    parent,
                    title="Shift from an earlier day",
                    text=f"Your shift #{current.shift_id} is from an earlier business day.",
                    informative="Count the drawer and close it with a supervisor now? Then "
                    "open today's shift.",
                    ok_text="Count and close",
                ):
                    return False
                if self.close_shift(parent) is None:
                    return False
                current = None
            if current is None:
                return (
                    self.open_shift(
                        parent,
                        reason="Selling needs an open shift: count the float into the drawer.",
                    )
                    is not None
                )
            if self._resumed != current.shift_id:
                run_in_background(
                    parent, "Resuming the shift…", lambda: shifts.resume_shift(self._box, self._ctx)
                )
                self._resumed = current.shift_id
            return True
        except DomainError as exc:
            self.message.emit(exc.message, "error")
            return False

    def open_shift(self, parent: QWidget | None, *, reason: str = "") -> ShiftView | None:
        try:
            cinemas = run_in_background(
                parent, "Loading the cinemas…", lambda: shifts.cinema_choices(self._box)
            )
        except DomainError as exc:
            self.message.emit(exc.message, "error")
            return None
        opened = OpenShiftDialog.ask(
            self._box, self._ctx, cinemas, theater_id=self._theater_hint(), reason=reason,
            parent=parent,
        )  # fmt: skip
        if opened is not None:
            self._resumed = opened.shift_id
            self.message.emit(
                f"Shift #{opened.shift_id} opened with a float of {money(opened.opening_float)}",
                "success",
            )
            self._load_now(parent)
        return opened

    def _theater_hint(self) -> int | None:
        return None if self._shift is None else self._shift.theater_id

    def cash_movement(self, parent: QWidget | None, kind: str) -> MovementResult | None:
        if not self._require_own_shift():
            return None
        assert self._drawer is not None
        done = CashMovementDialog.ask(
            self._box, self._ctx, kind=kind, expected=self._drawer.expected, parent=parent
        )
        if done is None:
            return None
        what = "Drop" if kind == shifts.DROP else "Top-up"
        self.message.emit(f"{what} of {money(done.amount)} recorded", "success")
        try:
            from bms_desktop.gui.reports.print_reports import print_movement_slip

            header = shifts.cinema_header(self._box, done.shift.theater_id)
            path = print_movement_slip(done, header, self._folder)
            self.printed.emit(str(path))
        except OSError as exc:
            self.message.emit(f"The slip was not printed: {exc}", "warning")
        self._load_now(parent)
        return done

    def print_x_report(self, parent: QWidget | None) -> Path | None:
        shift = self._shift
        if shift is None:
            self.message.emit(f"{self._ctx.counter} has no open shift", "warning")
            return None
        from bms_desktop.gui.reports.print_reports import print_report, report_file_name
        from bms_desktop.services import reports_cash

        try:
            report = run_in_background(
                parent, "Adding up the shift…",
                lambda: reports_cash.x_report(self._box, self._ctx, shift_id=shift.shift_id),
            )  # fmt: skip
            path = print_report(report, self._folder / report_file_name(report, self._box.now()))
        except DomainError as exc:
            self.message.emit(exc.message, "error")
            return None
        except OSError as exc:
            self.message.emit(f"The X report was not printed: {exc}", "error")
            return None
        self.printed.emit(str(path))
        self.message.emit(f"X report printed: {path.name}", "success")
        return path

    def close_shift(self, parent: QWidget | None) -> CloseResult | None:
        shift = self._shift
        if shift is None:
            self.message.emit(f"{self._ctx.counter} has no open shift to close", "warning")
            return None
        try:
            summary = run_in_background(
                parent, "Adding up the drawer…",
                lambda: shifts.drawer_summary(self._box, self._ctx, shift_id=shift.shift_id),
            )  # fmt: skip
        except DomainError as exc:
            self.message.emit(exc.message, "error")
            return None
        done = CashUpDialog.ask(self._box, self._ctx, summary, parent=parent)
        if done is None:
            return None
        verdict = "balances" if done.difference == 0 else (
            f"is {money(abs(done.difference))} {'over' if done.difference > 0 else 'short'}"
        )  # fmt: skip
        self.message.emit(
            f"Shift #{shift.shift_id} closed; the drawer {verdict} (signed off by "
            f"{done.approved_by})",
            "success" if done.difference == 0 else "warning",
        )
        try:
            from bms_desktop.gui.reports.print_reports import print_close_slip

            path = print_close_slip(
                done, shifts.cinema_header(self._box, shift.theater_id), self._folder
            )
            self.printed.emit(str(path))
        except OSError as exc:
            self.message.emit(f"The cash-up slip was not printed: {exc}", "warning")
        self._load_now(parent)
        return done

    def _require_own_shift(self) -> bool:
        if not self.can_sell() or self._drawer is None:
            self.message.emit(
                f"{self._ctx.counter} has no open shift of {self._ctx.username} today", "warning"
            )
            return False
        return True


class ShiftStatusLabel(QLabel):
    """The shift in a counter's status bar, as a coloured pill."""

    def __init__(self, controller: ShiftController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shiftStatus")
        self.setProperty("class", "pill")
        self._controller = controller
        controller.shift_changed.connect(self._on_controller_changed)
        controller.drawer_changed.connect(self._on_controller_changed)
        self._on_controller_changed(None)

    @Slot(object)
    def _on_controller_changed(self, _value: object) -> None:
        c = self._controller
        self.setText(c.status_text() if c.loaded else "Shift…")
        set_style_property(self, "tone", shift_tone(c.shift(), c.ctx) if c.loaded else "neutral")


def install_shift_menu(menu_bar: QMenuBar, controller: ShiftController, parent: QWidget) -> QMenu:
    """The counter's Shift menu: open, drop, top-up, X report, count and close. Actions are
    enabled by the state of the shift."""
    menu = menu_bar.addMenu("S&hift")
    menu.setObjectName("shiftMenu")

    def action(text: str, name: str, slot: object, shortcut: str | None = None) -> QAction:
        act = QAction(text, parent)
        act.setObjectName(name)
        if shortcut:
            act.setShortcut(QKeySequence(shortcut))
        act.triggered.connect(slot)
        menu.addAction(act)
        return act

    open_act = action("&Open shift…", "openShiftAction", lambda: controller.open_shift(parent))
    menu.addSeparator()
    drop_act = action("Cash &drop to the safe…", "cashDropAction",
                      lambda: controller.cash_movement(parent, shifts.DROP))  # fmt: skip
    topup_act = action("&Top up the drawer…", "topUpAction",
                       lambda: controller.cash_movement(parent, shifts.TOPUP))  # fmt: skip
    x_act = action("Print &X report", "xReportAction", lambda: controller.print_x_report(parent))
    menu.addSeparator()
    close_act = action("&Count and close shift…", "closeShiftAction",
                       lambda: controller.close_shift(parent))  # fmt: skip

    def sync(_value: object = None) -> None:
        has = controller.shift() is not None
        mine = controller.can_sell()
        open_act.setEnabled(not has)
        drop_act.setEnabled(mine)
        topup_act.setEnabled(mine)
        x_act.setEnabled(has)
        close_act.setEnabled(has)

    controller.shift_changed.connect(sync)
    controller.drawer_changed.connect(sync)
    sync()
    return menu


__all__ = [
    "ShiftController",
    "ShiftStatusLabel",
    "install_shift_menu",
    "shift_status_text",
]
