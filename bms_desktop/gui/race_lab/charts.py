"""The lab's live charts, drawn with Qt Charts (PySide6-Addons).

Why Qt Charts and not pyqtgraph: measured here, pyqtgraph brings numpy, and numpy brings OpenBLAS:
+35 MB in the PyInstaller bundle (numpy/_core 11 MB + numpy.libs 23 MB), which takes the
one-folder app from about 139 MB to about 175 MB, over the 150 MB budget that
tests/packaging/test_frozen_bundle.py asserts. Qt Charts adds about 4 MB (libQt6Charts, the
module, libQt6OpenGL(Widgets) already in Essentials). Qt marks the module deprecated since Qt 6.10
in favour of Qt Graphs, whose widget integration needs Qt Quick (tens of MB more); it still ships
with every Qt 6 release, and the lab uses only line and bar series, all in this one file, so a
later port touches nothing else.

Three charts, refreshed at most once per frame from ``events.Run`` counters:
sales per second (one line per run: compare mode overlays the strategies), conflicts / retries /
safety-net catches per second (the current run), and the lock-wait distribution (one bar set per
run).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QLineSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, QPointF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPixmap
from PySide6.QtWidgets import QVBoxLayout, QWidget

from bms_desktop.gui.race_lab.events import BUCKET_S, WAIT_BINS, Run, wait_bin_labels

STRATEGY_COLOURS: dict[str, QColor] = {
    "pessimistic": QColor("#1565c0"),
    "optimistic": QColor("#2e7d32"),
    "thread": QColor("#c62828"),
    "naive": QColor("#6a1b9a"),
}


def strategy_colour(name: str) -> QColor:
    return STRATEGY_COLOURS.get(name, QColor("#455a64"))


def _chart(title: str) -> tuple[QChart, QChartView]:
    chart = QChart()
    chart.setTitle(title)
    font = QFont(chart.titleFont())
    font.setPointSizeF(9.5)
    font.setBold(True)
    chart.setTitleFont(font)
    chart.setMargins(QMargins(2, 2, 2, 2))
    chart.setBackgroundRoundness(0)
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    small = QFont(chart.legend().font())
    small.setPointSizeF(8)
    chart.legend().setFont(small)
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    view = QChartView(chart)
    view.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    view.setMinimumHeight(120)
    return chart, view


def _axes(chart: QChart, x_title: str, y_title: str) -> tuple[QValueAxis, QValueAxis]:
    ax, ay = QValueAxis(), QValueAxis()
    ax.setTitleText(x_title)
    ay.setTitleText(y_title)
    for a in (ax, ay):
        f = QFont(a.labelsFont())
        f.setPointSizeF(7.5)
        a.setLabelsFont(f)
        a.setTitleFont(f)
    ax.setLabelFormat("%g")
    ay.setLabelFormat("%g")
    chart.addAxis(ax, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(ay, Qt.AlignmentFlag.AlignLeft)
    return ax, ay


def _grow(axis: QValueAxis, top: float) -> None:
    """Raise the axis's top in steps (half again), never shrink it during a run: a new range
    re-lays out the labels, which is most of a chart's cost per refresh."""
    if top > axis.max() or axis.max() <= 0:
        axis.setRange(0, max(top * 1.5, 1.0))
        axis.applyNiceNumbers()


def _per_second(counts: dict[int, int], until: int) -> list[QPointF]:
    return [QPointF(b * BUCKET_S, counts.get(b, 0) / BUCKET_S) for b in range(until + 1)]


