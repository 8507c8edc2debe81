"""A report's chart: bars of one column per row, labelled by another; horizontal for long labels
(movies, shows), vertical for days and payment modes. Qt Charts, like the race lab
(``gui/race_lab/charts.py`` says why not pyqtgraph: numpy would take the bundle over budget)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from PySide6.QtCharts import (
    QAbstractAxis,
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter
from PySide6.QtWidgets import QVBoxLayout, QWidget

from bms_desktop.domain import cinema_time
from bms_desktop.services.report_model import Cell, ReportTable, shown

BAR = QColor("#1F5FAD")
MAX_BARS = 40  # more rows than this: the largest 40

TEXT = QColor("#3A4048")


def _label(value: Cell) -> str:
    if isinstance(value, datetime):
        tz = getattr(value.tzinfo, "key", None)  # already in the cinema's zone
        return cinema_time.day_clock(value, tz)
    if isinstance(value, date):
        return f"{value.day} {value:%b}"
    return shown(value)


def chart_points(table: ReportTable) -> list[tuple[str, float]]:
    """(label, value) of the chart's bars, in row order (at most MAX_BARS, the largest)."""
    spec = table.chart
    if spec is None:
        return []
    li, vi = table.column(spec.label), table.column(spec.values[0])
    points = []
    for row in table.rows:
        value = row[vi]
        number = float(value) if isinstance(value, int | Decimal) else 0.0
        label = _label(row[li])
        if spec.label == "movie" and "starts" in [c.key for c in table.columns]:
            label = f"{_label(row[table.column('starts')])} {label}"
        points.append((label, number))
    if len(points) > MAX_BARS:
        keep = sorted(range(len(points)), key=lambda i: -points[i][1])[:MAX_BARS]
        points = [points[i] for i in sorted(keep)]
    return points


class ReportChartWidget(QWidget):
    """The chart of the table shown; empty (hidden by the window) without one."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reportChart")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.chart = QChart()
        self.chart.setMargins(QMargins(4, 4, 4, 4))
        self.chart.setBackgroundRoundness(0)
        self.chart.legend().hide()
        title = QFont(self.chart.titleFont())
        title.setPointSizeF(10)
        title.setBold(True)
        self.chart.setTitleFont(title)
        self.chart.setTitleBrush(TEXT)
        self.view = QChartView(self.chart, self)
        self.view.setRenderHint(QPainter.RenderHint.Antialiasing)
        layout.addWidget(self.view)
        self.points: list[tuple[str, float]] = []

    def _clear(self) -> None:
        self.chart.removeAllSeries()
        for axis in list(self.chart.axes()):
            self.chart.removeAxis(axis)

    def set_table(self, table: ReportTable | None) -> bool:
        """Draw the table's chart; False when it has none."""
        self._clear()
        self.points = [] if table is None else chart_points(table)
        if table is None or table.chart is None or not self.points:
            return False
        spec = table.chart
        bars = QBarSet(spec.values[0])
        bars.setColor(BAR)
        bars.setBorderColor(BAR)
        labels = [label for label, _v in self.points]
        values = [v for _l, v in self.points]
        if spec.horizontal:  # first row on top
            labels, values = labels[::-1], values[::-1]
        bars.append(values)
        series: QBarSeries | QHorizontalBarSeries = (
            QHorizontalBarSeries() if spec.horizontal else QBarSeries()
        )
        series.setBarWidth(0.7)
        series.append(bars)
        self.chart.setTitle(spec.title)
        self.chart.addSeries(series)
        categories = QBarCategoryAxis()
        categories.append(labels)
        amounts = QValueAxis()
        amounts.setMin(0)
        amounts.setMax(max(*values, 1.0) * 1.05)
        amounts.setLabelFormat("%.0f")
        amounts.applyNiceNumbers()
        small = QFont(categories.labelsFont())
        small.setPointSizeF(8)
        axes: tuple[QAbstractAxis, QAbstractAxis] = (categories, amounts)
        for axis in axes:
            axis.setLabelsFont(small)
            axis.setLabelsColor(TEXT)
        if spec.horizontal:
            self.chart.addAxis(categories, Qt.AlignmentFlag.AlignLeft)
            self.chart.addAxis(amounts, Qt.AlignmentFlag.AlignBottom)
        else:
            categories.setLabelsAngle(-45 if len(labels) > 12 else 0)
            self.chart.addAxis(categories, Qt.AlignmentFlag.AlignBottom)
            self.chart.addAxis(amounts, Qt.AlignmentFlag.AlignLeft)
        amounts.setGridLineVisible(True)
        categories.setGridLineVisible(False)
        series.attachAxis(categories)
        series.attachAxis(amounts)
        return True

    def to_image(self) -> QImage:
        return self.grab().toImage()


__all__ = ["ReportChartWidget", "chart_points"]
