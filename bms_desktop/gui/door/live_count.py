"""The Door window's live counter: people admitted against people on sold tickets, for the show
the door is busy with, updated as any door admits (the change hub) and at once after our own."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QFrame, QLabel, QProgressBar, QSizePolicy, QVBoxLayout, QWidget

from bms_desktop.domain import cinema_time
from bms_desktop.gui.dialogs.common import styled_label
from bms_desktop.services.door_views import DoorShowStatus


def _font(pixels: int, *, bold: bool = False) -> QFont:
    font = QFont()
    font.setPixelSize(pixels)
    font.setBold(bold)
    return font


class LiveCountCard(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("doorLiveCount")
        self.setProperty("class", "card")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 14)
        layout.setSpacing(4)
        self.heading = styled_label("Now at the doors", "heading", self)
        layout.addWidget(self.heading)
        self.show_label = QLabel(self)
        self.show_label.setObjectName("doorLiveShow")
        self.show_label.setWordWrap(True)
        self.show_label.setFont(_font(15, bold=True))
        self.show_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        layout.addWidget(self.show_label)
        self.when_label = styled_label("", "muted", self)
        self.when_label.setObjectName("doorLiveWhen")
        layout.addWidget(self.when_label)
        self.count_label = QLabel(self)
        self.count_label.setObjectName("doorLiveCountValue")
        self.count_label.setFont(_font(44, bold=True))
        self.count_label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        layout.addWidget(self.count_label)
        self.caption = styled_label("admitted / sold", "muted", self)
        layout.addWidget(self.caption)
        self.bar = QProgressBar(self)
        self.bar.setObjectName("doorLiveBar")
        self.bar.setTextVisible(False)
        self.bar.setFixedHeight(10)
        layout.addWidget(self.bar)
        self.status: DoorShowStatus | None = None
        self.opens_minutes = 30
        self.set_status(None)

    def set_status(self, status: DoorShowStatus | None, now: datetime | None = None) -> None:
        self.status = status
        if status is None:
            self.show_label.setText("No show at the doors")
            self.when_label.setText("No show has its doors open in the next few hours.")
            self.count_label.setText("– / –")
            self.bar.setRange(0, 1)
            self.bar.setValue(0)
            return
        show = status.show
        self.show_label.setText(f"{show.movie_title} · {show.screen_name}")
        span = cinema_time.span(show.starts_at, show.ends_at, show.timezone)
        doors = cinema_time.clock(show.doors_open_at, show.timezone)
        self.when_label.setText(
            f"{show.theater_name} · {span} · doors open at {doors}"
            if not status.doors_open
            else f"{show.theater_name} · {span} · doors open"
        )
        self.count_label.setText(f"{status.admitted_people:,} / {status.sold_people:,}")
        self.bar.setRange(0, max(1, status.sold_people))
        self.bar.setValue(min(status.admitted_people, max(1, status.sold_people)))
        self.setToolTip(
            f"{status.admitted_people} of {status.sold_people} people on sold tickets are in"
        )


__all__ = ["LiveCountCard"]
