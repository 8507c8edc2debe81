"""The race lab window: robot clerks race for one scratch show; watch, measure, explain.

Left, the settings (database, show size, strategy or compare all, clerks, threads or processes,
seats per booking, processing delay, run length) and Start / Stop. Right, a verdict line that is
always in view, and three tabs: the seat map filling in with one colour per clerk beside the live
charts; the per-clerk timeline; the results (the engine's own figures in one table, the
explanation, exports). The window only lays out and binds; ``controller.py`` holds the flow.
"""

from __future__ import annotations

import colorsys
import csv
import html
import shutil
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QCloseEvent, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMainWindow,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from bms_desktop.domain.model import SeatStatus
from bms_desktop.gui.race_lab.charts import ChartsPanel
from bms_desktop.gui.race_lab.controller import Frame, LabSettings, RaceLabController
from bms_desktop.gui.race_lab.events import Run
from bms_desktop.gui.race_lab.timeline import KIND_COLOURS, KIND_WORDS, TimelineWidget
from bms_desktop.gui.widgets.seat_map import SeatMapWidget

# The results table: (field of race --json, heading). The same fields `race --compare` prints.
FIGURES: tuple[tuple[str, str], ...] = (
    ("strategy", "Strategy"),
    ("throughput_per_s", "Sales/s"),
    ("latency_ms_p50", "p50 ms"),
    ("latency_ms_p99", "p99 ms"),
    ("conflicts", "Conflicts"),
    ("retries", "Retries"),
    ("lock_wait_ms_p50", "Wait p50"),
    ("lock_wait_ms_p99", "Wait p99"),
    ("safety_net_catches", "Safety net"),
    ("database_locked_errors", "DB locked"),
    ("double_sales", "Double"),
    ("sold_seats", "Sold"),
    ("integrity_ok", "SQL check"),
)
FIGURE_TIPS: dict[str, str] = {
    "throughput_per_s": "bookings (held and paid) per second of race",
    "latency_ms_p50": "a sale as the clerk waited for it (hold + pay), median",
    "latency_ms_p99": "a sale as the clerk waited for it (hold + pay), 99th percentile",
    "lock_wait_ms_p50": "time waiting for the lock, median (ms)",
    "lock_wait_ms_p99": "time waiting for the lock, 99th percentile (ms)",
    "safety_net_catches": "attempts only the database constraint stopped",
    "database_locked_errors": '"database is locked" errors (the naive way on SQLite)',
    "double_sales": "seats sold twice, counted by SQL after the race",
    "integrity_ok": "the independent SQL check (persistence/integrity.py)",
}
STRATEGY_CHOICES = (
    ("Compare all four", "compare"),
    ("Pessimistic lock", "pessimistic"),
    ("Optimistic (versions)", "optimistic"),
    ("Thread lock", "thread"),
    ("Naive: read, then write", "naive"),
)


CHARTS_EVERY_S = 0.2


def clerk_colours(n: int = 32) -> dict[str, QColor]:
    """One colour per robot clerk: hues spread by the golden angle, two lightness levels."""
    out: dict[str, QColor] = {}
    for i in range(n):
        h = (i * 0.618033988749895) % 1.0
        light = 0.42 if i % 2 == 0 else 0.58
        r, g, b = colorsys.hls_to_rgb(h, light, 0.75)
        out[f"Robot {i + 1}"] = QColor.fromRgbF(r, g, b)
    return out


def figure_text(key: str, value: Any) -> str:
    if key == "integrity_ok":
        return "pass" if value else "FAIL"
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


