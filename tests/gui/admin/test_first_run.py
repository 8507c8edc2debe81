"""The first-run path: "Set up a new cinema" creates the administrator, who lands in the admin
console with a getting-started checklist that ticks itself off as the data appears."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from bms_desktop.domain.model import Role
from bms_desktop.gui.admin import launch as admin_launch
from bms_desktop.gui.admin.admin_window import AdminWindow, open_admin_window
from bms_desktop.gui.admin.place_dialogs import CityDialog
from bms_desktop.gui.dialogs.first_run_dialog import SETUP_PAGE, FirstRunDialog
from bms_desktop.services.admin import places, setup
from bms_desktop.services.admin.dto import CityInput
from bms_desktop.services.context import BoxOffice
from tests.gui.dialog_support import add_staff
from tests.support.admin_support import ADMIN, CLERK, audit_rows
from tests.support.builders import build_world


def create_admin(qtbot: QtBot, box: BoxOffice) -> FirstRunDialog:
    dialog = FirstRunDialog(box, seed_demo=lambda: None)
    qtbot.addWidget(dialog)
    dialog.setup_button.click()
    assert dialog.pages.currentIndex() == SETUP_PAGE
    dialog.username_edit.setText("anita")
    dialog.full_name_edit.setText("Anita Rao")
    dialog.password_edit.setText("a-long-secret")
    dialog.repeat_edit.setText("a-long-secret")
    assert dialog.create_admin()
    return dialog


def test_a_new_cinemas_administrator_lands_in_the_console_with_the_checklist(
    qtbot: QtBot, box: BoxOffice, monkeypatch: pytest.MonkeyPatch
) -> None:
    create_admin(qtbot, box)
    shown: list[AdminWindow] = []
    monkeypatch.setattr(admin_launch, "run_console", shown.append)
    window = admin_launch.run_first_run_console(box, "Counter 1")
    assert window is not None and shown == [window]
    qtbot.addWidget(window)
    assert window.ctx.username == "anita" and window.ctx.role is Role.ADMIN
    assert window.checklist.isVisibleTo(window)
    qtbot.waitUntil(lambda: window.checklist.progress is not None)
    assert window.checklist.summary.text() == "0 of 5 done. Click a step to do it."
    # the seat types the product ships with are there for the first layout
    assert [r.entity_id for r in audit_rows(box, "SEAT_TYPE_ADDED")] == [
        "GOLD",
        "PLATINUM",
        "DIAMOND",
    ]
    assert admin_launch.run_first_run_console(box, "Counter 1") is None  # only once


def test_the_checklist_ticks_itself_off_as_the_data_appears(
    qtbot: QtBot, box: BoxOffice, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = AdminWindow(box, ADMIN, show_checklist=True)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.checklist.progress is not None)
    assert not window.checklist.step_done("cinema")
    window.checklist._buttons["cinema"].click()
    assert window.current_area() is window.area("places")

    def city_ask(cls: type, box_: BoxOffice, ctx: Any, record: Any, parent: Any, **kw: Any) -> Any:
        dialog = cls(box_, ctx, record, parent)
        dialog.ui.nameEdit.setText("Pune")
        assert dialog.submit()
        places.create_cinema(box_, ctx, places_input(dialog.result_value.city_id))
        return dialog.result_value

    monkeypatch.setattr(CityDialog, "ask", classmethod(city_ask))
    window.area("places").new_city_button.click()
    qtbot.waitUntil(lambda: window.checklist.step_done("cinema"))
    build_world(box)
    add_staff(box, "asha", Role.CLERK, "asha-password")
    window.area("places").data_changed.emit()
    qtbot.waitUntil(
        lambda: window.checklist.progress is not None and window.checklist.progress.done
    )
    assert "All set" in window.checklist.summary.text()


def places_input(city_id: int) -> Any:
    from bms_desktop.services.admin.dto import CinemaInput

    return CinemaInput(city_id, "Galaxy")


def test_an_automatic_checklist_hides_once_everything_is_done(qtbot: QtBot, box: BoxOffice) -> None:
    build_world(box)
    add_staff(box, "asha", Role.CLERK, "asha-password")
    window = AdminWindow(box, ADMIN, show_checklist=None)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.checklist.progress is not None)
    assert not window.checklist.isVisibleTo(window)
    assert setup.setup_progress(box).done


def test_the_counter_windows_admin_menu_entry_point_refuses_a_clerk(
    qtbot: QtBot, box: BoxOffice
) -> None:
    from bms_desktop.domain.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        open_admin_window(box, CLERK, None)
    window = open_admin_window(box, ADMIN, None)
    qtbot.addWidget(window)
    assert window.isVisible()
    assert window.area_keys()[:4] == ["places", "screens", "movies", "shows"]
    places.create_city(box, ADMIN, CityInput("Goa"))


@pytest.fixture
def restore_app(qapp: Any) -> Iterator[Any]:
    """launch() styles the application and takes over quitting: undo that for the next tests."""
    sheet, font, quits = qapp.styleSheet(), qapp.font(), qapp.quitOnLastWindowClosed()
    yield qapp
    qapp.setStyleSheet(sheet)
    qapp.setFont(font)
    qapp.setQuitOnLastWindowClosed(quits)


@pytest.mark.usefixtures("restore_app")
def test_the_launcher_opens_the_console_between_first_run_and_sign_in(
    qtbot: QtBot, box: BoxOffice, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bms_desktop.gui import launcher
    from bms_desktop.gui.dialogs.first_run_dialog import FirstRunOutcome
    from bms_desktop.gui.dialogs.login_dialog import LoginDialog
    from tests.gui.counter_support import QuietFeed

    order: list[str] = []

    def first_run(cls: type, box_: BoxOffice, **kw: Any) -> FirstRunOutcome:
        dialog = create_admin(qtbot, box_)
        order.append("first run")
        return FirstRunOutcome(dialog.created_admin)

    monkeypatch.setattr(FirstRunDialog, "ask", classmethod(first_run))
    monkeypatch.setattr(
        admin_launch, "run_console", lambda w: order.append(f"console {w.ctx.username}")
    )
    monkeypatch.setattr(
        LoginDialog, "ask", classmethod(lambda *a, **k: order.append("sign in") or None)
    )
    options = launcher.LaunchOptions(
        "Counter 1", launcher.Strategy.PESSIMISTIC, 0, None, False, "t", ""
    )
    assert launcher.launch(box, options, feed_factory=QuietFeed, seed_demo=lambda: None) == 0
    assert order == ["first run", "console anita", "sign in"]
