"""The shift in the counter window (issue 11): no sale without an open shift (the float dialog
is offered), the shift in the status bar and a Shift menu, split tender at the payment step."""

# ruff: noqa: F811 - the fixtures come from tests.gui.shift_support

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from bms_desktop.gui.hub import ChangeHub
from bms_desktop.gui.shifts.shift_dialogs import OpenShiftDialog
from bms_desktop.gui.shifts.split_dialog import SplitTenderDialog
from bms_desktop.services import shifts
from bms_desktop.services.tender import Tender
from tests.gui.counter_support import QuietFeed, make_window, open_show, wait_idle
from tests.gui.shift_support import people, sbox, sworld  # noqa: F401
from tests.support.shift_support import paise, sql_scalar

pytestmark = pytest.mark.timeout(120)


@pytest.fixture
def hub(qtbot: QtBot) -> Iterator[ChangeHub]:
    hub = ChangeHub(QuietFeed())
    yield hub
    hub.stop()


def _window(qtbot: QtBot, sbox: Any, sworld: Any, people: Any, hub: Any, tmp_path: Path) -> Any:
    win = make_window(qtbot, sbox, people["asha"].at("Counter 1"), hub, tmp_path / "tickets")
    qtbot.waitUntil(lambda: win.shifts.controller.loaded, timeout=10_000)
    open_show(qtbot, win, sworld.show_id)
    return win


def _hold(qtbot: QtBot, win: Any, ids: list[int]) -> None:
    win.seat_map.set_selection(ids)
    win.basket.hold_button.click()
    qtbot.waitUntil(lambda: win.current_hold() is not None, timeout=10_000)
    wait_idle(qtbot, win)


def test_the_counter_offers_a_shift_before_its_first_sale(
    qtbot, sbox, sworld, people, hub, tmp_path, monkeypatch
):
    win = _window(qtbot, sbox, sworld, people, hub, tmp_path)
    status = win.shifts.status
    assert status.text() == "No open shift" and status.isVisible()
    menu = win.actions_.menus["Shift"]
    names = [a.objectName() for a in menu.actions()]
    assert {"openShiftAction", "splitPaymentAction", "closeShiftAction"} <= set(names)
    asked: list[str] = []

    def refuse(*_a: Any, reason: str = "", **_k: Any) -> None:
        asked.append(reason)

    monkeypatch.setattr(OpenShiftDialog, "ask", refuse)
    _hold(qtbot, win, list(sworld.seat_ids[:2]))
    win.basket.pay_button.click()
    assert asked and "Selling needs an open shift" in asked[0]
    assert sql_scalar(sbox, "SELECT count(*) FROM payments") == 0  # nothing was charged
    assert win.current_hold() is not None  # the seats stay held for when the shift is open

    def accept(box: Any, ctx: Any, cinemas: Any, **_k: Any) -> Any:
        return shifts.open_shift(box, ctx, theater_id=sworld.theater_id, opening_float="1000")

    monkeypatch.setattr(OpenShiftDialog, "ask", accept)
    with qtbot.waitSignal(win.sale_completed, timeout=10_000):
        win.basket.pay_button.click()
    wait_idle(qtbot, win)
    shift = shifts.current_shift(sbox, people["asha"].at("Counter 1"))
    assert (
        sql_scalar(sbox, "SELECT count(*) FROM payments WHERE session_id = :s", s=shift.shift_id)
        == 1
    )
    qtbot.waitUntil(lambda: status.text().startswith(f"Shift #{shift.shift_id}"), timeout=10_000)
    assert not win.shifts.actions["openShiftAction"].isEnabled()
    assert win.shifts.actions["cashDropAction"].isEnabled()


def test_a_split_payment_at_the_counter_writes_one_row_per_part(
    qtbot, sbox, sworld, people, hub, tmp_path, monkeypatch
):
    shifts.open_shift(
        sbox, people["asha"].at("Counter 1"), theater_id=sworld.theater_id, opening_float="500"
    )
    win = _window(qtbot, sbox, sworld, people, hub, tmp_path)
    _hold(qtbot, win, list(sworld.seat_ids[:3]))
    total = win.basket.quote().total
    monkeypatch.setattr(
        SplitTenderDialog,
        "ask",
        lambda t, **_k: (
            Tender("CASH", Decimal("100"), tendered=Decimal("200")),
            Tender("CREDIT_CARD", t - 100, reference="AUTH9"),
        ),
    )
    with qtbot.waitSignal(win.sale_completed, timeout=10_000):
        win.shifts.actions["splitPaymentAction"].trigger()
    wait_idle(qtbot, win)
    rows = sql_scalar(sbox, "SELECT count(*) FROM payments WHERE kind = 'PAYMENT'")
    assert rows == 2
    assert paise(sql_scalar(sbox, "SELECT sum(amount) FROM payments")) == total
    cash_part = paise(sql_scalar(sbox, "SELECT amount FROM payments WHERE mode = 'CASH'"))
    assert cash_part == Decimal("100.00")
    qtbot.waitUntil(lambda: "drawer ₹600.00" in win.shifts.status.text(), timeout=10_000)


def test_the_split_dialog_adds_up_before_it_lets_the_payment_go(qtbot):
    dialog = SplitTenderDialog(Decimal("450.00"))
    qtbot.addWidget(dialog)
    dialog.amount_edits["CASH"].setText("200")
    dialog.extra_edits["CASH"].setText("500")
    assert dialog.remaining_label.text() == "₹250.00 still to pay"
    assert dialog.change_label.text() == "Change to give: ₹300.00"
    assert not dialog.take_payment() and "still to pay" in dialog.message.text()
    dialog.amount_edits["UPI"].setText("250")
    assert dialog.remaining_label.text() == "adds up"
    assert dialog.take_payment()
    assert [(t.mode, t.amount) for t in dialog.tenders] == [
        ("CASH", Decimal("200.00")),
        ("UPI", Decimal("250.00")),
    ]
