"""Shows & schedules: the coming shows of every cinema (times in each cinema's zone), a dialog
for one show or a whole schedule, a show's seats (block / unblock) and cancelling a show."""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QSpinBox, QWidget

from bms_desktop.gui.admin.area_base import AdminAreaWidget
from bms_desktop.gui.admin.record_table import RIGHT, Column, RecordTableWidget
from bms_desktop.gui.admin.schedule_dialog import ScheduleDialog
from bms_desktop.gui.admin.show_dialogs import CancelShowDialog, ShowSeatsDialog
from bms_desktop.gui.workers import TaskRunner
from bms_desktop.services.admin import movies, places, screens, shows
from bms_desktop.services.admin.dto import (
    CancelResult,
    CinemaRow,
    MovieRow,
    ScheduleResult,
    ScreenRow,
    ShowRow,
)
from bms_desktop.services.context import BoxOffice, CounterContext


def _status(show: ShowRow) -> str:
    if show.cancelled_at is not None:
        return "Cancelled" + (f": {show.cancel_reason}" if show.cancel_reason else "")
    return "On sale"


class ShowsArea(AdminAreaWidget):
    area_title = "Shows & schedules"
    area_key = "shows"
    area_hint = (
        "Times are in each cinema's own time zone. A cancelled show is off sale at once and its "
        "tickets are refunded through the counters' refund path."
    )

    def __init__(
        self, box: BoxOffice, ctx: CounterContext, runner: TaskRunner, parent: QWidget | None = None
    ) -> None:
        super().__init__(box, ctx, runner, parent)
        self.movies: list[MovieRow] = []
        self.screens: list[ScreenRow] = []
        self.cinemas: list[CinemaRow] = []
        self.cancel_button = self.add_action(
            "Cancel show…", self._on_cancel_clicked, role="danger", object_name="cancelShow"
        )
        self.seats_button = self.add_action(
            "Seats…", self._on_seats_clicked, object_name="showSeats"
        )
        self.new_button = self.add_action(
            "New shows…", self.new_shows, role="primary", object_name="newShows"
        )

        bar = QHBoxLayout()
        bar.setSpacing(8)
        self.cinema_combo = QComboBox(self)
        self.cinema_combo.setObjectName("cinemaFilter")
        self.cinema_combo.addItem("All cinemas", None)
        self.days_spin = QSpinBox(self)
        self.days_spin.setRange(1, 120)
        self.days_spin.setValue(14)
        self.days_spin.setSuffix(" days")
        self.cancelled_check = QCheckBox("Show cancelled shows", self)
        self.cancelled_check.setChecked(True)
        bar.addWidget(QLabel("Cinema", self))
        bar.addWidget(self.cinema_combo)
        bar.addWidget(QLabel("Next", self))
        bar.addWidget(self.days_spin)
        bar.addWidget(self.cancelled_check)
        bar.addStretch(1)
        self.page_layout.addLayout(bar)
        self.cinema_combo.currentIndexChanged.connect(self._on_filter_changed)
        self.days_spin.valueChanged.connect(self._on_filter_changed)
        self.cancelled_check.toggled.connect(self._on_filter_changed)

        self.table = RecordTableWidget(
            [
                Column(
                    "Day",
                    lambda s: s.local_starts_at.strftime("%a %d %b"),
                    sort_key=lambda s: s.starts_at,
                    width=100,
                ),
                Column(
                    "Starts",
                    lambda s: s.local_starts_at.strftime("%H:%M %Z"),
                    sort_key=lambda s: s.starts_at,
                    width=90,
                ),
                Column(
                    "Ends",
                    lambda s: s.local_ends_at.strftime("%H:%M"),
                    sort_key=lambda s: s.ends_at,
                ),
                Column("Movie", lambda s: s.movie_title, width=220),
                Column("Cinema", lambda s: s.theater_name),
                Column("Screen", lambda s: s.screen_name),
                Column("Language", lambda s: f"{s.language} {s.format}"),
                Column("Sold", lambda s: s.seats_sold, align=RIGHT),
                Column("Held", lambda s: s.seats_held, align=RIGHT),
                Column("Blocked", lambda s: s.seats_blocked, align=RIGHT),
                Column("Seats", lambda s: s.seats_total, align=RIGHT),
                Column("Status", _status, tooltip=_status, stretch=True),
            ],
            key=lambda s: s.show_id,
            empty_text="No shows in this period: New shows…",
            multi_select=False,
            parent=self,
        )
        self.table.setObjectName("showsTable")
        self.table.record_activated.connect(self._on_table_record_activated)
        self.table.selection_changed.connect(self._update_buttons)
        self.page_layout.addWidget(self.table, 1)
        self._update_buttons()

    # ------------------------------------------------------------------ loading

    def refresh(self) -> None:
        super().refresh()
        box, ctx = self.box, self.ctx
        theater = self.cinema_combo.currentData()
        days = self.days_spin.value()
        cancelled = self.cancelled_check.isChecked()
        self.load(
            lambda: (
                shows.list_shows(
                    box, ctx, theater_id=theater, days=days, include_cancelled=cancelled
                ),
                movies.list_movies(box, ctx),
                screens.list_screens(box, ctx),
                places.list_cinemas(box, ctx),
            ),
            self._on_loaded,
            label="Loading shows",
        )

    def _on_loaded(
        self, result: tuple[list[ShowRow], list[MovieRow], list[ScreenRow], list[CinemaRow]]
    ) -> None:
        rows, self.movies, self.screens, self.cinemas = result
        current = self.cinema_combo.currentData()
        self.cinema_combo.blockSignals(True)
        self.cinema_combo.clear()
        self.cinema_combo.addItem("All cinemas", None)
        for c in self.cinemas:
            self.cinema_combo.addItem(c.name, c.theater_id)
        index = self.cinema_combo.findData(current)
        self.cinema_combo.setCurrentIndex(max(0, index))
        self.cinema_combo.blockSignals(False)
        self.table.set_records(rows)
        self._update_buttons()

    # ------------------------------------------------------------------ actions

    def new_shows(self) -> ScheduleResult | None:
        if not any(m.active for m in self.movies):
            self.message.show_warning("add a movie first (Movies)")
            return None
        if not any(s.active and s.seat_count for s in self.screens):
            self.message.show_warning("add a screen with its layout first (Screens & layouts)")
            return None
        selected = self.table.selected_record()
        result: ScheduleResult | None = ScheduleDialog.ask(
            self.box,
            self.ctx,
            None,
            self,
            movies=self.movies,
            screens=self.screens,
            screen_id=selected.screen_id if selected is not None else None,
        )
        if result is not None:
            n = len(result.show_ids)
            self.saved(
                f"{n} show{'s' if n != 1 else ''} scheduled ({result.seat_count:,} seats priced)"
            )
        return result

    def cancel_show(self, show: ShowRow) -> CancelResult | None:
        result: CancelResult | None = CancelShowDialog.ask(self.box, self.ctx, show, self)
        if result is None:
            return None
        text = (
            f"show cancelled: {result.refunded_tickets} ticket(s) refunded, "
            f"{result.refund_total:,.2f} in total; {result.released_holds} hold(s) released"
        )
        if result.failures:
            self.saved()
            self.message.show_warning(
                text + ". Not refunded (do these at a counter): " + "; ".join(result.failures)
            )
        else:
            self.saved(text)
        return result

    def edit_seats(self, show: ShowRow) -> bool:
        changed = ShowSeatsDialog.ask(self.box, self.ctx, show, self)
        if changed:
            self.saved("the show's seats were changed; the counters' maps follow")
        return changed

    # ------------------------------------------------------------------ slots

    @Slot()
    def _update_buttons(self) -> None:
        show = self.table.selected_record()
        self.seats_button.setEnabled(show is not None and show.cancelled_at is None)
        self.cancel_button.setEnabled(show is not None)

    @Slot()
    def _on_filter_changed(self, *_args: object) -> None:
        self.refresh()

    def _on_cancel_clicked(self) -> None:
        if (s := self.table.selected_record()) is not None:
            self.cancel_show(s)

    def _on_seats_clicked(self) -> None:
        if (s := self.table.selected_record()) is not None:
            self.edit_seats(s)

    @Slot(object)
    def _on_table_record_activated(self, show: ShowRow) -> None:
        if not self.read_only and show.cancelled_at is None:
            self.edit_seats(show)


__all__ = ["ShowsArea"]
