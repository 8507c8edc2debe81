"""Screenshots of the shift and report screens (issue 11), for ``scripts/screenshots.py``:

* cash-up-1366x768.png: the cash-up dialog over a counter, the drawer counted note by note and
  ₹20 short, a supervisor about to sign off;
* reports-sales-1366x768.png: the Reports window, sales by day over the demo's past business
  days, with its chart;
* seat-heat-map-1366x768.png: the Reports window's seat heat map of an evening show of the past.

The demo database already holds those days (``services.demo_history``): shifts, sales, refunds,
drops and cash-ups at the demo's cinema.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import QRect
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QApplication, QWidget

from bms_desktop.app import connect
from bms_desktop.domain import cash
from bms_desktop.domain.model import Role
from bms_desktop.services import demo, reports, shifts
from bms_desktop.services.context import CounterContext

SIZE = (1366, 768)


def _ctx(box: object, username: str, counter: str, role: Role) -> CounterContext:
    with box.uows() as uow:  # type: ignore[attr-defined]
        staff = uow.staff.by_username(username)
    return CounterContext(counter, staff.staff_id, username, role)


def _shot(widget: QWidget, path: Path, title_strip: Callable[[QPainter, QRect, str], None]) -> None:
    image = QImage(SIZE[0], SIZE[1], QImage.Format.Format_RGB32)
    image.fill(QColor("#D9DDE3"))
    painter = QPainter(image)
    grab = widget.grab().toImage()
    x = (SIZE[0] - grab.width()) // 2 if grab.width() < SIZE[0] else 0
    y = max(30, (SIZE[1] - grab.height() - 30) // 2 + 30) if grab.height() < SIZE[1] - 30 else 30
    title_strip(painter, QRect(x, y - 30, min(grab.width(), SIZE[0]), 30), widget.windowTitle())
    painter.drawImage(x, y, grab)
    painter.end()
    if not image.save(str(path)):
        raise SystemExit(f"could not write {path}")
    print(f"wrote {path} ({image.width()}x{image.height()})")


def shots(
    db_url: str,
    out: Path,
    *,
    spin: Callable[[int], None],
    wait_for: Callable[..., None],
    title_strip: Callable[[QPainter, QRect, str], None],
) -> None:
    wiring = connect(db_url)
    box = wiring.box
    try:
        show = demo.demo_show(box)
        assert show is not None, "the demo has no show on sale"
        demo.prepare_demo_counters(box)
        asha = _ctx(box, "asha", "Counter 1", Role.CLERK)
        boss = _ctx(box, "supervisor", "Office", Role.SUPERVISOR)
        _cash_up(box, asha, out / "cash-up-1366x768.png", spin, title_strip)
        _reports(box, boss, out, spin, wait_for, title_strip)
    finally:
        wiring.close()


def _cash_up(box, asha, path, spin, title_strip) -> None:  # type: ignore[no-untyped-def]
    from bms_desktop.gui.shifts.cash_up_dialog import CashUpDialog

    current = shifts.current_shift(box, asha)
    assert current is not None
    summary = shifts.drawer_summary(box, asha, shift_id=current.shift_id)
    dialog = CashUpDialog(box, asha, summary)
    target = summary.expected - Decimal("20")
    count = _pieces(target)
    for key, n in count.pieces:
        dialog.spins[key].setValue(n)
    if count.other:
        dialog.other_edit.setText(f"{count.other:.2f}")
    dialog.supervisor_edit.setText("supervisor")
    dialog.password_edit.setText("supervisor-demo")
    dialog.notes_edit.setText("one ₹20 note missing")
    dialog.show()
    spin(150)
    dialog.adjustSize()
    spin(100)
    _shot(dialog, path, title_strip)
    dialog.close()


def _pieces(total: Decimal) -> cash.CashCount:
    from bms_desktop.services.demo_history import denominations_of

    return denominations_of(total)


def _reports(box, boss, out, spin, wait_for, title_strip) -> None:  # type: ignore[no-untyped-def]
    from bms_desktop.gui.reports.reports_window import ReportsWindow

    today = cash.business_date(box.now(), "Asia/Kolkata")
    cinemas = reports.cinemas(box)
    show = demo.demo_show(box)
    window = ReportsWindow(box, boss, today=today)
    window.resize(*SIZE)
    window.show()
    wait_for("cinemas", lambda: window.cinema_combo.count() > 1 and not window.is_busy())
    if show is not None:
        window.set_cinema(show.theater_id)
    elif cinemas:
        window.set_cinema(cinemas[0].theater_id)
    window.set_period(today - timedelta(days=3), today)
    window.set_report("sales-by-day")
    wait_for("filters", lambda: not window.is_busy())
    window.run()
    wait_for("the sales report", lambda: window.report() is not None and not window.is_busy())
    spin(300)
    _shot(window, out / "reports-sales-1366x768.png", title_strip)

    window.set_period(today - timedelta(days=1), today - timedelta(days=1))
    window.set_report("seat-heat-map")
    wait_for("the shows", lambda: not window.is_busy() and window.show_combo.count() > 0)
    # the evening show with the most seats sold
    best, best_sold = 0, -1
    for i in range(window.show_combo.count()):
        text = window.show_combo.itemText(i)
        if "sold" in text:
            sold = int(text.rsplit("·", 1)[-1].strip().split("/")[0])
            if sold > best_sold:
                best, best_sold = i, sold
    window.show_combo.setCurrentIndex(best)
    window.run()
    wait_for(
        "the heat map",
        lambda: (
            window.report() is not None
            and window.report().name == "seat-heat-map"
            and not window.is_busy()
        ),
    )
    spin(300)
    _shot(window, out / "seat-heat-map-1366x768.png", title_strip)
    window.close()
    QApplication.processEvents()
