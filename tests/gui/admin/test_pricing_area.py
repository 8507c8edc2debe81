"""Pricing area and its dialogs: seat type and rule dialogs (create, edit, a refused field with
its message beside it, cancel changing nothing), the live price matrix of a draft rule, the
price matrix model, and the re-price dialog doing its work off the GUI thread with progress."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from bms_desktop.gui.admin.price_matrix import PriceMatrixModel, cell_price
from bms_desktop.gui.admin.pricing_area import PricingArea
from bms_desktop.gui.admin.pricing_dialogs import PricingRuleDialog, RepriceDialog, SeatTypeDialog
from bms_desktop.gui.admin.record_dialog import combo_select_data
from bms_desktop.gui.workers import TaskRunner
from bms_desktop.services import queries
from bms_desktop.services.admin import pricing
from bms_desktop.services.admin.dto_pricing import PricingRuleInput
from bms_desktop.services.context import BoxOffice
from tests.support.admin_support import ADMIN, snapshot
from tests.support.builders import build_world


def test_seat_type_dialog_creates_edits_and_refuses(qtbot: QtBot, box: BoxOffice) -> None:
    dialog = SeatTypeDialog(box, ADMIN)
    qtbot.addWidget(dialog)
    dialog.code_edit.setText("recliner")
    dialog.name_edit.setText("Recliner")
    dialog.price_edit.setText("-5")
    before = snapshot(box)
    assert not dialog.submit()
    assert "below 0" in dialog.field_error("base_price")
    assert dialog.price_edit.text() == "-5"
    assert snapshot(box) == before
    dialog.price_edit.setText("350")
    assert dialog.submit()
    assert dialog.result_value.code == "RECLINER"
    edit = SeatTypeDialog(box, ADMIN, dialog.result_value)
    qtbot.addWidget(edit)
    assert edit.code_edit.isReadOnly()
    edit.price_edit.setText("400")
    assert edit.submit()
    assert edit.result_value.base_price == Decimal("400.00")


def test_cancelling_a_seat_type_dialog_changes_nothing(qtbot: QtBot, box: BoxOffice) -> None:
    before = snapshot(box)
    dialog = SeatTypeDialog(box, ADMIN)
    qtbot.addWidget(dialog)
    dialog.code_edit.setText("SOFA")
    dialog.reject()
    assert dialog.result_value is None
    assert snapshot(box) == before


@pytest.fixture
def world_data(box: BoxOffice) -> tuple[Any, Any]:
    world = build_world(box)
    return world, pricing.pricing_data(box, ADMIN)


def test_rule_dialog_previews_the_draft_live_and_saves_it(
    qtbot: QtBot, box: BoxOffice, world_data: tuple[Any, Any]
) -> None:
    world, data = world_data
    dialog = PricingRuleDialog(
        box, ADMIN, None, data=data, theater_id=world.theater_id, movie_id=world.movie_id
    )
    qtbot.addWidget(dialog)
    combo_select_data(dialog.kind_combo, "SEAT_TYPE")
    combo_select_data(dialog.seat_type_combo, "GOLD")
    dialog.name_edit.setText("Gold premium")
    dialog.multiplier_edit.setText("1.5")
    model = dialog.preview.model
    gold_row = 1  # by rank, then code: Diamond, Gold, Platinum; one band (no time rules)
    assert model.data(model.index(gold_row, 0)) == "Gold"
    assert cell_price(model, gold_row, 0) == Decimal("150.00")
    assert model.changed_cells() == 7
    assert "alters 7 price" in dialog.preview.caption.text()
    dialog.multiplier_edit.setText("0")  # a bad draft: shown without it, with the reason
    assert "without this rule" in dialog.preview_note.text()
    assert cell_price(model, gold_row, 0) == Decimal("100.00")
    before = snapshot(box)
    assert not dialog.submit()
    assert "below 0.001" in dialog.field_error("multiplier")
    assert snapshot(box) == before
    dialog.multiplier_edit.setText("1.5")
    assert dialog.submit()
    assert dialog.result_value.summary == "x1.5 for GOLD seats"
    edit = PricingRuleDialog(box, ADMIN, dialog.result_value, data=pricing.pricing_data(box, ADMIN))
    qtbot.addWidget(edit)
    assert edit.multiplier_edit.text() == "1.5"
    edit.multiplier_edit.setText("2")
    assert cell_price(edit.preview.model, 1, 3) == Decimal("200.00")
    assert edit.submit()
    assert pricing.list_pricing_rules(box, ADMIN)[0].multiplier == Decimal("2.000")


def test_cancelling_a_rule_dialog_changes_nothing(
    qtbot: QtBot, box: BoxOffice, world_data: tuple[Any, Any]
) -> None:
    _world, data = world_data
    before = snapshot(box)
    dialog = PricingRuleDialog(box, ADMIN, None, data=data)
    qtbot.addWidget(dialog)
    dialog.name_edit.setText("Weekend")
    dialog.day_checks[5].setChecked(True)
    dialog.multiplier_edit.setText("1.2")
    dialog.cancel_button.click()
    assert dialog.result_value is None
    assert snapshot(box) == before


def test_the_price_matrix_model_passes_the_model_tester(
    qtmodeltester: Any, box: BoxOffice, world_data: tuple[Any, Any]
) -> None:
    world, data = world_data
    pricing.create_pricing_rule(
        box, ADMIN, PricingRuleInput("Weekend", "DAY_OF_WEEK", "1.2", days_mask=0b1100000)
    )
    data = pricing.pricing_data(box, ADMIN)
    model = PriceMatrixModel()
    model.set_matrix(
        pricing.compute_price_matrix(data, theater_id=world.theater_id, movie_id=world.movie_id)
    )
    qtmodeltester.check(model)
    assert model.rowCount() == 3 and model.columnCount() == 9
    assert cell_price(model, 0, 5) == Decimal("120.00")
    assert "Weekend" in model.data(model.index(0, 7), 3)  # ToolTipRole explains the price


def test_pricing_area_loads_and_reprices_through_its_dialog(
    qtbot: QtBot, box: BoxOffice, world_data: tuple[Any, Any]
) -> None:
    world, _data = world_data
    runner = TaskRunner()
    area = PricingArea(box, ADMIN, runner)
    qtbot.addWidget(area)
    area.refresh()
    qtbot.waitUntil(lambda: not area.is_loading())
    assert [t.code for t in area.types_table.records()] == ["DIAMOND", "GOLD", "PLATINUM"]
    assert area.matrix.theater_id() == world.theater_id
    pricing.create_pricing_rule(
        box, ADMIN, PricingRuleInput("Gold", "SEAT_TYPE", "1.5", seat_type="GOLD")
    )
    dialog = RepriceDialog(box, ADMIN, runner, cinemas=[(world.theater_id, "Test Cinema")])
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.plan is not None)
    assert dialog.plan is not None and dialog.plan.shows == 1
    assert "get a new price" in dialog.summary.text()
    assert dialog.run_button.isEnabled()
    with qtbot.waitSignal(runner.task_finished, timeout=10_000):
        assert dialog.start()
    qtbot.waitUntil(lambda: dialog.result_value is not None)
    assert dialog.result_value is not None and dialog.result_value.seats == dialog.plan.seats
    assert dialog.progress.value() == 1
    assert "re-priced" in dialog.message.text()
    prices = {s.seat_type: s.price for s in queries.get_seat_map(box, world.show_id).seats}
    assert prices["GOLD"] == Decimal("150.00")
