"""Screenshots of the admin console's pricing (issue 8, admin-B), for docs/screenshots/ (run by
screenshots.py with the admin pictures).

The new cinema of ``admin_screenshots.new_cinema`` (Galaxy Talkies, a 416-seat screen, one
movie) priced as the reference README prices: Platinum x1.5, weekends x1.2, prime time
18:00-22:00 x1.3, plus a late-night discount that wraps midnight and a premiere base price for
the movie; then the Pricing area with its price matrix, and the rule dialog previewing a change
(the cells it changes are underlined).

Outputs: price-matrix-1366x768.png, price-matrix-1920x1080.png, pricing-rule-preview-1366x768.png.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from PySide6.QtGui import QImage
from PySide6.QtWidgets import QWidget

from bms_desktop.gui.admin.admin_window import AdminWindow
from bms_desktop.gui.admin.pricing_dialogs import PricingRuleDialog
from bms_desktop.services.admin import pricing
from bms_desktop.services.admin.dto_pricing import PricingRuleInput, SeatTypeInput
from bms_desktop.services.context import BoxOffice, CounterContext

TITLE_BAR = 30
WEEKEND = 0b110_0000


def price_it(box: BoxOffice, ctx: CounterContext) -> None:
    for code, name, price, rank in (
        ("GOLD", "Gold", "120", 1),
        ("PLATINUM", "Platinum", "120", 2),
        ("DIAMOND", "Diamond", "180", 3),
    ):
        pricing.update_seat_type(box, ctx, code, SeatTypeInput(code, name, price, rank))
    data = pricing.pricing_data(box, ctx)
    movie_id = data.movies[0].id if data.movies else None
    for rule in (
        PricingRuleInput("Platinum seats", "SEAT_TYPE", "1.5", seat_type="PLATINUM"),
        PricingRuleInput("Weekend", "DAY_OF_WEEK", "1.2", days_mask=WEEKEND),
        PricingRuleInput(
            "Prime time", "TIME_WINDOW", "1.3", start_time=dt.time(18), end_time=dt.time(22)
        ),
        PricingRuleInput(
            "Late night", "TIME_WINDOW", "0.8", start_time=dt.time(23), end_time=dt.time(2)
        ),
        PricingRuleInput(
            "Premiere week",
            "THEATER_MOVIE",
            base_price="150",
            movie_id=movie_id,
            seat_type="DIAMOND",
            priority=1,
        ),
    ):
        pricing.create_pricing_rule(box, ctx, rule)


def pricing_shots(
    box: BoxOffice,
    ctx: CounterContext,
    out: Path,
    *,
    with_title: Callable[[QWidget], QImage],
    wait_for: Callable[[str, Callable[[], bool]], None],
    spin: Callable[[int], None],
) -> list[Path]:
    price_it(box, ctx)
    written: list[Path] = []

    def save(image: QImage, name: str) -> None:
        path = out / name
        if not image.save(str(path)):
            raise SystemExit(f"could not write {path}")
        written.append(path)
        print(f"wrote {path} ({image.width()}x{image.height()})")

    for width, height in ((1366, 768), (1920, 1080)):
        window = AdminWindow(box, ctx, show_checklist=False, db_label="boxoffice.db")
        window.resize(width, height - TITLE_BAR)
        window.show()
        window.show_area("pricing")
        area = window.area("pricing")
        wait_for("the prices", lambda a=area: not a.is_loading() and a.matrix.matrix() is not None)
        spin(150)
        save(with_title(window), f"price-matrix-{width}x{height}.png")
        if width == 1366:
            data = pricing.pricing_data(box, ctx)
            weekend = next(r for r in pricing.list_pricing_rules(box, ctx) if r.name == "Weekend")
            dialog = PricingRuleDialog(box, ctx, weekend, window, data=data)
            dialog.resize(1300, 660)
            dialog.show()
            dialog.multiplier_edit.setText("1.25")
            dialog.day_checks[4].setChecked(True)  # Friday joins the weekend
            spin(150)
            save(with_title(dialog), f"pricing-rule-preview-{width}x{height}.png")
            dialog.close()
        window.close()
    return written
