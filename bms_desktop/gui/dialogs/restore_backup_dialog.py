"""The database file is damaged: offer to put the newest good backup in its place.

Shown by the windowed app at start (``app._connect_or_offer_backup``), before any window exists;
with a console the same offer is one line on stderr naming ``bms-desktop db restore``. Restoring
keeps the damaged file aside; sales made after the backup was taken are not in it, which the
dialog says.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import QDialog, QLabel, QVBoxLayout, QWidget

from bms_desktop.domain import cinema_time
from bms_desktop.gui.dialogs.common import DialogHeader, footer_buttons, separator
from bms_desktop.gui.theme import apply_theme, ensure_application

DIALOG_WIDTH = 560


class RestoreBackupDialog(QDialog):
    """``ask()``: True when the person chose to restore the backup."""

    def __init__(
        self, db_path: str, backup_path: str, taken_at: datetime, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("restoreBackupDialog")
        self.setWindowTitle("The database is damaged")
        self.setModal(True)
        self.setFixedWidth(DIALOG_WIDTH)
        taken = cinema_time.on_this_computer(taken_at)
        header = DialogHeader(
            "The box office's database is damaged",
            "It cannot be opened as it is. A backup that passed its check can take its place.",
            self,
        )
        body = QVBoxLayout()
        body.setContentsMargins(20, 14, 20, 6)
        body.setSpacing(8)
        self.details = QLabel(self)
        self.details.setWordWrap(True)
        self.details.setTextFormat(Qt.TextFormat.PlainText)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details.setText(
            f"Newest good backup: taken {taken}\n{backup_path}\n\n"
            f"Sales made after {taken} are not in it. The damaged file is kept aside, "
            f"next to {db_path}, for IT to look at."
        )
        body.addWidget(self.details)
        buttons, self.cancel_button, self.restore_button = footer_buttons(
            self, "&Restore the backup", "restoreButton", self._on_restore_button_clicked
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(header)
        layout.addLayout(body)
        layout.addWidget(separator(self))
        layout.addLayout(buttons)

    @Slot()
    def _on_restore_button_clicked(self) -> None:
        self.accept()

    @classmethod
    def ask(cls, db_path: str, backup_path: str, taken_at: datetime) -> bool:
        app, created = ensure_application()
        if created:
            apply_theme(app)
        dialog = cls(db_path, backup_path, taken_at)
        return dialog.exec() == QDialog.DialogCode.Accepted


__all__ = ["RestoreBackupDialog"]
