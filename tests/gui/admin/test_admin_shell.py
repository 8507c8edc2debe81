"""The admin console's shell: the record table (model, filter, sort, selection), the record
dialog's field errors, the window's areas per role and the first-run checklist."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot

from bms_desktop.domain.errors import PermissionDenied, ValidationError
from bms_desktop.domain.model import Role
from bms_desktop.gui.admin.admin_window import AdminWindow
from bms_desktop.gui.admin.area_base import AdminAreaWidget
from bms_desktop.gui.admin.record_dialog import RecordDialog
from bms_desktop.gui.admin.record_table import RIGHT, Column, RecordRole, RecordTableWidget
from bms_desktop.services.context import BoxOffice, CounterContext
from tests.support.builders import clerk


@dataclass(frozen=True)
class Thing:
    thing_id: int
    name: str
    size: int | None


THINGS = [Thing(1, "Pune", 10), Thing(2, "mumbai", None), Thing(3, "Delhi", 2)]


def table(qtbot: QtBot) -> RecordTableWidget:
    widget = RecordTableWidget(
        [
            Column("Name", lambda t: t.name),
            Column("Size", lambda t: t.size, align=RIGHT, sort_key=lambda t: t.size),
        ],
        key=lambda t: t.thing_id,
    )
    qtbot.addWidget(widget)
    widget.set_records(THINGS)
    return widget


def names(widget: RecordTableWidget) -> list[str]:
    return [t.name for t in widget.visible_records()]


def test_record_table_model_passes_the_model_tester(qtbot: QtBot, qtmodeltester: Any) -> None:
    widget = table(qtbot)
    qtmodeltester.check(widget.model)
    qtmodeltester.check(widget.proxy)


def test_record_table_sorts_case_insensitively_and_puts_missing_values_first(
    qtbot: QtBot,
) -> None:
    widget = table(qtbot)
    assert names(widget) == ["Delhi", "mumbai", "Pune"]
    widget.view.sortByColumn(1, Qt.SortOrder.AscendingOrder)
    assert names(widget) == ["mumbai", "Delhi", "Pune"]


def test_record_table_filter_keeps_rows_where_every_word_matches_some_column(
    qtbot: QtBot,
) -> None:
    widget = table(qtbot)
    widget.set_filter_text("pu 10")
    assert names(widget) == ["Pune"]
    widget.set_filter_text("pu 2")
    assert names(widget) == []
    widget.set_filter_text("")
    assert len(names(widget)) == 3


def test_record_table_keeps_the_selection_across_a_reload_and_activates_on_enter(
    qtbot: QtBot,
) -> None:
    widget = table(qtbot)
    assert widget.select_key(3)
    widget.set_records([*THINGS, Thing(4, "Agra", 1)])
    assert widget.selected_record() == THINGS[2]
    with qtbot.waitSignal(widget.record_activated) as blocker:
        qtbot.keyClick(widget.view, Qt.Key.Key_Return)
    assert blocker.args == [THINGS[2]]


def test_record_table_says_when_it_is_empty(qtbot: QtBot) -> None:
    widget = table(qtbot)
    widget.show()
    assert not widget.empty_label.isVisible()
    widget.set_records([])
    assert widget.empty_label.isVisible()
    assert widget.proxy.index(0, 0).data(RecordRole) is None


class NameDialog(RecordDialog):
    title = "New thing"
    edit_title = "Edit thing"

    def build_form(self, body: Any) -> None:
        self.form = self.make_form(body)
        self.name_edit = QLineEdit(body)
        self.size_edit = QLineEdit(body)
        self.add_row(self.form, "Name", self.name_edit, field="name")
        self.add_row(self.form, "Size", self.size_edit, field="size")

    def load(self, record: Any) -> None:
        self.name_edit.setText("" if record is None else record.name)

    def save(self) -> Any:
        if len(self.name_edit.text()) > 5:
            raise ValidationError("a name is at most 5 characters", field="name")
        if self.size_edit.text() == "x":
            raise PermissionDenied("nobody may do that")
        return Thing(9, self.name_edit.text(), None)


def test_record_dialog_shows_a_refusal_beside_its_field_and_keeps_the_text(
    qtbot: QtBot, box: BoxOffice
) -> None:
    dialog = NameDialog(box, clerk(role=Role.ADMIN))
    qtbot.addWidget(dialog)
    dialog.name_edit.setText("Far too long")
    assert not dialog.submit()
    assert dialog.field_error("name") == "A name is at most 5 characters"
    assert dialog.field_error("size") == ""
    assert dialog.name_edit.text() == "Far too long"
    dialog.name_edit.setText("Ok")
    dialog.size_edit.setText("x")
    assert not dialog.submit()
    assert dialog.field_error("name") == ""
    assert "Nobody may do that" in dialog.message.text()
    dialog.size_edit.setText("")
    assert dialog.submit()
    assert dialog.result_value == Thing(9, "Ok", None)


def test_record_dialog_edit_title_and_loaded_record(qtbot: QtBot, box: BoxOffice) -> None:
    dialog = NameDialog(box, clerk(role=Role.ADMIN), THINGS[0])
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "Edit thing"
    assert dialog.name_edit.text() == "Pune"


class AdminOnlyArea(AdminAreaWidget):
    area_title = "Secret"
    area_key = "secret"
    refreshed = 0

    def refresh(self) -> None:
        super().refresh()
        type(self).refreshed += 1


class SupervisorArea(AdminAreaWidget):
    area_title = "Looking"
    area_key = "looking"
    minimum_role: ClassVar[Role] = Role.SUPERVISOR


def ctx(role: Role) -> CounterContext:
    return CounterContext("Counter 1", None, role.value.lower(), role)


def test_admin_window_shows_the_areas_the_role_may_see(qtbot: QtBot, box: BoxOffice) -> None:
    classes = [AdminOnlyArea, SupervisorArea]
    admin = AdminWindow(box, ctx(Role.ADMIN), area_classes=classes)
    qtbot.addWidget(admin)
    assert admin.area_keys() == ["secret", "looking"]
    supervisor = AdminWindow(box, ctx(Role.SUPERVISOR), area_classes=classes)
    qtbot.addWidget(supervisor)
    assert supervisor.area_keys() == ["looking"]
    assert supervisor.area("looking").read_only
    with pytest.raises(PermissionDenied):
        AdminWindow(box, ctx(Role.CLERK), area_classes=classes)


def test_a_save_in_one_area_makes_the_others_reload_when_shown(
    qtbot: QtBot, box: BoxOffice
) -> None:
    window = AdminWindow(box, ctx(Role.ADMIN), area_classes=[AdminOnlyArea, SupervisorArea])
    qtbot.addWidget(window)
    before = AdminOnlyArea.refreshed
    assert window.area("secret").stale is False
    window.area("looking").data_changed.emit()
    assert window.area("secret").stale
    window.show_area("looking")
    window.show_area("secret")
    assert AdminOnlyArea.refreshed == before + 1
    assert window.show_area("staff") is None


def test_the_admin_subcommand_is_parsed_with_a_user() -> None:
    from bms_desktop.cli import build_parser

    args = build_parser().parse_args(["admin", "--user", "anita", "--db", "sqlite:///x.db"])
    assert (args.command, args.user, args.db) == ("admin", "anita", "sqlite:///x.db")
