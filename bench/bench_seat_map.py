"""Seat map paint benchmark: our painted widget against a grid of QPushButtons, in the same run.

Run: .venv/bin/python bench/bench_seat_map.py [--repeat N] [--size WxH] [--png DIR]

For each hall size (300, 2,000, 10,000 seats) it builds a synthetic SeatMap (a realistic mix of
seat types and states), renders full repaints of ``SeatMapWidget`` into a QPixmap with
``QWidget.render`` many times, does the same for a widget holding one QPushButton per seat at the
same seat rectangles, and times a one-seat change (``update_seats`` plus the repaint of that seat's
rectangle). It prints a table; it asserts nothing (DESIGN.md section 7).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QPixmap, QRegion
from PySide6.QtWidgets import QApplication, QPushButton, QWidget

from bms_desktop.domain.model import SeatStatus
from bms_desktop.gui.widgets.seat_map import SeatMapWidget
from bms_desktop.services.dto import SeatMap, SeatTypeView, SeatView, ShowSummary

MY_COUNTER = "Counter 1"
NOW = datetime(2025, 1, 10, 18, 0, tzinfo=UTC)

TYPES = (
    SeatTypeView("GOLD", "Gold", Decimal("150.00"), Decimal("180.00"), 1),
    SeatTypeView("PLATINUM", "Platinum", Decimal("220.00"), Decimal("264.00"), 2),
    SeatTypeView("DIAMOND", "Diamond", Decimal("350.00"), Decimal("420.00"), 3),
)
BUDGETS = {2000: 5.0, 10000: 16.0}  # median full repaint, ms
ONE_SEAT_BUDGET_MS = 1.0
SPEEDUP_BUDGET = 3.0


def _row_label(i: int) -> str:
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    return letters[i] if i < 26 else letters[i // 26 - 1] + letters[i % 26]


def build_seat_map(n_seats: int, *, seed: int = 7, show_id: int = 1) -> SeatMap:
    """A synthetic hall of about ``n_seats`` seats: three blocks split by two aisles, the front
    rows a little narrower, Gold in front, Platinum in the middle, Diamond at the back, a couple of
    wheelchair places with companions, and a plausible spread of sold and held seats."""
    rng = random.Random(seed)
    seat_cols = max(8, round((n_seats * 1.7) ** 0.5))
    rows = max(3, -(-n_seats // (seat_cols - 2)))
    side = max(2, seat_cols // 4)
    middle = seat_cols - 2 * side
    cols = seat_cols + 2  # two aisle columns
    seats: list[SeatView] = []
    sid = 0
    row = -1
    while len(seats) < n_seats:
        row += 1
        trim = max(0, 3 - row) if rows > 6 else 0  # front rows narrower
        label = _row_label(row)
        number = 0
        for block, (start, width) in enumerate(
            ((0, side), (side + 1, middle), (side + middle + 2, side))
        ):
            for i in range(width):
                if (block == 0 and i < trim) or (block == 2 and i >= width - trim):
                    continue
                if len(seats) >= n_seats:
                    break
                col = start + i
                sid += 1
                number += 1
                frac = min(1.0, row / max(1, rows - 1))
                seat_type = TYPES[0] if frac < 0.3 else TYPES[1] if frac < 0.8 else TYPES[2]
                accessible = row == rows - 2 and block != 1 and i in (0, 1)
                companion = row == rows - 2 and block != 1 and i == 2
                # Sales cluster in the middle of the middle block, further back.
                centre = abs(col - cols / 2) / (cols / 2)
                p_sold = 0.55 * (1 - centre) * (0.4 + frac) if block == 1 else 0.12
                roll = rng.random()
                status = SeatStatus.AVAILABLE
                counter: str | None = None
                ticket: int | None = None
                expires: datetime | None = None
                if roll < p_sold:
                    status = SeatStatus.SOLD
                elif roll < p_sold + 0.04:
                    status = SeatStatus.HELD
                    counter = rng.choice(("Counter 2", "Counter 3", "Online"))
                    ticket = 900 + rng.randrange(50)
                    expires = NOW + timedelta(seconds=rng.randrange(20, 300))
                elif roll < p_sold + 0.05:
                    status = SeatStatus.BLOCKED
                seats.append(
                    SeatView(
                        show_seat_id=sid,
                        seat_id=10_000 + sid,
                        label=f"{label}{number}",
                        row_label=label,
                        number=number,
                        col=col,
                        row=row,
                        seat_type=seat_type.code,
                        price=seat_type.min_price,
                        status=status,
                        version=1,
                        accessible=accessible,
                        companion=companion,
                        held_by_counter=counter,
                        held_by_ticket_id=ticket,
                        hold_expires_at=expires,
                    )
                )
    show = ShowSummary(
        show_id=show_id,
        movie_id=1,
        movie_title="Synthetic",
        certificate="UA",
        rating=Decimal("8.1"),
        genre="Drama",
        runtime_min=150,
        language="Hindi",
        format="2D",
        city_name="Pune",
        theater_id=1,
        theater_name="Bench Cinema",
        screen_id=1,
        screen_name="Screen 1",
        starts_at=NOW + timedelta(hours=2),
        ends_at=NOW + timedelta(hours=4, minutes=30),
        seats_total=len(seats),
        seats_available=sum(s.status is SeatStatus.AVAILABLE for s in seats),
    )
    return SeatMap(show, tuple(seats), TYPES, NOW, cols, row + 1)


def hold_some_for_me(seat_map: SeatMap, count: int, *, minutes: int = 4) -> SeatMap:
    """Turn ``count`` available seats near the middle into holds of ``MY_COUNTER``."""
    free = [s for s in seat_map.seats if s.status is SeatStatus.AVAILABLE]
    free.sort(key=lambda s: (abs(s.row - seat_map.rows * 0.6), abs(s.col - seat_map.cols / 2)))
    mine = {s.show_seat_id for s in free[:count]}
    seats = tuple(
        replace(
            s,
            status=SeatStatus.HELD,
            held_by_counter=MY_COUNTER,
            held_by_ticket_id=1,
            hold_expires_at=NOW + timedelta(minutes=minutes, seconds=12),
        )
        if s.show_seat_id in mine
        else s
        for s in seat_map.seats
    )
    return replace(seat_map, seats=seats)


def _time_ms(fn: Callable[[], object], repeat: int) -> list[float]:
    fn()  # warm-up
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def bench_one(
    n: int, width: int, height: int, repeat: int, baseline_cap: int, png_dir: Path | None
) -> dict[str, object]:
    seat_map = hold_some_for_me(build_seat_map(n), 3)
    widget = SeatMapWidget(clock=lambda: NOW)
    widget.resize(width, height)
    widget.set_seat_map(seat_map, my_counter=MY_COUNTER)
    free = [s.show_seat_id for s in seat_map.seats if s.status is SeatStatus.AVAILABLE]
    widget.set_selection(free[len(free) // 2 : len(free) // 2 + 4])
    pixmap = QPixmap(width, height)

    def full() -> None:
        widget.render(pixmap)

    ours = _time_ms(full, repeat)
    if png_dir is not None:
        png_dir.mkdir(parents=True, exist_ok=True)
        pixmap.save(str(png_dir / f"seat_map_{n}.png"))

    # Load: a show arrives (set_seat_map) and is painted for the first time.
    other = replace(seat_map, show=replace(seat_map.show, show_id=seat_map.show.show_id + 1))
    shows = [other, seat_map]

    def load() -> None:
        widget.set_seat_map(shows[0], my_counter=MY_COUNTER)
        shows.reverse()
        widget.render(pixmap)

    load_ms = _time_ms(load, max(5, repeat // 5))
    widget.set_selection(free[len(free) // 2 : len(free) // 2 + 4])

    # Cold: the first paint after a resize (layout, tiles and row groups rebuilt).
    sizes = [(width, height), (width - 1, height)]

    def cold() -> None:
        w, h = sizes[0]
        sizes.reverse()
        widget.resize(w, h)
        widget.render(pixmap)

    cold_ms = _time_ms(cold, max(5, repeat // 5))
    widget.resize(width, height)
    widget.render(pixmap)

    # One seat changes (another counter sells it), then only its rectangle is repainted.
    victim = widget.seat(free[0])
    assert victim is not None
    states = [replace(victim, status=SeatStatus.SOLD, version=2), victim]

    def one_seat() -> None:
        new = states[0]
        states.reverse()
        widget.update_seats([new])
        widget.render(pixmap, QPoint(), QRegion(widget.seat_update_rect(new.show_seat_id)))

    one = _time_ms(one_seat, repeat)

    # Baseline: one QPushButton per seat, same rectangles, same render call.
    grid = QWidget()
    grid.resize(width, height)
    shown = list(seat_map.seats)[: baseline_cap or None]
    with_text = widget.seat_rect(shown[0].show_seat_id).width() >= 22
    for s in shown:
        button = QPushButton(str(s.number) if with_text else "", grid)
        button.setGeometry(widget.seat_rect(s.show_seat_id))
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        button.setEnabled(s.status is SeatStatus.AVAILABLE)
    base_pixmap = QPixmap(width, height)
    base = _time_ms(lambda: grid.render(base_pixmap), max(5, repeat // 4))
    base_median = statistics.median(base)
    if baseline_cap and baseline_cap < len(seat_map.seats):
        base_median *= len(seat_map.seats) / baseline_cap  # scaled: stated in the table
    grid.deleteLater()
    widget.deleteLater()
    QApplication.processEvents()
    return {
        "seats": len(seat_map.seats),
        "cell": widget.seat_rect(free[0]).width(),
        "median": statistics.median(ours),
        "p95": _p95(ours),
        "cold": statistics.median(cold_ms),
        "load": statistics.median(load_ms),
        "base": base_median,
        "base_scaled": bool(baseline_cap and baseline_cap < len(seat_map.seats)),
        "one": statistics.median(one),
        "one_p95": _p95(one),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=60)
    parser.add_argument("--size", default="1280x800", help="render size, WxH")
    parser.add_argument(
        "--baseline-cap",
        type=int,
        default=0,
        help="build at most this many buttons (scaled up linearly); 0 = one per seat",
    )
    parser.add_argument("--png", type=Path, default=None, help="save the rendered maps here")
    args = parser.parse_args(argv)
    width, height = (int(v) for v in args.size.lower().split("x"))
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert app is not None
    print(
        f"Seat map full repaint, {width}x{height}, offscreen raster, QWidget.render into a "
        f"QPixmap, {args.repeat} runs, Qt {__import__('PySide6').__version__}"
    )
    header = (
        f"{'seats':>6} {'seat px':>7} {'ours med':>9} {'ours p95':>9} {'cold':>7} {'load':>7} "
        f"{'buttons':>9} {'speed-up':>9} {'1 seat':>7} {'1s p95':>7}  budget"
    )
    print(header)
    print("-" * (len(header) + 30))
    for n in (300, 2000, 10000):
        row = bench_one(n, width, height, args.repeat, args.baseline_cap, args.png)
        speedup = float(row["base"]) / float(row["median"])  # type: ignore[arg-type]
        verdicts = []
        budget = BUDGETS.get(n)
        if budget is not None:
            ok = float(row["median"]) <= budget  # type: ignore[arg-type]
            verdicts.append(f"median <= {budget:g} ms {'PASS' if ok else 'FAIL'}")
        if n == 2000:
            ok = speedup >= SPEEDUP_BUDGET
            verdicts.append(f">= {SPEEDUP_BUDGET:g}x buttons {'PASS' if ok else 'FAIL'}")
        if n == 10000:
            ok = float(row["one"]) <= ONE_SEAT_BUDGET_MS  # type: ignore[arg-type]
            verdicts.append(f"1 seat <= {ONE_SEAT_BUDGET_MS:g} ms {'PASS' if ok else 'FAIL'}")
        base = f"{row['base']:.2f}{'*' if row['base_scaled'] else ''}"
        print(
            f"{row['seats']:>6} {row['cell']:>7} {row['median']:>9.2f} {row['p95']:>9.2f} "
            f"{row['cold']:>7.2f} {row['load']:>7.2f} {base:>9} {speedup:>8.1f}x "
            f"{row['one']:>7.3f} {row['one_p95']:>7.3f}  {'; '.join(verdicts) or '-'}"
        )
    print(
        "times in ms. cold = first paint after a resize (layout, tiles, row groups rebuilt); "
        "load = set_seat_map() of another show plus its first paint; "
        "1 seat = update_seats() of one seat plus the repaint of its rectangle."
    )
    if args.baseline_cap:
        print("* baseline built with fewer buttons and scaled linearly to the seat count")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
