"""The layout at real scale, in the same painted ``SeatMapWidget`` the clerks sell from.

``preview_seat_map`` builds the ``SeatMap`` DTO the widget takes (a pretend show whose seats are
all available, blocked seats blocked, priced at the seat types' base prices)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QHBoxLayout, QScrollArea, QVBoxLayout, QWidget

from bms_desktop.domain.model import SeatStatus
from bms_desktop.gui.dialogs.common import DialogHeader, styled_button
from bms_desktop.gui.widgets.seat_legend import SeatLegendWidget
from bms_desktop.gui.widgets.seat_map import SeatMapWidget
from bms_desktop.gui.widgets.seat_map_paint import PREFERRED_CELL_PX
from bms_desktop.services.admin.dto import LayoutSeat, SeatTypeChoice
from bms_desktop.services.dto import SeatMap, SeatTypeView, SeatView, ShowSummary

PREVIEW_COUNTER = "Layout preview"


def preview_seat_map(
    seats: Sequence[LayoutSeat],
    seat_types: Sequence[SeatTypeChoice],
    *,
    screen_name: str = "New screen",
    cinema_name: str = "",
    timezone: str = "Asia/Kolkata",
    now: datetime | None = None,
) -> SeatMap:
    moment = now or datetime.now(UTC)
    base = {t.code: t for t in seat_types}
    show = ShowSummary(
        show_id=0,
        movie_id=0,
        movie_title="Layout preview",
        certificate="",
        rating=Decimal(0),
        genre="",
        runtime_min=1,
        language="",
        format="",
        city_name="",
        theater_id=0,
        theater_name=cinema_name,
        screen_id=0,
        screen_name=screen_name,
        starts_at=moment,
        ends_at=moment,
        seats_total=sum(1 for s in seats if not s.blocked),
        seats_available=sum(1 for s in seats if not s.blocked),
        timezone=timezone,
    )
    views = tuple(
        SeatView(
            show_seat_id=i + 1,
            seat_id=i + 1,
            label=s.label,
            row_label=s.row_label,
            number=s.number,
            col=s.col,
            row=s.row,
            seat_type=s.seat_type,
            price=base[s.seat_type].base_price if s.seat_type in base else Decimal(0),
            status=SeatStatus.BLOCKED if s.blocked else SeatStatus.AVAILABLE,
            version=1,
            accessible=s.accessible,
            companion=s.companion,
        )
        for i, s in enumerate(sorted(seats, key=lambda s: (s.row, s.col)))
    )
    used = {s.seat_type for s in seats}
    types = tuple(
        SeatTypeView(t.code, t.name, t.base_price, t.base_price, t.rank)
        for t in sorted(seat_types, key=lambda t: (t.rank, t.code))
        if t.code in used
    )
    cols = max((s.col for s in seats), default=-1) + 1
    rows = max((s.row for s in seats), default=-1) + 1
    return SeatMap(show=show, seats=views, seat_types=types, loaded_at=moment, cols=cols, rows=rows)


class LayoutPreviewDialog(QDialog):
    """The clerks' seat map of the layout, at the size a counter shows it."""

    def __init__(self, seat_map: SeatMap, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("layoutPreviewDialog")
        self.setWindowTitle("Layout preview")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        seats = len(seat_map.seats)
        outer.addWidget(
            DialogHeader(
                f"{seat_map.show.screen_name}: what the clerks will see",
                f"{seats} seats, at the size a counter's map shows them. Prices are the seat "
                "types' base prices; a show's pricing rules apply when it is scheduled.",
                self,
            )
        )
        body = QHBoxLayout()
        body.setContentsMargins(12, 8, 12, 8)
        self.map_widget = SeatMapWidget(self)
        self.map_widget.set_seat_map(seat_map, my_counter=PREVIEW_COUNTER)
        hint = self.map_widget.sizeHint()
        width = seat_map.cols * PREFERRED_CELL_PX + 120
        height = seat_map.rows * PREFERRED_CELL_PX + 110
        self.map_widget.setMinimumSize(max(hint.width(), width), max(hint.height(), height))
        scroll = QScrollArea(self)
        scroll.setWidget(self.map_widget)
        scroll.setWidgetResizable(True)
        scroll.setAlignment(Qt.AlignmentFlag.AlignCenter)
        body.addWidget(scroll, 1)
        self.legend = SeatLegendWidget(self)
        self.legend.set_seat_map(seat_map)
        self.legend.setFixedWidth(190)
        body.addWidget(self.legend, 0, Qt.AlignmentFlag.AlignTop)
        outer.addLayout(body, 1)
        buttons = QHBoxLayout()
        buttons.setContentsMargins(12, 4, 12, 12)
        buttons.addStretch(1)
        close = styled_button("Close", "primary", self)
        close.clicked.connect(self.accept)
        buttons.addWidget(close)
        outer.addLayout(buttons)
        self.resize(1200, 700)

    @classmethod
    def ask(cls, seat_map: SeatMap, parent: QWidget | None = None) -> None:
        dialog = cls(seat_map, parent)
        try:
            if parent is not None:
                screen = parent.screen().availableGeometry()
                dialog.resize(min(1200, screen.width() - 40), min(720, screen.height() - 40))
            dialog.exec()
        finally:
            dialog.deleteLater()
