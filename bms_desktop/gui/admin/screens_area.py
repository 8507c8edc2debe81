"""Screens & layouts: the screens of every cinema, a dialog to add or rename one, and the
seat-layout editor. A changed layout that future shows have sold seats on is refused, naming
those shows, or applied only to the shows without sales, as the admin chooses."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLineEdit, QPushButton, QWidget

from bms_desktop.domain.errors import DomainError, ValidationError
from bms_desktop.gui.admin.area_base import AdminAreaWidget
from bms_desktop.gui.admin.layout_editor.editor_dialog import LayoutEditorDialog
from bms_desktop.gui.admin.record_dialog import RecordDialog, combo_select_data
from bms_desktop.gui.admin.record_table import RIGHT, Column, RecordTableWidget
from bms_desktop.gui.dialogs.common import ConfirmDialog, run_in_background, styled_label
from bms_desktop.gui.workers import TaskRunner
from bms_desktop.services.admin import places, screens, setup
from bms_desktop.services.admin.dto import (
    CinemaRow,
    LayoutImpact,
    LayoutSaveResult,
    LayoutSeat,
    ScreenLayout,
    ScreenRow,
    SeatTypeChoice,
)
from bms_desktop.services.context import BoxOffice, CounterContext


def describe_layout(seats: Sequence[LayoutSeat]) -> str:
    if not seats:
        return "No layout yet."
    counts: dict[str, int] = {}
    for s in seats:
        counts[s.seat_type] = counts.get(s.seat_type, 0) + 1
    rows = len({s.row_label for s in seats})
    kinds = ", ".join(f"{n} {code.title()}" for code, n in sorted(counts.items()))
    wheel = sum(1 for s in seats if s.accessible)
    return f"{len(seats)} seats in {rows} rows ({kinds}); {wheel} wheelchair spaces."


class ScreenDialog(RecordDialog):
    """A new screen (cinema, name, and its layout drawn in the editor), or a screen renamed."""

    title = "New screen"
    edit_title = "Rename screen"
    subtitle = "A screen belongs to a cinema; its seats come from the layout you draw."

    def __init__(
        self,
        box: BoxOffice,
        ctx: CounterContext,
        record: ScreenRow | None = None,
        parent: QWidget | None = None,
        *,
        cinemas: Sequence[CinemaRow] = (),
        seat_types: Sequence[SeatTypeChoice] = (),
        theater_id: int | None = None,
    ) -> None:
        self._cinemas = list(cinemas)
        self._seat_types = tuple(seat_types)
        self._theater_id = theater_id
        self.layout_seats: list[LayoutSeat] = []
        super().__init__(box, ctx, record, parent)

    def build_form(self, body: QWidget) -> None:
        self.form = self.make_form(body)
        self.cinema_combo = QComboBox(body)
        self.cinema_combo.setObjectName("cinemaCombo")
        for c in self._cinemas:
            self.cinema_combo.addItem(f"{c.name} ({c.city_name})", c.theater_id)
        self.name_edit = QLineEdit(body)
        self.name_edit.setObjectName("nameEdit")
        self.name_edit.setPlaceholderText("e.g. Screen 2, Audi 1, Gold Lounge")
        self.add_row(self.form, "&Cinema", self.cinema_combo, field="theater_id")
        self.add_row(self.form, "&Name", self.name_edit, field="name")
        if self.record is None:
            row = QHBoxLayout()
            self.layout_label = styled_label("No layout yet.", "muted", body)
            self.layout_label.setWordWrap(True)
            self.draw_button = QPushButton("Draw the layout…", body)
            self.draw_button.setObjectName("drawLayoutButton")
            self.draw_button.setAutoDefault(False)
            self.draw_button.clicked.connect(self._on_draw_button_clicked)
            row.addWidget(self.layout_label, 1)
            row.addWidget(self.draw_button)
            self.add_row(self.form, "Seats", row, field="layout", focus=self.draw_button)
        self.setMinimumWidth(560)

    def load(self, record: ScreenRow | None) -> None:
        theater = record.theater_id if record is not None else self._theater_id
        if theater is not None:
            combo_select_data(self.cinema_combo, theater)
        self.cinema_combo.setEnabled(record is None)
        self.name_edit.setText("" if record is None else record.name)
        self.name_edit.setFocus()

    def draw_layout(self) -> list[LayoutSeat] | None:
        theater = self.cinema_combo.currentData()
        cinema = next((c for c in self._cinemas if c.theater_id == theater), None)
        layout = ScreenLayout(
            screen_id=None,
            theater_id=int(theater) if theater is not None else 0,
            name=self.name_edit.text().strip() or "New screen",
            layout_version=1,
            seats=tuple(self.layout_seats),
            seat_types=self._seat_types,
            timezone=cinema.timezone if cinema else "Asia/Kolkata",
        )
        seats = LayoutEditorDialog.ask(layout, self, cinema_name=cinema.name if cinema else "")
        if seats is not None:
            self.layout_seats = list(seats)
            self.layout_label.setText(describe_layout(seats))
        return seats

    def save(self) -> ScreenRow:
        box, ctx, record = self.box, self.ctx, self.record
        name = self.name_edit.text()
        if record is not None:
            return self.run_service(
                "Saving the screen…",
                lambda: screens.update_screen(box, ctx, record.screen_id, name=name),
            )
        theater = self.cinema_combo.currentData()
        if theater is None:
            raise ValidationError("add a cinema first, then choose it here", field="theater_id")
        if not self.layout_seats:
            raise ValidationError("draw the screen's seat layout first", field="layout")
        seats = list(self.layout_seats)
        return self.run_service(
            "Adding the screen and its seats…",
            lambda: screens.create_screen(
                box, ctx, theater_id=int(theater), name=name, seats=seats
            ),
        )

    @Slot()
    def _on_draw_button_clicked(self) -> None:
        self.draw_layout()


def impact_text(impact: LayoutImpact) -> str:
    lines = []
    if impact.with_sales:
        lines.append("These shows have sold or held seats and keep the current layout:")
        lines += [f"  • {s.describe()}" for s in impact.with_sales[:8]]
        if len(impact.with_sales) > 8:
            lines.append(f"  … and {len(impact.with_sales) - 8} more")
    if impact.with_history:
        lines.append("These have past (cancelled or expired) bookings and keep it too:")
        lines += [f"  • {s.describe()}" for s in impact.with_history[:8]]
        if len(impact.with_history) > 8:
            lines.append(f"  … and {len(impact.with_history) - 8} more")
    lines.append(
        f"{len(impact.without_sales)} future show(s) without sales get the new layout, "
        "re-priced from the current pricing rules."
    )
    return "\n".join(lines)


class ScreensArea(AdminAreaWidget):
    area_title = "Screens & layouts"
    area_key = "screens"
    area_hint = (
        "Each screen's seats come from its layout. Changing a layout never touches a sold or "
        "held seat: shows with sales keep the old layout."
    )

    def __init__(
        self, box: BoxOffice, ctx: CounterContext, runner: TaskRunner, parent: QWidget | None = None
    ) -> None:
        super().__init__(box, ctx, runner, parent)
        self.cinemas: list[CinemaRow] = []
        self.seat_types: tuple[SeatTypeChoice, ...] = ()
        self.edit_button = self.add_action(
            "Rename…", self._on_edit_clicked, object_name="renameScreen"
        )
        self.toggle_button = self.add_action(
            "Deactivate", self._on_toggle_clicked, object_name="toggleScreen"
        )
        self.layout_button = self.add_action(
            "Edit layout…", self._on_layout_clicked, object_name="editLayout"
        )
        self.new_button = self.add_action(
            "New screen…", self.new_screen, role="primary", object_name="newScreen"
        )
        self.table = RecordTableWidget(
            [
                Column("Cinema", lambda s: s.theater_name, width=200),
                Column("City", lambda s: s.city_name),
                Column("Screen", lambda s: s.name, width=160),
                Column("Seats", lambda s: s.seat_count, align=RIGHT),
                Column(
                    "Layout",
                    lambda s: f"v{s.layout_version}",
                    align=RIGHT,
                    sort_key=lambda s: s.layout_version,
                ),
                Column("Future shows", lambda s: s.future_shows, align=RIGHT),
                Column("Status", lambda s: "Active" if s.active else "Inactive", stretch=True),
            ],
            key=lambda s: s.screen_id,
            empty_text="No screens yet: New screen… (add a cinema first)",
            parent=self,
        )
        self.table.setObjectName("screensTable")
        self.table.record_activated.connect(self._on_table_record_activated)
        self.table.selection_changed.connect(self._update_buttons)
        self.page_layout.addWidget(self.table, 1)
        self._update_buttons()

    def refresh(self) -> None:
        super().refresh()
        box, ctx = self.box, self.ctx
        self.load(
            lambda: (
                screens.list_screens(box, ctx),
                places.list_cinemas(box, ctx),
                screens.seat_type_choices(box, ctx),
            ),
            self._on_loaded,
            label="Loading screens",
        )

    def _on_loaded(
        self, result: tuple[list[ScreenRow], list[CinemaRow], tuple[SeatTypeChoice, ...]]
    ) -> None:
        rows, self.cinemas, self.seat_types = result
        self.table.set_records(rows)
        self._update_buttons()

    # ------------------------------------------------------------------ actions

    def new_screen(self) -> ScreenRow | None:
        active = [c for c in self.cinemas if c.active]
        if not active:
            self.message.show_warning(
                "add a cinema first (Cities & cinemas): every screen belongs to one"
            )
            return None
        if not any(t.active for t in self.seat_types):
            if not ConfirmDialog.ask(
                self,
                title="No seat types yet",
                text="Add the standard seat types Gold, Platinum and Diamond?",
                informative="Their base prices start at 100.00; set them under Pricing.",
                ok_text="Add them",
            ):
                return None
            box, ctx = self.box, self.ctx
            try:
                run_in_background(
                    self, "Adding seat types…", lambda: setup.ensure_seat_types(box, ctx)
                )
                self.seat_types = run_in_background(
                    self, "Loading…", lambda: screens.seat_type_choices(box, ctx)
                )
            except DomainError as exc:
                self.message.show_error(exc.message)
                return None
        selected = self.table.selected_record()
        row: ScreenRow | None = ScreenDialog.ask(
            self.box,
            self.ctx,
            None,
            self,
            cinemas=active,
            seat_types=self.seat_types,
            theater_id=selected.theater_id if selected is not None else None,
        )
        if row is not None:
            self.table.model.set_records([*self.table.records(), row])
            self.table.select_key(row.screen_id)
            self.saved(f"{row.name} added with {row.seat_count} seats")
        return row

    def rename_screen(self, screen: ScreenRow) -> ScreenRow | None:
        row: ScreenRow | None = ScreenDialog.ask(
            self.box, self.ctx, screen, self, cinemas=self.cinemas, seat_types=self.seat_types
        )
        if row is not None:
            self.saved(f"{row.name} saved")
        return row

    def edit_layout(self, screen: ScreenRow) -> LayoutSaveResult | None:
        box, ctx = self.box, self.ctx
        try:
            layout = run_in_background(
                self,
                "Opening the layout…",
                lambda: screens.screen_layout(box, ctx, screen.screen_id),
            )
            seats = LayoutEditorDialog.ask(layout, self, cinema_name=screen.theater_name)
            if seats is None:
                return None
            impact: LayoutImpact = run_in_background(
                self,
                "Checking the future shows…",
                lambda: screens.layout_impact(box, ctx, screen.screen_id),
            )
            apply_to_unsold = False
            if impact.with_sales or impact.with_history:
                if not ConfirmDialog.ask(
                    self,
                    title="Some shows keep the current layout",
                    text=f"{screen.name} has future shows with sales. Save the new layout only "
                    "for the shows without sales?",
                    informative=impact_text(impact),
                    ok_text="Save for shows without sales",
                ):
                    self.message.show_info("the layout was not changed")
                    return None
                apply_to_unsold = True
            result: LayoutSaveResult = run_in_background(
                self,
                "Saving the layout…",
                lambda: screens.save_layout(
                    box, ctx, screen.screen_id, seats, apply_to_unsold=apply_to_unsold
                ),
            )
        except DomainError as exc:
            self.message.show_error(exc.message)
            return None
        if result.layout_version == screen.layout_version:
            self.message.show_info("the layout is unchanged")
            return result
        kept = f"; {len(result.kept)} keep the old layout" if result.kept else ""
        self.saved(
            f"{screen.name}: layout v{result.layout_version} saved, {result.seat_count} seats; "
            f"{len(result.rebuilt)} future show(s) rebuilt{kept}"
        )
        return result

    def toggle_screen(self, screen: ScreenRow) -> ScreenRow | None:
        box, ctx = self.box, self.ctx
        activate = not screen.active
        try:
            row: ScreenRow = run_in_background(
                self,
                "Saving…",
                lambda: screens.update_screen(
                    box, ctx, screen.screen_id, name=screen.name, active=activate
                ),
            )
        except DomainError as exc:
            self.message.show_error(exc.message)
            return None
        self.saved(
            f"{screen.name} {'reactivated' if activate else 'deactivated: no new shows on it'}"
        )
        return row

    # ------------------------------------------------------------------ slots

    @Slot()
    def _update_buttons(self) -> None:
        screen = self.table.selected_record()
        for b in (self.edit_button, self.layout_button, self.toggle_button):
            b.setEnabled(screen is not None)
        self.toggle_button.setText(
            "Reactivate" if screen is not None and not screen.active else "Deactivate"
        )

    def _selected(self) -> Any:
        return self.table.selected_record()

    def _on_edit_clicked(self) -> None:
        if (s := self._selected()) is not None:
            self.rename_screen(s)

    def _on_layout_clicked(self) -> None:
        if (s := self._selected()) is not None:
            self.edit_layout(s)

    def _on_toggle_clicked(self) -> None:
        if (s := self._selected()) is not None:
            self.toggle_screen(s)

    @Slot(object)
    def _on_table_record_activated(self, screen: ScreenRow) -> None:
        if not self.read_only:
            self.edit_layout(screen)
