"""The Reports window for supervisors and admins.

Filters on the left (report, cinema, business days, and the show or the shift a report is about),
the report on the right: its facts, a chart where a manager would rather look than read (or the
seat heat map), and its tables. Export as CSV or PDF. Every figure comes from
``services.reports.run_report`` -- the same function ``bms-desktop report`` prints -- run off the
GUI thread.

    window = open_reports_window(box, ctx, parent=counter_window)   # the counter's menu
    bms-desktop reports                                              # on its own, after sign-in
"""

from __future__ import annotations

import logging
from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import QDate, Qt, Slot
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMainWindow,
    QRadioButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from bms_desktop.domain import cash
from bms_desktop.domain.errors import DomainError
from bms_desktop.gui.dialogs.common import MessageLabel, styled_button, styled_label
from bms_desktop.gui.reports.heat_map import HeatMapWidget, heat_colour
from bms_desktop.gui.reports.print_reports import print_report, report_file_name
from bms_desktop.gui.reports.report_chart import ReportChartWidget
from bms_desktop.gui.reports.report_table_model import ReportTableModel
from bms_desktop.gui.theme import app_icon
from bms_desktop.gui.workers import TaskRunner
from bms_desktop.services import report_heat, reports, reports_cash
from bms_desktop.services.context import BoxOffice, CounterContext
from bms_desktop.services.report_heat import HeatMap
from bms_desktop.services.report_model import Report, ReportFilter, to_csv

log = logging.getLogger(__name__)

PANEL_WIDTH = 250
DEFAULT_DAYS = 7


