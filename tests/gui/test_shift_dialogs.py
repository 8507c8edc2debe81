"""The shift dialogs and the counter's shift controller (pytest-qt, offscreen, SQLite)."""

# ruff: noqa: F811 - the fixtures come from tests.gui.shift_support

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from bms_desktop.gui.shifts.cash_up_dialog import CashUpDialog, difference_tone
from bms_desktop.gui.shifts.shift_controller import (
    ShiftController,
    ShiftStatusLabel,
    install_shift_menu,
    shift_status_text,
)
from bms_desktop.gui.shifts.shift_dialogs import CashMovementDialog, OpenShiftDialog
from bms_desktop.services import queries, shifts
from tests.gui.shift_support import people, sbox, sworld  # noqa: F401
from tests.support.shift_support import sell


def pdf_text(path: Path) -> str:
    """The text of a PDF, each run of white space one space (QTextDocument's PDFs put tabs
    between words)."""
    text = " ".join(page.extract_text() or "" for page in PdfReader(str(path)).pages)
    return re.sub(r"\s+", " ", text)


def _open(sbox: Any, sworld: Any, who: Any, float_: str = "1000") -> Any:
    return shifts.open_shift(
        sbox, who.at("Counter 1"), theater_id=sworld.theater_id, opening_float=float_
    )


def _fits(qtbot: Any, dialog: Any) -> None:
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    hint = dialog.sizeHint()
    assert dialog.width() <= 1366 and max(dialog.height(), hint.height()) <= 740


def test_the_open_shift_dialog_opens_a_shift_and_shows_a_refusal(qtbot, sbox, sworld, people):
    ctx = people["asha"].at("Counter 1")
    dialog = OpenShiftDialog(sbox, ctx, shifts.cinema_choices(sbox), theater_id=sworld.theater_id)
    _fits(qtbot, dialog)
    dialog.float_edit.setText("12.345")
    assert not dialog.open_shift()
    assert "two decimals" in dialog.message.text() and dialog.isVisible()
    dialog.float_edit.setText("2,000")
    assert dialog.open_shift()
    assert dialog.shift is not None and dialog.shift.opening_float == Decimal("2000.00")
    assert shifts.current_shift(sbox, ctx).shift_id == dialog.shift.shift_id


def test_the_drop_dialog_refuses_more_than_the_drawer_holds(qtbot, sbox, sworld, people):
    ctx = people["asha"].at("Counter 1")
    _open(sbox, sworld, people["asha"], "500")
    dialog = CashMovementDialog(sbox, ctx, kind="DROP", expected=Decimal("500"))
    _fits(qtbot, dialog)
    dialog.amount_edit.setText("600")
    assert not dialog.record()
    assert "should hold ₹500.00" in dialog.message.text()
    dialog.amount_edit.setText("400")
    dialog.witness_edit.setText("suresh")
    dialog.witness_password.setText(people["suresh"].password)
    assert dialog.record()
    assert dialog.result_.approved_by == "suresh" and dialog.result_.expected_after == 100


def test_the_cash_up_dialog_shows_the_difference_and_needs_a_supervisor(
    qtbot, sbox, sworld, people
):
    asha = people["asha"]
    ctx = asha.at("Counter 1")
    shift = _open(sbox, sworld, asha, "1000")
    sale = sell(sbox, ctx, sworld.show_id, sworld.seat_ids[:2], mode="CASH", tendered="500")
    summary = shifts.drawer_summary(sbox, ctx, shift_id=shift.shift_id)
    assert summary.expected == Decimal("1000") + sale.total
    dialog = CashUpDialog(sbox, ctx, summary)
    _fits(qtbot, dialog)
    assert dialog.expected_value.text() == f"₹{summary.expected:,.2f}"
    dialog.spins["N500"].setValue(2)
    dialog.spins["N100"].setValue(1)
    dialog.spins["C10"].setValue(5)
    dialog.spins["C10"].setValue(0)
    counted = Decimal("1100")
    assert dialog.counted_value.text() == "₹1,100.00"
    diff = counted - summary.expected
    assert dialog.difference_value.text() == f"−₹{abs(diff):,.2f} short"
    assert dialog.difference_value.property("tone") == difference_tone(diff) == "bad"
    dialog.as_total.setChecked(True)
    assert dialog.grid_frame.isHidden() and not dialog.total_frame.isHidden()
    dialog.total_edit.setText(str(summary.expected))
    assert dialog.difference_value.text() == "balances"
    assert dialog.difference_value.property("tone") == "ok"
    dialog.supervisor_edit.setText("asha")
    dialog.password_edit.setText(asha.password)
    assert not dialog.close_shift()
    assert "of asha, a clerk" in dialog.message.text()
    dialog.supervisor_edit.setText("suresh")
    dialog.password_edit.setText(people["suresh"].password)
    assert dialog.close_shift()
    assert dialog.result_.difference == 0 and dialog.result_.approved_by == "suresh"
    assert not shifts.get_shift(sbox, shift.shift_id).is_open