class ChartsPanel(QWidget):
    """The three charts, stacked."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.sales_chart, self.sales_view = _chart("Sales per second")
        self.sales_x, self.sales_y = _axes(self.sales_chart, "seconds", "bookings/s")
        # QtCharts draws no axis that has no series: before the first run the chart was an
        # empty white box beside two charts with axes. An empty series, kept out of the legend.
        blank = QLineSeries()
        self.sales_chart.addSeries(blank)
        blank.attachAxis(self.sales_x)
        blank.attachAxis(self.sales_y)
        for marker in self.sales_chart.legend().markers(blank):
            marker.setVisible(False)
        self.trouble_chart, self.trouble_view = _chart("Conflicts, retries, safety net per second")
        self.trouble_x, self.trouble_y = _axes(self.trouble_chart, "seconds", "per second")
        self.wait_chart, self.wait_view = _chart("Lock wait (attempts per bin, ms)")
        self.wait_axis = QBarCategoryAxis()
        self.wait_axis.append(wait_bin_labels())
        f = QFont(self.wait_axis.labelsFont())
        f.setPointSizeF(7)
        self.wait_axis.setLabelsFont(f)
        self.wait_y = QValueAxis()
        self.wait_y.setLabelFormat("%.0f")
        self.wait_y.setLabelsFont(f)
        self.wait_chart.addAxis(self.wait_axis, Qt.AlignmentFlag.AlignBottom)
        self.wait_chart.addAxis(self.wait_y, Qt.AlignmentFlag.AlignLeft)
        self._sales: dict[int, QLineSeries] = {}
        self._trouble: list[QLineSeries] = []
        for name, colour in (
            ("conflicts", "#ef6c00"),
            ("retries", "#f9a825"),
            ("safety net", "#c62828"),
        ):
            s = QLineSeries()
            s.setName(name)
            s.setColor(QColor(colour))
            self.trouble_chart.addSeries(s)
            s.attachAxis(self.trouble_x)
            s.attachAxis(self.trouble_y)
            self._trouble.append(s)
        self._waits: QBarSeries | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        for v in (self.sales_view, self.trouble_view, self.wait_view):
            layout.addWidget(v, 1)

    def clear(self) -> None:
        for axis in (self.sales_x, self.sales_y, self.trouble_x, self.trouble_y, self.wait_y):
            axis.setRange(0, 1)
        for s in self._sales.values():
            self.sales_chart.removeSeries(s)
        self._sales.clear()
        for s in self._trouble:
            s.clear()
        if self._waits is not None:
            self.wait_chart.removeSeries(self._waits)
            self._waits = None

    def refresh(self, runs: Sequence[Run], current: Run | None) -> None:
        """Redraw from the runs' counters (cheap: a few hundred points)."""
        top_x, top_y = 1.0, 1.0
        for run in runs:
            series = self._sales.get(run.index)
            if series is None:
                series = QLineSeries()
                series.setName(run.strategy or "race")
                pen = series.pen()
                pen.setWidthF(2.0)
                pen.setColor(strategy_colour(run.strategy))
                series.setPen(pen)
                self.sales_chart.addSeries(series)
                series.attachAxis(self.sales_x)
                series.attachAxis(self.sales_y)
                self._sales[run.index] = series
            until = max(run.sales, default=0)
            points = _per_second(dict(run.sales), until)
            series.replace(points)
            top_x = max(top_x, (until + 1) * BUCKET_S)
            top_y = max(top_y, max((p.y() for p in points), default=0.0))
        _grow(self.sales_x, top_x)
        _grow(self.sales_y, top_y)
        if current is not None:
            counters = (current.conflicts, current.retries, current.catches)
            until = max((max(c, default=0) for c in counters), default=0)
            peak = 1.0
            for s, c in zip(self._trouble, counters, strict=True):
                pts = _per_second(dict(c), until)
                s.replace(pts)
                peak = max(peak, max((p.y() for p in pts), default=0.0))
            _grow(self.trouble_x, (until + 1) * BUCKET_S)
            _grow(self.trouble_y, max(4.0, peak))
        self._refresh_waits(runs)

    def _refresh_waits(self, runs: Sequence[Run]) -> None:
        if self._waits is None:
            self._waits = QBarSeries()
            self.wait_chart.addSeries(self._waits)
            self._waits.attachAxis(self.wait_axis)
            self._waits.attachAxis(self.wait_y)
        sets = {bs.label(): bs for bs in self._waits.barSets()}
        peak = 1.0
        for run in runs:
            label = run.strategy or "race"
            bs = sets.get(label)
            if bs is None:
                bs = QBarSet(label)
                bs.setColor(strategy_colour(run.strategy))
                bs.append([0.0] * (len(WAIT_BINS) + 1))
                self._waits.append(bs)
            for i in range(len(WAIT_BINS) + 1):
                value = float(run.waits.get(i, 0))
                if bs.at(i) != value:
                    bs.replace(i, value)
                peak = max(peak, value)
        _grow(self.wait_y, max(4.0, peak))

    def picture(self) -> QPixmap:
        return self.grab()
