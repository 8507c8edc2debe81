"""A per-clerk timeline in the manner of a Jepsen history: one row per robot clerk, one bar per
attempt, from the moment it clicked to the moment it knew.

A bar's first part (pale) is the time it waited for the lock; the rest is coloured by what came
of it: committed (sold), lost to a conflict, retried (optimistic: the version had moved), caught
by the database constraint (only the safety net stopped it: drawn with a red outline too, so that
the thread strategy's races across processes and the naive way's clashes stand out), "database is
locked", database unreachable. Hover a bar for its exact milliseconds and the winner.

Painting groups the bars by colour (one ``drawRects`` per colour); hit-testing is by arithmetic
and a bisect on each clerk's attempts, which arrive in start order.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence

from PySide6.QtCore import QPoint, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QToolTip, QWidget

from bms_desktop.gui.race_lab.events import Attempt

KIND_COLOURS: dict[str, QColor] = {
    "committed": QColor("#2e7d32"),
    "conflict": QColor("#ef6c00"),
    "retried": QColor("#f9a825"),
    "constraint": QColor("#c62828"),
    "locked": QColor("#6a1b9a"),
    "unreachable": QColor("#546e7a"),
    "busy": QColor("#8d6e63"),
    "error": QColor("#212121"),
}
KIND_WORDS: dict[str, str] = {
    "committed": "committed",
    "conflict": "lost to a conflict",
    "retried": "retried",
    "constraint": "caught by the DB constraint",
    "locked": '"database is locked"',
    "unreachable": "database unreachable",
    "busy": "timed out",
    "error": "error",
}
WAIT_COLOUR = QColor("#cfd8dc")
LABEL_W = 64
AXIS_H = 20
TOP = 4


class TimelineWidget(QWidget):
    """The bars of one run's attempts (``set_run``); call ``refresh`` when more arrived."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMouseTracking(True)
        self.setAccessibleName("Timeline of attempts per clerk")
        self.setMinimumSize(320, 160)
        self._attempts: Sequence[Attempt] = ()
        self._clerks = 0
        self._by_clerk: dict[int, list[Attempt]] = {}
        self._starts: dict[int, list[float]] = {}
        self._seen = 0
        self._span_ms = 1000.0
        self._cache_key: tuple[int, int, float, int] | None = None
        self._cached = 0  # attempts already turned into rectangles
        self._waits: list[QRectF] = []
        self._bars: dict[str, list[QRectF]] = {}
        self._outlined: list[QRectF] = []
        self._font = QFont(self.font())
        self._font.setPointSizeF(max(7.0, self._font.pointSizeF() - 1))

    def sizeHint(self) -> QSize:
        return QSize(900, 360)

    def set_run(self, attempts: Sequence[Attempt], clerks: int) -> None:
        self._attempts = attempts
        self._clerks = clerks
        self._by_clerk = {}
        self._starts = {}
        self._seen = 0
        self._span_ms = 1000.0
        self._cache_key = None
        self.refresh()

    def refresh(self) -> None:
        """Take in the attempts that arrived since the last call."""
        new = self._attempts[self._seen :]
        self._seen = len(self._attempts)
        for a in new:
            self._by_clerk.setdefault(a.clerk, []).append(a)
            self._starts.setdefault(a.clerk, []).append(a.start_ms)
            self._clerks = max(self._clerks, a.clerk)
            if a.end_ms * 1.02 > self._span_ms:  # grow in steps: the bars stay cached between
                self._span_ms = max(self._span_ms * 1.5, a.end_ms * 1.1)
        if new:
            self.update()

    # ------------------------------------------------------------------ geometry

    def _row_h(self) -> float:
        return max(3.0, (self.height() - TOP - AXIS_H) / max(1, self._clerks))

    def _x(self, ms: float) -> float:
        return LABEL_W + (self.width() - LABEL_W - 8) * ms / self._span_ms

    def attempt_at(self, pos: QPoint) -> Attempt | None:
        row_h = self._row_h()
        clerk = int((pos.y() - TOP) // row_h) + 1
        if pos.x() < LABEL_W or not 1 <= clerk <= self._clerks:
            return None
        ms = (pos.x() - LABEL_W) * self._span_ms / max(1, self.width() - LABEL_W - 8)
        attempts = self._by_clerk.get(clerk, [])
        starts = self._starts.get(clerk, [])
        i = bisect.bisect_right(starts, ms)
        slack = 2 * self._span_ms / max(1, self.width())  # a thin bar is still hoverable
        for a in attempts[max(0, i - 3) : i + 1]:
            if a.start_ms - slack <= ms <= a.end_ms + slack:
                return a
        return None

    def bar_rect(self, a: Attempt) -> QRectF:
        row_h = self._row_h()
        gap = 3.0 if row_h > 12 else (1.0 if row_h > 4 else 0.0)
        y = TOP + (a.clerk - 1) * row_h + gap / 2
        x0 = self._x(a.start_ms)
        return QRectF(x0, y, max(1.0, self._x(a.end_ms) - x0), max(2.0, row_h - gap))

    # ------------------------------------------------------------------ painting

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        try:
            self._paint(p)
        finally:
            p.end()

    def _paint(self, p: QPainter) -> None:
        p.fillRect(self.rect(), QColor("#fafafa"))
        p.setFont(self._font)
        row_h = self._row_h()
        p.setPen(QColor("#455a64"))
        label_every = max(1, int(12 // row_h) + 1)
        for clerk in range(1, self._clerks + 1):
            if (clerk - 1) % label_every == 0:
                label_rect = QRect(
                    2, int(TOP + (clerk - 1) * row_h), LABEL_W - 6, int(max(row_h, 12))
                )
                p.drawText(
                    label_rect,
                    Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop,
                    f"Robot {clerk}",
                )
        self._update_cache()
        waits, bars, outlined = self._waits, self._bars, self._outlined
        p.setPen(Qt.PenStyle.NoPen)
        if waits:
            p.setBrush(WAIT_COLOUR)
            p.drawRects(waits)
        for kind, rects in bars.items():
            p.setBrush(KIND_COLOURS[kind])
            p.drawRects(rects)
        if outlined:
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.setPen(QPen(KIND_COLOURS["constraint"], 1.5))
            p.drawRects(outlined)
        self._paint_axis(p)

    def _update_cache(self) -> None:
        """Bars as rectangles, grouped by colour; only new attempts are added unless the size,
        the time span or the number of rows changed."""
        key = (self.width(), self.height(), self._span_ms, self._clerks)
        if key != self._cache_key:
            self._cache_key = key
            self._cached = 0
            self._waits, self._bars, self._outlined = [], {}, []
        attempts = self._attempts[self._cached : self._seen]
        self._cached = self._seen
        for a in attempts:
            r = self.bar_rect(a)
            if a.wait_ms > 0 and r.width() > 2:
                w = min(r.width(), self._x(a.start_ms + a.wait_ms) - r.x())
                if w >= 1:
                    self._waits.append(QRectF(r.x(), r.y(), w, r.height()))
                    r = QRectF(r.x() + w, r.y(), max(1.0, r.width() - w), r.height())
            self._bars.setdefault(a.kind, []).append(r)
            if a.kind == "constraint":
                self._outlined.append(self.bar_rect(a).adjusted(-1, -1, 1, 1))

    def _paint_axis(self, p: QPainter) -> None:
        y = self.height() - AXIS_H
        p.setPen(QColor("#90a4ae"))
        p.drawLine(LABEL_W, y, self.width() - 8, y)
        step = _nice_step(self._span_ms / 8)
        t = 0.0
        p.setPen(QColor("#455a64"))
        while t <= self._span_ms:
            x = int(self._x(t))
            p.drawLine(x, y, x, y + 4)
            text = f"{t / 1000:g} s" if step >= 1000 else f"{t:g} ms"
            p.drawText(QRect(x - 40, y + 4, 80, AXIS_H - 4), Qt.AlignmentFlag.AlignHCenter, text)
            t += step

    # ------------------------------------------------------------------ hover

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        a = self.attempt_at(event.position().toPoint())
        if a is None:
            QToolTip.hideText()
        else:
            QToolTip.showText(event.globalPosition().toPoint(), a.describe(), self)
        super().mouseMoveEvent(event)


def _nice_step(raw: float) -> float:
    for step in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 30_000, 60_000):
        if step >= raw:
            return float(step)
    return 120_000.0
