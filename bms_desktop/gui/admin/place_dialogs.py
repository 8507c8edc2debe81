"""Dialogs of the Cities & cinemas area (Designer forms ``ui/city_form.ui``,
``ui/cinema_form.ui``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCompleter, QWidget

from bms_desktop.domain.errors import ValidationError
from bms_desktop.gui.admin.record_dialog import RecordDialog, combo_select_data
from bms_desktop.gui.forms.ui_cinema_form import Ui_CinemaForm
from bms_desktop.gui.forms.ui_city_form import Ui_CityForm
from bms_desktop.services.admin import places
from bms_desktop.services.admin.common import timezone_names
from bms_desktop.services.admin.dto import CinemaInput, CinemaRow, CityInput, CityRow
from bms_desktop.services.context import BoxOffice, CounterContext

DEFAULT_TIMEZONE = "Asia/Kolkata"


class CityDialog(RecordDialog):
    title = "New city"
    edit_title = "Edit city"
    subtitle = "Cities group the cinemas in the counters' show finder."

    def build_form(self, body: QWidget) -> None:
        self.ui = Ui_CityForm()
        self.ui.setupUi(body)  # type: ignore[no-untyped-call]
        self.attach_field("name", self.ui.nameEdit)
        self.attach_field("state", self.ui.stateEdit)
        self.setMinimumWidth(460)

    def load(self, record: CityRow | None) -> None:
        self.ui.nameEdit.setText("" if record is None else record.name)
        self.ui.stateEdit.setText("" if record is None else record.state)
        self.ui.nameEdit.setFocus()

    def save(self) -> CityRow:
        data = CityInput(name=self.ui.nameEdit.text(), state=self.ui.stateEdit.text())
        box, ctx, record = self.box, self.ctx, self.record
        if record is None:
            return self.run_service("Adding the city…", lambda: places.create_city(box, ctx, data))
        return self.run_service(
            "Saving the city…", lambda: places.update_city(box, ctx, record.city_id, data)
        )


class CinemaDialog(RecordDialog):
    title = "New cinema"
    edit_title = "Edit cinema"
    subtitle = (
        "The address, GSTIN and phone are printed on receipts; show times are shown in the "
        "cinema's time zone."
    )

    def __init__(
        self,
        box: BoxOffice,
        ctx: CounterContext,
        record: CinemaRow | None = None,
        parent: QWidget | None = None,
        *,
        cities: Sequence[CityRow] = (),
        city_id: int | None = None,
    ) -> None:
        self._cities = list(cities)
        self._city_id = city_id
        super().__init__(box, ctx, record, parent)

    def build_form(self, body: QWidget) -> None:
        self.ui = Ui_CinemaForm()
        self.ui.setupUi(body)  # type: ignore[no-untyped-call]
        for city in self._cities:
            label = city.name if city.active else f"{city.name} (inactive)"
            self.ui.cityCombo.addItem(label, city.city_id)
        names = timezone_names()
        self.ui.timezoneCombo.addItems(names)
        self.ui.timezoneCombo.setInsertPolicy(self.ui.timezoneCombo.InsertPolicy.NoInsert)
        completer = QCompleter(names, self.ui.timezoneCombo)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.ui.timezoneCombo.setCompleter(completer)
        self.ui.addressEdit.setFixedHeight(64)
        self.attach_field("city_id", self.ui.cityCombo)
        self.attach_field("name", self.ui.nameEdit)
        self.attach_field("address", self.ui.addressEdit)
        self.attach_field("timezone", self.ui.timezoneCombo)
        self.attach_field("gstin", self.ui.gstinEdit)
        self.attach_field("phone", self.ui.phoneEdit)
        self.setMinimumWidth(560)

    def load(self, record: CinemaRow | None) -> None:
        city = record.city_id if record is not None else self._city_id
        if city is not None:
            combo_select_data(self.ui.cityCombo, city)
        self.ui.nameEdit.setText("" if record is None else record.name)
        self.ui.addressEdit.setPlainText("" if record is None else record.address)
        self.ui.timezoneCombo.setCurrentText(
            DEFAULT_TIMEZONE if record is None else record.timezone
        )
        self.ui.gstinEdit.setText("" if record is None else record.gstin)
        self.ui.phoneEdit.setText("" if record is None else record.phone)
        self.ui.nameEdit.setFocus()

    def input(self) -> CinemaInput:
        city_id: Any = self.ui.cityCombo.currentData()
        if city_id is None:
            raise ValidationError("add a city first, then choose it here", field="city_id")
        return CinemaInput(
            city_id=int(city_id),
            name=self.ui.nameEdit.text(),
            address=self.ui.addressEdit.toPlainText(),
            timezone=self.ui.timezoneCombo.currentText().strip(),
            gstin=self.ui.gstinEdit.text(),
            phone=self.ui.phoneEdit.text(),
        )

    def save(self) -> CinemaRow:
        data = self.input()
        box, ctx, record = self.box, self.ctx, self.record
        if record is None:
            return self.run_service(
                "Adding the cinema…", lambda: places.create_cinema(box, ctx, data)
            )
        return self.run_service(
            "Saving the cinema…", lambda: places.update_cinema(box, ctx, record.theater_id, data)
        )


__all__ = ["CinemaDialog", "CityDialog"]
