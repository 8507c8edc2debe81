"""Cities & cinemas area and its dialogs: create, edit, a refused field with its message
beside it, cancel leaving the database unchanged."""

from __future__ import annotations

from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from bms_desktop.gui.admin.place_dialogs import CinemaDialog, CityDialog
from bms_desktop.gui.admin.places_area import PlacesArea
from bms_desktop.gui.dialogs.common import ConfirmDialog
from bms_desktop.gui.workers import TaskRunner
from bms_desktop.services.admin import places
from bms_desktop.services.admin.dto import CityInput
from bms_desktop.services.context import BoxOffice
from tests.support.admin_support import ADMIN, snapshot


def test_city_dialog_creates_and_edits_a_city(qtbot: QtBot, box: BoxOffice) -> None:
    dialog = CityDialog(box, ADMIN)
    qtbot.addWidget(dialog)
    dialog.ui.nameEdit.setText("Pune")
    dialog.ui.stateEdit.setText("Maharashtra")
    assert dialog.submit()
    city = dialog.result_value
    assert (city.name, city.state) == ("Pune", "Maharashtra")
    edit = CityDialog(box, ADMIN, city)
    qtbot.addWidget(edit)
    assert edit.ui.nameEdit.text() == "Pune"
    edit.ui.nameEdit.setText("Poona")
    assert edit.submit()
    assert [c.name for c in places.list_cities(box, ADMIN)] == ["Poona"]


def test_city_dialog_shows_a_refusal_beside_the_name(qtbot: QtBot, box: BoxOffice) -> None:
    before = snapshot(box)
    dialog = CityDialog(box, ADMIN)
    qtbot.addWidget(dialog)
    dialog.ui.nameEdit.setText("P" * 81)
    assert not dialog.submit()
    assert "at most 80" in dialog.field_error("name")
    assert dialog.ui.nameEdit.text() == "P" * 81
    assert snapshot(box) == before


def test_cancelling_a_city_dialog_changes_nothing(qtbot: QtBot, box: BoxOffice) -> None:
    before = snapshot(box)
    dialog = CityDialog(box, ADMIN)
    qtbot.addWidget(dialog)
    dialog.ui.nameEdit.setText("Pune")
    dialog.cancel_button.click()
    assert dialog.result() == 0
    assert dialog.result_value is None
    assert snapshot(box) == before


def test_cinema_dialog_creates_edits_and_refuses_a_bad_gstin(qtbot: QtBot, box: BoxOffice) -> None:
    city = places.create_city(box, ADMIN, CityInput("Pune"))
    dialog = CinemaDialog(box, ADMIN, cities=[city])
    qtbot.addWidget(dialog)
    assert dialog.ui.timezoneCombo.currentText() == "Asia/Kolkata"
    dialog.ui.nameEdit.setText("Galaxy")
    dialog.ui.addressEdit.setPlainText("1 MG Road\nPune")
    dialog.ui.gstinEdit.setText("27AAPFU0939F1ZX")
    before = snapshot(box)
    assert not dialog.submit()
    assert "check character" in dialog.field_error("gstin")
    assert dialog.field_error("name") == ""
    assert snapshot(box) == before
    dialog.ui.gstinEdit.setText("27AAPFU0939F1ZV")
    dialog.ui.timezoneCombo.setCurrentText("Mars/Base")
    assert not dialog.submit()
    assert "not a time zone" in dialog.field_error("timezone")
    dialog.ui.timezoneCombo.setCurrentText("Asia/Kolkata")
    assert dialog.submit()
    cinema = dialog.result_value
    assert (cinema.name, cinema.city_name, cinema.gstin) == ("Galaxy", "Pune", "27AAPFU0939F1ZV")
    edit = CinemaDialog(box, ADMIN, cinema, cities=[city])
    qtbot.addWidget(edit)
    edit.ui.phoneEdit.setText("020 1234 5678")
    assert edit.submit()
    assert places.list_cinemas(box, ADMIN)[0].phone == "020 1234 5678"


def test_cancelling_a_cinema_dialog_changes_nothing(qtbot: QtBot, box: BoxOffice) -> None:
    city = places.create_city(box, ADMIN, CityInput("Pune"))
    before = snapshot(box)
    dialog = CinemaDialog(box, ADMIN, cities=[city])
    qtbot.addWidget(dialog)
    dialog.ui.nameEdit.setText("Galaxy")
    dialog.reject()
    assert dialog.result_value is None
    assert snapshot(box) == before


@pytest.fixture
def area(qtbot: QtBot, box: BoxOffice) -> PlacesArea:
    runner = TaskRunner()
    widget = PlacesArea(box, ADMIN, runner)
    qtbot.addWidget(widget)
    widget.refresh()
    qtbot.waitUntil(lambda: not widget.is_loading())
    return widget


def test_places_area_adds_a_city_and_a_cinema_through_its_dialogs(
    qtbot: QtBot, area: PlacesArea, monkeypatch: pytest.MonkeyPatch
) -> None:
    box = area.box

    def city_ask(cls: type, box_: BoxOffice, ctx: Any, record: Any, parent: Any, **kw: Any) -> Any:
        return places.create_city(box_, ctx, CityInput("Pune"))

    monkeypatch.setattr(CityDialog, "ask", classmethod(city_ask))
    with qtbot.waitSignal(area.data_changed):
        area.new_city_button.click()
    qtbot.waitUntil(lambda: not area.is_loading())
    assert [c.name for c in area.cities_table.records()] == ["Pune"]
    seen: dict[str, Any] = {}

    def cinema_ask(
        cls: type, box_: BoxOffice, ctx: Any, record: Any, parent: Any, **kw: Any
    ) -> None:
        seen.update(kw)

    monkeypatch.setattr(CinemaDialog, "ask", classmethod(cinema_ask))
    area.new_cinema_button.click()
    assert [c.name for c in seen["cities"]] == ["Pune"]
    assert seen["city_id"] == area.cities_table.records()[0].city_id
    del box


def test_places_area_deactivates_after_a_warning(
    qtbot: QtBot, area: PlacesArea, monkeypatch: pytest.MonkeyPatch
) -> None:
    places.create_city(area.box, ADMIN, CityInput("Pune"))
    area.refresh()
    qtbot.waitUntil(lambda: not area.is_loading() and bool(area.cities_table.records()))
    asked: list[str] = []
    monkeypatch.setattr(
        ConfirmDialog,
        "ask",
        classmethod(lambda cls, parent, **kw: asked.append(kw["text"]) or False),
    )
    area.cities_table.select_key(area.cities_table.records()[0].city_id)
    area.toggle_city_button.click()
    assert asked == ["Deactivate city Pune and every cinema in it?"]
    assert places.list_cities(area.box, ADMIN)[0].active
    monkeypatch.setattr(ConfirmDialog, "ask", classmethod(lambda cls, parent, **kw: True))
    area.toggle_city_button.click()
    assert not places.list_cities(area.box, ADMIN)[0].active
    qtbot.waitUntil(lambda: not area.is_loading())
    assert area.toggle_city_button.text() == "Reactivate"
