"""One show or a schedule, in one dialog: the movie, the screens, the days, the weekdays and the
start times; Preview lists every show it would create with its clash (if any), and only a clean
preview of exactly what is on the form can be created. Creating runs off the GUI thread with a
progress bar (a two-week schedule on 12 screens is a few thousand shows)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from PySide6.QtCore import QDate, Qt, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from bms_desktop.domain.errors import DomainError, ValidationError
from bms_desktop.gui.admin.progress import run_with_progress
from bms_desktop.gui.admin.record_dialog import RecordDialog
from bms_desktop.gui.admin.record_table import Column, RecordTableWidget
from bms_desktop.gui.dialogs.common import run_in_background, styled_label
from bms_desktop.services.admin import shows
from bms_desktop.services.admin.dto import (
    MovieRow,
    SchedulePreview,
    ScheduleRequest,
    ScheduleResult,
    ScreenRow,
)
from bms_desktop.services.context import BoxOffice, CounterContext

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
FORMATS = ("2D", "3D", "IMAX 2D", "IMAX 3D", "4DX")


class ScheduleDialog(RecordDialog):
    title = "New shows"
    subtitle = (
        "One show: the same first and last day and one time. A schedule: a range of days and "
        "several times. Preview first; it is created all or nothing."
    )
    primary_text = "Create shows"

    def __init__(
        self,
        box: BoxOffice,
        ctx: CounterContext,
        record: None = None,
        parent: QWidget | None = None,
        *,
        movies: Sequence[MovieRow] = (),
        screens: Sequence[ScreenRow] = (),
        screen_id: int | None = None,
        first_day: date | None = None,
    ) -> None:
        self._movies = [m for m in movies if m.active]
        self._screens = [s for s in screens if s.active and s.seat_count > 0]
        self._screen_id = screen_id
        self._first_day = first_day
        self.preview: SchedulePreview | None = None
        self._previewed: ScheduleRequest | None = None
        super().__init__(box, ctx, record, parent)

    # ------------------------------------------------------------------ building

    def build_form(self, body: QWidget) -> None:
        outer = QHBoxLayout(body)
        outer.setContentsMargins(0, 0, 0, 0)
        left = QWidget(body)
        self.form = self.make_form(left)
        self.movie_combo = QComboBox(left)
        self.movie_combo.setObjectName("movieCombo")
        for m in self._movies:
            self.movie_combo.addItem(
                f"{m.title} ({m.runtime_min} min, {m.certificate})", m.movie_id
            )
        self.movie_combo.currentIndexChanged.connect(self._on_movie_combo_changed)
        self.screens_list = QListWidget(left)
        self.screens_list.setObjectName("screensList")
        self.screens_list.setMaximumHeight(120)
        for s in self._screens:
            item = QListWidgetItem(f"{s.theater_name} · {s.name} ({s.seat_count} seats)")
            item.setData(Qt.ItemDataRole.UserRole, s.screen_id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.screens_list.addItem(item)
        self.first_edit = QDateEdit(left)
        self.first_edit.setObjectName("firstDayEdit")
        self.last_edit = QDateEdit(left)
        self.last_edit.setObjectName("lastDayEdit")
        for edit in (self.first_edit, self.last_edit):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("ddd d MMM yyyy")
        days_row = QHBoxLayout()
        days_row.setSpacing(6)
        self.day_checks: list[QCheckBox] = []
        for name in WEEKDAYS:
            check = QCheckBox(name, left)
            check.setChecked(True)
            self.day_checks.append(check)
            days_row.addWidget(check)
        days_row.addStretch(1)
        self.times_edit = QLineEdit(left)
        self.times_edit.setObjectName("timesEdit")
        self.times_edit.setPlaceholderText("e.g. 10:00, 14:00, 18:30 (the cinema's local time)")
        self.language_combo = QComboBox(left)
        self.language_combo.setObjectName("languageCombo")
        self.format_combo = QComboBox(left)
        self.format_combo.setEditable(True)
        self.format_combo.addItems(list(FORMATS))
        self.add_row(self.form, "&Movie", self.movie_combo, field="movie_id")
        self.add_row(self.form, "&Screens", self.screens_list, field="screen_ids")
        self.add_row(self.form, "&First day", self.first_edit, field="first_day")
        self.add_row(self.form, "&Last day", self.last_edit, field="last_day")
        self.add_row(self.form, "Days", days_row, field="weekdays", focus=self.day_checks[0])
        self.add_row(self.form, "&Start times", self.times_edit, field="times")
        self.add_row(self.form, "Lan&guage", self.language_combo, field="language")
        self.add_row(self.form, "F&ormat", self.format_combo, field="format")
        outer.addWidget(left, 1)

        right = QVBoxLayout()
        right.setContentsMargins(0, 16, 20, 8)
        head = QHBoxLayout()
        self.preview_button = QPushButton("Preview", body)
        self.preview_button.setObjectName("previewButton")
        self.preview_button.setAutoDefault(False)
        self.preview_button.clicked.connect(self._on_preview_button_clicked)
        self.preview_label = styled_label("Preview to see every show first.", "muted", body)
        self.preview_label.setWordWrap(True)
        head.addWidget(self.preview_button)
        head.addWidget(self.preview_label, 1)
        right.addLayout(head)
        self.preview_table = RecordTableWidget(
            [
                Column(
                    "Screen",
                    lambda p: p.screen_name,
                    width=110,
                    tooltip=lambda p: f"{p.theater_name} · {p.screen_name}",
                ),
                Column(
                    "Day",
                    lambda p: p.local_starts_at.strftime("%a %d %b"),
                    sort_key=lambda p: p.starts_at,
                    width=95,
                ),
                Column(
                    "Starts",
                    lambda p: p.local_starts_at.strftime("%H:%M"),
                    sort_key=lambda p: p.starts_at,
                    width=64,
                ),
                Column("Ends", lambda p: p.local_ends_at.strftime("%H:%M"), width=64),
                Column("Check", lambda p: p.clash or "OK", tooltip=lambda p: p.clash, stretch=True),
            ],
            key=lambda p: (p.screen_id, p.starts_at),
            empty_text="Nothing previewed yet.",
            parent=body,
        )
        self.preview_table.setObjectName("previewTable")
        self.preview_table.setMinimumWidth(460)
        right.addWidget(self.preview_table, 1)
        self.clash_label = styled_label("", "small", body)
        self.clash_label.setObjectName("clashDetail")
        self.clash_label.setWordWrap(True)
        self.clash_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        right.addWidget(self.clash_label)
        self.preview_table.selection_changed.connect(self._on_preview_selection_changed)
        outer.addLayout(right, 1)
        for signal in (
            self.movie_combo.currentIndexChanged,
            self.screens_list.itemChanged,
            self.first_edit.dateChanged,
            self.last_edit.dateChanged,
            self.times_edit.textChanged,
            self.language_combo.currentIndexChanged,
            self.format_combo.currentTextChanged,
        ):
            signal.connect(self._on_input_changed)
        for check in self.day_checks:
            check.toggled.connect(self._on_input_changed)
        self.save_button.setEnabled(False)
        self.setMinimumWidth(1080)

    def load(self, record: None) -> None:
        first = self._first_day or (self.box.now().date() + timedelta(days=1))
        self.first_edit.setDate(QDate(first.year, first.month, first.day))
        self.last_edit.setDate(QDate(first.year, first.month, first.day))
        self.times_edit.setText("18:30")
        if self._screen_id is not None:
            self.check_screens([self._screen_id])
        elif len(self._screens) == 1:
            self.check_screens([self._screens[0].screen_id])
        self._on_movie_combo_changed()
        self.movie_combo.setFocus()

    # ------------------------------------------------------------------ reading the form

    def check_screens(self, screen_ids: Sequence[int]) -> None:
        wanted = set(screen_ids)
        for i in range(self.screens_list.count()):
            item = self.screens_list.item(i)
            checked = item.data(Qt.ItemDataRole.UserRole) in wanted
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)

    def set_days(self, first: date, last: date) -> None:
        self.first_edit.setDate(QDate(first.year, first.month, first.day))
        self.last_edit.setDate(QDate(last.year, last.month, last.day))

    def request(self) -> ScheduleRequest:
        movie_id = self.movie_combo.currentData()
        if movie_id is None:
            raise ValidationError(
                "add a movie first (Movies), then choose it here", field="movie_id"
            )
        screen_ids = tuple(
            int(self.screens_list.item(i).data(Qt.ItemDataRole.UserRole))
            for i in range(self.screens_list.count())
            if self.screens_list.item(i).checkState() == Qt.CheckState.Checked
        )
        return ScheduleRequest(
            movie_id=int(movie_id),
            screen_ids=screen_ids,
            first_day=self.first_edit.date().toPython(),  # type: ignore[arg-type]
            last_day=self.last_edit.date().toPython(),  # type: ignore[arg-type]
            times=shows.parse_times(self.times_edit.text()),
            language=self.language_combo.currentText(),
            format=self.format_combo.currentText(),
            weekdays=frozenset(i for i, c in enumerate(self.day_checks) if c.isChecked()),
        )

    # ------------------------------------------------------------------ preview / save

    def run_preview(self) -> SchedulePreview | None:
        self.clear_errors()
        box, ctx = self.box, self.ctx
        try:
            req = self.request()
            preview: SchedulePreview = run_in_background(
                self, "Checking the schedule…", lambda: shows.preview_schedule(box, ctx, req)
            )
        except DomainError as exc:  # beside its field, or in the message line
            self.show_error(exc)
            return None
        self.preview = preview
        self._previewed = req
        self.preview_table.set_records(list(preview.shows))
        clashes = len(preview.clashes)
        total = len(preview.shows)
        if not total:
            self.preview_label.setText("No day in that range falls on the chosen weekdays.")
        elif clashes:
            self.preview_label.setText(
                f"{clashes} of {total} shows clash (see Check); fix them, then preview again."
            )
        else:
            self.preview_label.setText(
                f"{total} show(s) of {preview.movie_title}, {preview.runtime_min} min each plus "
                f"{preview.cleaning_gap_min} min cleaning: all clear."
            )
        first = preview.clashes[0] if preview.clashes else None
        self.clash_label.setText(shows.describe_clash(first) if first is not None else "")
        self.save_button.setEnabled(preview.ok)
        self.save_button.setText(
            f"Create {total} show{'s' if total != 1 else ''}" if preview.ok else "Create shows"
        )
        return preview

    def save(self) -> ScheduleResult:
        req = self.request()
        if self.preview is None or not self.preview.ok or req != self._previewed:
            raise ValidationError("preview the shows first; only a clean preview can be created")
        box, ctx = self.box, self.ctx
        return run_with_progress(
            self,
            f"Creating {len(self.preview.shows)} show(s) and pricing their seats…",
            lambda report: shows.create_schedule(box, ctx, req, progress=report),
            stop_message="stopped: no show was created",
        )

    # ------------------------------------------------------------------ slots

    @Slot()
    def _on_movie_combo_changed(self, *_args: object) -> None:
        movie = next(
            (m for m in self._movies if m.movie_id == self.movie_combo.currentData()), None
        )
        current = self.language_combo.currentText()
        self.language_combo.clear()
        if movie is not None:
            self.language_combo.addItems(movie.languages.split(","))
            if current:
                self.language_combo.setCurrentText(current)

    @Slot()
    def _on_input_changed(self, *_args: object) -> None:
        if self.preview is not None:
            self.preview = None
            self.save_button.setEnabled(False)
            self.save_button.setText("Create shows")
            self.preview_label.setText("Changed: preview again.")
            self.clash_label.setText("")

    @Slot()
    def _on_preview_selection_changed(self) -> None:
        chosen = self.preview_table.selected_record()
        if chosen is not None and chosen.clash:
            self.clash_label.setText(shows.describe_clash(chosen))

    @Slot()
    def _on_preview_button_clicked(self) -> None:
        self.run_preview()


__all__ = ["ScheduleDialog"]
