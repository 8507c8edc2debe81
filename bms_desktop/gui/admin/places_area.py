"""Cities & cinemas: two tables side by side, a dialog per record, deactivation with a warning
that says what leaves the counters' show finder."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import QHBoxLayout, QSplitter, QVBoxLayout, QWidget

from bms_desktop.domain.errors import DomainError
from bms_desktop.gui.admin.area_base import AdminAreaWidget
from bms_desktop.gui.admin.place_dialogs import CinemaDialog, CityDialog
from bms_desktop.gui.admin.record_table import RIGHT, Column, RecordTableWidget
from bms_desktop.gui.dialogs.common import (
    ConfirmDialog,
    run_in_background,
    styled_button,
    styled_label,
)
from bms_desktop.gui.workers import TaskRunner
from bms_desktop.services.admin import places
from bms_desktop.services.admin.dto import CinemaRow, CityRow
from bms_desktop.services.context import BoxOffice, CounterContext


def _status(active: bool) -> str:
    return "Active" if active else "Inactive"


class PlacesArea(AdminAreaWidget):
    area_title = "Cities & cinemas"
    area_key = "places"
    area_hint = (
        "Every cinema belongs to a city. Its time zone decides how show times are shown; its "
        "address, GSTIN and phone are printed on receipts. A deactivated cinema leaves the "
        "counters' show finder (its tickets stay valid)."
    )

    def __init__(
        self, box: BoxOffice, ctx: CounterContext, runner: TaskRunner, parent: QWidget | None = None
    ) -> None:
        super().__init__(box, ctx, runner, parent)
        self.new_city_button = self.add_action("New city…", self.new_city, object_name="newCity")
        self.new_cinema_button = self.add_action(
            "New cinema…", self.new_cinema, role="primary", object_name="newCinema"
        )
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.setChildrenCollapsible(False)

        left = QWidget(splitter)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 6, 0)
        head = QHBoxLayout()
        head.addWidget(styled_label("Cities", "heading", left))
        head.addStretch(1)
        self.edit_city_button = styled_button("Edit…", None, left)
        self.edit_city_button.clicked.connect(self._on_edit_city_button_clicked)
        self.toggle_city_button = styled_button("Deactivate", None, left)
        self.toggle_city_button.clicked.connect(self._on_toggle_city_button_clicked)
        for b in (self.edit_city_button, self.toggle_city_button):
            b.setVisible(not self.read_only)
            head.addWidget(b)
        left_layout.addLayout(head)
        self.cities_table = RecordTableWidget(
            [
                Column("City", lambda c: c.name, width=130),
                Column("State", lambda c: c.state, width=110),
                Column("Cinemas", lambda c: c.cinema_count, align=RIGHT, width=70),
                Column("Status", lambda c: _status(c.active), stretch=True),
            ],
            key=lambda c: c.city_id,
            empty_text="No cities yet. Add the city your cinema is in: New city…",
            parent=left,
        )
        self.cities_table.setObjectName("citiesTable")
        self.cities_table.record_activated.connect(self._on_cities_table_record_activated)
        self.cities_table.selection_changed.connect(self._update_buttons)
        left_layout.addWidget(self.cities_table, 1)

        right = QWidget(splitter)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(6, 0, 0, 0)
        head = QHBoxLayout()
        head.addWidget(styled_label("Cinemas", "heading", right))
        head.addStretch(1)
        self.edit_cinema_button = styled_button("Edit…", None, right)
        self.edit_cinema_button.clicked.connect(self._on_edit_cinema_button_clicked)
        self.toggle_cinema_button = styled_button("Deactivate", None, right)
        self.toggle_cinema_button.clicked.connect(self._on_toggle_cinema_button_clicked)
        for b in (self.edit_cinema_button, self.toggle_cinema_button):
            b.setVisible(not self.read_only)
            head.addWidget(b)
        right_layout.addLayout(head)
        self.cinemas_table = RecordTableWidget(
            [
                Column("Cinema", lambda c: c.name, width=200),
                Column("City", lambda c: c.city_name),
                Column("Time zone", lambda c: c.timezone),
                Column("GSTIN", lambda c: c.gstin),
                Column("Phone", lambda c: c.phone),
                Column("Screens", lambda c: c.screen_count, align=RIGHT),
                Column("Status", lambda c: _status(c.active)),
                Column("Address", lambda c: c.address.replace("\n", ", "), stretch=True),
            ],
            key=lambda c: c.theater_id,
            empty_text="No cinemas yet: New cinema…",
            parent=right,
        )
        self.cinemas_table.setObjectName("cinemasTable")
        self.cinemas_table.record_activated.connect(self._on_cinemas_table_record_activated)
        self.cinemas_table.selection_changed.connect(self._update_buttons)
        right_layout.addWidget(self.cinemas_table, 1)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setSizes([420, 700])
        self.page_layout.addWidget(splitter, 1)
        self._update_buttons()

    # ------------------------------------------------------------------ loading

    def refresh(self) -> None:
        super().refresh()
        box, ctx = self.box, self.ctx
        self.load(
            lambda: (places.list_cities(box, ctx), places.list_cinemas(box, ctx)),
            self._on_loaded,
            label="Loading cities and cinemas",
        )

    def _on_loaded(self, result: tuple[list[CityRow], list[CinemaRow]]) -> None:
        cities, cinemas = result
        self.cities_table.set_records(cities)
        self.cinemas_table.set_records(cinemas)
        self._update_buttons()

    # ------------------------------------------------------------------ actions

    def new_city(self) -> CityRow | None:
        row: CityRow | None = CityDialog.ask(self.box, self.ctx, None, self)
        if row is not None:
            self.cities_table.model.set_records([*self.cities_table.records(), row])
            self.cities_table.select_key(row.city_id)
            self.saved(f"city {row.name} added")
        return row

    def edit_city(self, city: CityRow) -> CityRow | None:
        row: CityRow | None = CityDialog.ask(self.box, self.ctx, city, self)
        if row is not None:
            self.saved(f"city {row.name} saved")
        return row

    def new_cinema(self) -> CinemaRow | None:
        selected = self.cities_table.selected_record()
        cities = self.cities_table.records()
        if not cities:
            self.message.show_warning("add a city first: every cinema belongs to a city")
            return None
        row: CinemaRow | None = CinemaDialog.ask(
            self.box,
            self.ctx,
            None,
            self,
            cities=cities,
            city_id=selected.city_id if selected is not None else None,
        )
        if row is not None:
            self.cinemas_table.model.set_records([*self.cinemas_table.records(), row])
            self.cinemas_table.select_key(row.theater_id)
            self.saved(f"cinema {row.name} added")
        return row

    def edit_cinema(self, cinema: CinemaRow) -> CinemaRow | None:
        row: CinemaRow | None = CinemaDialog.ask(
            self.box, self.ctx, cinema, self, cities=self.cities_table.records()
        )
        if row is not None:
            self.saved(f"cinema {row.name} saved")
        return row

    def toggle_city(self, city: CityRow) -> object:
        return self._toggle(city, "city", city.name, city_id=city.city_id)

    def toggle_cinema(self, cinema: CinemaRow) -> object:
        return self._toggle(cinema, "cinema", cinema.name, theater_id=cinema.theater_id)

    def _toggle(self, record: Any, what: str, name: str, **target: int) -> Any:
        box, ctx = self.box, self.ctx
        activate = not record.active
        try:
            if not activate:
                shows, tickets = run_in_background(
                    self, "Checking…", lambda: places.deactivation_impact(box, ctx, **target)
                )
                detail = (
                    f"{shows} future show(s), with {tickets} ticket(s) sold, will leave the "
                    "counters' show finder. Sold tickets stay valid and can still be found by "
                    "their code."
                    if shows
                    else "It has no future shows."
                )
                scope = " and every cinema in it" if what == "city" else ""
                if not ConfirmDialog.ask(
                    self,
                    title=f"Deactivate {name}",
                    text=f"Deactivate {what} {name}{scope}?",
                    informative=detail,
                    ok_text="Deactivate",
                    danger=True,
                ):
                    return None
            work: Callable[[], object]
            if what == "city":
                work = lambda: places.set_city_active(box, ctx, target["city_id"], activate)  # noqa: E731
            else:
                work = lambda: places.set_cinema_active(box, ctx, target["theater_id"], activate)  # noqa: E731
            row = run_in_background(self, "Saving…", work)
        except DomainError as exc:
            self.message.show_error(exc.message)
            return None
        self.saved(f"{what} {name} {'reactivated' if activate else 'deactivated'}")
        return row

    @Slot()
    def _update_buttons(self) -> None:
        city = self.cities_table.selected_record()
        cinema = self.cinemas_table.selected_record()
        self.edit_city_button.setEnabled(city is not None)
        self.toggle_city_button.setEnabled(city is not None)
        self.toggle_city_button.setText(
            "Reactivate" if city is not None and not city.active else "Deactivate"
        )
        self.edit_cinema_button.setEnabled(cinema is not None)
        self.toggle_cinema_button.setEnabled(cinema is not None)
        self.toggle_cinema_button.setText(
            "Reactivate" if cinema is not None and not cinema.active else "Deactivate"
        )

    @Slot(object)
    def _on_cities_table_record_activated(self, city: CityRow) -> None:
        if not self.read_only:
            self.edit_city(city)

    @Slot(object)
    def _on_cinemas_table_record_activated(self, cinema: CinemaRow) -> None:
        if not self.read_only:
            self.edit_cinema(cinema)

    @Slot()
    def _on_edit_city_button_clicked(self) -> None:
        city = self.cities_table.selected_record()
        if city is not None:
            self.edit_city(city)

    @Slot()
    def _on_toggle_city_button_clicked(self) -> None:
        city = self.cities_table.selected_record()
        if city is not None:
            self.toggle_city(city)

    @Slot()
    def _on_edit_cinema_button_clicked(self) -> None:
        cinema = self.cinemas_table.selected_record()
        if cinema is not None:
            self.edit_cinema(cinema)

    @Slot()
    def _on_toggle_cinema_button_clicked(self) -> None:
        cinema = self.cinemas_table.selected_record()
        if cinema is not None:
            self.toggle_cinema(cinema)
