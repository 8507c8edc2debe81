"""GUI test defaults."""

from __future__ import annotations

import pytest

from bms_desktop.gui.dialogs import common


@pytest.fixture(autouse=True)
def _no_modal_questions(monkeypatch: pytest.MonkeyPatch) -> None:
    """A modal question would wait for a click forever (closing a window that holds seats asks
    first, and pytest-qt closes every window at the end of a test): answer yes. A test that
    cares patches ``ConfirmDialog.ask`` itself."""
    monkeypatch.setattr(common.ConfirmDialog, "ask", classmethod(lambda cls, *a, **kw: True))
