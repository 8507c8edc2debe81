"""The whole first day of a new cinema, through the desktop dialogs only.

An empty database; the first-run dialog ("Set up a new cinema") creates the administrator, who
lands in the admin console; the console's own dialogs add a city, a cinema, a screen drawn in
the layout editor (generated, then painted with the mouse), a movie, a pricing rule, a two-week
schedule, a coupon and a clerk, while the getting-started checklist ticks itself off. Then the
clerk signs in at a counter window and sells a seat of that show with that coupon; the ticket
PDF and the audit trail are checked.

Every dialog is the real one, filled through its widgets and submitted as its button would;
only ``exec()`` is replaced (each dialog's ``ask()``), as the test conventions ask.

The pricing rule, the coupon and the clerk are admin-B's dialogs (``PricingRuleDialog``,
``CouponDialog``, ``StaffDialog``), opened from their areas' buttons like the others.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from bms_desktop.domain.model import SeatStatus
from bms_desktop.gui.admin import launch as admin_launch
from bms_desktop.gui.admin.admin_window import AdminWindow
from bms_desktop.gui.admin.coupons_area import CouponDialog
from bms_desktop.gui.admin.layout_editor.editor_dialog import LayoutEditorDialog
from bms_desktop.gui.admin.movies_area import MovieDialog
from bms_desktop.gui.admin.place_dialogs import CinemaDialog, CityDialog
from bms_desktop.gui.admin.pricing_dialogs import PricingRuleDialog
from bms_desktop.gui.admin.schedule_dialog import ScheduleDialog
from bms_desktop.gui.admin.screens_area import ScreenDialog
from bms_desktop.gui.admin.staff_dialogs import StaffDialog
from bms_desktop.gui.dialogs.first_run_dialog import FirstRunDialog
from bms_desktop.gui.dialogs.login_dialog import LoginDialog
from bms_desktop.gui.hub import ChangeHub
from bms_desktop.gui.shifts.shift_dialogs import OpenShiftDialog
from bms_desktop.services import demo, queries
from bms_desktop.services.context import BoxOffice, CounterContext
from tests.gui.counter_support import QuietFeed, make_window, press, wait_idle
from tests.support.admin_support import audit_rows


def pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(str(path)).pages)


def answering(cls: type, fill: Any) -> Any:
    """An ``ask()`` that builds the real dialog, lets ``fill`` type into it, and submits it."""

    def ask(_cls: type, *args: Any, **kwargs: Any) -> Any:
        dialog = cls(*args, **kwargs)
        try:
            fill(dialog)
            assert dialog.submit(), dialog.message.text() or [
                (f, dialog.field_error(f)) for f in dialog.field_names() if dialog.field_error(f)
            ]
            return dialog.result_value
        finally:
            dialog.deleteLater()

    return classmethod(ask)


def draw_layout(qtbot: QtBot) -> Any:
    """The layout editor, driven as a manager would: generate, then paint with the mouse."""

    def ask(_cls: type, layout: Any, parent: Any = None, **kw: Any) -> Any:
        editor = LayoutEditorDialog(layout, parent, **kw)
        qtbot.addWidget(editor)
        editor.show()
        qtbot.waitExposed(editor)
        editor.rows_spin.setValue(10)
        editor.blocks_edit.setText("6, 12, 6")
        editor.cross_edit.setText("6")
        editor.generate_button.click()
        canvas = editor.canvas
        editor.tool_buttons[("type", "DIAMOND")].click()  # the back block, dragged as a range
        start, end = canvas.cell_rect((7, 7)).center(), canvas.cell_rect((10, 18)).center()
        qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=start)
        qtbot.mouseMove(canvas, pos=end)
        qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=end)
        editor.tool_buttons[("accessible", None)].click()
        for cell in ((6, 0), (6, 25)):  # wheelchair spaces at the ends of row G
            qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=canvas.cell_rect(cell).center())
        assert editor.submit(), editor.message.text()
        seats = editor.result_seats
        editor.close()
        return seats

    return classmethod(ask)


def pick(combo: Any, data: object) -> None:
    index = combo.findData(data)
    assert index >= 0, data
    combo.setCurrentIndex(index)


def fill_rule(d: PricingRuleDialog) -> None:
    d.name_edit.setText("Diamond seats")
    pick(d.kind_combo, "SEAT_TYPE")
    d.multiplier_edit.setText("1.5")
    pick(d.seat_type_combo, "DIAMOND")


def fill_coupon(d: CouponDialog) -> None:
    d.code_edit.setText("opening50")
    d.description_edit.setText("Opening week")
    pick(d.kind_combo, "FIXED")
    d.value_edit.setText("50")


def fill_clerk(d: StaffDialog) -> None:
    d.username_edit.setText("asha")
    d.full_name_edit.setText("Asha Rao")
    pick(d.role_combo, "CLERK")
    d.password_edit.setText("asha-first-day")
    d.confirm_edit.setText("asha-first-day")
    # The counter's sign-in does not ask for a new password yet (the lead wires
    # ChangePasswordDialog into it); the clerk keeps this one.
    d.must_change_check.setChecked(False)


def test_new_cinema_from_empty_database_to_first_sale(
    qtbot: QtBot, box: BoxOffice, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert demo.is_empty(box)

    # 1. First run: "Set up a new cinema" creates the administrator.
    first = FirstRunDialog(box, seed_demo=lambda: pytest.fail("not the demo"))
    qtbot.addWidget(first)
    first.setup_button.click()
    first.username_edit.setText("anita")
    first.full_name_edit.setText("Anita Rao")
    first.password_edit.setText("opening-night")
    first.repeat_edit.setText("opening-night")
    assert first.create_admin()

    # 2. The administrator lands in the console, with the checklist.
    consoles: list[AdminWindow] = []
    monkeypatch.setattr(admin_launch, "run_console", consoles.append)
    window = admin_launch.run_first_run_console(box, "Back office")
    assert window is not None
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    checklist = window.checklist
    qtbot.waitUntil(lambda: checklist.progress is not None)
    assert checklist.progress.done_count == 0  # type: ignore[union-attr]

    def settled() -> None:
        qtbot.waitUntil(
            lambda: (
                not checklist.is_loading()
                and not any(window.area(k).is_loading() for k in window.area_keys())
            )
        )

    # 3. A city and a cinema.
    monkeypatch.setattr(
        CityDialog,
        "ask",
        answering(
            CityDialog,
            lambda d: (d.ui.nameEdit.setText("Pune"), d.ui.stateEdit.setText("Maharashtra")),
        ),
    )
    monkeypatch.setattr(
        CinemaDialog,
        "ask",
        answering(
            CinemaDialog,
            lambda d: (
                d.ui.nameEdit.setText("Galaxy Talkies"),
                d.ui.addressEdit.setPlainText("12 FC Road\nPune 411004"),
                d.ui.gstinEdit.setText("27AAPFU0939F1ZV"),
                d.ui.phoneEdit.setText("020 2553 1234"),
            ),
        ),
    )
    checklist._buttons["cinema"].click()
    places_area = window.area("places")
    assert window.current_area() is places_area
    settled()
    places_area.new_city_button.click()
    settled()
    places_area.new_cinema_button.click()
    qtbot.waitUntil(lambda: checklist.step_done("cinema"))

    # 4. A screen, its layout drawn in the editor.
    monkeypatch.setattr(LayoutEditorDialog, "ask", draw_layout(qtbot))
    monkeypatch.setattr(
        ScreenDialog,
        "ask",
        answering(ScreenDialog, lambda d: (d.name_edit.setText("Screen 1"), d.draw_button.click())),
    )
    checklist._buttons["screen"].click()
    screens_area = window.area("screens")
    settled()
    screens_area.new_button.click()
    qtbot.waitUntil(lambda: checklist.step_done("screen"))
    (screen,) = screens_area.table.records()
    assert screen.seat_count == 10 * 24

    # 5. A movie, with its poster.
    from tests.support.admin_support import tiny_png

    def fill_movie(d: MovieDialog) -> None:
        d.ui.titleEdit.setText("The Long Monsoon")
        d.ui.languagesEdit.setText("Hindi, English")
        d.ui.genreCombo.setCurrentText("Drama")
        d.ui.ratingEdit.setText("7.8")
        d.ui.certificateCombo.setCurrentText("UA")
        d.ui.runtimeSpin.setValue(142)
        d.set_poster_bytes(tiny_png(80, 120))

    monkeypatch.setattr(MovieDialog, "ask", answering(MovieDialog, fill_movie))
    checklist._buttons["movie"].click()
    settled()
    window.area("movies").new_button.click()
    qtbot.waitUntil(lambda: checklist.step_done("movie"))

    # 6. A pricing rule (its dialog shows the price matrix), then a two-week schedule.
    monkeypatch.setattr(PricingRuleDialog, "ask", answering(PricingRuleDialog, fill_rule))
    window.show_area("pricing")
    settled()
    window.area("pricing").new_rule_button.click()  # type: ignore[attr-defined]
    settled()

    def fill_schedule(d: ScheduleDialog) -> None:
        d.check_screens([screen.screen_id])
        d.set_days(date(2030, 3, 4), date(2030, 3, 17))
        d.times_edit.setText("14:00, 18:30")
        d.language_combo.setCurrentText("Hindi")
        preview = d.run_preview()
        assert preview is not None and preview.ok and len(preview.shows) == 28

    monkeypatch.setattr(ScheduleDialog, "ask", answering(ScheduleDialog, fill_schedule))
    checklist._buttons["show"].click()
    shows_area = window.area("shows")
    settled()
    shows_area.new_button.click()
    qtbot.waitUntil(lambda: checklist.step_done("show"))

    # 7. A coupon and a clerk.
    monkeypatch.setattr(CouponDialog, "ask", answering(CouponDialog, fill_coupon))
    window.show_area("coupons")
    settled()
    window.area("coupons").new_button.click()  # type: ignore[attr-defined]
    monkeypatch.setattr(StaffDialog, "ask", answering(StaffDialog, fill_clerk))
    checklist._buttons["clerk"].click()
    assert window.current_area() is window.area("staff")
    settled()
    window.area("staff").new_button.click()  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: checklist.progress is not None and checklist.progress.done)
    assert "All set" in checklist.summary.text()
    window.close()

    # 8. The clerk signs in at a counter and sells a Diamond seat of today's 14:00 show.
    login = LoginDialog(box, counter="Counter 1")
    qtbot.addWidget(login)
    login.fill("asha", "asha-first-day")
    assert login.sign_in()
    clerk_view, counter = login.signed_in  # type: ignore[misc]
    ctx = CounterContext(counter, clerk_view.staff_id, clerk_view.username, clerk_view.role)
    hub = ChangeHub(QuietFeed(), start=False)
    counter_window = make_window(qtbot, box, ctx, hub, tmp_path / "tickets")
    finder = counter_window.finder
    finder.search_edit.setText("Monsoon")
    qtbot.waitUntil(
        lambda: not finder.is_loading() and finder.model.rowCount() >= 1, timeout=10_000
    )
    with qtbot.waitSignal(counter_window.show_opened, timeout=10_000) as opened:
        press(finder.search_edit, Qt.Key.Key_Return)
    show_id = opened.args[0]
    wait_idle(qtbot, counter_window)
    seat_map = queries.get_seat_map(box, show_id)
    assert seat_map.show.local_starts_at.strftime("%d %H:%M") == "04 14:00"
    diamond = next(s for s in seat_map.seats if s.seat_type == "DIAMOND" and s.label == "H8")
    assert diamond.price == Decimal("150.00")  # 100.00 base x 1.5 for Diamond
    counter_window.seat_map.set_selection([diamond.show_seat_id])
    counter_window.basket.hold_button.click()
    qtbot.waitUntil(lambda: counter_window.current_hold() is not None, timeout=10_000)
    wait_idle(qtbot, counter_window)
    counter_window.basket.coupon_edit.setText("opening50")
    counter_window.basket.coupon_button.click()
    qtbot.waitUntil(lambda: counter_window.basket.total() == Decimal("100.00"), timeout=10_000)
    wait_idle(qtbot, counter_window)
    # Selling needs an open shift: the counter offers one; the clerk types the float.
    opened_shifts: list[Any] = []

    def open_with_float(dialog_cls: type, *args: Any, **kwargs: Any) -> Any:
        dialog = OpenShiftDialog(*args, **kwargs)
        try:
            dialog.float_edit.setText("2,000")
            assert dialog.open_shift(), dialog.message.text()
            opened_shifts.append(dialog.shift)
            return dialog.shift
        finally:
            dialog.deleteLater()

    monkeypatch.setattr(OpenShiftDialog, "ask", classmethod(open_with_float))
    with qtbot.waitSignal(counter_window.sale_completed, timeout=10_000) as sold:
        counter_window.basket.pay_button.click()
    assert len(opened_shifts) == 1 and opened_shifts[0].opening_float == Decimal("2000.00")
    code = sold.args[0]
    wait_idle(qtbot, counter_window)

    # The ticket PDF carries the code, the movie, the screen and the seat.
    ticket_pdf, _receipt = counter_window.last_printed_files()
    text = " ".join(pdf_text(ticket_pdf).split())
    for expected in (code, "The Long Monsoon", "Galaxy Talkies", "Screen 1", "H8", "Mon 4 Mar"):
        assert expected in text, expected
    (sale,) = queries.find_bookings(box, code)
    assert (sale.coupon_code, sale.total, sale.status.value) == (
        "OPENING50",
        Decimal("100.00"),
        "CONFIRMED",
    )
    assert (
        next(s for s in queries.get_seat_map(box, show_id).seats if s.label == "H8").status
        is SeatStatus.SOLD
    )

    # The audit trail tells the story, by whom.
    with box.uows() as uow:
        trail = list(reversed(uow.audit.recent(limit=500)))
    actions = [r.action for r in trail if r.action not in ("SHOW_SCHEDULED",)]
    story = [
        "FIRST_ADMIN",
        "SEAT_TYPE_ADDED",
        "CITY_ADDED",
        "CINEMA_ADDED",
        "SCREEN_ADDED",
        "MOVIE_ADDED",
        "PRICING_RULE_ADDED",
        "SCHEDULE_CREATED",
        "COUPON_ADDED",
        "STAFF_ADDED",
        "LOGIN",
        "HOLD",
        "SALE",
    ]
    positions = [actions.index(a) for a in story]
    assert positions == sorted(positions), actions
    assert len(audit_rows(box, "SHOW_SCHEDULED")) == 28
    admin_rows = [r for r in trail if r.action in story[2:10]]
    assert {r.username for r in admin_rows} == {"anita"}
    (cinema_row,) = audit_rows(box, "CINEMA_ADDED")
    assert cinema_row.details["after"]["gstin"] == "27AAPFU0939F1ZV"
    (sale_row,) = audit_rows(box, "SALE")
    assert (sale_row.username, sale_row.counter, sale_row.show_id) == ("asha", "Counter 1", show_id)
    hub.stop()
