"""The race lab: robot clerks race for one scratch show in a window that shows, measures and
explains what each strategy does (``bms-desktop race-lab``, or Window -> Race lab at a counter).

``open_race_lab(parent, db_url=...)`` opens the window. The race itself runs in a child process
(``bms-desktop race --stream``, see ``process.py``), so this package does no database work.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from bms_desktop.gui.race_lab.window import RaceLabWindow


def open_race_lab(parent: QWidget | None = None, *, db_url: str) -> RaceLabWindow:
    """Open a race lab window on ``db_url`` (it races on scratch shows only) and show it."""
    window = RaceLabWindow(db_url, parent)
    window.setWindowFlag(Qt.WindowType.Window, True)
    window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
    window.show()
    return window


__all__ = ["RaceLabWindow", "open_race_lab"]
