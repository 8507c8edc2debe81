"""Screenshots of the admin console (issue 8), for docs/screenshots/ (run by screenshots.py).

A new cinema half set up, as its first administrator sees it: the console with the
getting-started checklist (three of five steps done), and the seat-layout editor on its 416-seat
screen (two aisles, a cross aisle, Platinum middle rows, a Diamond block at the back, wheelchair
spaces with companion seats, one blocked seat), plus the layout's preview in the clerks' map.

Outputs: admin-console-1366x768.png, admin-console-1920x1080.png,
layout-editor-1366x768.png, layout-editor-1920x1080.png, layout-preview-1366x768.png.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtGui import QImage
from PySide6.QtWidgets import QWidget

from bms_desktop.app import connect
from bms_desktop.domain.model import Role
from bms_desktop.gui.admin.admin_window import AdminWindow
from bms_desktop.gui.admin.layout_editor.editor_dialog import LayoutEditorDialog
from bms_desktop.gui.admin.layout_editor.model import Cell, GenerateSpec, LayoutModel, generate
from bms_desktop.gui.admin.layout_editor.preview import LayoutPreviewDialog
from bms_desktop.services import auth
from bms_desktop.services.admin import movies, places, screens, setup
from bms_desktop.services.admin.dto import CinemaInput, CityInput, MovieInput
from bms_desktop.services.context import BoxOffice, CounterContext

TITLE_BAR = 30


def new_cinema(db: Path) -> tuple[BoxOffice, CounterContext, object]:
    wiring = connect(f"sqlite:///{db}")
    box = wiring.box
    admin = auth.create_first_admin(
        box, username="anita", full_name="Anita Rao", password="opening-night"
    )
    ctx = CounterContext("Back office", admin.staff_id, admin.username, Role.ADMIN)
    setup.ensure_seat_types(box, ctx)
    pune = places.create_city(box, ctx, CityInput("Pune", "Maharashtra"))
    places.create_city(box, ctx, CityInput("Mumbai", "Maharashtra"))
    cinema = places.create_cinema(
        box,
        ctx,
        CinemaInput(
            pune.city_id,
            "Galaxy Talkies",
            "12 FC Road\nPune 411004",
            "Asia/Kolkata",
            "27AAPFU0939F1ZV",
            "020 2553 1234",
        ),
    )
    model = LayoutModel()
    model.set_state(
        generate(
            GenerateSpec(rows=16, blocks=(6, 14, 6), seat_type="GOLD", cross_aisles_after=(10,))
        )
    )
    changes: dict[tuple[int, int], Cell | None] = {}
    for r, c in model.cells:
        if 4 <= r <= 10:
            changes[(r, c)] = Cell("PLATINUM")
        if r >= 12 and 7 <= c <= 20:
            changes[(r, c)] = Cell("DIAMOND")
    for pos in ((4, 0), (4, 27)):
        changes[pos] = Cell("PLATINUM", accessible=True)
    for pos in ((4, 1), (4, 26)):
        changes[pos] = Cell("PLATINUM", companion=True)
    changes[(14, 3)] = Cell("GOLD", blocked=True)
    model.apply(changes)
    screens.create_screen(
        box, ctx, theater_id=cinema.theater_id, name="Screen 1", seats=model.to_seats()
    )
    movies.create_movie(
        box,
        ctx,
        MovieInput(
            "The Long Monsoon",
            "Hindi, English",
            "Drama",
            "7.8",
            "UA",
            142,
            "Two sisters and a river.",
            date(2030, 3, 1),
        ),
    )
    return box, ctx, wiring


def admin_shots(
    out: Path,
    work: Path,
    *,
    with_title: Callable[[QWidget], QImage],
    wait_for: Callable[[str, Callable[[], bool]], None],
    spin: Callable[[int], None],
) -> list[Path]:
    box, ctx, wiring = new_cinema(work / "admin.db")
    written: list[Path] = []

    def save(image: QImage, name: str) -> None:
        path = out / name
        if not image.save(str(path)):
            raise SystemExit(f"could not write {path}")
        written.append(path)
        print(f"wrote {path} ({image.width()}x{image.height()})")

    try:
        for width, height in ((1366, 768), (1920, 1080)):
            window = AdminWindow(box, ctx, show_checklist=True, db_label="boxoffice.db")
            window.resize(width, height - TITLE_BAR)
            window.show()
            window.show_area("screens")
            area = window.area("screens")
            wait_for(
                "the screens",
                lambda a=area, w=window: not a.is_loading() and w.checklist.progress is not None,
            )
            area.table.select_key(area.table.records()[0].screen_id)
            spin(150)
            save(with_title(window), f"admin-console-{width}x{height}.png")

            layout = screens.screen_layout(box, ctx, area.table.records()[0].screen_id)
            editor = LayoutEditorDialog(layout, window, cinema_name="Galaxy Talkies")
            editor.resize(width, height - TITLE_BAR)
            editor.show()
            spin(150)
            editor.canvas.selected_row = 4  # the wheelchair row, as if its label was clicked
            editor._on_canvas_row_clicked(4)
            editor.set_tool(("accessible", None))
            editor.hover_label.setText(editor.canvas.describe((4, 0)))
            spin(100)
            save(with_title(editor), f"layout-editor-{width}x{height}.png")
            if width == 1366:
                preview = LayoutPreviewDialog(editor.preview_map(), editor)  # type: ignore[arg-type]
                preview.resize(width, height - TITLE_BAR)
                preview.show()
                spin(150)
                save(with_title(preview), f"layout-preview-{width}x{height}.png")
                preview.close()
            editor.close()
            window.close()
    finally:
        wiring.close()  # type: ignore[attr-defined]
    return written
