"""Pieces every dialog uses: the message line, the header strip, a busy indicator for work that
runs off the GUI thread, and a yes/no confirmation whose ``ask()`` tests can replace."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Literal, TypeVar

from PySide6.QtCore import QCoreApplication, QEvent, QEventLoop, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from bms_desktop.gui.formatting import sentence
from bms_desktop.gui.theme import app_icon, set_style_property

T = TypeVar("T")
MessageKind = Literal["error", "warning", "info", "success"]


class MessageLabel(QLabel):
    """One message in a dialog, in a coloured box; hidden while there is nothing to say.

    Service messages arrive as clauses ("a password needs at least 8 characters"); they are shown
    as sentences. ``kind`` selects the ``QLabel[banner=...]`` style.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dialogMessage")
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setProperty("banner", "error")
        self.kind: MessageKind | None = None
        self.hide()

    def show_message(self, text: str, kind: MessageKind = "error", *, rich: bool = False) -> None:
        self.kind = kind
        self.setTextFormat(Qt.TextFormat.RichText if rich else Qt.TextFormat.PlainText)
        if rich:
            self.setOpenExternalLinks(True)
            self.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        else:
            self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setText(text if rich else sentence(text))
        set_style_property(self, "banner", kind)
        self.show()
        self._make_room()

    def _make_room(self) -> None:
        """Grow the dialog so the message does not squeeze the form: a top-level window does
        not grow by itself when a word-wrapped label appears. Never shrinks it."""
        window = self.window()
        layout = window.layout()
        if not isinstance(window, QDialog) or layout is None or not window.isVisible():
            return
        layout.activate()
        if layout.hasHeightForWidth():
            needed = layout.totalHeightForWidth(window.width())
        else:
            needed = layout.totalSizeHint().height()
        if needed > window.height():
            window.resize(window.width(), needed)

    def show_error(self, text: str) -> None:
        self.show_message(text, "error")

    def show_warning(self, text: str) -> None:
        self.show_message(text, "warning")

    def show_info(self, text: str) -> None:
        self.show_message(text, "info")

    def show_success(self, text: str) -> None:
        self.show_message(text, "success")

    def clear_message(self) -> None:
        self.kind = None
        self.clear()
        self.hide()


def styled_label(text: str = "", cls: str | None = None, parent: QWidget | None = None) -> QLabel:
    label = QLabel(text, parent)
    if cls:
        label.setProperty("class", cls)
    return label


def styled_button(text: str, role: str | None = None, parent: QWidget | None = None) -> QPushButton:
    button = QPushButton(text, parent)
    if role:
        button.setProperty("role", role)
    button.setAutoDefault(False)
    return button


