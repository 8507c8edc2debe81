"""The show finder: filters and a list of shows, upcoming first, usable from the keyboard alone.

Type in the search box (the list follows as you type), Down moves into the list, Enter opens the
highlighted show (from the search box: the first one). Up on the first row goes back to the search
box; typing while the list has the focus types into the search box.

Queries run off the GUI thread (``TaskRunner``); only the answer to the latest query is shown.
When another counter changes a listed show, ``refresh_shows`` re-runs the query and the seat counts
update in place (selection and scroll position stay).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Final
from zoneinfo import ZoneInfo

from PySide6.QtCore import (
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QKeyEvent, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from bms_desktop.domain import cinema_time
from bms_desktop.gui.models.show_list_model import (
    COL_CERT,
    COL_LANGUAGE,
    COL_MOVIE,
    COL_SCREEN,
    COL_SEATS,
    COL_TIME,
    FEW_COLOUR,
    FEW_SEATS_SHARE,
    HEADERS,
    NONE_COLOUR,
    ShowIdRole,
    ShowListModel,
    ShowSummaryRole,
)
from bms_desktop.gui.widgets.show_poster import POSTER_RATIO, PosterCache
from bms_desktop.gui.workers import TaskRunner
from bms_desktop.services import queries
from bms_desktop.services.admin import settings
from bms_desktop.services.context import BoxOffice
from bms_desktop.services.dto import ShowSummary
from bms_desktop.services.ports import NamedRef

SEARCH_DEBOUNCE_MS: Final = 150
REFRESH_DEBOUNCE_MS: Final = 250
RESULT_LIMIT: Final = 300
DATE_CHOICES: Final = 14  # today and the next 13 days
SECONDARY: Final = QColor("#5F646B")
CELL_PAD_PX: Final = 7  # left and right inside a cell


@dataclass(frozen=True, slots=True)
class ShowQuery:
    city_id: int | None = None
    theater_id: int | None = None
    on_date: date | None = None
    movie_text: str = ""
    language: str = ""
    genre: str = ""
    min_rating: Decimal | None = None


def split_title(title: str, width: int, advance: Callable[[str], int]) -> tuple[str, str]:
    """A movie title for two lines of ``width`` pixels: (first line, the rest). The break is
    between words; a title that fits has no rest; a first word too long for the line is left
    whole (the painter elides it)."""
    if advance(title) <= width:
        return title, ""
    words = title.split(" ")
    for cut in range(len(words) - 1, 0, -1):
        head = " ".join(words[:cut])
        if advance(head) <= width:
            return head, " ".join(words[cut:])
    return title, ""


class ShowRowDelegate(QStyledItemDelegate):
    """Two lines per show: the time over the day, the movie over its details, seats over total.
    A title too long for its line goes on over the second, before the details. When a listed
    movie has a poster (``posters``), the movie column starts with a small one (a row whose
    movie has none keeps the room, so the titles stay in line)."""

    def __init__(self, parent: QObject | None = None, posters: PosterCache | None = None) -> None:
        super().__init__(parent)
        self.today: date | None = None
        self.posters = posters
        self.poster_room = False  # some listed movie has a poster: the movie column makes room

    def _lines(self, show: ShowSummary, column: int) -> tuple[str, str]:
        local = show.local_starts_at
        if column == COL_TIME:
            if self.today is not None and local.date() == self.today:
                day = "Today"
            elif self.today is not None and (local.date() - self.today).days == 1:
                day = "Tomorrow"
            else:
                day = cinema_time.day(show.starts_at, show.timezone)
            return cinema_time.clock(show.starts_at, show.timezone), day
        if column == COL_MOVIE:
            screen = show.screen_name.split(" · ", 1)[0]
            return (
                show.movie_title,
                f"{show.certificate} · {show.language} {show.format} · "
                f"{show.theater_name} · {screen}",
            )
        if column == COL_SEATS:
            if show.seats_available <= 0:
                return "0", "sold out"
            return f"{show.seats_available:,}", f"of {show.seats_total:,}"
        return "", ""

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        show = index.data(ShowSummaryRole)
        if not isinstance(show, ShowSummary) or index.column() not in (
            COL_TIME,
            COL_MOVIE,
            COL_SEATS,
        ):
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        widget = opt.widget
        style = widget.style() if widget is not None else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        first, second = self._lines(show, index.column())
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        main_colour = opt.palette.color(
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        )
        minor_colour = main_colour if selected else SECONDARY
        if index.column() == COL_SEATS and not selected:
            if show.seats_available <= 0:
                main_colour = NONE_COLOUR
            elif show.seats_available < show.seats_total * FEW_SEATS_SHARE:
                main_colour = FEW_COLOUR
        rect = opt.rect.adjusted(CELL_PAD_PX, 5, -CELL_PAD_PX, -5)
        if index.column() == COL_MOVIE and self.poster_room and self.posters is not None:
            rect = self._paint_poster(painter, opt.rect, show.movie_id, rect)
        align = (
            Qt.AlignmentFlag.AlignRight
            if index.column() == COL_SEATS
            else Qt.AlignmentFlag.AlignLeft
        )
        main_font = QFont(opt.font)
        main_font.setBold(index.column() != COL_SEATS or show.seats_available > 0)
        minor_font = QFont(opt.font)
        minor_font.setBold(False)
        minor_font.setPointSizeF(max(7.0, opt.font.pointSizeF() - 1.0))
        fm_main = QFontMetrics(main_font)
        fm_minor = QFontMetrics(minor_font)
        rest = ""
        if index.column() == COL_MOVIE:
            first, rest = split_title(first, rect.width(), fm_main.horizontalAdvance)
        v_centre = Qt.AlignmentFlag.AlignVCenter
        painter.save()
        painter.setFont(main_font)
        painter.setPen(main_colour)
        top = QRect(rect.left(), rect.top(), rect.width(), fm_main.height())
        painter.drawText(
            top,
            int(align | v_centre),
            fm_main.elidedText(first, Qt.TextElideMode.ElideRight, rect.width()),
        )
        bottom = QRect(
            rect.left(), top.bottom() + 2, rect.width(), max(fm_main.height(), fm_minor.height())
        )
        if rest:  # the end of the title, then as much of the details as fits
            rest = fm_main.elidedText(rest, Qt.TextElideMode.ElideRight, rect.width())
            painter.drawText(bottom, int(align | v_centre), rest)
            used = fm_main.horizontalAdvance(rest) + fm_minor.horizontalAdvance("  ")
            bottom.setLeft(bottom.left() + used)
            second = f"· {second}" if bottom.width() >= fm_minor.horizontalAdvance("· UA ·") else ""
        painter.setFont(minor_font)
        painter.setPen(minor_colour)
        painter.drawText(
            bottom,
            int(align | v_centre),
            fm_minor.elidedText(second, Qt.TextElideMode.ElideRight, max(0, bottom.width())),
        )
        painter.restore()

    def _paint_poster(self, painter: QPainter, cell: QRect, movie_id: int, rect: QRect) -> QRect:
        """The movie's poster at the left of its cell; the text's rectangle right of it."""
        assert self.posters is not None
        height = cell.height() - 6
        width = round(height * POSTER_RATIO)
        pixmap = self.posters.pixmap(movie_id, height)
        if pixmap is not None:
            x = cell.left() + CELL_PAD_PX + (width - pixmap.width()) // 2
            painter.drawPixmap(x, cell.top() + 3, pixmap)
        return rect.adjusted(width + CELL_PAD_PX, 0, 0, 0)

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        base = super().sizeHint(option, index)
        fm = QFontMetrics(option.font)
        return QSize(base.width(), fm.height() * 2 + 14)


class _ShowTableView(QTableView):
    """The list: Enter opens, Up on the first row returns to the search box, typing searches."""

    open_requested = Signal()
    leave_up_requested = Signal()
    typed = Signal(str)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.open_requested.emit()
            event.accept()
            return
        current = self.currentIndex()
        if key == Qt.Key.Key_Up and (not current.isValid() or current.row() == 0):
            self.leave_up_requested.emit()
            event.accept()
            return
        text = event.text()
        if (
            text
            and text.isprintable()
            and not event.modifiers()
            & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier)
            and key not in (Qt.Key.Key_Space,)
        ):
            self.typed.emit(text)
            event.accept()
            return
        super().keyPressEvent(event)


class ShowFinderWidget(QWidget):
    """Filters, search box and the list of shows.

    Signals:
        show_chosen(int): the clerk opened a show (Enter, double click).
        results_changed(int): a query answered with this many shows.
    """

    show_chosen = Signal(int)
    results_changed = Signal(int)

    def __init__(
        self,
        box: BoxOffice,
        parent: QWidget | None = None,
        *,
        runner: TaskRunner | None = None,
        counter: str | None = None,
    ) -> None:
        super().__init__(parent)
        self._box = box
        self._runner = runner if runner is not None else TaskRunner(self)
        self._counter = counter  # its home cinema (box-office setting) filters the list first
        self.home_cinema: int | None = None
        self.posters = PosterCache(box, self)
        self._timezone = "Asia/Kolkata"
        self._theaters: tuple[NamedRef, ...] = ()
        self._generation = 0
        self._answered = 0
        self._choices_loaded = False
        self._open_first_when_ready = False
        self._selected_show: int | None = None
        self._error = ""

        self.search_edit = QLineEdit(self)
        self.search_edit.setPlaceholderText("Search movies…")
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setAccessibleName("Search movies")
        self.city_combo = self._combo("City")
        self.cinema_combo = self._combo("Cinema")
        self.date_combo = self._combo("Date")
        self.language_combo = self._combo("Language")
        self.genre_combo = self._combo("Genre")
        self.rating_combo = self._combo("Minimum rating")
        self.rating_combo.addItem("Any rating", None)
        for value in ("6", "7", "8", "9"):
            self.rating_combo.addItem(f"Rated {value}+", Decimal(value))

        self.model = ShowListModel(self)
        self.table = _ShowTableView(self)
        self.table.setModel(self.model)
        self._delegate = ShowRowDelegate(self.table, self.posters)
        self.table.setItemDelegate(self._delegate)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.table.setAccessibleName("Shows")
        for col in (COL_CERT, COL_LANGUAGE, COL_SCREEN):
            self.table.setColumnHidden(col, True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(COL_TIME, QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(COL_MOVIE, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(COL_SEATS, QHeaderView.ResizeMode.Fixed)
        header.setHighlightSections(False)
        fm = QFontMetrics(self.font())
        bold = QFont(self.font())
        bold.setBold(True)
        fm_bold = QFontMetrics(bold)
        small = QFont(self.font())
        small.setPointSizeF(max(7.0, small.pointSizeF() - 1.0))
        fm_small = QFontMetrics(small)
        # Time and seats as narrow as their contents: the movie column gets the rest.
        header_bold = QFont(header.font())
        header_bold.setBold(True)  # the style sheet sets section titles in bold
        header_fm = QFontMetrics(header_bold)
        pad = 2 * CELL_PAD_PX
        self.table.setColumnWidth(
            COL_TIME,
            max(
                fm_bold.horizontalAdvance("00:00"),
                fm_small.horizontalAdvance("Wed 28 Nov"),
                header_fm.horizontalAdvance(HEADERS[COL_TIME]) + 4,
            )
            + pad,
        )
        self.table.setColumnWidth(
            COL_SEATS,
            max(
                fm_bold.horizontalAdvance("8,888"),
                fm_small.horizontalAdvance("of 8,888"),
                fm_small.horizontalAdvance("sold out"),
                header_fm.horizontalAdvance(HEADERS[COL_SEATS]) + 4,
            )
            + pad,
        )
        self.table.verticalHeader().setDefaultSectionSize(fm.height() * 2 + 14)

        self.status_label = QLabel(self)
        self.status_label.setObjectName("finderStatus")
        self.status_label.setStyleSheet("color: #5F646B;")

        title = QLabel("Shows", self)
        title.setObjectName("panelTitle")
        title_font = QFont(self.font())
        title_font.setPointSizeF(title_font.pointSizeF() + 2)
        title_font.setBold(True)
        title.setFont(title_font)

        filters = QGridLayout()
        filters.setHorizontalSpacing(6)
        filters.setVerticalSpacing(6)
        filters.addWidget(self.city_combo, 0, 0)
        filters.addWidget(self.cinema_combo, 0, 1)
        filters.addWidget(self.date_combo, 1, 0)
        filters.addWidget(self.rating_combo, 1, 1)
        filters.addWidget(self.language_combo, 2, 0)
        filters.addWidget(self.genre_combo, 2, 1)

        self._title_row = QHBoxLayout()
        self._title_row.setContentsMargins(0, 0, 0, 0)
        self._title_row.addWidget(title, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        layout.addLayout(self._title_row)
        layout.addWidget(self.search_edit)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status_label)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DEBOUNCE_MS)
        self._search_timer.timeout.connect(self._on_search_timer_timeout)
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(REFRESH_DEBOUNCE_MS)
        self._refresh_timer.timeout.connect(self._on_search_timer_timeout)

        self.search_edit.textChanged.connect(self._on_search_edit_text_changed)
        self.search_edit.returnPressed.connect(self._on_search_edit_return_pressed)
        self.search_edit.installEventFilter(self)
        for combo in (
            self.cinema_combo,
            self.date_combo,
            self.language_combo,
            self.genre_combo,
            self.rating_combo,
        ):
            combo.currentIndexChanged.connect(self._on_filter_changed)
        self.city_combo.currentIndexChanged.connect(self._on_city_combo_current_index_changed)
        self.table.open_requested.connect(self._on_table_open_requested)
        self.table.leave_up_requested.connect(self._on_table_leave_up_requested)
        self.table.typed.connect(self._on_table_typed)
        self.table.doubleClicked.connect(self._on_table_double_clicked)
        self.model.modelReset.connect(self._on_model_model_reset)
        self.posters.posters_ready.connect(self._on_posters_posters_ready)
        sel = self.table.selectionModel()
        sel.currentRowChanged.connect(self._on_selection_current_row_changed)
        self.setFocusProxy(self.search_edit)

        self._load_choices()

    def _combo(self, name: str) -> QComboBox:
        combo = QComboBox(self)
        combo.setAccessibleName(name)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(8)
        return combo

    # ------------------------------------------------------------------ public

    def query(self) -> ShowQuery:
        """The filters as they stand."""
        return ShowQuery(
            city_id=self.city_combo.currentData(),
            theater_id=self.cinema_combo.currentData(),
            on_date=self.date_combo.currentData(),
            movie_text=self.search_edit.text().strip(),
            language=self.language_combo.currentData() or "",
            genre=self.genre_combo.currentData() or "",
            min_rating=self.rating_combo.currentData(),
        )

    def search_now(self) -> None:
        """Run the query at once (no debounce)."""
        self._search_timer.stop()
        self._start_query()

    def refresh_shows(self, show_ids: list[int] | None = None) -> None:
        """Other counters changed these shows (None: anything): refresh the counts if listed."""
        if show_ids is not None and not set(show_ids) & set(self.model.show_ids()):
            return
        if not self._refresh_timer.isActive():
            self._refresh_timer.start()

    def is_loading(self) -> bool:
        """A query (or the filter choices) is still on its way."""
        return (
            not self._choices_loaded
            or self._search_timer.isActive()
            or self._answered < self._generation
        )

    def focus_search(self) -> None:
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()

    def current_show_id(self) -> int | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        value = index.data(ShowIdRole)
        return int(value) if value is not None else None

    def select_show(self, show_id: int) -> bool:
        row = self.model.row_of(show_id)
        if row is None:
            return False
        index = self.model.index(row, COL_MOVIE)
        self.table.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.table.scrollTo(index)
        return True

    def add_title_widget(self, widget: QWidget) -> None:
        """A widget on the right of the "Shows" title (the window's "Back to the map")."""
        self._title_row.addWidget(widget, 0, Qt.AlignmentFlag.AlignVCenter)

    def set_current_show(self, show_id: int) -> None:
        """Highlight the show the window has open; if it is not listed yet (the first answer
        is still on its way), the answer that lists it highlights it."""
        self._selected_show = show_id
        if self.model.row_of(show_id) is not None and self.current_show_id() != show_id:
            self.select_show(show_id)

    def error_text(self) -> str:
        return self._error

    # ------------------------------------------------------------------ loading

    def _load_choices(self) -> None:
        box, counter = self._box, self._counter

        def load() -> tuple[queries.FilterChoices, int | None]:
            home = settings.home_cinema(box, counter) if counter else None
            return queries.filter_choices(box), home

        self._runner.submit(
            load,
            on_done=lambda answer: self._on_choices_loaded(*answer),
            on_error=self._on_query_failed,
            label="Loading filters",
        )

    def _on_choices_loaded(self, choices: queries.FilterChoices, home: int | None = None) -> None:
        self.home_cinema = home
        self._timezone = choices.timezone
        self._theaters = choices.theaters
        combos = (
            self.city_combo,
            self.cinema_combo,
            self.date_combo,
            self.language_combo,
            self.genre_combo,
        )
        for combo in combos:
            combo.blockSignals(True)
        self.city_combo.clear()
        self.city_combo.addItem("All cities", None)
        for city in choices.cities:
            self.city_combo.addItem(city.name, city.id)
        self._fill_cinemas()
        home = self.cinema_combo.findData(self.home_cinema) if self.home_cinema else -1
        if home > 0:  # the counter's home cinema (a box-office setting) is where it starts
            self.cinema_combo.setCurrentIndex(home)
        self.date_combo.clear()
        self.date_combo.addItem("All upcoming", None)
        today = self._today()
        for offset in range(DATE_CHOICES):
            day = today + timedelta(days=offset)
            name = {0: "Today", 1: "Tomorrow"}.get(offset, f"{day:%a %d %b}")
            self.date_combo.addItem(name, day)
        self.language_combo.clear()
        self.language_combo.addItem("Any language", None)
        for language in choices.languages:
            self.language_combo.addItem(language, language)
        self.genre_combo.clear()
        self.genre_combo.addItem("Any genre", None)
        for genre in choices.genres:
            self.genre_combo.addItem(genre, genre)
        for combo in combos:
            combo.blockSignals(False)
        self._choices_loaded = True
        self._delegate.today = today
        self.model.set_today(today)
        self.search_now()

    def _fill_cinemas(self) -> None:
        city = self.city_combo.currentData()
        current = self.cinema_combo.currentData()
        blocked = self.cinema_combo.blockSignals(True)
        self.cinema_combo.clear()
        self.cinema_combo.addItem("All cinemas", None)
        for theater in self._theaters:
            if city is None or theater.parent_id == city:
                self.cinema_combo.addItem(theater.name, theater.id)
        index = self.cinema_combo.findData(current)
        self.cinema_combo.setCurrentIndex(max(0, index))
        self.cinema_combo.blockSignals(blocked)

    def _today(self) -> date:
        return self._box.now().astimezone(ZoneInfo(self._timezone)).date()

    def _start_query(self) -> None:
        if not self._choices_loaded:
            return
        self._generation += 1
        generation = self._generation
        q = self.query()
        box = self._box

        def run() -> list[ShowSummary]:
            return queries.find_shows(
                box,
                city_id=q.city_id,
                theater_id=q.theater_id,
                on_date=q.on_date,
                movie_text=q.movie_text,
                language=q.language,
                genre=q.genre,
                min_rating=q.min_rating,
                limit=RESULT_LIMIT,
            )

        self._runner.submit(
            run,
            on_done=lambda shows: self._on_query_done(generation, shows),
            on_error=lambda exc: self._on_query_failed(exc, generation),
            label="Finding shows",
        )

    def _on_query_done(self, generation: int, shows: list[ShowSummary]) -> None:
        self._answered = max(self._answered, generation)
        if generation != self._generation:
            return  # an older answer: a newer query is on its way
        self._error = ""
        today = self._today()
        self._delegate.today = today
        self.model.set_today(today)
        keep = self._selected_show
        self.model.set_shows(shows)
        movie_ids = {s.movie_id for s in shows}
        self._delegate.poster_room = self.posters.any_poster(movie_ids)
        self.posters.request(movie_ids)
        if (
            keep is not None
            and self.model.row_of(keep) is not None
            and not self.table.currentIndex().isValid()
        ):
            self.select_show(keep)
        count = len(shows)
        more = " (first 300)" if count >= RESULT_LIMIT else ""
        self.status_label.setText(
            f"{count} show{'s' if count != 1 else ''}{more}" if count else "No shows match"
        )
        self.results_changed.emit(count)
        if self._open_first_when_ready:
            self._open_first_when_ready = False
            self._open_current_or_first()

    def _on_query_failed(self, exc: BaseException, generation: int | None = None) -> None:
        if generation is not None:
            self._answered = max(self._answered, generation)
            if generation != self._generation:
                return
        self._open_first_when_ready = False
        self._error = str(exc)
        self.status_label.setText(f"Could not search: {exc}")

    def _open_current_or_first(self) -> None:
        show_id = self.current_show_id()
        if show_id is None:
            show = self.model.show_at(0)
            if show is None:
                return
            self.select_show(show.show_id)
            show_id = show.show_id
        self.show_chosen.emit(show_id)

    # ------------------------------------------------------------------ events

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.search_edit and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() in (Qt.Key.Key_Down, Qt.Key.Key_PageDown):
                self.table.setFocus(Qt.FocusReason.TabFocusReason)
                if not self.table.currentIndex().isValid() and self.model.rowCount() > 0:
                    self.select_show(self.model.show_ids()[0])
                return True
        return super().eventFilter(watched, event)

    # ------------------------------------------------------------------ slots

    @Slot(str)
    def _on_search_edit_text_changed(self, _text: str) -> None:
        self.table.clearSelection()
        self.table.setCurrentIndex(QModelIndex())
        self._selected_show = None
        self._search_timer.start()

    @Slot()
    def _on_search_edit_return_pressed(self) -> None:
        if self.is_loading():
            self._open_first_when_ready = True
            if self._search_timer.isActive():
                self.search_now()
            return
        self._open_current_or_first()

    @Slot(int)
    def _on_city_combo_current_index_changed(self, _index: int) -> None:
        self._fill_cinemas()
        self._search_timer.start()

    @Slot(int)
    def _on_filter_changed(self, _index: int) -> None:
        self._search_timer.start()

    @Slot()
    def _on_search_timer_timeout(self) -> None:
        self._start_query()

    @Slot()
    def _on_table_open_requested(self) -> None:
        self._open_current_or_first()

    @Slot()
    def _on_table_leave_up_requested(self) -> None:
        self.search_edit.setFocus(Qt.FocusReason.BacktabFocusReason)

    @Slot(str)
    def _on_table_typed(self, text: str) -> None:
        self.search_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        self.search_edit.insert(text)

    @Slot(QModelIndex)
    def _on_table_double_clicked(self, index: QModelIndex) -> None:
        value = index.data(ShowIdRole)
        if value is not None:
            self.show_chosen.emit(int(value))

    @Slot()
    def _on_model_model_reset(self) -> None:
        if self._selected_show is not None:
            self.select_show(self._selected_show)

    @Slot(list)
    def _on_posters_posters_ready(self, movie_ids: list[int]) -> None:
        listed = {show.movie_id for show in self.model.shows()}
        if listed & set(movie_ids):
            self._delegate.poster_room = self.posters.any_poster(listed)
            self.table.viewport().update()

    @Slot(QModelIndex, QModelIndex)
    def _on_selection_current_row_changed(
        self, current: QModelIndex, _previous: QModelIndex
    ) -> None:
        if current.isValid():
            value = current.data(ShowIdRole)
            self._selected_show = int(value) if value is not None else None


__all__ = ["ShowFinderWidget", "ShowQuery", "ShowRowDelegate"]
