"""The Reports window: the service's figures in Qt item models, a chart, the seat heat map
painted on the seat-map widget, CSV and PDF export (pytest-qt, offscreen, SQLite)."""

# ruff: noqa: F811 - the fixtures come from tests.gui.shift_support

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from pypdf import PdfReader
from PySide6.QtGui import QColor, QImage

from bms_desktop.domain.errors import PermissionDenied
from bms_desktop.domain.model import Role
from bms_desktop.gui.reports.heat_map import HeatMapWidget, heat_colour
from bms_desktop.gui.reports.report_table_model import IsTotalRole, ReportTableModel
from bms_desktop.gui.reports.reports_window import ReportsWindow, open_reports_window
from bms_desktop.services import queries, reports, shifts
from bms_desktop.services.report_model import ReportFilter
from tests.gui.shift_support import people, sbox, sworld  # noqa: F401
from tests.support.builders import clerk
from tests.support.shift_support import sell

TODAY = date(2030, 3, 4)


@pytest.fixture
def sales(sbox: Any, sworld: Any, people: Any, clock: Any) -> list[Any]:
    ctx = people["asha"].at("Counter 1")
    shifts.open_shift(sbox, ctx, theater_id=sworld.theater_id, opening_float="500")
    done = []
    for i, mode in enumerate(("CASH", "UPI", "CREDIT_CARD", "UPI")):
        clock.advance(minutes=3)
        seats = sworld.seat_ids[i * 3 : i * 3 + 3]
        done.append(sell(sbox, ctx, sworld.show_id, seats, mode=mode, tendered="1000"))
    return done


def _window(qtbot: Any, sbox: Any, people: Any, tmp_path: Any) -> ReportsWindow:
    window = ReportsWindow(sbox, people["suresh"].at("Office"), today=TODAY,
                           export_folder=tmp_path)  # fmt: skip
    qtbot.addWidget(window)
    window.resize(1366, 740)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(
        lambda: window.cinema_combo.count() > 1 and not window.is_busy(), timeout=10_000
    )
    return window


def _run(qtbot: Any, window: ReportsWindow, name: str) -> None:
    window.set_report(name)
    qtbot.waitUntil(lambda: not window.is_busy(), timeout=10_000)
    window.run()
    qtbot.waitUntil(lambda: window.report() is not None and window.report().name == name
                    and not window.is_busy(), timeout=10_000)  # fmt: skip


def test_the_table_model_passes_the_model_tester(qtmodeltester, sbox, sworld, sales):
    report = reports.run_report(sbox, clerk("Office", role=Role.SUPERVISOR), "sales-by-mode",
                                ReportFilter(TODAY, TODAY))  # fmt: skip
    model = ReportTableModel()
    model.set_table(report.tables[0])
    qtmodeltester.check(model)
    last = model.index(model.rowCount() - 1, 0)
    assert model.data(last) == "Total" and model.data(last, IsTotalRole) is True
    model.sort(2)
    assert model.data(model.index(model.rowCount() - 1, 0)) == "Total"  # totals stay last


def test_the_window_shows_the_services_figures_with_a_chart(qtbot, sbox, sworld, people, sales,
                                                            tmp_path):  # fmt: skip
    window = _window(qtbot, sbox, people, tmp_path)
    _run(qtbot, window, "sales-by-mode")
    same = reports.run_report(sbox, people["suresh"].at("Office"), "sales-by-mode",
                              window.current_filter())  # fmt: skip
    model = window.table_model(0)
    taken_col = same.tables[0].column("taken")
    assert model.rowCount() == len(same.tables[0].rows) + 1
    total = model.data(model.index(model.rowCount() - 1, taken_col))
    assert total == f"₹{same.tables[0].totals[taken_col]:,.2f}"
    assert window.visual.isVisible() and window.visual.currentIndex() == 0
    assert [label for label, _v in window.chart.points] == ["UPI", "Card", "Cash"]
    assert window.title_label.text() == "Sales by payment mode"


