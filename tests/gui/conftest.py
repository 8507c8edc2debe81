"""GUI test defaults."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QApplication, QDialog

from bms_desktop.gui.dialogs import common
from bms_desktop.gui.gc_guard import GuiThreadCollector


@pytest.fixture(autouse=True)
def _garbage_collected_on_the_gui_thread(qapp: QApplication) -> Iterator[None]:
    """As in the app (``gui/gc_guard.py``): no automatic collection while a GUI test runs, so a
    worker thread never frees a Qt object's wrapper (a deadlock with the GUI thread, seen)."""
    collector = GuiThreadCollector(qapp)
    try:
        yield
    finally:
        collector.uninstall()
        collector.deleteLater()


@pytest.fixture(autouse=True)
def _no_modal_questions(monkeypatch: pytest.MonkeyPatch) -> None:
    """A modal question would wait for a click forever (closing a window that holds seats asks
    first, and pytest-qt closes every window at the end of a test): answer yes. A test that
    cares patches ``ConfirmDialog.ask`` itself."""
    monkeypatch.setattr(common.ConfirmDialog, "ask", classmethod(lambda cls, *a, **kw: True))


@pytest.fixture(autouse=True)
def _no_unanswered_modal_dialog(monkeypatch: pytest.MonkeyPatch) -> None:
    """A modal dialog nobody answers would wait for a click until the suite's timeout kills the
    whole run: fail the test at once instead, naming the dialog. A test that expects one patches
    that dialog's ``ask()`` or ``exec()`` itself."""

    def unanswered(self: QDialog) -> int:
        pytest.fail(
            f"a modal {type(self).__name__} ({self.windowTitle()!r}) opened that the test did "
            "not answer: patch its ask() or exec()"
        )

    monkeypatch.setattr(QDialog, "exec", unanswered)
