"""Screens & layouts: the screen dialog (create with a drawn layout, rename, refusal, cancel)
and changing a layout from the area (refused for shows with sales, or applied to the others)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from bms_desktop.domain.model import Role
from bms_desktop.gui.admin.layout_editor.editor_dialog import LayoutEditorDialog
from bms_desktop.gui.admin.screens_area import ScreenDialog, ScreensArea
from bms_desktop.gui.dialogs.common import ConfirmDialog
from bms_desktop.gui.workers import TaskRunner
from bms_desktop.services import catalog, queries
from bms_desktop.services.admin import places, screens
from bms_desktop.services.context import SYSTEM, BoxOffice
from tests.gui.dialog_support import add_staff, ctx_of, sell
from tests.integration.test_admin_screens import SMALL
from tests.support.admin_support import ADMIN, snapshot
from tests.support.builders import build_world


def dialog_for(qtbot: QtBot, box: BoxOffice, record: Any = None) -> ScreenDialog:
    dialog = ScreenDialog(
        box,
        ADMIN,
        record,
        cinemas=places.list_cinemas(box, ADMIN),
        seat_types=screens.seat_type_choices(box, ADMIN),
    )
    qtbot.addWidget(dialog)
    return dialog


def test_screen_dialog_creates_a_screen_with_the_layout_drawn_in_the_editor(
    qtbot: QtBot, box: BoxOffice, monkeypatch: pytest.MonkeyPatch
) -> None:
    build_world(box)
    seen: list[Any] = []

    def draw(cls: type, layout: Any, parent: Any = None, **kw: Any) -> Any:
        seen.append(layout)
        return list(SMALL)

    monkeypatch.setattr(LayoutEditorDialog, "ask", classmethod(draw))
    dialog = dialog_for(qtbot, box)
    dialog.name_edit.setText("Screen 2")
    assert not dialog.submit()
    assert "draw the screen's seat layout first" in dialog.field_error("layout").lower()
    dialog.draw_button.click()
    assert seen[0].name == "Screen 2" and {t.code for t in seen[0].seat_types} >= {"GOLD"}
    assert "20 seats in 3 rows" in dialog.layout_label.text()
    assert dialog.submit()
    row = dialog.result_value
    assert (row.name, row.seat_count) == ("Screen 2", 20)


def test_screen_dialog_refuses_a_taken_name_and_cancel_changes_nothing(
    qtbot: QtBot, box: BoxOffice, monkeypatch: pytest.MonkeyPatch
) -> None:
    build_world(box)
    monkeypatch.setattr(LayoutEditorDialog, "ask", classmethod(lambda *a, **k: list(SMALL)))
    before = snapshot(box)
    dialog = dialog_for(qtbot, box)
    dialog.name_edit.setText("screen 1")
    dialog.draw_layout()
    assert not dialog.submit()
    assert "already has a screen called screen 1" in dialog.field_error("name")
    assert dialog.name_edit.text() == "screen 1"
    assert snapshot(box) == before
    dialog.reject()
    assert snapshot(box) == before


def test_screen_dialog_renames_a_screen(qtbot: QtBot, box: BoxOffice) -> None:
    world = build_world(box)
    (screen,) = [s for s in screens.list_screens(box, ADMIN) if s.screen_id == world.screen_id]
    dialog = dialog_for(qtbot, box, screen)
    assert not dialog.cinema_combo.isEnabled()
    dialog.name_edit.setText("Audi 1")
    assert dialog.submit()
    assert dialog.result_value.name == "Audi 1"


@pytest.fixture
def area(qtbot: QtBot, box: BoxOffice) -> ScreensArea:
    widget = ScreensArea(box, ADMIN, TaskRunner())
    qtbot.addWidget(widget)
    return widget


def loaded(qtbot: QtBot, area: ScreensArea) -> None:
    area.refresh()
    qtbot.waitUntil(lambda: not area.is_loading())


def test_changing_a_layout_with_sales_asks_and_applies_to_the_other_shows(
    qtbot: QtBot, area: ScreensArea, monkeypatch: pytest.MonkeyPatch
) -> None:
    box = area.box
    world = build_world(box)
    late = catalog.schedule_show(
        box,
        SYSTEM,
        movie_id=world.movie_id,
        screen_id=world.screen_id,
        starts_at=box.now() + timedelta(days=2),
        language="Hindi",
    )
    sell(box, world, ctx_of(add_staff(box, "asha", Role.CLERK, "asha-password")), ["A1"])
    loaded(qtbot, area)
    monkeypatch.setattr(LayoutEditorDialog, "ask", classmethod(lambda *a, **k: list(SMALL)))
    questions: list[dict[str, Any]] = []
    monkeypatch.setattr(
        ConfirmDialog, "ask", classmethod(lambda cls, parent, **kw: questions.append(kw) or False)
    )
    (screen,) = area.table.records()
    before = snapshot(box)
    assert area.edit_layout(screen) is None
    assert "Test Movie" in questions[0]["informative"] and "1 sold" in questions[0]["informative"]
    assert snapshot(box) == before
    monkeypatch.setattr(ConfirmDialog, "ask", classmethod(lambda cls, parent, **kw: True))
    with qtbot.waitSignal(area.data_changed):
        result = area.edit_layout(screen)
    assert result is not None and [r.show_id for r in result.rebuilt] == [late]
    assert "1 keep the old layout" in area.message.text()
    assert len(queries.get_seat_map(box, late).seats) == 20
    qtbot.waitUntil(lambda: not area.is_loading())
    assert area.table.records()[0].layout_version == 2


def test_new_screen_needs_a_cinema_first(qtbot: QtBot, area: ScreensArea) -> None:
    loaded(qtbot, area)
    assert area.new_screen() is None
    assert "add a cinema first" in area.message.text().lower()