def test_csv_and_pdf_export(qtbot, sbox, sworld, people, sales, tmp_path, monkeypatch):
    window = _window(qtbot, sbox, people, tmp_path)
    _run(qtbot, window, "sales-by-day")
    target = tmp_path / "out.csv"
    monkeypatch.setattr(window, "ask_save_path", lambda *_a: target)
    window.csv_button.click()
    rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert rows[0][0] == "Business day" and rows[-1][0] == "Total"
    total = sum((s.total for s in sales), Decimal("0.00"))
    assert Decimal(rows[-1][4]) == total
    pdf = tmp_path / "out.pdf"
    monkeypatch.setattr(window, "ask_save_path", lambda *_a: pdf)
    window.pdf_button.click()
    text = " ".join((p.extract_text() or "") for p in PdfReader(str(pdf)).pages)
    assert "Sales" in text and f"{total:,.2f}" in text.replace("\t", " ")
    assert "Saved out.pdf" in window.message.text()


def test_the_heat_map_paints_the_first_seats_sold_hottest(qtbot, sbox, sworld, people, sales,
                                                          tmp_path):  # fmt: skip
    window = _window(qtbot, sbox, people, tmp_path)
    window.set_period(TODAY, TODAY + timedelta(days=2))
    window.set_report("seat-heat-map")
    qtbot.waitUntil(lambda: window.show_combo.currentData() == sworld.show_id, timeout=10_000)
    _run(qtbot, window, "seat-heat-map")
    assert window.visual.currentIndex() == 1 and window.heat_map.isVisible()
    heat = window.heat_map
    first, last = sworld.seat_ids[0], sworld.seat_ids[11]
    assert heat.heat_of(first) == Decimal("1.00") and heat.heat_of(last) is not None
    never = sworld.seat_ids[-1]
    assert heat.heat_of(never) is None
    image: QImage = heat.grab().toImage()
    for sid, expected in ((first, heat_colour(1.0)), (never, heat_colour(None))):
        centre = heat.seat_rect(sid).center()
        dpr = image.devicePixelRatio()
        pixel = image.pixelColor(int(centre.x() * dpr), int(centre.y() * dpr))
        assert _close(pixel, expected), (sid, pixel.name(), expected.name())
    window.heat_screen.setChecked(True)  # one show in the period: the same picture
    assert heat.heat_of(first) == Decimal("1.00")


def test_the_heat_map_widget_ignores_clicks_and_keys(qtbot, sbox, sworld, sales):
    widget = HeatMapWidget()
    qtbot.addWidget(widget)
    widget.resize(600, 400)
    smap = queries.get_seat_map(sbox, sworld.show_id)
    widget.set_heat(smap, {sworld.seat_ids[0]: Decimal("1.00")})
    widget.show()
    qtbot.waitExposed(widget)
    from PySide6.QtCore import Qt

    qtbot.mouseClick(
        widget, Qt.MouseButton.LeftButton, pos=widget.seat_rect(sworld.seat_ids[5]).center()
    )
    assert widget.selected_ids() == ()
    assert "heat 1.00" in widget.tooltip_text(sworld.seat_ids[0])


def test_a_clerk_gets_no_reports_window(qtbot, sbox, people):
    with pytest.raises(PermissionDenied):
        open_reports_window(sbox, people["asha"].at("Counter 1"))


def test_a_refusal_shows_in_the_window(qtbot, sbox, sworld, people, tmp_path):
    window = _window(qtbot, sbox, people, tmp_path)
    window.set_report("z-report")
    window.cinema_combo.setCurrentIndex(0)  # all cinemas: the Z report needs one
    window.run()
    qtbot.waitUntil(lambda: not window.is_busy() and window.message.isVisible(), timeout=10_000)
    assert "for one cinema" in window.message.text()


def _close(a: QColor, b: QColor, tolerance: int = 12) -> bool:
    return all(abs(x - y) <= tolerance for x, y in
               ((a.red(), b.red()), (a.green(), b.green()), (a.blue(), b.blue())))  # fmt: skip
