"""The Door window: an usher scans tickets at one door.

A large code field takes what a keyboard-wedge scanner types (the code, then Enter); focus always
comes back to it. Each scan runs off the GUI thread (``DoorController``) and its outcome fills the
big panel at once (``OutcomePanel``: colour, icon, word, stripes for a refusal) with a sound.
"People now" admits part of a group ticket (default: everyone not yet in). The door can be kept
to one cinema, screen or show. On the right: admitted against sold for the show at the doors,
live from every door, and the last 20 scans. A lost database connection is shown at once; no scan
is shown as admitted unless it was committed.
"""

from __future__ import annotations

import contextlib
import time
from typing import Final

from PySide6.QtCore import QEvent, QObject, QSignalBlocker, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QCloseEvent, QFont, QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QSizePolicy,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from bms_desktop.domain import cinema_time
from bms_desktop.gui.dialogs.common import styled_button, styled_label
from bms_desktop.gui.door.door_controller import DoorController
from bms_desktop.gui.door.live_count import LiveCountCard
from bms_desktop.gui.door.outcome_panel import OutcomePanel, style_for
from bms_desktop.gui.door.scan_log_model import (
    COL_CODE,
    COL_OUTCOME,
    COL_PEOPLE,
    COL_TIME,
    ScanLogEntry,
    ScanLogModel,
)
from bms_desktop.gui.door.sound import DoorSound
from bms_desktop.gui.door.undo_dialog import UndoAdmissionDialog
from bms_desktop.gui.theme import set_style_property
from bms_desktop.services.context import BoxOffice, CounterContext
from bms_desktop.services.door_views import DoorSetup, DoorShowStatus, ScanResult

CHECKING_AFTER_MS: Final = 120  # show "checking" only for a scan that is not answered at once
REFOCUS_AFTER_MS: Final = 1500  # focus goes back to the code field after this long elsewhere
RIGHT_COLUMN_WIDTH: Final = 390
CODE_MAX: Final = 512  # a scanner gone wild still cannot type a novel


def _font(pixels: int, *, bold: bool = False) -> QFont:
    font = QFont()
    font.setPixelSize(pixels)
    font.setBold(bold)
    return font


class CodeEdit(QLineEdit):
    """The code field: Escape clears it."""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.clear()
            return
        super().keyPressEvent(event)


