"""Seat-layout editor benchmark on a 416-seat screen (and a 2,000-seat hall), with the clerks'
SeatMapWidget painting the same seats in the same run as the baseline.

Run: .venv/bin/python bench/bench_layout_editor.py [--repeat N]

Times, offscreen: a full repaint of the editor's canvas; the repaint of a drag band (what moving
the mouse while painting a range costs); one paint stroke (a 14 x 4 range: the undo command, the
model update, the repaint); a full repaint of the clerks' SeatMapWidget holding the same seats
(the preview). It prints a table and asserts nothing (DESIGN.md section 7).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtGui import QPixmap, QRegion
from PySide6.QtWidgets import QApplication

from bms_desktop.gui.admin.layout_editor.editor_dialog import LayoutEditorDialog
from bms_desktop.gui.admin.layout_editor.model import GenerateSpec
from bms_desktop.gui.widgets.seat_map import SeatMapWidget
from bms_desktop.services.admin.dto import ScreenLayout, SeatTypeChoice

TYPES = (
    SeatTypeChoice("GOLD", "Gold", Decimal("150"), 1),
    SeatTypeChoice("PLATINUM", "Platinum", Decimal("200"), 2),
    SeatTypeChoice("DIAMOND", "Diamond", Decimal("300"), 3),
)


def timed(fn: Callable[[], None], repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
    return statistics.median(samples)


def bench(spec: GenerateSpec, repeat: int) -> list[tuple[str, float]]:
    editor = LayoutEditorDialog(ScreenLayout(None, 1, "Bench", 1, (), TYPES))
    editor.generate(spec)
    canvas = editor.canvas
    canvas.set_cell_size(24)
    canvas.resize(canvas.sizeHint())
    target = QPixmap(canvas.size())
    band = canvas.cell_rect((2, 3)).united(canvas.cell_rect((8, 17)))
    rows = [
        ("editor: full repaint", timed(lambda: canvas.render(target), repeat)),
        (
            "editor: drag band repaint",
            timed(lambda: canvas.render(target, sourceRegion=QRegion(band)), repeat),
        ),
    ]
    flip = {"t": "DIAMOND"}
    spec_cols = editor.model.cols

    def stroke() -> None:  # the repaint covers the rows the stroke touched, as update() asks
        flip["t"] = "GOLD" if flip["t"] == "DIAMOND" else "DIAMOND"
        editor.set_tool(("type", flip["t"]))
        editor.paint([(r, c) for r in range(4) for c in range(7, 21)])
        rows = canvas.cell_rect((0, 0)).united(canvas.cell_rect((3, spec_cols - 1)))
        rows.setLeft(0)
        rows.setRight(canvas.width())
        canvas.render(target, sourceRegion=QRegion(rows))

    rows.append(("editor: paint a 14 x 4 range + repaint its rows", timed(stroke, repeat)))
    seat_map = editor.preview_map()
    widget = SeatMapWidget()
    widget.set_seat_map(seat_map, my_counter="bench")  # type: ignore[arg-type]
    widget.resize(canvas.size())
    baseline = QPixmap(widget.size())
    rows.append(
        (
            "baseline: clerks' SeatMapWidget full repaint",
            timed(lambda: widget.render(baseline), repeat),
        )
    )
    editor.deleteLater()
    widget.deleteLater()
    return rows


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    _app = QApplication.instance() or QApplication(sys.argv[:1])
    halls = {
        "416 seats (16 x 6|14|6)": GenerateSpec(
            rows=16, blocks=(6, 14, 6), seat_type="GOLD", cross_aisles_after=(10,)
        ),
        "2,000 seats (40 x 10|30|10)": GenerateSpec(rows=40, blocks=(10, 30, 10), seat_type="GOLD"),
    }
    print(f"{'hall':<30} {'what':<46} {'median ms':>10}")
    for name, spec in halls.items():
        for what, ms in bench(spec, args.repeat):
            print(f"{name:<30} {what:<46} {ms:>10.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
