"""The seat-layout editor: generate, paint a range with the mouse, flags, rows renamed and
renumbered, undo/redo, text in and out, the preview in the clerks' seat map, a refusal."""

from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtCore import QPoint, Qt
from pytestqt.qtbot import QtBot

from bms_desktop.domain.errors import ValidationError
from bms_desktop.domain.model import SeatStatus
from bms_desktop.gui.admin.layout_editor.editor_dialog import LayoutEditorDialog
from bms_desktop.gui.admin.layout_editor.model import (
    GenerateSpec,
    LayoutModel,
    generate,
    parse_blocks,
)
from bms_desktop.gui.admin.layout_editor.preview import LayoutPreviewDialog
from bms_desktop.services.admin.dto import LayoutSeat, ScreenLayout, SeatTypeChoice

TYPES = (
    SeatTypeChoice("GOLD", "Gold", Decimal("150.00"), 1),
    SeatTypeChoice("PLATINUM", "Platinum", Decimal("200.00"), 2),
    SeatTypeChoice("DIAMOND", "Diamond", Decimal("300.00"), 3),
)


def editor(qtbot: QtBot, seats: tuple[LayoutSeat, ...] = ()) -> LayoutEditorDialog:
    dialog = LayoutEditorDialog(ScreenLayout(None, 1, "Screen 2", 1, seats, TYPES))
    qtbot.addWidget(dialog)
    return dialog


def test_generating_rows_with_aisles_and_a_cross_aisle(qtbot: QtBot) -> None:
    dialog = editor(qtbot)
    dialog.rows_spin.setValue(16)
    dialog.blocks_edit.setText("6, 14, 6")
    dialog.cross_edit.setText("8")
    dialog.generate_button.click()
    seats = dialog.seats()
    assert len(seats) == 16 * 26
    assert {s.col for s in seats if s.row == 0} == set(range(6)) | set(range(7, 21)) | set(
        range(22, 28)
    )
    assert 8 not in {s.row for s in seats}  # the cross aisle
    assert [s.label for s in seats if s.row == 9][:2] == ["I1", "I2"]  # labels skip the gap row
    assert "416 seats in 16 rows" in dialog.summary_label.text()


def test_dragging_on_the_grid_paints_a_range_and_undo_puts_it_back(qtbot: QtBot) -> None:
    dialog = editor(qtbot)
    dialog.generate(GenerateSpec(rows=4, blocks=(5, 5), seat_type="GOLD"))
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.tool_buttons[("type", "DIAMOND")].click()
    canvas = dialog.canvas
    start = canvas.cell_rect((2, 0)).center()
    end = canvas.cell_rect((3, 10)).center()
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(canvas, pos=end)
    assert len(canvas.band()) == 2 * 11
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=end)
    diamond = {(s.row, s.col) for s in dialog.seats() if s.seat_type == "DIAMOND"}
    assert len(diamond) == 22  # the aisle column (5) became seats too
    dialog.undo_button.click()
    assert all(s.seat_type == "GOLD" for s in dialog.seats())
    assert len(dialog.seats()) == 40
    dialog.redo_button.click()
    assert len([s for s in dialog.seats() if s.seat_type == "DIAMOND"]) == 22
    # right-drag erases
    qtbot.mousePress(canvas, Qt.MouseButton.RightButton, pos=canvas.cell_rect((0, 0)).center())
    qtbot.mouseRelease(canvas, Qt.MouseButton.RightButton, pos=canvas.cell_rect((0, 1)).center())
    assert (0, 0) not in {(s.row, s.col) for s in dialog.seats()}


def test_wheelchair_companion_and_blocked_marks_toggle(qtbot: QtBot) -> None:
    dialog = editor(qtbot)
    dialog.generate(GenerateSpec(rows=2, blocks=(4,), seat_type="GOLD"))
    dialog.set_tool(("accessible", None))
    assert dialog.paint([(0, 0)])
    dialog.set_tool(("companion", None))
    assert dialog.paint([(0, 1), (0, 0)])  # the companion mark replaces the wheelchair mark
    seats = {s.label: s for s in dialog.seats()}
    assert seats["A1"].companion and not seats["A1"].accessible
    assert seats["A2"].companion
    assert dialog.paint([(0, 1), (0, 0)])  # all marked already: unmark
    assert not any(s.companion for s in dialog.seats())
    dialog.set_tool(("blocked", None))
    dialog.paint([(1, 3)])
    assert [s.label for s in dialog.seats() if s.blocked] == ["B4"]
    assert not dialog.paint([(5, 5)])  # a gap: nothing to mark, no undo step


