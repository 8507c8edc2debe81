"""A report's chart (pyqtgraph): bars of one column per row, labelled by another; horizontal
for long labels (movies, shows), vertical for days and payment modes."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pyqtgraph as pg
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QVBoxLayout, QWidget

from bms_desktop.domain import cinema_time
from bms_desktop.services.report_model import Cell, ReportTable, shown

BAR = QColor("#1F5FAD")
MAX_BARS = 40  # more rows than this: the largest 40

pg.setConfigOptions(antialias=True, background="w", foreground="#3A4048")


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
        self.plot = pg.PlotWidget(self)
        self.plot.setMenuEnabled(False)
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.hideButtons()
        self.plot.showGrid(x=False, y=True, alpha=0.25)
        layout.addWidget(self.plot)
        self.points: list[tuple[str, float]] = []
        self._bars: Any = None

    def set_table(self, table: ReportTable | None) -> bool:
        """Draw the table's chart; False when it has none."""
        self.plot.clear()
        self.points = [] if table is None else chart_points(table)
        if table is None or table.chart is None or not self.points:
            return False
        spec = table.chart
        n = len(self.points)
        values = [v for _l, v in self.points]
        ticks = [list(enumerate(label for label, _v in self.points))]
        plot_item = self.plot.getPlotItem()
        plot_item.setTitle(spec.title, size="10pt")
        if spec.horizontal:
            ys = list(range(n))
            self._bars = pg.BarGraphItem(x0=0, y=ys, height=0.7, width=values, brush=BAR, pen=None)
            plot_item.getAxis("left").setTicks(ticks)
            plot_item.getAxis("bottom").setTicks(None)
            plot_item.invertY(True)
            plot_item.showGrid(x=True, y=False, alpha=0.25)
        else:
            xs = list(range(n))
            self._bars = pg.BarGraphItem(x=xs, height=values, width=0.7, brush=BAR, pen=None)
            step = max(1, n // 12)
            plot_item.getAxis("bottom").setTicks([[t for t in ticks[0] if t[0] % step == 0]])
            plot_item.getAxis("left").setTicks(None)
            plot_item.invertY(False)
            plot_item.showGrid(x=False, y=True, alpha=0.25)
        self.plot.addItem(self._bars)
        self.plot.autoRange()
        return True

    def to_image(self) -> QImage:
        return self.grab().toImage()


__all__ = ["ReportChartWidget", "chart_points"]