class HeatLegend(QWidget):
    """Sold first ... sold last, never sold."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.setSpacing(6)
        layout.addWidget(styled_label("Sold first", "small", self))
        for h in (1.0, 0.8, 0.6, 0.4, 0.2, 0.0):
            chip = QLabel(self)
            chip.setFixedSize(22, 12)
            chip.setStyleSheet(f"background: {heat_colour(h).name()}; border-radius: 3px;")
            layout.addWidget(chip)
        layout.addWidget(styled_label("sold last", "small", self))
        chip = QLabel(self)
        chip.setFixedSize(22, 12)
        chip.setStyleSheet(f"background: {heat_colour(None).name()}; border-radius: 3px;")
        layout.addSpacing(10)
        layout.addWidget(chip)
        layout.addWidget(styled_label("not sold", "small", self))
        layout.addStretch(1)


class ReportsWindow(QMainWindow):
    def __init__(
        self,
        box: BoxOffice,
        ctx: CounterContext,
        *,
        today: date | None = None,
        export_folder: Path | None = None,
        run_now: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._box = box
        self._ctx = ctx
        self._runner = TaskRunner(self)
        self._report: Report | None = None
        self._heat: HeatMap | None = None
        self._models: list[ReportTableModel] = []
        self._export_folder = export_folder or Path.home()
        self.setObjectName("reportsWindow")
        self.setWindowTitle(f"Reports — {ctx.username}")
        self.setWindowIcon(app_icon())
        self._build()
        day = today or cash.business_date(box.now(), "Asia/Kolkata")
        self.to_edit.setDate(QDate(day.year, day.month, day.day))
        start = day - timedelta(days=DEFAULT_DAYS - 1)
        self.from_edit.setDate(QDate(start.year, start.month, start.day))
        self._load_cinemas()
        self._sync_needs()
        if run_now:  # the window opens on a report, not on an empty page
            self.run()

    # ------------------------------------------------------------------ layout

    def _build(self) -> None:
        central = QWidget(self)
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        panel = QFrame(central)
        panel.setProperty("class", "sidePanel")
        panel.setFixedWidth(PANEL_WIDTH)
        side = QVBoxLayout(panel)
        side.setContentsMargins(14, 14, 14, 14)
        side.setSpacing(10)
        side.addWidget(styled_label("Reports", "title", panel))
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        form.setVerticalSpacing(6)
        self.report_combo = QComboBox(panel)
        self.report_combo.setObjectName("reportCombo")
        last_group = ""
        for spec in reports.CATALOGUE:
            if last_group and spec.group != last_group:
                self.report_combo.insertSeparator(self.report_combo.count())
            last_group = spec.group
            self.report_combo.addItem(spec.title, spec.name)
            self.report_combo.setItemData(
                self.report_combo.count() - 1,
                f"{spec.group}: {spec.title}",
                Qt.ItemDataRole.ToolTipRole,
            )
        self.report_combo.currentIndexChanged.connect(self._on_report_combo_changed)
        self.cinema_combo = QComboBox(panel)
        self.cinema_combo.setObjectName("cinemaCombo")
        self.cinema_combo.currentIndexChanged.connect(self._on_filter_changed)
        self.from_edit = QDateEdit(panel)
        self.from_edit.setObjectName("fromDate")
        self.to_edit = QDateEdit(panel)
        self.to_edit.setObjectName("toDate")
        for edit in (self.from_edit, self.to_edit):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("ddd d MMM yyyy")
            edit.dateChanged.connect(self._on_filter_changed)
        self.show_combo = QComboBox(panel)
        self.show_combo.setObjectName("showCombo")
        self.show_combo.setMinimumContentsLength(18)
        self.shift_combo = QComboBox(panel)
        self.shift_combo.setObjectName("shiftCombo")
        form.addRow("&Report", self.report_combo)
        form.addRow("&Cinema", self.cinema_combo)
        form.addRow("&From (business day)", self.from_edit)
        form.addRow("&To (business day)", self.to_edit)
        self.show_label = QLabel("&Show", panel)
        self.show_label.setBuddy(self.show_combo)
        form.addRow(self.show_label, self.show_combo)
        self.shift_label = QLabel("S&hift", panel)
        self.shift_label.setBuddy(self.shift_combo)
        form.addRow(self.shift_label, self.shift_combo)
        side.addLayout(form)
        heat_row = QHBoxLayout()
        self.heat_show = QRadioButton("This show", panel)
        self.heat_show.setObjectName("heatThisShow")
        self.heat_screen = QRadioButton("Screen average", panel)
        self.heat_screen.setObjectName("heatScreen")
        self.heat_show.setChecked(True)
        group = QButtonGroup(panel)
        group.addButton(self.heat_show)
        group.addButton(self.heat_screen)
        self.heat_show.toggled.connect(self._on_heat_toggled)
        heat_row.addWidget(self.heat_show)
        heat_row.addWidget(self.heat_screen)
        self.heat_choice = QWidget(panel)
        self.heat_choice.setLayout(heat_row)
        side.addWidget(self.heat_choice)
        self.run_button = styled_button("Show report", "primary", panel)
        self.run_button.setObjectName("runReportButton")
        self.run_button.setDefault(True)
        self.run_button.clicked.connect(self._on_run_button_clicked)
        side.addWidget(self.run_button)
        exports = QVBoxLayout()
        self.csv_button = styled_button("Export CSV…", None, panel)
        self.csv_button.setObjectName("exportCsvButton")
        self.csv_button.clicked.connect(self._on_csv_button_clicked)
        self.pdf_button = styled_button("Export PDF…", None, panel)
        self.pdf_button.setObjectName("exportPdfButton")
        self.pdf_button.clicked.connect(self._on_pdf_button_clicked)
        exports.addWidget(self.csv_button)
        exports.addWidget(self.pdf_button)
        side.addLayout(exports)
        self.message = MessageLabel(panel)
        side.addWidget(self.message)
        side.addStretch(1)
        row.addWidget(panel)

        content = QWidget(central)
        body = QVBoxLayout(content)
        body.setContentsMargins(16, 12, 16, 10)
        body.setSpacing(6)
        self.title_label = styled_label("Choose a report", "title", content)
        self.title_label.setObjectName("reportTitle")
        self.subtitle_label = styled_label("", "subtitle", content)
        self.facts_label = QLabel(content)
        self.facts_label.setObjectName("reportFacts")
        self.facts_label.setTextFormat(Qt.TextFormat.RichText)
        self.facts_label.setWordWrap(True)
        body.addWidget(self.title_label)
        body.addWidget(self.subtitle_label)
        body.addWidget(self.facts_label)
        self.splitter = QSplitter(Qt.Orientation.Vertical, content)
        self.visual = QStackedWidget(self.splitter)
        self.chart = ReportChartWidget(self.visual)
        heat_page = QWidget(self.visual)
        heat_layout = QVBoxLayout(heat_page)
        heat_layout.setContentsMargins(0, 0, 0, 0)
        self.heat_map = HeatMapWidget(heat_page)
        heat_layout.addWidget(self.heat_map, 1)
        heat_layout.addWidget(HeatLegend(heat_page))
        self.visual.addWidget(self.chart)
        self.visual.addWidget(heat_page)
        self.tabs = QTabWidget(self.splitter)
        self.tabs.setObjectName("reportTabs")
        self.tabs.currentChanged.connect(self._on_tabs_changed)
        self.splitter.addWidget(self.visual)
        self.splitter.addWidget(self.tabs)
        self.splitter.setSizes([300, 320])
        body.addWidget(self.splitter, 1)
        self.notes_label = styled_label("", "small", content)
        self.notes_label.setWordWrap(True)
        body.addWidget(self.notes_label)
        row.addWidget(content, 1)
        self.setCentralWidget(central)
        self.visual.hide()
        QShortcut(QKeySequence("Ctrl+W"), self, self.close)
        QShortcut(QKeySequence("F5"), self, self.run)
        screen = self.screen().availableGeometry() if self.screen() is not None else None
        width = 1366 if screen is None else min(1366, screen.width())
        height = 740 if screen is None else min(740, screen.height() - 28)
        self.resize(width, height)

    # ------------------------------------------------------------------ filters

    def report_name(self) -> str:
        return str(self.report_combo.currentData())

    def set_report(self, name: str) -> None:
        index = self.report_combo.findData(name)
        if index >= 0:
            self.report_combo.setCurrentIndex(index)

    def set_period(self, start: date, end: date) -> None:
        self.from_edit.setDate(QDate(start.year, start.month, start.day))
        self.to_edit.setDate(QDate(end.year, end.month, end.day))

    def set_cinema(self, theater_id: int | None) -> None:
        index = self.cinema_combo.findData(theater_id)
        if index >= 0:
            self.cinema_combo.setCurrentIndex(index)

    def current_filter(self) -> ReportFilter:
        start = self.from_edit.date().toPython()
        end = self.to_edit.date().toPython()
        assert isinstance(start, date) and isinstance(end, date)
        theater = self.cinema_combo.currentData()
        show = self.show_combo.currentData()
        shift = self.shift_combo.currentData()
        return ReportFilter(
            date_from=start,
            date_to=end,
            theater_id=None if theater is None else int(theater),
            show_id=None if show is None else int(show),
            shift_id=None if shift is None else int(shift),
        )

    def _needs(self) -> tuple[str, ...]:
        spec = reports.BY_NAME.get(self.report_name())
        return () if spec is None else spec.needs

    def _sync_needs(self) -> None:
        needs = self._needs()
        if self.report_name() == "z-report" and self.from_edit.date() != self.to_edit.date():
            self.from_edit.setDate(self.to_edit.date())  # one business day: the last one
        for widget in (self.show_label, self.show_combo, self.heat_choice):
            widget.setVisible("show" in needs)
        for widget in (self.shift_label, self.shift_combo):
            widget.setVisible("shift" in needs)
        if "show" in needs:
            self._load_shows()
        if "shift" in needs:
            self._load_shifts()

    def _load_cinemas(self) -> None:
        self._runner.submit(
            lambda: reports.cinemas(self._box),
            on_done=self._apply_cinemas,
            on_error=self._on_error,
            label="Loading the cinemas",
        )

    def _apply_cinemas(self, cinemas: object) -> None:
        assert isinstance(cinemas, list)
        self.cinema_combo.blockSignals(True)
        self.cinema_combo.clear()
        self.cinema_combo.addItem("All cinemas", None)
        for c in cinemas:
            self.cinema_combo.addItem(f"{c.name} ({c.city})", c.theater_id)
        self.cinema_combo.blockSignals(False)
        if len(cinemas) == 1:
            self.cinema_combo.setCurrentIndex(1)

    def _load_shows(self) -> None:
        flt = self.current_filter()
        self._runner.submit(
            lambda: report_heat.shows_for_heat(self._box, self._ctx, flt),
            on_done=lambda items: self._fill(self.show_combo, items, "No show in this period"),
            on_error=self._on_error,
            label="Loading the shows",
        )

    def _load_shifts(self) -> None:
        flt = self.current_filter()

        def choices() -> list[tuple[int, str]]:
            return [
                (s.shift_id, f"#{s.shift_id} · {s.counter} · {s.username} · "
                             f"{s.business_date or ''}{'' if s.closed_at else ' (open)'}")
                for s in reports_cash.shift_choices(self._box, self._ctx, flt)
            ]  # fmt: skip

        self._runner.submit(
            choices,
            on_done=lambda items: self._fill(self.shift_combo, items, "No shift in this period"),
            on_error=self._on_error,
            label="Loading the shifts",
        )

    def _fill(self, combo: QComboBox, items: object, empty: str) -> None:
        assert isinstance(items, list)
        keep = combo.currentData()
        combo.clear()
        for key, text in items:
            combo.addItem(text, key)
        if not items:
            combo.addItem(empty, None)
        index = combo.findData(keep)
        if index >= 0:
            combo.setCurrentIndex(index)

    # ------------------------------------------------------------------ running

    def run(self) -> None:
        """Make the chosen report (off the GUI thread) and show it."""
        name, flt = self.report_name(), self.current_filter()
        self.message.clear_message()
        self.run_button.setEnabled(False)
        box, ctx = self._box, self._ctx
        if name == "seat-heat-map":
            self._runner.submit(
                lambda: report_heat.seat_heat(box, ctx, flt),
                on_done=self._on_heat_done, on_error=self._on_error, label="Making the heat map",
            )  # fmt: skip
        else:
            self._runner.submit(
                lambda: reports.run_report(box, ctx, name, flt),
                on_done=self._on_report_done, on_error=self._on_error, label="Making the report",
            )  # fmt: skip

    def is_busy(self) -> bool:
        return self._runner.is_busy()

    def report(self) -> Report | None:
        return self._report

    def _on_heat_done(self, heat: object) -> None:
        assert isinstance(heat, HeatMap)
        self._heat = heat
        self._show_report(heat.report)
        self._paint_heat()
        self.visual.setCurrentIndex(1)
        self.visual.show()
        self.splitter.setSizes([460, 220])  # the map wants the room

    def _paint_heat(self) -> None:
        if self._heat is None:
            return
        values = self._heat.show_heat if self.heat_show.isChecked() else self._heat.screen_heat
        self.heat_map.set_heat(self._heat.seat_map, values)

    def _on_report_done(self, report: object) -> None:
        assert isinstance(report, Report)
        self._heat = None
        self._show_report(report)
        self._sync_chart()
        self.splitter.setSizes([300, 320])

    def _show_report(self, report: Report) -> None:
        self._report = report
        self.run_button.setEnabled(True)
        self.title_label.setText(report.title)
        self.subtitle_label.setText(report.subtitle)
        facts = "".join(
            f"<td style='padding-right:6px;color:#5F6670'>{k}</td>"
            f"<td style='padding-right:18px'><b>{v}</b></td>"
            + ("</tr><tr>" if i % 3 == 2 else "")
            for i, (k, v) in enumerate(report.facts)
        )  # fmt: skip
        self.facts_label.setText(f"<table><tr>{facts}</tr></table>" if facts else "")
        self.facts_label.setVisible(bool(report.facts))
        self.notes_label.setText("  ".join(report.notes))
        self.tabs.blockSignals(True)
        self.tabs.clear()
        self._models = []
        for table in report.tables:
            model = ReportTableModel(self)
            model.set_table(table)
            view = QTableView(self.tabs)
            view.setObjectName(f"table_{table.key}")
            view.setModel(model)
            # no sort column: the report's own order first (a click on a header sorts)
            view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
            view.setSortingEnabled(True)
            view.setAlternatingRowColors(True)
            view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
            view.verticalHeader().hide()
            view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
            view.horizontalHeader().setStretchLastSection(True)
            self._models.append(model)
            self.tabs.addTab(view, table.title if len(table.title) <= 48 else table.key)
        self.tabs.blockSignals(False)
        self.tabs.setCurrentIndex(0)

    def _sync_chart(self) -> None:
        if self._report is None or self._heat is not None:
            return
        index = max(0, self.tabs.currentIndex())
        tables = self._report.tables
        table = tables[index] if index < len(tables) else None
        if table is not None and table.chart is None:
            table = next((t for t in tables if t.chart is not None), None)
        has = self.chart.set_table(table)
        self.visual.setCurrentIndex(0)
        self.visual.setVisible(has)

    def table_model(self, index: int = 0) -> ReportTableModel:
        return self._models[index]

    # ------------------------------------------------------------------ export

    def ask_save_path(self, caption: str, suggested: str, pattern: str) -> Path | None:
        """Where to save (what tests replace)."""
        path, _filter = QFileDialog.getSaveFileName(
            self, caption, str(self._export_folder / suggested), pattern
        )
        return Path(path) if path else None

    def export_csv(self, path: Path) -> Path:
        assert self._report is not None
        path.write_text(to_csv(self._report), encoding="utf-8", newline="")
        return path

    def export_pdf(self, path: Path) -> Path:
        assert self._report is not None
        image = None
        if self.visual.isVisible():
            page = self.chart if self.visual.currentIndex() == 0 else self.visual
            image = page.grab().toImage()
        return print_report(self._report, path, chart=image)

    def _export(self, kind: str) -> None:
        if self._report is None:
            self.message.show_info("make a report first (Show report)")
            return
        name = report_file_name(self._report, self._box.now())
        if kind == "csv":
            name = name.removesuffix(".pdf") + ".csv"
        path = self.ask_save_path(
            f"Export {kind.upper()}", name, "CSV (*.csv)" if kind == "csv" else "PDF (*.pdf)"
        )
        if path is None:
            return
        try:
            done = self.export_csv(path) if kind == "csv" else self.export_pdf(path)
        except OSError as exc:
            self.message.show_error(f"could not write {path}: {exc.strerror or exc}")
            return
        self._export_folder = done.parent
        self.message.show_success(f"saved {done.name}")

    # ------------------------------------------------------------------ slots

    def _on_error(self, exc: BaseException) -> None:
        self.run_button.setEnabled(True)
        if isinstance(exc, DomainError):
            self.message.show_error(exc.message)
        else:
            log.error("report failed", exc_info=exc)
            self.message.show_error("the report could not be made; the log has the details")

    @Slot(int)
    def _on_report_combo_changed(self, _index: int) -> None:
        self._sync_needs()

    @Slot()
    def _on_filter_changed(self) -> None:
        self._sync_needs()

    @Slot(bool)
    def _on_heat_toggled(self, _checked: bool) -> None:
        self._paint_heat()

    @Slot(int)
    def _on_tabs_changed(self, _index: int) -> None:
        self._sync_chart()

    @Slot()
    def _on_run_button_clicked(self) -> None:
        self.run()

    @Slot()
    def _on_csv_button_clicked(self) -> None:
        self._export("csv")

    @Slot()
    def _on_pdf_button_clicked(self) -> None:
        self._export("pdf")

    def closeEvent(self, event: QCloseEvent) -> None:
        self._runner.shutdown(5_000)
        super().closeEvent(event)


def open_reports_window(
    box: BoxOffice, ctx: CounterContext, parent: QWidget | None = None, **kw: object
) -> ReportsWindow:
    """The Reports window (a supervisor or an admin: the services check). For the counter's
    menu: ``open_reports_window(box, ctx, parent=window)``."""
    reports.require_reports(ctx)  # PermissionDenied for a clerk, before any window
    kw.setdefault("run_now", True)
    window = ReportsWindow(box, ctx, parent=parent, **kw)  # type: ignore[arg-type]
    window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
    window.setWindowFlag(Qt.WindowType.Window, True)
    window.show()
    return window


__all__ = ["ReportsWindow", "open_reports_window"]