class DoorWindow(QMainWindow):
    """Signals:
    outcome_shown(float): an outcome is on screen, this many ms after its scan was sent.
    closed(): the window has closed.
    """

    outcome_shown = Signal(float)
    closed = Signal()

    def __init__(
        self,
        box: BoxOffice,
        ctx: CounterContext,
        hub: object | None = None,
        *,
        sound: DoorSound | None = None,
        parent: QWidget | None = None,
        start: bool = True,
    ) -> None:
        super().__init__(parent)
        self.box = box
        self.ctx = ctx
        self.setObjectName("doorWindow")
        self.setWindowTitle(f"{ctx.counter} — {ctx.username} · Door check-in")
        self.controller = DoorController(box, ctx, hub, self)  # type: ignore[arg-type]
        self.sound = sound if sound is not None else DoorSound(self)
        self.model = ScanLogModel(self)
        self.last_result: ScanResult | None = None
        self.last_scan_ms: float | None = None
        self._timezone: str | None = None
        self._known_shows: dict[int, str] = {}
        self._build()
        self._wire()
        self._checking = QTimer(self)
        self._checking.setSingleShot(True)
        self._checking.setInterval(CHECKING_AFTER_MS)
        self._checking.timeout.connect(self._on_checking_timeout)
        self._refocus = QTimer(self)
        self._refocus.setSingleShot(True)
        self._refocus.setInterval(REFOCUS_AFTER_MS)
        self._refocus.timeout.connect(self._on_refocus_timeout)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._on_app_focus_changed)
        self.resize(1280, 720)
        if start:
            self.controller.start()

    # ------------------------------------------------------------------ building

    def _build(self) -> None:
        central = QWidget(self)
        self.setCentralWidget(central)
        outer = QVBoxLayout(central)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        outer.addWidget(self._header(central))

        self.connection_banner = QLabel(central)
        self.connection_banner.setObjectName("doorConnectionBanner")
        self.connection_banner.setProperty("banner", "error")
        self.connection_banner.setWordWrap(True)
        self.connection_banner.hide()
        self.pending_banner = QLabel(central)
        self.pending_banner.setObjectName("doorPendingBanner")
        self.pending_banner.setProperty("banner", "warning")
        self.pending_banner.setWordWrap(True)
        self.pending_banner.hide()
        banners = QVBoxLayout()
        banners.setContentsMargins(16, 8, 16, 0)
        banners.setSpacing(6)
        banners.addWidget(self.connection_banner)
        banners.addWidget(self.pending_banner)
        outer.addLayout(banners)

        body = QVBoxLayout()
        body.setContentsMargins(16, 12, 16, 12)
        body.setSpacing(12)
        outer.addLayout(body, 1)
        body.addLayout(self._scan_row(central))

        main = QHBoxLayout()
        main.setSpacing(14)
        body.addLayout(main, 1)
        self.panel = OutcomePanel(central)
        main.addWidget(self.panel, 1)
        right = QVBoxLayout()
        right.setSpacing(10)
        self.live = LiveCountCard(central)
        right.addWidget(self.live)
        right.addWidget(styled_label("Last 20 scans", "heading", central))
        self.scans_view = QTableView(central)
        self.scans_view.setObjectName("doorScansView")
        self.scans_view.setModel(self.model)
        self.scans_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.scans_view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.scans_view.verticalHeader().hide()
        self.scans_view.setAlternatingRowColors(True)
        self.scans_view.setShowGrid(False)
        header = self.scans_view.horizontalHeader()
        for col in (COL_TIME, COL_OUTCOME, COL_PEOPLE):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(COL_CODE, QHeaderView.ResizeMode.Stretch)
        right.addWidget(self.scans_view, 1)
        column = QWidget(central)
        column.setLayout(right)
        column.setFixedWidth(RIGHT_COLUMN_WIDTH)
        right.setContentsMargins(0, 0, 0, 0)
        main.addWidget(column)

        footer = QHBoxLayout()
        footer.setSpacing(10)
        self.undo_button = styled_button("Undo an admission…", "danger", central)
        self.undo_button.setObjectName("doorUndoButton")
        self.undo_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.undo_button.setToolTip("A supervisor takes back an admission (a wrong scan)")
        footer.addWidget(self.undo_button)
        footer.addStretch(1)
        self.hint = styled_label(
            "Scan, or type a code and press Enter · Esc clears the field", "muted", central
        )
        footer.addWidget(self.hint)
        body.addLayout(footer)
        self.statusBar().setSizeGripEnabled(True)

    def _header(self, parent: QWidget) -> QFrame:
        header = QFrame(parent)
        header.setProperty("class", "header")
        row = QHBoxLayout(header)
        row.setContentsMargins(16, 10, 16, 10)
        row.setSpacing(12)
        titles = QVBoxLayout()
        titles.setSpacing(0)
        self.title_label = styled_label(self.ctx.counter, "title", header)
        self.title_label.setObjectName("doorTitle")
        role = self.ctx.role.value.lower()
        self.subtitle_label = styled_label(f"{self.ctx.username} · {role}", "subtitle", header)
        titles.addWidget(self.title_label)
        titles.addWidget(self.subtitle_label)
        row.addLayout(titles)
        row.addStretch(1)
        row.addWidget(QLabel("Screen", header))
        self.screen_combo = QComboBox(header)
        self.screen_combo.setObjectName("doorScreenCombo")
        self.screen_combo.setMinimumWidth(230)
        self.screen_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.screen_combo.setMinimumContentsLength(22)
        self.screen_combo.addItem("All screens", None)
        row.addWidget(self.screen_combo)
        row.addWidget(QLabel("Show", header))
        self.show_combo = QComboBox(header)
        self.show_combo.setObjectName("doorShowCombo")
        self.show_combo.setMinimumWidth(260)
        self.show_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.show_combo.setMinimumContentsLength(26)
        self.show_combo.addItem("Any show", None)
        row.addWidget(self.show_combo)
        self.connection_pill = QLabel("● Connected", header)
        self.connection_pill.setObjectName("doorConnectionPill")
        self.connection_pill.setProperty("class", "pill")
        self.connection_pill.setProperty("tone", "ok")
        row.addWidget(self.connection_pill)
        return header

    def _scan_row(self, parent: QWidget) -> QHBoxLayout:
        row = QHBoxLayout()
        row.setSpacing(12)
        self.code_edit = CodeEdit(parent)
        self.code_edit.setObjectName("doorCodeEdit")
        self.code_edit.setFont(_font(30, bold=True))
        self.code_edit.setMinimumHeight(62)
        self.code_edit.setMaxLength(CODE_MAX)
        self.code_edit.setPlaceholderText("Scan a ticket (or type its code + Enter)")
        self.code_edit.setClearButtonEnabled(True)
        self.code_edit.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        row.addWidget(self.code_edit, 1)
        people = QVBoxLayout()
        people.setSpacing(2)
        people.addWidget(styled_label("People now", "small", parent))
        self.people_spin = QSpinBox(parent)
        self.people_spin.setObjectName("doorPeopleSpin")
        self.people_spin.setRange(0, 10)
        self.people_spin.setSpecialValueText("All")
        self.people_spin.setFont(_font(20, bold=True))
        self.people_spin.setMinimumWidth(96)
        self.people_spin.setToolTip(
            "Admit part of a group ticket now (e.g. 2 of 4); All admits everyone not yet in"
        )
        people.addWidget(self.people_spin)
        row.addLayout(people)
        self.admit_button = styled_button("Admit", "primary", parent)
        self.admit_button.setObjectName("doorAdmitButton")
        self.admit_button.setProperty("size", "large")
        self.admit_button.setMinimumHeight(62)
        self.admit_button.setMinimumWidth(120)
        self.admit_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        row.addWidget(self.admit_button)
        return row

    def _wire(self) -> None:
        c = self.controller
        c.scan_started.connect(self._on_controller_scan_started)
        c.scan_done.connect(self._on_controller_scan_done)
        c.scan_failed.connect(self._on_controller_scan_failed)
        c.connection_changed.connect(self._on_controller_connection_changed)
        c.board_loaded.connect(self._on_controller_board_loaded)
        c.setup_loaded.connect(self._on_controller_setup_loaded)
        self.code_edit.returnPressed.connect(self._on_code_edit_return_pressed)
        self.admit_button.clicked.connect(self._on_code_edit_return_pressed)
        self.screen_combo.activated.connect(self._on_screen_combo_activated)
        self.show_combo.activated.connect(self._on_show_combo_activated)
        self.people_spin.editingFinished.connect(self._on_people_spin_editing_finished)
        self.people_spin.installEventFilter(self)
        self.undo_button.clicked.connect(self._on_undo_button_clicked)

    # ------------------------------------------------------------------ public

    def scan(self, text: str) -> None:
        """What Enter in the code field does (also for tests and the benchmark)."""
        if not text.strip():
            self.code_edit.clear()
            return
        people = self.people_spin.value() or None
        self.code_edit.clear()
        self.people_spin.setValue(0)
        self.controller.scan(text, people)
        self.code_edit.setFocus()

    def is_busy(self) -> bool:
        return self.controller.is_busy()

    def current_status(self) -> DoorShowStatus | None:
        return self.live.status

    # ------------------------------------------------------------------ scans

    @Slot()
    def _on_code_edit_return_pressed(self) -> None:
        self.scan(self.code_edit.text())

    @Slot(str)
    def _on_controller_scan_started(self, shown: str) -> None:
        self._checking_code = shown
        self._checking.start()

    @Slot()
    def _on_checking_timeout(self) -> None:
        if self.controller.is_scanning():
            self.panel.show_state("CHECKING", self._checking_code, "Checking the ticket…")

    @Slot(object)
    def _on_controller_scan_done(self, result: ScanResult) -> None:
        if not self.controller.is_scanning():
            self._checking.stop()
        self.last_result = result
        self._timezone = result.timezone
        self.panel.show_result(result)
        self.panel.repaint()  # on screen now, not at the next event-loop turn
        self._shown(result.outcome.value)
        people = ""
        if result.ticket_id is not None:
            people = (
                f"{result.people_now} of {result.seat_count}"
                if result.admitted and result.people_now != result.seat_count
                else str(result.people_now if result.admitted else "")
            )
        self.model.add(
            ScanLogEntry(
                at=result.at,
                timezone=result.timezone,
                code=result.code or result.scanned,
                kind=result.outcome.value,
                word=result.outcome.word,
                people=people,
                detail=result.message,
            )
        )
        if self.controller.pending is None:
            self.pending_banner.hide()
        if result.show is not None:
            self._update_live(prefer=result.show.show_id)

    @Slot(str, str, str)
    def _on_controller_scan_failed(self, kind: str, message: str, shown: str) -> None:
        if not self.controller.is_scanning():
            self._checking.stop()
        panel_kind = "REFUSED" if kind in ("INVALID", "REFUSED", "ERROR") else kind
        headline = "Do not admit yet" if kind == "UNCERTAIN" else "The guest was not admitted"
        self.panel.show_state(panel_kind, headline, message, shown)
        self.panel.repaint()
        self._shown(panel_kind)
        if kind == "UNCERTAIN":
            self.pending_banner.setText(
                f"Checking {shown}: the connection broke while it was being admitted. Do not "
                "let the guest in until this says ADMIT or NOT ADMITTED."
            )
            self.pending_banner.show()
        self.model.add(
            ScanLogEntry(
                at=self.box.now(),
                timezone=self._timezone,
                code=shown,
                kind=panel_kind,
                word=style_for(panel_kind).word,
                people="",
                detail=message,
            )
        )

    def _shown(self, kind: str) -> None:
        started = self.controller.scan_started_at
        if started is not None:
            self.last_scan_ms = (time.perf_counter() - started) * 1000.0
            self.outcome_shown.emit(self.last_scan_ms)
        self.sound.play(kind)

    # ------------------------------------------------------------------ connection

    @Slot(bool, str)
    def _on_controller_connection_changed(self, ok: bool, message: str) -> None:
        if ok:
            self.connection_banner.hide()
            self.connection_pill.setText("● Connected")
            set_style_property(self.connection_pill, "tone", "ok")
            self.statusBar().showMessage("The database answers again.", 5000)
        else:
            self.connection_banner.setText(
                "The database cannot be reached: scans are NOT admitted until it answers "
                "again. Admit nobody on this door meanwhile."
            )
            self.connection_banner.show()
            self.connection_pill.setText("● Offline")
            set_style_property(self.connection_pill, "tone", "bad")
            self.connection_pill.setToolTip(message)

    # ------------------------------------------------------------------ filter and board

    @Slot(object)
    def _on_controller_setup_loaded(self, setup: DoorSetup) -> None:
        combo = self.screen_combo
        with QSignalBlocker(combo):
            current = combo.currentData()
            combo.clear()
            combo.addItem("All screens", None)
            last_theater: int | None = None
            for screen in setup.screens:
                if screen.theater_id != last_theater:
                    combo.addItem(
                        f"{screen.theater_name} — all screens", f"theater:{screen.theater_id}"
                    )
                    last_theater = screen.theater_id
                combo.addItem(
                    f"{screen.theater_name} · {screen.screen_name}", f"screen:{screen.screen_id}"
                )
            index = combo.findData(current)
            combo.setCurrentIndex(max(0, index))
        self.live.opens_minutes = setup.opens_minutes
        self.statusBar().showMessage(
            f"Doors open {setup.opens_minutes} minutes before a show; admission until it ends."
        )

    @Slot(object)
    def _on_controller_board_loaded(self, board: tuple[DoorShowStatus, ...]) -> None:
        combo = self.show_combo
        with QSignalBlocker(combo):
            current = combo.currentData()
            combo.clear()
            combo.addItem("Any show", None)
            for status in board:
                show = status.show
                text = (
                    f"{cinema_time.clock(show.starts_at, show.timezone)} {show.movie_title} · "
                    f"{show.screen_name}"
                )
                self._known_shows[show.show_id] = text
                combo.addItem(text, show.show_id)
            if current is not None and combo.findData(current) < 0:
                combo.addItem(self._known_shows.get(current, f"Show {current}"), current)
            combo.setCurrentIndex(max(0, combo.findData(current)))
        self._update_live()

    def _update_live(self, prefer: int | None = None) -> None:
        board = self.controller.board
        by_id = {s.show.show_id: s for s in board}
        wanted = self.controller.show_id
        status: DoorShowStatus | None = None
        if wanted is not None:
            status = by_id.get(wanted)
        if status is None and prefer is not None:
            status = by_id.get(prefer)
        if status is None and self.live.status is not None:
            status = by_id.get(self.live.status.show.show_id)
        if status is None and board:
            # The busiest show whose doors are open (people are coming in), else the next one.
            open_now = sorted((s for s in board if s.doors_open), key=lambda s: -s.admitted_people)
            status = (open_now or list(board))[0]
        self.live.set_status(status)

    @Slot(int)
    def _on_screen_combo_activated(self, _index: int) -> None:
        kind, _sep, number = str(self.screen_combo.currentData() or "").partition(":")
        theater_id = int(number) if kind == "theater" else None
        screen_id = int(number) if kind == "screen" else None
        with QSignalBlocker(self.show_combo):
            self.show_combo.setCurrentIndex(0)
        self.controller.set_filter(theater_id=theater_id, screen_id=screen_id, show_id=None)
        self._back_to_code()

    @Slot(int)
    def _on_show_combo_activated(self, _index: int) -> None:
        c = self.controller
        c.set_filter(
            theater_id=c.theater_id, screen_id=c.screen_id, show_id=self.show_combo.currentData()
        )
        self._update_live()
        self._back_to_code()

    @Slot()
    def _on_people_spin_editing_finished(self) -> None:
        self._back_to_code()

    # ------------------------------------------------------------------ undo

    @Slot()
    def _on_undo_button_clicked(self) -> None:
        last = self.last_result
        code = last.code or "" if last is not None and last.admitted else ""
        undone = UndoAdmissionDialog.ask(self.box, self.ctx, code=code, parent=self)
        if undone is not None:
            self.model.add(
                ScanLogEntry(
                    at=self.box.now(),
                    timezone=self._timezone,
                    code=undone.code,
                    kind="UNDONE",
                    word="UNDONE",
                    people=str(undone.people),
                    detail=f"Admission at {undone.door} undone, approved by {undone.approved_by}",
                )
            )
            self.panel.show_state(
                "UNDONE",
                f"{undone.people} {'person' if undone.people == 1 else 'people'} on {undone.code}",
                f"The admission at {undone.door} was taken back (approved by "
                f"{undone.approved_by}). The ticket can be scanned again.",
                undone.code,
            )
            self.statusBar().showMessage(
                f"The admission of {undone.people} on {undone.code} at {undone.door} was undone "
                f"(approved by {undone.approved_by}).",
                8000,
            )
            self.controller.refresh_board()
        self._back_to_code()

    # ------------------------------------------------------------------ focus

    def _back_to_code(self) -> None:
        QTimer.singleShot(0, self._focus_code)

    def _focus_code(self) -> None:
        if self.isVisible() and QApplication.activeModalWidget() is None:
            self.code_edit.setFocus()

    @Slot(QWidget, QWidget)
    def _on_app_focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        if new is None or new.window() is not self:
            return
        if new is self.code_edit:
            self._refocus.stop()
        else:
            self._refocus.start()

    @Slot()
    def _on_refocus_timeout(self) -> None:
        if QApplication.activePopupWidget() is not None or QApplication.activeModalWidget():
            self._refocus.start()
            return
        if self.isActiveWindow():
            self.code_edit.setFocus()

    # ------------------------------------------------------------------ Qt

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """A scanner typing while "People now" has the focus: its code goes to the code field
        (only digits are for the number of people)."""
        if (
            watched is self.people_spin
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
        ):
            text = event.text()
            if text and text.isprintable() and not text.isdigit():
                self.code_edit.setFocus()
                self.code_edit.insert(text)
                return True
            if text.isdigit() and self.people_spin.value() == 0:
                self.people_spin.selectAll()  # a digit replaces "All"
        return super().eventFilter(watched, event)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._size_scan_columns()
        self._back_to_code()

    def _size_scan_columns(self) -> None:
        """Fixed widths from the fonts as styled (known once shown): the code takes the rest."""
        header = self.scans_view.horizontalHeader()
        cells, titles = self.scans_view.fontMetrics(), header.fontMetrics()
        for col, sample in ((COL_TIME, "00:00:00"), (COL_OUTCOME, "ALREADY IN"),
                            (COL_PEOPLE, "4 of 10")):  # fmt: skip
            title = str(self.model.headerData(col, Qt.Orientation.Horizontal))
            width = max(cells.horizontalAdvance(sample), titles.horizontalAdvance(title))
            header.resizeSection(col, width + 26)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.controller.stop()
        app = QApplication.instance()
        if isinstance(app, QApplication):
            with contextlib.suppress(RuntimeError, TypeError):
                app.focusChanged.disconnect(self._on_app_focus_changed)
        super().closeEvent(event)
        self.closed.emit()


__all__ = ["DoorWindow"]