def test_the_controller_offers_a_shift_before_selling_and_runs_the_shift_menu(
    qtbot, sbox, sworld, people, tmp_path, monkeypatch
):
    from PySide6.QtWidgets import QMainWindow

    ctx = people["asha"].at("Counter 1")
    window = QMainWindow()
    qtbot.addWidget(window)
    controller = ShiftController(sbox, ctx, print_folder=tmp_path, parent=window)
    menu = install_shift_menu(window.menuBar(), controller, window)
    status = ShiftStatusLabel(controller, window)
    window.statusBar().addPermanentWidget(status)
    messages: list[tuple[str, str]] = []
    controller.message.connect(lambda text, kind: messages.append((text, kind)))
    asked: list[str] = []

    def fake_open(box, c, cinemas, *, theater_id=None, reason="", parent=None):
        asked.append(reason)
        return shifts.open_shift(box, c, theater_id=sworld.theater_id, opening_float="800")

    monkeypatch.setattr(OpenShiftDialog, "ask", fake_open)
    with qtbot.waitSignal(controller.shift_changed, timeout=10_000):
        controller.refresh()
    assert status.text() == "No open shift" and status.property("tone") == "warn"
    actions = {a.objectName(): a for a in menu.actions()}
    assert actions["openShiftAction"].isEnabled() and not actions["cashDropAction"].isEnabled()
    assert controller.ensure_shift(window)
    assert asked and "Selling needs an open shift" in asked[0]
    assert controller.can_sell() and status.property("tone") == "ok"
    assert "drawer ₹800.00" in status.text()
    assert not actions["openShiftAction"].isEnabled() and actions["cashDropAction"].isEnabled()
    assert controller.ensure_shift(window) and len(asked) == 1  # open already: no dialog again

    def fake_drop(box, c, *, kind, expected, parent=None):
        return shifts.record_cash_movement(box, c, kind=kind, amount="300", reason="safe")

    monkeypatch.setattr(CashMovementDialog, "ask", fake_drop)
    printed: list[str] = []
    controller.printed.connect(printed.append)
    assert controller.cash_movement(window, "DROP") is not None
    slip = pdf_text(Path(printed[-1]))
    assert "CASH DROP TO SAFE" in slip and "27AAAPL1234C1ZV" in slip and "₹300.00" in slip
    assert "drawer ₹500.00" in status.text()
    x_path = controller.print_x_report(window)
    x_text = pdf_text(x_path)
    assert "Cash drawer" in x_text and "Expected in the drawer" in x_text and "500.00" in x_text

    def fake_cash_up(box, c, summary, *, parent=None):
        from bms_desktop.domain import cash

        return shifts.close_shift(box, c, shift_id=summary.shift.shift_id,
                                  count=cash.count_as_total(summary.expected - 20),
                                  sign_off=people["suresh"].sign_off())  # fmt: skip

    monkeypatch.setattr(CashUpDialog, "ask", fake_cash_up)
    assert controller.close_shift(window) is not None
    assert any("₹20.00 short" in m for m, _k in messages)
    assert "CASH-UP" in pdf_text(Path(printed[-1]))
    assert status.text() == "No open shift"


def test_a_clerk_cannot_sell_in_another_clerks_shift_through_the_controller(
    qtbot, sbox, sworld, people, tmp_path
):
    _open(sbox, sworld, people["asha"])
    from bms_desktop.domain.model import Role
    from tests.support.shift_support import person

    ravi = person(sbox, "ravi", Role.CLERK)
    controller = ShiftController(sbox, ravi.at("Counter 1"), print_folder=tmp_path)
    messages: list[str] = []
    controller.message.connect(lambda text, _kind: messages.append(text))
    assert not controller.ensure_shift(None)
    assert "Counter 1's open shift is asha's" in messages[-1]
    assert shift_status_text(controller.shift()).startswith("Shift #")


def test_the_receipt_carries_the_cinemas_gstin_address_phone_and_tax_lines(
    qtbot, sbox, sworld, people, tmp_path
):
    from bms_desktop.gui import printing

    ctx = people["asha"].at("Counter 1")
    _open(sbox, sworld, people["asha"])
    sale = sell(sbox, ctx, sworld.show_id, sworld.seat_ids[:2], mode="UPI")
    view = queries.get_booking(sbox, sale.ticket_id)
    assert view.cinema is not None and view.cinema.gstin == "27AAAPL1234C1ZV"
    _ticket, receipt = printing.print_ticket_and_receipt(view, tmp_path)
    text = pdf_text(receipt)
    assert "GSTIN 27AAAPL1234C1ZV" in text and "MG Road" in text and "+91 22 5555 0101" in text
    assert "incl. GST 12 %" in text and "21.42" in text  # 2 x 100.00 at 12 %: 10.71 each
    assert "CGST 6 %" in text


@pytest.mark.parametrize("diff", [Decimal("0"), Decimal("-20"), Decimal("60")])
def test_the_difference_tone_reads_at_a_glance(diff):
    assert difference_tone(diff) == {0: "ok", -20: "warn", 60: "bad"}[int(diff)]
