"""Movies: the list, and a dialog per movie (Designer form ``ui/movie_form.ui``) with an
optional poster image, checked by the service (a real PNG or JPEG, size-capped)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QByteArray, Qt, Slot
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from bms_desktop.domain.errors import DomainError, ValidationError
from bms_desktop.gui.admin.area_base import AdminAreaWidget
from bms_desktop.gui.admin.record_dialog import FieldError, RecordDialog
from bms_desktop.gui.admin.record_table import RIGHT, Column, RecordTableWidget
from bms_desktop.gui.dialogs.common import run_in_background, styled_button
from bms_desktop.gui.forms.ui_movie_form import Ui_MovieForm
from bms_desktop.gui.workers import TaskRunner
from bms_desktop.services.admin import movies
from bms_desktop.services.admin.dto import MovieInput, MovieRow
from bms_desktop.services.context import BoxOffice, CounterContext

GENRES = (
    "Action",
    "Animation",
    "Comedy",
    "Documentary",
    "Drama",
    "Family",
    "Horror",
    "Romance",
    "Sci-Fi",
    "Thriller",
)
POSTER_W, POSTER_H = 120, 176


class MovieDialog(RecordDialog):
    title = "New movie"
    edit_title = "Edit movie"
    subtitle = "The counters' show finder shows the title, certificate, rating and poster."

    def __init__(
        self,
        box: BoxOffice,
        ctx: CounterContext,
        record: MovieRow | None = None,
        parent: QWidget | None = None,
    ) -> None:
        self.poster_data: bytes | None = None  # a new poster chosen in this dialog
        self.remove_poster = False
        self._had_poster = record is not None and record.has_poster
        super().__init__(box, ctx, record, parent)

    def build_form(self, body: QWidget) -> None:
        outer = QHBoxLayout(body)
        outer.setContentsMargins(0, 0, 0, 0)
        form_widget = QWidget(body)
        self.ui = Ui_MovieForm()
        self.ui.setupUi(form_widget)  # type: ignore[no-untyped-call]
        outer.addWidget(form_widget, 1)
        self.ui.certificateCombo.addItems(list(movies.CERTIFICATES))
        self.ui.genreCombo.addItems(list(GENRES))
        self.ui.genreCombo.setCurrentText("")
        self.ui.runtimeSpin.setRange(0, 999)
        self.ui.synopsisEdit.setFixedHeight(90)
        side = QVBoxLayout()
        side.setContentsMargins(0, 16, 20, 8)
        self.poster_label = QLabel(body)
        self.poster_label.setObjectName("posterPreview")
        self.poster_label.setFixedSize(POSTER_W, POSTER_H)
        self.poster_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.poster_label.setStyleSheet("border: 1px dashed #C3C8CF; background: #FFFFFF;")
        self.poster_label.setWordWrap(True)
        side.addWidget(self.poster_label)
        self.choose_button = styled_button("Choose poster…", None, body)
        self.choose_button.setObjectName("choosePoster")
        self.choose_button.clicked.connect(self._on_choose_button_clicked)
        self.remove_button = styled_button("Remove poster", None, body)
        self.remove_button.clicked.connect(self._on_remove_button_clicked)
        side.addWidget(self.choose_button)
        side.addWidget(self.remove_button)
        self.poster_error = FieldError(body)
        self.poster_error.setObjectName("posterError")
        self.poster_error.setFixedWidth(POSTER_W + 20)
        side.addWidget(self.poster_error)
        side.addStretch(1)
        outer.addLayout(side)
        fields = (
            ("title", self.ui.titleEdit),
            ("languages", self.ui.languagesEdit),
            ("genre", self.ui.genreCombo),
            ("rating", self.ui.ratingEdit),
            ("certificate", self.ui.certificateCombo),
            ("runtime_min", self.ui.runtimeSpin),
            ("release_date", self.ui.releaseEdit),
            ("synopsis", self.ui.synopsisEdit),
        )
        for name, widget in fields:
            self.attach_field(name, widget)
        self._fields["poster"] = (self.choose_button, self.poster_error)
        self.setMinimumWidth(720)

    def load(self, record: MovieRow | None) -> None:
        ui = self.ui
        ui.titleEdit.setText("" if record is None else record.title)
        ui.languagesEdit.setText("" if record is None else record.languages.replace(",", ", "))
        ui.genreCombo.setCurrentText("" if record is None else record.genre)
        ui.ratingEdit.setText("" if record is None else f"{record.rating}")
        ui.certificateCombo.setCurrentText("UA" if record is None else record.certificate)
        ui.runtimeSpin.setValue(120 if record is None else record.runtime_min)
        ui.releaseEdit.setText(
            "" if record is None or record.release_date is None else record.release_date.isoformat()
        )
        ui.synopsisEdit.setPlainText("" if record is None else record.synopsis)
        self._show_poster(None)
        if record is not None and record.has_poster:
            box, movie_id = self.box, record.movie_id
            data = run_in_background(
                self, "Loading the poster…", lambda: movies.movie_poster(box, movie_id)
            )
            self._show_poster(data)
        ui.titleEdit.setFocus()

    # ------------------------------------------------------------------ poster

    def _show_poster(self, data: bytes | None) -> None:
        if data:
            pixmap = QPixmap()
            if pixmap.loadFromData(QByteArray(data)):
                self.poster_label.setPixmap(
                    pixmap.scaled(
                        POSTER_W,
                        POSTER_H,
                        Qt.AspectRatioMode.KeepAspectRatio,
                        Qt.TransformationMode.SmoothTransformation,
                    )
                )
                self.remove_button.setEnabled(True)
                return
        self.poster_label.clear()
        self.poster_label.setText("No poster")
        self.remove_button.setEnabled(False)

    def set_poster_bytes(self, data: bytes) -> None:
        """Use these bytes as the poster (checked by the service when saving)."""
        self.poster_data = data
        self.remove_poster = False
        self._show_poster(data)
        if self.poster_label.pixmap().isNull():
            self.poster_label.setText("Not an image\nQt can show")

    def choose_poster_file(self) -> Path | None:
        name, _ = QFileDialog.getOpenFileName(
            self, "Choose a poster", "", "Images (*.png *.jpg *.jpeg)"
        )
        return Path(name) if name else None

    @Slot()
    def _on_choose_button_clicked(self) -> None:
        path = self.choose_poster_file()
        if path is None:
            return
        try:
            size = path.stat().st_size
            if size > movies.POSTER_MAX_BYTES:
                raise ValidationError(
                    f"the file is {size / 1024 / 1024:.1f} MB; at most "
                    f"{movies.POSTER_MAX_BYTES // 1024 // 1024} MB fit",
                    field="poster",
                )
            self.set_poster_bytes(path.read_bytes())
        except OSError as exc:
            self.show_error(
                ValidationError(f"cannot read {path.name}: {exc.strerror}", field="poster")
            )
        except ValidationError as exc:
            self.show_error(exc)

    @Slot()
    def _on_remove_button_clicked(self) -> None:
        self.poster_data = None
        self.remove_poster = True
        self._show_poster(None)

    # ------------------------------------------------------------------ save

    def input(self) -> MovieInput:
        ui = self.ui
        release_text = ui.releaseEdit.text().strip()
        release = None
        if release_text:
            try:
                release = date.fromisoformat(release_text)
            except ValueError as exc:
                raise ValidationError(
                    "write the release date as YYYY-MM-DD, e.g. 2030-03-14", field="release_date"
                ) from exc
        return MovieInput(
            title=ui.titleEdit.text(),
            languages=ui.languagesEdit.text(),
            genre=ui.genreCombo.currentText(),
            rating=ui.ratingEdit.text(),
            certificate=ui.certificateCombo.currentText(),
            runtime_min=ui.runtimeSpin.value(),
            synopsis=ui.synopsisEdit.toPlainText(),
            release_date=release,
        )

    def save(self) -> MovieRow:
        data = self.input()
        box, ctx, record = self.box, self.ctx, self.record
        poster, remove = self.poster_data, self.remove_poster
        if record is None:
            return self.run_service(
                "Adding the movie…", lambda: movies.create_movie(box, ctx, data, poster=poster)
            )
        return self.run_service(
            "Saving the movie…",
            lambda: movies.update_movie(
                box, ctx, record.movie_id, data, poster=poster, remove_poster=remove
            ),
        )


class MoviesArea(AdminAreaWidget):
    area_title = "Movies"
    area_key = "movies"
    area_hint = "A retired movie stays on its shows but cannot be scheduled again."

    def __init__(
        self, box: BoxOffice, ctx: CounterContext, runner: TaskRunner, parent: QWidget | None = None
    ) -> None:
        super().__init__(box, ctx, runner, parent)
        self.edit_button = self.add_action("Edit…", self._on_edit_clicked, object_name="editMovie")
        self.toggle_button = self.add_action(
            "Retire", self._on_toggle_clicked, object_name="toggleMovie"
        )
        self.new_button = self.add_action(
            "New movie…", self.new_movie, role="primary", object_name="newMovie"
        )
        self.table = RecordTableWidget(
            [
                Column("Title", lambda m: m.title, width=260),
                Column("Languages", lambda m: m.languages.replace(",", ", ")),
                Column("Genre", lambda m: m.genre),
                Column("Rating", lambda m: f"{m.rating}", align=RIGHT, sort_key=lambda m: m.rating),
                Column("Cert.", lambda m: m.certificate),
                Column(
                    "Runtime",
                    lambda m: f"{m.runtime_min} min",
                    align=RIGHT,
                    sort_key=lambda m: m.runtime_min,
                ),
                Column("Poster", lambda m: "Yes" if m.has_poster else ""),
                Column("Future shows", lambda m: m.future_shows, align=RIGHT),
                Column("Status", lambda m: "Showing" if m.active else "Retired", stretch=True),
            ],
            key=lambda m: m.movie_id,
            empty_text="No movies yet: New movie…",
            parent=self,
        )
        self.table.setObjectName("moviesTable")
        self.table.record_activated.connect(self._on_table_record_activated)
        self.table.selection_changed.connect(self._update_buttons)
        self.page_layout.addWidget(self.table, 1)
        self._update_buttons()

    def refresh(self) -> None:
        super().refresh()
        box, ctx = self.box, self.ctx
        self.load(lambda: movies.list_movies(box, ctx), self._on_loaded, label="Loading movies")

    def _on_loaded(self, rows: list[MovieRow]) -> None:
        self.table.set_records(rows)
        self._update_buttons()

    def new_movie(self) -> MovieRow | None:
        row: MovieRow | None = MovieDialog.ask(self.box, self.ctx, None, self)
        if row is not None:
            self.table.model.set_records([*self.table.records(), row])
            self.table.select_key(row.movie_id)
            self.saved(f"{row.title} added")
        return row

    def edit_movie(self, movie: MovieRow) -> MovieRow | None:
        row: MovieRow | None = MovieDialog.ask(self.box, self.ctx, movie, self)
        if row is not None:
            self.saved(f"{row.title} saved")
        return row

    def toggle_movie(self, movie: MovieRow) -> MovieRow | None:
        box, ctx = self.box, self.ctx
        try:
            row: MovieRow = run_in_background(
                self,
                "Saving…",
                lambda: movies.set_movie_active(box, ctx, movie.movie_id, not movie.active),
            )
        except DomainError as exc:
            self.message.show_error(exc.message)
            return None
        self.saved(f"{movie.title} {'restored' if row.active else 'retired'}")
        return row

    @Slot()
    def _update_buttons(self) -> None:
        movie = self.table.selected_record()
        self.edit_button.setEnabled(movie is not None)
        self.toggle_button.setEnabled(movie is not None)
        self.toggle_button.setText(
            "Restore" if movie is not None and not movie.active else "Retire"
        )

    def _on_edit_clicked(self) -> None:
        if (m := self.table.selected_record()) is not None:
            self.edit_movie(m)

    def _on_toggle_clicked(self) -> None:
        if (m := self.table.selected_record()) is not None:
            self.toggle_movie(m)

    @Slot(object)
    def _on_table_record_activated(self, movie: MovieRow) -> None:
        if not self.read_only:
            self.edit_movie(movie)
