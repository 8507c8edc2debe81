"""Help -> About: what this terminal is and where its data lives (a Qt Designer form)."""

from __future__ import annotations

import sys
from dataclasses import dataclass

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import qVersion
from PySide6.QtWidgets import QDialog, QWidget

from bms_desktop import APP_TITLE, __version__
from bms_desktop.gui.forms.ui_about_dialog import Ui_AboutDialog


@dataclass(frozen=True)
class AboutInfo:
    database: str
    data_dir: str
    counter: str


class AboutDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ui = Ui_AboutDialog()
        self.ui.setupUi(self)  # type: ignore[no-untyped-call]  # generated code
        self.setWindowTitle(f"About {APP_TITLE}")
        self.ui.titleLabel.setText(APP_TITLE)

    def load(self, info: AboutInfo) -> None:
        self.ui.versionValue.setText(__version__)
        self.ui.runtimeValue.setText(
            f"Python {sys.version.split()[0]} · Qt {qVersion()} · PySide6 {pyside_version}"
        )
        self.ui.databaseValue.setText(info.database)
        self.ui.dataValue.setText(info.data_dir)
        self.ui.counterValue.setText(info.counter)

    @classmethod
    def ask(cls, info: AboutInfo, parent: QWidget | None = None) -> None:
        dialog = cls(parent)
        dialog.load(info)
        dialog.exec()
