"""Shows area dialogs: one show and a schedule (preview first, clashes listed, all or nothing,
progress off the GUI thread), a show's seats (block / unblock), cancelling with refunds."""

from __future__ import annotations

from datetime import date

import pytest
from pytestqt.qtbot import QtBot

from bms_desktop.domain.errors import ValidationError
from bms_desktop.domain.model import Role, SeatStatus
from bms_desktop.gui.admin.schedule_dialog import ScheduleDialog
from bms_desktop.gui.admin.show_dialogs import CancelShowDialog, ShowSeatsDialog, parse_seat_labels
from bms_desktop.gui.admin.shows_area import ShowsArea
from bms_desktop.gui.workers import TaskRunner
from bms_desktop.services import queries
from bms_desktop.services.admin import movies, screens, shows
from bms_desktop.services.context import BoxOffice
from tests.gui.dialog_support import add_staff, ctx_of, sell
from tests.support.admin_support import ADMIN, audit_rows, snapshot
from tests.support.builders import World, build_world


def schedule_dialog(qtbot: QtBot, box: BoxOffice, world: World) -> ScheduleDialog:
    dialog = ScheduleDialog(
        box,
        ADMIN,
        None,
        movies=movies.list_movies(box, ADMIN),
        screens=screens.list_screens(box, ADMIN),
        screen_id=world.screen_id,
    )
    qtbot.addWidget(dialog)
    return dialog


def test_one_show_is_created_after_a_clean_preview(qtbot: QtBot, box: BoxOffice) -> None:
    world = build_world(box)
    dialog = schedule_dialog(qtbot, box, world)
    assert dialog.language_combo.currentText() == "Hindi"
    dialog.set_days(date(2030, 3, 6), date(2030, 3, 6))
    dialog.times_edit.setText("18:30")
    assert not dialog.save_button.isEnabled()
    preview = dialog.run_preview()
    assert preview is not None and preview.ok
    assert dialog.save_button.text() == "Create 1 show"
    assert dialog.submit()
    (show_id,) = dialog.result_value.show_ids
    assert shows.get_show(box, ADMIN, show_id).local_starts_at.strftime("%d %H:%M") == "06 18:30"


def test_a_schedule_with_a_clash_cannot_be_created_and_an_edit_needs_a_new_preview(
    qtbot: QtBot, box: BoxOffice
) -> None:
    world = build_world(box)  # tomorrow (5 March) 10:00-12:00 IST
    before = snapshot(box)
    dialog = schedule_dialog(qtbot, box, world)
    dialog.set_days(date(2030, 3, 5), date(2030, 3, 18))
    dialog.times_edit.setText("11:00, 15:00")
    preview = dialog.run_preview()
    assert preview is not None and len(preview.clashes) == 1
    assert "1 of 28 shows clash" in dialog.preview_label.text()
    assert not dialog.save_button.isEnabled()
    assert "overlaps Test Movie 10:00-12:00" in preview.clashes[0].clash
    dialog.times_edit.setText("13:00, 17:00")
    assert dialog.run_preview() is not None and dialog.save_button.isEnabled()
    dialog.times_edit.setText("13:00, 17:00, 21:00")  # changed after the preview
    assert not dialog.save_button.isEnabled()
    assert not dialog.submit()
    assert "preview the shows first" in dialog.message.text().lower()
    dialog.reject()
    assert snapshot(box) == before


def test_a_bad_time_is_shown_beside_the_times(qtbot: QtBot, box: BoxOffice) -> None:
    world = build_world(box)
    dialog = schedule_dialog(qtbot, box, world)
    dialog.times_edit.setText("10:00, 7pm")
    assert dialog.run_preview() is None
    assert "'7pm' is not a time" in dialog.field_error("times")
    dialog.check_screens([])
    dialog.times_edit.setText("10:00")
    assert dialog.run_preview() is None
    assert "at least one screen" in dialog.field_error("screen_ids")


def test_a_two_week_schedule_is_created_with_progress(qtbot: QtBot, box: BoxOffice) -> None:
    world = build_world(box)
    dialog = schedule_dialog(qtbot, box, world)
    dialog.set_days(date(2030, 3, 6), date(2030, 3, 19))
    dialog.times_edit.setText("10:00, 14:00, 18:30")
    assert dialog.run_preview() is not None
    assert dialog.submit()
    assert len(dialog.result_value.show_ids) == 42