class DialogHeader(QFrame):
    """White strip at the top of a dialog: the app icon, a title and one line under it."""

    def __init__(self, title: str, subtitle: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("class", "header")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(20, 14, 20, 14)
        layout.setSpacing(14)
        icon = QLabel(self)
        icon.setPixmap(app_icon().pixmap(40, 40))
        icon.setFixedSize(40, 40)
        layout.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
        texts = QVBoxLayout()
        texts.setSpacing(2)
        self.title = styled_label(title, "title", self)
        self.subtitle = styled_label(subtitle, "subtitle", self)
        self.subtitle.setWordWrap(True)
        self.subtitle.setVisible(bool(subtitle))
        texts.addWidget(self.title)
        texts.addWidget(self.subtitle)
        layout.addLayout(texts, 1)

    def set_subtitle(self, text: str) -> None:
        self.subtitle.setText(text)
        self.subtitle.setVisible(bool(text))


def footer_buttons(
    dialog: QDialog, primary_text: str, object_name: str, on_primary: Callable[[], None]
) -> tuple[QHBoxLayout, QPushButton, QPushButton]:
    """The dialogs' footer: Cancel (rejects) and one default primary action, right-aligned."""
    buttons = QHBoxLayout()
    buttons.setContentsMargins(20, 12, 20, 14)
    buttons.setSpacing(8)
    buttons.addStretch(1)
    cancel = styled_button("Cancel", None, dialog)
    cancel.clicked.connect(dialog.reject)
    primary = styled_button(primary_text, "primary", dialog)
    primary.setObjectName(object_name)
    primary.setDefault(True)
    primary.setAutoDefault(True)
    primary.clicked.connect(on_primary)
    buttons.addWidget(cancel)
    buttons.addWidget(primary)
    return buttons, cancel, primary


def separator(parent: QWidget | None = None) -> QFrame:
    line = QFrame(parent)
    line.setProperty("class", "separator")
    line.setFixedHeight(1)
    return line


class _Relay(QObject):
    finished = Signal()


_BLOCKED_EVENTS = frozenset(
    {
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonRelease,
        QEvent.Type.MouseButtonDblClick,
        QEvent.Type.KeyPress,
        QEvent.Type.KeyRelease,
        QEvent.Type.Wheel,
        QEvent.Type.Shortcut,
        QEvent.Type.ShortcutOverride,
        QEvent.Type.Close,
    }
)


class _InputBlocker(QObject):
    """Swallows the user's input to one window while its work runs (no second click on the
    same button, no closing it half-way), without greying it out."""

    def __init__(self, window: QWidget) -> None:
        super().__init__()
        self._window = window

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _BLOCKED_EVENTS and isinstance(watched, QWidget):
            return watched.window() is self._window
        return False


def run_in_background(
    parent: QWidget | None, label: str, work: Callable[[], T], *, show_after_ms: int = 300
) -> T:
    """Run ``work`` in a worker thread; the GUI keeps painting and the other windows keep
    working. The parent's window takes no input meanwhile, and a modal busy indicator showing
    ``label`` appears if the work takes longer than ``show_after_ms`` (a lock held by another
    counter, a large import). Returns the result or raises the exception, on the GUI thread."""
    outcome: dict[str, object] = {}
    relay = _Relay()
    loop = QEventLoop()
    relay.finished.connect(loop.quit, Qt.ConnectionType.QueuedConnection)

    def run() -> None:
        try:
            outcome["value"] = work()
        except BaseException as exc:  # handed to the GUI thread below
            outcome["error"] = exc
        finally:
            relay.finished.emit()

    progress: list[QProgressDialog] = []

    def show_progress() -> None:
        dialog = QProgressDialog(label, "", 0, 0, parent)
        dialog.setWindowTitle("Please wait")
        dialog.setCancelButton(None)
        dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
        dialog.setMinimumDuration(0)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.setMinimumWidth(380)
        dialog.show()
        progress.append(dialog)

    app = QCoreApplication.instance()
    blocker = _InputBlocker(parent.window()) if parent is not None else None
    if app is not None and blocker is not None:
        app.installEventFilter(blocker)
    timer = QTimer()
    timer.setSingleShot(True)
    timer.timeout.connect(show_progress)
    QGuiApplication.setOverrideCursor(Qt.CursorShape.BusyCursor)
    try:
        worker = threading.Thread(target=run, name="bms-background", daemon=True)
        worker.start()
        if show_after_ms <= 0:
            show_progress()
        else:
            timer.start(show_after_ms)
        loop.exec()
        worker.join()
    finally:
        timer.stop()
        QGuiApplication.restoreOverrideCursor()
        if app is not None and blocker is not None:
            app.removeEventFilter(blocker)
        for dialog in progress:
            dialog.close()
            dialog.deleteLater()
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["value"]  # type: ignore[return-value]


class ConfirmDialog:
    """A yes/no question. ``ask()`` is what callers use and what tests replace."""

    @classmethod
    def ask(
        cls,
        parent: QWidget | None,
        *,
        title: str,
        text: str,
        ok_text: str,
        informative: str = "",
        danger: bool = False,
    ) -> bool:
        box = QMessageBox(parent)
        box.setWindowTitle(title)
        box.setIcon(QMessageBox.Icon.Warning if danger else QMessageBox.Icon.Question)
        box.setText(text)
        if informative:
            box.setInformativeText(informative)
        ok = box.addButton(ok_text, QMessageBox.ButtonRole.AcceptRole)
        ok.setProperty("role", "danger" if danger else "primary")
        back = box.addButton("Go back", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(back)
        box.setEscapeButton(back)
        box.exec()
        return box.clickedButton() is ok