class RaceLabWindow(QMainWindow):
    def __init__(self, db_url: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Race lab: robot clerks race for one show")
        self.setObjectName("raceLabWindow")
        self.db_url = db_url
        self._throwaway_dir: str | None = None
        self.controller = RaceLabController(self)
        self.controller.started.connect(self._on_controller_started)
        self.controller.frame.connect(self._on_controller_frame)
        self.controller.finished.connect(self._on_controller_finished)
        self._colours = clerk_colours()
        self._shown_run = -1
        self._seen_attempts = 0
        self._charts_due = 0.0
        self._build()
        self.resize(1320, 720)

    # ------------------------------------------------------------------ layout

    def _build(self) -> None:
        self.database_box = QComboBox()
        self.database_box.addItem(f"This database: {_short(self.db_url)}", "current")
        self.database_box.addItem("Throwaway copy of this database", "copy")
        self.database_box.addItem("Throwaway SQLite file (empty)", "throwaway")
        self.database_box.setToolTip(
            "The race always sells a new scratch show; real shows are never touched. A throwaway "
            "copy is made for each run and deleted after it; a throwaway file lives until the "
            "lab closes."
        )
        self.seats_spin = _spin(50, 10_000, 600, step=50)
        self.strategy_box = QComboBox()
        for text, value in STRATEGY_CHOICES:
            self.strategy_box.addItem(text, value)
        self.clerks_spin = _spin(1, 32, 8)
        self.mode_box = QComboBox()
        self.mode_box.addItem("Processes", "processes")
        self.mode_box.addItem("Threads (one process)", "threads")
        self.per_booking_spin = _spin(1, 10, 2)
        self.delay_spin = _spin(0, 2000, 0, step=10)
        self.delay_spin.setSuffix(" ms")
        self.length_box = QComboBox()
        self.length_box.addItem("Until sold out", 0)
        for s in (5, 10, 30, 60):
            self.length_box.addItem(f"{s} seconds", s)
        self.start_button = QPushButton("Start race")
        self.start_button.setProperty("role", "primary")
        self.start_button.clicked.connect(self._on_start_button_clicked)
        self.stop_button = QPushButton("Stop")
        self.stop_button.setEnabled(False)
        self.stop_button.clicked.connect(self._on_stop_button_clicked)
        self.hint_label = QLabel()
        self.hint_label.setWordWrap(True)
        self.hint_label.setObjectName("raceLabHint")
        for w in (self.strategy_box, self.mode_box):
            w.currentIndexChanged.connect(self._on_choice_changed)

        form = QFormLayout()
        form.addRow("Database", self.database_box)
        form.addRow("Show seats", self.seats_spin)
        form.addRow("Strategy", self.strategy_box)
        form.addRow("Robot clerks", self.clerks_spin)
        form.addRow("Run as", self.mode_box)
        form.addRow("Per booking", self.per_booking_spin)
        form.addRow("Delay in txn", self.delay_spin)
        form.addRow("Run length", self.length_box)
        self.delay_spin.setToolTip("A processing delay inside each selling transaction")
        self.per_booking_spin.setToolTip("Seats each robot asks for at once")
        buttons = QHBoxLayout()
        buttons.addWidget(self.start_button)
        buttons.addWidget(self.stop_button)
        settings = QGroupBox("Race")
        col = QVBoxLayout(settings)
        col.addLayout(form)
        col.addLayout(buttons)
        col.addWidget(self.hint_label)
        col.addWidget(_legend())
        col.addStretch(1)
        settings.setMinimumWidth(300)
        settings.setMaximumWidth(330)

        self.verdict_label = QLabel("Choose a race and press Start.")
        self.verdict_label.setObjectName("raceVerdict")
        self.verdict_label.setWordWrap(True)
        self.status_label = QLabel("")
        self.status_label.setObjectName("raceStatus")
        self.status_label.setContentsMargins(8, 2, 8, 2)
        # its text changes every frame: never let that re-lay out the window
        self.status_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)

        self.seat_map = SeatMapWidget()
        self.seat_map.set_owner_colours(self._colours)
        self.charts = ChartsPanel()
        live = QSplitter(Qt.Orientation.Horizontal)
        live.addWidget(self.seat_map)
        live.addWidget(self.charts)
        live.setStretchFactor(0, 3)
        live.setStretchFactor(1, 2)
        self.charts.setMinimumWidth(340)
        live.setSizes([560, 420])
        self._live_split = live

        self.timeline = TimelineWidget()
        self.timeline_run_box = QComboBox()
        self.timeline_run_box.currentIndexChanged.connect(self._on_timeline_run_box_changed)
        timeline_page = QWidget()
        tl = QVBoxLayout(timeline_page)
        row = QHBoxLayout()
        row.addWidget(QLabel("Run"))
        row.addWidget(self.timeline_run_box)
        row.addStretch(1)
        self.export_timeline_button = QPushButton("Save timeline as PNG…")
        self.export_timeline_button.clicked.connect(self._on_export_timeline_button_clicked)
        row.addWidget(self.export_timeline_button)
        tl.addLayout(row)
        tl.addWidget(self.timeline, 1)

        self.results_table = QTableWidget(0, len(FIGURES))
        self.results_table.setHorizontalHeaderLabels([h for _k, h in FIGURES])
        self.results_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.results_table.verticalHeader().setVisible(False)
        header = self.results_table.horizontalHeader()
        # every heading whole (at 1366x768 they fit side by side); the last column takes the rest
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        for index, (key, _h) in enumerate(FIGURES):
            tip = FIGURE_TIPS.get(key)
            head = self.results_table.horizontalHeaderItem(index)
            if tip and head is not None:
                head.setToolTip(tip)
        self.results_table.setFixedHeight(
            header.sizeHint().height()
            + 4 * self.results_table.verticalHeader().defaultSectionSize()
            + 6
        )
        self.results_table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.explanation_label = QTextBrowser()
        self.explanation_label.setObjectName("raceExplanation")
        self.explanation_label.setOpenLinks(False)
        self.export_csv_button = QPushButton("Save table as CSV…")
        self.export_csv_button.clicked.connect(self._on_export_csv_button_clicked)
        self.export_charts_button = QPushButton("Save charts as PNG…")
        self.export_charts_button.clicked.connect(self._on_export_charts_button_clicked)
        results_page = QWidget()
        rl = QVBoxLayout(results_page)
        rl.addWidget(self.results_table)
        rl.addWidget(self.explanation_label, 1)
        er = QHBoxLayout()
        er.addStretch(1)
        er.addWidget(self.export_csv_button)
        er.addWidget(self.export_charts_button)
        rl.addLayout(er)

        self.tabs = QTabWidget()
        self.tabs.addTab(live, "Seats and charts")
        self.tabs.addTab(timeline_page, "Timeline")
        self.tabs.addTab(results_page, "Results")

        main = QWidget()
        ml = QVBoxLayout(main)
        ml.setContentsMargins(0, 0, 0, 0)
        ml.addWidget(self.verdict_label)
        ml.addWidget(self.status_label)
        ml.addWidget(self.tabs, 1)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(settings)
        split.addWidget(main)
        split.setStretchFactor(0, 0)
        split.setStretchFactor(1, 1)
        split.setSizes([310, 1000])
        self.setCentralWidget(split)
        self._on_choice_changed()
        self._set_verdict(None, "Choose a race and press Start.")

    # ------------------------------------------------------------------ settings

    def settings(self) -> LabSettings:
        url = self.db_url
        if self.database_box.currentData() == "throwaway":
            if self._throwaway_dir is None:
                self._throwaway_dir = tempfile.mkdtemp(prefix="bms-race-lab-")
            url = f"sqlite:///{Path(self._throwaway_dir) / 'race-lab.db'}"
        length = int(self.length_box.currentData())
        return LabSettings(
            db_url=url,
            throwaway_copy=self.database_box.currentData() == "copy",
            strategy=str(self.strategy_box.currentData()),
            clerks=self.clerks_spin.value(),
            mode=str(self.mode_box.currentData()),
            seats=self.seats_spin.value(),
            seats_per_booking=self.per_booking_spin.value(),
            delay_ms=self.delay_spin.value(),
            duration_s=float(length) if length else 300.0,
        )

    def choose(
        self,
        *,
        strategy: str | None = None,
        clerks: int | None = None,
        mode: str | None = None,
        seats: int | None = None,
        seats_per_booking: int | None = None,
        delay_ms: int | None = None,
        throwaway: bool | None = None,
    ) -> None:
        """Set the choices as a person would (tests and the screenshot script use it)."""
        if strategy is not None:
            self.strategy_box.setCurrentIndex(self.strategy_box.findData(strategy))
        if mode is not None:
            self.mode_box.setCurrentIndex(self.mode_box.findData(mode))
        if clerks is not None:
            self.clerks_spin.setValue(clerks)
        if seats is not None:
            self.seats_spin.setValue(seats)
        if seats_per_booking is not None:
            self.per_booking_spin.setValue(seats_per_booking)
        if delay_ms is not None:
            self.delay_spin.setValue(delay_ms)
        if throwaway is not None:
            self.database_box.setCurrentIndex(
                self.database_box.findData("throwaway" if throwaway else "current")
            )

    @Slot()
    def _on_choice_changed(self) -> None:
        strategy, mode = self.strategy_box.currentData(), self.mode_box.currentData()
        hints = {
            "thread": (
                "Processes do not share a thread lock: races slip past it and only the database "
                "constraint stops them (red bars)."
                if mode == "processes"
                else "All clerks are threads of one process and share its seat locks: no race "
                "reaches the database constraint."
            ),
            "naive": "Reads the seats, then writes them, in a deferred transaction (no lock), as "
            'the reference project does. On SQLite expect "database is locked" (purple bars); '
            "the constraint still stops every double sale.",
            "pessimistic": "Takes the lock before reading: clerks wait their turn (pale part of "
            "each bar), nobody writes over anyone.",
            "optimistic": "Reads without a lock and claims with the version it saw: a moved "
            "version means a conflict, retried up to 3 times (yellow bars).",
            "compare": "Runs the four strategies one after another on identical scratch shows and "
            "compares them in one table (Results). Try it with processes, then with threads.",
        }
        self.hint_label.setText(hints.get(str(strategy), ""))

    # ------------------------------------------------------------------ start / stop

    @Slot()
    def _on_start_button_clicked(self) -> None:
        self.start()

    def start(self) -> None:
        if self.controller.running:
            return
        self._shown_run = -1
        self._seen_attempts = 0
        self.charts.clear()
        self.results_table.setRowCount(0)
        self.explanation_label.setText("")
        self.timeline_run_box.blockSignals(True)
        self.timeline_run_box.clear()
        self.timeline_run_box.blockSignals(False)
        self.timeline.set_run([], 0)
        self.controller.start(self.settings())

    @Slot()
    def _on_stop_button_clicked(self) -> None:
        self.stop()

    def stop(self) -> None:
        self.controller.stop()
        self.stop_button.setEnabled(False)
        self.status_label.setText("Stopping: every clerk finishes its attempt, then the check…")

    @Slot()
    def _on_controller_started(self) -> None:
        self.start_button.setEnabled(False)
        self.stop_button.setEnabled(True)
        s = self.controller.settings
        assert s is not None
        self._set_verdict(None, f"Starting {s.clerks} robot clerks ({s.mode})…")

    # ------------------------------------------------------------------ frames

    @Slot(object)
    def _on_controller_frame(self, frame: Frame) -> None:
        state = self.controller.state
        run = state.current
        if run is None:
            return
        if run.index != self._shown_run and run.seat_map is not None and run.clerks:
            shown = state.runs[self._shown_run] if 0 <= self._shown_run < len(state.runs) else None
            if shown is not None:
                self._paint_sales(shown)  # the last of the previous run, then the new show
            self._show_run(run)
            s = self.controller.settings
            of = f" (run {run.index + 1} of {len(STRATEGY_CHOICES) - 1})" if s and s.compare else ""
            self._set_verdict(None, f"Racing: {run.strategy or (s.strategy if s else '')}{of}…")
        shown = state.runs[self._shown_run] if 0 <= self._shown_run < len(state.runs) else None
        if frame.attempts and shown is not None:
            self._paint_sales(shown)
            self.timeline.refresh()
        now = time.monotonic()
        if frame.results or now >= self._charts_due:  # charts at 5 Hz: 0.5 s buckets
            self.charts.refresh(state.runs, run)
            self._charts_due = now + CHARTS_EVERY_S
        if frame.results:
            self._fill_results()
        self._update_status(run)

    def _show_run(self, run: Run) -> None:
        assert run.seat_map is not None
        self._shown_run = run.index
        self._seen_attempts = 0
        self.seat_map.set_seat_map(run.seat_map, my_counter="")
        label = f"{run.index + 1}: {run.strategy or self.controller.settings.strategy}"  # type: ignore[union-attr]
        self.timeline_run_box.addItem(label, run.index)
        self.timeline_run_box.setCurrentIndex(self.timeline_run_box.count() - 1)

    def _paint_sales(self, run: Run) -> None:
        changed = []
        for a in run.attempts[self._seen_attempts :]:
            if a.outcome != "SOLD":
                continue
            for sid in a.seat_ids:
                seat = self.seat_map.seat(sid)
                if seat is not None:
                    changed.append(
                        replace(seat, status=SeatStatus.SOLD, held_by_counter=f"Robot {a.clerk}")
                    )
        self._seen_attempts = len(run.attempts)
        if changed:  # hundreds of sales a second: no flash, only the new colour
            self.seat_map.update_seats(changed, flash=False)

    def _update_status(self, run: Run) -> None:
        if 0 <= self._shown_run < len(self.controller.state.runs):
            run = self.controller.state.runs[self._shown_run]
        counts = run.live_counts()
        s = self.controller.settings
        runs = f"run {run.index + 1} of 4, " if s is not None and s.compare else ""
        sold, total = run.sold_progress
        self.status_label.setText(
            f"{runs}{run.strategy or (s.strategy if s else '')}: {sold} of {total} seats sold · "
            f"{counts['attempts']} attempts · {counts['conflicts']} conflicts · "
            f"{counts['retries']} retries · {counts['safety_net_catches']} caught by the "
            f'constraint · {counts["database_locked_errors"]} "database is locked"'
        )

    @Slot(int)
    def _on_timeline_run_box_changed(self, index: int) -> None:
        run_index = self.timeline_run_box.itemData(index)
        runs = self.controller.state.runs
        if run_index is None or run_index >= len(runs):
            return
        run = runs[run_index]
        self.timeline.set_run(run.attempts, run.clerks or self.clerks_spin.value())

    # ------------------------------------------------------------------ the end

    @Slot(bool, str)
    def _on_controller_finished(self, ok: bool, message: str) -> None:
        self.charts.refresh(self.controller.state.runs, self.controller.state.current)
        self.start_button.setEnabled(True)
        self.stop_button.setEnabled(False)
        self._fill_results()
        results = self.controller.state.results()
        if not ok or not results:
            self._set_verdict(False, message or "The race did not finish.")
            return
        passed = all(r["integrity_ok"] and r["double_sales"] == 0 for r in results)
        text = (
            "PASS: the independent SQL check found every seat sold at most once, tickets and "
            "seats in agreement, no orphaned hold."
            if passed
            else "FAIL: " + "; ".join(p for r in results for p in r["integrity"]["problems"])
        )
        for r in results:
            if r["safety_net_catches"]:
                text += (
                    f" {r['strategy'].title()}: {r['safety_net_catches']} attempt(s) were "
                    "stopped only by the database constraint."
                )
            if r["database_locked_errors"]:
                text += (
                    f' {r["strategy"].title()}: {r["database_locked_errors"]} "database is '
                    'locked" error(s).'
                )
        if any(r.get("stopped") for r in results):
            text += " (Stopped before the end.)"
        self._set_verdict(passed, text)
        if len(results) > 1:
            self.tabs.setCurrentIndex(2)

    def _fill_results(self) -> None:
        results = self.controller.state.results()
        self.results_table.setRowCount(len(results))
        for row, r in enumerate(results):
            for col, (key, _h) in enumerate(FIGURES):
                item = QTableWidgetItem(figure_text(key, r.get(key)))
                item.setData(Qt.ItemDataRole.UserRole, r.get(key))
                if key == "safety_net_catches" and r.get(key):
                    item.setForeground(KIND_COLOURS["constraint"])
                if key == "database_locked_errors" and r.get(key):
                    item.setForeground(KIND_COLOURS["locked"])
                if key in ("double_sales", "integrity_ok"):
                    bad = r.get(key) if key == "double_sales" else not r.get(key)
                    item.setForeground(QColor("#c62828" if bad else "#2e7d32"))
                self.results_table.setItem(row, col, item)
        final = self.controller.state.final or {}
        parts: list[str] = []
        if final.get("compare"):
            parts.append(_paragraph(final.get("explanation") or []))
        for r in results:
            if len(results) > 1:
                parts.append(f"<h4>{html.escape(str(r['strategy']).title())}</h4>")
            parts.append(_paragraph(r.get("explanation") or []))
        self.explanation_label.setHtml("".join(parts))

    def explanation_text(self) -> str:
        return self.explanation_label.toPlainText()

    def _set_verdict(self, passed: bool | None, text: str) -> None:
        colour = {None: "#37474f", True: "#1b5e20", False: "#b71c1c"}[passed]
        back = {None: "#eceff1", True: "#e8f5e9", False: "#ffebee"}[passed]
        self.verdict_label.setStyleSheet(
            f"QLabel#raceVerdict {{ color: {colour}; background: {back}; padding: 6px; "
            "font-weight: bold; }"
        )
        self.verdict_label.setText(text)
        self.verdict_label.setProperty("passed", passed)

    # ------------------------------------------------------------------ exports

    def table_cells(self) -> list[list[str]]:
        t = self.results_table
        return [
            [(t.item(r, c) or QTableWidgetItem()).text() for c in range(t.columnCount())]
            for r in range(t.rowCount())
        ]

    def export_csv(self, path: Path) -> None:
        with Path(path).open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow([k for k, _h in FIGURES])
            for r in self.controller.state.results():
                w.writerow([r.get(k) for k, _h in FIGURES])

    def export_charts_png(self, path: Path) -> bool:
        return self.charts.grab().save(str(path), "PNG")

    def export_timeline_png(self, path: Path) -> bool:
        return self.timeline.grab().save(str(path), "PNG")

    def _ask_path(self, title: str, name: str, pattern: str) -> Path | None:
        chosen, _ = QFileDialog.getSaveFileName(self, title, str(Path.home() / name), pattern)
        return Path(chosen) if chosen else None

    @Slot()
    def _on_export_csv_button_clicked(self) -> None:
        path = self._ask_path("Save the table", "race-lab.csv", "CSV files (*.csv)")
        if path is not None:
            self.export_csv(path)

    @Slot()
    def _on_export_charts_button_clicked(self) -> None:
        path = self._ask_path("Save the charts", "race-lab-charts.png", "PNG images (*.png)")
        if path is not None:
            self.export_charts_png(path)

    @Slot()
    def _on_export_timeline_button_clicked(self) -> None:
        path = self._ask_path("Save the timeline", "race-lab-timeline.png", "PNG images (*.png)")
        if path is not None:
            self.export_timeline_png(path)

    # ------------------------------------------------------------------ closing

    def closeEvent(self, event: QCloseEvent) -> None:
        self.controller.shutdown()
        if self._throwaway_dir is not None:
            shutil.rmtree(self._throwaway_dir, ignore_errors=True)
            self._throwaway_dir = None
        super().closeEvent(event)


def _paragraph(lines: list[str]) -> str:
    return "<p>" + "<br>".join(html.escape(line) for line in lines) + "</p>"


def _spin(lo: int, hi: int, value: int, *, step: int = 1) -> QSpinBox:
    s = QSpinBox()
    s.setRange(lo, hi)
    s.setValue(value)
    s.setSingleStep(step)
    return s


def _short(url: str) -> str:
    if url.startswith("sqlite:///"):
        return Path(url[len("sqlite:///") :]).name
    return url.rsplit("@", maxsplit=1)[-1]


def _legend() -> QLabel:
    parts = [
        f'<span style="color:{KIND_COLOURS[k].name()}">■</span> {KIND_WORDS[k]}'
        for k in ("committed", "conflict", "retried", "constraint", "locked", "unreachable")
    ]
    label = QLabel(
        "Timeline: <span style='color:#90a4ae'>■</span> waiting for the lock<br>"
        + "<br>".join(parts)
    )
    label.setTextFormat(Qt.TextFormat.RichText)
    return label