def test_blocking_and_unblocking_seats_of_a_show(qtbot: QtBot, box: BoxOffice) -> None:
    world = build_world(box)
    sell(box, world, ctx_of(add_staff(box, "asha", Role.CLERK, "asha-password")), ["A3"])
    (show,) = shows.list_shows(box, ADMIN)
    dialog = ShowSeatsDialog(box, ADMIN, show)
    qtbot.addWidget(dialog)
    dialog.seats_edit.setText("A1-A4")
    dialog.reason_edit.setText("house seats")
    dialog.block_button.click()
    assert "A3 is sold" in dialog.message.text()
    assert dialog.blocked_list.count() == 0
    dialog.seats_edit.setText("A1-A2, B6")
    dialog.block_button.click()
    assert [dialog.blocked_list.item(i).text() for i in range(3)] == [
        "A1 — house seats",
        "A2 — house seats",
        "B6 — house seats",
    ]
    statuses = {s.label: s.status for s in queries.get_seat_map(box, world.show_id).seats}
    assert statuses["A1"] == SeatStatus.BLOCKED
    assert audit_rows(box, "SEATS_BLOCKED")[0].show_id == world.show_id
    dialog.blocked_list.item(0).setSelected(True)
    dialog.unblock_button.click()
    assert dialog.blocked_list.count() == 2
    assert dialog.changed


def test_seat_labels_are_parsed_with_ranges() -> None:
    from decimal import Decimal

    from bms_desktop.services.dto import SeatView

    views = [
        SeatView(i, i, f"A{i}", "A", i, i, 0, "GOLD", Decimal(0), SeatStatus.AVAILABLE, 1)
        for i in range(1, 6)
    ]
    assert parse_seat_labels("a2-a4, A1", views) == [2, 3, 4, 1]
    with pytest.raises(ValidationError, match="A9"):
        parse_seat_labels("A9", views)


def test_cancel_dialog_says_what_it_refunds_before_it_acts(qtbot: QtBot, box: BoxOffice) -> None:
    world = build_world(box)
    sale = sell(
        box, world, ctx_of(add_staff(box, "asha", Role.CLERK, "asha-password")), ["A1", "A2"]
    )
    admin = ctx_of(add_staff(box, "anita", Role.ADMIN, "anita-password"))  # on the staff list
    (show,) = shows.list_shows(box, admin)
    before = snapshot(box)
    dialog = CancelShowDialog(box, admin, show)
    qtbot.addWidget(dialog)
    text = dialog.effect_label.text()
    assert "1 ticket(s) for 2 seat(s)" in text and f"{sale.total:,.2f}" in text
    assert not dialog.submit()
    assert "cannot be empty" in dialog.field_error("reason")
    assert snapshot(box) == before
    dialog.reason_edit.setText("projector broken")
    assert dialog.submit()
    assert dialog.result_value.refunded_tickets == 1


def test_shows_area_lists_in_the_cinemas_zone(qtbot: QtBot, box: BoxOffice) -> None:
    build_world(box)
    area = ShowsArea(box, ADMIN, TaskRunner())
    qtbot.addWidget(area)
    area.refresh()
    qtbot.waitUntil(lambda: not area.is_loading())
    (row,) = area.table.records()
    model = area.table.model
    assert model.index(0, 1).data() == "10:00 IST"
    assert row.seats_total == 68
    assert area.cinema_combo.count() == 2


def test_keeping_the_show_changes_nothing(qtbot: QtBot, box: BoxOffice) -> None:
    world = build_world(box)
    sell(box, world, ctx_of(add_staff(box, "asha", Role.CLERK, "asha-password")), ["A1"])
    admin = ctx_of(add_staff(box, "anita", Role.ADMIN, "anita-password"))  # on the staff list
    (show,) = shows.list_shows(box, admin)
    before = snapshot(box)
    dialog = CancelShowDialog(box, admin, show)
    qtbot.addWidget(dialog)
    assert dialog.cancel_button.text() == "Keep the show"
    dialog.reason_edit.setText("projector broken")
    dialog.cancel_button.click()
    assert dialog.result_value is None
    assert snapshot(box) == before