def test_renaming_and_renumbering_a_row(qtbot: QtBot) -> None:
    dialog = editor(qtbot)
    dialog.generate(GenerateSpec(rows=3, blocks=(3, 3), seat_type="GOLD"))
    dialog.show()
    qtbot.waitExposed(dialog)
    row_label_point = QPoint(20, dialog.canvas.cell_rect((1, 0)).center().y())
    qtbot.mouseClick(dialog.canvas, Qt.MouseButton.LeftButton, pos=row_label_point)
    assert dialog.canvas.selected_row == 1
    dialog.row_label_edit.setText("bb")
    dialog.row_first_spin.setValue(101)
    dialog.row_rtl_check.setChecked(True)
    dialog.row_apply_button.click()
    row = [s for s in dialog.seats() if s.row == 1]
    assert [s.label for s in row] == ["BB106", "BB105", "BB104", "BB103", "BB102", "BB101"]
    assert next(s.label for s in dialog.seats() if s.row == 2) == "C1"
    dialog.undo_stack.undo()
    assert next(s.label for s in dialog.seats() if s.row == 1) == "B1"


def test_a_loaded_layout_keeps_its_labels_and_numbers(qtbot: QtBot) -> None:
    seats = (
        LayoutSeat("AA", 7, 0, 0, "GOLD"),
        LayoutSeat("AA", 9, 0, 1, "GOLD"),
        LayoutSeat("B", 2, 1, 0, "PLATINUM", accessible=True),
        LayoutSeat("B", 1, 1, 1, "PLATINUM", companion=True),
    )
    dialog = editor(qtbot, seats)
    assert tuple(dialog.save()) == seats


def test_text_in_and_out_uses_the_layout_text_format(qtbot: QtBot) -> None:
    dialog = editor(qtbot)
    dialog.import_text("GG.GG\n\nPWcP\nDxDD\n")
    seats = dialog.seats()
    assert [s.label for s in seats if s.row == 2] == ["B1", "B2", "B3", "B4"]
    assert [s.label for s in seats if s.accessible] == ["B2"]
    assert dialog.text() == "GG.GG\n\nPWcP\nDxDD\n"
    with pytest.raises(ValidationError, match="unknown character"):
        dialog.import_text("GGQ?")


def test_the_preview_is_the_clerks_seat_map_at_real_scale(qtbot: QtBot) -> None:
    dialog = editor(qtbot)
    dialog.import_text("GGGG\nPWcx\n")
    seat_map = dialog.preview_map()
    assert [s.status for s in seat_map.seats].count(SeatStatus.BLOCKED) == 1
    assert {t.code: t.min_price for t in seat_map.seat_types} == {
        "GOLD": Decimal("150.00"),
        "PLATINUM": Decimal("200.00"),
    }
    preview = LayoutPreviewDialog(seat_map)
    qtbot.addWidget(preview)
    assert len(preview.map_widget.seat_map().seats) == 8  # type: ignore[union-attr]
    assert preview.map_widget.minimumWidth() >= 4 * 26


def test_an_empty_layout_is_refused_and_the_dialog_stays_open(qtbot: QtBot) -> None:
    dialog = editor(qtbot)
    assert not dialog.submit()
    assert "no seats" in dialog.message.text()
    dialog.generate(GenerateSpec(rows=1, blocks=(2,), seat_type="GOLD"))
    assert dialog.submit()
    assert [s.label for s in dialog.result_seats or []] == ["A1", "A2"]


def test_the_model_generates_and_parses_blocks() -> None:
    assert parse_blocks("6, 14, 6") == (6, 14, 6)
    with pytest.raises(ValidationError):
        parse_blocks("six")
    state = generate(GenerateSpec(rows=2, blocks=(2, 2), seat_type="GOLD", aisle_width=2))
    assert (state.rows, state.cols, len(state.cells)) == (2, 6, 8)
    model = LayoutModel()
    model.set_state(state)
    assert [s.label for s in model.to_seats()] == ["A1", "A2", "A3", "A4", "B1", "B2", "B3", "B4"]
