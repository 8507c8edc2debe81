"""The friendly face of an unexpected error: what happened, where the details are, what to do.

``show_crash(details, log_path)`` is the callback for ``logsetup.install_excepthook``. It may be
called from any thread, with or without a running event loop, and never raises: a dialog that
fails to appear is logged, the program goes on. One dialog at a time: further errors while it is
open are added to it ("2 errors").
"""

from __future__ import annotations

import logging
import sys
import threading
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QThread, QUrl, Signal, Slot
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from bms_desktop import APP_NAME, APP_TITLE

log = logging.getLogger(f"{APP_NAME}.crash")

SEPARATOR = "\n" + "-" * 72 + "\n"


class CrashDialog(QDialog):
    """Something went wrong: the log's path, Copy details, Open log folder, Close."""

    def __init__(self, details: str, log_path: Path | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("crashDialog")
        self.setWindowTitle(f"{APP_TITLE}: something went wrong")
        self.setModal(True)
        self.resize(620, 380)
        self._log_path = log_path
        self._details: list[str] = []

        self.message_label = QLabel(self)
        self.message_label.setWordWrap(True)
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        icon = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        self.setWindowIcon(icon)

        self.details_edit = QPlainTextEdit(self)
        self.details_edit.setReadOnly(True)
        self.details_edit.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)

        buttons = QDialogButtonBox(self)
        self.copy_button = QPushButton("&Copy details", self)
        self.open_folder_button = QPushButton("&Open log folder", self)
        self.close_button = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.open_folder_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.open_folder_button.setEnabled(log_path is not None)
        self.copy_button.clicked.connect(self._on_copy_button_clicked)
        self.open_folder_button.clicked.connect(self._on_open_folder_button_clicked)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.message_label)
        layout.addWidget(self.details_edit, 1)
        layout.addWidget(buttons)
        self.add_details(details)
        self.close_button.setFocus()

    @property
    def error_count(self) -> int:
        return len(self._details)

    def details_text(self) -> str:
        return SEPARATOR.join(self._details)

    def add_details(self, details: str) -> None:
        self._details.append(details.rstrip() + "\n")
        self.details_edit.setPlainText(self.details_text())
        self.message_label.setText(_message(self._log_path, self.error_count))

    @Slot()
    def _on_copy_button_clicked(self) -> None:
        try:
            QGuiApplication.clipboard().setText(self.details_text())
            self.copy_button.setText("Copied")
        except Exception:
            log.exception("could not copy the crash details")

    @Slot()
    def _on_open_folder_button_clicked(self) -> None:
        try:
            if self._log_path is not None:
                url = QUrl.fromLocalFile(str(self._log_path.parent))
                if not QDesktopServices.openUrl(url):
                    self.open_folder_button.setText("Cannot open the folder")
        except Exception:
            log.exception("could not open the log folder")


def _message(log_path: Path | None, count: int) -> str:
    if log_path is not None:
        where = f"The box office saved the details in {log_path}."
    else:
        where = "The box office could not write a log file; copy the details below."
    more = f" ({count} errors)" if count > 1 else ""
    return (
        f"Something went wrong{more}. {where}\n\n"
        "Sales completed before this are saved. If it happens again, close the program, start it "
        "again and give the details to your supervisor."
    )


class CrashReporter(QObject):
    """Shows the crash dialog in the GUI thread; one dialog at a time."""

    _reported = Signal(str, object)

    def __init__(self) -> None:
        super().__init__()
        self.dialog: CrashDialog | None = None
        self._reported.connect(self._on_reported)

    def report(self, details: str, log_path: Path | None) -> None:
        try:
            if QThread.currentThread() is not self.thread():
                self._reported.emit(details, log_path)  # queued into the GUI thread
            else:
                self._show(details, log_path)
        except Exception:
            log.exception("could not show the crash dialog")

    @Slot(str, object)
    def _on_reported(self, details: str, log_path: object) -> None:
        try:
            self._show(details, log_path if isinstance(log_path, Path) else None)
        except Exception:
            log.exception("could not show the crash dialog")

    def _show(self, details: str, log_path: Path | None) -> None:
        if self.dialog is not None:
            self.dialog.add_details(details)
            self.dialog.raise_()
            return
        dialog = CrashDialog(details, log_path, parent=QApplication.activeWindow())
        self.dialog = dialog
        dialog.finished.connect(self._on_dialog_finished)
        if QThread.currentThread().loopLevel() > 0:
            dialog.open()  # the event loop runs: do not nest another one inside a slot
        else:
            dialog.exec()  # before or after the event loop: wait for the clerk to read it

    @Slot()
    def _on_dialog_finished(self) -> None:
        if self.dialog is not None:
            self.dialog.deleteLater()
        self.dialog = None


class _Installed:
    reporter: CrashReporter | None = None


def show_crash(details: str, log_path: Path | None) -> None:
    """The ``install_excepthook`` callback. Never raises."""
    try:
        app = QApplication.instance()
        if app is None:
            if threading.current_thread() is not threading.main_thread():
                return  # no GUI, and a window may only be made in the main thread: the log has it
            app = QApplication(sys.argv[:1])
        reporter = _Installed.reporter
        if reporter is None or reporter.thread() is not app.thread():
            reporter = _Installed.reporter = CrashReporter()
            reporter.moveToThread(app.thread())
        reporter.report(details, log_path)
    except Exception:
        log.exception("could not show the crash dialog")


def show_startup_error(message: str) -> None:
    """A refusal before any window exists, for a windowed build where stderr reaches nobody."""
    from PySide6.QtWidgets import QApplication, QMessageBox

    app = QApplication.instance() or QApplication([])
    assert app is not None
    QMessageBox.critical(None, "BMS Box Office cannot start", message)
